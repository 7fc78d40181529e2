/* check-expr.c -- the checker's expressions: each node kind is typed
   (check_expr dispatches to one function per kind), its operands
   promoted and converted by explicit A_CAST nodes, constants folded
   where GNU poke reports errors at compile time; and the l-values of
   assignments.  */

#include "check-int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arith.h"
#include "ios.h"

/* Conversions.  */

/* A cast N of a constant integer, or of a constant offset (converted
   as GNU poke folds it: wrapping around, no E_overflow), is a
   constant.  */
static void
fold_cast (ast *n)
{
  ast *e = n->a;
  type *to = n->type, *from = e->type;
  if (!e->is_const)
    return;
  if (to->kind == TY_INT && from->kind == TY_INT)
    {
      n->is_const = true;
      n->lit = val_int (to, arith_norm (e->lit.v.u, to->u.i.size,
                                        to->u.i.sign));
    }
  if (to->kind == TY_OFFSET && from->kind == TY_OFFSET)
    {
      bool overflow;
      const type *tb = to->u.o.base;
      uint64_t m = arith_offset_convert (e->lit.v.u,
                                         from->u.o.base->u.i.sign,
                                         from->u.o.unit, to->u.o.unit,
                                         &overflow);
      n->is_const = true;
      n->lit = val_int (to, arith_norm (m, tb->u.i.size, tb->u.i.sign));
    }
}

static ast *
mk_cast (compiler *c, ast *e, type *to)
{
  ast *n = ast_new (&c->ar, A_CAST, e->src, e->loc);
  n->end = e->end;
  n->a = e;
  n->type = to;
  n->flag = true;               /* Implicit: no type node in b.  */
  fold_cast (n);
  return n;
}

/* Convert *E to type TO where the representation differs.  */
void
ck_coerce (compiler *c, ast **e, type *to)
{
  type *from = (*e)->type;
  if ((from->kind == TY_INT || from->kind == TY_OFFSET)
      && !ck_same_repr (from, to) && to->kind != TY_ANY)
    *e = mk_cast (c, *e, to);
}

/* An integral struct used as an integer (in arithmetic, conditions,
   integer arguments) is its integral value.  */
static void
struct_as_int (compiler *c, ast **e)
{
  type *t = (*e)->type;
  if (t->kind == TY_STRUCT && t->u.s.itype)
    *e = mk_cast (c, *e, t->u.s.itype);
}

/* An integral struct where an integer of type WANT is to be stored (an
   assignment, an argument, a return value, a constructor's field, a
   format's argument) converts to its integer, as in GNU poke.  */
void
ck_int_wanted (compiler *c, ast **e, const type *want)
{
  if (is_int (want))
    struct_as_int (c, e);
}

/* GNU poke 4.3 tests the operand of !, the condition of ?:, and struct
   constraints and optional field conditions as an int<32>: only the low
   32 bits of a wider integer count there (0x100000000L is false).  The
   conditions of if, while, for and for-in's where, and the operands of
   &&, || and =>, are tested whole (GNU poke 2.4 cut those too).  */
static void
truth32 (compiler *c, ast **e)
{
  if (is_int ((*e)->type) && (*e)->type->u.i.size > 32)
    *e = mk_cast (c, *e, type_bool);
}

/* Conditions.  */

/* A condition tested whole (an if's, a loop's) must be integral; WHAT
   is GNU poke's wording for where.  */
void
check_if_cond (compiler *c, ast **e, const char *what)
{
  *e = check_expr (c, *e);
  struct_as_int (c, e);
  if (!is_int ((*e)->type))
    ck_type_error (c, *e, what, "boolean", (*e)->type);
}

/* The other conditions (see truth32): the same, tested as an
   int<32>.  */
void
check_cond (compiler *c, ast **e, const char *what)
{
  check_if_cond (c, e, what);
  truth32 (c, e);
}

/* An Exception-valued operand of try-catch, try-until, ?!.  */
void
check_exception_operand (compiler *c, ast **e, const char *what)
{
  *e = check_expr (c, *e);
  type *et = ck_exception_type (c);
  if (!et || !type_equal ((*e)->type, et))
    ck_type_error (c, *e, what, "Exception", (*e)->type);
}

/* Folding and promotions.  */

/* Report MSG about the constant operand E where GNU poke does: it folds
   a cast of a constant into a literal that keeps the location of the
   operand cast.  */
static _Noreturn void
folded_error (compiler *c, const ast *e, const char *msg)
{
  while (e->kind == A_CAST)
    e = e->a;
  ck_error_at (c, e, "%s", msg);
}

/* A OP B where B, the divisor or shift count, is the constant B and A
   is not: GNU poke 4.3 still refuses at compile time a division by
   zero and a left shift by at least A's width.  */
static void
check_const_operand (compiler *c, ast *n, arith_op op)
{
  if (op != AR_DIV && op != AR_CEILDIV && op != AR_MOD && op != AR_SHL)
    return;
  const type *t = n->type;
  const type *bt = op == AR_SHL ? n->b->type : t;
  uint64_t r;
  arith_err e = arith_fold (op, 0, n->b->lit.v.u, t->u.i.size, t->u.i.sign,
                            bt->u.i.size, bt->u.i.sign, &r);
  if (e == ARITH_EDIVZERO)
    folded_error (c, n->b, "division by zero");
  if (e == ARITH_EOOB)
    folded_error (c, n->b, "count in left bit shift too big");
}

/* Constant folding of integer operations: GNU poke reports some run-time
   errors (division by zero, too-big shifts) at compile time when both
   operands are constants, and some when the right one is.  */
static void
fold_binop (compiler *c, ast *n)
{
  ast *a = n->a, *b = n->b;
  arith_op op;
  if (!b->is_const || !is_int (a->type) || !is_int (b->type)
      || !is_int (n->type) || !arith_op_of_token (n->op, &op))
    return;
  if (!a->is_const)
    {
      check_const_operand (c, n, op);
      return;
    }
  /* ** and the comparisons are not folded.  */
  if (op == AR_POW || op >= AR_EQ)
    return;
  const type *t = n->type;
  const type *bt = (op == AR_SHL || op == AR_SHR) ? b->type : t;
  uint64_t r;
  arith_err e = arith_fold (op, a->lit.v.u, b->lit.v.u, t->u.i.size,
                            t->u.i.sign, bt->u.i.size, bt->u.i.sign, &r);
  if (e == ARITH_EDIVZERO)
    folded_error (c, n->b, "division by zero");
  if (e == ARITH_EOOB && op == AR_SHL)
    folded_error (c, n->b, "count in left bit shift too big");
  if (e == ARITH_EOVERFLOW)
    ck_error_at (c, n, "expression overflows");
  if (e != ARITH_OK)
    return;
  n->is_const = true;
  n->lit = val_int (n->type, r);
}

/* + - % of constant offsets, and * of a constant offset by a constant,
   once converted to the result's type, are constants, wrapping around
   in it, as GNU poke folds them (it reports a divisor that is zero once
   converted at compile time).  GNU poke 4.3 then divides the bits by
   the unit as unsigned, which gives huge magnitudes for negative
   int<64> ones ((-2L)#B + 1L#N); bpoke keeps the value of the run
   time.  */
static void
fold_offset_arith (ast *n)
{
  ast *a = n->a, *b = n->b;
  if (!a->is_const || !b->is_const)
    return;
  const type *base = n->type->u.o.base;
  uint64_t x = a->lit.v.u, y = b->lit.v.u, r;
  switch (n->op)
    {
    case T_PLUS: r = x + y; break;
    case T_MINUS: r = x - y; break;
    case T_STAR: r = x * y; break;
    case T_PERCENT:
      if (arith_fold (AR_MOD, x, y, base->u.i.size, base->u.i.sign,
                      base->u.i.size, base->u.i.sign, &r) != ARITH_OK)
        return;
      break;
    default:
      return;
    }
  n->is_const = true;
  n->lit = val_int (n->type, arith_norm (r, base->u.i.size,
                                         base->u.i.sign));
}

