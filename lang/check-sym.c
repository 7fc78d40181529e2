/* check-sym.c -- the checker's symbol table: the global scope, kept
   across commands (hashed, and in declaration order for completion and
   marks), the local scopes of functions and blocks, struct fields seen
   as variables, and the lazy globals compiled at their first use.  Apart
   from the checking itself, since the interpreter and the REPL use it
   too (check.h: compiler_global, compiler_each_global...).  */

#include "check-int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The global scope.  */

static unsigned
hash (const char *s)
{
  unsigned h = 5381;
  while (*s)
    h = h * 33 + (unsigned char) *s++;
  return h % NBUCKETS;
}

compiler *
compiler_new (void)
{
  compiler *c = xcalloc (1, sizeof *c);
  arena_init (&c->ar);
  c->vis = -1;
  return c;
}

void
compiler_free (compiler *c)
{
  if (!c)
    return;
  arena_free (&c->ar);
  for (int i = 0; i < c->nfmts; i++)
    fmt_free (c->fmts[i]);
  free (c->fmts);
  free (c->order);
  free (c);
}

arena *
compiler_arena (compiler *c)
{
  return &c->ar;
}

int
compiler_nglobals (const compiler *c)
{
  return c->nglobals;
}

void
compiler_set_lazy (compiler *c, bool (*fn) (void *ctx, const ast *decl),
                   void *ctx)
{
  c->lazy_fn = fn;
  c->lazy_ctx = ctx;
}

void
compiler_set_error_on_warning (compiler *c, bool on)
{
  c->error_on_warning = on;
}

bool
compiler_error_on_warning (const compiler *c)
{
  return c->error_on_warning;
}

void
compiler_set_tracer (compiler *c, bool on)
{
  c->tracer = on;
}

/* The globals seen now are order[0] to order[last_seen (c)].  */
static int
last_seen (const compiler *c)
{
  return c->vis >= 0 && c->vis < c->norder ? c->vis : c->norder - 1;
}

static sym *
global_lookup (const compiler *c, const char *name, bool types)
{
  for (sym *s = c->buckets[hash (name)]; s; s = s->next)
    if (strcmp (s->name, name) == 0
        && ((s->kind == SYM_TYPE) == types) && s->kind != SYM_UNIT
        && (c->vis < 0 || s->ord <= c->vis))
      return s;
  return NULL;
}

/* The unit NAME seen now, the last declared.  A hash chain holds the
   latest first (ck_global_add puts them at its head, a rollback takes
   them off), so this is what a walk of ORDER from last_seen down would
   find, without walking the thousands of globals of a large pickle for
   every offset type.  */
static sym *
unit_lookup (const compiler *c, const char *name)
{
  int last = last_seen (c);
  for (sym *s = c->buckets[hash (name)]; s; s = s->next)
    if (s->kind == SYM_UNIT && s->ord <= last
        && strcmp (s->name, name) == 0)
      return s;
  return NULL;
}

sym *
ck_global_add (compiler *c, const char *name, sym_kind kind, type *t)
{
  if (c->fill && kind == c->fill->kind && strcmp (c->fill->name, name) == 0)
    {
      /* The lazy declaration being compiled: its symbol, slot and
         place were given when it was declared.  */
      sym *s = c->fill;
      c->fill = NULL;
      s->type = t;
      s->lazy = NULL;
      return s;
    }
  sym *s = arena_alloc (&c->ar, sizeof *s);
  s->name = arena_strndup (&c->ar, name, strlen (name));
  s->kind = kind;
  s->type = t;
  s->level = -1;
  s->slot = kind == SYM_VAR ? c->nglobals++ : -1;
  if (c->top && c->top->src)
    {
      /* One copy for the globals of a file: the prelude declares
         hundreds.  */
      const char *file = c->top->src->filename;
      if (!c->file || strcmp (c->file, file) != 0)
        c->file = arena_strndup (&c->ar, file, strlen (file));
      s->file = c->file;
      s->line = c->top->loc.line;
    }
  unsigned h = hash (name);
  s->next = c->buckets[h];
  c->buckets[h] = s;
  if (c->norder == c->ordercap)
    {
      c->ordercap = c->ordercap ? c->ordercap * 2 : 256;
      c->order = xrealloc (c->order, sizeof (sym *) * c->ordercap);
    }
  s->ord = c->norder;
  c->order[c->norder++] = s;
  return s;
}

