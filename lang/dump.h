/* dump.h -- the builtins of the dump command (see dump.c).  */

#ifndef BPOKE_DUMP_H
#define BPOKE_DUMP_H

#include "eval.h"

val dump_bytes (vm *v, int nargs, val *args);
val dump_val (vm *v, int nargs, val *args);
val dump_elems (vm *v, int nargs, val *args);

#endif
