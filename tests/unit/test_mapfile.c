/* test_mapfile.c -- unit tests for the map-file reader (lang/mapfile.c)
   and the lexer's $MAP::ENTRY (lang/lex.c).

   The messages are GNU poke 4.3's, as the golden tests mapfile-*.bpk
   recorded them; here the positions of the values in the file, which
   the interpreter compiles in place, and what the reader says, captured
   from standard output.  */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lex.h"
#include "mapfile.h"

/* Parse TEXT as the map file PATH into *MF; what it printed in MSG.  */
static bool
parse (const char *text, mapfile *mf, char *msg, size_t size)
{
  fflush (stdout);
  FILE *tmp = tmpfile ();
  assert_non_null (tmp);
  int saved = dup (STDOUT_FILENO);
  dup2 (fileno (tmp), STDOUT_FILENO);
  bool ok = mapfile_parse (text, strlen (text), "./t.map", mf);
  fflush (stdout);
  dup2 (saved, STDOUT_FILENO);
  close (saved);
  rewind (tmp);
  size_t n = fread (msg, 1, size - 1, tmp);
  msg[n] = '\0';
  fclose (tmp);
  return ok;
}

/* The text of value V of TEXT.  */
static char *
value (const char *text, mapfile_value v)
{
  return strndup (text + v.at.pos, v.end - (size_t) v.at.pos);
}

static void
test_entries (void **state)
{
  (void) state;
  const char *text = "load elf;\n%%\n\n%entry\n%name ehdr\n"
                     "%type Elf64_Ehdr\n%offset 0#B\n%condition 1 == 1\n";
  mapfile mf;
  char msg[256];
  assert_true (parse (text, &mf, msg, sizeof msg));
  assert_string_equal (msg, "");
  assert_int_equal (mf.prologue_len, 10);
  assert_int_equal (mf.nentries, 1);
  mapfile_entry *e = &mf.entries[0];
  assert_int_equal (e->line, 4);
  char *type = value (text, e->type);
  assert_string_equal (type, " Elf64_Ehdr");
  free (type);
  /* Messages point into the file: the condition starts after its tag.  */
  assert_true (e->condition.given);
  assert_int_equal (e->condition.at.line, 8);
  assert_int_equal (e->condition.at.col, 11);
  char *cond = value (text, e->condition);
  assert_string_equal (cond, " 1 == 1");
  free (cond);
  mapfile_free (&mf);
}

static void
test_errors (void **state)
{
  (void) state;
  static const struct
  {
    const char *text, *msg;
  } cases[] = {
    { "", "./t.map:1:1: syntax error, unexpected end of file, "
      "expecting DATA\n" },
    { "%%\n", "./t.map:1:1: syntax error, unexpected ERR, "
      "expecting DATA\n" },
    { "x\n", "./t.map:1:1: syntax error, unexpected end of file, "
      "expecting SEP\n" },
    { "x\n%%\nfoo\n", "./t.map:3:1: syntax error, unexpected ERR, expecting "
      "end of file\n" },
    { "x\n%%\n%entry\n%type int\n%offset 0#B\n",
      "./t.map:3:1: entry lacks a %name\n" },
    { "x\n%%\n%entry\n%name a\n%offset 0#B\n%entry\n",
      "./t.map:3:1: entry lacks a %type\n" },
    { "x\n%%\n%entry\n%name a\n%type int\n",
      "./t.map:3:1: entry lacks an %offset\n" },
    { "x\n%%\n%entry\n%nom a\n", "./t.map:4:1: unknown tag\n" },
    { "x\n%%\n%entry\n%name a\n%name b\n", "./t.map:5:6: duplicated tag\n" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      mapfile mf;
      char msg[256];
      assert_false (parse (cases[i].text, &mf, msg, sizeof msg));
      assert_string_equal (msg, cases[i].msg);
    }
}

/* The resolver of test_entry_ref: the map m has the entry e, whose
   variable is var_e.  */
static const char *
resolve (void *ctx, const char *map, const char *entry)
{
  (void) ctx;
  return strcmp (map, "m") == 0 && strcmp (entry, "e") == 0 ? "var_e"
         : NULL;
}

static void
test_entry_ref (void **state)
{
  (void) state;
  const char *src = "$m::e + $m::x";
  lexer *lx = lex_new (src, strlen (src), "t.pk");
  lex_set_entry_resolver (lx, resolve, NULL);
  token t;
  assert_int_equal (lex_next (lx, &t), T_IDENT);
  assert_string_equal (t.sval, "var_e");
  assert_int_equal (t.len, 5);
  lex_next (lx, &t);
  /* An entry that is not there: the whole $MAP::ENTRY is the error.  */
  assert_int_equal (lex_next (lx, &t), T_ERROR);
  assert_string_equal (t.errmsg, "invalid map entry");
  assert_int_equal (t.loc.col, 9);
  assert_int_equal (t.len, 5);
  lex_free (lx);
  /* Without a resolver, every $NAME is one.  */
  lx = lex_new (src, strlen (src), "t.pk");
  assert_int_equal (lex_next (lx, &t), T_ERROR);
  assert_string_equal (t.errmsg, "invalid map entry");
  lex_free (lx);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_entries),
    cmocka_unit_test (test_errors),
    cmocka_unit_test (test_entry_ref),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
