/* print.c -- printing values as GNU poke 4.3 does, and printf/format.

   GNU poke prints a value in two places: the REPL, for the value of an
   expression statement (print_value), and printf's %v (fmt_run).  Both
   write values the same way:

   - an integer of a width other than 4, 8, 16, 32 or 64 gets a
     "(int<N>) " or "(uint<N>) " cast prefix and no suffix, except
     uint<1>, which is written as its digit and "T" (1T, 0x0T); in bases
     2, 8 and 16 the digits are padded with zeros to the width
     (0x0000000a, 0o001UB, (uint<12>) 0x00c);
   - strings are written as literals: \n, \t, \" and \\, and every byte
     that is not printable ASCII as \xNN;
   - an array cut by oacutoff ends in ",...";
   - with omaps, offsets are in bytes when they are whole bytes
     (" @ 4UL#B"), else in bits (" @ 155UL#b").

   They differ in two ways: %v ignores omode and odepth (flat and
   unlimited unless the directive says %T or %N), and writes an argument
   of a function type as "#<closure>" where the REPL names the function
   ("#<closure:f>", as both do inside arrays and structs, and %v does
   for a function passed as `any').  Both stop at a pretty-printer that
   raises.

   Each kind of value has its own function below, dispatched from
   print_val, so struct printing (flat, tree, depth) stays in one
   place.

   With a style (print_opts.style), integers, offsets, strings, struct
   type and field names, closures and ellipses are written in their
   classes (style.h), and printf's %<class: ... %> opens and ends
   classes; without one, nothing but the text.  */

#include "print.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "style.h"
#include "type.h"

void
print_opts_default (print_opts *o)
{
  o->obase = 10;
  o->tree = false;
  o->odepth = 0;
  o->oindent = 2;
  o->oacutoff = 0;
  o->pretty = false;
  o->omaps = 0;
  o->pp_hook = NULL;
  o->pp_ctx = NULL;
  o->style = NULL;
}

/* The state of one printing walk.  */
typedef struct pctx
{
  strbuf *sb;
  int obase;
  int oindent;
  int oacutoff;
  int maxdepth;         /* Struct nesting shown in full; 0: unlimited.  */
  bool tree;
  bool omaps;           /* Each value followed by " @ OFFSET".  */
  bool pretty;          /* Structs with a _print method use it.  */
  int (*pp) (void *, strbuf *, val, int);
  void *pp_ctx;
  bool failed;          /* A _print method raised an exception.  */
  style *style;         /* NULL: plain text.  */
} pctx;

/* Open class K (and end it) when the output is styled.  */
static void
begin (pctx *c, style_class k)
{
  if (c->style)
    style_begin (c->style, c->sb, k);
}

static void
end (pctx *c)
{
  if (c->style)
    style_end (c->style, c->sb);
}

static void print_val (pctx *c, val v, int level);

/* Integers.  */

static uint64_t
int_mask (int size)
{
  return size >= 64 ? ~(uint64_t) 0 : ((uint64_t) 1 << size) - 1;
}

/* Don't trust the caller's normalization for the sign: a stray high bit
   would print as a huge number.  */
static int64_t
int_sext (uint64_t bits, int size)
{
  if (size >= 64)
    return (int64_t) bits;
  uint64_t m = (uint64_t) 1 << (size - 1);
  bits &= int_mask (size);
  return (int64_t) ((bits ^ m) - m);
}

static bool
int_std_width (int size)
{
  return size == 4 || size == 8 || size == 16 || size == 32 || size == 64;
}

/* Bits per digit for the power-of-two bases.  */
static int
base_bits (int base)
{
  return base == 2 ? 1 : base == 8 ? 3 : 4;
}

/* MAG in BASE (2, 8 or 16), at least MINDIGITS digits, no prefix.  */
static void
put_digits (strbuf *sb, uint64_t mag, int base, int mindigits)
{
  char buf[64];
  int n = 0;
  int bb = base_bits (base);
  do
    {
      buf[n++] = "0123456789abcdef"[mag & (uint64_t) (base - 1)];
      mag >>= bb;
    }
  while (mag);
  while (n < mindigits && n < (int) sizeof buf)
    buf[n++] = '0';
  while (n)
    sb_putc (sb, buf[--n]);
}

