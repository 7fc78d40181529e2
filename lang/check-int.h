/* check-int.h -- what the checker's files (lang/check-*.c) share: the
   compiler's state, symbols, the frame being filled, and the helpers
   each file offers the others.  Private to the checker; the rest of the
   library sees check.h.

   The checker makes one pass over the AST.  Every variable reference
   gets (depth, slot): depth -1 is the global frame, otherwise the number
   of frames to walk up from the current one.  Each function (and each
   top-level command) has one frame; blocks inside it allocate further
   slots of that frame, so that entering a block costs nothing at run
   time.

   Implicit conversions are made explicit: where GNU poke promotes an
   operand or converts an argument, the checker wraps the node in an
   A_CAST, so the evaluator never decides types.

   An error longjmps out of the whole check (compiler.jb).  Helpers
   shared between the files are prefixed ck_ (check_ for those that
   check a node), so that no generic name leaves the checker.  */

#ifndef BPOKE_CHECK_INT_H
#define BPOKE_CHECK_INT_H

#include <setjmp.h>

#include "check.h"
#include "print.h"

/* The checker does not see the evaluator (see pkffi-decl.h).  */
#ifdef BPOKE_EVAL_H
# error "the checker must not include eval.h"
#endif

typedef enum sym_kind
{
  SYM_VAR,
  SYM_TYPE,
  SYM_UNIT
} sym_kind;

typedef struct sym
{
  struct sym *next;             /* Scope chain or hash bucket.  */
  const char *name;
  sym_kind kind;
  type *type;
  int level;                    /* -1 global, else function level.  */
  int slot;
  bool is_fun;                  /* Declared with `fun` (or builtin).  */
  bool is_method;               /* A struct type's method.  */
  bool is_field;                /* A struct type's field.  */
  bool used;                    /* Locals: referred to (a method's SELF
                                   is set only if it is).  */
  type *owner;                  /* Fields: the struct type.  */
  bool *read_by_type;           /* Locals: set when a struct type's code
                                   reads it (see type_level).  */
  uint64_t unit;                /* SYM_UNIT: bits.  */
  ast *fnast;                   /* Functions: the A_FUNC, for messages.  */
  const char *file;             /* Globals: where they were declared.  */
  int line;
  int ord;                      /* Globals: index in compiler.order.  */
  ast *lazy;                    /* Globals: the S_LAZY not yet compiled
                                   (then type is NULL).  */
  bool immutable;               /* Globals: declared `immutable', never
                                   declared again.  */
  bool bound_here;              /* Variables of an array type whose bound
                                   their initializer wrote (int[n] (),
                                   int[n] @ o, x as int[n]): the bound
                                   is evaluated in their frame.  */
} sym;

typedef struct fnctx
{
  struct fnctx *up;
  int nslots;
  type *ret;                    /* NULL for the top-level command.  */
  int loops;                    /* Enclosing loops, for break.  */
  struct sym *block;            /* c->locals when the innermost block (or
                                   struct type) began: the symbols before
                                   it in the chain are declared there.  */
  bool method;                  /* The body of a struct type's method.  */
  type *owner;                  /* The struct type whose body this is
                                   (for its methods' SELF), or NULL.  */
  int assigned_slot;            /* A method's: 1 + the slot recording
                                   the fields assigned by their bare
                                   names (see field_as_member), or 0.  */
} fnctx;

#define NBUCKETS 1024

struct compiler
{
  arena ar;
  sym *buckets[NBUCKETS];
  sym **order;                  /* Globals in declaration order.  */
  int norder, ordercap;
  int nglobals;
  fmt **fmts;                   /* Parsed formats, owned.  */
  int nfmts;

  /* State of the current check_program.  */
  ast *top;                     /* The top-level statement being checked.  */
  strbuf *err;
  jmp_buf jb;
  sym *locals;
  int level;
  fnctx *fn;
  bool next_is_method;          /* check_func: the function is a method.  */
  const char *next_type_name;   /* check_struct_type: the name it gets
                                   (type NAME = struct ...).  */
  int type_level;               /* The level of the innermost struct type
                                   being checked, or -2.  Its mapped values
                                   decode again when a local of a lower
                                   level that it reads changes.  */

  /* Lazy declarations (parse_lazy): compiled by LAZY_FN.  While one is,
     VIS is its index in ORDER, beyond which globals are not seen, and
     FILL its symbol, which its declaration fills in; else VIS is -1.  */
  bool (*lazy_fn) (void *ctx, const ast *decl);
  void *lazy_ctx;
  int vis;
  sym *fill;

