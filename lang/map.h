/* map.h -- the mapper: Poke values from the bytes of IO spaces, and
   back (see map.c).  The interpreter (eval.c) calls it for maps,
   constructors, casts to integral structs and assignments into
   composite values.  */

#ifndef BPOKE_MAP_H
#define BPOKE_MAP_H

#include "eval.h"

/* T @ [IOS :] OFFSET: N is the A_MAP node.  */
val map_at (vm *v, pk_frame *f, ast *n);
/* A struct constructor T {...} (N, an A_STRUCTCONS), an array
   constructor T[...] ([INIT]) (N, an A_ARRCONS), and the default value
   of type T.  */
val map_construct (vm *v, pk_frame *f, ast *n);
val map_construct_array (vm *v, pk_frame *f, ast *n);
val map_default (vm *v, type *t);
/* Decode the mapped value X again, in place (see vm_fresh).  */
void map_remap (vm *v, val x);
/* Elements FROM to TO (excluded) of the mapped array C, a mapped array
   of type T.  */
val map_trim (vm *v, val c, uint64_t from, uint64_t to, type *t);
/* unmap X: a copy of X that is not mapped, nor are its parts.  */
val map_unmap (vm *v, val x);
/* A mapped value X stored into a value that is not mapped, and read
   out of one: copies of X, so that what holds it keeps its value as it
   was stored (see map.c).  Both are X itself when X is not a mapped
   struct or array.  */
val map_keep (vm *v, val x);
val map_held (vm *v, val x);

/* LV = X, for an l-value LV that is A[I], S.F or T @ O: written through
   to the IO space when the value is mapped.  */
void map_assign_index (vm *v, pk_frame *f, ast *lv, val x);
void map_assign_member (vm *v, pk_frame *f, ast *lv, val x);
void map_assign_at (vm *v, pk_frame *f, ast *lv, val x);

/* A value X given for type T (a cast, an argument, a struct field): when
   T is an array type with a bound, evaluated in F, X must have that
   many elements (or bits) or E_conv is raised.  */
void map_check_bound (vm *v, pk_frame *f, const type *t, val x);

/* Integral structs and unions: the struct of type T whose integer is
   BITS, the integer of struct X, and the bits a field of type FT
   takes.  */
val map_int_to_struct (vm *v, type *t, uint64_t bits);
uint64_t map_struct_to_int (val x);
int map_int_field_bits (const type *ft);
/* The struct X cast to the union type T (by the names of its
   fields).  */
val map_struct_to_union (vm *v, type *t, val x);
/* Raise E_constraint if a field of S, of type T, fails its
   constraint.  */
void map_check_constraints (vm *v, const type *t, pk_struct *s);

/* Where X, a struct or array, lives, or NULL for another value.  */
static inline pk_map *
val_map (val x)
{
  if (!x.t)
    return NULL;
  if (x.t->kind == TY_STRUCT)
    return &val_sct (x)->map;
  if (x.t->kind == TY_ARRAY)
    return &val_arr (x)->map;
  return NULL;
}

/* Whether the mapped value whose mapping is M is to be decoded again:
   its IO space, or a variable its decoding read, changed since it was
   decoded; with .set autoremap no, only if it was made stale on purpose
   (gen 0), as by an assignment of a mapped value into it.  */
static inline bool
map_stale (vm *v, const pk_map *m)
{
  return m->gen != vm_map_gen (v) && (m->gen == 0 || v->autoremap);
}

/* Make sure that X, if it is a mapped value, shows what its IO space
   holds now (see map_stale).  */
static inline void
vm_fresh (vm *v, val x)
{
  const pk_map *m = val_map (x);
  if (m && m->mapped && map_stale (v, m))
    map_remap (v, x);
}

/* X, a part of the struct or array whose mapping is CM, made current
   for a read: see map_held.  While a value is being decoded its parts
   are not copied: it is not mapped yet, but nothing else holds it.  */
static inline val
vm_part (vm *v, const pk_map *cm, val x)
{
  const pk_map *m = val_map (x);
  if (!m || !m->mapped)
    return x;
  if (!cm->mapped && !v->mapping)
    return map_held (v, x);
  if (map_stale (v, m))
    map_remap (v, x);
  return x;
}

#endif
