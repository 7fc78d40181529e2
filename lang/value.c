/* value.c -- heap values and the mark-and-sweep collector.

   Every heap object is on one intrusive list.  A collection marks from
   the roots the VM enumerates (gc_mark_roots) with an explicit gray
   stack, so deep structures cannot overflow the C stack, then sweeps the
   list.  Collections happen when the bytes allocated since the last one
   exceed a threshold that follows the live size, as in Lua.  */

#include "value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "arith.h"
#include "util.h"

/* Small blocks (objects and array element storage up to POOL_MAX
   bytes) come from 2 MiB chunks with a free list per 16-byte size
   class, the chunks asking for transparent huge pages: building a large
   value touches much fresh memory, and faulting it in 4 KiB pages was
   most of the time (bench/structs).  Larger blocks, and every block
   under AddressSanitizer (so that it still checks them), use malloc.  */
#define POOL_MAX 512
#define POOL_CHUNK ((size_t) 2 << 20)
#define POOL_FIRST_TOUCH ((size_t) 16 << 10)
#if defined __SANITIZE_ADDRESS__
# define POOL_OFF 1
#elif defined __has_feature
# if __has_feature (address_sanitizer)
#  define POOL_OFF 1
# endif
#endif
#ifndef POOL_OFF
# define POOL_OFF 0
#endif

typedef struct pool_free
{
  struct pool_free *next;
} pool_free;

static pool_free *pool_lists[POOL_MAX / 16 + 1];
static char *pool_cur, *pool_end;
static void **pool_chunks;
static size_t npool_chunks, pool_chunks_cap;

/* The first chunk outlives pool_fini, for the next interpreter to
   reuse: unmapping it would cost as much as start-up's page faults (a
   TLB flush in a virtual machine), and at exit the kernel takes it back
   anyway.  Its first POOL_SPARE_DIRTY bytes need zeroing again.  */
static char *pool_spare;
static size_t pool_spare_dirty;

