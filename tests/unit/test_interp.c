/* test_interp.c -- unit tests for what lang/interp.c gives the prompt:
   completion (global names, attributes, the members of a value found
   from declarations), unfinished commands, settings and the integers
   of dot-commands, that a command that does not compile declares
   nothing, and `.compiler ast'.  The prompt itself is tested in a terminal
   (tests/e2e/repl-*.sh).  */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bpoke.h"

/* The names a completion gave, joined by blanks.  */
typedef struct names
{
  char buf[4096];
} names;

static void
collect (void *ctx, const char *name)
{
  names *n = ctx;
  size_t len = strlen (n->buf);
  snprintf (n->buf + len, sizeof n->buf - len, "%s%s", len ? " " : "",
            name);
}

static int
setup (void **state)
{
  bpoke *pk = bpoke_new ();
  static const char decls[] =
    "type Inner = struct { uint<8> lo; uint<8> hi; };"
    "type Outer = struct { Inner head; Inner[2] rows;"
    "  method get_head = Inner: { return head; }"
    "  method count = int: { return 2; } };"
    "var o = Outer {};"
    "fun make = Outer: { return Outer {}; }";
  assert_int_equal (bpoke_script (pk, decls, strlen (decls), "<test>"),
                    BPOKE_OK);
  *state = pk;
  return 0;
}

static int
teardown (void **state)
{
  bpoke_free (*state);
  return 0;
}

/* The members completed after TEXT (the text before the `.'), with
   PREFIX.  */
static const char *
members (bpoke *pk, const char *text, const char *prefix)
{
  static names n;
  n.buf[0] = '\0';
  bpoke_complete_members (pk, text, strlen (text), prefix, collect, &n);
  return n.buf;
}

static void
test_members (void **state)
{
  bpoke *pk = *state;
  assert_string_equal (members (pk, "o", ""), "head rows get_head count");
  assert_string_equal (members (pk, "o", "c"), "count");
  assert_string_equal (members (pk, "o.head", ""), "lo hi");
  assert_string_equal (members (pk, "o.rows[1]", "h"), "hi");
  assert_string_equal (members (pk, "o.get_head ()", ""), "lo hi");
  assert_string_equal (members (pk, "make ().rows[0]", "l"), "lo");
  assert_string_equal (members (pk, "var x = o.head", ""), "lo hi");
  assert_string_equal (members (pk, "printf (\"%v\", o.rows[o.count ()])",
                                ""), "");
  assert_string_equal (members (pk, "f (o.rows[o.count ()]", "l"), "lo");
}

/* Nothing is offered, and nothing breaks, where no struct type is
   known: not a global, not a struct, no such member, text that is not
   a chain of names, indexes and calls.  */
static void
test_members_unknown (void **state)
{
  bpoke *pk = *state;
  static const char *const texts[] = {
    "", "nosuch", "o.nosuch", "o.head.lo", "o.count", "o.", "o..", "o.(",
    "o.1", ")", "]", "(o)", "o)", "o]", "o[", "o(", "o.rows[", "[o][0]",
    "1 + 2", "\"o", "o.head.lo.", "'", "o'size", "Outer", "Inner",
  };
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
    assert_string_equal (members (pk, texts[i], ""), "");
}

static void
test_globals (void **state)
{
  bpoke *pk = *state;
  names n = { "" };
  bpoke_complete (pk, "Inn", NULL, collect, &n);
  assert_string_equal (n.buf, "Inner");
  n.buf[0] = '\0';
  bpoke_complete (pk, "", "t", collect, &n);
  assert_non_null (strstr (n.buf, "Outer"));
  assert_null (strstr (n.buf, " o "));
  /* Only names one can type: the checker's own start with a blank.  */
  n.buf[0] = '\0';
  bpoke_complete (pk, "", NULL, collect, &n);
  assert_non_null (strstr (n.buf, "Exception"));
  assert_null (strstr (n.buf, "  "));
  assert_int_not_equal (n.buf[0], ' ');
}

