/* map.c -- the mapper: Poke values built from the bytes of an IO space,
   and written back to them.

   One walker, build_value, builds composite values both by mapping
   them (`T @ OFFSET`: decoding, checking constraints, choosing union
   alternatives) and by constructing them (`T {...}`, `T[N]()`,
   defaults), since struct semantics (field order, conditions,
   constraints, labels, local declarations) are the same for both.  A
   mapped struct or array remembers where it lives (pk_map, value.h)
   and is decoded again in place (map_remap) when the IO space, or a
   variable its decoding read, has changed since: that is how a write
   through one value is seen through another.  write_value is the
   encoder, the inverse of build_value; the map_assign_* functions store
   into parts of values and write them through.  Integral structs are
   packed to and from their integer here too.

   Layers: eval.c (the interpreter) calls the mapper, which calls the
   IO spaces (ios.h) for bits, and the interpreter back (vm_eval,
   vm_exec) for the expressions of types: bounds, constraints, labels,
   conditions and initializers.  */

#include "map.h"

#include <stdlib.h>
#include <string.h>

#include "arith.h"
#include "ios.h"

/* How a composite value is being built (see build_value).  It is
   copied for each part built, which changes the members at its end:
   the small ones come first, together, so that it stays small.  */
typedef struct build_ctx
{
  bool map;                     /* Decode from IO (else construct).  */
  bool strict;                  /* Check constraints (maps with @! don't).  */
  bool from_int;                /* An integral struct or union made of the
                                   bits of IBITS (else construct).  */
  int8_t endian;                /* A type_endian (type.h).  */
  int ios_id;
  ios *io;
  int64_t bias;                 /* The space's bias, included in OFF.  */
  uint64_t gen;                 /* vm_map_gen when the decoding began.  */
  gcobj *into;                  /* Decode again into this value.  */
  pk_frame *cons_frame;         /* Where CONS is evaluated.  */
  uint64_t ibits;
  uint64_t off;                 /* Bit offset where the value starts.  */
  ast *cons;                    /* A struct constructor's initializers.  */
  val *init;                    /* An array constructor's element.  */
  const val *cast;              /* A struct cast to the union being built:
                                   its fields give the alternatives.  */
} build_ctx;

static val build_value (vm *v, pk_frame *f, type *t, build_ctx *bc,
                        uint64_t *size);
static val build_struct (vm *v, pk_frame *f, type *t, build_ctx *bc,
                         uint64_t *size);
static val int_to_struct_into (vm *v, type *t, uint64_t bits, gcobj *into,
                               bool check);
static _Noreturn void no_alternative (vm *v, const type *t);

/* v->map_ftype while mapping the elements of an array that no struct
   field holds: the EOF they meet names no field (exc.c).  */
static const type elements_marker = { .kind = TY_ARRAY };
static _Noreturn void constraint_failed (vm *v, const type *t,
                                        const ast *kid);

/* Whether a value X given for type T (a cast, an argument, a struct
   field) has what T's bound asks, when T is an array type with a bound,
   evaluated in F: that many elements (or bits).  */
static bool
bound_holds (vm *v, pk_frame *f, const type *t, val x)
{
  if (t->kind != TY_ARRAY || !(t->u.a.bound || t->u.a.bound_const) || !x.t
      || x.t->kind != TY_ARRAY)
    return true;
  uint64_t want;
  if (t->u.a.bound_const)
    want = t->u.a.nelem;
  else
    {
      vm_push_root (v, x);
      val b = vm_eval (v, f, t->u.a.bound);
      vm_pop_roots (v, 1);
      want = b.t->kind == TY_OFFSET ? b.v.u * b.t->u.o.unit : b.v.u;
    }
  uint64_t have = t->u.a.bound_is_size ? val_size_bits (x)
                                       : val_arr (x)->len;
  return have == want;
}

/* The same, raising E_conv when X does not fit.  */
void
map_check_bound (vm *v, pk_frame *f, const type *t, val x)
{
  if (!bound_holds (v, f, t, x))
    vm_raise_code (v, EC_CONV, NULL);
}

/* Integral structs: the fields, in order, from the most significant
   bits down; offsets by their magnitude, integral structs nested.  */
int
map_int_field_bits (const type *ft)
{
  if (ft->kind == TY_OFFSET)
    return ft->u.o.base->u.i.size;
  if (ft->kind == TY_STRUCT)
    return ft->u.s.itype ? ft->u.s.itype->u.i.size : 0;
  return ft->kind == TY_INT ? ft->u.i.size : 0;
}

uint64_t
map_struct_to_int (val x)
{
  pk_struct *s = val_sct (x);
  uint64_t r = 0;
  for (int i = 0; i < s->nfields; i++)
    {
      val f = s->fields[i];
      int n = f.t ? map_int_field_bits (f.t) : 0;
      if (n == 0)
        continue;
      uint64_t fb = f.t->kind == TY_STRUCT ? map_struct_to_int (f) : f.v.u;
      r = (n == 64 ? 0 : r << n) | arith_norm (fb, n, false);
    }
  return r;
}

/* The constraints of struct type T hold on the fields S has: else
   E_constraint.  */
void
map_check_constraints (vm *v, const type *t, pk_struct *s)
{
  const ast *decl = t->u.s.decl;
  for (int k = 0; decl && k < decl->nkids; k++)
    {
      const ast *kid = decl->kids[k];
      if (kid->kind == TN_FIELD && kid->b && s->fields[kid->slot].t
          && !vm_eval (v, &s->fr, kid->b).v.u)
        constraint_failed (v, t, kid);
    }
}

val
map_int_to_struct (vm *v, type *t, uint64_t bits)
{
  return int_to_struct_into (v, t, bits, NULL, true);
}

/* The same, into the struct INTO when it is not NULL; the constraints
   are checked when CHECK (not for a non-strict map), but a union's,
   which choose its alternative.  */
static val
int_to_struct_into (vm *v, type *t, uint64_t bits, gcobj *into, bool check)
{
  build_ctx bc;
  memset (&bc, 0, sizeof bc);
  bc.into = into;
  bc.strict = check;
  bc.from_int = true;
  bc.ibits = bits;
  uint64_t size;
  return build_struct (v, NULL, t, &bc, &size);
}

/* Building composite values: by construction (defaults, initializers,
   constructor arguments) or by mapping them from an IO space.  One
   walker serves both, since struct semantics (field order, conditions,
   constraints, labels, local declarations) are the same.  */



/* Whether ENDIAN, a type_endian, is big-endian now.  */
static bool
endian_big (vm *v, int endian)
{
  return endian == TYPE_ENDIAN_BIG ? true
         : endian == TYPE_ENDIAN_LITTLE ? false : v->big_endian;
}

static bool
big_endian (vm *v, const build_ctx *bc)
{
  return endian_big (v, bc->endian);
}

/* The integer or offset of type T at bit OFF of IO, in *X; *SIZE: its
   bits.  */
static ios_err
read_scalar (type *t, ios *io, uint64_t off, bool big, val *x,
             uint64_t *size)
{
  const type *it = t->kind == TY_INT ? t : t->u.o.base;
  int bits = it->u.i.size;
  uint64_t raw;
  *size = (uint64_t) bits;
  ios_err e = ios_read_int (io, off, bits, big, &raw);
  if (e == IOS_OK)
    *x = val_int (t, arith_norm (raw, bits, it->u.i.sign));
  return e;
}

