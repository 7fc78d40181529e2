/* cmd-doc.c -- `.doc [NODE]': bpoke's manual at the prompt, in the
   viewer that `.set doc-viewer' names: info (the default), opened at
   NODE, or less, with the manual's table-of-contents entry for NODE
   highlighted.  When info is missing, less is tried; when neither can
   run, the command fails.  Outside the prompt it does nothing, as in
   GNU poke 4.3.  */

#include <config.h>

#include "cmd.h"
#include "cmd-int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The installed manual; main.c points it at the source tree's when
   bpoke runs uninstalled.  */
const char *cmd_manual = BPOKE_INFODIR "/bpoke.info";

/* Run ARGV (found on PATH) in the terminal and wait for it: its exit
   status, or 127 when it could not be run.  */
static int
run_viewer (char *const argv[])
{
  fflush (stdout);
  pid_t pid = fork ();
  if (pid < 0)
    return 127;
  if (pid == 0)
    {
      execvp (argv[0], argv);
      _exit (127);
    }
  int st;
  while (waitpid (pid, &st, 0) < 0)
    ;
  return WIFEXITED (st) ? WEXITSTATUS (st) : 127;
}

static int
view_info (const char *node)
{
  char *argv[] = { "info", "-f", (char *) cmd_manual, node ? "-n" : NULL,
                   (char *) node, NULL };
  return run_viewer (argv);
}

/* less, at the menu entry `* NODE:' of the manual's table of
   contents.  */
static int
view_less (const char *node)
{
  char pattern[512] = "";
  if (node)
    snprintf (pattern, sizeof pattern, "^\\* %s:", node);
  char *with_node[] = { "less", "-p", pattern, (char *) cmd_manual, NULL };
  char *without[] = { "less", (char *) cmd_manual, NULL };
  return run_viewer (node ? with_node : without);
}

bool
cmd_doc (bpoke *pk, const cmd_args *a, bool *quit)
{
  (void) quit;
  if (!cmd_prompt)
    return true;
  const char *node = a->argc > 1 ? a->rest : NULL;
  const char *viewer = bpoke_get (pk, "doc-viewer");
  int st = 127;
  if (strcmp (viewer, "less") != 0)
    st = view_info (node);
  if (st == 127)
    st = view_less (node);
  if (st == 127)
    return cmd_fail ("error: no documentation viewer: "
                     "neither info nor less could be run");
  return true;
}
