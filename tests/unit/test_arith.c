/* test_arith.c -- unit tests for the arithmetic kernels (lang/arith.c).

   Every expected value was obtained from GNU poke 2.4: run-time rows (RT,
   RC) by putting the operands in variables (`var a = ...; var b = ...;`
   then `a OP b`), so that nothing is constant-folded; folding rows (FD,
   FC) by writing the operation with literals (`7 /^ -2`), which GNU poke
   folds at compile time.  A failure means bpoke computes something GNU
   poke does not.  */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "arith.h"

#define S true
#define U false
#define OK ARITH_OK
#define OV ARITH_EOVERFLOW
#define DZ ARITH_EDIVZERO
#define OOB ARITH_EOOB

/* Operands and results are written as the values GNU poke prints; the
   cast to uint64_t gives their normalized 64-bit form.  */
typedef struct binop_case
{
  bool fold;
  arith_op op;
  int size;
  bool sign;
  uint64_t a, b;
  int bsize;
  bool bsign;
  arith_err err;
  uint64_t res;
  int line;
} binop_case;

/* RT: run time, both operands of type (SIZE, SIGN).  RC: run time, B of
   its own type (BSIZE, BSIGN), for shifts and **.  FD and FC: the same,
   folded at compile time.  */
#define RT(op, size, sign, a, b, err, res) \
  { false, op, size, sign, (uint64_t) (a), (uint64_t) (b), size, sign, \
    err, (uint64_t) (res), __LINE__ }
#define RC(op, size, sign, a, b, bsize, bsign, err, res) \
  { false, op, size, sign, (uint64_t) (a), (uint64_t) (b), bsize, bsign, \
    err, (uint64_t) (res), __LINE__ }
#define FD(op, size, sign, a, b, err, res) \
  { true, op, size, sign, (uint64_t) (a), (uint64_t) (b), size, sign, \
    err, (uint64_t) (res), __LINE__ }
#define FC(op, size, sign, a, b, bsize, bsign, err, res) \
  { true, op, size, sign, (uint64_t) (a), (uint64_t) (b), bsize, bsign, \
    err, (uint64_t) (res), __LINE__ }

#define I64MIN (-INT64_C (9223372036854775807) - 1)
#define I64MAX INT64_C (9223372036854775807)
#define U64MAX UINT64_C (0xffffffffffffffff)

static void
run_cases (const binop_case *c, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      uint64_t a = arith_norm (c[i].a, c[i].size, c[i].sign);
      uint64_t b = arith_norm (c[i].b, c[i].bsize, c[i].bsign);
      uint64_t res = 0xdeadbeef;
      arith_err err = (c[i].fold ? arith_fold : arith_binop)
        (c[i].op, a, b, c[i].size, c[i].sign, c[i].bsize, c[i].bsign, &res);

      if (err != c[i].err || (err == ARITH_OK && res != c[i].res))
        fail_msg ("case at line %d: got err %d res %#llx, want err %d "
                  "res %#llx", c[i].line, (int) err,
                  (unsigned long long) res, (int) c[i].err,
                  (unsigned long long) c[i].res);
    }
}

#define RUN(table) run_cases (table, sizeof table / sizeof table[0])

/* arith_norm is also the cast: truncate, then extend by the target's
   signedness.  */
static void
test_norm (void **state)
{
  (void) state;
  for (int size = 1; size <= 64; size++)
    {
      uint64_t m = size == 64 ? U64MAX : (UINT64_C (1) << size) - 1;
      uint64_t top = UINT64_C (1) << (size - 1);
      /* Unsigned: zero-extended, idempotent.  */
      assert_int_equal (arith_norm (U64MAX, size, U), m);
      assert_int_equal (arith_norm (0, size, U), 0);
      assert_int_equal (arith_norm (m + 1, size, U), 0);
      assert_int_equal (arith_norm (top, size, U), top);
      /* Signed: the top bit is copied upwards.  */
      assert_int_equal (arith_norm (U64MAX, size, S), U64MAX);
      assert_int_equal ((int64_t) arith_norm (top, size, S),
                        size == 64 ? I64MIN : -(int64_t) top);
      assert_int_equal (arith_norm (top - 1, size, S), top - 1);
      assert_int_equal (arith_norm (m, size, S), U64MAX);
      for (uint64_t v = 0; v < 300; v++)
        {
          uint64_t x = v * UINT64_C (0x9e3779b97f4a7c15);
          uint64_t s = arith_norm (x, size, S), u = arith_norm (x, size, U);
          assert_int_equal (arith_norm (s, size, S), s);
          assert_int_equal (arith_norm (u, size, U), u);
          assert_int_equal (s & m, u);
          assert_int_equal (arith_norm (s, size, U), u);
          assert_int_equal (arith_norm (u, size, S), s);
        }
    }
  /* Casts checked with GNU poke.  */
  assert_int_equal ((int64_t) arith_norm (666, 12, S), 666);        /* (int<12>) 666 */
  assert_int_equal (arith_norm (0x87654321, 16, U), 0x4321);        /* 0x4321UH */
  assert_int_equal (arith_norm ((uint64_t) -2, 32, U), 0xfffffffe); /* -2H as uint<32> */
  assert_int_equal ((int64_t) arith_norm (0xffff, 32, S), 0xffff);  /* 0xffffUH as int<32> */
  assert_int_equal ((int64_t) arith_norm (255, 8, S), -1);          /* 255 as int<8> */
  assert_int_equal ((int64_t) arith_norm (7, 3, S), -1);            /* 7 as int<3> */
  assert_int_equal ((int64_t) arith_norm (1, 1, S), -1);            /* 1 as int<1> */
  assert_int_equal (arith_norm ((uint64_t) -1, 1, U), 1);           /* (uint<1>) 1 */
  assert_int_equal ((int64_t) arith_norm (0x7fffffffff, 40, S),
                    0x7fffffffff);
  assert_int_equal ((int64_t) arith_norm (0x8000000000, 40, S),
                    -0x8000000000);
  assert_int_equal (arith_norm (U64MAX, 64, U), U64MAX);
}

