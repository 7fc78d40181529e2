/* cmd.c -- the dot-commands: IO spaces (.file, .mem, .ios, .close),
   settings, command files (.source, .editor), information (.info,
   .version) and help.  They are recognized by a leading '.'
   on a command line and never reach the language.  As in GNU poke,
   their messages go to standard output, and a command name may be
   abbreviated to any unambiguous prefix.  */

#include <config.h>

#include "cmd.h"
#include "cmd-int.h"
#include "help.h"
#include "repl.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool cmd_interactive;
bool cmd_prompt;

typedef bool (*cmd_fn) (bpoke *pk, const cmd_args *a, bool *quit);

typedef struct cmd_def
{
  const char *name;
  const char *flags;            /* The /FLAGS it accepts.  */
  cmd_fn fn;
} cmd_def;

bool
cmd_fail (const char *fmt, ...)
{
  va_list ap;
  fflush (stdout);
  va_start (ap, fmt);
  vprintf (fmt, ap);
  va_end (ap);
  putchar ('\n');
  fflush (stdout);
  return false;
}

/* .exit [CODE]: leave, with status CODE (0 by default).  */
static bool
cmd_exit (bpoke *pk, const cmd_args *a, bool *quit)
{
  int code = 0;
  if (a->argc > 2 || (a->argc == 2 && !bpoke_parse_int (a->argv[1], &code)))
    return cmd_fail ("Usage: .%s [CODE]", a->argv[0]);
  bpoke_set_exit_code (pk, code);
  *quit = true;
  return true;
}

/* The setting that NAME names or abbreviates (unambiguously, as in GNU
   poke), or NULL.  */
static const char *
find_setting (const char *name)
{
  const char *found = NULL, *s;
  int n = 0;
  for (int i = 0; (s = bpoke_setting (i, NULL)); i++)
    {
      if (strcmp (s, name) == 0)
        return s;
      if (strncmp (s, name, strlen (name)) == 0)
        {
          found = s;
          n++;
        }
    }
  return n == 1 ? found : NULL;
}

/* .set lists the settings, .set NAME prints one, .set NAME VALUE
   changes it; VALUE is the rest of the line.  */
static bool
cmd_set (bpoke *pk, const cmd_args *a, bool *quit)
{
  (void) quit;
  const char *name;
  if (a->argc < 2)
    {
      printf ("%-14s %s\n", "Setting", "Value");
      for (int i = 0; (name = bpoke_setting (i, NULL)); i++)
        printf ("%-14s %s\n", name, bpoke_get (pk, name));
      return true;
    }
  name = find_setting (a->argv[1]);
  if (!name)
    return cmd_fail ("set %s: command not found.", a->argv[1]);
  const char *value = a->rest + strcspn (a->rest, " \t");
  value += strspn (value, " \t");
  if (!*value)
    {
      printf ("%s\n", bpoke_get (pk, name));
      return true;
    }
  const char *err;
  if (!bpoke_set (pk, name, value, &err))
    return cmd_fail ("%s", err);
  return true;
}

/* .load FILE: run a file of Poke code, as -l does.  */
static bool
cmd_load (bpoke *pk, const cmd_args *a, bool *quit)
{
  (void) quit;
  if (!*a->rest)
    return cmd_fail ("Usage: .load FILE-NAME");
  if (access (a->rest, R_OK) != 0)
    return cmd_fail ("Cannot stat %s: %s", a->rest, strerror (errno));
  bpoke_status st = bpoke_script_file (pk, a->rest);
  return st != BPOKE_ERROR;
}

/* .source FILE: run the command lines of FILE, as -s does.  A line
   that does not compile stops it, and fails the command; `.exit' there
   is ignored, as in GNU poke 4.3.  */
static bool
cmd_source (bpoke *pk, const cmd_args *a, bool *quit)
{
  (void) quit;
  if (!*a->rest)
    return cmd_fail ("Usage: .source FILE-NAME");
  FILE *f = fopen (a->rest, "r");
  if (!f)
    return cmd_fail ("Cannot stat %s: %s", a->rest, strerror (errno));
  bool ok, stop;
  do
    {
      stop = false;
      ok = repl_source (pk, f, a->rest, &stop);
    }
  while (ok && stop && !feof (f));
  fclose (f);
  return ok;
}

/* .editor: write a command in $EDITOR (vi by default), then run it, its
   lines joined by blanks, shown after the prompt as if typed.  Only at
   the prompt: elsewhere it does nothing, as in GNU poke 4.3.  */
