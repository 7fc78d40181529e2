/* check-type.c -- the types the checker elaborates from type nodes
   (ck_resolve_type): integral, offset, array, function and struct types,
   with the checks of their parts; and the relations between types the
   promotions rely on.  Struct types are the biggest part: their body is
   a scope whose fields, declarations and methods are checked here.  */

#include "check-int.h"

#include <string.h>

/* Relations.  */

/* Array types are equal when their element types are, exactly, and
   their bounds are unknown or the same.  */
bool
ck_array_types_equal (const type *a, const type *b)
{
  if (a->u.a.bound_const && b->u.a.bound_const
      && (a->u.a.nelem != b->u.a.nelem
          || a->u.a.bound_is_size != b->u.a.bound_is_size))
    return false;
  const type *x = a->u.a.elem, *y = b->u.a.elem;
  if (x->kind == TY_ARRAY && y->kind == TY_ARRAY)
    return ck_array_types_equal (x, y);
  return type_equal (x, y) && ck_same_repr (x, y);
}

bool
ck_same_repr (const type *a, const type *b)
{
  if (a->kind != b->kind)
    return false;
  if (a->kind == TY_INT)
    return a->u.i.size == b->u.i.size && a->u.i.sign == b->u.i.sign;
  if (a->kind == TY_OFFSET)
    return a->u.o.unit == b->u.o.unit
           && ck_same_repr (a->u.o.base, b->u.o.base);
  return true;
}

/* Type nodes.  */

static type *check_struct_type (compiler *c, ast *tn);

/* The type T, declared UP scopes above the one it is used in: the
   bounds of its arrays read the variables of the declaring scope, so
   a copy of T evaluates them UP frames up.  Struct types find their
   own environment (map.c, struct_env).  */
type *
ck_type_from_above (compiler *c, type *t, int up)
{
  if (t->kind != TY_ARRAY)
    return t;
  type *elem = ck_type_from_above (c, t->u.a.elem, up);
  bool runtime = t->u.a.bound && !t->u.a.bound_const;
  if (elem == t->u.a.elem && !runtime)
    return t;
  type *n = type_named (t, t->name ? t->name : "");
  n->name = t->name;
  n->u.a.elem = elem;
  if (runtime)
    {
      ast *b = ast_new (&c->ar, A_UP, t->u.a.bound->src, t->u.a.bound->loc);
      b->a = t->u.a.bound;
      b->type = t->u.a.bound->type;
      b->end = t->u.a.bound->end;
      b->depth = up;
      n->u.a.bound = b;
    }
  return n;
}

static type *
resolve_name (compiler *c, ast *tn)
{
  sym *s = ck_lookup (c, tn->name, SYM_TYPE);
  if (!s && tn->flag)
    ck_error_at (c, tn, "undefined variable '%s'", tn->name);
  if (!s)
    ck_error_at (c, tn, "undefined type '%s'", tn->name);
  if (s->level >= 0 && c->level > s->level)
    return ck_type_from_above (c, s->type, c->level - s->level);
  return s->type;
}

static type *
resolve_offset (compiler *c, ast *tn)
{
  type *base = ck_resolve_type (c, tn->a);
  if (!is_int (base))
    ck_error_at (c, tn->a, "the base type of an offset type should be "
                 "integral");
  ast *u = tn->b;
  uint64_t unit = 0;
  if (u->name)
    {
      sym *s = ck_lookup (c, u->name, SYM_UNIT);
      if (s)
        unit = s->unit;
      else if (!type_unit_lookup (u->name, &unit))
        {
          sym *ts = ck_lookup (c, u->name, SYM_TYPE);
          if (!ts || !type_complete (ts->type))
            ck_error_at (c, u, "invalid unit in offset type");
          unit = type_size (ts->type);
        }
    }
  else if (u->b)
    unit = type_size (ck_resolve_type (c, u->b));
  else
    {
      u->a = check_expr (c, u->a);
      unit = u->a->lit.v.u;
    }
  if (unit == 0)
    ck_error_at (c, u, "the unit in offset types shall be bigger than "
                 "zero");
  /* The base keeps its name: GNU poke writes offset<int,8>.  */
  return type_offset (base, unit);
}

