/* repl.c -- the read-eval-print loop on readline: the prompt,
   continuation lines, history, Ctrl-C, and the pager around each
   command.  Completion is complete.c's.  */

#include <config.h>

#include "repl.h"

#include <errno.h>
#include <readline/history.h>
#include <readline/readline.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#include "cmd.h"
#include "complete.h"
#include "pager.h"

/* The prompt (REPL_PROMPT, repl.h), followed by a space (which is not
   in its class).  */
#define PROMPT REPL_PROMPT
/* The prompt of a continuation line: as wide as PROMPT and its space,
   so that the lines of an entry stay aligned.  */
#define CONT_PROMPT "      > "
/* What readline is handed after Ctrl-C (see read_key).  */
#define KEY_INTERRUPT 3

static bpoke *the_pk;
/* PROMPT in the prompt class, and the pager's --More-- in the
   pager-more class, when the output is styled.  */
static char *styled_prompt, *styled_more;
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

/* A command is a line of at most LINE_MAX_BYTES: -s /dev/zero stops
   there rather than read for ever.  */
#define LINE_MAX_BYTES ((size_t) 64 << 20)

/* Read the next line of F into *LINE (NUL-terminated, without its
   newline; *CAP bytes allocated): 1, or 0 at the end of F, or -1 when
   it is longer than LINE_MAX_BYTES.  */
static int
next_line (FILE *f, char **line, size_t *cap)
{
  size_t len = 0;
  int c;
  while ((c = getc (f)) != EOF && c != '\n')
    {
      if (len == LINE_MAX_BYTES)
        return -1;
      if (len + 1 >= *cap)
        {
          *cap = *cap ? *cap * 2 : 256;
          char *p = realloc (*line, *cap);
          if (!p)
            return -1;
          *line = p;
        }
      (*line)[len++] = (char) c;
    }
  if (c == EOF && len == 0)
    return 0;
  if (!*line)
    {
      *cap = 1;
      if (!(*line = malloc (1)))
        return -1;
    }
  (*line)[len] = '\0';
  return 1;
}

