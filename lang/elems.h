/* elems.h -- the elements of an array or a struct by index, as the
   attributes 'elem, 'eoffset, 'esize and 'ename see them (elems.c).  */

#ifndef BPOKE_ELEMS_H
#define BPOKE_ELEMS_H

#include <stdbool.h>
#include <stdint.h>

#include "value.h"

typedef struct elem_info
{
  val v;                        /* The element; no type when absent.  */
  const char *name;             /* "x", "" when absent, "[3]".  */
  char buf[24];                 /* Holds an array element's name.  */
  uint64_t off;                 /* Bits, from the IO space's start when
                                   mapped, from the value's otherwise.  */
  uint64_t size;                /* Bits; 0 when absent.  */
} elem_info;

/* Element I of X, an array or a struct, into E; false when X has no
   element I.  */
bool elem_at (val x, uint64_t i, elem_info *e);

#endif
