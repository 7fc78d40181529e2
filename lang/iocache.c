/* iocache.c -- the page cache between IO spaces and their devices (see
   iocache.h): a hash table of pages, an LRU list of the clean ones, and
   for each dirty page a bitmap of the bytes written.

   Why a bitmap and not a range: a dirty page's unwritten bytes came
   from the device when the page was read, possibly commands ago, or
   another program may have written them since.  Writing back anything
   but the bytes assigned would put those stale bytes back.  */

#include "iocache.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define MAX_CLEAN 256           /* Clean pages kept (1 MiB).  */
#define SCAN_KEEP 16            /* Pages of a sequential scan kept.  */

void
iocache_init (iocache *c)
{
  memset (c, 0, sizeof *c);
  c->prev_miss = UINT64_MAX - 1;
  c->nbuckets = 64;
  c->htab = xcalloc (c->nbuckets, sizeof *c->htab);
}

void
iocache_fini (iocache *c)
{
  iocache_drop_all (c);
  free (c->htab);
  c->htab = NULL;
}

static void
lru_unlink (iocache *c, iopage *p)
{
  if (p->prev)
    p->prev->next = p->next;
  else
    c->lru_head = p->next;
  if (p->next)
    p->next->prev = p->prev;
  else
    c->lru_tail = p->prev;
  p->prev = p->next = NULL;
}

static void
lru_push (iocache *c, iopage *p)
{
  p->prev = NULL;
  p->next = c->lru_head;
  if (c->lru_head)
    c->lru_head->prev = p;
  c->lru_head = p;
  if (!c->lru_tail)
    c->lru_tail = p;
}

static size_t
bucket (const iocache *c, uint64_t no)
{
  return (size_t) ((no * UINT64_C (0x9e3779b97f4a7c15)) >> 20)
         & (c->nbuckets - 1);
}

static void
hash_remove (iocache *c, iopage *p)
{
  iopage **pp = &c->htab[bucket (c, p->no)];
  while (*pp != p)
    pp = &(*pp)->hnext;
  *pp = p->hnext;
  c->npages--;
  if (c->last == p)
    c->last = NULL;
}

static void
hash_insert (iocache *c, iopage *p)
{
  if (c->npages >= c->nbuckets * 2)
    {
      size_t nb = c->nbuckets * 4, ob = c->nbuckets;
      iopage **nt = xcalloc (nb, sizeof *nt), **ot = c->htab;
      c->htab = nt;
      c->nbuckets = nb;
      for (size_t i = 0; i < ob; i++)
        for (iopage *q = ot[i], *nx; q; q = nx)
          {
            nx = q->hnext;
            size_t b = bucket (c, q->no);
            q->hnext = nt[b];
            nt[b] = q;
          }
      free (ot);
    }
  size_t b = bucket (c, p->no);
  p->hnext = c->htab[b];
  c->htab[b] = p;
  c->npages++;
}

/* The cached page NO, or NULL; the LRU order does not change.  */
static iopage *
page_find (const iocache *c, uint64_t no)
{
  for (iopage *p = c->htab[bucket (c, no)]; p; p = p->hnext)
    if (p->no == no)
      return p;
  return NULL;
}

static iopage *
page_lookup (iocache *c, uint64_t no)
{
  iopage *p = c->last;
  if (p && p->no == no)
    return p;
  p = page_find (c, no);
  if (!p)
    return NULL;
  if (!p->dirty && c->lru_head != p)
    {
      lru_unlink (c, p);
      lru_push (c, p);
    }
  c->last = p;
  return p;
}

static void
page_free (iocache *c, iopage *p)
{
  hash_remove (c, p);
  if (p->dirty)
    c->ndirty--;
  else
    {
      lru_unlink (c, p);
      c->nclean--;
    }
  free (p);
}

ios_err
iocache_page (iocache *c, uint64_t no, uint64_t dev_size, iocache_fill fill,
              void *dev, iopage **out)
{
  iopage *p = page_lookup (c, no);
  if (p)
    {
      *out = p;
      return IOS_OK;
    }
  if (c->nclean >= MAX_CLEAN && c->lru_tail)
    page_free (c, c->lru_tail);
  p = xmalloc (sizeof *p);
  p->no = no;
  p->dirty = false;
  p->lo = p->hi = 0;
  uint64_t start = no << IOC_PAGE_BITS;
  uint64_t avail = dev_size > start ? dev_size - start : 0;
  if (avail > IOC_PAGE_SIZE)
    avail = IOC_PAGE_SIZE;
  if (avail < IOC_PAGE_SIZE)
    memset (p->data + avail, 0, IOC_PAGE_SIZE - avail);
  ios_err e = avail ? fill (dev, start, p->data, (size_t) avail) : IOS_OK;
  if (e != IOS_OK)
    {
      free (p);
      return e;
    }
  hash_insert (c, p);
  lru_push (c, p);
  /* Pages read one after the other are a scan, unlikely to be read
     again: keep only its last SCAN_KEEP pages, so that a scan neither
     fills the memory nor pushes out the pages read here and there.  */
  if (no == c->prev_miss + 1 && no >= SCAN_KEEP)
    {
      iopage *old = page_find (c, no - SCAN_KEEP);
      if (old && !old->dirty)
        page_free (c, old);
    }
  c->prev_miss = no;
  c->nclean++;
  c->last = p;
  *out = p;
  return IOS_OK;
}