/* The environment of a struct type: the frame it was declared in.  */
static pk_frame *
struct_env (vm *v, const type *t, pk_frame *f)
{
  int slot = t->u.s.env_slot;
  if (slot >= 0 && slot < v->globals->nslots
      && v->globals->slots[slot].t
      && v->globals->slots[slot].t->kind == TY_FUNCTION)
    return val_clo (v->globals->slots[slot])->env;
  return f;
}

/* The constraint of field KID of struct type T failed: E_constraint,
   whose message quotes the constraint and names the field as GNU poke
   4.3 does (`failed expression', the text, `in field T.f').  */
static _Noreturn void
constraint_failed (vm *v, const type *t, const ast *kid)
{
  /* GNU poke says nothing of a failing element of a mapped array.  */
  if (v->map_elems)
    vm_raise_code (v, EC_CONSTRAINT, "");
  strbuf msg;
  sb_init (&msg);
  sb_puts (&msg, "failed expression\n  ");
  ast_constraint_text (&msg, kid);
  if (kid->name && t->name)
    sb_printf (&msg, "\nin field %s.%s", t->name, kid->name);
  else if (kid->name)
    sb_printf (&msg, "\nin field %s", kid->name);
  /* The message is copied into the exception before the jump.  */
  val e = vm_make_exc (v, EC_CONSTRAINT, msg.data, NULL);
  sb_free (&msg);
  vm_raise (v, e);
}

/* Build one field (or union alternative) I of S into S->fields[I].
   Returns the field's size, or FIELD_ABSENT for an optional field that
   is not there; *OFF gives where it went (maps).  */
#define FIELD_ABSENT UINT64_MAX

/* Field FT of the integral struct or union T, CUR bits into it, from
   the bits of BC; *FSIZE: its bits.  The first field is the most
   significant; a union's alternatives are each all the bits.  */
static __attribute__ ((noinline)) val
int_field (vm *v, pk_frame *sf, type *t, type *ft, build_ctx *bc,
           uint64_t cur, uint64_t *fsize)
{
  int n = map_int_field_bits (ft);
  int at = t->u.s.itype->u.i.size - (int) cur - n;
  uint64_t fb = arith_norm (at >= 64 ? 0 : bc->ibits >> at, n, false);
  *fsize = (uint64_t) n;
  if (ft->kind == TY_STRUCT)
    {
      build_ctx sub = *bc;
      sub.ibits = fb;
      sub.into = NULL;
      return build_struct (v, sf, ft, &sub, fsize);
    }
  const type *it = ft->kind == TY_OFFSET ? ft->u.o.base : ft;
  return val_int (ft, arith_norm (fb, n, it->u.i.sign));
}

/* The field of the struct X named as field I of T, if X has it.  (This
   and int_field are kept out of build_field, which maps every field
   of every struct: inlined, they cost it registers.)  */
static __attribute__ ((noinline)) const val *
cast_field (val x, const type *t, int i)
{
  const char *name = t->u.s.fields[i].name;
  const pk_struct *s = val_sct (x);
  for (int j = 0; name && j < s->nfields; j++)
    if (x.t->u.s.fields[j].name && s->fields[j].t
        && strcmp (x.t->u.s.fields[j].name, name) == 0)
      return &s->fields[j];
  return NULL;
}

/* Report field I of struct S (of type T), just built (FV, at OFF) or
   found absent (FV absent: no type), to the tracer: see
   type_field.trace.  A constructed field is at offset 0, as GNU poke
   reports it.  */
static __attribute__ ((noinline)) void
trace_field (vm *v, type *t, pk_struct *s, int i, const build_ctx *bc,
             val fv, uint64_t off)
{
  int event = !fv.t ? VM_TRACE_ABSENT
              : bc->map ? VM_TRACE_MAPPED : VM_TRACE_CONSTRUCTED;
  vm_trace_field (v, &s->fr, &t->u.s.fields[i], event, fv,
                  bc->map ? off - (uint64_t) bc->bias : 0);
}

static const val absent_field = { NULL, { 0 } };

/* The offset OFF in bits, as a map takes it (E_overflow: see
   arith_offset_bits_overflow).  */
static uint64_t
map_offset_bits (vm *v, val off)
{
  const type *b = off.t->u.o.base;
  if (arith_offset_bits_overflow (off.v.u, b->u.i.size, b->u.i.sign,
                                  off.t->u.o.unit))
    vm_raise_code (v, EC_OVERFLOW, NULL);
  return off.v.u * off.t->u.o.unit;
}

/* Whether a field of type FT is (or is an array of) a struct type
   written in the struct that has the field, whose frame is then its
   environment (see build_nested).  */
static inline bool
nested_type (const type *ft)
{
  while (ft->kind == TY_ARRAY)
    ft = ft->u.a.elem;
  return ft->kind == TY_STRUCT && ft->u.s.env_slot < 0;
}

/* The value of a field of type FT (a nested_type) of the struct S (of
   type T) being built, in S's frame SF.  A struct type written in
   another one sees the enclosing struct's fields as they are when it is
   built, as in GNU poke: its frame's parent is a copy of SF taken then,
   which later assignments to the enclosing struct do not change.  */
static __attribute__ ((noinline)) val
build_nested (vm *v, type *t, pk_frame *sf, type *ft, build_ctx *sub,
              uint64_t *fsize)
{
  const pk_struct *s = (const pk_struct *) sf;
  pk_struct *c = struct_new_frame (sf->parent, s->nfields, sf->nslots);
  memcpy (c->fr.slots, sf->slots, sizeof (val) * (size_t) sf->nslots);
  val cv;
  cv.t = t;
  cv.v.o = &c->fr.h;
  vm_push_root (v, cv);
  val r = build_value (v, &c->fr, ft, sub, fsize);
  vm_pop_roots (v, 1);
  return r;
}

/* An end of file met while mapping field KID of the struct type T:
   E_eof names the field, unless a struct around T is being mapped.  */
static _Noreturn void
field_ios_error (vm *v, type *t, const ast *kid, ios_err e)
{
  if (!v->map_ftype)
    {
      v->map_ftype = t;
      v->map_fname = kid->name;
    }
  vm_raise_ios (v, e);
}

/* Field KID, of type FT, of the struct type T being mapped, in SF: at
   CUR, or where its label says (from BASE); *FOFF: where it went,
   *FSIZE: its bits.  */
static val
map_field (vm *v, type *t, pk_frame *sf, ast *kid, type *ft, build_ctx *bc,
           uint64_t cur, uint64_t base, uint64_t *foff, uint64_t *fsize)
{
  int8_t endian = kid->op ? (int8_t) kid->op : bc->endian;
  if (!kid->aux && (ft->kind == TY_INT || ft->kind == TY_OFFSET))
    {
      /* Most fields are integers right after the previous field: read
         at once, without the copy of the build_ctx that build_value
         would be given (what build_value does for them).  */
      val x;
      ios_err e = read_scalar (ft, bc->io, cur, endian_big (v, endian),
                               &x, fsize);
      if (e != IOS_OK)
        field_ios_error (v, t, kid, e);
      *foff = cur;
      return x;
    }
  *foff = cur;
  if (kid->aux)
    {
      val lab = vm_eval (v, sf, kid->aux);
      *foff = base + map_offset_bits (v, lab);
    }
  build_ctx sub = *bc;
  sub.off = *foff;
  sub.cons = NULL;
  sub.init = NULL;
  sub.endian = endian;
  bool outer = !v->map_ftype;
  if (outer)
    {
      v->map_ftype = t;
      v->map_fname = kid->name;
    }
  val fv = nested_type (ft) ? build_nested (v, t, sf, ft, &sub, fsize)
                            : build_value (v, sf, ft, &sub, fsize);
  if (outer)
    v->map_ftype = NULL;
  return fv;
}

