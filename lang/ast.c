/* ast.c -- AST node allocation and names.  */

#include "ast.h"

#include <string.h>

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

/* Put the source text between byte positions FROM and TO of SRC into
   SB, on one line: GNU poke quotes a constraint or an assertion as it
   is written.  A line break and the blanks around it become one blank,
   and a `//' comment, which would swallow the rest, is left out.  */
void
ast_source_text (strbuf *sb, const source *src, int from, int to)
{
  if (!src || !src->buf || from < 0 || to < from || (size_t) to > src->len)
    return;
  char quote = 0;
  for (int i = from; i < to; i++)
    {
      char ch = src->buf[i];
      if (quote)
        {
          if (ch == '\\' && i + 1 < to)
            {
              sb_putc (sb, ch);
              ch = src->buf[++i];
            }
          else if (ch == quote)
            quote = 0;
        }
      else if (ch == '"' || ch == '\'')
        quote = ch;
      else if (ch == '/' && i + 1 < to && src->buf[i + 1] == '/')
        {
          while (i + 1 < to && src->buf[i + 1] != '\n')
            i++;
          continue;
        }
      if (ch != '\n' && ch != '\r')
        {
          sb_putc (sb, src->buf[i]);
          continue;
        }
      quote = 0;
      while (sb->len > 0 && (sb->data[sb->len - 1] == ' '
                             || sb->data[sb->len - 1] == '\t'))
        sb->data[--sb->len] = '\0';
      while (i + 1 < to && strchr (" \t\r\n", src->buf[i + 1]))
        i++;
      sb_putc (sb, ' ');
    }
}

/* The constraint of field F (a TN_FIELD) as GNU poke quotes it when it
   fails: its text, or `NAME == E' for a field written `T NAME == E'.  */
void
ast_constraint_text (strbuf *sb, const ast *f)
{
  if (!f->b)
    return;
  if (f->optional && f->c)
    {
      sb_printf (sb, "%s == ", f->name);
      ast_source_text (sb, f->src, f->c->sloc.pos, f->nslots);
    }
  else
    ast_source_text (sb, f->src, f->b->sloc.pos, f->nslots);
}