static void *
pool_chunk (void)
{
  char *a;
  if (npool_chunks == 0 && pool_spare)
    {
      a = pool_spare;
      memset (a, 0, pool_spare_dirty);
      pool_spare = NULL;
    }
  else if (npool_chunks == 0)
    {
      /* The first chunk keeps small pages (and small programs a small
         resident set): no need to align it.  */
      a = mmap (NULL, POOL_CHUNK, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (a == MAP_FAILED)
        return NULL;
#ifdef MADV_POPULATE_WRITE
      /* Its first pages, which start-up fills (about 10 KiB), in one
         call rather than a page fault each (see src/main.c).  */
      madvise (a, POOL_FIRST_TOUCH, MADV_POPULATE_WRITE);
#endif
    }
  else
    {
      /* Over-allocate to align the chunk on its size, as huge pages
         need: large values get huge pages.  */
      size_t len = POOL_CHUNK * 2;
      char *p = mmap (NULL, len, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED)
        return NULL;
      a = (char *) (((uintptr_t) p + POOL_CHUNK - 1)
                    & ~(uintptr_t) (POOL_CHUNK - 1));
      if (a > p)
        munmap (p, (size_t) (a - p));
      if (a + POOL_CHUNK < p + len)
        munmap (a + POOL_CHUNK, (size_t) (p + len - (a + POOL_CHUNK)));
#ifdef MADV_HUGEPAGE
      madvise (a, POOL_CHUNK, MADV_HUGEPAGE);
#endif
    }
  if (npool_chunks == pool_chunks_cap)
    {
      pool_chunks_cap = pool_chunks_cap ? pool_chunks_cap * 2 : 16;
      pool_chunks = xrealloc (pool_chunks,
                              pool_chunks_cap * sizeof *pool_chunks);
    }
  pool_chunks[npool_chunks++] = a;
  return a;
}

/* A zeroed block of N bytes.  */
static void *
pool_alloc (size_t n)
{
  if (POOL_OFF || n > POOL_MAX)
    return xcalloc (1, n);
  size_t c = (n + 15) / 16;
  pool_free *f = pool_lists[c];
  if (f)
    {
      pool_lists[c] = f->next;
      memset (f, 0, c * 16);
      return f;
    }
  if (pool_cur + c * 16 > pool_end)
    {
      char *a = pool_chunk ();
      if (!a)
        return xcalloc (1, c * 16);
      pool_cur = a;
      pool_end = a + POOL_CHUNK;
    }
  void *r = pool_cur;           /* Fresh memory is zero.  */
  pool_cur += c * 16;
  return r;
}

/* Give back a block of N bytes from pool_alloc.  */
static void
pool_release (void *p, size_t n)
{
  if (!p)
    return;
  if (POOL_OFF || n > POOL_MAX)
    {
      free (p);
      return;
    }
  size_t c = (n + 15) / 16;
  pool_free *f = p;
  f->next = pool_lists[c];
  pool_lists[c] = f;
}

/* Grow block P of N bytes to M.  */
static void *
pool_resize (void *p, size_t n, size_t m)
{
  if (POOL_OFF || (n > POOL_MAX && m > POOL_MAX))
    return xrealloc (p, m);
  void *r = pool_alloc (m);
  if (p)
    memcpy (r, p, n < m ? n : m);
  pool_release (p, n);
  return r;
}

static void
pool_fini (void)
{
  for (size_t i = 0; i < npool_chunks; i++)
    if (i == 0 && !pool_spare)
      {
        pool_spare = pool_chunks[0];
        pool_spare_dirty = npool_chunks == 1
          ? (size_t) (pool_cur - pool_spare) : POOL_CHUNK;
      }
    else
      munmap (pool_chunks[i], POOL_CHUNK);
  free (pool_chunks);
  pool_chunks = NULL;
  npool_chunks = pool_chunks_cap = 0;
  memset (pool_lists, 0, sizeof pool_lists);
  pool_cur = pool_end = NULL;
}

static gcobj *all_objects;
static size_t bytes_since_gc, gc_threshold, live_bytes;
/* BPOKE_GC_STRESS=N: collect at every Nth allocation, to find values
   that a C function holds unrooted across one (0: off).  */
static unsigned long gc_stress, gc_stress_count;
static gcobj **gray;
static size_t ngray, graycap;
/* Permanent objects, marked first by every collection.  */
static gcobj **perm;
static size_t nperm, permcap;
void (*gc_mark_roots) (void);

#define GC_MIN_THRESHOLD (4u << 20)

void
gc_init (void)
{
  all_objects = NULL;
  bytes_since_gc = 0;
  live_bytes = 0;
  gc_threshold = GC_MIN_THRESHOLD;
  const char *stress = getenv ("BPOKE_GC_STRESS");
  gc_stress = stress ? strtoul (stress, NULL, 10) : 0;
  gc_stress_count = 0;
}

/* Bytes O owns beside its own block: an array's elements, a struct's
   field offsets when they are apart.  */
static size_t
obj_storage (const gcobj *o)
{
  if (o->kind == GC_ARRAY)
    return ((const pk_array *) o)->cap * sizeof (val);
  if (o->kind == GC_STRUCT && !((const pk_struct *) o)->offs_inline
      && ((const pk_struct *) o)->offs)
    return sizeof (uint64_t) * ((size_t) ((const pk_struct *) o)->nfields + 1);
  return 0;
}

static void
obj_free (gcobj *o)
{
  switch ((gc_kind) o->kind)
    {
    case GC_ARRAY:
      pool_release (((pk_array *) o)->elems,
                    ((pk_array *) o)->cap * sizeof (val));
      break;
    case GC_STRUCT:
      if (!((pk_struct *) o)->offs_inline)
        free (((pk_struct *) o)->offs);
      break;
    default:
      break;
    }
  pool_release (o, o->size);
}

void
gc_fini (void)
{
  gcobj *o = all_objects;
  while (o)
    {
      gcobj *next = o->next;
      obj_free (o);
      o = next;
    }
  all_objects = NULL;
  free (gray);
  gray = NULL;
  ngray = graycap = 0;
  free (perm);
  perm = NULL;
  nperm = permcap = 0;
  pool_fini ();
}

void *
gc_alloc (gc_kind kind, size_t size)
{
  bytes_since_gc += size;
  if ((bytes_since_gc > gc_threshold
       || (gc_stress && ++gc_stress_count % gc_stress == 0))
      && gc_mark_roots)
    gc_collect ();
  if (size > UINT32_MAX)
    xalloc_fail ();
  gcobj *o = pool_alloc (size);
  o->kind = (uint8_t) kind;
  o->size = (uint32_t) size;
  o->next = all_objects;
  all_objects = o;
  return o;
}

void
gc_mark_obj (gcobj *o)
{
  if (!o || o->marked)
    return;
  o->marked = 1;
  if (o->kind == GC_STRING)
    return;                     /* No references: no need to scan.  */
  if (ngray == graycap)
    {
      graycap = graycap ? graycap * 2 : 256;
      gray = xrealloc (gray, graycap * sizeof *gray);
    }
  gray[ngray++] = o;
}

void
gc_mark_val (val v)
{
  if (v.t && (v.t->kind == TY_STRING || v.t->kind == TY_ARRAY
              || v.t->kind == TY_STRUCT || v.t->kind == TY_FUNCTION))
    gc_mark_obj (v.v.o);
}

static void
scan (gcobj *o)
{
  switch ((gc_kind) o->kind)
    {
    case GC_ARRAY:
      {
        pk_array *a = (pk_array *) o;
        for (size_t i = 0; i < a->len; i++)
          gc_mark_val (a->elems[i]);
        gc_mark_obj ((gcobj *) a->map.env);
        break;
      }
    case GC_STRUCT:
      gc_mark_obj ((gcobj *) ((pk_struct *) o)->map.env);
      /* Fall through.  */
    case GC_FRAME:
      {
        pk_frame *f = (pk_frame *) o;
        gc_mark_obj ((gcobj *) f->parent);
        for (int i = 0; i < f->nslots; i++)
          gc_mark_val (f->slots[i]);
        break;
      }
    case GC_CLOSURE:
      gc_mark_obj ((gcobj *) ((pk_closure *) o)->env);
      break;
    default:
      break;
    }
}

static void
propagate (void)
{
  while (ngray)
    scan (gray[--ngray]);
}

void
gc_make_permanent (gcobj *o)
{
  if (o->permanent)
    return;
  o->permanent = 1;
  if (nperm == permcap)
    {
      permcap = permcap ? permcap * 2 : 64;
      perm = xrealloc (perm, permcap * sizeof *perm);
    }
  perm[nperm++] = o;
}

void
gc_collect (void)
{
  for (size_t i = 0; i < nperm; i++)
    gc_mark_obj (perm[i]);
  propagate ();
  if (gc_mark_roots)
    gc_mark_roots ();
  propagate ();

  gcobj **p = &all_objects;
  size_t live = 0;
  while (*p)
    {
      gcobj *o = *p;
      if (o->marked)
        {
          o->marked = 0;
          live += o->size + obj_storage (o);
          p = &o->next;
        }
      else
        {
          *p = o->next;
          obj_free (o);
        }
    }
  /* Next collection when as much again as is live has been allocated.  */
  live_bytes = live;
  gc_threshold = live_bytes * 2 > GC_MIN_THRESHOLD ? live_bytes * 2
                                                    : GC_MIN_THRESHOLD;
  bytes_since_gc = 0;
}

val
val_void (void)
{
  val v;
  v.t = type_void;
  v.v.u = 0;
  return v;
}

val
val_string (const char *s, size_t len)
{
  pk_string *ps = gc_alloc (GC_STRING, sizeof *ps + len + 1);
  ps->len = len;
  memcpy (ps->data, s, len);
  ps->data[len] = '\0';
  val v;
  v.t = type_string;
  v.v.o = &ps->h;
  return v;
}

val
val_cstring (const char *s)
{
  return val_string (s, strlen (s));
}

pk_frame *
frame_new (pk_frame *parent, int nslots)
{
  pk_frame *f = gc_alloc (GC_FRAME, sizeof *f + sizeof (val) * nslots);
  f->parent = parent;
  f->nslots = nslots;
  f->slots = (val *) (f + 1);
  for (int i = 0; i < nslots; i++)
    f->slots[i] = val_void ();
  return f;
}

pk_closure *
closure_new (struct ast *fn, pk_frame *env)
{
  pk_closure *c = gc_alloc (GC_CLOSURE, sizeof *c);
  c->fn = fn;
  c->env = env;
  return c;
}

pk_array *
array_new (size_t cap)
{
  pk_array *a = gc_alloc (GC_ARRAY, sizeof *a);
  a->cap = cap;
  a->elems = cap ? pool_alloc (cap * sizeof (val)) : NULL;
  bytes_since_gc += cap * sizeof (val);
  return a;
}

void
array_push (pk_array *a, val v)
{
  if (a->len == a->cap)
    {
      size_t cap = a->cap ? a->cap * 2 : 8;
      a->elems = pool_resize (a->elems, a->cap * sizeof (val),
                              cap * sizeof (val));
      /* Counted towards the next collection, which array_push cannot
         start: the next allocation will.  */
      bytes_since_gc += (cap - a->cap) * sizeof (val);
      a->cap = cap;
    }
  a->elems[a->len++] = v;
}

void
array_take (pk_array *dst, pk_array *src)
{
  pool_release (dst->elems, dst->cap * sizeof (val));
  dst->elems = src->elems;
  dst->len = src->len;
  dst->cap = src->cap;
  src->elems = NULL;
  src->len = src->cap = 0;
}

pk_struct *
struct_new_frame (pk_frame *parent, int nfields, int nslots)
{
  return struct_new_mapped (parent, nfields, nslots, false);
}

pk_struct *
struct_new_mapped (pk_frame *parent, int nfields, int nslots, bool offs)
{
  size_t size = sizeof (pk_struct) + sizeof (val) * (size_t) nslots;
  pk_struct *s = gc_alloc (GC_STRUCT, size + (offs ? sizeof (uint64_t)
                                              * ((size_t) nfields + 1) : 0));
  if (offs)
    {
      /* The field offsets live in the same block.  */
      s->offs = (uint64_t *) ((char *) s + size);
      s->offs_inline = true;
    }
  s->fr.parent = parent;
  s->fr.nslots = nslots;
  s->fr.slots = (val *) (s + 1);
  s->nfields = nfields;
  s->fields = s->fr.slots;
  for (int i = 0; i < nslots; i++)
    s->fields[i] = val_void ();
  return s;
}

pk_struct *
struct_new (int nfields)
{
  return struct_new_frame (NULL, nfields, nfields);
}

/* Integers A of type TA and B of type TB, compared as GNU poke
   compares them, converted to the type both are promoted to.  */
static bool
int_equal (uint64_t a, const type *ta, uint64_t b, const type *tb)
{
  int size;
  bool sign;
  arith_promote (ta->u.i.size, ta->u.i.sign, tb->u.i.size, tb->u.i.sign,
                 &size, &sign);
  a = arith_norm (arith_norm (a, ta->u.i.size, ta->u.i.sign), size, sign);
  b = arith_norm (arith_norm (b, tb->u.i.size, tb->u.i.sign), size, sign);
  return a == b;
}

/* Offsets: their magnitudes so promoted, times their units.  */
static bool
offset_equal (val a, val b)
{
  const type *ba = a.t->u.o.base, *bb = b.t->u.o.base;
  int size;
  bool sign;
  arith_promote (ba->u.i.size, ba->u.i.sign, bb->u.i.size, bb->u.i.sign,
                 &size, &sign);
  uint64_t x = arith_norm (arith_norm (a.v.u, ba->u.i.size, ba->u.i.sign),
                           size, sign);
  uint64_t y = arith_norm (arith_norm (b.v.u, bb->u.i.size, bb->u.i.sign),
                           size, sign);
  return x * a.t->u.o.unit == y * b.t->u.o.unit;
}

bool
val_equal (val a, val b)
{
  if (!a.t || !b.t)
    return a.t == b.t;          /* Absent optional fields.  */
  /* Values of type any can be of different types: of different kinds
     they differ; structs must be of the same type, declared once.  */
  if (a.t->kind != b.t->kind
      || (a.t->kind == TY_STRUCT && a.t != b.t
          && a.t->u.s.decl != b.t->u.s.decl))
    return false;
  switch (a.t->kind)
    {
    case TY_INT:
      return a.t == b.t ? a.v.u == b.v.u
                        : int_equal (a.v.u, a.t, b.v.u, b.t);
    case TY_OFFSET:
      return a.t == b.t ? a.v.u == b.v.u : offset_equal (a, b);
    case TY_STRING:
      return val_str (a)->len == val_str (b)->len
             && memcmp (val_str (a)->data, val_str (b)->data,
                        val_str (a)->len) == 0;
    case TY_ARRAY:
      {
        pk_array *x = val_arr (a), *y = val_arr (b);
        if (x->len != y->len)
          return false;
        for (size_t i = 0; i < x->len; i++)
          if (!val_equal (x->elems[i], y->elems[i]))
            return false;
        return true;
      }
    case TY_STRUCT:
      {
        pk_struct *x = val_sct (a), *y = val_sct (b);
        if (x->nfields != y->nfields)
          return false;
        for (int i = 0; i < x->nfields; i++)
          {
            /* GNU poke compares no field after an absent optional one;
               a union's alternatives not taken are absent, and so are
               computed fields, which are no part of the value.  */
            if (!x->fields[i].t && !y->fields[i].t)
              {
                if (a.t->u.s.is_union || a.t->u.s.fields[i].computed)
                  continue;
                return true;
              }
            if (!val_equal (x->fields[i], y->fields[i]))
              return false;
          }
        return true;
      }
    case TY_FUNCTION:
      return a.v.o == b.v.o;
    default:
      return true;
    }
}

/* The size of X in bits; an absent optional field has none.  A struct's
   is the end of the field that ends last, but a struct of complete type
   with labels adds up its fields (type_struct_size_add).  GNU poke
   counts the parts of a struct of a type that is not complete by their
   ends, those too (BY_ENDS), and whatever their types: a struct with
   labels is smaller there than alone.  */
static uint64_t
size_bits (val x, bool by_ends)
{
  if (!x.t)
    return 0;                   /* An absent optional field.  */
  switch (x.t->kind)
    {
    case TY_INT:
      return (uint64_t) x.t->u.i.size;
    case TY_OFFSET:
      return (uint64_t) x.t->u.o.base->u.i.size;
    case TY_STRING:
      return (val_str (x)->len + 1) * 8;
    case TY_ARRAY:
      {
        uint64_t s = 0;
        pk_array *a = val_arr (x);
        for (size_t i = 0; i < a->len; i++)
          s += size_bits (a->elems[i], by_ends);
        return s;
      }
    case TY_STRUCT:
      {
        pk_struct *st = val_sct (x);
        bool overlay = x.t->u.s.is_union || x.t->u.s.pinned;
        /* Whether the parts count by their ends: known at the first
           part that is a struct or an array.  */
        int parts_by_ends = by_ends ? 1 : -1;
        uint64_t cur = 0, size = 0;
        for (int i = 0; i < st->nfields; i++)
          {
            val f = st->fields[i];
            if (!f.t)
              continue;
            if (parts_by_ends < 0
                && (f.t->kind == TY_STRUCT || f.t->kind == TY_ARRAY))
              parts_by_ends = !type_complete (x.t);
            uint64_t off = st->offs ? st->offs[i] - st->map.offset
                           : overlay ? 0 : cur;
            uint64_t fsize = size_bits (f, parts_by_ends > 0);
            cur = off + fsize;
            if (by_ends)
              size = cur > size ? cur : size;
            else
              size = type_struct_size_add (x.t, x.t->u.s.fields[i].labeled,
                                           size, off, fsize);
          }
        return size;
      }
    default:
      return 0;
    }
}

uint64_t
val_size_bits (val x)
{
  return size_bits (x, false);
}

uint64_t
val_span_bits (val x)
{
  return size_bits (x, true);
}
