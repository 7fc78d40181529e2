/* parse.c -- recursive-descent parser for the Poke language: tokens,
   scopes and errors, expressions, functions, statements and the entry
   points (types are in parse-type.c).

   Statements and types by plain recursive descent; binary operators by
   precedence climbing over the table `binops` below, whose levels were
   established against GNU poke 2.4 (for example `:::` binds tighter than
   `**`, `in` between `&&` and `|`); casts apply to unary expressions, as
   in GNU poke 4.3 (-128 as int<8> is (-128) as int<8>).  A
   syntax error longjmps back to parse_program with the message built,
   because no caller can do anything useful with a half-parsed tree.  */

#include "parse-int.h"

#include <stdio.h>
#include <string.h>

/* Input nested deeper than this is refused, as GNU poke's parser does,
   rather than overflowing the C stack.  Binary operator chains count
   their height (kept in nslots while parsing).  */
#define MAX_NESTING 2000

static unsigned
name_hash (const char *s)
{
  unsigned h = 5381;
  while (*s)
    h = h * 33 + (unsigned char) *s++;
  return h;
}

static const scope_name *find_name (const parser *p, const char *name);

/* How GNU poke names each token in "unexpected X" messages.  */
static const char *
tok_desc (const token *t, char *buf, size_t bufsize)
{
  switch (t->kind)
    {
    case T_EOF: return "end of file";
    case T_ERROR: return "token";
    case T_IDENT: return "identifier";
    case T_INT: return "integer literal";
    case T_CHAR: return "character literal";
    case T_STR: return "string";
    case T_ATTR: return "attribute";
    case T_PLUS: return "addition operator";
    case T_MINUS: return "subtraction operator";
    case T_STAR: return "multiplication operator";
    case T_SLASH: return "division operator";
    case T_PERCENT: return "modulus operator";
    case T_POW: return "power operator";
    case T_AMP: return "bit-wise and operator";
    case T_PIPE: return "bit-wise or operator";
    case T_CARET: return "bit-wise xor operator";
    case T_EQ: return "equality operator";
    case T_NE: return "inequality operator";
    case T_LT: return "less-than operator";
    case T_GT: return "bigger-than operator";
    case T_LE: return "less-or-equal operator";
    case T_GE: return "bigger-or-equal-than operator";
    case T_ANDAND: return "logical and operator";
    case T_OROR: return "logical or operator";
    case T_LSHIFT: return "left shift operator";
    case T_RSHIFT: return "right shift operator";
    case T_CEILDIV: return "ceiling division operator";
    case T_BCONC: return "bit-concatenation operator";
    case T_IMPLIES: return "logical implication operator";
    case T_AT: return "map operator";
    case T_ATBANG: return "non-strict map operator";
    case T_DOT: return "dot operator";
    case T_ELLIPSIS: return "varargs indicator";
    case T_ADD_ASSIGN: return "add-and-assing operator";
    case T_SUB_ASSIGN: return "subtract-and-assign operator";
    case T_MUL_ASSIGN: return "multiply-and-assign operator";
    case T_DIV_ASSIGN: return "divide-and-assing operator";
    case T_MOD_ASSIGN: return "modulus-and-assign operator";
    case T_POW_ASSIGN: return "power-and-assign operator";
    case T_AND_ASSIGN: return "bit-and-and-assign operator";
    case T_IOR_ASSIGN: return "bit-or-and-assign operator";
    case T_XOR_ASSIGN: return "bit-xor-and-assign operator";
    case T_SL_ASSIGN: return "shift-left-and-assign operator";
    case T_SR_ASSIGN: return "shift-right-and-assign operator";
    case T_INC: return "increment operator";
    case T_DEC: return "decrement operator";
    case K_AS: return "cast operator";
    case K_IMMUTABLE: return "IMMUTABLE";
    case K_REMAP: return "remap operator";
    case K_ISA: return "type identification operator";
    case K_INT: case K_UINT: case K_STRING: case K_VOID: case K_ANY:
      return "type name";
    default:
      break;
    }
  if (t->kind >= K_VAR)
    {
      snprintf (buf, bufsize, "keyword `%s'", tok_spelling (t->kind));
      return buf;
    }
  snprintf (buf, bufsize, "'%s'", tok_spelling (t->kind));
  return buf;
}

void
ps_fail_at (parser *p, loc_t loc, int end, const char *msg)
{
  /* Each line of a multi-line message (a literal's signed overflow and
     its hint) carries the location.  */
  const char *nl;
  while ((nl = strchr (msg, '\n')) != NULL)
    {
      sb_printf (p->err, "%s:%d:%d: error: %.*s\n", p->src->filename,
                 loc.line, loc.col, (int) (nl - msg), msg);
      msg = nl + 1;
    }
  diag_format (p->err, p->src, loc, end, "error", msg);
  longjmp (p->jb, 1);
}

/* The line and column of byte POS of the source.  */
loc_t
ps_pos_loc (parser *p, size_t last)
{
  loc_t l = { 1, 1, 0 };
  for (size_t i = 0; i < last; i++)
    {
      if (p->src->buf[i] == '\n')
        {
          l.line++;
          l.col = 1;
        }
      else
        l.col++;
    }
  l.pos = (int) last;
  return l;
}

/* GNU poke reports an unexpected end of input at the last character of
   the text.  */
static loc_t
eof_loc (parser *p)
{
  return ps_pos_loc (p, p->src->len ? p->src->len - 1 : 0);
}

void
ps_fail_unexpected (parser *p)
{
  char buf[64], msg[256];
  if (p->tok.kind == T_EOF)
    {
      p->incomplete = true;
      loc_t l = eof_loc (p);
      ps_fail_at (p, l, l.pos + 1, "syntax error: unexpected end of file");
    }
  if (p->tok.kind == T_ERROR)
    {
      if (lex_incomplete (p->lx))
        p->incomplete = true;
      ps_fail_at (p, p->tok.loc,
               p->tok.loc.pos + (p->tok.len ? p->tok.len : 1),
               p->tok.errmsg ? p->tok.errmsg
                             : "syntax error: unexpected token");
    }
  const char *d = tok_desc (&p->tok, buf, sizeof buf);
  /* A type name in expression position is described as such.  */
  if (p->tok.kind == T_IDENT)
    {
      const scope_name *s = find_name (p, p->tok.sval);
      if (s)
        {
          if (s->is_type)
            d = "type name";
          goto found;
        }
      if (p->env->is_type_name
          && p->env->is_type_name (p->env->ctx, p->tok.sval))
        d = "type name";
    }
found:
  snprintf (msg, sizeof msg, "syntax error: unexpected %s", d);
  ps_fail_at (p, p->tok.loc, p->tok.loc.pos + (p->tok.len ? p->tok.len : 1),
           msg);
}

void
ps_next (parser *p)
{
  p->prev_end = p->tok.loc.pos + p->tok.len;
  if (p->has_peek)
    {
      p->tok = p->peek;
      p->has_peek = false;
    }
  else
    lex_next (p->lx, &p->tok);
}

const token *
ps_peek (parser *p)
{
  if (!p->has_peek)
    {
      lex_next (p->lx, &p->peek);
      p->has_peek = true;
    }
  return &p->peek;
}

bool
ps_accept (parser *p, tok_kind k)
{
  if (p->tok.kind == k)
    {
      ps_next (p);
      return true;
    }
  return false;
}

void
ps_expect (parser *p, tok_kind k)
{
  if (!ps_accept (p, k))
    ps_fail_unexpected (p);
}


/* Read an identifier into N->name, remembering where it is written.  */
void
ps_name_into (parser *p, ast *n)
{
  n->nloc = p->tok.loc;
  n->nend = p->tok.loc.pos + p->tok.len;
  n->name = ps_expect_ident (p);
}

