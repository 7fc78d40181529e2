/* check-diag.c -- the checker's diagnostics: errors (which end the
   check: they longjmp to check_program) and warnings, in GNU poke's
   words and at its locations, laid out by diag_format as the parser's
   are.  Apart so that every message of the checker goes through one
   place.  */

#include "check-int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
ck_error_at (compiler *c, const ast *n, const char *fmt, ...)
{
  char msg[512];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (msg, sizeof msg, fmt, ap);
  va_end (ap);
  /* Each line of a multi-line message carries the location.  */
  char *line = msg;
  for (;;)
    {
      char *nl = strchr (line, '\n');
      if (!nl)
        break;
      *nl = '\0';
      sb_printf (c->err, "%s:%d:%d: error: %s\n", n->src->filename,
                 n->loc.line, n->loc.col, line);
      line = nl + 1;
    }
  diag_format (c->err, n->src, n->loc, n->end, "error", line);
  longjmp (c->jb, 1);
}

/* A warning: the message is kept with the errors, and shown even when
   the checking succeeds.  With .set error-on-warning yes, it is an
   error, in the same words, as in GNU poke 4.3.  */
void
ck_warning_at (compiler *c, const ast *n, const char *msg)
{
  if (c->error_on_warning)
    ck_error_at (c, n, "%s", msg);
  diag_format (c->err, n->src, n->loc, n->end, "warning", msg);
}

/* N, but starting at byte POS of its source.  */
ast
ck_at_pos (const ast *n, int pos)
{
  ast where = *n;
  where.loc.line = 1;
  where.loc.col = 1;
  for (int i = 0; i < pos && n->src->buf && (size_t) i < n->src->len; i++)
    {
      if (n->src->buf[i] == '\n')
        {
          where.loc.line++;
          where.loc.col = 1;
        }
      else
        where.loc.col++;
    }
  where.loc.pos = pos;
  return where;
}

/* An error at byte POS .. N's end (for GNU poke's locations that start
   at the end of the token before a construct).  */
void
ck_error_from (compiler *c, const ast *n, int pos, const char *msg)
{
  ast where = ck_at_pos (n, pos);
  ck_error_at (c, &where, "%s", msg);
}

/* An error at where N's name is written.  */
void
ck_error_at_name (compiler *c, const ast *n, const char *fmt, ...)
{
  char msg[512];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (msg, sizeof msg, fmt, ap);
  va_end (ap);
  ast where = *n;
  where.loc = n->nloc;
  where.end = n->nend;
  ck_error_at (c, &where, "%s", msg);
}

const char *
ck_tname (const type *t)
{
  static strbuf sb[4];
  static int k;
  strbuf *b = &sb[k++ % 4];
  sb_reset (b);
  type_print (b, t);
  return b->data;
}

/* The same for the arguments and return type of function type T.  */
const char *
ck_fsig (const type *t)
{
  static strbuf sb;
  sb_reset (&sb);
  type_print_signature (&sb, t);
  return sb.data;
}

void
ck_type_error (compiler *c, const ast *n, const char *what,
               const char *expected, const type *got)
{
  ck_error_at (c, n, "%s\nexpected %s, got %s", what, expected,
               ck_tname (got));
}

void
ck_invalid_operand (compiler *c, ast *operand, const char *expected)
{
  ck_type_error (c, operand, "invalid operand in expression", expected,
                 operand->type);
}
