/* test_ios.c -- unit tests for the IO spaces (lang/ios.c): devices,
   integers at any bit offset in both byte orders (the layouts recorded
   from GNU poke 2.4 in ios_oracle.h), end of space, memory growth,
   transactions, journal recovery after a crash, mapped files, and an
   8 GiB sparse file.  */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "ios.h"
#include "journal.h"
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
  assert_int_equal (e, IOS_EOPEN);
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
  /* Closing the space opened last gives its id to the next one, as in
     GNU poke 4.3; closing another does not.  */
  assert_int_equal (ios_next_id (), 4);
  int f = ios_open ("*f*", 0, &e);
  int g = ios_open ("*g*", 0, &e);
  assert_int_equal (f, 4);
  assert_int_equal (g, 5);
  assert_int_equal (ios_close (f), IOS_OK);
  assert_int_equal (ios_next_id (), 6);
  assert_int_equal (ios_close (g), IOS_OK);
  assert_int_equal (ios_next_id (), 5);
  assert_int_equal (ios_open ("*h*", 0, &e), 5);
  assert_int_equal (ios_close (5), IOS_OK);
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
  /* The file is known by its absolute name: its journal is next to it
     whatever the current directory is now.  */
  assert_int_equal (ios_commit (), IOS_OK);
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

  /* flush commits one space now.  */
  assert_int_equal (ios_write_int (io, 0, 8, true, 0xee), IOS_OK);
  assert_int_equal (ios_flush (ios_id (io)), IOS_OK);
  ios_rollback ();
  read_file (p, buf, sizeof buf, &n);
  assert_int_equal (buf[0], 0xee);
  assert_int_equal (ios_flush (99), IOS_ENOIOS);
  /* Closing a space leaves its writes to the transaction: a rollback
     drops them, a commit makes them.  */
  assert_int_equal (ios_write_int (io, 8, 8, true, 0xdd), IOS_OK);
  assert_int_equal (ios_close (ios_id (io)), IOS_OK);
  read_file (p, buf, sizeof buf, &n);
  assert_int_equal (buf[1], data[1]);
  assert_true (ios_rollback ());
  read_file (p, buf, sizeof buf, &n);
  assert_int_equal (buf[1], data[1]);
  io = open_ok (p, 0);
  assert_int_equal (ios_write_int (io, 8, 8, true, 0xdd), IOS_OK);
  assert_int_equal (ios_close (ios_id (io)), IOS_OK);
  assert_int_equal (ios_commit (), IOS_OK);
  read_file (p, buf, sizeof buf, &n);
  assert_int_equal (buf[1], 0xdd);
}

/* Kill the process (SIGKILL) before step AFTER of a commit (the steps
   that change a file or directory, counted from 0): opening the file
   again rolls it back to what it was before the commit.  */
static void
crash_in_commit (const char *p, int after, bool want_killed)
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
      ios_crash_at_step = after;
      _exit (ios_commit () == IOS_OK ? 0 : 1);
    }
  int status;
  assert_int_equal (waitpid (pid, &status, 0), pid);
  if (want_killed)
    {
      assert_true (WIFSIGNALED (status));
      assert_int_equal (WTERMSIG (status), SIGKILL);
    }
  else
    {
      assert_true (WIFEXITED (status));
      assert_int_equal (WEXITSTATUS (status), 0);
    }
}

/* The bytes crash_in_commit writes, applied to OLD (10000 bytes) in
   NEW (12001 bytes).  */
static void
committed (const unsigned char *old, unsigned char *new)
{
  static const unsigned char w1[] = { 0xde, 0xad, 0xbe, 0xef };
  static const unsigned char w2[] = { 0xca, 0xfe, 0xba, 0xbe };
  memset (new, 0, 12001);
  memcpy (new, old, 10000);
  memcpy (new + 10, w1, 4);
  memcpy (new + 9000, w2, 4);
  new[12000] = 0x77;
}

static bool
file_is (const char *p, const unsigned char *want, size_t len)
{
  static unsigned char buf[20000];
  size_t n;
  read_file (p, buf, sizeof buf, &n);
  return n == len && memcmp (buf, want, len) == 0;
}

/* Killed at every step of a commit in turn: opened read-only, the file
   is not touched; opened read-write, it holds what it held before the
   commit, or, once the journal is gone, all of the commit.  */
