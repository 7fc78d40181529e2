/* check-stmt.c -- the checker's statements, functions and programs:
   declarations (variables, types, units, functions, lazy globals),
   assignments, control flow, exceptions, and check_program, which
   checks a command or a file and forgets its declarations if it fails.
   Functions are here since a function's body is statements and their
   frames are what statements fill; native functions too (their types
   must cross to C, lang/pkffi-decl.h).  */

#include "check-int.h"

#include <stdio.h>
#include <string.h>

#include "pkffi-decl.h"

/* Functions.  */

/* A native function (lang/pkffi.c): every type must cross to C.  */
static void
check_extern (compiler *c, ast *f)
{
  ast *x = f->a;
  const type *ft = f->type;
  for (int i = 0; i < f->nkids; i++)
    {
      ast *p = f->kids[i];
      if (p->flag)
        ck_error_at (c, p, "cannot pass a variadic argument to a native "
                     "function");
      if (pkffi_classify (ft->u.f.args[i], false) == PKFFI_BAD)
        ck_error_at (c, p->a, "cannot pass %s to a native function",
                     ck_tname (ft->u.f.args[i]));
    }
  if (pkffi_classify (ft->u.f.ret, true) == PKFFI_BAD)
    ck_error_at (c, f->b, "cannot return %s from a native function",
                 ck_tname (ft->u.f.ret));
  const char *sym = x->b ? x->b->name : f->name;
  if (!sym)
    ck_error_at (c, x, "a native lambda needs a symbol name");
  x->aux = pkffi_decl_new (&c->ar, x->a->name, sym, f->type);
}

/* Whether expression E names one of the first I parameters of F.  */
static bool
names_param (const ast *e, const ast *f, int i)
{
  if (!e)
    return false;
  if (e->kind == A_VAR)
    for (int j = 0; j < i; j++)
      if (strcmp (e->name, f->kids[j]->name) == 0)
        return true;
  if (names_param (e->a, f, i) || names_param (e->b, f, i)
      || names_param (e->c, f, i) || names_param (e->d, f, i))
    return true;
  for (int k = 0; k < e->nkids; k++)
    if (names_param (e->kids[k], f, i))
      return true;
  return false;
}

/* Whether the array type node TN (or an array type it is made of) has a
   bound that names one of the first I parameters of F; with STRIP,
   such bounds are removed.  */
static bool
param_bounds (ast *tn, const ast *f, int i, bool strip)
{
  bool dep = false;
  for (; tn && tn->kind == TN_ARRAY; tn = tn->a)
    if (tn->b && names_param (tn->b, f, i))
      {
        dep = true;
        if (strip)
          {
            tn->b = NULL;
            tn->flag = false;
          }
      }
  return dep;
}

/* The type of parameter I of function F, as callers see it.  An array
   bound that names an earlier parameter, as in (int n, int[n] a), is
   checked when the function is entered (param_prologue): callers see
   the array unbounded, as in GNU poke.  Such a parameter's declared
   type node moves to p->d, and p->a gets a copy without the bound.  */
static type *
param_type (compiler *c, ast *f, int i)
{
  ast *p = f->kids[i];
  if (p->flag)
    return type_array (type_any, NULL, false);
  if (!p->d && param_bounds (p->a, f, i, false))
    {
      p->d = p->a;
      p->a = ast_clone (&c->ar, p->d);
      param_bounds (p->a, f, i, true);
    }
  return ck_resolve_type (c, p->a);
}

/* The type of function F, whose parameters have types ARGS, NOPT of
   them optional, the last one collecting the rest if VARIADIC; with
   the parameters' names, for named arguments.  */
static type *
fun_type (compiler *c, const ast *f, type **args, int nopt, bool variadic)
{
  type *ft = type_function (ck_resolve_type (c, f->b), f->nkids, args, nopt,
                            variadic);
  for (int i = 0; i < f->nkids; i++)
    type_function_argname (ft, i, f->kids[i]->name);
  return ft;
}

/* The parameter NAME of function F, or NULL.  */
static const ast *
param_named (const ast *f, const char *name)
{
  for (int i = 0; i < f->nkids; i++)
    if (strcmp (f->kids[i]->name, name) == 0)
      return f->kids[i];
  return NULL;
}

/* Start the checked body of method F, of struct type OWNER, with `var
   SELF = the struct;' for its variable SELF (of type any).  */
