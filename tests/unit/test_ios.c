/* test_ios.c -- unit tests for the IO spaces (lang/ios.c): devices,
   integers at any bit offset in both byte orders (the layouts recorded
   from GNU poke 2.4 in ios_oracle.h), end of space, memory growth,
   transactions, journal recovery after a crash, and an 8 GiB sparse
   file.  */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "ios.h"
#include "ios_oracle.h"

static const unsigned char pattern[12] = {
  0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x0f, 0xed, 0xcb, 0xa9
};

static char tmpdir[64];

static int
setup (void **state)
{
  (void) state;
  strcpy (tmpdir, "/tmp/test_ios.XXXXXX");
  assert_non_null (mkdtemp (tmpdir));
  ios_init ();
  return 0;
}

static int
teardown (void **state)
{
  (void) state;
  ios_fini ();
  char cmd[128];
  snprintf (cmd, sizeof cmd, "rm -rf %s", tmpdir);
  assert_int_equal (system (cmd), 0);
  return 0;
}

static char *
tmpfile_path (const char *name)
{
  static char buf[8][128];
  static int k;
  char *p = buf[k++ % 8];
  snprintf (p, 128, "%s/%s", tmpdir, name);
  return p;
}

static void
write_file (const char *path, const void *data, size_t n)
{
  FILE *f = fopen (path, "wb");
  assert_non_null (f);
  assert_int_equal (fwrite (data, 1, n, f), n);
  fclose (f);
}

/* The bytes of PATH (at most CAP), their count in *N.  */
static void
read_file (const char *path, unsigned char *buf, size_t cap, size_t *n)
{
  FILE *f = fopen (path, "rb");
  assert_non_null (f);
  *n = fread (buf, 1, cap, f);
  fclose (f);
}

static ios *
open_ok (const char *handler, uint64_t flags)
{
  ios_err e;
  int id = ios_open (handler, flags, &e);
  assert_int_equal (e, IOS_OK);
  assert_true (id >= 0);
  return ios_get (id);
}

static ios *
mem_with_pattern (void)
{
  ios *io = open_ok ("*m*", 0);
  assert_int_equal (ios_write_bytes (io, 0, pattern, 12), IOS_OK);
  return io;
}

/* Bit-level integers.  */

static void
test_oracle_reads (void **state)
{
  (void) state;
  ios *io = mem_with_pattern ();
  for (size_t i = 0; i < sizeof oracle_reads / sizeof oracle_reads[0]; i++)
    {
      const oracle_read *r = &oracle_reads[i];
      uint64_t v = 0;
      assert_int_equal (ios_read_int (io, (uint64_t) r->off, r->nbits,
                                      r->big, &v), IOS_OK);
      if (v != r->val)
        fail_msg ("%s uint<%d> @ %d#b: got %llx, want %llx",
                  r->big ? "big" : "little", r->nbits, r->off,
                  (unsigned long long) v, (unsigned long long) r->val);
    }
}

static void
test_oracle_writes (void **state)
{
  (void) state;
  ios *io = open_ok ("*m*", 0);
  for (size_t i = 0; i < sizeof oracle_writes / sizeof oracle_writes[0];
       i++)
    {
      const oracle_write *w = &oracle_writes[i];
      uint64_t v = UINT64_C (0xc3a5f00f96695aa5);
      if (w->nbits < 64)
        v &= (UINT64_C (1) << w->nbits) - 1;
      assert_int_equal (ios_write_bytes (io, 0, pattern, 12), IOS_OK);
      assert_int_equal (ios_write_int (io, (uint64_t) w->off, w->nbits,
                                       w->big, v), IOS_OK);
      unsigned char got[12];
      assert_int_equal (ios_read_bytes (io, 0, got, 12), IOS_OK);
      if (memcmp (got, w->bytes, 12) != 0)
        fail_msg ("%s uint<%d> @ %d#b: bytes differ",
                  w->big ? "big" : "little", w->nbits, w->off);
      uint64_t back;
      assert_int_equal (ios_read_int (io, (uint64_t) w->off, w->nbits,
                                      w->big, &back), IOS_OK);
      assert_int_equal (back, v);
    }
}

