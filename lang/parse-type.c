/* parse-type.c -- the parser's types: integral types, offsets and
   their units, arrays, struct and union types with their fields, and
   function types.  Part of the parser (parse-int.h): the rest of the
   grammar is in parse.c.  */

#include "parse-int.h"

#include <string.h>

/* Types.  */

/* The rest of int<N> or uint<N> (SIGN), from LOC, after the `<'.  */
static ast *
parse_int_type_size (parser *p, loc_t loc, bool sign)
{
  ast *n = ps_node (p, TN_INT, loc);
  n->flag = sign;
  if (p->tok.kind != T_INT)
    ps_fail_unexpected (p);
  n->lit = val_int (NULL, p->tok.ival);
  n->op = (int) p->tok.ival;
  n->b = ps_node (p, A_INT, p->tok.loc);     /* For the size's location.  */
  n->b->end = p->tok.loc.pos + p->tok.len;
  ps_next (p);
  ps_expect (p, T_GT);
  return ps_finish (p, n);
}

static ast *
parse_int_type (parser *p)
{
  loc_t loc = p->tok.loc;
  bool sign = p->tok.kind == K_INT;
  ps_next (p);
  if (ps_accept (p, T_LT))
    return parse_int_type_size (p, loc, sign);
  ast *n = ps_node (p, TN_INT, loc);
  n->flag = sign;
  n->op = 32;
  return ps_finish (p, n);
}

/* The unit after `#': a unit or type name, or a number of bits.  LOC is
   where the `#' is, which is where messages about the unit point.  */
ast *
parse_unit (parser *p, loc_t loc)
{
  ast *u = ps_node (p, A_UNIT, loc);
  if (p->tok.kind == T_IDENT)
    u->name = ps_expect_ident (p);
  else if (p->tok.kind == K_INT || p->tok.kind == K_UINT)
    {
      u->b = ps_node (p, TN_INT, p->tok.loc);
      u->b->flag = p->tok.kind == K_INT;
      u->b->op = 32;
      ps_next (p);
      ps_finish (p, u->b);
    }
  else if (p->tok.kind == T_INT)
    {
      u->a = ps_node (p, A_INT, p->tok.loc);
      u->a->lit = val_int (type_int (p->tok.isize, p->tok.isigned),
                           p->tok.ival);
      ps_next (p);
      ps_finish (p, u->a);
    }
  else
    ps_fail_unexpected (p);
  return ps_finish (p, u);
}

static ast *parse_struct_type (parser *p);

static ast *
parse_type_primary (parser *p)
{
  loc_t loc = p->tok.loc;
  ast *n;
  switch (p->tok.kind)
    {
    case K_INT:
    case K_UINT:
      return parse_int_type (p);
    case K_STRING:
      ps_next (p);
      return ps_finish (p, ps_node (p, TN_STRING, loc));
    case K_VOID:
      ps_next (p);
      return ps_finish (p, ps_node (p, TN_VOID, loc));
    case K_ANY:
      ps_next (p);
      return ps_finish (p, ps_node (p, TN_ANY, loc));
    case K_STRUCT:
    case K_UNION:
    case K_PINNED:
      return parse_struct_type (p);
    case T_LPAREN:
      {
        /* A function type: (T1, T2, ...) RET.  */
        ps_next (p);
        n = ps_node (p, TN_FUNCTION, loc);
        if (p->tok.kind != T_RPAREN)
          do
            {
              if (p->tok.kind == T_ELLIPSIS)
                {
                  /* (T, ...)R: the rest of the arguments, any type.  */
                  ast *arg = ps_node (p, TN_ANY, p->tok.loc);
                  ps_next (p);
                  arg->vararg = true;
                  ast_list_push (p->ar, n, ps_finish (p, arg));
                  continue;
                }
              ast *arg = parse_type (p);
              ast_list_push (p->ar, n, arg);
              if (ps_accept (p, T_ELLIPSIS))
                arg->vararg = true;
              else if (ps_accept (p, T_QUESTION))
                arg->optional = true;
            }
          while (ps_accept (p, T_COMMA));
        ps_expect (p, T_RPAREN);
        n->a = parse_type (p);
        return ps_finish (p, n);
      }
    case T_IDENT:
      if (ps_at_offset_type (p))
        {
          ps_next (p);
          ps_next (p);
          n = ps_node (p, TN_OFFSET, loc);
          n->a = parse_type (p);
          ps_expect (p, T_COMMA);
          n->b = parse_unit (p, p->tok.loc);
          ps_expect (p, T_GT);
          return ps_finish (p, n);
        }
      if (ps_is_type_name (p, p->tok.sval))
        {
          n = ps_node (p, TN_NAME, loc);
          n->name = ps_expect_ident (p);
          return ps_finish (p, n);
        }
      /* Fall through.  */
    default:
      ps_fail_unexpected (p);
    }
  return NULL;
}

/* Array suffixes: T[], T[N], T[SIZE#UNIT].  */
static ast *
parse_array_suffixes (parser *p, ast *t)
{
  while (p->tok.kind == T_LBRACK)
    {
      ps_next (p);
      ast *a = ps_node (p, TN_ARRAY, t->loc);
      a->a = t;
      if (p->tok.kind != T_RBRACK)
        a->b = parse_expr (p);
      ps_expect (p, T_RBRACK);
      t = ps_finish (p, a);
    }
  return t;
}

ast *
parse_type (parser *p)
{
  return parse_array_suffixes (p, parse_type_primary (p));
}

/* A field of a struct type, from FLOC; FSTART is the end of the token
   before it.  */