static void
test_journal_every_step (void **state)
{
  (void) state;
  char *p = tmpfile_path ("j.bin");
  char j[256];
  snprintf (j, sizeof j, "%s.bpoke-journal", p);
  static unsigned char data[10000], after[12001], mid[20000];
  size_t n;
  for (size_t i = 0; i < sizeof data; i++)
    data[i] = (unsigned char) (i * 13 + 1);
  committed (data, after);
  int step;
  bool seen_journal = false, seen_new = false;
  for (step = 0; step < 100; step++)
    {
      write_file (p, data, sizeof data);
      crash_in_commit (p, step, true);
      bool journal = access (j, F_OK) == 0;
      seen_journal |= journal;
      read_file (p, mid, sizeof mid, &n);
      /* Read-only: the half-written file is left as it is.  */
      ios *io = open_ok (p, IOS_M_RDONLY);
      assert_true (file_is (p, mid, n));
      assert_int_equal (access (j, F_OK), journal ? 0 : -1);
      ios_close (ios_id (io));
      io = open_ok (p, 0);
      assert_int_equal (access (j, F_OK), -1);
      if (journal || !file_is (p, after, sizeof after))
        assert_true (file_is (p, data, sizeof data));
      else
        seen_new = true;
      /* Once the file holds the commit, it stays so.  */
      if (seen_new)
        assert_true (file_is (p, after, sizeof after));
      ios_close (ios_id (io));
      /* The last step is the directory's fsync after the journal's
         removal: killed there, the commit is complete.  */
      if (seen_new)
        break;
    }
  assert_true (seen_journal);
  assert_true (seen_new);
  /* Not killed: all of it, and no journal left.  */
  write_file (p, data, sizeof data);
  crash_in_commit (p, 1000, false);
  assert_int_equal (access (j, F_OK), -1);
  assert_true (file_is (p, after, sizeof after));
}

/* A journal left by a crash in the middle of the commit (the file
   half-written), next to P which held DATA.  */
static void
leave_journal (const char *p, const unsigned char *data)
{
  write_file (p, data, 10000);
  /* Steps: journal write, fsync, link, directory fsync, truncate, the
     first range: killed before the second range.  */
  crash_in_commit (p, 6, true);
  unsigned char buf[20000];
  size_t n;
  read_file (p, buf, sizeof buf, &n);
  assert_int_equal (n, 12001);
  assert_int_equal (buf[10], 0xde);
  assert_int_equal (buf[9000], data[9000]);
}

/* The journal is replayed only on the file it was made for, as the
   commit left it.  */
