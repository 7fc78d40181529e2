/* test_lex.c -- unit tests for the lexer (lang/lex.c).

   Expected values were taken from GNU poke 2.4 (poke -q -c 'EXPR' and
   'typeof(EXPR)'), so a failure here means bpoke would read some source
   differently from GNU poke.  */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lex.h"

/* Lex SRC completely (at most MAXTOK tokens before T_EOF), keeping the
   lexer alive so that payloads stay valid until lexed_free.  */
#define MAXTOK 64

typedef struct lexed
{
  lexer *lx;
  token t[MAXTOK];
  int n;                        /* Tokens before T_EOF.  */
  bool incomplete;
} lexed;

static void
lex_all_n (lexed *r, const char *src, size_t len)
{
  r->lx = lex_new (src, len, "test.pk");
  r->n = 0;
  for (;;)
    {
      token tok;
      tok_kind k = lex_next (r->lx, &tok);
      if (k == T_EOF)
        break;
      assert_int_equal (k, tok.kind);
      assert_true (r->n < MAXTOK);
      r->t[r->n++] = tok;
    }
  /* T_EOF is sticky.  */
  token eof;
  assert_int_equal (lex_next (r->lx, &eof), T_EOF);
  assert_int_equal (lex_next (r->lx, &eof), T_EOF);
  r->incomplete = lex_incomplete (r->lx);
}

static void
lex_all (lexed *r, const char *src)
{
  lex_all_n (r, src, strlen (src));
}

static void
lexed_free (lexed *r)
{
  lex_free (r->lx);
  r->lx = NULL;
}

/* Assert that SRC lexes to exactly the kinds given, terminated by T_EOF.  */
static void
expect_kinds (const char *src, ...)
{
  lexed r;
  lex_all (&r, src);
  va_list ap;
  va_start (ap, src);
  int i = 0;
  for (;; i++)
    {
      tok_kind k = (tok_kind) va_arg (ap, int);
      if (k == T_EOF)
        break;
      if (i >= r.n || r.t[i].kind != k)
        {
          print_error ("source `%s', token %d: expected %s, got %s\n", src,
                       i, tok_spelling (k),
                       i < r.n ? tok_spelling (r.t[i].kind) : "end");
          fail ();
        }
    }
  va_end (ap);
  if (r.n != i)
    {
      print_error ("source `%s': %d tokens, expected %d\n", src, r.n, i);
      fail ();
    }
  lexed_free (&r);
}

/* Every punctuation token from its tokens.def spelling.  */
static void
test_punct_spellings (void **state)
{
  (void) state;
  int seen = 0;
  for (int k = T_LPAREN; k < K_VAR; k++)
    {
      const char *sp = tok_spelling (k);
      char src[16];
      /* `#' needs its unit right after it.  */
      snprintf (src, sizeof src, k == T_HASH ? "%sB" : "%s", sp);
      lexed r;
      lex_all (&r, src);
      assert_int_equal (r.n, k == T_HASH ? 2 : 1);
      assert_int_equal (r.t[0].kind, k);
      assert_int_equal (r.t[0].len, (int) strlen (sp));
      assert_int_equal (r.t[0].loc.line, 1);
      assert_int_equal (r.t[0].loc.col, 1);
      assert_int_equal (r.t[0].loc.pos, 0);
      assert_null (r.t[0].errmsg);
      assert_false (r.incomplete);
      lexed_free (&r);
      seen++;
    }
  assert_int_equal (seen, 53);
}

/* Every reserved word, and the tokens.def word bpoke does not reserve
   (GNU poke 2.4 does not).  */
static void
test_keywords (void **state)
{
  (void) state;
  for (int k = K_VAR; k < T_NUM_TOKENS; k++)
    {
      const char *sp = tok_spelling (k);
      bool reserved = k != K_ASM;
      lexed r;
      lex_all (&r, sp);
      assert_int_equal (r.n, 1);
      assert_int_equal (r.t[0].kind, reserved ? (tok_kind) k : T_IDENT);
      assert_string_equal (r.t[0].sval, sp);
      assert_int_equal (r.t[0].slen, strlen (sp));
      assert_int_equal (r.t[0].len, (int) strlen (sp));
      lexed_free (&r);
    }
  /* Words around keywords are identifiers.  */
  static const char *const idents[] = {
    "offset", "vars", "Var", "VAR", "in_x", "iffy", "_if", "if_", "int32", "uints",
    "printff", "sizeof2", "structs", "_", "__a9", "x", "Elf64_Ehdr", "B",
    "b", "N", "Kib", "integral", "exception", "eval", "self", "label",
    "typeo", "typeoff", "a0123456789abcdefghijklmnopqrstuvwxyz"
  };
  for (size_t i = 0; i < sizeof idents / sizeof idents[0]; i++)
    {
      lexed r;
      lex_all (&r, idents[i]);
      assert_int_equal (r.n, 1);
      assert_int_equal (r.t[0].kind, T_IDENT);
      assert_string_equal (r.t[0].sval, idents[i]);
      assert_int_equal (r.t[0].slen, strlen (idents[i]));
      lexed_free (&r);
    }
}

/* `enum' is reserved but no construct uses it.  */
static void
test_enum (void **state)
{
  (void) state;
  lexed r;
  lex_all (&r, "1 + enum");
  assert_int_equal (r.n, 3);
  assert_int_equal (r.t[2].kind, T_ERROR);
  assert_int_equal (r.t[2].loc.col, 5);
  assert_int_equal (r.t[2].len, 4);
  assert_string_equal (r.t[2].errmsg,
                       "syntax error: unexpected keyword `enum'");
  lexed_free (&r);
  expect_kinds ("enums", T_IDENT, T_EOF);
}