/* What GNU poke gets wrong (it writes 10 03 66 78 and reads 0x3600):
   a little-endian uint<16> at 4#b is written as the inverse of reading
   it.  And every width and offset reads back what was written.  */
static void
test_le_unaligned_roundtrip (void **state)
{
  (void) state;
  ios *io = open_ok ("*m*", 0);
  unsigned char zero[16] = { 0 }, got[4];
  assert_int_equal (ios_write_int (io, 4, 16, false, 0x1234), IOS_OK);
  assert_int_equal (ios_read_bytes (io, 0, got, 3), IOS_OK);
  assert_int_equal (got[0], 0x03);
  assert_int_equal (got[1], 0x41);
  assert_int_equal (got[2], 0x20);
  uint64_t v;
  assert_int_equal (ios_read_int (io, 4, 16, false, &v), IOS_OK);
  assert_int_equal (v, 0x1234);
  for (int big = 0; big < 2; big++)
    for (int n = 1; n <= 64; n++)
      for (int off = 0; off < 24; off++)
        {
          uint64_t x = UINT64_C (0x8badf00ddeadbeef) * (uint64_t) (n + off);
          if (n < 64)
            x &= (UINT64_C (1) << n) - 1;
          assert_int_equal (ios_write_bytes (io, 0, zero, 16), IOS_OK);
          assert_int_equal (ios_write_int (io, (uint64_t) off, n, big, x),
                            IOS_OK);
          assert_int_equal (ios_read_int (io, (uint64_t) off, n, big, &v),
                            IOS_OK);
          assert_int_equal (v, x);
          /* The bits around it are untouched.  */
          if (off > 0)
            {
              assert_int_equal (ios_read_int (io, 0, off, true, &v), IOS_OK);
              assert_int_equal (v, 0);
            }
          if (off + n < 128)
            {
              int rest = 128 - off - n > 64 ? 64 : 128 - off - n;
              assert_int_equal (ios_read_int (io, (uint64_t) (off + n), rest,
                                              true, &v), IOS_OK);
              assert_int_equal (v, 0);
            }
        }
}

/* Memory buffers.  */

static void
test_mem_growth (void **state)
{
  (void) state;
  ios *io = open_ok ("*g*", 0);
  assert_int_equal (ios_size (io), 4096);
  assert_int_equal (ios_flags (io), IOS_M_RDWR);
  assert_string_equal (ios_type_name (io), "MEMORY");
  uint64_t v;
  assert_int_equal (ios_read_int (io, 4095 * 8, 8, true, &v), IOS_OK);
  assert_int_equal (v, 0);
  assert_int_equal (ios_read_int (io, 4096 * 8, 8, true, &v), IOS_EEOF);
  assert_int_equal (ios_read_int (io, 4095 * 8, 16, true, &v), IOS_EEOF);
  /* As GNU poke: grows by 4096 when a write starts at most at the end
     and goes past it.  */
  assert_int_equal (ios_write_int (io, 4095 * 8, 8, true, 1), IOS_OK);
  assert_int_equal (ios_size (io), 4096);
  assert_int_equal (ios_write_int (io, 4096 * 8, 8, true, 2), IOS_OK);
  assert_int_equal (ios_size (io), 8192);
  assert_int_equal (ios_write_int (io, 8190 * 8, 32, true, 0x01020304),
                    IOS_OK);
  assert_int_equal (ios_size (io), 12288);
  assert_int_equal (ios_write_int (io, 20000 * 8, 8, true, 3), IOS_EEOF);
  assert_int_equal (ios_size (io), 12288);
  assert_int_equal (ios_write_bytes (io, 12286, "abcdefgh", 9), IOS_OK);
  assert_int_equal (ios_size (io), 16384);
  assert_int_equal (ios_read_int (io, 8190 * 8, 32, true, &v), IOS_OK);
  assert_int_equal (v, 0x01020304);
  /* A long write from the end grows in as many steps as it needs.  */
  static unsigned char big[10000];
  assert_int_equal (ios_write_bytes (io, 16384, big, sizeof big), IOS_OK);
  assert_int_equal (ios_size (io), 16384 + 12288);
  /* Rollback takes the growth back too; commit keeps it.  */
  assert_true (ios_rollback ());
  assert_int_equal (ios_size (io), 4096);
  assert_int_equal (ios_read_int (io, 4095 * 8, 8, true, &v), IOS_OK);
  assert_int_equal (v, 0);
  assert_int_equal (ios_write_int (io, 4096 * 8, 16, true, 0xabcd), IOS_OK);
  assert_int_equal (ios_commit (), IOS_OK);
  assert_false (ios_rollback ());
  assert_int_equal (ios_size (io), 8192);
  assert_int_equal (ios_read_int (io, 4096 * 8, 16, true, &v), IOS_OK);
  assert_int_equal (v, 0xabcd);
  assert_int_equal (ios_read_int (io, 4098 * 8, 8, true, &v), IOS_OK);
  assert_int_equal (v, 0);
}