static void
self_prologue (compiler *c, ast *f, const sym *self, type *owner)
{
  ast *body = f->a;
  ast *sv = ast_new (&c->ar, A_SELF, body->src, body->loc);
  sv->type = owner;
  sv->depth = 1;                /* The method's frame's parent.  */
  ast *decl = ast_new (&c->ar, S_VAR, body->src, body->loc);
  decl->name = self->name;
  decl->a = sv;
  decl->slot = self->slot;
  decl->depth = 0;
  ast **kids = arena_alloc (&c->ar, sizeof (ast *) * (body->nkids + 1));
  kids[0] = decl;
  for (int i = 0; i < body->nkids; i++)
    kids[i + 1] = body->kids[i];
  body->kids = kids;
  body->nkids++;
}

/* Start F's body with `P = P as T;' for each parameter P whose declared
   type T depends on earlier ones (param_type): the conversion raises
   E_conv when the bound does not hold.  p->c keeps the statement.  */
static void
param_prologue (compiler *c, ast *f)
{
  ast *body = f->a;
  int nd = 0;
  for (int i = 0; i < f->nkids; i++)
    if (f->kids[i]->d && !f->kids[i]->c)
      nd++;
  if (nd == 0 || body->kind != S_BLOCK)
    return;
  ast **kids = arena_alloc (&c->ar, sizeof (ast *) * (nd + body->nkids));
  int k = 0;
  for (int i = 0; i < f->nkids; i++)
    {
      ast *p = f->kids[i];
      if (!p->d || p->c)
        continue;
      ast *lhs = ast_new (&c->ar, A_VAR, p->src, p->loc);
      lhs->name = p->name;
      lhs->end = p->end;
      ast *var = ast_new (&c->ar, A_VAR, p->src, p->loc);
      var->name = p->name;
      var->end = p->end;
      ast *cast = ast_new (&c->ar, A_CAST, p->src, p->loc);
      cast->a = var;
      cast->b = p->d;
      cast->end = p->end;
      ast *as = ast_new (&c->ar, S_ASSIGN, p->src, p->loc);
      as->a = lhs;
      as->b = cast;
      as->op = T_ASSIGN;
      as->end = p->end;
      p->c = as;
      kids[k++] = as;
    }
  for (int i = 0; i < body->nkids; i++)
    kids[k++] = body->kids[i];
  body->kids = kids;
  body->nkids = k;
}

void
check_func (compiler *c, ast *f)
{
  int n = f->nkids;
  type **args = arena_alloc (&c->ar, sizeof (type *) * (n + 1));
  int nopt = 0;
  bool variadic = false;
  for (int i = 0; i < n; i++)
    {
      ast *p = f->kids[i];
      for (int j = 0; j < i; j++)
        if (strcmp (f->kids[j]->name, p->name) == 0)
          ck_error_at_name (c, p, "duplicated argument name `%s' in function "
                            "declaration", p->name);
      if (p->flag && i != n - 1)
        ck_error_at (c, p, "vararg argument should be the last argument");
      if (!p->b && !p->flag && nopt > 0)
        ck_error_at (c, p, "non-optional argument after optional arguments");
      variadic |= p->flag;
      args[i] = param_type (c, f, i);
      if (p->b)
        nopt++;
    }
  f->type = fun_type (c, f, args, nopt, variadic);
  type *ret = f->type->u.f.ret;

  /* The body: a new frame, one level down.  */
  type *owner = c->next_is_method ? c->fn->owner : NULL;
  fnctx fc = { c->fn, 0, ret, 0, c->locals, c->next_is_method, NULL,
                0 };
  c->next_is_method = false;
  sym *saved = c->locals;
  int saved_level = c->level;
  c->fn = &fc;
  c->level = saved_level < 0 ? 1 : saved_level + 1;
  for (int i = 0; i < n; i++)
    {
      ast *p = f->kids[i];
      sym *s = ck_local_add (c, p->name, SYM_VAR, args[i]);
      p->slot = s->slot;
      if (p->b)
        {
          p->b = check_expr (c, p->b);
          if (!type_assignable (args[i], p->b->type))
            ck_type_error (c, p->b, "argument initializer is of the wrong type",
                           ck_tname (args[i]), p->b->type);
          ck_coerce (c, &p->b, args[i]);
        }
    }
  /* A method's SELF, after the parameters, whose slots come first.  In
     GNU poke it is an implicit last parameter, which no other may be
     named after.  */
  sym *self = NULL;
  const ast *dup = owner ? param_named (f, "SELF") : NULL;
  if (dup)
    ck_error_at_name (c, dup, "duplicated argument name `SELF' in function "
                      "declaration");
  if (owner && f->a->kind == S_BLOCK)
    self = ck_local_add (c, "SELF", SYM_VAR, type_any);
  if (f->a->kind == A_EXTERN)
    check_extern (c, f);
  else
    {
      param_prologue (c, f);
      check_stmt (c, f->a);
    }
  if (self && self->used)
    self_prologue (c, f, self, owner);
  f->nslots = fc.nslots;
  c->fn = fc.up;
  c->level = saved_level;
  c->locals = saved;
}