static void
test_longest_match (void **state)
{
  (void) state;
  expect_kinds ("<<", T_LT, T_LT, T_EOF);
  expect_kinds (">>", T_GT, T_GT, T_EOF);
  expect_kinds ("<<.", T_LSHIFT, T_EOF);
  expect_kinds ("<<.=", T_SL_ASSIGN, T_EOF);
  expect_kinds ("<<. =", T_LSHIFT, T_ASSIGN, T_EOF);
  expect_kinds ("<<..", T_LSHIFT, T_DOT, T_EOF);
  expect_kinds ("<< .", T_LT, T_LT, T_DOT, T_EOF);
  expect_kinds ("<=<", T_LE, T_LT, T_EOF);
  expect_kinds (".>>", T_RSHIFT, T_EOF);
  expect_kinds (".>>=", T_SR_ASSIGN, T_EOF);
  expect_kinds (". >>", T_DOT, T_GT, T_GT, T_EOF);
  expect_kinds (".>", T_DOT, T_GT, T_EOF);
  expect_kinds ("1.>>2", T_INT, T_RSHIFT, T_INT, T_EOF);
  expect_kinds ("x.y", T_IDENT, T_DOT, T_IDENT, T_EOF);
  expect_kinds ("1.5", T_INT, T_DOT, T_INT, T_EOF);
  expect_kinds ("1..2", T_INT, T_DOT, T_DOT, T_INT, T_EOF);
  expect_kinds ("....", T_ELLIPSIS, T_DOT, T_EOF);
  expect_kinds ("..", T_DOT, T_DOT, T_EOF);
  expect_kinds ("::", T_COLON, T_COLON, T_EOF);
  expect_kinds (":::", T_BCONC, T_EOF);
  expect_kinds ("::::", T_BCONC, T_COLON, T_EOF);
  expect_kinds ("**=", T_POW_ASSIGN, T_EOF);
  expect_kinds ("***", T_POW, T_STAR, T_EOF);
  expect_kinds ("** =", T_POW, T_ASSIGN, T_EOF);
  expect_kinds ("*=", T_MUL_ASSIGN, T_EOF);
  expect_kinds ("/^=", T_CEILDIV, T_ASSIGN, T_EOF);
  expect_kinds ("/ ^", T_SLASH, T_CARET, T_EOF);
  expect_kinds ("!==", T_NE, T_ASSIGN, T_EOF);
  expect_kinds ("! =", T_BANG, T_ASSIGN, T_EOF);
  expect_kinds ("===", T_EQ, T_ASSIGN, T_EOF);
  expect_kinds ("=>", T_IMPLIES, T_EOF);
  expect_kinds ("= >", T_ASSIGN, T_GT, T_EOF);
  expect_kinds (">=>", T_GE, T_GT, T_EOF);
  expect_kinds ("->", T_MINUS, T_GT, T_EOF);
  expect_kinds ("---", T_DEC, T_MINUS, T_EOF);
  expect_kinds ("+++", T_INC, T_PLUS, T_EOF);
  expect_kinds ("+=-=", T_ADD_ASSIGN, T_SUB_ASSIGN, T_EOF);
  expect_kinds ("&&&", T_ANDAND, T_AMP, T_EOF);
  expect_kinds ("&&=", T_ANDAND, T_ASSIGN, T_EOF);
  expect_kinds ("|||=", T_OROR, T_IOR_ASSIGN, T_EOF);
  expect_kinds ("^^", T_CARET, T_CARET, T_EOF);
  expect_kinds ("^=", T_XOR_ASSIGN, T_EOF);
  expect_kinds ("%%=", T_PERCENT, T_MOD_ASSIGN, T_EOF);
  expect_kinds ("@!", T_ATBANG, T_EOF);
  expect_kinds ("@ !", T_AT, T_BANG, T_EOF);
  expect_kinds ("x@0#B", T_IDENT, T_AT, T_INT, T_HASH, T_IDENT, T_EOF);
  expect_kinds ("a?b:c", T_IDENT, T_QUESTION, T_IDENT, T_COLON, T_IDENT,
                T_EOF);
  expect_kinds ("~!x", T_TILDE, T_BANG, T_IDENT, T_EOF);
  expect_kinds ("f(a,[b]){;}", T_IDENT, T_LPAREN, T_IDENT, T_COMMA,
                T_LBRACK, T_IDENT, T_RBRACK, T_RPAREN, T_LBRACE, T_SEMI,
                T_RBRACE, T_EOF);
  expect_kinds ("int<32>", K_INT, T_LT, T_INT, T_GT, T_EOF);
  expect_kinds ("offset<uint<32>,B>", T_IDENT, T_LT, K_UINT, T_LT, T_INT,
                T_GT, T_COMMA, T_IDENT, T_GT, T_EOF);
}

/* Integer literals: value (normalized), width, signedness.  */
typedef struct int_case
{
  const char *src;
  uint64_t val;
  int size;
  bool sign;
} int_case;