/* The digits of an integer of type (SIZE, SIGN) in BASE: decimal is
   signed or not, the other bases show the two's complement bits of the
   width.  PAD: pad non-decimal digits to the width.  */
static void
put_int_digits (strbuf *sb, uint64_t bits, int size, bool sign, int base,
                bool pad)
{
  if (base == 10)
    {
      /* By hand: printing large values spends its time here.  */
      char buf[24];
      int n = sizeof buf;
      uint64_t mag = bits & int_mask (size);
      bool neg = sign && int_sext (bits, size) < 0;
      if (neg)
        mag = (uint64_t) 0 - (uint64_t) int_sext (bits, size);
      do
        {
          buf[--n] = (char) ('0' + mag % 10);
          mag /= 10;
        }
      while (mag);
      if (neg)
        buf[--n] = '-';
      sb_putn (sb, buf + n, sizeof buf - (size_t) n);
      return;
    }
  int bb = base_bits (base);
  put_digits (sb, bits & int_mask (size), base, pad ? (size + bb - 1) / bb
                                                    : 1);
}

static const char *
int_suffix (int size)
{
  switch (size)
    {
    case 4: return "N";
    case 8: return "B";
    case 16: return "H";
    case 64: return "L";
    default: return "";
    }
}

/* The cast prefix of an integer of a non-standard width, built once
   per width and signedness: "(int<N>) " is on the hot path of printing
   arrays of bit-fields.  */
static const char *
int_cast_prefix (int size, bool sign)
{
  static char prefix[2][65][16];
  char *p = prefix[sign][size];
  if (!p[0])
    snprintf (p, sizeof prefix[0][0], "(%s<%d>) ", sign ? "int" : "uint",
              size);
  return p;
}

static void
put_int (pctx *c, uint64_t bits, int size, bool sign)
{
  bool std = int_std_width (size);
  bool bit = size == 1 && !sign;
  int base = c->obase;
  if (!std && !bit)
    sb_puts (c->sb, int_cast_prefix (size, sign));
  if (base == 16)
    sb_puts (c->sb, "0x");
  else if (base == 8)
    sb_puts (c->sb, "0o");
  else if (base == 2)
    sb_puts (c->sb, "0b");
  put_int_digits (c->sb, bits, size, sign, base, true);
  if (bit)
    sb_putc (c->sb, 'T');
  else if (std)
    {
      if (!sign)
        sb_putc (c->sb, 'U');
      sb_puts (c->sb, int_suffix (size));
    }
}

static void
print_int (pctx *c, uint64_t bits, int size, bool sign)
{
  begin (c, STYLE_INTEGER);
  put_int (c, bits, size, sign);
  end (c);
}

/* Offsets: the magnitude as an integer of the base type, then the unit
   by name when it is a predefined one (units declared with `unit` print
   as their number of bits, as GNU poke does).  */
static void
print_offset (pctx *c, val v)
{
  const type *base = v.t->u.o.base;
  begin (c, STYLE_OFFSET);
  put_int (c, v.v.u, base->u.i.size, base->u.i.sign);
  sb_putc (c->sb, '#');
  const char *name = type_unit_name (v.t->u.o.unit);
  if (name)
    sb_puts (c->sb, name);
  else
    sb_printf (c->sb, "%llu", (unsigned long long) v.t->u.o.unit);
  end (c);
}

/* A string as a literal: \n, \t, \" and \\ by their escapes, the other
   bytes outside printable ASCII as \xNN; runs of plain bytes are copied
   at once.  */
