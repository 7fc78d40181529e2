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

typedef enum status
{
  ST_NORMAL, ST_BREAK, ST_CONTINUE, ST_RETURN
} status;

#define MAX_CALL_DEPTH 10000

static vm *the_vm;              /* For the collector's root callback.  */

static val eval (vm *v, pk_frame *f, ast *n);
static status exec (vm *v, pk_frame *f, ast *n);

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

vm *
vm_new (compiler *comp)
{
  vm *v = xcalloc (1, sizeof *v);
  v->comp = comp;
  v->globals = frame_new (NULL, 64);
  v->exc = val_void ();
  v->retval = val_void ();
  v->out = stdout;
  print_opts_default (&v->popts);
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
  "E_constraint", "E_io", "E_signal", "E_iogen", "E_inval", "E_exit",
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
  e.v.o = &s->h;
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

/* Variables.  */

static inline pk_frame *
frame_at (vm *v, pk_frame *f, int depth)
{
  if (depth < 0)
    return v->globals;
  while (depth-- > 0)
    f = f->parent;
  return f;
}

/* Conversions (the checker's A_CAST nodes and `as`).  */

static val
convert (vm *v, val x, type *to, ast *where)
{
  type *from = x.t;
  switch (to->kind)
    {
    case TY_INT:
      if (from->kind == TY_INT)
        return val_int (to, arith_norm (x.v.u, to->u.i.size, to->u.i.sign));
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
  if (clo->builtin)
    return builtin_get (clo->builtin) (v, nargs, args);
  ast *fn = clo->fn;
  if (++v->depth > MAX_CALL_DEPTH)
    {
      v->depth = 0;
      vm_raise_code (v, EC_GENERIC, "maximum call depth exceeded");
    }
  vm_push_root (v, fnv);
  pk_frame *fr = frame_new (clo->env, fn->nslots);
  val frv;
  frv.t = type_void;
  frv.v.o = &fr->h;
  /* Frames are not values, but the root stack only needs the pointer.  */
  vm_pop_roots (v, 1);
  int base = v->nroots;
  vm_push_root (v, fnv);
  v->roots[v->nroots - 1].t = fnv.t;
  /* Keep the frame reachable through a dummy closure-typed root.  */
  pk_closure *holder = closure_new (fn, fr);
  val hv;
  hv.t = fnv.t;
  hv.v.o = &holder->h;
  vm_push_root (v, hv);

  int np = fn->nkids;
  bool variadic = np > 0 && fn->kids[np - 1]->flag;
  int nfixed = variadic ? np - 1 : np;
  for (int i = 0; i < nfixed; i++)
    {
      ast *p = fn->kids[i];
      if (i < nargs && args[i].t)
        fr->slots[p->slot] = args[i];
      else
        fr->slots[p->slot] = eval (v, fr, p->b);
    }
  if (variadic)
    {
      pk_array *rest = array_new (0);
      val rv;
      rv.t = fn->type->u.f.args[np - 1];
      rv.v.o = &rest->h;
      fr->slots[fn->kids[np - 1]->slot] = rv;
      for (int i = nfixed; i < nargs; i++)
        array_push (rest, args[i]);
    }
  (void) frv;
  (void) callsite;
  status st = exec (v, fr, fn->a);
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
  ATTR_MAPPED, ATTR_STRICT
};

static uint64_t
val_size_bits (val x)
{
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
          s += val_size_bits (a->elems[i]);
        return s;
      }
    case TY_STRUCT:
      {
        uint64_t s = 0;
        pk_struct *st = val_sct (x);
        for (int i = 0; i < st->nfields; i++)
          {
            uint64_t fs = val_size_bits (st->fields[i]);
            if (x.t->u.s.is_union)
              s = fs > s ? fs : s;
            else
              s += fs;
          }
        return s;
      }
    default:
      return 0;
    }
}

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
          return val_int (n->type, (uint64_t) val_sct (x)->nfields);
        default:
          return val_int (n->type, 1);
        }
    case ATTR_MAPPED:
    case ATTR_STRICT:
      return val_int (n->type, 0);
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
  pk_array *a = val_arr (c);
  if (i.v.u >= a->len)
    vm_raise_code (v, EC_OUT_OF_BOUNDS, NULL);
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

/* Default values of types, for struct fields not given in a
   constructor.  */
static val
default_value (vm *v, type *t)
{
  switch (t->kind)
    {
    case TY_INT:
    case TY_OFFSET:
      return val_int (t, 0);
    case TY_STRING:
      return val_string ("", 0);
    case TY_ARRAY:
      {
        pk_array *a = array_new (0);
        val r;
        r.t = t;
        r.v.o = &a->h;
        if (t->u.a.bound_const && !t->u.a.bound_is_size)
          {
            vm_push_root (v, r);
            for (uint64_t i = 0; i < t->u.a.nelem; i++)
              array_push (a, default_value (v, t->u.a.elem));
            vm_pop_roots (v, 1);
          }
        return r;
      }
    case TY_STRUCT:
      {
        pk_struct *s = struct_new (t->u.s.nfields);
        val r;
        r.t = t;
        r.v.o = &s->h;
        vm_push_root (v, r);
        for (int i = 0; i < t->u.s.nfields; i++)
          s->fields[i] = val_void ();
        for (int i = 0; i < t->u.s.nfields; i++)
          s->fields[i] = default_value (v, t->u.s.fields[i].type);
        vm_pop_roots (v, 1);
        return r;
      }
    default:
      return val_void ();
    }
}

