/* eval.c -- the tree-walking interpreter.

   Expressions return their value; statements return a status telling
   whether control falls through, breaks, continues or returns.  Values
   held across an evaluation that may allocate are pushed on the root
   stack (see value.h).  The checker has made every conversion explicit,
   so the integer fast paths here need no type dispatch beyond the
   result type's width and signedness.  */

#include "eval.h"

#include <stdlib.h>
#include <string.h>

#include "arith.h"
#include "compile.h"
#include "jit.h"
#include "ios.h"
#include "elems.h"
#include "map.h"
#include "pkffi.h"
#include "style.h"

typedef vm_status status;

#define MAX_CALL_DEPTH 30000

static vm *the_vm;              /* For the collector's root callback.  */

static val eval (vm *v, pk_frame *f, ast *n);
static val call_closure (vm *v, val fnv, int nargs, val *args,
                         ast *callsite);
static status exec (vm *v, pk_frame *f, ast *n);
static val struct_to_struct (vm *v, type *to, val x);
static val convert (vm *v, val x, type *to, ast *where);

static void
mark_roots (void)
{
  vm *v = the_vm;
  gc_mark_obj ((gcobj *) v->globals);
  for (int i = 0; i < v->nroots; i++)
    gc_mark_val (v->roots[i]);
  gc_mark_val (v->exc);
  gc_mark_val (v->retval);
}

/* The printer's pretty-print hook (see print.h): run the method of X
   in its slot SLOT (_print, or a field's _print_NAME) with print and
   printf writing into SB.  */
static int
pretty_hook (void *ctx, strbuf *sb, val x, int slot)
{
  vm *v = ctx;
  val fn = val_sct (x)->fr.slots[slot];
  if (!fn.t || fn.t->kind != TY_FUNCTION)
    return 0;                   /* A struct made without its methods.  */
  char *buf = NULL;
  size_t len = 0;
  FILE *mem = open_memstream (&buf, &len);
  if (!mem)
    return 0;
  FILE *saved = v->out;
  v->out = mem;
  vm_handler h;
  h.prev = v->handler;
  h.nroots = v->nroots;
  int depth = v->depth;
  struct style *styled = v->popts.style;   /* format may clear it.  */
  volatile int r = 1;
  v->handler = &h;
  vm_push_root (v, x);
  if (setjmp (h.jb) == 0)
    call_closure (v, fn, 0, NULL, NULL);
  else
    {
      v->depth = depth;
      r = -1;
    }
  v->handler = h.prev;
  v->nroots = h.nroots;
  v->out = saved;
  v->popts.style = styled;
  fclose (mem);
  sb_putn (sb, buf, len);
  free (buf);
  return r;
}

static void out_of_memory (void);

vm *
vm_new (compiler *comp)
{
  vm *v = xcalloc (1, sizeof *v);
  v->comp = comp;
  v->globals = frame_new (NULL, 64);
  v->offset_bits = type_offset (type_int (64, false), 1);
  v->gread = xcalloc (64, 1);
  v->ngread = 64;
  v->exc = val_void ();
  v->retval = val_void ();
  v->out = stdout;
  v->big_endian = true;         /* GNU poke's default, whatever the host.  */
  v->endian = 1;
  v->autoremap = 1;
  print_opts_default (&v->popts);
  v->nocompile = getenv ("BPOKE_NOCOMPILE") != NULL;
  v->nojit = getenv ("BPOKE_NOJIT") != NULL || !jit_available ();
  arena_init (&v->code);
  v->popts.pp_hook = pretty_hook;
  v->popts.pp_ctx = v;
  v->style = style_new ();
  the_vm = v;
  gc_mark_roots = mark_roots;
  xalloc_fail_hook = out_of_memory;
  return v;
}

void
vm_free (vm *v)
{
  if (!v)
    return;
  free (v->roots);
  free (v->gread);
  style_free (v->style);
  jit_free (v);
  arena_free (&v->code);
  if (the_vm == v)
    {
      the_vm = NULL;
      gc_mark_roots = NULL;
      xalloc_fail_hook = NULL;
    }
  free (v);
}

/* The global frame grows as the compiler declares globals.  */
static void
grow_globals (vm *v)
{
  int need = compiler_nglobals (v->comp);
  if (need <= v->globals->nslots)
    return;
  int n = v->globals->nslots;
  while (n < need)
    n *= 2;
  pk_frame *g = frame_new (NULL, n);
  memcpy (g->slots, v->globals->slots, sizeof (val) * v->globals->nslots);
  v->globals = g;
  v->gread = xrealloc (v->gread, (size_t) n);
  memset (v->gread + v->ngread, 0, (size_t) (n - v->ngread));
  v->ngread = n;
}

/* Store X in global SLOT.  A global that a decoding has read makes the
   mapped values out of date when it changes.  */
static void
set_global (vm *v, int slot, val x)
{
  grow_globals (v);
  v->globals->slots[slot] = x;
  vm_global_written (v, slot);
}

/* Mapped values.  */

uint64_t
vm_map_gen (const vm *v)
{
  return ((ios_generation + v->var_gen) << 1) | v->big_endian;
}

/* Out of memory in the middle of running: the command fails with
   E_generic, and the prompt survives.  Outside of any handler there is
   nothing to unwind to, and bpoke gives up.  */
static void
out_of_memory (void)
{
  vm *v = the_vm;
  if (!v || !v->handler)
    return;
  val e = vm_make_exc (v, EC_GENERIC, "out of memory", NULL);
  xalloc_fail_recovered ();
  vm_raise (v, e);
}

/* An array cast to an integer: the elements' bits (nested arrays
   flattened), the first most significant, shifted into *R.  */
static void
array_to_int (vm *v, val x, uint64_t *r, uint64_t *bits)
{
  pk_array *a = val_arr (x);
  for (size_t i = 0; i < a->len; i++)
    {
      val e = a->elems[i];
      if (e.t->kind == TY_ARRAY)
        {
          array_to_int (v, e, r, bits);
          continue;
        }
      int n = map_int_field_bits (e.t);
      if (n == 0)
        vm_raise_code (v, EC_CONV, NULL);
      *bits += (uint64_t) n;
      if (*bits > 64)
        vm_raise_code (v, EC_CONV, "arrays bigger than 64-bit cannot "
                       "be casted to integral types");
      uint64_t eb = e.t->kind == TY_STRUCT ? map_struct_to_int (e) : e.v.u;
      *r = (n == 64 ? 0 : *r << n) | arith_norm (eb, n, false);
    }
}

static val
convert (vm *v, val x, type *to, ast *where)
{
  type *from = x.t;
  switch (to->kind)
    {
    case TY_INT:
      if (from->kind == TY_INT)
        return val_int (to, arith_norm (x.v.u, to->u.i.size, to->u.i.sign));
      if (from->kind == TY_STRUCT && from->u.s.itype)
        {
          /* Its integer, of its integral type, converted.  */
          const type *it = from->u.s.itype;
          uint64_t r = arith_norm (map_struct_to_int (x), it->u.i.size,
                                   it->u.i.sign);
          return val_int (to, arith_norm (r, to->u.i.size, to->u.i.sign));
        }
      if (from->kind == TY_ARRAY)
        {
          uint64_t r = 0, bits = 0;
          array_to_int (v, x, &r, &bits);
          return val_int (to, arith_norm (r, to->u.i.size, to->u.i.sign));
        }
      break;
    case TY_STRUCT:
      if (from->kind == TY_INT && to->u.s.itype)
        return map_int_to_struct (v, to, x.v.u);
      if (type_equal (to, from))
        return x;
      if (from->kind == TY_STRUCT && to->u.s.is_union)
        return map_struct_to_union (v, to, x);
      if (from->kind == TY_STRUCT)
        return struct_to_struct (v, to, x);
      break;
    case TY_ARRAY:
      if (from->kind == TY_ARRAY)
        {
          /* A constant bound is checked now; the elements stay.  */
          pk_array *a = val_arr (x);
          if (to->u.a.bound_const)
            {
              uint64_t have = to->u.a.bound_is_size ? val_size_bits (x)
                                                     : a->len;
              if (have != to->u.a.nelem)
                vm_raise_code (v, EC_CONV, NULL);
            }
          val r = x;
          r.t = to;
          return r;
        }
      break;
    case TY_OFFSET:
      if (from->kind == TY_OFFSET)
        {
          const type *tb = to->u.o.base;
          bool overflow;
          uint64_t r = arith_offset_convert (x.v.u, from->u.o.base->u.i.sign,
                                             from->u.o.unit, to->u.o.unit,
                                             &overflow);
          if (overflow)
            vm_raise_code (v, EC_OVERFLOW, NULL);
          return val_int (to, arith_norm (r, tb->u.i.size, tb->u.i.sign));
        }
      break;
    case TY_STRING:
      if (from->kind == TY_INT)
        {
          /* The character 0 makes the empty string, as in GNU poke.  */
          char c = (char) x.v.u;
          return val_string (&c, c != 0);
        }
      if (from->kind == TY_STRING)
        return x;
      break;
    case TY_ANY:
      return x;
    default:
      if (type_equal (to, from) || to->kind == from->kind)
        return x;
      break;
    }
  (void) where;
  vm_raise_code (v, EC_CONV, NULL);
}

