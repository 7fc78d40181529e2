/* interp.c -- the public interface (bpoke.h): compile and run commands
   and scripts, report errors and unhandled exceptions as GNU poke does,
   and hold the settings.  */

#include "bpoke.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast-dump.h"
#include "check.h"
#include "eval.h"
#include "pkffi.h"
#include "ios.h"
#include "iodev.h"
#include "parse.h"
#include "style.h"
#include "interp-int.h"

#ifndef BPOKE_DATADIR
#define BPOKE_DATADIR "/usr/local/share/bpoke"
#endif

extern const char bpoke_prelude_src[];
int builtins_count (void);
const char *builtin_name (int id);
const char *builtin_sig (int id);


/* Write the error and warning messages TEXT to stderr.  */
static void
put_diagnostics (bpoke *pk, const char *text)
{
  if (pk->map_loading)
    {
      fputs (text, stdout);
      return;
    }
  if (!pk->color_err)
    {
      fputs (text, stderr);
      return;
    }
  strbuf sb;
  sb_init (&sb);
  style_diagnostics (pk->vm->style, &sb, text);
  if (sb.len)
    fputs (sb.data, stderr);
  sb_free (&sb);
}



/* Keep BUF, LEN bytes of FILENAME, for as long as PK: a copy of it,
   unless STATIC_BUF says that it is static storage (the prelude's 30
   KiB, which every start would copy).  */
static source *
add_source (bpoke *pk, const char *buf, size_t len, const char *filename,
            bool static_buf)
{
  source *s = xmalloc (sizeof *s);
  s->filename = xstrdup (filename);
  s->buf = static_buf ? buf : xstrndup (buf, len);
  s->len = len;
  s->static_buf = static_buf;
  if (pk->nsources == pk->capsources)
    {
      pk->capsources = pk->capsources ? pk->capsources * 2 : 16;
      pk->sources = xrealloc (pk->sources, sizeof (source *) * pk->capsources);
    }
  pk->sources[pk->nsources++] = s;
  return s;
}

static source *
keep_source (bpoke *pk, const char *buf, size_t len, const char *filename)
{
  return add_source (pk, buf, len, filename, false);
}

/* Print an unhandled exception as GNU poke does.  */
static void
report_exception (bpoke *pk, val exc)
{
  fflush (stdout);
  if (pk->map_loading)
    return;
  if (exc.t->kind != TY_STRUCT)
    {
      printf ("unhandled exception\n");
      return;
    }
  const char *name = vm_exc_name (exc);
  /* No buffer on the stack: an exception that unwound a deep recursion
     arrives here through a longjmp, which AddressSanitizer cannot
     follow on the interpreter's large stack.  */
  if (pk->vm->popts.style)
    {
      strbuf line, sb;
      sb_init (&line);
      sb_init (&sb);
      sb_printf (&line, "unhandled %s exception", *name ? name : "unknown");
      style_wrap (pk->vm->style, &sb, STYLE_ERROR, line.data, line.len);
      fputs (sb.data, stdout);
      sb_free (&sb);
      sb_free (&line);
    }
  else
    printf ("unhandled %s exception", *name ? name : "unknown");
  putchar ('\n');
  const char *loc = vm_exc_location (exc);
  const char *msg = vm_exc_msg (exc);
  if (*loc)
    printf ("%s %s\n", loc, msg);
  else if (*msg)
    printf ("%s\n", msg);
  fflush (stdout);
}

static void
print_result (bpoke *pk, val r)
{
  if (r.t->kind == TY_VOID)
    return;
  strbuf sb;
  sb_init (&sb);
  if (!vm_print_value (pk->vm, &sb, r))
    {
      /* A pretty-printer raised: GNU poke prints the value to its end,
         then the exception in place of the newline.  */
      fwrite (sb.data, 1, sb.len, stdout);
      sb_free (&sb);
      report_exception (pk, pk->vm->exc);
      return;
    }
  sb_putc (&sb, '\n');
  fwrite (sb.data, 1, sb.len, stdout);
  sb_free (&sb);
}

/* How run reads its source: RUN_REPL, a command, whose lone expression
   is printed; RUN_INCOMPLETE, the command may be incomplete (the REPL
   then reads more); RUN_LAZY, declarations that can wait are compiled
   at their first use (parse_lazy); RUN_EACH, a script whose top-level
   statements are each a transaction (run_each).  */
enum { RUN_REPL = 1, RUN_INCOMPLETE = 2, RUN_LAZY = 4, RUN_EACH = 8 };

static bpoke_status run (bpoke *pk, const source *src, int how);

/* Read the program in file PATH into SB (initialized here).  Returns
   NULL, or why it could not: a program is text of at most
   SOURCE_MAX bytes, which keeps `load "/dev/zero"' from reading for
   ever.  */
#define SOURCE_MAX ((size_t) 64 << 20)

static const char *
read_source (const char *path, strbuf *sb)
{
  sb_init (sb);
  FILE *f = fopen (path, "rb");
  if (!f)
    return strerror (errno);
  char chunk[65536];
  size_t n;
  while ((n = fread (chunk, 1, sizeof chunk, f)) > 0)
    {
      if (sb->len + n > SOURCE_MAX)
        {
          fclose (f);
          return "file too large for a program (more than 64 MiB)";
        }
      sb_putn (sb, chunk, n);
    }
  bool failed = ferror (f);
  fclose (f);
  return failed ? strerror (errno) : NULL;
}

static bool
readable (const char *path)
{
  FILE *f = fopen (path, "r");
  if (!f)
    return false;
  fclose (f);
  return true;
}

/* Append the directory list LIST (colon-separated; empty entries are
   dropped) to DIRS.  */
static void
add_dirs (strbuf *dirs, const char *list)
{
  for (const char *d = list; d && *d;)
    {
      size_t n = strcspn (d, ":");
      if (n > 0)
        {
          if (dirs->len)
            sb_putc (dirs, ':');
          sb_putn (dirs, d, n);
        }
      d += n + (d[n] == ':');
    }
}

char *
bpoke_load_path (const bpoke *pk)
{
  strbuf dirs;
  sb_init (&dirs);
  add_dirs (&dirs, ".");
  add_dirs (&dirs, getenv ("BPOKE_LOAD_PATH"));
  add_dirs (&dirs, pk->datadir ? pk->datadir : BPOKE_DATADIR);
  /* Then GNU poke's pickles, where GNU poke looks for them: its users'
     `load mbr' works here too, and bpoke's own modules come first.  */
  add_dirs (&dirs, getenv ("POKE_LOAD_PATH"));
  const char *xdg = getenv ("XDG_DATA_HOME"), *home = getenv ("HOME");
  if (xdg && *xdg)
    sb_printf (&dirs, ":%s/poke", xdg);
  else if (home && *home)
    sb_printf (&dirs, ":%s/.local/share/poke", home);
  add_dirs (&dirs, "/usr/local/share/poke/pickles:/usr/share/poke/pickles");
  return sb_steal (&dirs);
}

/* The variable map_load_path, where `.map load NAME' looks for
   NAME.map (iomaps.c): as in GNU poke, the current directory, the
   user's ~/.local/share/poke (or $XDG_DATA_HOME/poke), then the maps
   that come with the program (DATADIR/maps).  DECLARE it (and
   auto_map, empty), or assign it.  */