/* The larger width wins; unsigned wins over signed.  typeof() in GNU
   poke: int<8> + uint<16> is uint<16>, int<3> + int<5> is int<5>.  */
static void
test_promote (void **state)
{
  static const struct { int s1; bool g1; int s2; bool g2; int s; bool g; }
  t[] = {
    { 8, S, 16, U, 16, U },     /* 1B + 2UH */
    { 32, S, 32, U, 32, U },    /* 1 + 2U */
    { 3, S, 5, S, 5, S },       /* int<3> + int<5> */
    { 64, U, 64, S, 64, U },    /* 1UL + 1L */
    { 64, S, 8, U, 64, U },     /* 1L + 1UB */
    { 4, U, 8, S, 8, U },       /* 1UN + 1B */
    { 4, S, 4, S, 4, S },       /* 1N + 1N */
    { 3, S, 5, U, 5, U },       /* int<3> + uint<5> */
    { 3, U, 5, S, 5, U },       /* uint<3> + int<5> */
    { 16, S, 4, S, 16, S },     /* 1H + 1N */
    { 1, S, 1, U, 1, U },
    { 33, S, 32, S, 33, S },
  };
  (void) state;
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    {
      int size = 0;
      bool sign = !t[i].g;
      arith_promote (t[i].s1, t[i].g1, t[i].s2, t[i].g2, &size, &sign);
      assert_int_equal (size, t[i].s);
      assert_int_equal (sign, t[i].g);
      arith_promote (t[i].s2, t[i].g2, t[i].s1, t[i].g1, &size, &sign);
      assert_int_equal (size, t[i].s);
      assert_int_equal (sign, t[i].g);
    }
}

/* Signed arithmetic raises E_overflow instead of wrapping; unsigned
   wraps.  */
static const binop_case add_sub_mul[] = {
  RT (AR_ADD, 32, S, 1, 2, OK, 3),
  RT (AR_ADD, 32, S, 0x7fffffff, 1, OV, 0),
  RT (AR_ADD, 32, S, -0x7fffffff - 1, -1, OV, 0),
  RT (AR_ADD, 32, S, -0x7fffffff, -1, OK, -0x7fffffff - 1),
  RT (AR_ADD, 32, U, 0xffffffff, 1, OK, 0),
  RT (AR_ADD, 32, U, 0x7fffffff, 1, OK, 0x80000000),
  RT (AR_ADD, 8, S, 127, 1, OV, 0),
  RT (AR_ADD, 8, S, 126, 1, OK, 127),
  RT (AR_ADD, 8, S, -128, 127, OK, -1),
  RT (AR_ADD, 8, U, 255, 1, OK, 0),
  RT (AR_ADD, 8, U, 200, 100, OK, 44),
  RT (AR_ADD, 5, S, 15, 1, OV, 0),
  RT (AR_ADD, 5, S, 14, 1, OK, 15),
  RT (AR_ADD, 5, S, -16, -1, OV, 0),
  RT (AR_ADD, 5, U, 31, 1, OK, 0),
  RT (AR_ADD, 3, U, 7, 7, OK, 6),
  RT (AR_ADD, 1, S, -1, -1, OV, 0),
  RT (AR_ADD, 1, S, -1, 0, OK, -1),
  RT (AR_ADD, 1, U, 1, 1, OK, 0),
  RT (AR_ADD, 40, S, 0x7fffffffff, 1, OV, 0),
  RT (AR_ADD, 40, U, 0xffffffffff, 2, OK, 1),
  RT (AR_ADD, 64, S, I64MAX, 1, OV, 0),
  RT (AR_ADD, 64, S, I64MIN, -1, OV, 0),
  RT (AR_ADD, 64, S, I64MAX, I64MIN, OK, -1),
  RT (AR_ADD, 64, U, U64MAX, 1, OK, 0),
  RT (AR_SUB, 8, U, 0, 1, OK, 255),     /* 0UB - 1UB is 0xffUB (manual) */
  RT (AR_SUB, 8, S, -128, 1, OV, 0),
  RT (AR_SUB, 8, S, 0, -128, OV, 0),
  RT (AR_SUB, 8, S, -1, -128, OK, 127),
  RT (AR_SUB, 32, S, -0x7fffffff - 1, 1, OV, 0),
  RT (AR_SUB, 32, U, 2, 3, OK, 0xffffffff),
  RT (AR_SUB, 1, S, -1, -1, OK, 0),
  RT (AR_SUB, 1, S, 0, -1, OV, 0),
  RT (AR_SUB, 16, U, 0, 0xffff, OK, 1),
  RT (AR_SUB, 64, S, I64MIN, 1, OV, 0),
  RT (AR_SUB, 64, S, 0, I64MIN, OV, 0),
  RT (AR_SUB, 64, U, 0, 1, OK, U64MAX),
  RT (AR_MUL, 32, S, 0x10000, 0x10000, OV, 0),
  RT (AR_MUL, 32, S, 0x7fffffff, 2, OV, 0),
  RT (AR_MUL, 32, S, -0x40000000, 2, OK, -0x7fffffff - 1),
  RT (AR_MUL, 32, S, -0x7fffffff - 1, -1, OV, 0),
  RT (AR_MUL, 32, U, 0x10000, 0x10000, OK, 0),
  RT (AR_MUL, 32, U, 0xffffffff, 0xffffffff, OK, 1),
  RT (AR_MUL, 8, S, 16, 8, OV, 0),
  RT (AR_MUL, 8, S, -16, 8, OK, -128),
  RT (AR_MUL, 8, S, -1, -1, OK, 1),
  RT (AR_MUL, 8, U, 16, 17, OK, 16),
  RT (AR_MUL, 1, S, -1, -1, OV, 0),
  RT (AR_MUL, 1, S, -1, 0, OK, 0),
  RT (AR_MUL, 3, S, -2, 2, OK, -4),
  RT (AR_MUL, 3, S, -2, -2, OV, 0),
  RT (AR_MUL, 3, S, -1, 3, OK, -3),
  RT (AR_MUL, 3, U, 5, 3, OK, 7),
  RT (AR_MUL, 64, S, -I64MAX, 2, OV, 0),
  RT (AR_MUL, 64, S, I64MIN, -1, OV, 0),
  RT (AR_MUL, 64, S, 0x100000000, 0x7fffffff, OK, 0x7fffffff00000000),
  RT (AR_MUL, 64, S, 0x100000000, 0x80000000, OV, 0),
  RT (AR_MUL, 64, U, U64MAX, U64MAX, OK, 1),
  RT (AR_MUL, 64, U, 10000000000, 10000000000, OK, 0x6bc75e2d63100000),
  /* Folding agrees (overflow is the compile error "expression
     overflows").  */
  FD (AR_ADD, 32, S, 0x7fffffff, 1, OV, 0),
  FD (AR_ADD, 8, S, 127, 1, OV, 0),
  FD (AR_MUL, 64, S, -I64MAX, 2, OV, 0),
  FD (AR_SUB, 16, U, 2, 3, OK, 0xffff),
};

