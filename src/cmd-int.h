/* cmd-int.h -- what the files of the dot-commands share: a command's
   arguments, the error message, and the commands defined outside
   cmd.c.  */

#ifndef BPOKE_CMD_INT_H
#define BPOKE_CMD_INT_H

#include <stdbool.h>

#include "bpoke.h"

/* A command gets its words in ARGV (ARGV[0] is its name), the text
   after the name in REST (blanks around it removed), and its /FLAGS.  */
typedef struct cmd_args
{
  int argc;
  char **argv;
  const char *rest;
  const char *flags;
} cmd_args;

/* Print an error message (on standard output, as GNU poke does), and
   return false.  */
bool cmd_fail (const char *fmt, ...);

/* In an interactive session, say which IO space is now the current
   one, as GNU poke does after .mem, .nbd and .ios.  */
void cmd_say_current (bpoke *pk);

/* .sub, .mmap, .proc and .nbd (cmd-ios.c).  */
bool cmd_sub (bpoke *pk, const cmd_args *a, bool *quit);
bool cmd_mmap (bpoke *pk, const cmd_args *a, bool *quit);
bool cmd_proc (bpoke *pk, const cmd_args *a, bool *quit);
bool cmd_nbd (bpoke *pk, const cmd_args *a, bool *quit);

/* .doc (cmd-doc.c).  */
bool cmd_doc (bpoke *pk, const cmd_args *a, bool *quit);

/* .map (cmd-map.c).  */
bool cmd_map (bpoke *pk, const cmd_args *a, bool *quit);
/* .info maps.  */
bool cmd_info_maps (bpoke *pk);

#endif