const char *
ps_expect_ident (parser *p)
{
  if (p->tok.kind != T_IDENT)
    ps_fail_unexpected (p);
  const char *s = arena_strndup (p->ar, p->tok.sval, p->tok.slen);
  ps_next (p);
  return s;
}

ast *
ps_node (parser *p, ast_kind k, loc_t loc)
{
  return ast_new (p->ar, k, p->src, loc);
}

ast *
ps_finish (parser *p, ast *n)
{
  n->end = p->prev_end;
  return n;
}

/* Scopes of names, for telling types from variables.  */
void
ps_declare (parser *p, const char *name, bool is_type)
{
  scope_name *s = arena_alloc (p->ar, sizeof *s);
  s->name = name;
  s->hash = name_hash (name);
  s->is_type = is_type;
  s->next = p->names;
  p->names = s;
}

/* The innermost declaration of NAME in the text, or NULL.  */
static const scope_name *
find_name (const parser *p, const char *name)
{
  unsigned h = name_hash (name);
  for (const scope_name *s = p->names; s; s = s->next)
    if (s->hash == h && strcmp (s->name, name) == 0)
      return s;
  return NULL;
}

bool
ps_is_type_name (parser *p, const char *name)
{
  const scope_name *s = find_name (p, name);
  if (s)
    return s->is_type;
  return p->env->is_type_name && p->env->is_type_name (p->env->ctx, name);
}

/* Is NAME a variable or function, declared in the text or before it?
   Without the caller's is_variable, any name may be.  */
static bool
is_variable (parser *p, const char *name)
{
  const scope_name *s = find_name (p, name);
  if (s)
    return !s->is_type;
  return !p->env->is_variable || p->env->is_variable (p->env->ctx, name);
}

/* Is NAME declared as a variable or function, in the text or before
   it?  Unlike is_variable, an unknown name is not.  */
static bool
declared_variable (parser *p, const char *name)
{
  const scope_name *s = find_name (p, name);
  if (s)
    return !s->is_type;
  return p->env->is_variable && p->env->is_variable (p->env->ctx, name);
}

/* Is the current token the `offset<' of an offset type?  As in GNU
   poke, the `<' must follow the word at once: `offset < size' compares
   a variable named offset.  */
bool
ps_at_offset_type (parser *p)
{
  return (p->tok.kind == T_IDENT && strcmp (p->tok.sval, "offset") == 0
          && ps_peek (p)->kind == T_LT
          && ps_peek (p)->loc.pos == p->tok.loc.pos + p->tok.len);
}

/* A type in an expression (a cast, isa, sizeof, typeof, a constructor
   or a map): a struct or union type has to be named there, as in GNU
   poke.  */
static ast *
parse_expr_type (parser *p)
{
  if (p->tok.kind == K_STRUCT || p->tok.kind == K_UNION
      || p->tok.kind == K_PINNED)
    ps_fail_unexpected (p);
  return parse_type (p);
}

/* Does the current token start a type?  */
static bool
starts_type (parser *p)
{
  switch (p->tok.kind)
    {
    case K_INT: case K_UINT: case K_STRING: case K_VOID: case K_ANY:
    case K_STRUCT: case K_UNION: case K_PINNED:
      return true;
    case T_IDENT:
      /* `offset<' starts a type, unless a variable named offset is in
         scope: then it is a comparison, `offset<size'.  */
      if (ps_at_offset_type (p))
        return !declared_variable (p, "offset");
      return ps_is_type_name (p, p->tok.sval);
    default:
      return false;
    }
}

static ast *parse_primary (parser *p);
static ast *parse_binary (parser *p, int minprec);
static ast *parse_unary (parser *p);
static ast *parse_block (parser *p);
static ast *parse_extern (parser *p, bool named);
static void enter (parser *p);

/* Expressions.  */

typedef struct binop_info
{
  tok_kind tok;
  int prec;
} binop_info;

/* Higher binds tighter.  */
static const binop_info binops[] = {
  {T_IMPLIES, 1},
  {T_OROR, 2},
  {T_ANDAND, 3},
  {K_IN, 4},
  {T_PIPE, 5},
  {T_CARET, 6},
  {T_AMP, 7},
  {T_EQ, 8}, {T_NE, 8},
  {T_LT, 9}, {T_GT, 9}, {T_LE, 9}, {T_GE, 9},
  {T_LSHIFT, 10}, {T_RSHIFT, 10},
  {T_PLUS, 11}, {T_MINUS, 11},
  {T_STAR, 12}, {T_SLASH, 12}, {T_CEILDIV, 12}, {T_PERCENT, 12},
  {T_POW, 13},
  {T_BCONC, 14},
};

#define MAP_RHS_PREC 8          /* `T @ a == b` maps at a == b.  */
/* ?! binds as == does, left to right: `a || b ?! E' is a || (b ?! E),
   `a == b ?! E' is (a == b) ?! E, `a ?! E == 0' is (a ?! E) == 0, as
   in GNU poke 4.3.  */
#define EXCCOND_PREC 8

static int
binop_prec (tok_kind k)
{
  for (size_t i = 0; i < countof (binops); i++)
    if (binops[i].tok == k)
      return binops[i].prec;
  return 0;
}

/* At `?!', written as one token: `c ? !x : y' is a conditional.  */
static bool
at_exccond (parser *p)
{
  return p->tok.kind == T_QUESTION && ps_peek (p)->kind == T_BANG
         && ps_peek (p)->loc.pos == p->tok.loc.pos + 1;
}

/* OPERAND ?! EXCEPTION, at the `?': 1 if evaluating (or, for a block,
   executing) OPERAND raises EXCEPTION, else 0.  */
static ast *
parse_exccond (parser *p, ast *operand, loc_t loc)
{
  ast *n = ps_node (p, A_EXCCOND, loc);
  ps_next (p);
  ps_next (p);
  n->a = operand;
  n->b = parse_binary (p, EXCCOND_PREC + 1);
  return ps_finish (p, n);
}

static ast *parse_binary_rest (parser *p, int minprec, ast *l);

/* An expression whose first operand of a binary operator, C, has been
   parsed: ?! and ?: after it.  */
static ast *
parse_expr_rest (parser *p, ast *c)
{
  while (at_exccond (p))
    c = parse_exccond (p, c, c->loc);
  if (p->tok.kind == T_QUESTION)
    {
      ast *n = ps_node (p, A_COND, c->loc);
      ps_next (p);
      n->a = c;
      p->no_named++;
      n->b = parse_expr (p);
      p->no_named--;
      ps_expect (p, T_COLON);
      n->c = parse_expr (p);
      return ps_finish (p, n);
    }
  return c;
}

ast *
parse_expr (parser *p)
{
  return parse_expr_rest (p, parse_binary (p, 1));
}

static ast *
parse_binary (parser *p, int minprec)
{
  return parse_binary_rest (p, minprec, parse_unary (p));
}

/* Binary operators of precedence MINPREC or more after their first
   operand L.  */
static ast *
parse_binary_rest (parser *p, int minprec, ast *l)
{
  for (;;)
    {
      tok_kind op = p->tok.kind;
      if (at_exccond (p))
        {
          if (EXCCOND_PREC < minprec)
            return l;
          l = parse_exccond (p, l, l->sloc);
          continue;
        }
      int prec = binop_prec (op);
      if (prec == 0 || prec < minprec)
        return l;
      if (op == T_PLUS && p->no_named && ps_peek (p)->kind == T_COLON)
        return l;               /* a[i+:n] */
      ps_next (p);
      /* => is right-associative; the others left.  */
      ast *r = parse_binary (p, op == T_IMPLIES ? prec : prec + 1);
      ast_kind k = op == T_ANDAND ? A_AND
                   : op == T_OROR ? A_OR
                   : op == T_IMPLIES ? A_IMPLIES : A_BINOP;
      ast *n = ps_node (p, k, l->sloc);
      n->op = op;
      n->a = l;
      n->b = r;
      n->nslots = (l->nslots > r->nslots ? l->nslots : r->nslots) + 1;
      if (n->nslots > MAX_NESTING)
        ps_fail_at (p, p->tok.loc, p->tok.loc.pos + (p->tok.len ? p->tok.len
                                                             : 1),
                 "memory exhausted");
      l = ps_finish (p, n);
    }
}

