/* type.c -- type construction, interning, equality and printing.  */

#include "type.h"

#include <string.h>

#include "ast.h"
#include "util.h"

static arena type_arena;
static type *int_types[2][65];
static type *plain_ints[2];
type *type_string, *type_void, *type_any;

/* Offset types are interned in a small open list: programs use few.  */
typedef struct offset_entry
{
  struct offset_entry *next;
  type *t;
} offset_entry;
static offset_entry *offset_types;

typedef struct unit_entry
{
  const char *name;
  uint64_t bits;
} unit_entry;

/* The predefined units, the only ones offsets print with by name.  */
static const unit_entry std_units[] = {
  {"b", 1}, {"N", 4}, {"B", 8},
  {"Kb", 1000}, {"KB", 8000}, {"Mb", 1000000}, {"MB", 8000000},
  {"Gb", 1000000000ULL}, {"GB", 8000000000ULL},
  {"Kib", 1024}, {"KiB", 8192}, {"Mib", 1048576}, {"MiB", 8388608},
  {"Gib", 1073741824ULL}, {"GiB", 8589934592ULL},
};

void
type_init (void)
{
  arena_init (&type_arena);
  memset (int_types, 0, sizeof int_types);
  plain_ints[0] = plain_ints[1] = NULL;
  offset_types = NULL;
  type_string = type_new (TY_STRING);
  type_void = type_new (TY_VOID);
  type_any = type_new (TY_ANY);
}

void
type_fini (void)
{
  arena_free (&type_arena);
}

type *
type_new (type_kind kind)
{
  type *t = arena_alloc (&type_arena, sizeof *t);
  t->kind = kind;
  return t;
}

type *
type_int (int size, bool sign)
{
  type *t = int_types[sign][size];
  if (!t)
    {
      t = type_new (TY_INT);
      t->u.i.size = size;
      t->u.i.sign = sign;
      int_types[sign][size] = t;
    }
  return t;
}

type *
type_plain_int (bool sign)
{
  if (!plain_ints[sign])
    plain_ints[sign] = type_named (type_int (32, sign), sign ? "int" : "uint");
  return plain_ints[sign];
}

type *
type_offset (type *base, uint64_t unit)
{
  for (offset_entry *e = offset_types; e; e = e->next)
    if (e->t->u.o.base == base && e->t->u.o.unit == unit)
      return e->t;
  type *t = type_new (TY_OFFSET);
  t->u.o.base = base;
  t->u.o.unit = unit;
  offset_entry *e = arena_alloc (&type_arena, sizeof *e);
  e->t = t;
  e->next = offset_types;
  offset_types = e;
  return t;
}

type *
type_array (type *elem, struct ast *bound, bool bound_is_size)
{
  type *t = type_new (TY_ARRAY);
  t->u.a.elem = elem;
  t->u.a.bound = bound;
  t->u.a.bound_is_size = bound_is_size;
  return t;
}

type *
type_function (type *ret, int nargs, type **args, int nopt, bool variadic)
{
  type *t = type_new (TY_FUNCTION);
  t->u.f.ret = ret;
  t->u.f.nargs = nargs;
  t->u.f.args = arena_alloc (&type_arena, sizeof (type *) * (nargs + 1));
  if (nargs)
    memcpy (t->u.f.args, args, sizeof (type *) * nargs);
  t->u.f.nopt = nopt;
  t->u.f.variadic = variadic;
  return t;
}

void
type_function_argname (type *t, int i, const char *name)
{
  if (!t->u.f.argnames)
    t->u.f.argnames = arena_alloc (&type_arena, sizeof (char *)
                                   * (t->u.f.nargs + 1));
  t->u.f.argnames[i] = arena_strndup (&type_arena, name, strlen (name));
}

type *
type_named (type *t, const char *name)
{
  type *n = type_new (t->kind);
  *n = *t;
  n->name = arena_strndup (&type_arena, name, strlen (name));
  return n;
}

