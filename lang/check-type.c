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

static type *
resolve_name (compiler *c, ast *tn)
{
  sym *s = ck_lookup (c, tn->name, SYM_TYPE);
  if (!s && tn->flag)
    ck_error_at (c, tn, "undefined variable '%s'", tn->name);
  if (!s)
    ck_error_at (c, tn, "undefined type '%s'", tn->name);
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
  return type_offset (type_int (base->u.i.size, base->u.i.sign), unit);
}

static type *
resolve_array (compiler *c, ast *tn)
{
  type *et = ck_resolve_type (c, tn->a);
  type *t = type_array (et, tn->b, false);
  if (tn->b)
    {
      tn->b = check_expr (c, tn->b);
      type *bt = tn->b->type;
      if (is_off (bt))
        t->u.a.bound_is_size = true;
      else if (!is_int (bt))
        ck_invalid_operand (c, tn->b, "integral or offset");
      t->u.a.bound = tn->b;
      if (tn->b->is_const && is_int (tn->b->type)
          && tn->b->type->u.i.sign && tn->b->lit.v.i < 0)
        ck_error_at (c, tn->b, "array dimensions may not be negative");
      if (tn->b->is_const)
        {
          t->u.a.bound_const = true;
          t->u.a.nelem = is_off (bt) ? tn->b->lit.v.u * bt->u.o.unit
                                     : tn->b->lit.v.u;
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
      if (tn->op < 1 || tn->op > 64)
        ck_error_at (c, tn, "the width of an integral type should be in the "
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
    ck_error_from (c, tn, tn->nend, "unions can't be integral");
  if (tn->flag && tn->op)
    ck_error_from (c, tn, tn->nend, "unions are not allowed to be pinned");
  if (tn->a)
    {
      t->u.s.itype = ck_resolve_type (c, tn->a);
      if (tn->op)
        ck_error_at (c, tn->a, "integral structs cannot be pinned");
    }
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

/* Field F, of type FT, of a union.  *UNREACHABLE: an alternative
   always holds; *WARNED: that was said.  */
static void
union_field (compiler *c, ast *f, type *ft, bool *unreachable, bool *warned)
{
  if (f->aux)
    ck_error_at (c, f, "labels are not allowed in unions");
  if (f->d)
    ck_error_at (c, f, "optional fields are not allowed in unions");
  if (!f->name)
    ck_error_at (c, f, "anonymous members are not allowed in unions");
  if (*unreachable)
    {
      ast at = *f;      /* GNU poke points at the name.  */
      at.loc = f->nloc;
      ck_warning_at (c, &at, "unreachable alternative in union");
      *unreachable = false;
      *warned = true;
    }
  else if (!f->b && !*warned && ft->kind != TY_STRUCT)
    *unreachable = true;         /* Structs may fail inside.  */
}

/* Field F, of type FT, of an integral struct: its bits.  */
static uint64_t
integral_field (compiler *c, ast *f, type *ft)
{
  if (f->aux)
    ck_error_at (c, f, "labels are not allowed in integral structs");
  if (f->d)
    ck_error_at (c, f, "optional fields are not allowed in integral "
                 "structs");
  const type *bt = is_off (ft) ? ft->u.o.base : ft;
  if (!is_int (bt) && !(bt->kind == TY_STRUCT && bt->u.s.itype))
    ck_type_error (c, f, "invalid field in integral struct",
                   "integral, offset or integral struct", ft);
  return type_size (bt);
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

static type *
check_struct_type (compiler *c, ast *tn)
{
  type *t = struct_type_new (c, tn);
  int nf = t->u.s.nfields;
  fnctx fc = { c->fn, nf, NULL, 0, nf, false };
  sym *saved = c->locals;
  int saved_level = c->level, saved_type_level = c->type_level;
  c->fn = &fc;
  c->level = saved_level < 0 ? 1 : saved_level + 1;
  c->type_level = c->level;
  /* OFFSET: where the field being built starts, in the struct.  */
  sym *os = ck_local_add (c, "OFFSET", SYM_VAR,
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
          struct_decl (c, tn, t, f, k);
          continue;
        }
      type *ft = ck_resolve_type (c, f->a);
      t->u.s.fields[k].name = f->name;
      t->u.s.fields[k].type = ft;
      if (tn->flag)
        union_field (c, f, ft, &unreachable, &warned);
      if (tn->a)
        ibits += integral_field (c, f, ft);
      if (tn->op && f->aux)
        ck_error_at (c, f, "labels are not allowed in pinned structs");
      if (f->aux)
        field_label (c, t, k, f);
      t->u.s.fields[k].optional = f->d != NULL;
      if (f->c)
        field_init (c, t, k, f, ft);
      /* The field is visible from here on, in its own constraint too.  */
      f->slot = k;
      if (f->name)
        {
          ck_field_sym (c, f->name, ft, k, t)->is_field = true;
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
          ck_error_at_name (c, f, "duplicated struct element '%s'", f->name);
      k++;
    }
  if (tn->a && ibits != type_size (t->u.s.itype))
    ck_error_at (c, tn->a, "invalid total size in integral struct type\n"
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