/* A struct of type TO made from the fields of X with the same names
   (but its computed fields, which are no part of it), its constraints
   checked.  */
static val
struct_to_struct (vm *v, type *to, val x)
{
  /* Built unchecked: the constraints are checked below, on the fields
     taken from X.  */
  pk_struct *src = val_sct (x);
  vm_push_root (v, x);
  val sv = map_default (v, to);
  vm_push_root (v, sv);
  pk_struct *s = val_sct (sv);
  for (int i = 0; i < s->nfields; i++)
    for (int j = 0; j < src->nfields && !to->u.s.fields[i].computed; j++)
      if (to->u.s.fields[i].name && x.t->u.s.fields[j].name
          && strcmp (to->u.s.fields[i].name, x.t->u.s.fields[j].name) == 0
          && src->fields[j].t)
        /* GNU poke keeps the value as it is, of its own type.  */
        s->fields[i] = src->fields[j];
  map_check_constraints (v, to, s);
  vm_pop_roots (v, 2);
  return sv;
}

/* Strings.  */

static val
str_concat (vm *v, val a, val b)
{
  pk_string *x = val_str (a), *y = val_str (b);
  size_t n = x->len + y->len;
  pk_string *s = gc_alloc (GC_STRING, sizeof *s + n + 1);
  s->len = n;
  memcpy (s->data, x->data, x->len);
  memcpy (s->data + x->len, y->data, y->len);
  s->data[n] = '\0';
  val r;
  r.t = type_string;
  r.v.o = &s->h;
  (void) v;
  return r;
}

/* A * B for a string A: a string is at most 4 GiB (the collector's
   sizes are 32 bits).  */
static val
str_repeat (vm *v, val a, val b)
{
  const pk_string *s = val_str (a);
  int64_t k = b.t->u.i.sign ? b.v.i : (int64_t) b.v.u;
  uint64_t n;
  if (k < 0 || s->len == 0)
    k = 0;
  if (__builtin_mul_overflow ((uint64_t) k, (uint64_t) s->len, &n)
      || n > UINT32_MAX - sizeof (pk_string) - 1)
    xalloc_fail ();
  pk_string *d = gc_alloc (GC_STRING, sizeof *d + n + 1);
  d->len = n;
  for (int64_t i = 0; i < k; i++)
    memcpy (d->data + (size_t) i * s->len, s->data, s->len);
  d->data[n] = '\0';
  val r;
  r.t = type_string;
  r.v.o = &d->h;
  return r;
}

static int
str_cmp (val a, val b)
{
  return strcmp (val_str (a)->data, val_str (b)->data);
}

/* Binary operators.  */

/* Does the signed value X fit in SIZE bits?  */
static inline bool
fits_signed (int64_t x, int size)
{
  if (size == 64)
    return true;
  int64_t lim = (int64_t) 1 << (size - 1);
  return x >= -lim && x < lim;
}

/* An integer X of type T (or the magnitude of an offset, times its
   unit), extended to 64 bits by its own sign.  */
static uint64_t
any_int_bits (val x)
{
  const type *it = x.t->kind == TY_OFFSET ? x.t->u.o.base : x.t;
  uint64_t u = x.v.u;
  if (it->u.i.sign && it->u.i.size < 64 && (u >> (it->u.i.size - 1)) & 1)
    u |= ~UINT64_C (0) << it->u.i.size;
  return x.t->kind == TY_OFFSET ? u * x.t->u.o.unit : u;
}

/* A == B where one of them is of type any (or an array of any), as GNU
   poke 4.3 compares: values of different kinds differ; integers
   (offsets, in bits), each extended by its own sign, compare on 32
   bits when both have 32 or fewer, else on 64 (-1 == 0xffffffffU,
   255UB != -1B); strings by their text; arrays element by element so;
   structs of one type by their fields.  */
static bool
any_equal (val a, val b)
{
  if (!a.t || !b.t || a.t->kind != b.t->kind)
    return a.t == b.t;
  switch (a.t->kind)
    {
    case TY_INT:
    case TY_OFFSET:
      {
        const type *ia = a.t->kind == TY_OFFSET ? a.t->u.o.base : a.t;
        const type *ib = b.t->kind == TY_OFFSET ? b.t->u.o.base : b.t;
        uint64_t x = any_int_bits (a), y = any_int_bits (b);
        if (ia->u.i.size <= 32 && ib->u.i.size <= 32)
          return (uint32_t) x == (uint32_t) y;
        return x == y;
      }
    case TY_ARRAY:
      {
        pk_array *x = val_arr (a), *y = val_arr (b);
        if (x->len != y->len)
          return false;
        for (size_t i = 0; i < x->len; i++)
          if (!any_equal (x->elems[i], y->elems[i]))
            return false;
        return true;
      }
    case TY_STRUCT:
      return type_equal (a.t, b.t) && val_equal (a, b);
    default:
      return val_equal (a, b);
    }
}

/* Is T any, or an array of them (any[], any[][]...)?  */
static bool
holds_any (const type *t)
{
  while (t->kind == TY_ARRAY)
    t = t->u.a.elem;
  return t->kind == TY_ANY;
}

