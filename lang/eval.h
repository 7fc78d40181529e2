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
  print_opts popts;
  FILE *out;                    /* Where print and printf write.  */
  int depth;                    /* Call depth, to stop runaway recursion.  */
  bool big_endian;              /* .set endian: the default byte order.  */
  int endian;                   /* As set_endian set it (1 is big).  */
  volatile sig_atomic_t interrupted;
  bool nocompile;               /* BPOKE_NOCOMPILE: tree walker only.  */
  arena code;                   /* Compiled statements (compile.c).  */
} vm;

/* Exception codes, as GNU poke numbers them (see stdlib/prelude.bpk).  */
enum
{
  EC_GENERIC = 0, EC_DIV_BY_ZERO = 1, EC_NO_IOS = 2, EC_NO_RETURN = 3,
  EC_OUT_OF_BOUNDS = 4, EC_MAP_BOUNDS = 5, EC_EOF = 6, EC_MAP = 7,
  EC_CONV = 8, EC_ELEM = 9, EC_CONSTRAINT = 10, EC_IO = 11,
  EC_SIGNAL = 12, EC_IOFLAGS = 13, EC_INVAL = 14, EC_EXIT = 15,
  EC_ASSERT = 16, EC_OVERFLOW = 17, EC_PERM = 18
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
/* Raise E_exit with STATUS as its exit_status (the exit builtin).  */
_Noreturn void vm_raise_exit (vm *v, int status);

/* The tree walker, for the compiled code's slow paths (compile.c):
   evaluate expression N, execute statement N, assign X to l-value LV,
   all in frame F.  */
val vm_eval (vm *v, pk_frame *f, ast *n);
vm_status vm_exec (vm *v, pk_frame *f, ast *n);
void vm_assign (vm *v, pk_frame *f, ast *lv, val x);

/* Call closure FN with ARGS from C (builtins use it for callbacks).  */
val vm_call (vm *v, val fn, int nargs, val *args);

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