static void
test_journal_identity (void **state)
{
  (void) state;
  char *p = tmpfile_path ("id.bin"), *q = tmpfile_path ("other.bin");
  char j[256];
  snprintf (j, sizeof j, "%s.bpoke-journal", p);
  static unsigned char data[10000], buf[20000], half[20000];
  size_t n, hn;
  for (size_t i = 0; i < sizeof data; i++)
    data[i] = (unsigned char) (i * 7 + 3);
  char why[512];

  /* The file replaced by another (a new build): another inode.  */
  leave_journal (p, data);
  read_file (p, half, sizeof half, &hn);
  write_file (q, half, hn);
  assert_int_equal (rename (q, p), 0);
  ios *io = open_ok (p, 0);
  assert_true (file_is (p, half, hn));
  assert_int_equal (access (j, F_OK), 0);
  ios_close (ios_id (io));
  int fd = open (p, O_RDWR);
  assert_int_equal (journal_recover (p, fd, true, why, sizeof why),
                    JOURNAL_FOREIGN);
  assert_non_null (strstr (why, "another file"));
  close (fd);
  unlink (j);

  /* The same inode, rewritten in place with other bytes where the
     commit wrote.  */
  leave_journal (p, data);
  fd = open (p, O_RDWR);
  assert_int_equal (pwrite (fd, "\x55", 1, 11), 1);
  assert_int_equal (journal_recover (p, fd, true, why, sizeof why),
                    JOURNAL_FOREIGN);
  assert_non_null (strstr (why, "offset 0xb"));
  /* ... or of another size.  */
  assert_int_equal (pwrite (fd, "\xad", 1, 11), 1);
  assert_int_equal (ftruncate (fd, 5000), 0);
  assert_int_equal (journal_recover (p, fd, true, why, sizeof why),
                    JOURNAL_FOREIGN);
  assert_non_null (strstr (why, "5000 bytes"));
  close (fd);
  assert_int_equal (access (j, F_OK), 0);
  unlink (j);

  /* Read-only: reported, not replayed, the file untouched.  */
  leave_journal (p, data);
  read_file (p, half, sizeof half, &hn);
  struct stat before, now;
  assert_int_equal (stat (p, &before), 0);
  io = open_ok (p, IOS_M_RDONLY);
  assert_int_equal (stat (p, &now), 0);
  assert_true (file_is (p, half, hn));
  assert_int_equal (before.st_mtim.tv_nsec, now.st_mtim.tv_nsec);
  assert_int_equal (access (j, F_OK), 0);
  ios_close (ios_id (io));
  fd = open (p, O_RDONLY);
  assert_int_equal (journal_recover (p, fd, false, why, sizeof why),
                    JOURNAL_PENDING);
  close (fd);
  /* Then read-write: replayed.  */
  io = open_ok (p, 0);
  assert_true (file_is (p, data, sizeof data));
  assert_int_equal (access (j, F_OK), -1);
  assert_int_equal (ios_size (io), sizeof data);
  ios_close (ios_id (io));

  /* A damaged journal is left alone, and so is the file.  */
  leave_journal (p, data);
  read_file (p, half, sizeof half, &hn);
  fd = open (j, O_RDWR);
  assert_int_equal (pwrite (fd, "X", 1, 60), 1);
  close (fd);
  io = open_ok (p, 0);
  assert_true (file_is (p, half, hn));
  assert_int_equal (access (j, F_OK), 0);
  ios_close (ios_id (io));
  fd = open (p, O_RDWR);
  assert_int_equal (journal_recover (p, fd, true, why, sizeof why),
                    JOURNAL_INVALID);
  assert_non_null (strstr (why, "checksum"));
  close (fd);
  /* ... and a commit does not write over it.  */
  io = open_ok (p, 0);
  assert_int_equal (ios_write_int (io, 0, 8, true, 0x99), IOS_OK);
  assert_int_equal (ios_commit (), IOS_EIO);
  assert_non_null (strstr (ios_error (), "in the way"));
  assert_true (file_is (p, half, hn));
  ios_close (ios_id (io));
  unlink (j);

  /* A journal another process holds (it is committing) is left alone.  */
  leave_journal (p, data);
  read_file (p, half, sizeof half, &hn);
  int jfd = open (j, O_RDONLY);
  int locked[2], go[2];
  assert_int_equal (pipe (locked), 0);
  assert_int_equal (pipe (go), 0);
  pid_t pid = fork ();
  if (pid == 0)
    {
      char c;
      flock (jfd, LOCK_EX);
      if (write (locked[1], "x", 1) != 1 || read (go[0], &c, 1) != 1)
        _exit (1);
      _exit (0);
    }
  char c;
  assert_int_equal (read (locked[0], &c, 1), 1);
  close (jfd);
  fd = open (p, O_RDWR);
  assert_int_equal (journal_recover (p, fd, true, why, sizeof why),
                    JOURNAL_BUSY);
  close (fd);
  assert_true (file_is (p, half, hn));
  assert_int_equal (write (go[1], "y", 1), 1);
  waitpid (pid, NULL, 0);
  close (locked[0]);
  close (locked[1]);
  close (go[0]);
  close (go[1]);
  /* Once it let go, the journal is replayed.  */
  io = open_ok (p, 0);
  assert_true (file_is (p, data, sizeof data));
  ios_close (ios_id (io));
  (void) buf;
  (void) n;
}

/* A symlink planted where the journal goes: a commit neither follows it
   nor removes it, and recovery leaves it alone.  */