static void
test_add_sub_mul (void **state)
{
  (void) state;
  RUN (add_sub_mul);
}

/* Division and remainder truncate towards zero; MIN / -1 and MIN % -1
   overflow.  */
static const binop_case div_mod[] = {
  RT (AR_DIV, 32, S, -7, 2, OK, -3),
  RT (AR_DIV, 32, S, 7, -2, OK, -3),
  RT (AR_DIV, 32, S, -7, -2, OK, 3),
  RT (AR_DIV, 32, S, 7, 2, OK, 3),
  RT (AR_MOD, 32, S, -7, 2, OK, -1),
  RT (AR_MOD, 32, S, 7, -2, OK, 1),
  RT (AR_MOD, 32, S, -7, -2, OK, -1),
  RT (AR_MOD, 32, S, 7, 2, OK, 1),
  RT (AR_DIV, 32, S, 1, 0, DZ, 0),
  RT (AR_MOD, 32, S, 1, 0, DZ, 0),
  RT (AR_DIV, 32, S, 0, 0, DZ, 0),
  RT (AR_DIV, 32, U, 5, 0, DZ, 0),
  RT (AR_MOD, 32, U, 5, 0, DZ, 0),
  RT (AR_DIV, 32, S, -0x7fffffff - 1, -1, OV, 0),
  RT (AR_MOD, 32, S, -0x7fffffff - 1, -1, OV, 0),
  RT (AR_DIV, 32, S, -0x7fffffff - 1, 1, OK, -0x7fffffff - 1),
  RT (AR_MOD, 32, S, -0x7fffffff - 1, 2, OK, 0),
  RT (AR_DIV, 32, U, 0xffffffff, 2, OK, 0x7fffffff),
  RT (AR_MOD, 32, U, 0xffffffff, 10, OK, 5),
  RT (AR_DIV, 8, S, -128, -1, OV, 0),
  RT (AR_MOD, 8, S, -128, -1, OV, 0),
  RT (AR_DIV, 8, S, -128, 3, OK, -42),
  RT (AR_MOD, 8, S, -128, 3, OK, -2),
  RT (AR_DIV, 8, U, 200, 7, OK, 28),
  RT (AR_MOD, 8, U, 200, 7, OK, 4),
  RT (AR_DIV, 1, S, -1, -1, OV, 0),
  RT (AR_MOD, 1, S, -1, -1, OV, 0),
  RT (AR_DIV, 1, S, 0, -1, OK, 0),
  RT (AR_DIV, 1, U, 1, 1, OK, 1),
  RT (AR_DIV, 3, S, -4, -1, OV, 0),
  RT (AR_DIV, 3, S, -4, 3, OK, -1),
  RT (AR_MOD, 3, S, -4, 3, OK, -1),
  RT (AR_DIV, 64, S, I64MIN, -1, OV, 0),
  RT (AR_MOD, 64, S, I64MIN, -1, OV, 0),
  RT (AR_DIV, 64, S, I64MIN, 2, OK, I64MIN / 2),
  RT (AR_DIV, 64, U, U64MAX, 3, OK, 0x5555555555555555),
  RT (AR_MOD, 64, U, U64MAX, 10, OK, 5),
  RT (AR_MOD, 64, S, -5, I64MIN, OK, -5),
  FD (AR_DIV, 32, S, 1, 0, DZ, 0),
  FD (AR_MOD, 32, U, 1, 0, DZ, 0),
  FD (AR_DIV, 32, S, -0x7fffffff - 1, -1, OV, 0),
  FD (AR_MOD, 64, S, I64MIN, -1, OV, 0),
  FD (AR_DIV, 32, S, -7, 2, OK, -3),
  FD (AR_MOD, 32, S, 7, -2, OK, 1),
};

static void
test_div_mod (void **state)
{
  (void) state;
  RUN (div_mod);
}

/* A /^ B is (A + (B - 1)) / B, which is not the ceiling when B < 0.  At
   run time every step is checked (so 0x7fffffff /^ 2 overflows and
   0xffUB /^ 2UB wraps to 0); the folder computes in 64 bits.  */
