/* test_nbd.c -- unit tests for the NBD client (lang/nbd.c): URIs, and
   the protocol against a fake server at the other end of a socketpair.
   The fake server is a child process that sends a script of bytes
   (what a real or a hostile server would send), ends its side of the
   stream, and reads whatever the client says until it hangs up; the
   client's view of it is then
   checked: the export's size and flags, the bytes read, and the reason
   of each failure.  */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>
#include <cmocka.h>

#include "nbd.h"

/* URIs.  */

static void
uri_ok (const char *uri, const char *host, const char *port,
        const char *sock, const char *export)
{
  nbd_uri u;
  char why[128] = "";
  assert_true (nbd_is_uri (uri));
  if (!nbd_uri_parse (uri, &u, why, sizeof why))
    fail_msg ("%s: %s", uri, why);
  if (host)
    assert_string_equal (u.host, host);
  else
    assert_null (u.host);
  if (port)
    assert_string_equal (u.port, port);
  else
    assert_null (u.port);
  if (sock)
    assert_string_equal (u.socket, sock);
  else
    assert_null (u.socket);
  assert_string_equal (u.export, export);
  nbd_uri_free (&u);
}

static void
uri_bad (const char *uri)
{
  nbd_uri u;
  char why[128] = "";
  if (nbd_uri_parse (uri, &u, why, sizeof why))
    fail_msg ("%s parsed", uri);
  assert_true (why[0] != '\0');
}

static void
test_uri (void **state)
{
  (void) state;
  uri_ok ("nbd://localhost", "localhost", "10809", NULL, "");
  uri_ok ("nbd://localhost/", "localhost", "10809", NULL, "");
  uri_ok ("nbd://127.0.0.1:10811/disk", "127.0.0.1", "10811", NULL, "disk");
  uri_ok ("nbd://user@example.org:1/a%20b/c", "example.org", "1", NULL,
          "a b/c");
  uri_ok ("nbd://[::1]:2000/x", "::1", "2000", NULL, "x");
  uri_ok ("nbd://[::1]/", "::1", "10809", NULL, "");
  uri_ok ("nbd://h/e?tls=off", "h", "10809", NULL, "e");
  uri_ok ("nbd+unix:///?socket=/tmp/s.sock", NULL, NULL, "/tmp/s.sock", "");
  uri_ok ("nbd+unix:///exp?socket=/tmp/a%3fb", NULL, NULL, "/tmp/a?b",
          "exp");
  uri_ok ("nbd+unix://ignored/e?x=1&socket=/s", NULL, NULL, "/s", "e");
  uri_ok ("nbd+unix:///?socket=/a&socket=/b", NULL, NULL, "/b", "");

  assert_false (nbd_is_uri ("nbds://h/"));
  assert_false (nbd_is_uri ("foo"));
  uri_bad ("foo");
  uri_bad ("nbds://h/");
  uri_bad ("nbd://");
  uri_bad ("nbd:///x");
  uri_bad ("nbd://h:0/");
  uri_bad ("nbd://h:65536/");
  uri_bad ("nbd://h:99999/");
  uri_bad ("nbd://h:x/");
  uri_bad ("nbd://h:/");
  uri_bad ("nbd://[::1/");
  uri_bad ("nbd://[::1]x/");
  uri_bad ("nbd://h/a b");
  uri_bad ("nbd://h/%zz");
  uri_bad ("nbd://h/%0");
  uri_bad ("nbd://h/%00");
  uri_bad ("nbd://h/#frag");
  uri_bad ("nbd://h/?socket=/s");
  uri_bad ("nbd+unix:///");
  uri_bad ("nbd+unix:///?socket=");
  uri_bad ("nbd+unix:///e?socket=/a%00b");
}

/* The fake server.  */

static unsigned char script[1 << 16];
static size_t slen;

static void
be (uint64_t x, int n)
{
  for (int i = n - 1; i >= 0; i--)
    script[slen + (size_t) i] = (unsigned char) (x >> (8 * (n - 1 - i)));
  slen += (size_t) n;
}

static void
bytes (const void *p, size_t n)
{
  if (n)
    memcpy (script + slen, p, n);
  slen += n;
}

/* The greeting of a fixed-newstyle server with handshake FLAGS.  */
static void
greeting (uint16_t flags)
{
  bytes ("NBDMAGIC", 8);
  bytes ("IHAVEOPT", 8);
  be (flags, 2);
}

/* An option reply of TYPE to option OPT, with data P of N bytes.  */
static void
opt_reply (uint32_t opt, uint32_t type, const void *p, uint32_t n)
{
  be (0x0003e889045565a9ULL, 8);
  be (opt, 4);
  be (type, 4);
  be (n, 4);
  bytes (p, n);
}

/* The replies to NBD_OPT_GO of an export of SIZE bytes with
   transmission flags TFLAGS.  */
static void
go_ok (uint64_t size, uint16_t tflags)
{
  unsigned char info[12] = { 0 };
  for (int i = 0; i < 8; i++)
    info[2 + i] = (unsigned char) (size >> (56 - 8 * i));
  info[10] = (unsigned char) (tflags >> 8);
  info[11] = (unsigned char) tflags;
  opt_reply (7, 3, info, 12);
  opt_reply (7, 1, NULL, 0);
}

