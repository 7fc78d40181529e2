/* print.h -- printing values as GNU poke 4.3 does: the REPL's value display
   (obase, flat and tree modes) and the printf/format directives.  */

#ifndef BPOKE_PRINT_H
#define BPOKE_PRINT_H

#include <stdbool.h>
#include <stdint.h>

#include "util.h"
#include "value.h"

/* Output settings, as `.set` changes them.  */
typedef struct print_opts
{
  int obase;            /* 2, 8, 10 or 16.  */
  bool tree;            /* .set omode tree (else flat).  */
  int odepth;           /* 0: unlimited.  */
  int oindent;          /* Spaces per level in tree mode.  */
  int oacutoff;         /* 0: print every array element.  */
  bool pretty;          /* .set pretty-print yes.  */
  int omaps;            /* .set omaps yes: offsets after values.  */
  /* Pretty-printing: the evaluator runs the method of the struct V in
     its frame's slot SLOT (its _print, or a field's _print_NAME),
     appending what it prints to SB.  Returns 1 if it printed, -1 if it
     raised an exception (left in the VM), 0 if there is no method there
     (the value is printed as it would be without).  */
  int (*pp_hook) (void *ctx, strbuf *sb, val v, int slot);
  void *pp_ctx;
  /* Styled output (style.h): the classes of the values and of printf's
     %<class: are written as escape sequences; NULL for plain text.  */
  struct style *style;
} print_opts;

void print_opts_default (print_opts *o);

/* Append V to SB as the REPL shows the value of an expression statement
   (e.g. 1UB, -3L, 0x00000010, 8UL#b, "a\n", [1,2,3], (int<3>) 2, 1T).
   A void value appends nothing.  Returns false if a pretty-printer raised an
   exception (the rest of the value is printed all the same).  printf's
   %v differs in small ways (see print.c); fmt_run does that.  */
bool print_value (strbuf *sb, val v, const print_opts *o);

/* printf/format.  A format string is parsed once, when the program is
   checked, into a list of pieces: literal text and directives.  */
typedef enum fmt_kind
{
  FMT_TEXT,             /* Literal text (escapes already decoded).  */
  FMT_INT,              /* %iNd %uNx %i32o ... : an integral argument.  */
  FMT_FLOAT,            /* %f32d %e64.3d %g32d: a uint<N> argument's bits
                           as an IEEE 754 number.  */
  FMT_STRING,           /* %s.  */
  FMT_CHAR,             /* %c.  */
  FMT_VALUE,            /* %v: any value, printed as the REPL would.  */
  FMT_STYLE_BEGIN,      /* %<class: ... */
  FMT_STYLE_END         /* %>.  */
} fmt_kind;

typedef struct fmt_piece
{
  fmt_kind kind;
  const char *text;     /* FMT_TEXT: the text; FMT_STYLE_BEGIN: class.  */
  size_t len;
  int size;             /* FMT_INT, FMT_CHAR, FMT_FLOAT: bits of the
                           argument type, 1..64 (8 for FMT_CHAR, 32 or 64
                           for FMT_FLOAT).  */
  bool sign;            /* FMT_INT, FMT_CHAR: %i (true) or %u (and %c).
                           FMT_FLOAT: false.  */
  int base;             /* FMT_INT: 2, 8, 10, 16 (b o d x).  */
  char conv;            /* The conversion letter as written (f e g for
                           FMT_FLOAT).  */
  int prec;             /* FMT_FLOAT: the precision, -1 for the default.  */
  /* GNU poke has no field widths or flags ("%4i32d" is an invalid
     numerical prefix): these three are always 0.  */
  int width;
  bool zero_pad;
  bool left;
  int vdepth;           /* %Nv: the depth for %v, 0 for the default.  */
  char vmode;           /* %v with mode: 'F' flat, 'T' tree, 0 default.  */
  bool vfunction;       /* %v of an argument of a function type (set by
                           the checker): "#<closure>", without the name
                           the REPL gives it, as GNU poke does.  */
} fmt_piece;

typedef struct fmt
{
  int npieces;
  fmt_piece *pieces;
  int nargs;            /* Number of directives that take an argument.  */
} fmt;

/* Parse FMT (LEN bytes, escapes already decoded).  Returns NULL and sets
   *ERR to GNU poke's message when the format is invalid.  The result is
   freed with fmt_free.  */
fmt *fmt_parse (const char *s, size_t len, const char **err);

/* As fmt_parse, and also check the format against the NARGS arguments of
   the printf or format call.  GNU poke checks the count in the same
   left-to-right scan as the directives, which decides which error wins:
   "%q" with no argument is "not enough format arguments", with one it is
   an invalid tag; "%<a:" with one argument is an unclosed styling tag,
   not "too many format arguments".  *AT_CALL (if not NULL) is set when
   the error is about the count: GNU poke reports those at the start of
   the call, and tag errors at the format string.  */
fmt *fmt_parse_call (const char *s, size_t len, int nargs, const char **err,
                     bool *at_call);
void fmt_free (fmt *f);

/* Format ARGS (F->nargs values, already checked and converted to the
   directives' types) into SB.  Returns false, SB holding what was
   formatted so far, if a pretty-printer raised an exception.  */
bool fmt_run (strbuf *sb, const fmt *f, const val *args,
              const print_opts *o);

#endif
