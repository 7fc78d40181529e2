/* journal.c -- the undo journal of a commit to a file, and its recovery
   (see journal.h).

   The format, all numbers 8 bytes little-endian:
     "BPOKEJ2\n", device, inode, old size, new size, number of ranges;
     each range: offset, length, 1 if its old bytes follow (0 for a
     range past the old size), the old bytes, the new bytes;
     a checksum (FNV-1a, 64 bits) of everything before it.

   Why both old and new bytes: after a crash, each journaled byte of the
   file holds its old value, its new value, or (a write cut short) the
   old one still.  Any other value means the file is not the one the
   journal was made for, or was changed since, and then replaying the
   journal would destroy data rather than restore it.  The device number
   is recorded but not required to match: it can change when the file
   system is mounted again (after the very crash the journal is for).  */

#define _GNU_SOURCE 1
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "iodev.h"
#include "util.h"

static const char magic[8] = "BPOKEJ2\n";
enum { HDR = 48, RANGE_HDR = 24 };

struct journal
{
  char *path;                   /* The journal's; NULL: memory only.  */
  strbuf buf;                   /* Header and ranges, as on disk.  */
  uint64_t nranges, osize, nsize;
  int fd;                       /* Holds the lock while linked.  */
  bool linked;
};

static void
put64 (unsigned char *b, uint64_t x)
{
  for (int i = 0; i < 8; i++)
    b[i] = (unsigned char) (x >> (8 * i));
}

static uint64_t
get64 (const unsigned char *b)
{
  uint64_t x = 0;
  for (int i = 7; i >= 0; i--)
    x = x << 8 | b[i];
  return x;
}

static void
sb_put64 (strbuf *sb, uint64_t x)
{
  unsigned char b[8];
  put64 (b, x);
  sb_putn (sb, (const char *) b, 8);
}

static uint64_t
fnv (const void *buf, size_t n)
{
  const unsigned char *p = buf;
  uint64_t h = UINT64_C (0xcbf29ce484222325);
  for (size_t i = 0; i < n; i++)
    h = (h ^ p[i]) * UINT64_C (0x100000001b3);
  return h;
}

char *
journal_path (const char *path)
{
  size_t n = strlen (path);
  char *j = xmalloc (n + sizeof ".bpoke-journal");
  memcpy (j, path, n);
  memcpy (j + n, ".bpoke-journal", sizeof ".bpoke-journal");
  return j;
}

journal *
journal_new (const char *path, const struct stat *st, uint64_t osize,
             uint64_t nsize)
{
  journal *j = xcalloc (1, sizeof *j);
  j->path = path ? journal_path (path) : NULL;
  j->fd = -1;
  j->osize = osize;
  j->nsize = nsize;
  sb_init (&j->buf);
  sb_putn (&j->buf, magic, 8);
  sb_put64 (&j->buf, st ? (uint64_t) st->st_dev : 0);
  sb_put64 (&j->buf, st ? (uint64_t) st->st_ino : 0);
  sb_put64 (&j->buf, osize);
  sb_put64 (&j->buf, nsize);
  sb_put64 (&j->buf, 0);
  return j;
}

void
journal_add (journal *j, uint64_t off, size_t n, const unsigned char *old,
             const unsigned char *new)
{
  sb_put64 (&j->buf, off);
  sb_put64 (&j->buf, n);
  sb_put64 (&j->buf, old != NULL);
  if (old)
    sb_putn (&j->buf, (const char *) old, n);
  sb_putn (&j->buf, (const char *) new, n);
  put64 ((unsigned char *) j->buf.data + 40, ++j->nranges);
}

/* A journal's header and ranges, read from memory.  */
typedef struct jview
{
  uint64_t dev, ino, osize, nsize, nranges;
  const unsigned char *at, *end;        /* The ranges.  */
} jview;

typedef struct jrange
{
  uint64_t off, len;
  const unsigned char *old, *new;       /* OLD may be NULL.  */
} jrange;

