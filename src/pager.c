/* pager.c -- `.set pager yes', as GNU poke has it: the output of a
   command typed at the prompt stops after each screenful at a
   `--More--' line.  Space shows the next screenful, Enter one more
   line, q (or Ctrl-C) drops the rest of the command's output.

   The language library prints to stdout; while a command runs, stdout
   is a stream of our own (fopencookie) whose writes count the lines
   and go to the terminal.  Only an interactive session pages, and only
   when standard output is a terminal: never in batch.  The escape
   sequences of styled output take no room on the screen, and the
   `--More--' line never cuts one.  */

#define _GNU_SOURCE 1       /* fopencookie.  */
#include <config.h>

#include "pager.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <termios.h>
#include <unistd.h>

static FILE *real_stdout;       /* Non-NULL while paging.  */
static FILE *paged;
static int rows, cols;          /* The terminal's size.  */
static int row, col;            /* Where the next character goes.  */
static bool dropping;           /* q was typed: discard the rest.  */
/* Where the output is in an escape sequence: none, after ESC, in a CSI
   (ESC [ ... final byte), in an OSC (ESC ] ... BEL or ESC \).  */
static enum { ESC_NONE, ESC_START, ESC_CSI, ESC_OSC, ESC_OSC_ESC } esc;
static bool styled;             /* The output had escape sequences.  */
static const char *more_line;   /* pager_begin's MORE.  */
static volatile sig_atomic_t *interrupted;      /* Set by Ctrl-C.  */

static void
write_all (const char *buf, size_t n)
{
  while (n > 0)
    {
      ssize_t w = write (STDOUT_FILENO, buf, n);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return;
      buf += w;
      n -= (size_t) w;
    }
}

/* Wait for a key (SIGINT is blocked but while pselect waits, so that a
   Ctrl-C just before the wait is not missed) and read it.  */
static int
wait_key (void)
{
  sigset_t intr, old, waiting;
  sigemptyset (&intr);
  sigaddset (&intr, SIGINT);
  sigprocmask (SIG_BLOCK, &intr, &old);
  waiting = old;
  sigdelset (&waiting, SIGINT);
  fd_set in;
  FD_ZERO (&in);
  FD_SET (STDIN_FILENO, &in);
  int r = *interrupted ? -1 : pselect (STDIN_FILENO + 1, &in, NULL, NULL,
                                       NULL, &waiting);
  sigprocmask (SIG_SETMASK, &old, NULL);
  unsigned char c;
  return r > 0 && !*interrupted && read (STDIN_FILENO, &c, 1) == 1 ? c : -1;
}

/* Read one key from the terminal, without echo and without waiting for
   a newline.  -1 on end of input or an interruption (Ctrl-C).  */
static int
read_key (void)
{
  struct termios saved, raw;
  bool tty = tcgetattr (STDIN_FILENO, &saved) == 0;
  if (tty)
    {
      raw = saved;
      raw.c_lflag &= ~(tcflag_t) (ICANON | ECHO);
      raw.c_cc[VMIN] = 1;
      raw.c_cc[VTIME] = 0;
      tcsetattr (STDIN_FILENO, TCSANOW, &raw);
    }
  int c = wait_key ();
  if (tty)
    tcsetattr (STDIN_FILENO, TCSANOW, &saved);
  return c;
}

/* Show --More-- and wait for a key: the number of lines to show next,
   or 0 to drop the rest.  */
static int
more (void)
{
  static const char erase[] = "\r        \r";
  write_all (more_line, strlen (more_line));
  int lines = -1;
  while (lines < 0)
    {
      int k = read_key ();
      if (k == ' ')
        lines = rows - 1;
      else if (k == '\r' || k == '\n')
        lines = 1;
      else if (k == 'q' || k == 'Q' || k < 0)
        lines = 0;
    }
  write_all (erase, sizeof erase - 1);
  return lines;
}

/* Follow the escape sequences through C: true if C is part of one.  */
static bool
in_escape (unsigned char c)
{
  switch (esc)
    {
    case ESC_NONE:
      if (c != 0x1b)
        return false;
      esc = ESC_START;
      styled = true;
      return true;
    case ESC_START:
      esc = c == '[' ? ESC_CSI : c == ']' ? ESC_OSC : ESC_NONE;
      return true;
    case ESC_CSI:
      if (c >= 0x40 && c <= 0x7e)
        esc = ESC_NONE;
      return true;
    case ESC_OSC:
      if (c == 0x07)
        esc = ESC_NONE;
      else if (c == 0x1b)
        esc = ESC_OSC_ESC;
      return true;
    case ESC_OSC_ESC:
      esc = c == '\\' ? ESC_NONE : ESC_OSC;
      return true;
    }
  return false;
}

/* The stream's write: count the rows, stop when the screen is full.
   The prompt comes before the first character that does not fit, so
   that output that ends at the screen's last row needs no key.  */
static ssize_t
pager_write (void *cookie, const char *buf, size_t n)
{
  (void) cookie;
  size_t start = 0;
  for (size_t i = 0; i < n && !dropping; i++)
    {
      if (esc == ESC_NONE && row >= rows - 1)
        {
          write_all (buf + start, i - start);
          start = i;
          int lines = more ();
          if (lines == 0)
            dropping = true;
          row = rows - 1 - lines;
        }
      unsigned char c = (unsigned char) buf[i];
      if (in_escape (c))
        continue;
      if (c == '\n')
        row++, col = 0;
      else if (c == '\t')
        col = (col / 8 + 1) * 8;
      else if ((c & 0xc0) != 0x80)      /* Not a UTF-8 continuation.  */
        col++;
      if (col > cols)
        row++, col = 1;
    }
  if (!dropping)
    write_all (buf + start, n - start);
  return (ssize_t) n;
}

void
pager_begin (volatile sig_atomic_t *interrupt_flag, const char *more)
{
  struct winsize ws;
  if (real_stdout || !isatty (STDOUT_FILENO)
      || ioctl (STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_row < 2)
    return;
  if (!paged)
    {
      cookie_io_functions_t io = { .write = pager_write };
      paged = fopencookie (NULL, "w", io);
      if (!paged)
        return;
      setvbuf (paged, NULL, _IOLBF, BUFSIZ);
    }
  rows = ws.ws_row;
  cols = ws.ws_col ? ws.ws_col : 80;
  row = col = 0;
  esc = ESC_NONE;
  styled = false;
  more_line = more ? more : "--More--";
  dropping = false;
  interrupted = interrupt_flag;
  fflush (stdout);
  real_stdout = stdout;
  stdout = paged;
}

void
pager_end (void)
{
  if (!real_stdout)
    return;
  fflush (paged);
  /* The dropped output may have had the reset of a colour.  */
  if (dropping && styled)
    write_all ("\033[0m", 4);
  stdout = real_stdout;
  real_stdout = NULL;
}