static void
print_string (pctx *c, val v)
{
  const pk_string *s = val_str (v);
  const unsigned char *d = (const unsigned char *) s->data;
  size_t run = 0;
  begin (c, STYLE_STRING);
  sb_putc (c->sb, '"');
  for (size_t i = 0; i < s->len; i++)
    {
      unsigned char ch = d[i];
      if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\')
        continue;
      sb_putn (c->sb, s->data + run, i - run);
      run = i + 1;
      switch (ch)
        {
        case '\n': sb_puts (c->sb, "\\n"); break;
        case '\t': sb_puts (c->sb, "\\t"); break;
        case '"': sb_puts (c->sb, "\\\""); break;
        case '\\': sb_puts (c->sb, "\\\\"); break;
        default:
          sb_puts (c->sb, "\\x");
          sb_putc (c->sb, "0123456789abcdef"[ch >> 4]);
          sb_putc (c->sb, "0123456789abcdef"[ch & 15]);
          break;
        }
    }
  sb_putn (c->sb, s->data + run, s->len - run);
  sb_putc (c->sb, '"');
  end (c);
}

/* With omaps, where a value is: " @ " and the offset as a uint<64>, in
   bytes when it is a whole number of them, else in bits.  */
static void
print_map_off (pctx *c, uint64_t off)
{
  sb_puts (c->sb, " @ ");
  bool bytes = off % 8 == 0;
  begin (c, STYLE_OFFSET);
  put_int (c, bytes ? off / 8 : off, 64, false);
  sb_puts (c->sb, bytes ? "#B" : "#b");
  end (c);
}

/* A closure by the name of its function, if it has one.  */
static void
print_closure (pctx *c, val v)
{
  const pk_closure *k = val_clo (v);
  begin (c, STYLE_SPECIAL);
  sb_puts (c->sb, "#<closure");
  if (k->fn && k->fn->kind == A_FUNC && k->fn->name)
    {
      sb_putc (c->sb, ':');
      sb_puts (c->sb, k->fn->name);
    }
  sb_putc (c->sb, '>');
  end (c);
}

static void
print_ellipsis (pctx *c)
{
  begin (c, STYLE_ELLIPSIS);
  sb_puts (c->sb, "...");
  end (c);
}

/* Printing stops at a pretty-printer that raises.  */
#define STOPPED(c) ((c)->failed)

/* Arrays print on one line in both modes; structs inside them still
   break lines in tree mode, at their own nesting level.  With omaps,
   each element is followed by its offset (from the start of the array,
   or in the IO space when mapped) and the array by its own.  */
static void
print_array (pctx *c, val v, int level)
{
  const pk_array *a = val_arr (v);
  size_t n = a->len;
  bool cut = c->oacutoff > 0 && n > (size_t) c->oacutoff;
  if (cut)
    n = (size_t) c->oacutoff;
  uint64_t base = a->map.mapped ? a->map.offset : 0, pos = base;
  sb_putc (c->sb, '[');
  for (size_t i = 0; i < n; i++)
    {
      if (i)
        sb_putc (c->sb, ',');
      print_val (c, a->elems[i], level);
      if (STOPPED (c))
        return;
      if (c->omaps)
        {
          print_map_off (c, pos);
          pos += val_size_bits (a->elems[i]);
        }
    }
  if (cut)
    {
      sb_putc (c->sb, ',');
      print_ellipsis (c);
    }
  sb_putc (c->sb, ']');
  if (c->omaps)
    print_map_off (c, base);
}

static void
indent (pctx *c, int level)
{
  for (int i = 0; i < level * c->oindent; i++)
    sb_putc (c->sb, ' ');
}

/* Structs and unions: "Name {f=v,...}", anonymous types as "struct",
   anonymous fields as the bare value.  LEVEL counts the structs this one
   is nested in (arrays don't count): beyond maxdepth a struct collapses
   to "Name {...}", and in tree mode its fields indent one level deeper.
   A field whose value has no type is absent (an optional field whose
   condition was false, a computed field) and is not shown.  With
   pretty-print on, a struct whose type has a _print method is what
   that method prints, and a field whose struct type has a method
   _print_NAME is what that prints.  With omaps, fields and the struct
   are followed by their offsets, as for arrays.  */