static bool
cmd_editor (bpoke *pk, const cmd_args *a, bool *quit)
{
  (void) a;
  if (!cmd_prompt)
    return true;
  const char *dir = getenv ("TMPDIR");
  char path[4096];
  snprintf (path, sizeof path, "%s/bpoke-XXXXXX", dir && *dir ? dir : "/tmp");
  int fd = mkstemp (path);
  if (fd < 0)
    return cmd_fail ("error: %s: %s", path, strerror (errno));
  close (fd);
  const char *editor = getenv ("EDITOR");
  size_t n = strlen (path) + (editor && *editor ? strlen (editor) : 2) + 8;
  char *command = malloc (n);
  snprintf (command, n, "%s '%s'", editor && *editor ? editor : "vi", path);
  int st = system (command);
  free (command);
  FILE *f = st == 0 ? fopen (path, "r") : NULL;
  char *text = NULL;
  size_t len = 0;
  if (f)
    {
      char buf[4096];
      size_t k;
      while ((k = fread (buf, 1, sizeof buf, f)) > 0)
        {
          text = realloc (text, len + k + 1);
          memcpy (text + len, buf, k);
          len += k;
        }
      fclose (f);
    }
  unlink (path);
  if (!text)
    return st == 0 ? true : cmd_fail ("error: the editor failed");
  text[len] = '\0';
  while (len > 0 && text[len - 1] == '\n')
    text[--len] = '\0';
  for (char *p = text; *p; p++)
    if (*p == '\n')
      *p = ' ';
  printf ("%s %s\n", REPL_PROMPT, text);
  bool ok = *text ? repl_line (pk, text, quit) == BPOKE_OK : true;
  free (text);
  return ok;
}

static bool
cmd_version (bpoke *pk, const cmd_args *a, bool *quit)
{
  (void) pk, (void) a, (void) quit;
  printf ("bpoke %s\n", VERSION);
  return true;
}

/* .compiler ast EXPR: the tree the compiler makes of EXPR.  As in GNU
   poke, a compile error is said on standard output and the command
   still succeeds.  */
static bool
cmd_compiler (bpoke *pk, const cmd_args *a, bool *quit)
{
  (void) quit;
  if (a->argc < 2)
    return cmd_fail ("Usage: .compiler (ast)");
  if (strncmp ("ast", a->argv[1], strlen (a->argv[1])) != 0)
    return cmd_fail ("compiler %s: command not found.", a->argv[1]);
  const char *expr = a->rest + strcspn (a->rest, " \t");
  bool ok;
  char *text = bpoke_compiler_ast (pk, expr + strspn (expr, " \t"), &ok);
  fputs (text, stdout);
  free (text);
  return true;
}

/* IO spaces.  */

typedef struct ios_name
{
  int id;
  char *name;
} ios_name;

static void
find_name (void *ctx, const bpoke_ios *io)
{
  ios_name *n = ctx;
  if (io->id == n->id)
    n->name = strdup (io->name);
}

/* In an interactive session, GNU poke says which IO space a .mem, .nbd
   or .ios made current.  */
void
cmd_say_current (bpoke *pk)
{
  if (!cmd_interactive)
    return;
  ios_name n = { bpoke_ios_current (pk), NULL };
  bpoke_ios_each (pk, find_name, &n);
  if (n.name)
    printf ("The current IOS is now `%s'.\n", n.name);
  free (n.name);
}

static bool
cmd_file (bpoke *pk, const cmd_args *a, bool *quit)
{
  (void) quit;
  if (!*a->rest)
    return cmd_fail ("Usage: .file[/c] FILE-NAME");
  /* The name as typed is compared with the open spaces' names: a file
     opened as `foo' is named `./foo'.  */
  if (bpoke_ios_lookup (pk, a->rest) >= 0)
    return cmd_fail ("File %s already opened.  Use `.ios IOS' to switch.",
                     a->rest);
  uint64_t flags = strchr (a->flags, 'c') ? 1 | 2 | 16 : 0;
  if (bpoke_ios_open (pk, a->rest, flags) < 0)
    return cmd_fail ("error: opening %s", a->rest);
  if (strcmp (bpoke_get (pk, "auto-map"), "yes") == 0)
    bpoke_maps_auto (pk, a->rest);
  return true;
}