static const binop_case ceildiv[] = {
  RT (AR_CEILDIV, 32, S, 7, 2, OK, 4),
  RT (AR_CEILDIV, 32, S, -7, 2, OK, -3),
  RT (AR_CEILDIV, 32, S, 7, -2, OK, -2),
  RT (AR_CEILDIV, 32, S, -7, -2, OK, 5),
  RT (AR_CEILDIV, 32, S, 6, 3, OK, 2),
  RT (AR_CEILDIV, 32, S, -6, 3, OK, -1),
  RT (AR_CEILDIV, 32, S, -6, -3, OK, 3),
  RT (AR_CEILDIV, 32, S, 6, -3, OK, 0),
  RT (AR_CEILDIV, 32, S, 0, 5, OK, 0),
  RT (AR_CEILDIV, 32, S, 0, -5, OK, 1),
  RT (AR_CEILDIV, 32, S, 5, 0, DZ, 0),
  RT (AR_CEILDIV, 32, S, 0, 0, DZ, 0),
  RT (AR_CEILDIV, 32, U, 5, 0, DZ, 0),
  RT (AR_CEILDIV, 32, S, -0x7fffffff - 1, 0, OV, 0),   /* sum first */
  RT (AR_CEILDIV, 32, S, 0x7fffffff, 1, OK, 0x7fffffff),
  RT (AR_CEILDIV, 32, S, 0x7fffffff, 2, OV, 0),
  RT (AR_CEILDIV, 32, S, 0x7fffffff, 0x7fffffff, OV, 0),
  RT (AR_CEILDIV, 32, S, -0x7fffffff - 1, 2, OK, -1073741823),
  RT (AR_CEILDIV, 32, S, -0x7fffffff - 1, -2, OV, 0),
  RT (AR_CEILDIV, 32, S, -0x7fffffff, -1, OV, 0),
  RT (AR_CEILDIV, 32, S, 1, -0x7fffffff - 1, OV, 0),
  RT (AR_CEILDIV, 32, S, 0, -0x7fffffff - 1, OV, 0),
  RT (AR_CEILDIV, 32, S, -1, -0x7fffffff - 1, OV, 0),
  RT (AR_CEILDIV, 32, U, 0xffffffff, 2, OK, 0),
  RT (AR_CEILDIV, 32, U, 0xffffffff, 0xffffffff, OK, 0),
  RT (AR_CEILDIV, 32, U, 0x7fffffff, 0x80000000, OK, 1),
  RT (AR_CEILDIV, 32, U, 10, 3, OK, 4),
  RT (AR_CEILDIV, 8, U, 255, 2, OK, 0),
  RT (AR_CEILDIV, 8, U, 255, 128, OK, 0),
  RT (AR_CEILDIV, 8, U, 255, 16, OK, 0),
  RT (AR_CEILDIV, 8, S, 127, 2, OV, 0),
  RT (AR_CEILDIV, 8, S, -127, -2, OV, 0),
  RT (AR_CEILDIV, 8, S, -128, -1, OV, 0),
  RT (AR_CEILDIV, 5, S, 15, 2, OV, 0),
  RT (AR_CEILDIV, 40, S, 0x7fffffffff, 2, OV, 0),
  RT (AR_CEILDIV, 40, U, 0xffffffffff, 2, OK, 0),
  RT (AR_CEILDIV, 64, S, I64MAX, 2, OV, 0),
  RT (AR_CEILDIV, 64, S, I64MIN, 2, OK, -4611686018427387903),
  RT (AR_CEILDIV, 64, S, I64MIN, -1, OV, 0),
  RT (AR_CEILDIV, 64, U, U64MAX, 2, OK, 0),
  FD (AR_CEILDIV, 32, S, 7, 2, OK, 4),
  FD (AR_CEILDIV, 32, S, 7, -2, OK, -2),
  FD (AR_CEILDIV, 32, S, -7, -2, OK, 5),
  FD (AR_CEILDIV, 32, S, 0, -5, OK, 1),
  FD (AR_CEILDIV, 32, S, 5, 0, DZ, 0),
  FD (AR_CEILDIV, 32, S, -0x7fffffff - 1, 0, DZ, 0),
  FD (AR_CEILDIV, 32, S, 0x7fffffff, 2, OK, 1073741824),
  FD (AR_CEILDIV, 32, S, 0x7fffffff, 0x7fffffff, OK, 1),
  FD (AR_CEILDIV, 32, S, -0x7fffffff - 1, -2, OK, 1073741825),
  FD (AR_CEILDIV, 32, S, -0x7fffffff - 1, -0x7fffffff - 1, OK, 2),
  FD (AR_CEILDIV, 32, S, 5, -0x7fffffff - 1, OK, 0),
  FD (AR_CEILDIV, 32, S, -0x7fffffff, -1, OK, -2147483647),
  FD (AR_CEILDIV, 32, S, -0x7fffffff - 1, -1, OV, 0),
  FD (AR_CEILDIV, 32, U, 0xffffffff, 2, OK, 0x80000000),
  FD (AR_CEILDIV, 32, U, 0xffffffff, 0xffffffff, OK, 1),
  FD (AR_CEILDIV, 8, U, 255, 2, OK, 128),
  FD (AR_CEILDIV, 8, U, 255, 16, OK, 16),
  FD (AR_CEILDIV, 8, S, 127, 2, OK, 64),
  FD (AR_CEILDIV, 8, S, -127, -1, OK, -127),
  FD (AR_CEILDIV, 8, S, -127, -2, OK, 65),
  FD (AR_CEILDIV, 8, S, -128, -1, OV, 0),
  FD (AR_CEILDIV, 64, S, I64MAX, 2, OK, -4611686018427387904),
  FD (AR_CEILDIV, 64, S, I64MIN, -2, OK, -4611686018427387902),
  FD (AR_CEILDIV, 64, S, I64MIN, -3, OK, -3074457345618258601),
  FD (AR_CEILDIV, 64, S, -I64MAX, -2, OK, -4611686018427387903),
  FD (AR_CEILDIV, 64, S, I64MIN, -1, OV, 0),
  FD (AR_CEILDIV, 64, U, U64MAX, 2, OK, 0),
};

static void
test_ceildiv (void **state)
{
  (void) state;
  RUN (ceildiv);
}

/* The result has the type of the base; the exponent, of any integral
   type, is converted to uint<32> (so -1 is 0xffffffff).  Signed results
   that do not fit overflow, unsigned ones wrap.  */
