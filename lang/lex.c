/* lex.c -- the lexer: characters to tokens (see lex.h).

   The rules were established against GNU poke 2.4, whose lexer behaves
   like a flex scanner: longest match, first rule on ties.  Where the
   manual and the program disagree the program wins, so some quirks are
   reproduced on purpose and marked "poke quirk" below.

   Identifiers are interned and strings decoded into an arena owned by the
   lexer, so that the parser gets NUL-terminated text, nothing is
   malloc'ed per character or per token, and a long script repeating the
   same names costs memory for its distinct names only.  */

#include "lex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include "util.h"

struct lexer
{
  const unsigned char *buf;
  size_t len;
  const char *filename;
  size_t pos;                   /* Next byte to scan.  */
  int line;                     /* Line of buf[pos], 1-based.  */
  size_t line_start;            /* Offset of the first byte of that line.  */
  bool incomplete;
  arena ar;                     /* Interned identifiers, decoded strings.  */
  struct lex_name *names;       /* Intern table, open addressing.  */
  size_t names_cap;             /* A power of two, or 0.  */
  size_t names_used;
  lex_entry_fn entry_var;       /* Resolves $MAP::ENTRY, or NULL.  */
  void *entry_ctx;
};

typedef struct lex_name
{
  const char *s;                /* NULL for a free slot.  */
  size_t len;
  unsigned hash;
} lex_name;

/* GNU poke's own wording, because the parser prints these verbatim as
   FILE:LINE:COL: error: MESSAGE.  */
#define MSG_BAD_TOKEN "syntax error: unexpected token"
#define MSG_TOO_BIG "integer literal is too big"
#define MSG_MAP_ENTRY "invalid map entry"
#define MSG_ENUM "syntax error: unexpected keyword `enum'"
#define MSG_NUL "string literal cannot contain NULL character"
#define MSG_OCTAL "octal escape sequence out of range"
#define MSG_NOHEX "\\x used with no following hex digits"

/* Token spellings.  */

static const char *const lex_spellings[] = {
#define TOK(name, spelling) spelling,
#define KW(name, spelling) spelling,
#include "tokens.def"
};

const char *
tok_spelling (tok_kind kind)
{
  if ((unsigned) kind >= T_NUM_TOKENS)
    return "?";
  return lex_spellings[kind];
}

/* Character classes, one table lookup each: lexing is mostly this.  */

enum
{
  CC_IDSTART = 1,               /* [A-Za-z_] */
  CC_DIGIT = 2,                 /* [0-9] */
  CC_XDIGIT = 4,                /* [0-9A-Fa-f] */
  CC_SPACE = 8                  /* blank, tab, form feed (not newline) */
};

static unsigned char lex_cclass[256];

/* Reserved words, hashed.  Identifiers are short, so hashing while
   scanning them and probing a small table beats comparing against each
   keyword.  */

#define KW_TABLE_SIZE 128       /* Power of two, >= 2 x keywords.  */
#define KW_MAX_LEN 16

typedef struct lex_kw
{
  const char *spelling;
  unsigned char len;
  unsigned char kind;           /* tok_kind; 0 (T_EOF) marks a free slot.  */
} lex_kw;

_Static_assert (T_NUM_TOKENS < 256, "lex_kw.kind is a byte");

static lex_kw lex_kw_table[KW_TABLE_SIZE];
static once_flag lex_init_once = ONCE_FLAG_INIT;

static unsigned
lex_hash_step (unsigned h, unsigned char c)
{
  return h * 31u + c;
}

static void
lex_kw_insert (const char *spelling, tok_kind kind)
{
  unsigned h = 0;
  size_t n = strlen (spelling);
  for (size_t i = 0; i < n; i++)
    h = lex_hash_step (h, (unsigned char) spelling[i]);
  for (unsigned i = h & (KW_TABLE_SIZE - 1);;
       i = (i + 1) & (KW_TABLE_SIZE - 1))
    if (lex_kw_table[i].kind == 0)
      {
        lex_kw_table[i].spelling = spelling;
        lex_kw_table[i].len = (unsigned char) n;
        lex_kw_table[i].kind = (unsigned char) kind;
        return;
      }
}