/* A simple reply to the request of COOKIE.  */
static void
simple (uint32_t magic, uint32_t err, uint64_t cookie)
{
  be (magic, 4);
  be (err, 4);
  be (cookie, 8);
}

static pid_t child;
/* Whether the server falls silent after its script, rather than end
   the stream.  */
static bool silent;

/* Start the fake server with the script; the client's end of the
   socketpair, non-blocking.  */
static int
start (void)
{
  int sv[2];
  assert_int_equal (socketpair (AF_UNIX, SOCK_STREAM, 0, sv), 0);
  child = fork ();
  assert_true (child >= 0);
  if (child == 0)
    {
      close (sv[0]);
      size_t done = 0;
      while (done < slen)
        {
          ssize_t r = write (sv[1], script + done, slen - done);
          if (r <= 0)
            _exit (0);
          done += (size_t) r;
        }
      /* The script ends: the client reads the end of the stream (unless
         the server is to fall silent), and may still send.  */
      if (!silent)
        shutdown (sv[1], SHUT_WR);
      char sink[65536];
      while (read (sv[1], sink, sizeof sink) > 0)
        ;
      _exit (0);
    }
  close (sv[1]);
  slen = 0;
  int fl = fcntl (sv[0], F_GETFL);
  fcntl (sv[0], F_SETFL, fl | O_NONBLOCK);
  return sv[0];
}

/* Hang up (the client's end is closed) and reap the server.  */
static void
stop (nbd_conn *c)
{
  nbd_close (c);
  kill (child, SIGKILL);
  waitpid (child, NULL, 0);
  slen = 0;
}

/* Run the handshake with the script so far; its result.  */
static ios_err
handshake (nbd_conn *c, int timeout_ms)
{
  return nbd_handshake (start (), "exp", timeout_ms, c);
}

/* The handshake fails, saying WHY.  */
static void
handshake_fails (const char *why)
{
  nbd_conn c;
  assert_int_equal (handshake (&c, 2000), IOS_EIO);
  if (!strstr (iodev_why (), why))
    fail_msg ("\"%s\" does not say \"%s\"", iodev_why (), why);
  assert_int_equal (c.fd, -1);
  stop (&c);
}

static void
test_go (void **state)
{
  (void) state;
  nbd_conn c;
  unsigned char buf[16];
  greeting (3);
  go_ok (4096, 1 | 4);
  simple (0x67446698, 0, 1);
  bytes ("0123456789abcdef", 16);
  simple (0x67446698, 5, 2);
  simple (0x67446698, 0, 3);
  assert_int_equal (handshake (&c, 2000), IOS_OK);
  assert_int_equal (c.size, 4096);
  assert_int_equal (c.tflags, 1 | 4);
  assert_int_equal (nbd_read (&c, 0, buf, 16), IOS_OK);
  assert_memory_equal (buf, "0123456789abcdef", 16);
  /* An error the server reports leaves the connection working.  */
  assert_int_equal (nbd_read (&c, 0, buf, 16), IOS_EIO);
  assert_non_null (strstr (iodev_why (), "input/output error"));
  assert_false (c.dead);
  assert_int_equal (nbd_write (&c, 0, buf, 16), IOS_OK);
  stop (&c);
}

/* A server that does not know NBD_OPT_GO: NBD_OPT_EXPORT_NAME, with the
   124 zero bytes when NO_ZEROES is not agreed on.  */
static void
test_export_name (void **state)
{
  (void) state;
  nbd_conn c;
  unsigned char zeros[124] = { 0 };
  greeting (1);
  opt_reply (7, 0x80000001u, NULL, 0);
  be (512, 8);
  be (1 | 2, 2);
  bytes (zeros, 124);
  assert_int_equal (handshake (&c, 2000), IOS_OK);
  assert_int_equal (c.size, 512);
  assert_true (c.tflags & NBD_FLAG_READ_ONLY);
  stop (&c);
  /* Nor fixed newstyle: no option but EXPORT_NAME is sent.  */
  greeting (2);
  be (1024, 8);
  be (1, 2);
  assert_int_equal (handshake (&c, 2000), IOS_OK);
  assert_int_equal (c.size, 1024);
  stop (&c);
  /* A server that hangs up on EXPORT_NAME refuses the export.  */
  greeting (2);
  handshake_fails ("refused the export \"exp\"");
}

