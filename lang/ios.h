/* ios.h -- IO spaces: the byte stores that values are mapped onto.

   An IO space is a device (a file, a growable memory buffer, a sub-range
   of another IO space, a process's memory) under a page cache.  Pages
   are read on demand; writes go to the cache and reach the device when
   the current transaction commits.  Every top-level command is one
   transaction (ios_begin at its start, ios_commit at its end,
   ios_rollback when it fails); a commit writes every space or none, and
   is made safe against being killed half-way by an undo journal written
   before the device is touched.  The modules below: iodev (devices),
   iocache (the page cache), journal, iobits (integers at bit offsets).

   IO spaces are numbered from 0 upwards in opening order; closing the
   space with the highest id gives that id to the next space opened, as
   GNU poke 4.3 does, and no other id is reused.  One of them is
   current.  */

#ifndef BPOKE_IOS_H
#define BPOKE_IOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ios ios;

/* Flags, with GNU poke's values.  */
#define IOS_F_READ   1u
#define IOS_F_WRITE  2u
#define IOS_F_CREATE 16u
#define IOS_M_RDONLY IOS_F_READ
#define IOS_M_WRONLY IOS_F_WRITE
#define IOS_M_RDWR   (IOS_F_READ | IOS_F_WRITE)

/* Errors, mapped by the callers to Poke exceptions.  */
typedef enum ios_err
{
  IOS_OK = 0,
  IOS_EEOF,             /* E_eof: access past the end.  */
  IOS_EIO,              /* E_io.  */
  IOS_EFLAGS,           /* E_io_flags.  */
  IOS_EPERM,            /* E_perm: writing a read-only space.  */
  IOS_ENOIOS,           /* E_no_ios.  */
  IOS_EOPEN,            /* A space with that handler is open already.  */
  IOS_EINVAL            /* E_inval: flags the device cannot honour.  */
} ios_err;

/* Bumped by every change of what a map would read: writes, bias
   changes, rollbacks and closes.  Mapped values remember the generation
   they were decoded at and decode again when it has moved.  */
extern uint64_t ios_generation;

void ios_init (void);
void ios_fini (void);           /* Rolls back and closes everything.  */

/* Open HANDLER: "*NAME*" is a memory buffer, "sub://IOS/BASE/SIZE/NAME"
   a sub-range, "pid://N" a process, "mmap://BASE/SIZE/PATH" a range
   of a file mapped into memory, "nbd://..." and "nbd+unix://..." an
   NBD server's export (nbd.h), anything else a file.  FLAGS 0
   means read-write when permitted, read-only otherwise.  Returns the new
   id, or -1 with *ERR set.  The first space opened becomes current.
   Opening a file replays the journal of an interrupted commit left
   beside it, if the open is read-write and the journal belongs to the
   file; and says on stderr what it did with any journal found.  */
int ios_open (const char *handler, uint64_t flags, ios_err *err);
/* Close ID; its pending writes are committed or dropped with the
   transaction.  Closing the current space makes the most recently
   opened remaining one current.  */
ios_err ios_close (int id);

ios *ios_get (int id);          /* NULL if there is no such space.  */
ios *ios_cur (void);            /* NULL if none is open.  */
bool ios_set_cur (int id);

int ios_id (const ios *io);
/* What tells the space ID from those that had its id before it (ids are
   reused after a close): 0 if there is no space ID.  */
uint64_t ios_serial (int id);
const char *ios_handler (const ios *io);
/* "FILE", "MEMORY", "SUB", "PROC", "MMAP" or "NBD", as .info ios shows
   it.  */
const char *ios_type_name (const ios *io);
/* The space whose handler (as ios_handler shows it) is HANDLER.  */
ios *ios_find (const char *handler);
/* The one space whose handler has PART in it (`$<PART>' in Poke), or
   NULL when none or several have.  */
ios *ios_find_part (const char *part);
/* The id the next space opened will get.  */
int ios_next_id (void);
uint64_t ios_flags (const ios *io);
uint64_t ios_size (ios *io);    /* In bytes, including pending writes.  */
int64_t ios_bias (const ios *io);       /* In bits.  */
void ios_set_bias (ios *io, int64_t bits);

/* Integers at any bit offset, of 1 to 64 bits, in either byte order, as
   GNU poke lays them out (see ios.c for unaligned little-endian
   values).  The offset is in bits from the start of the space, bias
   already applied by the caller.  *VAL is zero-extended.  */
ios_err ios_read_int (ios *io, uint64_t bitoff, int nbits, bool big_endian,
                      uint64_t *val);
ios_err ios_write_int (ios *io, uint64_t bitoff, int nbits, bool big_endian,
                       uint64_t val);

/* Whole bytes.  */
ios_err ios_read_bytes (ios *io, uint64_t off, void *buf, size_t n);
ios_err ios_write_bytes (ios *io, uint64_t off, const void *buf, size_t n);

/* Transactions over all open spaces.  ios_begin starts one: the
   spaces' cached pages are checked against their devices, which other
   programs may have changed.  ios_commit writes all the pending writes
   or none; on failure, ios_error says which space failed and why.  */
void ios_begin (void);
ios_err ios_commit (void);
const char *ios_error (void);
/* After a failed commit: whether every byte it wrote was put back.  */
bool ios_error_undone (void);
/* Returns true if there were pending writes (now discarded).  */
bool ios_rollback (void);
/* Write ID's pending data to its device now (the flush builtin).  */
ios_err ios_flush (int id);

/* Every open space, newest first (for .info ios).  */
void ios_each (void (*fn) (void *ctx, ios *io), void *ctx);

/* For tests: the number of pages cached over all spaces, and a crash
   simulator: when >= 0, the process kills itself (SIGKILL) before the
   Nth step of commits and recoveries that changes a file or directory
   (a write, truncation, fsync, link or unlink), counting from 0 over
   the whole process.  ios_init sets it from BPOKE_CRASH_AT_STEP.  */
size_t ios_cached_pages (void);
extern int ios_crash_at_step;

#endif