/* The value in bits of E, an offset that GNU poke's folder computes at
   compile time: a constant, or a cast, sign, sum, difference or
   multiple of such.  False if E is none.  */
static bool
offset_bits (const ast *e, int64_t *bits)
{
  const type *t = e->type;
  int64_t x, y;
  if (e->is_const && is_off (t))
    {
      *bits = (int64_t) e->lit.v.u * (int64_t) t->u.o.unit;
      return true;
    }
  if (e->is_const && is_int (t))
    {
      *bits = (int64_t) e->lit.v.u;     /* A factor: a plain number.  */
      return true;
    }
  switch (e->kind)
    {
    case A_CAST:
      if (!is_off (t) || !is_off (e->a->type) || !offset_bits (e->a, &x))
        return false;
      *bits = x / (int64_t) t->u.o.unit * (int64_t) t->u.o.unit;
      return true;
    case A_UNOP:
      if ((e->op != T_MINUS && e->op != T_PLUS) || !offset_bits (e->a, &x))
        return false;
      *bits = e->op == T_MINUS ? -x : x;
      return true;
    case A_BINOP:
      if ((e->op != T_PLUS && e->op != T_MINUS && e->op != T_STAR)
          || !offset_bits (e->a, &x) || !offset_bits (e->b, &y))
        return false;
      *bits = e->op == T_PLUS ? x + y : e->op == T_MINUS ? x - y : x * y;
      return true;
    default:
      return false;
    }
}

/* N divides an offset by B, an offset or an integer: by zero is a
   compile-time error when B is known.  */
static void
fold_offset_div (compiler *c, ast *n)
{
  const ast *b = n->b;
  int64_t bits;
  bool zero = is_off (b->type)
              ? offset_bits (b, &bits) && bits / (int64_t) b->type->u.o.unit == 0
              : b->is_const && b->lit.v.u == 0;
  if (zero)
    folded_error (c, b, "division by zero");
}

static type *
promote_ints (const type *a, const type *b)
{
  int size;
  bool sign;
  arith_promote (a->u.i.size, a->u.i.sign, b->u.i.size, b->u.i.sign, &size,
                 &sign);
  return type_int (size, sign);
}

static type *
promote_offsets (const type *a, const type *b)
{
  return type_offset (promote_ints (a->u.o.base, b->u.o.base),
                      arith_offset_unit (a->u.o.unit, b->u.o.unit));
}

/* Offsets divided or compared are converted to bits first, as GNU
   poke 4.3 does (wrapping around in the magnitude's type, or raising
   E_overflow): 33UB#B > 20UB#b, in uint<8>, is 264 (8) > 20, false, and
   0x20000000#B > 0#B is false for int<32> magnitudes.  */
static type *
offsets_in_bits (const type *a, const type *b)
{
  return type_offset (promote_ints (a->u.o.base, b->u.o.base), 1);
}

/* An expression whose value is used: a call to a void function has
   none.  */
ast *
check_rvalue (compiler *c, ast *n)
{
  n = check_expr (c, n);
  if (n->type->kind == TY_VOID && n->kind == A_CALL)
    ck_error_at (c, n->a, "function doesn't return a value");
  return n;
}

/* Operators.  */

/* + - * / /^ %: integers, offsets, and strings and arrays for + and *.  */
static ast *
check_arith (compiler *c, ast *n)
{
  type *ta = n->a->type, *tb = n->b->type;
  if (n->op == T_PLUS && ta->kind == TY_STRING)
    {
      if (tb->kind != TY_STRING)
        ck_invalid_operand (c, n->b, "string");
      n->type = type_string;
      return n;
    }
  if (n->op == T_STAR && ta->kind == TY_STRING)
    {
      if (!is_int (tb))
        ck_invalid_operand (c, n->b, "integral");
      n->type = type_string;
      return n;
    }
  if (n->op == T_STAR && is_int (ta) && tb->kind == TY_STRING)
    {
      /* 3 * "ab" repeats too: put the string first.  */
      ast *t = n->a;
      n->a = n->b;
      n->b = t;
      n->type = type_string;
      return n;
    }
  if (n->op == T_PLUS && ta->kind == TY_ARRAY)
    {
      if (tb->kind != TY_ARRAY || !type_equal (ta->u.a.elem,
                                               tb->u.a.elem)
          || !ck_same_repr (ta->u.a.elem, tb->u.a.elem))
        ck_invalid_operand (c, n->b, ck_tname (ta));
      n->type = type_array (ta->u.a.elem, NULL, false);
      return n;
    }
  if (is_int (ta) && is_int (tb))
    {
      n->type = promote_ints (ta, tb);
      ck_coerce (c, &n->a, n->type);
      ck_coerce (c, &n->b, n->type);
      fold_binop (c, n);
      return n;
    }
  if (is_off (ta) && is_off (tb))
    {
      if (n->op == T_STAR)
        ck_invalid_operand (c, n->b, "integral");
      if (n->op == T_SLASH || n->op == T_CEILDIV)
        {
          /* offset / offset is a magnitude.  */
          type *common = offsets_in_bits (ta, tb);
          ck_coerce (c, &n->a, common);
          ck_coerce (c, &n->b, common);
          n->type = common->u.o.base;
          fold_offset_div (c, n);
          return n;
        }
      n->type = promote_offsets (ta, tb);
      if (n->op == T_PERCENT)
        /* GNU poke 4.3 takes the modulus in the magnitude type of the
           left operand (3UB#B % 256#B divides by zero).  */
        n->type = type_offset (ta->u.o.base, n->type->u.o.unit);
      ck_coerce (c, &n->a, n->type);
      ck_coerce (c, &n->b, n->type);
      if (n->op == T_PERCENT)
        fold_offset_div (c, n);
      fold_offset_arith (n);
      return n;
    }
  if (is_off (ta) && is_int (tb)
      && (n->op == T_SLASH || n->op == T_CEILDIV))
    {
      /* The offset keeps its type; the integer is converted.  */
      n->type = ta;
      ck_coerce (c, &n->b, ta->u.o.base);
      fold_offset_div (c, n);
      return n;
    }
  if (n->op == T_STAR && (is_off (ta) != is_off (tb))
      && (is_int (ta) || is_int (tb)))
    {
      /* Scaling promotes the magnitude with the integer.  */
      type *ot = is_off (ta) ? ta : tb;
      type *it = is_off (ta) ? tb : ta;
      type *base = promote_ints (ot->u.o.base, it);
      n->type = type_offset (base, ot->u.o.unit);
      ck_coerce (c, is_off (ta) ? &n->a : &n->b, n->type);
      ck_coerce (c, is_off (ta) ? &n->b : &n->a, base);
      fold_offset_arith (n);
      return n;
    }
  if (is_off (ta) && is_int (tb))
    ck_invalid_operand (c, n->b, "offset");
  if (!is_int (ta) && !is_off (ta))
    ck_invalid_operand (c, n->a, n->op == T_PLUS
                        ? "integral, offset, string or array"
                        : "integral or offset");
  ck_invalid_operand (c, n->b, is_int (ta) ? "integral" : "offset");
}

/* **.  */
static ast *
check_pow (compiler *c, ast *n)
{
  type *ta = n->a->type, *tb = n->b->type;
  if (is_int (ta) && is_int (tb))
    {
      n->type = ta->name ? type_int (ta->u.i.size, ta->u.i.sign) : ta;
      return n;
    }
  if (is_off (ta) && is_int (tb))
    {
      n->type = ta;
      return n;
    }
  if (!is_int (ta) && !is_off (ta))
    ck_invalid_operand (c, n->a, "integral or offset");
  ck_invalid_operand (c, n->b, "integral");
}

/* & | ^.  */
static ast *
check_bitwise (compiler *c, ast *n)
{
  type *ta = n->a->type, *tb = n->b->type;
  if (is_int (ta) && is_int (tb))
    {
      n->type = promote_ints (ta, tb);
      ck_coerce (c, &n->a, n->type);
      ck_coerce (c, &n->b, n->type);
      fold_binop (c, n);
      return n;
    }
  if (is_off (ta) && is_off (tb))
    {
      n->type = promote_offsets (ta, tb);
      ck_coerce (c, &n->a, n->type);
      ck_coerce (c, &n->b, n->type);
      return n;
    }
  if (is_off (ta))
    ck_invalid_operand (c, n->b, "offset");
  if (!is_int (ta))
    ck_invalid_operand (c, n->a, "integral");
  ck_invalid_operand (c, n->b, "integral");
}