static const int_case int_cases[] = {
  /* Bases.  */
  { "0", 0, 32, true },
  { "00", 0, 32, true },
  { "2", 2, 32, true },
  { "2345", 2345, 32, true },
  { "017", 17, 32, true },              /* Not octal.  */
  { "08", 8, 32, true },
  { "0x0", 0, 32, true },
  { "0xfe00ff", 0xfe00ff, 32, true },
  { "0XdeadBEEF", 0xdeadbeef, 64, true },
  { "0xfb", 0xfb, 32, true },
  { "0xfB", 0xfb, 32, true },           /* B is a digit here.  */
  { "0o0", 0, 32, true },
  { "0o100", 64, 32, true },
  { "0O777", 511, 32, true },
  { "0o17", 15, 32, true },
  { "0o1_", 1, 32, true },
  { "0b0", 0, 32, true },
  { "0B010", 2, 32, true },
  { "0b101", 5, 32, true },
  /* The _ separator.  */
  { "1_000", 1000, 32, true },
  { "1__0", 10, 32, true },
  { "1_", 1, 32, true },
  { "0xf_f", 255, 32, true },
  { "0x1_", 1, 32, true },
  { "0b1_1", 3, 32, true },
  { "0b1_", 1, 32, true },
  { "0xf000_0000_0000_0000U", 0xf000000000000000ull, 64, false },
  { "0x1_0000_0000", 0x100000000ull, 64, true },
  /* Default typing: int<32> up to 2^31 inclusive (2^31 wraps, as GNU
     poke 2.4's pickles need), int<64> above.  */
  { "2147483647", 2147483647, 32, true },
  { "2147483648", (uint64_t) INT64_C (-2147483648), 32, true },
  { "0x8000_0000", (uint64_t) INT64_C (-2147483648), 32, true },
  { "0b10000000000000000000000000000000",
    (uint64_t) INT64_C (-2147483648), 32, true },
  { "2147483649", 2147483649u, 64, true },
  { "0x80000001", 0x80000001u, 64, true },
  { "3000000000", 3000000000u, 64, true },
  { "0xffffffff", 0xffffffffu, 64, true },
  { "4294967295", 4294967295u, 64, true },
  { "4294967296", 4294967296u, 64, true },
  { "0x7fffffffffffffff", 0x7fffffffffffffffull, 64, true },
  { "9223372036854775807", 0x7fffffffffffffffull, 64, true },
  { "0o777777777777777777777", 0x7fffffffffffffffull, 64, true },
  /* U: uint<32> if it fits, else uint<64>.  */
  { "1u", 1, 32, false },
  { "1U", 1, 32, false },
  { "0xffffffffU", 0xffffffffu, 32, false },
  { "4294967295U", 0xffffffffu, 32, false },
  { "0x100000000U", 0x100000000ull, 64, false },
  { "0x8000000000000000U", 0x8000000000000000ull, 64, false },
  { "0xffffffffffffffffU", UINT64_MAX, 64, false },
  { "18446744073709551615U", UINT64_MAX, 64, false },
  { "0o1777777777777777777777U", UINT64_MAX, 64, false },
  { "0x1fu", 31, 32, false },
  /* Widths.  */
  { "1B", 1, 8, true },
  { "1H", 1, 16, true },
  { "1h", 1, 16, true },
  { "1N", 1, 4, true },
  { "1n", 1, 4, true },
  { "1L", 1, 64, true },
  { "1l", 1, 64, true },
  { "10L", 10, 64, true },
  { "2147483648L", 2147483648u, 64, true },
  { "0x80000000L", 0x80000000u, 64, true },
  { "0x7fffffffffffffffL", 0x7fffffffffffffffull, 64, true },
  { "0b101B", 5, 8, true },
  { "0B1B", 1, 8, true },
  { "0xfH", 15, 16, true },
  { "0xfL", 15, 64, true },
  { "00B", 0, 8, true },
  /* Width and U in either order; b is a width too (GNU poke 4.3).  */
  { "1b", 1, 8, true },
  { "1bu", 1, 8, false },
  { "1bU", 1, 8, false },
  { "1ub", 1, 8, false },
  { "0ub", 0, 8, false },
  { "1UB", 1, 8, false },
  { "1BU", 1, 8, false },
  { "1Bu", 1, 8, false },
  { "1uB", 1, 8, false },
  { "0uB", 0, 8, false },
  { "1UH", 1, 16, false },
  { "1HU", 1, 16, false },
  { "1hu", 1, 16, false },
  { "1uh", 1, 16, false },
  { "1UN", 1, 4, false },
  { "1NU", 1, 4, false },
  { "1nu", 1, 4, false },
  { "1un", 1, 4, false },
  { "1Nu", 1, 4, false },
  { "1UL", 1, 64, false },
  { "1LU", 1, 64, false },
  { "1lu", 1, 64, false },
  { "1uL", 1, 64, false },
  { "1Lu", 1, 64, false },
  { "1lU", 1, 64, false },
  { "1_UB", 1, 8, false },
  { "0xfUB", 15, 8, false },
  { "0xfBU", 0xfb, 32, false },        /* Digit B, then U.  */
  /* T: a bit, unsigned, the value cut to it.  */
  { "1t", 1, 1, false },
  { "0T", 0, 1, false },
  { "2t", 0, 1, false },
  { "0x3t", 1, 1, false },
  { "0b1t", 1, 1, false },
  { "0xffffffffffffffffUL", UINT64_MAX, 64, false },
  /* An unsigned width truncates; a signed value must fit (see
     test_int_overflow).  */
  { "127B", 127, 8, true },
  { "256UB", 0, 8, false },
  { "255UB", 255, 8, false },
  { "0o177B", 127, 8, true },
  { "7N", 7, 4, true },
  { "0o7N", 7, 4, true },
  { "15UN", 15, 4, false },
  { "16UN", 0, 4, false },
  { "32767H", 32767, 16, true },
  { "65535UH", 65535, 16, false },
  { "0xffffffffffffffffUB", 255, 8, false },
  { "0xffffffffffffffffUH", 65535, 16, false },
  { "0xffffffffffffffffUN", 15, 4, false },
  /* "0B" is a byte; poke quirk: "0BU" is a binary prefix with no
     digits and a U.  */
  { "0B", 0, 8, true },
  { "0b", 0, 8, true },
  { "0_B", 0, 8, true },
  { "0__B", 0, 8, true },
  { "0BU", 0, 32, false },
  { "0Bu", 0, 32, false },
  { "0bU", 0, 32, false },
  { "0_BU", 0, 32, false },
};

static void
test_int_literals (void **state)
{
  (void) state;
  for (size_t i = 0; i < sizeof int_cases / sizeof int_cases[0]; i++)
    {
      const int_case *c = &int_cases[i];
      lexed r;
      lex_all (&r, c->src);
      if (r.n != 1 || r.t[0].kind != T_INT || r.t[0].ival != c->val
          || r.t[0].isize != c->size || r.t[0].isigned != c->sign
          || r.t[0].len != (int) strlen (c->src))
        {
          print_error ("`%s': got %d tokens, kind %s, ival %llx, isize %d, "
                       "isigned %d, len %d\n", c->src, r.n,
                       tok_spelling (r.t[0].kind),
                       (unsigned long long) r.t[0].ival, r.t[0].isize,
                       r.t[0].isigned, r.t[0].len);
          fail ();
        }
      lexed_free (&r);
    }
}

static void
test_int_too_big (void **state)
{
  (void) state;
  static const char *const cases[] = {
    "18446744073709551616", "99999999999999999999999",
    "0x10000000000000000U", "0x10000000000000000UL",
    "0x10000000000000000B",
    "0b11111111111111111111111111111111111111111111111111111111111111111U",
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      lexed r;
      char src[128];
      /* After something, to check the location.  */
      snprintf (src, sizeof src, "x+%s;", cases[i]);
      lex_all (&r, src);
      assert_int_equal (r.n, 4);
      assert_int_equal (r.t[2].kind, T_ERROR);
      assert_string_equal (r.t[2].errmsg, "integer literal is too big");
      assert_int_equal (r.t[2].loc.col, 3);
      assert_int_equal (r.t[2].loc.pos, 2);
      assert_int_equal (r.t[2].len, (int) strlen (cases[i]));
      assert_int_equal (r.t[3].kind, T_SEMI);
      assert_false (r.incomplete);
      lexed_free (&r);
    }
}

/* A signed literal above its type's maximum: GNU poke 4.3's message
   and the literal to write instead.  */
