/* jit.h -- machine code for compiled statements.

   compile.c turns a loop or a function body into a tree of cnodes, run
   as closures.  On x86-64, jit.c then translates that tree into machine
   code: integral expressions and the statements around them (blocks,
   if, while, for, break, continue, assignments and ++/-- on integral
   variables) run inline, and every other node is a call to its closure,
   so the semantics stay the closures' (and through them the tree
   walker's).  Elsewhere, or when the system refuses executable memory,
   or with BPOKE_NOJIT in the environment, the closures run.  */

#ifndef BPOKE_JIT_H
#define BPOKE_JIT_H

#include "eval.h"

struct cnode;

/* Whether this build and system can run generated code.  */
bool jit_available (void);

/* Machine code for the statement tree ROOT, doing what ROOT->ex does,
   or NULL when it cannot be made.  The code lives until jit_free.  */
vm_status (*jit_compile (vm *v, const struct cnode *root)) (vm *, pk_frame *);

/* Release V's machine code.  With BPOKE_JIT_STATS in the environment,
   first say on standard error how much was made.  */
void jit_free (vm *v);

#endif