/* Statements.  */

static tok_kind
compound_binop (tok_kind k)
{
  switch (k)
    {
    case T_ADD_ASSIGN: return T_PLUS;
    case T_SUB_ASSIGN: return T_MINUS;
    case T_MUL_ASSIGN: return T_STAR;
    case T_DIV_ASSIGN: return T_SLASH;
    case T_MOD_ASSIGN: return T_PERCENT;
    case T_POW_ASSIGN: return T_POW;
    case T_AND_ASSIGN: return T_AMP;
    case T_IOR_ASSIGN: return T_PIPE;
    case T_XOR_ASSIGN: return T_CARET;
    case T_SL_ASSIGN: return T_LSHIFT;
    case T_SR_ASSIGN: return T_RSHIFT;
    default: return T_ERROR;
    }
}

/* Whether the expression E reads no local variable, so that it can be
   evaluated in any frame.  */
static bool
frame_free (const ast *e)
{
  if (!e)
    return true;
  if ((e->kind == A_VAR && e->depth >= 0) || e->kind == A_SELF
      || e->kind == A_LAMBDA)
    return false;
  for (int i = 0; i < e->nkids; i++)
    if (!frame_free (e->kids[i]))
      return false;
  return frame_free (e->a) && frame_free (e->b) && frame_free (e->c)
         && frame_free (e->d);
}

/* Whether the assignment N (LV = X, LV a variable or an element) checks
   at run time that X fits the bound of LV's array type, as GNU poke
   does (a variable's type is its initializer's: var a = [1,2]; a +=
   [3]; raises E_conv).  Only where the bound can be evaluated: a
   constant, or an expression of globals, or one written in the
   variable's initializer.  */
static bool
bound_checked (compiler *c, const ast *lv)
{
  const type *t = lv->type;
  if (t->kind != TY_ARRAY || !(t->u.a.bound || t->u.a.bound_const))
    return false;
  if (lv->kind != A_VAR && lv->kind != A_INDEX)
    return false;               /* Fields and maps check it themselves.  */
  if (t->u.a.bound_const || frame_free (t->u.a.bound))
    return true;
  const sym *s = lv->kind == A_VAR ? ck_lookup (c, lv->name, SYM_VAR) : NULL;
  return s && s->bound_here;
}

static void
check_assign (compiler *c, ast *n)
{
  if (n->op != T_ASSIGN)
    {
      /* a OP= b is a = a OP b, typed as the binary operation; the
         evaluator reads the lvalue through a copy of it.  */
      ast *bin = ast_new (&c->ar, A_BINOP, n->src, n->loc);
      bin->end = n->end;
      bin->op = compound_binop ((tok_kind) n->op);
      bin->a = ast_clone (&c->ar, n->a);
      bin->b = n->b;
      n->b = bin;
    }
  check_lvalue (c, n->a);
  type *lt = n->a->type;
  n->b = check_rvalue (c, n->b);
  ck_int_wanted (c, &n->b, lt);
  if (!type_assignable (lt, n->b->type))
    ck_error_at (c, n, "r-value in assignment has the wrong type\n"
                 "expected %s got %s", ck_tname (lt), ck_tname (n->b->type));
  ck_computed_access (c, n->a, true);
  /* A ::: B = X: X's bits are cut between A and B, so it must have as
     many as they have together; its signedness does not matter.  */
  if (n->a->kind == A_BINOP && n->b->type->u.i.size != lt->u.i.size)
    ck_error_at (c, n->b, "invalid integral value in r-value\n"
                 "expected an integral value of exactly %d bits, got %d "
                 "bits", lt->u.i.size, n->b->type->u.i.size);
  ck_coerce (c, &n->b, lt);
  n->flag = bound_checked (c, n->a);
}

