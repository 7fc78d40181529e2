/* parse.h -- the parser: tokens to AST, by recursive descent with
   precedence climbing for binary operators.

   Poke's grammar needs to know which identifiers name types (as C's does
   for typedef names): the parser tracks the types declared in the text it
   is parsing and asks the caller about the rest through is_type_name.  */

#ifndef BPOKE_PARSE_H
#define BPOKE_PARSE_H

#include "ast.h"

typedef struct parse_env
{
  /* Does NAME denote a type in the enclosing (already compiled) scope?  */
  bool (*is_type_name) (void *ctx, const char *name);
  void *ctx;
  arena *ar;                    /* Where nodes go.  */
  /* `load NAME' (IS_PATH false) or `load "FILE"': compile and run the
     module now, so that the rest of the text sees its declarations.
     Returns false with *MSG set (or with a diagnostic already printed,
     *MSG NULL) on failure.  */
  bool (*load) (void *ctx, const source *from, const char *name,
                bool is_path, const char **msg);
  void *load_ctx;
  /* Scan, do not parse, the top-level declarations that can wait: see
     parse_lazy.  */
  bool lazy;
  /* Does NAME denote a variable or function in the enclosing scope?
     Optional: a name before `@' that is neither this nor a type is
     then reported as an undefined variable, as GNU poke does.  */
  bool (*is_variable) (void *ctx, const char *name);
  /* Optional: check and run PROG, the top-level statements read before
     a `load' (given LOAD_CTX): the module sees what they declare, as in
     GNU poke.  The parser goes on with a program of the statements
     after.  Returns false, with a diagnostic printed, on failure.  */
  bool (*run_before_load) (void *load_ctx, ast *prog);
  /* Optional: what $MAP::ENTRY names (lex_set_entry_resolver), given
     ENTRY_CTX.  */
  lex_entry_fn entry_var;
  void *entry_ctx;
} parse_env;

/* Parse the whole SRC as a program (a list of statements).  On a syntax
   error returns NULL and appends the diagnostic (FILE:LINE:COL: error:
   MESSAGE, the source line and a caret) to ERR.  If INCOMPLETE is not
   NULL it is set when the error is that the input ended too early (an
   unclosed brace, parenthesis, string or comment): the REPL then reads
   another line.  */
ast *parse_program (const parse_env *env, const source *src, strbuf *err,
                    bool *incomplete);

/* The same; with COMMAND, SRC is a command typed at the prompt, which
   is a single statement unless it starts with a declaration.  */
ast *parse_program_mode (const parse_env *env, const source *src,
                         strbuf *err, bool *incomplete, bool command);

/* Parse the whole SRC as one expression (the argument of a
   dot-command), into a program of that expression statement; NULL, with
   a diagnostic in ERR, if it is not one.  */
ast *parse_expression (const parse_env *env, const source *src,
                       strbuf *err);
/* The same, for the bytes of SRC from AT (its line and column, for the
   messages) to END.  */
ast *parse_expression_at (const parse_env *env, const source *src, loc_t at,
                          size_t end, strbuf *err);

/* With ENV->lazy, a top-level function declaration, a variable
   declaration whose value is an integer literal, an array of integer
   literals, a lambda or a struct constructor,
   or a type declaration of a struct or union type, is only scanned for
   its end: it becomes an S_LAZY node, which the checker declares, and
   compiles when the name is first used.  (The prelude is read this way:
   most programs use few of its functions.)  This parses
   the text of such a node, with the locations it has in SRC, as a
   program of that one declaration.  NULL, with a diagnostic in ERR, if
   it does not parse.  */
ast *parse_lazy (const parse_env *env, const source *src, const ast *lazy,
                 strbuf *err);

/* Append a diagnostic for the text of SRC from LOC to byte END.  Shared
   by the parser and the checker so that every message looks the same.  */
void diag_format (strbuf *out, const source *src, loc_t loc, int end,
                  const char *kind, const char *msg);

#endif