static void
lex_init_tables (void)
{
  for (int c = 0; c < 256; c++)
    {
      unsigned char k = 0;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
        k |= CC_IDSTART;
      if (c >= '0' && c <= '9')
        k |= CC_DIGIT | CC_XDIGIT;
      if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))
        k |= CC_XDIGIT;
      /* \r and \v are not white space for GNU poke: a CRLF script is a
         syntax error there, and so it is here.  */
      if (c == ' ' || c == '\t' || c == '\f')
        k |= CC_SPACE;
      lex_cclass[c] = k;
    }

#define KW(name, spelling) lex_kw_insert (spelling, name);
#include "tokens.def"

  /* Not reserved in GNU poke 2.4 (nor is `offset', which tokens.def
     leaves out), so these are identifiers and their K_ kinds are never
     produced.  `int' and `uint' do stay keywords: the parser reads a bare
     one as int<32>, which is what the 2.4 prelude's types of those names
     are.  `computed', `immutable' and `remap' are reserved, as in GNU
     poke 4.3, for computed fields, immutable declarations and the remap
     operator.  */
  static const char *const not_reserved[] = {
    "asm"
  };
  for (size_t j = 0; j < countof (not_reserved); j++)
    for (unsigned i = 0; i < KW_TABLE_SIZE; i++)
      if (lex_kw_table[i].kind
          && strcmp (lex_kw_table[i].spelling, not_reserved[j]) == 0)
        lex_kw_table[i].kind = T_IDENT;
  /* Reserved in 2.4 but used by no construct: every occurrence is a
     syntax error, which lex_next reports.  */
  lex_kw_insert ("enum", T_ERROR);
}

static tok_kind
lex_kw_lookup (const unsigned char *s, size_t n, unsigned h)
{
  if (n > KW_MAX_LEN)
    return T_IDENT;
  for (unsigned i = h & (KW_TABLE_SIZE - 1);;
       i = (i + 1) & (KW_TABLE_SIZE - 1))
    {
      const lex_kw *k = &lex_kw_table[i];
      if (k->kind == 0)
        return T_IDENT;
      if (k->len == n && memcmp (k->spelling, s, n) == 0)
        return (tok_kind) k->kind;
    }
}

/* Life cycle.  */

lexer *
lex_new (const char *buf, size_t len, const char *filename)
{
  call_once (&lex_init_once, lex_init_tables);
  lexer *lx = xcalloc (1, sizeof *lx);
  lx->buf = (const unsigned char *) buf;
  lx->len = len;
  lx->filename = filename;
  lx->line = 1;
  arena_init (&lx->ar);
  return lx;
}

void
lex_free (lexer *lx)
{
  if (!lx)
    return;
  arena_free (&lx->ar);
  free (lx->names);
  free (lx);
}

void
lex_set_entry_resolver (lexer *lx, lex_entry_fn fn, void *ctx)
{
  lx->entry_var = fn;
  lx->entry_ctx = ctx;
}

void
lex_seek (lexer *lx, loc_t at)
{
  lx->pos = (size_t) at.pos;
  lx->line = at.line;
  lx->line_start = (size_t) (at.pos - (at.col - 1));
  lx->incomplete = false;
}

bool
lex_incomplete (const lexer *lx)
{
  return lx->incomplete;
}

const char *
lex_buffer (const lexer *lx, size_t *len)
{
  if (len)
    *len = lx->len;
  return (const char *) lx->buf;
}

const char *
lex_filename (const lexer *lx)
{
  return lx->filename;
}

/* Scanning helpers.  */

/* The byte at OFF past the current position, or -1 past the end: the
   buffer need not be NUL-terminated and may contain NULs.  */
static int
lex_peek (const lexer *lx, size_t off)
{
  size_t i = lx->pos + off;
  return i < lx->len ? lx->buf[i] : -1;
}

static bool
lex_is (int c, unsigned char cls)
{
  return c >= 0 && (lex_cclass[c] & cls);
}

/* Move to END, keeping the line count right across the bytes skipped
   (block comments and strings may span lines).  */
static void
lex_advance_to (lexer *lx, size_t end)
{
  const unsigned char *p = lx->buf + lx->pos, *e = lx->buf + end;
  while ((p = memchr (p, '\n', (size_t) (e - p))) != NULL)
    {
      lx->line++;
      lx->line_start = (size_t) (++p - lx->buf);
    }
  lx->pos = end;
}

/* Skip blanks and newlines; return the byte after them, or -1 at the
   end.  A tight loop, one table look-up a byte: indentation is most of
   what is skipped.  */
