/* iodev.c -- the devices under IO spaces (see iodev.h): files, memory
   buffers, processes' memory and ranges of files mapped into memory,
   behind one table of operations each.

   A file's cached pages are trusted from one transaction to the next
   only if the file seems unchanged: same inode, size, modification and
   change times, and a modification time old enough that a write in the
   same clock tick as bpoke's last look would have moved it (file times
   come from a coarse clock).  Otherwise they are read again.  When the
   path names another file than the one open (replaced by a rename, as
   a build or an editor does), the new one is opened in its place.  */

#include "iodev.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util.h"

int ios_crash_at_step = -1;
volatile sig_atomic_t iodev_interrupted;
static int nsteps;

void
iodev_step (void)
{
  if (ios_crash_at_step >= 0 && nsteps++ >= ios_crash_at_step)
    raise (SIGKILL);
}

static char why[1024];

/* "1 byte", "2 bytes".  */
#define NBYTES(n) (unsigned long long) (n), (n) == 1 ? "" : "s"

const char *
iodev_why (void)
{
  return why;
}

ios_err
iodev_fail (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (why, sizeof why, fmt, ap);
  va_end (ap);
  return IOS_EIO;
}

ios_err
iodev_pread (int fd, void *buf, size_t n, uint64_t off)
{
  unsigned char *p = buf;
  while (n > 0)
    {
      ssize_t r = pread (fd, p, n, (off_t) off);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return iodev_fail ("reading %llu byte%s at offset %#llx: %s",
                           NBYTES (n), (unsigned long long) off,
                           strerror (errno));
      if (r == 0)
        return iodev_fail ("it ends before offset %#llx (was it truncated?)",
                           (unsigned long long) off);
      p += r;
      n -= (size_t) r;
      off += (uint64_t) r;
    }
  return IOS_OK;
}

uint64_t iodev_stopped_at;

ios_err
iodev_pwrite (int fd, const void *buf, size_t n, uint64_t off)
{
  const unsigned char *p = buf;
  iodev_step ();
  while (n > 0)
    {
      ssize_t r = pwrite (fd, p, n, (off_t) off);
      if (r < 0 && errno == EINTR)
        continue;
      iodev_stopped_at = off;
      if (r < 0)
        return iodev_fail ("writing %llu byte%s at offset %#llx: %s",
                           NBYTES (n), (unsigned long long) off,
                           strerror (errno));
      if (r == 0)
        return iodev_fail ("writing at offset %#llx: it takes no more bytes",
                           (unsigned long long) off);
      p += r;
      n -= (size_t) r;
      off += (uint64_t) r;
    }
  return IOS_OK;
}

void
iodev_sync_dir (const char *path)
{
  char *d = xstrdup (path);
  char *slash = strrchr (d, '/');
  if (slash)
    *(slash == d ? slash + 1 : slash) = '\0';
  else
    strcpy (d, ".");
  int fd = open (d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0)
    {
      iodev_step ();
      fsync (fd);
      close (fd);
    }
  free (d);
}

/* Files.  */

/* What a file that is not a regular one is, for messages.  */
static const char *
file_kind (const iodev *d)
{
  mode_t m = d->seen.st_mode;
  return S_ISCHR (m) ? " (a character device)"
         : S_ISBLK (m) ? " (a block device)"
         : S_ISFIFO (m) ? " (a FIFO)"
         : S_ISSOCK (m) ? " (a socket)" : "";
}

/* Add what the file is to the reason of a failure.  */
static ios_err
kind_fail (const iodev *d)
{
  const char *k = file_kind (d);
  if (*k && strlen (why) + strlen (k) < sizeof why)
    strcat (why, k);
  return IOS_EIO;
}

static ios_err
file_read (iodev *d, uint64_t off, void *buf, size_t n)
{
  if (!d->can_read)
    {
      /* A write-only file: what cannot be read is taken as zero.  */
      memset (buf, 0, n);
      return IOS_OK;
    }
  return iodev_pread (d->fd, buf, n, off) == IOS_OK ? IOS_OK : kind_fail (d);
}

static ios_err
file_write (iodev *d, uint64_t off, const void *buf, size_t n)
{
  if (!d->can_write)
    {
      iodev_stopped_at = off;
      return iodev_fail ("it is not open for writing");
    }
  return iodev_pwrite (d->fd, buf, n, off) == IOS_OK ? IOS_OK
                                                      : kind_fail (d);
}

