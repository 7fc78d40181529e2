/* style.c -- styled output with ANSI escape sequences.

   GNU poke styles its output through named classes (integer, offset,
   error, dump-address...), which a style sheet maps to colours.  bpoke
   does the same with a table: each class it writes has a default SGR
   ("Select Graphic Rendition") parameter string, "1;31" for bold red,
   and the user's style file (see style_load_text) may change it or
   style any other class, such as those of term_begin_class and
   printf's %<class:.

   Classes nest: a stack records the open ones, so that ending the
   inner one resets the terminal and sets the outer ones again.  Only
   the program (src/main.c) decides whether the output is styled at
   all; this file only knows how.  */

#include "style.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The classes and their default look (bpoke's own choice).  */
static const struct
{
  const char *name;
  const char *sgr;
} defaults[STYLE_NCLASSES] = {
  [STYLE_INTEGER] = { "integer", "36" },
  [STYLE_OFFSET] = { "offset", "35" },
  [STYLE_STRING] = { "string", "33" },
  [STYLE_SPECIAL] = { "special", "3" },
  [STYLE_ELLIPSIS] = { "ellipsis", "2" },
  [STYLE_STRUCT_TYPE_NAME] = { "struct-type-name", "1" },
  [STYLE_STRUCT_FIELD_NAME] = { "struct-field-name", "34" },
  [STYLE_ERROR] = { "error", "1;31" },
  [STYLE_ERROR_FILENAME] = { "error-filename", "1" },
  [STYLE_ERROR_LOCATION] = { "error-location", "1" },
  [STYLE_WARNING] = { "warning", "1;33" },
  [STYLE_DUMP_RULER] = { "dump-ruler", "4" },
  [STYLE_DUMP_ADDRESS] = { "dump-address", "34" },
  [STYLE_DUMP_ASCII] = { "dump-ascii", "33" },
  [STYLE_DUMP_UNKNOWN] = { "dump-unknown", "31" },
  [STYLE_DUMP_VAL1] = { "dump-val1", "32" },
  [STYLE_DUMP_VAL2] = { "dump-val2", "31" },
  [STYLE_DUMP_VAL3] = { "dump-val3", "93" },
  [STYLE_DUMP_VAL4] = { "dump-val4", "33" },
  [STYLE_PROMPT] = { "prompt", "1;32" },
  [STYLE_PAGER_MORE] = { "pager-more", "7" },
  [STYLE_TABLE_HEADER] = { "table-header", "1" },
  [STYLE_DIFF_THUNK_HEADER] = { "diff-thunk-header", "1" },
  [STYLE_DIFF_MINUS] = { "diff-minus", "31" },
  [STYLE_DIFF_PLUS] = { "diff-plus", "32" },
};

/* A class the user styled that is not one of bpoke's.  */
typedef struct style_extra
{
  char *name;
  char *sgr;
} style_extra;

struct style
{
  char *sgr[STYLE_NCLASSES];    /* NULL: the default.  */
  style_extra *extra;
  int nextra;
  const char **open;            /* The SGR of each open class.  */
  int nopen, capopen;
  char color[2][24];            /* style_color's foreground and
                                   background SGR, or "".  */
};

style *
style_new (void)
{
  return xcalloc (1, sizeof (style));
}

void
style_free (style *s)
{
  if (!s)
    return;
  for (int i = 0; i < STYLE_NCLASSES; i++)
    free (s->sgr[i]);
  for (int i = 0; i < s->nextra; i++)
    {
      free (s->extra[i].name);
      free (s->extra[i].sgr);
    }
  free (s->extra);
  free (s->open);
  free (s);
}

const char *
style_class_name (style_class c)
{
  return defaults[c].name;
}

const char *
style_class_default (style_class c)
{
  return defaults[c].sgr;
}

static const char *
class_sgr (const style *s, style_class c)
{
  return s->sgr[c] ? s->sgr[c] : defaults[c].sgr;
}

