/* parse-int.h -- what the parser's files (parse.c, parse-type.c)
   share: the parser's state, its token and scope helpers (ps_*), and
   the entry points of each part of the grammar.  Not for use outside
   the parser: its interface is parse.h.  */

#ifndef BPOKE_PARSE_INT_H
#define BPOKE_PARSE_INT_H

#include "parse.h"

#include <setjmp.h>

/* A name declared in the text, for telling types from variables.  */
typedef struct scope_name
{
  struct scope_name *next;
  const char *name;
  unsigned hash;                /* name_hash (name): most lookups miss.  */
  bool is_type;
} scope_name;

/* The state of one parse.  */
typedef struct parser
{
  const parse_env *env;
  const source *src;
  lexer *lx;
  token tok;                    /* The current token.  */
  token peek;                   /* One token of look-ahead, if has_peek.  */
  bool has_peek;
  int prev_end;                 /* End of the last consumed token.  */
  strbuf *err;
  bool incomplete;
  jmp_buf jb;
  scope_name *names;            /* Names declared so far, innermost first.  */
  int no_named;                 /* Inside [], ?: or a constraint, where a
                                   `:' or `{' after a name belongs to
                                   the enclosing construct.  */
  int depth;                    /* Nesting of the recursive descent.  */
  arena *ar;
} parser;

/* Tokens, locations and errors (parse.c).  The errors do not return:
   they longjmp to the parser's entry point.  */
void ps_fail_at (parser *p, loc_t loc, int end, const char *msg);
loc_t ps_pos_loc (parser *p, size_t last);
void ps_fail_unexpected (parser *p);
void ps_next (parser *p);
const token *ps_peek (parser *p);
bool ps_accept (parser *p, tok_kind k);
void ps_expect (parser *p, tok_kind k);
void ps_name_into (parser *p, ast *n);
const char *ps_expect_ident (parser *p);
ast *ps_node (parser *p, ast_kind k, loc_t loc);
ast *ps_finish (parser *p, ast *n);
void ps_declare (parser *p, const char *name, bool is_type);
bool ps_is_type_name (parser *p, const char *name);
bool ps_at_offset_type (parser *p);

/* The parts of the grammar: expressions, functions and statements
   (parse.c), types and units (parse-type.c).  */
ast *parse_expr (parser *p);
ast *parse_funspec (parser *p, loc_t loc, const char *name);
ast *parse_stmt (parser *p);
ast *parse_unit (parser *p, loc_t loc);
ast *parse_type (parser *p);

#endif