static inline int
lex_skip_white (lexer *lx)
{
  const unsigned char *b = lx->buf;
  const size_t n = lx->len;
  size_t at = lx->pos;
  for (; at < n; at++)
    {
      if (lex_cclass[b[at]] & CC_SPACE)
        continue;
      if (b[at] != '\n')
        break;
      lx->line++;
      lx->line_start = at + 1;
    }
  lx->pos = at;
  return at < n ? b[at] : -1;
}

/* Skip the comment at LX's position, if there is one, and say whether
   there was.  Besides the C and C++ forms, GNU poke takes `#! ... !#'
   as a block comment anywhere (borrowed from Guile), which is what
   lets a script start with a shebang line; there is no special case
   for the first line.  An unterminated block comment swallows the rest
   of the input without error, as in GNU poke.  */
static bool
lex_skip_comment (lexer *lx)
{
  int c = lex_peek (lx, 0), next = lex_peek (lx, 1);
  if ((c == '/' && next == '*') || (c == '#' && next == '!'))
    {
      unsigned char c1 = c == '/' ? '*' : '!';
      unsigned char c2 = c == '/' ? '/' : '#';
      size_t i = lx->pos + 2, end = lx->len;
      bool closed = false;
      const unsigned char *q;
      while (i < lx->len
             && (q = memchr (lx->buf + i, c1, lx->len - i)) != NULL)
        {
          i = (size_t) (q - lx->buf) + 1;
          if (i < lx->len && lx->buf[i] == c2)
            {
              end = i + 1;
              closed = true;
              break;
            }
        }
      if (!closed)
        lx->incomplete = true;
      lex_advance_to (lx, end);
      return true;
    }
  if (c == '/' && next == '/')
    {
      const unsigned char *q = memchr (lx->buf + lx->pos, '\n',
                                       lx->len - lx->pos);
      lx->pos = q ? (size_t) (q - lx->buf) : lx->len;
      return true;
    }
  return false;
}

/* Comments and the white space after them.  */
static __attribute__ ((noinline)) void
lex_skip_comments (lexer *lx)
{
  while (lex_skip_comment (lx))
    lex_skip_white (lx);
}

/* Skip white space and comments.  Comments are rare between tokens:
   they are left to lex_skip_comments, called last, so that this, run
   before every token, saves no registers.  */
static void
lex_skip_blanks (lexer *lx)
{
  int c = lex_skip_white (lx);
  if (c == '/' || c == '#')
    lex_skip_comments (lx);
}

static tok_kind
lex_error (lexer *lx, token *tok, size_t len, const char *msg)
{
  tok->kind = T_ERROR;
  tok->len = (int) len;
  tok->errmsg = msg;
  lx->pos += len;
  return T_ERROR;
}

/* Integer literals, as GNU poke 4.3 reads them.

   Forms: [0-9][0-9_]*, 0[xX][0-9a-fA-F][0-9a-fA-F_]*, 0[bB][01][01_]*,
   0[oO][0-7][0-7_]* (a prefix needs a digit after it: "0x" is 0 then
   identifier x, "0o7" an octal 7), then an optional suffix: a width
   letter among l L h H b B n N and/or u U, in either order, or t T
   alone.  Scanning stops where the form does, so "1a" is 1 then
   identifier a.

   Typing:
   - t: uint<1>, the value truncated (2t is 0T);
   - no width: int<32> if the value fits, else int<64>; U alone: uint<32>
     if it fits, else uint<64>;
   - a width: unsigned values are truncated to it (256UB is 0UB);
   - a signed value above its type's maximum (128B, 8N, 0xffffffffL) is
     refused, "signed overflow", with the literal to write instead;
     but 2^31 without a suffix wraps to int<32> -2^31 as in GNU poke
     2.4, whose own pickles rely on it (elf-common.pk's SHT_LOUSER =
     0x8000_0000), where GNU poke 4.3 refuses it too;
   - anything over 2^64-1 is too big.
   Poke quirk: "0BU" (and 0bU, 0_BU...) is a binary prefix with no
   digits, 0U, where "0B" alone is a byte.  */

/* The suffix letter of a width, for the hint of a signed overflow.  */
static const char *
lex_width_suffix (int width)
{
  return width == 64 ? "L" : width == 16 ? "H" : width == 8 ? "B"
         : width == 4 ? "N" : "";
}