/* << >>.  */
static ast *
check_shift (compiler *c, ast *n)
{
  type *ta = n->a->type, *tb = n->b->type;
  if (is_int (ta) && is_int (tb))
    {
      n->type = type_int (ta->u.i.size, ta->u.i.sign);
      fold_binop (c, n);
      return n;
    }
  if (is_off (ta) && is_int (tb))
    {
      n->type = ta;
      return n;
    }
  if (!is_int (ta) && !is_off (ta))
    ck_invalid_operand (c, n->a, "integral");
  ck_invalid_operand (c, n->b, "integral");
}

/* :::, the concatenation of bits.  */
static ast *
check_bconc (compiler *c, ast *n)
{
  type *ta = n->a->type, *tb = n->b->type;
  if (is_int (ta) && is_int (tb))
    {
      if (ta->u.i.size + tb->u.i.size > 64)
        ck_error_at (c, n, "the sum of the width of the operators should "
                     "not exceed 64-bit");
      n->type = type_int (ta->u.i.size + tb->u.i.size, ta->u.i.sign);
      return n;
    }
  if (!is_int (ta))
    ck_invalid_operand (c, n->a, "integral");
  ck_invalid_operand (c, n->b, "integral");
}

/* A comparison of two constants, integers, offsets or strings, is a
   constant, as GNU poke folds it: x / (1 == 2) divides by zero at
   compile time.  Both operands have the same type here.  */
static void
fold_compare (ast *n)
{
  const ast *a = n->a, *b = n->b;
  arith_op op;
  uint64_t r;
  if (!a->is_const || !b->is_const || !arith_op_of_token (n->op, &op))
    return;
  if (a->kind == A_STR && b->kind == A_STR)
    {
      size_t la = (size_t) a->op, lb = (size_t) b->op;
      int cmp = memcmp (a->name, b->name, la < lb ? la : lb);
      if (cmp == 0)
        cmp = la < lb ? -1 : la > lb;
      arith_fold (op, (uint64_t) (int64_t) cmp, 0, 32, true, 32, true, &r);
    }
  else if (is_int (a->type) || is_off (a->type))
    {
      const type *t = is_off (a->type) ? a->type->u.o.base : a->type;
      arith_fold (op, a->lit.v.u, b->lit.v.u, t->u.i.size, t->u.i.sign,
                  t->u.i.size, t->u.i.sign, &r);
    }
  else
    return;
  n->is_const = true;
  n->lit = val_int (n->type, r);
}

/* == != < > <= >=.  */
static ast *
check_compare (compiler *c, ast *n)
{
  type *ta = n->a->type, *tb = n->b->type;
  n->type = type_bool;
  /* A value of type any is equal or not to any value: the evaluator
     compares what they hold (eval.c, any_equal).  */
  if ((n->op == T_EQ || n->op == T_NE)
      && (ta->kind == TY_ANY || tb->kind == TY_ANY))
    return n;
  if ((is_int (ta) && is_int (tb)) || (is_off (ta) && is_off (tb)))
    {
      type *common = is_int (ta) ? promote_ints (ta, tb)
                                 : offsets_in_bits (ta, tb);
      ck_coerce (c, &n->a, common);
      ck_coerce (c, &n->b, common);
      fold_compare (n);
      return n;
    }
  if (ta->kind == TY_STRING && tb->kind == TY_STRING)
    {
      fold_compare (n);
      return n;
    }
  /* Values of type any are compared with values of every type.  */
  if ((n->op == T_EQ || n->op == T_NE)
      && (ta->kind == TY_ANY || tb->kind == TY_ANY))
    return n;
  if ((n->op == T_EQ || n->op == T_NE) && ta->kind == TY_ARRAY)
    {
      if (tb->kind != TY_ARRAY || !ck_array_types_equal (ta, tb))
        ck_invalid_operand (c, n->b, ck_tname (ta));
      return n;
    }
  if ((n->op == T_EQ || n->op == T_NE) && ta->kind == TY_STRUCT)
    {
      if (tb->kind != TY_STRUCT || !type_equal (ta, tb))
        ck_invalid_operand (c, n->b, tb->kind != TY_STRUCT ? "struct"
                                     : ta->name ? ta->name : "struct");
      return n;
    }
  if ((n->op == T_EQ || n->op == T_NE)
      && ta->kind == tb->kind && ta->kind == TY_FUNCTION)
    return n;
  if (!is_int (ta) && !is_off (ta) && ta->kind != TY_STRING)
    ck_invalid_operand (c, n->a, (n->op == T_EQ || n->op == T_NE)
                        ? "integral, offset or string"
                        : "integral, string or offset");
  ck_invalid_operand (c, n->b, is_int (ta) ? "integral"
                               : is_off (ta) ? "offset" : "string");
}

/* A in B, B an array.  */
static ast *
check_in (compiler *c, ast *n)
{
  type *ta = n->a->type, *tb = n->b->type;
  if (tb->kind != TY_ARRAY)
    ck_invalid_operand (c, n->b, "array");
  if (!type_assignable (tb->u.a.elem, ta))
    ck_invalid_operand (c, n->a, ck_tname (tb->u.a.elem));
  ck_coerce (c, &n->a, tb->u.a.elem);
  n->type = type_bool;
  return n;
}

static ast *
check_binop (compiler *c, ast *n)
{
  n->a = check_rvalue (c, n->a);
  n->b = check_rvalue (c, n->b);
  switch (n->op)
    {
    case T_EQ: case T_NE: case T_LT: case T_GT: case T_LE: case T_GE:
      break;
    case K_IN:
      /* An integral struct is looked for as itself among structs (as
         in GNU poke 4.3), else as its integer (as in GNU poke 2.4).  */
      if (n->b->type->kind != TY_ARRAY
          || n->b->type->u.a.elem->kind != TY_STRUCT)
        struct_as_int (c, &n->a);
      break;
    default:
      struct_as_int (c, &n->a);
      struct_as_int (c, &n->b);
      break;
    }
  switch (n->op)
    {
    case T_PLUS:
    case T_MINUS:
    case T_STAR:
    case T_SLASH:
    case T_CEILDIV:
    case T_PERCENT:
      return check_arith (c, n);
    case T_POW:
      return check_pow (c, n);
    case T_AMP:
    case T_PIPE:
    case T_CARET:
      return check_bitwise (c, n);
    case T_LSHIFT:
    case T_RSHIFT:
      return check_shift (c, n);
    case T_BCONC:
      return check_bconc (c, n);
    case T_EQ:
    case T_NE:
    case T_LT:
    case T_GT:
    case T_LE:
    case T_GE:
      return check_compare (c, n);
    case K_IN:
      return check_in (c, n);
    default:
      break;
    }
  ck_error_at (c, n, "invalid operator");
  return n;
}

/* Attributes.  */

static uint64_t
attr_lookup (const char *name)
{
  for (int i = 1; i < ATTR_NUM; i++)
    if (strcmp (ast_attr_name (i), name) == 0)
      return (uint64_t) i;
  return ATTR_NONE;
}

/* The index of an element attribute, x'elem (i): an integral.  */
static void
check_elem_index (compiler *c, ast *n)
{
  if (!n->b)
    ck_error_at (c, n, "attribute requires an argument");
  n->b = check_rvalue (c, n->b);
  if (!is_int (n->b->type))
    ck_type_error (c, n->b, "invalid argument to attribute", "integral",
                   n->b->type);
}

