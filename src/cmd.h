/* cmd.h -- dot-commands (.set, .info, .help, .exit, ...).  */

#ifndef BPOKE_CMD_H
#define BPOKE_CMD_H

#include <stdbool.h>

#include "bpoke.h"

/* Run the dot-command LINE (starting with '.').  Returns false on an
   error (already reported).  Sets *QUIT for .exit.  */
bool cmd_run (bpoke *pk, const char *line, bool *quit);

/* Set for an interactive session: .mem and .ios then say which IO
   space is current, as GNU poke does.  */
extern bool cmd_interactive;

/* Names of the dot-commands, NULL-terminated, for completion.  */
extern const char *const cmd_names[];

#endif