static void
test_journal_symlink (void **state)
{
  (void) state;
  char *p = tmpfile_path ("s.bin"), *victim = tmpfile_path ("victim");
  char j[256];
  snprintf (j, sizeof j, "%s.bpoke-journal", p);
  write_file (p, "abcdefgh", 8);
  write_file (victim, "precious", 8);
  assert_int_equal (symlink (victim, j), 0);
  ios *io = open_ok (p, 0);
  assert_int_equal (ios_write_int (io, 0, 8, true, 'X'), IOS_OK);
  assert_int_equal (ios_commit (), IOS_EIO);
  assert_non_null (strstr (ios_error (), "in the way"));
  assert_true (file_is (victim, (const unsigned char *) "precious", 8));
  assert_true (file_is (p, (const unsigned char *) "abcdefgh", 8));
  struct stat st;
  assert_int_equal (lstat (j, &st), 0);
  assert_true (S_ISLNK (st.st_mode));
  ios_close (ios_id (io));
  char why[512];
  int fd = open (p, O_RDWR);
  assert_int_equal (journal_recover (p, fd, true, why, sizeof why),
                    JOURNAL_INVALID);
  assert_non_null (strstr (why, "symbolic link"));
  close (fd);
  /* A dangling one: not created through either.  */
  unlink (j);
  assert_int_equal (symlink (tmpfile_path ("nothing"), j), 0);
  io = open_ok (p, 0);
  assert_int_equal (ios_write_int (io, 0, 8, true, 'X'), IOS_OK);
  assert_int_equal (ios_commit (), IOS_EIO);
  assert_int_equal (access (tmpfile_path ("nothing"), F_OK), -1);
  ios_close (ios_id (io));
}

/* The page cache.  */

/* Set PATH's modification time SECS seconds in the past.  */
static void
age (const char *path, int secs)
{
  struct timespec ts[2];
  clock_gettime (CLOCK_REALTIME, &ts[0]);
  ts[0].tv_sec -= secs;
  ts[1] = ts[0];
  assert_int_equal (utimensat (AT_FDCWD, path, ts, 0), 0);
}

/* Write BYTE at OFF of PATH as another program would, keeping its size
   and modification time.  */
static void
poke_behind (const char *path, uint64_t off, unsigned char byte)
{
  struct stat st;
  assert_int_equal (stat (path, &st), 0);
  int fd = open (path, O_WRONLY);
  assert_int_equal (pwrite (fd, &byte, 1, (off_t) off), 1);
  struct timespec ts[2] = { st.st_atim, st.st_mtim };
  assert_int_equal (futimens (fd, ts), 0);
  close (fd);
}

/* A commit writes the bytes assigned and no others: not those of a page
   cached before another program changed them.  */
static void
test_cache_writes_assigned_bytes (void **state)
{
  (void) state;
  char *p = tmpfile_path ("two");
  static unsigned char zero[256], buf[300];
  size_t n;
  write_file (p, zero, sizeof zero);
  ios *io = open_ok (p, 0);
  uint64_t v;
  assert_int_equal (ios_read_int (io, 50 * 8, 8, true, &v), IOS_OK);
  poke_behind (p, 50, 0x55);
  /* In the same transaction as the read, so that the page is used as
     it was cached, byte 50 stale.  */
  assert_int_equal (ios_write_int (io, 0, 8, true, 1), IOS_OK);
  assert_int_equal (ios_write_int (io, 100 * 8, 8, true, 1), IOS_OK);
  assert_int_equal (ios_commit (), IOS_OK);
  read_file (p, buf, sizeof buf, &n);
  assert_int_equal (n, 256);
  assert_int_equal (buf[0], 1);
  assert_int_equal (buf[50], 0x55);
  assert_int_equal (buf[100], 1);
  /* Bits: a 4-bit write writes its byte, not the bytes around.  */
  assert_int_equal (ios_read_int (io, 51 * 8, 8, true, &v), IOS_OK);
  poke_behind (p, 51, 0x66);
  assert_int_equal (ios_write_int (io, 50 * 8, 8, true, 0x55), IOS_OK);
  assert_int_equal (ios_write_int (io, 52 * 8 + 4, 4, true, 0xf), IOS_OK);
  assert_int_equal (ios_commit (), IOS_OK);
  read_file (p, buf, sizeof buf, &n);
  assert_int_equal (buf[51], 0x66);
  assert_int_equal (buf[52], 0x0f);
  assert_int_equal (buf[53], 0);
}

/* Cached pages are kept from one transaction to the next while the file
   is unchanged, and read again when it changed, even where its size and
   modification time say nothing (its change time does).  */