static const binop_case power[] = {
  RC (AR_POW, 32, S, 2, 10, 32, S, OK, 1024),
  RC (AR_POW, 32, S, 2, 10, 64, U, OK, 1024),
  RC (AR_POW, 32, S, 2, 30, 32, S, OK, 1073741824),
  RC (AR_POW, 32, S, 2, 31, 32, S, OV, 0),
  RC (AR_POW, 32, S, 2, 32, 32, S, OV, 0),
  RC (AR_POW, 32, S, -2, 31, 32, S, OK, -0x7fffffff - 1),
  RC (AR_POW, 32, S, -2, 32, 32, S, OV, 0),
  RC (AR_POW, 32, S, -2, 3, 32, S, OK, -8),
  RC (AR_POW, 32, S, 3, 40, 32, S, OV, 0),
  RC (AR_POW, 32, S, 10, 10, 32, S, OV, 0),
  RC (AR_POW, 32, S, 0, 0, 32, S, OK, 1),
  RC (AR_POW, 32, S, 5, 0, 32, S, OK, 1),
  RC (AR_POW, 32, S, 2, -1, 32, S, OV, 0),
  RC (AR_POW, 32, S, 3, -1, 32, S, OV, 0),
  RC (AR_POW, 32, S, 1, -1, 32, S, OK, 1),
  RC (AR_POW, 32, S, -1, -1, 32, S, OK, -1),
  RC (AR_POW, 32, S, -1, -2, 32, S, OK, 1),
  RC (AR_POW, 32, S, 0, -1, 32, S, OK, 0),
  RC (AR_POW, 32, S, 1, 0xffffffff, 32, U, OK, 1),
  RC (AR_POW, 32, S, -1, 0xffffffff, 32, U, OK, -1),
  RC (AR_POW, 32, S, 2, 0xffffffff, 32, U, OV, 0),
  RC (AR_POW, 32, S, 2, 3, 64, S, OK, 8),
  RC (AR_POW, 64, S, 2, 0x100000001, 64, S, OK, 2),
  RC (AR_POW, 64, S, -1, -1, 64, S, OK, -1),
  RC (AR_POW, 64, S, 0, -1, 64, S, OK, 0),
  RC (AR_POW, 64, S, -2, 63, 32, S, OK, I64MIN),
  RC (AR_POW, 64, S, -2, 64, 32, S, OV, 0),
  RC (AR_POW, 64, S, 2, 63, 32, S, OV, 0),
  RC (AR_POW, 64, S, 10, 18, 32, S, OK, 1000000000000000000),
  RC (AR_POW, 64, S, 10, 19, 32, S, OV, 0),
  RC (AR_POW, 32, U, 2, 31, 32, S, OK, 0x80000000),
  RC (AR_POW, 32, U, 2, 33, 32, S, OK, 0),
  RC (AR_POW, 32, U, 1, -1, 32, S, OK, 1),
  RC (AR_POW, 32, U, 2, -1, 32, S, OK, 0),
  RC (AR_POW, 32, U, 2, -2, 32, S, OK, 0),
  RC (AR_POW, 32, U, 3, -1, 32, S, OK, 2863311531),
  RC (AR_POW, 32, U, 3, -2, 32, S, OK, 954437177),
  RC (AR_POW, 32, U, 3, -1, 8, S, OK, 2863311531),
  RC (AR_POW, 32, U, 3, 255, 8, U, OK, 40216235),
  RC (AR_POW, 64, U, 10, 19, 32, S, OK, 10000000000000000000u),
  RC (AR_POW, 64, U, 10, 20, 32, S, OK, 7766279631452241920),
  RC (AR_POW, 64, U, 3, 0xfffffffffff, 64, U, OK, 830436559519656619),
  RC (AR_POW, 64, U, 3, 0x100000001, 64, S, OK, 3),
  RC (AR_POW, 8, U, 3, 7, 32, S, OK, 139),
  RC (AR_POW, 8, U, 2, 9, 32, S, OK, 0),
  RC (AR_POW, 8, U, 3, 200, 8, U, OK, 161),
  RC (AR_POW, 8, S, 3, 4, 32, S, OK, 81),
  RC (AR_POW, 8, S, 3, 5, 32, S, OV, 0),
  RC (AR_POW, 8, S, -3, 5, 32, S, OV, 0),
  RC (AR_POW, 8, S, -2, 7, 32, S, OK, -128),
  RC (AR_POW, 8, S, 2, 7, 32, S, OV, 0),
  RC (AR_POW, 8, S, 2, 6, 32, S, OK, 64),
  RC (AR_POW, 8, S, 11, 2, 32, S, OK, 121),
  RC (AR_POW, 8, S, 12, 2, 32, S, OV, 0),
  RC (AR_POW, 8, S, -128, 1, 32, S, OK, -128),
  RC (AR_POW, 8, S, -128, 2, 32, S, OV, 0),
  RC (AR_POW, 8, S, -128, 0, 32, S, OK, 1),
  /* int<1>: 1 is -1 there, and x ** 0 gives it.  */
  RC (AR_POW, 1, S, -1, 0, 32, S, OK, -1),
  RC (AR_POW, 1, S, -1, 1, 32, S, OV, 0),
  RC (AR_POW, 1, S, -1, 2, 32, S, OV, 0),
  RC (AR_POW, 1, S, 0, 0, 32, S, OK, -1),
  RC (AR_POW, 1, S, 0, 1, 32, S, OK, 0),
  RC (AR_POW, 1, S, 0, 2, 32, S, OK, 0),
  RC (AR_POW, 1, U, 1, 5, 32, S, OK, 1),
  RC (AR_POW, 1, U, 0, 0, 32, S, OK, 1),
};

static void
test_pow (void **state)
{
  (void) state;
  RUN (power);
}