static void
test_int_overflow (void **state)
{
  (void) state;
  static const struct
  {
    const char *src, *msg;
  } cases[] = {
    { "9223372036854775808",
      "signed overflow\ntry: 9223372036854775808UL as int<64>" },
    { "0xffffffffffffffffL",
      "signed overflow\ntry: 18446744073709551615UL as int<64>" },
    { "128B", "signed overflow\ntry: 128UB as int<8>" },
    { "300b", "signed overflow\ntry: 300UB as int<8>" },
    { "0o777B", "signed overflow\ntry: 511UB as int<8>" },
    { "8N", "signed overflow\ntry: 8UN as int<4>" },
    { "0xfN", "signed overflow\ntry: 15UN as int<4>" },
    { "32768H", "signed overflow\ntry: 32768UH as int<16>" },
    { "0x7fffffffffffffffH",
      "signed overflow\ntry: 9223372036854775807UH as int<16>" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      lexed r;
      char src[128];
      snprintf (src, sizeof src, "x+%s;", cases[i].src);
      lex_all (&r, src);
      assert_int_equal (r.n, 4);
      assert_int_equal (r.t[2].kind, T_ERROR);
      assert_string_equal (r.t[2].errmsg, cases[i].msg);
      assert_int_equal (r.t[2].loc.col, 3);
      assert_int_equal (r.t[2].len, (int) strlen (cases[i].src));
      assert_int_equal (r.t[3].kind, T_SEMI);
      lexed_free (&r);
    }
}

/* Where a literal ends, GNU poke's longest match goes on with another
   token: these are syntax errors for the parser, not the lexer.  */
static void
test_int_boundaries (void **state)
{
  (void) state;
  expect_kinds ("1a", T_INT, T_IDENT, T_EOF);
  expect_kinds ("1e5", T_INT, T_IDENT, T_EOF);
  expect_kinds ("1UU", T_INT, T_IDENT, T_EOF);
  expect_kinds ("1tU", T_INT, T_IDENT, T_EOF);
  expect_kinds ("0ut", T_INT, T_IDENT, T_EOF);
  expect_kinds ("1tL", T_INT, T_IDENT, T_EOF);
  expect_kinds ("0o", T_INT, T_IDENT, T_EOF);
  expect_kinds ("0O", T_INT, T_IDENT, T_EOF);
  expect_kinds ("0o_7", T_INT, T_IDENT, T_EOF);
  expect_kinds ("0bB", T_INT, T_IDENT, T_EOF);
  expect_kinds ("0BUL", T_INT, T_IDENT, T_EOF);
  expect_kinds ("1LL", T_INT, T_IDENT, T_EOF);
  expect_kinds ("1BH", T_INT, T_IDENT, T_EOF);
  expect_kinds ("1BB", T_INT, T_IDENT, T_EOF);
  expect_kinds ("1Hb", T_INT, T_IDENT, T_EOF);
  expect_kinds ("1UBU", T_INT, T_IDENT, T_EOF);
  expect_kinds ("1UBL", T_INT, T_IDENT, T_EOF);
  expect_kinds ("1U_", T_INT, T_IDENT, T_EOF);
  expect_kinds ("1_U_B", T_INT, T_IDENT, T_EOF);
  expect_kinds ("0BL", T_INT, T_IDENT, T_EOF);
  expect_kinds ("0x", T_INT, T_IDENT, T_EOF);
  expect_kinds ("0X", T_INT, T_IDENT, T_EOF);
  expect_kinds ("0xU", T_INT, T_IDENT, T_EOF);
  expect_kinds ("0x_", T_INT, T_IDENT, T_EOF);
  expect_kinds ("0x_1", T_INT, T_IDENT, T_EOF);
  expect_kinds ("0b_", T_INT, T_IDENT, T_EOF);
  expect_kinds ("0b_1", T_INT, T_IDENT, T_EOF);
  expect_kinds ("0_x1", T_INT, T_IDENT, T_EOF);
  expect_kinds ("00x1", T_INT, T_IDENT, T_EOF);
  expect_kinds ("0xfg", T_INT, T_IDENT, T_EOF);
  expect_kinds ("0b1012", T_INT, T_INT, T_EOF);
  expect_kinds ("0B2", T_INT, T_INT, T_EOF);
  expect_kinds ("0o18", T_INT, T_INT, T_EOF);
  expect_kinds ("0o8", T_INT, T_IDENT, T_EOF);
  expect_kinds ("_1", T_IDENT, T_EOF);

  /* Check the split points.  */
  lexed r;
  lex_all (&r, "0b1012 1Hb 0x_1");
  assert_int_equal (r.n, 6);
  assert_int_equal (r.t[0].len, 5);
  assert_int_equal (r.t[0].ival, 5);
  assert_int_equal (r.t[1].ival, 2);
  assert_int_equal (r.t[1].loc.col, 6);
  assert_int_equal (r.t[2].len, 2);
  assert_string_equal (r.t[3].sval, "b");
  assert_int_equal (r.t[3].loc.col, 10);
  assert_int_equal (r.t[4].ival, 0);
  assert_string_equal (r.t[5].sval, "x_1");
  lexed_free (&r);
}

/* Offsets are INT HASH unit; the unit must follow the `#' at once.  */
static void
test_hash (void **state)
{
  (void) state;
  expect_kinds ("8#B", T_INT, T_HASH, T_IDENT, T_EOF);
  expect_kinds ("1 #B", T_INT, T_HASH, T_IDENT, T_EOF);
  expect_kinds ("1#8", T_INT, T_HASH, T_INT, T_EOF);
  expect_kinds ("1#_u", T_INT, T_HASH, T_IDENT, T_EOF);
  expect_kinds ("(x)#Kib", T_LPAREN, T_IDENT, T_RPAREN, T_HASH, T_IDENT,
                T_EOF);
  expect_kinds ("1# B", T_INT, T_ERROR, T_IDENT, T_EOF);
  expect_kinds ("1#(8)", T_INT, T_ERROR, T_LPAREN, T_INT, T_RPAREN, T_EOF);
  expect_kinds ("1#", T_INT, T_ERROR, T_EOF);

  lexed r;
  lex_all (&r, "1 # B");
  assert_int_equal (r.t[1].kind, T_ERROR);
  assert_int_equal (r.t[1].loc.col, 3);
  assert_int_equal (r.t[1].len, 1);
  assert_string_equal (r.t[1].errmsg, "syntax error: unexpected token");
  lexed_free (&r);
}

typedef struct char_case
{
  const char *src;
  unsigned val;
} char_case;

static const char_case char_cases[] = {
  { "'a'", 'a' },
  { "'o'", 'o' },
  { "' '", ' ' },
  { "'\t'", '\t' },                     /* A raw tab.  */
  { "'\"'", '"' },
  { "'''", '\'' },
  { "'_'", '_' },
  { "'\\n'", '\n' },
  { "'\\t'", '\t' },
  { "'\\r'", '\r' },
  { "'\\\\'", '\\' },
  { "'\\0'", 0 },
  { "'\\'", 0 },                        /* Zero octal digits.  */
  { "'\\7'", 7 },
  { "'\\12'", 10 },
  { "'\\101'", 65 },
  { "'\\377'", 255 },
  { "'\\400'", 0 },                     /* Modulo 256.  */
  { "'\\777'", 255 },
  { "'\xff'", 255 },
};

static void
test_char_literals (void **state)
{
  (void) state;
  for (size_t i = 0; i < sizeof char_cases / sizeof char_cases[0]; i++)
    {
      lexed r;
      lex_all (&r, char_cases[i].src);
      assert_int_equal (r.n, 1);
      assert_int_equal (r.t[0].kind, T_CHAR);
      assert_int_equal (r.t[0].ival, char_cases[i].val);
      assert_int_equal (r.t[0].isize, 8);
      assert_false (r.t[0].isigned);
      assert_int_equal (r.t[0].len, (int) strlen (char_cases[i].src));
      lexed_free (&r);
    }
}

/* Invalid character literals: the apostrophe alone is an invalid token
   (or an attribute when a name follows).  */
static void
test_char_errors (void **state)
{
  (void) state;
  static const char *const bad[] = {
    "'\\x41'", "'\\x4'", "'\\\"'", "'\\a'", "'\\b'", "'\\f'", "'\\v'",
    "'\\e'", "'\\?'", "'\\q'", "''", "'\\8'", "'\\9'", "'\\18'",
    "'\\1011'", "'\xc3\xa9'", "'\n'", "'\\\n'", "'", "'\\", "'\\n",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      lexed r;
      lex_all (&r, bad[i]);
      assert_true (r.n >= 1);
      assert_int_equal (r.t[0].kind, T_ERROR);
      assert_int_equal (r.t[0].len, 1);
      assert_int_equal (r.t[0].loc.col, 1);
      assert_string_equal (r.t[0].errmsg, "syntax error: unexpected token");
      /* In '\"' the lexer resumes at a string that never ends.  */
      assert_int_equal (r.incomplete, strchr (bad[i], '"') != NULL);
      lexed_free (&r);
    }
  /* '\'' is the character '\' (0) and then a stray apostrophe.  */
  lexed r;
  lex_all (&r, "'\\'';");
  assert_int_equal (r.n, 3);
  assert_int_equal (r.t[0].kind, T_CHAR);
  assert_int_equal (r.t[0].ival, 0);
  assert_int_equal (r.t[0].len, 3);
  assert_int_equal (r.t[1].kind, T_ERROR);
  assert_int_equal (r.t[1].loc.col, 4);
  assert_int_equal (r.t[2].kind, T_SEMI);
  lexed_free (&r);
}

static void
test_attributes (void **state)
{
  (void) state;
  lexed r;
  lex_all (&r, "x'size (1)'length a[0]'offset");
  assert_int_equal (r.n, 11);
  assert_int_equal (r.t[1].kind, T_ATTR);
  assert_string_equal (r.t[1].sval, "size");
  assert_int_equal (r.t[1].slen, 4);
  assert_int_equal (r.t[1].len, 5);
  assert_int_equal (r.t[1].loc.col, 2);
  assert_int_equal (r.t[5].kind, T_ATTR);
  assert_string_equal (r.t[5].sval, "length");
  assert_int_equal (r.t[10].kind, T_ATTR);
  assert_string_equal (r.t[10].sval, "offset");
  lexed_free (&r);

  /* Decided by spelling, as GNU poke does.  */
  expect_kinds ("x 'size", T_IDENT, T_ATTR, T_EOF);
  expect_kinds ("1 'size", T_INT, T_ATTR, T_EOF);
  expect_kinds ("'ab", T_ATTR, T_EOF);
  expect_kinds ("'a", T_ATTR, T_EOF);
  expect_kinds ("'ab'", T_ATTR, T_ERROR, T_EOF);
  expect_kinds ("x'a'", T_IDENT, T_CHAR, T_EOF);
  expect_kinds ("x'size'", T_IDENT, T_ATTR, T_ERROR, T_EOF);
  expect_kinds ("x'_9z", T_IDENT, T_ATTR, T_EOF);
  expect_kinds ("x'9", T_IDENT, T_ERROR, T_INT, T_EOF);
  expect_kinds ("x' size", T_IDENT, T_ERROR, T_IDENT, T_EOF);
  expect_kinds ("x'if", T_IDENT, T_ATTR, T_EOF);
}

typedef struct str_case
{
  const char *src;
  const char *val;
  size_t len;
} str_case;

static const str_case str_cases[] = {
  { "\"\"", "", 0 },
  { "\"abc\"", "abc", 3 },
  { "\"a\\nb\"", "a\nb", 3 },
  { "\"\\t\"", "\t", 1 },
  { "\"\\\\\"", "\\", 1 },
  { "\"\\\"\"", "\"", 1 },
  { "\"'\"", "'", 1 },
  { "\"\\x41\"", "A", 1 },
  { "\"\\x4\"", "\x04", 1 },
  { "\"\\x411\"", "A1", 2 },
  { "\"\\x4g\"", "\x04g", 2 },
  { "\"\\xff\\xFF\"", "\xff\xff", 2 },
  { "\"\\101\"", "A", 1 },
  { "\"\\1011\"", "A1", 2 },
  { "\"\\7\"", "\a", 1 },
  { "\"\\0101\"", "\b1", 2 },
  { "\"\\377\"", "\xff", 1 },
  { "\"a\nb\"", "a\nb", 3 },            /* Raw newline.  */
  { "\"a\\\nb\"", "ab", 2 },            /* Line continuation.  */
  { "\"\\\n\"", "", 0 },
  { "\"\xc3\xa9\"", "\xc3\xa9", 2 },
  { "\"a/*b*/c//d\"", "a/*b*/c//d", 10 },
  { "\"#!x!#\"", "#!x!#", 5 },
};

static void
test_string_literals (void **state)
{
  (void) state;
  for (size_t i = 0; i < sizeof str_cases / sizeof str_cases[0]; i++)
    {
      lexed r;
      lex_all (&r, str_cases[i].src);
      assert_int_equal (r.n, 1);
      assert_int_equal (r.t[0].kind, T_STR);
      assert_int_equal (r.t[0].slen, str_cases[i].len);
      assert_memory_equal (r.t[0].sval, str_cases[i].val,
                           str_cases[i].len + 1);
      assert_int_equal (r.t[0].len, (int) strlen (str_cases[i].src));
      lexed_free (&r);
    }
  /* Adjacent strings are two tokens.  */
  expect_kinds ("\"a\" \"b\"", T_STR, T_STR, T_EOF);
}

typedef struct str_err
{
  const char *src;
  const char *msg;
} str_err;

static const str_err str_errs[] = {
  { "\"\\r\"", "invalid \\r sequence in string" },
  { "\"\\'\"", "invalid \\' sequence in string" },
  { "\"\\a\"", "invalid \\a sequence in string" },
  { "\"\\b\"", "invalid \\b sequence in string" },
  { "\"\\e\"", "invalid \\e sequence in string" },
  { "\"\\f\"", "invalid \\f sequence in string" },
  { "\"\\v\"", "invalid \\v sequence in string" },
  { "\"\\?\"", "invalid \\? sequence in string" },
  { "\"\\q\"", "invalid \\q sequence in string" },
  { "\"\\8\"", "invalid \\8 sequence in string" },
  { "\"\\\xc3\xa9\"", "invalid \\\xc3 sequence in string" },
  { "\"\\0\"", "string literal cannot contain NULL character" },
  { "\"\\x00\"", "string literal cannot contain NULL character" },
  { "\"\\x0\"", "string literal cannot contain NULL character" },
  { "\"\\08\"", "string literal cannot contain NULL character" },
  { "\"\\000\"", "string literal cannot contain NULL character" },
  { "\"\\x\"", "\\x used with no following hex digits" },
  { "\"\\xg\"", "\\x used with no following hex digits" },
  { "\"\\400\"", "octal escape sequence out of range" },
  { "\"\\777\"", "octal escape sequence out of range" },
  /* Two rounds: bad escapes and \x first, then range and NUL, each in
     source order.  */
  { "\"\\q\\a\"", "invalid \\q sequence in string" },
  { "\"\\400\\q\"", "invalid \\q sequence in string" },
  { "\"\\q\\400\"", "invalid \\q sequence in string" },
  { "\"\\0\\q\"", "invalid \\q sequence in string" },
  { "\"\\x\\q\"", "\\x used with no following hex digits" },
  { "\"\\q\\x\"", "invalid \\q sequence in string" },
  { "\"\\400\\x\"", "\\x used with no following hex digits" },
  { "\"\\0\\x\"", "\\x used with no following hex digits" },
  { "\"\\400\\0\"", "octal escape sequence out of range" },
  { "\"\\0\\400\"", "string literal cannot contain NULL character" },
  { "\"\\q\\r\"", "invalid \\q sequence in string" },
  { "\"\\r\\q\"", "invalid \\r sequence in string" },
};

static void
test_string_errors (void **state)
{
  (void) state;
  for (size_t i = 0; i < sizeof str_errs / sizeof str_errs[0]; i++)
    {
      lexed r;
      char src[64];
      snprintf (src, sizeof src, "1 +\n  %s;", str_errs[i].src);
      lex_all (&r, src);
      assert_int_equal (r.n, 4);
      assert_int_equal (r.t[2].kind, T_ERROR);
      assert_string_equal (r.t[2].errmsg, str_errs[i].msg);
      /* The error covers the whole literal.  */
      assert_int_equal (r.t[2].loc.line, 2);
      assert_int_equal (r.t[2].loc.col, 3);
      assert_int_equal (r.t[2].len, (int) strlen (str_errs[i].src));
      assert_int_equal (r.t[3].kind, T_SEMI);
      assert_false (r.incomplete);
      lexed_free (&r);
    }

  /* A raw NUL byte in a string.  */
  lexed r;
  lex_all_n (&r, "\"a\0b\"", 5);
  assert_int_equal (r.n, 1);
  assert_int_equal (r.t[0].kind, T_ERROR);
  assert_string_equal (r.t[0].errmsg,
                       "string literal cannot contain NULL character");
  lexed_free (&r);
}

static void
test_string_unterminated (void **state)
{
  (void) state;
  static const char *const cases[] = {
    "\"abc", "\"", "\"\\", "\"\\\"", "x = \"a\nb", "\"abc\\\"",
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      lexed r;
      lex_all (&r, cases[i]);
      int j = 0;
      while (r.t[j].kind != T_ERROR)
        j++;
      assert_string_equal (r.t[j].errmsg, "syntax error: unexpected token");
      assert_int_equal (r.t[j].len, 1);
      assert_true (r.incomplete);
      lexed_free (&r);
    }
  /* Valid as soon as it is closed.  */
  lexed r;
  lex_all (&r, "\"abc\n\"");
  assert_int_equal (r.t[0].kind, T_STR);
  assert_false (r.incomplete);
  lexed_free (&r);
}

static void
test_comments (void **state)
{
  (void) state;
  expect_kinds ("1 /* x */ + 2", T_INT, T_PLUS, T_INT, T_EOF);
  expect_kinds ("1/**/2", T_INT, T_INT, T_EOF);
  expect_kinds ("1 /*/ 2 */ +3", T_INT, T_PLUS, T_INT, T_EOF);
  expect_kinds ("1 /***/ 2", T_INT, T_INT, T_EOF);
  expect_kinds ("1 /* a /* b */ + 3", T_INT, T_PLUS, T_INT, T_EOF);
  expect_kinds ("1 /* a /* b */ */", T_INT, T_STAR, T_SLASH, T_EOF);
  expect_kinds ("/* \"x */ 1", T_INT, T_EOF);
  expect_kinds ("/* // */ 1", T_INT, T_EOF);
  expect_kinds ("1 // x */ 2\n3", T_INT, T_INT, T_EOF);
  expect_kinds ("// x\n1", T_INT, T_EOF);
  expect_kinds ("1 //", T_INT, T_EOF);
  expect_kinds ("1 // /* \n 2", T_INT, T_INT, T_EOF);
  expect_kinds ("1 / / 2", T_INT, T_SLASH, T_SLASH, T_INT, T_EOF);
  /* #! ... !# is a block comment, anywhere.  */
  expect_kinds ("#!/usr/bin/poke -L\n!#\nprint 1;", K_PRINT, T_INT, T_SEMI,
                T_EOF);
  expect_kinds ("1 #! x !# + 2", T_INT, T_PLUS, T_INT, T_EOF);
  expect_kinds ("1 #!!# + 2", T_INT, T_PLUS, T_INT, T_EOF);
  expect_kinds ("1 #!# + 2 !# +5", T_INT, T_PLUS, T_INT, T_EOF);
  expect_kinds ("1#!x!#+2", T_INT, T_PLUS, T_INT, T_EOF);
  expect_kinds ("1 #! #! !# + 2", T_INT, T_PLUS, T_INT, T_EOF);
  expect_kinds ("! # 1", T_BANG, T_ERROR, T_INT, T_EOF);
  expect_kinds ("!#", T_BANG, T_ERROR, T_EOF);

  static const char *const unterminated[] = {
    "1 /* x", "/*", "/*/", "1 /* a *", "#!/bin/sh\nprint 1;", "#!", "#!!",
    "#! x !", "\"a\" /* \"",
  };
  for (size_t i = 0; i < sizeof unterminated / sizeof unterminated[0]; i++)
    {
      lexed r;
      lex_all (&r, unterminated[i]);
      for (int j = 0; j < r.n; j++)
        assert_int_not_equal (r.t[j].kind, T_ERROR);
      assert_true (r.incomplete);
      lexed_free (&r);
    }

  lexed r;
  lex_all (&r, "1 // not incomplete /*");
  assert_false (r.incomplete);
  lexed_free (&r);
}

static void
test_white_space (void **state)
{
  (void) state;
  expect_kinds ("", T_EOF);
  expect_kinds (" \t\n\f ", T_EOF);
  expect_kinds ("1\f+\t2\n", T_INT, T_PLUS, T_INT, T_EOF);
  /* Not white space for GNU poke.  */
  expect_kinds ("1\r\n", T_INT, T_ERROR, T_EOF);
  expect_kinds ("1 \v 2", T_INT, T_ERROR, T_INT, T_EOF);
}

static void
test_invalid_chars (void **state)
{
  (void) state;
  static const char *const bad[] = { "`", "\\", "\xc3", "\x01", "\x7f",
                                     "$", "$$", "$<", "\r", "\v" };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      lexed r;
      lex_all (&r, bad[i]);
      assert_int_equal (r.t[0].kind, T_ERROR);
      assert_int_equal (r.t[0].len, 1);
      assert_string_equal (r.t[0].errmsg, "syntax error: unexpected token");
      lexed_free (&r);
    }
  /* Resumes after the bad byte: é is two of them.  */
  expect_kinds ("1 ` 2", T_INT, T_ERROR, T_INT, T_EOF);
  expect_kinds ("var \xc3\xa9=1", K_VAR, T_ERROR, T_ERROR, T_ASSIGN, T_INT,
                T_EOF);

  lexed r;
  lex_all_n (&r, "1 \0 2", 5);  /* A NUL byte in the buffer.  */
  assert_int_equal (r.n, 3);
  assert_int_equal (r.t[1].kind, T_ERROR);
  assert_int_equal (r.t[1].loc.col, 3);
  lexed_free (&r);

  /* $NAME, which GNU poke reserves for map files.  */
  lex_all (&r, "1 + $abc $_x $1 $a$b");
  assert_int_equal (r.n, 7);
  static const int lens[] = { 4, 3, 2, 2, 2 };
  for (int i = 0; i < 5; i++)
    {
      assert_int_equal (r.t[2 + i].kind, T_ERROR);
      assert_int_equal (r.t[2 + i].len, lens[i]);
      assert_string_equal (r.t[2 + i].errmsg, "invalid map entry");
    }
  assert_int_equal (r.t[2].loc.col, 5);
  lexed_free (&r);
  expect_kinds ("$ a", T_ERROR, T_IDENT, T_EOF);
}

