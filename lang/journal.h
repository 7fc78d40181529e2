/* journal.h -- the undo journal that makes a commit to a file safe
   against a crash, and its recovery.

   Before a commit touches a file, the journal FILE.bpoke-journal
   records which file it is (device and inode), its size before and
   after, and for every range about to be written the bytes there
   before and the bytes to be written.  It is written to an unnamed
   file, fsync'ed, then given its name with link(2), which fails rather
   than follow or replace anything already there: a journal on disk is
   always complete, and never written through a planted symlink.  The
   committing process holds a lock on it (flock) until it removes it.

   A journal found beside a file is replayed only if it belongs to the
   file as it is now: the same inode, a size the commit had before or
   after, and every journaled byte either the old or the new one.  */

#ifndef BPOKE_JOURNAL_H
#define BPOKE_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "iodev.h"

typedef struct journal journal;

/* A journal for a commit to the file PATH (NULL: kept in memory only,
   for a device without a journal file), whose identity is ST, from
   OSIZE to NSIZE bytes.  */
journal *journal_new (const char *path, const struct stat *st,
                      uint64_t osize, uint64_t nsize);
/* N bytes at OFF are to become NEW; OLD is what they are now (NULL for
   bytes past the old size).  */
void journal_add (journal *j, uint64_t off, size_t n,
                  const unsigned char *old, const unsigned char *new);
/* Put the journal on disk, next to its file.  Where the directory
   cannot be written to, there is no journal file, and that is not an
   error: the commit goes on unprotected against crashes.  */
ios_err journal_write (journal *j);
/* Whether journal_write put a file on disk.  */
bool journal_on_disk (const journal *j);
/* Put the old bytes below UPTO back on the device D, from memory, and
   the old size (a commit failed, having written nothing from UPTO
   on).  */
ios_err journal_undo (journal *j, iodev *d, uint64_t upto);
/* Remove the journal file (the commit is done, or undone) and free J.
   KEEP_FILE leaves the file on disk for the next open to replay.  */
void journal_end (journal *j, bool keep_file);

/* What recovery found.  */
typedef enum journal_verdict
{
  JOURNAL_NONE,         /* No journal.  */
  JOURNAL_APPLIED,      /* Replayed: the file is as before the commit.  */
  JOURNAL_UNUSED,       /* The commit had not started: journal removed.  */
  JOURNAL_PENDING,      /* Belongs to the file, not replayed (read-only).  */
  JOURNAL_FOREIGN,      /* Does not match the file: left alone.  */
  JOURNAL_INVALID,      /* Not a journal of this bpoke: left alone.  */
  JOURNAL_BUSY,         /* Another process is committing: left alone.  */
  JOURNAL_FAILED        /* Replaying it failed: kept.  */
} journal_verdict;

/* Look for a journal beside PATH, open as FD; replay it if it belongs
   to the file and REPLAY (FD is then open read-write).  *WHY says why a
   journal was left alone or failed (at most WHYLEN bytes).  */
journal_verdict journal_recover (const char *path, int fd, bool replay,
                                 char *why, size_t whylen);

/* FILE.bpoke-journal, to be freed.  */
char *journal_path (const char *path);

#endif