static void
print_struct (pctx *c, val v, int level)
{
  const type *t = v.t;
  const pk_struct *s = val_sct (v);
  bool pretty = c->pretty && c->pp;
  if (pretty && t->u.s.printer >= 0)
    {
      int r = c->pp (c->pp_ctx, c->sb, v, t->u.s.printer);
      c->failed |= r < 0;
      if (r != 0)
        return;
    }
  begin (c, STYLE_STRUCT_TYPE_NAME);
  sb_puts (c->sb, t->name ? t->name : "struct");
  end (c);
  if (c->maxdepth > 0 && level + 1 > c->maxdepth)
    {
      sb_puts (c->sb, " {");
      print_ellipsis (c);
      sb_putc (c->sb, '}');
      return;
    }
  sb_puts (c->sb, " {");
  bool first = true;
  bool overlay = t->u.s.is_union || t->u.s.pinned;
  uint64_t base = s->map.mapped ? s->map.offset : 0, cur = base;
  for (int i = 0; i < s->nfields; i++)
    {
      val f = s->fields[i];
      if (!f.t)
        continue;
      if (!first)
        sb_putc (c->sb, ',');
      first = false;
      if (c->tree)
        {
          sb_putc (c->sb, '\n');
          indent (c, level + 1);
        }
      const char *name = i < t->u.s.nfields ? t->u.s.fields[i].name : NULL;
      if (name)
        {
          begin (c, STYLE_STRUCT_FIELD_NAME);
          sb_puts (c->sb, name);
          end (c);
          sb_putc (c->sb, '=');
        }
      int printer = i < t->u.s.nfields ? t->u.s.fields[i].printer : -1;
      int r = pretty && printer >= 0 ? c->pp (c->pp_ctx, c->sb, v, printer)
                                     : 0;
      c->failed |= r < 0;
      if (r == 0)
        print_val (c, f, level + 1);
      if (STOPPED (c))
        return;
      if (c->omaps)
        {
          uint64_t pos = s->offs ? s->offs[i] : overlay ? base : cur;
          print_map_off (c, pos);
          cur = pos + val_size_bits (f);
        }
    }
  if (c->tree)
    {
      sb_putc (c->sb, '\n');
      indent (c, level);
    }
  sb_putc (c->sb, '}');
  if (c->omaps)
    print_map_off (c, base);
}

static void
print_val (pctx *c, val v, int level)
{
  if (!v.t || STOPPED (c))
    return;
  switch (v.t->kind)
    {
    case TY_INT:
      print_int (c, v.v.u, v.t->u.i.size, v.t->u.i.sign);
      break;
    case TY_OFFSET:
      print_offset (c, v);
      break;
    case TY_STRING:
      print_string (c, v);
      break;
    case TY_ARRAY:
      print_array (c, v, level);
      break;
    case TY_STRUCT:
      print_struct (c, v, level);
      break;
    case TY_FUNCTION:
      print_closure (c, v);
      break;
    case TY_VOID:
    case TY_ANY:
      /* A void value prints nothing; `any` is never a value's own type.  */
      break;
    }
}

static void
pctx_init (pctx *c, strbuf *sb, const print_opts *o)
{
  c->sb = sb;
  c->obase = (o->obase == 2 || o->obase == 8 || o->obase == 16) ? o->obase
                                                                  : 10;
  c->oindent = o->oindent >= 0 ? o->oindent : 0;
  c->oacutoff = o->oacutoff >= 0 ? o->oacutoff : 0;
  c->maxdepth = o->odepth >= 0 ? o->odepth : 0;
  c->tree = o->tree;
  c->omaps = o->omaps != 0;
  c->pretty = o->pretty;
  c->pp = o->pp_hook;
  c->pp_ctx = o->pp_ctx;
  c->failed = false;
  c->style = o->style;
}

bool
print_value (strbuf *sb, val v, const print_opts *o)
{
  pctx c;
  pctx_init (&c, sb, o);
  print_val (&c, v, 0);
  return !c.failed;
}