static ast *
check_attr (compiler *c, ast *n)
{
  n->a = check_expr (c, n->a);
  type *t = n->a->type;
  int id = (int) attr_lookup (n->name);
  n->op = id;
  if (id == 0)
    ck_error_at_name (c, n, "invalid attribute '%s", n->name);
  bool elem = id == ATTR_ELEM || id == ATTR_EOFFSET || id == ATTR_ESIZE
              || id == ATTR_ENAME;
  if (n->b && !elem)
    ck_error_at (c, n, "attribute doesn't take any argument");
  switch (id)
    {
    case ATTR_SIZE:
      n->type = type_offset (type_int (64, false), 1);
      if (type_complete (t))
        {
          /* GNU poke 4.3 knows it from the type: the operand is not
             run (no map, no call, no exception).  */
          n->kind = A_SIZEOF;
          n->is_const = true;
          n->lit = val_int (n->type, type_size (t));
        }
      return n;
    case ATTR_SIGNED:
      if (!is_int (t))
        break;
      n->type = type_bool;
      return n;
    case ATTR_MAGNITUDE:
      if (!is_off (t))
        break;
      n->type = t->u.o.base;
      return n;
    case ATTR_UNIT:
      if (!is_off (t))
        break;
      n->type = type_int (64, false);
      return n;
    case ATTR_LENGTH:
      n->type = type_int (64, false);
      return n;
    case ATTR_MAPPED:
    case ATTR_STRICT:
      n->type = type_bool;
      return n;
    case ATTR_OFFSET:
      /* Only composite values are mapped (GNU poke 4.3); 'ios is
         asked of any value, and raises at run time.  */
      if (t->kind != TY_ARRAY && t->kind != TY_STRUCT && t->kind != TY_ANY)
        break;
      n->type = type_offset (type_int (64, false), 1);
      return n;
    case ATTR_IOS:
      n->type = type_int (32, true);
      return n;
    case ATTR_ELEM:
    case ATTR_EOFFSET:
    case ATTR_ESIZE:
    case ATTR_ENAME:
      if (t->kind != TY_ARRAY && t->kind != TY_STRUCT && t->kind != TY_ANY)
        break;
      check_elem_index (c, n);
      n->type = id == ATTR_ELEM ? type_any
                : id == ATTR_ENAME ? type_string
                : type_offset (type_int (64, false), 1);
      return n;
    default:
      break;
    }
  ck_error_at (c, n, "attribute '%s is not defined for values of type %s",
               n->name, ck_tname (t));
  return n;
}

/* Calls.  */

/* A reference to a function taking no arguments calls it.  */
static ast *
maybe_autocall (compiler *c, ast *n)
{
  if (n->op == AST_NOCALL && n->kind == A_VAR)
    return n;                   /* Parenthesized, or a callee.  */
  if (n->kind == A_MEMBER && n->op == AST_NOCALL)
    return n;
  if (n->type->kind == TY_FUNCTION && n->type->u.f.nargs
      == n->type->u.f.nopt && !n->type->u.f.variadic)
    {
      ast *call = ast_new (&c->ar, A_CALL, n->src, n->loc);
      call->end = n->end;
      call->a = n;
      call->type = n->type->u.f.ret;
      call->flag = true;        /* Implicit.  */
      return call;
    }
  return n;
}

/* A call's argument I of function type FT has the wrong type: say so
   at WHERE, naming the parameter (by its position from 1 when the
   type has no names, as GNU poke does).  */
static void
bad_arg (compiler *c, const ast *where, type *ft, int i, type *got)
{
  char num[16];
  const char *pname = ft->u.f.argnames ? ft->u.f.argnames[i] : NULL;
  if (!pname)
    {
      snprintf (num, sizeof num, "%d", i + 1);
      pname = num;
    }
  ck_error_at (c, where, "invalid value for function argument `%s'\n"
               "expected %s, got %s", pname, ck_tname (ft->u.f.args[i]),
               ck_tname (got));
}

/* The number of arguments of N, a call of a function of type FT: too
   many or too few.  */
static void
check_arg_count (compiler *c, const ast *n, type *ft)
{
  int nparams = ft->u.f.nargs;
  int nfixed = ft->u.f.variadic ? nparams - 1 : nparams;
  if (n->nkids < nfixed - ft->u.f.nopt)
    ck_error_at (c, n->a, "too few arguments passed to function\nof type %s",
                 ck_fsig (ft));
  if (n->nkids > nfixed && !ft->u.f.variadic)
    ck_error_at (c, n->a, "too many arguments passed to function\nof type %s",
                 ck_fsig (ft));
}

/* No name twice in the named arguments (f :a 1 :b 2) of N.  */
static void
check_named_dups (compiler *c, const ast *n)
{
  for (int i = 1; i < n->nkids; i++)
    for (int j = 0; j < i; j++)
      if (strcmp (n->kids[i]->name, n->kids[j]->name) == 0)
        ck_error_at (c, n->kids[i], "duplicated argument in funcall");
}

/* Reorder the named arguments (f :a 1 :b 2) of N, a call of a function
   of type FT, into positional ones, leaving NULL for the optional ones
   not given.  *WHERE gets, for each, the `:NAME VALUE' that messages
   point at.  */
static void
order_named_args (compiler *c, ast *n, type *ft, ast ***where)
{
  int np = ft->u.f.nargs;
  check_arg_count (c, n, ft);
  ast **args = arena_alloc (&c->ar, sizeof (ast *) * (np + 1));
  ast **locs = arena_alloc (&c->ar, sizeof (ast *) * (np + 1));
  for (int i = 0; i < n->nkids; i++)
    {
      ast *na = n->kids[i];
      int idx = -1;
      for (int j = 0; ft->u.f.argnames && j < np; j++)
        if (strcmp (ft->u.f.argnames[j], na->name) == 0)
          idx = j;
      if (idx < 0)
        ck_error_at (c, na, "function doesn't take a `%s' argument",
                     na->name);
      args[idx] = na->a;
      locs[idx] = na;
    }
  int given = 0;
  int nmandatory = np - ft->u.f.nopt - (ft->u.f.variadic ? 1 : 0);
  for (int j = 0; j < np; j++)
    {
      if (args[j])
        given = j + 1;
      else if (j < nmandatory)
        ck_error_at (c, n, "required argument `%s' not specified in funcall",
                     ft->u.f.argnames[j]);
    }
  n->kids = args;
  n->nkids = given;
  n->flag = false;
  *where = locs;
}

static ast *
check_call (compiler *c, ast *n)
{
  if (n->a->kind == A_VAR || n->a->kind == A_MEMBER)
    n->a->op = AST_NOCALL;      /* The callee is not called implicitly.  */
  n->a = check_expr (c, n->a);
  type *ft = n->a->type;
  bool named = n->flag && n->nkids && n->kids[0]->kind == A_FIELDINIT;
  /* As GNU poke: the arguments' own errors first, then the call's.  */
  for (int i = 0; i < n->nkids; i++)
    if (named)
      n->kids[i]->a = check_rvalue (c, n->kids[i]->a);
    else
      n->kids[i] = check_rvalue (c, n->kids[i]);
  if (named)
    check_named_dups (c, n);
  if (ft->kind != TY_FUNCTION)
    ck_type_error (c, n->a, "invalid operand in funcall", "function", ft);
  ast **where = n->kids;
  if (named)
    order_named_args (c, n, ft, &where);
  check_arg_count (c, n, ft);
  int nfixed = ft->u.f.variadic ? ft->u.f.nargs - 1 : ft->u.f.nargs;
  for (int i = 0; i < n->nkids && i < nfixed; i++)
    {
      if (!n->kids[i])
        continue;               /* An optional argument not given.  */
      type *pt = ft->u.f.args[i];
      ck_int_wanted (c, &n->kids[i], pt);
      if (!type_assignable (pt, n->kids[i]->type))
        bad_arg (c, where[i], ft, i, n->kids[i]->type);
      ck_coerce (c, &n->kids[i], pt);
    }
  n->type = ft->u.f.ret;
  return n;
}

/* The other node kinds, in the order of check_expr's cases.  */

static ast *
check_str (compiler *c, ast *n)
{
  n->type = type_string;
  n->lit = val_string (n->name, (size_t) n->op);
  gc_make_permanent (n->lit.v.o);
  n->is_const = true;
  return n;
}

