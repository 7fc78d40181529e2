/* repl.c -- the read-eval-print loop on readline: prompt, history,
   multi-line input and Ctrl-C.  Completion is complete.c's.  */

#include <config.h>

#include "repl.h"

#include <readline/history.h>
#include <readline/readline.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "complete.h"

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
  if (!isatty (STDIN_FILENO))
    {
      bool quit = false;
      repl_source (pk, stdin, "<stdin>", &quit);
      return bpoke_exit_code (pk);
    }
  if (!quiet)
    printf ("bpoke %s, an editor for binary data in the Poke language.\n"
            "Type `.help' for help and `.exit' to leave.\n\n", VERSION);
  rl_readline_name = "bpoke";
  rl_catch_signals = 0;         /* Our handler deals with Ctrl-C.  */
  complete_init (pk);
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