/* Format strings.

   The directives, as GNU poke 4.3 accepts them (there are no field
   widths or flags):
     %%                 a '%'
     %s %c %v           string, uint<8> as a raw byte, any value
     %DFv %DTv %Dv      D: one digit, struct depth (0: unlimited);
                        F flat (the default), T tree
     %iNB %uNB          N: 1..64 (at most two digits); B: d x o b, or c
                        with N = 8
     %fN[.P]d %eN[.P]d %gN[.P]d
                        the uint<N> argument's bits as an IEEE 754
                        number, N 32 or 64, printed as C's %f, %e, %g
                        with precision P (default 7 for 32 bits, 15
                        for 64)
     %<class:  %>       styling: the class's escape sequences (style.h)
                        when the output is styled, else nothing
   Everything after '%' that is not %%, %< or %> takes an argument, even
   when it turns out invalid: the argument count check comes first in the
   left-to-right scan, as in GNU poke.  */

#define FMT_TAG_ERR "invalid %- tag in format string: "

typedef struct fmt_builder
{
  fmt_piece *pieces;
  int npieces, cap;
  strbuf text;          /* Decoded literal text and class names.  */
  size_t *offs;         /* Offset into TEXT of each piece's text.  */
} fmt_builder;

static fmt_piece *
fb_add (fmt_builder *b, fmt_kind kind)
{
  if (b->npieces == b->cap)
    {
      b->cap = b->cap ? b->cap * 2 : 8;
      b->pieces = xrealloc (b->pieces, (size_t) b->cap * sizeof *b->pieces);
      b->offs = xrealloc (b->offs, (size_t) b->cap * sizeof *b->offs);
    }
  fmt_piece *p = &b->pieces[b->npieces];
  memset (p, 0, sizeof *p);
  p->kind = kind;
  b->offs[b->npieces] = b->text.len;
  b->npieces++;
  return p;
}

/* Literal text, merged with the previous piece when that is text too.  */
static void
fb_text (fmt_builder *b, const char *s, size_t n)
{
  if (!n)
    return;
  fmt_piece *p;
  if (b->npieces && b->pieces[b->npieces - 1].kind == FMT_TEXT)
    p = &b->pieces[b->npieces - 1];
  else
    p = fb_add (b, FMT_TEXT);
  sb_putn (&b->text, s, n);
  p->len += n;
}

static void
fb_free (fmt_builder *b)
{
  free (b->pieces);
  free (b->offs);
  sb_free (&b->text);
}

/* One allocation holds the fmt, its pieces and their text, so that
   fmt_free is a single free.  */
static fmt *
fb_finish (fmt_builder *b)
{
  size_t psize = (size_t) b->npieces * sizeof (fmt_piece);
  fmt *f = xmalloc (sizeof *f + psize + b->text.len + 1);
  f->pieces = (fmt_piece *) (f + 1);
  char *text = (char *) f->pieces + psize;
  memcpy (text, b->text.data ? b->text.data : "", b->text.len);
  text[b->text.len] = '\0';
  f->npieces = b->npieces;
  f->nargs = 0;
  for (int i = 0; i < b->npieces; i++)
    {
      f->pieces[i] = b->pieces[i];
      if (f->pieces[i].kind == FMT_TEXT || f->pieces[i].kind == FMT_STYLE_BEGIN)
        f->pieces[i].text = text + b->offs[i];
      else
        f->pieces[i].text = NULL;
      if (f->pieces[i].kind != FMT_TEXT && f->pieces[i].kind != FMT_STYLE_BEGIN
          && f->pieces[i].kind != FMT_STYLE_END)
        f->nargs++;
    }
  fb_free (b);
  return f;
}

/* Digits of a precision: more than an int holds is refused (GNU poke
   4.3 takes such a precision modulo 2^32, or prints nothing).  */
static const char *
fmt_precision (const char *s, size_t len, size_t *k, int *prec)
{
  if (*k >= len || s[*k] < '0' || s[*k] > '9')
    return FMT_TAG_ERR "expected a precision number after dot";
  uint64_t n = 0;
  while (*k < len && s[*k] >= '0' && s[*k] <= '9')
    {
      n = n * 10 + (uint64_t) (s[(*k)++] - '0');
      if (n > INT_MAX)
        return FMT_TAG_ERR "invalid precision";
    }
  *prec = (int) n;
  return NULL;
}