static void
test_locations (void **state)
{
  (void) state;
  const char *src =
    "var x = 1;\n"                          /* line 1 */
    "\tx\t+= 0x10; /* a\n"                  /* line 2 */
    "  b */ y \"s\n"                        /* line 3 */
    "t\" z // c\n"                          /* line 4 */
    "\n"                                    /* line 5 */
    "#! q\n!#  w 'a' \"\\\n\" v\n"          /* lines 6-8 */
    "   end";                               /* line 9 */
  struct { tok_kind k; int line, col; int len; } want[] = {
    { K_VAR, 1, 1, 3 }, { T_IDENT, 1, 5, 1 }, { T_ASSIGN, 1, 7, 1 },
    { T_INT, 1, 9, 1 }, { T_SEMI, 1, 10, 1 },
    { T_IDENT, 2, 2, 1 }, { T_ADD_ASSIGN, 2, 4, 2 }, { T_INT, 2, 7, 4 },
    { T_SEMI, 2, 11, 1 },
    { T_IDENT, 3, 8, 1 }, { T_STR, 3, 10, 5 },
    { T_IDENT, 4, 4, 1 },
    { T_IDENT, 7, 5, 1 }, { T_CHAR, 7, 7, 3 }, { T_STR, 7, 11, 4 },
    { T_IDENT, 8, 3, 1 },
    { T_IDENT, 9, 4, 3 },
  };
  lexed r;
  lex_all (&r, src);
  assert_int_equal (r.n, (int) (sizeof want / sizeof want[0]));
  for (int i = 0; i < r.n; i++)
    {
      const token *t = &r.t[i];
      if (t->kind != want[i].k || t->loc.line != want[i].line
          || t->loc.col != want[i].col || t->len != want[i].len)
        {
          print_error ("token %d: %s %d:%d+%d, expected %s %d:%d+%d\n", i,
                       tok_spelling (t->kind), t->loc.line, t->loc.col,
                       t->len, tok_spelling (want[i].k), want[i].line,
                       want[i].col, want[i].len);
          fail ();
        }
      /* pos and len locate the token's text.  */
      assert_true (t->loc.pos >= 0 && (size_t) t->loc.pos < strlen (src));
      if (t->kind == T_IDENT)
        assert_memory_equal (src + t->loc.pos, t->sval, t->slen);
    }
  assert_string_equal (r.t[10].sval, "s\nt");
  assert_string_equal (r.t[14].sval, "");
  assert_int_equal (r.t[16].loc.pos, (int) strlen (src) - 3);
  assert_false (r.incomplete);

  /* EOF is located at the end.  */
  token eof;
  assert_int_equal (lex_next (r.lx, &eof), T_EOF);
  assert_int_equal (eof.loc.line, 9);
  assert_int_equal (eof.loc.col, 7);
  assert_int_equal (eof.loc.pos, (int) strlen (src));
  assert_int_equal (eof.len, 0);
  lexed_free (&r);

  /* Columns count bytes.  */
  lex_all (&r, "\"\xc3\xa9\" + foo");
  assert_int_equal (r.t[2].loc.col, 8);
  lexed_free (&r);
}