/* Ids, the current space, flags and names.  */

static void
test_ids_and_current (void **state)
{
  (void) state;
  ios_err e;
  assert_null (ios_cur ());
  int a = ios_open ("*a*", 0, &e);
  int b = ios_open ("*b*", 0, &e);
  int c = ios_open ("*c*", 0, &e);
  assert_int_equal (a, 0);
  assert_int_equal (b, 1);
  assert_int_equal (c, 2);
  /* Opening does not change the current space once there is one.  */
  assert_int_equal (ios_id (ios_cur ()), a);
  assert_int_equal (ios_open ("*b*", 0, &e), -1);
  assert_int_equal (e, IOS_EIO);
  assert_true (ios_set_cur (b));
  assert_false (ios_set_cur (7));
  assert_int_equal (ios_close (b), IOS_OK);
  /* The newest remaining one becomes current.  */
  assert_int_equal (ios_id (ios_cur ()), c);
  assert_int_equal (ios_close (b), IOS_ENOIOS);
  assert_int_equal (ios_open ("*d*", 0, &e), 3);
  assert_int_equal (ios_next_id (), 4);
  assert_non_null (ios_find ("*d*"));
  assert_null (ios_find ("*b*"));
  /* Memory buffers ignore the flags.  */
  ios *m = open_ok ("*ro*", IOS_F_READ | 4);
  assert_int_equal (ios_flags (m), IOS_M_RDWR);
  ios_set_bias (m, 12);
  assert_int_equal (ios_bias (m), 12);
  assert_int_equal (ios_close (a), IOS_OK);
  assert_int_equal (ios_close (c), IOS_OK);
  assert_int_equal (ios_close (3), IOS_OK);
  assert_int_equal (ios_close (ios_id (m)), IOS_OK);
  assert_null (ios_cur ());
}