static val
binop_values (vm *v, ast *n, val a, val b)
{
  type *t = n->type;
  type *ta = a.t;

  if ((n->op == T_EQ || n->op == T_NE)
      && (holds_any (n->a->type) || holds_any (n->b->type)))
    return val_int (t, any_equal (a, b) == (n->op == T_EQ));

  if (n->op == K_IN)
    {
      pk_array *arr = val_arr (b);
      for (size_t i = 0; i < arr->len; i++)
        if (val_equal (a, arr->elems[i]))
          return val_int (t, 1);
      return val_int (t, 0);
    }

  if (ta->kind == TY_INT && t->kind == TY_INT)
    {
      int size = t->u.i.size;
      bool sign = t->u.i.sign;
      uint64_t r;
      switch (n->op)
        {
        case T_PLUS:
          if (!sign)
            return val_int (t, arith_norm (a.v.u + b.v.u, size, false));
          {
            int64_t sr;
            if (__builtin_add_overflow (a.v.i, b.v.i, &sr)
                || !fits_signed (sr, size))
              vm_raise_code (v, EC_OVERFLOW, NULL);
            return val_int (t, (uint64_t) sr);
          }
        case T_MINUS:
          if (!sign)
            return val_int (t, arith_norm (a.v.u - b.v.u, size, false));
          {
            int64_t sr;
            if (__builtin_sub_overflow (a.v.i, b.v.i, &sr)
                || !fits_signed (sr, size))
              vm_raise_code (v, EC_OVERFLOW, NULL);
            return val_int (t, (uint64_t) sr);
          }
        case T_STAR:
          if (!sign)
            return val_int (t, arith_norm (a.v.u * b.v.u, size, false));
          {
            int64_t sr;
            if (__builtin_mul_overflow (a.v.i, b.v.i, &sr)
                || !fits_signed (sr, size))
              vm_raise_code (v, EC_OVERFLOW, NULL);
            return val_int (t, (uint64_t) sr);
          }
        case T_EQ:
          return val_int (t, a.v.u == b.v.u);
        case T_NE:
          return val_int (t, a.v.u != b.v.u);
        case T_LT: case T_GT: case T_LE: case T_GE:
          {
            bool s = ta->u.i.sign;
            int c = s ? (a.v.i < b.v.i ? -1 : a.v.i > b.v.i)
                      : (a.v.u < b.v.u ? -1 : a.v.u > b.v.u);
            bool res = n->op == T_LT ? c < 0 : n->op == T_GT ? c > 0
                       : n->op == T_LE ? c <= 0 : c >= 0;
            return val_int (t, res);
          }
        default:
          break;
        }
      arith_op op;
      switch (n->op)
        {
        case T_SLASH: op = AR_DIV; break;
        case T_CEILDIV: op = AR_CEILDIV; break;
        case T_PERCENT: op = AR_MOD; break;
        case T_POW: op = AR_POW; break;
        case T_AMP: op = AR_AND; break;
        case T_PIPE: op = AR_IOR; break;
        case T_CARET: op = AR_XOR; break;
        case T_LSHIFT: op = AR_SHL; break;
        case T_RSHIFT: op = AR_SHR; break;
        case T_BCONC:
          {
            int rs;
            bool rsg;
            arith_bconc (a.v.u, ta->u.i.size, ta->u.i.sign, b.v.u,
                         b.t->u.i.size, &r, &rs, &rsg);
            return val_int (t, r);
          }
        default:
          vm_raise_code (v, EC_INVAL, "invalid operator");
        }
      arith_err e = arith_binop (op, a.v.u, b.v.u, size, sign,
                                 b.t->u.i.size, b.t->u.i.sign, &r);
      if (e != ARITH_OK)
        vm_raise_arith (v, e);
      return val_int (t, r);
    }

  if (ta->kind == TY_INT && n->op == K_IN)
    {
      pk_array *arr = val_arr (b);
      for (size_t i = 0; i < arr->len; i++)
        if (val_equal (a, arr->elems[i]))
          return val_int (t, 1);
      return val_int (t, 0);
    }

  if (ta->kind == TY_OFFSET || b.t->kind == TY_OFFSET)
    {
      /* Operands have been converted to a common unit and base by the
         checker (or are offset and integer for * and /).  */
      type *rt = t->kind == TY_OFFSET ? t->u.o.base : t;
      type *it = ta->kind == TY_OFFSET ? ta->u.o.base : ta;
      uint64_t r;
      arith_op op;
      if (!arith_op_of_token (n->op, &op))
        vm_raise_code (v, EC_INVAL, "invalid operator");
      if (op >= AR_EQ)
        rt = it;
      /* Shift counts and exponents keep their own type.  */
      const type *bt = b.t->kind == TY_OFFSET ? b.t->u.o.base : b.t;
      if (op != AR_SHL && op != AR_SHR && op != AR_POW)
        bt = rt;
      arith_err e = arith_binop (op, a.v.u, b.v.u, rt->u.i.size,
                                 rt->u.i.sign, bt->u.i.size, bt->u.i.sign,
                                 &r);
      if (e != ARITH_OK)
        vm_raise_arith (v, e);
      return val_int (t, r);
    }

  if (ta->kind == TY_STRING)
    {
      switch (n->op)
        {
        case T_PLUS:
          return str_concat (v, a, b);
        case T_STAR:
          return str_repeat (v, a, b);
        case T_EQ: return val_int (t, str_cmp (a, b) == 0);
        case T_NE: return val_int (t, str_cmp (a, b) != 0);
        case T_LT: return val_int (t, str_cmp (a, b) < 0);
        case T_GT: return val_int (t, str_cmp (a, b) > 0);
        case T_LE: return val_int (t, str_cmp (a, b) <= 0);
        case T_GE: return val_int (t, str_cmp (a, b) >= 0);
        default:
          break;
        }
    }

  if (n->op == T_EQ || n->op == T_NE)
    {
      bool eq = type_equal (a.t, b.t) && val_equal (a, b);
      return val_int (t, n->op == T_EQ ? eq : !eq);
    }

  if (n->op == T_PLUS && ta->kind == TY_ARRAY)
    {
      pk_array *r = array_new (val_arr (a)->len + val_arr (b)->len);
      val rv;
      rv.t = type_array (ta->u.a.elem, NULL, false);
      rv.v.o = &r->h;
      vm_push_root (v, rv);
      const pk_array *from[2] = { val_arr (a), val_arr (b) };
      for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < from[k]->len; i++)
          array_push (r, from[k]->map.mapped
                         ? map_keep (v, from[k]->elems[i])
                         : from[k]->elems[i]);
      vm_pop_roots (v, 1);
      return rv;
    }
  vm_raise_code (v, EC_INVAL, "invalid operands");
}

/* A OP B: both operands stay rooted while the result is made.  */
static val
eval_binop (vm *v, pk_frame *f, ast *n)
{
  val a = eval (v, f, n->a);
  vm_push_root (v, a);
  val b = eval (v, f, n->b);
  vm_push_root (v, b);
  val r = binop_values (v, n, a, b);
  vm_pop_roots (v, 2);
  return r;
}

/* Calls.  */

static val
call_closure (vm *v, val fnv, int nargs, val *args, ast *callsite)
{
  pk_closure *clo = val_clo (fnv);
  if (clo->builtin == -1)
    {
      /* A mapped function value: it returns its type's default.  */
      return map_default (v, fnv.t->u.f.ret);
    }
  if (clo->builtin)
    return builtin_get (clo->builtin) (v, nargs, args);
  ast *fn = clo->fn;
  /* ARGS is often on the root stack (eval_call), which the pushes below
     can move: keep its index there.  */
  ptrdiff_t on_roots = -1;
  if ((uintptr_t) args >= (uintptr_t) v->roots
      && (uintptr_t) args < (uintptr_t) (v->roots + v->nroots))
    on_roots = args - v->roots;
  if (++v->depth > MAX_CALL_DEPTH
      || (v->stack_guard
          && (const char *) __builtin_frame_address (0) < v->stack_guard))
    {
      v->depth = 0;
      vm_raise_code (v, EC_GENERIC, "maximum call depth exceeded");
    }
  int base = v->nroots;
  vm_push_root (v, fnv);
  /* The frame is reachable through a closure-typed root (frames are not
     values), made first: making the frame may start a collection, which
     must find it.  */
  pk_closure *holder = closure_new (fn, NULL);
  val hv;
  hv.t = fnv.t;
  hv.v.o = &holder->h;
  vm_push_root (v, hv);
  pk_frame *fr = frame_new (clo->env, fn->nslots);
  holder->env = fr;

  int np = fn->nkids;
  bool variadic = np > 0 && fn->kids[np - 1]->flag;
  int nfixed = variadic ? np - 1 : np;
  for (int i = 0; i < nfixed; i++)
    {
      ast *p = fn->kids[i];
      if (on_roots >= 0)
        args = v->roots + on_roots;
      if (i < nargs && args[i].t)
        fr->slots[p->slot] = args[i];
      else
        fr->slots[p->slot] = eval (v, fr, p->b);
      /* An array argument must fit its parameter's bound, which was
         written (and is evaluated) where the function was.  */
      if (fn->type->u.f.args[i]->kind == TY_ARRAY)
        map_check_bound (v, clo->env, fn->type->u.f.args[i],
                         fr->slots[p->slot]);
    }
  if (variadic)
    {
      pk_array *rest = array_new (0);
      val rv;
      rv.t = fn->type->u.f.args[np - 1];
      rv.v.o = &rest->h;
      fr->slots[fn->kids[np - 1]->slot] = rv;
      for (int i = nfixed; i < nargs; i++)
        {
          if (on_roots >= 0)
            args = v->roots + on_roots;
          array_push (rest, map_keep (v, args[i]));
        }
    }
  (void) callsite;
  if (fn->a->kind == A_EXTERN)
    {
      val r = pkffi_call (v, fn, fr);
      v->nroots = base;
      v->depth--;
      return r;
    }
  status st = v->nocompile || v->mapping ? exec (v, fr, fn->a)
                                         : compile_run (v, fr, fn->a);
  v->nroots = base;
  v->depth--;
  if (st == ST_RETURN)
    {
      val r = v->retval;
      v->retval = val_void ();
      return r;
    }
  if (fn->type->u.f.ret->kind != TY_VOID)
    {
      /* Located at the return type, as GNU poke reports it.  */
      char loc[512], msg[256];
      snprintf (loc, sizeof loc, "%s:%d:%d:", fn->src->filename,
                fn->loc.line, fn->loc.col);
      snprintf (msg, sizeof msg, "in function %s",
                fn->name ? fn->name : "lambda");
      vm_raise (v, vm_make_exc (v, EC_NO_RETURN, msg, loc));
    }
  return val_void ();
}

