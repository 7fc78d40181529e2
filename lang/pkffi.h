/* pkffi.h -- calling C functions from Poke, through libffi.

   A function whose body is `extern LIBRARY [SYMBOL]' is native: the
   checker classifies its parameter and return types (pkffi_classify) and
   attaches a pkffi_decl to the A_EXTERN node; the evaluator passes the
   call to pkffi_call, which opens the library (once per name), resolves
   the symbol and prepares the call interface (once per declaration) on
   the first call.  The prefix is pkffi_, since libffi owns ffi_.  What
   the checker uses is in pkffi-decl.h, which does not need the
   evaluator.  */

#ifndef BPOKE_PKFFI_H
#define BPOKE_PKFFI_H

#include <stdbool.h>

#include "eval.h"
#include "pkffi-decl.h"

/* Call the native function FN (an A_FUNC with an A_EXTERN body) with
   the arguments in its parameters' slots of FR.  Byte arrays passed are
   updated with what the function wrote into them.  Raises E_perm when
   native calls are disabled, E_inval when the library or the symbol
   cannot be found or a char * return is NULL.  */
val pkffi_call (vm *v, struct ast *fn, pk_frame *fr);

/* Open LIBRARY (or find it in the cache of opened libraries).  Returns
   NULL with dlerror's message in *ERR (valid until the next call) when
   it cannot be opened.  */
void *pkffi_open (const char *library, const char **err);
/* How many libraries the cache holds (for tests).  */
int pkffi_nopen (void);
/* Close every library opened and empty the cache.  */
void pkffi_fini (void);

#endif