static void
check_block_body (compiler *c, ast *n)
{
  /* The declarators of one top-level `var a = 1, b = 2;' (a transparent
     block) are each declared at their own line.  */
  bool top = n->flag && c->top == n;
  for (int i = 0; i < n->nkids; i++)
    {
      if (top)
        c->top = n->kids[i];
      check_stmt (c, n->kids[i]);
    }
  if (top)
    c->top = n;
}

static void
check_var_decl (compiler *c, ast *n)
{
  ck_immutable_check (c, n);
  ck_redefinition (c, n, n->name, SYM_VAR, false);
  n->a = check_rvalue (c, n->a);
  type *t = n->a->type;
  if (t->kind == TY_VOID)
    ck_error_at (c, n->a, "variables can't be of type void");
  sym *s = ck_local_add (c, n->name, SYM_VAR, t);
  ck_immutable_mark (c, n, s);
  n->slot = s->slot;
  n->depth = s->level < 0 ? -1 : 0;
  /* Its type's bound was written in the initializer, here.  */
  const ast *tn = n->a->kind == A_ARRCONS || n->a->kind == A_MAP ? n->a->a
                  : n->a->kind == A_CAST && !n->a->flag ? n->a->b : NULL;
  s->bound_here = tn && tn->kind == TN_ARRAY && tn->type == t;
}

static void
check_type_decl (compiler *c, ast *n)
{
  ck_immutable_check (c, n);
  ck_redefinition (c, n, n->name, SYM_TYPE, false);
  if (n->a->kind == TN_STRUCT)
    c->next_type_name = n->name;
  type *t = ck_resolve_type (c, n->a);
  if (t->kind == TY_STRUCT && n->a->kind == TN_STRUCT)
    {
      /* Its environment is the frame it is declared in, kept in a
         hidden global set when the declaration runs.  */
      char hidden[256];
      snprintf (hidden, sizeof hidden, " env %s %d", n->name,
                c->nglobals);
      sym *es = ck_global_add (c, hidden, SYM_VAR, type_void);
      t->u.s.env_slot = es->slot;
      n->slot = es->slot;
      n->flag = true;
    }
  /* An alias of a struct type is that type under its new name (B {}
     prints as B), which GNU poke 4.3 also gives to the elements of
     mapped arrays of it read by index (see last_alias).  */
  if (t->kind == TY_STRUCT && t->name && t->u.s.last_alias)
    *t->u.s.last_alias = n->name;
  t = type_named (t, n->name);
  ck_immutable_mark (c, n, ck_local_add (c, n->name, SYM_TYPE, t));
}

static void
check_unit_decl (compiler *c, ast *n)
{
  ck_immutable_check (c, n);
  ck_redefinition (c, n, n->name, SYM_UNIT, false);
  n->a = check_expr (c, n->a);
  /* The value is cast to uint<64>: an array or an integral struct
     could be, but not as a constant.  */
  const type *t = n->a->type;
  if (!is_int (t) && t->kind != TY_ARRAY
      && !(t->kind == TY_STRUCT && t->u.s.itype))
    ck_error_at (c, n->a, "invalid cast from %s to uint<64>", ck_tname (t));
  if (!is_int (t) || !n->a->is_const)
    ck_error_at (c, n->a, "expected constant integral value for unit");
  sym *s = ck_local_add (c, n->name, SYM_UNIT, type_int (64, false));
  ck_immutable_mark (c, n, s);
  s->unit = n->a->lit.v.u;
}

static void
check_fun_decl (compiler *c, ast *n)
{
  /* Declared before its body, for recursion; the type is known
     once the signature is resolved, so check the body after.  */
  ck_immutable_check (c, n);
  ck_redefinition (c, n, n->name, SYM_VAR, true);
  ast *f = n->a;
  int np = f->nkids;
  type **args = arena_alloc (&c->ar, sizeof (type *) * (np + 1));
  int nopt = 0;
  bool variadic = false;
  for (int i = 0; i < np; i++)
    {
      variadic |= f->kids[i]->flag;
      args[i] = param_type (c, f, i);
      if (f->kids[i]->b)
        nopt++;
    }
  type *ft = fun_type (c, f, args, nopt, variadic);
  sym *s = ck_local_add (c, n->name, SYM_VAR, ft);
  ck_immutable_mark (c, n, s);
  s->is_fun = true;
  s->is_method = n->flag;
  s->fnast = f;
  n->slot = s->slot;
  n->depth = s->level < 0 ? -1 : 0;
  c->next_is_method = n->flag;
  check_func (c, f);
  s->type = f->type;
  f->type->u.f.fname = s->name;
}