static uint64_t
build_field (vm *v, type *t, pk_struct *s, ast *kid, build_ctx *bc,
             uint64_t cur, uint64_t base, uint64_t *off)
{
  int i = kid->slot;
  /* if (COND) T F: tested before F is built; absent, F takes no room,
     and its label is not looked at.  */
  if (kid->nkids && !vm_eval (v, &s->fr, kid->kids[0]).v.u)
    {
      *off = cur;
      if (t->u.s.fields[i].trace && !bc->from_int)
        trace_field (v, t, s, i, bc, absent_field, 0);
      return FIELD_ABSENT;
    }
  type *ft = t->u.s.fields[i].type;
  pk_frame *sf = &s->fr;
  uint64_t fsize = 0;
  val fv;
  if (bc->map)
    fv = map_field (v, t, sf, kid, ft, bc, cur, base, off, &fsize);
  else if (bc->from_int)
    {
      fv = int_field (v, sf, t, ft, bc, cur - base, &fsize);
      *off = cur;
    }
  else
    {
      ast *given = NULL;
      if (bc->cons)
        for (int j = 0; j < bc->cons->nkids; j++)
          if (bc->cons->kids[j]->slot == i)
            given = bc->cons->kids[j]->a;
      build_ctx sub = *bc;
      sub.cons = NULL;
      sub.init = NULL;
      sub.cast = NULL;
      if (bc->cast)
        fv = *cast_field (*bc->cast, t, i);     /* Kept as it is.  */
      else if (given)
        {
          fv = map_keep (v, vm_eval (v, bc->cons_frame, given));
          /* An array that does not fit the field's bound breaks the
             struct's constraints, as GNU poke 4.3 has it.  */
          vm_push_root (v, fv);
          if (!bound_holds (v, sf, ft, fv))
            vm_raise_code (v, EC_CONSTRAINT, NULL);
          vm_pop_roots (v, 1);
        }
      else if (kid->c)
        fv = map_keep (v, vm_eval (v, sf, kid->c));
      else
        fv = nested_type (ft) ? build_nested (v, t, sf, ft, &sub, &fsize)
                              : build_value (v, sf, ft, &sub, &fsize);
      *off = cur;
      if (kid->aux)
        {
          vm_push_root (v, fv);
          val lab = vm_eval (v, sf, kid->aux);
          vm_pop_roots (v, 1);
          *off = base + lab.v.u * lab.t->u.o.unit;
        }
    }
  s->fields[i] = fv;
  /* GNU poke does not trace the fields of an integral struct mapped,
     as an integer.  */
  if (t->u.s.fields[i].trace && !bc->from_int)
    trace_field (v, t, s, i, bc, fv, *off);
  /* An optional field (T F if COND) is built first, then COND, which
     may name F, says whether it is there, as in GNU poke: an absent
     field takes no room, and its constraint is not checked.  */
  if (kid->d && !vm_eval (v, sf, kid->d).v.u)
    {
      s->fields[i].t = NULL;
      if (t->u.s.fields[i].trace && !bc->from_int)
        trace_field (v, t, s, i, bc, absent_field, 0);
      return FIELD_ABSENT;
    }
  /* A union chooses its alternative by the constraints, even when the
     map is not strict.  */
  if ((bc->strict || t->u.s.is_union) && kid->b && !vm_eval (v, sf, kid->b).v.u)
    constraint_failed (v, t, kid);
  if (!bc->map || fsize == 0)
    fsize = val_size_bits (fv);
  return fsize;
}

/* Run build_field, or build_value when KID is NULL, catching the
   exceptions whose codes are in the mask CODES: returns false, with the
   exception in A->out, if one was raised.  Kept apart so that setjmp
   does not constrain the callers' variables.  */
#define CODE(c) (1u << (c))
typedef struct try_args
{
  type *t;
  pk_struct *s;
  ast *kid;
  build_ctx *bc;
  uint64_t cur, base, off, size;
  pk_frame *f;
  val out;
} try_args;

static bool
try_build (vm *v, try_args *a, unsigned codes)
{
  vm_handler h;
  vm_handler_enter (v, &h);
  if (setjmp (h.jb) == 0)
    {
      if (a->kid)
        a->size = build_field (v, a->t, a->s, a->kid, a->bc, a->cur, a->base,
                               &a->off);
      else
        a->out = build_value (v, a->f, a->t, a->bc, &a->size);
      v->handler = h.prev;
      return true;
    }
  vm_handler_caught (v, &h);
  int64_t code = vm_exc_code (v->exc);
  if (code < 0 || code >= 32 || !(codes & (1u << code)))
    vm_raise (v, v->exc);
  a->out = v->exc;
  return false;
}

/* Record in M where a value decoded by BC at OFF, SIZE bits long, lives
   and how to decode it again.  */
static void
set_map (pk_map *m, const build_ctx *bc, uint64_t off, uint64_t size,
         pk_frame *env)
{
  m->mapped = true;
  m->lax = !bc->strict;
  m->endian = (int8_t) bc->endian;
  m->ios = bc->ios_id;
  m->offset = off - (uint64_t) bc->bias;
  m->bits = size;
  m->gen = bc->gen;
  m->env = env;
}

static _Noreturn void
no_alternative (vm *v, const type *t)
{
  char msg[512];
  if (t->name)
    snprintf (msg, sizeof msg, "no valid alternative found for union %s",
              t->name);
  else
    snprintf (msg, sizeof msg, "no valid alternative in union");
  /* As for constraints, GNU poke says nothing of a mapped array's
     element.  */
  vm_raise_code (v, EC_CONSTRAINT, v->map_elems ? "" : msg);
}

/* Whether build_struct tries alternative I of the union T, built by
   BC: a constructor tries only the one it gives, a cast those the
   struct cast has a field of the name of.  */
static bool
union_tries (const build_ctx *bc, const type *t, int i)
{
  if (bc->cons && bc->cons->nkids && bc->cons->kids[0]->slot != i)
    return false;
  return !bc->cast || cast_field (*bc->cast, t, i);
}

