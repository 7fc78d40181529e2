/* nbd.c -- IO spaces on NBD servers (see nbd.h): URIs, the protocol's
   client side, and the device.

   Everything the server sends is checked before it is used: magics,
   the option a reply answers, lengths (an option reply longer than
   NBD_MAX_REPLY is refused rather than read), the cookie of a reply,
   an export size that an offset in bits cannot reach.  A protocol
   error or a wait that times out kills the connection, since the next
   bytes could no longer be told apart; an error the server reports for
   one request (an NBD error code) leaves it working.  Sockets are
   non-blocking and every wait goes through poll with the timeout; send
   uses MSG_NOSIGNAL, so that a server that hangs up is an error, not a
   SIGPIPE.  */

#include "nbd.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "util.h"

/* Magics, options, replies and commands, from the NBD protocol.  */
#define NBD_MAGIC        0x4e42444d41474943ULL  /* "NBDMAGIC" */
#define NBD_IHAVEOPT     0x49484156454f5054ULL  /* "IHAVEOPT" */
#define NBD_OLDSTYLE     0x0000420281861253ULL
#define NBD_REP_MAGIC    0x0003e889045565a9ULL
#define NBD_REQ_MAGIC    0x25609513u
#define NBD_SIMPLE_MAGIC 0x67446698u
#define NBD_FLAG_FIXED_NEWSTYLE 1u
#define NBD_FLAG_NO_ZEROES      2u
#define NBD_OPT_EXPORT_NAME 1u
#define NBD_OPT_GO          7u
#define NBD_REP_ACK  1u
#define NBD_REP_INFO 3u
#define NBD_REP_ERR_UNSUP 0x80000001u
#define NBD_INFO_EXPORT 0u
#define NBD_CMD_READ  0u
#define NBD_CMD_WRITE 1u
#define NBD_CMD_DISC  2u
#define NBD_CMD_FLUSH 3u

/* The longest option reply read, and the most replies to one option:
   a hostile server gets no more memory or time than that.  */
#define NBD_MAX_REPLY 65536u
#define NBD_MAX_REPLIES 64

/* URIs.  */

bool
nbd_is_uri (const char *handler)
{
  return strncmp (handler, "nbd://", 6) == 0
         || strncmp (handler, "nbd+unix://", 11) == 0;
}

static int
hexval (int c)
{
  return isdigit (c) ? c - '0'
         : isxdigit (c) ? tolower (c) - 'a' + 10 : -1;
}

/* The N bytes of S, %XX escapes decoded; NULL if an escape is bad or
   decodes to a NUL, or a byte is a blank or a control character.  */
static char *
decode (const char *s, size_t n)
{
  char *out = xmalloc (n + 1), *o = out;
  for (size_t i = 0; i < n; i++)
    {
      int c = (unsigned char) s[i];
      if (c == '%')
        {
          int h = i + 2 < n ? hexval ((unsigned char) s[i + 1]) : -1;
          int l = i + 2 < n ? hexval ((unsigned char) s[i + 2]) : -1;
          c = h < 0 || l < 0 ? 0 : h * 16 + l;
          i += 2;
        }
      else if (c <= ' ' || c == 0x7f)
        c = 0;
      if (c == 0)
        {
          free (out);
          return NULL;
        }
      *o++ = (char) c;
    }
  *o = '\0';
  return out;
}

/* Say in WHY why a URI is not valid; false.  */
static bool
bad_uri (nbd_uri *u, char *why, size_t whylen, const char *what)
{
  nbd_uri_free (u);
  snprintf (why, whylen, "%s", what);
  return false;
}

/* HOST[:PORT] or [ADDRESS][:PORT], the N bytes of S, after any
   USER@.  */