static void
set_map_load_path (bpoke *pk, bool declare)
{
  strbuf path, cmd;
  sb_init (&path);
  sb_init (&cmd);
  const char *xdg = getenv ("XDG_DATA_HOME"), *home = getenv ("HOME");
  sb_puts (&path, ".");
  if (xdg && *xdg)
    sb_printf (&path, ":%s/poke", xdg);
  else if (home && *home)
    sb_printf (&path, ":%s/.local/share/poke", home);
  sb_printf (&path, ":%s/maps", pk->datadir ? pk->datadir : BPOKE_DATADIR);
  sb_puts (&cmd, declare ? "var map_load_path = \"" : "map_load_path = \"");
  for (const char *c = path.data; *c; c++)
    {
      if (*c == '"' || *c == '\\')
        sb_putc (&cmd, '\\');
      if (*c == '\n')
        sb_puts (&cmd, "\\n");
      else
        sb_putc (&cmd, *c);
    }
  sb_puts (&cmd, "\";");
  /* The [REGEXP, MAP] pairs of auto-map (iomaps.c): none at first.  */
  if (declare)
    sb_puts (&cmd, "var auto_map = string[][] ();");
  if (interp_run_text (pk, cmd.data, cmd.len, "<prelude>", false)
      != BPOKE_OK)
    abort ();
  sb_free (&cmd);
  sb_free (&path);
}

void
bpoke_set_datadir (bpoke *pk, const char *dir)
{
  free (pk->datadir);
  pk->datadir = xstrdup (dir);
  set_map_load_path (pk, false);
}

/* The directory of the standard library that `.set elf-api poke-elf'
   puts before all others, or NULL.  */
static char *
elf_api_dir (const bpoke *pk)
{
  if (!pk->elf_api_pokeelf)
    return NULL;
  strbuf dir;
  sb_init (&dir);
  sb_printf (&dir, "%s/poke-elf", pk->datadir ? pk->datadir : BPOKE_DATADIR);
  return sb_steal (&dir);
}

/* Find module NAME: in the ELF API's directory (elf_api_dir), in the
   loading file's directory, then the load path (bpoke_load_path);
   `.bpk' before `.pk'.  The ELF API's directory comes before the
   loading file's, so that the ELF module's own loads find the files
   that it replaces.  */
static char *
find_module (bpoke *pk, const source *from, const char *name, bool is_path)
{
  static const char *const exts[] = { ".bpk", ".pk" };
  strbuf dirs;
  sb_init (&dirs);
  char *api = elf_api_dir (pk);
  if (api)
    sb_printf (&dirs, "%s:", api);
  free (api);
  const char *slash = strrchr (from->filename, '/');
  if (from->filename[0] != '<' && slash)
    sb_putn (&dirs, from->filename, (size_t) (slash - from->filename));
  else
    sb_putc (&dirs, '.');
  char *path = bpoke_load_path (pk);
  sb_putc (&dirs, ':');
  sb_puts (&dirs, path);
  free (path);
  char *result = NULL;
  if (is_path && name[0] == '/')
    result = readable (name) ? xstrdup (name) : NULL;
  for (char *d = dirs.data; !result && d && *d;)
    {
      char *colon = strchr (d, ':');
      size_t dl = colon ? (size_t) (colon - d) : strlen (d);
      for (size_t e = 0; e < (is_path ? 1 : countof (exts)) && !result; e++)
        {
          strbuf cand;
          sb_init (&cand);
          /* The current directory adds nothing to the name, which
             messages show as GNU poke does (m.pk, not ./m.pk).  */
          if (!(dl == 1 && d[0] == '.'))
            {
              sb_putn (&cand, d, dl);
              sb_putc (&cand, '/');
            }
          sb_puts (&cand, name);
          if (!is_path)
            sb_puts (&cand, exts[e]);
          if (readable (cand.data))
            result = sb_steal (&cand);
          sb_free (&cand);
        }
      d = colon ? colon + 1 : NULL;
    }
  sb_free (&dirs);
  return result;
}

/* What the parser's hooks (parse_env's load and run_before_load) are
   given: the interpreter, and how run reads the text they are in.  */
typedef struct run_ctx
{
  bpoke *pk;
  int how;
  bpoke_status before;          /* How the statements before a load
                                   ended, when they stopped the text.  */
} run_ctx;

static bool
load_module (void *ctx, const source *from, const char *name, bool is_path,
             const char **msg)
{
  bpoke *pk = ((run_ctx *) ctx)->pk;
  static char buf[512];
  char *path = find_module (pk, from, name, is_path);
  if (!path)
    {
      snprintf (buf, sizeof buf, is_path
                ? "cannot load module from file `%s'" : "cannot load `%s'",
                name);
      *msg = buf;
      return false;
    }
  for (int i = 0; i < pk->nloaded; i++)
    if (strcmp (pk->loaded[i], path) == 0)
      {
        free (path);
        return true;            /* A module loads once.  */
      }
  pk->loaded = xrealloc (pk->loaded, sizeof (char *) * (pk->nloaded + 1));
  pk->loaded[pk->nloaded++] = path;
  strbuf sb;
  const char *err = read_source (path, &sb);
  if (err)
    {
      snprintf (buf, sizeof buf, "cannot load `%s': %s", name, err);
      *msg = buf;
      sb_free (&sb);
      return false;
    }
  source *src = keep_source (pk, sb.data ? sb.data : "", sb.len, path);
  sb_free (&sb);
  bpoke_status st = run (pk, src, 0);
  *msg = NULL;
  return st == BPOKE_OK;
}

/* For parse_env.is_variable.  */
static bool
is_global_variable (void *comp, const char *name)
{
  return compiler_global (comp, name, NULL) >= 0;
}

static bpoke_status exec_program (bpoke *pk, ast *prog, bool repl,
                                  compiler_mark mark);
static bpoke_status run_each (bpoke *pk, ast *prog, compiler_mark mark);
static bpoke_status check_and_run (bpoke *pk, ast *prog, int how);

/* For parse_env.run_before_load: the statements before a `load' run
   as the text they are part of would.  */
static bool
run_before_load (void *ctx, ast *prog)
{
  run_ctx *rc = ctx;
  rc->before = check_and_run (rc->pk, prog, rc->how);
  return rc->before == BPOKE_OK;
}

/* The parser's view of the interpreter, its hooks given RC.  */
static parse_env
parser_env (bpoke *pk, run_ctx *rc, bool lazy)
{
  parse_env env = { compiler_is_type_name, pk->comp,
                    compiler_arena (pk->comp), load_module, rc, lazy,
                    is_global_variable, run_before_load, iomaps_entry_var,
                    pk };
  return env;
}

/* Compile and run SRC.  */
static bpoke_status
run (bpoke *pk, const source *src, int how)
{
  bool repl = how & RUN_REPL, allow_incomplete = how & RUN_INCOMPLETE;
  strbuf err;
  sb_init (&err);
  run_ctx rc = { pk, how, BPOKE_OK };
  parse_env env = parser_env (pk, &rc, how & RUN_LAZY);
  bool incomplete = false;
  ast *prog = parse_program_mode (&env, src, &err, &incomplete, repl);
  if (!prog)
    {
      if (incomplete && allow_incomplete)
        {
          sb_free (&err);
          return BPOKE_INCOMPLETE;
        }
      fflush (stdout);
      if (err.data)
        put_diagnostics (pk, err.data);
      sb_free (&err);
      /* Statements before a load that raised (or exited) stop the text
         as they would have in it.  */
      return rc.before != BPOKE_OK ? rc.before : BPOKE_ERROR;
    }
  /* A command that is a single expression prints its value.  */
  int nreal = 0;
  ast *last = NULL;
  for (int i = 0; i < prog->nkids; i++)
    if (prog->kids[i]->kind != S_NULL)
      {
        nreal++;
        last = prog->kids[i];
      }
  if (repl && nreal == 1 && last->kind == S_EXPR)
    last->flag = true;
  sb_free (&err);
  return check_and_run (pk, prog, how);
}