/* The buffer is LEN bytes, not a C string.  */
static void
test_buffer_bounds (void **state)
{
  (void) state;
  static const struct { const char *src; size_t len; tok_kind k; } cases[] = {
    { "12345", 3, T_INT }, { "0x1f", 2, T_INT }, { "abcdef", 2, T_IDENT },
    { "'a'", 2, T_ATTR }, { "\"ab\"", 3, T_ERROR }, { "<<.=", 3, T_LSHIFT },
    { ".>>=", 2, T_DOT }, { "1UB", 2, T_INT }, { "'\\n'", 3, T_ERROR },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      /* Copy into an exact-size heap block so ASan catches overreads.  */
      char *b = malloc (cases[i].len);
      memcpy (b, cases[i].src, cases[i].len);
      lexed r;
      lex_all_n (&r, b, cases[i].len);
      assert_int_equal (r.t[0].kind, cases[i].k);
      lexed_free (&r);
      free (b);
    }
  lexed r;
  lex_all_n (&r, "12345", 3);
  assert_int_equal (r.t[0].ival, 123);
  lexed_free (&r);

  /* Every prefix of a busy line, in an exact-size block.  */
  const char *line = "#!x!# var s = \"a\\x41\\101\" + 'b' /* c */ // d\n"
    "x'size .>>= 0x1fUB <<. 1_0#B :::...@! \"\\q\" $ab 0o7";
  size_t n = strlen (line);
  for (size_t len = 0; len <= n; len++)
    {
      char *b = malloc (len ? len : 1);
      memcpy (b, line, len);
      lex_all_n (&r, b, len);
      lexed_free (&r);
      free (b);
    }
}