static ios_err
file_resize (iodev *d, uint64_t size)
{
  if (!S_ISREG (d->seen.st_mode))
    {
      iodev_fail ("it cannot grow to %llu byte%s", NBYTES (size));
      return kind_fail (d);
    }
  iodev_step ();
  if (ftruncate (d->fd, (off_t) size) < 0)
    return iodev_fail ("making it %llu byte%s long: %s", NBYTES (size),
                       strerror (errno));
  return IOS_OK;
}

static ios_err
file_sync (iodev *d)
{
  iodev_step ();
  if (fsync (d->fd) < 0 && errno != EINVAL)
    {
      iodev_fail ("fsync: %s", strerror (errno));
      return kind_fail (d);
    }
  return IOS_OK;
}

static uint64_t
file_size (iodev *d)
{
  /* lseek finds the size of block devices too; some special files
     (/proc/self/mem) cannot seek to their end: size 0, as in GNU
     poke.  */
  off_t end = lseek (d->fd, 0, SEEK_END);
  if (end < 0)
    end = S_ISREG (d->seen.st_mode) ? d->seen.st_size : 0;
  return (uint64_t) end;
}

static bool
ts_equal (struct timespec a, struct timespec b)
{
  return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

/* A file time is set from a clock that moves in ticks of a few
   milliseconds (or whole seconds, on file systems that keep no more):
   a write in the tick of T may leave a time of T unchanged.  So a
   modification time is trusted to tell a later write only if it is
   older than this much before the last look.  */
static bool
racy (struct timespec mtime, struct timespec looked)
{
  long long slack_ns = mtime.tv_nsec == 0 ? 2000000000LL : 20000000LL;
  long long d = (long long) (looked.tv_sec - mtime.tv_sec) * 1000000000LL
                + (looked.tv_nsec - mtime.tv_nsec);
  return d < slack_ns;
}

/* The open(2) flags D was opened with.  */
static int
file_oflags (const iodev *d)
{
  return (d->can_read && d->can_write ? O_RDWR
          : d->can_write ? O_WRONLY : O_RDONLY) | O_CLOEXEC;
}

static iodev_change
file_check (iodev *d)
{
  if (!S_ISREG (d->seen.st_mode))
    return IODEV_CHANGED;       /* Nothing tells when a device changed.  */
  iodev_change r = IODEV_CHANGED;
  struct stat st, pst;
  if (stat (d->path, &pst) == 0 && S_ISREG (pst.st_mode)
      && (pst.st_dev != d->seen.st_dev || pst.st_ino != d->seen.st_ino))
    {
      int fd = open (d->path, file_oflags (d));
      if (fd >= 0)
        {
          close (d->fd);
          d->fd = fd;
          r = IODEV_REPLACED;
        }
    }
  struct timespec now;
  clock_gettime (CLOCK_REALTIME, &now);
  if (fstat (d->fd, &st) < 0)
    return IODEV_CHANGED;
  bool same = st.st_dev == d->seen.st_dev && st.st_ino == d->seen.st_ino
              && st.st_size == d->seen.st_size
              && ts_equal (st.st_mtim, d->seen.st_mtim)
              && ts_equal (st.st_ctim, d->seen.st_ctim)
              && !racy (d->seen.st_mtim, d->checked);
  d->seen = st;
  d->checked = now;
  if (r == IODEV_REPLACED)
    return r;
  return same ? IODEV_SAME : IODEV_CHANGED;
}

static void
file_close (iodev *d)
{
  close (d->fd);
  free (d->path);
}

static const iodev_ops file_ops = {
  "FILE", file_read, file_write, file_resize, file_sync, file_size,
  file_check, file_close
};

/* PATH made absolute: the file's journal and its replacement are
   looked for there even if the current directory changes.  */
static char *
absolute (const char *path)
{
  char cwd[4096];
  if (path[0] == '/' || !getcwd (cwd, sizeof cwd))
    return xstrdup (path);
  char *p = xmalloc (strlen (cwd) + strlen (path) + 2);
  sprintf (p, "%s/%s", cwd, path);
  return p;
}

ios_err
iodev_open_file (const char *path, uint64_t mode, uint64_t *flags,
                 iodev **out)
{
  int fd;
  bool can_read = true, can_write = true;
  if (mode == 0)
    {
      fd = open (path, O_RDWR | O_CLOEXEC);
      /* Read-only when writing is refused, as for a running program
         (ETXTBSY).  */
      if (fd < 0 && (errno == EACCES || errno == EROFS || errno == EPERM
                     || errno == ETXTBSY))
        {
          fd = open (path, O_RDONLY | O_CLOEXEC);
          can_write = false;
        }
      *flags = can_write ? IOS_M_RDWR : IOS_F_READ;
    }
  else
    {
      int oflags = (mode & IOS_F_WRITE) ? O_RDWR : O_RDONLY;
      can_write = (mode & IOS_F_WRITE) != 0;
      if (mode & IOS_F_CREATE)
        oflags |= O_CREAT;
      fd = open (path, oflags | O_CLOEXEC, 0666);
      if (fd < 0 && (mode & IOS_F_WRITE) && !(mode & IOS_F_READ)
          && errno == EACCES)
        {
          fd = open (path, (oflags & ~O_RDWR) | O_WRONLY | O_CLOEXEC, 0666);
          can_read = false;
        }
      *flags = mode;
    }
  if (fd < 0)
    return iodev_fail ("%s", strerror (errno));
  iodev *d = xcalloc (1, sizeof *d);
  d->ops = &file_ops;
  d->fd = fd;
  d->can_read = can_read;
  d->can_write = can_write;
  d->path = absolute (path);
  clock_gettime (CLOCK_REALTIME, &d->checked);
  if (fstat (fd, &d->seen) < 0 || S_ISDIR (d->seen.st_mode))
    {
      iodev_close (d);
      return iodev_fail ("it is a directory");
    }
  *out = d;
  return IOS_OK;
}

bool
iodev_is_storage (const iodev *d)
{
  return d->ops == &file_ops
         && (S_ISREG (d->seen.st_mode) || S_ISBLK (d->seen.st_mode));
}

bool
iodev_same_file (const iodev *d, const iodev *e)
{
  return d->ops == &file_ops && e->ops == &file_ops
         && d->seen.st_dev == e->seen.st_dev
         && d->seen.st_ino == e->seen.st_ino;
}

void
iodev_merge (iodev *d, iodev *e)
{
  if (e->can_write && !d->can_write && e->can_read >= d->can_read)
    {
      int t = d->fd;
      d->fd = e->fd;
      e->fd = t;
      d->can_read = e->can_read;
      d->can_write = true;
    }
  iodev_close (e);
}

ios_err
iodev_before_commit (iodev *d, uint64_t size, uint64_t *now)
{
  *now = size;
  if (d->ops != &file_ops || !S_ISREG (d->seen.st_mode))
    return IOS_OK;
  struct stat st;
  if (fstat (d->fd, &st) < 0)
    return iodev_fail ("fstat: %s", strerror (errno));
  if (st.st_nlink == 0)
    return iodev_fail ("the file was deleted, or replaced by another, "
                       "since bpoke opened it");
  if ((uint64_t) st.st_size < size)
    return iodev_fail ("it is %llu bytes long, shorter than the %llu bytes "
                       "bpoke read (was it truncated?)",
                       (unsigned long long) st.st_size,
                       (unsigned long long) size);
  *now = (uint64_t) st.st_size;
  return IOS_OK;
}

void
iodev_after_commit (iodev *d)
{
  if (d->ops == &file_ops)
    fstat (d->fd, &d->seen);
}

/* Memory buffers.  */

static ios_err
mem_read (iodev *d, uint64_t off, void *buf, size_t n)
{
  memcpy (buf, d->mem + off, n);
  return IOS_OK;
}

static ios_err
mem_write (iodev *d, uint64_t off, const void *buf, size_t n)
{
  memcpy (d->mem + off, buf, n);
  return IOS_OK;
}

static ios_err
mem_resize (iodev *d, uint64_t size)
{
  d->mem = xrealloc (d->mem, size ? size : 1);
  if (size > d->mem_size)
    memset (d->mem + d->mem_size, 0, size - d->mem_size);
  d->mem_size = size;
  return IOS_OK;
}

static ios_err
mem_sync (iodev *d)
{
  (void) d;
  return IOS_OK;
}

static uint64_t
mem_size (iodev *d)
{
  return d->mem_size;
}

static iodev_change
mem_check (iodev *d)
{
  (void) d;
  return IODEV_SAME;            /* Only bpoke writes it.  */
}

static void
mem_close (iodev *d)
{
  free (d->mem);
}

static const iodev_ops mem_ops = {
  "MEMORY", mem_read, mem_write, mem_resize, mem_sync, mem_size, mem_check,
  mem_close
};

iodev *
iodev_open_mem (uint64_t size)
{
  iodev *d = xcalloc (1, sizeof *d);
  d->ops = &mem_ops;
  d->fd = -1;
  d->can_read = d->can_write = true;
  mem_resize (d, size);
  return d;
}

/* Processes.  */

static ios_err
proc_read (iodev *d, uint64_t off, void *buf, size_t n)
{
  return iodev_pread (d->fd, buf, n, off);
}

static ios_err
proc_write (iodev *d, uint64_t off, const void *buf, size_t n)
{
  return iodev_pwrite (d->fd, buf, n, off);
}

static ios_err
proc_resize (iodev *d, uint64_t size)
{
  (void) d;
  (void) size;
  return iodev_fail ("a process's memory has a fixed size");
}

static uint64_t
proc_size (iodev *d)
{
  (void) d;
  return UINT64_MAX;
}

static iodev_change
proc_check (iodev *d)
{
  (void) d;
  return IODEV_CHANGED;         /* A running process changes it.  */
}

static void
proc_close (iodev *d)
{
  close (d->fd);
}

static const iodev_ops proc_ops = {
  "PROC", proc_read, proc_write, proc_resize, mem_sync, proc_size,
  proc_check, proc_close
};

ios_err
iodev_open_proc (uint64_t pid, bool writable, iodev **out)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%llu/mem", (unsigned long long) pid);
  int fd = open (path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
  if (fd < 0)
    return iodev_fail ("%s: %s", path, strerror (errno));
  iodev *d = xcalloc (1, sizeof *d);
  d->ops = &proc_ops;
  d->fd = fd;
  d->can_read = true;
  d->can_write = writable;
  *out = d;
  return IOS_OK;
}

/* Ranges of files mapped into memory (MAP_SHARED): a write is in the
   file as soon as it is copied into the mapping, at the commit.  Meant
   for devices such as /dev/mem, whose registers the mapping reaches;
   for a regular file, the range must lie within it, since touching a
   mapped page past the end of a file is a SIGBUS.  */

static ios_err
mmap_resize (iodev *d, uint64_t size)
{
  (void) d;
  (void) size;
  return iodev_fail ("a mapping has a fixed size");
}

static ios_err
mmap_sync (iodev *d)
{
  if (d->can_write && msync (d->mem, d->mem_size, MS_SYNC) != 0)
    return iodev_fail ("msync: %s", strerror (errno));
  return IOS_OK;
}

static iodev_change
mmap_check (iodev *d)
{
  (void) d;
  return IODEV_CHANGED;         /* Other programs change it at once.  */
}

static void
mmap_close (iodev *d)
{
  munmap (d->mem, d->mem_size);
  close (d->fd);
  d->mem = NULL;
}

static const iodev_ops mmap_ops = {
  "MMAP", mem_read, mem_write, mmap_resize, mmap_sync, mem_size, mmap_check,
  mmap_close
};

ios_err
iodev_open_mmap (const char *path, uint64_t base, uint64_t size,
                 uint64_t mode, uint64_t *flags, iodev **out)
{
  bool can_write = mode == 0 || (mode & IOS_F_WRITE);
  int fd = open (path, (can_write ? O_RDWR : O_RDONLY) | O_CLOEXEC);
  if (fd < 0 && mode == 0 && (errno == EACCES || errno == EROFS))
    {
      can_write = false;
      fd = open (path, O_RDONLY | O_CLOEXEC);
    }
  if (fd < 0)
    return iodev_fail ("%s: %s", path, strerror (errno));
  struct stat st;
  if (fstat (fd, &st) != 0 || S_ISDIR (st.st_mode) || size == 0
      || (S_ISREG (st.st_mode)
          && (base > (uint64_t) st.st_size
              || size > (uint64_t) st.st_size - base)))
    {
      close (fd);
      return iodev_fail ("%s: the range is not in the file", path);
    }
  void *p = size > SIZE_MAX ? MAP_FAILED
            : mmap (NULL, (size_t) size,
                    PROT_READ | (can_write ? PROT_WRITE : 0), MAP_SHARED,
                    fd, (off_t) base);
  if (p == MAP_FAILED)
    {
      int err = errno;
      close (fd);
      iodev_fail ("%s: mmap: %s", path, strerror (err));
      /* A base that is not a multiple of the page size: GNU poke calls
         it a matter of flags.  */
      return err == EINVAL ? IOS_EFLAGS : IOS_EIO;
    }
  iodev *d = xcalloc (1, sizeof *d);
  d->ops = &mmap_ops;
  d->fd = fd;
  d->can_read = true;
  d->can_write = can_write;
  d->mem = p;
  d->mem_size = size;
  *flags = can_write ? IOS_M_RDWR : IOS_F_READ;
  *out = d;
  return IOS_OK;
}

void
iodev_close (iodev *d)
{
  if (!d)
    return;
  d->ops->close (d);
  free (d);
}