/* The prelude's pk_tracer_p, which .set tracer sets, as programs may:
   nonzero when the tracer is on.  */
static bool
tracer_on (const bpoke *pk)
{
  int slot = compiler_global (pk->comp, "pk_tracer_p", NULL);
  if (slot < 0 || slot >= pk->vm->globals->nslots)
    return false;
  val x = pk->vm->globals->slots[slot];
  return x.t && x.t->kind == TY_INT && x.v.u != 0;
}

/* Check the parsed PROG, and run it as HOW says (see run).  */
static bpoke_status
check_and_run (bpoke *pk, ast *prog, int how)
{
  strbuf err;
  sb_init (&err);
  compiler_mark mark = compiler_get_mark (pk->comp);
  compiler_set_tracer (pk->comp, tracer_on (pk));
  if (!check_program (pk->comp, prog, &err))
    {
      fflush (stdout);
      put_diagnostics (pk, err.data);
      sb_free (&err);
      return BPOKE_ERROR;
    }
  if (err.len)
    {
      fflush (stdout);
      put_diagnostics (pk, err.data);   /* Warnings.  */
    }
  sb_free (&err);
  if (how & RUN_EACH)
    return run_each (pk, prog, mark);
  return exec_program (pk, prog, how & RUN_REPL, mark);
}

/* Run the checked PROG; a lone expression's value is printed if REPL.
   If it raises, the declarations checked since MARK are forgotten.  */
static bpoke_status
exec_program (bpoke *pk, ast *prog, bool repl, compiler_mark mark)
{
  val result, exc;
  if (!vm_run (pk->vm, prog, repl ? &result : NULL, &exc))
    {
      fflush (stdout);
      if (exc.t->kind == TY_STRUCT && vm_exc_code (exc) == EC_EXIT)
        {
          pk->exit_code = vm_exc_exit_status (exc);
          /* At the prompt, exit does not end the session: GNU poke
             ignores it there.  */
          return repl ? BPOKE_OK : BPOKE_EXIT;
        }
      compiler_forget (pk->comp, mark);
      /* An interruption (E_signal) says nothing.  */
      if (!(exc.t->kind == TY_STRUCT && vm_exc_code (exc) == EC_SIGNAL))
        report_exception (pk, exc);
      pk->exit_code = exc.t->kind == TY_STRUCT ? vm_exc_exit_status (exc) : 1;
      return BPOKE_EXCEPTION;
    }
  if (repl)
    print_result (pk, result);
  fflush (stdout);
  return BPOKE_OK;
}

/* A top-level command is a transaction over the IO spaces: its writes
   reach the devices when it ends well (or exits), and are dropped when
   it ends in an unhandled exception, or does not compile (a module it
   loads runs while it is read: GNU poke, which reads it all first,
   runs nothing then).  WHAT names it in messages.  When the writes
   cannot be made, none are, and the command fails as a compile error
   does: a batch run stops there, with status 1.  */
static bpoke_status
end_transaction (bpoke *pk, bpoke_status st, const char *what)
{
  if (st == BPOKE_EXCEPTION || st == BPOKE_ERROR)
    {
      if (ios_rollback ())
        {
          fflush (stdout);
          fprintf (stderr, "(the %s's writes to IO spaces were discarded)\n",
                   what);
        }
      return st;
    }
  if (ios_commit () != IOS_OK)
    {
      fflush (stdout);
      if (ios_error_undone ())
        fprintf (stderr, "error: the %s's writes could not be made: %s\n"
                 "(none of them were: the IO spaces are as they were "
                 "before the %s)\n", what, ios_error (), what);
      else
        fprintf (stderr, "error: the %s's writes could not all be made, "
                 "nor undone: %s\n", what, ios_error ());
      pk->exit_code = 1;
      return BPOKE_ERROR;
    }
  return st;
}

/* Does TEXT end inside a construct: an open parenthesis, bracket or
   brace, a block comment or a string?  Then the prompt reads another
   line, without parsing (which would run the `load's of the text).  A
   closing bracket that matches nothing is no reason to wait: the
   parser then says what is wrong.  */
static bool
unfinished (const char *text, size_t len)
{
  lexer *lx = lex_new (text, len, "<stdin>");
  char *open = NULL;
  size_t depth = 0, cap = 0;
  bool mismatch = false;
  token t;
  for (tok_kind k; !mismatch && (k = lex_next (lx, &t)) != T_EOF;)
    {
      if (k == T_ERROR && lex_incomplete (lx))
        break;
      char close = k == T_RPAREN ? '(' : k == T_RBRACK ? '[' : k == T_RBRACE
                   ? '{' : 0;
      if (close)
        mismatch = depth == 0 || open[--depth] != close;
      else if (k == T_LPAREN || k == T_LBRACK || k == T_LBRACE)
        {
          if (depth == cap)
            open = xrealloc (open, cap = cap ? 2 * cap : 16);
          open[depth++] = k == T_LPAREN ? '(' : k == T_LBRACK ? '[' : '{';
        }
    }
  bool r = !mismatch && (depth > 0 || lex_incomplete (lx));
  free (open);
  lex_free (lx);
  return r;
}

/* Run the statements of a script one by one, each a transaction: when
   one fails, the writes of those before it stay made, as GNU poke (which
   writes at once) keeps them.  */
static bpoke_status
run_each (bpoke *pk, ast *prog, compiler_mark mark)
{
  for (int i = 0; i < prog->nkids; i++)
    {
      ast *one = ast_new (compiler_arena (pk->comp), A_PROGRAM, prog->src,
                          prog->kids[i]->loc);
      one->kids = &prog->kids[i];
      one->nkids = 1;
      one->nslots = prog->nslots;
      ios_begin ();
      bpoke_status st = end_transaction (pk, exec_program (pk, one, false,
                                                           mark),
                                         "statement");
      if (st != BPOKE_OK)
        return st;
    }
  return BPOKE_OK;
}

bpoke_status
bpoke_command (bpoke *pk, const char *text, size_t len, const char *filename,
               bool allow_incomplete)
{
  /* GNU poke terminates a command with `;' unless it is a function
     definition, and shows the terminated text in messages.  */
  /* Leading blanks are dropped: columns count from the first word.  */
  while (len > 0 && (*text == ' ' || *text == '\t'))
    {
      text++;
      len--;
    }
  /* GNU poke ignores command lines that start with `#'.  */
  if (len > 0 && *text == '#')
    return BPOKE_OK;
  if (allow_incomplete && unfinished (text, len))
    return BPOKE_INCOMPLETE;
  bool is_fun = len >= 4 && memcmp (text, "fun", 3) == 0
                && (text[3] == ' ' || text[3] == '\t');
  strbuf sb;
  sb_init (&sb);
  sb_putn (&sb, text, len);
  if (!is_fun)
    sb_putc (&sb, ';');
  source *src = keep_source (pk, sb.data, sb.len, filename);
  sb_free (&sb);
  ios_begin ();
  bpoke_status st = run (pk, src,
                         RUN_REPL | (allow_incomplete ? RUN_INCOMPLETE : 0));
  return st == BPOKE_INCOMPLETE ? st : end_transaction (pk, st, "command");
}