static bool
view_init (jview *v, const unsigned char *buf, size_t len)
{
  if (len < HDR || memcmp (buf, magic, 8) != 0)
    return false;
  v->dev = get64 (buf + 8);
  v->ino = get64 (buf + 16);
  v->osize = get64 (buf + 24);
  v->nsize = get64 (buf + 32);
  v->nranges = get64 (buf + 40);
  v->at = buf + HDR;
  v->end = buf + len;
  return v->osize <= v->nsize;
}

/* The next range of V into R; false at the end or if malformed (then
   V->at is not at V->end).  */
static bool
view_next (jview *v, jrange *r)
{
  size_t left = (size_t) (v->end - v->at);
  if (left < RANGE_HDR)
    return false;
  r->off = get64 (v->at);
  r->len = get64 (v->at + 8);
  uint64_t has_old = get64 (v->at + 16);
  if (has_old > 1 || r->len > (left - RANGE_HDR) / (has_old + 1)
      || r->off + r->len < r->off)
    return false;
  r->old = has_old ? v->at + RANGE_HDR : NULL;
  r->new = v->at + RANGE_HDR + has_old * r->len;
  v->at += RANGE_HDR + (has_old + 1) * r->len;
  /* Old bytes lie below the old size, new-only ones past it.  */
  return has_old ? r->off + r->len <= v->osize : r->off >= v->osize;
}

/* The next range of V with old bytes below UPTO, cut at UPTO.  */
static bool
next_old (jview *v, uint64_t upto, jrange *r)
{
  while (view_next (v, r))
    if (r->old && r->off < upto)
      {
        if (upto - r->off < r->len)
          r->len = upto - r->off;
        return true;
      }
  return false;
}

/* Put the old bytes of V below UPTO back on FD, and its old size if
   SHRINK.  */
static ios_err
undo (jview v, int fd, bool shrink, uint64_t upto)
{
  if (shrink)
    {
      iodev_step ();
      if (ftruncate (fd, (off_t) v.osize) < 0)
        return iodev_fail ("making it %llu bytes long again: %s",
                           (unsigned long long) v.osize, strerror (errno));
    }
  jrange r;
  while (next_old (&v, upto, &r))
    if (iodev_pwrite (fd, r.old, r.len, r.off) != IOS_OK)
      return IOS_EIO;
  iodev_step ();
  if (fsync (fd) < 0 && errno != EINVAL)
    return iodev_fail ("fsync: %s", strerror (errno));
  return IOS_OK;
}

ios_err
journal_undo (journal *j, iodev *d, uint64_t upto)
{
  jview v;
  view_init (&v, (const unsigned char *) j->buf.data, j->buf.len);
  if (d->fd >= 0)
    return undo (v, d->fd, j->nsize != j->osize, upto);
  /* A device without a descriptor (NBD) has a fixed size: through its
     operations.  */
  jrange r;
  while (next_old (&v, upto, &r))
    if (d->ops->write (d, r.off, r.old, r.len) != IOS_OK)
      return IOS_EIO;
  return d->ops->sync (d);
}

/* Give the complete journal in FD its name; errno set on failure.  */
static bool
link_journal (journal *j, int fd, const char *tmpname)
{
  if (tmpname)
    {
      if (link (tmpname, j->path) == 0)
        return true;
      if (errno == EEXIST)
        return false;
      /* A file system without hard links.  */
      return renameat2 (AT_FDCWD, tmpname, AT_FDCWD, j->path,
                        RENAME_NOREPLACE) == 0;
    }
  char proc[64];
  snprintf (proc, sizeof proc, "/proc/self/fd/%d", fd);
  return linkat (AT_FDCWD, proc, AT_FDCWD, j->path, AT_SYMLINK_FOLLOW) == 0;
}

/* Create, fill and name the journal file, through an unnamed file when
   the file system has them (so that a crash leaves nothing behind),
   else a new file of a unique name.  */
