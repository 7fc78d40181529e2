/* cmd.c -- the dot-commands: settings, information and help.  They are
   recognized by a leading '.' on a command line and never reach the
   language.  */

#include <config.h>

#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef bool (*cmd_fn) (bpoke *pk, int argc, char **argv, bool *quit);

typedef struct cmd_def
{
  const char *name;
  const char *usage;
  const char *help;
  cmd_fn fn;
} cmd_def;

static bool
cmd_exit (bpoke *pk, int argc, char **argv, bool *quit)
{
  (void) pk;
  (void) argc;
  (void) argv;
  *quit = true;
  return true;
}

static bool
cmd_set (bpoke *pk, int argc, char **argv, bool *quit)
{
  (void) quit;
  if (argc < 2)
    {
      static const char *const names[] = { "obase", "omode", "odepth",
                                           "oindent", "oacutoff",
                                           "pretty-print" };
      const char *err;
      for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        {
          printf ("%s ", names[i]);
          bpoke_set (pk, names[i], NULL, &err);
        }
      return true;
    }
  const char *err = NULL;
  if (!bpoke_set (pk, argv[1], argc > 2 ? argv[2] : NULL, &err))
    {
      fflush (stdout);
      fprintf (stderr, "%s\n", err);
      return false;
    }
  return true;
}

static bool
cmd_info (bpoke *pk, int argc, char **argv, bool *quit)
{
  (void) quit;
  if (argc < 2 || (strcmp (argv[1], "variables") != 0
                   && strcmp (argv[1], "functions") != 0
                   && strcmp (argv[1], "types") != 0))
    {
      fflush (stdout);
      fprintf (stderr, "usage: .info (variables|functions|types)\n");
      return false;
    }
  bpoke_info (pk, argv[1]);
  return true;
}

static bool cmd_help (bpoke *pk, int argc, char **argv, bool *quit);

static const cmd_def cmds[] = {
  {"exit", ".exit", "leave bpoke", cmd_exit},
  {"quit", ".quit", "leave bpoke", cmd_exit},
  {"set", ".set [SETTING [VALUE]]",
   "show or change a setting: obase, omode, odepth, oindent, oacutoff, "
   "pretty-print", cmd_set},
  {"info", ".info variables|functions|types",
   "list the global declarations", cmd_info},
  {"help", ".help [COMMAND]", "list the commands, or explain one",
   cmd_help},
};

const char *const cmd_names[] = {
  ".exit", ".quit", ".set", ".info", ".help", NULL
};

static bool
cmd_help (bpoke *pk, int argc, char **argv, bool *quit)
{
  (void) pk;
  (void) quit;
  for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
    if (argc < 2 || strcmp (argv[1], cmds[i].name) == 0
        || (argv[1][0] == '.' && strcmp (argv[1] + 1, cmds[i].name) == 0))
      printf ("%-36s %s\n", cmds[i].usage, cmds[i].help);
  if (argc < 2)
    printf ("\nAnything else is a Poke command: a declaration, a statement "
            "or an expression,\nwhose value is printed.\n");
  return true;
}

bool
cmd_run (bpoke *pk, const char *line, bool *quit)
{
  char *copy = strdup (line + 1);
  char *argv[16];
  int argc = 0;
  for (char *tok = strtok (copy, " \t\n"); tok && argc < 16;
       tok = strtok (NULL, " \t\n"))
    argv[argc++] = tok;
  bool ok = false;
  if (argc == 0)
    {
      free (copy);
      return true;
    }
  size_t len = strlen (argv[0]);
  const cmd_def *found = NULL;
  int matches = 0;
  for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
    {
      if (strcmp (cmds[i].name, argv[0]) == 0)
        {
          found = &cmds[i];
          matches = 1;
          break;
        }
      /* Unambiguous prefixes work, as in GNU poke.  */
      if (strncmp (cmds[i].name, argv[0], len) == 0)
        {
          found = &cmds[i];
          matches++;
        }
    }
  if (matches == 1)
    ok = found->fn (pk, argc, argv, quit);
  else
    {
      fflush (stdout);
      fprintf (stderr, "error: invalid command .%s\n", argv[0]);
    }
  free (copy);
  return ok;
}