static void
check_if (compiler *c, ast *n)
{
  check_if_cond (c, &n->a, "invalid expression");
  check_stmt (c, n->b);
  if (n->c)
    check_stmt (c, n->c);
}

static void
check_while (compiler *c, ast *n)
{
  check_if_cond (c, &n->a, "invalid condition in loop");
  c->fn->loops++;
  check_stmt (c, n->b);
  c->fn->loops--;
}

static void
check_for (compiler *c, ast *n)
{
  sym *saved = c->locals;
  int saved_level = c->level;
  /* The initialization's declarations are a block of their own.  */
  sym *saved_block = c->fn->block;
  c->fn->block = c->locals;
  if (c->level < 0)
    c->level = 0;
  if (n->a)
    check_stmt (c, n->a);
  if (n->b)
    check_if_cond (c, &n->b, "invalid condition in loop");
  if (n->c)
    check_stmt (c, n->c);
  c->fn->loops++;
  check_stmt (c, n->d);
  c->fn->loops--;
  c->locals = saved;
  c->level = saved_level;
  c->fn->block = saved_block;
}

static void
check_for_in (compiler *c, ast *n)
{
  n->a = check_expr (c, n->a);
  type *ct = n->a->type, *et;
  if (ct->kind == TY_STRING)
    et = type_int (8, false);
  else if (ct->kind == TY_ARRAY)
    et = ct->u.a.elem;
  else
    ck_type_error (c, n->a, "invalid container in for loop",
                   "array or string", ct);
  sym *saved = c->locals;
  int saved_level = c->level;
  if (c->level < 0)
    c->level = 0;
  sym *s = ck_local_add (c, n->name, SYM_VAR, et);
  n->slot = s->slot;
  /* A hidden slot for the index.  */
  n->nslots = c->fn->nslots++;
  if (n->b)
    check_if_cond (c, &n->b, "invalid condition in loop");
  c->fn->loops++;
  check_stmt (c, n->c);
  c->fn->loops--;
  c->locals = saved;
  c->level = saved_level;
}

static void
check_return (compiler *c, ast *n)
{
  if (!c->fn->ret)
    ck_error_at (c, n, "`return' statement without containing function");
  if (n->a)
    {
      n->a = check_expr (c, n->a);
      if (c->fn->ret->kind == TY_VOID)
        ck_error_at (c, n->a, "returning a value in a void function");
      ck_int_wanted (c, &n->a, c->fn->ret);
      if (!type_assignable (c->fn->ret, n->a->type))
        ck_error_at (c, n->a, "returning an expression of the wrong type\n"
                     "expected %s, got %s", ck_tname (c->fn->ret),
                     ck_tname (n->a->type));
      ck_coerce (c, &n->a, c->fn->ret);
    }
  else if (c->fn->ret->kind != TY_VOID)
    ck_error_at (c, n, "the function expects a return value");
}

static void
check_block (compiler *c, ast *n)
{
  if (n->flag)
    {
      check_block_body (c, n);
      return;
    }
  sym *saved = c->locals;
  int saved_level = c->level;
  sym *saved_block = c->fn->block;
  if (c->level < 0)
    c->level = 0;
  c->fn->block = c->locals;
  check_block_body (c, n);
  c->fn->block = saved_block;
  c->locals = saved;
  c->level = saved_level;
}

static void
check_raise (compiler *c, ast *n)
{
  if (n->a)
    {
      n->a = check_expr (c, n->a);
      type *et = ck_exception_type (c);
      if (!et || !type_equal (n->a->type, et))
        ck_error_at (c, n, "exception in `raise' statement should be an "
                     "Exception");
    }
}

/* try-catch.  */
static void
check_try (compiler *c, ast *n)
{
  check_stmt (c, n->a);
  sym *saved = c->locals;
  int saved_level = c->level;
  if (c->level < 0)
    c->level = 0;
  if (n->c)
    check_exception_operand (c, &n->c, "invalid expression in "
                             "try-catch");
  if (n->d)
    {
      type *t = ck_resolve_type (c, n->d);
      type *et = ck_exception_type (c);
      if (!et || !type_equal (t, et))
        {
          ast where = *n->d;
          where.end = n->nend;
          ck_type_error (c, &where, "invalid expression in try-catch",
                         "Exception", t);
        }
      sym *s = ck_local_add (c, n->name, SYM_VAR, t);
      n->slot = s->slot;
    }
  check_stmt (c, n->b);
  c->locals = saved;
  c->level = saved_level;
}

