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
#include "pkffi.h"

typedef vm_status status;

#define MAX_CALL_DEPTH 30000

static vm *the_vm;              /* For the collector's root callback.  */

static val eval (vm *v, pk_frame *f, ast *n);
static val call_closure (vm *v, val fnv, int nargs, val *args,
                         ast *callsite);
static status exec (vm *v, pk_frame *f, ast *n);
static val int_to_struct (vm *v, type *t, uint64_t bits);
static val int_to_struct_into (vm *v, type *t, uint64_t bits, gcobj *into,
                               bool check);
static void check_constraints (vm *v, const type *t, pk_struct *s);
static val struct_to_struct (vm *v, type *to, val x);
static void constraint_failed (vm *v, const type *t, const char *field);
static val convert (vm *v, val x, type *to, ast *where);
static uint64_t struct_to_int (val x);
static int int_field_bits (const type *ft);

/* How a composite value is being built (see build_value).  */
typedef struct build_ctx
{
  bool map;                     /* Decode from IO (else construct).  */
  bool strict;                  /* Check constraints (maps with @! don't).  */
  ios *io;
  int ios_id;
  uint64_t off;                 /* Bit offset where the value starts.  */
  int endian;                   /* 0 default, 1 big, 2 little.  */
  int64_t bias;                 /* The space's bias, included in OFF.  */
  uint64_t gen;                 /* vm_map_gen when the decoding began.  */
  gcobj *into;                  /* Decode again into this value.  */
  ast *cons;                    /* A struct constructor's initializers.  */
  pk_frame *cons_frame;         /* Where they are evaluated.  */
  val *init;                    /* An array constructor's element.  */
} build_ctx;

static val build_value (vm *v, pk_frame *f, type *t, build_ctx *bc,
                        uint64_t *size);
static val build_struct (vm *v, pk_frame *f, type *t, build_ctx *bc,
                         uint64_t *size);

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

/* The printer's pretty-print hook (see print.h): run X's _print method
   with print and printf writing into SB.  */
static int
pretty_hook (void *ctx, strbuf *sb, val x)
{
  vm *v = ctx;
  const type *t = x.t;
  int m = -1;
  for (int i = 0; i < t->u.s.nmethods; i++)
    if (strcmp (t->u.s.methods[i].name, "_print") == 0)
      m = i;
  if (m < 0)
    return 0;
  val fn = val_sct (x)->fr.slots[t->u.s.method_slots[m]];
  if (!fn.t || fn.t->kind != TY_FUNCTION)
    return 0;
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
  fclose (mem);
  sb_putn (sb, buf, len);
  free (buf);
  return r;
}

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
  print_opts_default (&v->popts);
  v->nocompile = getenv ("BPOKE_NOCOMPILE") != NULL;
  v->nojit = getenv ("BPOKE_NOJIT") != NULL || !jit_available ();
  arena_init (&v->code);
  v->popts.pp_hook = pretty_hook;
  v->popts.pp_ctx = v;
  the_vm = v;
  gc_mark_roots = mark_roots;
  return v;
}

