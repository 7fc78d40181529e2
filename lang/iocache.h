/* iocache.h -- the page cache between IO spaces and their devices.

   Pages of 4 KiB, read from the device on demand.  Clean pages are
   kept up to a bound and evicted least recently used first; dirty
   pages hold the writes of the current transaction and stay until it
   commits or rolls back.  A dirty page remembers which of its bytes
   were written (a bitmap), so that a commit writes those bytes and no
   others: the bytes around them may be older than the device's.  */

#ifndef BPOKE_IOCACHE_H
#define BPOKE_IOCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ios.h"

#define IOC_PAGE_BITS 12
#define IOC_PAGE_SIZE ((uint64_t) 1 << IOC_PAGE_BITS)

typedef struct iopage
{
  uint64_t no;
  struct iopage *hnext;         /* Hash chain.  */
  struct iopage *prev, *next;   /* LRU list of clean pages.  */
  bool dirty;
  uint32_t lo, hi;              /* Bounds of the written bytes.  */
  uint64_t written[IOC_PAGE_SIZE / 64];  /* Bit I: byte I was written.  */
  unsigned char data[IOC_PAGE_SIZE];
} iopage;

typedef struct iocache
{
  iopage **htab;
  size_t nbuckets, npages, nclean, ndirty;
  iopage *lru_head, *lru_tail;  /* Most recently used first.  */
  uint64_t prev_miss;           /* The page read from the device last.  */
  iopage *last;                 /* The last page looked up.  */
} iocache;

/* Read N bytes at OFF of the device under a cache into BUF.  */
typedef ios_err (*iocache_fill) (void *dev, uint64_t off, void *buf,
                                 size_t n);

/* A run of written bytes, for a commit.  */
typedef struct iorun
{
  uint64_t off;
  uint32_t len;
  const unsigned char *data;
} iorun;

void iocache_init (iocache *c);
void iocache_fini (iocache *c);

/* The page NO, read with FILL from DEV if it is not cached; the device
   has DEV_SIZE bytes (what lies past them reads as zero).  */
ios_err iocache_page (iocache *c, uint64_t no, uint64_t dev_size,
                      iocache_fill fill, void *dev, iopage **out);
/* Bytes [LO, HI) of P were just written.  */
void iocache_mark (iocache *c, iopage *p, uint32_t lo, uint32_t hi);

/* The written bytes below LIMIT as runs sorted by offset (*N of them,
   free the array); a run does not cross pages.  */
iorun *iocache_runs (const iocache *c, uint64_t limit, size_t *n);
/* The written bytes are now the device's: dirty pages become clean.  */
void iocache_commit (iocache *c);
/* Forget the writes; true if there were any.  */
bool iocache_drop_dirty (iocache *c);
/* Forget the clean pages (the device may have changed under them).  */
void iocache_drop_clean (iocache *c);
void iocache_drop_all (iocache *c);

/* Where bytes [OFF, OFF + N) are, if they lie in the page looked up
   last; NULL otherwise.  */
static inline const unsigned char *
iocache_peek (const iocache *c, uint64_t off, size_t n)
{
  const iopage *p = c->last;
  if (p && (off >> IOC_PAGE_BITS) == p->no
      && ((off + n - 1) >> IOC_PAGE_BITS) == p->no)
    return p->data + (off & (IOC_PAGE_SIZE - 1));
  return NULL;
}

#endif