bool
bpoke_eval_ios (bpoke *pk, const char *expr, int *id, const char **err)
{
  *err = NULL;
  strbuf msgs;
  sb_init (&msgs);
  source *src = keep_source (pk, expr, strlen (expr), "<unknown>");
  run_ctx rc = { pk, 0, BPOKE_OK };
  parse_env env = parser_env (pk, &rc, false);
  compiler_mark mark = compiler_get_mark (pk->comp);
  ast *prog = parse_expression (&env, src, &msgs);
  bool ok = prog && check_program (pk->comp, prog, &msgs);
  if (ok && (prog->nkids != 1 || prog->kids[0]->kind != S_EXPR))
    {
      compiler_forget (pk->comp, mark);
      *err = "error: please specify a valid IO space";
      sb_free (&msgs);
      return false;
    }
  if (!ok)
    {
      compiler_forget (pk->comp, mark);
      fputs (msgs.data ? msgs.data : "", stdout);
      sb_free (&msgs);
      return false;
    }
  sb_free (&msgs);
  val r, exc;
  prog->kids[0]->flag = true;
  ios_begin ();
  bool ran = vm_run (pk->vm, prog, &r, &exc);
  compiler_forget (pk->comp, mark);
  if (!ran)
    report_exception (pk, exc);
  if (end_transaction (pk, ran ? BPOKE_OK : BPOKE_EXCEPTION, "command")
      != BPOKE_OK)
    return false;
  if (r.t->kind != TY_INT || r.t->u.i.size != 32 || !r.t->u.i.sign)
    {
      *err = "error: please specify a valid IO space";
      return false;
    }
  *id = (int) r.v.i;
  return true;
}

bpoke_status
interp_run_text (bpoke *pk, const char *text, size_t len,
                 const char *filename, bool script)
{
  if (script)
    return bpoke_script (pk, text, len, filename);
  source *src = keep_source (pk, text, len, filename);
  ios_begin ();
  return end_transaction (pk, run (pk, src, 0), "command");
}

bpoke_status
interp_eval_at (bpoke *pk, const char *text, size_t len,
                const char *filename, loc_t at, size_t end, val *out)
{
  strbuf msgs;
  sb_init (&msgs);
  source *src = keep_source (pk, text, len, filename);
  run_ctx rc = { pk, 0, BPOKE_OK };
  parse_env env = parser_env (pk, &rc, false);
  compiler_mark mark = compiler_get_mark (pk->comp);
  ast *prog = parse_expression_at (&env, src, at, end, &msgs);
  if (!prog || !check_program (pk->comp, prog, &msgs))
    {
      compiler_forget (pk->comp, mark);
      fflush (stdout);
      put_diagnostics (pk, msgs.data ? msgs.data : "");
      sb_free (&msgs);
      return BPOKE_ERROR;
    }
  sb_free (&msgs);
  val exc;
  prog->kids[0]->flag = true;
  ios_begin ();
  bool ran = vm_run (pk->vm, prog, out, &exc);
  compiler_forget (pk->comp, mark);
  if (!ran)
    report_exception (pk, exc);
  return end_transaction (pk, ran ? BPOKE_OK : BPOKE_EXCEPTION, "command");
}

bpoke_status
bpoke_script (bpoke *pk, const char *text, size_t len, const char *filename)
{
  source *src = keep_source (pk, text, len, filename);
  /* The statements are transactions of their own; what is left is what
     modules loaded while the script was read wrote, kept if it
     compiles.  */
  ios_begin ();
  return end_transaction (pk, run (pk, src, RUN_EACH), "script");
}

bpoke_status
bpoke_script_file (bpoke *pk, const char *path)
{
  strbuf sb;
  const char *err = read_source (path, &sb);
  if (err)
    {
      fprintf (stderr, "%s: %s\n", path, err);
      sb_free (&sb);
      pk->exit_code = 1;
      return BPOKE_ERROR;
    }
  bpoke_status st = bpoke_script (pk, sb.data ? sb.data : "", sb.len, path);
  sb_free (&sb);
  return st;
}

int
bpoke_exit_code (const bpoke *pk)
{
  return pk->exit_code;
}

void
bpoke_set_exit_code (bpoke *pk, int code)
{
  pk->exit_code = code;
}

/* The checker's hook for a lazy declaration: parse, check and run it,
   where the checker has arranged what it sees.  */
static bool
compile_lazy (void *ctx, const ast *decl)
{
  bpoke *pk = ctx;
  strbuf err;
  sb_init (&err);
  run_ctx rc = { pk, 0, BPOKE_OK };
  parse_env env = parser_env (pk, &rc, false);
  ast *prog = parse_lazy (&env, decl->src, decl, &err);
  val exc;
  bool ok = prog && check_program (pk->comp, prog, &err)
            && vm_run (pk->vm, prog, NULL, &exc);
  if (!ok && err.data)
    put_diagnostics (pk, err.data);
  sb_free (&err);
  if (ok && decl->src == pk->builtins)
    {
      /* The closure of a builtin's declaration (with an empty body) is
         marked as the builtin's.  */
      int slot = compiler_global (pk->comp, decl->name, NULL);
      for (int id = 1; id <= builtins_count (); id++)
        if (strcmp (builtin_name (id), decl->name) == 0)
          val_clo (pk->vm->globals->slots[slot])->builtin = id;
    }
  return ok;
}

/* The builtins are declared as functions with their signatures and an
   empty body, compiled at their first use like the prelude's; the
   closure made then is marked as the builtin's (compile_lazy).  */
static void
install_builtins (bpoke *pk)
{
  strbuf sb;
  sb_init (&sb);
  int n = builtins_count ();
  /* Put together piece by piece: sb_printf's vfprintf cost a twentieth
     of the start-up here.  */
  for (int id = 1; id <= n; id++)
    {
      sb_puts (&sb, "fun ");
      sb_puts (&sb, builtin_name (id));
      sb_puts (&sb, " = ");
      sb_puts (&sb, builtin_sig (id));
      sb_puts (&sb, ": {}\n");
    }
  pk->builtins = keep_source (pk, sb.data, sb.len, "<builtins>");
  sb_free (&sb);
  if (end_transaction (pk, run (pk, pk->builtins, RUN_LAZY), "builtins")
      != BPOKE_OK)
    abort ();
}

bpoke *
bpoke_new (void)
{
  bpoke *pk = xcalloc (1, sizeof *pk);
  type_init ();
  gc_init ();
  pk->comp = compiler_new ();
  pk->vm = vm_new (pk->comp);
  pk->vm->big_endian = true;    /* GNU poke's default byte order.  */
  pk->vm->endian = 1;
  pk->auto_map = pk->prompt_maps = true;        /* GNU poke 4.3's.  */
  ios_init ();
  /* Builtins first: the standard library calls them.  Both are
     compiled piecemeal, when first used.  */
  compiler_set_lazy (pk->comp, compile_lazy, pk);
  install_builtins (pk);
  /* The exceptions are not lazy: vm_make_exc reads their slots.  */
  const char *prelude[] = { vm_exceptions_src, bpoke_prelude_src };
  for (size_t i = 0; i < countof (prelude); i++)
    {
      source *src = add_source (pk, prelude[i], strlen (prelude[i]),
                                "<prelude>", true);
      if (end_transaction (pk, run (pk, src, i ? RUN_LAZY : 0), "prelude")
          != BPOKE_OK)
        {
          fputs ("bpoke: internal error: the prelude does not compile\n",
                 stderr);
          abort ();
        }
    }
  set_map_load_path (pk, true);
  return pk;
}