/* The class named NAME, or -1 when it is not one of bpoke's.  */
static int
class_lookup (const char *name)
{
  for (int i = 0; i < STYLE_NCLASSES; i++)
    if (strcmp (defaults[i].name, name) == 0)
      return i;
  return -1;
}

const char *
style_sgr (const style *s, const char *name)
{
  int c = class_lookup (name);
  if (c >= 0)
    return class_sgr (s, (style_class) c);
  for (int i = 0; i < s->nextra; i++)
    if (strcmp (s->extra[i].name, name) == 0)
      return s->extra[i].sgr;
  return "";
}

void
style_set (style *s, const char *name, const char *sgr)
{
  int c = class_lookup (name);
  if (c >= 0)
    {
      free (s->sgr[c]);
      s->sgr[c] = xstrdup (sgr);
      return;
    }
  for (int i = 0; i < s->nextra; i++)
    if (strcmp (s->extra[i].name, name) == 0)
      {
        free (s->extra[i].sgr);
        s->extra[i].sgr = xstrdup (sgr);
        return;
      }
  s->extra = xrealloc (s->extra, sizeof *s->extra * (size_t) (s->nextra + 1));
  s->extra[s->nextra].name = xstrdup (name);
  s->extra[s->nextra].sgr = xstrdup (sgr);
  s->nextra++;
}

/* Attributes by name.  The colours are 30 + N for the foreground,
   40 + N with "on-", 90 + N and 100 + N for the bright ones.  */
static const struct
{
  const char *name;
  int sgr;
} attr_words[] = {
  { "bold", 1 }, { "faint", 2 }, { "dim", 2 }, { "italic", 3 },
  { "underline", 4 }, { "blink", 5 }, { "reverse", 7 },
  { "strike", 9 },
};

static const char *const colours[] = {
  "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"
};

/* The SGR number of the colour word W (N bytes) with its prefixes
   ("on-", "bright-"), or -1.  */
static int
colour_sgr (const char *w, size_t n)
{
  int base = 30;
  if (n > 3 && strncmp (w, "on-", 3) == 0)
    {
      base = 40;
      w += 3;
      n -= 3;
    }
  if (n > 7 && strncmp (w, "bright-", 7) == 0)
    {
      base += 60;
      w += 7;
      n -= 7;
    }
  for (int i = 0; i < (int) countof (colours); i++)
    if (strlen (colours[i]) == n && strncmp (colours[i], w, n) == 0)
      return base + i;
  return -1;
}

/* The SGR number of the attribute W (N bytes): a name or a number
   0..255; -1 if it is neither.  */
static int
attr_sgr (const char *w, size_t n)
{
  if (n <= 3 && isdigit ((unsigned char) w[0]))
    {
      int x = 0;
      for (size_t i = 0; i < n; i++)
        {
          if (!isdigit ((unsigned char) w[i]))
            return -1;
          x = x * 10 + (w[i] - '0');
        }
      return x <= 255 ? x : -1;
    }
  for (int i = 0; i < (int) countof (attr_words); i++)
    if (strlen (attr_words[i].name) == n
        && strncmp (attr_words[i].name, w, n) == 0)
      return attr_words[i].sgr;
  return colour_sgr (w, n);
}

static bool
attr_sep (char c)
{
  return c == ' ' || c == '\t' || c == ';';
}

bool
style_parse_attrs (const char *attrs, strbuf *out, const char **bad,
                   size_t *badlen)
{
  size_t start = out->len;
  const char *p = attrs;
  for (;;)
    {
      while (attr_sep (*p))
        p++;
      if (!*p)
        return true;
      size_t n = 0;
      while (p[n] && !attr_sep (p[n]))
        n++;
      int x = attr_sgr (p, n);
      if (x < 0)
        {
          *bad = p;
          *badlen = n;
          return false;
        }
      sb_printf (out, "%s%d", out->len > start ? ";" : "", x);
      p += n;
    }
}

