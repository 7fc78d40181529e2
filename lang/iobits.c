/* iobits.c -- integers at any bit offset of a byte buffer (iobits.h).

   Bit layout, as GNU poke's: bit 0 is the most significant bit of byte
   0, so a value's bits read in order form a bit stream.  A big-endian
   value is that stream.  A little-endian one of N >= 8 bits is the
   stream cut into "virtual bytes" of 8 bits from its start, the last
   one partial (N % 8 bits), in reverse order, the partial one giving
   the most significant bits.  Under 8 bits the byte order does not
   matter.  Writing is the exact inverse of reading.  (GNU poke 2.4
   writes little-endian values whose width is a multiple of 8 at
   unaligned offsets so that they do not read back; bpoke does not
   reproduce that.)  */

#include "iobits.h"

static uint64_t
mask (int n)
{
  return n >= 64 ? UINT64_MAX : ((uint64_t) 1 << n) - 1;
}

/* The little-endian permutation of an N-bit stream and its inverse.  */
static uint64_t
le_from_stream (uint64_t s, int n)
{
  int k = n / 8, r = n % 8;
  uint64_t v = s & mask (r);            /* The partial virtual byte.  */
  for (int i = k - 1; i >= 0; i--)
    v = v << 8 | ((s >> (n - 8 * (i + 1))) & 0xff);
  return v;
}

static uint64_t
le_to_stream (uint64_t v, int n)
{
  int k = n / 8, r = n % 8;
  uint64_t s = 0;
  for (int i = 0; i < k; i++)
    s = s << 8 | ((v >> (8 * i)) & 0xff);
  return r ? s << r | ((v >> (8 * k)) & mask (r)) : s;
}

typedef unsigned __int128 u128;

/* Bytes [0, N) of BUF as a big-endian number.  */
static u128
load_be (const unsigned char *buf, size_t n)
{
  u128 x = 0;
  for (size_t i = 0; i < n; i++)
    x = x << 8 | buf[i];
  return x;
}

uint64_t
iobits_get_bits (const unsigned char *buf, int sh, int nbits,
                 bool big_endian)
{
  size_t nbytes = iobits_span (sh, nbits);
  /* The bit stream: NBYTES bytes, the first SH bits and the last TAIL
     bits left out.  */
  int tail = (int) (nbytes * 8) - sh - nbits;
  uint64_t s;
  if (nbytes <= 8)
    {
      /* Up to 64 bits of stream: no need for 128-bit arithmetic.  */
      uint64_t x = 0;
      for (size_t i = 0; i < nbytes; i++)
        x = x << 8 | buf[i];
      s = (x >> tail) & mask (nbits);
    }
  else
    s = (uint64_t) (load_be (buf, nbytes) >> tail) & mask (nbits);
  return !big_endian && nbits > 8 ? le_from_stream (s, nbits) : s;
}

void
iobits_put (unsigned char *buf, int sh, int nbits, bool big_endian,
            uint64_t val)
{
  val &= mask (nbits);
  uint64_t s = !big_endian && nbits > 8 ? le_to_stream (val, nbits) : val;
  size_t nbytes = iobits_span (sh, nbits);
  int tail = (int) (nbytes * 8) - sh - nbits;   /* Bits kept at the end.  */
  u128 x = load_be (buf, nbytes);
  x &= ~((u128) mask (nbits) << tail);
  x |= (u128) s << tail;
  for (size_t i = nbytes; i-- > 0; x >>= 8)
    buf[i] = (unsigned char) x;
}
