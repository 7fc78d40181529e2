/* check.h -- the checker: name resolution, typing and constant folding.

   The compiler keeps the global scope across commands (a REPL session is
   one growing program).  check_program resolves every name of a freshly
   parsed program to a frame slot, gives every expression its type,
   inserts the promotions GNU poke performs, folds constants, and reports
   the first error as GNU poke does (FILE:LINE:COL: error: ...).  */

#ifndef BPOKE_CHECK_H
#define BPOKE_CHECK_H

#include "ast.h"
#include "parse.h"

typedef struct compiler compiler;

compiler *compiler_new (void);
void compiler_free (compiler *c);

/* The arena where ASTs of programs compiled by C live.  */
arena *compiler_arena (compiler *c);

/* For parse_env.is_type_name.  */
bool compiler_is_type_name (void *c, const char *name);

/* Check PROG.  Returns false and appends the diagnostic to ERR on an
   error, in which case the global scope is left as it was before.  */
bool check_program (compiler *c, ast *prog, strbuf *err);

/* The global scope at some point, to forget the declarations made
   after it: those of a command that failed at run time, which GNU poke
   leaves undefined.  */
typedef struct compiler_mark
{
  int norder, nglobals;
} compiler_mark;
compiler_mark compiler_get_mark (const compiler *c);
void compiler_forget (compiler *c, compiler_mark m);

/* How the checker compiles an S_LAZY declaration when its name is first
   used: FN parses DECL's text (parse_lazy), checks it with check_program
   and runs it, and says whether all went well.  */
void compiler_set_lazy (compiler *c, bool (*fn) (void *ctx, const ast *decl),
                        void *ctx);

/* Make warnings errors (.set error-on-warning), or not.  */
void compiler_set_error_on_warning (compiler *c, bool on);
bool compiler_error_on_warning (const compiler *c);
/* Make the struct types compiled from now on report their fields to
   the tracer (.set tracer), or not.  */
void compiler_set_tracer (compiler *c, bool on);

/* Number of global slots in use (the VM grows its global frame).  */
int compiler_nglobals (const compiler *c);

/* Look up a global by name: its slot and type, for the REPL's
   completion and the builtins.  Returns -1 if there is none.  These
   three do not compile a lazy global: its type is then NULL.  */
int compiler_global (const compiler *c, const char *name, type **t);
/* Is NAME a global variable (not a function, nor a type)?  */
bool compiler_is_variable (const compiler *c, const char *name);

/* Where global NAME (a type if IS_TYPE) was declared: FILE is NULL for
   a builtin.  False if there is no such global.  */
bool compiler_global_where (compiler *c, const char *name,
                            bool is_type, const char **file, int *line,
                            type **t);

/* Iterate the global names (variables, functions and types) in
   declaration order; KIND is 'v', 'f' or 't'.  */
void compiler_each_global (const compiler *c,
                           void (*fn) (void *ctx, const char *name,
                                       char kind, type *t),
                           void *ctx);

#endif
