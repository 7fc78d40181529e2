/* pkffi.c -- calling C functions from Poke, through libffi.

   The bridge between a native function's Poke signature and C: which
   types cross (pkffi_classify), the cache of libraries opened with
   dlopen, and the call itself.  Temporary C memory (copies of strings,
   the buffers of byte arrays) is allocated as collected strings kept on
   the root stack, so that an exception raised half-way leaks nothing.  */

#include "pkffi.h"

#include <dlfcn.h>
#include <ffi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arith.h"

struct pkffi_decl
{
  const char *library, *symbol;
  type *fntype;
  bool ready;                   /* Symbol resolved, cif prepared.  */
  void (*fn) (void);
  ffi_cif cif;
  ffi_type **atypes;
};

/* Classification.  */

static bool
c_width (int bits)
{
  return bits == 8 || bits == 16 || bits == 32 || bits == 64;
}

pkffi_kind
pkffi_classify (const type *t, bool ret)
{
  switch (t->kind)
    {
    case TY_INT:
      return c_width (t->u.i.size) ? PKFFI_INT : PKFFI_BAD;
    case TY_OFFSET:
      return c_width (t->u.o.base->u.i.size) ? PKFFI_INT : PKFFI_BAD;
    case TY_STRING:
      return PKFFI_STRING;
    case TY_VOID:
      return ret ? PKFFI_VOID : PKFFI_BAD;
    case TY_ARRAY:
      {
        const type *e = t->u.a.elem;
        return !ret && e->kind == TY_INT && e->u.i.size == 8
               ? PKFFI_BYTES : PKFFI_BAD;
      }
    default:
      return PKFFI_BAD;
    }
}

/* The integral type carrying T's bits: T itself or an offset's base.  */
static const type *
int_repr (const type *t)
{
  return t->kind == TY_OFFSET ? t->u.o.base : t;
}

static ffi_type *
ffi_type_of (const type *t, bool ret)
{
  switch (pkffi_classify (t, ret))
    {
    case PKFFI_INT:
      {
        const type *it = int_repr (t);
        bool s = it->u.i.sign;
        switch (it->u.i.size)
          {
          case 8: return s ? &ffi_type_sint8 : &ffi_type_uint8;
          case 16: return s ? &ffi_type_sint16 : &ffi_type_uint16;
          case 32: return s ? &ffi_type_sint32 : &ffi_type_uint32;
          default: return s ? &ffi_type_sint64 : &ffi_type_uint64;
          }
      }
    case PKFFI_VOID:
      return &ffi_type_void;
    default:
      return &ffi_type_pointer;
    }
}

pkffi_decl *
pkffi_decl_new (arena *ar, const char *library, const char *symbol,
                type *fntype)
{
  pkffi_decl *d = arena_alloc (ar, sizeof *d);
  memset (d, 0, sizeof *d);
  d->library = library;
  d->symbol = symbol;
  d->fntype = fntype;
  int n = fntype->u.f.nargs;
  d->atypes = arena_alloc (ar, sizeof (ffi_type *) * (size_t) (n + 1));
  for (int i = 0; i < n; i++)
    d->atypes[i] = ffi_type_of (fntype->u.f.args[i], false);
  return d;
}

/* The library cache: one dlopen per name for the life of the program
   (until pkffi_fini), since declarations keep pointers into them.  */

typedef struct lib
{
  struct lib *next;
  char *name;
  void *handle;
} lib;

static lib *libs;

void *
pkffi_open (const char *library, const char **err)
{
  for (lib *l = libs; l; l = l->next)
    if (strcmp (l->name, library) == 0)
      return l->handle;
  dlerror ();
  void *h = dlopen (*library ? library : NULL, RTLD_NOW | RTLD_LOCAL);
  if (!h)
    {
      const char *e = dlerror ();
      *err = e ? e : "cannot open the library";
      return NULL;
    }
  lib *l = xmalloc (sizeof *l);
  l->name = xstrdup (library);
  l->handle = h;
  l->next = libs;
  libs = l;
  return h;
}

int
pkffi_nopen (void)
{
  int n = 0;
  for (lib *l = libs; l; l = l->next)
    n++;
  return n;
}

void
pkffi_fini (void)
{
  while (libs)
    {
      lib *l = libs;
      libs = l->next;
      dlclose (l->handle);
      free (l->name);
      free (l);
    }
}

/* Calls.  */

static const char *
fn_name (const ast *fn)
{
  return fn->name ? fn->name : "lambda";
}

/* Open the library, find the symbol and prepare the call interface, or
   raise E_inval saying why not.  */