static ios_err
write_file (journal *j, bool unnamed)
{
  char *dir = xstrdup (j->path), *slash = strrchr (dir, '/');
  if (slash)
    *(slash == dir ? slash + 1 : slash) = '\0';
  else
    strcpy (dir, ".");
  char *tmpname = NULL;
  int fd;
  if (unnamed)
    fd = open (dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  else
    {
      tmpname = xmalloc (strlen (j->path) + 8);
      sprintf (tmpname, "%s.XXXXXX", j->path);
      fd = mkostemp (tmpname, O_CLOEXEC);
    }
  ios_err e = IOS_OK;
  if (fd < 0)
    {
      if (errno == EACCES || errno == EPERM || errno == EROFS)
        e = IOS_OK;     /* No journal where the directory is read-only.  */
      else if (unnamed)
        e = write_file (j, false);
      else
        e = iodev_fail ("creating a journal in %s: %s", dir,
                        strerror (errno));
      free (dir);
      free (tmpname);
      return e;
    }
  flock (fd, LOCK_EX);
  if (iodev_pwrite (fd, j->buf.data, j->buf.len, 0) != IOS_OK)
    {
      char reason[512];
      snprintf (reason, sizeof reason, "%s", iodev_why ());
      e = iodev_fail ("writing the journal %s: %s", j->path, reason);
    }
  else
    {
      iodev_step ();
      if (fsync (fd) < 0)
        e = iodev_fail ("writing the journal %s: fsync: %s", j->path,
                        strerror (errno));
    }
  if (e == IOS_OK)
    {
      iodev_step ();
      if (link_journal (j, fd, tmpname))
        {
          j->linked = true;
          j->fd = fd;
          iodev_sync_dir (j->path);
        }
      else if (errno == EEXIST)
        e = iodev_fail ("%s is in the way: a journal that bpoke did not "
                        "replay when it opened the file (see what it said "
                        "then); move it away to write the file", j->path);
      else if (unnamed)
        {
          close (fd);
          fd = -1;
          e = write_file (j, false);
        }
      else
        e = iodev_fail ("naming the journal %s: %s", j->path,
                        strerror (errno));
    }
  if (tmpname)
    unlink (tmpname);
  if (fd >= 0 && !j->linked)
    close (fd);
  free (tmpname);
  free (dir);
  return e;
}

ios_err
journal_write (journal *j)
{
  if (!j->path)
    return IOS_OK;
  sb_put64 (&j->buf, fnv (j->buf.data, j->buf.len));
  ios_err e = write_file (j, true);
  j->buf.len -= 8;              /* Ranges are read from memory again.  */
  return e;
}

bool
journal_on_disk (const journal *j)
{
  return j->linked;
}

void
journal_end (journal *j, bool keep_file)
{
  if (!j)
    return;
  if (j->linked && !keep_file)
    {
      /* Remove it only if the name is still ours.  */
      struct stat a, b;
      if (fstat (j->fd, &a) == 0 && lstat (j->path, &b) == 0
          && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
        {
          iodev_step ();
          unlink (j->path);
          iodev_sync_dir (j->path);
        }
    }
  if (j->fd >= 0)
    close (j->fd);
  free (j->path);
  sb_free (&j->buf);
  free (j);
}

/* Recovery.  */

/* Does V belong to the file on FD, now SIZE bytes long?  *TOUCHED is
   set if the commit had started changing it.  */
static bool
matches (jview v, int fd, uint64_t size, bool *touched, char *why,
         size_t whylen)
{
  *touched = size != v.osize;
  jrange r;
  unsigned char *cur = NULL;
  bool ok = true;
  while (ok && view_next (&v, &r))
    {
      if (!r.old && size == v.osize)
        continue;               /* Growth not made yet.  */
      cur = xrealloc (cur, r.len ? r.len : 1);
      if (iodev_pread (fd, cur, r.len, r.off) != IOS_OK)
        {
          snprintf (why, whylen, "reading the file: %s", iodev_why ());
          ok = false;
          break;
        }
      for (uint64_t i = 0; i < r.len; i++)
        {
          unsigned char was = r.old ? r.old[i] : 0;
          if (cur[i] != was && cur[i] != r.new[i])
            {
              snprintf (why, whylen, "the byte at offset %#llx is %#x, "
                        "neither the %#x it was nor the %#x being written",
                        (unsigned long long) (r.off + i), cur[i], was,
                        r.new[i]);
              ok = false;
              break;
            }
          if (cur[i] != was)
            *touched = true;
        }
    }
  free (cur);
  return ok;
}

/* Read the whole of JFD (LEN bytes) and check its form.  */
static bool
load (int jfd, size_t len, unsigned char **out, jview *v, char *why,
      size_t whylen)
{
  unsigned char *buf = xmalloc (len + 1);
  *out = buf;
  if (len < HDR + 8 || iodev_pread (jfd, buf, len, 0) != IOS_OK)
    {
      snprintf (why, whylen, "it is too short to be a journal");
      return false;
    }
  if (memcmp (buf, magic, 8) != 0)
    {
      snprintf (why, whylen, memcmp (buf, "BPOKEJ", 6) == 0
                ? "it is a journal of another version of bpoke"
                : "it is not a bpoke journal");
      return false;
    }
  if (get64 (buf + len - 8) != fnv (buf, len - 8) || !view_init (v, buf,
                                                                  len - 8))
    {
      snprintf (why, whylen, "it is damaged (its checksum is wrong)");
      return false;
    }
  jview w = *v;
  jrange r;
  uint64_t n = 0;
  while (view_next (&w, &r))
    n++;
  if (w.at != w.end || n != v->nranges)
    {
      snprintf (why, whylen, "it is damaged (its ranges are malformed)");
      return false;
    }
  return true;
}

journal_verdict
journal_recover (const char *path, int fd, bool replay, char *why,
                 size_t whylen)
{
  char *jp = journal_path (path);
  unsigned char *buf = NULL;
  journal_verdict verdict = JOURNAL_INVALID;
  struct stat jst, lst, st;
  jview v;
  int jfd = open (jp, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  *why = '\0';
  if (jfd < 0)
    {
      if (errno == ENOENT)
        verdict = JOURNAL_NONE;
      else
        snprintf (why, whylen, "%s", errno == ELOOP
                  ? "it is a symbolic link" : strerror (errno));
      goto out;
    }
  if (fstat (jfd, &jst) < 0 || !S_ISREG (jst.st_mode))
    {
      snprintf (why, whylen, "it is not a regular file");
      goto out;
    }
  if (flock (jfd, (replay ? LOCK_EX : LOCK_SH) | LOCK_NB) < 0)
    {
      verdict = JOURNAL_BUSY;
      goto out;
    }
  /* Its writer may have removed it between our open and our lock.  */
  if (lstat (jp, &lst) < 0 || lst.st_ino != jst.st_ino
      || lst.st_dev != jst.st_dev)
    {
      verdict = JOURNAL_NONE;
      goto out;
    }
  if (!load (jfd, (size_t) jst.st_size, &buf, &v, why, whylen))
    goto out;
  verdict = JOURNAL_FOREIGN;
  if (fstat (fd, &st) < 0)
    {
      snprintf (why, whylen, "fstat: %s", strerror (errno));
      goto out;
    }
  uint64_t size = S_ISREG (st.st_mode) ? (uint64_t) st.st_size : v.osize;
  bool touched;
  if ((uint64_t) st.st_ino != v.ino)
    snprintf (why, whylen, "it was made for another file (inode %llu, "
              "not %llu)", (unsigned long long) v.ino,
              (unsigned long long) st.st_ino);
  else if (size != v.osize && size != v.nsize)
    snprintf (why, whylen, "the file is %llu bytes long, neither the %llu "
              "bytes it had nor the %llu it was to have",
              (unsigned long long) size, (unsigned long long) v.osize,
              (unsigned long long) v.nsize);
  else if (matches (v, fd, size, &touched, why, whylen))
    {
      if (!replay)
        verdict = JOURNAL_PENDING;
      else if (touched && undo (v, fd, size != v.osize, UINT64_MAX)
                          != IOS_OK)
        {
          snprintf (why, whylen, "%s", iodev_why ());
          verdict = JOURNAL_FAILED;
        }
      else
        {
          verdict = touched ? JOURNAL_APPLIED : JOURNAL_UNUSED;
          iodev_step ();
          unlink (jp);
          iodev_sync_dir (jp);
        }
    }
out:
  if (jfd >= 0)
    close (jfd);
  free (buf);
  free (jp);
  return verdict;
}
