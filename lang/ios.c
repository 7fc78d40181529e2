/* ios.c -- IO spaces: devices, the page cache above them, transactions
   with an undo journal, and integers at any bit offset.

   A space with a device of its own (file, memory buffer, process) keeps
   a cache of 4 KiB pages: clean pages, a bounded number per space and
   evicted least recently used first, and dirty pages, which hold the
   writes of the current transaction and stay until it commits or rolls
   back.  A sub-range space has no cache: it forwards to its base space.

   Commit, for a file: the original bytes of every range about to be
   overwritten, and the original size, go to an undo journal next to the
   file (FILE.bpoke-journal), which is fsync'ed before the file is
   touched; the file is then written and fsync'ed, and the journal
   removed.  (Where the directory cannot be written to, the file is
   written without a journal.)  Opening a file that has a complete journal beside it puts
   the old bytes back first; an incomplete one (the crash came while it
   was being written, so the file was not touched yet) is just removed.

   Bit layout, as GNU poke's: bit 0 of a space is the most significant
   bit of byte 0, so a value's bits read in order form a bit stream.  A
   big-endian value is that stream.  A little-endian one of N >= 8 bits
   is the stream cut into "virtual bytes" of 8 bits from its start, the
   last one partial (N % 8 bits), in reverse order, the partial one
   giving the most significant bits.  Under 8 bits the byte order does
   not matter.  Writing is the exact inverse of reading.  (GNU poke 2.4
   writes little-endian values whose width is a multiple of 8 at
   unaligned offsets so that they do not read back; bpoke does not
   reproduce that.)  */

#include "ios.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpoke.h"
#include "util.h"

#define PAGE_BITS 12
#define PAGE_SIZE ((uint64_t) 1 << PAGE_BITS)
#define MAX_CLEAN 256           /* Clean pages kept per space (1 MiB).  */
#define SCAN_KEEP 16            /* Pages of a sequential scan kept.  */
#define MEM_STEP 4096           /* Memory buffers grow by this much.  */

typedef enum dev_kind { DEV_FILE, DEV_MEM, DEV_SUB, DEV_PROC } dev_kind;

typedef struct page
{
  uint64_t no;
  struct page *hnext;           /* Hash chain.  */
  struct page *prev, *next;     /* LRU list of clean pages.  */
  bool dirty;
  uint32_t lo, hi;              /* Dirty byte range [lo, hi).  */
  unsigned char data[PAGE_SIZE];
} page;

struct ios
{
  int id;
  char *handler;
  uint64_t flags;
  int64_t bias;
  dev_kind kind;
  /* The device.  */
  int fd;                       /* FILE, PROC.  */
  char *path;                   /* FILE: the path as given to open(2).  */
  bool can_read;                /* FILE: fd is readable.  */
  unsigned char *mem;           /* MEM: the committed bytes.  */
  int base;                     /* SUB: the base space's id.  */
  uint64_t base_off;            /* SUB: start, in bytes.  */
  uint64_t dev_size;            /* Committed size in bytes.  */
  uint64_t size;                /* Size with the pending writes.  */
  /* The cache.  */
  page **htab;
  size_t nbuckets, npages, nclean, ndirty;
  page *lru_head, *lru_tail;    /* Most recently used first.  */
  uint64_t prev_miss;           /* The page read from the device last.  */
  page *last;                   /* The last page looked up.  */
};

int ios_crash_after_writes = -1;
uint64_t ios_generation = 1;

static ios **spaces;            /* Indexed by id; NULL once closed.  */
static int nspaces, capspaces;
static int cur_id = -1;

/* Devices.  */

static ios_err
full_pread (int fd, void *buf, size_t n, uint64_t off)
{
  unsigned char *p = buf;
  while (n > 0)
    {
      ssize_t r = pread (fd, p, n, (off_t) off);
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        return IOS_EIO;
      p += r;
      n -= (size_t) r;
      off += (uint64_t) r;
    }
  return IOS_OK;
}

static int nwrites;

static ios_err
full_pwrite (int fd, const void *buf, size_t n, uint64_t off)
{
  const unsigned char *p = buf;
  if (ios_crash_after_writes >= 0 && nwrites++ >= ios_crash_after_writes)
    _exit (99);
  while (n > 0)
    {
      ssize_t r = pwrite (fd, p, n, (off_t) off);
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        return IOS_EIO;
      p += r;
      n -= (size_t) r;
      off += (uint64_t) r;
    }
  return IOS_OK;
}

/* Read N device bytes at OFF (all below dev_size, except for PROC).  */
static ios_err
dev_read (ios *io, uint64_t off, void *buf, size_t n)
{
  switch (io->kind)
    {
    case DEV_MEM:
      memcpy (buf, io->mem + off, n);
      return IOS_OK;
    case DEV_FILE:
      if (!io->can_read)
        {
          /* A write-only device: what we cannot read is taken as zero.  */
          memset (buf, 0, n);
          return IOS_OK;
        }
      /* Fall through.  */
    case DEV_PROC:
      return full_pread (io->fd, buf, n, off);
    default:
      return IOS_EIO;
    }
}

