/* test_ffi.c -- unit tests for pkffi.c, the native-call bridge: which
   Poke types cross to C (as argument, as return type), and the cache of
   libraries opened with dlopen.  Calls themselves are tested end to end
   (tests/e2e/ffi.sh).  */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pkffi.h"

static int
setup (void **state)
{
  (void) state;
  type_init ();
  return 0;
}

static int
teardown (void **state)
{
  (void) state;
  pkffi_fini ();
  type_fini ();
  return 0;
}

static void
test_classify_ints (void **state)
{
  (void) state;
  static const int ok[] = { 8, 16, 32, 64 };
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
    for (int s = 0; s < 2; s++)
      {
        assert_int_equal (pkffi_classify (type_int (ok[i], s), false),
                          PKFFI_INT);
        assert_int_equal (pkffi_classify (type_int (ok[i], s), true),
                          PKFFI_INT);
      }
  static const int bad[] = { 1, 7, 9, 12, 24, 31, 33, 48, 63 };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      assert_int_equal (pkffi_classify (type_int (bad[i], true), false),
                        PKFFI_BAD);
      assert_int_equal (pkffi_classify (type_int (bad[i], false), true),
                        PKFFI_BAD);
    }
  assert_int_equal (pkffi_classify (type_plain_int (true), false), PKFFI_INT);
}

static void
test_classify_offsets (void **state)
{
  (void) state;
  assert_int_equal (pkffi_classify (type_offset (type_int (64, false), 8),
                                    false), PKFFI_INT);
  assert_int_equal (pkffi_classify (type_offset (type_int (32, true), 1),
                                    true), PKFFI_INT);
  assert_int_equal (pkffi_classify (type_offset (type_int (12, false), 8),
                                    false), PKFFI_BAD);
}

static void
test_classify_other (void **state)
{
  (void) state;
  assert_int_equal (pkffi_classify (type_string, false), PKFFI_STRING);
  assert_int_equal (pkffi_classify (type_string, true), PKFFI_STRING);
  /* void only returns; any never crosses.  */
  assert_int_equal (pkffi_classify (type_void, true), PKFFI_VOID);
  assert_int_equal (pkffi_classify (type_void, false), PKFFI_BAD);
  assert_int_equal (pkffi_classify (type_any, false), PKFFI_BAD);
  assert_int_equal (pkffi_classify (type_any, true), PKFFI_BAD);
  /* Byte arrays are buffers, as arguments only; other arrays are not.  */
  type *ub = type_array (type_int (8, false), NULL, false);
  type *sb = type_array (type_int (8, true), NULL, false);
  type *u16 = type_array (type_int (16, false), NULL, false);
  type *str = type_array (type_string, NULL, false);
  assert_int_equal (pkffi_classify (ub, false), PKFFI_BYTES);
  assert_int_equal (pkffi_classify (sb, false), PKFFI_BYTES);
  assert_int_equal (pkffi_classify (ub, true), PKFFI_BAD);
  assert_int_equal (pkffi_classify (u16, false), PKFFI_BAD);
  assert_int_equal (pkffi_classify (str, false), PKFFI_BAD);
  type *fn = type_function (type_void, 0, NULL, 0, false);
  assert_int_equal (pkffi_classify (fn, false), PKFFI_BAD);
}

static void
test_library_cache (void **state)
{
  (void) state;
  const char *err = NULL;
  pkffi_fini ();
  assert_int_equal (pkffi_nopen (), 0);
  void *h1 = pkffi_open ("libc.so.6", &err);
  assert_non_null (h1);
  assert_int_equal (pkffi_nopen (), 1);
  /* The same name is opened once.  */
  assert_ptr_equal (pkffi_open ("libc.so.6", &err), h1);
  assert_int_equal (pkffi_nopen (), 1);
  /* "" is the program itself.  */
  assert_non_null (pkffi_open ("", &err));
  assert_int_equal (pkffi_nopen (), 2);
  pkffi_fini ();
  assert_int_equal (pkffi_nopen (), 0);
}

static void
test_library_missing (void **state)
{
  (void) state;
  const char *err = NULL;
  assert_null (pkffi_open ("libbpoke-no-such-library.so.0", &err));
  assert_non_null (err);
  /* dlerror's message names the library; a failure is not cached.  */
  assert_non_null (strstr (err, "libbpoke-no-such-library.so.0"));
  assert_int_equal (pkffi_nopen (), 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_classify_ints),
    cmocka_unit_test (test_classify_offsets),
    cmocka_unit_test (test_classify_other),
    cmocka_unit_test (test_library_cache),
    cmocka_unit_test (test_library_missing),
  };
  return cmocka_run_group_tests (tests, setup, teardown);
}
