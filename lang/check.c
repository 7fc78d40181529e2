/* check.c -- name resolution, typing, promotion and constant folding.

   One pass over the AST.  Every variable reference gets (depth, slot):
   depth -1 is the global frame, otherwise the number of frames to walk
   up from the current one.  Each function (and each top-level command)
   has one frame; blocks inside it allocate further slots of that frame,
   so that entering a block costs nothing at run time.

   Implicit conversions are made explicit: where GNU poke promotes an
   operand or converts an argument, the checker wraps the node in an
   A_CAST, so the evaluator never decides types.  */

#include "check.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arith.h"
#include "pkffi.h"
#include "print.h"

typedef enum sym_kind
{
  SYM_VAR,
  SYM_TYPE,
  SYM_UNIT
} sym_kind;

typedef struct sym
{
  struct sym *next;             /* Scope chain or hash bucket.  */
  const char *name;
  sym_kind kind;
  type *type;
  int level;                    /* -1 global, else function level.  */
  int slot;
  bool is_fun;                  /* Declared with `fun` (or builtin).  */
  bool is_method;               /* A struct type's method.  */
  bool is_field;                /* A struct type's field.  */
  type *owner;                  /* Fields: the struct type.  */
  bool *read_by_type;           /* Locals: set when a struct type's code
                                   reads it (see type_level).  */
  uint64_t unit;                /* SYM_UNIT: bits.  */
  ast *fnast;                   /* Functions: the A_FUNC, for messages.  */
  const char *file;             /* Globals: where they were declared.  */
  int line;
  int ord;                      /* Globals: index in compiler.order.  */
  ast *lazy;                    /* Globals: the S_LAZY not yet compiled
                                   (then type is NULL).  */
} sym;

typedef struct fnctx
{
  struct fnctx *up;
  int nslots;
  type *ret;                    /* NULL for the top-level command.  */
  int loops;                    /* Enclosing loops, for break.  */
  int block_start;              /* First slot of the innermost block.  */
  bool method;                  /* The body of a struct type's method.  */
} fnctx;

#define NBUCKETS 1024

struct compiler
{
  arena ar;
  sym *buckets[NBUCKETS];
  sym **order;                  /* Globals in declaration order.  */
  int norder, ordercap;
  int nglobals;
  fmt **fmts;                   /* Parsed formats, owned.  */
  int nfmts;

  /* State of the current check_program.  */
  ast *top;                     /* The top-level statement being checked.  */
  strbuf *err;
  jmp_buf jb;
  sym *locals;
  int level;
  fnctx *fn;
  bool next_is_method;          /* check_func: the function is a method.  */
  const char *next_type_name;   /* check_struct_type: the name it gets
                                   (type NAME = struct ...).  */
  int type_level;               /* The level of the innermost struct type
                                   being checked, or -2.  Its mapped values
                                   decode again when a local of a lower
                                   level that it reads changes.  */

  /* Lazy declarations (parse_lazy): compiled by LAZY_FN.  While one is,
     VIS is its index in ORDER, beyond which globals are not seen, and
     FILL its symbol, which its declaration fills in; else VIS is -1.  */
  bool (*lazy_fn) (void *ctx, const ast *decl);
  void *lazy_ctx;
  int vis;
  sym *fill;
};

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