static void
check_try_until (compiler *c, ast *n)
{
  c->fn->loops++;
  check_stmt (c, n->a);
  c->fn->loops--;
  check_exception_operand (c, &n->b, "invalid expression in try-until");
}

static void
check_assert (compiler *c, ast *n)
{
  n->a = check_expr (c, n->a);
  if (!is_int (n->a->type))
    ck_type_error (c, n->a, "invalid value for function argument `cond'",
                   "uint<64>", n->a->type);
  if (n->b)
    {
      n->b = check_expr (c, n->b);
      if (n->b->type->kind != TY_STRING)
        ck_type_error (c, n->b,
                       "invalid value for function argument `msg'",
                       "string", n->b->type);
    }
}

static void
check_print (compiler *c, ast *n)
{
  n->a = check_expr (c, n->a);
  if (n->a->type->kind != TY_STRING)
    ck_type_error (c, n->a, "invalid format string", "a string",
                   n->a->type);
}

static void
check_printf (compiler *c, ast *n)
{
  /* Same checks as format ().  */
  ast tmp = *n;
  tmp.kind = A_FORMAT;
  check_expr (c, &tmp);
  n->aux = tmp.aux;
  n->kids = tmp.kids;
}

/* A lazy global: declared now, compiled at its first use
   (materialize).  */
static void
check_lazy_decl (compiler *c, ast *n)
{
  ck_immutable_check (c, n);
  sym *s = ck_local_add (c, n->name,
                         n->op == LAZY_TYPE ? SYM_TYPE : SYM_VAR, NULL);
  s->is_fun = n->op == LAZY_FUN;
  s->lazy = n;
}

void
check_stmt (compiler *c, ast *n)
{
  switch (n->kind)
    {
    case S_NULL:
    case S_BREAK:
    case S_CONTINUE:
      if (n->kind != S_NULL && c->fn->loops == 0)
        ck_error_at (c, n, "`%s' statement without containing statement",
                     n->kind == S_BREAK ? "break" : "continue");
      return;
    case S_EXPR:
      n->a = check_expr (c, n->a);
      return;
    case S_VAR:
      check_var_decl (c, n);
      return;
    case S_TYPE:
      check_type_decl (c, n);
      return;
    case S_UNIT:
      check_unit_decl (c, n);
      return;
    case S_FUN:
      check_fun_decl (c, n);
      return;
    case S_ASSIGN:
      check_assign (c, n);
      return;
    case S_IF:
      check_if (c, n);
      return;
    case S_WHILE:
      check_while (c, n);
      return;
    case S_FOR:
      check_for (c, n);
      return;
    case S_FORIN:
      check_for_in (c, n);
      return;
    case S_RETURN:
      check_return (c, n);
      return;
    case S_BLOCK:
      check_block (c, n);
      return;
    case S_RAISE:
      check_raise (c, n);
      return;
    case S_TRY:
      check_try (c, n);
      return;
    case S_TRYUNTIL:
      check_try_until (c, n);
      return;
    case S_ASSERT:
      check_assert (c, n);
      return;
    case S_PRINT:
      check_print (c, n);
      return;
    case S_PRINTF:
      check_printf (c, n);
      return;
    case S_LOAD:
      return;
    case S_LAZY:
      check_lazy_decl (c, n);
      return;
    default:
      n = check_expr (c, n);
      return;
    }
}

bool
check_program (compiler *c, ast *prog, strbuf *err)
{
  int mark = c->norder, nglobals = c->nglobals;
  c->err = err;
  c->locals = NULL;
  fnctx top = { NULL, 0, NULL, 0, NULL, false, NULL, 0 };
  c->fn = &top;
  c->level = -1;                /* Top-level declarations are global.  */
  c->type_level = -2;
  if (setjmp (c->jb))
    {
      ck_global_rollback (c, mark, nglobals);
      c->fn = NULL;
      c->top = NULL;
      return false;
    }
  for (int i = 0; i < prog->nkids; i++)
    {
      c->top = prog->kids[i];
      check_stmt (c, prog->kids[i]);
    }
  c->top = NULL;
  prog->nslots = top.nslots;
  c->fn = NULL;
  return true;
}
