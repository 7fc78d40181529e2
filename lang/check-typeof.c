/* check-typeof.c -- the closures of the Pk_Type that typeof makes for a
   struct or array type (GNU poke 4.3's mapper, writer, integrator,
   deintegrator and comparator fields).

   Each closure is a lambda written in Poke below, in which the type
   described is the placeholder type name TYPEOF_T (and an integral
   struct's integer type, TYPEOF_I).  The text is parsed here, the
   placeholders are given the types, and the lambdas are checked where
   the typeof is, as if written there: their values are made when the
   typeof runs (eval.c, eval_typeof), closing over its frame.  */

#include "check-int.h"

#include <stdlib.h>
#include <string.h>

#include "parse.h"

#define TYPEOF_T "__typeof_T"
#define TYPEOF_I "__typeof_I"

/* The lambdas, by Pk_Type field (the order of check.h's TYPEOF_*).  */
static const char *const mapper_src =
  "lambda (int<32> strict, int<32> ios, uint<64> boff) any:"
  " { if (strict) return " TYPEOF_T " @ ios : boff#b;"
  " return " TYPEOF_T " @! ios : boff#b; };";
static const char *const writer_src =
  "lambda (any val) void: { if (val'mapped)"
  " " TYPEOF_T " @ val'ios : val'offset = val as " TYPEOF_T "; };";
static const char *const integrator_src =
  "lambda (any val) any: { return val as " TYPEOF_T " as " TYPEOF_I "; };";
static const char *const deintegrator_src =
  "lambda (any val) any: { return val as " TYPEOF_I " as " TYPEOF_T "; };";
static const char *const comparator_src =
  "lambda (any a, any b) int<32>:"
  " { return (a as " TYPEOF_T ") == (b as " TYPEOF_T "); };";
/* GNU poke 4.3's integrator and deintegrator of an array or of a struct
   that is not integral give 0.  */
static const char *const zero_src = "lambda (any val) any: { return 0; };";

/* For the parser: the placeholders are type names, and no other.  */
static bool
is_placeholder (void *ctx, const char *name)
{
  (void) ctx;
  return strcmp (name, TYPEOF_T) == 0 || strcmp (name, TYPEOF_I) == 0;
}

/* Give the placeholder type names under N the types T and I.  */
static void
resolve_placeholders (ast *n, type *t, type *i)
{
  if (!n)
    return;
  if (n->kind == TN_NAME && n->name && strcmp (n->name, TYPEOF_T) == 0)
    n->type = t;
  if (n->kind == TN_NAME && n->name && strcmp (n->name, TYPEOF_I) == 0)
    n->type = i;
  resolve_placeholders (n->a, t, i);
  resolve_placeholders (n->b, t, i);
  resolve_placeholders (n->c, t, i);
  resolve_placeholders (n->d, t, i);
  for (int k = 0; k < n->nkids; k++)
    resolve_placeholders (n->kids[k], t, i);
}

/* The checked lambda of TEXT, for the types T and I.  */
static ast *
closure (compiler *c, const char *text, type *t, type *i)
{
  source *src = arena_alloc (&c->ar, sizeof *src);
  src->filename = "<typeof>";
  src->buf = text;
  src->len = strlen (text);
  parse_env env = { is_placeholder, NULL, &c->ar, NULL, NULL, false, NULL,
                    NULL, NULL, NULL };
  strbuf err;
  sb_init (&err);
  ast *prog = parse_program (&env, src, &err, NULL);
  sb_free (&err);
  if (!prog || prog->nkids != 1 || prog->kids[0]->kind != S_EXPR)
    abort ();                   /* The texts above are Poke.  */
  ast *lam = prog->kids[0]->a;
  resolve_placeholders (lam, t, i);
  return check_expr (c, lam);
}

void
ck_typeof_closures (compiler *c, ast *n, type *t)
{
  if (t->kind != TY_STRUCT && t->kind != TY_ARRAY)
    return;
  /* The lambdas' bodies are a frame below the typeof's: the bounds of
     the type's arrays read its variables one frame up.  */
  if (c->level >= 0)
    t = ck_type_from_above (c, t, 1);
  type *it = t->kind == TY_STRUCT ? t->u.s.itype : NULL;
  ast **k = arena_alloc (&c->ar, sizeof (ast *) * TYPEOF_NCLOSURES);
  k[TYPEOF_MAPPER] = closure (c, mapper_src, t, it);
  k[TYPEOF_WRITER] = closure (c, writer_src, t, it);
  k[TYPEOF_INTEGRATOR] = closure (c, it ? integrator_src : zero_src, t, it);
  k[TYPEOF_DEINTEGRATOR] = k[TYPEOF_COMPARATOR] = NULL;
  if (t->kind == TY_STRUCT)
    {
      k[TYPEOF_DEINTEGRATOR] = closure (c, it ? deintegrator_src : zero_src,
                                        t, it);
      k[TYPEOF_COMPARATOR] = closure (c, comparator_src, t, it);
    }
  n->kids = k;
  n->nkids = TYPEOF_NCLOSURES;
}