/* Remove the blanks around the N bytes at *S.  */
static size_t
trim (const char **s, size_t n)
{
  while (n && isspace ((unsigned char) **s))
    {
      (*s)++;
      n--;
    }
  while (n && isspace ((unsigned char) (*s)[n - 1]))
    n--;
  return n;
}

/* The N bytes of W for a message: at most 32, the bytes that are not
   printable ASCII as `?'.  */
static void
put_word (strbuf *sb, const char *w, size_t n)
{
  for (size_t i = 0; i < n && i < 32; i++)
    sb_putc (sb, w[i] >= 0x20 && w[i] < 0x7f ? w[i] : '?');
  if (n > 32)
    sb_puts (sb, "...");
}

/* Apply one line of a style file; false with a message in ERR.  */
static bool
load_line (style *s, const char *line, size_t len, const char *where,
           strbuf *err)
{
  len = trim (&line, len);
  if (!len || line[0] == '#')
    return true;
  const char *eq = memchr (line, '=', len);
  if (!eq)
    {
      sb_printf (err, "%s: expected CLASS = ATTRIBUTES\n", where);
      return false;
    }
  const char *name = line;
  size_t nlen = trim (&name, (size_t) (eq - line));
  if (!nlen)
    {
      sb_printf (err, "%s: no class name before `='\n", where);
      return false;
    }
  char *cls = xstrndup (name, nlen);
  char *attrs = xstrndup (eq + 1, len - (size_t) (eq + 1 - line));
  strbuf sgr;
  sb_init (&sgr);
  const char *bad;
  size_t badlen;
  bool ok = style_parse_attrs (attrs, &sgr, &bad, &badlen);
  if (ok)
    style_set (s, cls, sgr.data ? sgr.data : "");
  else
    {
      sb_printf (err, "%s: unknown attribute `", where);
      put_word (err, bad, badlen);
      sb_puts (err, "'\n");
    }
  sb_free (&sgr);
  free (cls);
  free (attrs);
  return ok;
}

bool
style_load_text (style *s, const char *text, const char *name, strbuf *err)
{
  bool ok = true;
  int lineno = 1;
  for (const char *p = text; *p; lineno++)
    {
      size_t len = strcspn (p, "\n");
      char where[512];
      snprintf (where, sizeof where, "%s:%d", name, lineno);
      ok &= load_line (s, p, len, where, err);
      p += len + (p[len] == '\n');
    }
  return ok;
}

static void
put_sgr (strbuf *sb, const char *sgr)
{
  /* Not sb_printf: this runs for every integer of a large array.  */
  if (sb && *sgr)
    {
      sb_puts (sb, "\033[");
      sb_puts (sb, sgr);
      sb_putc (sb, 'm');
    }
}

/* Back to the terminal's look, with style_color's colours.  */
static void
reset (const style *s, strbuf *sb)
{
  sb_puts (sb, "\033[0m");
  put_sgr (sb, s->color[0]);
  put_sgr (sb, s->color[1]);
}

static void
push (style *s, strbuf *sb, const char *sgr)
{
  if (s->nopen == s->capopen)
    {
      s->capopen = s->capopen ? s->capopen * 2 : 8;
      s->open = xrealloc (s->open, sizeof *s->open * (size_t) s->capopen);
    }
  s->open[s->nopen++] = sgr;
  put_sgr (sb, sgr);
}

void
style_begin (style *s, strbuf *sb, style_class c)
{
  push (s, sb, class_sgr (s, c));
}

void
style_begin_name (style *s, strbuf *sb, const char *name)
{
  push (s, sb, style_sgr (s, name));
}

void
style_end (style *s, strbuf *sb)
{
  if (s->nopen == 0)
    return;
  const char *sgr = s->open[--s->nopen];
  if (!sb || !*sgr)
    return;
  reset (s, sb);
  for (int i = 0; i < s->nopen; i++)
    put_sgr (sb, s->open[i]);
}

int
style_depth (const style *s)
{
  return s->nopen;
}

bool
style_active (const style *s)
{
  return s->nopen > 0 || s->color[0][0] || s->color[1][0];
}