static int
lex_width_letter (int c)
{
  switch (c)
    {
    case 'l': case 'L': return 64;
    case 'h': case 'H': return 16;
    case 'b': case 'B': return 8;
    case 'n': case 'N': return 4;
    case 't': case 'T': return 1;
    default: return 0;
    }
}

/* The base of the literal at B[I], and the index of its first digit.  */
static unsigned
lex_number_base (const unsigned char *b, size_t n, size_t *i)
{
  if (b[*i] != '0' || *i + 2 >= n)
    return 10;
  unsigned char p = b[*i + 1];
  int d = *i + 2 < n ? b[*i + 2] : -1;
  if ((p == 'x' || p == 'X') && lex_is (d, CC_XDIGIT))
    return *i += 2, 16;
  if ((p == 'b' || p == 'B') && (d == '0' || d == '1'))
    return *i += 2, 2;
  if ((p == 'o' || p == 'O') && d >= '0' && d <= '7')
    return *i += 2, 8;
  return 10;
}

static tok_kind
lex_number (lexer *lx, token *tok)
{
  const size_t start = lx->pos;
  size_t i = start;
  const unsigned char *b = lx->buf;
  const size_t n = lx->len;
  unsigned base = lex_number_base (b, n, &i);

  uint64_t v = 0;
  bool overflow = false;
  for (; i < n; i++)
    {
      unsigned c = b[i], d;
      if (c == '_')
        continue;               /* Never first: see the prefix tests.  */
      if (c >= '0' && c <= '9')
        d = c - '0';
      else if (c >= 'a' && c <= 'f')
        d = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        d = c - 'A' + 10;
      else
        break;
      if (d >= base)
        break;
      if (__builtin_mul_overflow (v, (uint64_t) base, &v)
          || __builtin_add_overflow (v, (uint64_t) d, &v))
        overflow = true;
    }
  size_t digits_end = i;

  int width = 0;
  bool uns = false;
  int c = i < n ? b[i] : -1;
  if (c >= 0 && lex_width_letter (c))
    {
      width = lex_width_letter (c);
      i++;
      c = i < n ? b[i] : -1;
      if (width > 1 && (c == 'u' || c == 'U'))
        uns = true, i++;
    }
  else if (c == 'u' || c == 'U')
    {
      uns = true;
      i++;
      c = i < n ? b[i] : -1;
      if (c >= 0 && lex_width_letter (c) > 1)
        width = lex_width_letter (c), i++;
    }

  /* Poke quirk: 0BU is 0U (see above).  */
  if (base == 10 && v == 0 && width == 8 && uns
      && (b[digits_end] == 'b' || b[digits_end] == 'B'))
    {
      bool zeros = true;
      for (size_t k = start; k < digits_end; k++)
        zeros &= b[k] == '0' || b[k] == '_';
      if (zeros)
        width = 0;
    }

  size_t len = i - start;
  if (overflow)
    return lex_error (lx, tok, len, MSG_TOO_BIG);

  int size;
  bool sign = !uns && width != 1;
  if (width)
    size = width;
  else if (uns)
    size = v <= UINT32_MAX ? 32 : 64;
  else
    size = v <= (uint64_t) 1 << 31 ? 32 : 64;
  bool wraps = !width && !uns && v == (uint64_t) 1 << 31;
  if (sign && !wraps && (size == 64 ? v > INT64_MAX
                                    : v > ((uint64_t) 1 << (size - 1)) - 1))
    {
      char *m = arena_alloc (&lx->ar, 96);
      snprintf (m, 96, "signed overflow\ntry: %lluU%s as int<%d>",
                (unsigned long long) v, lex_width_suffix (size), size);
      return lex_error (lx, tok, len, m);
    }

  /* Normalize as arith.h wants: truncate, then sign-extend if signed.  */
  if (size < 64)
    v &= ((uint64_t) 1 << size) - 1;
  if (wraps)
    v |= ~(uint64_t) 0 << 31;
  tok->kind = T_INT;
  tok->len = (int) len;
  tok->ival = v;
  tok->isize = size;
  tok->isigned = sign;
  lx->pos = i;
  return T_INT;
}