static ast *
check_var (compiler *c, ast *n)
{
  sym *s = ck_lookup (c, n->name, SYM_VAR);
  if (!s)
    ck_error_at (c, n, "undefined variable '%s'", n->name);
  if (s->is_method && !c->fn->method)
    ck_error_at (c, n, "only methods can directly call other methods");
  s->used = true;
  n->type = s->type;
  n->slot = s->slot;
  n->depth = s->level < 0 ? -1 : c->level - s->level;
  n->aux = s->fnast;
  n->flag = s->is_field;          /* May be absent at run time.  */
  if (s->level >= 0 && s->level < c->type_level)
    *ck_read_by_type (c, s) = true;
  return maybe_autocall (c, n);
}

/* &&, || and =>.  GNU poke folds && and || of two constants, not =>
   and not one whose other operand is not constant.  */
static ast *
check_logical (compiler *c, ast *n)
{
  n->a = check_expr (c, n->a);
  n->b = check_expr (c, n->b);
  struct_as_int (c, &n->a);
  struct_as_int (c, &n->b);
  if (!is_int (n->a->type))
    ck_invalid_operand (c, n->a, "integral");
  if (!is_int (n->b->type))
    ck_invalid_operand (c, n->b, "integral");
  n->type = type_bool;
  if (n->kind != A_IMPLIES && n->a->is_const && n->b->is_const)
    {
      bool a = n->a->lit.v.u != 0, b = n->b->lit.v.u != 0;
      n->is_const = true;
      n->lit = val_int (n->type, n->kind == A_AND ? a && b : a || b);
    }
  return n;
}

static ast *
check_unop (compiler *c, ast *n)
{
  n->a = check_expr (c, n->a);
  struct_as_int (c, &n->a);
  switch (n->op)
    {
    case T_BANG:
      if (is_off (n->a->type))
        {
          n->type = n->a->type;     /* !4#B is 0#B.  */
          return n;
        }
      if (!is_int (n->a->type))
        ck_invalid_operand (c, n->a, "integral");
      truth32 (c, &n->a);
      n->type = type_bool;
      if (n->a->is_const)
        {
          n->is_const = true;
          n->lit = val_int (n->type, n->a->lit.v.u == 0);
        }
      return n;
    case T_TILDE:
      if (!is_int (n->a->type) && !is_off (n->a->type))
        ck_invalid_operand (c, n->a, "integral or offset");
      n->type = n->a->type;
      break;
    default:
      if (!is_int (n->a->type) && !is_off (n->a->type))
        ck_invalid_operand (c, n->a, "integral or offset");
      n->type = n->a->type;
      break;
    }
  if (n->a->is_const && is_int (n->type))
    {
      const type *t = n->type;
      uint64_t r = n->a->lit.v.u;
      if (n->op == T_MINUS
          && arith_neg (r, t->u.i.size, t->u.i.sign, &r) != ARITH_OK)
        ck_error_at (c, n, "expression overflows");
      if (n->op == T_TILDE)
        r = arith_not (r, t->u.i.size, t->u.i.sign);
      n->is_const = true;
      n->lit = val_int (n->type, r);
    }
  return n;
}

/* A ? B : C.  */
static ast *
check_ternary (compiler *c, ast *n)
{
  check_cond (c, &n->a, "invalid expression");
  n->b = check_expr (c, n->b);
  n->c = check_expr (c, n->c);
  /* No promotion: both alternatives must have the same type.  */
  if (!type_equal (n->b->type, n->c->type)
      || (is_int (n->b->type)
          && !ck_same_repr (n->b->type, n->c->type)))
    {
      /* GNU poke folds a constant cast into a literal that keeps the
         operand's location.  */
      ast *where = n->c->kind == A_CAST && n->c->is_const ? n->c->a
                                                          : n->c;
      ck_type_error (c, where, "alternative is of the wrong type",
                     ck_tname (n->b->type), n->c->type);
    }
  n->type = n->b->type;
  /* A constant condition choosing a constant: that constant, as GNU
     poke folds it (x / (1 ? 0 : x) divides by zero at compile
     time).  */
  if (n->a->is_const && is_int (n->a->type))
    {
      ast *chosen = n->a->lit.v.u ? n->b : n->c;
      if (chosen->is_const)
        return chosen;
    }
  return n;
}

/* A ?! B, where A may be a block.  */
static ast *
check_exccond (compiler *c, ast *n)
{
  if (n->a->kind == S_BLOCK)
    check_stmt (c, n->a);
  else
    n->a = check_expr (c, n->a);
  check_exception_operand (c, &n->b, "operator has the wrong type");
  n->type = type_bool;
  return n;
}

/* An invalid cast, in GNU poke 4.3's words: the types from and to.  */
static _Noreturn void
invalid_cast (compiler *c, ast *n, const type *to, const type *from)
{
  ck_error_at (c, n, "invalid cast from %s to %s", ck_tname (from),
               ck_tname (to));
}

/* Whether arrays of FE can be cast to arrays of TE: the same
   elements, at any depth of arrays, whose bounds are the cast's
   business.  */
static bool
same_elems (const type *te, const type *fe)
{
  if (te->kind == TY_ARRAY && fe->kind == TY_ARRAY)
    return same_elems (te->u.a.elem, fe->u.a.elem);
  return type_equal (te, fe) && ck_same_repr (te, fe);
}

/* A cast between array types keeps the element type; a constant
   bound that cannot match is an error now, others are checked when the
   cast runs.  */
static bool
array_cast_ok (compiler *c, ast *n, const type *to, const type *from)
{
  if (!same_elems (to->u.a.elem, from->u.a.elem))
    invalid_cast (c, n, to, from);
  if (to->u.a.bound_const && from->u.a.bound_const && n->a->kind == A_ARRAY
      && !to->u.a.bound_is_size && to->u.a.nelem != from->u.a.nelem)
    invalid_cast (c, n, to, from);
  return true;
}

static ast *
check_cast (compiler *c, ast *n)
{
  n->a = check_expr (c, n->a);
  type *to = ck_resolve_type (c, n->b);
  type *from = n->a->type;
  n->type = to;
  if (to->kind == TY_FUNCTION)
    invalid_cast (c, n, to, from);
  /* GNU poke 4.3 casts to a union only an integral one, and a value of
     type any; to any, only a value of type any (where everything
     coerces to any, nothing is cast to it).  */
  if (to->kind == TY_STRUCT && to->u.s.is_union && !to->u.s.itype
      && from->kind != TY_ANY)
    invalid_cast (c, n, to, from);
  if ((is_int (to) && is_int (from)) || (is_off (to) && is_off (from))
      || from->kind == TY_ANY || type_equal (to, from)
      || (to->kind == TY_ARRAY && from->kind == TY_ARRAY
          && array_cast_ok (c, n, to, from))
      || (to->kind == TY_STRING && is_int (from)
          && from->u.i.size == 8 && !from->u.i.sign)
      || (to->kind == TY_STRUCT && to->u.s.itype && is_int (from))
      || (to->kind == TY_STRUCT && from->kind == TY_STRUCT)
      || (is_int (to) && from->kind == TY_ARRAY)
      || (is_int (to) && from->kind == TY_STRUCT
          && from->u.s.itype))
    {
      fold_cast (n);
      return n;
    }
  invalid_cast (c, n, to, from);
}

/* E isa T.  GNU poke 4.3 answers from E's type unless it is any: E is
   not run then.  */
static ast *
check_isa (compiler *c, ast *n)
{
  n->a = check_expr (c, n->a);
  type *t = n->a->type, *to = ck_resolve_type (c, n->b);
  n->b->type = to;
  n->type = type_bool;
  if (t->kind != TY_ANY)
    {
      n->kind = A_INT;
      n->is_const = true;
      n->lit = val_int (n->type, to->kind == TY_ANY || type_equal (t, to));
    }
  return n;
}

static ast *
check_sizeof (compiler *c, ast *n)
{
  type *t = ck_resolve_type (c, n->a);
  if (!type_complete (t))
    ck_error_at (c, n->a, "invalid operand to sizeof");
  n->type = type_offset (type_int (64, false), 1);
  n->is_const = true;
  n->lit = val_int (n->type, type_size (t));
  return n;
}