static val
build_struct (vm *v, pk_frame *f, type *t, build_ctx *bc, uint64_t *size)
{
  ast *decl = t->u.s.decl;
  type *offset_bits = v->offset_bits;
  pk_struct *s;
  if (bc->into)
    {
      /* Decoding a mapped struct again: in place, so that whoever holds
         it sees the new contents.  */
      s = (pk_struct *) bc->into;
      bc->into = NULL;
      for (int i = 0; i < s->fr.nslots; i++)
        s->fr.slots[i] = val_void ();
    }
  else
    s = struct_new_mapped (struct_env (v, t, f), t->u.s.nfields,
                           t->u.s.nslots, bc->map);
  val sv;
  sv.t = t;
  sv.v.o = &s->fr.h;
  vm_push_root (v, sv);
  if ((bc->map || t->u.s.has_labels) && !s->offs)
    s->offs = xcalloc ((size_t) t->u.s.nfields + 1, sizeof (uint64_t));
  uint64_t base = bc->off, cur = base, end = base;
  bool chosen = false;
  int chosen_field = -1;
  /* Unions: how the last alternative tried failed.  */
  int failure = v->nroots;
  vm_push_root (v, val_void ());
  for (int k = 0; k < decl->nkids; k++)
    {
      ast *kid = decl->kids[k];
      s->fr.slots[t->u.s.offset_slot] = val_int (offset_bits, cur - base);
      if (kid->kind != TN_FIELD)
        {
          if (kid->kind == TN_COMPUTED)
            s->fields[kid->slot].t = NULL;      /* Never in the value.  */
          else
            vm_exec (v, &s->fr, kid);
          continue;
        }
      int i = kid->slot;
      s->fields[i].t = NULL;            /* Absent until built.  */
      uint64_t off, fsize;
      if (t->u.s.is_union)
        {
          if (chosen || !union_tries (bc, t, i))
            continue;
          /* The first alternative that builds without a constraint
             failure is the union's value.  */
          try_args a = { t, s, kid, bc, cur, base, 0, 0, f, val_void () };
          /* An alternative fails by its constraint, or by running out
             of data or of its array's bound (as in GNU poke 4.3).  One
             that failed by its constraint keeps its value for the next
             ones' constraints, until the union is built.  */
          if (!try_build (v, &a, CODE (EC_CONSTRAINT) | CODE (EC_EOF)))
            {
              v->roots[failure] = a.out;
              continue;
            }
          v->roots[failure] = val_void ();
          if (a.size == FIELD_ABSENT)
            continue;
          fsize = a.size;
          off = a.off;
          chosen = true;
          chosen_field = i;
        }
      else
        fsize = build_field (v, t, s, kid, bc, cur, base, &off);
      if (fsize == FIELD_ABSENT)
        {
          /* The next field goes where its label put it, as in GNU
             poke, in a mapped value; a constructed one (or one made
             from an integer) lays it out as if the field had no
             label.  */
          if (bc->map && kid->aux && !t->u.s.pinned && !t->u.s.is_union)
            cur = off;
          continue;
        }
      if (s->offs)
        s->offs[i] = bc->map ? off - (uint64_t) bc->bias : off - base;
      if (t->u.s.pinned || t->u.s.is_union)
        {
          if (off + fsize > end)
            end = off + fsize;
          continue;
        }
      cur = off + fsize;
      if (cur > end)
        end = cur;
    }
  if (t->u.s.is_union && !chosen)
    {
      /* The last alternative ran out of data: GNU poke says so.  */
      val last = v->roots[failure];
      if (last.t && last.t->kind == TY_STRUCT
          && vm_exc_code (last) != EC_CONSTRAINT)
        vm_raise (v, last);
      no_alternative (v, t);
    }
  if (t->u.s.is_union)
    for (int i = 0; i < t->u.s.nfields; i++)
      if (i != chosen_field)
        s->fields[i].t = NULL;
  if (bc->map)
    {
      set_map (&s->map, bc, base, end - base, f);
      /* GNU poke maps a value again at every use, and its fields tell
         the tracer each time; bpoke does so for the values whose
         fields report to it, and decodes the others again only when
         out of date (map_stale).  */
      if (t->u.s.traced && v->autoremap)
        s->map.gen = 0;
    }
  *size = end - base;
  vm_pop_roots (v, 2);
  return sv;
}

/* Elements of a mapped array: until COUNT of them, or SIZE bits, or
   (unbounded) the end of the space or the first constraint failure.  */
static val
build_array (vm *v, pk_frame *f, type *t, build_ctx *bc, uint64_t *size)
{
  type *et = t->u.a.elem;
  bool bounded = t->u.a.bound != NULL;
  bool by_size = t->u.a.bound_is_size;
  uint64_t count = 0, bits = 0;
  pk_array *into = (pk_array *) bc->into;
  bc->into = NULL;
  bool trim = into && into->map.trim;
  if (trim)
    {
      /* A trim keeps its element count (map_trim).  */
      bounded = true;
      by_size = false;
      count = into->len;
    }
  else if (into && bounded)
    {
      /* Decoding a mapped array again: the bound was evaluated when it
         was mapped.  */
      count = into->len;
      bits = into->map.bits;
    }
  else if (bounded)
    {
      val b = vm_eval (v, f, t->u.a.bound);
      const type *bt = b.t->kind == TY_OFFSET ? b.t->u.o.base : b.t;
      if (bt->u.i.sign && b.v.i < 0)
        vm_raise_code (v, EC_OUT_OF_BOUNDS, NULL);
      if (b.t->kind == TY_OFFSET)
        bits = b.v.u * b.t->u.o.unit;
      else
        count = b.v.u;
      /* Constructing is bounded by memory; refuse what cannot fit
         rather than exhaust it.  */
      if (!bc->map && (count > ((uint64_t) 1 << 28)
                       || bits > ((uint64_t) 1 << 34)))
        vm_raise_code (v, EC_OUT_OF_BOUNDS, NULL);
    }
  /* A constructed array of known length gets its elements' room at
     once (mapped ones may be cut short by the end of the IO space).  */
  pk_array *a = array_new (!bc->map && bounded && !by_size
                           ? (size_t) (count < (1u << 20) ? count : 1u << 20)
                           : 0);
  val av;
  av.t = t;
  av.v.o = &a->h;
  vm_push_root (v, av);
  uint64_t cur = bc->off;
  for (uint64_t n = 0;; n++)
    {
      if (bounded && !by_size && n >= count)
        break;
      if (bounded && by_size && cur - bc->off >= bits)
        break;
      build_ctx sub = *bc;
      sub.off = cur;
      sub.cons = NULL;
      uint64_t esize = 0;
      val e;
      if (!bc->map)
        {
          if (!bounded)
            break;
          if (bc->init)
            e = *bc->init;
          else
            e = build_value (v, f, et, &sub, &esize);
          if (by_size && esize == 0)
            esize = val_size_bits (e);
          if (by_size && esize == 0)
            break;
        }
      else if (bounded)
        {
          /* GNU poke names the field an end of file was met in only
             when the outermost value mapped is a struct.  */
          bool anon = !v->map_ftype;
          if (anon)
            v->map_ftype = &elements_marker;
          v->map_elems++;
          e = build_value (v, f, et, &sub, &esize);
          v->map_elems--;
          if (anon)
            v->map_ftype = NULL;
        }
      else
        {
          /* Unbounded: stop quietly at the end or a failing element.  */
          try_args ta = { et, NULL, NULL, &sub, 0, 0, 0, 0, f, val_void () };
          if (!try_build (v, &ta, CODE (EC_EOF) | CODE (EC_CONSTRAINT)))
            break;
          e = ta.out;
          esize = ta.size;
        }
      array_push (a, e);
      cur += esize;
    }
  /* Elements that do not fill the size exactly: GNU poke 4.3 takes it
     for a failed constraint of the type.  */
  if (by_size && bounded && cur - bc->off != bits)
    vm_raise_code (v, EC_CONSTRAINT,
                   "array type boundaries couldn't be satisfied");
  if (bc->map)
    set_map (&a->map, bc, bc->off, cur - bc->off, f);
  *size = cur - bc->off;
  if (into)
    {
      array_take (into, a);
      into->map = a->map;
      into->map.trim = trim;
      av.v.o = &into->h;
    }
  vm_pop_roots (v, 1);
  return av;
}

/* An integral struct is mapped as its integer, in the byte order in
   force, and then split into its fields.  */
static val
build_integral (vm *v, pk_frame *f, type *t, build_ctx *bc, uint64_t *size)
{
  int n = t->u.s.itype->u.i.size;
  uint64_t raw;
  ios_err e = ios_read_int (bc->io, bc->off, n, big_endian (v, bc), &raw);
  if (e != IOS_OK)
    vm_raise_ios (v, e);
  gcobj *into = bc->into;
  bc->into = NULL;
  val sv = int_to_struct_into (v, t, raw, into, bc->strict);
  pk_struct *s = val_sct (sv);
  set_map (&s->map, bc, bc->off, (uint64_t) n, f);
  *size = (uint64_t) n;
  return sv;
}

