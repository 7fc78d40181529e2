/* nbd.h -- IO spaces on Network Block Device servers: the NBD URIs
   (nbd://HOST[:PORT][/EXPORT] and nbd+unix:///[EXPORT]?socket=PATH, the
   handler names GNU poke 4.3 takes), the client side of the NBD
   protocol, and the device (iodev.h) made of them.

   The protocol is the fixed newstyle one: the export is chosen with
   NBD_OPT_GO, or NBD_OPT_EXPORT_NAME with a server that does not know
   GO; transmission uses simple replies only, one request at a time.
   Every wait on the server is bounded: a server that stops answering
   is an error after nbd_timeout_ms, and the connection is then dead
   (what it would send later could not be told from the answers to
   later requests).  Failures are said with iodev_fail.  */

#ifndef BPOKE_NBD_H
#define BPOKE_NBD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iodev.h"

/* What an NBD URI names.  SOCKET is set for nbd+unix, HOST and PORT
   for nbd; EXPORT is the export name, decoded ("" for the default
   export).  */
typedef struct nbd_uri
{
  char *host, *port, *socket, *export;
} nbd_uri;

/* Is HANDLER an NBD URI (by its scheme)?  */
bool nbd_is_uri (const char *handler);
/* Parse URI into *U; false, with the reason in WHY, if it is not a
   valid NBD URI.  */
bool nbd_uri_parse (const char *uri, nbd_uri *u, char *why, size_t whylen);
void nbd_uri_free (nbd_uri *u);

/* A connection, after the handshake.  */
typedef struct nbd_conn
{
  int fd;
  uint64_t size;                /* The export's size in bytes.  */
  uint16_t tflags;              /* Its transmission flags.  */
  uint64_t cookie;              /* Of the last request.  */
  int timeout_ms;               /* For each wait on the server.  */
  bool dead;                    /* Nothing more can be asked.  */
} nbd_conn;

/* The transmission flags that matter here.  */
#define NBD_FLAG_HAS_FLAGS  (1u << 0)
#define NBD_FLAG_READ_ONLY  (1u << 1)
#define NBD_FLAG_SEND_FLUSH (1u << 2)

/* How long a wait on the server may last, in milliseconds, unless the
   environment variable BPOKE_NBD_TIMEOUT says otherwise (in
   seconds).  */
#define NBD_TIMEOUT_MS 30000

/* Run the handshake on FD (connected to a server) for EXPORT; on
   success *C is the connection, owning FD.  On failure FD is closed.  */
ios_err nbd_handshake (int fd, const char *export, int timeout_ms,
                       nbd_conn *c);
/* Connect to the server U names (not yet handshaken).  */
ios_err nbd_connect (const nbd_uri *u, int timeout_ms, int *fd);

/* N bytes at OFF, in requests of at most NBD_CHUNK bytes.  A failed
   write sets iodev_stopped_at past the bytes it may have changed.  */
#define NBD_CHUNK (1u << 20)
ios_err nbd_read (nbd_conn *c, uint64_t off, void *buf, size_t n);
ios_err nbd_write (nbd_conn *c, uint64_t off, const void *buf, size_t n);
/* NBD_CMD_FLUSH, if the server offers it.  */
ios_err nbd_flush (nbd_conn *c);
/* NBD_CMD_DISC (if the connection still works), then close it.  */
void nbd_close (nbd_conn *c);

/* The device: open URI for MODE as iodev_open_file does (0 is
   read-write unless the export is read-only).  IOS_EINVAL if MODE asks
   to write a read-only export.  */
ios_err iodev_open_nbd (const char *uri, uint64_t mode, uint64_t *flags,
                        iodev **out);

#endif