static val
eval_call (vm *v, pk_frame *f, ast *n)
{
  val fnv = eval (v, f, n->a);
  int base = v->nroots;
  vm_push_root (v, fnv);
  for (int i = 0; i < n->nkids; i++)
    {
      /* A missing (named, optional) argument is passed as no value.  */
      val a = { NULL, { 0 } };
      if (n->kids[i])
        a = eval (v, f, n->kids[i]);
      vm_push_root (v, a);
    }
  val r = call_closure (v, fnv, n->nkids, v->roots + base + 1, n);
  v->nroots = base;
  return r;
}

/* X'elem (I), X'eoffset (I), X'esize (I), X'ename (I): N is the
   A_ATTR, its index in N->b (see elems.c).  */
static val
eval_elem_attr (vm *v, pk_frame *f, ast *n, val x)
{
  static const char *const what[] = {
    [ATTR_ELEM] = "evaluating an 'elem attribute",
    [ATTR_EOFFSET] = "evaluating an 'eoffset attribute",
    [ATTR_ESIZE] = "evaluating an 'esize attribute",
    [ATTR_ENAME] = "evaluating an 'ename attribute",
  };
  vm_push_root (v, x);
  val i = eval (v, f, n->b);
  vm_pop_roots (v, 1);
  if (x.t->kind != TY_ARRAY && x.t->kind != TY_STRUCT)
    vm_raise_code (v, EC_INVAL, what[n->op]);
  elem_info e;
  if ((i.t->u.i.sign && i.v.i < 0) || !elem_at (x, i.v.u, &e))
    /* GNU poke 4.3 says why for an array's 'ename alone.  */
    vm_raise_code (v, EC_OUT_OF_BOUNDS,
                   n->op == ATTR_ENAME && x.t->kind == TY_ARRAY
                   ? what[n->op] : NULL);
  switch (n->op)
    {
    case ATTR_ELEM:
      if (!e.v.t)
        vm_raise_code (v, EC_ELEM, what[n->op]);
      return e.v;
    case ATTR_EOFFSET:
      return val_int (n->type, e.off);
    case ATTR_ESIZE:
      return val_int (n->type, e.size);
    default:
      return val_cstring (e.name);
    }
}

static val
eval_attr (vm *v, pk_frame *f, ast *n)
{
  val x = eval (v, f, n->a);
  switch (n->op)
    {
    case ATTR_ELEM:
    case ATTR_EOFFSET:
    case ATTR_ESIZE:
    case ATTR_ENAME:
      return eval_elem_attr (v, f, n, x);
    case ATTR_SIZE:
      return val_int (n->type, val_size_bits (x));
    case ATTR_SIGNED:
      return val_int (n->type, x.t->u.i.sign);
    case ATTR_MAGNITUDE:
      return val_int (n->type, x.v.u);
    case ATTR_UNIT:
      return val_int (n->type, x.t->u.o.unit);
    case ATTR_LENGTH:
      switch (x.t->kind)
        {
        case TY_STRING:
          return val_int (n->type, val_str (x)->len);
        case TY_ARRAY:
          return val_int (n->type, val_arr (x)->len);
        case TY_STRUCT:
          {
            /* GNU poke counts the declarations too when the type is
               complete, else only the fields present.  */
            if (type_complete (x.t))
              return val_int (n->type, (uint64_t) (x.t->u.s.nfields
                                                   + x.t->u.s.ndecls));
            uint64_t k = 0;
            for (int i = 0; i < val_sct (x)->nfields; i++)
              k += val_sct (x)->fields[i].t != NULL;
            return val_int (n->type, k);
          }
        default:
          return val_int (n->type, 1);
        }
    case ATTR_MAPPED:
    case ATTR_STRICT:
    case ATTR_OFFSET:
    case ATTR_IOS:
      {
        const pk_map *m = x.t->kind == TY_STRUCT ? &val_sct (x)->map
                          : x.t->kind == TY_ARRAY ? &val_arr (x)->map : NULL;
        if (n->op == ATTR_MAPPED)
          return val_int (n->type, m && m->mapped);
        if (n->op == ATTR_STRICT)
          return val_int (n->type, !m || !m->lax);
        if (!m || !m->mapped)
          vm_raise_code (v, EC_MAP, n->op == ATTR_OFFSET
                         ? "evaluating an 'offset attribute"
                         : "evaluating an 'ios attribute");
        return val_int (n->type, n->op == ATTR_OFFSET ? m->offset
                                                      : (uint64_t) m->ios);
      }
    default:
      vm_raise_code (v, EC_INVAL, "invalid attribute");
    }
}

/* Index and trim.  */

/* The element of C (an array or a string) that N, an A_INDEX whose index
   evaluated to I, designates: I itself, or the one that starts at
   offset I (bits), which must exist.  */
uint64_t
vm_index (vm *v, val c, const ast *n, val i)
{
  if (!n->flag)
    return i.v.u;
  uint64_t off = i.v.u;
  if (c.t->kind == TY_STRING)
    {
      if (off % 8)
        vm_raise_code (v, EC_OUT_OF_BOUNDS, NULL);
      return off / 8;
    }
  const pk_array *a = val_arr (c);
  const type *et = c.t->u.a.elem;
  if (type_complete (et))
    {
      uint64_t size = type_size (et);
      if (size == 0)
        return off == 0 ? 0 : a->len;
      return off % size ? a->len : off / size;
    }
  uint64_t at = 0;
  for (size_t k = 0; k < a->len && at <= off; k++)
    {
      if (at == off)
        return k;
      at += val_size_bits (a->elems[k]);
    }
  return a->len;                /* Out of bounds.  */
}

/* E, an element of the array C read by index or by for-in: GNU poke
   4.3 names a struct element of a mapped array after the struct's last
   alias declared before C's type was written (type.h, last_alias).  */
static val
elem_named (val c, val e)
{
  if (val_arr (c)->map.mapped && c.t->u.a.elem_indexed
      && e.t->kind == TY_STRUCT)
    e.t = c.t->u.a.elem_indexed;
  return e;
}

static val
eval_index (vm *v, pk_frame *f, ast *n)
{
  val c = eval (v, f, n->a);
  vm_push_root (v, c);
  val iv = eval (v, f, n->b);
  vm_pop_roots (v, 1);
  if (c.t->kind == TY_STRING)
    {
      pk_string *s = val_str (c);
      uint64_t i = vm_index (v, c, n, iv);
      if (i >= s->len)
        vm_raise_code (v, EC_OUT_OF_BOUNDS, NULL);
      return val_int (n->type, (unsigned char) s->data[i]);
    }
  vm_fresh (v, c);
  pk_array *a = val_arr (c);
  uint64_t i = vm_index (v, c, n, iv);
  if (i >= a->len)
    vm_raise_code (v, EC_OUT_OF_BOUNDS, NULL);
  vm_push_root (v, c);
  val x = vm_part (v, &a->map, a->elems[i]);
  vm_pop_roots (v, 1);
  vm_note_map_read (v, x);
  return elem_named (c, x);
}