/* A string: the bytes at BC's offset up to and including a NUL (a
   constructed one is empty).  Out of line: its buffers would make
   build_value's frame, which every mapped integer goes through,
   larger.  */
static __attribute__ ((noinline)) val
build_string (vm *v, build_ctx *bc, uint64_t *size)
{
  if (!bc->map)
    {
      *size = 8;
      return val_string ("", 0);
    }
  strbuf sb;
  sb_init (&sb);
  uint64_t at = bc->off;
  for (bool done = false; !done;)
    {
      /* Bytes a chunk at a time; one at a time near the end.  */
      unsigned char buf[64];
      size_t n = sizeof buf;
      ios_err e = IOS_EEOF;
      if (at % 8 == 0)
        e = ios_read_bytes (bc->io, at / 8, buf, n);
      if (e != IOS_OK)
        {
          uint64_t ch;
          n = 1;
          e = ios_read_int (bc->io, at, 8, true, &ch);
          buf[0] = (unsigned char) ch;
        }
      if (e != IOS_OK)
        {
          sb_free (&sb);
          vm_raise_ios (v, e);
        }
      size_t len = 0;
      while (len < n && buf[len])
        len++;
      sb_putn (&sb, (const char *) buf, len);
      done = len < n;
      at += n * 8;
    }
  *size = (sb.len + 1) * 8;
  val r = val_string (sb.data ? sb.data : "", sb.len);
  sb_free (&sb);
  return r;
}

static val
build_value (vm *v, pk_frame *f, type *t, build_ctx *bc, uint64_t *size)
{
  switch (t->kind)
    {
    case TY_INT:
    case TY_OFFSET:
      {
        val x = val_int (t, 0);
        if (!bc->map)
          {
            const type *it = t->kind == TY_INT ? t : t->u.o.base;
            *size = (uint64_t) it->u.i.size;
            return x;
          }
        ios_err e = read_scalar (t, bc->io, bc->off, big_endian (v, bc),
                                 &x, size);
        if (e != IOS_OK)
          vm_raise_ios (v, e);
        return x;
      }
    case TY_STRING:
      return build_string (v, bc, size);
    case TY_ARRAY:
      return build_array (v, f, t, bc, size);
    case TY_STRUCT:
      /* A struct type declared with a name has its own byte order: a
         `little' or `big' given to a field of that type, or to the
         struct around it, does not reach it (GNU poke warns that it is
         useless, check-type.c).  */
      if (t->name)
        bc->endian = TYPE_ENDIAN_DEFAULT;
      if (bc->map && t->u.s.itype)
        return build_integral (v, f, t, bc, size);
      return build_struct (v, f, t, bc, size);
    case TY_FUNCTION:
      {
        pk_closure *c = closure_new (NULL, NULL);
        c->builtin = -1;
        val r;
        r.t = t;
        r.v.o = &c->h;
        *size = 0;
        return r;
      }
    default:
      *size = 0;
      return val_void ();
    }
}

val
map_construct (vm *v, pk_frame *f, ast *n)
{
  build_ctx bc;
  memset (&bc, 0, sizeof bc);
  bc.strict = true;
  bc.cons = n;
  bc.cons_frame = f;
  uint64_t size;
  return build_struct (v, f, n->type, &bc, &size);
}

/* The struct X cast to the union type T: the first alternative that X
   has a field of the name of, whose constraint that field's value
   satisfies, as in GNU poke 4.3.  */
val
map_struct_to_union (vm *v, type *t, val x)
{
  build_ctx bc;
  memset (&bc, 0, sizeof bc);
  bc.strict = true;
  bc.cast = &x;
  vm_push_root (v, x);
  uint64_t size;
  val r = build_struct (v, NULL, t, &bc, &size);
  vm_pop_roots (v, 1);
  return r;
}

/* T @ [IOS :] OFFSET.  */
val
map_at (vm *v, pk_frame *f, ast *n)
{
  val off = vm_eval (v, f, n->b);
  ios *io;
  if (n->c)
    {
      vm_push_root (v, off);
      val id = vm_eval (v, f, n->c);
      vm_pop_roots (v, 1);
      io = ios_get ((int) id.v.i);
    }
  else
    io = ios_cur ();
  if (!io)
    vm_raise_code (v, EC_NO_IOS, NULL);
  int64_t bias = ios_bias (io);
  uint64_t at = map_offset_bits (v, off) + (uint64_t) bias;
  type *t = n->type;
  if (t->kind == TY_INT || t->kind == TY_OFFSET)
    {
      /* A scalar: no decoding state to keep.  */
      const type *it = t->kind == TY_INT ? t : t->u.o.base;
      uint64_t raw;
      ios_err e = ios_read_int (io, at, it->u.i.size, v->big_endian, &raw);
      if (e != IOS_OK)
        vm_raise_ios (v, e);
      return val_int (t, arith_norm (raw, it->u.i.size, it->u.i.sign));
    }
  build_ctx bc;
  memset (&bc, 0, sizeof bc);
  bc.map = true;
  bc.strict = !n->flag;
  bc.io = io;
  bc.bias = bias;
  bc.off = at;
  bc.ios_id = ios_id (bc.io);
  bc.gen = vm_map_gen (v);
  uint64_t size;
  v->mapping++;
  val r = build_value (v, f, n->type, &bc, &size);
  v->mapping--;
  return r;
}

/* An array constructor N, T[...] ([INIT]).  */
val
map_construct_array (vm *v, pk_frame *f, ast *n)
{
  build_ctx bc;
  memset (&bc, 0, sizeof bc);
  bc.strict = true;
  val init;
  if (n->nkids)
    {
      init = map_keep (v, vm_eval (v, f, n->kids[0]));
      vm_push_root (v, init);
      bc.init = &init;
    }
  uint64_t size;
  val r = build_array (v, f, n->type, &bc, &size);
  if (n->nkids)
    vm_pop_roots (v, 1);
  return r;
}

/* The default value of type T.  */
val
map_default (vm *v, type *t)
{
  build_ctx bc;
  memset (&bc, 0, sizeof bc);
  uint64_t size;
  return build_value (v, NULL, t, &bc, &size);
}

/* Decode the mapped value X again, in place (see vm_fresh).  */
void
map_remap (vm *v, val x)
{
  pk_map *m = val_map (x);
  ios *io = ios_get (m->ios);
  if (!io)
    vm_raise_code (v, EC_NO_IOS, NULL);
  build_ctx bc;
  memset (&bc, 0, sizeof bc);
  bc.map = true;
  bc.strict = !m->lax;
  bc.io = io;
  bc.ios_id = m->ios;
  bc.bias = ios_bias (io);
  bc.off = m->offset + (uint64_t) bc.bias;
  bc.endian = m->endian;
  bc.gen = vm_map_gen (v);
  bc.into = x.v.o;
  /* Until it decodes whole, it stays out of date.  */
  m->gen = 0;
  vm_push_root (v, x);
  v->mapping++;
  uint64_t size;
  build_value (v, m->env, x.t, &bc, &size);
  v->mapping--;
  vm_pop_roots (v, 1);
}

/* The byte order of field I of struct type T: its own (`little',
   `big') or ENDIAN, its struct's.  */
