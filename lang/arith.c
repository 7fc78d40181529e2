/* arith.c -- integer and offset arithmetic with GNU poke's semantics.

   Everything here was found by running GNU poke 2.4 (the oracle) on
   about 260000 operations, not taken from its sources.  The checker and
   the evaluator need the typing rules too, so they are written down here
   beside the kernels.

   Integral operands
     + - * / /^ % & | ^ == != < > <= >=: both operands are converted to
     the promoted type: the wider width, unsigned if either is unsigned
     (int<8> + uint<16> is uint<16>, int<32> + uint<32> is uint<32>,
     int<3> + int<5> is int<5>, uint<64> + int<64> is uint<64>).  The
     conversion is the cast: extend by the source's signedness, then
     truncate (-1B + 0UH is 65535UH, -1 < 1U is 0).  Arithmetic results
     have the promoted type; comparisons give int<32> 0 or 1.
     ** : result of the base's type; the exponent is any integral type and
     is converted to uint<32> (x ** -1 is x ** 0xffffffff).
     <<. .>> : result of the left operand's type; the count is any
     integral type and is not promoted.
     ::: : width SIZE1 + SIZE2, signedness of the left operand; more than
     64 bits is a compile error.
     unary - + ~ keep the type; ! && || => take integrals and give int<32>.

   Offsets (magnitude type M, unit U in bits)
     O1 + O2, O1 - O2, O1 & O2, O1 | O2, O1 ^ O2: offset<promote(M1,M2),
       gcd(U1,U2)>.  O1 % O2: offset<M1, gcd(U1,U2)> (the first
       magnitude's type, not promoted).  Magnitudes are converted to the
       result's type and then scaled to the gcd unit, wrapping silently
       (0x7fffffff#B + 0#b is -8#b); the operation itself is checked.
     O1 / O2, O1 /^ O2: integer of type promote(M1,M2); both sides are
       scaled to bits first (wrapping: 1024#MB / 1#MB is -49 at run time).
     O1 == != < > <= >= O2: both scaled to bits in the promoted type
       (wrapping), int<32> result.
     O * I, I * O: offset<promote(M,I), U>.
     O / I, O /^ I: offset<M, U>; I is converted to M (truncated:
       100H#B / 0x10002L is 50H#B).
     O ** I, O <<. I, O .>> I: offset<M, U>, on the magnitude.
     -O, +O, ~O: same type.  !O is accepted and gives offset<int<32>,U>
       (!0#B is 1#B).
     Not allowed: O * O, I / O, I % O, O % I, O + I, I + O, O ::: x,
       I <<. O, O && x ...
   Strings: S + S (concatenation), S * I and I * S (repetition), and all
   six comparisons.  Arrays: A + A (same type) and == !=.  Structs: == !=.

   Compile errors for bad operands are two lines at the offending operand:
     FILE:L:C: error: invalid operand in expression
     FILE:L:C: error: expected WHAT, got TYPE
   When the left operand is of a kind the operator never takes, it is the
   one reported, and WHAT lists the kinds the operator takes:
     +                     "integral, offset, string or array"
     *                     "integral, offset or string"
     < > <= >=             "integral, string or offset"
     - / /^ % ** & | ^ <<. .>> and unary - + ~   "integral or offset"
     ::: && || => and unary !                    "integral"
   (== and != take any left operand.)  Otherwise the right operand is
   reported with what the left one calls for: "integral" after an
   integral (and after an offset for *, **, <<., .>>), "offset" after an
   offset for + - % & | ^ and comparisons, "integral or offset" after an
   offset for / and /^, "string" after a string (but "integral" for *),
   the array type after an array, "struct" after a struct.  TYPE is
   printed as int<32>, uint<8>, string, int<32>[2], offset<int<32>,8>
   (unit in bits), or the struct's name.  A quirk: `"a" <<. 1` (string or
   struct shifted by a constant) says "count in left bit shift too big".

   Run-time exceptions (unhandled: "unhandled overflow exception", ...):
     E_div_by_zero: / % /^ by zero, integers and offsets.
     E_overflow: signed + - * / /^ % ** and unary - whose exact result does
       not fit (MIN / -1 and MIN % -1 too); unsigned arithmetic wraps.
       <<. never overflows (3B <<. 7 is -128B).
     E_out_of_bounds: <<. by a count, converted to uint<32>, >= the width
       (1 <<. 32, 1 <<. -1; but 1 <<. 0x100000001L is 2).
     .>> never fails: arithmetic for signed, count modulo 32 for widths up
       to 32 and modulo 64 above (1 .>> 32 is 1 at run time).
   Constant folding differs (see arith_fold): / % /^ by a constant zero is
   the compile error "division by zero", overflow is "expression
   overflows", a constant <<. count >= width is "count in left bit shift
   too big" (the count taken as 64 bits), .>> counts are modulo 64, and
   /^ is (A + B - 1) / B in 64 bits.  ** is never folded.  Offsets are
   folded loosely (1#B <<. 70 is 64#B but a run-time error with a
   variable).  Folded casts to narrow signed types keep zero-extended bits
   ((-1) as int<4> as uint<8> is 15UB, -1B == -1 is 0): a quirk of the
   folder's representation that is not modelled here.  */

