/* interp.c -- the public interface (bpoke.h): compile and run commands
   and scripts, report errors and unhandled exceptions as GNU poke does,
   and hold the settings.  */

#include "bpoke.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "eval.h"
#include "parse.h"

extern const char bpoke_prelude_src[];
int builtins_count (void);
const char *builtin_name (int id);
const char *builtin_sig (int id);

struct bpoke
{
  compiler *comp;
  vm *vm;
  int exit_code;
  bool exiting;
  /* Sources stay alive as long as the ASTs that point into them.  */
  source **sources;
  int nsources, capsources;
};


static source *
keep_source (bpoke *pk, const char *buf, size_t len, const char *filename)
{
  source *s = xmalloc (sizeof *s);
  s->filename = xstrdup (filename);
  s->buf = xstrndup (buf, len);
  s->len = len;
  if (pk->nsources == pk->capsources)
    {
      pk->capsources = pk->capsources ? pk->capsources * 2 : 16;
      pk->sources = xrealloc (pk->sources, sizeof (source *) * pk->capsources);
    }
  pk->sources[pk->nsources++] = s;
  return s;
}

/* Print an unhandled exception as GNU poke does.  */
static void
report_exception (bpoke *pk, val exc)
{
  fflush (stdout);
  if (exc.t->kind != TY_STRUCT)
    {
      printf ("unhandled exception\n");
      return;
    }
  const char *name = vm_exc_name (exc);
  printf ("unhandled %s exception\n", *name ? name : "unknown");
  const char *loc = vm_exc_location (exc);
  const char *msg = vm_exc_msg (exc);
  if (*loc)
    printf ("%s %s\n", loc, msg);
  else if (*msg)
    printf ("%s\n", msg);
  fflush (stdout);
  (void) pk;
}

static void
print_result (bpoke *pk, val r)
{
  if (r.t->kind == TY_VOID)
    return;
  strbuf sb;
  sb_init (&sb);
  print_value (&sb, r, &pk->vm->popts);
  sb_putc (&sb, '\n');
  fwrite (sb.data, 1, sb.len, stdout);
  sb_free (&sb);
}

/* Compile and run SRC.  REPL marks a command: its lone expression is
   printed.  */
static bpoke_status
run (bpoke *pk, const source *src, bool repl, bool allow_incomplete)
{
  strbuf err;
  sb_init (&err);
  parse_env env = { compiler_is_type_name, pk->comp,
                    compiler_arena (pk->comp) };
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
      fputs (err.data, stderr);
      sb_free (&err);
      return BPOKE_ERROR;
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
  if (!check_program (pk->comp, prog, &err))
    {
      fflush (stdout);
      fputs (err.data, stderr);
      sb_free (&err);
      return BPOKE_ERROR;
    }
  sb_free (&err);
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
  bool is_fun = len >= 4 && memcmp (text, "fun", 3) == 0
                && (text[3] == ' ' || text[3] == '\t');
  strbuf sb;
  sb_init (&sb);
  sb_putn (&sb, text, len);
  if (!is_fun)
    sb_putc (&sb, ';');
  source *src = keep_source (pk, sb.data, sb.len, filename);
  sb_free (&sb);
  bpoke_status st = run (pk, src, true, allow_incomplete);
  return st;
}

bpoke_status
bpoke_script (bpoke *pk, const char *text, size_t len, const char *filename)
{
  source *src = keep_source (pk, text, len, filename);
  return run (pk, src, false, false);
}

bpoke_status
bpoke_script_file (bpoke *pk, const char *path)
{
  FILE *f = fopen (path, "rb");
  if (!f)
    {
      fprintf (stderr, "%s: %s\n", path, strerror (errno));
      pk->exit_code = 1;
      return BPOKE_ERROR;
    }
  strbuf sb;
  sb_init (&sb);
  char buf[65536];
  size_t n;
  while ((n = fread (buf, 1, sizeof buf, f)) > 0)
    sb_putn (&sb, buf, n);
  fclose (f);
  bpoke_status st = bpoke_script (pk, sb.data ? sb.data : "", sb.len, path);
  sb_free (&sb);
  return st;
}

int
bpoke_exit_code (const bpoke *pk)
{
  return pk->exit_code;
}

static void
install_builtins (bpoke *pk)
{
  strbuf sb;
  sb_init (&sb);
  int n = builtins_count ();
  for (int id = 1; id <= n; id++)
    sb_printf (&sb, "fun %s = %s: {}\n", builtin_name (id), builtin_sig (id));
  if (bpoke_script (pk, sb.data, sb.len, "<builtins>") != BPOKE_OK)
    abort ();
  sb_free (&sb);
  for (int id = 1; id <= n; id++)
    {
      int slot = compiler_global (pk->comp, builtin_name (id), NULL);
      val_clo (pk->vm->globals->slots[slot])->builtin = id;
    }
}