void
bpoke_free (bpoke *pk)
{
  if (!pk)
    return;
  /* A class or a colour a program left on: the terminal gets its own
     look back.  */
  if (pk->vm->popts.style && style_active (pk->vm->style))
    fputs ("\033[0m", pk->vm->out);
  ios_fini ();
  vm_free (pk->vm);
  pkffi_fini ();
  gc_fini ();
  compiler_free (pk->comp);
  type_fini ();
  for (int i = 0; i < pk->nsources; i++)
    {
      free ((char *) pk->sources[i]->filename);
      if (!pk->sources[i]->static_buf)
        free ((char *) pk->sources[i]->buf);
      free (pk->sources[i]);
    }
  free (pk->sources);
  for (int i = 0; i < pk->nloaded; i++)
    free (pk->loaded[i]);
  free (pk->loaded);
  free (pk->datadir);
  iomaps_free (pk->maps);
  free (pk);
}

void
bpoke_disable_ffi (bpoke *pk)
{
  pk->vm->ffi_off = true;
  pk->vm->ffi_locked = true;
}

void
bpoke_set_stack_limit (bpoke *pk, const void *limit)
{
  pk->vm->stack_guard = limit;
}

void
bpoke_set_output (bpoke *pk, FILE *out)
{
  pk->vm->out = out;
}

void
bpoke_set_color (bpoke *pk, bool out, bool err)
{
  pk->vm->popts.style = out ? pk->vm->style : NULL;
  pk->color_err = err;
}

bool
bpoke_load_style (bpoke *pk, const char *path)
{
  strbuf text, err;
  const char *why = read_source (path, &text);
  if (why)
    {
      fprintf (stderr, "bpoke: %s: %s\n", path, why);
      sb_free (&text);
      return false;
    }
  sb_init (&err);
  bool ok = style_load_text (pk->vm->style, text.data ? text.data : "",
                             path, &err);
  if (err.len)
    fputs (err.data, stderr);
  sb_free (&err);
  sb_free (&text);
  return ok;
}

char *
bpoke_styled (bpoke *pk, const char *name, const char *text, bool mark)
{
  const char *sgr = style_sgr (pk->vm->style, name);
  if (!pk->vm->popts.style || !*sgr)
    return xstrdup (text);
  const char *b = mark ? "\001" : "", *e = mark ? "\002" : "";
  strbuf sb;
  sb_init (&sb);
  sb_printf (&sb, "%s\033[%sm%s%s%s\033[0m%s", b, sgr, e, text, b, e);
  return sb_steal (&sb);
}

void
bpoke_interrupt (bpoke *pk)
{
  pk->vm->interrupted = 1;
  iodev_interrupted = 1;
}

/* The settings of `.set', in the order GNU poke 4.3 lists them, then
   bpoke's own; VALUES are the words a setting takes, NULL for an
   integer.  doc-viewer (bpoke has no .doc) is kept and changes
   nothing.  auto-map, prompt-maps (`.file', the prompt) and pager are
   the program's: the library only keeps them.  tracer is the prelude's
   pk_tracer_p.  */
enum
{
  SET_PRETTY, SET_AUTO_MAP, SET_PROMPT_MAPS, SET_OMAPS, SET_OBASE,
  SET_OACUTOFF, SET_ODEPTH, SET_OINDENT, SET_OMODE, SET_ENDIAN,
  SET_DOC_VIEWER, SET_PAGER, SET_TRACER, SET_AUTOREMAP, SET_ERROR_ON_WARNING,
  SET_FFI, SET_ELF_API, SET_COUNT
};

static const struct
{
  const char *name, *values;
} settings[SET_COUNT] = {
  [SET_PRETTY] = { "pretty-print", "yes,no" },
  [SET_AUTO_MAP] = { "auto-map", "yes,no" },
  [SET_PROMPT_MAPS] = { "prompt-maps", "yes,no" },
  [SET_OMAPS] = { "omaps", "yes,no" },
  [SET_OBASE] = { "obase", "2,8,10,16" },
  [SET_OACUTOFF] = { "oacutoff", NULL },
  [SET_ODEPTH] = { "odepth", NULL },
  [SET_OINDENT] = { "oindent", NULL },
  [SET_OMODE] = { "omode", "flat,tree" },
  [SET_ENDIAN] = { "endian", "little,big,host,network" },
  [SET_DOC_VIEWER] = { "doc-viewer", "info,less" },
  [SET_PAGER] = { "pager", "yes,no" },
  [SET_TRACER] = { "tracer", "yes,no" },
  [SET_AUTOREMAP] = { "autoremap", "yes,no" },
  [SET_ERROR_ON_WARNING] = { "error-on-warning", "yes,no" },
  [SET_FFI] = { "ffi", "yes,no" },
  [SET_ELF_API] = { "elf-api", "poke-2.4,poke-elf" },
};

const char *
bpoke_setting (int i, const char **values)
{
  if (i < 0 || i >= SET_COUNT)
    return NULL;
  if (values)
    *values = settings[i].values;
  return settings[i].name;
}

static int
setting_id (const char *name)
{
  for (int i = 0; i < SET_COUNT; i++)
    if (strcmp (settings[i].name, name) == 0)
      return i;
  return -1;
}

/* Is WORD one of the comma-separated LIST?  */
static bool
in_list (const char *list, const char *word)
{
  size_t n = strlen (word);
  for (const char *p = list; *p;)
    {
      size_t k = strcspn (p, ",");
      if (k == n && strncmp (p, word, n) == 0)
        return true;
      p += k + (p[k] == ',');
    }
  return false;
}

/* GNU poke's dot-commands read their integers in C's notation (0x,
   0b and a leading 0 for octal) with a sign; beyond 64 bits they
   saturate, then are cut to 32 bits (`.set oindent 4294967312' is
   16).  */
bool
bpoke_parse_int (const char *s, int *out)
{
  const char *p = s;
  while (*p == ' ' || *p == '\t')
    p++;
  bool neg = *p == '-';
  if (*p == '-' || *p == '+')
    p++;
  int base = 10;
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && isxdigit ((unsigned char) p[2]))
    base = 16, p += 2;
  else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B')
           && (p[2] == '0' || p[2] == '1'))
    base = 2, p += 2;
  else if (p[0] == '0')
    base = 8;
  uint64_t v = 0;
  bool over = false;
  const char *digits = p;
  for (;; p++)
    {
      int d = isdigit ((unsigned char) *p) ? *p - '0'
              : isxdigit ((unsigned char) *p) ? tolower (*p) - 'a' + 10 : 99;
      if (d >= base)
        break;
      if (v > (UINT64_MAX - (uint64_t) d) / (uint64_t) base)
        over = true;
      else
        v = v * (uint64_t) base + (uint64_t) d;
    }
  if (p == digits || *p)
    return false;
  int64_t r;
  if (neg)
    r = over || v > (uint64_t) INT64_MAX + 1 ? INT64_MIN : (int64_t) (0 - v);
  else
    r = over || v > (uint64_t) INT64_MAX ? INT64_MAX : (int64_t) v;
  *out = (int) (uint32_t) (uint64_t) r;
  return true;
}