static int
field_endian (const type *t, int i, int endian)
{
  const ast *decl = t->u.s.decl;
  for (int k = 0; decl && k < decl->nkids; k++)
    if (decl->kids[k]->kind == TN_FIELD && decl->kids[k]->slot == i)
      return decl->kids[k]->op ? decl->kids[k]->op : endian;
  return endian;
}

/* Writing values to IO: the encoder, the inverse of build_value.  */
static void
write_value (vm *v, ios *io, uint64_t off, val x, int endian)
{
  build_ctx bc;
  memset (&bc, 0, sizeof bc);
  bc.endian = endian;
  switch (x.t->kind)
    {
    case TY_INT:
    case TY_OFFSET:
      {
        const type *it = x.t->kind == TY_INT ? x.t : x.t->u.o.base;
        ios_err e = ios_write_int (io, off, it->u.i.size,
                                   big_endian (v, &bc), x.v.u);
        if (e != IOS_OK)
          vm_raise_ios (v, e);
        return;
      }
    case TY_STRING:
      {
        const pk_string *str = val_str (x);
        ios_err e = IOS_OK;
        if (off % 8 == 0)
          e = ios_write_bytes (io, off / 8, str->data, str->len + 1);
        else
          for (size_t i = 0; i <= str->len && e == IOS_OK; i++)
            e = ios_write_int (io, off + i * 8, 8, true,
                               (unsigned char) str->data[i]);
        if (e != IOS_OK)
          vm_raise_ios (v, e);
        return;
      }
    case TY_ARRAY:
      {
        pk_array *a = val_arr (x);
        for (size_t i = 0; i < a->len; i++)
          {
            write_value (v, io, off, a->elems[i], endian);
            off += val_size_bits (a->elems[i]);
          }
        return;
      }
    case TY_STRUCT:
      {
        pk_struct *s = val_sct (x);
        const type *t = x.t;
        uint64_t cur = off;
        /* A named struct type has its own byte order (see
           build_value).  */
        if (t->name)
          bc.endian = endian = TYPE_ENDIAN_DEFAULT;
        if (t->u.s.itype)
          {
            ios_err e = ios_write_int (io, off, t->u.s.itype->u.i.size,
                                       big_endian (v, &bc), map_struct_to_int (x));
            if (e != IOS_OK)
              vm_raise_ios (v, e);
            return;
          }
        for (int i = 0; i < s->nfields; i++)
          {
            if (!s->fields[i].t)
              continue;
            uint64_t fo = t->u.s.pinned ? off
                          : s->offs ? off + (s->offs[i] - s->map.offset) : cur;
            write_value (v, io, fo, s->fields[i], field_endian (t, i, endian));
            cur = fo + val_size_bits (s->fields[i]);
          }
        return;
      }
    default:
      return;
    }
}

/* The bit offset of element I of the mapped array C, without bias.  */
static uint64_t
elem_offset (val c, uint64_t i)
{
  const pk_array *a = val_arr (c);
  const pk_map *m = val_map (a->elems[i]);
  if (m && m->mapped)
    return m->offset;
  const type *et = c.t->u.a.elem;
  if (type_complete (et))
    return a->map.offset + i * type_size (et);
  uint64_t off = a->map.offset;
  for (uint64_t k = 0; k < i; k++)
    off += val_size_bits (a->elems[k]);
  return off;
}

/* Elements FROM to TO (excluded) of the mapped array C, as a mapped
   array of type T, as GNU poke 4.3 trims: writes through it reach the
   IO space, and it is decoded again when C would be.  */
val
map_trim (vm *v, val c, uint64_t from, uint64_t to, type *t)
{
  const pk_array *ca = val_arr (c);
  uint64_t off = from < ca->len ? elem_offset (c, from)
                                : ca->map.offset + ca->map.bits;
  uint64_t bits = 0;
  for (uint64_t k = from; k < to; k++)
    bits += val_size_bits (ca->elems[k]);
  pk_array *r = array_new (to - from);
  for (uint64_t k = from; k < to; k++)
    array_push (r, ca->elems[k]);
  r->map = ca->map;
  r->map.offset = off;
  r->map.bits = bits;
  r->map.trim = true;
  (void) v;
  val rv;
  rv.t = t;
  rv.v.o = &r->h;
  return rv;
}

/* Write X, a new part of the mapped value M at bit offset OFF (without
   bias), to M's IO space.  M, updated in place by the caller, stays up
   to date if it was, unless X is itself composite: then it decodes
   again, to map X's parts.  */
static void
write_through (vm *v, pk_map *m, uint64_t off, int endian, val x)
{
  ios *io = ios_get (m->ios);
  if (!io)
    vm_raise_code (v, EC_NO_IOS, NULL);
  write_value (v, io, off + (uint64_t) ios_bias (io), x, endian);
}

/* A method, whose frame is F, assigned field I of the mapped struct S
   (of type T, whose fields may overlap) by its bare name.  GNU poke
   writes a struct or array field when it is assigned; then, after each
   such assignment, every field of another type that the call assigned
   so far, in their order of declaration, so that where they overlap
   the one declared last wins.  F's slot SLOT records those (the first
   64 fields; a later one is written alone).  */
static void
write_assigned (vm *v, pk_frame *f, int slot, const type *t, pk_struct *s,
                int i)
{
  uint64_t set = f->slots[slot].t ? f->slots[slot].v.u : 0;
  if (val_map (s->fields[i]))
    write_through (v, &s->map, s->offs[i], field_endian (t, i, s->map.endian),
                   s->fields[i]);
  else if (i < 64)
    set |= (uint64_t) 1 << i;
  f->slots[slot] = val_int (type_int (64, false), set);
  const ast *decl = t->u.s.decl;
  for (int k = 0; k < decl->nkids; k++)
    {
      const ast *kid = decl->kids[k];
      int j = kid->slot;
      if (kid->kind != TN_FIELD || !s->fields[j].t
          || (j < 64 ? !(set >> j & 1) : j != i || val_map (s->fields[j])))
        continue;
      write_through (v, &s->map, s->offs[j],
                     kid->op ? kid->op : s->map.endian, s->fields[j]);
    }
}

/* The mapped values an assignment went through, outermost first, so
   that a write through them can keep them current (see keep_current).
   N is -1 when there were too many to keep.  */
typedef struct place
{
  val objs[8];
  int n;
} place;

/* Note X in P; it stays rooted until the assignment resets the root
   stack.  */
static void
place_add (vm *v, place *p, val x)
{
  const pk_map *m = val_map (x);
  if (!m || !m->mapped || p->n < 0)
    return;
  if (p->n == (int) countof (p->objs))
    p->n = -1;
  else
    {
      p->objs[p->n++] = x;
      vm_push_root (v, x);
    }
}

/* Evaluate the container E of an assignment, noting in P the mapped
   values on the way.  */
static val
eval_place (vm *v, pk_frame *f, ast *e, place *p)
{
  val x;
  switch (e->kind)
    {
    case A_MEMBER:
      {
        val s = eval_place (v, f, e->a, p);
        vm_fresh (v, s);
        x = val_sct (s)->fr.slots[e->slot];
        if (!x.t)
          x = vm_absent_field (v, s, e->slot);
        x = vm_part (v, &val_sct (s)->map, x);
        break;
      }
    case A_INDEX:
      {
        val c = eval_place (v, f, e->a, p);
        if (c.t->kind != TY_ARRAY)
          return vm_eval (v, f, e);
        vm_push_root (v, c);
        val iv = vm_eval (v, f, e->b);
        vm_pop_roots (v, 1);
        vm_fresh (v, c);
        uint64_t i = vm_index (v, c, e, iv);
        if (i >= val_arr (c)->len)
          vm_raise_code (v, EC_OUT_OF_BOUNDS, NULL);
        x = vm_part (v, &val_arr (c)->map, val_arr (c)->elems[i]);
        break;
      }
    default:
      x = vm_eval (v, f, e);
    }
  place_add (v, p, x);
  return x;
}