void
ck_immutable_check (compiler *c, const ast *n)
{
  /* A lazy declaration being compiled was checked when declared.  */
  if (c->level >= 0 || c->fill)
    return;
  /* Units are names apart; variables, functions and types are not.  */
  bool unit = n->kind == S_UNIT;
  const sym *s = c->buckets[hash (n->name)];
  while (s && !(s->immutable && (s->kind == SYM_UNIT) == unit
                && strcmp (s->name, n->name) == 0))
    s = s->next;
  if (!s)
    return;
  /* GNU poke 4.3's words, by what N declares.  */
  bool fun = n->kind == S_FUN || (n->kind == S_LAZY && n->op == LAZY_FUN);
  bool type = n->kind == S_TYPE || (n->kind == S_LAZY && n->op == LAZY_TYPE);
  if (fun)
    ck_error_at_name (c, n, "function, method or variable `%s' already "
                      "defined", n->name);
  ck_error_at_name (c, n, "the %s `%s' is already defined",
                    type ? "type" : unit ? "unit" : "variable",
                    n->name);
}

void
ck_immutable_mark (compiler *c, const ast *n, sym *s)
{
  if (c->level < 0 && n->op == AST_IMMUTABLE)
    s->immutable = true;
}

/* Forget the globals declared after MARK (a failed command).  */
void
ck_global_rollback (compiler *c, int mark, int nglobals)
{
  while (c->norder > mark)
    {
      sym *s = c->order[--c->norder];
      unsigned h = hash (s->name);
      for (sym **p = &c->buckets[h]; *p; p = &(*p)->next)
        if (*p == s)
          {
            *p = s->next;
            break;
          }
    }
  c->nglobals = nglobals;
}

compiler_mark
compiler_get_mark (const compiler *c)
{
  compiler_mark m = { c->norder, c->nglobals };
  return m;
}

/* The slots stay taken: code compiled by the failed command may still
   refer to them (a closure stored in an older global).  */
void
compiler_forget (compiler *c, compiler_mark m)
{
  ck_global_rollback (c, m.norder, c->nglobals);
}

bool
compiler_is_type_name (void *cv, const char *name)
{
  compiler *c = cv;
  sym *v = global_lookup (c, name, false);
  sym *t = global_lookup (c, name, true);
  if (!t)
    return false;
  /* The most recent declaration wins.  */
  if (!v)
    return true;
  for (int i = last_seen (c); i >= 0; i--)
    {
      if (c->order[i] == t)
        return true;
      if (c->order[i] == v)
        return false;
    }
  return true;
}

int
compiler_global (const compiler *c, const char *name, type **t)
{
  sym *s = global_lookup (c, name, false);
  if (!s)
    return -1;
  if (t)
    *t = s->type;
  return s->slot;
}

bool
compiler_is_variable (const compiler *c, const char *name)
{
  sym *s = global_lookup (c, name, false);
  return s && !s->is_fun;
}

static void materialize (compiler *c, sym *s);

bool
compiler_global_where (compiler *c, const char *name, bool is_type,
                       const char **file, int *line, type **t)
{
  sym *s = global_lookup (c, name, is_type);
  if (!s)
    return false;
  if (t && s->lazy)
    materialize (c, s);
  *file = s->file;
  *line = s->line;
  if (t)
    *t = s->type;
  return true;
}

void
compiler_each_global (const compiler *c,
                      void (*fn) (void *, const char *, char, type *),
                      void *ctx)
{
  for (int i = 0; i < c->norder; i++)
    {
      sym *s = c->order[i];
      if (s->kind == SYM_UNIT)
        continue;
      fn (ctx, s->name,
          s->kind == SYM_TYPE ? 't' : s->is_fun ? 'f' : 'v', s->type);
    }
}

/* Scopes.  */

/* Compile the lazy global S now, in the middle of another check: its
   declaration is checked seeing only the globals declared before it,
   as where it is written, and run, which gives S's slot its value.  The
   lazy declarations are the prelude's, which compile: failing is an
   internal error.  */