void
vm_free (vm *v)
{
  if (!v)
    return;
  free (v->roots);
  free (v->gread);
  jit_free (v);
  arena_free (&v->code);
  if (the_vm == v)
    {
      the_vm = NULL;
      gc_mark_roots = NULL;
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

static pk_map *
val_map (val x)
{
  if (!x.t)
    return NULL;
  if (x.t->kind == TY_STRUCT)
    return &val_sct (x)->map;
  if (x.t->kind == TY_ARRAY)
    return &val_arr (x)->map;
  return NULL;
}

static void remap (vm *v, val x);

/* Make sure that X, if it is a mapped value, shows what its IO space
   holds now.  */
static inline void
vm_fresh (vm *v, val x)
{
  const pk_map *m = val_map (x);
  if (m && m->mapped && m->gen != vm_map_gen (v))
    remap (v, x);
}

/* Exceptions.  */

_Noreturn void
vm_raise (vm *v, val exc)
{
  v->exc = exc;
  longjmp (v->handler->jb, 1);
}

static const char *
exc_field_str (val exc, int i)
{
  if (exc.t->kind != TY_STRUCT || val_sct (exc)->nfields <= i)
    return "";
  val f = val_sct (exc)->fields[i];
  return f.t->kind == TY_STRING ? val_str (f)->data : "";
}

int64_t
vm_exc_code (val exc)
{
  if (exc.t->kind != TY_STRUCT || val_sct (exc)->nfields < 1)
    return 0;
  return val_sct (exc)->fields[0].v.i;
}

const char *
vm_exc_name (val exc)
{
  return exc_field_str (exc, 1);
}

int
vm_exc_exit_status (val exc)
{
  if (exc.t->kind != TY_STRUCT || val_sct (exc)->nfields < 3)
    return 1;
  return (int) val_sct (exc)->fields[2].v.i;
}

const char *
vm_exc_location (val exc)
{
  return exc_field_str (exc, 3);
}

const char *
vm_exc_msg (val exc)
{
  return exc_field_str (exc, 4);
}

static const char *const exc_names[] = {
  "E_generic", "E_div_by_zero", "E_no_ios", "E_no_return",
  "E_out_of_bounds", "E_map_bounds", "E_eof", "E_map", "E_conv", "E_elem",
  "E_constraint", "E_io", "E_signal", "E_io_flags", "E_inval", "E_exit",
  "E_assert", "E_overflow", "E_perm"
};

/* A copy of the standard exception CODE, with MSG and LOCATION set.  */
static val
make_exc (vm *v, int code, const char *msg, const char *location)
{
  type *t = NULL;
  int slot = -1;
  if (code >= 0 && (size_t) code < countof (exc_names))
    slot = compiler_global (v->comp, exc_names[code], &t);
  if (slot < 0 || slot >= v->globals->nslots
      || v->globals->slots[slot].t->kind != TY_STRUCT)
    {
      /* No prelude: a bare integer still carries the code.  */
      return val_int (type_int (32, true), (uint64_t) code);
    }
  val proto = v->globals->slots[slot];
  pk_struct *src = val_sct (proto);
  pk_struct *s = struct_new (src->nfields);
  val e;
  e.t = proto.t;
  e.v.o = &s->fr.h;
  memcpy (s->fields, src->fields, sizeof (val) * src->nfields);
  vm_push_root (v, e);
  if (msg && s->nfields > 4)
    s->fields[4] = val_cstring (msg);
  if (location && s->nfields > 3)
    s->fields[3] = val_cstring (location);
  vm_pop_roots (v, 1);
  return e;
}

_Noreturn void
vm_raise_code (vm *v, int code, const char *msg)
{
  vm_raise (v, make_exc (v, code, msg, NULL));
}

_Noreturn void
vm_raise_exit (vm *v, int status)
{
  val e = make_exc (v, EC_EXIT, NULL, NULL);
  if (e.t->kind == TY_STRUCT && val_sct (e)->nfields > 2)
    val_sct (e)->fields[2] = val_int (val_sct (e)->fields[2].t,
                                      arith_norm ((uint64_t) status, 32,
                                                  true));
  vm_raise (v, e);
}

static void
raise_arith (vm *v, arith_err e)
{
  switch (e)
    {
    case ARITH_EDIVZERO:
      vm_raise_code (v, EC_DIV_BY_ZERO, NULL);
    case ARITH_EOOB:
      vm_raise_code (v, EC_OUT_OF_BOUNDS, NULL);
    case ARITH_EOVERFLOW:
      vm_raise_code (v, EC_OVERFLOW, NULL);
    default:
      break;
    }
}

/* Conversions (the checker's A_CAST nodes and `as`).  */

/* A value X given for type T (a cast, an argument, a struct field): when
   T is an array type with a bound, evaluated in F, X must have that
   many elements (or bits) or E_conv is raised.  */
static void
check_array_bound (vm *v, pk_frame *f, const type *t, val x)
{
  if (t->kind != TY_ARRAY || !t->u.a.bound || !x.t || x.t->kind != TY_ARRAY)
    return;
  uint64_t want;
  if (t->u.a.bound_const)
    want = t->u.a.nelem;
  else
    {
      vm_push_root (v, x);
      val b = eval (v, f, t->u.a.bound);
      vm_pop_roots (v, 1);
      want = b.t->kind == TY_OFFSET ? b.v.u * b.t->u.o.unit : b.v.u;
    }
  uint64_t have = t->u.a.bound_is_size ? val_size_bits (x)
                                       : val_arr (x)->len;
  if (have != want)
    vm_raise_code (v, EC_CONV, NULL);
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
      int n = int_field_bits (e.t);
      if (n == 0)
        vm_raise_code (v, EC_CONV, NULL);
      *bits += (uint64_t) n;
      if (*bits > 64)
        vm_raise_code (v, EC_CONV, "arrays bigger than 64-bit cannot "
                       "be casted to integral types");
      uint64_t eb = e.t->kind == TY_STRUCT ? struct_to_int (e) : e.v.u;
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
        return val_int (to, arith_norm (struct_to_int (x), to->u.i.size,
                                        to->u.i.sign));
      if (from->kind == TY_ARRAY)
        {
          uint64_t r = 0, bits = 0;
          array_to_int (v, x, &r, &bits);
          return val_int (to, arith_norm (r, to->u.i.size, to->u.i.sign));
        }
      break;
    case TY_STRUCT:
      if (from->kind == TY_INT && to->u.s.itype)
        return int_to_struct (v, to, x.v.u);
      if (type_equal (to, from))
        return x;
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
          /* Through bits: magnitude * from_unit / to_unit, on the 64-bit
             pattern as unsigned, as GNU poke converts (-9#b is -2#B).  */
          uint64_t fu = from->u.o.unit, tu = to->u.o.unit;
          uint64_t r = fu == tu ? x.v.u : x.v.u * fu / tu;
          const type *tb = to->u.o.base;
          return val_int (to, arith_norm (r, tb->u.i.size, tb->u.i.sign));
        }
      break;
    case TY_STRING:
      if (from->kind == TY_INT)
        {
          char c = (char) x.v.u;
          return val_string (&c, 1);
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

/* A struct of type TO made from the fields of X with the same names,
   its constraints checked.  */
static val
struct_to_struct (vm *v, type *to, val x)
{
  ast cons;
  memset (&cons, 0, sizeof cons);
  build_ctx bc;
  memset (&bc, 0, sizeof bc);
  /* Built unchecked: the constraints are checked below, on the fields
     taken from X.  */
  pk_struct *src = val_sct (x);
  vm_push_root (v, x);
  uint64_t size;
  val sv = build_struct (v, NULL, to, &bc, &size);
  vm_push_root (v, sv);
  pk_struct *s = val_sct (sv);
  for (int i = 0; i < s->nfields; i++)
    for (int j = 0; j < src->nfields; j++)
      if (to->u.s.fields[i].name && x.t->u.s.fields[j].name
          && strcmp (to->u.s.fields[i].name, x.t->u.s.fields[j].name) == 0
          && src->fields[j].t)
        /* GNU poke keeps the value as it is, of its own type.  */
        s->fields[i] = src->fields[j];
  check_constraints (v, to, s);
  vm_pop_roots (v, 2);
  (void) cons;
  return sv;
}

/* Integral structs: the fields, in order, from the most significant
   bits down; offsets by their magnitude, integral structs nested.  */
static int
int_field_bits (const type *ft)
{
  if (ft->kind == TY_OFFSET)
    return ft->u.o.base->u.i.size;
  if (ft->kind == TY_STRUCT)
    return ft->u.s.itype ? ft->u.s.itype->u.i.size : 0;
  return ft->kind == TY_INT ? ft->u.i.size : 0;
}

static uint64_t
struct_to_int (val x)
{
  pk_struct *s = val_sct (x);
  uint64_t r = 0;
  for (int i = 0; i < s->nfields; i++)
    {
      val f = s->fields[i];
      int n = f.t ? int_field_bits (f.t) : 0;
      if (n == 0)
        continue;
      uint64_t fb = f.t->kind == TY_STRUCT ? struct_to_int (f) : f.v.u;
      r = (n == 64 ? 0 : r << n) | arith_norm (fb, n, false);
    }
  return r;
}

/* The constraints of struct type T hold on the fields S has: else
   E_constraint.  */
static void
check_constraints (vm *v, const type *t, pk_struct *s)
{
  const ast *decl = t->u.s.decl;
  for (int k = 0; decl && k < decl->nkids; k++)
    {
      const ast *kid = decl->kids[k];
      if (kid->kind == TN_FIELD && kid->b && s->fields[kid->slot].t
          && !eval (v, &s->fr, kid->b).v.u)
        constraint_failed (v, t, kid->name);
    }
}

static val
int_to_struct (vm *v, type *t, uint64_t bits)
{
  return int_to_struct_into (v, t, bits, NULL, true);
}

/* The same, into the struct INTO when it is not NULL; the constraints
   are checked when CHECK (not for a non-strict map).  */
static val
int_to_struct_into (vm *v, type *t, uint64_t bits, gcobj *into, bool check)
{
  build_ctx bc;
  memset (&bc, 0, sizeof bc);
  bc.into = into;
  uint64_t size;
  val sv = build_struct (v, NULL, t, &bc, &size);
  vm_push_root (v, sv);
  pk_struct *s = val_sct (sv);
  int total = t->u.s.itype ? t->u.s.itype->u.i.size : 64;
  int at = total;
  for (int i = 0; i < s->nfields; i++)
    {
      type *ft = t->u.s.fields[i].type;
      int n = int_field_bits (ft);
      if (n == 0)
        continue;
      at -= n;
      uint64_t fb = at >= 64 ? 0 : bits >> at;
      if (ft->kind == TY_STRUCT)
        s->fields[i] = int_to_struct_into (v, ft, fb, NULL, check);
      else
        {
          const type *it = ft->kind == TY_OFFSET ? ft->u.o.base : ft;
          s->fields[i] = val_int (ft, arith_norm (fb, n, it->u.i.sign));
        }
    }
  if (check)
    check_constraints (v, t, s);
  vm_pop_roots (v, 1);
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

static val
eval_binop (vm *v, pk_frame *f, ast *n)
{
  val a = eval (v, f, n->a);
  vm_push_root (v, a);
  val b = eval (v, f, n->b);
  vm_pop_roots (v, 1);
  type *t = n->type;
  type *ta = a.t;

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
        raise_arith (v, e);
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
      switch (n->op)
        {
        case T_PLUS: op = AR_ADD; break;
        case T_MINUS: op = AR_SUB; break;
        case T_STAR: op = AR_MUL; break;
        case T_SLASH: op = AR_DIV; break;
        case T_CEILDIV: op = AR_CEILDIV; break;
        case T_PERCENT: op = AR_MOD; break;
        case T_AMP: op = AR_AND; break;
        case T_PIPE: op = AR_IOR; break;
        case T_CARET: op = AR_XOR; break;
        case T_LSHIFT: op = AR_SHL; break;
        case T_RSHIFT: op = AR_SHR; break;
        case T_POW: op = AR_POW; break;
        case T_EQ: op = AR_EQ; break;
        case T_NE: op = AR_NE; break;
        case T_LT: op = AR_LT; break;
        case T_GT: op = AR_GT; break;
        case T_LE: op = AR_LE; break;
        case T_GE: op = AR_GE; break;
        default:
          vm_raise_code (v, EC_INVAL, "invalid operator");
        }
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
        raise_arith (v, e);
      return val_int (t, r);
    }

  if (ta->kind == TY_STRING)
    {
      switch (n->op)
        {
        case T_PLUS:
          return str_concat (v, a, b);
        case T_STAR:
          {
            pk_string *s = val_str (a);
            int64_t k = b.t->u.i.sign ? b.v.i : (int64_t) b.v.u;
            if (k < 0)
              k = 0;
            strbuf sb;
            sb_init (&sb);
            for (int64_t i = 0; i < k; i++)
              sb_putn (&sb, s->data, s->len);
            val r = val_string (sb.data ? sb.data : "", sb.len);
            sb_free (&sb);
            return r;
          }
        case T_EQ: return val_int (t, str_cmp (a, b) == 0);
        case T_NE: return val_int (t, str_cmp (a, b) != 0);
        case T_LT: return val_int (t, str_cmp (a, b) < 0);
        case T_GT: return val_int (t, str_cmp (a, b) > 0);
        case T_LE: return val_int (t, str_cmp (a, b) <= 0);
        case T_GE: return val_int (t, str_cmp (a, b) >= 0);
        case K_IN:
          break;
        default:
          break;
        }
    }

  if (n->op == K_IN)
    {
      pk_array *arr = val_arr (b);
      for (size_t i = 0; i < arr->len; i++)
        if (val_equal (a, arr->elems[i]))
          return val_int (t, 1);
      return val_int (t, 0);
    }

  if (n->op == T_EQ || n->op == T_NE)
    {
      bool eq = type_equal (a.t, b.t) && val_equal (a, b);
      return val_int (t, n->op == T_EQ ? eq : !eq);
    }

  if (n->op == T_PLUS && ta->kind == TY_ARRAY)
    {
      vm_push_root (v, a);
      vm_push_root (v, b);
      pk_array *x = val_arr (a), *y = val_arr (b);
      pk_array *r = array_new (x->len + y->len);
      for (size_t i = 0; i < x->len; i++)
        array_push (r, x->elems[i]);
      for (size_t i = 0; i < y->len; i++)
        array_push (r, y->elems[i]);
      vm_pop_roots (v, 2);
      val rv;
      rv.t = type_array (ta->u.a.elem, NULL, false);
      rv.v.o = &r->h;
      return rv;
    }
  vm_raise_code (v, EC_INVAL, "invalid operands");
}

/* Calls.  */

static val
call_closure (vm *v, val fnv, int nargs, val *args, ast *callsite)
{
  pk_closure *clo = val_clo (fnv);
  if (clo->builtin == -1)
    {
      /* A mapped function value: it returns its type's default.  */
      build_ctx bc;
      memset (&bc, 0, sizeof bc);
      uint64_t size;
      return build_value (v, NULL, fnv.t->u.f.ret, &bc, &size);
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
      /* An array argument must fit its parameter's bound.  */
      if (fn->type->u.f.args[i]->kind == TY_ARRAY)
        check_array_bound (v, fr, fn->type->u.f.args[i], fr->slots[p->slot]);
    }
  if (variadic)
    {
      pk_array *rest = array_new (0);
      val rv;
      rv.t = fn->type->u.f.args[np - 1];
      rv.v.o = &rest->h;
      fr->slots[fn->kids[np - 1]->slot] = rv;
      if (on_roots >= 0)
        args = v->roots + on_roots;
      for (int i = nfixed; i < nargs; i++)
        array_push (rest, args[i]);
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
      vm_raise (v, make_exc (v, EC_NO_RETURN, msg, loc));
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

val
vm_call (vm *v, val fn, int nargs, val *args)
{
  return call_closure (v, fn, nargs, args, NULL);
}

/* Attributes.  */
enum
{
  ATTR_SIZE = 1, ATTR_SIGNED, ATTR_MAGNITUDE, ATTR_UNIT, ATTR_LENGTH,
  ATTR_MAPPED, ATTR_STRICT, ATTR_OFFSET, ATTR_IOS
};


static val
eval_attr (vm *v, pk_frame *f, ast *n)
{
  val x = eval (v, f, n->a);
  switch (n->op)
    {
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
          return val_int (n->type, m ? m->strict || !m->mapped : 1);
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

static val
eval_index (vm *v, pk_frame *f, ast *n)
{
  val c = eval (v, f, n->a);
  vm_push_root (v, c);
  val i = eval (v, f, n->b);
  vm_pop_roots (v, 1);
  if (c.t->kind == TY_STRING)
    {
      pk_string *s = val_str (c);
      if (i.v.u >= s->len)
        vm_raise_code (v, EC_OUT_OF_BOUNDS, NULL);
      return val_int (n->type, (unsigned char) s->data[i.v.u]);
    }
  vm_fresh (v, c);
  pk_array *a = val_arr (c);
  if (i.v.u >= a->len)
    vm_raise_code (v, EC_OUT_OF_BOUNDS, NULL);
  vm_fresh (v, a->elems[i.v.u]);
  vm_note_map_read (v, a->elems[i.v.u]);
  return a->elems[i.v.u];
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
  vm_pop_roots (v, 1);
  if (from >= len || to > len || from > to)
    vm_raise_code (v, EC_OUT_OF_BOUNDS, NULL);
  if (c.t->kind == TY_STRING)
    return val_string (val_str (c)->data + from, to - from);
  vm_push_root (v, c);
  pk_array *r = array_new (to - from);
  for (uint64_t k = from; k < to; k++)
    array_push (r, val_arr (c)->elems[k]);
  vm_pop_roots (v, 1);
  val rv;
  rv.t = n->type;
  rv.v.o = &r->h;
  return rv;
}

/* Building composite values: by construction (defaults, initializers,
   constructor arguments) or by mapping them from an IO space.  One
   walker serves both, since struct semantics (field order, conditions,
   constraints, labels, local declarations) are the same.  */



static bool
big_endian (vm *v, const build_ctx *bc)
{
  return bc->endian == 1 ? true : bc->endian == 2 ? false : v->big_endian;
}

_Noreturn void
vm_raise_ios (vm *v, int e)
{
  switch (e)
    {
    case IOS_EEOF:
      {
        /* Unlike E_eof itself, an end of file met by a map exits with
           status 1, and names the field being mapped.  */
        char msg[512] = "";
        if (v->map_ftype)
          snprintf (msg, sizeof msg, "while mapping field %s.%s",
                    v->map_ftype->name ? v->map_ftype->name : "struct",
                    v->map_fname ? v->map_fname : "");
        val x = make_exc (v, EC_EOF, msg[0] ? msg : NULL, NULL);
        if (x.t->kind == TY_STRUCT && val_sct (x)->nfields > 2)
          val_sct (x)->fields[2] = val_int (val_sct (x)->fields[2].t, 1);
        vm_raise (v, x);
      }
    case IOS_EPERM:
      vm_raise_code (v, EC_PERM, NULL);
    case IOS_EFLAGS:
      vm_raise_code (v, EC_IOFLAGS, NULL);
    case IOS_ENOIOS:
      vm_raise_code (v, EC_NO_IOS, NULL);
    default:
      vm_raise_code (v, EC_IO, NULL);
    }
}

/* The environment of a struct type: the frame it was declared in.  */
static pk_frame *
struct_env (vm *v, const type *t, pk_frame *f)
{
  int slot = t->u.s.env_slot;
  if (slot >= 0 && slot < v->globals->nslots
      && v->globals->slots[slot].t
      && v->globals->slots[slot].t->kind == TY_FUNCTION)
    return val_clo (v->globals->slots[slot])->env;
  return f;
}

static void
constraint_failed (vm *v, const type *t, const char *field)
{
  char msg[512];
  snprintf (msg, sizeof msg, "constraint expression failed for field %s.%s",
            t->name ? t->name : "struct", field ? field : "");
  /* GNU poke says nothing of a failing element of a mapped array.  */
  vm_raise_code (v, EC_CONSTRAINT, field && !v->map_elems ? msg : "");
}

/* Build one field (or union alternative) I of S into S->fields[I].
   Returns the field's size; *OFF gives where it went (maps).  */
static uint64_t
build_field (vm *v, type *t, pk_struct *s, ast *kid, build_ctx *bc,
             uint64_t cur, uint64_t base, uint64_t *off)
{
  int i = kid->slot;
  type *ft = t->u.s.fields[i].type;
  pk_frame *sf = &s->fr;
  uint64_t fsize = 0;
  val fv;
  if (bc->map)
    {
      uint64_t foff = cur;
      if (kid->aux)
        {
          val lab = eval (v, sf, kid->aux);
          foff = base + lab.v.u * lab.t->u.o.unit;
        }
      build_ctx sub = *bc;
      sub.off = foff;
      sub.cons = NULL;
      sub.init = NULL;
      if (kid->op)
        sub.endian = kid->op;
      bool outer = !v->map_ftype;
      if (outer)
        {
          v->map_ftype = t;
          v->map_fname = kid->name;
        }
      fv = build_value (v, sf, ft, &sub, &fsize);
      if (outer)
        v->map_ftype = NULL;
      *off = foff;
    }
  else
    {
      ast *given = NULL;
      if (bc->cons)
        for (int j = 0; j < bc->cons->nkids; j++)
          if (bc->cons->kids[j]->slot == i)
            given = bc->cons->kids[j]->a;
      build_ctx sub = *bc;
      sub.cons = NULL;
      sub.init = NULL;
      if (given)
        {
          fv = eval (v, bc->cons_frame, given);
          vm_push_root (v, fv);
          check_array_bound (v, sf, ft, fv);
          vm_pop_roots (v, 1);
        }
      else if (kid->c)
        fv = eval (v, sf, kid->c);
      else
        fv = build_value (v, sf, ft, &sub, &fsize);
      *off = cur;
      if (kid->aux)
        {
          vm_push_root (v, fv);
          val lab = eval (v, sf, kid->aux);
          vm_pop_roots (v, 1);
          *off = base + lab.v.u * lab.t->u.o.unit;
        }
    }
  s->fields[i] = fv;
  /* A union chooses its alternative by the constraints, even when the
     map is not strict.  */
  if ((bc->strict || t->u.s.is_union) && kid->b && !eval (v, sf, kid->b).v.u)
    constraint_failed (v, t, kid->name);
  if (!bc->map || fsize == 0)
    fsize = val_size_bits (fv);
  return fsize;
}

/* Run build_field, or build_value when KID is NULL, catching the
   exceptions CODE1 and CODE2: returns false if one was raised.  Kept
   apart so that setjmp does not constrain the callers' variables.  */
typedef struct try_args
{
  type *t;
  pk_struct *s;
  ast *kid;
  build_ctx *bc;
  uint64_t cur, base, off, size;
  pk_frame *f;
  val out;
} try_args;

static bool
try_build (vm *v, try_args *a, int code1, int code2)
{
  vm_handler h;
  vm_handler_enter (v, &h);
  if (setjmp (h.jb) == 0)
    {
      if (a->kid)
        a->size = build_field (v, a->t, a->s, a->kid, a->bc, a->cur, a->base,
                               &a->off);
      else
        a->out = build_value (v, a->f, a->t, a->bc, &a->size);
      v->handler = h.prev;
      return true;
    }
  vm_handler_caught (v, &h);
  int code = (int) vm_exc_code (v->exc);
  if (code != code1 && code != code2)
    vm_raise (v, v->exc);
  return false;
}

/* Record in M where a value decoded by BC at OFF, SIZE bits long, lives
   and how to decode it again.  */
static void
set_map (pk_map *m, const build_ctx *bc, uint64_t off, uint64_t size,
         pk_frame *env)
{
  m->mapped = true;
  m->strict = bc->strict;
  m->endian = (int8_t) bc->endian;
  m->ios = bc->ios_id;
  m->offset = off - (uint64_t) bc->bias;
  m->bits = size;
  m->gen = bc->gen;
  m->env = env;
}

static _Noreturn void
no_alternative (vm *v, const type *t)
{
  char msg[512];
  if (t->name)
    snprintf (msg, sizeof msg, "no valid alternative found for union %s",
              t->name);
  else
    snprintf (msg, sizeof msg, "no valid alternative in union");
  vm_raise_code (v, EC_CONSTRAINT, msg);
}

static val
build_struct (vm *v, pk_frame *f, type *t, build_ctx *bc, uint64_t *size)
{
  ast *decl = t->u.s.decl;
  type *offset_bits = v->offset_bits;
  pk_struct *s;
  if (bc->into)
    {
      /* Decoding a mapped struct again: in place, so that whoever holds
         it sees the new contents.  */
      s = (pk_struct *) bc->into;
      bc->into = NULL;
      for (int i = 0; i < s->fr.nslots; i++)
        s->fr.slots[i] = val_void ();
    }
  else
    s = struct_new_mapped (struct_env (v, t, f), t->u.s.nfields,
                           t->u.s.nslots, bc->map);
  val sv;
  sv.t = t;
  sv.v.o = &s->fr.h;
  vm_push_root (v, sv);
  if ((bc->map || t->u.s.has_labels) && !s->offs)
    s->offs = xcalloc ((size_t) t->u.s.nfields + 1, sizeof (uint64_t));
  uint64_t base = bc->off, cur = base, end = base;
  bool chosen = false;
  int chosen_field = -1;
  for (int k = 0; k < decl->nkids; k++)
    {
      ast *kid = decl->kids[k];
      s->fr.slots[t->u.s.offset_slot] = val_int (offset_bits, cur - base);
      if (kid->kind != TN_FIELD)
        {
          exec (v, &s->fr, kid);
          continue;
        }
      int i = kid->slot;
      s->fields[i].t = NULL;            /* Absent until built.  */
      if (t->u.s.is_union && chosen)
        continue;
      /* A union constructor tries only the alternative it is given.  */
      if (t->u.s.is_union && bc->cons && bc->cons->nkids
          && bc->cons->kids[0]->slot != i)
        continue;
      if (kid->d && !eval (v, &s->fr, kid->d).v.u)
        continue;
      uint64_t off, fsize;
      if (t->u.s.is_union)
        {
          /* The first alternative that builds without a constraint
             failure is the union's value.  */
          try_args a = { t, s, kid, bc, cur, base, 0, 0, f, val_void () };
          /* An alternative fails by its constraint or by running out of
             data.  One that failed by its constraint keeps its value for
             the next ones' constraints, until the union is built.  */
          if (!try_build (v, &a, EC_CONSTRAINT, EC_EOF))
            continue;
          fsize = a.size;
          off = a.off;
          chosen = true;
          chosen_field = i;
        }
      else
        fsize = build_field (v, t, s, kid, bc, cur, base, &off);
      if (s->offs)
        s->offs[i] = bc->map ? off - (uint64_t) bc->bias : off - base;
      if (t->u.s.pinned || t->u.s.is_union)
        {
          if (off + fsize > end)
            end = off + fsize;
          continue;
        }
      cur = off + fsize;
      if (cur > end)
        end = cur;
    }
  if (t->u.s.is_union && !chosen && t->u.s.nfields > 0)
    no_alternative (v, t);
  if (t->u.s.is_union)
    for (int i = 0; i < t->u.s.nfields; i++)
      if (i != chosen_field)
        s->fields[i].t = NULL;
  if (bc->map)
    set_map (&s->map, bc, base, end - base, f);
  *size = end - base;
  vm_pop_roots (v, 1);
  return sv;
}

/* Elements of a mapped array: until COUNT of them, or SIZE bits, or
   (unbounded) the end of the space or the first constraint failure.  */
static val
build_array (vm *v, pk_frame *f, type *t, build_ctx *bc, uint64_t *size)
{
  type *et = t->u.a.elem;
  bool bounded = t->u.a.bound != NULL;
  bool by_size = t->u.a.bound_is_size;
  uint64_t count = 0, bits = 0;
  pk_array *into = (pk_array *) bc->into;
  bc->into = NULL;
  if (into && bounded)
    {
      /* Decoding a mapped array again: the bound was evaluated when it
         was mapped.  */
      count = into->len;
      bits = into->map.bits;
    }
  else if (bounded)
    {
      val b = eval (v, f, t->u.a.bound);
      const type *bt = b.t->kind == TY_OFFSET ? b.t->u.o.base : b.t;
      if (bt->u.i.sign && b.v.i < 0)
        vm_raise_code (v, EC_OUT_OF_BOUNDS, NULL);
      if (b.t->kind == TY_OFFSET)
        bits = b.v.u * b.t->u.o.unit;
      else
        count = b.v.u;
      /* Constructing is bounded by memory; refuse what cannot fit
         rather than exhaust it.  */
      if (!bc->map && (count > ((uint64_t) 1 << 28)
                       || bits > ((uint64_t) 1 << 34)))
        vm_raise_code (v, EC_OUT_OF_BOUNDS, NULL);
    }
  /* GNU poke makes a default element before it uses the initializer:
     its constraints must hold.  */
  if (!bc->map && bc->init && et->kind == TY_STRUCT && (count || bits))
    {
      build_ctx sub = *bc;
      sub.init = NULL;
      uint64_t esize;
      build_value (v, f, et, &sub, &esize);
    }
  /* A constructed array of known length gets its elements' room at
     once (mapped ones may be cut short by the end of the IO space).  */
  pk_array *a = array_new (!bc->map && bounded && !by_size
                           ? (size_t) (count < (1u << 20) ? count : 1u << 20)
                           : 0);
  val av;
  av.t = t;
  av.v.o = &a->h;
  vm_push_root (v, av);
  uint64_t cur = bc->off;
  for (uint64_t n = 0;; n++)
    {
      if (bounded && !by_size && n >= count)
        break;
      if (bounded && by_size && cur - bc->off >= bits)
        break;
      build_ctx sub = *bc;
      sub.off = cur;
      sub.cons = NULL;
      uint64_t esize = 0;
      val e;
      if (!bc->map)
        {
          if (!bounded)
            break;
          if (bc->init)
            e = *bc->init;
          else
            e = build_value (v, f, et, &sub, &esize);
          if (by_size && esize == 0)
            esize = val_size_bits (e);
          if (by_size && esize == 0)
            break;
        }
      else if (bounded)
        {
          v->map_elems++;
          e = build_value (v, f, et, &sub, &esize);
          v->map_elems--;
        }
      else
        {
          /* Unbounded: stop quietly at the end or a failing element.  */
          try_args ta = { et, NULL, NULL, &sub, 0, 0, 0, 0, f, val_void () };
          if (!try_build (v, &ta, EC_EOF, EC_CONSTRAINT))
            break;
          e = ta.out;
          esize = ta.size;
        }
      array_push (a, e);
      cur += esize;
    }
  if (by_size && bounded && cur - bc->off != bits)
    vm_raise_code (v, bc->map ? EC_MAP_BOUNDS : EC_MAP_BOUNDS, NULL);
  if (bc->map)
    set_map (&a->map, bc, bc->off, cur - bc->off, f);
  *size = cur - bc->off;
  if (into)
    {
      array_take (into, a);
      into->map = a->map;
      av.v.o = &into->h;
    }
  vm_pop_roots (v, 1);
  return av;
}

/* An integral struct is mapped as its integer, in the byte order in
   force, and then split into its fields.  */
static val
map_integral (vm *v, pk_frame *f, type *t, build_ctx *bc, uint64_t *size)
{
  int n = t->u.s.itype->u.i.size;
  uint64_t raw;
  ios_err e = ios_read_int (bc->io, bc->off, n, big_endian (v, bc), &raw);
  if (e != IOS_OK)
    vm_raise_ios (v, e);
  gcobj *into = bc->into;
  bc->into = NULL;
  val sv = int_to_struct_into (v, t, raw, into, bc->strict);
  pk_struct *s = val_sct (sv);
  set_map (&s->map, bc, bc->off, (uint64_t) n, f);
  *size = (uint64_t) n;
  return sv;
}

static val
build_value (vm *v, pk_frame *f, type *t, build_ctx *bc, uint64_t *size)
{
  switch (t->kind)
    {
    case TY_INT:
    case TY_OFFSET:
      {
        const type *it = t->kind == TY_INT ? t : t->u.o.base;
        int bits = it->u.i.size;
        *size = (uint64_t) bits;
        if (!bc->map)
          return val_int (t, 0);
        uint64_t raw;
        ios_err e = ios_read_int (bc->io, bc->off, bits, big_endian (v, bc),
                                  &raw);
        if (e != IOS_OK)
          vm_raise_ios (v, e);
        return val_int (t, arith_norm (raw, bits, it->u.i.sign));
      }
    case TY_STRING:
      {
        if (!bc->map)
          {
            *size = 8;
            return val_string ("", 0);
          }
        strbuf sb;
        sb_init (&sb);
        uint64_t at = bc->off;
        for (bool done = false; !done;)
          {
            /* Bytes a chunk at a time; one at a time near the end.  */
            unsigned char buf[64];
            size_t n = sizeof buf;
            ios_err e = IOS_EEOF;
            if (at % 8 == 0)
              e = ios_read_bytes (bc->io, at / 8, buf, n);
            if (e != IOS_OK)
              {
                uint64_t ch;
                n = 1;
                e = ios_read_int (bc->io, at, 8, true, &ch);
                buf[0] = (unsigned char) ch;
              }
            if (e != IOS_OK)
              {
                sb_free (&sb);
                vm_raise_ios (v, e);
              }
            size_t len = 0;
            while (len < n && buf[len])
              len++;
            sb_putn (&sb, (const char *) buf, len);
            done = len < n;
            at += n * 8;
          }
        *size = (sb.len + 1) * 8;
        val r = val_string (sb.data ? sb.data : "", sb.len);
        sb_free (&sb);
        return r;
      }
    case TY_ARRAY:
      return build_array (v, f, t, bc, size);
    case TY_STRUCT:
      if (bc->map && t->u.s.itype)
        return map_integral (v, f, t, bc, size);
      return build_struct (v, f, t, bc, size);
    case TY_FUNCTION:
      {
        pk_closure *c = closure_new (NULL, NULL);
        c->builtin = -1;
        val r;
        r.t = t;
        r.v.o = &c->h;
        *size = 0;
        return r;
      }
    default:
      *size = 0;
      return val_void ();
    }
}

static val
eval_structcons (vm *v, pk_frame *f, ast *n)
{
  build_ctx bc;
  memset (&bc, 0, sizeof bc);
  bc.strict = true;
  bc.cons = n;
  bc.cons_frame = f;
  uint64_t size;
  return build_struct (v, f, n->type, &bc, &size);
}

/* T @ [IOS :] OFFSET.  */
static val
eval_map (vm *v, pk_frame *f, ast *n)
{
  build_ctx bc;
  memset (&bc, 0, sizeof bc);
  bc.map = true;
  bc.strict = !n->flag;
  val off = eval (v, f, n->b);
  if (n->c)
    {
      vm_push_root (v, off);
      val id = eval (v, f, n->c);
      vm_pop_roots (v, 1);
      bc.io = ios_get ((int) id.v.i);
      if (!bc.io)
        vm_raise_code (v, EC_NO_IOS, NULL);
    }
  else
    {
      bc.io = ios_cur ();
      if (!bc.io)
        vm_raise_code (v, EC_NO_IOS, NULL);
    }
  bc.bias = ios_bias (bc.io);
  bc.off = off.v.u * off.t->u.o.unit + (uint64_t) bc.bias;
  type *t = n->type;
  if (t->kind == TY_INT || t->kind == TY_OFFSET)
    {
      /* A scalar: no decoding state to keep.  */
      const type *it = t->kind == TY_INT ? t : t->u.o.base;
      uint64_t raw;
      ios_err e = ios_read_int (bc.io, bc.off, it->u.i.size, v->big_endian,
                                &raw);
      if (e != IOS_OK)
        vm_raise_ios (v, e);
      return val_int (t, arith_norm (raw, it->u.i.size, it->u.i.sign));
    }
  bc.ios_id = ios_id (bc.io);
  bc.gen = vm_map_gen (v);
  uint64_t size;
  v->mapping++;
  val r = build_value (v, f, n->type, &bc, &size);
  v->mapping--;
  return r;
}

/* Decode the mapped value X again, in place (see vm_fresh).  */
static void
remap (vm *v, val x)
{
  pk_map *m = val_map (x);
  ios *io = ios_get (m->ios);
  if (!io)
    vm_raise_code (v, EC_NO_IOS, NULL);
  build_ctx bc;
  memset (&bc, 0, sizeof bc);
  bc.map = true;
  bc.strict = m->strict;
  bc.io = io;
  bc.ios_id = m->ios;
  bc.bias = ios_bias (io);
  bc.off = m->offset + (uint64_t) bc.bias;
  bc.endian = m->endian;
  bc.gen = vm_map_gen (v);
  bc.into = x.v.o;
  /* Until it decodes whole, it stays out of date.  */
  m->gen = 0;
  vm_push_root (v, x);
  v->mapping++;
  uint64_t size;
  build_value (v, m->env, x.t, &bc, &size);
  v->mapping--;
  vm_pop_roots (v, 1);
}

/* Writing values to IO: the encoder, the inverse of build_value.  */
static void
write_value (vm *v, ios *io, uint64_t off, val x, int endian)
{
  build_ctx bc;
  memset (&bc, 0, sizeof bc);
  bc.endian = endian;
  switch (x.t->kind)
    {
    case TY_INT:
    case TY_OFFSET:
      {
        const type *it = x.t->kind == TY_INT ? x.t : x.t->u.o.base;
        ios_err e = ios_write_int (io, off, it->u.i.size,
                                   big_endian (v, &bc), x.v.u);
        if (e != IOS_OK)
          vm_raise_ios (v, e);
        return;
      }
    case TY_STRING:
      {
        const pk_string *str = val_str (x);
        ios_err e = IOS_OK;
        if (off % 8 == 0)
          e = ios_write_bytes (io, off / 8, str->data, str->len + 1);
        else
          for (size_t i = 0; i <= str->len && e == IOS_OK; i++)
            e = ios_write_int (io, off + i * 8, 8, true,
                               (unsigned char) str->data[i]);
        if (e != IOS_OK)
          vm_raise_ios (v, e);
        return;
      }
    case TY_ARRAY:
      {
        pk_array *a = val_arr (x);
        for (size_t i = 0; i < a->len; i++)
          {
            write_value (v, io, off, a->elems[i], endian);
            off += val_size_bits (a->elems[i]);
          }
        return;
      }
    case TY_STRUCT:
      {
        pk_struct *s = val_sct (x);
        const type *t = x.t;
        uint64_t cur = off;
        if (t->u.s.itype)
          {
            ios_err e = ios_write_int (io, off, t->u.s.itype->u.i.size,
                                       big_endian (v, &bc), struct_to_int (x));
            if (e != IOS_OK)
              vm_raise_ios (v, e);
            return;
          }
        for (int i = 0; i < s->nfields; i++)
          {
            if (!s->fields[i].t)
              continue;
            uint64_t fo = s->offs ? off + (s->offs[i] - s->map.offset) : cur;
            write_value (v, io, fo, s->fields[i], endian);
            cur = fo + val_size_bits (s->fields[i]);
            (void) t;
          }
        return;
      }
    default:
      return;
    }
}

/* The bit offset of element I of the mapped array C, without bias.  */
static uint64_t
elem_offset (val c, uint64_t i)
{
  const pk_array *a = val_arr (c);
  const pk_map *m = val_map (a->elems[i]);
  if (m && m->mapped)
    return m->offset;
  const type *et = c.t->u.a.elem;
  if (type_complete (et))
    return a->map.offset + i * type_size (et);
  uint64_t off = a->map.offset;
  for (uint64_t k = 0; k < i; k++)
    off += val_size_bits (a->elems[k]);
  return off;
}

/* Write X, a new part of the mapped value M at bit offset OFF (without
   bias), to M's IO space.  M, updated in place by the caller, stays up
   to date if it was, unless X is itself composite: then it decodes
   again, to map X's parts.  */
static void
write_through (vm *v, pk_map *m, uint64_t off, int endian, val x)
{
  ios *io = ios_get (m->ios);
  if (!io)
    vm_raise_code (v, EC_NO_IOS, NULL);
  write_value (v, io, off + (uint64_t) ios_bias (io), x, endian);
}

/* The mapped values an assignment went through, outermost first, so
   that a write through them can keep them current (see keep_current).
   N is -1 when there were too many to keep.  */
typedef struct place
{
  val objs[8];
  int n;
} place;

/* Note X in P; it stays rooted until the assignment resets the root
   stack.  */
static void
place_add (vm *v, place *p, val x)
{
  const pk_map *m = val_map (x);
  if (!m || !m->mapped || p->n < 0)
    return;
  if (p->n == (int) countof (p->objs))
    p->n = -1;
  else
    {
      p->objs[p->n++] = x;
      vm_push_root (v, x);
    }
}

/* Evaluate the container E of an assignment, noting in P the mapped
   values on the way.  */
static val
eval_place (vm *v, pk_frame *f, ast *e, place *p)
{
  val x;
  switch (e->kind)
    {
    case A_MEMBER:
      {
        val s = eval_place (v, f, e->a, p);
        vm_fresh (v, s);
        x = val_sct (s)->fr.slots[e->slot];
        if (!x.t)
          vm_raise_code (v, EC_ELEM, NULL);
        vm_fresh (v, x);
        break;
      }
    case A_INDEX:
      {
        val c = eval_place (v, f, e->a, p);
        if (c.t->kind != TY_ARRAY)
          return eval (v, f, e);
        vm_push_root (v, c);
        uint64_t i = eval (v, f, e->b).v.u;
        vm_pop_roots (v, 1);
        vm_fresh (v, c);
        if (i >= val_arr (c)->len)
          vm_raise_code (v, EC_OUT_OF_BOUNDS, NULL);
        x = val_arr (c)->elems[i];
        vm_fresh (v, x);
        break;
      }
    default:
      x = eval (v, f, e);
    }
  place_add (v, p, x);
  return x;
}

/* Whether writing a part of a value of type T in place leaves the value
   what decoding it again would give: not when the parts overlap or
   where they are, or how many, depends on what they hold.  */
static bool
updates_in_place (const type *t)
{
  if (t->kind == TY_ARRAY)
    return type_complete (t->u.a.elem);
  if (t->u.s.itype)
    return true;
  if (t->u.s.pinned || t->u.s.is_union || !type_complete (t))
    return false;
  const ast *decl = t->u.s.decl;
  for (int k = 0; k < decl->nkids; k++)
    if (decl->kids[k]->kind == TN_FIELD
        && (decl->kids[k]->aux || decl->kids[k]->d))
      return false;
  return true;
}

/* After an assignment of X through the values of P, current at
   generation G0 before it wrote, keep current the ones that it updated
   in place, from the innermost out.  */
static void
keep_current (vm *v, const place *p, uint64_t g0, val x)
{
  if (val_map (x))
    return;                     /* X's parts are to be mapped.  */
  uint64_t g1 = vm_map_gen (v);
  for (int k = p->n - 1; k >= 0; k--)
    {
      pk_map *m = val_map (p->objs[k]);
      if (m->gen != g0 || !updates_in_place (p->objs[k].t))
        return;
      m->gen = g1;
    }
}

/* unmap X: a copy of X that is not mapped, nor are its parts.  */
static val
unmap_value (vm *v, val x)
{
  val r = x;
  if (!val_map (x))
    return x;
  vm_fresh (v, x);
  vm_push_root (v, x);
  if (x.t->kind == TY_ARRAY)
    {
      const pk_array *a = val_arr (x);
      pk_array *c = array_new (a->len);
      r.v.o = &c->h;
      vm_push_root (v, r);
      for (size_t i = 0; i < a->len; i++)
        array_push (c, unmap_value (v, a->elems[i]));
    }
  else
    {
      const pk_struct *s = val_sct (x);
      pk_struct *c = struct_new_frame (s->fr.parent, s->nfields,
                                       s->fr.nslots);
      r.v.o = &c->fr.h;
      vm_push_root (v, r);
      for (int i = 0; i < s->fr.nslots; i++)
        {
          val e = s->fr.slots[i];
          if (i < s->nfields)
            e = unmap_value (v, e);
          else if (e.t && e.t->kind == TY_FUNCTION
                   && val_clo (e)->env == &s->fr)
            {
              /* Methods and local functions see the copy.  */
              pk_closure *m = closure_new (val_clo (e)->fn, &c->fr);
              m->builtin = val_clo (e)->builtin;
              e.v.o = &m->h;
            }
          c->fr.slots[i] = e;
        }
    }
  vm_pop_roots (v, 2);
  return r;
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
      val x = eval (v, f, el->b);
      if (el->a)
        {
          uint64_t idx = eval (v, f, el->a).v.u;
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
      if (types)
        type_print (&sb, fs[i].type);
      else
        sb_puts (&sb, fs[i].name ? fs[i].name : "");
      array_push (a, val_string (sb.data ? sb.data : "", sb.len));
      sb_free (&sb);
    }
  vm_pop_roots (v, 1);
  return r;
}

static val
eval_typeof (vm *v, ast *n)
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
  const type *it = t->kind == TY_OFFSET ? t->u.o.base
                   : t->kind == TY_STRUCT ? t->u.s.itype : t;
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
      else if (strcmp (fn, "signed_p") == 0 && (code == 1 || code == 2
                                                || code == 5))
        x = val_int (ft, it && it->u.i.sign);
      else if (strcmp (fn, "size") == 0 && (code == 1 || code == 2
                                            || code == 5))
        x = val_int (ft, it ? (uint64_t) it->u.i.size : 0);
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
      else if (strcmp (fn, "fnames") == 0 || strcmp (fn, "ftypes") == 0)
        x = string_array (v, ft, t->u.s.nfields, t->u.s.fields,
                          fn[1] == 't');
      else if (strcmp (fn, "mnames") == 0 || strcmp (fn, "mtypes") == 0)
        x = string_array (v, ft, t->u.s.nmethods, t->u.s.methods,
                          fn[1] == 't');
      s->fields[i] = x;
    }
  vm_pop_roots (v, 1);
  return sv;
}

/* Format (or printf, which writes the text rather than make a string:
   it may be large) N into SB.  */
static void
format_into (vm *v, pk_frame *f, ast *n, strbuf *sb)
{
  int base = v->nroots;
  for (int i = 0; i < n->nkids; i++)
    vm_push_root (v, eval (v, f, n->kids[i]));
  sb_init (sb);
  if (!fmt_run (sb, n->aux, v->roots + base, &v->popts))
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
  format_into (v, f, n, &sb);
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
          x = vm_frame_at (v, f, n->depth)->slots[n->slot];
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
          check_array_bound (v, f, n->type, x);
        return convert (v, x, n->type, n);
      }
    case A_ISA:
      {
        val a = eval (v, f, n->a);
        type *t = n->b->type;
        return val_int (n->type, t->kind == TY_ANY || type_equal (a.t, t));
      }
    case A_SIZEOF:
      return n->lit;
    case A_TYPEOF:
      return eval_typeof (v, n);
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
        vm_fresh (v, s);
        val x = val_sct (s)->fr.slots[n->slot];
        if (!x.t)
          vm_raise_code (v, EC_ELEM, NULL);     /* An absent field.  */
        vm_fresh (v, x);
        vm_note_map_read (v, x);
        return x;
      }
    case A_SELF:
      {
        val x;
        x.t = n->type;
        x.v.o = &vm_frame_at (v, f, n->depth)->h;
        vm_fresh (v, x);
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
      return unmap_value (v, eval (v, f, n->a));
    case A_STRUCTCONS:
      return eval_structcons (v, f, n);
    case A_ARRCONS:
      {
        build_ctx bc;
        memset (&bc, 0, sizeof bc);
        bc.strict = true;
        val init;
        if (n->nkids)
          {
            init = eval (v, f, n->kids[0]);
            vm_push_root (v, init);
            bc.init = &init;
          }
        uint64_t size;
        val r = build_array (v, f, n->type, &bc, &size);
        if (n->nkids)
          vm_pop_roots (v, 1);
        return r;
      }
    case A_MAP:
      return eval_map (v, f, n);
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
        val x = eval (v, f, n->a);
        const type *t = x.t->kind == TY_OFFSET ? x.t->u.o.base : x.t;
        uint64_t r;
        arith_err e = arith_binop (n->op == T_INC ? AR_ADD : AR_SUB, x.v.u,
                                   arith_norm (1, t->u.i.size, t->u.i.sign),
                                   t->u.i.size, t->u.i.sign, t->u.i.size,
                                   t->u.i.sign, &r);
        if (e != ARITH_OK)
          raise_arith (v, e);
        val nv = val_int (x.t, r);
        assign (v, f, n->a, nv);
        return n->flag ? nv : x;
      }
    case A_EXCCOND:
      return eval_exccond (v, f, n);
    default:
      vm_raise_code (v, EC_INVAL, "cannot evaluate this expression");
    }
}

/* Assignment.  */

void
vm_array_set (vm *v, val c, uint64_t i, val x)
{
  pk_array *a = val_arr (c);
  if (i >= a->len)
    vm_raise_code (v, EC_OUT_OF_BOUNDS, NULL);
  if (a->map.mapped)
    write_through (v, &a->map, elem_offset (c, i), a->map.endian, x);
  vm_obj_written (v, &a->h);
  a->elems[i] = x;
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
      {
        place p = { .n = 0 };
        int base = v->nroots;
        vm_push_root (v, x);
        val c = eval_place (v, f, lv->a, &p);
        vm_push_root (v, c);
        uint64_t i = eval (v, f, lv->b).v.u;
        uint64_t g0 = vm_map_gen (v);
        vm_array_set (v, c, i, x);
        keep_current (v, &p, g0, x);
        v->nroots = base;
        return;
      }
    case A_MEMBER:
      {
        place p = { .n = 0 };
        int base = v->nroots;
        vm_push_root (v, x);
        val sv = eval_place (v, f, lv->a, &p);
        uint64_t g0 = vm_map_gen (v);
        pk_struct *s = val_sct (sv);
        int i = lv->slot;
        if (!s->fields[i].t)
          vm_raise_code (v, EC_ELEM, NULL);
        vm_push_root (v, sv);
        vm_push_root (v, x);
        /* A bounded array value (or one for a field bounded by size)
           is converted to the field's type first; another one is
           stored, and fails below, as in GNU poke.  */
        type *ft = sv.t->u.s.fields[i].type;
        if (x.t->kind == TY_ARRAY && ft->kind == TY_ARRAY
            && (x.t->u.a.bound_const || x.t->u.a.bound
                || ft->u.a.bound_is_size))
          check_array_bound (v, &s->fr, ft, x);
        val old = s->fields[i];
        vm_obj_written (v, &s->fr.h);
        s->fields[i] = x;
        /* The struct is checked again, field by field, as GNU poke
           does: an array that no longer fits its bound raises E_conv
           (the new value stays), a constraint that fails raises
           E_constraint (the old value is back; for a union, no
           alternative is valid).  */
        ast *decl = sv.t->u.s.decl, *fkid = NULL;
        bool strict = !s->map.mapped || s->map.strict;
        for (int k = 0; decl && k < decl->nkids; k++)
          {
            ast *kid = decl->kids[k];
            if (kid->kind != TN_FIELD || !s->fields[kid->slot].t)
              continue;
            if (kid->slot == i)
              fkid = kid;
            check_array_bound (v, &s->fr, sv.t->u.s.fields[kid->slot].type,
                               s->fields[kid->slot]);
            if (kid->b && strict && !eval (v, &s->fr, kid->b).v.u)
              {
                s->fields[i] = old;
                if (sv.t->u.s.is_union)
                  no_alternative (v, sv.t);
                constraint_failed (v, sv.t, kid->name);
              }
          }
        if (s->map.mapped && sv.t->u.s.itype)
          write_through (v, &s->map, s->map.offset, s->map.endian, sv);
        else if (s->map.mapped && s->offs)
          write_through (v, &s->map, s->offs[i],
                         fkid && fkid->op ? fkid->op : s->map.endian, x);
        keep_current (v, &p, g0, x);
        v->nroots = base;
        return;
      }
    case A_MAP:
      {
        vm_push_root (v, x);
        /* The value must fit the mapped type: E_conv otherwise.  */
        if (x.t->kind == TY_ARRAY && lv->type && lv->type->kind == TY_ARRAY)
          check_array_bound (v, f, lv->type, x);
        val off = eval (v, f, lv->b);
        ios *io;
        if (lv->c)
          io = ios_get ((int) eval (v, f, lv->c).v.i);
        else
          io = ios_cur ();
        vm_pop_roots (v, 1);
        if (!io)
          vm_raise_code (v, EC_NO_IOS, NULL);
        write_value (v, io, off.v.u * off.t->u.o.unit
                     + (uint64_t) ios_bias (io), x, 0);
        return;
      }
    default:
      vm_raise_code (v, EC_INVAL, "invalid l-value");
    }
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
      assign (v, f, n->a, eval (v, f, n->b));
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
              x = val_arr (c)->elems[i];
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
        const char *msg = n->b ? val_str (eval (v, f, n->b))->data : "";
        char loc[512];
        snprintf (loc, sizeof loc, "%s:%d:%d:", n->src->filename,
                  n->loc.line, n->loc.col);
        vm_raise (v, make_exc (v, EC_ASSERT, msg, loc));
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
        format_into (v, f, n, &sb);
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
vm_assign (vm *v, pk_frame *f, ast *lv, val x)
{
  assign (v, f, lv, x);
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