static const binop_case bitwise[] = {
  RT (AR_AND, 32, S, -1, 0x0f0f, OK, 0x0f0f),
  RT (AR_AND, 8, S, -16, 0x3c, OK, 0x30),
  RT (AR_AND, 8, S, -16, -3, OK, -16),
  RT (AR_IOR, 8, S, 0x40, 0x3f, OK, 127),
  RT (AR_IOR, 8, S, 0x40, -128, OK, -64),
  RT (AR_IOR, 8, U, 0xf0, 0x0f, OK, 255),
  RT (AR_XOR, 8, U, 0xff, 0x0f, OK, 0xf0),
  RT (AR_XOR, 8, S, -1, 0x0f, OK, -16),
  RT (AR_XOR, 3, S, 3, -4, OK, -1),
  RT (AR_AND, 64, U, U64MAX, 0x8000000000000001, OK, 0x8000000000000001),
  RT (AR_XOR, 64, S, I64MIN, -1, OK, I64MAX),
  RT (AR_IOR, 1, S, 0, -1, OK, -1),
};

static void
test_bitwise (void **state)
{
  (void) state;
  RUN (bitwise);
}

/* <<. raises E_out_of_bounds for a count (converted to uint<32> at run
   time, so -1 is huge) not below the width, and never overflows.  .>> is
   arithmetic for signed operands; its count is taken modulo 32 for
   widths up to 32 and modulo 64 above at run time, always modulo 64 when
   folded.  The result has the type of the left operand.  */
static const binop_case shifts[] = {
  RC (AR_SHL, 32, S, 1, 31, 32, S, OK, -0x7fffffff - 1),
  RC (AR_SHL, 32, S, 1, 32, 32, S, OOB, 0),
  RC (AR_SHL, 32, S, 1, 33, 32, S, OOB, 0),
  RC (AR_SHL, 32, S, 1, -1, 32, S, OOB, 0),
  RC (AR_SHL, 32, S, 1, 0, 32, S, OK, 1),
  RC (AR_SHL, 32, S, 0x40000000, 1, 32, S, OK, -0x7fffffff - 1),
  RC (AR_SHL, 8, U, 1, 7, 32, S, OK, 128),
  RC (AR_SHL, 8, U, 1, 7, 64, S, OK, 128),
  RC (AR_SHL, 8, U, 1, 8, 32, S, OOB, 0),
  RC (AR_SHL, 8, U, 1, U64MAX, 64, U, OOB, 0),
  RC (AR_SHL, 8, U, 1, 7, 3, U, OK, 128),
  RC (AR_SHL, 8, S, 3, 6, 32, S, OK, -64),
  RC (AR_SHL, 8, S, 3, 7, 32, S, OK, -128),
  RC (AR_SHL, 8, S, -1, 7, 3, U, OK, -128),
  RC (AR_SHL, 64, S, 1, 63, 32, S, OK, I64MIN),
  RC (AR_SHL, 64, S, 1, 64, 32, S, OOB, 0),
  RC (AR_SHL, 64, U, 1, 63, 32, S, OK, 0x8000000000000000),
  RC (AR_SHL, 64, U, 1, 64, 32, S, OOB, 0),
  RC (AR_SHL, 32, S, 1, 0x100000000, 64, S, OK, 1),
  RC (AR_SHL, 32, S, 1, 0x100000001, 64, S, OK, 2),
  RC (AR_SHL, 64, S, 1, 0x100000000, 64, S, OK, 1),
  RC (AR_SHL, 32, S, 1, 0xffffffffffffffe1, 64, U, OOB, 0),
  RC (AR_SHL, 3, S, 1, 2, 32, S, OK, -4),
  RC (AR_SHL, 3, S, 1, 3, 32, S, OOB, 0),
  RC (AR_SHR, 32, S, -1, 1, 32, S, OK, -1),
  RC (AR_SHR, 32, S, -5, 1, 32, S, OK, -3),
  RC (AR_SHR, 32, S, -16, 2, 32, S, OK, -4),
  RC (AR_SHR, 32, S, 0x7fffffff, 30, 32, S, OK, 1),
  RC (AR_SHR, 32, S, 0x7fffffff, 31, 32, S, OK, 0),
  RC (AR_SHR, 32, S, 0x7fffffff, 32, 32, S, OK, 0x7fffffff),
  RC (AR_SHR, 32, S, 0x7fffffff, 33, 32, S, OK, 0x3fffffff),
  RC (AR_SHR, 32, S, -0x40000000, 32, 32, S, OK, -0x40000000),
  RC (AR_SHR, 32, S, 5, -1, 32, S, OK, 0),
  RC (AR_SHR, 32, S, 1, 0x100000001, 64, S, OK, 0),
  RC (AR_SHR, 32, S, 2, 0x100000001, 64, S, OK, 1),
  RC (AR_SHR, 32, U, 0xffffffff, 32, 32, S, OK, 0xffffffff),
  RC (AR_SHR, 32, U, 0xffffffff, 31, 32, S, OK, 1),
  RC (AR_SHR, 32, U, 0xffffffff, 100, 32, S, OK, 0xfffffff),
  RC (AR_SHR, 8, S, -16, 7, 32, S, OK, -1),
  RC (AR_SHR, 8, S, -16, 8, 32, S, OK, -1),
  RC (AR_SHR, 8, S, -64, 32, 32, S, OK, -64),
  RC (AR_SHR, 8, U, 255, 8, 32, S, OK, 0),
  RC (AR_SHR, 8, U, 255, 9, 32, S, OK, 0),
  RC (AR_SHR, 8, U, 255, 33, 32, S, OK, 127),
  RC (AR_SHR, 8, U, 0x80, 7, 4, U, OK, 1),
  RC (AR_SHR, 5, S, -8, 33, 32, S, OK, -4),
  RC (AR_SHR, 5, S, 15, 100, 32, S, OK, 0),
  RC (AR_SHR, 3, S, -2, 1, 32, S, OK, -1),
  RC (AR_SHR, 3, S, -4, 1, 32, S, OK, -2),
  RC (AR_SHR, 40, S, 0x7fffffffff, 32, 32, S, OK, 127),
  RC (AR_SHR, 40, S, 0x7fffffffff, 40, 32, S, OK, 0),
  RC (AR_SHR, 40, S, 0x7fffffffff, 64, 32, S, OK, 0x7fffffffff),
  RC (AR_SHR, 40, U, 0xffffffffff, 65, 32, S, OK, 0x7fffffffff),
  RC (AR_SHR, 64, S, I64MAX, 32, 32, S, OK, 0x7fffffff),
  RC (AR_SHR, 64, S, I64MAX, 64, 32, S, OK, I64MAX),
  RC (AR_SHR, 64, S, I64MAX, -1, 32, S, OK, 0),
  RC (AR_SHR, 64, S, -0x4000000000000000, 65, 32, S, OK,
      -0x2000000000000000),
  RC (AR_SHR, 64, U, U64MAX, 63, 32, S, OK, 1),
  FC (AR_SHL, 32, S, 1, 32, 32, S, OOB, 0),
  FC (AR_SHL, 32, S, 1, -1, 32, S, OOB, 0),
  FC (AR_SHL, 32, S, 1, 0x100000000, 64, S, OOB, 0),
  FC (AR_SHL, 32, S, 1, 0x100000001, 64, S, OOB, 0),
  FC (AR_SHL, 8, U, 1, 7, 64, S, OK, 128),
  FC (AR_SHL, 8, U, 1, 8, 32, S, OOB, 0),
  FC (AR_SHR, 32, S, 1, 32, 32, S, OK, 0),
  FC (AR_SHR, 32, S, 1, 33, 32, S, OK, 0),
  FC (AR_SHR, 32, S, -1, 32, 32, S, OK, -1),
  FC (AR_SHR, 32, S, 0x7fffffff, 32, 32, S, OK, 0),
  FC (AR_SHR, 32, S, 0x7fffffff, 64, 32, S, OK, 0x7fffffff),
  FC (AR_SHR, 32, S, 0x7fffffff, 65, 32, S, OK, 0x3fffffff),
  FC (AR_SHR, 32, S, -0x40000000, 65, 32, S, OK, -0x20000000),
  FC (AR_SHR, 32, U, 0xffffffff, 32, 32, S, OK, 0),
  FC (AR_SHR, 32, U, 0xffffffff, 65, 32, S, OK, 0x7fffffff),
  FC (AR_SHR, 32, S, 5, -1, 32, S, OK, 0),
  FC (AR_SHR, 32, S, 5, -63, 32, S, OK, 2),
  FC (AR_SHR, 32, S, 5, -64, 32, S, OK, 5),
  FC (AR_SHR, 8, U, 255, 32, 32, S, OK, 0),
  FC (AR_SHR, 8, U, 255, 64, 32, S, OK, 255),
  FC (AR_SHR, 8, U, 255, 65, 32, S, OK, 127),
  FC (AR_SHR, 8, S, -4, 1, 32, S, OK, -2),
  FC (AR_SHR, 64, S, I64MAX, 64, 32, S, OK, I64MAX),
};

