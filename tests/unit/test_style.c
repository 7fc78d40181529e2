/* test_style.c -- unit tests for style.c: the table of classes, the
   attribute parser, the style file, nesting, colours, hyperlinks, and
   the styling of values (print.c) and of diagnostics.  The escape sequences are ECMA-48's
   SGR: ESC [ PARAMETERS m.  */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "print.h"
#include "style.h"
#include "type.h"
#include "value.h"

#define ESC "\033"

/* Every class has a name, a default that parses as attributes, and a
   name unlike the others'.  */
static void
test_table (void **state)
{
  (void) state;
  style *s = style_new ();
  for (int i = 0; i < STYLE_NCLASSES; i++)
    {
      const char *name = style_class_name ((style_class) i);
      const char *def = style_class_default ((style_class) i);
      assert_non_null (name);
      assert_non_null (def);
      assert_string_equal (style_sgr (s, name), def);
      strbuf sb;
      sb_init (&sb);
      const char *bad;
      size_t badlen;
      assert_true (style_parse_attrs (def, &sb, &bad, &badlen));
      assert_string_equal (sb.data ? sb.data : "", def);
      sb_free (&sb);
      for (int j = 0; j < i; j++)
        assert_string_not_equal (name, style_class_name ((style_class) j));
    }
  assert_string_equal (style_sgr (s, "integer"), "36");
  assert_string_equal (style_sgr (s, "dump-address"), "34");
  assert_string_equal (style_sgr (s, "no-such-class"), "");
  style_free (s);
}

/* ATTRS parses to SGR parameters WANT (NULL: refused at BADWORD).  */
static void
parses (const char *attrs, const char *want, const char *badword)
{
  strbuf sb;
  sb_init (&sb);
  const char *bad = NULL;
  size_t badlen = 0;
  bool ok = style_parse_attrs (attrs, &sb, &bad, &badlen);
  if (want)
    {
      assert_true (ok);
      assert_string_equal (sb.data ? sb.data : "", want);
    }
  else
    {
      assert_false (ok);
      assert_int_equal (badlen, strlen (badword));
      assert_memory_equal (bad, badword, badlen);
    }
  sb_free (&sb);
}

static void
test_parse_attrs (void **state)
{
  (void) state;
  parses ("bold red", "1;31", NULL);
  parses ("  underline\ton-blue  ", "4;44", NULL);
  parses ("bright-green on-bright-white", "92;107", NULL);
  parses ("1;31", "1;31", NULL);
  parses ("38;5;208 italic", "38;5;208;3", NULL);
  parses ("dim reverse blink strike", "2;7;5;9", NULL);
  parses ("", "", NULL);
  parses ("bold purple", NULL, "purple");
  parses ("256", NULL, "256");
  parses ("1x", NULL, "1x");
  parses ("on-", NULL, "on-");
  parses ("bright-", NULL, "bright-");
  parses ("red,bold", NULL, "red,bold");
}

static void
test_load_text (void **state)
{
  (void) state;
  style *s = style_new ();
  strbuf err;
  sb_init (&err);
  assert_true (style_load_text (s,
                                "# mine\n"
                                "\n"
                                "integer = bold blue\n"
                                "  my-class=underline  \n"
                                "string =\n", "st", &err));
  assert_int_equal (err.len, 0);
  assert_string_equal (style_sgr (s, "integer"), "1;34");
  assert_string_equal (style_sgr (s, "my-class"), "4");
  assert_string_equal (style_sgr (s, "string"), "");
  assert_string_equal (style_sgr (s, "offset"), "35");
  /* Bad lines are reported and skipped; the good ones apply.  */
  assert_false (style_load_text (s,
                                 "offset = bold\n"
                                 "integer = pink\n"
                                 "no equals sign\n"
                                 " = red\n"
                                 "x = \033[1m0123456789012345678901234567890123",
                                 "st", &err));
  assert_string_equal (err.data,
                       "st:2: unknown attribute `pink'\n"
                       "st:3: expected CLASS = ATTRIBUTES\n"
                       "st:4: no class name before `='\n"
                       "st:5: unknown attribute "
                       "`?[1m0123456789012345678901234567...'\n");
  assert_string_equal (style_sgr (s, "offset"), "1");
  assert_string_equal (style_sgr (s, "integer"), "1;34");
  sb_free (&err);
  style_free (s);
}

/* Ending an inner class resets and sets the outer ones again; a class
   without a style writes nothing; without an output, classes are only
   recorded.  */
static void
test_nesting (void **state)
{
  (void) state;
  style *s = style_new ();
  style_set (s, "outer", "4");
  strbuf sb;
  sb_init (&sb);
  style_begin_name (s, &sb, "outer");
  sb_puts (&sb, "a");
  style_begin (s, &sb, STYLE_INTEGER);
  sb_puts (&sb, "1");
  style_end (s, &sb);
  style_begin_name (s, &sb, "plain");
  sb_puts (&sb, "b");
  style_end (s, &sb);
  style_end (s, &sb);
  assert_string_equal (sb.data, ESC "[4ma" ESC "[36m1" ESC "[0m" ESC "[4m"
                       "b" ESC "[0m");
  assert_int_equal (style_depth (s), 0);
  assert_false (style_active (s));
  style_end (s, &sb);                   /* Nothing open: nothing.  */
  sb_reset (&sb);
  style_begin (s, NULL, STYLE_ERROR);
  style_begin (s, &sb, STYLE_STRING);
  assert_int_equal (style_depth (s), 2);
  assert_true (style_active (s));
  style_unwind (s, &sb, 0);
  assert_int_equal (style_depth (s), 0);
  assert_string_equal (sb.data, ESC "[33m" ESC "[0m" ESC "[1;31m" ESC "[0m");
  sb_free (&sb);
  style_free (s);
}

