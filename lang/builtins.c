/* builtins.c -- functions implemented in C: the few that the standard
   library cannot write in Poke itself.  Each has a Poke signature given
   as source text, compiled at start-up with the prelude.  */

#include <stdlib.h>
#include <string.h>

#include "eval.h"

static val
bi_elf_hash (vm *v, int nargs, val *args)
{
  (void) v;
  (void) nargs;
  const unsigned char *s = (const unsigned char *) val_str (args[0])->data;
  uint32_t h = 0;
  while (*s)
    {
      h = (h << 4) + *s++;
      uint32_t g = h & 0xf0000000u;
      if (g)
        h ^= g >> 24;
      h &= ~g;
    }
  return val_int (type_int (32, false), h);
}

static val
bi_gnu_hash (vm *v, int nargs, val *args)
{
  (void) v;
  (void) nargs;
  const unsigned char *s = (const unsigned char *) val_str (args[0])->data;
  uint32_t h = 5381;
  while (*s)
    h = h * 33 + *s++;
  return val_int (type_int (32, false), h);
}

static val
bi_getenv (vm *v, int nargs, val *args)
{
  (void) nargs;
  const char *e = getenv (val_str (args[0])->data);
  if (!e)
    vm_raise_code (v, EC_INVAL, NULL);
  return val_cstring (e);
}

typedef struct builtin_def
{
  const char *name;
  const char *sig;      /* (ARGS) RET, as in a fun declaration.  */
  builtin_fn fn;
} builtin_def;

static const builtin_def builtins[] = {
  {"elf_hash", "(string name) uint<32>", bi_elf_hash},
  {"gnu_hash", "(string name) uint<32>", bi_gnu_hash},
  {"getenv", "(string name) string", bi_getenv},
};

builtin_fn
builtin_get (int id)
{
  return builtins[id - 1].fn;
}

int
builtins_count (void)
{
  return (int) countof (builtins);
}

const char *
builtin_name (int id)
{
  return builtins[id - 1].name;
}

const char *
builtin_sig (int id)
{
  return builtins[id - 1].sig;
}