bool
type_equal (const type *a, const type *b)
{
  /* Struct types are nominal, and GNU poke holds an anonymous struct
     type equal to none, itself included.  An alias, type B = A, is
     another type (GNU poke 4.3).  */
  if (a->kind == TY_STRUCT && b->kind == TY_STRUCT)
    return a->name && b->name && a->u.s.decl == b->u.s.decl
           && strcmp (a->name, b->name) == 0;
  if (a == b)
    return true;
  if (a->kind != b->kind)
    return false;
  switch (a->kind)
    {
    case TY_INT:
      return a->u.i.size == b->u.i.size && a->u.i.sign == b->u.i.sign;
    case TY_OFFSET:
      return a->u.o.unit == b->u.o.unit
             && type_equal (a->u.o.base, b->u.o.base);
    case TY_STRING:
    case TY_VOID:
    case TY_ANY:
      return true;
    case TY_STRUCT:
      return false;             /* Handled above.  */
    case TY_ARRAY:
      /* Bounds are a run-time matter unless both are constant.  */
      if (a->u.a.bound_const && b->u.a.bound_const
          && (a->u.a.nelem != b->u.a.nelem
              || a->u.a.bound_is_size != b->u.a.bound_is_size))
        return false;
      return type_equal (a->u.a.elem, b->u.a.elem);
    case TY_FUNCTION:
      if (a->u.f.nargs != b->u.f.nargs || a->u.f.variadic != b->u.f.variadic
          || !type_equal (a->u.f.ret, b->u.f.ret))
        return false;
      for (int i = 0; i < a->u.f.nargs; i++)
        if (!type_equal (a->u.f.args[i], b->u.f.args[i]))
          return false;
      return true;
    }
  return false;
}

bool
type_assignable (const type *to, const type *from)
{
  if (to->kind == TY_ANY)
    return true;
  if (to->kind == TY_INT && from->kind == TY_INT)
    return true;                /* Integers convert implicitly.  */
  if (to->kind == TY_OFFSET && from->kind == TY_OFFSET)
    return true;                /* So do offsets, across units.  */
  if (to->kind == TY_ARRAY && from->kind == TY_ARRAY)
    {
      if (to->u.a.bound_const && from->u.a.bound_const
          && to->u.a.nelem != from->u.a.nelem
          && to->u.a.bound_is_size == from->u.a.bound_is_size)
        return false;
      return to->u.a.elem->kind == TY_ANY
             || type_equal (to->u.a.elem, from->u.a.elem);
    }
  return type_equal (to, from);
}

bool
type_mappable (const type *t)
{
  while (t->kind == TY_ARRAY)
    t = t->u.a.elem;
  return t->kind != TY_VOID && t->kind != TY_ANY;
}

bool
type_complete (const type *t)
{
  switch (t->kind)
    {
    case TY_INT:
    case TY_OFFSET:
      return true;
    case TY_ARRAY:
      return t->u.a.bound_const && type_complete (t->u.a.elem);
    case TY_STRUCT:
      {
        const type_field *first = NULL;
        for (int i = 0; i < t->u.s.nfields; i++)
          {
            const type_field *f = &t->u.s.fields[i];
            if (f->computed)
              continue;
            if (!type_complete (f->type) || f->optional
                || (f->labeled && !f->label_const))
              return false;
            /* A union's alternatives must all have the same size.  */
            if (t->u.s.is_union && first
                && type_size (f->type) != type_size (first->type))
              return false;
            if (!first)
              first = f;
          }
        return true;
      }
    default:
      return false;
    }
}

/* GNU poke's size of a struct is the end of the field that ends last,
   except in a struct with labels whose type is complete (no optional
   field, no string, constant bounds and labels): there each field
   without a label adds its size, and one with a label makes the size
   reach its end.  The two differ where a label puts a field before the
   end of those so far: struct { uint<16> a; uint<8> b @ 0#B; uint<8>
   c; } is 24 bits (c, laid out after b, ends at 16); with a field
   uint<8>[g] x after c, it is 16.  */
uint64_t
type_struct_size_add (const type *t, bool labeled, uint64_t size,
                      uint64_t off, uint64_t fsize)
{
  bool adds = t->u.s.has_labels && !t->u.s.is_union && !t->u.s.pinned
              && type_complete (t);
  if (adds && !labeled)
    return size + fsize;
  return off + fsize > size ? off + fsize : size;
}

/* The size of the complete type T; with SPAN, the bits its values
   span (see val_span_bits).  */
