/* mapfile.c -- read a map file: the prologue up to a line `%%', then
   entries, each a line `%entry' followed by lines `%TAG VALUE' (name,
   type, offset, condition), blank lines between them.  Only where
   things are is kept: the interpreter compiles the values in place, so
   that its messages show the lines of the file.  The messages are GNU
   poke 4.3's (its map files are read by a generated parser, whence
   the wording).  */

#include "mapfile.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Print the message FMT for PATH at LINE and COL, and fail.  */
static bool
fail_at (const char *path, int line, int col, const char *fmt, ...)
{
  va_list ap;
  fflush (stdout);
  printf ("%s:%d:%d: ", path, line, col);
  va_start (ap, fmt);
  vprintf (fmt, ap);
  va_end (ap);
  putchar ('\n');
  return false;
}

static bool
blank (const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
      return false;
  return true;
}

/* The mapfile_value of tag LINE...: the text after the tag's word.  */
static mapfile_value *
tag_slot (mapfile_entry *e, const char *word, size_t n)
{
  static const char *const names[] = { "name", "type", "offset",
                                       "condition" };
  mapfile_value *slots[] = { &e->name, &e->type, &e->offset,
                             &e->condition };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strlen (names[i]) == n && memcmp (names[i], word, n) == 0)
      return slots[i];
  return NULL;
}

/* The entry E ends: does it have its mandatory tags?  */
static bool
entry_complete (const mapfile_entry *e, const char *path)
{
  if (!e->name.given)
    return fail_at (path, e->line, 1, "entry lacks a %%name");
  if (!e->type.given)
    return fail_at (path, e->line, 1, "entry lacks a %%type");
  if (!e->offset.given)
    return fail_at (path, e->line, 1, "entry lacks an %%offset");
  return true;
}

/* Read line LINE (S, N bytes, at byte POS) of the entries.  */
static bool
entry_line (mapfile *mf, const char *path, const char *s, size_t n,
            size_t pos, int line)
{
  if (blank (s, n))
    return true;
  size_t lead = strspn (s, " \t");
  const char *word = s + lead + 1;
  size_t wn = lead < n && s[lead] == '%' ? strcspn (word, " \t\r\n") : 0;
  if (wn > n - lead - 1)
    wn = n - lead - 1;
  mapfile_entry *e = mf->nentries ? &mf->entries[mf->nentries - 1] : NULL;
  if (wn == 5 && memcmp (word, "entry", 5) == 0)
    {
      if (e && !entry_complete (e, path))
        return false;
      mf->entries = xrealloc (mf->entries, sizeof *mf->entries
                              * (size_t) (mf->nentries + 1));
      e = &mf->entries[mf->nentries++];
      memset (e, 0, sizeof *e);
      e->line = line;
      return true;
    }
  if (wn == 0 || !e)
    return fail_at (path, line, 1, "syntax error, unexpected ERR, "
                    "expecting end of file");
  mapfile_value *v = tag_slot (e, word, wn);
  if (!v)
    return fail_at (path, line, 1, "unknown tag");
  if (v->given)
    return fail_at (path, line, (int) (lead + wn + 2), "duplicated tag");
  size_t col = lead + 1 + wn;
  v->given = true;
  v->at.line = line;
  v->at.col = (int) col + 1;
  v->at.pos = (int) (pos + col);
  v->end = pos + n;
  return true;
}

bool
mapfile_parse (const char *text, size_t len, const char *path, mapfile *mf)
{
  memset (mf, 0, sizeof *mf);
  if (len == 0)
    return fail_at (path, 1, 1, "syntax error, unexpected end of file, "
                    "expecting DATA");
  bool in_entries = false;
  int line = 1;
  for (size_t pos = 0; pos < len; line++)
    {
      const char *s = text + pos;
      const char *nl = memchr (s, '\n', len - pos);
      size_t n = nl ? (size_t) (nl - s) : len - pos;
      if (in_entries)
        {
          if (!entry_line (mf, path, s, n, pos, line))
            {
              mapfile_free (mf);
              return false;
            }
        }
      else if (n >= 2 && s[0] == '%' && s[1] == '%' && blank (s + 2, n - 2))
        {
          if (pos == 0)
            return fail_at (path, 1, 1, "syntax error, unexpected ERR, "
                            "expecting DATA");
          mf->prologue_len = pos;
          in_entries = true;
        }
      pos += n + (nl != NULL);
    }
  if (!in_entries)
    return fail_at (path, 1, 1, "syntax error, unexpected end of file, "
                    "expecting SEP");
  if (mf->nentries
      && !entry_complete (&mf->entries[mf->nentries - 1], path))
    {
      mapfile_free (mf);
      return false;
    }
  return true;
}

void
mapfile_free (mapfile *mf)
{
  free (mf->entries);
  mf->entries = NULL;
  mf->nentries = 0;
}
