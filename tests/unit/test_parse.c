/* test_parse.c -- unit tests of the parser: precedence and associativity
   as GNU poke 2.4 groups operators, statement shapes, and the syntax
   error messages with their locations.  */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "parse.h"

static arena ar;

static bool
no_types (void *ctx, const char *name)
{
  (void) ctx;
  return strcmp (name, "T") == 0;
}

static source src;

static ast *
parse_mode (const char *text, strbuf *err, bool lazy)
{
  src.filename = "<test>";
  src.buf = text;
  src.len = strlen (text);
  parse_env env = { no_types, NULL, &ar, NULL, NULL, lazy, NULL, NULL, NULL, NULL };
  return parse_program (&env, &src, err, NULL);
}

static ast *
parse (const char *text, strbuf *err)
{
  return parse_mode (text, err, false);
}

/* Render an expression tree with full parenthesization.  */
static void
render (strbuf *sb, const ast *n)
{
  switch (n->kind)
    {
    case A_INT:
      sb_printf (sb, "%lld", (long long) n->lit.v.i);
      break;
    case A_VAR:
      sb_puts (sb, n->name);
      break;
    case A_BINOP: case A_AND: case A_OR: case A_IMPLIES:
      sb_putc (sb, '(');
      render (sb, n->a);
      sb_printf (sb, " %s ", tok_spelling ((tok_kind) n->op));
      render (sb, n->b);
      sb_putc (sb, ')');
      break;
    case A_UNOP:
      sb_printf (sb, "(%s", tok_spelling ((tok_kind) n->op));
      render (sb, n->a);
      sb_putc (sb, ')');
      break;
    case A_CAST:
      sb_putc (sb, '(');
      render (sb, n->a);
      sb_puts (sb, " as T)");
      break;
    case A_COND:
      sb_putc (sb, '(');
      render (sb, n->a);
      sb_puts (sb, " ? ");
      render (sb, n->b);
      sb_puts (sb, " : ");
      render (sb, n->c);
      sb_putc (sb, ')');
      break;
    default:
      sb_printf (sb, "<%s>", ast_kind_name (n->kind));
    }
}

static void
assert_groups (const char *src, const char *want)
{
  strbuf err, out;
  sb_init (&err);
  sb_init (&out);
  ast *p = parse (src, &err);
  if (!p)
    fail_msg ("%s: %s", src, err.data);
  assert_int_equal (p->nkids, 1);
  assert_int_equal (p->kids[0]->kind, S_EXPR);
  render (&out, p->kids[0]->a);
  assert_string_equal (out.data, want);
  sb_free (&err);
  sb_free (&out);
}

static void
test_precedence (void **state)
{
  (void) state;
  /* Each grouping was established with the oracle.  */
  assert_groups ("1 + 2 * 3;", "(1 + (2 * 3))");
  assert_groups ("2 * 3 ** 2;", "(2 * (3 ** 2))");
  assert_groups ("2 ** 3 ** 2;", "((2 ** 3) ** 2)");
  assert_groups ("1 ::: 1 ** 2;", "((1 ::: 1) ** 2)");
  assert_groups ("1 - 2 ::: 3;", "(1 - (2 ::: 3))");
  assert_groups ("2 == 2 & 2;", "((2 == 2) & 2)");
  assert_groups ("2 ^ 3 & 1;", "(2 ^ (3 & 1))");
  assert_groups ("3 | 1 ^ 3;", "(3 | (1 ^ 3))");
  assert_groups ("1 + 1 <<. 2;", "((1 + 1) <<. 2)");
  assert_groups ("2 == 1 < 2;", "(2 == (1 < 2))");
  assert_groups ("1 || 0 && 0;", "(1 || (0 && 0))");
  assert_groups ("1 || 1 => 0;", "((1 || 1) => 0)");
  assert_groups ("a => b => c;", "(a => (b => c))");
  assert_groups ("2 | 1 in x;", "((2 | 1) in x)");
  /* GNU poke 4.3 casts unary expressions (2.4 cast the operand).  */
  assert_groups ("!2 as T;", "((!2) as T)");
  assert_groups ("-2 as T as T;", "(((-2) as T) as T)");
  assert_groups ("2 + 3 as T;", "(2 + (3 as T))");
  assert_groups ("-1 ::: 1;", "((-1) ::: 1)");
  assert_groups ("1 ? 2 : 0 ? 3 : 4;", "(1 ? 2 : (0 ? 3 : 4))");
}

