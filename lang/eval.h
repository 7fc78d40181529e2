/* eval.h -- the interpreter over the checked AST.

   Exceptions are Poke values raised with longjmp to the innermost
   handler (a try statement, a function boundary of the C API, or the
   top-level command).  break, continue and return travel as statement
   status codes instead, since they never cross a C frame.  */

#ifndef BPOKE_EVAL_H
#define BPOKE_EVAL_H

#include <setjmp.h>
#include <signal.h>
#include <stdio.h>

#include "arith.h"
#include "ast.h"
#include "check.h"
#include "print.h"

/* How a statement ends: control falls through, breaks, continues or
   returns.  */
typedef enum vm_status
{
  ST_NORMAL, ST_BREAK, ST_CONTINUE, ST_RETURN
} vm_status;

typedef struct vm_handler
{
  struct vm_handler *prev;
  jmp_buf jb;
  int nroots;                   /* Root stack height to restore.  */
  int depth;                    /* Call depth to restore.  */
  int mapping;                  /* Map nesting to restore.  */
  const type *map_ftype;
  int map_elems;
  struct style *style;          /* The output's style to restore.  */
} vm_handler;

typedef struct vm
{
  compiler *comp;
  pk_frame *globals;
  val *roots;
  int nroots, rootcap;
  vm_handler *handler;
  val exc;                      /* The exception being raised.  */
  val retval;                   /* The value of a `return`.  */
  print_opts popts;             /* popts.style: STYLE when the output
                                   is styled, else NULL.  */
  FILE *out;                    /* Where print and printf write.  */
  struct style *style;          /* The classes' looks, and those open
                                   (term_begin_class).  */
  int depth;                    /* Call depth, to stop runaway recursion.  */
  const char *stack_guard;      /* Calls raise when the C stack is below
                                   this (bpoke_set_stack_limit), or
                                   NULL.  */
  bool big_endian;              /* .set endian: the default byte order.  */
  int endian;                   /* As set_endian set it: the prelude's
                                   ENDIAN_LITTLE (0) or ENDIAN_BIG (1).  */
  bool ffi_off;                 /* .set ffi no: native calls raise.  */
  int autoremap;                /* 0 (.set autoremap no): a mapped value
                                   is not decoded again when its IO
                                   space changes (see vm_fresh); else
                                   what vm_set_autoremap gave (1).  */
  bool ffi_locked;              /* --no-ffi: and .set ffi yes is refused.  */
  volatile sig_atomic_t interrupted;
  /* Mapped values decode again when vm_map_gen has moved since they
     were decoded: it moves with every change to an IO space and with
     every assignment to a global variable that a decoding has read
     (gread marks those), and with the endianness.  */
  int mapping;                  /* > 0 while decoding a mapped value.  */
  /* The outermost struct field being mapped, which E_eof names.  */
  const type *map_ftype;
  const char *map_fname;
  int map_elems;                /* > 0 while mapping array elements.  */
  uint64_t var_gen;
  type *offset_bits;            /* offset<uint<64>,b>, OFFSET's type.  */
  uint8_t *gread;               /* Per global slot.  */
  int ngread;
  bool nocompile;               /* BPOKE_NOCOMPILE: tree walker only.  */
  bool nojit;                   /* BPOKE_NOJIT: closures, no machine code.  */
  arena code;                   /* Compiled statements (compile.c).  */
  struct jit_state *jit;        /* Machine code (jit.c).  */
} vm;

/* Install handler H, to catch what the code after setjmp (H->jb)
   raises; vm_handler_caught restores the VM's state after a catch.  */
static inline void
vm_handler_enter (vm *v, vm_handler *h)
{
  h->prev = v->handler;
  h->nroots = v->nroots;
  h->depth = v->depth;
  h->mapping = v->mapping;
  h->map_ftype = v->map_ftype;
  h->map_elems = v->map_elems;
  h->style = v->popts.style;
  v->handler = h;
}

static inline void
vm_handler_caught (vm *v, vm_handler *h)
{
  v->handler = h->prev;
  v->nroots = h->nroots;
  v->depth = h->depth;
  v->mapping = h->mapping;
  v->map_ftype = h->map_ftype;
  v->map_elems = h->map_elems;
  v->popts.style = h->style;
}

/* The frame DEPTH levels up from F; the globals for a negative DEPTH.  */
static inline pk_frame *
vm_frame_at (vm *v, pk_frame *f, int depth)
{
  if (depth < 0)
    return v->globals;
  while (depth-- > 0)
    f = f->parent;
  return f;
}

/* Global SLOT was assigned: mapped values whose decoding read it are
   out of date.  */
static inline void
vm_global_written (vm *v, int slot)
{
  if (slot < v->ngread && v->gread[slot])
    v->var_gen++;
}

/* A composite value X was read while decoding a mapped value: changing
   it in place must make mapped values out of date, as assigning to a
   global they read does.  Mapped values need no note: writing to them
   writes to their IO space, which does it.  */