static void
test_api (void **state)
{
  (void) state;
  const char *src = "a b";
  lexer *lx = lex_new (src, 3, "file.pk");
  size_t len = 0;
  assert_ptr_equal (lex_buffer (lx, &len), src);
  assert_int_equal (len, 3);
  assert_ptr_equal (lex_buffer (lx, NULL), src);
  assert_string_equal (lex_filename (lx), "file.pk");
  assert_false (lex_incomplete (lx));
  lex_free (lx);
  lex_free (NULL);

  assert_string_equal (tok_spelling (T_EOF), "end of file");
  assert_string_equal (tok_spelling (T_ERROR), "invalid token");
  assert_string_equal (tok_spelling (T_LSHIFT), "<<.");
  assert_string_equal (tok_spelling (T_SR_ASSIGN), ".>>=");
  assert_string_equal (tok_spelling (K_WHILE), "while");
  assert_string_equal (tok_spelling (K_ASM), "asm");
  assert_string_equal (tok_spelling (T_NUM_TOKENS), "?");

  /* Payloads stay valid until lex_free, across many tokens.  */
  enum { N = 20000 };
  char *big = malloc (N * 8);
  size_t o = 0;
  for (int i = 0; i < N; i++)
    o += (size_t) sprintf (big + o, "v%05d ", i);
  lx = lex_new (big, o, NULL);
  const char **names = malloc (N * sizeof *names);
  token t;
  int i = 0;
  while (lex_next (lx, &t) == T_IDENT)
    names[i++] = t.sval;
  assert_int_equal (i, N);
  assert_int_equal (t.kind, T_EOF);
  char want[8];
  for (i = 0; i < N; i += 997)
    {
      snprintf (want, sizeof want, "v%05d", i);
      assert_string_equal (names[i], want);
    }
  lex_free (lx);
  free (names);

  /* Names are interned: one copy per distinct name and lexer.  */
  lexed r;
  lex_all (&r, "abc x'abc abc abd");
  assert_ptr_equal (r.t[0].sval, r.t[2].sval);
  assert_ptr_equal (r.t[0].sval, r.t[3].sval);
  assert_ptr_not_equal (r.t[0].sval, r.t[4].sval);
  assert_string_equal (r.t[4].sval, "abd");
  lexed_free (&r);
  free (big);
}