static void
parse_args (parser *p, ast *call)
{
  /* The opening parenthesis has been consumed.  */
  if (p->tok.kind != T_RPAREN)
    do
      {
        ast *arg = parse_expr (p);
        ast_list_push (p->ar, call, arg);
      }
    while (ps_accept (p, T_COMMA));
  ps_expect (p, T_RPAREN);
}

/* E[I], E[I:J], E[I+:N], E[:J]...: an index or a trim of E.  */
static ast *
parse_index (parser *p, ast *e, loc_t loc)
{
  ps_next (p);
  ast *n;
  p->no_named++;
  if (p->tok.kind == T_COLON)
    {
      n = ps_node (p, A_TRIM, loc);
      n->a = e;
    }
  else
    {
      ast *i = parse_expr (p);
      if (p->tok.kind == T_PLUS)
        {
          /* a[i+:n] is a[i:i+n].  */
          ps_next (p);
          n = ps_node (p, A_TRIM, loc);
          n->a = e;
          n->b = i;
          n->flag = true;
        }
      else if (p->tok.kind == T_COLON)
        {
          n = ps_node (p, A_TRIM, loc);
          n->a = e;
          n->b = i;
        }
      else
        {
          n = ps_node (p, A_INDEX, loc);
          n->a = e;
          n->b = i;
          p->no_named--;
          ps_expect (p, T_RBRACK);
          return ps_finish (p, n);
        }
    }
  ps_expect (p, T_COLON);
  if (p->tok.kind != T_RBRACK)
    n->c = parse_expr (p);
  p->no_named--;
  ps_expect (p, T_RBRACK);
  return ps_finish (p, n);
}

static ast *
parse_postfix_ops (parser *p, ast *e)
{
  for (;;)
    {
      loc_t loc = e->loc;
      switch (p->tok.kind)
        {
        case T_LBRACK:
          e = parse_index (p, e, loc);
          break;
        case T_DOT:
          {
            ps_next (p);
            ast *n = ps_node (p, A_MEMBER, loc);
            n->a = e;
            ps_name_into (p, n);
            e = ps_finish (p, n);
            break;
          }
        case T_ATTR:
          {
            ast *n = ps_node (p, A_ATTR, loc);
            n->a = e;
            n->nloc = p->tok.loc;
            n->nend = p->tok.loc.pos + p->tok.len;
            n->name = arena_strndup (p->ar, p->tok.sval, p->tok.slen);
            ps_next (p);
            /* x'elem (I): the argument of an attribute (the checker
               says which take one).  */
            if (ps_accept (p, T_LPAREN))
              {
                n->b = parse_expr (p);
                ps_expect (p, T_RPAREN);
              }
            e = ps_finish (p, n);
            break;
          }
        case T_LPAREN:
          {
            ps_next (p);
            ast *n = ps_node (p, A_CALL, loc);
            n->a = e;
            parse_args (p, n);
            e = ps_finish (p, n);
            break;
          }
        case T_HASH:
          {
            loc_t hloc = p->tok.loc;
            ps_next (p);
            ast *n = ps_node (p, A_OFFSET, loc);
            n->a = e;
            n->b = parse_unit (p, hloc);
            e = ps_finish (p, n);
            break;
          }
        case T_INC:
        case T_DEC:
          {
            ast *n = ps_node (p, A_INCDEC, loc);
            n->op = p->tok.kind;
            n->a = e;
            ps_next (p);
            e = ps_finish (p, n);
            break;
          }
        case T_COLON:
          /* After an operand, `:' can only start a named argument, whose
             name must follow (so `1 :: 2' fails at the second colon).  */
          if (p->no_named || e->kind == A_VAR || ps_peek (p)->kind != T_COLON)
            return e;
          ps_next (p);
          ps_fail_unexpected (p);
          return e;
        default:
          return e;
        }
    }
}

/* E as T, E isa T: casts apply to a unary expression (-128 as int<8> is
   (-128) as int<8>, as in GNU poke 4.3), and the postfix operators go
   on after them ((10 as int<8>)'size).  */
static ast *
parse_casts (parser *p, ast *e)
{
  while (p->tok.kind == K_AS || p->tok.kind == K_ISA)
    {
      ast *n = ps_node (p, p->tok.kind == K_AS ? A_CAST : A_ISA, e->loc);
      ps_next (p);
      n->a = e;
      n->b = parse_expr_type (p);
      e = parse_postfix_ops (p, ps_finish (p, n));
    }
  return e;
}

/* TYPE @ [IOS :] OFFSET, at the `@' (or `@!').  */
static ast *
parse_map (parser *p, ast *t)
{
  ast *n = ps_node (p, A_MAP, t->loc);
  n->flag = p->tok.kind == T_ATBANG;
  ps_next (p);
  n->a = t;
  p->no_named++;
  ast *off = parse_binary (p, MAP_RHS_PREC);
  p->no_named--;
  if (ps_accept (p, T_COLON))
    {
      n->c = off;
      off = parse_binary (p, MAP_RHS_PREC);
    }
  n->b = off;
  return ps_finish (p, n);
}

/* What follows a type T in expression position: a map, a struct or
   array constructor.  */
static ast *
parse_type_expr_after (parser *p, ast *t)
{
  loc_t loc = t->loc;
  if (p->tok.kind == T_AT || p->tok.kind == T_ATBANG)
    return parse_map (p, t);
  if (p->tok.kind == T_LBRACE)
    {
      ps_next (p);
      ast *n = ps_node (p, A_STRUCTCONS, loc);
      n->a = t;
      if (p->tok.kind != T_RBRACE)
        do
          {
            if (p->tok.kind == T_RBRACE)
              break;
            ast *fi = ps_node (p, A_FIELDINIT, p->tok.loc);
            if (p->tok.kind == T_IDENT && ps_peek (p)->kind == T_ASSIGN)
              {
                fi->name = ps_expect_ident (p);
                ps_expect (p, T_ASSIGN);
              }
            fi->a = parse_expr (p);
            ast_list_push (p->ar, n, ps_finish (p, fi));
          }
        while (ps_accept (p, T_COMMA));
      ps_expect (p, T_RBRACE);
      return ps_finish (p, n);
    }
  if (p->tok.kind == T_LPAREN && (t->kind == TN_ARRAY || t->kind == TN_NAME))
    {
      ps_next (p);
      ast *n = ps_node (p, A_ARRCONS, loc);
      n->a = t;
      parse_args (p, n);
      return ps_finish (p, n);
    }
  ps_fail_unexpected (p);
  return NULL;
}

static ast *
parse_type_expr (parser *p)
{
  return parse_type_expr_after (p, parse_expr_type (p));
}

/* The format string of printf or format into N->a, and its arguments
   into N's list.  */
static void
parse_format_args (parser *p, ast *n)
{
  if (p->tok.kind != T_STR)
    ps_fail_unexpected (p);
  n->a = parse_primary (p);
  /* GNU poke takes the comma after the format as optional.  */
  if (p->tok.kind != T_COMMA && p->tok.kind != T_RPAREN
      && p->tok.kind != T_SEMI)
    ast_list_push (p->ar, n, parse_expr (p));
  while (ps_accept (p, T_COMMA))
    ast_list_push (p->ar, n, parse_expr (p));
}