static inline void
vm_note_map_read (vm *v, val x)
{
  if (v->mapping && x.t && (x.t->kind == TY_ARRAY || x.t->kind == TY_STRUCT))
    x.v.o->map_read = 1;
}

/* Whether LV, a local variable as an l-value, is read by the code of a
   struct type (its bounds, constraints...): assigning to it makes mapped
   values out of date.  */
static inline bool
vm_read_by_type (const ast *lv)
{
  return lv->aux && *(const bool *) lv->aux;
}

/* Object O is being changed in place.  */
static inline void
vm_obj_written (vm *v, const gcobj *o)
{
  if (o->map_read)
    v->var_gen++;
}

/* Exception codes, as GNU poke numbers them.  */
enum
{
#define EXC(e, code, name, desc, status) EC_##e = code,
#include "exceptions.def"
};

vm *vm_new (compiler *comp);
void vm_free (vm *v);

/* Run a checked program (one top-level command or script).  Returns true
   on success.  On an unhandled exception returns false with the
   exception in *EXC.  If PRINT_RESULT is set and the program is a single
   expression statement, its value is stored in *RESULT (void otherwise).  */
bool vm_run (vm *v, ast *prog, val *result, val *exc);

/* Raise an exception with the given code (and message, or NULL).  */
_Noreturn void vm_raise_code (vm *v, int code, const char *msg);
_Noreturn void vm_raise (vm *v, val exc);
/* Raise the exception for an IO space error (an ios_err).  */
_Noreturn void vm_raise_ios (vm *v, int err);
/* Raise the exception for the arithmetic error E (nothing for
   ARITH_OK).  */
void vm_raise_arith (vm *v, arith_err e);
/* A copy of the standard exception CODE, with MSG and LOCATION (either
   may be NULL) set.  */
val vm_make_exc (vm *v, int code, const char *msg, const char *location);
/* The prelude's declarations of the Exception type and the standard
   exceptions (exceptions.def).  */
extern const char vm_exceptions_src[];

/* A[I] = X, as the assignment does it: bounds checked, and written
   through to the IO space when A is mapped.  */
void vm_array_set (vm *v, val a, uint64_t i, val x);
/* The element of the array or string C that the A_INDEX N designates,
   its index having evaluated to I (see ast.def); may be out of
   bounds.  */
uint64_t vm_index (vm *v, val c, const ast *n, val i);
/* The tree walker, for the compiled code's slow paths (compile.c):
   evaluate expression N, execute statement N, assign X to l-value LV,
   all in frame F.  */
val vm_eval (vm *v, pk_frame *f, ast *n);
/* Field I of struct S, which has no value there: raise E_elem, or call
   the getter of a computed field.  */
val vm_absent_field (vm *v, val s, int i);
/* The tracer's events (the prelude's PK_TV_*), and the report of one
   about field TF of the struct whose frame is SF: its value FV (no type
   when absent) and its offset OFF in bits.  */
enum { VM_TRACE_MAPPED, VM_TRACE_ABSENT, VM_TRACE_CONSTRUCTED };
void vm_trace_field (vm *v, pk_frame *sf, const type_field *tf, int event,
                     val fv, uint64_t off);
/* S.F = X, where F, the A_MEMBER LV, is a computed field: its setter is
   called.  */
void vm_assign_computed (vm *v, pk_frame *f, ast *lv, val x);
vm_status vm_exec (vm *v, pk_frame *f, ast *n);
/* The assignment statement N (S_ASSIGN) of X.  */
void vm_assign (vm *v, pk_frame *f, ast *n, val x);

/* Print X into SB as a value at the prompt shows, with X rooted (its
   pretty-printers may collect).  False if an exception was raised (a
   pretty-printer's, or running out of memory): it is in V->exc.  */
bool vm_print_value (vm *v, strbuf *sb, val x);

/* The generation a mapped value decoded now is current at (see
   map.h).  */
uint64_t vm_map_gen (const vm *v);

static inline void
vm_push_root (vm *v, val x)
{
  if (v->nroots == v->rootcap)
    {
      v->rootcap = v->rootcap ? v->rootcap * 2 : 256;
      v->roots = xrealloc (v->roots, sizeof (val) * v->rootcap);
    }
  v->roots[v->nroots++] = x;
}

static inline void
vm_pop_roots (vm *v, int n)
{
  v->nroots -= n;
}

/* Builtins (builtins.c).  */
typedef val (*builtin_fn) (vm *v, int nargs, val *args);
void builtins_register (vm *v, compiler *c);
builtin_fn builtin_get (int id);

/* Fields of an Exception value.  */
int64_t vm_exc_code (val exc);
const char *vm_exc_name (val exc);
const char *vm_exc_location (val exc);
const char *vm_exc_msg (val exc);
int vm_exc_exit_status (val exc);

#endif