static void
test_attributes (void **state)
{
  (void) state;
  names n = { "" };
  bpoke_complete_attributes ("si", collect, &n);
  assert_string_equal (n.buf, "size signed");
  n.buf[0] = '\0';
  bpoke_complete_attributes ("", collect, &n);
  assert_non_null (strstr (n.buf, "magnitude"));
  assert_non_null (strstr (n.buf, "ename"));
}

/* Commands typed at the prompt that need more lines.  */
static void
test_unfinished (void **state)
{
  bpoke *pk = *state;
  static const char *const more[] = {
    "(1 +", "[1,", "{", "/* a", "\"ab", "f (a, [b, {", "((1)",
    "printf (\"%i32d\\n\",", "x = 1; /*",
  };
  for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
    assert_int_equal (bpoke_command (pk, more[i], strlen (more[i]),
                                     "<stdin>", true), BPOKE_INCOMPLETE);
  /* Complete, or wrong in a way more lines cannot mend.  */
  static const char *const done[] = { "1 + 1", "(1)", "\")\"", "'('",
                                       "(]", ")", "// (" };
  for (size_t i = 0; i < sizeof done / sizeof done[0]; i++)
    assert_int_not_equal (bpoke_command (pk, done[i], strlen (done[i]),
                                         "<stdin>", true), BPOKE_INCOMPLETE);
}

static void
test_settings (void **state)
{
  bpoke *pk = *state;
  const char *err, *values;
  assert_false (bpoke_set (pk, "obase", "8x", &err));
  assert_string_equal (err, "Usage: .set obase {2,8,10,16}");
  assert_false (bpoke_set (pk, "oindent", "abc", &err));
  assert_string_equal (err, "Usage: .set oindent INTEGER");
  assert_false (bpoke_set (pk, "nosuch", "1", &err));
  assert_string_equal (err, "set nosuch: command not found.");
  assert_true (bpoke_set (pk, "oindent", "0x10", &err));
  assert_string_equal (bpoke_get (pk, "oindent"), "16");
  assert_true (bpoke_set (pk, "pager", "yes", &err));
  assert_string_equal (bpoke_get (pk, "pager"), "yes");
  assert_string_equal (bpoke_get (pk, "tracer"), "no");
  assert_true (bpoke_set (pk, "tracer", "yes", &err));
  assert_string_equal (bpoke_get (pk, "tracer"), "yes");
  assert_true (bpoke_set (pk, "tracer", "no", &err));
  assert_string_equal (bpoke_get (pk, "tracer"), "no");
  assert_null (bpoke_get (pk, "nosuch"));
  assert_string_equal (bpoke_setting (0, &values), "pretty-print");
  assert_string_equal (values, "yes,no");
  int i = 0;
  while (bpoke_setting (i, NULL))
    i++;
  assert_string_equal (bpoke_setting (i - 2, &values), "ffi");
  assert_string_equal (bpoke_setting (i - 1, &values), "elf-api");
  assert_string_equal (values, "poke-2.4,poke-elf");
  assert_string_equal (bpoke_get (pk, "elf-api"), "poke-2.4");
  assert_false (bpoke_set (pk, "elf-api", "poke-4.3", &err));
  assert_string_equal (err, "Usage: .set elf-api {poke-2.4,poke-elf}");
  assert_true (bpoke_set (pk, "elf-api", "poke-elf", &err));
  assert_string_equal (bpoke_get (pk, "elf-api"), "poke-elf");
  assert_true (bpoke_setting (5, &values) && values == NULL);
}

static void
test_parse_int (void **state)
{
  (void) state;
  static const struct
  {
    const char *s;
    int v;
  } ok[] = {
    {"0", 0}, {"16", 16}, {"0x10", 16}, {"010", 8}, {"0b101", 5},
    {"-3", -3}, {"+7", 7}, {" 12", 12}, {"4294967312", 16},
    {"99999999999999999999", -1}, {"-99999999999999999999", 0},
  };
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
    {
      int v = 12345;
      assert_true (bpoke_parse_int (ok[i].s, &v));
      assert_int_equal (v, ok[i].v);
    }
  static const char *const bad[] = { "", "-", "x", "8x", "08", "0x", "1.5",
                                     "1 2", "0b2" };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      int v;
      assert_false (bpoke_parse_int (bad[i], &v));
    }
}