/* F :a 1 :b 2 -- a call of F with named arguments, at the first `:'.
   Each value is a whole expression (`:a c ? 1 : 2' too), which ends
   where the next `:NAME' starts.  */
static ast *
parse_named_call (parser *p, ast *f)
{
  ast *call = ps_node (p, A_CALL, f->loc);
  call->a = f;
  call->flag = true;
  while (p->tok.kind == T_COLON && ps_peek (p)->kind == T_IDENT)
    {
      ast *arg = ps_node (p, A_FIELDINIT, p->tok.loc);
      ps_next (p);
      ps_name_into (p, arg);
      arg->a = parse_expr (p);
      ast_list_push (p->ar, call, ps_finish (p, arg));
    }
  return ps_finish (p, call);
}

/* An expression, or a call with named arguments: where GNU poke takes
   one, as a statement and right inside parentheses.  The function is
   a postfix expression (f, s.m, a[0], (f), f (1)...); an operator
   before it or after it makes the whole an expression, where a `:'
   is a syntax error.  */
static ast *
parse_expr_or_named_call (parser *p)
{
  switch (p->tok.kind)
    {
    case T_INC: case T_DEC: case T_MINUS: case T_PLUS: case T_TILDE:
    case T_BANG:
      return parse_expr (p);
    default:
      break;
    }
  enter (p);
  ast *e = parse_postfix_ops (p, parse_primary (p));
  p->depth--;
  /* An offset (1#B) or an attribute (x'size) is no function there,
     unless parenthesized.  */
  bool callee = (e->kind != A_OFFSET && e->kind != A_ATTR)
                || e->sloc.pos != e->loc.pos;
  if (callee && p->tok.kind == T_COLON && ps_peek (p)->kind == T_IDENT)
    return parse_named_call (p, e);
  e = parse_casts (p, e);
  return parse_expr_rest (p, parse_binary_rest (p, 1, e));
}

/* A name that is not a type's: a variable, or a call with named
   arguments.  */
static ast *
parse_name (parser *p, loc_t loc)
{
  ast *n;
  if (ps_peek (p)->kind == T_LBRACE && p->no_named == 0)
    {
      /* Not a type: the checker says the name is undefined.  */
      ast *t = ps_node (p, TN_NAME, loc);
      t->name = ps_expect_ident (p);
      t->flag = true;
      ps_finish (p, t);
      ps_next (p);
      n = ps_node (p, A_STRUCTCONS, loc);
      n->a = t;
      while (p->tok.kind != T_RBRACE && p->tok.kind != T_EOF)
        ps_next (p);
      ps_expect (p, T_RBRACE);
      return ps_finish (p, n);
    }
  if ((ps_peek (p)->kind == T_AT || ps_peek (p)->kind == T_ATBANG)
      && !is_variable (p, p->tok.sval))
    {
      /* A name that is neither a type nor a variable before `@': a
         mistyped type, which GNU poke (resolving names as it parses)
         calls an undefined variable.  The checker says so of the map
         of an undefined type.  */
      ast *t = ps_node (p, TN_NAME, loc);
      t->name = ps_expect_ident (p);
      t->flag = true;
      return parse_map (p, ps_finish (p, t));
    }
  n = ps_node (p, A_VAR, loc);
  n->name = ps_expect_ident (p);
  return ps_finish (p, n);
}

/* [E, ...] and [.[I] = E, ...].  */
static ast *
parse_array_literal (parser *p, loc_t loc)
{
  ps_next (p);
  ast *n = ps_node (p, A_ARRAY, loc);
  if (p->tok.kind == T_RBRACK)
    ps_fail_unexpected (p);        /* No empty array literals.  */
  do
    {
      ast *el = ps_node (p, A_ELEM, p->tok.loc);
      if (p->tok.kind == T_DOT)
        {
          ps_next (p);
          ps_expect (p, T_LBRACK);
          el->a = parse_expr (p);
          ps_expect (p, T_RBRACK);
          ps_expect (p, T_ASSIGN);
        }
      el->b = parse_expr (p);
      ast_list_push (p->ar, n, ps_finish (p, el));
    }
  while (ps_accept (p, T_COMMA) && p->tok.kind != T_RBRACK);
  ps_expect (p, T_RBRACK);
  return ps_finish (p, n);
}

/* sizeof (TYPE), typeof (TYPE or E).  */
static ast *
parse_sizeof (parser *p, loc_t loc)
{
  ast *n = ps_node (p, p->tok.kind == K_SIZEOF ? A_SIZEOF : A_TYPEOF, loc);
  bool is_sizeof = p->tok.kind == K_SIZEOF;
  ps_next (p);
  ps_expect (p, T_LPAREN);
  if (is_sizeof || starts_type (p))
    {
      n->a = parse_expr_type (p);
      if (!is_sizeof && p->tok.kind != T_RPAREN)
        {
          /* typeof (T {...}.f + 1): an expression that starts with a
             constructor or a map of T.  */
          ast *e = parse_postfix_ops (p, parse_type_expr_after (p, n->a));
          n->a = parse_expr_rest (p, parse_binary_rest (p, 1, e));
        }
    }
  else
    n->a = parse_expr (p);
  ps_expect (p, T_RPAREN);
  return ps_finish (p, n);
}

static ast *
parse_primary (parser *p)
{
  loc_t loc = p->tok.loc;
  ast *n;
  if (starts_type (p))
    return parse_type_expr (p);
  switch (p->tok.kind)
    {
    case T_INT:
    case T_CHAR:
      n = ps_node (p, A_INT, loc);
      n->lit = val_int (type_int (p->tok.isize, p->tok.isigned),
                        p->tok.ival);
      ps_next (p);
      return ps_finish (p, n);
    case T_IOSREF:
      /* The checker makes it the id of the IO space.  */
      n = ps_node (p, A_INT, loc);
      n->name = arena_strndup (p->ar, p->tok.sval, p->tok.slen);
      ps_next (p);
      return ps_finish (p, n);
    case T_STR:
      {
        n = ps_node (p, A_STR, loc);
        /* Adjacent string literals are not concatenated in Poke.  */
        n->name = arena_strndup (p->ar, p->tok.sval, p->tok.slen);
        n->op = (int) p->tok.slen;
        ps_next (p);
        return ps_finish (p, n);
      }
    case T_HASH:
      /* #B: one unit.  */
      ps_next (p);
      n = ps_node (p, A_OFFSET, loc);
      n->b = parse_unit (p, loc);
      return ps_finish (p, n);
    case T_LBRACE:
      {
        /* A block is an expression only as the operand of ?!.  */
        ast *b = parse_block (p);
        if (!at_exccond (p))
          ps_fail_at (p, loc, loc.pos + 1, "syntax error: unexpected '{'");
        return parse_exccond (p, b, loc);
      }
    case T_IDENT:
      return parse_name (p, loc);
    case T_LPAREN:
      ps_next (p);
      n = parse_expr_or_named_call (p);
      ps_expect (p, T_RPAREN);
      /* A parenthesized function name, or method of a struct, is the
         function, not a call.  */
      if (n->kind == A_VAR || n->kind == A_MEMBER)
        n->op = AST_NOCALL;
      /* An operation on it starts at the parenthesis.  */
      n->sloc = loc;
      return n;
    case T_LBRACK:
      return parse_array_literal (p, loc);
    case K_SIZEOF:
    case K_TYPEOF:
      return parse_sizeof (p, loc);
    case K_FORMAT:
      {
        ps_next (p);
        n = ps_node (p, A_FORMAT, loc);
        ps_expect (p, T_LPAREN);
        parse_format_args (p, n);
        ps_expect (p, T_RPAREN);
        return ps_finish (p, n);
      }
    case K_LAMBDA:
      {
        ps_next (p);
        n = ps_node (p, A_LAMBDA, loc);
        n->a = parse_funspec (p, p->tok.loc, NULL);
        return ps_finish (p, n);
      }
    case K_UNMAP:
    case K_REMAP:
      {
        n = ps_node (p, p->tok.kind == K_UNMAP ? S_UNMAP : A_REMAP, loc);
        ps_next (p);
        n->a = parse_unary (p);
        return ps_finish (p, n);
      }
    case K_APUSH:
    case K_APOP:
      {
        /* apush (ARRAY, VALUE), apop (ARRAY): operators of GNU poke 4.3,
           with their own syntax.  */
        n = ps_node (p, p->tok.kind == K_APUSH ? A_APUSH : A_APOP, loc);
        ps_next (p);
        ps_expect (p, T_LPAREN);
        n->a = parse_expr (p);
        if (n->kind == A_APUSH)
          {
            ps_expect (p, T_COMMA);
            n->b = parse_expr (p);
          }
        ps_expect (p, T_RPAREN);
        return ps_finish (p, n);
      }
    default:
      ps_fail_unexpected (p);
    }
  return NULL;
}