static void
test_file_open (void **state)
{
  (void) state;
  char *p = tmpfile_path ("seq.bin");
  unsigned char seq[16];
  for (int i = 0; i < 16; i++)
    seq[i] = (unsigned char) i;
  write_file (p, seq, 16);
  ios_err e;
  /* Flags: CREATE alone or unknown mode bits are invalid; bits above
     the mode are kept.  */
  assert_int_equal (ios_open (p, IOS_F_CREATE, &e), -1);
  assert_int_equal (e, IOS_EFLAGS);
  assert_int_equal (ios_open (p, 4, &e), -1);
  assert_int_equal (e, IOS_EFLAGS);
  assert_int_equal (ios_open (tmpfile_path ("none"), 0, &e), -1);
  assert_int_equal (e, IOS_EIO);
  assert_int_equal (ios_open (tmpdir, 0, &e), -1);
  ios *io = open_ok (p, 0x100);
  assert_int_equal (ios_flags (io), 0x100 | IOS_M_RDWR);
  assert_string_equal (ios_type_name (io), "FILE");
  assert_string_equal (ios_handler (io), p);     /* Absolute: as given.  */
  assert_int_equal (ios_size (io), 16);
  assert_int_equal (ios_open (p, 0, &e), -1);    /* Already open.  */
  uint64_t v;
  assert_int_equal (ios_read_int (io, 12 * 8, 32, true, &v), IOS_OK);
  assert_int_equal (v, 0x0c0d0e0f);
  assert_int_equal (ios_read_int (io, 13 * 8, 32, true, &v), IOS_EEOF);
  assert_int_equal (ios_read_int (io, 127, 1, true, &v), IOS_OK);
  assert_int_equal (v, 1);
  assert_int_equal (ios_read_int (io, 128, 1, true, &v), IOS_EEOF);
  ios_close (ios_id (io));

  /* Relative names get a "./" prefix.  */
  char cwd[4096];
  assert_non_null (getcwd (cwd, sizeof cwd));
  assert_int_equal (chdir (tmpdir), 0);
  io = open_ok ("seq.bin", IOS_M_RDONLY);
  assert_string_equal (ios_handler (io), "./seq.bin");
  assert_int_equal (ios_flags (io), IOS_F_READ);
  assert_int_equal (ios_write_int (io, 0, 8, true, 1), IOS_EPERM);
  assert_int_equal (ios_write_bytes (io, 0, "x", 1), IOS_EPERM);
  ios *io2 = open_ok ("./seq.bin", IOS_M_RDONLY);
  assert_string_equal (ios_handler (io2), "././seq.bin");
  /* Write-only: reading is not permitted.  */
  ios *w = open_ok ("wo.bin", IOS_F_WRITE | IOS_F_CREATE);
  assert_int_equal (ios_flags (w), IOS_F_WRITE | IOS_F_CREATE);
  assert_int_equal (ios_size (w), 0);
  assert_int_equal (ios_write_int (w, 0, 8, true, 0x41), IOS_OK);
  assert_int_equal (ios_read_int (w, 0, 8, true, &v), IOS_EPERM);
  assert_int_equal (ios_close (ios_id (w)), IOS_OK);
  assert_int_equal (chdir (cwd), 0);
  unsigned char buf[8];
  size_t n;
  read_file (tmpfile_path ("wo.bin"), buf, sizeof buf, &n);
  assert_int_equal (n, 1);
  assert_int_equal (buf[0], 0x41);
}

/* Transactions on a file: writes are seen at once, reach the file at
   commit, and vanish at rollback.  */
static void
test_file_transactions (void **state)
{
  (void) state;
  char *p = tmpfile_path ("t.bin");
  unsigned char data[10000];
  for (size_t i = 0; i < sizeof data; i++)
    data[i] = (unsigned char) (i * 7);
  write_file (p, data, sizeof data);
  ios *io = open_ok (p, 0);
  uint64_t v;
  unsigned char buf[20000];
  size_t n;
  assert_int_equal (ios_write_int (io, 8 * 4095, 16, true, 0xaabb), IOS_OK);
  assert_int_equal (ios_read_int (io, 8 * 4095, 16, true, &v), IOS_OK);
  assert_int_equal (v, 0xaabb);
  read_file (p, buf, sizeof buf, &n);
  assert_memory_equal (buf, data, sizeof data);          /* Not yet.  */
  assert_true (ios_rollback ());
  assert_int_equal (ios_read_int (io, 8 * 4095, 16, true, &v), IOS_OK);
  assert_int_equal (v, (uint64_t) data[4095] << 8 | data[4096]);

  /* Writes past the end of a file extend it.  */
  assert_int_equal (ios_write_int (io, 8 * 4095, 16, true, 0xaabb), IOS_OK);
  assert_int_equal (ios_write_int (io, 8 * 10002, 8, true, 0x55), IOS_OK);
  assert_int_equal (ios_size (io), 10003);
  assert_int_equal (ios_commit (), IOS_OK);
  read_file (p, buf, sizeof buf, &n);
  assert_int_equal (n, 10003);
  data[4095] = 0xaa;
  data[4096] = 0xbb;
  assert_memory_equal (buf, data, sizeof data);
  assert_int_equal (buf[10000], 0);
  assert_int_equal (buf[10002], 0x55);
  /* No journal is left behind.  */
  char j[256];
  snprintf (j, sizeof j, "%s.bpoke-journal", p);
  assert_int_equal (access (j, F_OK), -1);

  /* A rolled back extension leaves the size alone.  */
  assert_int_equal (ios_write_int (io, 8 * 20000, 8, true, 1), IOS_OK);
  assert_int_equal (ios_size (io), 20001);
  ios_rollback ();
  assert_int_equal (ios_size (io), 10003);

  /* flush commits one space now; close commits too.  */
  assert_int_equal (ios_write_int (io, 0, 8, true, 0xee), IOS_OK);
  assert_int_equal (ios_flush (ios_id (io)), IOS_OK);
  ios_rollback ();
  read_file (p, buf, sizeof buf, &n);
  assert_int_equal (buf[0], 0xee);
  assert_int_equal (ios_write_int (io, 8, 8, true, 0xdd), IOS_OK);
  assert_int_equal (ios_close (ios_id (io)), IOS_OK);
  read_file (p, buf, sizeof buf, &n);
  assert_int_equal (buf[1], 0xdd);
  assert_int_equal (ios_flush (99), IOS_ENOIOS);
}