static bool
parse_authority (const char *s, size_t n, nbd_uri *u)
{
  const char *at = memchr (s, '@', n);
  if (at)
    {
      n -= (size_t) (at + 1 - s);
      s = at + 1;
    }
  const char *colon;
  if (n > 0 && s[0] == '[')
    {
      const char *close = memchr (s, ']', n);
      if (!close)
        return false;
      u->host = decode (s + 1, (size_t) (close - s - 1));
      colon = close + 1 < s + n ? close + 1 : NULL;
      if (colon && *colon != ':')
        return false;
    }
  else
    {
      colon = memchr (s, ':', n);
      u->host = decode (s, colon ? (size_t) (colon - s) : n);
    }
  if (!u->host || !*u->host)
    return false;
  if (!colon)
    {
      u->port = xstrdup ("10809");
      return true;
    }
  u->port = decode (colon + 1, (size_t) (s + n - colon - 1));
  char *end;
  unsigned long port = u->port ? strtoul (u->port, &end, 10) : 0;
  return u->port && isdigit ((unsigned char) u->port[0]) && !*end
         && port > 0 && port < 65536;
}

/* The parameters of a query, A=B&C=D: only socket= counts.  */
static bool
parse_query (const char *q, nbd_uri *u)
{
  while (*q)
    {
      size_t n = strcspn (q, "&");
      if (n > 7 && strncmp (q, "socket=", 7) == 0)
        {
          free (u->socket);
          if (!(u->socket = decode (q + 7, n - 7)))
            return false;
        }
      q += n + (q[n] == '&');
    }
  return true;
}

bool
nbd_uri_parse (const char *uri, nbd_uri *u, char *why, size_t whylen)
{
  memset (u, 0, sizeof *u);
  bool unix_sock = strncmp (uri, "nbd+unix://", 11) == 0;
  if (!unix_sock && strncmp (uri, "nbd://", 6) != 0)
    return bad_uri (u, why, whylen, "it is not an nbd:// or nbd+unix:// URI");
  const char *s = uri + (unix_sock ? 11 : 6);
  size_t alen = strcspn (s, "/?#");
  const char *path = s + alen;
  size_t plen = strcspn (path, "?#");
  const char *query = path[plen] == '?' ? path + plen + 1 : "";
  if (strchr (path, '#'))
    return bad_uri (u, why, whylen, "an NBD URI has no fragment (#)");
  /* An nbd+unix:// URI's host, if any, is ignored, as GNU poke
     does.  */
  if (!unix_sock && !parse_authority (s, alen, u))
    return bad_uri (u, why, whylen, "its host or port is not valid");
  /* The export name is the path without its first slash.  */
  u->export = plen ? decode (path + 1, plen - 1) : xstrdup ("");
  if (!u->export)
    return bad_uri (u, why, whylen, "its export name is not valid");
  if (!parse_query (query, u))
    return bad_uri (u, why, whylen, "its socket= parameter is not valid");
  if (unix_sock && (!u->socket || !*u->socket))
    return bad_uri (u, why, whylen, "an nbd+unix:// URI needs "
                    "?socket=PATH");
  if (!unix_sock && u->socket)
    return bad_uri (u, why, whylen, "socket= goes with nbd+unix://");
  return true;
}

void
nbd_uri_free (nbd_uri *u)
{
  free (u->host);
  free (u->port);
  free (u->socket);
  free (u->export);
  memset (u, 0, sizeof *u);
}

/* Bytes on the wire: big-endian integers.  */

static void
put_be (unsigned char *p, uint64_t x, int n)
{
  for (int i = n - 1; i >= 0; i--, x >>= 8)
    p[i] = (unsigned char) x;
}

static uint64_t
get_be (const unsigned char *p, int n)
{
  uint64_t x = 0;
  for (int i = 0; i < n; i++)
    x = x << 8 | p[i];
  return x;
}

/* Talking to the server.  */

/* Fail with the reason, and let nothing more be asked of C.  */
static ios_err
die (nbd_conn *c, const char *why)
{
  c->dead = true;
  return iodev_fail ("%s", why);
}

/* Wait until C's socket is ready for EVENTS, or Ctrl-C.  The wait is
   cut in slices, since the signal may be taken by another thread than
   the one waiting here, whose poll it does not interrupt.  */
