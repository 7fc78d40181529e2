/* test_value.c -- unit tests for value.c's heap pool: blocks come zeroed,
   also from the chunk that gc_fini keeps for the next interpreter.  */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "type.h"
#include "value.h"

enum { NBLOCKS = 3000, SIZE = 96 };

/* Allocate NBLOCKS blocks, check that each is zero past its header,
   then dirty it.  */
static void
fill (void)
{
  for (int i = 0; i < NBLOCKS; i++)
    {
      unsigned char *p = gc_alloc (GC_STRING, SIZE);
      for (size_t j = sizeof (gcobj); j < SIZE; j++)
        assert_int_equal (p[j], 0);
      memset (p + sizeof (gcobj), 0xa5, SIZE - sizeof (gcobj));
    }
}

static void
test_pool_reuse (void **state)
{
  (void) state;
  type_init ();
  for (int round = 0; round < 3; round++)
    {
      gc_init ();
      fill ();
      gc_fini ();
    }
  type_fini ();
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_pool_reuse),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
