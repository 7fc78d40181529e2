/* ast.h -- the abstract syntax tree.

   One node struct for every kind, with generic children: the kinds are
   few enough that a per-kind union would cost more in code than it saves
   in memory.  The parser fills the syntax; the checker fills `type`,
   resolution (depth/slot) and the other annotations; the evaluator only
   reads.  Nodes are allocated in the compiler's arena and live as long
   as the interpreter, since closures and types keep pointing at them.  */

#ifndef BPOKE_AST_H
#define BPOKE_AST_H

#include <stdbool.h>
#include <stdint.h>

#include "lex.h"
#include "type.h"
#include "util.h"
#include "value.h"

typedef enum ast_kind
{
#define AST(name) name,
#include "ast.def"
  A_NUM_KINDS
} ast_kind;

typedef struct ast ast;

/* Where a source text came from, for messages.  */
typedef struct source
{
  const char *filename;         /* "<stdin>" for the REPL and -c.  */
  const char *buf;
  size_t len;
  bool static_buf;              /* BUF is static storage, not freed.  */
} source;

struct ast
{
  ast_kind kind;
  loc_t loc;                    /* First character.  */
  loc_t sloc;                   /* Same, counting enclosing parentheses.  */
  int end;                      /* Byte position just past the node.  */
  const source *src;
  loc_t nloc;                   /* Where `name' is written, if it is.  */
  int nend;

  const char *name;             /* Identifier, field, attribute name.  */
  ast *a, *b, *c, *d;           /* Children, meaning per kind.  */
  ast **kids;                   /* Lists: statements, args, elements.  */
  int nkids;
  int op;                       /* Operator (tok_kind), attribute, flag.
                                   (Here, beside nkids, so that the node
                                   has no padding: 160 bytes.)  */
  val lit;                      /* Literals; the folded constant.  */

  /* Filled by the checker.  */
  type *type;                   /* Expression type / denoted type.  */
  int depth;                    /* Variables: frames up, -1 for global.  */
  int slot;                     /* Variables: slot in the frame.  */
  int nslots;                   /* Functions, commands: frame size.  */
  bool is_const;                /* lit holds the folded value.  */
  bool flag;                    /* Per-kind boolean (see ast.def).  */
  bool optional;                /* Function type arguments: `T?'.  */
  bool vararg;                  /* Function type arguments: `T...'.  */
  void *aux;                    /* Per-kind extra data (see ast.def).  */
};

/* What `op' holds where it is no operator (see ast.def).  */
enum
{
  AST_NOCALL = 1,               /* A_VAR, A_MEMBER: a reference that is
                                   not called implicitly (a parenthesized
                                   name, a callee).  */
  AST_PINNED = 1,               /* TN_STRUCT: a pinned struct.  */
  AST_IMMUTABLE = 1             /* S_VAR, S_TYPE, S_UNIT, S_FUN: declared
                                   `immutable'.  */
};

/* An A_TYPEOF of a struct or array type: its kids, the lambdas of the
   Pk_Type's closures (check-typeof.c), NULL where the type has none.  */
enum
{
  TYPEOF_MAPPER, TYPEOF_WRITER, TYPEOF_INTEGRATOR, TYPEOF_DEINTEGRATOR,
  TYPEOF_COMPARATOR, TYPEOF_NCLOSURES
};

/* What an S_LAZY declares (its op).  */
typedef enum lazy_kind
{
  LAZY_VAR, LAZY_FUN, LAZY_TYPE
} lazy_kind;

/* The attributes (A_ATTR's op), from 1.  */
typedef enum attr_id
{
  ATTR_NONE,
#define ATTR(e, name) ATTR_##e,
#include "attrs.def"
  ATTR_NUM
} attr_id;

/* The name of attribute ID (`size' for ATTR_SIZE), NULL for ATTR_NONE
   and past the last.  */
const char *ast_attr_name (int id);

ast *ast_new (arena *ar, ast_kind kind, const source *src, loc_t loc);
ast *ast_list_push (arena *ar, ast *list_owner, ast *kid);
const char *ast_kind_name (ast_kind k);
/* A deep copy of the unchecked tree N.  */
ast *ast_clone (arena *ar, const ast *n);
/* Source text from byte FROM to TO of SRC, on one line, into SB.  */
void ast_source_text (strbuf *sb, const source *src, int from, int to);
/* The text GNU poke quotes when the constraint of field F fails.  */
void ast_constraint_text (strbuf *sb, const ast *f);

#endif