static void
assert_error (const char *src, const char *want)
{
  strbuf err;
  sb_init (&err);
  ast *p = parse (src, &err);
  assert_null (p);
  assert_string_equal (err.data, want);
  sb_free (&err);
}

static void
test_errors (void **state)
{
  (void) state;
  assert_error ("1 +;",
                "<test>:1:4: error: syntax error: unexpected ';'\n"
                "1 +;\n"
                "   ^\n");
  assert_error ("1 << 3;",
                "<test>:1:4: error: syntax error: unexpected less-than "
                "operator\n"
                "1 << 3;\n"
                "   ^\n");
  assert_error ("1 var;",
                "<test>:1:3: error: syntax error: unexpected keyword `var'\n"
                "1 var;\n"
                "  ^~~\n");
  /* End of input is reported at the last character.  */
  assert_error ("{ var a = 1;",
                "<test>:1:12: error: syntax error: unexpected end of file\n"
                "{ var a = 1;\n"
                "           ^\n");
}

static void
test_statements (void **state)
{
  (void) state;
  strbuf err;
  sb_init (&err);
  ast *p = parse ("var a = 1, b = 2; fun f = (int x, y...) int: { return x; }"
                  " for (c in s where c > 0) {} try {} catch if E {}", &err);
  assert_non_null (p);
  assert_int_equal (p->nkids, 4);
  assert_int_equal (p->kids[0]->kind, S_BLOCK);   /* Two vars.  */
  assert_int_equal (p->kids[0]->nkids, 2);
  assert_int_equal (p->kids[1]->kind, S_FUN);
  assert_int_equal (p->kids[1]->a->nkids, 2);
  assert_true (p->kids[1]->a->kids[1]->flag);     /* Variadic.  */
  assert_int_equal (p->kids[2]->kind, S_FORIN);
  assert_non_null (p->kids[2]->b);                /* where.  */
  assert_int_equal (p->kids[3]->kind, S_TRY);
  assert_non_null (p->kids[3]->c);                /* catch if.  */
  sb_free (&err);
}

/* Lazy mode: the declarations that can wait become S_LAZY nodes whose
   text parse_lazy parses back, with the locations it has in the whole
   text; the others are parsed as usual.  */