static ast *
parse_struct_field (parser *p, loc_t floc, int fstart)
{
  ast *f = ps_node (p, TN_FIELD, floc);
  if (ps_accept (p, K_BIG))
    f->op = TYPE_ENDIAN_BIG;
  else if (ps_accept (p, K_LITTLE))
    f->op = TYPE_ENDIAN_LITTLE;
  f->a = parse_type (p);
  if (p->tok.kind == T_IDENT)
    {
      ps_name_into (p, f);
      ps_declare (p, f->name, false);
    }
  /* A constraint (: E) and an initializer (= E), in either order;
     == E is both: a default that must hold.  */
  p->no_named++;
  for (;;)
    {
      if (!f->b && ps_accept (p, T_COLON))
        {
          f->b = parse_expr (p);
          f->nslots = p->prev_end;
        }
      else if (!f->name && (p->tok.kind == T_ASSIGN
                            || p->tok.kind == T_EQ))
        {
          /* GNU poke's location runs from the end of the previous
             token to the semicolon.  */
          ps_next (p);
          parse_expr (p);
          ps_accept (p, T_SEMI);
          ps_fail_at (p, ps_pos_loc (p, (size_t) fstart), p->prev_end,
                   "no initializer allowed in anonymous field");
        }
      else if (!f->c && ps_accept (p, T_ASSIGN))
        {
          f->c = parse_expr (p);
          f->flag = true;
        }
      else if (!f->c && !f->b && p->tok.kind == T_EQ)
        {
          ast *eq = ps_node (p, A_BINOP, p->tok.loc);
          ps_next (p);
          f->c = parse_expr (p);
          f->nslots = p->prev_end;
          f->flag = true;
          f->optional = true;         /* The == form.  */
          eq->op = T_EQ;
          eq->a = ps_node (p, A_VAR, f->nloc);
          eq->a->name = f->name;
          eq->a->end = f->nend;
          eq->b = ast_clone (p->ar, f->c);
          f->b = ps_finish (p, eq);
        }
      else
        break;
    }
  p->no_named--;
  if (ps_accept (p, T_AT))
    f->aux = parse_expr (p);            /* Label.  */
  if (ps_accept (p, K_IF))
    f->d = parse_expr (p);            /* Optional field.  */
  ps_expect (p, T_SEMI);
  return ps_finish (p, f);
}

/* if (COND) FIELD, at `if': an optional field whose condition is tested
   before the field is built (the field's kid).  */
static ast *
parse_prefixed_field (parser *p)
{
  ps_next (p);
  ps_expect (p, T_LPAREN);
  ast *cond = parse_expr (p);
  ps_expect (p, T_RPAREN);
  ast *f = parse_struct_field (p, p->tok.loc, p->prev_end);
  ast_list_push (p->ar, f, cond);
  return f;
}

/* struct and union types, with their fields and declarations.  */
static ast *
parse_struct_type (parser *p)
{
  loc_t loc = p->tok.loc;
  ast *n = ps_node (p, TN_STRUCT, loc);
  /* GNU poke locates some errors about the whole type from the end of
     the token before it.  */
  n->nend = p->prev_end;
  if (ps_accept (p, K_PINNED))
    n->op = AST_PINNED;
  if (ps_accept (p, K_UNION))
    n->flag = true;
  else
    ps_expect (p, K_STRUCT);
  if ((p->tok.kind == K_INT || p->tok.kind == K_UINT)
      && ps_peek (p)->kind == T_LT)
    {
      /* int<N> or, the size being its fields', int<*>.  */
      loc_t iloc = p->tok.loc;
      bool sign = p->tok.kind == K_INT;
      ps_next (p);
      ps_next (p);
      if (ps_accept (p, T_STAR))
        {
          n->a = ps_node (p, TN_INT, iloc);
          n->a->flag = sign;
          ps_expect (p, T_GT);
          ps_finish (p, n->a);
        }
      else
        n->a = parse_int_type_size (p, iloc, sign);
    }
  else if (p->tok.kind != T_LBRACE)
    n->a = parse_type (p);              /* Integral struct.  */
  ps_expect (p, T_LBRACE);
  scope_name *saved = p->names;
  while (p->tok.kind != T_RBRACE)
    {
      loc_t floc = p->tok.loc;
      int fstart = p->prev_end;
      if (p->tok.kind == K_VAR || p->tok.kind == K_TYPE
          || p->tok.kind == K_UNIT || p->tok.kind == K_FUN)
        {
          ast_list_push (p->ar, n, parse_stmt (p));
          continue;
        }
      if (ps_accept (p, K_METHOD))
        {
          ast *m = ps_node (p, S_FUN, floc);
          ps_name_into (p, m);
          m->flag = true;                 /* A method.  */
          ps_expect (p, T_ASSIGN);
          m->a = parse_funspec (p, p->tok.loc, m->name);
          ast_list_push (p->ar, n, ps_finish (p, m));
          continue;
        }
      if (p->tok.kind == K_IF)
        {
          ast_list_push (p->ar, n, parse_prefixed_field (p));
          continue;
        }
      if (ps_accept (p, K_COMPUTED))
        {
          /* computed T name; and nothing more.  */
          ast *cf = ps_node (p, TN_COMPUTED, floc);
          cf->a = parse_type (p);
          ps_name_into (p, cf);
          ps_expect (p, T_SEMI);
          ast_list_push (p->ar, n, ps_finish (p, cf));
          continue;
        }
      ast_list_push (p->ar, n, parse_struct_field (p, floc, fstart));
    }
  p->names = saved;
  ps_expect (p, T_RBRACE);
  return ps_finish (p, n);
}