/* A command that does not compile declares nothing, however far its
   checking went before the error (errors the checker finds late: a
   division by zero, a name declared twice in a block or a struct type,
   a format and its arguments).  */
static void
test_failed_forgotten (void **state)
{
  bpoke *pk = *state;
  static const char *const bad[] = {
    "var zz1 = 1, zz2 = zz1 / 0",
    "var zz3 = 1; { var a = 1; type a = int; }",
    "type zz4 = struct { int a; var a = 1; }",
    "fun zz5 = void: { fun g = void: {} fun g = void: {} }",
    "unit zz6 = 8; type zz7 = struct { unit a = 8; int a; }",
    "var zz8 = 1#B; var zz9 = zz8 / (1#b as offset<int,B>)",
    "var zz10 = 1; printf (\"%i32d\", zz10, 2)",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal (bpoke_command (pk, bad[i], strlen (bad[i]),
                                     "<stdin>", false), BPOKE_ERROR);
  names n = { "" };
  bpoke_complete (pk, "zz", NULL, collect, &n);
  assert_string_equal (n.buf, "");
  static const char unit[] = "1#zz6";
  assert_int_equal (bpoke_command (pk, unit, strlen (unit), "<stdin>",
                                   false), BPOKE_ERROR);
}

/* `.compiler ast': the checked tree of an expression, each node with
   its kind, location, operator, type and folded value, children one
   "| " deeper; or the compiler's message.  Nothing is run or kept.  */
static void
test_compiler_ast (void **state)
{
  bpoke *pk = *state;
  bool ok;
  char *t = bpoke_compiler_ast (pk, "1 + 2", &ok);
  assert_true (ok);
  assert_string_equal (t,
                       "A_PROGRAM::\n"
                       "location: 1,1\n"
                       "| S_EXPR::\n"
                       "| location: 1,1\n"
                       "| | A_BINOP::\n"
                       "| | location: 1,1\n"
                       "| | operator: +\n"
                       "| | type: int<32>\n"
                       "| | value: 3\n"
                       "| | | A_INT::\n"
                       "| | | location: 1,1\n"
                       "| | | type: int<32>\n"
                       "| | | value: 1\n"
                       "| | | A_INT::\n"
                       "| | | location: 1,5\n"
                       "| | | type: int<32>\n"
                       "| | | value: 2\n");
  free (t);
  t = bpoke_compiler_ast (pk, "o.head", &ok);
  assert_true (ok);
  assert_non_null (strstr (t, "| | A_MEMBER::\n| | location: 1,1\n"
                           "| | name: head\n| | type: Inner\n"));
  free (t);
  t = bpoke_compiler_ast (pk, "1 +", &ok);
  assert_false (ok);
  assert_non_null (strstr (t, "<unknown>:1:3: error: "));
  free (t);
  t = bpoke_compiler_ast (pk, "zzundefined", &ok);
  assert_false (ok);
  assert_non_null (strstr (t, "undefined variable 'zzundefined'"));
  free (t);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_members, setup, teardown),
    cmocka_unit_test_setup_teardown (test_members_unknown, setup, teardown),
    cmocka_unit_test_setup_teardown (test_globals, setup, teardown),
    cmocka_unit_test (test_attributes),
    cmocka_unit_test_setup_teardown (test_unfinished, setup, teardown),
    cmocka_unit_test_setup_teardown (test_settings, setup, teardown),
    cmocka_unit_test (test_parse_int),
    cmocka_unit_test_setup_teardown (test_failed_forgotten, setup, teardown),
    cmocka_unit_test_setup_teardown (test_compiler_ast, setup, teardown),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