static uint64_t
size_of_type (const type *t, bool span)
{
  switch (t->kind)
    {
    case TY_INT:
      return (uint64_t) t->u.i.size;
    case TY_OFFSET:
      return (uint64_t) t->u.o.base->u.i.size;
    case TY_ARRAY:
      if (t->u.a.bound_is_size)
        return t->u.a.nelem;
      return t->u.a.nelem * size_of_type (t->u.a.elem, span);
    case TY_STRUCT:
      {
        /* Labels place fields, unions and pinned structs put them all
           at the start.  */
        uint64_t cur = 0, size = 0;
        bool overlay = t->u.s.is_union || t->u.s.pinned;
        for (int i = 0; i < t->u.s.nfields; i++)
          {
            const type_field *f = &t->u.s.fields[i];
            if (f->computed)
              continue;
            uint64_t off = f->labeled ? f->label : overlay ? 0 : cur;
            uint64_t fsize = size_of_type (f->type, span);
            cur = off + fsize;
            size = span ? (cur > size ? cur : size)
                        : type_struct_size_add (t, f->labeled, size, off,
                                                fsize);
          }
        return size;
      }
    default:
      return 0;
    }
}

uint64_t
type_size (const type *t)
{
  return size_of_type (t, false);
}

uint64_t
type_span (const type *t)
{
  return size_of_type (t, true);
}

void
type_print (strbuf *sb, const type *t)
{
  if (t->name)
    {
      sb_puts (sb, t->name);
      return;
    }
  switch (t->kind)
    {
    case TY_INT:
      sb_printf (sb, "%s<%d>", t->u.i.sign ? "int" : "uint", t->u.i.size);
      break;
    case TY_OFFSET:
      {
        sb_puts (sb, "offset<");
        type_print (sb, t->u.o.base);
        sb_putc (sb, ',');
        /* Types write their unit in bits, unlike values.  */
        sb_printf (sb, "%llu", (unsigned long long) t->u.o.unit);
        sb_putc (sb, '>');
        break;
      }
    case TY_STRING:
      sb_puts (sb, "string");
      break;
    case TY_VOID:
      sb_puts (sb, "void");
      break;
    case TY_ANY:
      sb_puts (sb, "any");
      break;
    case TY_ARRAY:
      type_print (sb, t->u.a.elem);
      if (t->u.a.bound_const && !t->u.a.bound_is_size)
        sb_printf (sb, "[%llu]", (unsigned long long) t->u.a.nelem);
      else
        sb_puts (sb, "[]");
      break;
    case TY_STRUCT:
      sb_puts (sb, t->u.s.is_union ? "union {" : "struct {");
      for (int i = 0; i < t->u.s.nfields; i++)
        {
          if (t->u.s.fields[i].computed)
            sb_puts (sb, "computed ");
          type_print (sb, t->u.s.fields[i].type);
          if (t->u.s.fields[i].name)
            {
              sb_putc (sb, ' ');
              sb_puts (sb, t->u.s.fields[i].name);
            }
          sb_putc (sb, ';');
        }
      sb_putc (sb, '}');
      break;
    case TY_FUNCTION:
      /* GNU poke names the type of a declared function after it.  */
      if (t->u.f.fname)
        sb_puts (sb, t->u.f.fname);
      else
        type_print_signature (sb, t);
      break;
    }
}

void
type_print_signature (strbuf *sb, const type *t)
{
  if (t->kind != TY_FUNCTION)
    {
      type_print (sb, t);
      return;
    }
  sb_putc (sb, '(');
  for (int i = 0; i < t->u.f.nargs; i++)
    {
      if (i)
        sb_putc (sb, ',');
      type_print (sb, t->u.f.args[i]);
      if (i >= t->u.f.nargs - t->u.f.nopt - (t->u.f.variadic ? 1 : 0)
          && !(t->u.f.variadic && i == t->u.f.nargs - 1))
        sb_putc (sb, '?');
    }
  sb_puts (sb, ")");
  type_print (sb, t->u.f.ret);
}

const char *
type_unit_name (uint64_t unit)
{
  for (size_t i = 0; i < countof (std_units); i++)
    if (std_units[i].bits == unit)
      return std_units[i].name;
  return NULL;
}

bool
type_unit_lookup (const char *name, uint64_t *bits)
{
  for (size_t i = 0; i < countof (std_units); i++)
    if (strcmp (std_units[i].name, name) == 0)
      {
        *bits = std_units[i].bits;
        return true;
      }
  return false;
}