static void
test_hostile_handshake (void **state)
{
  (void) state;
  bytes ("NBDMAGIX", 8);
  handshake_fails ("not an NBD server");
  bytes ("NBDMAGIC", 8);
  be (0x0000420281861253ULL, 8);
  handshake_fails ("old-style");
  bytes ("NBDMAGIC", 8);
  bytes ("IHAVEOPX", 8);
  be (3, 2);
  handshake_fails ("unknown magic");
  /* Hangs up after the greeting.  */
  greeting (3);
  handshake_fails ("closed the connection");
  /* An option reply of 4 GiB is not read.  */
  greeting (3);
  be (0x0003e889045565a9ULL, 8);
  be (7, 4);
  be (3, 4);
  be (0xffffffffu, 4);
  handshake_fails ("more than the 65536 allowed");
  /* A reply to another option, or with a bad magic.  */
  greeting (3);
  opt_reply (1, 1, NULL, 0);
  handshake_fails ("another option");
  greeting (3);
  be (0x1122334455667788ULL, 8);
  be (7, 4);
  be (1, 4);
  be (0, 4);
  handshake_fails ("bad magic");
  /* Refused, with the server's message, unprintable bytes shown as ?.  */
  greeting (3);
  opt_reply (7, 0x80000006u, "no \033such", 8);
  handshake_fails ("refused the export \"exp\": unknown export: no ?such");
  /* ACK with no size, a malformed size, too many replies, a size no
     offset in bits reaches.  */
  greeting (3);
  opt_reply (7, 1, NULL, 0);
  handshake_fails ("no export size");
  greeting (3);
  opt_reply (7, 3, "\0\0\0\0", 4);
  handshake_fails ("malformed export size");
  greeting (3);
  for (int i = 0; i < 70; i++)
    opt_reply (7, 3, "\0\7", 2);
  handshake_fails ("too many replies");
  greeting (3);
  go_ok (UINT64_MAX, 1);
  handshake_fails ("more than bpoke can address");
}

/* A server that says nothing: the handshake times out.  */
static void
test_timeout (void **state)
{
  (void) state;
  nbd_conn c;
  silent = true;
  assert_int_equal (handshake (&c, 100), IOS_EIO);
  assert_non_null (strstr (iodev_why (), "did not answer within 1 s"));
  stop (&c);
  /* Or stops answering after the handshake: the connection is dead.  */
  unsigned char b[4];
  greeting (3);
  go_ok (4096, 1);
  assert_int_equal (handshake (&c, 100), IOS_OK);
  assert_int_equal (nbd_read (&c, 0, b, 4), IOS_EIO);
  assert_true (c.dead);
  assert_int_equal (nbd_read (&c, 0, b, 4), IOS_EIO);
  assert_non_null (strstr (iodev_why (), "lost earlier"));
  stop (&c);
  silent = false;
}

/* Replies that cannot be trusted kill the connection.  */
static void
test_hostile_replies (void **state)
{
  (void) state;
  nbd_conn c;
  unsigned char b[4];
  const uint32_t magics[] = { 0x67446699, 0x668e33ef };
  for (int i = 0; i < 2; i++)
    {
      greeting (3);
      go_ok (4096, 1);
      simple (magics[i], 0, 1);
      assert_int_equal (handshake (&c, 2000), IOS_OK);
      assert_int_equal (nbd_read (&c, 0, b, 4), IOS_EIO);
      assert_non_null (strstr (iodev_why (), "reading 4 bytes at offset 0: "
                               "the NBD server sent a reply with a bad "
                               "magic"));
      assert_true (c.dead);
      stop (&c);
    }
  greeting (3);
  go_ok (4096, 1);
  simple (0x67446698, 0, 99);
  assert_int_equal (handshake (&c, 2000), IOS_OK);
  assert_int_equal (nbd_read (&c, 0, b, 4), IOS_EIO);
  assert_non_null (strstr (iodev_why (), "another request"));
  stop (&c);
  /* A read cut short by a hang-up.  */
  greeting (3);
  go_ok (4096, 1);
  simple (0x67446698, 0, 1);
  bytes ("ab", 2);
  assert_int_equal (handshake (&c, 2000), IOS_OK);
  assert_int_equal (nbd_read (&c, 0, b, 4), IOS_EIO);
  assert_non_null (strstr (iodev_why (), "closed the connection"));
  stop (&c);
}

/* A write of two requests whose second fails: iodev_stopped_at is past
   the bytes that failed, which the server may have written.  */
static void
test_write_stops (void **state)
{
  (void) state;
  nbd_conn c;
  size_t n = NBD_CHUNK + 10;
  unsigned char *buf = calloc (1, n);
  greeting (3);
  go_ok (4 * NBD_CHUNK, 1);
  simple (0x67446698, 0, 1);
  simple (0x67446698, 28, 2);
  assert_int_equal (handshake (&c, 2000), IOS_OK);
  assert_int_equal (nbd_write (&c, 100, buf, n), IOS_EIO);
  assert_int_equal (iodev_stopped_at, 100 + n);
  assert_non_null (strstr (iodev_why (), "writing 10 bytes at offset"));
  assert_non_null (strstr (iodev_why (), "no space left"));
  free (buf);
  stop (&c);
}

int
main (void)
{
  signal (SIGPIPE, SIG_IGN);
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_uri),
    cmocka_unit_test (test_go),
    cmocka_unit_test (test_export_name),
    cmocka_unit_test (test_hostile_handshake),
    cmocka_unit_test (test_timeout),
    cmocka_unit_test (test_hostile_replies),
    cmocka_unit_test (test_write_stops),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