/* Cache.  */

static void
lru_unlink (ios *io, page *p)
{
  if (p->prev)
    p->prev->next = p->next;
  else
    io->lru_head = p->next;
  if (p->next)
    p->next->prev = p->prev;
  else
    io->lru_tail = p->prev;
  p->prev = p->next = NULL;
}

static void
lru_push (ios *io, page *p)
{
  p->prev = NULL;
  p->next = io->lru_head;
  if (io->lru_head)
    io->lru_head->prev = p;
  io->lru_head = p;
  if (!io->lru_tail)
    io->lru_tail = p;
}

static size_t
bucket (const ios *io, uint64_t no)
{
  return (size_t) ((no * UINT64_C (0x9e3779b97f4a7c15)) >> 20)
         & (io->nbuckets - 1);
}

static void
hash_remove (ios *io, page *p)
{
  page **pp = &io->htab[bucket (io, p->no)];
  while (*pp != p)
    pp = &(*pp)->hnext;
  *pp = p->hnext;
  io->npages--;
  if (io->last == p)
    io->last = NULL;
}

static void
hash_insert (ios *io, page *p)
{
  if (io->npages >= io->nbuckets * 2)
    {
      size_t nb = io->nbuckets * 4;
      page **nt = xcalloc (nb, sizeof *nt);
      size_t ob = io->nbuckets;
      page **ot = io->htab;
      io->htab = nt;
      io->nbuckets = nb;
      for (size_t i = 0; i < ob; i++)
        for (page *q = ot[i], *nx; q; q = nx)
          {
            nx = q->hnext;
            size_t b = bucket (io, q->no);
            q->hnext = nt[b];
            nt[b] = q;
          }
      free (ot);
    }
  size_t b = bucket (io, p->no);
  p->hnext = io->htab[b];
  io->htab[b] = p;
  io->npages++;
}

/* The cached page NO, or NULL; the LRU order does not change.  */
static page *
page_find (const ios *io, uint64_t no)
{
  for (page *p = io->htab[bucket (io, no)]; p; p = p->hnext)
    if (p->no == no)
      return p;
  return NULL;
}

static page *
page_lookup (ios *io, uint64_t no)
{
  page *p = io->last;
  if (p && p->no == no)
    return p;
  for (p = io->htab[bucket (io, no)]; p; p = p->hnext)
    if (p->no == no)
      {
        if (!p->dirty && io->lru_head != p)
          {
            lru_unlink (io, p);
            lru_push (io, p);
          }
        io->last = p;
        return p;
      }
  return NULL;
}

static void
page_free (ios *io, page *p)
{
  hash_remove (io, p);
  if (io->last == p)
    io->last = NULL;
  if (p->dirty)
    io->ndirty--;
  else
    {
      lru_unlink (io, p);
      io->nclean--;
    }
  free (p);
}

/* The page NO, read from the device if it is not cached.  */
static ios_err
page_get (ios *io, uint64_t no, page **out)
{
  page *p = page_lookup (io, no);
  if (p)
    {
      *out = p;
      return IOS_OK;
    }
  if (io->nclean >= MAX_CLEAN && io->lru_tail)
    page_free (io, io->lru_tail);
  p = xmalloc (sizeof *p);
  p->no = no;
  p->dirty = false;
  p->lo = p->hi = 0;
  uint64_t start = no << PAGE_BITS;
  uint64_t avail = io->dev_size > start ? io->dev_size - start : 0;
  if (avail > PAGE_SIZE)
    avail = PAGE_SIZE;
  if (avail < PAGE_SIZE)
    memset (p->data + avail, 0, PAGE_SIZE - avail);
  ios_err e = avail ? dev_read (io, start, p->data, (size_t) avail) : IOS_OK;
  if (e != IOS_OK)
    {
      free (p);
      return e;
    }
  hash_insert (io, p);
  lru_push (io, p);
  /* Pages read one after the other are a scan, unlikely to be read
     again: keep only its last SCAN_KEEP pages, so that a scan neither
     fills the memory nor pushes out the pages read here and there.  */
  if (no == io->prev_miss + 1 && no >= SCAN_KEEP)
    {
      page *old = page_find (io, no - SCAN_KEEP);
      if (old && !old->dirty)
        page_free (io, old);
    }
  io->prev_miss = no;
  io->nclean++;
  io->last = p;
  *out = p;
  return IOS_OK;
}

static void
page_make_dirty (ios *io, page *p, uint32_t lo, uint32_t hi)
{
  if (!p->dirty)
    {
      lru_unlink (io, p);
      io->nclean--;
      io->ndirty++;
      p->dirty = true;
      p->lo = lo;
      p->hi = hi;
      return;
    }
  if (lo < p->lo)
    p->lo = lo;
  if (hi > p->hi)
    p->hi = hi;
}

