/* arith.h -- integer and offset arithmetic with GNU poke's semantics.

   An integral value is carried as 64 bits plus the width (1..64) and
   signedness of its type.  The 64 bits are always *normalized*: a signed
   value is sign-extended from its width, an unsigned one zero-extended,
   so that equal values have equal bits and C comparisons work.

   These kernels know nothing of types, values or exceptions: the checker
   decides operand and result types with arith_promote, the evaluator
   converts operands to that type with arith_norm and then calls
   arith_binop, turning an error code into the Poke exception.  */

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
   AR_SHL and AR_SHR, B is the shift count as a normalized value of type
   (BSIZE, BSIGN); for other operators BSIZE and BSIGN equal SIZE and
   SIGN.  Wraps on overflow as GNU poke does.  */
arith_err arith_binop (arith_op op, uint64_t a, uint64_t b,
                       int size, bool sign, int bsize, bool bsign,
                       uint64_t *res);

/* Unary minus and bitwise complement, wrapping.  */
uint64_t arith_neg (uint64_t a, int size, bool sign);
uint64_t arith_not (uint64_t a, int size, bool sign);

/* Bit concatenation A:::B.  The result width is SIZE1 + SIZE2; its
   signedness is that of the first operand.  Returns false when the
   width would exceed 64 (a compile-time error in GNU poke).  */
bool arith_bconc (uint64_t a, int size1, bool sign1,
                  uint64_t b, int size2,
                  uint64_t *res, int *size, bool *sign);

/* Offsets: the unit (in bits) of the result of adding, subtracting or
   taking the remainder of two offsets with units U1 and U2.  */
uint64_t arith_offset_unit (uint64_t u1, uint64_t u2);

#endif