const char *
bpoke_get (bpoke *pk, const char *name)
{
  static char buf[16];
  const print_opts *o = &pk->vm->popts;
  int id = setting_id (name);
  if (id < 0)
    return NULL;
  switch (id)
    {
    case SET_PRETTY: return o->pretty ? "yes" : "no";
    case SET_OMAPS: return o->omaps ? "yes" : "no";
    case SET_OMODE: return o->tree ? "tree" : "flat";
    case SET_ENDIAN: return pk->vm->big_endian ? "big" : "little";
    case SET_PAGER: return pk->pager ? "yes" : "no";
    case SET_FFI: return pk->vm->ffi_off ? "no" : "yes";
    case SET_ELF_API: return pk->elf_api_pokeelf ? "poke-elf" : "poke-2.4";
    case SET_AUTO_MAP: return pk->auto_map ? "yes" : "no";
    case SET_PROMPT_MAPS: return pk->prompt_maps ? "yes" : "no";
    case SET_DOC_VIEWER: return pk->doc_less ? "less" : "info";
    case SET_AUTOREMAP: return pk->vm->autoremap ? "yes" : "no";
    case SET_TRACER: return tracer_on (pk) ? "yes" : "no";
    case SET_ERROR_ON_WARNING:
      return compiler_error_on_warning (pk->comp) ? "yes" : "no";
    default:
      break;
    }
  int v = id == SET_OBASE ? o->obase : id == SET_OACUTOFF ? o->oacutoff
          : id == SET_ODEPTH ? o->odepth : o->oindent;
  snprintf (buf, sizeof buf, "%d", v);
  return buf;
}

/* Has a file of the ELF module been loaded: a module named elf*.bpk in
   the standard library's directory or in its poke-elf directory?  */
static bool
elf_module_loaded (const bpoke *pk)
{
  const char *data = pk->datadir ? pk->datadir : BPOKE_DATADIR;
  size_t n = strlen (data);
  for (int i = 0; i < pk->nloaded; i++)
    {
      const char *p = pk->loaded[i];
      if (strncmp (p, data, n) != 0 || p[n] != '/')
        continue;
      p += n + 1;
      if (strncmp (p, "poke-elf/", 9) == 0)
        p += 9;
      if (strncmp (p, "elf", 3) == 0 && !strchr (p, '/'))
        return true;
    }
  return false;
}

/* Change setting ID to VALUE, which is valid for it.  */
static bool
apply_setting (bpoke *pk, int id, const char *value, const char **err)
{
  print_opts *o = &pk->vm->popts;
  bool yes = strcmp (value, "yes") == 0;
  int n = 0;
  if (!settings[id].values)
    bpoke_parse_int (value, &n);
  switch (id)
    {
    case SET_PRETTY: o->pretty = yes; break;
    case SET_OMAPS: o->omaps = yes; break;
    case SET_OBASE: o->obase = atoi (value); break;
    case SET_OACUTOFF: o->oacutoff = n; break;
    case SET_ODEPTH: o->odepth = n; break;
    case SET_OINDENT: o->oindent = n; break;
    case SET_OMODE: o->tree = strcmp (value, "tree") == 0; break;
    case SET_PAGER: pk->pager = yes; break;
    case SET_AUTO_MAP: pk->auto_map = yes; break;
    case SET_PROMPT_MAPS: pk->prompt_maps = yes; break;
    case SET_DOC_VIEWER: pk->doc_less = strcmp (value, "less") == 0; break;
    case SET_AUTOREMAP: pk->vm->autoremap = yes; break;
    case SET_TRACER:
      {
        const char *src = yes ? "pk_tracer_p = 1" : "pk_tracer_p = 0";
        if (bpoke_command (pk, src, strlen (src), "<set>", false)
            != BPOKE_OK)
          return false;
        break;
      }
    case SET_ERROR_ON_WARNING:
      compiler_set_error_on_warning (pk->comp, yes);
      break;
    case SET_ENDIAN:
      if (strcmp (value, "host") == 0)
        pk->vm->big_endian = *(const unsigned char *) &(const uint16_t) { 1 }
                             == 0;
      else
        pk->vm->big_endian = strcmp (value, "little") != 0;
      break;
    case SET_FFI:
      if (yes && pk->vm->ffi_locked)
        {
          *err = "error: native calls were disabled by --no-ffi";
          return false;
        }
      pk->vm->ffi_off = !yes;
      break;
    case SET_ELF_API:
      {
        /* A module loads once: the ELF module already loaded keeps
           its definitions, which the setting would then misreport.  */
        bool pokeelf = strcmp (value, "poke-elf") == 0;
        if (pokeelf != pk->elf_api_pokeelf && elf_module_loaded (pk))
          {
            *err = "error: elf-api: the ELF module is loaded already; "
                   "set elf-api before `load elf'";
            return false;
          }
        pk->elf_api_pokeelf = pokeelf;
        break;
      }
    }
  return true;
}

bool
bpoke_set (bpoke *pk, const char *name, const char *value, const char **err)
{
  static char msg[128];
  *err = NULL;
  int id = setting_id (name);
  if (id < 0)
    {
      snprintf (msg, sizeof msg, "set %s: command not found.", name);
      *err = msg;
      return false;
    }
  int n;
  if (settings[id].values ? !in_list (settings[id].values, value)
      : !bpoke_parse_int (value, &n))
    {
      if (id == SET_ERROR_ON_WARNING)
        snprintf (msg, sizeof msg, "error: error-on-warning should be one "
                  "of `yes' or `no'");
      else
        snprintf (msg, sizeof msg, "Usage: .set %s %s%s%s", name,
                  settings[id].values ? "{" : "",
                  settings[id].values ? settings[id].values : "INTEGER",
                  settings[id].values ? "}" : "");
      *err = msg;
      return false;
    }
  return apply_setting (pk, id, value, err);
}

/* Completion.  */

/* Can NAME be typed?  The checker's own names (` env Exception 19')
   cannot.  */
static bool
public_name (const char *name)
{
  if (!name || !(isalpha ((unsigned char) *name) || *name == '_'))
    return false;
  for (const char *p = name + 1; *p; p++)
    if (!(isalnum ((unsigned char) *p) || *p == '_'))
      return false;
  return true;
}

typedef struct complete_ctx
{
  const char *prefix;
  size_t plen;
  const char *kinds;
  void (*fn) (void *, const char *);
  void *ctx;
} complete_ctx;

static void
complete_one (void *cv, const char *name, char kind, type *t)
{
  complete_ctx *c = cv;
  (void) t;
  if ((!c->kinds || strchr (c->kinds, kind))
      && strncmp (name, c->prefix, c->plen) == 0 && public_name (name))
    c->fn (c->ctx, name);
}

void
bpoke_complete (bpoke *pk, const char *prefix, const char *kinds,
                void (*fn) (void *ctx, const char *name), void *ctx)
{
  complete_ctx c = { prefix, strlen (prefix), kinds, fn, ctx };
  compiler_each_global (pk->comp, complete_one, &c);
}

void
bpoke_complete_attributes (const char *prefix,
                           void (*fn) (void *ctx, const char *name),
                           void *ctx)
{
  const char *a;
  for (int i = 1; (a = ast_attr_name (i)); i++)
    if (strncmp (a, prefix, strlen (prefix)) == 0)
      fn (ctx, a);
}

/* The index of the token that closes the group opened at I (a `(' or
   `['), or that opens the one closed at I: STEP is 1 or -1.  -1 if
   there is none.  */
static int
group_end (const token *t, int n, int i, int step)
{
  int depth = 0;
  for (; i >= 0 && i < n; i += step)
    {
      bool opens = t[i].kind == T_LPAREN || t[i].kind == T_LBRACK;
      bool closes = t[i].kind == T_RPAREN || t[i].kind == T_RBRACK;
      depth += (opens ? 1 : closes ? -1 : 0) * step;
      if (depth == 0 && (opens || closes))
        return i;
    }
  return -1;
}