static ios_err
await (nbd_conn *c, short events)
{
  struct pollfd p = { c->fd, events, 0 };
  int left = c->timeout_ms;
  for (;;)
    {
      int slice = left < 100 ? left : 100;
      int r = poll (&p, 1, slice);
      if (iodev_interrupted)
        {
          iodev_interrupted = 0;
          return die (c, "interrupted while waiting for the NBD server");
        }
      if (r > 0)
        return IOS_OK;
      if (r < 0 && errno != EINTR)
        return die (c, strerror (errno));
      if (r == 0 && (left -= slice) <= 0)
        break;
    }
  c->dead = true;
  return iodev_fail ("the NBD server did not answer within %d s",
                     (c->timeout_ms + 999) / 1000);
}

/* Receive exactly N bytes.  */
static ios_err
get (nbd_conn *c, void *buf, size_t n)
{
  unsigned char *p = buf;
  while (n > 0)
    {
      ssize_t r = recv (c->fd, p, n, 0);
      if (r > 0)
        {
          p += r;
          n -= (size_t) r;
          continue;
        }
      if (r == 0)
        return die (c, "the NBD server closed the connection");
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        {
          if (await (c, POLLIN) != IOS_OK)
            return IOS_EIO;
        }
      else if (errno != EINTR)
        return die (c, strerror (errno));
    }
  return IOS_OK;
}

/* Send exactly N bytes.  */
static ios_err
put (nbd_conn *c, const void *buf, size_t n)
{
  const unsigned char *p = buf;
  while (n > 0)
    {
      ssize_t r = send (c->fd, p, n, MSG_NOSIGNAL);
      if (r >= 0)
        {
          p += r;
          n -= (size_t) r;
          continue;
        }
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        {
          if (await (c, POLLOUT) != IOS_OK)
            return IOS_EIO;
        }
      else if (errno == EPIPE || errno == ECONNRESET)
        return die (c, "the NBD server closed the connection");
      else if (errno != EINTR)
        return die (c, strerror (errno));
    }
  return IOS_OK;
}

/* Connecting.  */

/* Connect the new non-blocking socket FD to ADDR, waiting at most
   TIMEOUT_MS.  */