static type *
resolve_array (compiler *c, ast *tn)
{
  type *et = ck_resolve_type (c, tn->a);
  if (et->kind == TY_VOID)
    ck_error_at (c, tn->a, "arrays of type `void' are not allowed");
  type *t = type_array (et, tn->b, false);
  if (et->kind == TY_STRUCT && et->u.s.last_alias && *et->u.s.last_alias)
    t->u.a.elem_indexed = type_named (et, *et->u.s.last_alias);
  if (tn->b)
    {
      tn->b = check_expr (c, tn->b);
      type *bt = tn->b->type;
      if (is_off (bt))
        t->u.a.bound_is_size = true;
      else if (!is_int (bt))
        ck_type_error (c, tn->b, "invalid array bound", "integral or offset",
                       bt);
      t->u.a.bound = tn->b;
      if (tn->b->is_const && is_int (tn->b->type)
          && tn->b->type->u.i.sign && tn->b->lit.v.i < 0)
        ck_error_at (c, tn->b, "array dimensions may not be negative");
      if (tn->b->is_const)
        {
          t->u.a.bound_const = true;
          t->u.a.nelem = is_off (bt) ? tn->b->lit.v.u * bt->u.o.unit
                                     : tn->b->lit.v.u;
          /* GNU poke sees that integers or offsets cannot fill a
             constant size exactly; other elements it finds out when it
             makes the array (E_constraint).  */
          const type *ebase = et->kind == TY_OFFSET ? et->u.o.base : et;
          if (is_off (bt) && (is_int (et) || is_off (et))
              && t->u.a.nelem % (uint64_t) ebase->u.i.size != 0)
            ck_error_at (c, tn->b, "array elements do not fit in specified "
                         "size");
        }
    }
  return t;
}

static type *
resolve_function (compiler *c, ast *tn)
{
  type **args = arena_alloc (&c->ar, sizeof (type *) * (tn->nkids + 1));
  bool variadic = false;
  int nopt = 0;
  for (int i = 0; i < tn->nkids; i++)
    {
      args[i] = ck_resolve_type (c, tn->kids[i]);
      variadic = tn->kids[i]->vararg;
      if (variadic)
        args[i] = type_array (type_any, NULL, false);
      if (tn->kids[i]->optional)
        nopt++;
    }
  return type_function (ck_resolve_type (c, tn->a), tn->nkids, args, nopt,
                        variadic);
}

/* The type denoted by TN, elaborated once.  */
type *
ck_resolve_type (compiler *c, ast *tn)
{
  if (tn->type)
    return tn->type;
  type *t = NULL;
  switch (tn->kind)
    {
    case TN_INT:
      /* GNU poke 4.3 has no int<1>: a signed type needs a sign bit and
         a value bit.  */
      if (tn->flag && (tn->op < 2 || tn->op > 64))
        ck_error_at (c, tn, "the width of a signed integral type should be "
                     "in the [2,64] range");
      if (!tn->flag && (tn->op < 1 || tn->op > 64))
        ck_error_at (c, tn, "the width of an unsigned integral type should "
                     "be in the [1,64] range");
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
      t = resolve_name (c, tn);
      break;
    case TN_OFFSET:
      t = resolve_offset (c, tn);
      break;
    case TN_ARRAY:
      t = resolve_array (c, tn);
      break;
    case TN_STRUCT:
      t = check_struct_type (c, tn);
      break;
    case TN_FUNCTION:
      t = resolve_function (c, tn);
      break;
    default:
      ck_error_at (c, tn, "expected a type");
    }
  tn->type = t;
  return t;
}

