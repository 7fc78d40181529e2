/* repl.c -- the read-eval-print loop on readline: prompt, history,
   multi-line input, completion and Ctrl-C.  */

#include <config.h>

#include "repl.h"

#include <readline/history.h>
#include <readline/readline.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

static bpoke *the_pk;
static volatile sig_atomic_t got_sigint;
static volatile sig_atomic_t in_readline;

bpoke_status
repl_line (bpoke *pk, const char *line, bool *quit)
{
  const char *p = line;
  while (*p == ' ' || *p == '\t')
    p++;
  if (*p == '\0')
    return BPOKE_OK;
  if (*p == '.')
    return cmd_run (pk, p, quit) ? BPOKE_OK : BPOKE_ERROR;
  return bpoke_command (pk, line, strlen (line), "<stdin>", false);
}

bool
repl_source (bpoke *pk, FILE *f, const char *name, bool *quit)
{
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  bool ok = true;
  (void) name;
  while (!*quit && (n = getline (&line, &cap, f)) >= 0)
    {
      if (n > 0 && line[n - 1] == '\n')
        line[--n] = '\0';
      bpoke_status st = repl_line (pk, line, quit);
      if (st == BPOKE_ERROR)
        {
          ok = false;
          break;
        }
      if (st == BPOKE_EXIT)
        {
          *quit = true;
          break;
        }
    }
  free (line);
  return ok;
}

/* Completion: dot-commands at the start of a line, otherwise keywords
   and global names.  */
static const char *const keywords[] = {
  "var", "type", "unit", "fun", "method", "struct", "union", "pinned", "if",
  "else", "while", "for", "in", "where", "break", "continue", "return",
  "raise", "try", "catch", "until", "assert", "as", "isa", "sizeof",
  "typeof", "lambda", "print", "printf", "format", "unmap", "big",
  "little", "load", "int", "uint", "offset", "string", "void", "any", NULL
};

typedef struct match_list
{
  char **v;
  int n, cap;
} match_list;

static void
add_match (void *ctx, const char *name)
{
  match_list *m = ctx;
  for (int i = 0; i < m->n; i++)
    if (strcmp (m->v[i], name) == 0)
      return;
  if (m->n + 1 >= m->cap)
    {
      m->cap = m->cap ? m->cap * 2 : 32;
      m->v = realloc (m->v, sizeof (char *) * m->cap);
    }
  m->v[m->n++] = strdup (name);
  m->v[m->n] = NULL;
}

static match_list matches;
static int match_index;

static char *
generator (const char *text, int state)
{
  if (state == 0)
    {
      for (int i = 0; i < matches.n; i++)
        free (matches.v[i]);
      matches.n = 0;
      match_index = 0;
      size_t len = strlen (text);
      if (text[0] == '.' && rl_point == (int) len)
        {
          for (int i = 0; cmd_names[i]; i++)
            if (strncmp (cmd_names[i], text, len) == 0)
              add_match (&matches, cmd_names[i]);
        }
      else
        {
          for (int i = 0; keywords[i]; i++)
            if (strncmp (keywords[i], text, len) == 0)
              add_match (&matches, keywords[i]);
          bpoke_complete (the_pk, text, add_match, &matches);
        }
    }
  if (match_index < matches.n)
    return strdup (matches.v[match_index++]);
  return NULL;
}

static char **
complete (const char *text, int start, int end)
{
  (void) start;
  (void) end;
  rl_attempted_completion_over = 1;
  return rl_completion_matches (text, generator);
}

static void
on_sigint (int sig)
{
  (void) sig;
  got_sigint = 1;
  if (in_readline)
    {
      /* Abandon the line being typed and prompt again, as shells do.  */
      rl_replace_line ("", 0);
      rl_crlf ();
      rl_on_new_line ();
      rl_redisplay ();
      return;
    }
  if (the_pk)
    bpoke_interrupt (the_pk);   /* A running command raises E_signal.  */
}

static char *
history_path (void)
{
  const char *home = getenv ("HOME");
  if (!home)
    return NULL;
  size_t n = strlen (home) + 32;
  char *p = malloc (n);
  snprintf (p, n, "%s/.bpoke_history", home);
  return p;
}

/* Read one command, continuing on further lines while the input is
   incomplete (an open brace, parenthesis, string or comment).  */
static int
read_and_run (bpoke *pk, bool *quit)
{
  in_readline = 1;
  char *line = readline ("(bpoke) ");
  in_readline = 0;
  if (!line)
    {
      *quit = true;
      putchar ('\n');
      return 0;
    }
  if (got_sigint)
    got_sigint = 0;
  char *cmd = line;
  for (;;)
    {
      const char *p = cmd;
      while (*p == ' ' || *p == '\t')
        p++;
      if (*p == '.' || *p == '\0')
        break;
      bpoke_status st = bpoke_command (pk, cmd, strlen (cmd), "<stdin>",
                                       true);
      if (st != BPOKE_INCOMPLETE)
        {
          if (*p)
            add_history (cmd);
          if (st == BPOKE_EXIT)
            *quit = true;
          free (cmd);
          return 0;
        }
      in_readline = 1;
      char *more = readline ("");
      in_readline = 0;
      if (!more)
        {
          /* End of input inside a construct: run it to get the error.  */
          bpoke_command (pk, cmd, strlen (cmd), "<stdin>", false);
          free (cmd);
          return 0;
        }
      size_t n = strlen (cmd) + strlen (more) + 2;
      char *joined = malloc (n);
      snprintf (joined, n, "%s\n%s", cmd, more);
      free (cmd);
      free (more);
      cmd = joined;
    }
  if (*cmd)
    add_history (cmd);
  repl_line (pk, cmd, quit);
  free (cmd);
  return 0;
}

int
repl_run (bpoke *pk, bool quiet)
{
  the_pk = pk;
  if (!quiet)
    printf ("bpoke %s, an editor for binary data in the Poke language.\n"
            "Type `.help' for help and `.exit' to leave.\n\n", VERSION);
  rl_readline_name = "bpoke";
  rl_catch_signals = 0;         /* Our handler deals with Ctrl-C.  */
  rl_attempted_completion_function = complete;
  rl_basic_word_break_characters = " \t\n\"\\'`@$><=;|&{([,+-*/%^~!:";
  char *hist = history_path ();
  if (hist)
    read_history (hist);
  struct sigaction sa;
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint;
  sigaction (SIGINT, &sa, NULL);
  bool quit = false;
  while (!quit)
    read_and_run (pk, &quit);
  if (hist)
    {
      write_history (hist);
      free (hist);
    }
  return bpoke_exit_code (pk);
}