/* The one copy of identifier S (N bytes, hash H) for this lexer.  */
static const char *
lex_intern (lexer *lx, const unsigned char *s, size_t n, unsigned h)
{
  if (2 * (lx->names_used + 1) > lx->names_cap)
    {
      size_t cap = lx->names_cap ? 2 * lx->names_cap : 64;
      lex_name *t = xcalloc (cap, sizeof *t);
      for (size_t i = 0; i < lx->names_cap; i++)
        if (lx->names[i].s)
          {
            size_t j = lx->names[i].hash & (cap - 1);
            while (t[j].s)
              j = (j + 1) & (cap - 1);
            t[j] = lx->names[i];
          }
      free (lx->names);
      lx->names = t;
      lx->names_cap = cap;
    }
  size_t j = h & (lx->names_cap - 1);
  for (; lx->names[j].s; j = (j + 1) & (lx->names_cap - 1))
    if (lx->names[j].hash == h && lx->names[j].len == n
        && memcmp (lx->names[j].s, s, n) == 0)
      return lx->names[j].s;
  lex_name *e = &lx->names[j];
  e->s = arena_strndup (&lx->ar, (const char *) s, n);
  e->len = n;
  e->hash = h;
  lx->names_used++;
  return e->s;
}

/* Character literal or attribute, at an apostrophe.

   GNU poke decides lexically, not by context: a valid character literal
   wins ('a' is a char even after an identifier), otherwise an apostrophe
   followed by an identifier is an attribute ('ab is one even at the start
   of an expression, and x 'size with a space is x'size).

   Character literals: any byte but backslash and newline, or an escape
   \n \t \r \\ or \ with zero to three octal digits, taken modulo 256
   ('\' alone is 0, '\400' is 0).  Anything else (\x41, \", \a, '') is an
   invalid token at the apostrophe.  */
/* If a character literal starts at S (an apostrophe) of B, N bytes
   long, return the offset of its closing apostrophe and its value in
   *V; else 0.  */
static size_t
lex_char_literal (const unsigned char *b, size_t n, size_t s, unsigned *v)
{
  size_t i = s + 1;
  *v = 0;
  if (i < n && b[i] == '\\')
    {
      i++;
      int c = i < n ? b[i] : -1;
      if (c == 'n' || c == 't' || c == 'r' || c == '\\')
        {
          *v = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : '\\';
          i++;
        }
      else
        for (int k = 0; k < 3 && i < n && b[i] >= '0' && b[i] <= '7'; k++)
          *v = *v * 8 + (unsigned) (b[i++] - '0');
    }
  else if (i < n && b[i] != '\n')
    *v = b[i++];
  else
    return 0;
  return i < n && b[i] == '\'' ? i : 0;
}

static tok_kind
lex_quote (lexer *lx, token *tok)
{
  const unsigned char *b = lx->buf;
  const size_t n = lx->len, s = lx->pos;
  unsigned v;
  size_t i = lex_char_literal (b, n, s, &v);
  bool ok = i != 0;

  if (ok)
    {
      tok->kind = T_CHAR;
      tok->len = (int) (i + 1 - s);
      tok->ival = v & 0xff;
      tok->isize = 8;
      tok->isigned = false;
      lx->pos = i + 1;
      return T_CHAR;
    }

  if (s + 1 < n && lex_is (b[s + 1], CC_IDSTART))
    {
      unsigned h = lex_hash_step (0, b[s + 1]);
      size_t e = s + 2;
      for (; e < n && lex_is (b[e], CC_IDSTART | CC_DIGIT); e++)
        h = lex_hash_step (h, b[e]);
      tok->kind = T_ATTR;
      tok->len = (int) (e - s);
      tok->slen = e - s - 1;
      tok->sval = lex_intern (lx, b + s + 1, tok->slen, h);
      lx->pos = e;
      return T_ATTR;
    }
  return lex_error (lx, tok, 1, MSG_BAD_TOKEN);
}

/* String literals.  Escapes: \n \t \\ \" \ooo (one to three octal
   digits, at most 255) \xhh (one or two hex digits) and backslash-newline
   (a line continuation, dropped).  Raw newlines are allowed.

   GNU poke checks escapes in two rounds, which decides which message a
   literal with several faults gets: first invalid escapes and \x without
   digits, then octal range and NUL characters.  The error covers the
   whole literal.  */