/* Whether writing a part of a value of type T in place leaves the value
   what decoding it again would give: not when the parts overlap or
   where they are, or how many, depends on what they hold.  */
static bool
updates_in_place (const type *t)
{
  if (t->kind == TY_ARRAY)
    return type_complete (t->u.a.elem);
  if (t->u.s.itype)
    return true;
  if (t->u.s.pinned || t->u.s.is_union || !type_complete (t))
    return false;
  const ast *decl = t->u.s.decl;
  for (int k = 0; k < decl->nkids; k++)
    if (decl->kids[k]->kind == TN_FIELD
        && (decl->kids[k]->aux || decl->kids[k]->d
            || decl->kids[k]->nkids))
      return false;
  return true;
}

/* After an assignment of X through the values of P, current at
   generation G0 before it wrote, keep current the ones that it updated
   in place, from the innermost out.  */
static void
keep_current (vm *v, const place *p, uint64_t g0, val x)
{
  if (val_map (x))
    {
      /* X's parts are to be mapped: the values it was stored in decode
         again, even when writing it changed no byte.  */
      for (int k = 0; k < p->n; k++)
        val_map (p->objs[k])->gen = 0;
      return;
    }
  uint64_t g1 = vm_map_gen (v);
  for (int k = p->n - 1; k >= 0; k--)
    {
      pk_map *m = val_map (p->objs[k]);
      if (m->gen != g0 || !updates_in_place (p->objs[k].t))
        return;
      m->gen = g1;
    }
}

/* A copy of the mapped value X (itself when X is not a mapped struct or
   array) whose mapped parts are copies too: with KEEP, they keep their
   mappings; else none of them is mapped (unmap).  */
static val
copy_mapped (vm *v, val x, bool keep)
{
  val r = x;
  const pk_map *m = val_map (x);
  if (!m || !m->mapped)
    return x;
  if (!keep)
    vm_fresh (v, x);
  vm_push_root (v, x);
  if (x.t->kind == TY_ARRAY)
    {
      const pk_array *a = val_arr (x);
      pk_array *c = array_new (a->len);
      c->map.lax = a->map.lax;
      if (keep)
        c->map = a->map;
      r.v.o = &c->h;
      vm_push_root (v, r);
      for (size_t i = 0; i < a->len; i++)
        array_push (c, copy_mapped (v, a->elems[i], keep));
    }
  else
    {
      const pk_struct *s = val_sct (x);
      pk_struct *c = struct_new_mapped (s->fr.parent, s->nfields,
                                        s->fr.nslots, keep && s->offs);
      c->map.lax = s->map.lax;
      if (keep)
        {
          c->map = s->map;
          if (s->offs)
            memcpy (c->offs, s->offs,
                    ((size_t) s->nfields + 1) * sizeof (uint64_t));
        }
      r.v.o = &c->fr.h;
      vm_push_root (v, r);
      for (int i = 0; i < s->fr.nslots; i++)
        {
          val e = s->fr.slots[i];
          if (i < s->nfields)
            e = copy_mapped (v, e, keep);
          else if (e.t && e.t->kind == TY_FUNCTION
                   && val_clo (e)->env == &s->fr)
            {
              /* Methods and local functions see the copy.  */
              pk_closure *cl = closure_new (val_clo (e)->fn, &c->fr);
              cl->builtin = val_clo (e)->builtin;
              e.v.o = &cl->h;
            }
          c->fr.slots[i] = e;
        }
    }
  vm_pop_roots (v, 2);
  return r;
}

/* The parts of X, a struct or array that is not mapped: those that are
   mapped are replaced by copies that are not.  */
static void
unmap_parts (vm *v, val x)
{
  bool arr = x.t->kind == TY_ARRAY;
  size_t n = arr ? val_arr (x)->len : (size_t) val_sct (x)->nfields;
  vm_push_root (v, x);
  for (size_t i = 0; i < n; i++)
    {
      val *p = arr ? &val_arr (x)->elems[i] : &val_sct (x)->fields[i];
      const pk_map *m = val_map (*p);
      if (!m)
        continue;
      if (!m->mapped)
        unmap_parts (v, *p);
      else
        {
          val c = copy_mapped (v, *p, false);
          /* P may have moved: the array may have grown meanwhile.  */
          *(arr ? &val_arr (x)->elems[i] : &val_sct (x)->fields[i]) = c;
        }
    }
  vm_pop_roots (v, 1);
}

/* unmap X: a copy of X that is not mapped, nor are its parts.  X itself
   when it is not mapped, as in GNU poke, which then unmaps its parts in
   place: writes through it no longer reach an IO space.  */
val
map_unmap (vm *v, val x)
{
  const pk_map *m = val_map (x);
  if (m && !m->mapped)
    {
      unmap_parts (v, x);
      return x;
    }
  return copy_mapped (v, x, false);
}

/* A mapped value held by a value that is not mapped (a field of a
   constructed struct, an element of an array literal): GNU poke keeps
   there the value as it was when stored, which nothing decodes again
   nor changes; each read of it through its holder is decoded anew, as
   a new value.  In bpoke mapped values are decoded again in place, so
   the holder keeps a copy of its own (map_keep), and a read hands out
   another copy (map_held), which vm_fresh then decodes if it is out of
   date.  */
val
map_keep (vm *v, val x)
{
  return copy_mapped (v, x, true);
}

val
map_held (vm *v, val x)
{
  if (!v->autoremap)
    {
      /* Nothing is decoded again: the holder's value is the one.  */
      vm_fresh (v, x);
      return x;
    }
  x = copy_mapped (v, x, true);
  vm_push_root (v, x);
  vm_fresh (v, x);
  vm_pop_roots (v, 1);
  return x;
}

/* Assignment.  */

void
vm_array_set (vm *v, val c, uint64_t i, val x)
{
  pk_array *a = val_arr (c);
  if (i >= a->len)
    vm_raise_code (v, EC_OUT_OF_BOUNDS, NULL);
  if (a->map.mapped)
    write_through (v, &a->map, elem_offset (c, i), a->map.endian, x);
  else
    {
      vm_push_root (v, c);
      x = map_keep (v, x);
      vm_pop_roots (v, 1);
    }
  vm_obj_written (v, &a->h);
  a->elems[i] = x;
}

/* Assignments into composite values: A[I] = X, S.F = X, T @ O = X (LV
   is the l-value), written through to the IO space of a mapped value,
   whose holders then see the new contents.  */

void
map_assign_index (vm *v, pk_frame *f, ast *lv, val x)
{
  place p = { .n = 0 };
  int base = v->nroots;
  vm_push_root (v, x);
  val c = eval_place (v, f, lv->a, &p);
  vm_push_root (v, c);
  val iv = vm_eval (v, f, lv->b);
  vm_fresh (v, c);
  uint64_t i = vm_index (v, c, lv, iv);
  uint64_t g0 = vm_map_gen (v);
  vm_array_set (v, c, i, x);
  keep_current (v, &p, g0, x);
  v->nroots = base;
}

