/* exc.c -- raising Poke exceptions from C.

   An exception is a value of the prelude's type Exception, copied from
   the standard one of its code (E_eof, E_conv...) and given a message
   and a location.  It travels by longjmp to the innermost handler (see
   vm_handler in eval.h).  The codes and names are GNU poke's.  */

#include "eval.h"

#include <string.h>

#include "arith.h"
#include "ios.h"

_Noreturn void
vm_raise (vm *v, val exc)
{
  v->exc = exc;
  longjmp (v->handler->jb, 1);
}

static const char *
exc_field_str (val exc, int i)
{
  if (exc.t->kind != TY_STRUCT || val_sct (exc)->nfields <= i)
    return "";
  val f = val_sct (exc)->fields[i];
  return f.t->kind == TY_STRING ? val_str (f)->data : "";
}

int64_t
vm_exc_code (val exc)
{
  if (exc.t->kind != TY_STRUCT || val_sct (exc)->nfields < 1)
    return 0;
  return val_sct (exc)->fields[0].v.i;
}

const char *
vm_exc_name (val exc)
{
  return exc_field_str (exc, 1);
}

int
vm_exc_exit_status (val exc)
{
  if (exc.t->kind != TY_STRUCT || val_sct (exc)->nfields < 3)
    return 1;
  return (int) val_sct (exc)->fields[2].v.i;
}

const char *
vm_exc_location (val exc)
{
  return exc_field_str (exc, 3);
}

const char *
vm_exc_msg (val exc)
{
  return exc_field_str (exc, 4);
}

/* The prelude's declarations of the standard exceptions, compiled
   before the rest of the prelude (interp.c).  */
const char vm_exceptions_src[] =
  "type Exception = struct { int<32> code; string name;"
  " int<32> exit_status; string location; string msg; };\n"
#define EXC(e, code, name, desc, status) "var EC_" #name " = " #code ";\n"
#include "exceptions.def"
#define EXC(e, code, name, desc, status) \
  "var E_" #name " = Exception {code = EC_" #name ", name = " #desc \
  ", exit_status = " #status "};\n"
#include "exceptions.def"
  ;

static const char *const exc_names[] = {
#define EXC(e, code, name, desc, status) [code] = "E_" #name,
#include "exceptions.def"
};

val
vm_make_exc (vm *v, int code, const char *msg, const char *location)
{
  type *t = NULL;
  int slot = -1;
  if (code >= 0 && (size_t) code < countof (exc_names))
    slot = compiler_global (v->comp, exc_names[code], &t);
  if (slot < 0 || slot >= v->globals->nslots
      || v->globals->slots[slot].t->kind != TY_STRUCT)
    {
      /* No prelude: a bare integer still carries the code.  */
      return val_int (type_int (32, true), (uint64_t) code);
    }
  val proto = v->globals->slots[slot];
  pk_struct *src = val_sct (proto);
  pk_struct *s = struct_new (src->nfields);
  val e;
  e.t = proto.t;
  e.v.o = &s->fr.h;
  memcpy (s->fields, src->fields, sizeof (val) * src->nfields);
  vm_push_root (v, e);
  if (msg && s->nfields > 4)
    s->fields[4] = val_cstring (msg);
  if (location && s->nfields > 3)
    s->fields[3] = val_cstring (location);
  vm_pop_roots (v, 1);
  return e;
}

_Noreturn void
vm_raise_code (vm *v, int code, const char *msg)
{
  vm_raise (v, vm_make_exc (v, code, msg, NULL));
}

void
vm_raise_arith (vm *v, arith_err e)
{
  switch (e)
    {
    case ARITH_EDIVZERO:
      vm_raise_code (v, EC_DIV_BY_ZERO, NULL);
    case ARITH_EOOB:
      vm_raise_code (v, EC_OUT_OF_BOUNDS, NULL);
    case ARITH_EOVERFLOW:
      vm_raise_code (v, EC_OVERFLOW, NULL);
    default:
      break;
    }
}

_Noreturn void
vm_raise_ios (vm *v, int e)
{
  switch (e)
    {
    case IOS_EEOF:
      {
        /* Unlike E_eof itself, an end of file met by a map exits with
           status 1, and names the field being mapped.  */
        char msg[512] = "";
        if (v->map_ftype && v->map_ftype->kind == TY_STRUCT)
          snprintf (msg, sizeof msg, "while mapping field %s.%s",
                    v->map_ftype->name ? v->map_ftype->name : "struct",
                    v->map_fname ? v->map_fname : "");
        val x = vm_make_exc (v, EC_EOF, msg[0] ? msg : NULL, NULL);
        if (x.t->kind == TY_STRUCT && val_sct (x)->nfields > 2)
          val_sct (x)->fields[2] = val_int (val_sct (x)->fields[2].t, 1);
        vm_raise (v, x);
      }
    case IOS_EPERM:
      vm_raise_code (v, EC_PERM, NULL);
    case IOS_EFLAGS:
      vm_raise_code (v, EC_IOFLAGS, NULL);
    case IOS_EINVAL:
      vm_raise_code (v, EC_INVAL, NULL);
    case IOS_ENOIOS:
      vm_raise_code (v, EC_NO_IOS, NULL);
    default:
      vm_raise_code (v, EC_IO, NULL);
    }
}