static bool
connect_wait (int fd, const struct sockaddr *addr, socklen_t len,
              int timeout_ms)
{
  if (connect (fd, addr, len) == 0)
    return true;
  if (errno != EINPROGRESS && errno != EAGAIN && errno != EINTR)
    return false;
  nbd_conn c = { .fd = fd, .timeout_ms = timeout_ms };
  int err = 0;
  socklen_t elen = sizeof err;
  if (await (&c, POLLOUT) != IOS_OK
      || getsockopt (fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
    return false;
  errno = err;
  return err == 0;
}

static ios_err
connect_unix (const char *path, int timeout_ms, int *fd)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  if (strlen (path) >= sizeof sa.sun_path)
    return iodev_fail ("%s: the socket's name is too long", path);
  strcpy (sa.sun_path, path);
  *fd = socket (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (*fd < 0)
    return iodev_fail ("socket: %s", strerror (errno));
  if (connect_wait (*fd, (struct sockaddr *) &sa, sizeof sa, timeout_ms))
    return IOS_OK;
  int err = errno;
  close (*fd);
  return iodev_fail ("%s: %s", path, err ? strerror (err)
                                         : "it does not answer");
}

static ios_err
connect_tcp (const char *host, const char *port, int timeout_ms, int *fd)
{
  struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
                            .ai_flags = AI_NUMERICSERV }, *ai, *a;
  int r = getaddrinfo (host, port, &hints, &ai);
  if (r != 0)
    return iodev_fail ("%s: %s", host, gai_strerror (r));
  int err = 0;
  for (a = ai; a; a = a->ai_next)
    {
      *fd = socket (a->ai_family,
                    a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    a->ai_protocol);
      if (*fd < 0)
        {
          err = errno;
          continue;
        }
      if (connect_wait (*fd, a->ai_addr, a->ai_addrlen, timeout_ms))
        break;
      err = errno;
      close (*fd);
    }
  freeaddrinfo (ai);
  if (a)
    return IOS_OK;
  return iodev_fail ("%s port %s: %s", host, port,
                     err ? strerror (err) : "it does not answer");
}

ios_err
nbd_connect (const nbd_uri *u, int timeout_ms, int *fd)
{
  return u->socket ? connect_unix (u->socket, timeout_ms, fd)
                   : connect_tcp (u->host, u->port, timeout_ms, fd);
}

/* The handshake.  */

/* The server's greeting; *GFLAGS gets its handshake flags.  Answer it
   with the client's flags.  */
static ios_err
greet (nbd_conn *c, uint16_t *gflags)
{
  unsigned char b[18];
  if (get (c, b, 8) != IOS_OK)
    return IOS_EIO;
  if (get_be (b, 8) != NBD_MAGIC)
    return die (c, "this is not an NBD server (no NBDMAGIC)");
  if (get (c, b + 8, 8) != IOS_OK)
    return IOS_EIO;
  if (get_be (b + 8, 8) == NBD_OLDSTYLE)
    return die (c, "the NBD server speaks only the old-style handshake, "
                "which bpoke does not");
  if (get_be (b + 8, 8) != NBD_IHAVEOPT)
    return die (c, "the NBD server greets with an unknown magic");
  if (get (c, b + 16, 2) != IOS_OK)
    return IOS_EIO;
  *gflags = (uint16_t) get_be (b + 16, 2);
  put_be (b, *gflags & (NBD_FLAG_FIXED_NEWSTYLE | NBD_FLAG_NO_ZEROES), 4);
  return put (c, b, 4);
}

static ios_err
send_option (nbd_conn *c, uint32_t opt, const void *data, size_t len)
{
  unsigned char h[16];
  put_be (h, NBD_IHAVEOPT, 8);
  put_be (h + 8, opt, 4);
  put_be (h + 12, len, 4);
  return put (c, h, 16) == IOS_OK ? put (c, data, len) : IOS_EIO;
}

/* The name of an error reply to an option.  */
static const char *
rep_err_name (uint32_t type)
{
  static const char *const names[] = {
    "", "not supported", "forbidden by policy", "invalid",
    "not supported on this platform", "TLS is required", "unknown export",
    "the server is shutting down", "a block size must be negotiated",
    "too big"
  };
  uint32_t i = type & 0x7fffffffu;
  return i > 0 && i < sizeof names / sizeof names[0] ? names[i]
                                                      : "an unknown error";
}

/* The error reply TYPE with its message MSG of N bytes: a failure that
   names EXPORT, with what can be printed of the message.  */
static ios_err
refused (nbd_conn *c, const char *export, uint32_t type,
         const unsigned char *msg, size_t n)
{
  char text[256];
  size_t k = 0;
  for (size_t i = 0; i < n && k + 1 < sizeof text; i++)
    text[k++] = msg[i] >= ' ' && msg[i] < 0x7f ? (char) msg[i] : '?';
  text[k] = '\0';
  c->dead = true;
  return iodev_fail ("the NBD server refused the export \"%s\": %s%s%s",
                     export, rep_err_name (type), k ? ": " : "", text);
}

/* One reply to option OPT: its type and data (*DATA, to be freed, of
   *LEN bytes).  */
static ios_err
option_reply (nbd_conn *c, uint32_t opt, uint32_t *type,
              unsigned char **data, uint32_t *len)
{
  unsigned char h[20];
  if (get (c, h, 20) != IOS_OK)
    return IOS_EIO;
  if (get_be (h, 8) != NBD_REP_MAGIC)
    return die (c, "the NBD server sent an option reply with a bad magic");
  if (get_be (h + 8, 4) != opt)
    return die (c, "the NBD server answered another option than asked");
  *type = (uint32_t) get_be (h + 12, 4);
  *len = (uint32_t) get_be (h + 16, 4);
  if (*len > NBD_MAX_REPLY)
    {
      c->dead = true;
      return iodev_fail ("the NBD server sent an option reply of %lu "
                         "bytes, more than the %u allowed",
                         (unsigned long) *len, NBD_MAX_REPLY);
    }
  *data = xmalloc (*len + 1);
  if (get (c, *data, *len) != IOS_OK)
    {
      free (*data);
      return IOS_EIO;
    }
  return IOS_OK;
}

/* The information D of LEN bytes of an NBD_REP_INFO reply: the
   export's size and flags (*SIZED then) or something else, ignored.  */
static ios_err
take_info (nbd_conn *c, const unsigned char *d, uint32_t len, bool *sized)
{
  if (len < 2 || get_be (d, 2) != NBD_INFO_EXPORT)
    return IOS_OK;
  if (len != 12)
    return die (c, "the NBD server sent a malformed export size");
  c->size = get_be (d + 2, 8);
  c->tflags = (uint16_t) get_be (d + 10, 2);
  *sized = true;
  return IOS_OK;
}

/* Ask for EXPORT with NBD_OPT_GO; *UNSUP if the server does not know
   that option.  */
static ios_err
opt_go (nbd_conn *c, const char *export, bool *unsup)
{
  size_t n = strlen (export);
  unsigned char *req = xmalloc (n + 6);
  put_be (req, n, 4);
  memcpy (req + 4, export, n);
  put_be (req + 4 + n, 0, 2);   /* No information asked for.  */
  ios_err e = send_option (c, NBD_OPT_GO, req, n + 6);
  free (req);
  bool sized = false;
  for (int i = 0; e == IOS_OK; i++)
    {
      uint32_t type = 0, len = 0;
      unsigned char *d = NULL;
      if (i == NBD_MAX_REPLIES)
        return die (c, "the NBD server sent too many replies to "
                    "NBD_OPT_GO");
      if ((e = option_reply (c, NBD_OPT_GO, &type, &d, &len)) != IOS_OK)
        break;
      if (type == NBD_REP_INFO)
        e = take_info (c, d, len, &sized);
      else if (type == NBD_REP_ERR_UNSUP)
        *unsup = true;
      else if (type & 0x80000000u)
        e = refused (c, export, type, d, len);
      free (d);
      if (*unsup || (e == IOS_OK && type == NBD_REP_ACK))
        break;
    }
  if (e == IOS_OK && !*unsup && !sized)
    e = die (c, "the NBD server gave no export size");
  return e;
}

/* Ask for EXPORT with NBD_OPT_EXPORT_NAME, which servers that do not
   want it answer by hanging up.  */
static ios_err
opt_export_name (nbd_conn *c, const char *export, uint16_t gflags)
{
  unsigned char b[124];
  if (send_option (c, NBD_OPT_EXPORT_NAME, export, strlen (export))
      != IOS_OK)
    return IOS_EIO;
  if (get (c, b, 10) != IOS_OK)
    return iodev_fail ("the NBD server refused the export \"%s\" (it "
                       "closed the connection)", export);
  c->size = get_be (b, 8);
  c->tflags = (uint16_t) get_be (b + 8, 2);
  return gflags & NBD_FLAG_NO_ZEROES ? IOS_OK : get (c, b, 124);
}

ios_err
nbd_handshake (int fd, const char *export, int timeout_ms, nbd_conn *c)
{
  memset (c, 0, sizeof *c);
  c->fd = fd;
  c->timeout_ms = timeout_ms;
  uint16_t gflags = 0;
  bool unsup = false;
  ios_err e = IOS_EIO;
  /* The longest export name the protocol allows.  */
  if (strlen (export) > 4096)
    iodev_fail ("the export name is longer than 4096 bytes");
  else if ((e = greet (c, &gflags)) == IOS_OK)
    {
      /* A server without fixed newstyle knows no option but
         EXPORT_NAME.  */
      if (gflags & NBD_FLAG_FIXED_NEWSTYLE)
        e = opt_go (c, export, &unsup);
      if (e == IOS_OK && (unsup || !(gflags & NBD_FLAG_FIXED_NEWSTYLE)))
        e = opt_export_name (c, export, gflags);
    }
  /* Offsets in bits must reach every byte.  */
  if (e == IOS_OK && c->size > UINT64_MAX / 8)
    e = iodev_fail ("the NBD server says the export has %llu bytes, more "
                    "than bpoke can address",
                    (unsigned long long) c->size);
  if (e == IOS_OK && !(c->tflags & NBD_FLAG_HAS_FLAGS))
    c->tflags = 0;
  if (e != IOS_OK)
    {
      close (fd);
      c->fd = -1;
    }
  return e;
}

/* Transmission.  */

/* Send request TYPE for LEN bytes at OFF, with DATA for a write.  */
static ios_err
request (nbd_conn *c, uint16_t type, uint64_t off, uint32_t len,
         const void *data)
{
  if (c->dead)
    return iodev_fail ("the connection to the NBD server was lost "
                       "earlier");
  unsigned char h[28];
  put_be (h, NBD_REQ_MAGIC, 4);
  put_be (h + 4, 0, 2);
  put_be (h + 6, type, 2);
  put_be (h + 8, ++c->cookie, 8);
  put_be (h + 16, off, 8);
  put_be (h + 24, len, 4);
  if (put (c, h, 28) != IOS_OK)
    return IOS_EIO;
  return data ? put (c, data, len) : IOS_OK;
}

/* The text of an NBD error code.  */
static const char *
nbd_strerror (uint32_t err)
{
  switch (err)
    {
    case 1: return "operation not permitted (EPERM)";
    case 5: return "input/output error (EIO)";
    case 12: return "out of memory (ENOMEM)";
    case 22: return "invalid argument (EINVAL)";
    case 28: return "no space left (ENOSPC)";
    case 75: return "value too large (EOVERFLOW)";
    case 95: return "operation not supported (ENOTSUP)";
    case 108: return "the server is shutting down (ESHUTDOWN)";
    default: return "an unknown error";
    }
}

/* The simple reply to the last request, with LEN bytes into DATA if
   it succeeded and DATA is not NULL.  */
static ios_err
reply (nbd_conn *c, void *data, size_t len)
{
  unsigned char h[16];
  if (get (c, h, 16) != IOS_OK)
    return IOS_EIO;
  if (get_be (h, 4) != NBD_SIMPLE_MAGIC)
    return die (c, "the NBD server sent a reply with a bad magic");
  if (get_be (h + 8, 8) != c->cookie)
    return die (c, "the NBD server answered another request than asked");
  uint32_t err = (uint32_t) get_be (h + 4, 4);
  if (err)
    return iodev_fail ("the NBD server says: %s", nbd_strerror (err));
  return data ? get (c, data, len) : IOS_OK;
}

/* Fail for OP of N bytes at OFF, with the reason already set.  */
static ios_err
chunk_fail (const char *op, size_t n, uint64_t off)
{
  char reason[512];
  snprintf (reason, sizeof reason, "%s", iodev_why ());
  return iodev_fail ("%s %zu byte%s at offset %#llx: %s", op, n,
                     n == 1 ? "" : "s", (unsigned long long) off, reason);
}

/* Read or write N bytes at OFF in BUF, in requests of at most NBD_CHUNK
   bytes.  */
static ios_err
chunks (nbd_conn *c, bool write, uint64_t off, unsigned char *buf,
        size_t n)
{
  while (n > 0)
    {
      uint32_t k = n < NBD_CHUNK ? (uint32_t) n : NBD_CHUNK;
      if (request (c, write ? NBD_CMD_WRITE : NBD_CMD_READ, off, k,
                   write ? buf : NULL) != IOS_OK
          || reply (c, write ? NULL : buf, k) != IOS_OK)
        {
          /* The server may have written some of this request.  */
          if (write)
            iodev_stopped_at = off + k;
          return chunk_fail (write ? "writing" : "reading", k, off);
        }
      buf += k;
      off += k;
      n -= k;
    }
  return IOS_OK;
}

ios_err
nbd_read (nbd_conn *c, uint64_t off, void *buf, size_t n)
{
  return chunks (c, false, off, buf, n);
}

ios_err
nbd_write (nbd_conn *c, uint64_t off, const void *buf, size_t n)
{
  iodev_step ();
  return chunks (c, true, off, (unsigned char *) buf, n);
}

ios_err
nbd_flush (nbd_conn *c)
{
  if (!(c->tflags & NBD_FLAG_SEND_FLUSH))
    return IOS_OK;
  iodev_step ();
  if (request (c, NBD_CMD_FLUSH, 0, 0, NULL) != IOS_OK
      || reply (c, NULL, 0) != IOS_OK)
    {
      char reason[512];
      snprintf (reason, sizeof reason, "%s", iodev_why ());
      return iodev_fail ("flushing: %s", reason);
    }
  return IOS_OK;
}

void
nbd_close (nbd_conn *c)
{
  if (c->fd < 0)
    return;
  /* The server answers no NBD_CMD_DISC: say it, at most one wait.  */
  if (!c->dead)
    request (c, NBD_CMD_DISC, 0, 0, NULL);
  close (c->fd);
  c->fd = -1;
}

/* The device.  */

static ios_err
dev_read (iodev *d, uint64_t off, void *buf, size_t n)
{
  return nbd_read (d->nbd, off, buf, n);
}

static ios_err
dev_write (iodev *d, uint64_t off, const void *buf, size_t n)
{
  return nbd_write (d->nbd, off, buf, n);
}

static ios_err
dev_resize (iodev *d, uint64_t size)
{
  (void) d;
  (void) size;
  return iodev_fail ("an NBD export has a fixed size");
}

static ios_err
dev_sync (iodev *d)
{
  return nbd_flush (d->nbd);
}

static uint64_t
dev_size (iodev *d)
{
  return d->nbd->size;
}

static iodev_change
dev_check (iodev *d)
{
  (void) d;
  return IODEV_CHANGED;         /* Other clients may write the export.  */
}

static void
dev_close (iodev *d)
{
  nbd_close (d->nbd);
  free (d->nbd);
}

static const iodev_ops nbd_ops = {
  "NBD", dev_read, dev_write, dev_resize, dev_sync, dev_size, dev_check,
  dev_close
};

/* The timeout of waits on servers, in milliseconds.  */
static int
timeout_ms (void)
{
  const char *s = getenv ("BPOKE_NBD_TIMEOUT");
  char *end;
  long t = s ? strtol (s, &end, 10) : 0;
  return s && *s && !*end && t > 0 && t <= 3600 ? (int) t * 1000
                                                 : NBD_TIMEOUT_MS;
}

ios_err
iodev_open_nbd (const char *uri, uint64_t mode, uint64_t *flags,
                iodev **out)
{
  nbd_uri u;
  char why[256];
  int fd, ms = timeout_ms ();
  nbd_conn *c = xcalloc (1, sizeof *c);
  if (!nbd_uri_parse (uri, &u, why, sizeof why))
    {
      free (c);
      return iodev_fail ("%s: %s", uri, why);
    }
  ios_err e = nbd_connect (&u, ms, &fd);
  if (e == IOS_OK)
    e = nbd_handshake (fd, u.export, ms, c);
  nbd_uri_free (&u);
  bool ro = c->tflags & NBD_FLAG_READ_ONLY;
  if (e == IOS_OK && ro && (mode & IOS_F_WRITE))
    {
      nbd_close (c);
      e = IOS_EINVAL;
      iodev_fail ("the export is read-only");
    }
  if (e != IOS_OK)
    {
      free (c);
      return e;
    }
  iodev *d = xcalloc (1, sizeof *d);
  d->ops = &nbd_ops;
  d->fd = -1;
  d->nbd = c;
  d->can_read = true;
  d->can_write = !ro && (mode == 0 || (mode & IOS_F_WRITE));
  *flags = mode ? mode : ro ? IOS_F_READ : IOS_M_RDWR;
  *out = d;
  return IOS_OK;
}