#include "arith.h"

#include "lex.h"

uint64_t
arith_norm (uint64_t v, int size, bool sign)
{
  uint64_t m = size >= 64 ? ~UINT64_C (0) : (UINT64_C (1) << size) - 1;

  v &= m;
  if (sign && size < 64 && (v >> (size - 1)) & 1)
    v |= ~m;
  return v;
}

void
arith_promote (int size1, bool sign1, int size2, bool sign2,
               int *size, bool *sign)
{
  *size = size1 > size2 ? size1 : size2;
  *sign = sign1 && sign2;
}

/* Signed kernels.  Operands are normalized, so |a|,|b| fit in SIZE bits;
   the 64-bit builtins catch the 64-bit overflows and the range check the
   narrower ones.  */

static int64_t
arith_smin (int size)
{
  return (int64_t) arith_norm (UINT64_C (1) << (size - 1), size, true);
}

static bool
arith_sfits (int64_t v, int size)
{
  return arith_norm ((uint64_t) v, size, true) == (uint64_t) v;
}

static arith_err
arith_sadd (int64_t a, int64_t b, int size, int64_t *r)
{
  if (__builtin_add_overflow (a, b, r) || !arith_sfits (*r, size))
    return ARITH_EOVERFLOW;
  return ARITH_OK;
}

static arith_err
arith_ssub (int64_t a, int64_t b, int size, int64_t *r)
{
  if (__builtin_sub_overflow (a, b, r) || !arith_sfits (*r, size))
    return ARITH_EOVERFLOW;
  return ARITH_OK;
}

static arith_err
arith_smul (int64_t a, int64_t b, int size, int64_t *r)
{
  if (__builtin_mul_overflow (a, b, r) || !arith_sfits (*r, size))
    return ARITH_EOVERFLOW;
  return ARITH_OK;
}

/* MIN % -1 overflows in GNU poke just like MIN / -1, although the
   remainder itself (0) would fit.  */
static arith_err
arith_sdivmod (int64_t a, int64_t b, int size, bool mod, int64_t *r)
{
  if (b == 0)
    return ARITH_EDIVZERO;
  if (b == -1 && a == arith_smin (size))
    return ARITH_EOVERFLOW;
  *r = mod ? a % b : a / b;
  return ARITH_OK;
}

/* Run time computes A /^ B as (A + (B - 1)) / B with every step checked,
   so it overflows near the ends of the range, and an overflow in the sum
   wins over a zero divisor.  For B < 0 this is not the ceiling
   (7 /^ -2 is -2); GNU poke does it, so we do.  The 1 is converted to
   the operands' type first, which makes it -1 in int<1>.  */
static arith_err
arith_sceildiv (int64_t a, int64_t b, int size, int64_t *r)
{
  int64_t t, one = (int64_t) arith_norm (1, size, true);
  arith_err e;

  if ((e = arith_ssub (b, one, size, &t)) != ARITH_OK
      || (e = arith_sadd (a, t, size, &t)) != ARITH_OK)
    return e;
  return arith_sdivmod (t, b, size, false, r);
}

/* Square-and-multiply with every product checked: when a squaring
   overflows while exponent bits remain, the final power would too, so
   this raises exactly when GNU poke's one-multiplication-per-step loop
   does (that loop takes seconds for 1 ** -1; this does not).  The
   accumulator starts at 1 converted to the type, which for int<1> is -1:
   that is why GNU poke gives (int<1>)-1 for x**0 and overflows for
   (-1 as int<1>)**1.  */
static arith_err
arith_spow (int64_t base, uint64_t e, int size, int64_t *r)
{
  int64_t acc = (int64_t) arith_norm (1, size, true);

  while (e)
    {
      if (e & 1)
        if (arith_smul (acc, base, size, &acc) != ARITH_OK)
          return ARITH_EOVERFLOW;
      e >>= 1;
      if (e && arith_smul (base, base, size, &base) != ARITH_OK)
        return ARITH_EOVERFLOW;
    }
  *r = acc;
  return ARITH_OK;
}

