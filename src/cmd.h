/* cmd.h -- dot-commands (.set, .info, .help, .exit, ...).  */

#ifndef BPOKE_CMD_H
#define BPOKE_CMD_H

#include <stdbool.h>

#include "bpoke.h"

/* Run the dot-command LINE (starting with '.').  Returns false on an
   error (already reported).  Sets *QUIT for .exit.  */
bool cmd_run (bpoke *pk, const char *line, bool *quit);

/* The full name (without its dot) of the dot-command that NAME names
   or abbreviates, or NULL.  */
const char *cmd_full_name (const char *name);
/* The same for the settings of .set.  */
const char *cmd_setting_name (const char *name);

/* Is LINE the dot-command .exit or .quit (or an abbreviation)?  */
bool cmd_is_exit (const char *line);

/* Set for an interactive session: .mem and .ios then say which IO
   space is current, as GNU poke does.  */
extern bool cmd_interactive;
/* Commands are typed at the prompt (what .editor and .doc need).  */
extern bool cmd_prompt;

/* The info file of bpoke's manual, which .doc shows: the installed one
   unless main points it elsewhere.  */
extern const char *cmd_manual;

/* The name of dot-command I (without its dot), or NULL past the last
   one: for completion.  */
const char *cmd_name (int i);

#endif