bool
repl_source (bpoke *pk, FILE *f, const char *name, bool *quit)
{
  char *line = NULL;
  size_t cap = 0;
  int got;
  bool ok = true;
  while (!*quit && (got = next_line (f, &line, &cap)) != 0)
    {
      if (got < 0)
        {
          fprintf (stderr, "%s: a line longer than 64 MiB\n", name);
          ok = false;
          break;
        }
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

/* Ctrl-C: at the prompt, drop what is being typed (read_key and
   drop_entry); while a command runs, interrupt it.  */
static void
on_sigint (int sig)
{
  (void) sig;
  got_sigint = 1;
  if (!in_readline && the_pk)
    bpoke_interrupt (the_pk);   /* A running command raises E_signal.  */
}

/* Readline's input: a key, or KEY_INTERRUPT once Ctrl-C was pressed.
   Readline's own reading would go on waiting for a key after the
   signal.  SIGINT is blocked but while pselect waits, so that a signal
   that comes just before the wait cannot be missed.  */
static int
read_key (FILE *f)
{
  int fd = fileno (f);
  sigset_t intr, old, waiting;
  sigemptyset (&intr);
  sigaddset (&intr, SIGINT);
  for (;;)
    {
      sigprocmask (SIG_BLOCK, &intr, &old);
      waiting = old;
      sigdelset (&waiting, SIGINT);
      fd_set in;
      FD_ZERO (&in);
      FD_SET (fd, &in);
      int r = got_sigint ? -1 : pselect (fd + 1, &in, NULL, NULL, NULL,
                                         &waiting);
      int e = errno;
      sigprocmask (SIG_SETMASK, &old, NULL);
      if (got_sigint)
        return KEY_INTERRUPT;
      if (r > 0)
        {
          unsigned char c;
          ssize_t n = read (fd, &c, 1);
          if (n == 1)
            return c;
          if (n == 0 || errno != EINTR)
            return EOF;
        }
      else if (e != EINTR)
        return EOF;
      rl_check_signals ();      /* Readline's own: a resized terminal.  */
    }
}

/* Bound to KEY_INTERRUPT: end the line, which read_line then drops.  */
static int
drop_entry (int count, int key)
{
  (void) count;
  (void) key;
  rl_point = rl_end;
  rl_redisplay ();
  rl_crlf ();
  rl_done = 1;
  return 0;
}

/* Read a line with PROMPT.  NULL at the end of input; *INTERRUPTED
   when Ctrl-C dropped the line.  */
static char *
read_line (const char *prompt, bool *interrupted)
{
  got_sigint = 0;
  in_readline = 1;
  char *line = readline (prompt);
  in_readline = 0;
  *interrupted = got_sigint;
  got_sigint = 0;
  return line;
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

/* Run ENTRY (a dot-command, or a command that may be incomplete),
   paged when `.set pager yes'.  */
static bpoke_status
run_entry (bpoke *pk, const char *entry, bool *quit)
{
  const char *p = entry + strspn (entry, " \t");
  bool page = strcmp (bpoke_get (pk, "pager"), "yes") == 0;
  if (page)
    {
      got_sigint = 0;
      pager_begin (&got_sigint, styled_more);
      bpoke_set_output (pk, stdout);
    }
  bpoke_status st = *p == '.' ? repl_line (pk, p, quit)
                    : bpoke_command (pk, entry, strlen (entry), "<stdin>",
                                     true);
  if (page)
    {
      pager_end ();
      bpoke_set_output (pk, stdout);
    }
  return st;
}

/* After `exit', `quit' or `help' typed without their dot, a hint.  */
static void
hint (const char *entry)
{
  size_t n = strspn (entry, " \t");
  size_t len = strcspn (entry + n, " \t;");
  const char *w = entry + n;
  if (w[len + strspn (w + len, " \t;")] != '\0')
    return;
  if ((len == 4 && strncmp (w, "exit", 4) == 0)
      || (len == 4 && strncmp (w, "quit", 4) == 0))
    printf ("Type `.exit' or Ctrl-D to leave bpoke.\n");
  else if (len == 4 && strncmp (w, "help", 4) == 0)
    printf ("Type `.help' for help.\n");
}

static void
add_map_name (void *ctx, const char *name, const char *source)
{
  (void) source;
  char **prefix = ctx;
  size_t n = strlen (*prefix) + strlen (name) + 2;
  *prefix = realloc (*prefix, n);
  strcat (*prefix, **prefix ? "," : "[");
  strcat (*prefix, name);
}

/* The prompt: as GNU poke shows them (unless `.set prompt-maps no'),
   the maps of the current IO space, newest first, as [NAME,...],
   then PROMPT; a string to free.  */
static char *
prompt_now (bpoke *pk)
{
  char *prefix = calloc (1, 1);
  const char *show = bpoke_get (pk, "prompt-maps");
  if (show && strcmp (show, "yes") == 0)
    bpoke_maps_each (pk, add_map_name, &prefix);
  size_t n = strlen (prefix) + strlen (styled_prompt) + 2;
  char *prompt = malloc (n);
  snprintf (prompt, n, "%s%s%s", prefix, *prefix ? "]" : "", styled_prompt);
  free (prefix);
  return prompt;
}

/* Read one entry, continuing on further lines while it is unfinished
   (an open parenthesis, bracket, brace, string or comment), and run
   it.  A multi-line entry is one history item.  */
static void
read_and_run (bpoke *pk, bool *quit)
{
  bool interrupted;
  char *prompt = prompt_now (pk);
  char *entry = read_line (prompt, &interrupted);
  free (prompt);
  if (!entry)
    {
      *quit = true;
      bpoke_set_exit_code (pk, 0);
      putchar ('\n');
      return;
    }
  for (;;)
    {
      if (interrupted)
        break;
      bpoke_status st = run_entry (pk, entry, quit);
      if (st != BPOKE_INCOMPLETE)
        {
          if (entry[strspn (entry, " \t")])
            add_history (entry);
          hint (entry);
          break;
        }
      char *more = read_line (CONT_PROMPT, &interrupted);
      if (!more)
        {
          /* End of input inside a construct: run it to get the error.  */
          bpoke_command (pk, entry, strlen (entry), "<stdin>", false);
          break;
        }
      if (!interrupted && cmd_is_exit (more))
        {
          repl_line (pk, more, quit);
          free (more);
          break;
        }
      size_t n = strlen (entry) + strlen (more) + 2;
      char *joined = malloc (n);
      snprintf (joined, n, "%s\n%s", entry, more);
      free (entry);
      free (more);
      entry = joined;
    }
  free (entry);
}

int
repl_run (bpoke *pk, bool quiet)
{
  the_pk = pk;
  char *name = bpoke_styled (pk, "prompt", PROMPT, true);
  size_t n = strlen (name) + 2;
  styled_prompt = malloc (n);
  snprintf (styled_prompt, n, "%s ", name);
  free (name);
  styled_more = bpoke_styled (pk, "pager-more", "--More--", false);
  if (!quiet)
    printf ("bpoke %s, an editor for binary data in the Poke language.\n"
            "Type `.help' for help and `.exit' to leave.\n\n", VERSION);
  rl_readline_name = "bpoke";
  rl_outstream = stdout;        /* Not the pager's stream.  */
  rl_catch_signals = 0;         /* on_sigint deals with Ctrl-C.  */
  rl_getc_function = read_key;
  rl_bind_key (KEY_INTERRUPT, drop_entry);
  complete_init (pk);
  /* Each entry is written with a time stamp, which is what tells
     readline where an entry of several lines ends.  */
  history_comment_char = '#';
  history_write_timestamps = 1;
  history_multiline_entries = 1;
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
  free (styled_prompt);
  free (styled_more);
  return bpoke_exit_code (pk);
}
