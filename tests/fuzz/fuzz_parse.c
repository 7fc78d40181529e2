/* fuzz_parse.c -- a libFuzzer target for the front end: lexer, parser
   and checker, never the evaluator (a fuzzed program may well loop
   forever, and that is not a bug).

   Each input is compiled in a fresh compiler that knows the prelude and
   the builtins' signatures (as `bpoke' does before the first command),
   so a crash reproduces from its input alone, and then everything is
   freed (type_fini, gc_fini), so that memory stays flat over millions
   of inputs.  The
   input goes through the three stages the way the REPL feeds them: a
   token loop over the whole buffer, then parse_program (asking whether
   the input is incomplete), then check_program; and then through the
   parser once more as the prelude is read (parse_lazy).

   Build and run with tests/fuzz/run.sh.  Built with -DFUZZ_STANDALONE
   (and without -fsanitize=fuzzer) it is a plain program that runs each
   file named on its command line once: handy under gdb or valgrind.  */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lex.h"
#include "parse.h"
#include "type.h"
#include "util.h"
#include "value.h"

extern const char bpoke_prelude_src[];
extern const char vm_exceptions_src[];
int builtins_count (void);
const char *builtin_name (int id);
const char *builtin_sig (int id);

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* As the interpreter's parse_env.is_variable.  */
static bool
is_global_variable (void *c, const char *name)
{
  return compiler_global (c, name, NULL) >= 0;
}

/* Parse and check SRC in C.  Returns whether both succeeded.  */
static bool
compile (compiler *c, const source *src, strbuf *err)
{
  parse_env env = { compiler_is_type_name, c, compiler_arena (c), NULL, NULL,
                    false, is_global_variable, NULL };
  bool incomplete = false;
  ast *prog = parse_program (&env, src, err, &incomplete);
  if (!prog)
    return false;
  return check_program (c, prog, err);
}

static void
lex_all (const char *buf, size_t len)
{
  lexer *lx = lex_new (buf, len, "<fuzz>");
  token tok;
  /* The lexer promises to make progress past every error, so the loop
     ends; the bound guards against a lexer that breaks that promise
     (libFuzzer then reports a timeout rather than hanging).  */
  for (size_t n = 0; n <= 2 * len + 2; n++)
    if (lex_next (lx, &tok) == T_EOF)
      break;
  (void) lex_incomplete (lx);
  lex_free (lx);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *buf = (const char *) data;

  lex_all (buf, size);

  type_init ();
  gc_init ();
  compiler *c = compiler_new ();
  strbuf err;
  sb_init (&err);

  /* Builtins first: the prelude calls them.  */
  strbuf decls;
  sb_init (&decls);
  for (int id = 1; id <= builtins_count (); id++)
    sb_printf (&decls, "fun %s = %s: {}\n", builtin_name (id),
               builtin_sig (id));
  source builtins = { "<builtins>", decls.data, decls.len };
  if (!compile (c, &builtins, &err))
    {
      fprintf (stderr, "fuzz_parse: the builtins do not compile:\n%s",
               err.data);
      abort ();
    }
  /* Then the standard exceptions, and the prelude, as bpoke_new
     reads them.  Their nodes point to their sources: these live as long
     as the compiler.  */
  source preludes[] = {
    { "<prelude>", vm_exceptions_src, strlen (vm_exceptions_src) },
    { "<prelude>", bpoke_prelude_src, strlen (bpoke_prelude_src) }
  };
  for (size_t i = 0; i < countof (preludes); i++)
    if (!compile (c, &preludes[i], &err))
      {
        fprintf (stderr, "fuzz_parse: the prelude does not compile:\n%s",
                 err.data);
        abort ();
      }

  /* The AST points into the source text, which must outlive it: copy
     the input, as the interpreter does.  */
  char *text = xstrndup (buf, size);
  source input = { "<stdin>", text, size };
  sb_reset (&err);
  (void) compile (c, &input, &err);

  /* The lazy reading of the prelude, on the input: the scan for the end
     of each declaration that can wait, and the parse of its text.  */
  parse_env lazy = { compiler_is_type_name, c, compiler_arena (c), NULL,
                     NULL, true, NULL, NULL };
  sb_reset (&err);
  ast *prog = parse_program (&lazy, &input, &err, NULL);
  for (int i = 0; prog && i < prog->nkids; i++)
    if (prog->kids[i]->kind == S_LAZY)
      (void) parse_lazy (&lazy, &input, prog->kids[i], &err);

  compiler_free (c);
  gc_fini ();
  type_fini ();
  free (text);
  sb_free (&decls);
  sb_free (&err);
  return 0;
}

#ifdef FUZZ_STANDALONE
int
main (int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      FILE *f = fopen (argv[i], "rb");
      if (!f)
        {
          perror (argv[i]);
          return 1;
        }
      strbuf sb;
      sb_init (&sb);
      char chunk[4096];
      size_t n;
      while ((n = fread (chunk, 1, sizeof chunk, f)) > 0)
        sb_putn (&sb, chunk, n);
      fclose (f);
      fprintf (stderr, "fuzz_parse: %s\n", argv[i]);
      LLVMFuzzerTestOneInput ((const uint8_t *) sb.data, sb.len);
      sb_free (&sb);
    }
  return 0;
}
#endif