static tok_kind
lex_string (lexer *lx, token *tok)
{
  const unsigned char *b = lx->buf;
  const size_t n = lx->len, s = lx->pos;
  size_t i = s + 1;

  while (i < n && b[i] != '"')
    i += b[i] == '\\' ? 2 : 1;
  if (i >= n)
    {
      /* GNU poke reports the lone quote as an invalid token.  */
      lx->incomplete = true;
      return lex_error (lx, tok, 1, MSG_BAD_TOKEN);
    }
  const size_t end = i + 1;

  char *out = arena_alloc (&lx->ar, end - s - 1);
  size_t o = 0;
  const char *err1 = NULL, *err2 = NULL;
  for (i = s + 1; i < end - 1;)
    {
      unsigned char c = b[i++];
      if (c != '\\')
        {
          if (c == '\0' && !err2)
            err2 = MSG_NUL;
          out[o++] = (char) c;
          continue;
        }
      c = b[i++];
      unsigned v = 0;
      int k = 0;
      switch (c)
        {
        case 'n': out[o++] = '\n'; break;
        case 't': out[o++] = '\t'; break;
        case '\\': out[o++] = '\\'; break;
        case '"': out[o++] = '"'; break;
        case '\n': break;
        case 'x':
          for (; k < 2 && i < end - 1 && lex_is (b[i], CC_XDIGIT); k++, i++)
            v = v * 16 + (unsigned) (b[i] <= '9' ? b[i] - '0'
                                     : (b[i] | 0x20) - 'a' + 10);
          if (k == 0)
            {
              if (!err1)
                err1 = MSG_NOHEX;
            }
          else
            {
              if (v == 0 && !err2)
                err2 = MSG_NUL;
              out[o++] = (char) v;
            }
          break;
        default:
          if (c >= '0' && c <= '7')
            {
              v = c - '0';
              for (k = 1; k < 3 && i < end - 1 && b[i] >= '0' && b[i] <= '7';
                   k++)
                v = v * 8 + (unsigned) (b[i++] - '0');
              if (!err2 && v > 255)
                err2 = MSG_OCTAL;
              else if (!err2 && v == 0)
                err2 = MSG_NUL;
              out[o++] = (char) v;
            }
          else if (!err1)
            {
              static const char fmt[] = "invalid \\%c sequence in string";
              char *m = arena_alloc (&lx->ar, sizeof fmt);
              snprintf (m, sizeof fmt, fmt, c);
              err1 = m;
            }
          break;
        }
    }
  out[o] = '\0';

  const char *err = err1 ? err1 : err2;
  if (err)
    {
      tok->kind = T_ERROR;
      tok->errmsg = err;
    }
  else
    {
      tok->kind = T_STR;
      tok->sval = out;
      tok->slen = o;
    }
  tok->len = (int) (end - s);
  lex_advance_to (lx, end);
  return tok->kind;
}

/* Identifiers and reserved words.  */
static tok_kind
lex_ident (lexer *lx, token *tok)
{
  const unsigned char *b = lx->buf;
  const size_t n = lx->len, s = lx->pos;
  unsigned h = lex_hash_step (0, b[s]);
  size_t i = s + 1;
  for (; i < n && lex_is (b[i], CC_IDSTART | CC_DIGIT); i++)
    h = lex_hash_step (h, b[i]);
  size_t len = i - s;

  tok_kind k = lex_kw_lookup (b + s, len, h);
  if (k == T_ERROR)
    return lex_error (lx, tok, len, MSG_ENUM);
  tok->kind = k;
  tok->len = (int) len;
  tok->slen = len;
  tok->sval = k == T_IDENT ? lex_intern (lx, b + s, len, h) : tok_spelling (k);
  lx->pos = i;
  return k;
}

/* Punctuation: longest match among the spellings of tokens.def.  Note
   that GNU poke 2.4 has no << or >> (they are two tokens each); its
   shifts are <<. and .>>, so "1.>>2" is 1 .>> 2.  */