/* Struct types.  The body is a scope one level down, like a function's:
   at run time each struct value is the frame of that scope, its fields
   the first slots (in order), then the local variables and functions.
   Field types, constraints, initializers, labels and conditions see the
   earlier fields; methods see them all.  */

/* Is TN the int<*> or uint<*> of an integral struct or union?  */
static bool
int_star (const ast *tn)
{
  return tn->kind == TN_INT && tn->op == 0 && !tn->b;
}

/* A new struct type for TN, with room for its fields and methods.  */
static type *
struct_type_new (compiler *c, ast *tn)
{
  type *t = type_new (TY_STRUCT);
  /* Named at once, so that its methods see it by its name.  */
  t->name = c->next_type_name;
  c->next_type_name = NULL;
  t->u.s.is_union = tn->flag;
  t->u.s.pinned = tn->op;
  t->u.s.decl = tn;
  t->u.s.env_slot = -1;
  t->u.s.printer = -1;
  t->u.s.last_alias = arena_alloc (&c->ar, sizeof *t->u.s.last_alias);
  *t->u.s.last_alias = NULL;
  tn->type = t;
  int nf = 0, nm = 0;
  for (int i = 0; i < tn->nkids; i++)
    {
      if (tn->kids[i]->kind == TN_FIELD || tn->kids[i]->kind == TN_COMPUTED)
        nf++;
      else if (tn->kids[i]->kind == S_FUN && tn->kids[i]->flag)
        nm++;
    }
  t->u.s.nfields = nf;
  t->u.s.fields = arena_alloc (&c->ar, sizeof (type_field) * (nf + 1));
  t->u.s.methods = arena_alloc (&c->ar, sizeof (type_field) * (nm + 1));
  t->u.s.method_slots = arena_alloc (&c->ar, sizeof (int) * (nm + 1));
  /* int<*>: the size is the fields', known once they are.  */
  if (tn->a && !int_star (tn->a))
    t->u.s.itype = ck_resolve_type (c, tn->a);
  if (tn->a && tn->op)
    ck_error_at (c, tn->a, "integral structs cannot be pinned");
  if (tn->flag && tn->op)
    ck_error_from (c, tn, tn->nend, "unions are not allowed to be pinned");
  return t;
}

/* A declaration F of struct type T's body, after K fields: a method is
   recorded.  */