static val
eval_trim (vm *v, pk_frame *f, ast *n)
{
  val c = eval (v, f, n->a);
  vm_push_root (v, c);
  size_t len = c.t->kind == TY_STRING ? val_str (c)->len : val_arr (c)->len;
  uint64_t from = n->b ? eval (v, f, n->b).v.u : 0;
  uint64_t to = n->c ? eval (v, f, n->c).v.u : len;
  if (n->flag)
    to += from;                 /* a[i+:n] */
  if (from >= len || to > len || from > to)
    vm_raise_code (v, EC_OUT_OF_BOUNDS, NULL);
  if (c.t->kind == TY_STRING)
    {
      val r = val_string (val_str (c)->data + from, to - from);
      vm_pop_roots (v, 1);
      return r;
    }
  if (val_arr (c)->map.mapped)
    {
      val rv = map_trim (v, c, from, to, n->type);
      vm_pop_roots (v, 1);
      return rv;
    }
  pk_array *r = array_new (to - from);
  for (uint64_t k = from; k < to; k++)
    array_push (r, val_arr (c)->elems[k]);
  vm_pop_roots (v, 1);
  val rv;
  rv.t = n->type;
  rv.v.o = &r->h;
  return rv;
}

static val
eval_array (vm *v, pk_frame *f, ast *n)
{
  pk_array *a = array_new ((size_t) n->nkids);
  val r;
  r.t = n->type;
  r.v.o = &a->h;
  vm_push_root (v, r);
  for (int i = 0; i < n->nkids; i++)
    {
      ast *el = n->kids[i];
      val x = map_keep (v, eval (v, f, el->b));
      if (el->a)
        {
          vm_push_root (v, x);
          uint64_t idx = eval (v, f, el->a).v.u;
          vm_pop_roots (v, 1);
          while (a->len <= idx)
            array_push (a, x);
          a->elems[idx] = x;
        }
      else
        array_push (a, x);
    }
  vm_pop_roots (v, 1);
  return r;
}

/* apush (A, X), apop (A): the array A changes in place; its mapping,
   if it has one, stays as it was, as in GNU poke.  */
static val
eval_apush (vm *v, pk_frame *f, ast *n)
{
  val c = eval (v, f, n->a);
  vm_push_root (v, c);
  val x = eval (v, f, n->b);
  vm_fresh (v, c);
  pk_array *a = val_arr (c);
  if (!a->map.mapped)
    x = map_keep (v, x);
  vm_obj_written (v, &a->h);
  array_push (a, x);
  vm_pop_roots (v, 1);
  return c;
}

static val
eval_apop (vm *v, pk_frame *f, ast *n)
{
  val c = eval (v, f, n->a);
  vm_fresh (v, c);
  pk_array *a = val_arr (c);
  if (a->len == 0)
    vm_raise_code (v, EC_OUT_OF_BOUNDS, NULL);
  vm_obj_written (v, &a->h);
  return a->elems[--a->len];
}

/* typeof: a Pk_Type (see the prelude) describing the type in N->aux.  */
static val
string_array (vm *v, type *at, int n, const type_field *fs, bool types)
{
  pk_array *a = array_new ((size_t) n);
  val r;
  r.t = at;
  r.v.o = &a->h;
  vm_push_root (v, r);
  for (int i = 0; i < n; i++)
    {
      strbuf sb;
      sb_init (&sb);
      if (types && fs[i].type->kind == TY_FUNCTION)
        type_print_signature (&sb, fs[i].type);   /* A method: ()int.  */
      else if (types)
        type_print (&sb, fs[i].type);
      else
        sb_puts (&sb, fs[i].name ? fs[i].name : "");
      array_push (a, val_string (sb.data ? sb.data : "", sb.len));
      sb_free (&sb);
    }
  vm_pop_roots (v, 1);
  return r;
}

/* typeof: which of the N fields FS are computed (Pk_Type's fcomputed,
   an array AT of int<32>).  */
static val
computed_array (vm *v, type *at, int n, const type_field *fs)
{
  pk_array *a = array_new ((size_t) n);
  val r;
  r.t = at;
  r.v.o = &a->h;
  vm_push_root (v, r);
  for (int i = 0; i < n; i++)
    array_push (a, val_int (at->u.a.elem, fs[i].computed));
  vm_pop_roots (v, 1);
  return r;
}

/* typeof N: the closures of the Pk_Type S (mapper...), made from the
   lambdas the checker put in N's kids, in the frame F of the typeof.  */
static void
typeof_closures (vm *v, pk_frame *f, ast *n, pk_struct *s)
{
  static const char *const names[TYPEOF_NCLOSURES] = {
    [TYPEOF_MAPPER] = "mapper", [TYPEOF_WRITER] = "writer",
    [TYPEOF_INTEGRATOR] = "integrator",
    [TYPEOF_DEINTEGRATOR] = "deintegrator",
    [TYPEOF_COMPARATOR] = "comparator"
  };
  const type *pt = n->type;
  for (int i = 0; i < pt->u.s.nfields; i++)
    for (int k = 0; k < n->nkids; k++)
      if (n->kids[k] && strcmp (pt->u.s.fields[i].name, names[k]) == 0)
        s->fields[i] = eval (v, f, n->kids[k]);
}

static val
eval_typeof (vm *v, pk_frame *f, ast *n)
{
  const type *t = n->aux, *pt = n->type;
  pk_struct *s = struct_new_frame (v->globals, pt->u.s.nfields,
                                   pt->u.s.nslots);
  val sv;
  sv.t = n->type;
  sv.v.o = &s->fr.h;
  vm_push_root (v, sv);
  static const int codes[] = {
    [TY_INT] = 1, [TY_OFFSET] = 2, [TY_STRING] = 3, [TY_VOID] = 0,
    [TY_ANY] = 7, [TY_ARRAY] = 4, [TY_STRUCT] = 5, [TY_FUNCTION] = 6
  };
  int code = codes[t->kind];
  /* The integral type of an integer, offset or integral struct.  */
  const type *it = t->kind == TY_OFFSET ? t->u.o.base
                   : t->kind == TY_STRUCT ? t->u.s.itype
                   : t->kind == TY_INT ? t : NULL;
  bool is_st = t->kind == TY_STRUCT;
  for (int i = 0; i < pt->u.s.nfields; i++)
    {
      const char *fn = pt->u.s.fields[i].name;
      type *ft = pt->u.s.fields[i].type;
      val x = { NULL, { 0 } };          /* Absent unless set.  */
      s->fields[i] = x;
      if (strcmp (fn, "code") == 0)
        x = val_int (ft, (uint64_t) code);
      else if (strcmp (fn, "name") == 0)
        x = val_cstring (t->kind == TY_FUNCTION && t->u.f.fname
                         ? t->u.f.fname : t->name ? t->name : "");
      else if (strcmp (fn, "complete_p") == 0)
        x = val_int (ft, code == 6 || type_complete (t));
      else if (strcmp (fn, "signed_p") == 0 && it)
        x = val_int (ft, it->u.i.sign);
      else if (strcmp (fn, "size") == 0 && it)
        x = val_int (ft, (uint64_t) it->u.i.size);
      else if (strcmp (fn, "_unit") == 0 && code == 2)
        x = val_int (ft, t->u.o.unit);
      else if (strcmp (fn, "bounded_p") == 0 && code == 4)
        x = val_int (ft, t->u.a.bound != NULL || t->u.a.bound_const);
      else if (!is_st)
        continue;
      else if (strcmp (fn, "union_p") == 0)
        x = val_int (ft, t->u.s.is_union);
      else if (strcmp (fn, "pinned_p") == 0)
        x = val_int (ft, t->u.s.pinned);
      else if (strcmp (fn, "integral_p") == 0)
        x = val_int (ft, t->u.s.itype != NULL);
      else if (strcmp (fn, "nfields") == 0)
        x = val_int (ft, (uint64_t) t->u.s.nfields);
      else if (strcmp (fn, "nmethods") == 0)
        x = val_int (ft, (uint64_t) t->u.s.nmethods);
      else if (strcmp (fn, "fcomputed") == 0)
        x = computed_array (v, ft, t->u.s.nfields, t->u.s.fields);
      else if (strcmp (fn, "fnames") == 0 || strcmp (fn, "ftypes") == 0)
        x = string_array (v, ft, t->u.s.nfields, t->u.s.fields,
                          fn[1] == 't');
      else if (strcmp (fn, "mnames") == 0 || strcmp (fn, "mtypes") == 0)
        x = string_array (v, ft, t->u.s.nmethods, t->u.s.methods,
                          fn[1] == 't');
      s->fields[i] = x;
    }
  typeof_closures (v, f, n, s);
  vm_pop_roots (v, 1);
  return sv;
}