static sym *
global_add (compiler *c, const char *name, sym_kind kind, type *t)
{
  if (c->fill && kind == SYM_VAR && strcmp (c->fill->name, name) == 0)
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
      const char *file = c->top->src->filename;
      s->file = arena_strndup (&c->ar, file, strlen (file));
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

/* Forget the globals declared after MARK (a failed command).  */
static void
global_rollback (compiler *c, int mark, int nglobals)
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
  global_rollback (c, m.norder, c->nglobals);
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
compiler_global_where (const compiler *c, const char *name, bool is_type,
                       const char **file, int *line, type **t)
{
  sym *s = global_lookup (c, name, is_type);
  if (!s)
    return false;
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

void
compiler_declare_builtin (compiler *c, const char *name, type *t, int id)
{
  sym *s = global_add (c, name, SYM_VAR, t);
  s->is_fun = true;
  (void) id;
}

void
compiler_declare_type (compiler *c, const char *name, type *t)
{
  global_add (c, name, SYM_TYPE, t);
}

/* Errors.  */

static void
error_at (compiler *c, const ast *n, const char *fmt, ...)
{
  char msg[512];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (msg, sizeof msg, fmt, ap);
  va_end (ap);
  /* Each line of a multi-line message carries the location.  */
  char *line = msg;
  for (;;)
    {
      char *nl = strchr (line, '\n');
      if (!nl)
        break;
      *nl = '\0';
      sb_printf (c->err, "%s:%d:%d: error: %s\n", n->src->filename,
                 n->loc.line, n->loc.col, line);
      line = nl + 1;
    }
  diag_format (c->err, n->src, n->loc, n->end, "error", line);
  longjmp (c->jb, 1);
}

/* A warning: the message is kept with the errors, and shown even when
   the checking succeeds.  */
static void
warning_at (compiler *c, const ast *n, const char *msg)
{
  diag_format (c->err, n->src, n->loc, n->end, "warning", msg);
}

/* An error at byte POS .. N's end (for GNU poke's locations that start
   at the end of the token before a construct).  */
static void
error_from (compiler *c, const ast *n, int pos, const char *msg)
{
  ast where = *n;
  where.loc.line = 1;
  where.loc.col = 1;
  for (int i = 0; i < pos && n->src->buf && (size_t) i < n->src->len; i++)
    {
      if (n->src->buf[i] == '\n')
        {
          where.loc.line++;
          where.loc.col = 1;
        }
      else
        where.loc.col++;
    }
  where.loc.pos = pos;
  error_at (c, &where, "%s", msg);
}

/* An error at where N's name is written.  */
static void
error_at_name (compiler *c, const ast *n, const char *fmt, ...)
{
  char msg[512];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (msg, sizeof msg, fmt, ap);
  va_end (ap);
  ast where = *n;
  where.loc = n->nloc;
  where.end = n->nend;
  error_at (c, &where, "%s", msg);
}

static const char *
tname (const type *t)
{
  static strbuf sb[4];
  static int k;
  strbuf *b = &sb[k++ % 4];
  sb_reset (b);
  type_print (b, t);
  return b->data;
}

static void
type_error (compiler *c, const ast *n, const char *what, const char *expected,
            const type *got)
{
  error_at (c, n, "%s\nexpected %s, got %s", what, expected, tname (got));
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

  c->vis = s->ord;
  c->fill = s;
  bool ok = c->lazy_fn && c->lazy_fn (c->lazy_ctx, s->lazy);

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

static sym *
local_add (compiler *c, const char *name, sym_kind kind, type *t)
{
  if (c->level < 0)
    return global_add (c, name, kind, t);
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

static sym *
lookup (compiler *c, const char *name, sym_kind kind)
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
    {
      for (int i = last_seen (c); i >= 0; i--)
        if (c->order[i]->kind == SYM_UNIT
            && strcmp (c->order[i]->name, name) == 0)
          return c->order[i];
      return NULL;
    }
  if (kind == SYM_TYPE)
    return compiler_is_type_name (c, name) ? global_lookup (c, name, true)
                                           : NULL;
  sym *v = global_lookup (c, name, false);
  if (v && global_lookup (c, name, true) && compiler_is_type_name (c, name))
    return NULL;
  if (v && v->lazy)
    materialize (c, v);
  return v;
}

static bool same_repr (const type *a, const type *b);

/* A cast between array types keeps the element type; a constant
   bound that cannot match is an error now, others are checked when the
   cast runs.  */
static bool
array_cast_ok (compiler *c, ast *n, const type *to, const type *from)
{
  const type *te = to->u.a.elem, *fe = from->u.a.elem;
  bool elems = te->kind == TY_ARRAY && fe->kind == TY_ARRAY
               ? true : type_equal (te, fe) && same_repr (te, fe);
  if (!elems)
    error_at (c, n, "invalid cast to array");
  if (to->u.a.bound_const && from->u.a.bound_const && n->a->kind == A_ARRAY)
    {
      uint64_t want = to->u.a.nelem, have = from->u.a.nelem;
      if (to->u.a.bound_is_size)
        have *= type_complete (fe) ? type_size (fe) : 0;
      if (want != have)
        error_at (c, n, "invalid cast to array");
    }
  return true;
}

/* Array types are equal when their element types are, exactly, and
   their bounds are unknown or the same.  */
static bool
array_types_equal (const type *a, const type *b)
{
  if (a->u.a.bound_const && b->u.a.bound_const
      && (a->u.a.nelem != b->u.a.nelem
          || a->u.a.bound_is_size != b->u.a.bound_is_size))
    return false;
  const type *x = a->u.a.elem, *y = b->u.a.elem;
  if (x->kind == TY_ARRAY && y->kind == TY_ARRAY)
    return array_types_equal (x, y);
  return type_equal (x, y) && same_repr (x, y);
}

static type *
exception_type (compiler *c)
{
  sym *s = lookup (c, "Exception", SYM_TYPE);
  return s ? s->type : NULL;
}

/* Conversions.  */

static ast *
mk_cast (compiler *c, ast *e, type *to)
{
  ast *n = ast_new (&c->ar, A_CAST, e->src, e->loc);
  n->end = e->end;
  n->a = e;
  n->type = to;
  n->flag = true;               /* Implicit: no type node in b.  */
  if (e->is_const && to->kind == TY_INT && e->type->kind == TY_INT)
    {
      n->is_const = true;
      n->lit = val_int (to, arith_norm (e->lit.v.u, to->u.i.size,
                                        to->u.i.sign));
    }
  return n;
}

static bool
same_repr (const type *a, const type *b)
{
  if (a->kind != b->kind)
    return false;
  if (a->kind == TY_INT)
    return a->u.i.size == b->u.i.size && a->u.i.sign == b->u.i.sign;
  if (a->kind == TY_OFFSET)
    return a->u.o.unit == b->u.o.unit && same_repr (a->u.o.base, b->u.o.base);
  return true;
}

/* Convert *E to type TO where the representation differs.  */
static void
coerce (compiler *c, ast **e, type *to)
{
  type *from = (*e)->type;
  if ((from->kind == TY_INT || from->kind == TY_OFFSET) && !same_repr (from, to)
      && to->kind != TY_ANY)
    *e = mk_cast (c, *e, to);
}

/* The flag that S, a local, is read by a struct type's code.  */
static bool *
read_by_type (compiler *c, sym *s)
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
static sym *
field_sym (compiler *c, const char *name, type *t, int k, type *owner)
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

static ast *check_expr (compiler *c, ast *n);
static void check_lvalue (compiler *c, ast *n);
static void check_stmt (compiler *c, ast *n);
static type *resolve_type (compiler *c, ast *tn);
static type *check_struct_type (compiler *c, ast *tn);
static void check_cond (compiler *c, ast **e, const char *what);

static bool
is_int (const type *t)
{
  return t->kind == TY_INT;
}

static bool
is_off (const type *t)
{
  return t->kind == TY_OFFSET;
}

/* Booleans are int<32>.  */
#define type_bool type_int (32, true)

/* An integral struct used as an integer (in arithmetic, conditions,
   integer arguments) is its integral value.  */
static void
struct_as_int (compiler *c, ast **e)
{
  type *t = (*e)->type;
  if (t->kind == TY_STRUCT && t->u.s.itype)
    *e = mk_cast (c, *e, t->u.s.itype);
}

/* An integral struct where an integer of type WANT is to be stored (an
   assignment, an argument, a return value, a constructor's field, a
   format's argument) converts to its integer, as in GNU poke.  */
static void
int_wanted (compiler *c, ast **e, const type *want)
{
  if (is_int (want))
    struct_as_int (c, e);
}

/* GNU poke tests a condition, except an if's, and the operands of !,
   &&, || and =>, as an int<32>: only the low 32 bits of a wider
   integer count (0x100000000L is false).  */
static void
truth32 (compiler *c, ast **e)
{
  if (is_int ((*e)->type) && (*e)->type->u.i.size > 32)
    *e = mk_cast (c, *e, type_bool);
}

/* An if's condition must be integral; WHAT is GNU poke's wording for
   where.  */
static void
check_if_cond (compiler *c, ast **e, const char *what)
{
  *e = check_expr (c, *e);
  struct_as_int (c, e);
  if (!is_int ((*e)->type))
    type_error (c, *e, what, "boolean", (*e)->type);
}

/* The other conditions: the same, tested as an int<32>.  */
static void
check_cond (compiler *c, ast **e, const char *what)
{
  check_if_cond (c, e, what);
  truth32 (c, e);
}

/* The type Exception, from the prelude.  */
static type *exception_type (compiler *c);

/* An Exception-valued operand of try-catch, try-until, ?!.  */
static void
check_exception_operand (compiler *c, ast **e, const char *what)
{
  *e = check_expr (c, *e);
  type *et = exception_type (c);
  if (!et || !type_equal ((*e)->type, et))
    type_error (c, *e, what, "Exception", (*e)->type);
}

/* Constant folding of integer operations: GNU poke reports some run-time
   errors (division by zero, too-big shifts) at compile time when both
   operands are constants.  */
static void
fold_binop (compiler *c, ast *n)
{
  ast *a = n->a, *b = n->b;
  if (!a->is_const || !b->is_const || !is_int (a->type) || !is_int (b->type)
      || !is_int (n->type))
    return;
  arith_op op;
  switch (n->op)
    {
    case T_PLUS: op = AR_ADD; break;
    case T_MINUS: op = AR_SUB; break;
    case T_STAR: op = AR_MUL; break;
    case T_SLASH: op = AR_DIV; break;
    case T_CEILDIV: op = AR_CEILDIV; break;
    case T_PERCENT: op = AR_MOD; break;
    case T_AMP: op = AR_AND; break;
    case T_PIPE: op = AR_IOR; break;
    case T_CARET: op = AR_XOR; break;
    case T_LSHIFT: op = AR_SHL; break;
    case T_RSHIFT: op = AR_SHR; break;
    default:
      return;
    }
  const type *t = n->type;
  const type *bt = (op == AR_SHL || op == AR_SHR) ? b->type : t;
  uint64_t r;
  arith_err e = arith_fold (op, a->lit.v.u, b->lit.v.u, t->u.i.size,
                            t->u.i.sign, bt->u.i.size, bt->u.i.sign, &r);
  if (e == ARITH_EDIVZERO)
    error_at (c, n->b, "division by zero");
  if (e == ARITH_EOOB && op == AR_SHL)
    error_at (c, n->b, "count in left bit shift too big");
  if (e == ARITH_EOVERFLOW)
    error_at (c, n, "expression overflows");
  if (e != ARITH_OK)
    return;
  n->is_const = true;
  n->lit = val_int (n->type, r);
}

/* Division of constant offsets by zero is a compile-time error.  */
static void
fold_offset_div (compiler *c, ast *n)
{
  if (n->b->is_const && n->b->lit.v.u == 0)
    error_at (c, n->b, "division by zero");
}

static type *
promote_ints (const type *a, const type *b)
{
  int size;
  bool sign;
  arith_promote (a->u.i.size, a->u.i.sign, b->u.i.size, b->u.i.sign, &size,
                 &sign);
  return type_int (size, sign);
}

static type *
promote_offsets (const type *a, const type *b)
{
  return type_offset (promote_ints (a->u.o.base, b->u.o.base),
                      arith_offset_unit (a->u.o.unit, b->u.o.unit));
}

static void
invalid_operand (compiler *c, ast *operand, const char *expected)
{
  type_error (c, operand, "invalid operand in expression", expected,
              operand->type);
}

/* An expression whose value is used: a call to a void function has
   none.  */
static ast *
check_rvalue (compiler *c, ast *n)
{
  n = check_expr (c, n);
  if (n->type->kind == TY_VOID && n->kind == A_CALL)
    error_at (c, n->a, "function doesn't return a value");
  return n;
}

static ast *
check_binop (compiler *c, ast *n)
{
  n->a = check_rvalue (c, n->a);
  n->b = check_rvalue (c, n->b);
  switch (n->op)
    {
    case T_EQ: case T_NE: case T_LT: case T_GT: case T_LE: case T_GE:
      break;
    case K_IN:
      struct_as_int (c, &n->a);
      break;
    default:
      struct_as_int (c, &n->a);
      struct_as_int (c, &n->b);
      break;
    }
  type *ta = n->a->type, *tb = n->b->type;
  switch (n->op)
    {
    case T_PLUS:
    case T_MINUS:
    case T_STAR:
    case T_SLASH:
    case T_CEILDIV:
    case T_PERCENT:
      if (n->op == T_PLUS && ta->kind == TY_STRING)
        {
          if (tb->kind != TY_STRING)
            invalid_operand (c, n->b, "string");
          n->type = type_string;
          return n;
        }
      if (n->op == T_STAR && ta->kind == TY_STRING)
        {
          if (!is_int (tb))
            invalid_operand (c, n->b, "integral");
          n->type = type_string;
          return n;
        }
      if (n->op == T_STAR && is_int (ta) && tb->kind == TY_STRING)
        {
          /* 3 * "ab" repeats too: put the string first.  */
          ast *t = n->a;
          n->a = n->b;
          n->b = t;
          n->type = type_string;
          return n;
        }
      if (n->op == T_PLUS && ta->kind == TY_ARRAY)
        {
          if (tb->kind != TY_ARRAY || !type_equal (ta->u.a.elem,
                                                   tb->u.a.elem)
              || !same_repr (ta->u.a.elem, tb->u.a.elem))
            invalid_operand (c, n->b, tname (ta));
          n->type = type_array (ta->u.a.elem, NULL, false);
          return n;
        }
      if (is_int (ta) && is_int (tb))
        {
          n->type = promote_ints (ta, tb);
          coerce (c, &n->a, n->type);
          coerce (c, &n->b, n->type);
          fold_binop (c, n);
          return n;
        }
      if (is_off (ta) && is_off (tb))
        {
          if (n->op == T_STAR)
            invalid_operand (c, n->b, "integral");
          if (n->op == T_SLASH || n->op == T_CEILDIV)
            {
              /* offset / offset is a magnitude.  */
              type *common = promote_offsets (ta, tb);
              coerce (c, &n->a, common);
              coerce (c, &n->b, common);
              n->type = common->u.o.base;
              fold_offset_div (c, n);
              return n;
            }
          n->type = promote_offsets (ta, tb);
          coerce (c, &n->a, n->type);
          coerce (c, &n->b, n->type);
          if (n->op == T_PERCENT)
            fold_offset_div (c, n);
          return n;
        }
      if (is_off (ta) && is_int (tb)
          && (n->op == T_SLASH || n->op == T_CEILDIV))
        {
          /* The offset keeps its type; the integer is converted.  */
          n->type = ta;
          coerce (c, &n->b, ta->u.o.base);
          fold_offset_div (c, n);
          return n;
        }
      if (n->op == T_STAR && (is_off (ta) != is_off (tb))
          && (is_int (ta) || is_int (tb)))
        {
          /* Scaling promotes the magnitude with the integer.  */
          type *ot = is_off (ta) ? ta : tb;
          type *it = is_off (ta) ? tb : ta;
          type *base = promote_ints (ot->u.o.base, it);
          n->type = type_offset (base, ot->u.o.unit);
          coerce (c, is_off (ta) ? &n->a : &n->b, n->type);
          coerce (c, is_off (ta) ? &n->b : &n->a, base);
          return n;
        }
      if (is_off (ta) && is_int (tb))
        invalid_operand (c, n->b, "offset");
      if (!is_int (ta) && !is_off (ta))
        invalid_operand (c, n->a, n->op == T_PLUS
                         ? "integral, offset, string or array"
                         : "integral or offset");
      invalid_operand (c, n->b, is_int (ta) ? "integral" : "offset");
      break;
    case T_POW:
      if (is_int (ta) && is_int (tb))
        {
          n->type = ta->name ? type_int (ta->u.i.size, ta->u.i.sign) : ta;
          return n;
        }
      if (is_off (ta) && is_int (tb))
        {
          n->type = ta;
          return n;
        }
      if (!is_int (ta))
        invalid_operand (c, n->a, "integral");
      invalid_operand (c, n->b, "integral");
      break;
    case T_AMP:
    case T_PIPE:
    case T_CARET:
      if (is_int (ta) && is_int (tb))
        {
          n->type = promote_ints (ta, tb);
          coerce (c, &n->a, n->type);
          coerce (c, &n->b, n->type);
          fold_binop (c, n);
          return n;
        }
      if (is_off (ta) && is_off (tb))
        {
          n->type = promote_offsets (ta, tb);
          coerce (c, &n->a, n->type);
          coerce (c, &n->b, n->type);
          return n;
        }
      if (is_off (ta))
        invalid_operand (c, n->b, "offset");
      if (!is_int (ta))
        invalid_operand (c, n->a, "integral");
      invalid_operand (c, n->b, "integral");
      break;
    case T_LSHIFT:
    case T_RSHIFT:
      if (is_int (ta) && is_int (tb))
        {
          n->type = type_int (ta->u.i.size, ta->u.i.sign);
          fold_binop (c, n);
          return n;
        }
      if (is_off (ta) && is_int (tb))
        {
          n->type = ta;
          return n;
        }
      if (!is_int (ta) && !is_off (ta))
        invalid_operand (c, n->a, "integral");
      invalid_operand (c, n->b, "integral");
      break;
    case T_BCONC:
      if (is_int (ta) && is_int (tb))
        {
          if (ta->u.i.size + tb->u.i.size > 64)
            error_at (c, n, "the sum of the width of the operators should "
                      "not exceed 64-bit");
          n->type = type_int (ta->u.i.size + tb->u.i.size, ta->u.i.sign);
          return n;
        }
      if (!is_int (ta))
        invalid_operand (c, n->a, "integral");
      invalid_operand (c, n->b, "integral");
      break;
    case T_EQ:
    case T_NE:
    case T_LT:
    case T_GT:
    case T_LE:
    case T_GE:
      n->type = type_bool;
      if (is_int (ta) && is_int (tb))
        {
          type *common = promote_ints (ta, tb);
          coerce (c, &n->a, common);
          coerce (c, &n->b, common);
          return n;
        }
      if (is_off (ta) && is_off (tb))
        {
          type *common = promote_offsets (ta, tb);
          coerce (c, &n->a, common);
          coerce (c, &n->b, common);
          return n;
        }
      if (ta->kind == TY_STRING && tb->kind == TY_STRING)
        return n;
      if ((n->op == T_EQ || n->op == T_NE) && ta->kind == TY_ARRAY)
        {
          if (tb->kind != TY_ARRAY || !array_types_equal (ta, tb))
            invalid_operand (c, n->b, tname (ta));
          return n;
        }
      if ((n->op == T_EQ || n->op == T_NE) && ta->kind == TY_STRUCT)
        {
          if (tb->kind != TY_STRUCT || !type_equal (ta, tb))
            invalid_operand (c, n->b, tb->kind != TY_STRUCT ? "struct"
                                      : ta->name ? ta->name : "struct");
          return n;
        }
      if ((n->op == T_EQ || n->op == T_NE)
          && ta->kind == tb->kind && ta->kind == TY_FUNCTION)
        return n;
      if (!is_int (ta) && !is_off (ta) && ta->kind != TY_STRING)
        invalid_operand (c, n->a, (n->op == T_EQ || n->op == T_NE)
                         ? "integral, offset or string"
                         : "integral, string or offset");
      invalid_operand (c, n->b, is_int (ta) ? "integral"
                                : is_off (ta) ? "offset" : "string");
      break;
    case K_IN:
      if (tb->kind != TY_ARRAY)
        invalid_operand (c, n->b, "array");
      if (!type_assignable (tb->u.a.elem, ta))
        invalid_operand (c, n->a, tname (tb->u.a.elem));
      coerce (c, &n->a, tb->u.a.elem);
      n->type = type_bool;
      return n;
    default:
      break;
    }
  error_at (c, n, "invalid operator");
  return n;
}

static uint64_t attr_id (const char *name);

/* Attribute ids; see eval.c for their meaning.  */
enum
{
  ATTR_SIZE = 1, ATTR_SIGNED, ATTR_MAGNITUDE, ATTR_UNIT, ATTR_LENGTH,
  ATTR_MAPPED, ATTR_STRICT, ATTR_OFFSET, ATTR_IOS, ATTR_ELEM, ATTR_EOFFSET,
  ATTR_ESIZE, ATTR_ENAME
};

static uint64_t
attr_id (const char *name)
{
  static const char *const names[] = {
    NULL, "size", "signed", "magnitude", "unit", "length", "mapped",
    "strict", "offset", "ios", "elem", "eoffset", "esize", "ename"
  };
  for (size_t i = 1; i < countof (names); i++)
    if (strcmp (names[i], name) == 0)
      return i;
  return 0;
}

static ast *
check_attr (compiler *c, ast *n)
{
  n->a = check_expr (c, n->a);
  type *t = n->a->type;
  int id = (int) attr_id (n->name);
  n->op = id;
  if (id == 0)
    error_at_name (c, n, "invalid attribute '%s", n->name);
  switch (id)
    {
    case ATTR_SIZE:
      n->type = type_offset (type_int (64, false), 1);
      return n;
    case ATTR_SIGNED:
      if (!is_int (t))
        break;
      n->type = type_bool;
      return n;
    case ATTR_MAGNITUDE:
      if (!is_off (t))
        break;
      n->type = t->u.o.base;
      return n;
    case ATTR_UNIT:
      if (!is_off (t))
        break;
      n->type = type_int (64, false);
      return n;
    case ATTR_LENGTH:
      n->type = type_int (64, false);
      return n;
    case ATTR_MAPPED:
    case ATTR_STRICT:
      n->type = type_bool;
      return n;
    case ATTR_OFFSET:
      n->type = type_offset (type_int (64, false), 1);
      return n;
    case ATTR_IOS:
      n->type = type_int (32, true);
      return n;
    default:
      break;
    }
  error_at (c, n, "attribute '%s is not defined for values of type %s",
            n->name, tname (t));
  return n;
}

static void check_func (compiler *c, ast *f);

/* A reference to a function taking no arguments calls it.  */
static ast *
maybe_autocall (compiler *c, ast *n)
{
  if (n->op == 1 && n->kind == A_VAR)
    return n;                   /* Parenthesized, or a callee.  */
  if (n->kind == A_MEMBER && n->op == 1)
    return n;
  if (n->type->kind == TY_FUNCTION && n->type->u.f.nargs
      == n->type->u.f.nopt && !n->type->u.f.variadic)
    {
      ast *call = ast_new (&c->ar, A_CALL, n->src, n->loc);
      call->end = n->end;
      call->a = n;
      call->type = n->type->u.f.ret;
      call->flag = true;        /* Implicit.  */
      return call;
    }
  return n;
}

/* Reorder named arguments (f :a 1 :b 2) into positional ones, leaving
   NULL for the optional ones not given.  */
static void
order_named_args (compiler *c, ast *n, const ast *fn, type *ft)
{
  int np = ft->u.f.nargs;
  ast **args = arena_alloc (&c->ar, sizeof (ast *) * (np + 1));
  for (int i = 0; i < n->nkids; i++)
    {
      ast *na = n->kids[i];
      int idx = -1;
      for (int j = 0; fn && j < fn->nkids; j++)
        if (strcmp (fn->kids[j]->name, na->name) == 0)
          idx = j;
      if (idx < 0)
        error_at (c, na, "function doesn't take a `%s' argument", na->name);
      args[idx] = na->a;
    }
  int given = 0;
  for (int j = 0; j < np; j++)
    if (args[j])
      given = j + 1;
  for (int j = 0; j < given; j++)
    if (!args[j] && !(fn && fn->kids[j]->b))
      error_at (c, n->a, "too few arguments passed to function\nof type %s",
                tname (ft));
  for (int j = 0; j < np; j++)
    if (!args[j] && !(fn && fn->kids[j]->b))
      error_at (c, n->a, "too few arguments passed to function\nof type %s",
                tname (ft));
  n->kids = args;
  n->nkids = given;
  n->flag = false;
}

static ast *
check_call (compiler *c, ast *n)
{
  if (n->a->kind == A_VAR || n->a->kind == A_MEMBER)
    n->a->op = 1;               /* The callee is not called implicitly.  */
  n->a = check_expr (c, n->a);
  type *ft = n->a->type;
  if (ft->kind != TY_FUNCTION)
    type_error (c, n->a, "invalid operand in funcall", "function", ft);
  const ast *fn = n->a->kind == A_VAR ? n->a->aux : NULL;
  if (n->a->kind == A_MEMBER && n->a->flag)
    {
      ast *decl = n->a->a->type->u.s.decl;
      for (int i = 0; decl && i < decl->nkids; i++)
        if (decl->kids[i]->kind == S_FUN && decl->kids[i]->flag
            && strcmp (decl->kids[i]->name, n->a->name) == 0)
          fn = decl->kids[i]->a;
    }
  if (n->flag && n->nkids && n->kids[0]->kind == A_FIELDINIT)
    {
      for (int i = 0; i < n->nkids; i++)
        n->kids[i]->a = check_rvalue (c, n->kids[i]->a);
      order_named_args (c, n, fn, ft);
    }
  else
    for (int i = 0; i < n->nkids; i++)
      n->kids[i] = check_rvalue (c, n->kids[i]);
  int nparams = ft->u.f.nargs;
  int nfixed = ft->u.f.variadic ? nparams - 1 : nparams;
  if (n->nkids < nfixed - ft->u.f.nopt)
    error_at (c, n->a, "too few arguments passed to function\nof type %s",
              tname (ft));
  if (n->nkids > nfixed && !ft->u.f.variadic)
    error_at (c, n->a, "too many arguments passed to function\nof type %s",
              tname (ft));
  for (int i = 0; i < n->nkids && i < nfixed; i++)
    {
      if (!n->kids[i])
        continue;               /* An optional argument not given.  */
      type *pt = ft->u.f.args[i];
      int_wanted (c, &n->kids[i], pt);
      if (!type_assignable (pt, n->kids[i]->type))
        {
          const char *pname = fn && i < fn->nkids ? fn->kids[i]->name : NULL;
          if (pname)
            error_at (c, n->kids[i], "invalid value for function argument "
                      "`%s'\nexpected %s, got %s", pname, tname (pt),
                      tname (n->kids[i]->type));
          error_at (c, n->kids[i], "invalid value for function argument\n"
                    "expected %s, got %s", tname (pt),
                    tname (n->kids[i]->type));
        }
      coerce (c, &n->kids[i], pt);
    }
  n->type = ft->u.f.ret;
  return n;
}

static ast *
check_expr (compiler *c, ast *n)
{
  switch (n->kind)
    {
    case A_INT:
      n->type = n->lit.t;
      n->is_const = true;
      return n;
    case A_STR:
      {
        n->type = type_string;
        n->lit = val_string (n->name, (size_t) n->op);
        gc_make_permanent (n->lit.v.o);
        n->is_const = true;
        return n;
      }
    case A_VAR:
      {
        sym *s = lookup (c, n->name, SYM_VAR);
        if (!s)
          error_at (c, n, "undefined variable '%s'", n->name);
        if (s->is_method && !c->fn->method)
          error_at (c, n, "only methods can directly call other methods");
        n->type = s->type;
        n->slot = s->slot;
        n->depth = s->level < 0 ? -1 : c->level - s->level;
        n->aux = s->fnast;
        n->flag = s->is_field;          /* May be absent at run time.  */
        if (s->level >= 0 && s->level < c->type_level)
          *read_by_type (c, s) = true;
        return maybe_autocall (c, n);
      }
    case A_BINOP:
      return check_binop (c, n);
    case A_AND:
    case A_OR:
    case A_IMPLIES:
      n->a = check_expr (c, n->a);
      n->b = check_expr (c, n->b);
      struct_as_int (c, &n->a);
      struct_as_int (c, &n->b);
      if (!is_int (n->a->type))
        invalid_operand (c, n->a, "integral");
      if (!is_int (n->b->type))
        invalid_operand (c, n->b, "integral");
      truth32 (c, &n->a);
      truth32 (c, &n->b);
      n->type = type_bool;
      return n;
    case A_UNOP:
      n->a = check_expr (c, n->a);
      struct_as_int (c, &n->a);
      switch (n->op)
        {
        case T_BANG:
          if (is_off (n->a->type))
            {
              n->type = n->a->type;     /* !4#B is 0#B.  */
              return n;
            }
          if (!is_int (n->a->type))
            invalid_operand (c, n->a, "integral");
          truth32 (c, &n->a);
          n->type = type_bool;
          return n;
        case T_TILDE:
          if (!is_int (n->a->type) && !is_off (n->a->type))
            invalid_operand (c, n->a, "integral");
          n->type = n->a->type;
          break;
        default:
          if (!is_int (n->a->type) && !is_off (n->a->type))
            invalid_operand (c, n->a, "integral or offset");
          n->type = n->a->type;
          break;
        }
      if (n->a->is_const && is_int (n->type))
        {
          const type *t = n->type;
          uint64_t r = n->a->lit.v.u;
          if (n->op == T_MINUS
              && arith_neg (r, t->u.i.size, t->u.i.sign, &r) != ARITH_OK)
            error_at (c, n, "expression overflows");
          if (n->op == T_TILDE)
            r = arith_not (r, t->u.i.size, t->u.i.sign);
          n->is_const = true;
          n->lit = val_int (n->type, r);
        }
      return n;
    case A_COND:
      check_cond (c, &n->a, "invalid expression");
      n->b = check_expr (c, n->b);
      n->c = check_expr (c, n->c);
      /* No promotion: both alternatives must have the same type.  */
      if (!type_equal (n->b->type, n->c->type)
          || (is_int (n->b->type)
              && !same_repr (n->b->type, n->c->type)))
        {
          /* GNU poke folds a constant cast into a literal that keeps the
             operand's location.  */
          ast *where = n->c->kind == A_CAST && n->c->is_const ? n->c->a
                                                              : n->c;
          type_error (c, where, "alternative is of the wrong type",
                      tname (n->b->type), n->c->type);
        }
      n->type = n->b->type;
      return n;
    case A_EXCCOND:
      if (n->a->kind == S_BLOCK)
        check_stmt (c, n->a);
      else
        n->a = check_expr (c, n->a);
      check_exception_operand (c, &n->b, "operator has the wrong type");
      n->type = type_bool;
      return n;
    case A_CAST:
      {
        n->a = check_expr (c, n->a);
        type *to = resolve_type (c, n->b);
        type *from = n->a->type;
        n->type = to;
        if (to->kind == TY_FUNCTION)
          error_at (c, n, "invalid cast to function");
        if ((is_int (to) && is_int (from)) || (is_off (to) && is_off (from))
            || to->kind == TY_ANY || from->kind == TY_ANY
            || type_equal (to, from)
            || (to->kind == TY_ARRAY && from->kind == TY_ARRAY
                && array_cast_ok (c, n, to, from))
            || (to->kind == TY_STRING && is_int (from)
                && from->u.i.size == 8 && !from->u.i.sign)
            || (to->kind == TY_STRUCT && to->u.s.itype && is_int (from))
            || (to->kind == TY_STRUCT && from->kind == TY_STRUCT)
            || (is_int (to) && from->kind == TY_ARRAY)
            || (is_int (to) && from->kind == TY_STRUCT
                && from->u.s.itype))
          {
            if (n->a->is_const && is_int (to) && is_int (from))
              {
                n->is_const = true;
                n->lit = val_int (to, arith_norm (n->a->lit.v.u,
                                                  to->u.i.size,
                                                  to->u.i.sign));
              }
            return n;
          }
        error_at (c, n, "invalid cast to %s",
                  to->kind == TY_FUNCTION ? "function"
                  : to->kind == TY_STRING ? "string"
                  : to->kind == TY_INT ? "integral"
                  : to->kind == TY_OFFSET ? "offset"
                  : to->kind == TY_ARRAY ? "array"
                  : to->kind == TY_STRUCT ? "struct" : tname (to));
        return n;
      }
    case A_ISA:
      n->a = check_expr (c, n->a);
      n->b->type = resolve_type (c, n->b);
      n->type = type_bool;
      return n;
    case A_SIZEOF:
      {
        type *t = resolve_type (c, n->a);
        if (!type_complete (t))
          error_at (c, n->a, "sizeof requires a complete type");
        n->type = type_offset (type_int (64, false), 1);
        n->is_const = true;
        n->lit = val_int (n->type, type_size (t));
        return n;
      }
    case A_TYPEOF:
      {
        /* The type described is kept in aux; the value, a Pk_Type, is
           made when the expression runs (the operand is not run).  */
        type *t;
        if (n->a->kind >= TN_INT && n->a->kind <= TN_FUNCTION)
          t = resolve_type (c, n->a);
        else
          t = (n->a = check_rvalue (c, n->a))->type;
        sym *pt = lookup (c, "Pk_Type", SYM_TYPE);
        if (!pt)
          error_at (c, n, "typeof needs the prelude's Pk_Type");
        n->aux = t;
        n->type = pt->type;
        return n;
      }
    case A_CALL:
      return check_call (c, n);
    case A_INDEX:
      n->a = check_expr (c, n->a);
      n->b = check_expr (c, n->b);
      if (!is_int (n->b->type))
        type_error (c, n->b, "invalid index in array indexer", "integral",
                    n->b->type);
      coerce (c, &n->b, type_int (64, false));
      if (n->a->kind == A_STR && n->b->is_const
          && n->b->lit.v.u >= (uint64_t) n->a->op)
        error_at (c, n->b, "index is out of bounds of string");
      if (n->a->type->kind == TY_STRING)
        n->type = type_int (8, false);
      else if (n->a->type->kind == TY_ARRAY)
        {
          n->type = n->a->type->u.a.elem;
          if (n->a->kind == A_ARRAY && n->b->is_const
              && n->b->lit.v.u >= (uint64_t) n->a->nkids)
            error_at (c, n->b, "index is out of bounds of array");
        }
      else
        type_error (c, n->a, "invalid operator to []", "array or string",
                    n->a->type);
      return n;
    case A_TRIM:
      n->a = check_expr (c, n->a);
      if (n->a->type->kind != TY_STRING && n->a->type->kind != TY_ARRAY)
        invalid_operand (c, n->a, "array or string");
      if (n->b)
        {
          n->b = check_expr (c, n->b);
          if (!is_int (n->b->type))
            type_error (c, n->b, "invalid index in trimmer", "integral",
                        n->b->type);
          coerce (c, &n->b, type_int (64, false));
        }
      if (n->c)
        {
          n->c = check_expr (c, n->c);
          if (!is_int (n->c->type))
            type_error (c, n->c, "invalid index in trimmer", "integral",
                        n->c->type);
          coerce (c, &n->c, type_int (64, false));
        }
      n->type = n->a->type->kind == TY_STRING
                ? type_string : type_array (n->a->type->u.a.elem, NULL,
                                            false);
      return n;
    case A_ATTR:
      return check_attr (c, n);
    case A_MEMBER:
      {
        n->a = check_expr (c, n->a);
        type *t = n->a->type;
        if (t->kind != TY_STRUCT)
          type_error (c, n->a, "invalid operand to field reference", "struct",
                      t);
        for (int i = 0; i < t->u.s.nfields; i++)
          if (t->u.s.fields[i].name
              && strcmp (t->u.s.fields[i].name, n->name) == 0)
            {
              n->slot = i;
              n->type = t->u.s.fields[i].type;
              return n;
            }
        for (int i = 0; i < t->u.s.nmethods; i++)
          if (strcmp (t->u.s.methods[i].name, n->name) == 0)
            {
              /* A method: the closure in the struct's slot.  */
              n->slot = t->u.s.method_slots[i];
              n->type = t->u.s.methods[i].type;
              n->flag = true;
              return maybe_autocall (c, n);
            }
        error_at_name (c, n, "field `%s' doesn't exist in struct", n->name);
        return n;
      }
    case A_OFFSET:
      {
        ast *u = n->b;
        if (!n->a)
          {
            /* #B alone is one unit.  */
            n->a = ast_new (&c->ar, A_INT, n->src, u->loc);
            n->a->lit = val_int (type_int (32, true), 1);
          }
        n->a = check_expr (c, n->a);
        if (!is_int (n->a->type))
          error_at (c, n->a, "expected integer expression in offset");
        uint64_t unit = 0;
        if (u->name)
          {
            sym *s = lookup (c, u->name, SYM_UNIT);
            if (s)
              unit = s->unit;
            else if (!type_unit_lookup (u->name, &unit))
              {
                sym *ts = lookup (c, u->name, SYM_TYPE);
                if (!ts)
                  error_at (c, u, "invalid unit in offset");
                if (!type_complete (ts->type))
                  error_at (c, u, "offset unit type must be complete");
                unit = type_size (ts->type);
              }
          }
        else if (u->b)
          {
            type *t = resolve_type (c, u->b);
            if (!type_complete (t))
              error_at (c, u, "offset unit type must be complete");
            unit = type_size (t);
          }
        else
          {
            u->a = check_expr (c, u->a);
            if (!u->a->is_const || !is_int (u->a->type))
              error_at (c, u, "expected a constant integral unit");
            unit = u->a->lit.v.u;
          }
        if (unit == 0)
          error_at (c, u, "the unit in offsets shall be bigger than zero");
        n->type = type_offset (n->a->type->name
                               ? type_int (n->a->type->u.i.size,
                                           n->a->type->u.i.sign)
                               : n->a->type, unit);
        if (n->a->is_const)
          {
            n->is_const = true;
            n->lit = val_int (n->type, n->a->lit.v.u);
          }
        return n;
      }
    case A_ARRAY:
      {
        type *et = NULL;
        for (int i = 0; i < n->nkids; i++)
          {
            ast *el = n->kids[i];
            if (el->a)
              {
                el->a = check_expr (c, el->a);
                if (!el->a->is_const || !is_int (el->a->type))
                  error_at (c, el->a, "indexes in array initializers shall "
                            "be constant");
                if (el->a->type->u.i.sign && el->a->lit.v.i < 0)
                  error_at (c, el->a, "array dimensions may not be "
                            "negative");
                coerce (c, &el->a, type_int (64, false));
              }
            el->b = check_rvalue (c, el->b);
            type *t = el->b->type;
            if (!et)
              et = t;
            else if (!type_equal (et, t) || !same_repr (et, t)
                     || (et->kind == TY_ARRAY && t->kind == TY_ARRAY
                         && !array_types_equal (et, t)))
              error_at (c, n, "array initializers should be of the same "
                        "type");
          }
        if (!et)
          et = type_any;
        for (int i = 0; i < n->nkids; i++)
          coerce (c, &n->kids[i]->b, et);
        n->type = type_array (et, NULL, false);
        n->type->u.a.bound_const = true;
        n->type->u.a.nelem = (uint64_t) n->nkids;
        return n;
      }
    case A_STRUCTCONS:
      {
        type *t = resolve_type (c, n->a);
        if (t->kind != TY_STRUCT)
          error_at (c, n->a, "expected struct type in constructor");
        if (t->u.s.is_union && n->nkids > 1)
          error_at (c, n, "union constructors require exactly one field "
                    "initializer");
        for (int i = 0; i < n->nkids; i++)
          {
            ast *fi = n->kids[i];
            if (!fi->name)
              error_at (c, fi->a, "anonymous initializer in struct "
                        "constructor");
            int idx = -1;
            for (int j = 0; j < t->u.s.nfields; j++)
              if (t->u.s.fields[j].name
                  && strcmp (t->u.s.fields[j].name, fi->name) == 0)
                idx = j;
            if (idx < 0)
              {
                ast where = *fi;
                where.end = fi->loc.pos + (int) strlen (fi->name);
                error_at (c, &where, "invalid struct field `%s' in "
                          "constructor", fi->name);
              }
            for (int j = 0; j < i; j++)
              if (n->kids[j]->slot == idx)
                {
                  ast where = *n->kids[j];
                  where.end = n->kids[j]->a->end;
                  error_at (c, &where, "duplicated struct element '%s'",
                            fi->name);
                }
            fi->slot = idx;
            fi->a = check_rvalue (c, fi->a);
            type *ft = t->u.s.fields[idx].type;
            int_wanted (c, &fi->a, ft);
            if (!type_assignable (ft, fi->a->type))
              {
                char what[300];
                snprintf (what, sizeof what, "invalid initializer for `%s' in "
                          "constructor", fi->name);
                type_error (c, fi->a, what, tname (ft), fi->a->type);
              }
            coerce (c, &fi->a, ft);
          }
        n->type = t;
        return n;
      }
    case A_LAMBDA:
      check_func (c, n->a);
      n->type = n->a->type;
      return n;
    case A_FORMAT:
      {
        const char *err = NULL;
        bool at_call = false;
        for (int i = 0; i < n->nkids; i++)
          n->kids[i] = check_expr (c, n->kids[i]);
        fmt *f = fmt_parse_call (n->a->name, (size_t) n->a->op, n->nkids,
                                 &err, &at_call);
        if (!f)
          error_at (c, at_call ? n : n->a, "%s",
                    err ? err : "invalid format string");
        n->aux = f;
        c->fmts = xrealloc (c->fmts, sizeof (fmt *) * (c->nfmts + 1));
        c->fmts[c->nfmts++] = f;
        int k = 0;
        for (int i = 0; i < f->npieces; i++)
          {
            fmt_piece *pc = &f->pieces[i];
            ast **arg;
            type *want;
            switch (pc->kind)
              {
              case FMT_INT:
              case FMT_FLOAT:
              case FMT_CHAR:
                arg = &n->kids[k++];
                want = type_int (pc->size, pc->sign);
                int_wanted (c, arg, want);
                if (!is_int ((*arg)->type))
                  type_error (c, *arg, "invalid argument in format",
                              tname (want), (*arg)->type);
                coerce (c, arg, want);
                break;
              case FMT_STRING:
                arg = &n->kids[k++];
                if ((*arg)->type->kind != TY_STRING)
                  type_error (c, *arg, "invalid argument in format",
                              "string", (*arg)->type);
                break;
              case FMT_VALUE:
                arg = &n->kids[k++];
                pc->vfunction = (*arg)->type->kind == TY_FUNCTION;
                if ((*arg)->type->kind == TY_VOID)
                  type_error (c, *arg, "invalid argument in format",
                              "any", (*arg)->type);
                break;
              default:
                break;
              }
          }
        n->type = type_string;
        return n;
      }
    case A_INCDEC:
      {
        check_lvalue (c, n->a);
        type *t = n->a->type;
        if (!is_int (t) && !is_off (t))
          type_error (c, n->a, n->flag
                      ? (n->op == T_INC ? "invalid operand to preincrement"
                                        : "invalid operand to predecrement")
                      : (n->op == T_INC ? "invalid operand to postincrement"
                                        : "invalid operand to postdecrement"),
                      "integral or offset", t);
        n->type = t;
        return n;
      }
    case S_UNMAP:
      n->a = check_expr (c, n->a);
      n->type = n->a->type;
      return n;
    case A_MAP:
      {
        type *t = resolve_type (c, n->a);
        n->b = check_expr (c, n->b);
        if (!is_off (n->b->type))
          type_error (c, n->b, "invalid offset in map", "offset",
                      n->b->type);
        if (n->c)
          {
            n->c = check_expr (c, n->c);
            if (!is_int (n->c->type))
              type_error (c, n->c, "invalid IO space in map", "int<32>",
                          n->c->type);
          }
        n->type = t;
        return n;
      }
    case A_ARRCONS:
      {
        type *t = resolve_type (c, n->a);
        if (t->kind != TY_ARRAY)
          error_at (c, n->a, "expected an array type in constructor");
        for (int i = 0; i < n->nkids; i++)
          n->kids[i] = check_expr (c, n->kids[i]);
        if (n->nkids > 1)
          error_at (c, n, "too many arguments to array constructor");
        if (n->nkids == 1)
          {
            if (!type_assignable (t->u.a.elem, n->kids[0]->type))
              type_error (c, n->kids[0], "invalid initial value for array",
                          tname (t->u.a.elem), n->kids[0]->type);
            coerce (c, &n->kids[0], t->u.a.elem);
          }
        n->type = t;
        return n;
      }
    default:
      error_at (c, n, "unexpected %s in expression", ast_kind_name (n->kind));
    }
  return n;
}

/* Types.  */

static type *
resolve_type (compiler *c, ast *tn)
{
  if (tn->type)
    return tn->type;
  type *t = NULL;
  switch (tn->kind)
    {
    case TN_INT:
      if (tn->op < 1 || tn->op > 64)
        error_at (c, tn, "the width of an integral type should be in the "
                  "[1,64] range");
      t = type_int (tn->op, tn->flag);
      if (!tn->b)
        t = type_plain_int (tn->flag);
      break;
    case TN_STRING:
      t = type_string;
      break;
    case TN_VOID:
      t = type_void;
      break;
    case TN_ANY:
      t = type_any;
      break;
    case TN_NAME:
      {
        sym *s = lookup (c, tn->name, SYM_TYPE);
        if (!s && tn->flag)
          error_at (c, tn, "undefined variable '%s'", tn->name);
        if (!s)
          error_at (c, tn, "undefined type '%s'", tn->name);
        t = s->type;
        break;
      }
    case TN_OFFSET:
      {
        type *base = resolve_type (c, tn->a);
        if (!is_int (base))
          error_at (c, tn->a, "the base type of an offset type should be "
                    "integral");
        ast *u = tn->b;
        uint64_t unit = 0;
        if (u->name)
          {
            sym *s = lookup (c, u->name, SYM_UNIT);
            if (s)
              unit = s->unit;
            else if (!type_unit_lookup (u->name, &unit))
              {
                sym *ts = lookup (c, u->name, SYM_TYPE);
                if (!ts || !type_complete (ts->type))
                  error_at (c, u, "invalid unit in offset type");
                unit = type_size (ts->type);
              }
          }
        else if (u->b)
          unit = type_size (resolve_type (c, u->b));
        else
          {
            u->a = check_expr (c, u->a);
            unit = u->a->lit.v.u;
          }
        if (unit == 0)
          error_at (c, u, "the unit in offset types shall be bigger than "
                    "zero");
        t = type_offset (type_int (base->u.i.size, base->u.i.sign), unit);
        break;
      }
    case TN_ARRAY:
      {
        type *et = resolve_type (c, tn->a);
        t = type_array (et, tn->b, false);
        if (tn->b)
          {
            tn->b = check_expr (c, tn->b);
            type *bt = tn->b->type;
            if (is_off (bt))
              t->u.a.bound_is_size = true;
            else if (!is_int (bt))
              invalid_operand (c, tn->b, "integral or offset");
            t->u.a.bound = tn->b;
            if (tn->b->is_const && is_int (tn->b->type)
                && tn->b->type->u.i.sign && tn->b->lit.v.i < 0)
              error_at (c, tn->b, "array dimensions may not be negative");
            if (tn->b->is_const)
              {
                t->u.a.bound_const = true;
                t->u.a.nelem = is_off (bt) ? tn->b->lit.v.u * bt->u.o.unit
                                           : tn->b->lit.v.u;
              }
          }
        break;
      }
    case TN_STRUCT:
      t = check_struct_type (c, tn);
      break;
    case TN_FUNCTION:
      {
        type **args = arena_alloc (&c->ar, sizeof (type *) * (tn->nkids + 1));
        bool variadic = false;
        int nopt = 0;
        for (int i = 0; i < tn->nkids; i++)
          {
            args[i] = resolve_type (c, tn->kids[i]);
            variadic = tn->kids[i]->vararg;
            if (variadic)
              args[i] = type_array (type_any, NULL, false);
            if (tn->kids[i]->optional)
              nopt++;
          }
        t = type_function (resolve_type (c, tn->a), tn->nkids, args, nopt,
                           variadic);
        break;
      }
    default:
      error_at (c, tn, "expected a type");
    }
  tn->type = t;
  return t;
}

/* Struct types.  The body is a scope one level down, like a function's:
   at run time each struct value is the frame of that scope, its fields
   the first slots (in order), then the local variables and functions.
   Field types, constraints, initializers, labels and conditions see the
   earlier fields; methods see them all.  */
static type *
check_struct_type (compiler *c, ast *tn)
{
  type *t = type_new (TY_STRUCT);
  /* Named at once, so that its methods see it by its name.  */
  t->name = c->next_type_name;
  c->next_type_name = NULL;
  t->u.s.is_union = tn->flag;
  t->u.s.pinned = tn->op;
  t->u.s.decl = tn;
  t->u.s.env_slot = -1;
  tn->type = t;
  int nf = 0, nm = 0;
  for (int i = 0; i < tn->nkids; i++)
    {
      if (tn->kids[i]->kind == TN_FIELD)
        nf++;
      else if (tn->kids[i]->kind == S_FUN && tn->kids[i]->flag)
        nm++;
    }
  t->u.s.nfields = nf;
  t->u.s.fields = arena_alloc (&c->ar, sizeof (type_field) * (nf + 1));
  t->u.s.methods = arena_alloc (&c->ar, sizeof (type_field) * (nm + 1));
  t->u.s.method_slots = arena_alloc (&c->ar, sizeof (int) * (nm + 1));
  if (tn->flag && tn->a)
    error_from (c, tn, tn->nend, "unions can't be integral");
  if (tn->flag && tn->op)
    error_from (c, tn, tn->nend, "unions are not allowed to be pinned");
  if (tn->a)
    {
      t->u.s.itype = resolve_type (c, tn->a);
      if (tn->op)
        error_at (c, tn->a, "integral structs cannot be pinned");
    }

  fnctx fc = { c->fn, nf, NULL, 0, nf, false };
  sym *saved = c->locals;
  int saved_level = c->level, saved_type_level = c->type_level;
  c->fn = &fc;
  c->level = saved_level < 0 ? 1 : saved_level + 1;
  c->type_level = c->level;
  /* OFFSET: where the field being built starts, in the struct.  */
  sym *os = local_add (c, "OFFSET", SYM_VAR,
                       type_offset (type_int (64, false), 1));
  t->u.s.offset_slot = os->slot;
  int k = 0;
  bool unreachable = false;     /* Unions: an alternative always holds.  */
  bool warned = false;
  uint64_t ibits = 0;           /* Integral structs: the fields' bits.  */
  for (int i = 0; i < tn->nkids; i++)
    {
      ast *f = tn->kids[i];
      if (f->kind != TN_FIELD)
        {
          if (tn->flag && k > 0 && !(f->kind == S_FUN && f->flag))
            error_at (c, f, "declarations are not supported after union "
                      "fields");
          check_stmt (c, f);
          t->u.s.ndecls += f->kind == S_BLOCK ? f->nkids : 1;
          if (f->kind == S_FUN && f->flag)
            {
              int m = t->u.s.nmethods++;
              t->u.s.methods[m].name = f->name;
              t->u.s.methods[m].type = f->a->type;
              t->u.s.method_slots[m] = f->slot;
            }
          continue;
        }
      type *ft = resolve_type (c, f->a);
      t->u.s.fields[k].name = f->name;
      t->u.s.fields[k].type = ft;
      if (tn->flag)
        {
          if (f->aux)
            error_at (c, f, "labels are not allowed in unions");
          if (f->d)
            error_at (c, f, "optional fields are not allowed in unions");
          if (!f->name)
            error_at (c, f, "anonymous members are not allowed in unions");
          if (unreachable)
            {
              ast at = *f;      /* GNU poke points at the name.  */
              at.loc = f->nloc;
              warning_at (c, &at, "unreachable alternative in union");
              unreachable = false;
              warned = true;
            }
          else if (!f->b && !warned && ft->kind != TY_STRUCT)
            unreachable = true;         /* Structs may fail inside.  */
        }
      if (tn->a)
        {
          if (f->aux)
            error_at (c, f, "labels are not allowed in integral structs");
          if (f->d)
            error_at (c, f, "optional fields are not allowed in integral "
                      "structs");
          const type *bt = is_off (ft) ? ft->u.o.base : ft;
          if (!is_int (bt) && !(bt->kind == TY_STRUCT && bt->u.s.itype))
            type_error (c, f, "invalid field in integral struct",
                        "integral, offset or integral struct", ft);
          ibits += type_size (bt);
        }
      if (tn->op && f->aux)
        error_at (c, f, "labels are not allowed in pinned structs");
      if (f->aux)
        {
          ast *lab = check_expr (c, f->aux);
          if (!is_off (lab->type))
            type_error (c, lab, "invalid field label", "offset", lab->type);
          f->aux = lab;
          t->u.s.has_labels = true;
          t->u.s.fields[k].labeled = true;
          if (lab->is_const)
            {
              t->u.s.fields[k].label_const = true;
              t->u.s.fields[k].label = lab->lit.v.u * lab->type->u.o.unit;
            }
        }
      t->u.s.fields[k].optional = f->d != NULL;
      if (f->c)
        {
          f->c = check_rvalue (c, f->c);
          if (!type_assignable (ft, f->c->type))
            {
              /* `T a == E': the constraint's own error comes first.  */
              if (f->optional && f->b)
                {
                  sym *saved_locals = c->locals;
                  field_sym (c, f->name, ft, k, t);
                  check_cond (c, &f->b, "invalid struct field constraint");
                  c->locals = saved_locals;
                }
              type_error (c, f->c, "invalid field initializer", tname (ft),
                          f->c->type);
            }
          coerce (c, &f->c, ft);
        }
      /* The field is visible from here on, in its own constraint too.  */
      f->slot = k;
      if (f->name)
        {
          field_sym (c, f->name, ft, k, t)->is_field = true;
        }
      if (f->b)
        check_cond (c, &f->b, "invalid struct field constraint");
      /* An optional field's condition sees the field: it is tested once
         the field is built (map.c).  */
      if (f->d)
        check_cond (c, &f->d, "invalid optional field condition");
      for (int j = 0; j < k; j++)
        if (f->name && t->u.s.fields[j].name
            && strcmp (t->u.s.fields[j].name, f->name) == 0)
          error_at_name (c, f, "duplicated struct element '%s'", f->name);
      k++;
    }
  if (tn->a && ibits != type_size (t->u.s.itype))
    error_at (c, tn->a, "invalid total size in integral struct type\n"
              "expected %llu bits, got %llu bits",
              (unsigned long long) type_size (t->u.s.itype),
              (unsigned long long) ibits);
  t->u.s.nslots = fc.nslots;
  tn->nslots = fc.nslots;
  c->fn = fc.up;
  c->level = saved_level;
  c->type_level = saved_type_level;
  c->locals = saved;
  return t;
}

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
        error_at (c, p, "cannot pass a variadic argument to a native "
                  "function");
      if (pkffi_classify (ft->u.f.args[i], false) == PKFFI_BAD)
        error_at (c, p->a, "cannot pass %s to a native function",
                  tname (ft->u.f.args[i]));
    }
  if (pkffi_classify (ft->u.f.ret, true) == PKFFI_BAD)
    error_at (c, f->b, "cannot return %s from a native function",
              tname (ft->u.f.ret));
  const char *sym = x->b ? x->b->name : f->name;
  if (!sym)
    error_at (c, x, "a native lambda needs a symbol name");
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
  return resolve_type (c, p->a);
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

static void
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
          error_at_name (c, p, "duplicated argument name `%s' in function "
                         "declaration", p->name);
      if (p->flag && i != n - 1)
        error_at (c, p, "vararg argument should be the last argument");
      if (!p->b && !p->flag && nopt > 0)
        error_at (c, p, "non-optional argument after optional arguments");
      variadic |= p->flag;
      args[i] = param_type (c, f, i);
      if (p->b)
        nopt++;
    }
  type *ret = resolve_type (c, f->b);
  f->type = type_function (ret, n, args, nopt, variadic);

  /* The body: a new frame, one level down.  */
  fnctx fc = { c->fn, 0, ret, 0, 0, c->next_is_method };
  c->next_is_method = false;
  sym *saved = c->locals;
  int saved_level = c->level;
  c->fn = &fc;
  c->level = saved_level < 0 ? 1 : saved_level + 1;
  for (int i = 0; i < n; i++)
    {
      ast *p = f->kids[i];
      sym *s = local_add (c, p->name, SYM_VAR, args[i]);
      p->slot = s->slot;
      if (p->b)
        {
          p->b = check_expr (c, p->b);
          if (!type_assignable (args[i], p->b->type))
            type_error (c, p->b, "invalid default value for argument",
                        tname (args[i]), p->b->type);
          coerce (c, &p->b, args[i]);
        }
    }
  if (f->a->kind == A_EXTERN)
    check_extern (c, f);
  else
    {
      param_prologue (c, f);
      check_stmt (c, f->a);
    }
  f->nslots = fc.nslots;
  c->fn = fc.up;
  c->level = saved_level;
  c->locals = saved;
}