static void
test_lazy (void **state)
{
  (void) state;
  strbuf err;
  sb_init (&err);
  static const char text[] =
    "var t = [1, 0x2U, 3];\n"
    "var u = [-1];\n"
    "fun f = (int a = (1 ? 2 : 3), T[] b = [1]) T:\n"
    "  { if (a) { return b[0]; } return 0; }\n"
    "fun g = int<32>: { return f; }\n"
    "var x = 1;\n"
    "  fun h = void: { };\n"
    "fun e = (int a) int<32> : extern \"libc.so.6\" \"abs\";\n"
    "fun s = (int a) struct { int i; }: { }\n"
    "type P = pinned struct { int i; method m = void: { print \"}\"; } };\n"
    "var l = lambda (int a) int: { return a ? '}' : '{'; };\n"
    "fun c = /* ) : */ (string s = \":\") void: { /* } */ // }\n }\n"
    "type Q = struct { int i; }[2];\n"
    "type R = union uint<8> { uint<8> a; };\n"
    "var k = P { i = 1 };\n"
    "var y = 1 + 2;\n";
  ast *p = parse_mode (text, &err, true);
  assert_non_null (p);
  assert_null (err.data);
  static const struct { ast_kind kind; const char *name; int line, col; }
  want[] = {
    { S_LAZY, "t", 1, 1 }, { S_VAR, "u", 2, 1 }, { S_LAZY, "f", 3, 1 },
    { S_LAZY, "g", 5, 1 }, { S_LAZY, "x", 6, 1 }, { S_LAZY, "h", 7, 3 },
    { S_NULL, NULL, 7, 19 }, { S_FUN, "e", 8, 1 }, { S_LAZY, "s", 9, 1 },
    { S_LAZY, "P", 10, 1 }, { S_LAZY, "l", 11, 1 }, { S_LAZY, "c", 12, 1 },
    { S_TYPE, "Q", 14, 1 }, { S_LAZY, "R", 15, 1 }, { S_LAZY, "k", 16, 1 },
    { S_VAR, "y", 17, 1 },
  };
  static const lazy_kind kinds[] = { [0] = LAZY_VAR, [2] = LAZY_FUN,
    [4] = LAZY_VAR, [9] = LAZY_TYPE, [10] = LAZY_VAR, [11] = LAZY_FUN,
    [13] = LAZY_TYPE, [14] = LAZY_VAR };
  assert_int_equal (p->nkids, sizeof want / sizeof want[0]);
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
    {
      ast *n = p->kids[i];
      assert_int_equal (n->kind, want[i].kind);
      if (want[i].name)
        assert_string_equal (n->name, want[i].name);
      if (n->kind == S_LAZY)
        {
          /* Where the keyword is.  */
          assert_int_equal (n->loc.line, want[i].line);
          assert_int_equal (n->loc.col, want[i].col);
          if (i < sizeof kinds / sizeof kinds[0] && kinds[i])
            assert_int_equal (n->op, kinds[i]);
        }
    }
  /* The text skipped ends where a parse would have: at the `;' or `}'
     that ends the declaration.  */
  assert_int_equal (text[p->kids[9]->end - 1], ';');
  assert_int_equal (text[p->kids[10]->end - 1], ';');
  assert_int_equal (text[p->kids[11]->end - 1], '}');
  /* A native function is not lazy: the parser went back and read it as
     usual.  */

  parse_env env = { no_types, NULL, &ar, NULL, NULL, false, NULL, NULL, NULL,
                    NULL };
  ast *f = parse_lazy (&env, &src, p->kids[2], &err);
  assert_non_null (f);
  assert_int_equal (f->nkids, 1);
  ast *d = f->kids[0];
  assert_int_equal (d->kind, S_FUN);
  assert_string_equal (d->name, "f");
  assert_int_equal (d->loc.line, 3);
  assert_int_equal (d->a->nkids, 2);
  assert_int_equal (d->end, p->kids[2]->end);
  /* The body's statements keep their place in the whole text.  */
  ast *body = d->a->a;
  assert_int_equal (body->kind, S_BLOCK);
  assert_int_equal (body->kids[1]->kind, S_RETURN);
  assert_int_equal (body->kids[1]->loc.line, 4);
  assert_int_equal (body->kids[1]->loc.col, 29);

  ast *t = parse_lazy (&env, &src, p->kids[0], &err);
  assert_non_null (t);
  assert_int_equal (t->kids[0]->kind, S_VAR);
  assert_int_equal (t->kids[0]->a->kind, A_ARRAY);
  assert_int_equal (t->kids[0]->a->nkids, 3);

  ast *h = parse_lazy (&env, &src, p->kids[5], &err);
  assert_non_null (h);
  assert_int_equal (h->kids[0]->kind, S_FUN);
  assert_int_equal (h->kids[0]->loc.col, 3);
  assert_null (err.data);
  sb_free (&err);
}

int
main (void)
{
  arena_init (&ar);
  type_init ();
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_precedence),
    cmocka_unit_test (test_errors),
    cmocka_unit_test (test_statements),
    cmocka_unit_test (test_lazy),
  };
  int r = cmocka_run_group_tests (tests, NULL, NULL);
  type_fini ();
  arena_free (&ar);
  return r;
}