static bool
cmd_mem (bpoke *pk, const cmd_args *a, bool *quit)
{
  (void) quit;
  char *name;
  if (*a->rest)
    {
      name = malloc (strlen (a->rest) + 3);
      sprintf (name, "*%s*", a->rest);
    }
  else
    {
      name = malloc (32);
      sprintf (name, "*%d*", bpoke_ios_next_id (pk));
    }
  bool ok = true;
  if (bpoke_ios_lookup (pk, name) >= 0)
    ok = cmd_fail ("Buffer %s already opened.  Use `.ios IOS' to switch.",
                   name);
  else if (bpoke_ios_open (pk, name, 0) < 0)
    ok = cmd_fail ("error: opening %s", name);
  else
    cmd_say_current (pk);
  free (name);
  return ok;
}

/* The IO space that the rest of the line, a Poke expression, gives
   (GNU poke 4.3 takes `.ios 1', `.ios $<foo>'), into *ID.  */
static bool
ios_expr (bpoke *pk, const char *expr, int *id)
{
  const char *err;
  if (bpoke_eval_ios (pk, expr, id, &err))
    return true;
  if (err)
    cmd_fail ("%s", err);
  return false;
}

/* .ios ID: make ID the current IO space.  */
static bool
cmd_ios (bpoke *pk, const cmd_args *a, bool *quit)
{
  (void) quit;
  int id;
  if (!*a->rest)
    return false;
  if (!ios_expr (pk, a->rest, &id))
    return false;
  if (!bpoke_ios_set_current (pk, id))
    return cmd_fail ("error: no such IO space with id %llx",
                     (unsigned long long) (long long) id);
  cmd_say_current (pk);
  return true;
}

/* .close [ID]: close ID, or the current IO space.  */
static bool
cmd_close (bpoke *pk, const cmd_args *a, bool *quit)
{
  (void) quit;
  int id = bpoke_ios_current (pk);
  if (id < 0)
    return cmd_fail ("This command requires an IO space.  "
                     "Use the `file' command.");
  if (*a->rest && !ios_expr (pk, a->rest, &id))
    return false;
  ios_name n = { id, NULL };
  bpoke_ios_each (pk, find_name, &n);
  if (!n.name)
    return cmd_fail ("error: no such IO space with id %llx",
                     (unsigned long long) (long long) id);
  free (n.name);
  if (!bpoke_ios_close (pk, id))
    return cmd_fail ("error: closing %d", id);
  return true;
}

/* .info ios: a table with columns as wide as their widest cell plus
   three blanks, as GNU poke prints it.  */
enum { NCOLS = 6 };

typedef struct ios_rows
{
  int n, cap;
  char (*cell)[NCOLS][128];
} ios_rows;

static void
add_row (void *ctx, const bpoke_ios *io)
{
  ios_rows *r = ctx;
  if (r->n == r->cap)
    {
      r->cap = r->cap ? r->cap * 2 : 8;
      r->cell = realloc (r->cell, sizeof *r->cell * (size_t) r->cap);
    }
  char (*c)[128] = r->cell[r->n++];
  snprintf (c[0], 128, "%c %d", io->current ? '*' : ' ', io->id);
  snprintf (c[1], 128, "%s", io->type);
  snprintf (c[2], 128, "%c%c", io->flags & 1 ? 'r' : ' ',
            io->flags & 2 ? 'w' : ' ');
  if (io->bias % 8 == 0)
    snprintf (c[3], 128, "0x%08llx#B", (unsigned long long) (io->bias / 8));
  else
    snprintf (c[3], 128, "0x%08llx#b", (unsigned long long) io->bias);
  snprintf (c[4], 128, "0x%08llx#B", (unsigned long long) io->size);
  snprintf (c[5], 128, "%.127s", io->name);
}

/* A row of the table: the cells padded to their columns' WIDTH plus
   three blanks, the last one not padded; a string to free.  */
static char *
row_text (const char *const *cells, const size_t *width)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *m = open_memstream (&buf, &len);
  if (!m)
    return NULL;
  for (int c = 0; c < NCOLS - 1; c++)
    fprintf (m, "%-*s", (int) width[c] + 3, cells[c]);
  fputs (cells[NCOLS - 1], m);
  fclose (m);
  return buf;
}

/* Print a row, in CLASS if it is not NULL.  */
static void
print_row (bpoke *pk, const char *const *cells, const size_t *width,
           const char *class)
{
  char *line = row_text (cells, width);
  if (!line)
    return;
  if (class)
    {
      char *styled = bpoke_styled (pk, class, line, false);
      free (line);
      line = styled;
    }
  printf ("%s\n", line);
  free (line);
}

