/* value.h -- Poke values and the garbage collector.

   A value is a type and a payload.  Integers and offsets are unboxed: the
   payload holds their 64 normalized bits (see arith.h) and the type gives
   width, signedness and unit.  Strings, arrays, structs and closures live
   on the heap as gc objects under a precise mark-and-sweep collector.

   Rooting discipline: the collector runs only inside gc_alloc, and marks
   from the interpreter's roots (global and active frames, the root stack,
   permanent objects).  A C function that holds a heap value in a local
   while calling anything that may allocate must keep it reachable, with
   vm_push_root / vm_pop_root or by storing it into a rooted object.  The
   collector never moves objects, so pointers stay valid while rooted.  */

#ifndef BPOKE_VALUE_H
#define BPOKE_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "type.h"

typedef enum gc_kind
{
  GC_STRING, GC_ARRAY, GC_STRUCT, GC_CLOSURE, GC_FRAME, GC_BOXED
} gc_kind;

typedef struct gcobj
{
  struct gcobj *next;
  uint8_t kind;                 /* gc_kind.  */
  uint8_t marked;
  uint8_t permanent;            /* Never collected (literals).  */
  uint8_t map_read;             /* Read while decoding a mapped value:
                                   changing it makes mapped values out of
                                   date (vm_obj_written).  */
  uint32_t size;                /* Bytes allocated (for the pacing).  */
} gcobj;

typedef struct val
{
  type *t;
  union
  {
    uint64_t u;                 /* Integers, offset magnitudes.  */
    int64_t i;
    gcobj *o;                   /* Composite values.  */
  } v;
} val;

typedef struct pk_string
{
  gcobj h;
  size_t len;                   /* Bytes, excluding the NUL.  */
  char data[];                  /* NUL-terminated.  */
} pk_string;

struct pk_frame;

/* Where a mapped value lives, and what it takes to decode it again: a
   mapped struct or array re-reads its IO space when it is used after
   the space (or anything its decoding read) has changed.  */
typedef struct pk_map
{
  bool mapped;
  bool lax;                     /* Mapped with @! (and unmap's copies of
                                   such values): constraints unchecked.  */
  int8_t endian;                /* A type_endian (type.h).  */
  bool trim;                    /* A trim of a mapped array: decoded
                                   again with its own element count.  */
  int ios;
  uint64_t offset;              /* Bits, not counting the space's bias.  */
  uint64_t bits;                /* Size when mapped (arrays by size).  */
  uint64_t gen;                 /* vm_map_gen when decoded; 0: stale.  */
  struct pk_frame *env;         /* Where its type's bounds evaluate.  */
} pk_map;

typedef struct pk_array
{
  gcobj h;
  size_t len, cap;
  val *elems;
  pk_map map;
} pk_array;

/* An activation record: the slots of a function's (or top-level
   command's) variables, and the enclosing frame for closures.  */
typedef struct pk_frame
{
  gcobj h;
  struct pk_frame *parent;
  int nslots;
  val *slots;                   /* Allocated with the frame.  */
} pk_frame;

/* A struct value is also the frame in which its type's field types,
   constraints and methods run: its fields are the first slots, followed
   by the struct type's local variables and functions.  */
typedef struct pk_struct
{
  pk_frame fr;
  int nfields;
  val *fields;                  /* == fr.slots.  */
  pk_map map;
  uint64_t *offs;               /* Mapped: each field's bit offset.  */
  bool offs_inline;             /* OFFS is part of this block.  */
} pk_struct;

struct ast;

typedef struct pk_closure
{
  gcobj h;
  struct ast *fn;               /* The function's AST (lambda or fun).  */
  pk_frame *env;                /* The frame it was created in.  */
  int builtin;                  /* > 0 for builtin functions.  */
} pk_closure;

/* Constructors.  */
static inline val
val_int (type *t, uint64_t bits)
{
  val v;
  v.t = t;
  v.v.u = bits;
  return v;
}

val val_void (void);
val val_string (const char *s, size_t len);
val val_cstring (const char *s);

static inline pk_string *
val_str (val v)
{
  return (pk_string *) v.v.o;
}

static inline pk_array *
val_arr (val v)
{
  return (pk_array *) v.v.o;
}

static inline pk_struct *
val_sct (val v)
{
  return (pk_struct *) v.v.o;
}

static inline pk_closure *
val_clo (val v)
{
  return (pk_closure *) v.v.o;
}

/* The collector.  */
void gc_init (void);
void gc_fini (void);            /* Frees every object.  */
void *gc_alloc (gc_kind kind, size_t size);
void gc_collect (void);
/* Mark a value or object reachable during a collection (used by the
   root enumerators).  */
void gc_mark_val (val v);
void gc_mark_obj (gcobj *o);
/* Make an object permanent: it and what it references are never freed
   before gc_fini.  */
void gc_make_permanent (gcobj *o);
/* The function that marks the interpreter's roots; set by the VM.  */
extern void (*gc_mark_roots) (void);

/* Heap objects.  */
pk_frame *frame_new (pk_frame *parent, int nslots);
pk_closure *closure_new (struct ast *fn, pk_frame *env);
pk_array *array_new (size_t cap);
void array_push (pk_array *a, val v);
/* Give DST the elements of SRC, which is left empty.  */
void array_take (pk_array *dst, pk_array *src);
pk_struct *struct_new (int nfields);
/* A struct with NSLOTS slots of which the first NFIELDS are fields, whose
   methods see PARENT.  */
pk_struct *struct_new_frame (pk_frame *parent, int nfields, int nslots);
/* The same, with room for the field offsets of a mapped struct when
   OFFS.  */
pk_struct *struct_new_mapped (pk_frame *parent, int nfields, int nslots,
                              bool offs);

/* The size of X in bits, as 'size gives it (see value.c).  */
uint64_t val_size_bits (val x);
/* The bits X spans: the end of its part that ends last, its parts
   counted so too; what 'esize gives.  */
uint64_t val_span_bits (val x);

/* Structural equality of two values, as == compares them; values of
   type any may be of different types (integers and offsets are then
   promoted, as the operators promote them).  */
bool val_equal (val a, val b);

#endif