static void
enter (parser *p)
{
  if (++p->depth > MAX_NESTING)
    ps_fail_at (p, p->tok.loc, p->tok.loc.pos + (p->tok.len ? p->tok.len : 1),
             "memory exhausted");
}

static ast *parse_unary_1 (parser *p);

static ast *
parse_unary (parser *p)
{
  enter (p);
  ast *n = parse_casts (p, parse_unary_1 (p));
  p->depth--;
  return n;
}

/* The operand of a prefix operator: a unary expression without casts.  */
static ast *
parse_prefix_operand (parser *p)
{
  enter (p);
  ast *n = parse_unary_1 (p);
  p->depth--;
  return n;
}

static ast *
parse_unary_1 (parser *p)
{
  loc_t loc = p->tok.loc;
  switch (p->tok.kind)
    {
    case T_INC:
    case T_DEC:
      {
        ast *n = ps_node (p, A_INCDEC, loc);
        n->op = p->tok.kind;
        n->flag = true;
        ps_next (p);
        n->a = parse_prefix_operand (p);
        return ps_finish (p, n);
      }
    case T_MINUS:
    case T_PLUS:
    case T_TILDE:
    case T_BANG:
      {
        ast *n = ps_node (p, A_UNOP, loc);
        n->op = p->tok.kind;
        ps_next (p);
        n->a = parse_prefix_operand (p);
        /* The whole, a closing parenthesis included.  */
        return ps_finish (p, n);
      }
    default:
      return parse_postfix_ops (p, parse_primary (p));
    }
}

/* Functions: [(PARAMS)] RET_TYPE : BLOCK.  */
ast *
parse_funspec (parser *p, loc_t loc, const char *name)
{
  ast *f = ps_node (p, A_FUNC, loc);
  f->name = name;
  scope_name *saved = p->names;
  if (p->tok.kind == T_LPAREN && !(ps_peek (p)->kind == T_IDENT
                                   && 0))
    {
      ps_next (p);
      if (p->tok.kind != T_RPAREN)
        do
          {
            ast *prm = ps_node (p, A_PARAM, p->tok.loc);
            if (p->tok.kind == T_IDENT && ps_peek (p)->kind == T_ELLIPSIS)
              {
                ps_name_into (p, prm);
                ps_next (p);
                prm->flag = true;
              }
            else
              {
                prm->a = parse_type (p);
                ps_name_into (p, prm);
                if (ps_accept (p, T_ASSIGN))
                  prm->b = parse_expr (p);
              }
            ps_declare (p, prm->name, false);
            ast_list_push (p->ar, f, ps_finish (p, prm));
          }
        while (ps_accept (p, T_COMMA));
      ps_expect (p, T_RPAREN);
    }
  if (p->tok.kind == T_LPAREN)
    ps_fail_unexpected (p);
  f->b = parse_type (p);
  ps_expect (p, T_COLON);
  if (p->tok.kind == T_IDENT && strcmp (p->tok.sval, "extern") == 0)
    f->a = parse_extern (p, name != NULL);
  else
    f->a = parse_block (p);
  p->names = saved;
  return ps_finish (p, f);
}

/* The body of a native function: extern LIBRARY [SYMBOL], and a `;'
   after a named declaration.  `extern' is a keyword only here, where an
   identifier cannot stand, so programs using it as a name still work.  */
static ast *
parse_extern (parser *p, bool named)
{
  ast *n = ps_node (p, A_EXTERN, p->tok.loc);
  ps_next (p);
  if (p->tok.kind != T_STR)
    ps_fail_unexpected (p);
  n->a = parse_primary (p);
  if (p->tok.kind == T_STR)
    n->b = parse_primary (p);
  ps_finish (p, n);
  if (named)
    ps_expect (p, T_SEMI);
  return n;
}

/* Statements.  */

static ast *
parse_block (parser *p)
{
  loc_t loc = p->tok.loc;
  ps_expect (p, T_LBRACE);
  ast *b = ps_node (p, S_BLOCK, loc);
  scope_name *saved = p->names;
  while (p->tok.kind != T_RBRACE)
    {
      if (p->tok.kind == T_EOF)
        ps_fail_unexpected (p);
      ast_list_push (p->ar, b, parse_stmt (p));
    }
  ps_next (p);
  p->names = saved;
  return ps_finish (p, b);
}

static bool
is_assign_op (tok_kind k)
{
  switch (k)
    {
    case T_ASSIGN: case T_ADD_ASSIGN: case T_SUB_ASSIGN: case T_MUL_ASSIGN:
    case T_DIV_ASSIGN: case T_MOD_ASSIGN: case T_POW_ASSIGN:
    case T_AND_ASSIGN: case T_IOR_ASSIGN: case T_XOR_ASSIGN:
    case T_SL_ASSIGN: case T_SR_ASSIGN:
      return true;
    default:
      return false;
    }
}

/* An expression statement, assignment or increment, without the `;`.  */
static ast *
parse_simple_stmt (parser *p)
{
  loc_t loc = p->tok.loc;
  ast *e = parse_expr_or_named_call (p);
  if (is_assign_op (p->tok.kind) && !(e->kind == A_CALL && e->flag))
    {
      /* A bit-concatenation is an l-value of `=' only.  */
      if (p->tok.kind != T_ASSIGN && e->kind == A_BINOP && e->op == T_BCONC)
        ps_fail_unexpected (p);
      ast *n = ps_node (p, S_ASSIGN, loc);
      n->op = p->tok.kind;
      ps_next (p);
      n->a = e;
      n->b = parse_expr (p);
      return ps_finish (p, n);
    }
  ast *s = ps_node (p, S_EXPR, loc);
  s->a = e;
  return ps_finish (p, s);
}

/* After `var', `type' or `unit' (KIND is S_VAR, S_TYPE or S_UNIT):
   NAME = VALUE, ...  One declaration alone, or two or more in an
   S_BLOCK marked transparent (flag), so that the names stay in the
   enclosing scope.  */