static void
test_cache_checked_between_transactions (void **state)
{
  (void) state;
  char *p = tmpfile_path ("c.bin");
  static unsigned char data[8192];
  memset (data, 0x11, sizeof data);
  write_file (p, data, sizeof data);
  age (p, 3600);
  ios *io = open_ok (p, 0);
  uint64_t v;
  assert_int_equal (ios_read_int (io, 5000 * 8, 8, true, &v), IOS_OK);
  assert_int_equal (ios_cached_pages (), 1);
  uint64_t gen = ios_generation;
  ios_begin ();
  assert_int_equal (ios_cached_pages (), 1);   /* Unchanged: kept.  */
  assert_int_equal (ios_generation, gen);
  poke_behind (p, 5000, 0x22);
  ios_begin ();
  assert_int_equal (ios_cached_pages (), 0);   /* Changed: dropped.  */
  assert_true (ios_generation != gen);
  assert_int_equal (ios_read_int (io, 5000 * 8, 8, true, &v), IOS_OK);
  assert_int_equal (v, 0x22);
  /* Without ios_begin: the first access after a commit checks.  */
  assert_int_equal (ios_commit (), IOS_OK);
  poke_behind (p, 5000, 0x33);
  assert_int_equal (ios_read_int (io, 5000 * 8, 8, true, &v), IOS_OK);
  assert_int_equal (v, 0x33);
  /* Within a transaction the cache is trusted: a command sees the file
     as it was when the command began.  */
  poke_behind (p, 5000, 0x44);
  assert_int_equal (ios_read_int (io, 5000 * 8, 8, true, &v), IOS_OK);
  assert_int_equal (v, 0x33);
  /* Grown by another program: the size follows.  */
  assert_int_equal (truncate (p, 10000), 0);
  ios_begin ();
  assert_int_equal (ios_size (io), 10000);
  /* A file changed in the last moments is not trusted, whatever its
     times say: a write in the same clock tick would not move them.  */
  assert_int_equal (ios_read_int (io, 5000 * 8, 8, true, &v), IOS_OK);
  assert_int_equal (ios_cached_pages (), 1);
  ios_begin ();
  assert_int_equal (ios_cached_pages (), 0);
}

/* Spaces open on the same file share their pages: what one writes the
   other reads at once, and the file is written once.  */
static void
test_cache_shared_between_spaces (void **state)
{
  (void) state;
  char *p = tmpfile_path ("sh.bin");
  static unsigned char zero[256], buf[300];
  size_t n;
  write_file (p, zero, sizeof zero);
  char other[256];
  snprintf (other, sizeof other, "%s/./sh.bin", tmpdir);
  ios *a = open_ok (p, 0), *b = open_ok (other, IOS_M_RDONLY);
  uint64_t v;
  assert_int_equal (ios_read_int (b, 50 * 8, 8, true, &v), IOS_OK);
  assert_int_equal (ios_commit (), IOS_OK);
  assert_int_equal (ios_write_int (a, 50 * 8, 8, true, 0x55), IOS_OK);
  assert_int_equal (ios_read_int (b, 50 * 8, 8, true, &v), IOS_OK);
  assert_int_equal (v, 0x55);
  assert_int_equal (ios_commit (), IOS_OK);
  assert_int_equal (ios_write_int (b, 0, 8, true, 1), IOS_EPERM);
  /* Closing one leaves the other's view.  */
  assert_int_equal (ios_close (ios_id (a)), IOS_OK);
  assert_int_equal (ios_read_int (b, 50 * 8, 8, true, &v), IOS_OK);
  assert_int_equal (v, 0x55);
  read_file (p, buf, sizeof buf, &n);
  assert_int_equal (buf[50], 0x55);
  /* Closed in a transaction, then opened again: the pending writes are
     seen, and dropped with the transaction.  */
  a = open_ok (p, 0);
  assert_int_equal (ios_write_int (a, 60 * 8, 8, true, 0x66), IOS_OK);
  assert_int_equal (ios_close (ios_id (a)), IOS_OK);
  a = open_ok (p, 0);
  assert_int_equal (ios_read_int (a, 60 * 8, 8, true, &v), IOS_OK);
  assert_int_equal (v, 0x66);
  assert_true (ios_rollback ());
  read_file (p, buf, sizeof buf, &n);
  assert_int_equal (buf[60], 0);
}

/* The file replaced by another (renamed over it): the space shows the
   new one, and writes go there.  */