static void
cache_drop_all (ios *io)
{
  for (size_t i = 0; i < io->nbuckets; i++)
    for (page *p = io->htab[i], *nx; p; p = nx)
      {
        nx = p->hnext;
        free (p);
      }
  memset (io->htab, 0, io->nbuckets * sizeof *io->htab);
  io->npages = io->nclean = io->ndirty = 0;
  io->lru_head = io->lru_tail = io->last = NULL;
}

/* Spaces.  */

void
ios_init (void)
{
  cur_id = -1;
}

ios *
ios_get (int id)
{
  return id >= 0 && id < nspaces ? spaces[id] : NULL;
}

ios *
ios_cur (void)
{
  return ios_get (cur_id);
}

bool
ios_set_cur (int id)
{
  if (!ios_get (id))
    return false;
  cur_id = id;
  return true;
}

int
ios_id (const ios *io)
{
  return io->id;
}

const char *
ios_handler (const ios *io)
{
  return io->handler;
}

uint64_t
ios_flags (const ios *io)
{
  return io->flags;
}

const char *
ios_type_name (const ios *io)
{
  static const char *const names[] = { "FILE", "MEMORY", "SUB", "PROC" };
  return names[io->kind];
}

uint64_t
ios_size (ios *io)
{
  return io->size;
}

int64_t
ios_bias (const ios *io)
{
  return io->bias;
}

void
ios_set_bias (ios *io, int64_t bits)
{
  ios_generation++;
  io->bias = bits;
}

int
ios_next_id (void)
{
  return nspaces;
}

ios *
ios_find (const char *handler)
{
  for (int i = 0; i < nspaces; i++)
    if (spaces[i] && strcmp (spaces[i]->handler, handler) == 0)
      return spaces[i];
  return NULL;
}

void
ios_each (void (*fn) (void *ctx, ios *io), void *ctx)
{
  for (int i = nspaces - 1; i >= 0; i--)
    if (spaces[i])
      fn (ctx, spaces[i]);
}

static ios *
ios_alloc (dev_kind kind, const char *handler, uint64_t flags)
{
  ios *io = xcalloc (1, sizeof *io);
  io->kind = kind;
  io->handler = xstrdup (handler);
  io->flags = flags;
  io->fd = -1;
  io->prev_miss = UINT64_MAX - 1;
  io->nbuckets = 64;
  io->htab = xcalloc (io->nbuckets, sizeof *io->htab);
  return io;
}

static void
ios_destroy (ios *io)
{
  cache_drop_all (io);
  free (io->htab);
  if (io->fd >= 0)
    close (io->fd);
  free (io->mem);
  free (io->path);
  free (io->handler);
  free (io);
}

static char *
journal_path (const char *path)
{
  size_t n = strlen (path);
  char *j = xmalloc (n + sizeof ".bpoke-journal");
  memcpy (j, path, n);
  memcpy (j + n, ".bpoke-journal", sizeof ".bpoke-journal");
  return j;
}

static void
fsync_dir_of (const char *path)
{
  char *d = xstrdup (path);
  char *slash = strrchr (d, '/');
  if (slash)
    *(slash == d ? slash + 1 : slash) = '\0';
  else
    strcpy (d, ".");
  int fd = open (d, O_RDONLY | O_DIRECTORY);
  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
  free (d);
}

/* The journal: "BPOKEJ1\n", the original size (8 bytes, little endian),
   the number of ranges; each range as offset, length and bytes; then a
   checksum (FNV-1a, 64 bits) of everything before it.  */
static const char journal_magic[8] = "BPOKEJ1\n";

static uint64_t
fnv (uint64_t h, const void *buf, size_t n)
{
  const unsigned char *p = buf;
  for (size_t i = 0; i < n; i++)
    h = (h ^ p[i]) * UINT64_C (0x100000001b3);
  return h;
}

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

/* Undo the interrupted commit recorded in JPATH, if complete, on FD.
   Returns false if it could not be applied.  */
static bool
journal_recover (int fd, const char *jpath)
{
  int jfd = open (jpath, O_RDONLY);
  if (jfd < 0)
    return errno == ENOENT;
  struct stat st;
  unsigned char *buf = NULL;
  bool ok = false, complete = false;
  if (fstat (jfd, &st) < 0)
    goto out;
  size_t len = (size_t) st.st_size;
  buf = xmalloc (len + 1);
  if (len > 0 && full_pread (jfd, buf, len, 0) != IOS_OK)
    goto out;
  /* Is it complete?  */
  if (len >= 32 && memcmp (buf, journal_magic, 8) == 0
      && get64 (buf + len - 8) == fnv (UINT64_C (0xcbf29ce484222325), buf,
                                       len - 8))
    {
      complete = true;
      uint64_t osize = get64 (buf + 8), n = get64 (buf + 16);
      size_t at = 24;
      for (uint64_t i = 0; i < n; i++)
        {
          if (at + 16 > len - 8)
            goto out;
          uint64_t off = get64 (buf + at), cnt = get64 (buf + at + 8);
          at += 16;
          if (cnt > len - 8 - at)
            goto out;
          if (full_pwrite (fd, buf + at, (size_t) cnt, off) != IOS_OK)
            goto out;
          at += (size_t) cnt;
        }
      struct stat fst;
      if (fstat (fd, &fst) < 0
          || (S_ISREG (fst.st_mode) && (uint64_t) fst.st_size != osize
              && ftruncate (fd, (off_t) osize) < 0)
          || (fsync (fd) < 0 && errno != EINVAL))
        goto out;
    }
  ok = true;
out:
  close (jfd);
  free (buf);
  if (ok)
    {
      unlink (jpath);
      fsync_dir_of (jpath);
    }
  (void) complete;
  return ok;
}

