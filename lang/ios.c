/* ios.c -- IO spaces: their ids, names, flags and biases, sub-ranges,
   the stores under them, and transactions.

   A store is a device (iodev.c) with its page cache (iocache.c).  Every
   space open on the same file shares one store, so that what one
   writes the others read, a commit writes a file once, and no space
   keeps pages that another has made stale.  A sub-range space has no
   store: it forwards to its base space.

   A transaction is every write made since the last commit or rollback:
   interp.c makes each top-level command one.  ios_begin starts one and
   checks that each store's cached pages still show its device
   (iodev_check); they are trusted from one transaction to the next only
   then.

   A commit writes all the stores with pending writes or none of them,
   in three steps.  Prepare: for each, read the bytes about to be
   overwritten into an undo journal, and for a file put that journal on
   disk (journal.c), so that a crash from then on is undone when the
   file is next opened.  Apply: write each device, files first, memory
   buffers and mapped files last (they cannot fail).  If a write fails,
   the devices already written are put back from their journals, in
   reverse order.  Finish: remove the journals.  Only the bytes assigned
   are written.  An NBD export's journal stays in memory: a commit that
   fails on one is put back only while its server still answers, and a
   crash during it leaves the export half-written.

   Closing a space with pending writes keeps its store until the
   transaction ends, so that a command which closes a space and then
   fails writes nothing either.  */

#include "ios.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iobits.h"
#include "iocache.h"
#include "iodev.h"
#include "journal.h"
#include "nbd.h"
#include "util.h"

#define MEM_STEP 4096           /* Memory buffers grow by this much.  */

typedef enum space_kind
{
  SP_FILE, SP_MEM, SP_SUB, SP_PROC, SP_MMAP, SP_NBD
} space_kind;

typedef struct store
{
  iodev *dev;
  iocache cache;
  uint64_t dev_size;            /* Committed size in bytes.  */
  uint64_t size;                /* Size with the pending writes.  */
  int nrefs;                    /* Open spaces on it.  */
  uint64_t seq;                 /* Stores are committed in this order.  */
  uint64_t txn;                 /* The transaction it was checked in.  */
  char *label;                  /* "#ID (NAME)" of its first space.  */
  struct store *next;
  /* A commit in progress.  */
  iorun *runs;
  size_t nruns;
  uint64_t osize, nsize;        /* The device's size before and after.  */
  journal *jnl;
  bool touched;                 /* The device may have changed...  */
  uint64_t upto;                /* ... below this offset.  */
} store;

struct ios
{
  int id;
  char *handler;
  uint64_t flags;
  int64_t bias;
  space_kind kind;
  store *st;                    /* FILE, MEMORY, PROC.  */
  int base;                     /* SUB: the base space's id.  */
  uint64_t base_off, sub_size;  /* SUB: start and size, in bytes.  */
  uint64_t serial;              /* Unique among all spaces ever opened:
                                   an id is reused after a close.  */
};

uint64_t ios_generation = 1;

static ios **spaces;            /* Indexed by id; NULL once closed.  */
static int nspaces, capspaces;
static int cur_id = -1;
static store *stores;           /* Every store, open or closing.  */
static uint64_t txn = 1;        /* The current transaction.  */
static char errmsg[2048];       /* Why the last commit failed.  */
static bool unput;              /* And something could not be put back.  */

/* Say something about the files on stderr, after what is on stdout.  */
static void
note (const char *fmt, ...)
{
  va_list ap;
  fflush (stdout);
  fputs ("bpoke: ", stderr);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fputc ('\n', stderr);
}

const char *
ios_error (void)
{
  return errmsg;
}

bool
ios_error_undone (void)
{
  return !unput;
}

/* Stores.  */

static store *
store_new (iodev *d, int id, const char *name)
{
  static uint64_t nstores;
  store *st = xcalloc (1, sizeof *st);
  st->seq = nstores++;
  st->dev = d;
  iocache_init (&st->cache);
  st->dev_size = st->size = d->ops->size (d);
  st->txn = txn;
  size_t n = strlen (name) + 32;
  st->label = xmalloc (n);
  snprintf (st->label, n, "#%d (%s)", id, name);
  st->next = stores;
  stores = st;
  return st;
}

static void
store_free (store *st)
{
  store **pp = &stores;
  while (*pp != st)
    pp = &(*pp)->next;
  *pp = st->next;
  iocache_fini (&st->cache);
  iodev_close (st->dev);
  free (st->label);
  free (st);
}