/* The type of field or method NAME of T, or NULL.  */
static type *
member_type (const type *t, const char *name)
{
  if (t->kind != TY_STRUCT)
    return NULL;
  for (int i = 0; i < t->u.s.nfields; i++)
    if (t->u.s.fields[i].name && strcmp (t->u.s.fields[i].name, name) == 0)
      return t->u.s.fields[i].type;
  for (int i = 0; i < t->u.s.nmethods; i++)
    if (t->u.s.methods[i].name && strcmp (t->u.s.methods[i].name, name) == 0)
      return t->u.s.methods[i].type;
  return NULL;
}

/* The type of the expression that ends the N tokens T: a global name
   followed by .FIELD, [INDEX] and (ARGUMENTS), as `f.shdr[1].' or
   `f.get_sections_by_name (".text")[0].'.  Nothing is run or compiled:
   the type follows from the name's declaration.  NULL when it does
   not.  */
static type *
postfix_type (const compiler *c, const token *t, int n)
{
  int i = n - 1;
  while (i >= 0)
    {
      if (t[i].kind == T_RPAREN || t[i].kind == T_RBRACK)
        {
          i = group_end (t, n, i, -1);
          if (i < 0)
            return NULL;
          i--;
        }
      else if (t[i].kind == T_IDENT && i > 0 && t[i - 1].kind == T_DOT)
        i -= 2;
      else
        break;
    }
  type *ty = NULL;
  if (i < 0 || t[i].kind != T_IDENT || compiler_global (c, t[i].sval, &ty) < 0)
    return NULL;
  for (int j = i + 1; j < n && ty;)
    {
      if (t[j].kind == T_DOT)
        {
          ty = j + 1 < n && t[j + 1].kind == T_IDENT
               ? member_type (ty, t[j + 1].sval) : NULL;
          j += 2;
          continue;
        }
      if (t[j].kind == T_LBRACK)
        ty = ty->kind == TY_ARRAY ? ty->u.a.elem : NULL;
      else
        ty = ty->kind == TY_FUNCTION ? ty->u.f.ret : NULL;
      j = group_end (t, n, j, 1) + 1;
      if (j == 0)
        return NULL;
    }
  return ty;
}

void
bpoke_complete_members (bpoke *pk, const char *text, size_t len,
                        const char *prefix,
                        void (*fn) (void *ctx, const char *name), void *ctx)
{
  lexer *lx = lex_new (text, len, "<stdin>");
  /* $MAP::ENTRY is its variable, here too.  */
  lex_set_entry_resolver (lx, iomaps_entry_var, pk);
  token *toks = NULL;
  int n = 0, cap = 0;
  token tok;
  while (lex_next (lx, &tok) != T_EOF)
    {
      if (n == cap)
        toks = xrealloc (toks, sizeof *toks * (size_t) (cap = cap ? 2 * cap
                                                                  : 32));
      toks[n++] = tok;
    }
  /* Inside a string or a comment there are no members.  */
  const type *t = lex_incomplete (lx) ? NULL : postfix_type (pk->comp, toks,
                                                             n);
  size_t plen = strlen (prefix);
  for (int m = 0; t && t->kind == TY_STRUCT && m < 2; m++)
    {
      int count = m ? t->u.s.nmethods : t->u.s.nfields;
      const type_field *fs = m ? t->u.s.methods : t->u.s.fields;
      for (int i = 0; i < count; i++)
        if (public_name (fs[i].name)
            && strncmp (fs[i].name, prefix, plen) == 0)
          fn (ctx, fs[i].name);
    }
  free (toks);
  lex_free (lx);
}

void
bpoke_set_argv (bpoke *pk, int argc, char **argv)
{
  type *t;
  int slot = compiler_global (pk->comp, "argv", &t);
  if (slot < 0 || slot >= pk->vm->globals->nslots)
    return;
  /* The array is reachable from the global before its strings are
     allocated, so the collector sees them.  */
  pk_array *a = array_new ((size_t) argc);
  pk->vm->globals->slots[slot].t = t;
  pk->vm->globals->slots[slot].v.o = &a->h;
  for (int i = 0; i < argc; i++)
    array_push (a, val_cstring (argv[i]));
}

/* .info variables|functions|types [REGEXP]: a table of the matching
   globals and where they were declared.  */
typedef struct info_list
{
  bpoke *pk;
  char kind;
  regex_t *re;
  const char **names;
  size_t n, cap;
} info_list;

static void
info_collect (void *cv, const char *name, char kind, type *t)
{
  info_list *l = cv;
  (void) t;
  if (kind != l->kind || name[0] == ' ' || name[0] == '\0'
      || (l->re && regexec (l->re, name, 0, NULL, 0) != 0))
    return;
  if (l->n == l->cap)
    {
      l->cap = l->cap ? l->cap * 2 : 64;
      l->names = xrealloc (l->names, l->cap * sizeof *l->names);
    }
  l->names[l->n++] = name;
}

/* .info type: T, named NAME (NULL for an anonymous type).  */
/* Whether `.info type' lists the field or method F: as in GNU poke
   4.3, not an anonymous field, nor a pretty-printer (_print,
   _print_FIELD).  */
static bool
info_shown (const type_field *f)
{
  return f->name && strcmp (f->name, "_print") != 0
         && strncmp (f->name, "_print_", 7) != 0;
}

static void
info_type (const char *name, const type *t)
{
  const char *keys[16], *vals[16];
  char buf[16][64];
  int n = 0;
  const char *cls = "";
  const type *it = NULL;
  switch (t->kind)
    {
    case TY_INT:
      cls = "integral";
      it = t;
      break;
    case TY_OFFSET:
      cls = "offset";
      break;
    case TY_STRING:
      cls = "string";
      break;
    case TY_ARRAY:
      cls = "array";
      break;
    case TY_STRUCT:
      cls = t->u.s.is_union ? "union" : t->u.s.pinned ? "pinned struct"
            : t->u.s.itype ? "integral struct" : "struct";
      it = t->u.s.itype;
      break;
    case TY_FUNCTION:
      cls = "function";
      break;
    default:
      cls = "any";
    }
  keys[n] = "Class:", vals[n++] = cls;
  if (name)
    keys[n] = "Name:", vals[n++] = name;
  keys[n] = "Complete:", vals[n++] = type_complete (t) ? "yes" : "no";
  if (it)
    {
      keys[n] = "Signed:", vals[n++] = it->u.i.sign ? "yes" : "no";
      snprintf (buf[n], sizeof buf[n], "%d#b", it->u.i.size);
      keys[n] = t->kind == TY_STRUCT ? "Integral size:" : "Size:";
      vals[n] = buf[n];
      n++;
    }
  if (t->kind == TY_OFFSET)
    {
      const type *b = t->u.o.base;
      keys[n] = "Base type signed:", vals[n++] = b->u.i.sign ? "yes" : "no";
      snprintf (buf[n], sizeof buf[n], "%d#b", b->u.i.size);
      keys[n] = "Base type size:", vals[n] = buf[n], n++;
      snprintf (buf[n], sizeof buf[n], "%" PRIu64 "#b", t->u.o.unit);
      keys[n] = "Unit:", vals[n] = buf[n], n++;
    }
  if (t->kind == TY_ARRAY)
    keys[n] = "Bounded:", vals[n++] = t->u.a.bound || t->u.a.bound_const
                                      ? "yes" : "no";
  size_t w = 0;
  for (int i = 0; i < n; i++)
    if (strlen (keys[i]) > w)
      w = strlen (keys[i]);
  for (int i = 0; i < n; i++)
    printf ("%-*s%s\n", (int) w + 3, keys[i], vals[i]);
  if (t->kind != TY_STRUCT)
    return;
  for (int m = 0; m < 2; m++)
    {
      int count = m ? t->u.s.nmethods : t->u.s.nfields, shown = 0;
      const type_field *fs = m ? t->u.s.methods : t->u.s.fields;
      size_t fw = 4;
      for (int i = 0; i < count; i++)
        if (info_shown (&fs[i]))
          {
            shown++;
            if (strlen (fs[i].name) > fw)
              fw = strlen (fs[i].name);
          }
      /* GNU poke heads the fields even when none is shown.  */
      if (m ? shown == 0 : count == 0)
        continue;
      printf ("%s\n  %-*sType\n", m ? "Methods:" : "Fields:", (int) fw + 5,
              "Name");
      for (int i = 0; i < count; i++)
        {
          if (!info_shown (&fs[i]))
            continue;
          strbuf sb;
          sb_init (&sb);
          type_print_signature (&sb, fs[i].type);
          printf ("  %-*s%s\n", (int) fw + 5, fs[i].name,
                  sb.data ? sb.data : "");
          sb_free (&sb);
        }
    }
}