static ios_err
open_file (ios *io, const char *path, uint64_t mode)
{
  int fd = -1;
  bool can_read = true;
  uint64_t flags = mode;
  if (mode == 0)
    {
      fd = open (path, O_RDWR);
      flags = IOS_M_RDWR;
      /* Read-only when writing is refused, as for a running program
         (ETXTBSY).  */
      if (fd < 0 && (errno == EACCES || errno == EROFS || errno == EPERM
                     || errno == ETXTBSY))
        {
          fd = open (path, O_RDONLY);
          flags = IOS_F_READ;
        }
    }
  else
    {
      int oflags = O_RDONLY;
      if (mode & IOS_F_WRITE)
        oflags = O_RDWR;
      if (mode & IOS_F_CREATE)
        oflags |= O_CREAT;
      fd = open (path, oflags, 0666);
      if (fd < 0 && (mode & IOS_F_WRITE) && !(mode & IOS_F_READ)
          && errno == EACCES)
        {
          fd = open (path, (oflags & ~O_RDWR) | O_WRONLY, 0666);
          can_read = false;
        }
    }
  if (fd < 0)
    return IOS_EIO;
  struct stat st;
  if (fstat (fd, &st) < 0 || S_ISDIR (st.st_mode))
    {
      close (fd);
      return IOS_EIO;
    }
  char *jpath = journal_path (path);
  bool rec = true;
  if (access (jpath, F_OK) == 0)
    {
      /* A leftover journal: roll the file back first, which needs a
         writable descriptor.  */
      int wfd = open (path, O_RDWR);
      rec = wfd >= 0 && journal_recover (wfd, jpath);
      if (wfd >= 0)
        close (wfd);
    }
  free (jpath);
  if (!rec)
    {
      close (fd);
      return IOS_EIO;
    }
  /* lseek finds the size of block devices too; some special files
     (/proc/self/mem) cannot seek to their end: size 0, as in GNU poke.  */
  off_t end = lseek (fd, 0, SEEK_END);
  if (end < 0)
    end = S_ISREG (st.st_mode) ? st.st_size : 0;
  io->fd = fd;
  io->can_read = can_read;
  io->path = xstrdup (path);
  io->flags = (io->flags & ~(uint64_t) 0xff) | flags;
  io->dev_size = io->size = (uint64_t) end;
  return IOS_OK;
}

static bool
parse_u64 (const char **s, uint64_t *out)
{
  char *end;
  if (!isdigit ((unsigned char) **s))
    return false;
  errno = 0;
  unsigned long long x = strtoull (*s, &end, 0);
  if (errno)
    return false;
  *out = x;
  *s = end;
  return true;
}