static bool
store_pending (const store *st)
{
  return st->cache.ndirty > 0 || st->size != st->dev_size;
}

/* Free the stores no space uses any more, once nothing is pending.  */
static void
reap (void)
{
  for (store *st = stores, *nx; st; st = nx)
    {
      nx = st->next;
      if (st->nrefs == 0 && !store_pending (st))
        store_free (st);
    }
}

/* The device's contents may have changed: forget the cached pages.  */
static void
store_refresh (store *st)
{
  iocache_drop_clean (&st->cache);
  st->dev_size = st->size = st->dev->ops->size (st->dev);
  ios_generation++;
}

/* Once a transaction, before ST is used: are its cached pages still
   what the device holds?  */
static void
store_check (store *st)
{
  if (st->txn == txn)
    return;
  st->txn = txn;
  if (store_pending (st))
    return;
  iodev_change c = st->dev->ops->check (st->dev);
  if (c == IODEV_SAME)
    return;
  if (c == IODEV_REPLACED)
    note ("%s was replaced by another file: IO space %s shows the new one",
          st->dev->path, st->label);
  store_refresh (st);
}

/* The store open on the same file as D, if any.  */
static store *
store_of_file (const iodev *d)
{
  for (store *st = stores; st; st = st->next)
    if (iodev_same_file (st->dev, d))
      return st;
  return NULL;
}

/* Spaces.  */

void
ios_init (void)
{
  cur_id = -1;
  const char *s = getenv ("BPOKE_CRASH_AT_STEP");
  if (s && *s)
    ios_crash_at_step = atoi (s);
}

ios *
ios_get (int id)
{
  return id >= 0 && id < nspaces ? spaces[id] : NULL;
}

uint64_t
ios_serial (int id)
{
  ios *io = ios_get (id);
  return io ? io->serial : 0;
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
  return io->kind == SP_SUB ? "SUB" : io->st->dev->ops->type_name;
}