static val
eval_structcons (vm *v, pk_frame *f, ast *n)
{
  type *t = n->type;
  val r = default_value (v, t);
  vm_push_root (v, r);
  pk_struct *s = val_sct (r);
  /* Field initializers declared in the type.  */
  ast *decl = t->u.s.decl;
  if (decl)
    {
      int k = 0;
      for (int i = 0; i < decl->nkids; i++)
        if (decl->kids[i]->kind == TN_FIELD)
          {
            if (decl->kids[i]->c)
              s->fields[k] = eval (v, f, decl->kids[i]->c);
            k++;
          }
    }
  for (int i = 0; i < n->nkids; i++)
    s->fields[n->kids[i]->slot] = eval (v, f, n->kids[i]->a);
  vm_pop_roots (v, 1);
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

static val
eval_format (vm *v, pk_frame *f, ast *n)
{
  int base = v->nroots;
  for (int i = 0; i < n->nkids; i++)
    vm_push_root (v, eval (v, f, n->kids[i]));
  strbuf sb;
  sb_init (&sb);
  fmt_run (&sb, n->aux, v->roots + base, &v->popts);
  v->nroots = base;
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
  h.prev = v->handler;
  h.nroots = v->nroots;
  int depth = v->depth;
  pk_frame *volatile vf = f;
  v->handler = &h;
  if (setjmp (h.jb) == 0)
    {
      if (n->a->kind == S_BLOCK)
        exec (v, vf, n->a);
      else
        eval (v, vf, n->a);
      v->handler = h.prev;
      return val_int (n->type, 1);
    }
  v->handler = h.prev;
  v->nroots = h.nroots;
  v->depth = depth;
  val e = v->exc;
  vm_push_root (v, e);
  val want = eval (v, vf, n->b);
  vm_pop_roots (v, 1);
  if (vm_exc_code (e) == vm_exc_code (want))
    return val_int (n->type, 0);
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
      return frame_at (v, f, n->depth)->slots[n->slot];
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
        return val_sct (s)->fields[n->slot];
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
    case A_STRUCTCONS:
      return eval_structcons (v, f, n);
    case A_ARRCONS:
      {
        type *t = n->type;
        uint64_t count = 0;
        if (t->u.a.bound)
          count = eval (v, f, t->u.a.bound).v.u;
        val init = n->nkids ? eval (v, f, n->kids[0])
                            : default_value (v, t->u.a.elem);
        vm_push_root (v, init);
        pk_array *a = array_new (count);
        for (uint64_t i = 0; i < count; i++)
          array_push (a, init);
        vm_pop_roots (v, 1);
        val r;
        r.t = t;
        r.v.o = &a->h;
        return r;
      }
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

static void
assign (vm *v, pk_frame *f, ast *lv, val x)
{
  switch (lv->kind)
    {
    case A_VAR:
      frame_at (v, f, lv->depth)->slots[lv->slot] = x;
      return;
    case A_INDEX:
      {
        vm_push_root (v, x);
        val c = eval (v, f, lv->a);
        vm_push_root (v, c);
        uint64_t i = eval (v, f, lv->b).v.u;
        vm_pop_roots (v, 2);
        pk_array *a = val_arr (c);
        if (i >= a->len)
          vm_raise_code (v, EC_OUT_OF_BOUNDS, NULL);
        a->elems[i] = x;
        return;
      }
    case A_MEMBER:
      {
        vm_push_root (v, x);
        val s = eval (v, f, lv->a);
        vm_pop_roots (v, 1);
        val_sct (s)->fields[lv->slot] = x;
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
    case S_NULL:
    case S_TYPE:
    case S_UNIT:
    case S_LOAD:
      return ST_NORMAL;
    case S_EXPR:
      eval (v, f, n->a);
      return ST_NORMAL;
    case S_VAR:
      {
        val x = eval (v, f, n->a);
        if (n->depth < 0)
          {
            grow_globals (v);
            v->globals->slots[n->slot] = x;
          }
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
          {
            grow_globals (v);
            v->globals->slots[n->slot] = x;
          }
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
        h.prev = v->handler;
        h.nroots = v->nroots;
        int depth = v->depth;
        v->handler = &h;
        volatile status st = ST_NORMAL;
        if (setjmp (h.jb) == 0)
          {
            st = exec (v, f, n->a);
            v->handler = h.prev;
            return st;
          }
        v->handler = h.prev;
        v->nroots = h.nroots;
        v->depth = depth;
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
            h.prev = v->handler;
            h.nroots = v->nroots;
            int depth = v->depth;
            v->handler = &h;
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
            v->handler = h.prev;
            v->nroots = h.nroots;
            v->depth = depth;
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
        val s = eval_format (v, f, n);
        fwrite (val_str (s)->data, 1, val_str (s)->len, v->out);
        return ST_NORMAL;
      }
    default:
      eval (v, f, n);
      return ST_NORMAL;
    }
}

bool
vm_run (vm *v, ast *prog, val *result, val *exc)
{
  grow_globals (v);
  vm_handler h;
  h.prev = v->handler;
  h.nroots = v->nroots;
  v->handler = &h;
  if (result)
    *result = val_void ();
  if (setjmp (h.jb))
    {
      v->handler = h.prev;
      v->nroots = h.nroots;
      v->depth = 0;
      if (exc)
        *exc = v->exc;
      v->exc = val_void ();
      return false;
    }
  pk_frame *cmd = frame_new (NULL, prog->nslots);
  pk_closure *holder = closure_new (prog, cmd);
  val hv;
  hv.t = type_function (type_void, 0, NULL, 0, false);
  hv.v.o = &holder->h;
  vm_push_root (v, hv);
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