static void
info_ios (bpoke *pk)
{
  static const char *const head[NCOLS] = { "  Id", "Type", "Mode", "Bias",
                                           "Size", "Name" };
  ios_rows r = { 0, 0, NULL };
  bpoke_ios_each (pk, add_row, &r);
  size_t width[NCOLS];
  for (int c = 0; c < NCOLS; c++)
    {
      width[c] = strlen (head[c]);
      for (int i = 0; i < r.n; i++)
        if (strlen (r.cell[i][c]) > width[c])
          width[c] = strlen (r.cell[i][c]);
    }
  print_row (pk, head, width, "table-header");
  for (int i = 0; i < r.n; i++)
    {
      const char *cells[NCOLS];
      for (int c = 0; c < NCOLS; c++)
        cells[c] = r.cell[i][c];
      print_row (pk, cells, width, NULL);
    }
  free (r.cell);
}

/* The sub-commands of .info, in the order that settles a prefix of
   several (`.info t' is `.info type').  */
static const char *const info_subs[] = {
  "ios", "maps", "variables", "functions", "type", "types", NULL
};

static const char *
info_sub (const char *word)
{
  for (int i = 0; info_subs[i]; i++)
    if (strcmp (info_subs[i], word) == 0)
      return info_subs[i];
  for (int i = 0; info_subs[i]; i++)
    if (strncmp (info_subs[i], word, strlen (word)) == 0)
      return info_subs[i];
  return NULL;
}

static bool
cmd_info (bpoke *pk, const cmd_args *a, bool *quit)
{
  (void) quit;
  if (a->argc < 2)
    return cmd_fail ("Usage: .info "
                     "(ios|maps|variables|functions|types|type)");
  const char *sub = info_sub (a->argv[1]);
  if (!sub)
    return cmd_fail ("info %s: command not found.", a->argv[1]);
  /* What follows the sub-command: a regular expression or a type.  */
  const char *arg = a->rest + strcspn (a->rest, " \t");
  arg += strspn (arg, " \t");
  if (strcmp (sub, "ios") == 0)
    {
      if (*arg)
        return cmd_fail ("Usage: .info ios");
      info_ios (pk);
      return true;
    }
  if (strcmp (sub, "maps") == 0)
    return cmd_info_maps (pk);
  const char *err;
  if (!bpoke_info (pk, sub, *arg ? arg : NULL, &err))
    return err ? cmd_fail ("%s", err) : false;
  return true;
}

static bool cmd_help (bpoke *pk, const cmd_args *a, bool *quit);

/* What each command does is said in doc/help.txt (see cmd_help).  */
static const cmd_def cmds[] = {
  {"exit", "", cmd_exit},
  {"quit", "", cmd_exit},
  {"file", "c", cmd_file},
  {"load", "", cmd_load},
  {"source", "", cmd_source},
  {"mem", "", cmd_mem},
  {"sub", "", cmd_sub},
  {"mmap", "", cmd_mmap},
  {"nbd", "", cmd_nbd},
  {"proc", "mM", cmd_proc},
  {"ios", "", cmd_ios},
  {"close", "", cmd_close},
  {"set", "", cmd_set},
  {"info", "", cmd_info},
  {"map", "", cmd_map},
  {"editor", "", cmd_editor},
  {"version", "", cmd_version},
  {"doc", "", cmd_doc},
  {"compiler", "", cmd_compiler},
  {"help", "", cmd_help},
};

const char *
cmd_name (int i)
{
  return i >= 0 && (size_t) i < sizeof cmds / sizeof cmds[0]
         ? cmds[i].name : NULL;
}

/* Print the names of the help topics of KIND, after TITLE, filled to
   72 columns.  */
static void
list_topics (const char *title, const char *kind)
{
  size_t col = strlen (title);
  fputs (title, stdout);
  for (const help_entry *h = help_entries; h->name; h++)
    {
      if (strcmp (h->kind, kind) != 0)
        continue;
      if (col + 1 + strlen (h->name) > 72)
        {
          fputs ("\n ", stdout);
          col = 1;
        }
      printf (" %s", h->name);
      col += 1 + strlen (h->name);
    }
  putchar ('\n');
}