static void
struct_decl (compiler *c, ast *tn, type *t, ast *f, int k)
{
  if (tn->flag && k > 0 && !(f->kind == S_FUN && f->flag))
    ck_error_at (c, f, "declarations are not supported after union "
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
}

/* Where GNU poke points for an error about field F of a struct type:
   from its name (or where the name would be) to its semicolon.  */
static ast
field_where (const ast *f)
{
  if (!f->name)
    return ck_at_pos (f, f->a->end);
  ast at = *f;
  at.loc = f->nloc;
  return at;
}

static _Noreturn void
field_error (compiler *c, ast *f, const char *msg)
{
  ast at = field_where (f);
  ck_error_at (c, &at, "%s", msg);
}

static void
field_warning (compiler *c, ast *f, const char *msg)
{
  ast at = field_where (f);
  ck_warning_at (c, &at, msg);
}

/* Field F of a union: what the alternatives may not be (but
   anonymous, see struct_field).  */
static void
union_field (compiler *c, ast *f)
{
  if (f->aux)
    field_error (c, f, "labels are not allowed in unions");
  if (f->d || f->nkids)
    field_error (c, f, "optional fields are not allowed in unions");
}

/* Field F, of type FT, of a union, its constraint checked: GNU poke
   warns, once a union, of an alternative never taken, after one always
   taken (no constraint, or a constant true one; a struct without one
   may fail inside) or by its own constant false constraint.
   *UNREACHABLE: an alternative always holds; *WARNED: that was said.  */
static void
union_reach (compiler *c, ast *f, type *ft, bool *unreachable, bool *warned)
{
  /* The checker folds constant conditions as GNU poke does.  */
  int truth = !f->b ? 1 : f->b->is_const && is_int (f->b->type)
                          ? f->b->lit.v.u != 0 : -1;
  bool never = truth == 0;
  if (!*warned && (*unreachable || never))
    {
      ast at = *f;      /* GNU poke points at the name.  */
      at.loc = f->nloc;
      ck_warning_at (c, &at, "unreachable alternative in union");
      *warned = true;
    }
  if (f->b ? truth == 1 : ft->kind != TY_STRUCT)
    *unreachable = true;
}

/* Field F, of type FT, of the integral struct or union T, declared by
   TN.  *IBITS: for a struct, the bits of its fields so far, to which
   F's are added; for a union, the bits every alternative has (0 before
   the first of a union uint<*>).  */
static void
integral_field (compiler *c, ast *tn, type *t, ast *f, type *ft,
                uint64_t *ibits)
{
  bool un = tn->flag;
  if (f->aux)
    field_error (c, f, un ? "labels are not allowed in integral unions"
                          : "labels are not allowed in integral structs");
  if (f->d || f->nkids)
    field_error (c, f, un ? "optional fields are not allowed in integral "
                            "unions"
                          : "optional fields are not allowed in integral "
                            "structs");
  const type *bt = is_off (ft) ? ft->u.o.base : ft;
  if (!is_int (bt) && !(bt->kind == TY_STRUCT && bt->u.s.itype))
    {
      ast at = field_where (f);
      ck_type_error (c, &at, un ? "invalid field in integral union"
                                : "invalid field in integral struct",
                     "integral, offset, integral struct or union", ft);
    }
  uint64_t bits = type_size (bt);
  if (!un)
    *ibits += bits;
  else if (!*ibits && !t->u.s.itype)
    *ibits = bits;
  else if (bits != *ibits)
    {
      ast at = field_where (f);
      ck_error_at (c, &at, "invalid field size in integral union type\n"
                   "expected %llu bits, got %llu bits",
                   (unsigned long long) *ibits, (unsigned long long) bits);
    }
}

/* The size of the integral struct or union T, declared by TN, whose
   fields have IBITS bits (see integral_field): its integral type's, or
   for int<*> and uint<*>, IBITS.  */
static void
integral_size (compiler *c, ast *tn, type *t, uint64_t ibits)
{
  const char *what = tn->flag ? "union" : "struct";
  if (!t->u.s.itype)
    {
      bool sign = tn->a->flag;
      if (ibits < (sign ? 2u : 1u) || ibits > 64)
        ck_error_at (c, tn->a, "invalid total size in integral %s type\n"
                     "size shall be between %d and 64 bits, got %llu bits",
                     what, sign ? 2 : 1, (unsigned long long) ibits);
      t->u.s.itype = type_int ((int) ibits, sign);
      tn->a->type = t->u.s.itype;
      return;
    }
  uint64_t want = type_size (t->u.s.itype);
  /* A union's alternatives were each checked against its size.  */
  if ((tn->flag && t->u.s.nfields == 0) || (!tn->flag && ibits != want))
    ck_error_at (c, tn->a, "invalid total size in integral %s type\n"
                 "expected %llu bits, got %llu bits", what,
                 (unsigned long long) want, (unsigned long long) ibits);
}

/* The label of field K of T, declared by F.  */
static void
field_label (compiler *c, type *t, int k, ast *f)
{
  ast *lab = check_expr (c, f->aux);
  if (!is_off (lab->type))
    ck_type_error (c, lab, "invalid field label", "offset", lab->type);
  f->aux = lab;
  t->u.s.has_labels = true;
  t->u.s.fields[k].labeled = true;
  if (lab->is_const)
    {
      t->u.s.fields[k].label_const = true;
      t->u.s.fields[k].label = lab->lit.v.u * lab->type->u.o.unit;
    }
}

/* The initializer of field K of T, declared by F of type FT.  */
static void
field_init (compiler *c, type *t, int k, ast *f, type *ft)
{
  f->c = check_rvalue (c, f->c);
  if (!type_assignable (ft, f->c->type))
    {
      /* `T a == E': the constraint's own error comes first.  */
      if (f->optional && f->b)
        {
          sym *saved_locals = c->locals;
          ck_field_sym (c, f->name, ft, k, t);
          check_cond (c, &f->b, "invalid struct field constraint");
          c->locals = saved_locals;
        }
      ck_type_error (c, f->c, "invalid field initializer",
                     ck_tname (ft), f->c->type);
    }
  ck_coerce (c, &f->c, ft);
}

/* The names a struct type declares, as GNU poke 4.3 checks that they
   differ.  */
typedef enum elem_kind
{
  ELEM_FIELD, ELEM_COMPUTED, ELEM_DECL, ELEM_UNIT
} elem_kind;

typedef struct elem
{
  ast *n;
  elem_kind kind;
} elem;

/* The elements of TN that declare a name, in order, in *OUT: a
   declaration of several names (var a = 1, b = 2) is several.  */
static int
struct_elems (compiler *c, ast *tn, elem **out)
{
  int n = 0;
  for (int i = 0; i < tn->nkids; i++)
    n += tn->kids[i]->kind == S_BLOCK ? tn->kids[i]->nkids : 1;
  elem *e = arena_alloc (&c->ar, sizeof *e * (size_t) (n + 1));
  n = 0;
  for (int i = 0; i < tn->nkids; i++)
    {
      ast *k = tn->kids[i];
      int m = k->kind == S_BLOCK ? k->nkids : 1;
      for (int j = 0; j < m; j++)
        {
          ast *d = k->kind == S_BLOCK ? k->kids[j] : k;
          if (!d->name)
            continue;
          e[n].n = d;
          e[n++].kind = d->kind == TN_FIELD ? ELEM_FIELD
                        : d->kind == TN_COMPUTED ? ELEM_COMPUTED
                        : d->kind == S_UNIT ? ELEM_UNIT : ELEM_DECL;
        }
    }
  *out = e;
  return n;
}

/* Before anything of TN is checked: a field named as a field or a
   declaration before it, or OFFSET, is an error, at its name.  (A declaration
   named as what is before it is found when it is declared.)  */
static void
fields_unique (compiler *c, ast *tn)
{
  elem *e;
  int n = struct_elems (c, tn, &e);
  for (int j = 0; j < n; j++)
    for (int i = -1; i < j && e[j].kind == ELEM_FIELD; i++)
      if (i < 0 ? strcmp (e[j].n->name, "OFFSET") == 0
          : ((e[i].kind == ELEM_FIELD || e[i].kind == ELEM_DECL)
             && strcmp (e[i].n->name, e[j].n->name) == 0))
        ck_error_at_name (c, e[j].n, "duplicated struct element '%s'",
                          e[j].n->name);
}

/* Once all of TN is checked: a unit or a computed field named as
   another element is an error at the first of the two, spanning it
   from its name (or `computed') to its end; GNU poke shows a function
   just after its name, with no span.  Two units were found when declared.  */
static void
elems_unique (compiler *c, ast *tn)
{
  elem *e;
  int n = struct_elems (c, tn, &e);
  for (int j = 0; j < n; j++)
    for (int i = 0; i < j; i++)
      if ((e[i].kind == ELEM_UNIT || e[i].kind == ELEM_COMPUTED
           || e[j].kind == ELEM_UNIT || e[j].kind == ELEM_COMPUTED)
          && !(e[i].kind == ELEM_UNIT && e[j].kind == ELEM_UNIT)
          && strcmp (e[i].n->name, e[j].n->name) == 0)
        {
          ast where = *e[i].n;
          if (e[i].kind != ELEM_COMPUTED)
            where.loc = where.nloc;
          if (where.kind == S_FUN)
            {
              /* Just after its name, and empty.  */
              where.loc.col += where.nend - where.loc.pos;
              where.loc.pos = where.nend;
              where.end = where.loc.pos - 1;
            }
          ck_error_at (c, &where, "duplicated struct element '%s'",
                       where.name);
        }
}

/* Field F, the Kth, of struct type T: TN's Ith element.  *UNREACHABLE,
   *WARNED: union_reach's; *IBITS: the bits of an integral struct's
   fields so far.  */
static void
struct_field (compiler *c, ast *tn, type *t, int i, int k,
              bool *unreachable, bool *warned, uint64_t *ibits)
{
  ast *f = tn->kids[i];
  /* A condition before the field sees the fields before it only: it
     is tested before the field is built (map.c).  */
  if (f->nkids)
    check_cond (c, &f->kids[0], "invalid optional field expression");
  type *ft = ck_resolve_type (c, f->a);
  if (!type_mappable (ft))
    ck_error_at (c, f->a, "invalid type in struct field");
  t->u.s.fields[k].name = f->name;
  t->u.s.fields[k].type = ft;
  t->u.s.fields[k].printer = -1;
  /* Before what an integral union's alternatives may not be.  */
  if (tn->flag && !f->name)
    field_error (c, f, "anonymous members are not allowed in unions");
  if (tn->a)
    integral_field (c, tn, t, f, ft, ibits);
  if (f->op && ft->kind == TY_STRUCT && ft->name)
    field_warning (c, f, "useless endianness annotation in field");
  if (tn->flag)
    union_field (c, f);
  if (tn->op && f->aux)
    field_error (c, f, "labels are not allowed in pinned structs");
  if (f->aux)
    field_label (c, t, k, f);
  t->u.s.fields[k].optional = f->d || f->nkids;
  if (c->tracer)
    {
      t->u.s.fields[k].trace = ck_field_trace (c, f, ft);
      t->u.s.traced |= t->u.s.fields[k].trace != NULL;
    }
  if (f->c)
    field_init (c, t, k, f, ft);
  /* The field is visible from here on, in its own constraint too.  */
  f->slot = k;
  if (f->name)
    ck_field_sym (c, f->name, ft, k, t)->is_field = true;
  if (f->b)
    check_cond (c, &f->b, "invalid struct field constraint");
  if (tn->flag)
    union_reach (c, f, ft, unreachable, warned);
  /* An optional field's condition sees the field: it is tested once
     the field is built (map.c).  */
  if (f->d)
    check_cond (c, &f->d, "invalid optional field expression");
}

/* Computed field F, the Kth field of struct type T: TN's Ith element.
   It is no variable of the struct's scope: methods do not see it.  */
static void
struct_computed (compiler *c, ast *tn, type *t, int i, int k)
{
  ast *f = tn->kids[i];
  type_field *tf = &t->u.s.fields[k];
  tf->name = f->name;
  tf->type = ck_resolve_type (c, f->a);
  tf->computed = true;
  tf->getter = tf->setter = tf->printer = -1;
  f->slot = k;
}

/* The method of TN named PREFIX_NAME, or NULL.  */
static ast *
find_method (ast *tn, const char *prefix, const char *name)
{
  size_t pl = strlen (prefix);
  for (int i = 0; i < tn->nkids; i++)
    {
      ast *m = tn->kids[i];
      if (m->kind == S_FUN && m->flag && strncmp (m->name, prefix, pl) == 0
          && strcmp (m->name + pl, name) == 0)
        return m;
    }
  return NULL;
}

/* The getter and setter of the computed fields of T, declared by TN,
   wherever they are in the body: of the right type, as GNU poke 4.3
   checks.  */
static void
computed_accessors (compiler *c, ast *tn, type *t)
{
  for (int k = 0; k < t->u.s.nfields; k++)
    {
      type_field *tf = &t->u.s.fields[k];
      if (!tf->computed)
        continue;
      ast *get = find_method (tn, "get_", tf->name);
      ast *set = find_method (tn, "set_", tf->name);
      if (get)
        {
          type *want = type_function (tf->type, 0, NULL, 0, false);
          if (!type_equal (get->a->type, want))
            ck_error_at_name (c, get, "getter method is of the wrong "
                              "type\nexpected %s", ck_tname (want));
          tf->getter = get->slot;
        }
      if (set)
        {
          type **arg = arena_alloc (&c->ar, sizeof (type *));
          arg[0] = tf->type;
          type *want = type_function (type_void, 1, arg, 0, false);
          if (!type_equal (set->a->type, want))
            ck_error_at_name (c, set, "setter method is of the wrong "
                              "type\nexpected %s", ck_tname (want));
          tf->setter = set->slot;
        }
    }
}

/* The pretty-printers of T, declared by TN: its methods _print, and
   _print_NAME for its field NAME.  GNU poke 4.3 wants every method
   whose name starts with _print of type ()void.  */
static void
struct_printers (compiler *c, ast *tn, type *t)
{
  for (int i = 0; i < tn->nkids; i++)
    {
      ast *m = tn->kids[i];
      if (m->kind != S_FUN || !m->flag || strncmp (m->name, "_print", 6) != 0)
        continue;
      const type *mt = m->a->type;
      if (mt->u.f.nargs != 0 || mt->u.f.variadic
          || mt->u.f.ret->kind != TY_VOID)
        ck_error_at_name (c, m, "%s should be of type ()void", m->name);
      if (m->name[6] == '\0')
        t->u.s.printer = m->slot;
      for (int k = 0; m->name[6] == '_' && k < t->u.s.nfields; k++)
        if (t->u.s.fields[k].name
            && strcmp (t->u.s.fields[k].name, m->name + 7) == 0)
          t->u.s.fields[k].printer = m->slot;
    }
}

static type *
check_struct_type (compiler *c, ast *tn)
{
  type *t = struct_type_new (c, tn);
  int nf = t->u.s.nfields;
  sym *saved = c->locals;
  fnctx fc = { c->fn, nf, NULL, 0, saved, false, t, 0 };
  int saved_level = c->level, saved_type_level = c->type_level;
  c->fn = &fc;
  c->level = saved_level < 0 ? 1 : saved_level + 1;
  c->type_level = c->level;
  /* OFFSET: where the field being built starts, in the struct.  */
  sym *os = ck_local_add (c, "OFFSET", SYM_VAR,
                          type_offset (type_int (64, false), 1));
  t->u.s.offset_slot = os->slot;
  fields_unique (c, tn);
  int k = 0;
  bool unreachable = false;     /* Unions: an alternative always holds.  */
  bool warned = false;
  /* Integral structs: the fields' bits (see integral_field).  */
  uint64_t ibits = tn->flag && t->u.s.itype ? type_size (t->u.s.itype) : 0;
  for (int i = 0; i < tn->nkids; i++)
    {
      ast *f = tn->kids[i];
      if (f->kind == TN_FIELD)
        struct_field (c, tn, t, i, k++, &unreachable, &warned, &ibits);
      else if (f->kind == TN_COMPUTED)
        struct_computed (c, tn, t, i, k++);
      else
        struct_decl (c, tn, t, f, k);
    }
  elems_unique (c, tn);
  computed_accessors (c, tn, t);
  struct_printers (c, tn, t);
  if (tn->a)
    integral_size (c, tn, t, k > 0 ? ibits : 0);
  t->u.s.nslots = fc.nslots;
  tn->nslots = fc.nslots;
  c->fn = fc.up;
  c->level = saved_level;
  c->type_level = saved_type_level;
  c->locals = saved;
  return t;
}