  /* .set error-on-warning yes: a warning is an error.  */
  bool error_on_warning;
};

static inline bool
is_int (const type *t)
{
  return t->kind == TY_INT;
}

static inline bool
is_off (const type *t)
{
  return t->kind == TY_OFFSET;
}

/* Booleans are int<32>.  */
#define type_bool type_int (32, true)

/* Symbols and scopes (check-sym.c).  */

/* Declare NAME in the current scope (global at the top level).  */
sym *ck_local_add (compiler *c, const char *name, sym_kind kind, type *t);
sym *ck_global_add (compiler *c, const char *name, sym_kind kind, type *t);
/* At the top level, the declaration N (S_VAR, S_TYPE, S_UNIT, S_FUN,
   S_LAZY) of a name declared `immutable' is an error; S, the global it
   declared, is made immutable when N was.  */
void ck_immutable_check (compiler *c, const ast *n);
void ck_immutable_mark (compiler *c, const ast *n, sym *s);
void ck_global_rollback (compiler *c, int mark, int nglobals);
/* Declaring NAME (for N, of KIND; IS_FUN: a function or method) in the
   innermost block or struct type: an error if it already declares the
   name.  */
void ck_redefinition (compiler *c, const ast *n, const char *name,
                      sym_kind kind, bool is_fun);
/* The symbol NAME of KIND seen from here, or NULL; a lazy global is
   compiled first.  */
sym *ck_lookup (compiler *c, const char *name, sym_kind kind);
/* The type Exception, from the prelude.  */
type *ck_exception_type (compiler *c);
bool *ck_read_by_type (compiler *c, sym *s);
sym *ck_field_sym (compiler *c, const char *name, type *t, int k,
                   type *owner);

/* Diagnostics (check-diag.c).  The errors do not return.  */

_Noreturn void ck_error_at (compiler *c, const ast *n, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));
_Noreturn void ck_error_from (compiler *c, const ast *n, int pos,
                              const char *msg);
_Noreturn void ck_error_at_name (compiler *c, const ast *n,
                                 const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));
_Noreturn void ck_type_error (compiler *c, const ast *n, const char *what,
                              const char *expected, const type *got);
_Noreturn void ck_invalid_operand (compiler *c, ast *operand,
                                   const char *expected);
void ck_warning_at (compiler *c, const ast *n, const char *msg);
/* T as GNU poke writes it; the last four stay valid.  */
const char *ck_tname (const type *t);
/* Function type T as its arguments and return type, even when it is
   named after its function; valid until the next call.  */
const char *ck_fsig (const type *t);
/* N, but starting at byte POS of its source.  */
ast ck_at_pos (const ast *n, int pos);

/* Types (check-type.c).  */

/* The type denoted by the type node TN (kept in TN->type).  */
type *ck_resolve_type (compiler *c, ast *tn);
/* T, resolved UP function levels above where it is used (its arrays'
   bounds read their variables there).  */
type *ck_type_from_above (compiler *c, type *t, int up);
/* Check the lambdas of the closures of typeof N's Pk_Type for type T,
   into N's kids (check-typeof.c).  */
void ck_typeof_closures (compiler *c, ast *n, type *t);
bool ck_same_repr (const type *a, const type *b);
bool ck_array_types_equal (const type *a, const type *b);

/* Expressions (check-expr.c).  */

ast *check_expr (compiler *c, ast *n);
/* An expression whose value is used.  */
ast *check_rvalue (compiler *c, ast *n);
void check_lvalue (compiler *c, ast *n);
/* N is an A_MEMBER that reads (SET false) or assigns (SET) a struct
   field: if it is a computed one, its getter or setter must exist.  */
void ck_computed_access (compiler *c, const ast *n, bool set);
/* Conditions; WHAT is GNU poke's wording for where the condition is.
   check_if_cond's (if, loops) test the whole integer, check_cond's (?:,
   constraints, optional fields) only its low 32 bits.  */
void check_if_cond (compiler *c, ast **e, const char *what);
void check_cond (compiler *c, ast **e, const char *what);
void check_exception_operand (compiler *c, ast **e, const char *what);
/* Convert *E to type TO where the representation differs.  */
void ck_coerce (compiler *c, ast **e, type *to);
void ck_int_wanted (compiler *c, ast **e, const type *want);

/* Statements and functions (check-stmt.c).  */

void check_stmt (compiler *c, ast *n);
/* A function (also a lambda's, a method's): signature and body.  */
void check_func (compiler *c, ast *f);

#endif