static bool
cmd_help (bpoke *pk, const cmd_args *a, bool *quit)
{
  (void) pk;
  (void) quit;
  if (a->argc < 2)
    {
      for (const help_entry *h = help_entries; h->name; h++)
        if (strcmp (h->kind, "command") == 0)
          printf ("%-36.*s %s\n", (int) strcspn (h->text, "\n"), h->text,
                  h->summary);
      printf ("\nAnything else is a Poke command: a declaration, a statement "
              "or an expression,\nwhose value is printed.  The commands dump, "
              "copy, save, extract\nand sdiff take named arguments: "
              "dump :from 0#B :size 64#B.\n"
              "\n`.help TOPIC' explains one of these topics:\n");
      list_topics ("settings:", "setting");
      list_topics ("builtins:", "builtin");
      list_topics ("functions:", "function");
      list_topics ("keywords:", "keyword");
      return true;
    }
  if (a->argc > 2)
    return cmd_fail ("Usage: help [TOPIC]");
  /* `.help file' and `.help .file' both find the command; `.help close'
     shows the builtin close, then the command .close.  */
  const char *topic = a->argv[1];
  bool found = false;
  for (int pass = 0; pass < 2; pass++)
    for (const help_entry *h = help_entries; h->name; h++)
      if (pass == 0 ? strcmp (h->name, topic) == 0
          : (h->name[0] == '.' && topic[0] != '.'
             && strcmp (h->name + 1, topic) == 0))
        {
          if (found)
            putchar ('\n');
          fputs (h->text, stdout);
          found = true;
        }
  if (!found)
    return cmd_fail ("No help on `%s'.  Type .help for the list of topics.",
                     topic);
  return true;
}

/* The command that NAME (without its dot) names or abbreviates, or
   NULL.  *MATCHES is how many it abbreviates.  */
static const cmd_def *
find_cmd (const char *name, int *matches)
{
  size_t len = strlen (name);
  const cmd_def *found = NULL;
  *matches = 0;
  for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
    {
      if (strcmp (cmds[i].name, name) == 0)
        {
          *matches = 1;
          return &cmds[i];
        }
      /* Unambiguous prefixes work, as in GNU poke.  */
      if (len > 0 && strncmp (cmds[i].name, name, len) == 0)
        {
          found = &cmds[i];
          ++*matches;
        }
    }
  return *matches == 1 ? found : NULL;
}

const char *
cmd_full_name (const char *name)
{
  int matches;
  const cmd_def *c = find_cmd (name, &matches);
  return c ? c->name : NULL;
}

const char *
cmd_setting_name (const char *name)
{
  return find_setting (name);
}

bool
cmd_is_exit (const char *line)
{
  line += strspn (line, " \t");
  if (*line != '.')
    return false;
  char name[16];
  size_t n = strcspn (line + 1, " \t/");
  if (n == 0 || n >= sizeof name)
    return false;
  memcpy (name, line + 1, n);
  name[n] = '\0';
  int matches;
  const cmd_def *c = find_cmd (name, &matches);
  return c && c->fn == cmd_exit;
}

bool
cmd_run (bpoke *pk, const char *line, bool *quit)
{
  char *copy = strdup (line + 1);
  /* The rest of the line after the command word, blanks trimmed.  */
  char *rest = copy + strcspn (copy, " \t\n");
  rest += strspn (rest, " \t\n");
  char *rest_copy = strdup (rest);
  size_t rl = strlen (rest_copy);
  while (rl > 0 && strchr (" \t\n", rest_copy[rl - 1]))
    rest_copy[--rl] = '\0';
  char *argv[16];
  int argc = 0;
  for (char *tok = strtok (copy, " \t\n"); tok && argc < 16;
       tok = strtok (NULL, " \t\n"))
    argv[argc++] = tok;
  bool ok = true;
  if (argc == 0)
    goto out;
  /* NAME/FLAGS.  */
  const char *flags = "";
  char *slash = strchr (argv[0], '/');
  if (slash)
    {
      *slash = '\0';
      flags = slash + 1;
    }
  int matches;
  const cmd_def *found = find_cmd (argv[0], &matches);
  if (!found)
    {
      ok = cmd_fail ("error: invalid command .%s", argv[0]);
      goto out;
    }
  for (const char *f = flags; *f; f++)
    if (!strchr (found->flags, *f))
      {
        ok = cmd_fail ("%s: invalid flag `%c'", found->name, *f);
        goto out;
      }
  cmd_args a = { argc, argv, rest_copy, flags };
  ok = found->fn (pk, &a, quit);
out:
  free (rest_copy);
  free (copy);
  return ok;
}
