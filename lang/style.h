/* style.h -- styled output: the classes bpoke writes its output in, the
   ANSI escape sequences (SGR) each is shown with, the user's styles,
   and the stack of classes open on the output.  See style.c.  */

#ifndef BPOKE_STYLE_H
#define BPOKE_STYLE_H

#include <stdbool.h>

#include "util.h"

/* The classes bpoke itself writes, named as GNU poke names them (a
   user's style file, or term_begin_class, may use any other name).  */
typedef enum style_class
{
  STYLE_INTEGER,
  STYLE_OFFSET,
  STYLE_STRING,
  STYLE_SPECIAL,                /* #<closure...>.  */
  STYLE_ELLIPSIS,               /* The ... of a cut array.  */
  STYLE_STRUCT_TYPE_NAME,
  STYLE_STRUCT_FIELD_NAME,
  STYLE_ERROR,
  STYLE_ERROR_FILENAME,
  STYLE_ERROR_LOCATION,
  STYLE_WARNING,
  STYLE_DUMP_RULER,
  STYLE_DUMP_ADDRESS,
  STYLE_DUMP_ASCII,
  STYLE_DUMP_UNKNOWN,
  STYLE_DUMP_VAL1,              /* dump :val: the bytes and the name of */
  STYLE_DUMP_VAL2,              /* each element, in turn.  */
  STYLE_DUMP_VAL3,
  STYLE_DUMP_VAL4,
  STYLE_PROMPT,
  STYLE_PAGER_MORE,             /* The pager's --More--.  */
  STYLE_TABLE_HEADER,
  STYLE_DIFF_THUNK_HEADER,      /* sdiff's @@ lines.  */
  STYLE_DIFF_MINUS,             /* sdiff's lines of its first value.  */
  STYLE_DIFF_PLUS,              /* And of its second.  */
  STYLE_NCLASSES
} style_class;

typedef struct style style;

/* A style with the default SGR of every class, and no class open.  */
style *style_new (void);
void style_free (style *s);

/* The name of class C, and the default SGR parameters it has.  */
const char *style_class_name (style_class c);
const char *style_class_default (style_class c);

/* The SGR parameters class NAME is shown with ("1;31"), or "" when it
   is not styled.  */
const char *style_sgr (const style *s, const char *name);

/* Parse ATTRS, words and SGR numbers separated by blanks or `;'
   ("bold red", "1;31", "underline 38;5;208"), appending the SGR
   parameters to OUT.  False if a word is not an attribute: *BAD and
   *BADLEN then say which.  */
bool style_parse_attrs (const char *attrs, strbuf *out, const char **bad,
                        size_t *badlen);

/* Show class NAME with the SGR parameters SGR ("" for plain).  */
void style_set (style *s, const char *name, const char *sgr);

/* Apply the lines of a style file, TEXT, named NAME in messages: blank
   lines, `#' comments and CLASS = ATTRS.  A bad line is reported in
   ERR ("NAME:LINE: ...") and skipped; the others apply.  False if
   there was a bad line.  */
bool style_load_text (style *s, const char *text, const char *name,
                      strbuf *err);

/* Open class C (or the class named NAME) on an output: its escape
   sequence goes to SB.  With SB NULL the class is only recorded, for
   the end to find (output that is not styled, whose classes must still
   nest).  */
void style_begin (style *s, strbuf *sb, style_class c);
void style_begin_name (style *s, strbuf *sb, const char *name);
/* End the innermost class: SB gets the sequence back to the classes
   still open.  */
void style_end (style *s, strbuf *sb);
/* How many classes are open; end them until DEPTH are (after output
   that stopped half-way).  */
int style_depth (const style *s);
/* Whether a class is open or a colour of style_color is set.  */
bool style_active (const style *s);
void style_unwind (style *s, strbuf *sb, int depth);

/* TEXT in class C on its own: the sequence, TEXT, and the colours of
   style_color back.  */
void style_wrap (const style *s, strbuf *sb, style_class c, const char *text,
                 size_t len);

/* Copy the diagnostics TEXT ("FILE:LINE:COL: error: MSG" lines, and
   the source lines shown under them) to SB with the file name, the
   location and the error or warning word in their classes.  */
void style_diagnostics (const style *s, strbuf *sb, const char *text);

/* Set the foreground (or with BG the background) colour to RGB, red,
   green and blue in 0..255 (24-bit SGR); the terminal's default when
   one of them is out of that range, as [-1,-1,-1] is.  The colour
   stays under the classes: the end of one sets it again.  With SB
   NULL, it is only recorded.  */
void style_color (style *s, strbuf *sb, const int rgb[3], bool bg);

/* A terminal hyperlink (OSC 8) to URL, with ID when it is not empty;
   and its end.  */
void style_hyperlink_begin (strbuf *sb, const char *url, const char *id);
void style_hyperlink_end (strbuf *sb);

#endif