ast *
ck_field_trace (compiler *c, const ast *at, type *t)
{
  sym *pt = ck_lookup (c, "Pk_Type", SYM_TYPE);
  /* Compiled (and so run) now if it was not yet: the tracer reports to
     it (vm_trace_field).  */
  if (!pt || !ck_lookup (c, "pk_tracer_dispatch", SYM_VAR))
    return NULL;
  ast *n = ast_new (&c->ar, A_TYPEOF, at->src, at->loc);
  n->aux = t;
  n->type = pt->type;
  ck_typeof_closures (c, n, t);
  return n;
}

static ast *
check_typeof (compiler *c, ast *n)
{
  /* The type described is kept in aux; the value, a Pk_Type, is
     made when the expression runs (the operand is not run).  */
  type *t;
  if (n->a->kind >= TN_INT && n->a->kind <= TN_FUNCTION)
    t = ck_resolve_type (c, n->a);
  else
    t = (n->a = check_rvalue (c, n->a))->type;
  sym *pt = ck_lookup (c, "Pk_Type", SYM_TYPE);
  if (!pt)
    ck_error_at (c, n, "typeof needs the prelude's Pk_Type");
  n->aux = t;
  n->type = pt->type;
  ck_typeof_closures (c, n, t);
  return n;
}

/* The index of N, a [b]: a number of element, or an offset from the
   start of the array (or string) in bits.  */
static void
check_index_operand (compiler *c, ast *n)
{
  n->b = check_expr (c, n->b);
  if (is_off (n->b->type))
    {
      n->flag = true;
      ck_coerce (c, &n->b, type_offset (type_int (64, false), 1));
      return;
    }
  if (!is_int (n->b->type))
    ck_type_error (c, n->b, "invalid index in array indexer",
                   "integral or offset", n->b->type);
  ck_coerce (c, &n->b, type_int (64, false));
}

static ast *
check_index (compiler *c, ast *n)
{
  n->a = check_expr (c, n->a);
  check_index_operand (c, n);
  if (n->a->kind == A_STR && n->b->is_const && !n->flag
      && n->b->lit.v.u >= (uint64_t) n->a->op)
    ck_error_at (c, n->b, "index is out of bounds of string");
  if (n->a->type->kind == TY_STRING)
    n->type = type_int (8, false);
  else if (n->a->type->kind == TY_ARRAY)
    {
      n->type = n->a->type->u.a.elem;
      if (n->a->kind == A_ARRAY && n->b->is_const && !n->flag
          && n->b->lit.v.u >= (uint64_t) n->a->nkids)
        ck_error_at (c, n->b, "index is out of bounds of array");
    }
  else
    ck_type_error (c, n->a, "invalid operator to []", "array or string",
                   n->a->type);
  return n;
}

/* The trim N of an array has the type of arrays of its length, as an
   array literal's, when that is known at compile time, as in GNU poke
   4.3 (a[0:2] and, when a has 3 elements, a[1:] are T[2]: apush refuses
   them).  */
static void
trim_length (ast *n)
{
  const type *at = n->a->type;
  if (at->kind != TY_ARRAY || (!n->b && !n->c))
    return;                     /* a[:] is T[].  */
  bool lo_known = !n->b || n->b->is_const;
  uint64_t lo = n->b ? n->b->lit.v.u : 0, count;
  if (n->flag)                  /* a[i+:n] */
    {
      if (!n->c->is_const)
        return;
      count = n->c->lit.v.u;
    }
  else
    {
      bool hi_known = n->c ? n->c->is_const
                           : at->u.a.bound_const && !at->u.a.bound_is_size;
      uint64_t hi = n->c ? n->c->lit.v.u : at->u.a.nelem;
      if (!lo_known || !hi_known || hi < lo)
        return;
      count = hi - lo;
    }
  n->type->u.a.bound_const = true;
  n->type->u.a.nelem = count;
}

static ast *
check_trim (compiler *c, ast *n)
{
  n->a = check_expr (c, n->a);
  if (n->a->type->kind != TY_STRING && n->a->type->kind != TY_ARRAY)
    ck_invalid_operand (c, n->a, "array or string");
  if (n->b)
    {
      n->b = check_expr (c, n->b);
      if (!is_int (n->b->type))
        ck_type_error (c, n->b, "invalid index in trimmer", "integral",
                       n->b->type);
      ck_coerce (c, &n->b, type_int (64, false));
    }
  if (n->c)
    {
      n->c = check_expr (c, n->c);
      if (!is_int (n->c->type))
        ck_type_error (c, n->c, "invalid index in trimmer", "integral",
                       n->c->type);
      ck_coerce (c, &n->c, type_int (64, false));
    }
  /* A constant trim of an array that ends before it starts (a[i:j]),
     or has a negative length (a[i+:n]), which GNU poke 4.3 refuses at
     compile time.  */
  if (n->a->type->kind == TY_ARRAY && n->b && n->c && n->b->is_const
      && n->c->is_const
      && (int64_t) n->c->lit.v.u < (n->flag ? 0 : (int64_t) n->b->lit.v.u))
    ck_error_at (c, n, "array dimensions may not be negative");
  n->type = n->a->type->kind == TY_STRING
            ? type_string : type_array (n->a->type->u.a.elem, NULL,
                                        false);
  if (n->type->kind == TY_ARRAY)        /* Its elements' name, as A's.  */
    n->type->u.a.elem_indexed = n->a->type->u.a.elem_indexed;
  trim_length (n);
  return n;
}

/* N, a member of a struct, is a computed field whose getter (SET
   false) or setter (SET) is needed: the struct type must have it.  */
void
ck_computed_access (compiler *c, const ast *n, bool set)
{
  if (n->kind != A_MEMBER || n->flag)
    return;
  const type *t = n->a->type;
  const type_field *tf = &t->u.s.fields[n->slot];
  if (tf->computed && (set ? tf->setter : tf->getter) < 0)
    ck_error_at_name (c, n, "method %s_%s for computed field in struct "
                      "type %s is not defined", set ? "set" : "get",
                      tf->name, t->name ? t->name : "struct");
}

/* S.F; an l-value when LVALUE, whose computed field needs no getter.  */
static ast *
check_member_1 (compiler *c, ast *n, bool lvalue)
{
  n->a = check_expr (c, n->a);
  type *t = n->a->type;
  if (t->kind != TY_STRUCT)
    ck_type_error (c, n->a, "invalid operand to field reference",
                   "struct", t);
  for (int i = 0; i < t->u.s.nfields; i++)
    if (t->u.s.fields[i].name
        && strcmp (t->u.s.fields[i].name, n->name) == 0)
      {
        n->slot = i;
        n->type = t->u.s.fields[i].type;
        if (!lvalue)
          ck_computed_access (c, n, false);
        return n;
      }
  for (int i = 0; i < t->u.s.nmethods; i++)
    if (strcmp (t->u.s.methods[i].name, n->name) == 0)
      {
        /* A method: the closure in the struct's slot.  */
        n->slot = t->u.s.method_slots[i];
        n->type = t->u.s.methods[i].type;
        n->flag = true;
        return maybe_autocall (c, n);
      }
  ck_error_at_name (c, n, "field `%s' doesn't exist in struct", n->name);
  return n;
}

static ast *
check_member (compiler *c, ast *n)
{
  return check_member_1 (c, n, false);
}

