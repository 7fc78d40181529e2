/* type.h -- the representation of Poke types.

   Types live as long as the interpreter (they are allocated in its type
   arena) and are interned where that is cheap: the integral types, the
   offset types, string, void and any each exist once, so pointer equality
   is type equality for them.  Array, struct and function types are built
   by the checker from declarations.  */

#ifndef BPOKE_TYPE_H
#define BPOKE_TYPE_H

#include <stdbool.h>
#include <stdint.h>

struct ast;

typedef enum type_kind
{
  TY_INT,               /* int<N> and uint<N>, 1 <= N <= 64.  */
  TY_OFFSET,            /* offset<BASE,UNIT>.  */
  TY_STRING,
  TY_VOID,
  TY_ANY,
  TY_ARRAY,
  TY_STRUCT,
  TY_FUNCTION
} type_kind;

typedef struct type type;

/* A struct field; also a method (name and function type).  */
typedef struct type_field
{
  const char *name;             /* NULL for an anonymous field.  */
  type *type;
  bool optional;                /* Has a condition (`if E`).  */
  bool labeled;                 /* Has a label (`@ E`).  */
  bool label_const;             /* ... which is the constant below.  */
  bool computed;                /* `computed T name': never in a value
                                   (its slot stays absent); reading it
                                   calls the method get_NAME, assigning
                                   it set_NAME.  */
  int getter, setter;           /* Computed: the struct frame's slots of
                                   those methods, or -1.  */
  int printer;                  /* Slot of its pretty-printer, the method
                                   _print_NAME, or -1.  */
  uint64_t label;               /* Bits from the start of the struct.  */
  struct ast *trace;            /* Compiled with .set tracer yes: the
                                   typeof of the field that the tracer
                                   reports (an A_TYPEOF), else NULL.  */
} type_field;

struct type
{
  type_kind kind;
  const char *name;             /* The name it was declared with, or NULL.  */
  union
  {
    struct
    {
      int size;                 /* Bits, 1..64.  */
      bool sign;
    } i;
    struct
    {
      type *base;               /* An integral type.  */
      uint64_t unit;            /* Bits per unit, >= 1.  */
    } o;
    struct
    {
      type *elem;
      struct ast *bound;        /* Count or size expression, or NULL.  */
      bool bound_is_size;       /* T[SIZE#UNIT] rather than T[N].  */
      bool bound_const;         /* The bound is the constant below.  */
      uint64_t nelem;           /* Count (or size in bits) when const.  */
      type *elem_indexed;       /* A struct element type renamed by an
                                   alias (see u.s.last_alias), which an
                                   element of a mapped array read by
                                   index has; or NULL.  */
    } a;
    struct
    {
      int nfields;
      type_field *fields;
      bool is_union, pinned;
      type *itype;              /* For integral structs, else NULL.  */
      struct ast *decl;         /* The struct type's AST.  */
      int nslots;               /* Fields, then local declarations.  */
      int ndecls;               /* Declarations (var, fun, method...).  */
      bool has_labels;
      bool traced;              /* A field reports to the tracer (see
                                   type_field.trace).  */
      int nmethods;
      type_field *methods;      /* Name and function type.  */
      int *method_slots;
      int offset_slot;          /* Slot of OFFSET in its frame.  */
      int printer;              /* Slot of the method _print, or -1.  */
      int env_slot;             /* Global slot of its environment, or -1
                                   for an anonymous type (the current
                                   frame is its environment).  */
      const char **last_alias;  /* Shared by the copies of the type: the
                                   name of its last alias (type B = A),
                                   or NULL.  GNU poke 4.3 names so the
                                   elements of mapped arrays of it, read
                                   by index, in array types written
                                   after the alias.  */
    } s;
    struct
    {
      type *ret;
      int nargs;
      type **args;
      int nopt;                 /* The last NOPT args are optional.  */
      bool variadic;            /* The last arg collects the rest.  */
      const char *fname;        /* The function declared with it (fun),
                                   for typeof; NULL for a lambda.  */
      const char **argnames;    /* The parameters' names, which named
                                   arguments (f :a 1) and messages use;
                                   NULL for a type written (int)int:.  */
    } f;
  } u;
};

/* Start-up and shut-down of the type universe.  */
void type_init (void);
void type_fini (void);

/* Interned types.  */
type *type_int (int size, bool sign);
/* int<32> and uint<32> named `int' and `uint', as the keywords alone
   denote them (messages print the name).  */
type *type_plain_int (bool sign);
type *type_offset (type *base, uint64_t unit);
extern type *type_string, *type_void, *type_any;

/* New composite types.  */
type *type_new (type_kind kind);
type *type_array (type *elem, struct ast *bound, bool bound_is_size);
type *type_function (type *ret, int nargs, type **args, int nopt,
                     bool variadic);
/* Name the parameter I of the function type T NAME.  */
void type_function_argname (type *t, int i, const char *name);

/* A type with the same structure as T but NAME as its name (for type
   aliases of composite types).  */
type *type_named (type *t, const char *name);

bool type_equal (const type *a, const type *b);
/* The byte order of a struct field (TN_FIELD's op) and of a mapped
   value: the current one when it is mapped (`.set endian', set_endian),
   or fixed by `big' or `little'.  These are not the values of Poke's
   ENDIAN_LITTLE (0) and ENDIAN_BIG (1).  */
typedef enum type_endian
{
  TYPE_ENDIAN_DEFAULT = 0,
  TYPE_ENDIAN_BIG = 1,
  TYPE_ENDIAN_LITTLE = 2
} type_endian;

/* Can a value of type FROM be assigned to (or passed as) TO?  */
bool type_assignable (const type *to, const type *from);
/* Can values of T be mapped, or be a struct's fields: not void nor
   any, nor arrays of them?  */
bool type_mappable (const type *t);
/* Is the size of values of T known without a value (sizeof works)?  */
bool type_complete (const type *t);
/* The size in bits of a complete type, as sizeof gives it; and the
   bits its values span (see val_span_bits).  */
uint64_t type_size (const type *t);
uint64_t type_span (const type *t);
/* The size of a struct of type T so far, SIZE bits, once a field
   (LABELED if it has a label) was laid out at OFF, FSIZE bits long (see
   type.c).  */
uint64_t type_struct_size_add (const type *t, bool labeled, uint64_t size,
                               uint64_t off, uint64_t fsize);

/* Append to SB the type as GNU poke writes it (int<32>, uint<8>,
   offset<uint<64>,B>, string, int[3], ...).  */
struct strbuf;
void type_print (struct strbuf *sb, const type *t);
/* The same, but a function type as its arguments and return type even
   when it is named after a declared function.  */
void type_print_signature (struct strbuf *sb, const type *t);

/* The name of a predefined unit of UNIT bits (B, b, KiB, ...) or NULL.
   Units declared with `unit' are the checker's symbols.  */
const char *type_unit_name (uint64_t unit);
/* The bits of the predefined unit NAME; false if there is none.  */
bool type_unit_lookup (const char *name, uint64_t *unit);

#endif