static tok_kind
lex_punct (lexer *lx, token *tok)
{
  int c = lex_peek (lx, 0), c1 = lex_peek (lx, 1), c2 = lex_peek (lx, 2);
  int c3 = lex_peek (lx, 3);
  tok_kind k;
  int len = 1;

#define IF2(ch, kind) if (c1 == (ch)) { k = (kind); len = 2; }
  switch (c)
    {
    case '(': k = T_LPAREN; break;
    case ')': k = T_RPAREN; break;
    case '[': k = T_LBRACK; break;
    case ']': k = T_RBRACK; break;
    case '{': k = T_LBRACE; break;
    case '}': k = T_RBRACE; break;
    case ';': k = T_SEMI; break;
    case ',': k = T_COMMA; break;
    case '?': k = T_QUESTION; break;
    case '~': k = T_TILDE; break;
    case '.':
      k = T_DOT;
      if (c1 == '.' && c2 == '.')
        k = T_ELLIPSIS, len = 3;
      else if (c1 == '>' && c2 == '>')
        {
          k = T_RSHIFT, len = 3;
          if (c3 == '=')
            k = T_SR_ASSIGN, len = 4;
        }
      break;
    case ':':
      k = T_COLON;
      if (c1 == ':' && c2 == ':')
        k = T_BCONC, len = 3;
      break;
    case '#':
      /* Only offsets use `#', and GNU poke wants the unit right after it:
         "1 #B" is fine, "1# B" is an invalid token at the `#'.  */
      if (!lex_is (c1, CC_IDSTART | CC_DIGIT))
        return lex_error (lx, tok, 1, MSG_BAD_TOKEN);
      k = T_HASH;
      break;
    case '@':
      k = T_AT;
      IF2 ('!', T_ATBANG);
      break;
    case '=':
      k = T_ASSIGN;
      IF2 ('=', T_EQ) else IF2 ('>', T_IMPLIES);
      break;
    case '!':
      k = T_BANG;
      IF2 ('=', T_NE);
      break;
    case '+':
      k = T_PLUS;
      IF2 ('+', T_INC) else IF2 ('=', T_ADD_ASSIGN);
      break;
    case '-':
      k = T_MINUS;
      IF2 ('-', T_DEC) else IF2 ('=', T_SUB_ASSIGN);
      break;
    case '*':
      k = T_STAR;
      if (c1 == '*')
        {
          k = T_POW, len = 2;
          if (c2 == '=')
            k = T_POW_ASSIGN, len = 3;
        }
      else
        IF2 ('=', T_MUL_ASSIGN);
      break;
    case '/':
      k = T_SLASH;
      IF2 ('^', T_CEILDIV) else IF2 ('=', T_DIV_ASSIGN);
      break;
    case '%':
      k = T_PERCENT;
      IF2 ('=', T_MOD_ASSIGN);
      break;
    case '&':
      k = T_AMP;
      IF2 ('&', T_ANDAND) else IF2 ('=', T_AND_ASSIGN);
      break;
    case '|':
      k = T_PIPE;
      IF2 ('|', T_OROR) else IF2 ('=', T_IOR_ASSIGN);
      break;
    case '^':
      k = T_CARET;
      IF2 ('=', T_XOR_ASSIGN);
      break;
    case '<':
      k = T_LT;
      if (c1 == '<' && c2 == '.')
        {
          k = T_LSHIFT, len = 3;
          if (c3 == '=')
            k = T_SL_ASSIGN, len = 4;
        }
      else
        IF2 ('=', T_LE);
      break;
    case '>':
      k = T_GT;
      IF2 ('=', T_GE);
      break;
    case '$':
      {
        /* $<PART>: the IO space whose handler has PART in it.  */
        if (lx->pos + 1 < lx->len && lx->buf[lx->pos + 1] == '<')
          {
            const unsigned char *b = (const unsigned char *) lx->buf;
            size_t e = lx->pos + 2;
            unsigned h = 0;
            while (e < lx->len && b[e] != '>' && b[e] != '\n')
              h = lex_hash_step (h, b[e++]);
            if (e >= lx->len || b[e] != '>')
              return lex_error (lx, tok, 1, MSG_BAD_TOKEN);
            tok->kind = T_IOSREF;
            tok->len = (int) (e + 1 - lx->pos);
            tok->slen = e - lx->pos - 2;
            tok->sval = lex_intern (lx, b + lx->pos + 2, tok->slen, h);
            lx->pos = e + 1;
            return T_IOSREF;
          }
        /* $MAP::ENTRY names the variable of an entry of a map loaded
           in the current IO space (lex_set_entry_resolver); anything
           else that starts $NAME is an invalid map entry.  */
        size_t e = lx->pos + 1;
        while (e < lx->len && lex_is (lx->buf[e], CC_IDSTART | CC_DIGIT))
          e++;
        if (e == lx->pos + 1)
          return lex_error (lx, tok, 1, MSG_BAD_TOKEN);
        size_t mend = e;
        if (e + 1 < lx->len && lx->buf[e] == ':' && lx->buf[e + 1] == ':')
          for (e += 2;
               e < lx->len && lex_is (lx->buf[e], CC_IDSTART | CC_DIGIT);)
            e++;
        const char *var = NULL;
        if (e > mend + 2 && lx->entry_var)
          {
            const char *b = (const char *) lx->buf;
            char *map = xstrndup (b + lx->pos + 1, mend - lx->pos - 1);
            char *entry = xstrndup (b + mend + 2, e - mend - 2);
            var = lx->entry_var (lx->entry_ctx, map, entry);
            free (map);
            free (entry);
          }
        if (!var)
          return lex_error (lx, tok, e - lx->pos, MSG_MAP_ENTRY);
        unsigned h = 0;
        for (const char *c = var; *c; c++)
          h = lex_hash_step (h, (unsigned char) *c);
        tok->kind = T_IDENT;
        tok->len = (int) (e - lx->pos);
        tok->slen = strlen (var);
        tok->sval = lex_intern (lx, (const unsigned char *) var, tok->slen, h);
        lx->pos = e;
        return T_IDENT;
      }
    default:
      /* Includes \r, \v, NUL and every non-ASCII byte.  */
      return lex_error (lx, tok, 1, MSG_BAD_TOKEN);
    }
#undef IF2

  tok->kind = k;
  tok->len = len;
  lx->pos += (size_t) len;
  return k;
}