/* Format (or printf, which writes the text rather than make a string:
   it may be large) N into SB.  PLAIN (format) writes no escape
   sequences and runs no pretty-printer: GNU poke 4.3's format prints
   a struct with a _print method as it would without one.  */
static void
format_into (vm *v, pk_frame *f, ast *n, strbuf *sb, bool plain)
{
  int base = v->nroots;
  for (int i = 0; i < n->nkids; i++)
    vm_push_root (v, eval (v, f, n->kids[i]));
  sb_init (sb);
  print_opts o = v->popts;
  if (plain)
    {
      o.style = NULL;
      o.pretty = false;
    }
  if (!fmt_run (sb, n->aux, v->roots + base, &o))
    {
      /* A pretty-printer raised: printf has printed what came before.  */
      if (n->kind == S_PRINTF)
        fwrite (sb->data, 1, sb->len, v->out);
      sb_free (sb);
      vm_raise (v, v->exc);
    }
  v->nroots = base;
}

static val
eval_format (vm *v, pk_frame *f, ast *n)
{
  strbuf sb;
  format_into (v, f, n, &sb, true);
  val r = val_string (sb.data ? sb.data : "", sb.len);
  sb_free (&sb);
  return r;
}

/* EXP ?! EXC: evaluate EXP, and tell whether it raised EXC.  Kept out
   of eval so that its setjmp does not constrain eval's registers.  */
static void assign (vm *v, pk_frame *f, ast *lv, val x);

static val
eval_exccond (vm *v, pk_frame *f, ast *n)
{
  vm_handler h;
  pk_frame *volatile vf = f;
  vm_handler_enter (v, &h);
  if (setjmp (h.jb) == 0)
    {
      if (n->a->kind == S_BLOCK)
        exec (v, vf, n->a);
      else
        eval (v, vf, n->a);
      v->handler = h.prev;
      return val_int (n->type, 0);
    }
  vm_handler_caught (v, &h);
  val e = v->exc;
  vm_push_root (v, e);
  val want = eval (v, vf, n->b);
  vm_pop_roots (v, 1);
  /* True when the exception is raised, as since GNU poke 3.0.  */
  if (vm_exc_code (e) == vm_exc_code (want))
    return val_int (n->type, 1);
  vm_raise (v, e);
}

/* The l-value LV of ++ or --, read.  A method's field named bare
   (SELF.F) is its struct's field as the method sees it, not decoded
   again after a write to the IO space, as when it is read elsewhere in
   the method.  */
static val
incdec_read (vm *v, pk_frame *f, ast *lv)
{
  if (lv->kind != A_MEMBER || lv->a->kind != A_SELF)
    return eval (v, f, lv);
  val s = eval (v, f, lv->a);
  val x = val_sct (s)->fr.slots[lv->slot];
  return x.t ? x : vm_absent_field (v, s, lv->slot);
}

/* The value of ++X or --X (N), from X, the value of the l-value:
   E_overflow where the type's range ends.  */
static val
incdec_value (vm *v, const ast *n, val x)
{
  const type *t = x.t->kind == TY_OFFSET ? x.t->u.o.base : x.t;
  uint64_t r;
  arith_err e = arith_binop (n->op == T_INC ? AR_ADD : AR_SUB, x.v.u,
                             arith_norm (1, t->u.i.size, t->u.i.sign),
                             t->u.i.size, t->u.i.sign, t->u.i.size,
                             t->u.i.sign, &r);
  if (e != ARITH_OK)
    vm_raise_arith (v, e);
  return val_int (x.t, r);
}

static val
eval (vm *v, pk_frame *f, ast *n)
{
  switch (n->kind)
    {
    case A_INT:
    case A_STR:
      return n->lit;
    case A_VAR:
      {
        val x;
        if (n->depth < 0)
          {
            x = v->globals->slots[n->slot];
            if (v->mapping)
              v->gread[n->slot] = 1;
          }
        else
          {
            pk_frame *fr = vm_frame_at (v, f, n->depth);
            x = fr->slots[n->slot];
            if (n->flag && x.t)
              {
                /* A field, by its name in a method or in its struct
                   type: the frame is the struct.  */
                x = vm_part (v, &((pk_struct *) fr)->map, x);
                vm_note_map_read (v, x);
                return x;
              }
          }
        if (n->flag && !x.t)
          vm_raise_code (v, EC_ELEM, NULL);     /* An absent field.  */
        vm_fresh (v, x);
        vm_note_map_read (v, x);
        return x;
      }
    case A_BINOP:
      if (n->is_const)
        return n->lit;
      return eval_binop (v, f, n);
    case A_AND:
      {
        val a = eval (v, f, n->a);
        if (!a.v.u)
          return val_int (n->type, 0);
        return val_int (n->type, eval (v, f, n->b).v.u != 0);
      }
    case A_OR:
      {
        val a = eval (v, f, n->a);
        if (a.v.u)
          return val_int (n->type, 1);
        return val_int (n->type, eval (v, f, n->b).v.u != 0);
      }
    case A_IMPLIES:
      {
        val a = eval (v, f, n->a);
        if (!a.v.u)
          return val_int (n->type, 1);
        return val_int (n->type, eval (v, f, n->b).v.u != 0);
      }
    case A_UNOP:
      {
        if (n->is_const)
          return n->lit;
        val a = eval (v, f, n->a);
        const type *t = a.t->kind == TY_OFFSET ? a.t->u.o.base : a.t;
        switch (n->op)
          {
          case T_BANG:
            return val_int (n->type, a.v.u == 0);
          case T_TILDE:
            return val_int (n->type, arith_not (a.v.u, t->u.i.size,
                                                t->u.i.sign));
          case T_MINUS:
            {
              uint64_t r;
              if (arith_neg (a.v.u, t->u.i.size, t->u.i.sign, &r))
                vm_raise_code (v, EC_OVERFLOW, NULL);
              return val_int (n->type, r);
            }
          default:
            return a;
          }
      }
    case A_COND:
      return eval (v, f, n->a).v.u ? eval (v, f, n->b) : eval (v, f, n->c);
    case A_CAST:
      {
        if (n->is_const)
          return n->lit;
        val x = eval (v, f, n->a);
        /* From `any', the value must be of the target type exactly.  */
        if (n->a->type->kind == TY_ANY && n->type->kind != TY_ANY
            && !(type_equal (x.t, n->type)
                 && (x.t->kind != TY_INT
                     || (x.t->u.i.size == n->type->u.i.size
                         && x.t->u.i.sign == n->type->u.i.sign))))
          vm_raise_code (v, EC_CONV, NULL);
        if (n->type->kind == TY_ARRAY && n->type->u.a.bound
            && !n->type->u.a.bound_const)
          map_check_bound (v, f, n->type, x);
        return convert (v, x, n->type, n);
      }
    case A_ISA:
      {
        val a = eval (v, f, n->a);
        type *t = n->b->type;
        /* A struct is of the type it was written with, whatever the
           name it prints with (see eval_index).  */
        const type *at = n->a->type->kind == TY_STRUCT ? n->a->type : a.t;
        return val_int (n->type, t->kind == TY_ANY || type_equal (at, t));
      }
    case A_SIZEOF:
      return n->lit;
    case A_TYPEOF:
      return eval_typeof (v, f, n);
    case A_CALL:
      return eval_call (v, f, n);
    case A_INDEX:
      return eval_index (v, f, n);
    case A_TRIM:
      return eval_trim (v, f, n);
    case A_ATTR:
      return eval_attr (v, f, n);
    case A_MEMBER:
      {
        val s = eval (v, f, n->a);
        /* A variable, an element or a field is made current when it
           is read: not twice, since each decoding of a value that
           reports to the tracer is an event.  */
        if (n->a->kind != A_VAR && n->a->kind != A_INDEX
            && n->a->kind != A_MEMBER)
          vm_fresh (v, s);
        val x = val_sct (s)->fr.slots[n->slot];
        if (!x.t)
          return vm_absent_field (v, s, n->slot);
        x = vm_part (v, &val_sct (s)->map, x);
        vm_note_map_read (v, x);
        return x;
      }
    case A_UP:
      return eval (v, vm_frame_at (v, f, n->depth), n->a);
    case A_SELF:
      {
        val x;
        x.t = n->type;
        /* Not decoded again, even when the IO space has changed: a
           method sees its struct as it was called on, as in GNU poke.  */
        x.v.o = &vm_frame_at (v, f, n->depth)->h;
        return x;
      }
    case A_OFFSET:
      {
        if (n->is_const)
          return n->lit;
        val m = eval (v, f, n->a);
        return val_int (n->type, m.v.u);
      }
    case A_ARRAY:
      return eval_array (v, f, n);
    case S_UNMAP:
      return map_unmap (v, eval (v, f, n->a));
    case A_REMAP:
      {
        /* Mapped values are read again whenever used (GNU poke's
           auto-remap, always on): remap only makes sure of it.  */
        val x = eval (v, f, n->a);
        const pk_map *m = val_map (x);
        if (m && m->mapped)
          map_remap (v, x);
        return x;
      }
    case A_STRUCTCONS:
      return map_construct (v, f, n);
    case A_ARRCONS:
      return map_construct_array (v, f, n);
    case A_MAP:
      return map_at (v, f, n);
    case A_LAMBDA:
      {
        pk_closure *c = closure_new (n->a, f);
        val r;
        r.t = n->type;
        r.v.o = &c->h;
        return r;
      }
    case A_FORMAT:
      return eval_format (v, f, n);
    case A_INCDEC:
      {
        /* As in GNU poke, ++L is L = L + 1 then L read again (a mapped
           struct may have changed with the write: E_elem when a field
           is now absent), and L++ is L read, then L = L + 1: L, its
           indexes and its struct, is evaluated three times, side
           effects and all.  A variable reads the same each time.  */
        bool var = n->a->kind == A_VAR;
        val x = incdec_read (v, f, n->a);
        val nv = incdec_value (v, n, !n->flag && !var
                                     ? incdec_read (v, f, n->a) : x);
        assign (v, f, n->a, nv);
        if (n->flag)
          return var ? nv : incdec_read (v, f, n->a);
        return x;
      }
    case A_EXCCOND:
      return eval_exccond (v, f, n);
    case A_APUSH:
      return eval_apush (v, f, n);
    case A_APOP:
      return eval_apop (v, f, n);
    default:
      vm_raise_code (v, EC_INVAL, "cannot evaluate this expression");
    }
}

