/* iobits.h -- integers of 1 to 64 bits at any bit offset of a byte
   buffer, in either byte order, laid out as GNU poke lays them out (see
   iobits.c).  */

#ifndef BPOKE_IOBITS_H
#define BPOKE_IOBITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The number of bytes that NBITS bits starting at bit SH (0 to 7) of a
   byte span.  */
static inline size_t
iobits_span (int sh, int nbits)
{
  return (size_t) ((sh + nbits + 7) >> 3);
}

/* The NBITS-bit value starting at bit SH of BUF, zero-extended.  */
uint64_t iobits_get (const unsigned char *buf, int sh, int nbits,
                     bool big_endian);
/* Store VAL there, keeping the bits of BUF around it.  */
void iobits_put (unsigned char *buf, int sh, int nbits, bool big_endian,
                 uint64_t val);

#endif
