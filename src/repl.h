/* repl.h -- the interactive loop (readline) and line-by-line command
   sources (-s files, piped standard input).  */

#ifndef BPOKE_REPL_H
#define BPOKE_REPL_H

#include <stdbool.h>
#include <stdio.h>

#include "bpoke.h"

/* The interactive REPL, on a terminal.  Returns the exit status.  */
/* The prompt, which a space follows.  */
#define REPL_PROMPT "(bpoke)"

int repl_run (bpoke *pk, bool quiet);

/* Run the commands of F, one a line, as -s does.  Stops at the first
   command that does not compile, or whose writes to IO spaces cannot be
   made (returning false).  NAME labels messages.  */
bool repl_source (bpoke *pk, FILE *f, const char *name, bool *quit);

/* Run one command line: a dot-command or a Poke command.  */
bpoke_status repl_line (bpoke *pk, const char *line, bool *quit);

#endif
