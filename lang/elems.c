/* elems.c -- the elements of an array or a struct by index: their
   value, name, offset and size, as GNU poke 4.3's attributes 'elem (I),
   'ename (I), 'eoffset (I) and 'esize (I) give them (eval.c raises
   their exceptions).

   A struct's elements are its fields, by their index in the type (its
   computed fields, methods and variables are none): an absent optional
   field is still one, named "", of size 0, at the offset it would have.  A union has
   one element, the alternative present.  An array's elements are named
   [0], [1]...  Offsets are from the start of the IO space for mapped
   values (without the bias), from the value's start otherwise.  */

#include "elems.h"

#include <stdio.h>

static bool
array_elem (val x, uint64_t i, elem_info *e)
{
  const pk_array *a = val_arr (x);
  if (i >= a->len)
    return false;
  uint64_t off = a->map.mapped ? a->map.offset : 0;
  /* Elements of a complete type have its size: no need to add up the
     I before (which made a walk over all the elements quadratic).  */
  const type *et = x.t->u.a.elem;
  if (et && type_complete (et))
    off += i * type_span (et);
  else
    for (uint64_t k = 0; k < i; k++)
      off += val_span_bits (a->elems[k]);
  e->v = a->elems[i];
  snprintf (e->buf, sizeof e->buf, "[%llu]", (unsigned long long) i);
  e->name = e->buf;
  e->off = off;
  e->size = val_span_bits (e->v);
  return true;
}

/* The field K of struct X, at POS.  */
static void
field_elem (val x, int k, uint64_t pos, elem_info *e)
{
  const pk_struct *s = val_sct (x);
  e->v = s->fields[k];
  e->name = e->v.t && x.t->u.s.fields[k].name ? x.t->u.s.fields[k].name
                                             : "";
  e->off = pos;
  e->size = val_span_bits (e->v);
}

static bool
union_elem (val x, uint64_t i, elem_info *e)
{
  const pk_struct *s = val_sct (x);
  uint64_t base = s->map.mapped ? s->map.offset : 0;
  for (int k = 0; i == 0 && k < s->nfields; k++)
    if (s->fields[k].t)
      {
        field_elem (x, k, base, e);
        return true;
      }
  return false;
}

static bool
struct_elem (val x, uint64_t i, elem_info *e)
{
  const pk_struct *s = val_sct (x);
  if (x.t->u.s.is_union)
    return union_elem (x, i, e);
  uint64_t base = s->map.mapped ? s->map.offset : 0, cur = base;
  uint64_t j = 0;               /* Elements so far.  */
  for (int k = 0; k < s->nfields; k++)
    {
      if (x.t->u.s.fields[k].computed)
        continue;
      val f = s->fields[k];
      uint64_t pos = f.t && s->offs ? s->offs[k]
                     : x.t->u.s.pinned ? base : cur;
      if (j++ == i)
        {
          field_elem (x, k, pos, e);
          return true;
        }
      if (f.t)
        cur = pos + val_span_bits (f);
    }
  return false;
}

bool
elem_at (val x, uint64_t i, elem_info *e)
{
  if (x.t->kind == TY_ARRAY)
    return array_elem (x, i, e);
  return x.t->kind == TY_STRUCT && struct_elem (x, i, e);
}
