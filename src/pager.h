/* pager.h -- paging the output of the commands typed at the prompt
   (`.set pager yes').  */

#ifndef BPOKE_PAGER_H
#define BPOKE_PAGER_H

#include <stdbool.h>

/* Page what is printed on stdout until pager_end, when standard output
   is a terminal.  */
void pager_begin (void);
void pager_end (void);

#endif
