/* complete.h -- Tab completion at the prompt, by context.  */

#ifndef BPOKE_COMPLETE_H
#define BPOKE_COMPLETE_H

#include "bpoke.h"

/* Install the completion in readline, for the interpreter PK.  */
void complete_init (bpoke *pk);

#endif