static ast *
parse_decls (parser *p, loc_t loc, ast_kind kind)
{
  ast *first = NULL, *list = NULL;
  do
    {
      ast *n = ps_node (p, kind, p->tok.loc);
      ps_name_into (p, n);
      ps_expect (p, T_ASSIGN);
      /* A type is declared after its body, as in GNU poke: it cannot
         refer to itself.  */
      n->a = kind == S_TYPE ? parse_type (p) : parse_expr (p);
      if (kind != S_UNIT)
        ps_declare (p, n->name, kind == S_TYPE);
      ps_finish (p, n);
      if (!first)
        first = n;
      else
        {
          if (!list)
            {
              list = ps_node (p, S_BLOCK, loc);
              list->flag = true;
              ast_list_push (p->ar, list, first);
            }
          ast_list_push (p->ar, list, n);
        }
    }
  while (ps_accept (p, T_COMMA));
  return list ? ps_finish (p, list) : first;
}

static ast *parse_stmt_1 (parser *p);

ast *
parse_stmt (parser *p)
{
  enter (p);
  ast *n = parse_stmt_1 (p);
  p->depth--;
  return n;
}

/* { STMTS }, or { STMTS } ?! EXCEPTION, an expression.  */
static ast *
parse_block_stmt (parser *p, loc_t loc)
{
  ast *b = parse_block (p);
  if (at_exccond (p))
    {
      /* { STMTS } ?! EXCEPTION is an expression.  */
      ast *st = ps_node (p, S_EXPR, loc);
      st->a = parse_expr_rest (p, parse_binary_rest (p, 1,
                                                     parse_exccond (p, b,
                                                                    loc)));
      ps_expect (p, T_SEMI);
      return ps_finish (p, st);
    }
  return b;
}

/* var, type or unit (KIND) declarations.  */
static ast *
parse_decl_stmt (parser *p, loc_t loc, ast_kind kind)
{
  ps_next (p);
  ast *n = parse_decls (p, loc, kind);
  ps_expect (p, T_SEMI);
  return n;
}

static ast *
parse_fun_decl (parser *p, loc_t loc)
{
  ps_next (p);
  ast *n = ps_node (p, S_FUN, loc);
  ps_name_into (p, n);
  ps_declare (p, n->name, false);
  ps_expect (p, T_ASSIGN);
  n->a = parse_funspec (p, p->tok.loc, n->name);
  return ps_finish (p, n);
}

static ast *
parse_if (parser *p, loc_t loc)
{
  ps_next (p);
  ast *n = ps_node (p, S_IF, loc);
  ps_expect (p, T_LPAREN);
  n->a = parse_expr (p);
  ps_expect (p, T_RPAREN);
  n->b = parse_stmt (p);
  if (ps_accept (p, K_ELSE))
    n->c = parse_stmt (p);
  return ps_finish (p, n);
}

static ast *
parse_while (parser *p, loc_t loc)
{
  ps_next (p);
  ast *n = ps_node (p, S_WHILE, loc);
  ps_expect (p, T_LPAREN);
  n->a = parse_expr (p);
  ps_expect (p, T_RPAREN);
  n->b = parse_stmt (p);
  return ps_finish (p, n);
}

/* for (NAME in E [where C]) S, from NAME.  */
static ast *
parse_for_in (parser *p, loc_t loc)
{
  scope_name *saved = p->names;
  ast *n = ps_node (p, S_FORIN, loc);
  n->name = ps_expect_ident (p);
  ps_next (p);
  n->a = parse_expr (p);
  ps_declare (p, n->name, false);
  if (ps_accept (p, K_WHERE))
    n->b = parse_expr (p);
  ps_expect (p, T_RPAREN);
  n->c = parse_stmt (p);
  p->names = saved;
  return ps_finish (p, n);
}

static ast *
parse_for (parser *p, loc_t loc)
{
  ps_next (p);
  ps_expect (p, T_LPAREN);
  if (p->tok.kind == T_IDENT && ps_peek (p)->kind == K_IN)
    return parse_for_in (p, loc);
  scope_name *saved = p->names;
  ast *n = ps_node (p, S_FOR, loc);
  loc_t dloc = p->tok.loc;
  if (ps_accept (p, K_VAR))
    n->a = parse_decls (p, dloc, S_VAR);
  else if (ps_accept (p, K_TYPE))
    n->a = parse_decls (p, dloc, S_TYPE);
  else if (ps_accept (p, K_UNIT))
    n->a = parse_decls (p, dloc, S_UNIT);
  else if (p->tok.kind != T_SEMI)
    {
      /* Only a declaration of a variable, type or unit, as in GNU
         poke; after a name, `in' was the only way on.  */
      if (p->tok.kind == T_IDENT)
        ps_next (p);
      ps_fail_unexpected (p);
    }
  ps_expect (p, T_SEMI);
  if (p->tok.kind != T_SEMI)
    n->b = parse_expr (p);
  ps_expect (p, T_SEMI);
  if (p->tok.kind != T_RPAREN)
    {
      ast *steps = ps_node (p, S_BLOCK, p->tok.loc);
      steps->flag = true;
      do
        ast_list_push (p->ar, steps, parse_simple_stmt (p));
      while (ps_accept (p, T_COMMA));
      n->c = ps_finish (p, steps);
    }
  ps_expect (p, T_RPAREN);
  n->d = parse_stmt (p);
  p->names = saved;
  return ps_finish (p, n);
}

/* return [E]; or raise [E]; (KIND S_RETURN or S_RAISE).  */
static ast *
parse_return (parser *p, loc_t loc, ast_kind kind)
{
  ps_next (p);
  ast *n = ps_node (p, kind, loc);
  if (p->tok.kind != T_SEMI)
    n->a = parse_expr (p);
  ps_expect (p, T_SEMI);
  return ps_finish (p, n);
}

/* try S catch ..., and try S until E;.  */
static ast *
parse_try (parser *p, loc_t loc)
{
  ps_next (p);
  if (p->tok.kind == K_VAR || p->tok.kind == K_TYPE
      || p->tok.kind == K_UNIT || p->tok.kind == K_FUN)
    ps_fail_unexpected (p);
  ast *body = parse_stmt (p);
  ast *n;
  if (ps_accept (p, K_UNTIL))
    {
      n = ps_node (p, S_TRYUNTIL, loc);
      n->a = body;
      n->b = parse_expr (p);
      ps_finish (p, n);
      ps_expect (p, T_SEMI);
      return n;
    }
  n = ps_node (p, S_TRY, loc);
  n->a = body;
  ps_expect (p, K_CATCH);
  scope_name *saved = p->names;
  if (ps_accept (p, K_IF))
    {
      p->no_named++;      /* `catch if E {' is no constructor.  */
      n->c = parse_expr (p);
      p->no_named--;
    }
  else if (p->tok.kind == T_LPAREN)
    {
      ps_next (p);
      n->d = parse_type (p);
      ps_name_into (p, n);
      ps_declare (p, n->name, false);
      ps_expect (p, T_RPAREN);
    }
  /* The handler is a block, whatever the body is.  */
  if (p->tok.kind != T_LBRACE)
    ps_fail_unexpected (p);
  n->b = parse_stmt (p);
  p->names = saved;
  return ps_finish (p, n);
}

/* Where the text of N, in S, ends: the furthest end in its tree (a
   prefix operator's node ends after the operator), and the closing
   parentheses of its operands; not N's own.  */
static int
deep_end (const char *s, const ast *n)
{
  int end = n->end;
  const ast *sub[] = { n->a, n->b, n->c, n->d };
  for (size_t i = 0; i < countof (sub) + (size_t) n->nkids; i++)
    {
      const ast *k = i < countof (sub) ? sub[i] : n->kids[i - countof (sub)];
      if (!k)
        continue;
      int e = deep_end (s, k);
      /* As many `)' as there are `(' before K.  */
      for (int pos = k->sloc.pos; pos < k->loc.pos; pos++)
        if (s[pos] == '(')
          {
            while (s[e] == ' ' || s[e] == '\t' || s[e] == '\n')
              e++;
            if (s[e] == ')')
              e++;
          }
      end = e > end ? e : end;
    }
  return end;
}