int
ios_open (const char *handler, uint64_t flags, ios_err *err)
{
  ios_err dummy;
  if (!err)
    err = &dummy;
  *err = IOS_OK;
  uint64_t mode = flags & 0xff;
  size_t hlen = strlen (handler);
  dev_kind kind;
  if (hlen >= 2 && handler[0] == '*' && handler[hlen - 1] == '*')
    kind = DEV_MEM;
  else if (strncmp (handler, "sub://", 6) == 0)
    kind = DEV_SUB;
  else if (strncmp (handler, "pid://", 6) == 0)
    kind = DEV_PROC;
  else
    kind = DEV_FILE;
  if (kind != DEV_MEM
      && ((mode & ~(uint64_t) (IOS_F_READ | IOS_F_WRITE | IOS_F_CREATE))
          || mode == IOS_F_CREATE))
    {
      *err = IOS_EFLAGS;
      return -1;
    }
  /* Relative file names are shown (and compared) with a "./" prefix, as
     GNU poke does.  */
  strbuf name;
  sb_init (&name);
  if (kind == DEV_FILE && handler[0] != '/')
    sb_puts (&name, "./");
  sb_puts (&name, handler);
  if (ios_find (name.data))
    {
      sb_free (&name);
      *err = IOS_EIO;
      return -1;
    }
  ios *io = ios_alloc (kind, name.data, flags);
  sb_free (&name);
  ios_err e = IOS_OK;
  switch (kind)
    {
    case DEV_MEM:
      io->flags = IOS_M_RDWR;
      io->mem = xcalloc (1, MEM_STEP);
      io->dev_size = io->size = MEM_STEP;
      break;
    case DEV_FILE:
      e = open_file (io, handler, mode);
      break;
    case DEV_PROC:
      {
        const char *s = handler + 6;
        uint64_t pid;
        if (!parse_u64 (&s, &pid) || *s)
          {
            e = IOS_EIO;
            break;
          }
        char path[64];
        snprintf (path, sizeof path, "/proc/%llu/mem",
                  (unsigned long long) pid);
        int fd = open (path, mode && !(mode & IOS_F_WRITE) ? O_RDONLY
                                                            : O_RDWR);
        if (fd < 0)
          {
            e = IOS_EIO;
            break;
          }
        io->fd = fd;
        io->can_read = true;
        io->flags = (flags & ~(uint64_t) 0xff) | (mode ? mode : IOS_M_RDWR);
        io->dev_size = io->size = UINT64_MAX;
        break;
      }
    case DEV_SUB:
      {
        /* sub://IOS/BASE/SIZE/NAME.  */
        const char *s = handler + 6;
        uint64_t id, base, size;
        if (!parse_u64 (&s, &id) || *s++ != '/' || !parse_u64 (&s, &base)
            || *s++ != '/' || !parse_u64 (&s, &size) || *s != '/')
          {
            e = IOS_EIO;
            break;
          }
        ios *b = id < (uint64_t) nspaces ? spaces[id] : NULL;
        if (!b)
          {
            e = IOS_EIO;
            break;
          }
        uint64_t bm = b->flags & IOS_M_RDWR;
        if (mode & ~bm & IOS_M_RDWR)
          {
            e = IOS_EFLAGS;
            break;
          }
        io->base = (int) id;
        io->base_off = base;
        io->flags = (flags & ~(uint64_t) 0xff)
                    | (mode ? mode & IOS_M_RDWR : IOS_M_RDWR);
        io->dev_size = io->size = size;
        break;
      }
    }
  if (e != IOS_OK)
    {
      ios_destroy (io);
      *err = e;
      return -1;
    }
  if (nspaces == capspaces)
    {
      capspaces = capspaces ? capspaces * 2 : 16;
      spaces = xrealloc (spaces, sizeof *spaces * (size_t) capspaces);
    }
  io->id = nspaces;
  spaces[nspaces++] = io;
  if (!ios_cur ())
    cur_id = io->id;
  return io->id;
}

/* Transactions.  */

typedef struct range
{
  uint64_t off;
  uint32_t len;
  const unsigned char *data;
} range;

static int
range_cmp (const void *a, const void *b)
{
  uint64_t x = ((const range *) a)->off, y = ((const range *) b)->off;
  return x < y ? -1 : x > y;
}

/* The dirty ranges of IO, sorted by offset.  Bytes past the new size
   (a memory buffer's growth is in whole steps, but a page may hold
   writes past the end that a failed growth left) are not included.  */
static range *
dirty_ranges (ios *io, size_t *n)
{
  range *r = xmalloc (sizeof *r * (io->ndirty + 1));
  size_t k = 0;
  for (size_t i = 0; i < io->nbuckets; i++)
    for (page *p = io->htab[i]; p; p = p->hnext)
      if (p->dirty)
        {
          uint64_t off = (p->no << PAGE_BITS) + p->lo;
          uint64_t len = p->hi - p->lo;
          if (off >= io->size)
            continue;
          if (len > io->size - off)
            len = io->size - off;
          r[k].off = off;
          r[k].len = (uint32_t) len;
          r[k].data = p->data + p->lo;
          k++;
        }
  qsort (r, k, sizeof *r, range_cmp);
  *n = k;
  return r;
}

static void
mark_clean (ios *io)
{
  for (size_t i = 0; i < io->nbuckets; i++)
    for (page *p = io->htab[i]; p; p = p->hnext)
      if (p->dirty)
        {
          p->dirty = false;
          io->ndirty--;
          io->nclean++;
          lru_push (io, p);
        }
  while (io->nclean > MAX_CLEAN && io->lru_tail)
    page_free (io, io->lru_tail);
  io->dev_size = io->size;
}

