/* pager.h -- paging the output of the commands typed at the prompt
   (`.set pager yes').  */

#ifndef BPOKE_PAGER_H
#define BPOKE_PAGER_H

#include <signal.h>
#include <stdbool.h>

/* Page what is printed on stdout until pager_end, when standard output
   is a terminal.  *INTERRUPTED is set by Ctrl-C: the rest of the output
   is dropped.  MORE is the `--More--' line, styled or not (it is kept;
   NULL: plain).  */
void pager_begin (volatile sig_atomic_t *interrupted, const char *more);
void pager_end (void);

#endif