static void
test_shifts (void **state)
{
  (void) state;
  RUN (shifts);
}

/* Comparisons are done in the promoted type, so -1 < 1U is false.  */
static const binop_case compare[] = {
  RT (AR_LT, 32, U, -1, 1, OK, 0),      /* -1 < 1U */
  RT (AR_EQ, 32, U, -1, 0xffffffff, OK, 1),
  RT (AR_LT, 16, U, -1, 0, OK, 0),      /* -1B < 0UH */
  RT (AR_LT, 32, S, -1, 1, OK, 1),
  RT (AR_GT, 32, S, -1, 1, OK, 0),
  RT (AR_LE, 32, S, 5, 5, OK, 1),
  RT (AR_GE, 32, S, 4, 5, OK, 0),
  RT (AR_NE, 32, S, 4, 5, OK, 1),
  RT (AR_EQ, 8, S, -128, 127, OK, 0),
  RT (AR_LT, 8, S, -128, 127, OK, 1),
  RT (AR_LT, 8, U, 128, 127, OK, 0),
  RT (AR_GE, 3, S, -4, 3, OK, 0),
  RT (AR_GE, 3, U, 4, 3, OK, 1),
  RT (AR_LT, 64, S, I64MIN, I64MAX, OK, 1),
  RT (AR_LT, 64, U, 0x8000000000000000, I64MAX, OK, 0),
  RT (AR_GT, 64, U, U64MAX, 0, OK, 1),
  RT (AR_LE, 1, S, -1, 0, OK, 1),
  RT (AR_LE, 1, U, 1, 0, OK, 0),
};

static void
test_compare (void **state)
{
  (void) state;
  RUN (compare);
}

static void
test_neg_not (void **state)
{
  static const struct { uint64_t a; int size; bool sign; arith_err err;
                        uint64_t neg, not; } t[] = {
    { 5, 32, S, OK, (uint64_t) -5, (uint64_t) -6 },
    { (uint64_t) (-0x7fffffff - 1), 32, S, OV, 0, 0x7fffffff },
    { (uint64_t) -128, 8, S, OV, 0, 127 },      /* -a, a = -127B-1B */
    { 5, 8, S, OK, (uint64_t) -5, (uint64_t) -6 },  /* ~5B is -6B */
    { 5, 8, U, OK, 251, 250 },                  /* -a, ~a, a = 5UB */
    { 0, 8, U, OK, 0, 255 },
    { 5, 3, U, OK, 3, 2 },                      /* (uint<3>) 3 and 2 */
    { (uint64_t) -1, 1, S, OV, 0, 0 },          /* int<1> -1 */
    { 0, 1, S, OK, 0, (uint64_t) -1 },
    { 1, 1, U, OK, 1, 0 },
    { (uint64_t) I64MIN, 64, S, OV, 0, (uint64_t) I64MAX },
    { 1, 64, U, OK, U64MAX, U64MAX - 1 },
  };
  (void) state;
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    {
      uint64_t a = arith_norm (t[i].a, t[i].size, t[i].sign);
      uint64_t r = 0xdead;
      assert_int_equal (arith_neg (a, t[i].size, t[i].sign, &r), t[i].err);
      if (t[i].err == OK)
        assert_int_equal (r, arith_norm (t[i].neg, t[i].size, t[i].sign));
      assert_int_equal (arith_not (a, t[i].size, t[i].sign),
                        arith_norm (t[i].not, t[i].size, t[i].sign));
    }
}