/* Field I of the struct S has no value: it is absent (E_elem), or a
   computed field, whose getter gives it.  */
val
vm_absent_field (vm *v, val s, int i)
{
  const type_field *tf = &s.t->u.s.fields[i];
  if (i >= s.t->u.s.nfields || !tf->computed || tf->getter < 0)
    vm_raise_code (v, EC_ELEM, NULL);
  vm_push_root (v, s);
  val r = call_closure (v, val_sct (s)->fr.slots[tf->getter], 0, NULL, NULL);
  vm_pop_roots (v, 1);
  return r;
}

void
vm_trace_field (vm *v, pk_frame *sf, const type_field *tf, int event,
                val fv, uint64_t off)
{
  /* The action: pk_tracer_dispatch.table[EVENT], the prelude's.  */
  int slot = compiler_global (v->comp, "pk_tracer_dispatch", NULL);
  val d = slot >= 0 ? v->globals->slots[slot] : val_void ();
  if (!d.t || d.t->kind != TY_STRUCT || !val_sct (d)->nfields
      || !val_sct (d)->fields[0].t
      || val_sct (d)->fields[0].t->kind != TY_ARRAY)
    return;
  const pk_array *table = val_arr (val_sct (d)->fields[0]);
  if ((size_t) event >= table->len)
    vm_raise_code (v, EC_OUT_OF_BOUNDS, NULL);
  val args[2];
  args[0] = val_int (type_int (32, true), (uint64_t) event);
  pk_array *a = array_new (4);
  args[1].t = type_array (type_any, NULL, false);
  args[1].v.o = &a->h;
  int base = v->nroots;
  vm_push_root (v, fv);
  vm_push_root (v, table->elems[event]);
  vm_push_root (v, args[1]);
  if (fv.t)
    {
      array_push (a, fv);
      array_push (a, eval_typeof (v, sf, tf->trace));
    }
  array_push (a, val_cstring (tf->name ? tf->name : ""));
  if (fv.t)
    array_push (a, val_int (type_offset (type_int (64, false), 1), off));
  call_closure (v, v->roots[base + 1], 2, args, NULL);
  v->nroots = base;
}

/* S.F = X, where F (the A_MEMBER LV) is a computed field: its setter
   is called.  */
void
vm_assign_computed (vm *v, pk_frame *f, ast *lv, val x)
{
  vm_push_root (v, x);
  val s = eval (v, f, lv->a);
  vm_push_root (v, s);
  vm_fresh (v, s);
  int m = s.t->u.s.fields[lv->slot].setter;
  call_closure (v, val_sct (s)->fr.slots[m], 1, &x, lv);
  vm_pop_roots (v, 2);
}

bool
vm_print_value (vm *v, strbuf *sb, val x)
{
  vm_handler h;
  vm_handler_enter (v, &h);
  if (setjmp (h.jb))
    {
      vm_handler_caught (v, &h);
      return false;
    }
  vm_push_root (v, x);
  bool ok = print_value (sb, x, &v->popts);
  v->handler = h.prev;
  v->nroots = h.nroots;
  return ok;
}

static void
assign (vm *v, pk_frame *f, ast *lv, val x)
{
  switch (lv->kind)
    {
    case A_VAR:
      if (lv->depth < 0)
        set_global (v, lv->slot, x);
      else
        {
          vm_frame_at (v, f, lv->depth)->slots[lv->slot] = x;
          if (vm_read_by_type (lv))
            v->var_gen++;
        }
      return;
    case A_INDEX:
      map_assign_index (v, f, lv, x);
      return;
    case A_MEMBER:
      map_assign_member (v, f, lv, x);
      return;
    case A_MAP:
      map_assign_at (v, f, lv, x);
      return;
    case A_BINOP:
      {
        /* A ::: B = X: A gets the high bits of X, B the low ones.  */
        const type *ta = lv->a->type, *tb = lv->b->type;
        int wb = tb->u.i.size;
        uint64_t hi = wb == 64 ? 0 : x.v.u >> wb;
        assign (v, f, lv->a, val_int (lv->a->type,
                                      arith_norm (hi, ta->u.i.size,
                                                  ta->u.i.sign)));
        assign (v, f, lv->b, val_int (lv->b->type,
                                      arith_norm (x.v.u, wb, tb->u.i.sign)));
        return;
      }
    default:
      vm_raise_code (v, EC_INVAL, "invalid l-value");
    }
}

/* The assignment statement N of X: an array must fit the bound of its
   variable's or element's type (S_ASSIGN's flag), evaluated in the
   variable's frame.  */
static void
assign_stmt (vm *v, pk_frame *f, ast *n, val x)
{
  if (n->flag)
    {
      const ast *lv = n->a;
      pk_frame *bf = lv->kind != A_VAR ? f
                     : lv->depth < 0 ? v->globals
                     : vm_frame_at (v, f, lv->depth);
      map_check_bound (v, bf, lv->type, x);
    }
  assign (v, f, n->a, x);
}

static val
catch_value (vm *v)
{
  return v->exc;
}


static status
exec_block (vm *v, pk_frame *f, ast *n)
{
  for (int i = 0; i < n->nkids; i++)
    {
      status st = exec (v, f, n->kids[i]);
      if (st != ST_NORMAL)
        return st;
    }
  return ST_NORMAL;
}

static void
check_interrupt (vm *v)
{
  if (v->interrupted)
    {
      v->interrupted = 0;
      vm_raise_code (v, EC_SIGNAL, NULL);
    }
}