/* The text of E, an assert's condition, which is the message of the
   exception when no other is given, as GNU poke 4.3 cuts it out of the
   source: without the parentheses around E; when E spans lines, the
   same columns of each line, from E's first to its last (so nothing
   when it ends left of where it starts).  */
static const char *
assert_text (parser *p, const ast *e)
{
  const char *s = p->src->buf;
  int from = e->loc.pos, to = deep_end (s, e);
  int first = from - (e->loc.col - 1), last = to;
  while (last > from && s[last - 1] != '\n')
    last--;
  int sc = from - first, ec = to - last;
  strbuf sb;
  sb_init (&sb);
  if (last == from)
    sb_putn (&sb, s + from, (size_t) (to - from));      /* One line.  */
  else if (ec >= sc)
    for (int line = first; line <= last; )
      {
        int len = 0;
        while (line + len < to && s[line + len] != '\n')
          len++;
        if (line != first)
          sb_putc (&sb, '\n');
        if (len > sc)
          sb_putn (&sb, s + line + sc, (size_t) ((len < ec ? len : ec) - sc));
        line += len + 1;
      }
  const char *r = arena_strndup (p->ar, sb.data ? sb.data : "", sb.len);
  sb_free (&sb);
  return r;
}

static ast *
parse_assert (parser *p, loc_t loc)
{
  ps_next (p);
  ast *n = ps_node (p, S_ASSERT, loc);
  ps_expect (p, T_LPAREN);
  n->a = parse_expr (p);
  n->name = assert_text (p, n->a);
  if (ps_accept (p, T_COMMA))
    n->b = parse_expr (p);
  ps_expect (p, T_RPAREN);
  ps_finish (p, n);
  ps_expect (p, T_SEMI);
  return n;
}

static ast *
parse_print (parser *p, loc_t loc)
{
  ps_next (p);
  ast *n = ps_node (p, S_PRINT, loc);
  n->a = parse_expr (p);
  ps_finish (p, n);
  ps_expect (p, T_SEMI);
  return n;
}

static ast *
parse_printf (parser *p, loc_t loc)
{
  ps_next (p);
  ast *n = ps_node (p, S_PRINTF, loc);
  bool paren = ps_accept (p, T_LPAREN);
  parse_format_args (p, n);
  /* GNU poke's printf (...) ends at the parenthesis, printf ... at the
     semicolon.  */
  if (paren)
    {
      ps_expect (p, T_RPAREN);
      ps_finish (p, n);
      ps_expect (p, T_SEMI);
      return n;
    }
  ps_expect (p, T_SEMI);
  return ps_finish (p, n);
}

/* load NAME; or load "FILE";: the module is loaded now (env->load), so
   that the rest of the text sees its declarations.  */
static ast *
parse_load (parser *p, loc_t loc)
{
  ps_next (p);
  ast *n = ps_node (p, S_LOAD, loc);
  loc_t nloc = p->tok.loc;
  int nend = p->tok.loc.pos + p->tok.len;
  if (p->tok.kind == T_STR)
    {
      n->name = arena_strndup (p->ar, p->tok.sval, p->tok.slen);
      n->flag = true;
      ps_next (p);
    }
  else
    n->name = ps_expect_ident (p);
  ps_finish (p, n);
  ps_expect (p, T_SEMI);
  const char *msg = NULL;
  if (p->env->load
      && !p->env->load (p->env->load_ctx, p->src, n->name, n->flag,
                        &msg))
    {
      if (msg)
        ps_fail_at (p, nloc, nend, msg);
      longjmp (p->jb, 1);
    }
  return n;
}

static ast *
parse_stmt_1 (parser *p)
{
  loc_t loc = p->tok.loc;
  ast *n;
  switch (p->tok.kind)
    {
    case T_SEMI:
      ps_next (p);
      return ps_finish (p, ps_node (p, S_NULL, loc));
    case T_LBRACE:
      return parse_block_stmt (p, loc);
    case K_VAR:
      return parse_decl_stmt (p, loc, S_VAR);
    case K_TYPE:
      return parse_decl_stmt (p, loc, S_TYPE);
    case K_UNIT:
      return parse_decl_stmt (p, loc, S_UNIT);
    case K_FUN:
      return parse_fun_decl (p, loc);
    case K_IMMUTABLE:           /* At the top level only.  */
      ps_fail_unexpected (p);
      return NULL;
    case K_IF:
      return parse_if (p, loc);
    case K_WHILE:
      return parse_while (p, loc);
    case K_FOR:
      return parse_for (p, loc);
    case K_BREAK:
    case K_CONTINUE:
      n = ps_node (p, p->tok.kind == K_BREAK ? S_BREAK : S_CONTINUE, loc);
      ps_next (p);
      ps_expect (p, T_SEMI);
      return ps_finish (p, n);
    case K_RETURN:
      return parse_return (p, loc, S_RETURN);
    case K_RAISE:
      return parse_return (p, loc, S_RAISE);
    case K_TRY:
      return parse_try (p, loc);
    case K_ASSERT:
      return parse_assert (p, loc);
    case K_PRINT:
      return parse_print (p, loc);
    case K_PRINTF:
      return parse_printf (p, loc);
    case K_LOAD:
      return parse_load (p, loc);
    default:
      n = parse_simple_stmt (p);
      ps_expect (p, T_SEMI);
      return n;
    }
}

/* Lazy declarations (ENV->lazy): their text is scanned for its end,
   not parsed.  */

/* Skip a block, at its `{', by its braces (lex_skip).  */
static bool
skip_block (parser *p)
{
  if (p->tok.kind != T_LBRACE)
    return false;
  int end = lex_skip (p->lx, p->tok.loc, false);
  if (end < 0)
    return false;
  p->has_peek = false;
  ps_next (p);
  p->prev_end = end;
  return true;
}

/* Skip a function's signature and body: the signature ends with a
   colon outside brackets, the body is the block after it.  */
static bool
skip_function (parser *p)
{
  if (lex_skip (p->lx, p->tok.loc, true) < 0)
    return false;
  p->has_peek = false;
  ps_next (p);                     /* The colon.  */
  ps_next (p);
  return skip_block (p);
}

/* Skip what follows `=' in a lazy declaration of KIND: a function; a
   variable's integer literal, array of integer literals, lambda or
   struct constructor (`TYPE { ... }'); a struct or union type
   (`[pinned] struct|union [INTEGRAL-TYPE] { ... }').  */
static bool
skip_lazy_value (parser *p, lazy_kind kind)
{
  switch (kind)
    {
    case LAZY_FUN:
      return skip_function (p);
    case LAZY_VAR:
      if (ps_accept (p, K_LAMBDA))
        return skip_function (p);
      if (ps_accept (p, T_INT))
        return true;
      if (ps_accept (p, T_IDENT))
        return skip_block (p);
      if (!ps_accept (p, T_LBRACK))
        return false;
      while (p->tok.kind == T_INT || p->tok.kind == T_COMMA)
        ps_next (p);
      return ps_accept (p, T_RBRACK);
    case LAZY_TYPE:
      ps_accept (p, K_PINNED);
      if (!ps_accept (p, K_STRUCT) && !ps_accept (p, K_UNION))
        return false;
      while (p->tok.kind != T_LBRACE)
        if (p->tok.kind == T_SEMI || p->tok.kind == T_EOF
            || p->tok.kind == T_ERROR)
          return false;
        else
          ps_next (p);
      return skip_block (p);
    }
  return false;
}

/* Scan the declaration at the current token (`fun', `var' or `type') for
   its end and make it an S_LAZY node, if it is one that can wait
   (parse.h); else return NULL with the parser back where it was.  */