/* Set bits [LO, HI) of MAP.  */
static void
bits_set (uint64_t *map, uint32_t lo, uint32_t hi)
{
  while (lo < hi)
    {
      uint32_t w = lo / 64, b = lo % 64;
      uint32_t k = hi - lo < 64 - b ? hi - lo : 64 - b;
      map[w] |= (k == 64 ? UINT64_MAX : ((UINT64_C (1) << k) - 1)) << b;
      lo += k;
    }
}

/* The first bit at or after I, below END, that is VALUE; END if none.  */
static uint32_t
bits_next (const uint64_t *map, uint32_t i, uint32_t end, bool value)
{
  while (i < end)
    {
      uint64_t w = map[i / 64];
      if (!value)
        w = ~w;
      w >>= i % 64;
      if (w)
        {
          uint32_t at = i + (uint32_t) __builtin_ctzll (w);
          return at < end ? at : end;
        }
      i = (i / 64 + 1) * 64;
    }
  return end;
}

void
iocache_mark (iocache *c, iopage *p, uint32_t lo, uint32_t hi)
{
  if (!p->dirty)
    {
      lru_unlink (c, p);
      c->nclean--;
      c->ndirty++;
      p->dirty = true;
      memset (p->written, 0, sizeof p->written);
      p->lo = lo;
      p->hi = hi;
    }
  if (lo < p->lo)
    p->lo = lo;
  if (hi > p->hi)
    p->hi = hi;
  bits_set (p->written, lo, hi);
}

static int
run_cmp (const void *a, const void *b)
{
  uint64_t x = ((const iorun *) a)->off, y = ((const iorun *) b)->off;
  return x < y ? -1 : x > y;
}

iorun *
iocache_runs (const iocache *c, uint64_t limit, size_t *n)
{
  size_t k = 0, cap = c->ndirty + 1;
  iorun *r = xmalloc (sizeof *r * cap);
  for (size_t i = 0; i < c->nbuckets; i++)
    for (const iopage *p = c->htab[i]; p; p = p->hnext)
      {
        if (!p->dirty)
          continue;
        uint64_t base = p->no << IOC_PAGE_BITS;
        for (uint32_t at = p->lo; at < p->hi;)
          {
            uint32_t lo = bits_next (p->written, at, p->hi, true);
            uint32_t hi = bits_next (p->written, lo, p->hi, false);
            at = hi;
            if (lo == hi || base + lo >= limit)
              continue;
            if (base + hi > limit)
              hi = (uint32_t) (limit - base);
            if (k == cap)
              {
                cap *= 2;
                r = xrealloc (r, sizeof *r * cap);
              }
            r[k].off = base + lo;
            r[k].len = hi - lo;
            r[k].data = p->data + lo;
            k++;
          }
      }
  qsort (r, k, sizeof *r, run_cmp);
  *n = k;
  return r;
}

void
iocache_commit (iocache *c)
{
  for (size_t i = 0; i < c->nbuckets; i++)
    for (iopage *p = c->htab[i]; p; p = p->hnext)
      if (p->dirty)
        {
          p->dirty = false;
          c->ndirty--;
          c->nclean++;
          lru_push (c, p);
        }
  while (c->nclean > MAX_CLEAN && c->lru_tail)
    page_free (c, c->lru_tail);
}

/* Free the pages that are DIRTY (or clean); true if any.  */
static bool
drop_some (iocache *c, bool dirty)
{
  bool any = false;
  if ((dirty ? c->ndirty : c->nclean) == 0)
    return false;
  for (size_t i = 0; i < c->nbuckets; i++)
    for (iopage *p = c->htab[i], *nx; p; p = nx)
      {
        nx = p->hnext;
        if (p->dirty == dirty)
          {
            page_free (c, p);
            any = true;
          }
      }
  return any;
}

bool
iocache_drop_dirty (iocache *c)
{
  return drop_some (c, true);
}

void
iocache_drop_clean (iocache *c)
{
  drop_some (c, false);
  c->prev_miss = UINT64_MAX - 1;
}

void
iocache_drop_all (iocache *c)
{
  for (size_t i = 0; i < c->nbuckets; i++)
    for (iopage *p = c->htab[i], *nx; p; p = nx)
      {
        nx = p->hnext;
        free (p);
      }
  memset (c->htab, 0, c->nbuckets * sizeof *c->htab);
  c->npages = c->nclean = c->ndirty = 0;
  c->lru_head = c->lru_tail = c->last = NULL;
  c->prev_miss = UINT64_MAX - 1;
}
