/* compile.c -- closure compilation of loops and function bodies.

   The tree walker (eval.c) decides at every node what the node is and
   what its operands are.  Here that is decided once: a statement is
   compiled into `cnode`s, each holding the C function that runs it and
   its operands resolved in advance, and integral expressions run
   unboxed, as bare 64-bit patterns, through functions specialised by
   operator and signedness.  Integral operands that are constants or
   variables are read inline by their parent (see `opnd`), saving a call.

   What is not specialised here runs through the tree walker (vm_eval,
   vm_exec, vm_assign) on its AST, so semantics stay the tree walker's:
   the fast paths below compute exactly what eval_binop and arith.c
   compute (signed overflow raises E_overflow, unsigned arithmetic wraps,
   division by zero raises E_div_by_zero, shifts and the rest go through
   arith_binop).  Only integers travel unboxed, and they need no rooting;
   composite values are produced by the tree walker and are stored or
   dropped at once, before anything can allocate.

   Compiled code is cached in the statement's `aux` (loops, blocks) and
   allocated in the VM's code arena; it depends only on the checked AST,
   which never changes once checked.  BPOKE_NOCOMPILE in the environment
   turns it all off (the tree walker alone), to compare the two.  */

#include "compile.h"

#include "arith.h"
#include "cnode.h"
#include "jit.h"

static cnode *compile_expr (vm *v, ast *n);
static cnode *compile_stmt (vm *v, ast *n);

static cnode *
cnode_new (vm *v, ast *n)
{
  cnode *c = arena_alloc (&v->code, sizeof *c);
  c->n = n;
  c->t = n->type;
  return c;
}

/* Operands.  */

static inline uint64_t
opnd (vm *v, pk_frame *f, const cnode *c)
{
  if (c->opk == OPK_LOCAL)
    return f->slots[c->slot].v.u;
  if (c->opk == OPK_CONST)
    return c->k;
  if (c->opk == OPK_GLOBAL)
    return v->globals->slots[c->slot].v.u;
  return c->ei (v, f, c);
}


static inline bool
sfits (int64_t r, int sh)
{
  return (int64_t) ((uint64_t) r << sh) >> sh == r;
}

_Noreturn void
cnode_overflow (vm *v)
{
  vm_raise_code (v, EC_OVERFLOW, NULL);
}

_Noreturn void
cnode_div_by_zero (vm *v)
{
  vm_raise_code (v, EC_DIV_BY_ZERO, NULL);
}

_Noreturn void
cnode_interrupted (vm *v)
{
  v->interrupted = 0;
  vm_raise_code (v, EC_SIGNAL, NULL);
}


static void
raise_arith (vm *v, arith_err e)
{
  switch (e)
    {
    case ARITH_EDIVZERO:
      cnode_div_by_zero (v);
    case ARITH_EOOB:
      vm_raise_code (v, EC_OUT_OF_BOUNDS, NULL);
    case ARITH_EOVERFLOW:
      cnode_overflow (v);
    default:
      break;
    }
}

/* Generic expressions: the tree walker, and conversions between the two
   views of a value.  */

static val
ev_walk (vm *v, pk_frame *f, const cnode *c)
{
  return vm_eval (v, f, c->n);
}

static uint64_t
ei_from_ev (vm *v, pk_frame *f, const cnode *c)
{
  return c->ev (v, f, c).v.u;
}

/* For nodes whose value always has the node's type.  */
static val
ev_from_ei (vm *v, pk_frame *f, const cnode *c)
{
  return val_int (c->t, c->ei (v, f, c));
}

static val
ev_const (vm *v, pk_frame *f, const cnode *c)
{
  (void) v;
  (void) f;
  return c->n->lit;
}

static uint64_t
ei_const (vm *v, pk_frame *f, const cnode *c)
{
  (void) v;
  (void) f;
  return c->k;
}

static val
ev_var (vm *v, pk_frame *f, const cnode *c)
{
  return vm_frame_at (v, f, c->depth)->slots[c->slot];
}

static uint64_t
ei_var (vm *v, pk_frame *f, const cnode *c)
{
  return vm_frame_at (v, f, c->depth)->slots[c->slot].v.u;
}