static ios_err
commit_file (ios *io)
{
  size_t n;
  range *r = dirty_ranges (io, &n);
  uint64_t osize = io->dev_size;
  char *jpath = journal_path (io->path);
  ios_err e = IOS_OK;
  int jfd = -1;
  bool journaled = false;

  if (io->can_read)
    {
      /* The undo journal: the original bytes under each range.  */
      strbuf jb;
      sb_init (&jb);
      unsigned char hdr[24];
      memcpy (hdr, journal_magic, 8);
      put64 (hdr + 8, osize);
      size_t nkept = 0;
      for (size_t i = 0; i < n; i++)
        if (r[i].off < osize)
          nkept++;
      put64 (hdr + 16, nkept);
      sb_putn (&jb, (const char *) hdr, 24);
      unsigned char *old = xmalloc (PAGE_SIZE);
      for (size_t i = 0; i < n && e == IOS_OK; i++)
        {
          if (r[i].off >= osize)
            continue;
          uint64_t len = r[i].len;
          if (len > osize - r[i].off)
            len = osize - r[i].off;
          unsigned char rh[16];
          put64 (rh, r[i].off);
          put64 (rh + 8, len);
          sb_putn (&jb, (const char *) rh, 16);
          e = full_pread (io->fd, old, (size_t) len, r[i].off);
          sb_putn (&jb, (const char *) old, (size_t) len);
        }
      free (old);
      unsigned char sum[8];
      put64 (sum, fnv (UINT64_C (0xcbf29ce484222325), jb.data, jb.len));
      sb_putn (&jb, (const char *) sum, 8);
      if (e == IOS_OK)
        {
          jfd = open (jpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
          if (jfd < 0 && (errno == EACCES || errno == EROFS
                          || errno == EPERM))
            ;   /* A directory we cannot write to: no journal.  */
          else if (jfd < 0
                   || full_pwrite (jfd, jb.data, jb.len, 0) != IOS_OK
                   || fsync (jfd) < 0)
            e = IOS_EIO;
          else
            {
              fsync_dir_of (jpath);
              journaled = true;
            }
        }
      if (jfd >= 0)
        close (jfd);
      sb_free (&jb);
      if (e != IOS_OK)
        unlink (jpath);
    }
  if (e == IOS_OK)
    {
      if (io->size > osize && ftruncate (io->fd, (off_t) io->size) < 0)
        e = IOS_EIO;
      for (size_t i = 0; i < n && e == IOS_OK; i++)
        e = full_pwrite (io->fd, r[i].data, r[i].len, r[i].off);
      if (e == IOS_OK && fsync (io->fd) < 0 && errno != EINVAL)
        e = IOS_EIO;
      if (e != IOS_OK && journaled)
        /* Put the file back as it was, from the journal.  */
        journal_recover (io->fd, jpath);
      else if (journaled)
        {
          unlink (jpath);
          fsync_dir_of (jpath);
        }
    }
  free (jpath);
  free (r);
  return e;
}

static ios_err
commit_one (ios *io)
{
  if (io->kind == DEV_SUB || (io->ndirty == 0 && io->size == io->dev_size))
    return IOS_OK;
  ios_err e = IOS_OK;
  switch (io->kind)
    {
    case DEV_FILE:
      e = commit_file (io);
      break;
    case DEV_MEM:
      {
        if (io->size != io->dev_size)
          {
            io->mem = xrealloc (io->mem, io->size);
            if (io->size > io->dev_size)
              memset (io->mem + io->dev_size, 0, io->size - io->dev_size);
          }
        size_t n;
        range *r = dirty_ranges (io, &n);
        for (size_t i = 0; i < n; i++)
          memcpy (io->mem + r[i].off, r[i].data, r[i].len);
        free (r);
        break;
      }
    case DEV_PROC:
      {
        size_t n;
        range *r = dirty_ranges (io, &n);
        for (size_t i = 0; i < n && e == IOS_OK; i++)
          e = full_pwrite (io->fd, r[i].data, r[i].len, r[i].off);
        free (r);
        break;
      }
    default:
      break;
    }
  if (e != IOS_OK)
    {
      /* The device keeps its old contents: forget the writes.  */
      cache_drop_all (io);
      io->size = io->dev_size;
      return e;
    }
  mark_clean (io);
  return IOS_OK;
}

ios_err
ios_commit (void)
{
  ios_err first = IOS_OK;
  for (int i = 0; i < nspaces; i++)
    if (spaces[i])
      {
        ios_err e = commit_one (spaces[i]);
        if (e != IOS_OK && first == IOS_OK)
          first = e;
      }
  return first;
}

static bool
rollback_one (ios *io)
{
  ios_generation++;
  bool dropped = io->ndirty > 0 || io->size != io->dev_size;
  if (io->ndirty > 0)
    for (size_t i = 0; i < io->nbuckets; i++)
      for (page *p = io->htab[i], *nx; p; p = nx)
        {
          nx = p->hnext;
          if (p->dirty)
            page_free (io, p);
        }
  io->size = io->dev_size;
  return dropped;
}

bool
ios_rollback (void)
{
  bool dropped = false;
  for (int i = 0; i < nspaces; i++)
    if (spaces[i] && rollback_one (spaces[i]))
      dropped = true;
  return dropped;
}

ios_err
ios_flush (int id)
{
  ios *io = ios_get (id);
  if (!io)
    return IOS_ENOIOS;
  if (io->kind == DEV_SUB)
    {
      ios *b = ios_get (io->base);
      return b ? commit_one (b) : IOS_EIO;
    }
  return commit_one (io);
}

ios_err
ios_close (int id)
{
  ios *io = ios_get (id);
  if (!io)
    return IOS_ENOIOS;
  ios_err e = commit_one (io);
  ios_generation++;
  spaces[id] = NULL;
  /* The sub-ranges of a space go with it.  */
  for (int i = 0; i < nspaces; i++)
    if (spaces[i] && spaces[i]->kind == DEV_SUB && spaces[i]->base == id)
      ios_close (i);
  ios_destroy (io);
  if (cur_id == id || !ios_get (cur_id))
    {
      cur_id = -1;
      for (int i = nspaces - 1; i >= 0; i--)
        if (spaces[i])
          {
            cur_id = i;
            break;
          }
    }
  return e;
}

void
ios_fini (void)
{
  ios_rollback ();
  for (int i = 0; i < nspaces; i++)
    if (spaces[i])
      {
        ios_destroy (spaces[i]);
        spaces[i] = NULL;
      }
  free (spaces);
  spaces = NULL;
  nspaces = capspaces = 0;
  cur_id = -1;
}

size_t
ios_cached_pages (void)
{
  size_t n = 0;
  for (int i = 0; i < nspaces; i++)
    if (spaces[i])
      n += spaces[i]->npages;
  return n;
}

/* Byte access.  */

/* Resolve a sub-range: the space that has the bytes, and the offset in
   it.  GNU poke checks a sub-range's bounds at the first byte of an
   access only; so do we.  */
static ios_err
resolve (ios **iop, uint64_t *off, bool write)
{
  ios *io = *iop;
  for (int depth = 0; io->kind == DEV_SUB; depth++)
    {
      uint64_t need = write ? IOS_F_WRITE : IOS_F_READ;
      if (!(io->flags & need))
        return IOS_EPERM;
      if (*off >= io->size)
        return IOS_EEOF;
      ios *b = ios_get (io->base);
      if (!b || depth > 64)
        return IOS_EIO;
      *off += io->base_off;
      io = b;
    }
  *iop = io;
  return IOS_OK;
}

static ios_err
check_read (ios *io, uint64_t off, uint64_t n)
{
  if (!(io->flags & IOS_F_READ))
    return IOS_EPERM;
  if (off > io->size || n > io->size - off)
    return IOS_EEOF;
  return IOS_OK;
}

/* Check a write of N bytes at OFF, growing the space as the device
   allows.  */
static ios_err
check_write (ios *io, uint64_t off, uint64_t n)
{
  if (!(io->flags & IOS_F_WRITE))
    return IOS_EPERM;
  if (off + n < off)
    return IOS_EEOF;
  uint64_t end = off + n;
  switch (io->kind)
    {
    case DEV_MEM:
      if (off > io->size)
        return IOS_EEOF;
      while (end > io->size)
        io->size += MEM_STEP;
      break;
    case DEV_FILE:
      if (end > io->size)
        io->size = end;
      break;
    default:
      if (end > io->size)
        return IOS_EEOF;
      break;
    }
  return IOS_OK;
}

static ios_err
raw_read (ios *io, uint64_t off, unsigned char *buf, size_t n)
{
  while (n > 0)
    {
      page *p;
      ios_err e = page_get (io, off >> PAGE_BITS, &p);
      if (e != IOS_OK)
        return e;
      size_t in = (size_t) (off & (PAGE_SIZE - 1));
      size_t k = PAGE_SIZE - in < n ? PAGE_SIZE - in : n;
      memcpy (buf, p->data + in, k);
      buf += k;
      off += k;
      n -= k;
    }
  return IOS_OK;
}

static ios_err
raw_write (ios *io, uint64_t off, const unsigned char *buf, size_t n)
{
  ios_generation++;
  while (n > 0)
    {
      page *p;
      ios_err e = page_get (io, off >> PAGE_BITS, &p);
      if (e != IOS_OK)
        return e;
      size_t in = (size_t) (off & (PAGE_SIZE - 1));
      size_t k = PAGE_SIZE - in < n ? PAGE_SIZE - in : n;
      memcpy (p->data + in, buf, k);
      page_make_dirty (io, p, (uint32_t) in, (uint32_t) (in + k));
      buf += k;
      off += k;
      n -= k;
    }
  return IOS_OK;
}

ios_err
ios_read_bytes (ios *io, uint64_t off, void *buf, size_t n)
{
  ios_err e = resolve (&io, &off, false);
  if (e == IOS_OK)
    e = check_read (io, off, n);
  if (e == IOS_OK)
    e = raw_read (io, off, buf, n);
  return e;
}

ios_err
ios_write_bytes (ios *io, uint64_t off, const void *buf, size_t n)
{
  ios_err e = resolve (&io, &off, true);
  if (e == IOS_OK)
    e = check_write (io, off, n);
  if (e == IOS_OK)
    e = raw_write (io, off, buf, n);
  return e;
}

/* Integers.  */

static uint64_t
mask (int n)
{
  return n >= 64 ? UINT64_MAX : ((uint64_t) 1 << n) - 1;
}

/* The little-endian permutation of an N-bit stream and its inverse.  */
static uint64_t
le_from_stream (uint64_t s, int n)
{
  int k = n / 8, r = n % 8;
  uint64_t v = s & mask (r);            /* The partial virtual byte.  */
  for (int i = k - 1; i >= 0; i--)
    v = v << 8 | ((s >> (n - 8 * (i + 1))) & 0xff);
  return v;
}

static uint64_t
le_to_stream (uint64_t v, int n)
{
  int k = n / 8, r = n % 8;
  uint64_t s = 0;
  for (int i = 0; i < k; i++)
    s = s << 8 | ((v >> (8 * i)) & 0xff);
  return r ? s << r | ((v >> (8 * k)) & mask (r)) : s;
}

/* Bytes [0, N) of BUF as a big-endian number.  */
typedef unsigned __int128 u128;

static u128
load_be (const unsigned char *buf, size_t n)
{
  u128 x = 0;
  for (size_t i = 0; i < n; i++)
    x = x << 8 | buf[i];
  return x;
}

ios_err
ios_read_int (ios *io, uint64_t bitoff, int nbits, bool big_endian,
              uint64_t *val)
{
  if (nbits < 1 || nbits > 64)
    return IOS_EIO;
  uint64_t b0 = bitoff >> 3;
  int sh = (int) (bitoff & 7);
  size_t nbytes = (size_t) ((sh + nbits + 7) >> 3);
  unsigned char buf[9];
  const unsigned char *src = buf;
  /* The common case: a space with its own cache, all the bytes in the
     page used last.  */
  page *p = io->last;
  if (p && (b0 >> PAGE_BITS) == p->no
      && ((b0 + nbytes - 1) >> PAGE_BITS) == p->no
      && (io->flags & IOS_F_READ) && b0 + nbytes <= io->size)
    src = p->data + (b0 & (PAGE_SIZE - 1));
  else
    {
      ios_err e = ios_read_bytes (io, b0, buf, nbytes);
      if (e != IOS_OK)
        return e;
    }
  /* The bit stream: NBYTES bytes, the first SH bits and the last TAIL
     bits left out.  */
  int tail = (int) (nbytes * 8) - sh - nbits;
  uint64_t s;
  if (nbytes <= 8)
    {
      /* Up to 64 bits of stream: no need for 128-bit arithmetic.  */
      uint64_t x = 0;
      for (size_t i = 0; i < nbytes; i++)
        x = x << 8 | src[i];
      s = (x >> tail) & mask (nbits);
    }
  else
    s = (uint64_t) (load_be (src, nbytes) >> tail) & mask (nbits);
  *val = !big_endian && nbits > 8 ? le_from_stream (s, nbits) : s;
  return IOS_OK;
}

ios_err
ios_write_int (ios *io, uint64_t bitoff, int nbits, bool big_endian,
               uint64_t val)
{
  if (nbits < 1 || nbits > 64)
    return IOS_EIO;
  val &= mask (nbits);
  uint64_t s = !big_endian && nbits > 8 ? le_to_stream (val, nbits) : val;
  uint64_t b0 = bitoff >> 3;
  int sh = (int) (bitoff & 7);
  size_t nbytes = (size_t) ((sh + nbits + 7) >> 3);
  int tail = (int) (nbytes * 8) - sh - nbits;   /* Bits kept at the end.  */
  unsigned char buf[9];
  ios *dev = io;
  uint64_t off = b0;
  ios_err e = resolve (&dev, &off, true);
  if (e == IOS_OK)
    e = check_write (dev, off, nbytes);
  if (e != IOS_OK)
    return e;
  u128 x = 0;
  if (sh || tail)
    {
      /* Keep the bits around the value: read the bytes (within the
         size now, zero where the space has just grown).  */
      e = raw_read (dev, off, buf, nbytes);
      if (e != IOS_OK)
        return e;
      x = load_be (buf, nbytes);
      x &= ~((u128) mask (nbits) << tail);
    }
  x |= (u128) s << tail;
  for (size_t i = nbytes; i-- > 0; x >>= 8)
    buf[i] = (unsigned char) x;
  return raw_write (dev, off, buf, nbytes);
}

/* The IO part of the public interface (bpoke.h): the IO spaces are
   global, not per interpreter.  */

int
bpoke_ios_open (bpoke *pk, const char *handler, uint64_t flags)
{
  (void) pk;
  int id = ios_open (handler, flags, NULL);
  if (id >= 0)
    ios_set_cur (id);
  return id;
}

bool
bpoke_ios_close (bpoke *pk, int id)
{
  (void) pk;
  return ios_get (id) && ios_close (id) == IOS_OK;
}

bool
bpoke_ios_set_current (bpoke *pk, int id)
{
  (void) pk;
  return ios_set_cur (id);
}

int
bpoke_ios_current (bpoke *pk)
{
  (void) pk;
  return ios_cur () ? cur_id : -1;
}

int
bpoke_ios_lookup (bpoke *pk, const char *name)
{
  (void) pk;
  ios *io = ios_find (name);
  return io ? io->id : -1;
}

int
bpoke_ios_next_id (bpoke *pk)
{
  (void) pk;
  return nspaces;
}

void
bpoke_ios_each (bpoke *pk, void (*fn) (void *ctx, const bpoke_ios *io),
                void *ctx)
{
  (void) pk;
  for (int i = nspaces - 1; i >= 0; i--)
    if (spaces[i])
      {
        ios *io = spaces[i];
        bpoke_ios info = { io->id, io->id == cur_id, ios_type_name (io),
                           io->handler, io->flags, io->bias, io->size };
        fn (ctx, &info);
      }
}