/* Kill the process in the middle of a commit (after the journal and
   the first range were written): opening the file again rolls it back
   to what it was before the commit.  */
static void
crash_in_commit (const char *p, int after, int want_status)
{
  pid_t pid = fork ();
  assert_true (pid >= 0);
  if (pid == 0)
    {
      ios_err e;
      int id = ios_open (p, 0, &e);
      if (id < 0)
        _exit (1);
      ios *io = ios_get (id);
      /* Two ranges, far apart, and growth.  */
      ios_write_int (io, 10 * 8, 32, true, 0xdeadbeef);
      ios_write_int (io, 9000 * 8, 32, true, 0xcafebabe);
      ios_write_int (io, 12000 * 8, 8, true, 0x77);
      ios_crash_after_writes = after;
      ios_commit ();
      _exit (0);
    }
  int status;
  assert_int_equal (waitpid (pid, &status, 0), pid);
  assert_true (WIFEXITED (status));
  assert_int_equal (WEXITSTATUS (status), want_status);
}

static void
test_journal_recovery (void **state)
{
  (void) state;
  char *p = tmpfile_path ("j.bin");
  char j[256];
  snprintf (j, sizeof j, "%s.bpoke-journal", p);
  static unsigned char data[10000], buf[20000];
  size_t n;
  for (size_t i = 0; i < sizeof data; i++)
    data[i] = (unsigned char) (i * 13 + 1);
  write_file (p, data, sizeof data);

  /* Killed after the journal and the first range: the file is half
     written.  */
  crash_in_commit (p, 2, 99);
  read_file (p, buf, sizeof buf, &n);
  assert_int_equal (n, 12001);
  assert_int_equal (buf[10], 0xde);
  assert_int_equal (buf[9000], data[9000]);
  assert_int_equal (access (j, F_OK), 0);
  ios *io = open_ok (p, IOS_M_RDONLY);
  assert_int_equal (ios_size (io), sizeof data);
  assert_int_equal (access (j, F_OK), -1);
  read_file (p, buf, sizeof buf, &n);
  assert_int_equal (n, sizeof data);
  assert_memory_equal (buf, data, sizeof data);
  ios_close (ios_id (io));

  /* Killed while writing the journal: the file was not touched, and
     the incomplete journal is thrown away.  */
  crash_in_commit (p, 0, 99);
  assert_int_equal (access (j, F_OK), 0);
  io = open_ok (p, 0);
  assert_int_equal (access (j, F_OK), -1);
  read_file (p, buf, sizeof buf, &n);
  assert_int_equal (n, sizeof data);
  assert_memory_equal (buf, data, sizeof data);
  ios_close (ios_id (io));

  /* Not killed: all of it.  */
  crash_in_commit (p, 1000, 0);
  assert_int_equal (access (j, F_OK), -1);
  read_file (p, buf, sizeof buf, &n);
  assert_int_equal (n, 12001);
  assert_int_equal (buf[9000], 0xca);
  assert_int_equal (buf[12000], 0x77);
}

