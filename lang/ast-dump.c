/* ast-dump.c -- a printable tree of a checked AST, for `.compiler ast
   EXPR': what the checker made of an expression (node kinds, operators,
   types, folded constants), as GNU poke's command shows its own
   compiler's tree.  The nodes are bpoke's (lang/ast.def), so the tree
   is not GNU poke's: it is for debugging bpoke.

   Each node is its kind, as ast.def names it, and `::', then a line
   per attribute it has, and its children below, each line of a child
   prefixed by "| ":

     A_PROGRAM::
     location: 1,1
     | S_EXPR::
     | location: 1,1
     | | A_BINOP::
     | | location: 1,1
     | | operator: +
     | | type: int<32>
     | | value: 3
     ...  */

#include "ast-dump.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lex.h"
#include "print.h"
#include "type.h"

static void
put_prefix (strbuf *sb, int depth)
{
  for (int i = 0; i < depth; i++)
    sb_puts (sb, "| ");
}

/* The operator of N, for the kinds whose op is a token.  */
static const char *
op_spelling (const ast *n)
{
  if ((n->kind == A_BINOP || n->kind == A_UNOP) && n->op > 0
      && n->op < T_NUM_TOKENS)
    return tok_spelling ((tok_kind) n->op);
  return NULL;
}

static void
dump_node (strbuf *sb, const ast *n, int depth)
{
  put_prefix (sb, depth);
  sb_printf (sb, "%s::\n", ast_kind_name (n->kind));
  put_prefix (sb, depth);
  sb_printf (sb, "location: %d,%d\n", n->loc.line, n->loc.col);
  const char *op = op_spelling (n);
  if (op)
    {
      put_prefix (sb, depth);
      sb_printf (sb, "operator: %s\n", op);
    }
  if (n->name && n->kind != A_STR)
    {
      put_prefix (sb, depth);
      sb_printf (sb, "name: %s\n", n->name);
    }
  if (n->type)
    {
      put_prefix (sb, depth);
      sb_puts (sb, "type: ");
      type_print (sb, n->type);
      sb_putc (sb, '\n');
    }
  if (n->is_const && n->lit.t)
    {
      print_opts o;
      print_opts_default (&o);
      put_prefix (sb, depth);
      sb_puts (sb, "value: ");
      print_value (sb, n->lit, &o);
      sb_putc (sb, '\n');
    }
  const ast *kids[] = { n->a, n->b, n->c, n->d };
  for (size_t i = 0; i < sizeof kids / sizeof kids[0]; i++)
    if (kids[i])
      dump_node (sb, kids[i], depth + 1);
  for (int i = 0; i < n->nkids; i++)
    if (n->kids[i])
      dump_node (sb, n->kids[i], depth + 1);
}

void
ast_dump (strbuf *sb, const ast *n)
{
  dump_node (sb, n, 0);
}