static void
materialize (compiler *c, sym *s)
{
  ast *top = c->top;
  strbuf *err = c->err;
  jmp_buf jb;
  memcpy (jb, c->jb, sizeof jb);
  sym *locals = c->locals;
  int level = c->level;
  fnctx *fn = c->fn;
  bool next_is_method = c->next_is_method;
  const char *next_type_name = c->next_type_name;
  int type_level = c->type_level;
  int vis = c->vis;
  sym *fill = c->fill;
  bool tracer = c->tracer;

  c->vis = s->ord;
  c->fill = s;
  /* The prelude's types are not traced (the tracer's own among them).  */
  c->tracer = false;
  bool ok = c->lazy_fn && c->lazy_fn (c->lazy_ctx, s->lazy);
  c->tracer = tracer;

  c->top = top;
  c->err = err;
  memcpy (c->jb, jb, sizeof jb);
  c->locals = locals;
  c->level = level;
  c->fn = fn;
  c->next_is_method = next_is_method;
  c->next_type_name = next_type_name;
  c->type_level = type_level;
  c->vis = vis;
  c->fill = fill;
  if (!ok || s->lazy)
    {
      fprintf (stderr, "bpoke: internal error: `%s' does not compile\n",
               s->name);
      abort ();
    }
}

sym *
ck_local_add (compiler *c, const char *name, sym_kind kind, type *t)
{
  if (c->level < 0)
    return ck_global_add (c, name, kind, t);
  sym *s = arena_alloc (&c->ar, sizeof *s);
  s->name = name;
  s->kind = kind;
  s->type = t;
  s->level = c->level;
  s->slot = kind == SYM_VAR ? c->fn->nslots++ : -1;
  s->next = c->locals;
  c->locals = s;
  return s;
}

/* GNU poke 4.3 allows any redeclaration at the top level; in a block
   or a struct type, variables, functions, types (and a struct's fields
   and OFFSET) share one namespace, units have theirs.  The message
   names what is being declared.  */
void
ck_redefinition (compiler *c, const ast *n, const char *name,
                 sym_kind kind, bool is_fun)
{
  if (c->level < 0)
    return;
  for (sym *o = c->locals; o && o != c->fn->block; o = o->next)
    if ((o->kind == SYM_UNIT) == (kind == SYM_UNIT)
        && strcmp (o->name, name) == 0)
      {
        if (is_fun)
          ck_error_at_name (c, n, "function, method or variable `%s' "
                            "already defined", name);
        ck_error_at_name (c, n, "the %s `%s' is already defined",
                          kind == SYM_VAR ? "variable"
                          : kind == SYM_TYPE ? "type" : "unit", name);
      }
}

sym *
ck_lookup (compiler *c, const char *name, sym_kind kind)
{
  for (sym *s = c->locals; s; s = s->next)
    if (strcmp (s->name, name) == 0)
      {
        if (s->kind == kind)
          return s;
        if (kind != SYM_UNIT && s->kind != SYM_UNIT)
          return NULL;      /* Shadowed by the other namespace.  */
      }
  if (kind == SYM_UNIT)
    return unit_lookup (c, name);
  if (kind == SYM_TYPE)
    {
      sym *t = compiler_is_type_name (c, name)
               ? global_lookup (c, name, true) : NULL;
      if (t && t->lazy)
        materialize (c, t);
      return t;
    }
  sym *v = global_lookup (c, name, false);
  if (v && global_lookup (c, name, true) && compiler_is_type_name (c, name))
    return NULL;
  if (v && v->lazy)
    materialize (c, v);
  return v;
}

type *
ck_exception_type (compiler *c)
{
  sym *s = ck_lookup (c, "Exception", SYM_TYPE);
  return s ? s->type : NULL;
}

/* The flag that S, a local, is read by a struct type's code.  */
bool *
ck_read_by_type (compiler *c, sym *s)
{
  if (!s->read_by_type)
    {
      s->read_by_type = arena_alloc (&c->ar, sizeof (bool));
      *s->read_by_type = false;
    }
  return s->read_by_type;
}

/* Make struct field NAME, of type T in slot K of struct type OWNER,
   visible as a variable of the struct's frame.  */
sym *
ck_field_sym (compiler *c, const char *name, type *t, int k, type *owner)
{
  sym *fs = arena_alloc (&c->ar, sizeof *fs);
  fs->name = name;
  fs->kind = SYM_VAR;
  fs->type = t;
  fs->owner = owner;
  fs->level = c->level;
  fs->slot = k;
  fs->next = c->locals;
  c->locals = fs;
  return fs;
}