static ast *
check_offset (compiler *c, ast *n)
{
  ast *u = n->b;
  if (!n->a)
    {
      /* #B alone is one unit.  */
      n->a = ast_new (&c->ar, A_INT, n->src, u->loc);
      n->a->lit = val_int (type_int (32, true), 1);
    }
  n->a = check_expr (c, n->a);
  if (!is_int (n->a->type))
    ck_error_at (c, n->a, "expected integer expression in offset");
  uint64_t unit = 0;
  if (u->name)
    {
      sym *s = ck_lookup (c, u->name, SYM_UNIT);
      if (s)
        unit = s->unit;
      else if (!type_unit_lookup (u->name, &unit))
        {
          sym *ts = ck_lookup (c, u->name, SYM_TYPE);
          if (!ts)
            ck_error_at (c, u, "invalid unit in offset");
          if (!type_complete (ts->type))
            ck_error_at (c, u, "offsets only work on complete types");
          unit = type_size (ts->type);
        }
    }
  else if (u->b)
    {
      type *t = ck_resolve_type (c, u->b);
      if (!type_complete (t))
        ck_error_at (c, u, "offsets only work on complete types");
      unit = type_size (t);
    }
  else
    {
      u->a = check_expr (c, u->a);
      if (!u->a->is_const || !is_int (u->a->type))
        ck_error_at (c, u, "expected a constant integral unit");
      unit = u->a->lit.v.u;
    }
  if (unit == 0)
    ck_error_at (c, u, "the unit in offsets shall be bigger than zero");
  n->type = type_offset (n->a->type->name
                         ? type_int (n->a->type->u.i.size,
                                     n->a->type->u.i.sign)
                         : n->a->type, unit);
  if (n->a->is_const)
    {
      n->is_const = true;
      n->lit = val_int (n->type, n->a->lit.v.u);
    }
  return n;
}

/* An array literal.  */
static ast *
check_array (compiler *c, ast *n)
{
  type *et = NULL;
  for (int i = 0; i < n->nkids; i++)
    {
      ast *el = n->kids[i];
      if (el->a)
        {
          el->a = check_expr (c, el->a);
          if (!el->a->is_const || !is_int (el->a->type))
            ck_error_at (c, el->a, "indexes in array initializers shall "
                         "be constant");
          if (el->a->type->u.i.sign && el->a->lit.v.i < 0)
            ck_error_at (c, el->a, "array dimensions may not be "
                         "negative");
          ck_coerce (c, &el->a, type_int (64, false));
        }
      el->b = check_rvalue (c, el->b);
      type *t = el->b->type;
      if (!et)
        et = t;
      else if (!type_equal (et, t) || !ck_same_repr (et, t)
               || (et->kind == TY_ARRAY && t->kind == TY_ARRAY
                   && !ck_array_types_equal (et, t)))
        ck_error_at (c, n, "array initializers should be of the same "
                     "type");
    }
  if (!et)
    et = type_any;
  for (int i = 0; i < n->nkids; i++)
    ck_coerce (c, &n->kids[i]->b, et);
  n->type = type_array (et, NULL, false);
  n->type->u.a.bound_const = true;
  n->type->u.a.nelem = (uint64_t) n->nkids;
  return n;
}

static ast *
check_struct_cons (compiler *c, ast *n)
{
  type *t = ck_resolve_type (c, n->a);
  if (t->kind != TY_STRUCT)
    ck_error_at (c, n->a, "expected struct type in constructor");
  if (t->u.s.is_union && n->nkids > 1)
    ck_error_at (c, n, "union constructors require exactly one field "
                 "initializer");
  for (int i = 0; i < n->nkids; i++)
    {
      ast *fi = n->kids[i];
      if (!fi->name)
        ck_error_at (c, fi->a, "anonymous initializer in struct "
                     "constructor");
      int idx = -1;
      for (int j = 0; j < t->u.s.nfields; j++)
        if (t->u.s.fields[j].name && !t->u.s.fields[j].computed
            && strcmp (t->u.s.fields[j].name, fi->name) == 0)
          idx = j;
      if (idx < 0)
        {
          ast where = *fi;
          where.end = fi->loc.pos + (int) strlen (fi->name);
          ck_error_at (c, &where, "invalid struct field `%s' in "
                       "constructor", fi->name);
        }
      for (int j = 0; j < i; j++)
        if (n->kids[j]->slot == idx)
          {
            ast where = *n->kids[j];
            where.end = n->kids[j]->a->end;
            ck_error_at (c, &where, "duplicated struct element '%s'",
                         fi->name);
          }
      fi->slot = idx;
      fi->a = check_rvalue (c, fi->a);
      type *ft = t->u.s.fields[idx].type;
      ck_int_wanted (c, &fi->a, ft);
      if (!type_assignable (ft, fi->a->type))
        {
          char what[300];
          snprintf (what, sizeof what, "invalid initializer for `%s' in "
                    "constructor", fi->name);
          ck_type_error (c, fi->a, what, ck_tname (ft), fi->a->type);
        }
      ck_coerce (c, &fi->a, ft);
    }
  n->type = t;
  return n;
}

/* format (), and printf (check_stmt).  */
static ast *
check_format (compiler *c, ast *n)
{
  const char *err = NULL;
  bool at_call = false;
  for (int i = 0; i < n->nkids; i++)
    n->kids[i] = check_expr (c, n->kids[i]);
  fmt *f = fmt_parse_call (n->a->name, (size_t) n->a->op, n->nkids,
                           &err, &at_call);
  if (!f)
    ck_error_at (c, at_call ? n : n->a, "%s",
                 err ? err : "invalid format string");
  n->aux = f;
  c->fmts = xrealloc (c->fmts, sizeof (fmt *) * (c->nfmts + 1));
  c->fmts[c->nfmts++] = f;
  int k = 0;
  for (int i = 0; i < f->npieces; i++)
    {
      fmt_piece *pc = &f->pieces[i];
      ast **arg;
      type *want;
      switch (pc->kind)
        {
        case FMT_INT:
        case FMT_FLOAT:
        case FMT_CHAR:
          arg = &n->kids[k++];
          want = type_int (pc->size, pc->sign);
          ck_int_wanted (c, arg, want);
          if (!is_int ((*arg)->type))
            ck_type_error (c, *arg, "invalid argument in format",
                           ck_tname (want), (*arg)->type);
          ck_coerce (c, arg, want);
          break;
        case FMT_STRING:
          arg = &n->kids[k++];
          if ((*arg)->type->kind != TY_STRING)
            ck_type_error (c, *arg, "invalid argument in format",
                           "string", (*arg)->type);
          break;
        case FMT_VALUE:
          arg = &n->kids[k++];
          pc->vfunction = (*arg)->type->kind == TY_FUNCTION;
          if ((*arg)->type->kind == TY_VOID)
            ck_type_error (c, *arg, "invalid argument in format",
                           "any", (*arg)->type);
          break;
        default:
          break;
        }
    }
  n->type = type_string;
  return n;
}

static ast *
check_incdec (compiler *c, ast *n)
{
  check_lvalue (c, n->a);
  ck_computed_access (c, n->a, false);
  ck_computed_access (c, n->a, true);
  type *t = n->a->type;
  if (!is_int (t) && !is_off (t))
    ck_type_error (c, n->a,
                   n->flag
                   ? (n->op == T_INC ? "invalid operand to preincrement"
                                     : "invalid operand to predecrement")
                   : (n->op == T_INC
                      ? "invalid operand to postincrement"
                      : "invalid operand to postdecrement"),
                   "integral or offset", t);
  n->type = t;
  return n;
}

static ast *
check_map (compiler *c, ast *n)
{
  type *t = ck_resolve_type (c, n->a);
  if (!type_mappable (t))
    ck_error_at (c, n->a, "specified type cannot be mapped");
  n->b = check_expr (c, n->b);
  if (!is_off (n->b->type))
    ck_type_error (c, n->b, "invalid argument to map operator", "offset",
                   n->b->type);
  if (n->c)
    {
      n->c = check_expr (c, n->c);
      if (!is_int (n->c->type))
        ck_type_error (c, n->c, "invalid IO space in map operator",
                       "integral", n->c->type);
    }
  n->type = t;
  return n;
}

/* The array operand of apush and apop.  */
static type *
stack_operand (compiler *c, ast *n)
{
  n->a = check_rvalue (c, n->a);
  type *t = n->a->type;
  if (t->kind != TY_ARRAY)
    ck_invalid_operand (c, n->a, "array");
  return t;
}

/* apush and apop (OP) change the length of their array, of type T: it
   must be unbounded.  */