/* Statements.  */

/* A method assigns to a field F of its struct by F's bare name: make the
   l-value SELF.F, so that the assignment takes the path of any other
   assignment to a field (constraints checked, written to the IO space
   when the struct is mapped).  N is the resolved A_VAR.  */
static void
field_as_member (compiler *c, ast *n, type *owner)
{
  ast *self = ast_new (&c->ar, A_SELF, n->src, n->loc);
  self->end = n->end;
  self->type = owner;
  self->depth = n->depth;
  n->kind = A_MEMBER;
  n->a = self;
  n->flag = false;
}

static void
check_lvalue (compiler *c, ast *n)
{
  switch (n->kind)
    {
    case A_VAR:
      {
        sym *s = lookup (c, n->name, SYM_VAR);
        if (!s)
          error_at (c, n, "undefined variable '%s'", n->name);
        if (s->is_fun)
          error_at (c, n, "invalid l-value in assignment");
        if (s->is_field && !c->fn->method)
          error_at (c, n, "invalid assignment to struct field");
        n->type = s->type;
        n->slot = s->slot;
        n->depth = s->level < 0 ? -1 : c->level - s->level;
        if (s->is_field)
          field_as_member (c, n, s->owner);
        else if (s->level >= 0)
          n->aux = read_by_type (c, s);
        return;
      }
    case A_INDEX:
      n->a = check_expr (c, n->a);
      if (n->a->type->kind != TY_ARRAY)
        error_at (c, n, "invalid l-value in assignment");
      n->b = check_expr (c, n->b);
      if (!is_int (n->b->type))
        invalid_operand (c, n->b, "integral");
      coerce (c, &n->b, type_int (64, false));
      n->type = n->a->type->u.a.elem;
      return;
    case A_MEMBER:
      check_expr (c, n);
      if (n->flag)
        error_at (c, n, "invalid l-value in assignment");
      return;
    case A_MAP:
      check_expr (c, n);
      return;
    default:
      error_at (c, n, "invalid l-value in assignment");
    }
}

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
  int_wanted (c, &n->b, lt);
  if (!type_assignable (lt, n->b->type))
    error_at (c, n, "r-value in assignment has the wrong type\n"
              "expected %s got %s", tname (lt), tname (n->b->type));
  coerce (c, &n->b, lt);
}