/* %fN[.P]d, %eN[.P]d, %gN[.P]d at S[*I], the 'f', 'e' or 'g'.  */
static const char *
fmt_float_directive (fmt_builder *b, const char *s, size_t len, size_t *i)
{
  size_t k = *i;
  char conv = s[k++];
  if (k >= len || s[k] < '0' || s[k] > '9')
    return conv == 'f' ? FMT_TAG_ERR "expected decimal digit after %f"
           : conv == 'e' ? FMT_TAG_ERR "expected decimal digit after %e"
                         : FMT_TAG_ERR "expected decimal digit after %g";
  int size = s[k++] - '0';
  if (k < len && s[k] >= '0' && s[k] <= '9')
    size = size * 10 + (s[k++] - '0');
  if (size != 32 && size != 64)
    return FMT_TAG_ERR "invalid bit-width for a floating-point number";
  int prec = -1;
  if (k < len && s[k] == '.')
    {
      k++;
      const char *e = fmt_precision (s, len, &k, &prec);
      if (e)
        return e;
    }
  char base = k < len ? s[k] : '\0';
  if (base == 'x' || base == 'o' || base == 'b')
    return FMT_TAG_ERR "only base 10 is supported for floating-point numbers";
  if (base != 'd')
    return FMT_TAG_ERR "invalid base";
  fmt_piece *p = fb_add (b, FMT_FLOAT);
  p->size = size;
  p->sign = false;
  p->base = 10;
  p->conv = conv;
  p->prec = prec;
  *i = k + 1;
  return NULL;
}

/* Parse the argument-taking directive at S[*I] (just after the '%').
   Returns NULL or the reason it is invalid.  */
static const char *
fmt_directive (fmt_builder *b, const char *s, size_t len, size_t *i)
{
  size_t k = *i;
  char ch = k < len ? s[k] : '\0';

  if (ch == 's' || ch == 'c' || ch == 'v')
    {
      fmt_piece *p = fb_add (b, ch == 's' ? FMT_STRING
                                : ch == 'c' ? FMT_CHAR : FMT_VALUE);
      p->conv = ch;
      if (ch == 'c')
        p->size = 8;
      *i = k + 1;
      return NULL;
    }

  if (ch == 'i' || ch == 'u')
    {
      bool sign = ch == 'i';
      k++;
      if (k >= len || s[k] < '0' || s[k] > '9')
        return sign ? FMT_TAG_ERR "expected decimal digit after %i"
                    : FMT_TAG_ERR "expected decimal digit after %u";
      int size = s[k++] - '0';
      if (k < len && s[k] >= '0' && s[k] <= '9')
        size = size * 10 + (s[k++] - '0');
      if (size == 0)
        return FMT_TAG_ERR "invalid bit-width";
      if (size > 64)
        return FMT_TAG_ERR "base with more than 64 bits";
      char conv = k < len ? s[k] : '\0';
      int base;
      switch (conv)
        {
        case 'd': base = 10; break;
        case 'x': base = 16; break;
        case 'o': base = 8; break;
        case 'b': base = 2; break;
        case 'c': base = 0; break;
        default: return FMT_TAG_ERR "invalid base";
        }
      if (conv == 'c' && size != 8)
        return FMT_TAG_ERR "char format only makes sense with 8 bits";
      fmt_piece *p = fb_add (b, conv == 'c' ? FMT_CHAR : FMT_INT);
      p->size = size;
      p->sign = sign;
      p->base = base;
      p->conv = conv;
      *i = k + 1;
      return NULL;
    }

  if (ch == 'f' || ch == 'e' || ch == 'g')
    return fmt_float_directive (b, s, len, i);

  /* %[D][F|T]v.  A digit or a capital letter commits to %v.  */
  int depth = 0;
  bool digit = false;
  if (ch >= '0' && ch <= '9')
    {
      depth = ch - '0';
      digit = true;
      ch = ++k < len ? s[k] : '\0';
    }
  if (ch >= 'A' && ch <= 'Z')
    {
      if ((ch != 'F' && ch != 'T') || k + 1 >= len || s[k + 1] != 'v')
        return FMT_TAG_ERR "invalid flag";
      fmt_piece *p = fb_add (b, FMT_VALUE);
      p->conv = 'v';
      p->vdepth = depth;
      p->vmode = ch;
      *i = k + 2;
      return NULL;
    }
  if (digit)
    {
      if (ch != 'v')
        return FMT_TAG_ERR "invalid numerical prefix";
      fmt_piece *p = fb_add (b, FMT_VALUE);
      p->conv = 'v';
      p->vdepth = depth;
      *i = k + 1;
      return NULL;
    }
  return FMT_TAG_ERR "invalid format specifier";
}

