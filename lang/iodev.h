/* iodev.h -- the devices under IO spaces: files (and block or character
   devices opened as files), memory buffers, processes' memory, ranges
   of files mapped into memory and exports of NBD servers (nbd.c), each
   behind one table of operations.

   A device says what went wrong in words (iodev_why), for the messages
   of a failed commit: the operation, the offset and the system's
   reason.  */

#ifndef BPOKE_IODEV_H
#define BPOKE_IODEV_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include "ios.h"

typedef struct iodev iodev;

/* What a device found when asked whether its contents may have changed
   since it was last asked.  */
typedef enum iodev_change
{
  IODEV_SAME,           /* Nothing changed: cached pages are good.  */
  IODEV_CHANGED,        /* It may have: forget the cached pages.  */
  IODEV_REPLACED        /* The path names another file now, reopened.  */
} iodev_change;

typedef struct iodev_ops
{
  const char *type_name;        /* "FILE", "MEMORY", "PROC", "MMAP",
                                   "NBD".  */
  ios_err (*read) (iodev *d, uint64_t off, void *buf, size_t n);
  ios_err (*write) (iodev *d, uint64_t off, const void *buf, size_t n);
  /* Make the device SIZE bytes long.  */
  ios_err (*resize) (iodev *d, uint64_t size);
  ios_err (*sync) (iodev *d);
  uint64_t (*size) (iodev *d);
  iodev_change (*check) (iodev *d);
  void (*close) (iodev *d);
} iodev_ops;

struct iodev
{
  const iodev_ops *ops;
  int fd;                       /* FILE, PROC.  */
  bool can_read, can_write;
  char *path;                   /* FILE: its absolute name.  */
  struct stat seen;             /* FILE: fstat at the last check.  */
  struct timespec checked;      /* FILE: when that was.  */
  unsigned char *mem;           /* MEMORY, MMAP.  */
  uint64_t mem_size;
  struct nbd_conn *nbd;         /* NBD (nbd.h).  */
};

/* Open PATH for MODE (IOS_F_* bits; 0 is read-write when permitted,
   read-only otherwise).  *FLAGS gets the mode obtained.  */
ios_err iodev_open_file (const char *path, uint64_t mode, uint64_t *flags,
                         iodev **out);
iodev *iodev_open_mem (uint64_t size);
ios_err iodev_open_proc (uint64_t pid, bool writable, iodev **out);
/* SIZE bytes of PATH from BASE, mapped for MODE as for files; a base
   that is not a multiple of the page size is IOS_EFLAGS.  */
ios_err iodev_open_mmap (const char *path, uint64_t base, uint64_t size,
                         uint64_t mode, uint64_t *flags, iodev **out);
void iodev_close (iodev *d);

/* A regular file or block device: one whose bytes stay put, so that a
   journal can record them.  */
bool iodev_is_storage (const iodev *d);
/* D and E are the same file (device and inode).  */
bool iodev_same_file (const iodev *d, const iodev *e);
/* D takes over E's descriptor if E can write and D cannot; E is then
   closed.  */
void iodev_merge (iodev *d, iodev *e);
/* Before a commit of a file believed to be SIZE bytes long: its size
   now in *NOW, or an error if it shrank or was deleted since.  */
ios_err iodev_before_commit (iodev *d, uint64_t size, uint64_t *now);
/* After a commit: what the file is now is what bpoke wrote.  */
void iodev_after_commit (iodev *d);

/* The reason of the last failure, and how to set it (returns
   IOS_EIO).  */
const char *iodev_why (void);
ios_err iodev_fail (const char *fmt, ...)
  __attribute__ ((format (printf, 1, 2)));

/* Set by bpoke_interrupt (Ctrl-C): a device that waits on another
   program (an NBD server) stops waiting, and clears it; so does the
   start of each transaction (ios_begin).  */
extern volatile sig_atomic_t iodev_interrupted;

/* Called before every step of a commit or a recovery that changes a
   file or a directory: the crash simulator of the tests.  */
void iodev_step (void);

/* All N bytes or a failure with a reason (a short read is the end of
   the file).  A failed write sets iodev_stopped_at to the offset of its
   first byte not written: the bytes from there on were not changed.  */
ios_err iodev_pread (int fd, void *buf, size_t n, uint64_t off);
ios_err iodev_pwrite (int fd, const void *buf, size_t n, uint64_t off);
extern uint64_t iodev_stopped_at;
/* fsync the directory holding PATH.  */
void iodev_sync_dir (const char *path);

#endif