static uint64_t
arith_upow (uint64_t base, uint64_t e)
{
  uint64_t acc = 1;

  for (; e; e >>= 1, base *= base)
    if (e & 1)
      acc *= base;
  return acc;
}

static uint64_t
arith_cmp (arith_op op, uint64_t a, uint64_t b, bool sign)
{
  int c;

  if (sign)
    c = (int64_t) a < (int64_t) b ? -1 : (int64_t) a > (int64_t) b;
  else
    c = a < b ? -1 : a > b;
  switch (op)
    {
    case AR_EQ: return c == 0;
    case AR_NE: return c != 0;
    case AR_LT: return c < 0;
    case AR_GT: return c > 0;
    case AR_LE: return c <= 0;
    default:    return c >= 0;
    }
}

/* The operators that run time and folding agree on.  */
static arith_err
arith_common (arith_op op, uint64_t a, uint64_t b, int size, bool sign,
              uint64_t *res)
{
  int64_t sa = (int64_t) a, sb = (int64_t) b, sr = 0;
  arith_err e = ARITH_OK;
  uint64_t r = 0;

  switch (op)
    {
    case AR_ADD:
      if (!sign)
        r = a + b;
      else if ((e = arith_sadd (sa, sb, size, &sr)) == ARITH_OK)
        r = (uint64_t) sr;
      break;
    case AR_SUB:
      if (!sign)
        r = a - b;
      else if ((e = arith_ssub (sa, sb, size, &sr)) == ARITH_OK)
        r = (uint64_t) sr;
      break;
    case AR_MUL:
      if (!sign)
        r = a * b;
      else if ((e = arith_smul (sa, sb, size, &sr)) == ARITH_OK)
        r = (uint64_t) sr;
      break;
    case AR_DIV:
    case AR_MOD:
      if (!sign)
        {
          if (b == 0)
            return ARITH_EDIVZERO;
          r = op == AR_DIV ? a / b : a % b;
        }
      else if ((e = arith_sdivmod (sa, sb, size, op == AR_MOD, &sr))
               == ARITH_OK)
        r = (uint64_t) sr;
      break;
    case AR_POW:
      /* The exponent is converted to uint<32>: x ** -1 is
         x ** 0xffffffff, and 2 ** 0x100000001L is 2.  */
      b &= 0xffffffff;
      if (!sign)
        r = arith_upow (a, b);
      else if ((e = arith_spow (sa, b, size, &sr)) == ARITH_OK)
        r = (uint64_t) sr;
      break;
    case AR_AND: r = a & b; break;
    case AR_IOR: r = a | b; break;
    case AR_XOR: r = a ^ b; break;
    case AR_EQ: case AR_NE: case AR_LT: case AR_GT: case AR_LE: case AR_GE:
      *res = arith_cmp (op, a, b, sign);
      return ARITH_OK;
    default:
      return ARITH_OK;  /* AR_CEILDIV, AR_SHL, AR_SHR: done by callers.  */
    }
  if (e == ARITH_OK)
    *res = arith_norm (r, size, sign);
  return e;
}

/* Arithmetic for signed A, spelled so as not to rely on what C leaves
   to the implementation for >> of a negative number.  */
static uint64_t
arith_shr (uint64_t a, unsigned cnt, int size, bool sign)
{
  uint64_t r = sign && (int64_t) a < 0 ? ~(~a >> cnt) : a >> cnt;
  return arith_norm (r, size, sign);
}

arith_err
arith_binop (arith_op op, uint64_t a, uint64_t b,
             int size, bool sign, int bsize, bool bsign, uint64_t *res)
{
  b = arith_norm (b, bsize, bsign);
  switch (op)
    {
    case AR_CEILDIV:
      if (sign)
        {
          int64_t r;
          arith_err e = arith_sceildiv ((int64_t) a, (int64_t) b, size, &r);
          if (e == ARITH_OK)
            *res = (uint64_t) r;
          return e;
        }
      if (b == 0)
        return ARITH_EDIVZERO;
      /* The sum wraps, so 0xffUB /^ 2UB is 0UB at run time.  */
      *res = arith_norm (a + b - 1, size, false) / b;
      return ARITH_OK;
    case AR_SHL:
      /* The count is first converted to uint<32>: 1 <<. 0x100000001L
         is 2 at run time.  */
      if ((b & 0xffffffff) >= (uint64_t) size)
        return ARITH_EOOB;
      *res = arith_norm (a << (b & 0xffffffff), size, sign);
      return ARITH_OK;
    case AR_SHR:
      /* Integers of up to 32 bits live in 32-bit words and the count is
         taken modulo the word size, so 1 .>> 32 is 1 at run time.  The
         shift is arithmetic for signed operands, whatever the manual
         says.  */
      *res = arith_shr (a, (unsigned) (b & (size <= 32 ? 31 : 63)),
                        size, sign);
      return ARITH_OK;
    default:
      return arith_common (op, a, b, size, sign, res);
    }
}

