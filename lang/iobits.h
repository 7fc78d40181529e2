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

/* The NBITS-bit value starting at bit SH of BUF, zero-extended, in
   the general case (any SH and NBITS).  */
uint64_t iobits_get_bits (const unsigned char *buf, int sh, int nbits,
                          bool big_endian);

/* The NBITS-bit value starting at bit SH of BUF, zero-extended.
   Inline because mapped integers are nearly always words,
   doublewords, bytes or halfwords at a byte boundary: for those the bit
   stream (see iobits.c) is the bytes themselves, in either byte order
   (a little-endian value of whole bytes is its bytes reversed), so one
   load does it, with a byte swap where the host's order is the other
   one; every map of an integer comes here.  */
static inline uint64_t
iobits_get (const unsigned char *buf, int sh, int nbits, bool big_endian)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  bool swap = big_endian;
#else
  bool swap = !big_endian;
#endif
  if (sh == 0)
    {
      uint16_t h;
      uint32_t w;
      uint64_t d;
      if (nbits == 32)
        {
          __builtin_memcpy (&w, buf, 4);
          return swap ? __builtin_bswap32 (w) : w;
        }
      if (nbits == 64)
        {
          __builtin_memcpy (&d, buf, 8);
          return swap ? __builtin_bswap64 (d) : d;
        }
      if (nbits == 8)
        return buf[0];
      if (nbits == 16)
        {
          __builtin_memcpy (&h, buf, 2);
          return swap ? __builtin_bswap16 (h) : h;
        }
    }
  return iobits_get_bits (buf, sh, nbits, big_endian);
}

/* Store VAL there, keeping the bits of BUF around it.  */
void iobits_put (unsigned char *buf, int sh, int nbits, bool big_endian,
                 uint64_t val);

#endif