static status
exec (vm *v, pk_frame *f, ast *n)
{
  switch (n->kind)
    {
    case S_TYPE:
      if (n->flag)
        {
          /* A struct type's environment: this frame.  */
          pk_closure *c = closure_new (n, f);
          grow_globals (v);
          v->globals->slots[n->slot].t = type_function (type_void, 0, NULL,
                                                        0, false);
          v->globals->slots[n->slot].v.o = &c->h;
        }
      return ST_NORMAL;
    case S_NULL:
    case S_UNIT:
    case S_LOAD:
    case S_LAZY:                /* Run when compiled (check.c).  */
      return ST_NORMAL;
    case S_EXPR:
      eval (v, f, n->a);
      return ST_NORMAL;
    case S_VAR:
      {
        val x = eval (v, f, n->a);
        if (n->depth < 0)
          set_global (v, n->slot, x);
        else
          f->slots[n->slot] = x;
        return ST_NORMAL;
      }
    case S_FUN:
      {
        pk_closure *c = closure_new (n->a, f);
        val x;
        x.t = n->a->type;
        x.v.o = &c->h;
        if (n->depth < 0)
          set_global (v, n->slot, x);
        else
          f->slots[n->slot] = x;
        return ST_NORMAL;
      }
    case S_ASSIGN:
      assign_stmt (v, f, n, eval (v, f, n->b));
      return ST_NORMAL;
    case S_IF:
      if (eval (v, f, n->a).v.u)
        return exec (v, f, n->b);
      if (n->c)
        return exec (v, f, n->c);
      return ST_NORMAL;
    case S_WHILE:
      if (!v->nocompile && !v->mapping)
        return compile_run (v, f, n);
      while (eval (v, f, n->a).v.u)
        {
          status st = exec (v, f, n->b);
          if (st == ST_BREAK)
            break;
          if (st == ST_RETURN)
            return st;
          check_interrupt (v);
        }
      return ST_NORMAL;
    case S_FOR:
      if (!v->nocompile && !v->mapping)
        return compile_run (v, f, n);
      if (n->a)
        exec (v, f, n->a);
      while (!n->b || eval (v, f, n->b).v.u)
        {
          status st = exec (v, f, n->d);
          if (st == ST_BREAK)
            break;
          if (st == ST_RETURN)
            return st;
          if (n->c)
            exec (v, f, n->c);
          check_interrupt (v);
        }
      return ST_NORMAL;
    case S_FORIN:
      {
        val c = eval (v, f, n->a);
        vm_push_root (v, c);
        size_t len = c.t->kind == TY_STRING ? val_str (c)->len
                                            : val_arr (c)->len;
        status res = ST_NORMAL;
        for (size_t i = 0; i < len; i++)
          {
            val x;
            if (c.t->kind == TY_STRING)
              x = val_int (type_int (8, false),
                           (unsigned char) val_str (c)->data[i]);
            else
              {
                /* See map_held for the elements of an array that is
                   not mapped.  */
                x = val_arr (c)->elems[i];
                if (!val_arr (c)->map.mapped)
                  x = vm_part (v, &val_arr (c)->map, x);
                x = elem_named (c, x);
              }
            f->slots[n->slot] = x;
            if (n->b && !eval (v, f, n->b).v.u)
              continue;
            status st = exec (v, f, n->c);
            if (st == ST_BREAK)
              break;
            if (st == ST_RETURN)
              {
                res = st;
                break;
              }
            check_interrupt (v);
          }
        vm_pop_roots (v, 1);
        return res;
      }
    case S_BREAK:
      return ST_BREAK;
    case S_CONTINUE:
      return ST_CONTINUE;
    case S_RETURN:
      v->retval = n->a ? eval (v, f, n->a) : val_void ();
      return ST_RETURN;
    case S_BLOCK:
      return exec_block (v, f, n);
    case S_RAISE:
      {
        if (!n->a)
          vm_raise_code (v, EC_GENERIC, NULL);
        val e = eval (v, f, n->a);
        if (e.t->kind == TY_INT)
          vm_raise_code (v, (int) e.v.i, NULL);
        vm_raise (v, e);
      }
    case S_TRY:
      {
        vm_handler h;
        vm_handler_enter (v, &h);
        volatile status st = ST_NORMAL;
        if (setjmp (h.jb) == 0)
          {
            st = exec (v, f, n->a);
            v->handler = h.prev;
            return st;
          }
        vm_handler_caught (v, &h);
        val e = catch_value (v);
        vm_push_root (v, e);
        if (n->c && vm_exc_code (eval (v, f, n->c)) != vm_exc_code (e))
          {
            vm_pop_roots (v, 1);
            vm_raise (v, e);
          }
        if (n->d)
          f->slots[n->slot] = e;
        vm_pop_roots (v, 1);
        return exec (v, f, n->b);
      }
    case S_TRYUNTIL:
      {
        for (;;)
          {
            vm_handler h;
            vm_handler_enter (v, &h);
            if (setjmp (h.jb) == 0)
              {
                status st = exec (v, f, n->a);
                v->handler = h.prev;
                if (st == ST_BREAK)
                  return ST_NORMAL;
                if (st == ST_RETURN)
                  return st;
                check_interrupt (v);
                continue;
              }
            vm_handler_caught (v, &h);
            val e = v->exc;
            vm_push_root (v, e);
            val code = eval (v, f, n->b);
            vm_pop_roots (v, 1);
            bool match = vm_exc_code (e) == vm_exc_code (code);
            if (match)
              return ST_NORMAL;
            vm_raise (v, e);
          }
      }
    case S_ASSERT:
      {
        if (eval (v, f, n->a).v.u)
          return ST_NORMAL;
        const char *msg = n->name;      /* The condition's text.  */
        if (n->b)
          {
            /* Rooted while the exception is made (the raise unwinds the
               root stack).  */
            val m = eval (v, f, n->b);
            vm_push_root (v, m);
            msg = val_str (m)->data;
          }
        char loc[512];
        snprintf (loc, sizeof loc, "%s:%d:%d:", n->src->filename,
                  n->loc.line, n->loc.col);
        vm_raise (v, vm_make_exc (v, EC_ASSERT, msg, loc));
      }
    case S_PRINT:
      {
        val s = eval (v, f, n->a);
        fwrite (val_str (s)->data, 1, val_str (s)->len, v->out);
        return ST_NORMAL;
      }
    case S_PRINTF:
      {
        strbuf sb;
        format_into (v, f, n, &sb, false);
        fwrite (sb.data, 1, sb.len, v->out);
        sb_free (&sb);
        return ST_NORMAL;
      }
    default:
      eval (v, f, n);
      return ST_NORMAL;
    }
}

val
vm_eval (vm *v, pk_frame *f, ast *n)
{
  return eval (v, f, n);
}

vm_status
vm_exec (vm *v, pk_frame *f, ast *n)
{
  return exec (v, f, n);
}

void
vm_assign (vm *v, pk_frame *f, ast *n, val x)
{
  assign_stmt (v, f, n, x);
}

bool
vm_run (vm *v, ast *prog, val *result, val *exc)
{
  grow_globals (v);
  vm_handler h;
  vm_handler_enter (v, &h);
  if (result)
    *result = val_void ();
  if (setjmp (h.jb))
    {
      vm_handler_caught (v, &h);
      if (exc)
        *exc = v->exc;
      v->exc = val_void ();
      return false;
    }
  /* The command's frame is rooted as call_closure roots a call's.  */
  pk_closure *holder = closure_new (prog, NULL);
  val hv;
  hv.t = type_function (type_void, 0, NULL, 0, false);
  hv.v.o = &holder->h;
  vm_push_root (v, hv);
  pk_frame *cmd = frame_new (NULL, prog->nslots);
  holder->env = cmd;
  int nstmts = prog->nkids;
  for (int i = 0; i < nstmts; i++)
    {
      ast *s = prog->kids[i];
      if (result && s->kind == S_EXPR && s->flag)
        {
          *result = eval (v, cmd, s->a);
          continue;
        }
      exec (v, cmd, s);
    }
  v->handler = h.prev;
  v->nroots = h.nroots;
  return true;
}
