/* compile.h -- closure compilation of checked statements.

   A loop or a function body is turned, on its first execution, into a
   tree of `cnode`s: each node a C function pointer and its operands
   resolved in advance (frame slots, constants, widths and masks).
   Integral expressions run unboxed through specialised functions; any
   node kind not specialised here is run by the tree walker (eval.c), so
   the semantics are the tree walker's.  The code is cached in the
   statement's `aux` and lives in the VM's code arena.  */

#ifndef BPOKE_COMPILE_H
#define BPOKE_COMPILE_H

#include "eval.h"

/* Execute statement N (a loop or a function body) in frame F through
   its compiled form, compiling it first if needed.  */
vm_status compile_run (vm *v, pk_frame *f, ast *n);

#endif