/* Sub-ranges.  */

static void
test_sub (void **state)
{
  (void) state;
  ios *base = open_ok ("*base*", 0);
  for (int i = 0; i < 16; i++)
    ios_write_int (base, (uint64_t) i * 8, 8, true, (uint64_t) i);
  assert_int_equal (ios_commit (), IOS_OK);
  ios *s = open_ok ("sub://0/0x4/0x6/win", 0);
  assert_string_equal (ios_type_name (s), "SUB");
  assert_string_equal (ios_handler (s), "sub://0/0x4/0x6/win");
  assert_int_equal (ios_size (s), 6);
  assert_int_equal (ios_flags (s), IOS_M_RDWR);
  uint64_t v;
  assert_int_equal (ios_read_int (s, 5 * 8, 8, true, &v), IOS_OK);
  assert_int_equal (v, 9);
  assert_int_equal (ios_read_int (s, 6 * 8, 8, true, &v), IOS_EEOF);
  /* GNU poke checks the first byte only.  */
  assert_int_equal (ios_read_int (s, 5 * 8, 16, true, &v), IOS_OK);
  assert_int_equal (v, 0x090a);
  assert_int_equal (ios_write_int (s, 0, 8, true, 0xee), IOS_OK);
  assert_int_equal (ios_read_int (base, 4 * 8, 8, true, &v), IOS_OK);
  assert_int_equal (v, 0xee);
  ios_rollback ();
  assert_int_equal (ios_read_int (s, 0, 8, true, &v), IOS_OK);
  assert_int_equal (v, 4);

  ios_err e;
  ios *r = open_ok ("sub://0/2/2/ro", IOS_M_RDONLY);
  assert_int_equal (ios_flags (r), IOS_F_READ);
  assert_int_equal (ios_write_int (r, 0, 8, true, 1), IOS_EPERM);
  assert_int_equal (ios_open ("sub://9/0/1/", 0, &e), -1);
  assert_int_equal (e, IOS_EIO);

  /* A read-write range of a read-only space is refused.  */
  char *p = tmpfile_path ("ro.bin");
  write_file (p, "abcdefgh", 8);
  ios *f = open_ok (p, IOS_M_RDONLY);
  char h[300];
  snprintf (h, sizeof h, "sub://%d/0/4/rw", ios_id (f));
  assert_int_equal (ios_open (h, IOS_M_RDWR, &e), -1);
  assert_int_equal (e, IOS_EFLAGS);
  snprintf (h, sizeof h, "sub://%d/4/4/x", ios_id (f));
  ios *g = open_ok (h, 0);
  assert_int_equal (ios_read_int (g, 0, 32, true, &v), IOS_OK);
  assert_int_equal (v, 0x65666768);
  assert_int_equal (ios_write_int (g, 0, 8, true, 1), IOS_EPERM);

  /* Closing a space closes its sub-ranges.  */
  int sid = ios_id (s), rid = ios_id (r), fid = ios_id (f);
  assert_int_equal (ios_close (0), IOS_OK);
  assert_null (ios_get (sid));
  assert_null (ios_get (rid));
  assert_non_null (ios_get (fid));
  assert_non_null (ios_get (ios_id (g)));
}

/* A process's memory: our own.  */
static volatile uint32_t target = 0x11223344;

