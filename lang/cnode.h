/* cnode.h -- the compiled form of statements, shared by compile.c,
   which builds it and runs it as closures, and jit.c, which turns it
   into machine code.  Private to the language library.  */

#ifndef BPOKE_CNODE_H
#define BPOKE_CNODE_H

#include "eval.h"

typedef struct cnode cnode;

/* An integral expression's value (its normalized bits), any
   expression's value, and a statement's status.  */
typedef uint64_t (*ei_fn) (vm *, pk_frame *, const cnode *);
typedef val (*ev_fn) (vm *, pk_frame *, const cnode *);
typedef vm_status (*ex_fn) (vm *, pk_frame *, const cnode *);

/* How a parent reads an expression operand's bits (see opnd).  */
enum
{
  OPK_CALL,             /* Call ei.  */
  OPK_CONST,            /* The constant k.  */
  OPK_LOCAL,            /* Slot `slot' of the current frame.  */
  OPK_GLOBAL            /* Slot `slot' of the global frame.  */
};

/* What an expression node's ei computes, for jit.c (JE_CALL: whatever
   ei does, which jit.c calls).  Operands are a, b, c; the width and
   signedness are size and sign.  */
enum
{
  JE_CALL,
  JE_BINOP,             /* bop of a and b (BOP_*).  */
  JE_ANDAND, JE_OROR, JE_IMPLIES,
  JE_NOT, JE_COMPL, JE_NEG, JE_CAST,
  JE_COND,              /* a ? b : c.  */
  JE_INCDEC             /* ++/-- on variable a, adding k.  */
};

/* The binary operators with both operands of the same integral type;
   comparisons give 0 or 1.  */
enum
{
  BOP_ADD, BOP_SUB, BOP_MUL, BOP_DIV, BOP_MOD,
  BOP_AND, BOP_IOR, BOP_XOR,
  BOP_EQ, BOP_NE, BOP_LT, BOP_GT, BOP_LE, BOP_GE
};

/* What a statement node's ex does (JX_CALL: whatever ex does).  */
enum
{
  JX_CALL,
  JX_NOP, JX_BREAK, JX_CONTINUE,
  JX_EXPR_I,            /* Evaluate integral a for its effects.  */
  JX_ASSIGN_LOCAL_I,    /* Slot `slot' = integral b, of type b->t.  */
  JX_ASSIGN_GLOBAL_I,   /* The same in the global frame.  */
  JX_VAR_LOCAL_I,       /* Slot `slot' = integral a, of type a->t.  */
  JX_IF,                /* if (a) b else c.  */
  JX_BLOCK,             /* kids.  */
  JX_WHILE,             /* while (a) b.  */
  JX_FOR,               /* for (a; b; c) d.  */
  JX_INC_LOCAL,         /* Slot `slot' += k, checked or wrapped.  */
  JX_INC_GLOBAL
};

struct cnode
{
  ei_fn ei;             /* Expressions: the bits of the value.  */
  ev_fn ev;             /* Expressions: the value.  */
  ex_fn ex;             /* Statements.  */
  uint8_t opk;          /* OPK_*.  */
  uint8_t je;           /* JE_*: what ei computes.  */
  uint8_t jx;           /* JX_*: what ex does.  */
  uint8_t bop;          /* BOP_*, for JE_BINOP.  */
  bool sign;            /* Operands' signedness.  */
  uint8_t size;         /* Operands' width.  */
  uint8_t sh;           /* 64 - size: signed results fit if they survive
                           a shift left and back by it.  */
  int slot, depth;      /* Variables.  */
  uint64_t k;           /* Constant; arith_op; what ++ adds.  */
  uint64_t m;           /* Mask of the width (unsigned results).  */
  type *t;              /* Result type of integral nodes.  */
  ast *n;               /* The node, for the tree walker and messages.  */
  cnode *a, *b, *c, *d;
  cnode **kids;
  int nkids;
  vm_status (*native) (vm *, pk_frame *);  /* Roots: from jit.c.  */
};

/* Raise E_overflow, E_div_by_zero, and E_signal for a Ctrl-C (which
   is then cleared): the closures' and the machine code's exits.  */
_Noreturn void cnode_overflow (vm *v);
_Noreturn void cnode_div_by_zero (vm *v);
_Noreturn void cnode_interrupted (vm *v);

#endif