uint64_t
ios_size (ios *io)
{
  if (io->kind == SP_SUB)
    return io->sub_size;
  store_check (io->st);
  return io->st->size;
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

ios *
ios_find_part (const char *part)
{
  ios *found = NULL;
  if (!*part)
    return NULL;
  for (int i = 0; i < nspaces; i++)
    if (spaces[i] && strstr (spaces[i]->handler, part))
      {
        if (found)
          return NULL;
        found = spaces[i];
      }
  return found;
}

void
ios_each (void (*fn) (void *ctx, ios *io), void *ctx)
{
  for (int i = nspaces - 1; i >= 0; i--)
    if (spaces[i])
      fn (ctx, spaces[i]);
}

/* Look for a leftover journal beside the file of D, named NAME, and
   say what was done with it.  Fails only if replaying it failed.  */
static ios_err
recover (const char *name, iodev *d, bool *applied)
{
  char why[512];
  bool replay = d->can_read && d->can_write;
  journal_verdict v = journal_recover (d->path, d->fd, replay, why,
                                       sizeof why);
  char *jp = journal_path (name);
  ios_err e = IOS_OK;
  *applied = v == JOURNAL_APPLIED;
  switch (v)
    {
    case JOURNAL_NONE:
      break;
    case JOURNAL_APPLIED:
      note ("%s: an interrupted commit was rolled back, from %s", name, jp);
      break;
    case JOURNAL_UNUSED:
      note ("%s: removed %s, left by a commit interrupted before it "
            "changed the file", name, jp);
      break;
    case JOURNAL_PENDING:
      note ("%s: %s holds an interrupted commit, not rolled back: the file "
            "is open read-only (open it for writing to roll it back)", name,
            jp);
      break;
    case JOURNAL_FOREIGN:
      note ("%s: %s left alone: it does not belong to the file as it is: %s",
            name, jp, why);
      break;
    case JOURNAL_INVALID:
      note ("%s: %s left alone: %s", name, jp, why);
      break;
    case JOURNAL_BUSY:
      note ("%s: %s left alone: another process is writing the file", name,
            jp);
      break;
    case JOURNAL_FAILED:
      note ("%s: rolling back the interrupted commit of %s failed: %s", name,
            jp, why);
      e = IOS_EIO;
      break;
    }
  free (jp);
  return e;
}

/* Open the file of space IO, as HANDLER.  */
static ios_err
open_file (ios *io, const char *handler, uint64_t mode)
{
  iodev *d;
  uint64_t got;
  bool applied;
  if (iodev_open_file (handler, mode, &got, &d) != IOS_OK)
    return IOS_EIO;
  io->flags = (io->flags & ~(uint64_t) 0xff) | got;
  if (recover (io->handler, d, &applied) != IOS_OK)
    {
      iodev_close (d);
      return IOS_EIO;
    }
  store *st = store_of_file (d);
  if (st)
    {
      iodev_merge (st->dev, d);
      if (applied && !store_pending (st))
        store_refresh (st);
    }
  else
    st = store_new (d, io->id, io->handler);
  st->nrefs++;
  io->st = st;
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

/* Give space IO a store of its own on device D, opened in MODE; FLAGS
   were asked for.  */
static ios_err
own_store (ios *io, iodev *d, uint64_t flags, uint64_t mode)
{
  io->flags = (flags & ~(uint64_t) 0xff) | mode;
  io->st = store_new (d, io->id, io->handler);
  io->st->nrefs++;
  return IOS_OK;
}

static ios_err
open_proc (ios *io, const char *handler, uint64_t flags)
{
  const char *s = handler + 6;
  uint64_t pid, mode = flags & 0xff;
  iodev *d;
  if (!parse_u64 (&s, &pid) || *s
      || iodev_open_proc (pid, !mode || (mode & IOS_F_WRITE), &d) != IOS_OK)
    return IOS_EIO;
  return own_store (io, d, flags, mode ? mode : IOS_M_RDWR);
}

/* mmap://BASE/SIZE/PATH.  */
static ios_err
open_mmap (ios *io, const char *handler, uint64_t flags)
{
  const char *s = handler + 7;
  uint64_t base, size, got, mode = flags & 0xff;
  iodev *d;
  if (!parse_u64 (&s, &base) || *s++ != '/' || !parse_u64 (&s, &size)
      || *s++ != '/')
    return IOS_EIO;
  ios_err e = iodev_open_mmap (s, base, size, mode, &got, &d);
  return e == IOS_OK ? own_store (io, d, flags, got) : e;
}

/* nbd://... or nbd+unix://...: IOS_EINVAL when FLAGS ask to write a
   read-only export, as in GNU poke.  */
static ios_err
open_nbd (ios *io, const char *handler, uint64_t flags)
{
  uint64_t got;
  iodev *d;
  ios_err e = iodev_open_nbd (handler, flags & 0xff, &got, &d);
  return e == IOS_OK ? own_store (io, d, flags, got) : e;
}

/* sub://IOS/BASE/SIZE/NAME.  */
static ios_err
open_sub (ios *io, const char *handler, uint64_t flags)
{
  const char *s = handler + 6;
  uint64_t id, base, size, mode = flags & 0xff;
  if (!parse_u64 (&s, &id) || *s++ != '/' || !parse_u64 (&s, &base)
      || *s++ != '/' || !parse_u64 (&s, &size) || *s != '/')
    return IOS_EIO;
  ios *b = id < (uint64_t) nspaces ? spaces[id] : NULL;
  if (!b)
    return IOS_EIO;
  /* The range lies within the space it is part of, as in GNU poke.  */
  uint64_t bsize = ios_size (b);
  if (base >= bsize || size > bsize - base)
    return IOS_EIO;
  if (mode & ~(b->flags & IOS_M_RDWR) & IOS_M_RDWR)
    return IOS_EFLAGS;
  io->base = (int) id;
  io->base_off = base;
  io->flags = (flags & ~(uint64_t) 0xff)
              | (mode ? mode & IOS_M_RDWR : IOS_M_RDWR);
  io->sub_size = size;
  return IOS_OK;
}

static void
space_free (ios *io)
{
  if (io->st && --io->st->nrefs == 0 && !store_pending (io->st))
    store_free (io->st);
  free (io->handler);
  free (io);
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
  space_kind kind;
  if (hlen >= 2 && handler[0] == '*' && handler[hlen - 1] == '*')
    kind = SP_MEM;
  else if (strncmp (handler, "sub://", 6) == 0)
    kind = SP_SUB;
  else if (strncmp (handler, "pid://", 6) == 0)
    kind = SP_PROC;
  else if (strncmp (handler, "mmap://", 7) == 0)
    kind = SP_MMAP;
  else if (nbd_is_uri (handler))
    kind = SP_NBD;
  else
    kind = SP_FILE;
  /* GNU poke opens an NBD export whatever the flags, with no mode
     when they have neither IOS_F_READ nor IOS_F_WRITE.  */
  if (kind != SP_MEM && kind != SP_NBD
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
  if (kind == SP_FILE && handler[0] != '/')
    sb_puts (&name, "./");
  sb_puts (&name, handler);
  if (ios_find (name.data))
    {
      sb_free (&name);
      *err = IOS_EOPEN;
      return -1;
    }
  ios *io = xcalloc (1, sizeof *io);
  io->kind = kind;
  io->handler = sb_steal (&name);
  io->flags = flags;
  io->id = nspaces;
  static uint64_t serials;
  io->serial = ++serials;
  ios_err e = IOS_OK;
  switch (kind)
    {
    case SP_MEM:
      io->flags = IOS_M_RDWR;
      io->st = store_new (iodev_open_mem (MEM_STEP), io->id, io->handler);
      io->st->nrefs++;
      break;
    case SP_FILE:
      e = open_file (io, handler, mode);
      break;
    case SP_PROC:
      e = open_proc (io, handler, flags);
      break;
    case SP_SUB:
      e = open_sub (io, handler, flags);
      break;
    case SP_MMAP:
      e = open_mmap (io, handler, flags);
      break;
    case SP_NBD:
      e = open_nbd (io, handler, flags);
      break;
    }
  if (e != IOS_OK)
    {
      space_free (io);
      *err = e;
      return -1;
    }
  if (nspaces == capspaces)
    {
      capspaces = capspaces ? capspaces * 2 : 16;
      spaces = xrealloc (spaces, sizeof *spaces * (size_t) capspaces);
    }
  spaces[nspaces++] = io;
  if (!ios_cur ())
    cur_id = io->id;
  return io->id;
}

ios_err
ios_close (int id)
{
  ios *io = ios_get (id);
  if (!io)
    return IOS_ENOIOS;
  ios_generation++;
  spaces[id] = NULL;
  /* The sub-ranges of a space go with it.  */
  for (int i = 0; i < nspaces; i++)
    if (spaces[i] && spaces[i]->kind == SP_SUB && spaces[i]->base == id)
      ios_close (i);
  /* A store with pending writes stays until the transaction ends.  */
  space_free (io);
  /* As in GNU poke 4.3, closing the space opened last gives its id to
   the next one opened (only that one: ids below stay unused).  */
  if (id == nspaces - 1)
    nspaces--;
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
  return IOS_OK;
}

void
ios_fini (void)
{
  ios_rollback ();
  for (int i = 0; i < nspaces; i++)
    if (spaces[i])
      {
        space_free (spaces[i]);
        spaces[i] = NULL;
      }
  while (stores)
    store_free (stores);
  free (spaces);
  spaces = NULL;
  nspaces = capspaces = 0;
  cur_id = -1;
}

size_t
ios_cached_pages (void)
{
  size_t n = 0;
  for (store *st = stores; st; st = st->next)
    n += st->cache.npages;
  return n;
}

/* Transactions.  */

void
ios_begin (void)
{
  txn++;
  iodev_interrupted = 0;        /* A Ctrl-C before the command.  */
  for (store *st = stores; st; st = st->next)
    store_check (st);
}

/* The error of a commit of ST, with the device's reason.  */
static void
commit_error (const store *st)
{
  const char *label = st->label;
  for (int i = 0; i < nspaces; i++)
    if (spaces[i] && spaces[i]->st == st)
      {
        snprintf (errmsg, sizeof errmsg, "IO space #%d (%s): %s", i,
                  spaces[i]->handler, iodev_why ());
        return;
      }
  snprintf (errmsg, sizeof errmsg, "IO space %s, closed: %s", label,
            iodev_why ());
}

/* Read what ST's writes will overwrite into its journal, and put that
   on disk for a file.  */
static ios_err
prepare (store *st)
{
  iodev *d = st->dev;
  ios_err e = iodev_before_commit (d, st->dev_size, &st->osize);
  if (e != IOS_OK)
    return e;
  st->nsize = st->size > st->osize ? st->size : st->osize;
  st->runs = iocache_runs (&st->cache, st->size, &st->nruns);
  bool file = iodev_is_storage (d), proc = strcmp (d->ops->type_name,
                                                   "PROC") == 0;
  bool nbd = strcmp (d->ops->type_name, "NBD") == 0;
  if (!d->can_read || !(file || proc || nbd))
    return IOS_OK;      /* Nothing to read the old bytes from.  */
  st->jnl = journal_new (file ? d->path : NULL, &d->seen, st->osize,
                         st->nsize);
  unsigned char *old = xmalloc (IOC_PAGE_SIZE);
  for (size_t i = 0; i < st->nruns && e == IOS_OK; i++)
    {
      const iorun *r = &st->runs[i];
      uint64_t below = r->off >= st->osize ? 0
                       : st->osize - r->off < r->len ? st->osize - r->off
                       : r->len;
      if (below)
        {
          e = d->ops->read (d, r->off, old, (size_t) below);
          if (e == IOS_OK)
            journal_add (st->jnl, r->off, (size_t) below, old, r->data);
        }
      if (e == IOS_OK && below < r->len)
        journal_add (st->jnl, r->off + below, (size_t) (r->len - below),
                     NULL, r->data + below);
    }
  free (old);
  return e == IOS_OK ? journal_write (st->jnl) : e;
}

static ios_err
apply (store *st)
{
  iodev *d = st->dev;
  ios_err e = IOS_OK;
  if (st->nsize > st->osize)
    e = d->ops->resize (d, st->nsize);
  st->touched = e == IOS_OK;    /* A failed resize changes nothing.  */
  st->upto = UINT64_MAX;
  for (size_t i = 0; i < st->nruns && e == IOS_OK; i++)
    if ((e = d->ops->write (d, st->runs[i].off, st->runs[i].data,
                            st->runs[i].len)) != IOS_OK)
      st->upto = iodev_stopped_at;
  return e == IOS_OK ? d->ops->sync (d) : e;
}

/* Forget ST's commit; remove its journal unless KEEP.  */
static void
finish (store *st, bool keep)
{
  journal_end (st->jnl, keep);
  st->jnl = NULL;
  free (st->runs);
  st->runs = NULL;
  st->nruns = 0;
}

/* Put back the old bytes of ST, whose commit failed or was written when
   another's failed; on failure, add the reason to the message.  */
static void
undo (store *st)
{
  ios_err e = !st->touched ? IOS_OK
              : st->jnl ? journal_undo (st->jnl, st->dev, st->upto)
              : iodev_fail ("bpoke has no copy of its old bytes");
  st->touched = false;
  if (e == IOS_OK)
    {
      finish (st, false);
      return;
    }
  size_t n = strlen (errmsg);
  bool kept = st->jnl && journal_on_disk (st->jnl);
  unput = true;
  snprintf (errmsg + n, sizeof errmsg - n, "; putting %s back failed too "
            "(%s)%s%s%s", st->label, iodev_why (),
            kept ? ": its journal " : "", kept ? st->dev->path : "",
            kept ? ".bpoke-journal is kept, to be replayed when the file is "
                   "next opened for writing" : "");
  finish (st, true);
}

/* Files first, since their journals can undo them; processes; NBD
   exports, whose journals are in memory only (a server that hung up
   cannot be put back); memory last, since it cannot fail.  Then in the
   order they were opened.  */
static int
rank (const store *st)
{
  const char *t = st->dev->ops->type_name;
  return strcmp (t, "FILE") == 0 ? 0 : strcmp (t, "PROC") == 0 ? 1
         : strcmp (t, "NBD") == 0 ? 2 : 3;
}

static int
rank_cmp (const void *a, const void *b)
{
  const store *x = *(store *const *) a, *y = *(store *const *) b;
  if (rank (x) != rank (y))
    return rank (x) - rank (y);
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* After a failed commit, the stores show their devices anew.  */
static void
forget (store **list, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      iocache_drop_all (&list[i]->cache);
      list[i]->dev_size = list[i]->size = list[i]->dev->ops->size
                                           (list[i]->dev);
    }
  ios_generation++;
}

/* Commit the N stores of LIST: all or none.  */
static ios_err
commit_stores (store **list, size_t n)
{
  size_t i;
  ios_err e = IOS_OK;
  qsort (list, n, sizeof *list, rank_cmp);
  for (i = 0; i < n; i++)
    if ((e = prepare (list[i])) != IOS_OK)
      break;
  if (e != IOS_OK)
    {
      /* Nothing was written: remove the journals made, I's too.  */
      commit_error (list[i]);
      for (size_t k = 0; k <= i; k++)
        finish (list[k], false);
      forget (list, n);
      return e;
    }
  for (i = 0; i < n; i++)
    if ((e = apply (list[i])) != IOS_OK)
      break;
  if (e != IOS_OK)
    {
      /* Stores 0 to I were written, I in part: undo them, last first.  */
      commit_error (list[i]);
      for (size_t k = i + 1; k-- > 0;)
        undo (list[k]);
      for (size_t k = i + 1; k < n; k++)
        finish (list[k], false);
      forget (list, n);
      return e;
    }
  for (i = 0; i < n; i++)
    {
      store *st = list[i];
      finish (st, false);
      iocache_commit (&st->cache);
      st->dev_size = st->size = st->nsize;
      iodev_after_commit (st->dev);
    }
  return IOS_OK;
}

ios_err
ios_commit (void)
{
  size_t n = 0, cap = 8;
  store **list = xmalloc (sizeof *list * cap);
  for (store *st = stores; st; st = st->next)
    if (store_pending (st))
      {
        if (n == cap)
          list = xrealloc (list, sizeof *list * (cap *= 2));
        list[n++] = st;
      }
  /* Written only when it has something to clear: a write to its
     untouched page costs a page fault at every start.  */
  if (errmsg[0])
    errmsg[0] = '\0';
  unput = false;
  ios_err e = n ? commit_stores (list, n) : IOS_OK;
  free (list);
  reap ();
  txn++;
  return e;
}

bool
ios_rollback (void)
{
  bool dropped = false;
  ios_generation++;
  for (store *st = stores; st; st = st->next)
    {
      if (iocache_drop_dirty (&st->cache) || st->size != st->dev_size)
        dropped = true;
      st->size = st->dev_size;
    }
  reap ();
  txn++;
  return dropped;
}

ios_err
ios_flush (int id)
{
  ios *io = ios_get (id);
  for (int depth = 0; io && io->kind == SP_SUB && depth < 64; depth++)
    io = ios_get (io->base);
  if (!io)
    return id >= 0 && id < nspaces && spaces[id] ? IOS_EIO : IOS_ENOIOS;
  if (io->kind == SP_SUB || !store_pending (io->st))
    return IOS_OK;
  errmsg[0] = '\0';
  unput = false;
  store *one = io->st;
  return commit_stores (&one, 1);
}

/* Byte access.  */

/* Resolve a sub-range: the space that has the bytes, and the offset in
   it.  GNU poke checks a sub-range's bounds at the first byte of an
   access only; so do we.  */
static ios_err
resolve (ios **iop, uint64_t *off, bool write)
{
  ios *io = *iop;
  for (int depth = 0; io->kind == SP_SUB; depth++)
    {
      uint64_t need = write ? IOS_F_WRITE : IOS_F_READ;
      if (!(io->flags & need))
        return IOS_EPERM;
      if (*off >= io->sub_size)
        return IOS_EEOF;
      ios *b = ios_get (io->base);
      if (!b || depth > 64)
        return IOS_EIO;
      *off += io->base_off;
      io = b;
    }
  *iop = io;
  store_check (io->st);
  return IOS_OK;
}

static ios_err
check_read (ios *io, uint64_t off, uint64_t n)
{
  if (!(io->flags & IOS_F_READ))
    return IOS_EPERM;
  if (off > io->st->size || n > io->st->size - off)
    return IOS_EEOF;
  return IOS_OK;
}

/* Check a write of N bytes at OFF, growing the space as the device
   allows.  */
static ios_err
check_write (ios *io, uint64_t off, uint64_t n)
{
  store *st = io->st;
  if (!(io->flags & IOS_F_WRITE))
    return IOS_EPERM;
  if (off + n < off)
    return IOS_EEOF;
  uint64_t end = off + n;
  switch (io->kind)
    {
    case SP_MEM:
      if (off > st->size)
        return IOS_EEOF;
      while (end > st->size)
        st->size += MEM_STEP;
      break;
    case SP_FILE:
      if (end > st->size)
        st->size = end;
      break;
    default:
      if (end > st->size)
        return IOS_EEOF;
      break;
    }
  return IOS_OK;
}

static ios_err
fill (void *dev, uint64_t off, void *buf, size_t n)
{
  iodev *d = dev;
  return d->ops->read (d, off, buf, n);
}

static ios_err
raw_read (store *st, uint64_t off, unsigned char *buf, size_t n)
{
  while (n > 0)
    {
      iopage *p;
      ios_err e = iocache_page (&st->cache, off >> IOC_PAGE_BITS,
                                st->dev_size, fill, st->dev, &p);
      if (e != IOS_OK)
        return e;
      size_t in = (size_t) (off & (IOC_PAGE_SIZE - 1));
      size_t k = IOC_PAGE_SIZE - in < n ? IOC_PAGE_SIZE - in : n;
      memcpy (buf, p->data + in, k);
      buf += k;
      off += k;
      n -= k;
    }
  return IOS_OK;
}

static ios_err
raw_write (store *st, uint64_t off, const unsigned char *buf, size_t n)
{
  ios_generation++;
  while (n > 0)
    {
      iopage *p;
      ios_err e = iocache_page (&st->cache, off >> IOC_PAGE_BITS,
                                st->dev_size, fill, st->dev, &p);
      if (e != IOS_OK)
        return e;
      size_t in = (size_t) (off & (IOC_PAGE_SIZE - 1));
      size_t k = IOC_PAGE_SIZE - in < n ? IOC_PAGE_SIZE - in : n;
      memcpy (p->data + in, buf, k);
      iocache_mark (&st->cache, p, (uint32_t) in, (uint32_t) (in + k));
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
    e = raw_read (io->st, off, buf, n);
  return e;
}

ios_err
ios_write_bytes (ios *io, uint64_t off, const void *buf, size_t n)
{
  ios_err e = resolve (&io, &off, true);
  if (e == IOS_OK)
    e = check_write (io, off, n);
  if (e == IOS_OK)
    e = raw_write (io->st, off, buf, n);
  return e;
}

/* Integers.  */

/* ios_read_int through ios_read_bytes: any space, any bytes.  */
static __attribute__ ((noinline)) ios_err
read_int_bytes (ios *io, uint64_t bitoff, int nbits, bool big_endian,
                uint64_t *val)
{
  if (nbits < 1 || nbits > 64)
    return IOS_EIO;
  int sh = (int) (bitoff & 7);
  unsigned char buf[9];
  ios_err e = ios_read_bytes (io, bitoff >> 3, buf, iobits_span (sh, nbits));
  if (e == IOS_OK)
    *val = iobits_get (buf, sh, nbits, big_endian);
  return e;
}

ios_err
ios_read_int (ios *io, uint64_t bitoff, int nbits, bool big_endian,
              uint64_t *val)
{
  /* The common case: a space with a store checked in this transaction,
     all the bytes in the page used last.  The others are left to
     read_int_bytes, called last, so that this saves no registers: every
     mapped integer comes here.  */
  uint64_t b0 = bitoff >> 3;
  int sh = (int) (bitoff & 7);
  size_t nbytes = iobits_span (sh, nbits);
  const store *st = io->st;
  const unsigned char *src = NULL;
  if (nbits >= 1 && nbits <= 64 && st && st->txn == txn
      && (io->flags & IOS_F_READ) && b0 + nbytes <= st->size)
    src = iocache_peek (&st->cache, b0, nbytes);
  if (!src)
    return read_int_bytes (io, bitoff, nbits, big_endian, val);
  *val = iobits_get (src, sh, nbits, big_endian);
  return IOS_OK;
}

ios_err
ios_write_int (ios *io, uint64_t bitoff, int nbits, bool big_endian,
               uint64_t val)
{
  if (nbits < 1 || nbits > 64)
    return IOS_EIO;
  uint64_t off = bitoff >> 3;
  int sh = (int) (bitoff & 7);
  size_t nbytes = iobits_span (sh, nbits);
  unsigned char buf[9] = { 0 };
  ios_err e = resolve (&io, &off, true);
  if (e == IOS_OK)
    e = check_write (io, off, nbytes);
  /* Keep the bits around the value: read the bytes (within the size
     now, zero where the space has just grown).  */
  if (e == IOS_OK && (sh || (sh + nbits) % 8))
    e = raw_read (io->st, off, buf, nbytes);
  if (e != IOS_OK)
    return e;
  iobits_put (buf, sh, nbits, big_endian, val);
  return raw_write (io->st, off, buf, nbytes);
}