static void
test_proc (void **state)
{
  (void) state;
  char h[64];
  snprintf (h, sizeof h, "pid://%d", (int) getpid ());
  ios *io = open_ok (h, 0);
  assert_string_equal (ios_type_name (io), "PROC");
  assert_int_equal (ios_size (io), UINT64_MAX);
  uint64_t v, addr = (uint64_t) (uintptr_t) &target;
  bool big = *(const unsigned char *) &(uint16_t) { 1 } == 0;
  assert_int_equal (ios_read_int (io, addr * 8, 32, big, &v), IOS_OK);
  assert_int_equal (v, 0x11223344);
  assert_int_equal (ios_write_int (io, addr * 8, 32, big, 0x55667788),
                    IOS_OK);
  assert_int_equal (target, 0x11223344);
  assert_int_equal (ios_commit (), IOS_OK);
  assert_int_equal (target, 0x55667788);
  /* Unmapped memory cannot be read.  */
  assert_int_equal (ios_read_int (io, 0, 8, true, &v), IOS_EIO);
  ios_err e;
  assert_int_equal (ios_open ("pid://999999999", 0, &e), -1);
  assert_int_equal (e, IOS_EIO);
}

/* An 8 GiB sparse file opens at once, and a word near its end is read
   in milliseconds, with a few pages cached.  */
static void
test_sparse_8g (void **state)
{
  (void) state;
  char *p = tmpfile_path ("sparse.bin");
  int fd = open (p, O_RDWR | O_CREAT | O_TRUNC, 0644);
  assert_true (fd >= 0);
  uint64_t size = UINT64_C (8) << 30;
  assert_int_equal (ftruncate (fd, (off_t) size), 0);
  unsigned char word[4] = { 0xfe, 0xed, 0xfa, 0xce };
  assert_int_equal (pwrite (fd, word, 4, (off_t) (size - 100)), 4);
  close (fd);
  struct timespec t0, t1;
  clock_gettime (CLOCK_MONOTONIC, &t0);
  ios *io = open_ok (p, 0);
  uint64_t v;
  assert_int_equal (ios_read_int (io, (size - 100) * 8, 32, true, &v),
                    IOS_OK);
  clock_gettime (CLOCK_MONOTONIC, &t1);
  assert_int_equal (v, 0xfeedface);
  assert_int_equal (ios_size (io), size);
  double ms = (double) (t1.tv_sec - t0.tv_sec) * 1e3
              + (double) (t1.tv_nsec - t0.tv_nsec) / 1e6;
  assert_true (ms < 100);
  assert_true (ios_cached_pages () <= 2);
  /* A write near the end, committed, touches one page.  */
  assert_int_equal (ios_write_int (io, (size - 1) * 8, 8, true, 0x42),
                    IOS_OK);
  assert_int_equal (ios_commit (), IOS_OK);
  struct stat st;
  assert_int_equal (stat (p, &st), 0);
  assert_int_equal ((uint64_t) st.st_size, size);
  assert_true (st.st_blocks < 1024);    /* Still sparse.  */
  /* Reading much of it keeps the cache bounded.  */
  for (uint64_t off = 0; off < 64 << 20; off += 4096)
    assert_int_equal (ios_read_int (io, off * 8, 8, true, &v), IOS_OK);
  assert_true (ios_cached_pages () <= 300);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_oracle_reads, setup, teardown),
    cmocka_unit_test_setup_teardown (test_oracle_writes, setup, teardown),
    cmocka_unit_test_setup_teardown (test_le_unaligned_roundtrip, setup,
                                     teardown),
    cmocka_unit_test_setup_teardown (test_mem_growth, setup, teardown),
    cmocka_unit_test_setup_teardown (test_ids_and_current, setup, teardown),
    cmocka_unit_test_setup_teardown (test_file_open, setup, teardown),
    cmocka_unit_test_setup_teardown (test_file_transactions, setup,
                                     teardown),
    cmocka_unit_test_setup_teardown (test_journal_recovery, setup, teardown),
    cmocka_unit_test_setup_teardown (test_sub, setup, teardown),
    cmocka_unit_test_setup_teardown (test_proc, setup, teardown),
    cmocka_unit_test_setup_teardown (test_sparse_8g, setup, teardown),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