static void
test_cache_file_replaced (void **state)
{
  (void) state;
  char *p = tmpfile_path ("r.bin"), *q = tmpfile_path ("r.new");
  write_file (p, "old file", 8);
  ios *io = open_ok (p, 0);
  uint64_t v;
  assert_int_equal (ios_read_int (io, 0, 8, true, &v), IOS_OK);
  assert_int_equal (v, 'o');
  assert_int_equal (ios_commit (), IOS_OK);
  write_file (q, "a new file", 10);
  assert_int_equal (rename (q, p), 0);
  ios_begin ();
  assert_int_equal (ios_size (io), 10);
  assert_int_equal (ios_read_int (io, 0, 8, true, &v), IOS_OK);
  assert_int_equal (v, 'a');
  assert_int_equal (ios_write_int (io, 0, 8, true, 'A'), IOS_OK);
  assert_int_equal (ios_commit (), IOS_OK);
  assert_true (file_is (p, (const unsigned char *) "A new file", 10));
}

/* Commits that fail.  */

/* Another program truncated the file during the transaction: nothing is
   written, and the message says why.  */
static void
test_commit_truncated (void **state)
{
  (void) state;
  char *p = tmpfile_path ("t.bin");
  static unsigned char data[10000];
  memset (data, 0x5a, sizeof data);
  write_file (p, data, sizeof data);
  ios *io = open_ok (p, 0);
  assert_int_equal (ios_write_int (io, 9000 * 8, 8, true, 1), IOS_OK);
  assert_int_equal (truncate (p, 100), 0);
  assert_int_equal (ios_commit (), IOS_EIO);
  assert_non_null (strstr (ios_error (), "truncated"));
  assert_non_null (strstr (ios_error (), "IO space #0"));
  struct stat st;
  assert_int_equal (stat (p, &st), 0);
  assert_int_equal (st.st_size, 100);
  assert_int_equal (ios_size (io), 100);
}

/* In a child limited to 64 KiB files: a commit writing three spaces,
   the second of which fails (EFBIG) after the first was written, writes
   none of them.  Files are written in the order they were opened.  */
static void
test_commit_all_or_none (void **state)
{
  (void) state;
  char *a = tmpfile_path ("a.bin"), *b = tmpfile_path ("b.bin");
  write_file (a, "aaaaaaaa", 8);
  write_file (b, "bbbbbbbb", 8);
  pid_t pid = fork ();
  if (pid == 0)
    {
      struct rlimit rl = { 65536, 65536 };
      signal (SIGXFSZ, SIG_IGN);
      if (setrlimit (RLIMIT_FSIZE, &rl) != 0)
        _exit (2);
      ios *m = open_ok ("*m*", 0);
      ios *x = open_ok (a, 0), *y = open_ok (b, 0);
      uint64_t v;
      ios_write_int (m, 0, 8, true, 0x77);
      ios_write_int (x, 0, 8, true, 'A');
      ios_write_int (y, 0, 8, true, 'B');
      ios_write_int (y, 100000 * 8, 8, true, 'B');
      if (ios_commit () != IOS_EIO
          || !strstr (ios_error (), "IO space #2")
          || !strstr (ios_error (), "File too large"))
        _exit (3);
      if (ios_read_int (m, 0, 8, true, &v) != IOS_OK || v != 0
          || ios_read_int (x, 0, 8, true, &v) != IOS_OK || v != 'a')
        _exit (4);
      _exit (0);
    }
  int status;
  assert_int_equal (waitpid (pid, &status, 0), pid);
  assert_true (WIFEXITED (status));
  assert_int_equal (WEXITSTATUS (status), 0);
  assert_true (file_is (a, (const unsigned char *) "aaaaaaaa", 8));
  assert_true (file_is (b, (const unsigned char *) "bbbbbbbb", 8));
  char j[256];
  snprintf (j, sizeof j, "%s.bpoke-journal", a);
  assert_int_equal (access (j, F_OK), -1);
  snprintf (j, sizeof j, "%s.bpoke-journal", b);
  assert_int_equal (access (j, F_OK), -1);
}

/* A character device that takes no bytes: the message says what the
   device is and what failed.  */
