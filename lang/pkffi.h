/* pkffi.h -- calling C functions from Poke, through libffi.

   A function whose body is `extern LIBRARY [SYMBOL]' is native: the
   checker classifies its parameter and return types (pkffi_classify) and
   attaches a pkffi_decl to the A_EXTERN node; the evaluator passes the
   call to pkffi_call, which opens the library (once per name), resolves
   the symbol and prepares the call interface (once per declaration) on
   the first call.  The prefix is pkffi_, since libffi owns ffi_.  */

#ifndef BPOKE_PKFFI_H
#define BPOKE_PKFFI_H

#include <stdbool.h>

#include "eval.h"

/* How a Poke type crosses to C.  */
typedef enum pkffi_kind
{
  PKFFI_BAD,            /* Cannot be passed (or returned).  */
  PKFFI_VOID,           /* Return type only.  */
  PKFFI_INT,            /* int<N>/uint<N> and offsets, N in 8,16,32,64.  */
  PKFFI_STRING,         /* const char * in; char * out, copied.  */
  PKFFI_BYTES           /* int<8>[]/uint<8>[]: an in-out buffer.  */
} pkffi_kind;

/* The kind of T as an argument (RET false) or a return type.  */
pkffi_kind pkffi_classify (const type *t, bool ret);

typedef struct pkffi_decl pkffi_decl;

/* A declaration of the function of type FNTYPE found as SYMBOL in
   LIBRARY ("" for the program and the libraries it is linked with).
   Every argument and the return type must classify as passable.  It is
   allocated in AR and holds no Poke values.  */
pkffi_decl *pkffi_decl_new (arena *ar, const char *library,
                            const char *symbol, type *fntype);

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