fmt *
fmt_parse_call (const char *s, size_t len, int nargs, const char **err,
                bool *at_call)
{
  fmt_builder b;
  memset (&b, 0, sizeof b);
  sb_init (&b.text);
  int open_styles = 0, used = 0;
  const char *e = NULL;
  bool count_err = false;

  size_t i = 0;
  while (i < len && !e)
    {
      size_t j = i;
      while (j < len && s[j] != '%')
        j++;
      fb_text (&b, s + i, j - i);
      if (j >= len)
        break;
      i = j + 1;
      char ch = i < len ? s[i] : '\0';
      if (i < len && ch == '%')
        {
          fb_text (&b, "%", 1);
          i++;
        }
      else if (i < len && ch == '<')
        {
          /* The class name runs to ':' and may not be empty or hold '%'. */
          size_t k = i + 1;
          while (k < len && s[k] != ':' && s[k] != '%')
            k++;
          if (k >= len || s[k] != ':' || k == i + 1)
            e = FMT_TAG_ERR "invalid format specifier";
          else
            {
              fmt_piece *p = fb_add (&b, FMT_STYLE_BEGIN);
              sb_putn (&b.text, s + i + 1, k - i - 1);
              p->len = k - i - 1;
              open_styles++;
              i = k + 1;
            }
        }
      else if (i < len && ch == '>')
        {
          if (open_styles == 0)
            e = FMT_TAG_ERR "unpaired styling class";
          else
            {
              fb_add (&b, FMT_STYLE_END);
              open_styles--;
              i++;
            }
        }
      else if (nargs >= 0 && used >= nargs)
        {
          e = "not enough format arguments";
          count_err = true;
        }
      else
        {
          e = fmt_directive (&b, s, len, &i);
          used++;
        }
    }
  if (!e && open_styles)
    e = FMT_TAG_ERR "unclosed styling tag";
  if (!e && nargs >= 0 && used < nargs)
    {
      e = "too many format arguments";
      count_err = true;
    }
  if (at_call)
    *at_call = count_err;
  if (e)
    {
      *err = e;
      fb_free (&b);
      return NULL;
    }
  *err = NULL;
  return fb_finish (&b);
}

fmt *
fmt_parse (const char *s, size_t len, const char **err)
{
  return fmt_parse_call (s, len, -1, err, NULL);
}

void
fmt_free (fmt *f)
{
  free (f);
}

/* Precisions above this are printed as this one followed by zeros: no
   double has more than 1074 digits after the point, nor more than 767
   significant ones, and %g's trailing zeros are dropped anyway.  */
#define FLOAT_PREC_MAX 1100

/* %f, %e, %g: the bits of the argument's uint<32> or uint<64> as an
   IEEE 754 number, written by C's printf; a NaN is "nan" whatever its
   sign, as in GNU poke.  */
