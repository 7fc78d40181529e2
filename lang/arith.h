/* arith.h -- integer and offset arithmetic with GNU poke's semantics.

   An integral value is carried as 64 bits plus the width (1..64) and
   signedness of its type.  The 64 bits are always *normalized*: a signed
   value is sign-extended from its width, an unsigned one zero-extended,
   so that equal values have equal bits and C comparisons work.

   These kernels know nothing of types, values or exceptions: the checker
   decides operand and result types with arith_promote, the evaluator
   converts operands to that type with arith_norm and then calls
   arith_binop, turning an error code into the Poke exception.  The
   typing rules themselves are written down at the top of arith.c.  */

#ifndef BPOKE_ARITH_H
#define BPOKE_ARITH_H

#include <stdbool.h>
#include <stdint.h>

typedef enum arith_op
{
  AR_ADD, AR_SUB, AR_MUL, AR_DIV, AR_CEILDIV, AR_MOD, AR_POW,
  AR_AND, AR_IOR, AR_XOR, AR_SHL, AR_SHR,
  AR_EQ, AR_NE, AR_LT, AR_GT, AR_LE, AR_GE
} arith_op;

/* The operation of binary operator token TOK (a tok_kind: T_PLUS gives
   AR_ADD): false for a token that is none.  */
bool arith_op_of_token (int tok, arith_op *op);

typedef enum arith_err
{
  ARITH_OK = 0,
  ARITH_EDIVZERO,       /* E_div_by_zero.  */
  ARITH_EOOB,           /* E_out_of_bounds (e.g. a shift count too big).  */
  ARITH_EOVERFLOW       /* E_overflow, where GNU poke raises it.  */
} arith_err;

/* Truncate V to SIZE bits and extend it back to 64 according to SIGN.
   This is also the conversion (cast) of any integer to int<SIZE> or
   uint<SIZE>.  */
uint64_t arith_norm (uint64_t v, int size, bool sign);

/* The type both operands of an arithmetic or comparison operator are
   converted to, from the operand types, as GNU poke promotes them.  */
void arith_promote (int size1, bool sign1, int size2, bool sign2,
                    int *size, bool *sign);

/* A OP B, both normalized values of type (SIZE, SIGN); *RES gets the
   normalized result of the same type (for comparisons, 0 or 1).  For
   AR_SHL, AR_SHR and AR_POW, B is the shift count or the exponent as a
   normalized value of its own type (BSIZE, BSIGN), which does not take
   part in promotion; for other operators BSIZE and BSIGN equal SIZE and
   SIGN.  Unsigned results wrap; a signed +, -, *, /, /^, %, ** whose
   result does not fit is ARITH_EOVERFLOW, as in GNU poke (<<. never
   overflows).  This is the run-time semantics.  */
arith_err arith_binop (arith_op op, uint64_t a, uint64_t b,
                       int size, bool sign, int bsize, bool bsign,
                       uint64_t *res);

/* The same as arith_binop, but as GNU poke's compile-time constant folder
   computes it, which differs from run time for AR_CEILDIV and AR_SHR at
   the edges (see arith.c).  The checker folds with this, so that bpoke
   prints what GNU poke prints for constant expressions; an error here is
   a compile-time error ("division by zero", "expression overflows",
   "count in left bit shift too big").  GNU poke never folds **: leave
   it to run time, so that its overflow stays an exception.  */
arith_err arith_fold (arith_op op, uint64_t a, uint64_t b,
                      int size, bool sign, int bsize, bool bsign,
                      uint64_t *res);

/* Unary minus: wraps when unsigned, ARITH_EOVERFLOW when A is the most
   negative value of a signed type.  */
arith_err arith_neg (uint64_t a, int size, bool sign, uint64_t *res);

/* Bitwise complement; it never fails.  */
uint64_t arith_not (uint64_t a, int size, bool sign);

/* Bit concatenation A:::B.  The result width is SIZE1 + SIZE2; its
   signedness is that of the first operand.  B must be normalized in its
   own type: GNU poke ORs it in unmasked, so a negative B fills the bits
   of A (1UB ::: -1B is 65535UH).  Returns false when the width would
   exceed 64 (a compile-time error in GNU poke).  */
bool arith_bconc (uint64_t a, int size1, bool sign1,
                  uint64_t b, int size2,
                  uint64_t *res, int *size, bool *sign);

/* Offsets: the unit (in bits) of the result of +, -, %, &, | and ^ on
   two offsets with units U1 and U2: their greatest common divisor.  */
uint64_t arith_offset_unit (uint64_t u1, uint64_t u2);

/* The magnitude M of an offset in unit FU, of a signed type if SIGN,
   in unit TU, as GNU poke 4.3 converts it (the caller cuts it to the
   width of the new type): through bits, on 64 bits.  The
   multiplication wraps around; for an unsigned magnitude *OVERFLOW
   tells whether it overflows on the same 64 bits taken as an int<64>
   (0xffffffffffffffffUL#N is -4 bits, (1UL<<.61)#B overflows), where
   GNU poke raises E_overflow at run time (it folds constants wrapping
   around).  The division is signed for a signed magnitude (-9#b is
   -1#B).  */
uint64_t arith_offset_convert (uint64_t m, bool sign, uint64_t fu,
                               uint64_t tu, bool *overflow);

/* Whether MAG, an offset magnitude of SIZE bits and SIGN, in units of
   UNIT bits, overflows when converted to bits to map at that offset,
   as GNU poke 4.3 checks it at run time: a uint<64> magnitude whose
   bits pass 2^63 - 1 does; the others wrap.  (Conversions between
   units: arith_offset_convert.)  */
static inline bool
arith_offset_bits_overflow (uint64_t mag, int size, bool sign, uint64_t unit)
{
  int64_t bits;
  /* Every map asks: a multiplication, no division.  */
  return size == 64 && !sign && unit > 1
         && __builtin_mul_overflow ((int64_t) mag, (int64_t) unit, &bits);
}

#endif