/* Integral binary operators, in one version for each way of reading
   the operands: E calls the operand's ei, L reads a slot of the current
   frame, G a global slot, K the constant.  The left operand is E, L or
   G; the right one E, L or K.  */

#define OPND_E(x) c->x->ei (v, f, c->x)
#define OPND_L(x) f->slots[c->x->slot].v.u
#define OPND_G(x) v->globals->slots[c->x->slot].v.u
#define OPND_K(x) c->x->k

#define BINOP1(name, ka, kb, expr)                                      \
  static uint64_t                                                       \
  name##_##ka##kb (vm *v, pk_frame *f, const cnode *c)                  \
  {                                                                     \
    uint64_t a = OPND_##ka (a);                                         \
    uint64_t b = OPND_##kb (b);                                         \
    (void) v;                                                           \
    (void) f;                                                           \
    expr;                                                               \
  }

#define BINOP(name, expr)                                               \
  BINOP1 (name, E, E, expr) BINOP1 (name, E, L, expr)                   \
  BINOP1 (name, E, K, expr) BINOP1 (name, L, E, expr)                   \
  BINOP1 (name, L, L, expr) BINOP1 (name, L, K, expr)                   \
  BINOP1 (name, G, E, expr) BINOP1 (name, G, L, expr)                   \
  BINOP1 (name, G, K, expr)                                             \
  static const ei_fn name[3][3] = {                                     \
    { name##_EE, name##_EL, name##_EK },                                \
    { name##_LE, name##_LL, name##_LK },                                \
    { name##_GE, name##_GL, name##_GK } };

#define SCHECKED(name, builtin)                                         \
  BINOP (name, int64_t r;                                               \
         if (__builtin_##builtin##_overflow ((int64_t) a, (int64_t) b, &r) \
             || !sfits (r, c->sh))                                      \
           cnode_overflow (v);                                          \
         return (uint64_t) r)

SCHECKED (ei_add_s, add)
SCHECKED (ei_sub_s, sub)
SCHECKED (ei_mul_s, mul)
BINOP (ei_add_u, return (a + b) & c->m)
BINOP (ei_sub_u, return (a - b) & c->m)
BINOP (ei_mul_u, return (a * b) & c->m)

static inline int64_t
smin (const cnode *c)
{
  return INT64_MIN >> c->sh;
}

/* MIN / -1 and MIN % -1 overflow (see arith.c).  */
BINOP (ei_div_s,
       if (b == 0) cnode_div_by_zero (v);
       if ((int64_t) b == -1 && (int64_t) a == smin (c)) cnode_overflow (v);
       return (uint64_t) ((int64_t) a / (int64_t) b))
BINOP (ei_mod_s,
       if (b == 0) cnode_div_by_zero (v);
       if ((int64_t) b == -1)
         {
           if ((int64_t) a == smin (c))
             cnode_overflow (v);
           return 0;
         }
       return (uint64_t) ((int64_t) a % (int64_t) b))
BINOP (ei_div_u, if (b == 0) cnode_div_by_zero (v); return a / b)
BINOP (ei_mod_u, if (b == 0) cnode_div_by_zero (v); return a % b)

/* Bitwise operators on normalized operands give normalized results.  */
BINOP (ei_and, return a & b)
BINOP (ei_ior, return a | b)
BINOP (ei_xor, return a ^ b)

BINOP (ei_eq, return a == b)
BINOP (ei_ne, return a != b)
BINOP (ei_lt_s, return (int64_t) a < (int64_t) b)
BINOP (ei_gt_s, return (int64_t) a > (int64_t) b)
BINOP (ei_le_s, return (int64_t) a <= (int64_t) b)
BINOP (ei_ge_s, return (int64_t) a >= (int64_t) b)
BINOP (ei_lt_u, return a < b)
BINOP (ei_gt_u, return a > b)
BINOP (ei_le_u, return a <= b)
BINOP (ei_ge_u, return a >= b)

/* The other operators, through arith.c; k holds the arith_op, and the
   right operand's type is its own (shift counts, exponents).  */
static uint64_t
ei_arith (vm *v, pk_frame *f, const cnode *c)
{
  uint64_t a = opnd (v, f, c->a);
  uint64_t b = opnd (v, f, c->b);
  uint64_t r;
  const type *bt = c->n->b->type;
  arith_err e = arith_binop ((arith_op) c->k, a, b, c->size, c->sign,
                             bt->u.i.size, bt->u.i.sign, &r);
  if (e != ARITH_OK)
    raise_arith (v, e);
  return r;
}

static uint64_t
ei_andand (vm *v, pk_frame *f, const cnode *c)
{
  return opnd (v, f, c->a) && opnd (v, f, c->b);
}

static uint64_t
ei_oror (vm *v, pk_frame *f, const cnode *c)
{
  return opnd (v, f, c->a) || opnd (v, f, c->b);
}

static uint64_t
ei_implies (vm *v, pk_frame *f, const cnode *c)
{
  return !opnd (v, f, c->a) || opnd (v, f, c->b);
}

/* Unary operators.  */

static uint64_t
ei_not (vm *v, pk_frame *f, const cnode *c)
{
  return opnd (v, f, c->a) == 0;
}

static uint64_t
ei_compl (vm *v, pk_frame *f, const cnode *c)
{
  return arith_not (opnd (v, f, c->a), c->size, c->sign);
}

static uint64_t
ei_neg (vm *v, pk_frame *f, const cnode *c)
{
  uint64_t r;
  if (arith_neg (opnd (v, f, c->a), c->size, c->sign, &r))
    cnode_overflow (v);
  return r;
}

static uint64_t
ei_cast (vm *v, pk_frame *f, const cnode *c)
{
  return arith_norm (opnd (v, f, c->a), c->size, c->sign);
}

/* Conditional expressions return the chosen operand's own value.  */

static uint64_t
ei_cond (vm *v, pk_frame *f, const cnode *c)
{
  return opnd (v, f, c->a) ? opnd (v, f, c->b) : opnd (v, f, c->c);
}

static val
ev_cond (vm *v, pk_frame *f, const cnode *c)
{
  return opnd (v, f, c->a) ? c->b->ev (v, f, c->b) : c->c->ev (v, f, c->c);
}

/* ++ and -- on an integral variable: the variable keeps its value's
   type, as the tree walker's assignment does.  k is what is added: the
   1 converted to the type (-1 for int<1>), negated for --.  */

static inline val *
var_ref (vm *v, pk_frame *f, const cnode *lv)
{
  return &vm_frame_at (v, f, lv->depth)->slots[lv->slot];
}

static inline uint64_t
incdec_s (vm *v, const cnode *c, val *p)
{
  int64_t r;
  if (__builtin_add_overflow (p->v.i, (int64_t) c->k, &r)
      || !sfits (r, c->sh))
    cnode_overflow (v);
  return p->v.u = (uint64_t) r;
}

static inline uint64_t
incdec_u (const cnode *c, val *p)
{
  return p->v.u = (p->v.u + c->k) & c->m;
}

static uint64_t
ei_incdec (vm *v, pk_frame *f, const cnode *c)
{
  val *p = var_ref (v, f, c->a);
  uint64_t old = p->v.u;
  uint64_t r = c->sign ? incdec_s (v, c, p) : incdec_u (c, p);
  if (c->a->depth < 0)
    vm_global_written (v, c->a->slot);
  return c->n->flag ? r : old;
}

static val
ev_incdec (vm *v, pk_frame *f, const cnode *c)
{
  type *t = var_ref (v, f, c->a)->t;
  return val_int (t, ei_incdec (v, f, c));
}

/* The same as statements, on a local or a global.  */

static vm_status
ex_inc_local_s (vm *v, pk_frame *f, const cnode *c)
{
  incdec_s (v, c, &f->slots[c->slot]);
  return ST_NORMAL;
}

static vm_status
ex_inc_local_u (vm *v, pk_frame *f, const cnode *c)
{
  (void) v;
  incdec_u (c, &f->slots[c->slot]);
  return ST_NORMAL;
}

static vm_status
ex_inc_global_s (vm *v, pk_frame *f, const cnode *c)
{
  (void) f;
  incdec_s (v, c, &v->globals->slots[c->slot]);
  vm_global_written (v, c->slot);
  return ST_NORMAL;
}

static vm_status
ex_inc_global_u (vm *v, pk_frame *f, const cnode *c)
{
  (void) f;
  incdec_u (c, &v->globals->slots[c->slot]);
  vm_global_written (v, c->slot);
  return ST_NORMAL;
}

static uint64_t
mask (int size)
{
  return size >= 64 ? ~UINT64_C (0) : (UINT64_C (1) << size) - 1;
}

static void
set_int (cnode *c, const type *t)
{
  c->size = (uint8_t) t->u.i.size;
  c->sign = t->u.i.sign;
  c->sh = (uint8_t) (64 - t->u.i.size);
  c->m = mask (t->u.i.size);
}

static bool
is_int (const ast *n)
{
  return n->type && n->type->kind == TY_INT;
}

static cnode *
compile_binop (vm *v, ast *n, cnode *c)
{
  if (!is_int (n) || !is_int (n->a) || !is_int (n->b))
    return NULL;
  /* Operands are converted to the result type for arithmetic, to a
     common type for comparisons (whose result is int<32>).  */
  bool cmp = n->op == T_EQ || n->op == T_NE || n->op == T_LT
             || n->op == T_GT || n->op == T_LE || n->op == T_GE;
  set_int (c, cmp ? n->a->type : n->type);
  bool s = c->sign;
  const ei_fn (*tab)[3] = NULL;
  arith_op aop;
  switch (n->op)
    {
    case T_PLUS: tab = s ? ei_add_s : ei_add_u; c->bop = BOP_ADD; break;
    case T_MINUS: tab = s ? ei_sub_s : ei_sub_u; c->bop = BOP_SUB; break;
    case T_STAR: tab = s ? ei_mul_s : ei_mul_u; c->bop = BOP_MUL; break;
    case T_SLASH: tab = s ? ei_div_s : ei_div_u; c->bop = BOP_DIV; break;
    case T_PERCENT: tab = s ? ei_mod_s : ei_mod_u; c->bop = BOP_MOD; break;
    case T_AMP: tab = ei_and; c->bop = BOP_AND; break;
    case T_PIPE: tab = ei_ior; c->bop = BOP_IOR; break;
    case T_CARET: tab = ei_xor; c->bop = BOP_XOR; break;
    case T_EQ: tab = ei_eq; c->bop = BOP_EQ; break;
    case T_NE: tab = ei_ne; c->bop = BOP_NE; break;
    case T_LT: tab = s ? ei_lt_s : ei_lt_u; c->bop = BOP_LT; break;
    case T_GT: tab = s ? ei_gt_s : ei_gt_u; c->bop = BOP_GT; break;
    case T_LE: tab = s ? ei_le_s : ei_le_u; c->bop = BOP_LE; break;
    case T_GE: tab = s ? ei_ge_s : ei_ge_u; c->bop = BOP_GE; break;
    case T_CEILDIV: aop = AR_CEILDIV; goto arith;
    case T_POW: aop = AR_POW; goto arith;
    case T_LSHIFT: aop = AR_SHL; goto arith;
    case T_RSHIFT: aop = AR_SHR;
    arith:
      c->k = aop;
      break;
    default:
      return NULL;
    }
  /* Same widths and signedness on both sides, except for the operators
     whose right operand keeps its own type.  */
  if (tab && (n->a->type->u.i.size != n->b->type->u.i.size
              || n->a->type->u.i.sign != n->b->type->u.i.sign))
    return NULL;
  c->a = compile_expr (v, n->a);
  c->b = compile_expr (v, n->b);
  c->ev = ev_from_ei;
  if (!tab)
    {
      c->ei = ei_arith;
      return c;
    }
  int ka = c->a->opk == OPK_LOCAL ? 1 : c->a->opk == OPK_GLOBAL ? 2 : 0;
  int kb = c->b->opk == OPK_LOCAL ? 1 : c->b->opk == OPK_CONST ? 2 : 0;
  c->ei = tab[ka][kb];
  c->je = JE_BINOP;
  return c;
}

static cnode *
compile_expr (vm *v, ast *n)
{
  cnode *c = cnode_new (v, n);
  c->opk = OPK_CALL;
  c->ev = ev_walk;
  c->ei = ei_from_ev;
  /* The nodes the tree walker answers with their literal.  */
  if (n->kind == A_INT || n->kind == A_STR || n->kind == A_SIZEOF
      || (n->is_const && (n->kind == A_BINOP || n->kind == A_UNOP
                          || n->kind == A_AND || n->kind == A_OR
                          || n->kind == A_CAST || n->kind == A_OFFSET)))
    {
      c->ev = ev_const;
      if (n->lit.t && n->lit.t->kind == TY_INT)
        {
          c->ei = ei_const;
          c->opk = OPK_CONST;
          c->k = n->lit.v.u;
        }
      return c;
    }
  switch (n->kind)
    {
    case A_VAR:
      /* Mapped values (see vm_fresh) and absent fields (E_elem) need
         the tree walker.  */
      if (n->flag || !n->type || n->type->kind == TY_STRUCT
          || n->type->kind == TY_ARRAY || n->type->kind == TY_ANY)
        return c;
      c->depth = n->depth;
      c->slot = n->slot;
      c->ev = ev_var;
      c->ei = ei_var;
      if (n->depth == 0)
        c->opk = OPK_LOCAL;
      else if (n->depth < 0)
        c->opk = OPK_GLOBAL;
      return c;
    case A_BINOP:
      compile_binop (v, n, c);
      return c;
    case A_AND:
    case A_OR:
    case A_IMPLIES:
      c->ei = n->kind == A_AND ? ei_andand
              : n->kind == A_OR ? ei_oror : ei_implies;
      c->je = n->kind == A_AND ? JE_ANDAND
              : n->kind == A_OR ? JE_OROR : JE_IMPLIES;
      c->ev = ev_from_ei;
      c->a = compile_expr (v, n->a);
      c->b = compile_expr (v, n->b);
      return c;
    case A_UNOP:
      if (!is_int (n) || !is_int (n->a))
        return c;
      set_int (c, n->a->type);
      switch (n->op)
        {
        case T_BANG: c->ei = ei_not; c->je = JE_NOT; break;
        case T_TILDE: c->ei = ei_compl; c->je = JE_COMPL; break;
        case T_MINUS: c->ei = ei_neg; c->je = JE_NEG; break;
        default: return c;      /* Unary plus: the operand itself.  */
        }
      c->ev = ev_from_ei;
      c->a = compile_expr (v, n->a);
      return c;
    case A_CAST:
      if (!is_int (n) || !is_int (n->a))
        return c;
      set_int (c, n->type);
      c->ei = ei_cast;
      c->je = JE_CAST;
      c->ev = ev_from_ei;
      c->a = compile_expr (v, n->a);
      return c;
    case A_COND:
      c->a = compile_expr (v, n->a);
      c->b = compile_expr (v, n->b);
      c->c = compile_expr (v, n->c);
      c->ev = ev_cond;
      if (is_int (n->b) && is_int (n->c))
        {
          c->ei = ei_cond;
          c->je = JE_COND;
        }
      return c;
    case A_INCDEC:
      if (n->a->kind != A_VAR || !is_int (n->a) || vm_read_by_type (n->a))
        return c;
      set_int (c, n->a->type);
      c->k = arith_norm (1, c->size, c->sign);
      if (n->op == T_DEC)
        c->k = -c->k;
      c->a = compile_expr (v, n->a);
      c->ei = ei_incdec;
      c->je = JE_INCDEC;
      c->ev = ev_incdec;
      return c;
    default:
      return c;
    }
}

/* Statements.  */

static inline void
check_interrupt (vm *v)
{
  if (v->interrupted)
    cnode_interrupted (v);
}

static vm_status
ex_walk (vm *v, pk_frame *f, const cnode *c)
{
  return vm_exec (v, f, c->n);
}

static vm_status
ex_nop (vm *v, pk_frame *f, const cnode *c)
{
  (void) v;
  (void) f;
  (void) c;
  return ST_NORMAL;
}

static vm_status
ex_break (vm *v, pk_frame *f, const cnode *c)
{
  (void) v;
  (void) f;
  (void) c;
  return ST_BREAK;
}

static vm_status
ex_continue (vm *v, pk_frame *f, const cnode *c)
{
  (void) v;
  (void) f;
  (void) c;
  return ST_CONTINUE;
}

static vm_status
ex_expr_i (vm *v, pk_frame *f, const cnode *c)
{
  c->a->ei (v, f, c->a);
  return ST_NORMAL;
}

static vm_status
ex_expr (vm *v, pk_frame *f, const cnode *c)
{
  c->a->ev (v, f, c->a);
  return ST_NORMAL;
}

/* An integral value stored with the type the tree walker's value would
   have: the node's, except where ev says otherwise.  */
static vm_status
ex_assign_local_i (vm *v, pk_frame *f, const cnode *c)
{
  uint64_t x = c->b->ei (v, f, c->b);
  f->slots[c->slot] = val_int (c->b->t, x);
  return ST_NORMAL;
}

static vm_status
ex_assign_global_i (vm *v, pk_frame *f, const cnode *c)
{
  uint64_t x = c->b->ei (v, f, c->b);
  v->globals->slots[c->slot] = val_int (c->b->t, x);
  vm_global_written (v, c->slot);
  return ST_NORMAL;
}

static vm_status
ex_assign_var (vm *v, pk_frame *f, const cnode *c)
{
  val x = c->b->ev (v, f, c->b);
  *var_ref (v, f, c) = x;
  if (c->depth < 0)
    vm_global_written (v, c->slot);
  return ST_NORMAL;
}

static vm_status
ex_assign (vm *v, pk_frame *f, const cnode *c)
{
  vm_assign (v, f, c->n, c->b->ev (v, f, c->b));
  return ST_NORMAL;
}

static vm_status
ex_if (vm *v, pk_frame *f, const cnode *c)
{
  if (opnd (v, f, c->a))
    return c->b->ex (v, f, c->b);
  if (c->c)
    return c->c->ex (v, f, c->c);
  return ST_NORMAL;
}

static vm_status
ex_block (vm *v, pk_frame *f, const cnode *c)
{
  for (int i = 0; i < c->nkids; i++)
    {
      const cnode *k = c->kids[i];
      vm_status st = k->ex (v, f, k);
      if (st != ST_NORMAL)
        return st;
    }
  return ST_NORMAL;
}

static vm_status
ex_while (vm *v, pk_frame *f, const cnode *c)
{
  while (opnd (v, f, c->a))
    {
      vm_status st = c->b->ex (v, f, c->b);
      if (st == ST_BREAK)
        break;
      if (st == ST_RETURN)
        return st;
      check_interrupt (v);
    }
  return ST_NORMAL;
}

static vm_status
ex_for (vm *v, pk_frame *f, const cnode *c)
{
  if (c->a)
    c->a->ex (v, f, c->a);
  while (!c->b || opnd (v, f, c->b))
    {
      vm_status st = c->d->ex (v, f, c->d);
      if (st == ST_BREAK)
        break;
      if (st == ST_RETURN)
        return st;
      if (c->c)
        c->c->ex (v, f, c->c);
      check_interrupt (v);
    }
  return ST_NORMAL;
}

/* The counting loop for (...; i < K; i++) on a signed local i, the
   test and the step done inline.  */
static vm_status
ex_for_count (vm *v, pk_frame *f, const cnode *c)
{
  const cnode *step = c->c;
  val *i = &f->slots[step->slot];
  int64_t lim = (int64_t) c->b->b->k;
  if (c->a)
    c->a->ex (v, f, c->a);
  while (i->v.i < lim)
    {
      vm_status st = c->d->ex (v, f, c->d);
      if (st == ST_BREAK)
        break;
      if (st == ST_RETURN)
        return st;
      incdec_s (v, step, i);
      check_interrupt (v);
    }
  return ST_NORMAL;
}

static vm_status
ex_var_local (vm *v, pk_frame *f, const cnode *c)
{
  f->slots[c->slot] = c->a->ev (v, f, c->a);
  return ST_NORMAL;
}

/* Whether expression C's value is always val_int (C->t, its ei): then
   a statement can store its bits with that type.  */
static bool
int_valued (const cnode *c)
{
  return c->ev == ev_from_ei
         || (c->opk == OPK_CONST && c->ev == ev_const
             && c->n->lit.t == c->t);
}

static cnode *
compile_stmt (vm *v, ast *n)
{
  cnode *c = cnode_new (v, n);
  c->ex = ex_walk;
  switch (n->kind)
    {
    case S_NULL:
      c->ex = ex_nop;
      c->jx = JX_NOP;
      return c;
    case S_BREAK:
      c->ex = ex_break;
      c->jx = JX_BREAK;
      return c;
    case S_CONTINUE:
      c->ex = ex_continue;
      c->jx = JX_CONTINUE;
      return c;
    case S_EXPR:
      c->a = compile_expr (v, n->a);
      c->ex = c->a->ei != ei_from_ev ? ex_expr_i : ex_expr;
      if (c->ex == ex_expr_i)
        c->jx = JX_EXPR_I;
      if (c->a->ei == ei_incdec && c->a->a->depth <= 0)
        {
          /* The statement i++: update the variable in place.  */
          cnode *x = c->a;
          x->slot = x->a->slot;
          if (x->a->depth == 0)
            x->ex = x->sign ? ex_inc_local_s : ex_inc_local_u;
          else
            x->ex = x->sign ? ex_inc_global_s : ex_inc_global_u;
          x->jx = x->a->depth == 0 ? JX_INC_LOCAL : JX_INC_GLOBAL;
          return x;
        }
      return c;
    case S_VAR:
      if (n->depth < 0)
        return c;               /* Globals may grow the global frame.  */
      c->slot = n->slot;
      c->a = compile_expr (v, n->a);
      c->ex = ex_var_local;
      if (int_valued (c->a))
        c->jx = JX_VAR_LOCAL_I;
      return c;
    case S_ASSIGN:
      c->b = compile_expr (v, n->b);
      if (n->a->kind != A_VAR || vm_read_by_type (n->a) || n->flag)
        {
          c->ex = ex_assign;
          return c;
        }
      c->slot = n->a->slot;
      c->depth = n->a->depth;
      c->ex = ex_assign_var;
      /* Integral right-hand sides whose value has the node's type.  */
      if (int_valued (c->b))
        {
          if (n->a->depth == 0)
            {
              c->ex = ex_assign_local_i;
              c->jx = JX_ASSIGN_LOCAL_I;
            }
          else if (n->a->depth < 0)
            {
              c->ex = ex_assign_global_i;
              c->jx = JX_ASSIGN_GLOBAL_I;
            }
        }
      return c;
    case S_IF:
      c->a = compile_expr (v, n->a);
      c->b = compile_stmt (v, n->b);
      if (n->c)
        c->c = compile_stmt (v, n->c);
      c->ex = ex_if;
      c->jx = JX_IF;
      return c;
    case S_BLOCK:
      if (n->nkids == 1)
        return compile_stmt (v, n->kids[0]);
      c->nkids = n->nkids;
      c->kids = arena_alloc (&v->code, sizeof (cnode *) * (n->nkids + 1));
      for (int i = 0; i < n->nkids; i++)
        c->kids[i] = compile_stmt (v, n->kids[i]);
      c->ex = ex_block;
      c->jx = JX_BLOCK;
      return c;
    case S_WHILE:
      c->a = compile_expr (v, n->a);
      c->b = compile_stmt (v, n->b);
      c->ex = ex_while;
      c->jx = JX_WHILE;
      return c;
    case S_FOR:
      if (n->a)
        c->a = compile_stmt (v, n->a);
      if (n->b)
        c->b = compile_expr (v, n->b);
      if (n->c)
        c->c = compile_stmt (v, n->c);
      c->d = compile_stmt (v, n->d);
      c->ex = ex_for;
      c->jx = JX_FOR;
      if (c->b && c->b->ei == ei_lt_s[1][2] && c->c
          && c->c->ex == ex_inc_local_s && c->c->slot == c->b->a->slot)
        c->ex = ex_for_count;
      return c;
    default:
      return c;
    }
}

vm_status
compile_run (vm *v, pk_frame *f, ast *n)
{
  cnode *c = n->aux;
  if (!c)
    {
      c = compile_stmt (v, n);
      if (!v->nojit)
        c->native = jit_compile (v, c);
      n->aux = c;
    }
  if (c->native)
    return c->native (v, f);
  return c->ex (v, f, c);
}