arith_err
arith_fold (arith_op op, uint64_t a, uint64_t b,
            int size, bool sign, int bsize, bool bsign, uint64_t *res)
{
  b = arith_norm (b, bsize, bsign);
  switch (op)
    {
    case AR_CEILDIV:
      /* The folder computes (A + B - 1) / B in 64 bits and truncates,
         checking only for a zero divisor and MIN / -1.  */
      if (b == 0)
        return ARITH_EDIVZERO;
      if (sign)
        {
          int64_t t = (int64_t) (a + b - 1), sb = (int64_t) b;
          if (sb == -1 && (int64_t) a == arith_smin (size))
            return ARITH_EOVERFLOW;
          *res = arith_norm (sb == -1 ? (uint64_t) 0 - (uint64_t) t
                             : (uint64_t) (t / sb), size, true);
        }
      else
        *res = arith_norm ((a + b - 1) / b, size, false);
      return ARITH_OK;
    case AR_SHL:
      if (b >= (uint64_t) size)
        return ARITH_EOOB;
      *res = arith_norm (a << b, size, sign);
      return ARITH_OK;
    case AR_SHR:
      /* The folder shifts the 64-bit value, count modulo 64: 1 .>> 32
         is 0 but 1 .>> 64 is 1.  */
      *res = arith_shr (a, (unsigned) (b & 63), size, sign);
      return ARITH_OK;
    default:
      return arith_common (op, a, b, size, sign, res);
    }
}

arith_err
arith_neg (uint64_t a, int size, bool sign, uint64_t *res)
{
  if (sign && (int64_t) a == arith_smin (size))
    return ARITH_EOVERFLOW;
  *res = arith_norm (0 - a, size, sign);
  return ARITH_OK;
}

uint64_t
arith_not (uint64_t a, int size, bool sign)
{
  return arith_norm (~a, size, sign);
}

bool
arith_bconc (uint64_t a, int size1, bool sign1,
             uint64_t b, int size2,
             uint64_t *res, int *size, bool *sign)
{
  if (size1 + size2 > 64)
    return false;
  *size = size1 + size2;
  *sign = sign1;
  /* B is not masked to its width: a negative B fills the bits of A with
     ones, so 1UB ::: -1B is 65535UH in GNU poke.  */
  *res = arith_norm ((a << size2) | b, *size, sign1);
  return true;
}

uint64_t
arith_offset_unit (uint64_t u1, uint64_t u2)
{
  while (u2)
    {
      uint64_t t = u1 % u2;
      u1 = u2;
      u2 = t;
    }
  return u1;
}

uint64_t
arith_offset_convert (uint64_t m, bool sign, uint64_t fu, uint64_t tu,
                      bool *overflow)
{
  int64_t sbits;
  *overflow = !sign && __builtin_mul_overflow ((int64_t) m, (int64_t) fu,
                                               &sbits);
  uint64_t bits = m * fu;
  if (tu == 1)
    return bits;
  if (!sign)
    return bits / tu;
  /* A unit past INT64_MAX bits is bigger than any signed magnitude.  */
  return tu > INT64_MAX ? 0 : (uint64_t) ((int64_t) bits / (int64_t) tu);
}

bool
arith_op_of_token (int tok, arith_op *op)
{
  static const struct
  {
    tok_kind tok;
    arith_op op;
  } ops[] = {
    { T_PLUS, AR_ADD }, { T_MINUS, AR_SUB }, { T_STAR, AR_MUL },
    { T_SLASH, AR_DIV }, { T_CEILDIV, AR_CEILDIV }, { T_PERCENT, AR_MOD },
    { T_POW, AR_POW }, { T_AMP, AR_AND }, { T_PIPE, AR_IOR },
    { T_CARET, AR_XOR }, { T_LSHIFT, AR_SHL }, { T_RSHIFT, AR_SHR },
    { T_EQ, AR_EQ }, { T_NE, AR_NE }, { T_LT, AR_LT }, { T_GT, AR_GT },
    { T_LE, AR_LE }, { T_GE, AR_GE }
  };
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
    if ((int) ops[i].tok == tok)
      {
        *op = ops[i].op;
        return true;
      }
  return false;
}