static void
resolve (vm *v, pkffi_decl *d, const ast *fn)
{
  char msg[1024];
  const char *err = NULL;
  void *h = pkffi_open (d->library, &err);
  if (!h)
    {
      snprintf (msg, sizeof msg, "cannot open native library `%s' for %s: "
                "%s", d->library, fn_name (fn), err);
      vm_raise_code (v, EC_INVAL, msg);
    }
  dlerror ();
  void *sym = dlsym (h, d->symbol);
  err = dlerror ();
  if (!sym || err)
    {
      snprintf (msg, sizeof msg, "native symbol `%s' not found for %s: %s",
                d->symbol, fn_name (fn), err ? err : "its address is NULL");
      vm_raise_code (v, EC_INVAL, msg);
    }
  /* The function's address comes as a data pointer: POSIX allows the
     conversion, ISO C does not, hence the memcpy.  */
  memcpy (&d->fn, &sym, sizeof sym);
  const type *ft = d->fntype;
  if (ffi_prep_cif (&d->cif, FFI_DEFAULT_ABI, (unsigned) ft->u.f.nargs,
                    ffi_type_of (ft->u.f.ret, true), d->atypes) != FFI_OK)
    {
      snprintf (msg, sizeof msg, "libffi cannot prepare a call to %s",
                fn_name (fn));
      vm_raise_code (v, EC_INVAL, msg);
    }
  d->ready = true;
}

/* A scratch area of N bytes that the collector frees, rooted.  */
static char *
scratch (vm *v, size_t n)
{
  pk_string *s = gc_alloc (GC_STRING, sizeof *s + n + 1);
  s->len = n;
  memset (s->data, 0, n + 1);
  val x;
  x.t = type_string;
  x.v.o = &s->h;
  vm_push_root (v, x);
  return s->data;
}

typedef union slot
{
  int8_t s8;
  uint8_t u8;
  int16_t s16;
  uint16_t u16;
  int32_t s32;
  uint32_t u32;
  int64_t s64;
  uint64_t u64;
  void *p;
} slot;

static void
put_int (slot *s, const type *t, uint64_t bits)
{
  const type *it = int_repr (t);
  switch (it->u.i.size)
    {
    case 8: s->u8 = (uint8_t) bits; break;
    case 16: s->u16 = (uint16_t) bits; break;
    case 32: s->u32 = (uint32_t) bits; break;
    default: s->u64 = bits; break;
    }
}

val
pkffi_call (vm *v, ast *fn, pk_frame *fr)
{
  pkffi_decl *d = fn->a->aux;
  if (v->ffi_off)
    {
      char msg[512];
      snprintf (msg, sizeof msg, "native calls are disabled: cannot call %s "
                "(%s in %s)", fn_name (fn), d->symbol,
                *d->library ? d->library : "the program");
      vm_raise_code (v, EC_PERM, msg);
    }
  if (!d->ready)
    resolve (v, d, fn);

  const type *ft = d->fntype;
  int n = ft->u.f.nargs;
  slot slots[n + 1];
  void *avalues[n + 1];
  char *bufs[n + 1];
  for (int i = 0; i < n; i++)
    {
      val a = fr->slots[fn->kids[i]->slot];
      const type *pt = ft->u.f.args[i];
      avalues[i] = &slots[i];
      bufs[i] = NULL;
      switch (pkffi_classify (pt, false))
        {
        case PKFFI_INT:
          put_int (&slots[i], pt, a.v.u);
          break;
        case PKFFI_STRING:
          {
            /* A copy: the function sees a const char *, but nothing
               stops it from writing, and Poke strings are immutable.  */
            pk_string *s = val_str (a);
            char *c = scratch (v, s->len);
            memcpy (c, s->data, s->len);
            slots[i].p = c;
            break;
          }
        case PKFFI_BYTES:
          {
            pk_array *arr = val_arr (a);
            char *b = scratch (v, arr->len);
            for (size_t k = 0; k < arr->len; k++)
              b[k] = (char) arr->elems[k].v.u;
            slots[i].p = bufs[i] = b;
            break;
          }
        default:
          vm_raise_code (v, EC_INVAL, "cannot pass this value to a native "
                         "function");
        }
    }

  union
  {
    ffi_arg a;
    ffi_sarg s;
    uint64_t u64;
    void *p;
  } rv;
  memset (&rv, 0, sizeof rv);
  ffi_call (&d->cif, d->fn, &rv, avalues);

  /* What the function wrote into the buffers goes back into the arrays,
     changed bytes only, each as `a[k] = b' would store it (so a mapped
     array writes through to its IO space).  */
  for (int i = 0; i < n; i++)
    {
      if (!bufs[i])
        continue;
      val av = fr->slots[fn->kids[i]->slot];
      pk_array *arr = val_arr (av);
      for (size_t k = 0; k < arr->len; k++)
        {
          val e = arr->elems[k];
          uint64_t nb = arith_norm ((uint8_t) bufs[i][k], 8,
                                    e.t->u.i.sign);
          if (nb != e.v.u)
            vm_array_set (v, av, k, val_int (e.t, nb));
        }
    }

  type *rt = ft->u.f.ret;
  switch (pkffi_classify (rt, true))
    {
    case PKFFI_INT:
      {
        const type *it = int_repr (rt);
        /* libffi widens returns narrower than a word to an ffi_arg.  */
        uint64_t bits = it->u.i.size == 64 ? rv.u64 : (uint64_t) rv.a;
        return val_int (rt, arith_norm (bits, it->u.i.size, it->u.i.sign));
      }
    case PKFFI_STRING:
      {
        if (!rv.p)
          {
            char msg[512];
            snprintf (msg, sizeof msg, "native function %s (%s) returned "
                      "a NULL string", fn_name (fn), d->symbol);
            vm_raise_code (v, EC_INVAL, msg);
          }
        return val_cstring (rv.p);
      }
    default:
      return val_void ();
    }
}
