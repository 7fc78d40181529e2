/* ast.c -- AST node allocation and names.  */

#include "ast.h"

ast *
ast_new (arena *ar, ast_kind kind, const source *src, loc_t loc)
{
  ast *n = arena_alloc (ar, sizeof *n);
  n->kind = kind;
  n->src = src;
  n->loc = loc;
  n->sloc = loc;
  n->end = loc.pos;
  n->depth = -2;
  return n;
}

ast *
ast_list_push (arena *ar, ast *owner, ast *kid)
{
  /* Lists grow by doubling inside the arena; the old block is simply
     abandoned, which is fine for the sizes programs have.  */
  int n = owner->nkids;
  if (n == 0 || (n >= 4 && (n & (n - 1)) == 0))
    {
      int cap = n ? n * 2 : 4;
      ast **k = arena_alloc (ar, sizeof (ast *) * cap);
      for (int i = 0; i < n; i++)
        k[i] = owner->kids[i];
      owner->kids = k;
    }
  owner->kids[owner->nkids++] = kid;
  return kid;
}

static const char *const kind_names[] = {
#define AST(name) #name,
#include "ast.def"
};

const char *
ast_kind_name (ast_kind k)
{
  return k < A_NUM_KINDS ? kind_names[k] : "?";
}

ast *
ast_clone (arena *ar, const ast *n)
{
  if (!n)
    return NULL;
  ast *c = arena_alloc (ar, sizeof *c);
  *c = *n;
  c->a = ast_clone (ar, n->a);
  c->b = ast_clone (ar, n->b);
  c->c = ast_clone (ar, n->c);
  c->d = ast_clone (ar, n->d);
  if (n->nkids)
    {
      int cap = 4;
      while (cap < n->nkids)
        cap *= 2;
      c->kids = arena_alloc (ar, sizeof (ast *) * cap);
      for (int i = 0; i < n->nkids; i++)
        c->kids[i] = ast_clone (ar, n->kids[i]);
    }
  return c;
}

const char *
ast_attr_name (int id)
{
  static const char *const names[] = {
    NULL,
#define ATTR(e, name) name,
#include "attrs.def"
  };
  return id > 0 && (size_t) id < countof (names) ? names[id] : NULL;
}