/* A ::: B has width SIZE1 + SIZE2 (at most 64, else the compile error
   "the sum of the width of the operators should not exceed 64-bit") and
   the signedness of A.  B is not masked: a negative B fills A's bits.  */
static void
test_bconc (void **state)
{
  static const struct { uint64_t a; int s1; bool g1; uint64_t b; int s2;
                        bool g2; bool ok; uint64_t res; int size;
                        bool sign; } t[] = {
    { 1, 8, U, 2, 8, U, true, 258, 16, U },         /* 1UB ::: 2UB */
    { 1, 8, S, 2, 8, U, true, 258, 16, S },         /* 1B ::: 2UB */
    { 1, 8, U, 2, 8, S, true, 258, 16, U },         /* 1UB ::: 2B */
    { (uint64_t) -1, 8, S, 2, 8, U, true, (uint64_t) -254, 16, S },
    { 1, 8, U, (uint64_t) -1, 8, S, true, 65535, 16, U },
    { 5, 8, U, (uint64_t) -2, 8, S, true, 65534, 16, U },
    { 5, 8, U, (uint64_t) -2, 4, S, true, 4094, 12, U },
    { 0x12, 16, U, (uint64_t) -2, 4, S, true, 1048574, 20, U },
    { (uint64_t) -2, 4, S, 0x12, 16, U, true, (uint64_t) -131054, 20, S },
    { 5, 8, U, 0xf, 4, U, true, 95, 12, U },
    { 5, 8, U, 0x80, 8, U, true, 1408, 16, U },
    { (uint64_t) -1, 8, S, (uint64_t) -1, 8, S, true, (uint64_t) -1, 16, S },
    { 1, 32, S, 2, 32, S, true, 4294967298, 64, S },
    { 0x7fffffff, 32, S, 0x7fffffff, 32, S, true, 9223372034707292159,
      64, S },
    { (uint64_t) -1, 32, S, (uint64_t) -1, 32, S, true, (uint64_t) -1,
      64, S },
    { 1, 3, S, 1, 5, U, true, 33, 8, S },           /* 33B */
    { (uint64_t) -1, 1, S, 0, 8, U, true, (uint64_t) -256, 9, S },
    { 7, 4, S, 8, 4, S, true, (uint64_t) -8, 8, S }, /* 7N ::: 8N, run time */
    { 1, 4, S, 2, 4, S, true, 18, 8, S },           /* 1N ::: 2N */
    { 1, 32, S, 2, 64, S, false, 0, 0, S },         /* 1 ::: 2L */
    { 1, 64, S, 2, 64, S, false, 0, 0, S },
    { 1, 32, S, 2, 33, S, false, 0, 0, S },
    { 1, 63, U, 1, 1, U, true, 3, 64, U },
  };
  (void) state;
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    {
      uint64_t a = arith_norm (t[i].a, t[i].s1, t[i].g1);
      uint64_t b = arith_norm (t[i].b, t[i].s2, t[i].g2);
      uint64_t r = 0;
      int size = 0;
      bool sign = !t[i].g1;
      assert_int_equal (arith_bconc (a, t[i].s1, t[i].g1, b, t[i].s2,
                                     &r, &size, &sign), t[i].ok);
      if (!t[i].ok)
        continue;
      assert_int_equal (size, t[i].size);
      assert_int_equal (sign, t[i].sign);
      assert_int_equal (r, arith_norm (t[i].res, size, sign));
    }
}

/* The unit of O1 + O2, O1 - O2, O1 % O2 (and of & | ^) is the gcd of the
   units: 1#B + 1#b is 9#b, 1#KiB + 1#B is 1025#B, 3#B + 2#Kb is 253#B
   (Kb is 1000 bits), 1#B % 3#b is 2#b, 3#6 + 2#4 is 13#2.  */
static void
test_offset_unit (void **state)
{
  (void) state;
  assert_int_equal (arith_offset_unit (8, 1), 1);
  assert_int_equal (arith_offset_unit (1, 8), 1);
  assert_int_equal (arith_offset_unit (8192, 8), 8);
  assert_int_equal (arith_offset_unit (8, 1000), 8);
  assert_int_equal (arith_offset_unit (8, 3), 1);
  assert_int_equal (arith_offset_unit (6, 4), 2);
  assert_int_equal (arith_offset_unit (3, 5), 1);
  assert_int_equal (arith_offset_unit (8, 8), 8);
  assert_int_equal (arith_offset_unit (8000, 8192), 64);
  assert_int_equal (arith_offset_unit (U64MAX, U64MAX), U64MAX);
  assert_int_equal (arith_offset_unit (UINT64_C (1) << 63, 1 << 20),
                    1 << 20);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_norm),
    cmocka_unit_test (test_promote),
    cmocka_unit_test (test_add_sub_mul),
    cmocka_unit_test (test_div_mod),
    cmocka_unit_test (test_ceildiv),
    cmocka_unit_test (test_pow),
    cmocka_unit_test (test_bitwise),
    cmocka_unit_test (test_shifts),
    cmocka_unit_test (test_compare),
    cmocka_unit_test (test_neg_not),
    cmocka_unit_test (test_bconc),
    cmocka_unit_test (test_offset_unit),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