static void
test_diagnostics (void **state)
{
  (void) state;
  style *s = style_new ();
  strbuf sb;
  sb_init (&sb);
  style_diagnostics (s, &sb,
                     "a:b.pk:12:3: error: bad: thing\n"
                     "var x = y;\n"
                     "        ^\n"
                     "<stdin>:1:1: warning: w\n"
                     "x: error: not a location\n");
  assert_string_equal (sb.data,
                       ESC "[1ma:b.pk" ESC "[0m:" ESC "[1m12:3" ESC "[0m: "
                       ESC "[1;31merror" ESC "[0m: bad: thing\n"
                       "var x = y;\n"
                       "        ^\n"
                       ESC "[1m<stdin>" ESC "[0m:" ESC "[1m1:1" ESC "[0m: "
                       ESC "[1;33mwarning" ESC "[0m: w\n"
                       "x: error: not a location\n");
  sb_free (&sb);
  style_free (s);
}

/* term_set_color's colours: 24-bit SGR, set again after a class ends;
   out of 0..255, the default.  */
static void
test_color (void **state)
{
  (void) state;
  style *s = style_new ();
  strbuf sb;
  sb_init (&sb);
  int fg[3] = { 1, 2, 255 }, bg[3] = { 0, 0, 0 }, def[3] = { -1, -1, -1 };
  assert_false (style_active (s));
  style_color (s, &sb, fg, false);
  assert_true (style_active (s));
  style_color (s, &sb, bg, true);
  style_begin (s, &sb, STYLE_OFFSET);
  style_end (s, &sb);
  style_color (s, &sb, def, true);
  style_wrap (s, &sb, STYLE_INTEGER, "x", 1);
  assert_string_equal (sb.data, ESC "[38;2;1;2;255m" ESC "[48;2;0;0;0m"
                       ESC "[35m" ESC "[0m" ESC "[38;2;1;2;255m"
                       ESC "[48;2;0;0;0m" ESC "[49m"
                       ESC "[36mx" ESC "[0m" ESC "[38;2;1;2;255m");
  sb_free (&sb);
  style_free (s);
}

static void
test_hyperlink (void **state)
{
  (void) state;
  strbuf sb;
  sb_init (&sb);
  style_hyperlink_begin (&sb, "file:///x", "");
  style_hyperlink_begin (&sb, "http://h/", "7");
  style_hyperlink_end (&sb);
  assert_string_equal (sb.data, ESC "]8;;file:///x" ESC "\\"
                       ESC "]8;id=7;http://h/" ESC "\\" ESC "]8;;" ESC "\\");
  sb_free (&sb);
}

/* Values printed with a style, and without.  */
static void
test_print_styled (void **state)
{
  (void) state;
  type_init ();
  gc_init ();
  style *s = style_new ();
  print_opts o;
  print_opts_default (&o);
  strbuf sb;
  sb_init (&sb);
  val i = val_int (type_int (32, true), 7);
  val str = val_string ("hi", 2);
  val off = val_int (type_offset (type_int (64, false), 8), 2);
  print_value (&sb, i, &o);
  assert_string_equal (sb.data, "7");
  o.style = s;
  sb_reset (&sb);
  print_value (&sb, i, &o);
  print_value (&sb, str, &o);
  print_value (&sb, off, &o);
  assert_string_equal (sb.data, ESC "[36m7" ESC "[0m" ESC "[33m\"hi\""
                       ESC "[0m" ESC "[35m2UL#B" ESC "[0m");
  /* printf's classes.  */
  const char *err;
  const char *f = "%<string:<%i32d>%>%<none:.%>";
  fmt *ft = fmt_parse (f, strlen (f), &err);
  assert_non_null (ft);
  sb_reset (&sb);
  assert_true (fmt_run (&sb, ft, &i, &o));
  assert_string_equal (sb.data, ESC "[33m<7>" ESC "[0m.");
  o.style = NULL;
  sb_reset (&sb);
  assert_true (fmt_run (&sb, ft, &i, &o));
  assert_string_equal (sb.data, "<7>.");
  fmt_free (ft);
  sb_free (&sb);
  style_free (s);
  gc_fini ();
  type_fini ();
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_table),
    cmocka_unit_test (test_parse_attrs),
    cmocka_unit_test (test_load_text),
    cmocka_unit_test (test_nesting),
    cmocka_unit_test (test_diagnostics),
    cmocka_unit_test (test_color),
    cmocka_unit_test (test_hyperlink),
    cmocka_unit_test (test_print_styled),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