bpoke *
bpoke_new (void)
{
  bpoke *pk = xcalloc (1, sizeof *pk);
  type_init ();
  gc_init ();
  pk->comp = compiler_new ();
  pk->vm = vm_new (pk->comp);
  if (bpoke_script (pk, bpoke_prelude_src, strlen (bpoke_prelude_src),
                    "<prelude>") != BPOKE_OK)
    {
      fputs ("bpoke: internal error: the prelude does not compile\n", stderr);
      abort ();
    }
  install_builtins (pk);
  return pk;
}

void
bpoke_free (bpoke *pk)
{
  if (!pk)
    return;
  vm_free (pk->vm);
  gc_fini ();
  compiler_free (pk->comp);
  type_fini ();
  for (int i = 0; i < pk->nsources; i++)
    {
      free ((char *) pk->sources[i]->filename);
      free ((char *) pk->sources[i]->buf);
      free (pk->sources[i]);
    }
  free (pk->sources);
  free (pk);
}

void
bpoke_interrupt (bpoke *pk)
{
  pk->vm->interrupted = 1;
}

bool
bpoke_set (bpoke *pk, const char *name, const char *value, const char **err)
{
  print_opts *o = &pk->vm->popts;
  *err = NULL;
  if (strcmp (name, "obase") == 0)
    {
      if (!value)
        {
          printf ("%d\n", o->obase);
          return true;
        }
      int b = atoi (value);
      if (b != 2 && b != 8 && b != 10 && b != 16)
        {
          *err = "Usage: .set obase {2,8,10,16}";
          return false;
        }
      o->obase = b;
      return true;
    }
  if (strcmp (name, "omode") == 0)
    {
      if (!value)
        {
          printf ("%s\n", o->tree ? "tree" : "flat");
          return true;
        }
      if (strcmp (value, "tree") == 0)
        o->tree = true;
      else if (strcmp (value, "flat") == 0)
        o->tree = false;
      else
        {
          *err = "error: omode should be one of `flat' or `tree'.";
          return false;
        }
      return true;
    }
  struct
  {
    const char *name;
    int *p;
  } ints[] = {
    {"odepth", &o->odepth}, {"oindent", &o->oindent},
    {"oacutoff", &o->oacutoff},
  };
  for (size_t i = 0; i < countof (ints); i++)
    if (strcmp (name, ints[i].name) == 0)
      {
        if (!value)
          {
            printf ("%d\n", *ints[i].p);
            return true;
          }
        *ints[i].p = atoi (value);
        return true;
      }
  if (strcmp (name, "pretty-print") == 0)
    {
      if (!value)
        {
          printf ("%s\n", o->pretty ? "yes" : "no");
          return true;
        }
      o->pretty = strcmp (value, "yes") == 0;
      return true;
    }
  *err = "error: invalid setting";
  return false;
}

typedef struct complete_ctx
{
  const char *prefix;
  size_t plen;
  void (*fn) (void *, const char *);
  void *ctx;
} complete_ctx;

static void
complete_one (void *cv, const char *name, char kind, type *t)
{
  complete_ctx *c = cv;
  (void) kind;
  (void) t;
  if (strncmp (name, c->prefix, c->plen) == 0)
    c->fn (c->ctx, name);
}

void
bpoke_complete (bpoke *pk, const char *prefix,
                void (*fn) (void *ctx, const char *name), void *ctx)
{
  complete_ctx c = { prefix, strlen (prefix), fn, ctx };
  compiler_each_global (pk->comp, complete_one, &c);
}

void
bpoke_set_argv (bpoke *pk, int argc, char **argv)
{
  (void) pk;
  (void) argc;
  (void) argv;
}

static void
info_one (void *cv, const char *name, char kind, type *t)
{
  const char *want = cv;
  if (kind != want[0])
    return;
  strbuf sb;
  sb_init (&sb);
  type_print (&sb, t);
  printf ("%-20s %s\n", name, sb.data ? sb.data : "");
  sb_free (&sb);
}

void
bpoke_info (bpoke *pk, const char *what)
{
  const char *k = strcmp (what, "variables") == 0 ? "v"
                  : strcmp (what, "functions") == 0 ? "f" : "t";
  compiler_each_global (pk->comp, info_one, (void *) k);
}