/* Compile TEXT, named "<unknown>" in messages, a program or, with
   EXPR, a single expression (parse_expression), without running it;
   call FN with the checked program and DATA; then forget it.  False,
   with the compiler's messages in ERR, if it does not compile.  What
   `.info type' and `.compiler ast' look at.  */
static bool
compile_forget (bpoke *pk, const char *text, size_t len, bool expr,
                void (*fn) (const ast *prog, void *data), void *data,
                strbuf *err)
{
  source *src = keep_source (pk, text, len, "<unknown>");
  run_ctx rc = { pk, 0, BPOKE_OK };
  parse_env env = parser_env (pk, &rc, false);
  compiler_mark mark = compiler_get_mark (pk->comp);
  ast *prog = expr ? parse_expression (&env, src, err)
                   : parse_program_mode (&env, src, err, NULL, false);
  bool ok = prog && check_program (pk->comp, prog, err);
  if (ok)
    fn (prog, data);
  compiler_forget (pk->comp, mark);
  return ok;
}

static void
info_typeof_stmt (const ast *prog, void *data)
{
  (void) data;
  for (int i = 0; i < prog->nkids; i++)
    if (prog->kids[i]->kind == S_EXPR && prog->kids[i]->a->kind == A_TYPEOF)
      {
        const type *t = prog->kids[i]->a->aux;
        info_type (t->name, t);
      }
}

/* .info type ARG: ARG is a type or an expression, whose type is
   described.  It is compiled (not run) as `typeof (ARG)', then
   forgotten.  As in GNU poke 4.3, a failure is said on standard output
   in the words of the compiler, without the column.  */
static bool
info_type_of (bpoke *pk, const char *arg)
{
  strbuf sb, err;
  sb_init (&sb);
  sb_init (&err);
  sb_printf (&sb, "typeof (%s);", arg);
  bool ok = compile_forget (pk, sb.data, sb.len, false, info_typeof_stmt,
                            NULL, &err);
  sb_free (&sb);
  if (!ok)
    {
      /* FILE:LINE:COL: error: MESSAGE, then the source line and a
         caret: keep the first line, without its column.  */
      const char *e = err.data ? err.data : "";
      const char *colon = strstr (e, ": error: ");
      const char *nl = strchr (e, '\n');
      if (colon && nl && colon < nl && strncmp (e, "<unknown>:1:", 12) == 0)
        printf ("<unknown>:1%.*s\n", (int) (nl - colon), colon);
      printf ("error: this command requires a type specifier o an "
              "expression\n");
    }
  sb_free (&err);
  return ok;
}

static void
dump_prog (const ast *prog, void *data)
{
  ast_dump (data, prog);
}

char *
bpoke_compiler_ast (bpoke *pk, const char *expr, bool *ok)
{
  strbuf err, out;
  sb_init (&err);
  sb_init (&out);
  *ok = compile_forget (pk, expr, strlen (expr), true, dump_prog, &out,
                        &err);
  strbuf *r = *ok ? &out : &err;
  sb_free (*ok ? &err : &out);
  if (!r->data)
    sb_puts (r, "");
  return sb_steal (r);
}

bool
bpoke_info (bpoke *pk, const char *what, const char *arg, const char **err)
{
  *err = NULL;
  if (strcmp (what, "type") == 0)
    return info_type_of (pk, arg ? arg : "");
  info_list l = { pk, strcmp (what, "variables") == 0 ? 'v'
                      : strcmp (what, "functions") == 0 ? 'f' : 't',
                  NULL, NULL, 0, 0 };
  regex_t re;
  if (arg)
    {
      if (regcomp (&re, arg, REG_EXTENDED | REG_NOSUB) != 0)
        {
          *err = "error: invalid regular expression";
          return false;
        }
      l.re = &re;
    }
  compiler_each_global (pk->comp, info_collect, &l);
  size_t w = 4;
  for (size_t i = 0; i < l.n; i++)
    if (strlen (l.names[i]) > w)
      w = strlen (l.names[i]);
  printf ("%-*sDeclared at\n", (int) w + 3, "Name");
  for (size_t i = 0; i < l.n; i++)
    {
      const char *file;
      int line;
      compiler_global_where (pk->comp, l.names[i], l.kind == 't', &file,
                             &line, NULL);
      if (!file)
        printf ("%-*s<builtin>\n", (int) w + 3, l.names[i]);
      else
        {
          const char *base = strrchr (file, '/');
          printf ("%-*s%s:%d\n", (int) w + 3, l.names[i],
                  base ? base + 1 : file, line);
        }
    }
  free (l.names);
  if (arg)
    regfree (&re);
  return true;
}

/* The IO part of the interface: the IO spaces are global, not per
   interpreter.  */

int
bpoke_ios_open (bpoke *pk, const char *handler, uint64_t flags)
{
  (void) pk;
  int id = ios_open (handler, flags, NULL);
  if (id >= 0)
    ios_set_cur (id);
  return id;
}

const char *
bpoke_ios_why (bpoke *pk)
{
  (void) pk;
  return iodev_why ();
}

bool
bpoke_ios_close (bpoke *pk, int id)
{
  (void) pk;
  return ios_get (id) && ios_close (id) == IOS_OK;
}

bool
bpoke_ios_set_current (bpoke *pk, int id)
{
  (void) pk;
  return ios_set_cur (id);
}

int
bpoke_ios_current (bpoke *pk)
{
  (void) pk;
  return ios_cur () ? ios_id (ios_cur ()) : -1;
}

int
bpoke_ios_lookup (bpoke *pk, const char *name)
{
  (void) pk;
  ios *io = ios_find (name);
  return io ? ios_id (io) : -1;
}

int
bpoke_ios_next_id (bpoke *pk)
{
  (void) pk;
  return ios_next_id ();
}

typedef struct ios_each_ctx
{
  void (*fn) (void *ctx, const bpoke_ios *io);
  void *ctx;
} ios_each_ctx;

static void
ios_each_one (void *cv, ios *io)
{
  ios_each_ctx *c = cv;
  bpoke_ios info = { ios_id (io), io == ios_cur (), ios_type_name (io),
                     ios_handler (io), ios_flags (io), ios_bias (io),
                     ios_size (io) };
  c->fn (c->ctx, &info);
}

void
bpoke_ios_each (bpoke *pk, void (*fn) (void *ctx, const bpoke_ios *io),
                void *ctx)
{
  (void) pk;
  ios_each_ctx c = { fn, ctx };
  ios_each (ios_each_one, &c);
}