static ast *
parse_lazy_decl (parser *p)
{
  token start = p->tok;
  int prev_end = p->prev_end;
  lazy_kind kind = start.kind == K_FUN ? LAZY_FUN
                   : start.kind == K_TYPE ? LAZY_TYPE : LAZY_VAR;
  ps_next (p);
  if (p->tok.kind != T_IDENT)
    goto back;
  token name = p->tok;
  ps_next (p);
  if (!ps_accept (p, T_ASSIGN) || !skip_lazy_value (p, kind)
      || (kind != LAZY_FUN && !ps_accept (p, T_SEMI)))
    goto back;
  ast *n = ps_node (p, S_LAZY, start.loc);
  n->nloc = name.loc;
  n->nend = name.loc.pos + name.len;
  n->name = arena_strndup (p->ar, name.sval, name.slen);
  n->op = kind;
  ps_declare (p, n->name, kind == LAZY_TYPE);
  return ps_finish (p, n);

back:
  lex_seek (p->lx, start.loc);
  p->has_peek = false;
  ps_next (p);
  p->prev_end = prev_end;
  return NULL;
}

/* immutable DECLARATION, at the top level: what it declares cannot be
   declared again (the first name of a list alone, as in GNU poke
   4.3).  */
static ast *
parse_immutable (parser *p)
{
  ps_next (p);
  if (p->tok.kind != K_VAR && p->tok.kind != K_TYPE
      && p->tok.kind != K_UNIT && p->tok.kind != K_FUN)
    ps_fail_unexpected (p);
  ast *n = parse_stmt (p);
  (n->kind == S_BLOCK ? n->kids[0] : n)->op = AST_IMMUTABLE;
  return n;
}

/* Set up P to parse the first LEN bytes of SRC.  */
static void
parser_start (parser *p, const parse_env *env, const source *src,
              strbuf *err, size_t len)
{
  memset (p, 0, sizeof *p);
  p->env = env;
  p->src = src;
  p->err = err;
  p->ar = env->ar;
  p->lx = lex_new (src->buf, len, src->filename);
  if (env->entry_var)
    lex_set_entry_resolver (p->lx, env->entry_var, env->entry_ctx);
}

ast *
parse_lazy (const parse_env *env, const source *src, const ast *lazy,
            strbuf *err)
{
  parser ps;
  parser *volatile p = &ps;
  parser_start (p, env, src, err, (size_t) lazy->end);
  lex_seek (p->lx, lazy->loc);
  ast *prog = NULL;
  if (setjmp (p->jb) == 0)
    {
      ps_next (p);
      prog = ps_node (p, A_PROGRAM, p->tok.loc);
      while (p->tok.kind != T_EOF)
        ast_list_push (p->ar, prog, parse_stmt (p));
      ps_finish (p, prog);
    }
  lex_free (p->lx);
  return prog;
}

ast *
parse_program (const parse_env *env, const source *src, strbuf *err,
               bool *incomplete)
{
  return parse_program_mode (env, src, err, incomplete, false);
}

/* At a top-level `load', run the statements of PROG read so far (see
   parse_env), and empty it.  */
static void
run_before_load (parser *p, ast *prog)
{
  if (!p->env->run_before_load)
    return;
  ast *before = ps_node (p, A_PROGRAM, prog->loc);
  before->kids = prog->kids;
  before->nkids = prog->nkids;
  before->end = p->prev_end;
  prog->kids = NULL;
  prog->nkids = 0;
  if (!p->env->run_before_load (p->env->load_ctx, before))
    longjmp (p->jb, 1);
}

ast *
parse_program_mode (const parse_env *env, const source *src, strbuf *err,
                    bool *incomplete, bool command)
{
  parser ps;
  parser *volatile p = &ps;
  parser_start (p, env, src, err, src->len);
  ast *prog = NULL;
  if (setjmp (p->jb) == 0)
    {
      ps_next (p);
      loc_t loc = p->tok.loc;
      prog = ps_node (p, A_PROGRAM, loc);
      /* A command that does not start with a declaration is a single
         statement, as at GNU poke's prompt.  */
      bool single = command && p->tok.kind != K_VAR && p->tok.kind != K_FUN
                    && p->tok.kind != K_TYPE && p->tok.kind != K_UNIT
                    && p->tok.kind != K_IMMUTABLE;
      while (p->tok.kind != T_EOF)
        {
          ast *decl = NULL;
          if (p->tok.kind == K_LOAD && prog->nkids > 0)
            run_before_load (p, prog);
          if (env->lazy && (p->tok.kind == K_FUN || p->tok.kind == K_VAR
                            || p->tok.kind == K_TYPE))
            decl = parse_lazy_decl (p);
          else if (p->tok.kind == K_IMMUTABLE)
            decl = parse_immutable (p);
          ast_list_push (p->ar, prog, decl ? decl : parse_stmt (p));
          if (single)
            {
              while (p->tok.kind == T_SEMI)
                ps_next (p);
              if (p->tok.kind != T_EOF)
                ps_fail_unexpected (p);
            }
        }
      ps_finish (p, prog);
    }
  else
    prog = NULL;
  if (incomplete)
    *incomplete = p->incomplete;
  lex_free (p->lx);
  return prog;
}

ast *
parse_expression (const parse_env *env, const source *src, strbuf *err)
{
  loc_t start = { 1, 1, 0 };
  return parse_expression_at (env, src, start, src->len, err);
}

ast *
parse_expression_at (const parse_env *env, const source *src, loc_t at,
                     size_t end, strbuf *err)
{
  parser ps;
  parser *volatile p = &ps;
  parser_start (p, env, src, err, end);
  lex_seek (p->lx, at);
  ast *prog = NULL;
  if (setjmp (p->jb) == 0)
    {
      ps_next (p);
      loc_t loc = p->tok.loc;
      prog = ps_node (p, A_PROGRAM, loc);
      ast *s = ps_node (p, S_EXPR, loc);
      s->a = parse_expr (p);
      if (p->tok.kind != T_EOF)
        ps_fail_unexpected (p);
      ast_list_push (p->ar, prog, ps_finish (p, s));
      ps_finish (p, prog);
    }
  else
    prog = NULL;
  lex_free (p->lx);
  return prog;
}

void
diag_format (strbuf *out, const source *src, loc_t loc, int end,
             const char *kind, const char *msg)
{
  sb_printf (out, "%s:%d:%d: %s: %s\n", src->filename, loc.line, loc.col,
             kind, msg);
  /* Commands (the prompt, -c, -s) were just typed: as GNU poke does, the
     source line is shown for files only.  */
  if (strcmp (src->filename, "<stdin>") == 0)
    return;
  /* The source line, then a caret under the start and tildes under the
     rest of the construct on that line.  */
  int ls = loc.pos;
  while (ls > 0 && src->buf[ls - 1] != '\n')
    ls--;
  int le = loc.pos;
  while ((size_t) le < src->len && src->buf[le] != '\n')
    le++;
  sb_putn (out, src->buf + ls, (size_t) (le - ls));
  sb_putc (out, '\n');
  for (int i = ls; i < loc.pos; i++)
    sb_putc (out, src->buf[i] == '\t' ? '\t' : ' ');
  if ((size_t) loc.pos >= src->len || src->buf[loc.pos] == '\n')
    {
      sb_putc (out, '\n');
      return;
    }
  /* An empty span (GNU poke's for some declarations) has no caret.  */
  if (end < loc.pos)
    {
      sb_putc (out, '\n');
      return;
    }
  sb_putc (out, '^');
  int stop = end < le ? end : le;
  for (int i = loc.pos + 1; i < stop; i++)
    sb_putc (out, '~');
  sb_putc (out, '\n');
}