static void
stack_unbounded (compiler *c, ast *n, const type *t, const char *op)
{
  if (t->u.a.bound || t->u.a.bound_const)
    {
      ast where = *n;             /* At the keyword.  */
      where.end = n->loc.pos + (int) strlen (op);
      ck_error_at (c, &where, "%s is not allowed on a bounded array", op);
    }
}

/* GNU poke 4.3 checks the element pushed before the array's bound.  */
static ast *
check_apush (compiler *c, ast *n)
{
  type *t = stack_operand (c, n);
  type *et = t->u.a.elem;
  n->b = check_rvalue (c, n->b);
  ck_int_wanted (c, &n->b, et);
  if (!type_assignable (et, n->b->type))
    ck_invalid_operand (c, n->b, ck_tname (et));
  stack_unbounded (c, n, t, "apush");
  ck_coerce (c, &n->b, et);
  n->type = t;
  return n;
}

static ast *
check_apop (compiler *c, ast *n)
{
  type *t = stack_operand (c, n);
  stack_unbounded (c, n, t, "apop");
  n->type = t->u.a.elem;
  return n;
}

static ast *
check_array_cons (compiler *c, ast *n)
{
  type *t = ck_resolve_type (c, n->a);
  if (t->kind != TY_ARRAY)
    ck_error_at (c, n->a, "expected an array type in constructor");
  for (int i = 0; i < n->nkids; i++)
    n->kids[i] = check_expr (c, n->kids[i]);
  if (n->nkids > 1)
    ck_error_at (c, n, "too many arguments to array constructor");
  if (n->nkids == 1)
    {
      if (!type_assignable (t->u.a.elem, n->kids[0]->type))
        ck_type_error (c, n->kids[0], "invalid initial value for array",
                       ck_tname (t->u.a.elem), n->kids[0]->type);
      ck_coerce (c, &n->kids[0], t->u.a.elem);
    }
  n->type = t;
  return n;
}

/* $<PART>: the id of the one IO space open now whose handler has PART
   in it, a constant, as GNU poke 4.3 resolves it when compiling.  */
static ast *
check_iosref (compiler *c, ast *n)
{
  ios *io = ios_find_part (n->name);
  if (!io)
    ck_error_at (c, n, "invalid IO space");
  n->lit = val_int (type_int (32, true), (uint64_t) ios_id (io));
  n->name = NULL;
  n->type = n->lit.t;
  n->is_const = true;
  return n;
}

ast *
check_expr (compiler *c, ast *n)
{
  switch (n->kind)
    {
    case A_INT:
      if (n->name)
        return check_iosref (c, n);
      n->type = n->lit.t;
      n->is_const = true;
      return n;
    case A_STR:
      return check_str (c, n);
    case A_VAR:
      return check_var (c, n);
    case A_BINOP:
      return check_binop (c, n);
    case A_AND:
    case A_OR:
    case A_IMPLIES:
      return check_logical (c, n);
    case A_UNOP:
      return check_unop (c, n);
    case A_COND:
      return check_ternary (c, n);
    case A_EXCCOND:
      return check_exccond (c, n);
    case A_CAST:
      return check_cast (c, n);
    case A_ISA:
      return check_isa (c, n);
    case A_SIZEOF:
      return check_sizeof (c, n);
    case A_TYPEOF:
      return check_typeof (c, n);
    case A_CALL:
      return check_call (c, n);
    case A_INDEX:
      return check_index (c, n);
    case A_TRIM:
      return check_trim (c, n);
    case A_ATTR:
      return check_attr (c, n);
    case A_MEMBER:
      return check_member (c, n);
    case A_OFFSET:
      return check_offset (c, n);
    case A_ARRAY:
      return check_array (c, n);
    case A_STRUCTCONS:
      return check_struct_cons (c, n);
    case A_LAMBDA:
      check_func (c, n->a);
      n->type = n->a->type;
      return n;
    case A_FORMAT:
      return check_format (c, n);
    case A_INCDEC:
      return check_incdec (c, n);
    case S_UNMAP:
    case A_REMAP:
      n->a = check_expr (c, n->a);
      n->type = n->a->type;
      return n;
    case A_MAP:
      return check_map (c, n);
    case A_ARRCONS:
      return check_array_cons (c, n);
    case A_APUSH:
      return check_apush (c, n);
    case A_APOP:
      return check_apop (c, n);
    default:
      ck_error_at (c, n, "unexpected %s in expression",
                   ast_kind_name (n->kind));
    }
  return n;
}

/* L-values.  */

/* A method assigns to a field F of its struct by F's bare name: make the
   l-value SELF.F, so that the assignment takes the path of any other
   assignment to a field (constraints checked, written to the IO space
   when the struct is mapped).  N is the resolved A_VAR.  */
static void
field_as_member (compiler *c, ast *n, type *owner)
{
  ast *self = ast_new (&c->ar, A_SELF, n->src, n->loc);
  self->end = n->end;
  self->type = owner;
  self->depth = n->depth;
  /* Where fields may overlap, which of them the method assigned
     decides what the struct's bytes become: a slot of the method's
     frame records them (see map_assign_member).  */
  if (n->depth == 1 && (owner->u.s.pinned || owner->u.s.has_labels))
    {
      if (!c->fn->assigned_slot)
        c->fn->assigned_slot = 1 + c->fn->nslots++;
      self->op = c->fn->assigned_slot;
    }
  n->kind = A_MEMBER;
  n->a = self;
  n->flag = false;
}

/* A ::: B as an l-value (GNU poke 4.3's bit assignments): A and B are
   integral l-values, which get the high and the low bits of the value
   assigned.  */
static void
check_bconc_lvalue (compiler *c, ast *n)
{
  check_lvalue (c, n->a);
  if (!is_int (n->a->type))
    ck_invalid_operand (c, n->a, "integral");
  check_lvalue (c, n->b);
  if (!is_int (n->b->type))
    ck_invalid_operand (c, n->b, "integral");
  check_bconc (c, n);
}

/* Whether the checked expression B, whose element or field is
   assigned, names a place: a variable, a map, or an element or field
   of one, as GNU poke has it.  A value made by a call (a method's
   included), a constructor, a literal or a trim is not one: assigning
   into it would change what it shares with a place (s.get.x = 2 wrote
   s's field).  */
static bool
lvalue_base (const ast *b)
{
  switch (b->kind)
    {
    case A_VAR:
    case A_SELF:
    case A_MAP:
      return true;
    case A_INDEX:
      return lvalue_base (b->a);
    case A_MEMBER:
      return !b->flag && lvalue_base (b->a);
    default:
      return false;
    }
}

void
check_lvalue (compiler *c, ast *n)
{
  switch (n->kind)
    {
    case A_VAR:
      {
        sym *s = ck_lookup (c, n->name, SYM_VAR);
        if (!s)
          ck_error_at (c, n, "undefined variable '%s'", n->name);
        if (s->is_fun)
          ck_error_at (c, n, "invalid l-value in assignment");
        if (s->is_field && !c->fn->method)
          ck_error_at (c, n, "invalid assignment to struct field");
        s->used = true;
        n->type = s->type;
        n->slot = s->slot;
        n->depth = s->level < 0 ? -1 : c->level - s->level;
        if (s->is_field)
          field_as_member (c, n, s->owner);
        else if (s->level >= 0)
          n->aux = ck_read_by_type (c, s);
        return;
      }
    case A_INDEX:
      n->a = check_expr (c, n->a);
      if (n->a->type->kind != TY_ARRAY || !lvalue_base (n->a))
        ck_error_at (c, n, "invalid l-value in assignment");
      check_index_operand (c, n);
      n->type = n->a->type->u.a.elem;
      return;
    case A_MEMBER:
      check_member_1 (c, n, true);
      if (n->flag || !lvalue_base (n->a))
        ck_error_at (c, n, "invalid l-value in assignment");
      return;
    case A_MAP:
      check_expr (c, n);
      return;
    case A_BINOP:
      if (n->op == T_BCONC)
        {
          check_bconc_lvalue (c, n);
          return;
        }
      /* Fall through.  */
    default:
      ck_error_at (c, n, "invalid l-value in assignment");
    }
}