static void
fmt_float (strbuf *sb, const fmt_piece *p, val v)
{
  double d;
  if (p->size == 32)
    {
      uint32_t b32 = (uint32_t) v.v.u;
      float fl;
      memcpy (&fl, &b32, sizeof fl);
      d = fl;
    }
  else
    memcpy (&d, &v.v.u, sizeof d);
  if (isnan (d))
    {
      sb_puts (sb, "nan");
      return;
    }
  int prec = p->prec >= 0 ? p->prec : p->size == 32 ? 7 : 15;
  int zeros = 0;
  if (prec > FLOAT_PREC_MAX && !isinf (d))
    {
      zeros = p->conv == 'g' ? 0 : prec - FLOAT_PREC_MAX;
      prec = FLOAT_PREC_MAX;
    }
  size_t start = sb->len;
  if (p->conv == 'f')
    sb_printf (sb, "%.*f", prec, d);
  else if (p->conv == 'e')
    sb_printf (sb, "%.*e", prec, d);
  else
    sb_printf (sb, "%.*g", prec, d);
  if (!zeros)
    return;
  /* %e: the zeros go between the digits and the exponent.  */
  char tail[16];
  size_t ntail = 0;
  if (p->conv == 'e')
    {
      size_t e = sb->len;
      while (e > start && sb->data[e - 1] != 'e')
        e--;
      if (e > start && sb->len - (e - 1) <= sizeof tail)
        ntail = sb->len - (e - 1);
      memcpy (tail, sb->data + sb->len - ntail, ntail);
      sb->len -= ntail;
    }
  static const char z64[] = "0000000000000000000000000000000000000000"
                            "000000000000000000000000";
  for (; zeros > 0; zeros -= 64)
    sb_putn (sb, z64, zeros < 64 ? (size_t) zeros : 64);
  sb_putn (sb, tail, ntail);
}

/* %iN and %uN: no prefix, no suffix; non-decimal bases are padded with
   zeros to the digits of the width ("%i32x" of 10 is "0000000a").  */
static void
fmt_int (strbuf *sb, const fmt_piece *p, val v)
{
  put_int_digits (sb, v.v.u, p->size, p->sign, p->base, true);
}

/* %<class: and %>, when the output is styled.  */
static void
fmt_style (strbuf *sb, const fmt_piece *p, const print_opts *o)
{
  if (!o->style)
    return;
  if (p->kind == FMT_STYLE_BEGIN)
    {
      /* The class name is not NUL-terminated in the format.  */
      char *name = xstrndup (p->text, p->len);
      style_begin_name (o->style, sb, name);
      free (name);
    }
  else
    style_end (o->style, sb);
}

/* A %v directive: false if a pretty-printer raised.  */
static bool
fmt_value (strbuf *sb, const fmt_piece *p, val v, const print_opts *o)
{
  pctx c;
  pctx_init (&c, sb, o);
  c.tree = p->vmode == 'T';
  c.maxdepth = p->vdepth;
  if (p->vfunction)
    {
      begin (&c, STYLE_SPECIAL);
      sb_puts (sb, "#<closure>");
      end (&c);
    }
  else
    print_val (&c, v, 0);
  return !c.failed;
}

/* The classes a format opens are ended by it (fmt_parse checks that),
   but not when a pretty-printer raises half-way: then fmt_run ends
   them.  */
static bool
fmt_stop (strbuf *sb, const print_opts *o, int depth)
{
  if (o->style)
    style_unwind (o->style, sb, depth);
  return false;
}

bool
fmt_run (strbuf *sb, const fmt *f, const val *args, const print_opts *o)
{
  int a = 0;
  int depth = o->style ? style_depth (o->style) : 0;
  for (int i = 0; i < f->npieces; i++)
    {
      const fmt_piece *p = &f->pieces[i];
      switch (p->kind)
        {
        case FMT_TEXT:
          sb_putn (sb, p->text, p->len);
          break;
        case FMT_INT:
          fmt_int (sb, p, args[a++]);
          break;
        case FMT_FLOAT:
          fmt_float (sb, p, args[a++]);
          break;
        case FMT_STRING:
          {
            val v = args[a++];
            if (v.t && v.t->kind == TY_STRING)
              sb_putn (sb, val_str (v)->data, val_str (v)->len);
            break;
          }
        case FMT_CHAR:
          sb_putc (sb, (char) (args[a++].v.u & 0xff));
          break;
        case FMT_VALUE:
          if (!fmt_value (sb, p, args[a++], o))
            return fmt_stop (sb, o, depth);
          break;
        case FMT_STYLE_BEGIN:
        case FMT_STYLE_END:
          fmt_style (sb, p, o);
          break;
        }
    }
  return true;
}