static void
test_commit_chardev (void **state)
{
  (void) state;
  ios_err e;
  int id = ios_open ("/dev/full", IOS_M_RDWR, &e);
  if (id < 0)
    skip ();
  ios *io = ios_get (id);
  assert_int_equal (ios_write_int (io, 0, 8, true, 1), IOS_OK);
  assert_int_equal (ios_commit (), IOS_EIO);
  assert_non_null (strstr (ios_error (), "/dev/full"));
  assert_non_null (strstr (ios_error (), "character device"));
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

/* A range of a file mapped into memory: read, written at the commit,
   dropped at a rollback; within the file only, from a page boundary
   only; read-only when asked.  */
static void
test_mmap (void **state)
{
  (void) state;
  long page = sysconf (_SC_PAGESIZE);
  size_t n = (size_t) page + sizeof pattern;
  unsigned char *data = calloc (1, n);
  memcpy (data + page, pattern, sizeof pattern);
  char *p = tmpfile_path ("m.bin");
  write_file (p, data, n);
  char h[256];
  snprintf (h, sizeof h, "mmap://%ld/%zu/%s", page, sizeof pattern, p);
  ios *io = open_ok (h, 0);
  assert_string_equal (ios_type_name (io), "MMAP");
  assert_int_equal (ios_size (io), sizeof pattern);
  assert_int_equal (ios_flags (io), IOS_M_RDWR);
  uint64_t v;
  assert_int_equal (ios_read_int (io, 0, 32, true, &v), IOS_OK);
  assert_int_equal (v, 0x12345678);
  assert_int_equal (ios_read_int (io, sizeof pattern * 8, 8, true, &v),
                    IOS_EEOF);
  assert_int_equal (ios_write_int (io, 8, 8, true, 0xaa), IOS_OK);
  assert_true (ios_rollback ());
  unsigned char buf[8192];
  size_t got;
  read_file (p, buf, sizeof buf, &got);
  assert_int_equal (buf[page + 1], 0x34);
  assert_int_equal (ios_write_int (io, 8, 8, true, 0xaa), IOS_OK);
  assert_int_equal (ios_commit (), IOS_OK);
  read_file (p, buf, sizeof buf, &got);
  assert_int_equal (got, n);
  assert_int_equal (buf[page + 1], 0xaa);
  /* Past the end of the file, or from inside a page: refused.  */
  ios_err e;
  snprintf (h, sizeof h, "mmap://%ld/%zu/%s", page, sizeof pattern + 1, p);
  assert_int_equal (ios_open (h, 0, &e), -1);
  assert_int_equal (e, IOS_EIO);
  snprintf (h, sizeof h, "mmap://1/4/%s", p);
  assert_int_equal (ios_open (h, 0, &e), -1);
  assert_int_equal (e, IOS_EFLAGS);
  snprintf (h, sizeof h, "mmap://0/0/%s", p);
  assert_int_equal (ios_open (h, 0, &e), -1);
  snprintf (h, sizeof h, "mmap://0/4/%s/none", tmpdir);
  assert_int_equal (ios_open (h, 0, &e), -1);
  assert_int_equal (e, IOS_EIO);
  snprintf (h, sizeof h, "mmap://0/4/%s", p);
  ios *ro = open_ok (h, IOS_F_READ);
  assert_int_equal (ios_flags (ro), IOS_F_READ);
  assert_int_equal (ios_write_int (ro, 0, 8, true, 1), IOS_EPERM);
  free (data);
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
    cmocka_unit_test_setup_teardown (test_journal_every_step, setup,
                                     teardown),
    cmocka_unit_test_setup_teardown (test_journal_identity, setup, teardown),
    cmocka_unit_test_setup_teardown (test_journal_symlink, setup, teardown),
    cmocka_unit_test_setup_teardown (test_cache_writes_assigned_bytes, setup,
                                     teardown),
    cmocka_unit_test_setup_teardown (test_cache_checked_between_transactions,
                                     setup, teardown),
    cmocka_unit_test_setup_teardown (test_cache_shared_between_spaces, setup,
                                     teardown),
    cmocka_unit_test_setup_teardown (test_cache_file_replaced, setup,
                                     teardown),
    cmocka_unit_test_setup_teardown (test_commit_truncated, setup, teardown),
    cmocka_unit_test_setup_teardown (test_commit_all_or_none, setup,
                                     teardown),
    cmocka_unit_test_setup_teardown (test_commit_chardev, setup, teardown),
    cmocka_unit_test_setup_teardown (test_sub, setup, teardown),
    cmocka_unit_test_setup_teardown (test_proc, setup, teardown),
    cmocka_unit_test_setup_teardown (test_mmap, setup, teardown),
    cmocka_unit_test_setup_teardown (test_sparse_8g, setup, teardown),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