/* Tokens of a realistic program, as a smoke test.  */
static void
test_program (void **state)
{
  (void) state;
  expect_kinds (
    "type Foo = struct { uint<8> magic : magic == 0x7fUB; "
    "int<32>[2] a; } ;",
    K_TYPE, T_IDENT, T_ASSIGN, K_STRUCT, T_LBRACE, K_UINT, T_LT, T_INT,
    T_GT, T_IDENT, T_COLON, T_IDENT, T_EQ, T_INT, T_SEMI, K_INT, T_LT,
    T_INT, T_GT, T_LBRACK, T_INT, T_RBRACK, T_IDENT, T_SEMI, T_RBRACE,
    T_SEMI, T_EOF);
  expect_kinds (
    "fun f = (int x, string s = \"d\") int: { return x'size/#B; }",
    K_FUN, T_IDENT, T_ASSIGN, T_LPAREN, K_INT, T_IDENT, T_COMMA, K_STRING,
    T_IDENT, T_ASSIGN, T_STR, T_RPAREN, K_INT, T_COLON, T_LBRACE, K_RETURN,
    T_IDENT, T_ATTR, T_SLASH, T_HASH, T_IDENT, T_SEMI, T_RBRACE, T_EOF);
  expect_kinds ("var offset = 0#B; offset += 2#Kib;", K_VAR, T_IDENT,
                T_ASSIGN, T_INT, T_HASH, T_IDENT, T_SEMI, T_IDENT,
                T_ADD_ASSIGN, T_INT, T_HASH, T_IDENT, T_SEMI, T_EOF);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_punct_spellings),
    cmocka_unit_test (test_keywords),
    cmocka_unit_test (test_enum),
    cmocka_unit_test (test_longest_match),
    cmocka_unit_test (test_int_literals),
    cmocka_unit_test (test_int_too_big),
    cmocka_unit_test (test_int_overflow),
    cmocka_unit_test (test_int_boundaries),
    cmocka_unit_test (test_hash),
    cmocka_unit_test (test_char_literals),
    cmocka_unit_test (test_char_errors),
    cmocka_unit_test (test_attributes),
    cmocka_unit_test (test_string_literals),
    cmocka_unit_test (test_string_errors),
    cmocka_unit_test (test_string_unterminated),
    cmocka_unit_test (test_comments),
    cmocka_unit_test (test_white_space),
    cmocka_unit_test (test_invalid_chars),
    cmocka_unit_test (test_locations),
    cmocka_unit_test (test_buffer_bounds),
    cmocka_unit_test (test_api),
    cmocka_unit_test (test_program),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