void
style_unwind (style *s, strbuf *sb, int depth)
{
  while (s->nopen > depth)
    style_end (s, sb);
}

void
style_wrap (const style *s, strbuf *sb, style_class c, const char *text,
            size_t len)
{
  const char *sgr = class_sgr (s, c);
  put_sgr (sb, sgr);
  sb_putn (sb, text, len);
  if (*sgr)
    reset (s, sb);
}

/* The first W in the LEN bytes at S, or NULL.  */
static const char *
find (const char *s, size_t len, const char *w)
{
  size_t n = strlen (w);
  for (size_t i = 0; i + n <= len; i++)
    if (memcmp (s + i, w, n) == 0)
      return s + i;
  return NULL;
}

/* If LINE (LEN bytes) starts a diagnostic, "FILE:LINE:COL: KIND: ",
   set *FILE_LEN to the length of FILE, *LOC_LEN to that of LINE:COL,
   *KIND_LEN to that of KIND, and return its class; else -1.  */
static int
diag_head (const char *line, size_t len, size_t *file_len, size_t *loc_len,
           size_t *kind_len)
{
  static const struct { const char *word; style_class c; } kinds[] = {
    { ": error: ", STYLE_ERROR }, { ": warning: ", STYLE_WARNING }
  };
  for (int k = 0; k < (int) countof (kinds); k++)
    {
      const char *w = kinds[k].word;
      const char *at = find (line, len, w);
      if (!at)
        continue;
      /* Back over ":COL" and ":LINE".  */
      const char *p = at;
      for (int field = 0; field < 2; field++)
        {
          const char *d = p;
          while (d > line && isdigit ((unsigned char) d[-1]))
            d--;
          if (d == p || d == line || d[-1] != ':')
            return -1;
          p = d - 1;
        }
      *file_len = (size_t) (p - line);
      *loc_len = (size_t) (at - p - 1);
      *kind_len = strlen (w) - 4;
      return kinds[k].c;
    }
  return -1;
}

/* One line of diagnostics (without its newline).  */
static void
diag_line (const style *s, strbuf *sb, const char *line, size_t len)
{
  size_t file_len, loc_len, kind_len;
  int c = diag_head (line, len, &file_len, &loc_len, &kind_len);
  if (c < 0)
    {
      sb_putn (sb, line, len);
      return;
    }
  const char *p = line;
  style_wrap (s, sb, STYLE_ERROR_FILENAME, p, file_len);
  p += file_len;
  sb_putc (sb, *p++);
  style_wrap (s, sb, STYLE_ERROR_LOCATION, p, loc_len);
  p += loc_len;
  sb_puts (sb, ": ");
  p += 2;
  style_wrap (s, sb, (style_class) c, p, kind_len);
  p += kind_len;
  sb_putn (sb, p, len - (size_t) (p - line));
}

void
style_diagnostics (const style *s, strbuf *sb, const char *text)
{
  for (const char *p = text; *p;)
    {
      size_t len = strcspn (p, "\n");
      diag_line (s, sb, p, len);
      p += len;
      if (*p == '\n')
        sb_putc (sb, *p++);
    }
}

void
style_color (style *s, strbuf *sb, const int rgb[3], bool bg)
{
  char *sgr = s->color[bg];
  sgr[0] = '\0';
  for (int i = 0; i < 3; i++)
    if (rgb[i] < 0 || rgb[i] > 255)
      {
        if (sb)
          sb_puts (sb, bg ? "\033[49m" : "\033[39m");
        return;
      }
  snprintf (sgr, sizeof s->color[0], "%d;2;%d;%d;%d", bg ? 48 : 38, rgb[0],
            rgb[1], rgb[2]);
  put_sgr (sb, sgr);
}

void
style_hyperlink_begin (strbuf *sb, const char *url, const char *id)
{
  sb_printf (sb, "\033]8;%s%s;%s\033\\", *id ? "id=" : "", id, url);
}

void
style_hyperlink_end (strbuf *sb)
{
  sb_puts (sb, "\033]8;;\033\\");
}