/* Evaluate constraint (or condition) C of struct S, whose field I was
   just given a new value.  What C raises (E_elem for a union's
   alternative not taken, E_div_by_zero...) puts OLD back first in a
   mapped struct (nothing is written); one that is not mapped keeps the
   new value, as in GNU poke 4.3, but for E_constraint.  */
static bool
recheck_constraint (vm *v, pk_struct *s, ast *c, int i, val old)
{
  vm_handler h;
  vm_handler_enter (v, &h);
  if (setjmp (h.jb) == 0)
    {
      bool holds = vm_eval (v, &s->fr, c).v.u != 0;
      v->handler = h.prev;
      return holds;
    }
  vm_handler_caught (v, &h);
  if (s->map.mapped || vm_exc_code (v->exc) == EC_CONSTRAINT)
    s->fields[i] = old;
  vm_raise (v, v->exc);
}

/* Report field J of struct S, of type T, to the tracer as checking S
   again after an assignment finds it: built with the value FV, or
   absent (FV with no type).  That check is a construction in GNU poke,
   so the event is field_constructed, at offset 0.  */
static void
trace_recheck (vm *v, type *t, pk_struct *s, int j, val fv)
{
  if (t->u.s.fields[j].trace)
    vm_trace_field (v, &s->fr, &t->u.s.fields[j],
                    fv.t ? VM_TRACE_CONSTRUCTED : VM_TRACE_ABSENT, fv, 0);
}

/* Field KID of struct S, of type T, is absent.  GNU poke 4.3 checks
   the struct again as its constructor would: the field gets its
   default (its initializer, or its type's default value, which raises
   when a constraint inside fails on it), and when its condition holds
   now, its constraint is checked on that.  The field stays absent;
   what is raised puts OLD back in field I first.  */
static void
recheck_absent (vm *v, type *t, pk_struct *s, ast *kid, int i, val old)
{
  int j = kid->slot;
  if (kid->nkids && !recheck_constraint (v, s, kid->kids[0], i, old))
    {
      trace_recheck (v, t, s, j, absent_field);
      return;
    }
  bool fails = false;
  vm_handler h;
  vm_handler_enter (v, &h);
  if (setjmp (h.jb) == 0)
    {
      if (kid->c)
        s->fields[j] = vm_eval (v, &s->fr, kid->c);
      else
        {
          build_ctx bc;
          memset (&bc, 0, sizeof bc);
          bc.strict = true;
          uint64_t size;
          s->fields[j] = build_value (v, &s->fr, t->u.s.fields[j].type,
                                      &bc, &size);
        }
      trace_recheck (v, t, s, j, s->fields[j]);
      trace_recheck (v, t, s, j, absent_field);
      fails = kid->b && (!kid->d || vm_eval (v, &s->fr, kid->d).v.u)
              && !vm_eval (v, &s->fr, kid->b).v.u;
      v->handler = h.prev;
    }
  else
    {
      vm_handler_caught (v, &h);
      s->fields[j].t = NULL;
      s->fields[i] = old;
      vm_raise (v, v->exc);
    }
  s->fields[j].t = NULL;
  if (fails)
    {
      s->fields[i] = old;
      constraint_failed (v, t, kid);
    }
}

void
map_assign_member (vm *v, pk_frame *f, ast *lv, val x)
{
  if (lv->a->type->u.s.fields[lv->slot].computed)
    {
      vm_assign_computed (v, f, lv, x);
      return;
    }
  place p = { .n = 0 };
  int base = v->nroots;
  vm_push_root (v, x);
  val sv = eval_place (v, f, lv->a, &p);
  uint64_t g0 = vm_map_gen (v);
  pk_struct *s = val_sct (sv);
  int i = lv->slot;
  if (!s->fields[i].t)
    vm_raise_code (v, EC_ELEM, NULL);
  vm_push_root (v, sv);
  vm_push_root (v, x);
  /* An array value must fit the field's bound (E_conv); then the
     struct is checked again, field by field, as GNU poke 4.3 does: an
     array that no longer fits its bound, or a constraint that fails,
     raise E_constraint (for a union, no alternative is valid), and the
     old value is back.  */
  type *ft = sv.t->u.s.fields[i].type;
  map_check_bound (v, &s->fr, ft, x);
  if (!s->map.mapped)
    {
      x = map_keep (v, x);
      vm_push_root (v, x);
    }
  val old = s->fields[i];
  vm_push_root (v, old);
  vm_obj_written (v, &s->fr.h);
  s->fields[i] = x;
  ast *decl = sv.t->u.s.decl, *fkid = NULL;
  bool strict = !s->map.lax;
  for (int k = 0; decl && k < decl->nkids; k++)
    {
      ast *kid = decl->kids[k];
      if (kid->kind != TN_FIELD)
        continue;
      if (!s->fields[kid->slot].t)
        {
          if (strict && !sv.t->u.s.is_union)
            recheck_absent (v, sv.t, s, kid, i, old);
          continue;
        }
      trace_recheck (v, sv.t, s, kid->slot, s->fields[kid->slot]);
      if (kid->slot == i)
        fkid = kid;
      if (!bound_holds (v, &s->fr, sv.t->u.s.fields[kid->slot].type,
                        s->fields[kid->slot]))
        {
          s->fields[i] = old;
          vm_raise_code (v, EC_CONSTRAINT, NULL);
        }
      /* A field there whose condition no longer holds stays, but
         its constraint is not checked.  */
      if (kid->b && strict
          && (!kid->nkids || recheck_constraint (v, s, kid->kids[0], i, old))
          && (!kid->d || recheck_constraint (v, s, kid->d, i, old))
          && !recheck_constraint (v, s, kid->b, i, old))
        {
          s->fields[i] = old;
          if (sv.t->u.s.is_union)
            no_alternative (v, sv.t);
          constraint_failed (v, sv.t, kid);
        }
    }
  if (s->map.mapped && sv.t->u.s.itype)
    write_through (v, &s->map, s->map.offset, s->map.endian, sv);
  else if (s->map.mapped && s->offs && lv->a->kind == A_SELF && lv->a->op)
    write_assigned (v, f, lv->a->op - 1, sv.t, s, i);
  else if (s->map.mapped && s->offs)
    write_through (v, &s->map, s->offs[i],
                   fkid && fkid->op ? fkid->op : s->map.endian, x);
  if (!s->map.mapped && p.n)
    {
      /* A struct in a mapped value but not mapped itself: a field of a
         mapped integral struct or union.  As in GNU poke, the change
         is not written, and the mapped value, decoded again, forgets
         it.  */
      int n = p.n < 0 ? (int) countof (p.objs) : p.n;
      for (int k = 0; k < n; k++)
        val_map (p.objs[k])->gen = 0;
    }
  else
    keep_current (v, &p, g0, x);
  v->nroots = base;
}

void
map_assign_at (vm *v, pk_frame *f, ast *lv, val x)
{
  vm_push_root (v, x);
  /* The value must fit the mapped type: E_conv otherwise.  */
  if (x.t->kind == TY_ARRAY && lv->type && lv->type->kind == TY_ARRAY)
    map_check_bound (v, f, lv->type, x);
  val off = vm_eval (v, f, lv->b);
  ios *io;
  if (lv->c)
    io = ios_get ((int) vm_eval (v, f, lv->c).v.i);
  else
    io = ios_cur ();
  vm_pop_roots (v, 1);
  if (!io)
    vm_raise_code (v, EC_NO_IOS, NULL);
  write_value (v, io, map_offset_bits (v, off) + (uint64_t) ios_bias (io),
               x, 0);
}
