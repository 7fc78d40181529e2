/* pkffi-decl.h -- the checker's side of native calls (lang/pkffi.c):
   which Poke types cross to C, and the declaration attached to an
   A_EXTERN node.  Apart from pkffi.h so that the checker, which
   classifies a native function's types and makes its declaration, does
   not see the evaluator (pkffi.h, for pkffi_call, needs eval.h).  */

#ifndef BPOKE_PKFFI_DECL_H
#define BPOKE_PKFFI_DECL_H

#include <stdbool.h>

#include "type.h"
#include "util.h"

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

#endif