tok_kind
lex_next (lexer *lx, token *tok)
{
  lex_skip_blanks (lx);

  tok->kind = T_EOF;
  tok->loc.line = lx->line;
  tok->loc.col = (int) (lx->pos - lx->line_start) + 1;
  tok->loc.pos = (int) lx->pos;
  tok->len = 0;
  tok->ival = 0;
  tok->isize = 0;
  tok->isigned = false;
  tok->sval = NULL;
  tok->slen = 0;
  tok->errmsg = NULL;

  if (lx->pos >= lx->len)
    return T_EOF;

  int c = lx->buf[lx->pos];
  if (lex_is (c, CC_DIGIT))
    return lex_number (lx, tok);
  if (lex_is (c, CC_IDSTART))
    return lex_ident (lx, tok);
  if (c == '\'')
    return lex_quote (lx, tok);
  if (c == '"')
    return lex_string (lx, tok);
  return lex_punct (lx, tok);
}

/* The bytes lex_skip stops at.  */
static const unsigned char lex_skip_stop[256] = {
  ['{'] = 1, ['}'] = 1, ['('] = 1, [')'] = 1, ['['] = 1, [']'] = 1,
  ['"'] = 1, ['\''] = 1, ['/'] = 1, ['#'] = 1, ['\n'] = 1, [':'] = 1,
  [';'] = 1
};

int
lex_skip (lexer *lx, loc_t at, bool to_colon)
{
  lex_seek (lx, at);
  const unsigned char *b = lx->buf;
  const size_t n = lx->len;
  int depth = 0;
  while (lx->pos < n)
    {
      size_t i = lx->pos;
      unsigned v;
      switch (b[i])
        {
        case '{': case '(': case '[':
          depth++;
          lx->pos++;
          break;
        case '}': case ')': case ']':
          if (--depth < 0)
            return -1;
          lx->pos++;
          if (depth == 0 && !to_colon)
            return (int) lx->pos;
          break;
        case ':':
          if (depth == 0 && to_colon)
            return (int) i;
          lx->pos++;
          break;
        case ';':
          if (depth == 0)
            return -1;
          lx->pos++;
          break;
        case '"':
          for (i++; i < n && b[i] != '"'; i += b[i] == '\\' ? 2 : 1)
            ;
          if (i >= n)
            return -1;
          lex_advance_to (lx, i + 1);
          break;
        case '\'':
          /* A character literal, or an attribute's apostrophe.  */
          i = lex_char_literal (b, n, i, &v);
          lx->pos = i ? i + 1 : lx->pos + 1;
          break;
        case '/':
        case '#':
        case '\n':
          /* Perhaps a comment; lex_skip_blanks knows, and counts lines.  */
          lex_skip_blanks (lx);
          if (lx->pos == i)
            lx->pos++;
          break;
        default:
          for (i++; i < n && !lex_skip_stop[b[i]]; i++)
            ;
          lx->pos = i;
          break;
        }
    }
  return -1;
}