static void
check_block_body (compiler *c, ast *n)
{
  for (int i = 0; i < n->nkids; i++)
    check_stmt (c, n->kids[i]);
}

static void
check_stmt (compiler *c, ast *n)
{
  switch (n->kind)
    {
    case S_NULL:
    case S_BREAK:
    case S_CONTINUE:
      if (n->kind != S_NULL && c->fn->loops == 0)
        error_at (c, n, "`%s' statement without containing statement",
                  n->kind == S_BREAK ? "break" : "continue");
      return;
    case S_EXPR:
      n->a = check_expr (c, n->a);
      return;
    case S_VAR:
      {
        n->a = check_rvalue (c, n->a);
        for (sym *o = c->locals; o && o->level == c->level && c->level >= 0;
             o = o->next)
          if (o->kind == SYM_VAR && strcmp (o->name, n->name) == 0
              && o->slot >= c->fn->block_start)
            error_at_name (c, n, "the variable `%s' is already defined",
                           n->name);
        type *t = n->a->type;
        if (t->kind == TY_VOID)
          error_at (c, n->a, "variables can't be of type void");
        sym *s = local_add (c, n->name, SYM_VAR, t);
        n->slot = s->slot;
        n->depth = s->level < 0 ? -1 : 0;
        return;
      }
    case S_TYPE:
      {
        if (n->a->kind == TN_STRUCT)
          c->next_type_name = n->name;
        type *t = resolve_type (c, n->a);
        if (t->kind == TY_STRUCT && n->a->kind == TN_STRUCT)
          {
            /* Its environment is the frame it is declared in, kept in a
               hidden global set when the declaration runs.  */
            char hidden[256];
            snprintf (hidden, sizeof hidden, " env %s %d", n->name,
                      c->nglobals);
            sym *es = global_add (c, hidden, SYM_VAR, type_void);
            t->u.s.env_slot = es->slot;
            n->slot = es->slot;
            n->flag = true;
          }
        /* An alias of a struct type is that type, which keeps its
           name (type B = A; B {} prints as A).  */
        if (!(t->kind == TY_STRUCT && t->name))
          t = type_named (t, n->name);
        local_add (c, n->name, SYM_TYPE, t);
        return;
      }
    case S_UNIT:
      {
        n->a = check_expr (c, n->a);
        if (!is_int (n->a->type))
          error_at (c, n->a, "invalid cast to integral");
        if (!n->a->is_const)
          error_at (c, n->a, "expected constant integral expression");
        sym *s = local_add (c, n->name, SYM_UNIT, type_int (64, false));
        s->unit = n->a->lit.v.u;
        return;
      }
    case S_FUN:
      {
        /* Declared before its body, for recursion; the type is known
           once the signature is resolved, so check the body after.  */
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
        type *ft = type_function (resolve_type (c, f->b), np, args, nopt,
                                  variadic);
        sym *s = local_add (c, n->name, SYM_VAR, ft);
        s->is_fun = true;
        s->is_method = n->flag;
        s->fnast = f;
        n->slot = s->slot;
        n->depth = s->level < 0 ? -1 : 0;
        c->next_is_method = n->flag;
        check_func (c, f);
        s->type = f->type;
        f->type->u.f.fname = s->name;
        return;
      }
    case S_ASSIGN:
      check_assign (c, n);
      return;
    case S_IF:
      check_if_cond (c, &n->a, "invalid expression");
      check_stmt (c, n->b);
      if (n->c)
        check_stmt (c, n->c);
      return;
    case S_WHILE:
      check_cond (c, &n->a, "invalid condition in loop");
      c->fn->loops++;
      check_stmt (c, n->b);
      c->fn->loops--;
      return;
    case S_FOR:
      {
        sym *saved = c->locals;
        int saved_level = c->level;
        /* The initialization's declarations are a block of their own.  */
        int saved_start = c->fn->block_start;
        c->fn->block_start = c->fn->nslots;
        if (c->level < 0)
          c->level = 0;
        if (n->a)
          check_stmt (c, n->a);
        if (n->b)
          check_cond (c, &n->b, "invalid condition in loop");
        if (n->c)
          check_stmt (c, n->c);
        c->fn->loops++;
        check_stmt (c, n->d);
        c->fn->loops--;
        c->locals = saved;
        c->level = saved_level;
        c->fn->block_start = saved_start;
        return;
      }
    case S_FORIN:
      {
        n->a = check_expr (c, n->a);
        type *ct = n->a->type, *et;
        if (ct->kind == TY_STRING)
          et = type_int (8, false);
        else if (ct->kind == TY_ARRAY)
          et = ct->u.a.elem;
        else
          type_error (c, n->a, "invalid container in for loop",
                      "array or string", ct);
        sym *saved = c->locals;
        int saved_level = c->level;
        if (c->level < 0)
          c->level = 0;
        sym *s = local_add (c, n->name, SYM_VAR, et);
        n->slot = s->slot;
        /* A hidden slot for the index.  */
        n->nslots = c->fn->nslots++;
        if (n->b)
          check_cond (c, &n->b, "invalid condition in loop");
        c->fn->loops++;
        check_stmt (c, n->c);
        c->fn->loops--;
        c->locals = saved;
        c->level = saved_level;
        return;
      }
    case S_RETURN:
      if (!c->fn->ret)
        error_at (c, n, "`return' statement without containing function");
      if (n->a)
        {
          n->a = check_expr (c, n->a);
          if (c->fn->ret->kind == TY_VOID)
            error_at (c, n->a, "returning a value in a void function");
          int_wanted (c, &n->a, c->fn->ret);
          if (!type_assignable (c->fn->ret, n->a->type))
            error_at (c, n->a, "returning an expression of the wrong type\n"
                      "expected %s, got %s", tname (c->fn->ret),
                      tname (n->a->type));
          coerce (c, &n->a, c->fn->ret);
        }
      else if (c->fn->ret->kind != TY_VOID)
        error_at (c, n, "the function expects a return value");
      return;
    case S_BLOCK:
      {
        if (n->flag)
          {
            check_block_body (c, n);
            return;
          }
        sym *saved = c->locals;
        int saved_level = c->level;
        int saved_start = c->fn->block_start;
        if (c->level < 0)
          c->level = 0;
        c->fn->block_start = c->fn->nslots;
        check_block_body (c, n);
        c->fn->block_start = saved_start;
        c->locals = saved;
        c->level = saved_level;
        return;
      }
    case S_RAISE:
      if (n->a)
        {
          n->a = check_expr (c, n->a);
          type *et = exception_type (c);
          if (!et || !type_equal (n->a->type, et))
            error_at (c, n, "exception in `raise' statement should be an "
                      "Exception");
        }
      return;
    case S_TRY:
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
            type *t = resolve_type (c, n->d);
            type *et = exception_type (c);
            if (!et || !type_equal (t, et))
              {
                ast where = *n->d;
                where.end = n->nend;
                type_error (c, &where, "invalid expression in try-catch",
                            "Exception", t);
              }
            sym *s = local_add (c, n->name, SYM_VAR, t);
            n->slot = s->slot;
          }
        check_stmt (c, n->b);
        c->locals = saved;
        c->level = saved_level;
        return;
      }
    case S_TRYUNTIL:
      c->fn->loops++;
      check_stmt (c, n->a);
      c->fn->loops--;
      check_exception_operand (c, &n->b, "invalid expression in try-until");
      return;
    case S_ASSERT:
      n->a = check_expr (c, n->a);
      if (!is_int (n->a->type))
        type_error (c, n->a, "invalid value for function argument `cond'",
                    "uint<64>", n->a->type);
      if (n->b)
        {
          n->b = check_expr (c, n->b);
          if (n->b->type->kind != TY_STRING)
            type_error (c, n->b, "invalid value for function argument `msg'",
                        "string", n->b->type);
        }
      return;
    case S_PRINT:
      n->a = check_expr (c, n->a);
      if (n->a->type->kind != TY_STRING)
        type_error (c, n->a, "invalid argument to print", "string",
                    n->a->type);
      return;
    case S_PRINTF:
      {
        /* Same checks as format ().  */
        ast tmp = *n;
        tmp.kind = A_FORMAT;
        check_expr (c, &tmp);
        n->aux = tmp.aux;
        n->kids = tmp.kids;
        return;
      }
    case S_LOAD:
      return;
    case S_LAZY:
      {
        sym *s = local_add (c, n->name, SYM_VAR, NULL);
        s->is_fun = n->flag;
        s->lazy = n;
        return;
      }
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
  fnctx top = { NULL, 0, NULL, 0, 0, false };
  c->fn = &top;
  c->level = -1;                /* Top-level declarations are global.  */
  c->type_level = -2;
  if (setjmp (c->jb))
    {
      global_rollback (c, mark, nglobals);
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
