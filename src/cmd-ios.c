/* cmd-ios.c -- the dot-commands that open IO spaces onto others: .sub
   (a range of an open space), .mmap (a range of a file mapped into
   memory), .proc (a process's memory, and its mappings) and .nbd (an
   NBD server's export).  Each builds or checks the handler that open ()
   takes (sub://, mmap://, pid://, nbd:// and nbd+unix://), as GNU poke
   4.3 does, and says what GNU poke says when it fails.  */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd-int.h"

/* Split TEXT at its commas into at most MAX trimmed parts, in PART (a
   copy of TEXT is modified).  Returns the number of parts, MAX + 1 if
   there are more.  */
static int
split_args (char *text, char **part, int max)
{
  int n = 0;
  for (char *p = text;; n++)
    {
      char *comma = strchr (p, ',');
      if (n == max)
        return max + 1;
      if (comma)
        *comma = '\0';
      p += strspn (p, " \t");
      size_t len = strlen (p);
      while (len > 0 && strchr (" \t", p[len - 1]))
        p[--len] = '\0';
      part[n] = p;
      if (!comma)
        return n + 1;
      p = comma + 1;
    }
}

/* An integer written as C writes them (0x, a leading 0 for octal), with
   a sign: a negative one is its 64-bit two's complement.  */
static bool
parse_u64 (const char *s, uint64_t *out)
{
  if (!*s)
    return false;
  char *end;
  errno = 0;
  *out = *s == '-' ? (uint64_t) strtoll (s, &end, 0)
                   : (uint64_t) strtoull (s, &end, 0);
  return !*end && errno == 0;
}

static void
note_id (void *ctx, const bpoke_ios *io)
{
  int *id = ctx;
  if (io->id == *id)
    *id = -1;
}

/* Is there an IO space of id ID?  */
static bool
ios_exists (bpoke *pk, int id)
{
  bpoke_ios_each (pk, note_id, &id);
  return id == -1;
}

/* Open HANDLER, the new current IO space, or say that the KIND IOS
   could not be created.  */
static bool
open_handler (bpoke *pk, const char *kind, const char *handler)
{
  if (bpoke_ios_open (pk, handler, 0) >= 0)
    return true;
  return cmd_fail ("Error creating %s IOS %s", kind, handler);
}

/* .nbd URI: the URI is the handler, so it must be an NBD one (GNU poke
   opens nothing else with it).  Why it failed goes to stderr, after
   GNU poke's message.  */
bool
cmd_nbd (bpoke *pk, const cmd_args *a, bool *quit)
{
  (void) quit;
  const char *uri = a->rest;
  if (bpoke_ios_lookup (pk, uri) >= 0)
    return cmd_fail ("Buffer %s already opened.  Use `.ios IOS' to switch.",
                     uri);
  bool nbd = strncmp (uri, "nbd://", 6) == 0
             || strncmp (uri, "nbd+unix://", 11) == 0;
  if (nbd && bpoke_ios_open (pk, uri, 0) >= 0)
    {
      cmd_say_current (pk);
      return true;
    }
  cmd_fail ("Error creating NBD IOS %s", uri);
  fflush (stdout);
  fprintf (stderr, "(%s)\n", nbd ? bpoke_ios_why (pk)
                   : "not an nbd:// or nbd+unix:// URI");
  return false;
}

/* Open the range of SIZE bytes from BASE that the handler
   HEAD0xBASE/0xSIZE/TAIL names.  */
static bool
open_range (bpoke *pk, const char *kind, const char *head, uint64_t base,
            uint64_t size, const char *tail)
{
  size_t len = strlen (head) + strlen (tail) + 48;
  char *handler = malloc (len);
  snprintf (handler, len, "%s0x%" PRIx64 "/0x%" PRIx64 "/%s", head, base,
            size, tail);
  bool ok = open_handler (pk, kind, handler);
  free (handler);
  return ok;
}

/* .sub IOS, BASE, SIZE [, NAME]: BASE and SIZE in bytes.  */
bool
cmd_sub (bpoke *pk, const cmd_args *a, bool *quit)
{
  (void) quit;
  char *text = strdup (a->rest);
  char *part[4];
  int n = split_args (text, part, 4);
  uint64_t id, base, size;
  bool ok;
  if (n < 3 || n > 4 || !parse_u64 (part[0], &id)
      || !parse_u64 (part[1], &base) || !parse_u64 (part[2], &size))
    ok = cmd_fail ("Usage: .sub IOS, BASE, SIZE, [NAME]");
  else if (!ios_exists (pk, (int) id))
    ok = cmd_fail ("error: no such IO space with id %d", (int) id);
  else
    {
      char head[32];
      snprintf (head, sizeof head, "sub://%d/", (int) id);
      ok = open_range (pk, "sub", head, base, size, n == 4 ? part[3] : "");
    }
  free (text);
  return ok;
}

/* .mmap FILE, BASE, SIZE: BASE and SIZE in bytes.  */
bool
cmd_mmap (bpoke *pk, const cmd_args *a, bool *quit)
{
  (void) quit;
  char *text = strdup (a->rest);
  char *part[3];
  uint64_t base, size;
  bool ok;
  if (split_args (text, part, 3) != 3 || !*part[0]
      || !parse_u64 (part[1], &base) || !parse_u64 (part[2], &size))
    ok = cmd_fail ("Usage: .mmap FILE-NAME, BASE, SIZE");
  else
    {
      /* GNU poke says first why the file does not open.  */
      int fd = open (part[0], O_RDONLY);
      if (fd < 0)
        printf ("Error in open of %s err: %s\n", part[0], strerror (errno));
      else
        close (fd);
      ok = open_range (pk, "mmap", "mmap://", base, size, part[0]);
    }
  free (text);
  return ok;
}

/* One line of /proc/PID/maps: START-END PERMS OFFSET DEV INODE PATH.
   False for a line that is not one.  */
static bool
parse_mapping (const char *line, uint64_t *start, uint64_t *end,
               char perms[5], const char **path)
{
  int n = 0;
  if (sscanf (line, "%" SCNx64 "-%" SCNx64 " %4s %*s %*s %*s%n", start, end,
              perms, &n) != 3 || n == 0 || *end < *start)
    return false;
  *path = line + n + strspn (line + n, " \t");
  return true;
}

/* The mappings of process PID as sub-spaces of IO space ID, in the order
   of their addresses, named as GNU poke 4.3 names them
   (sub://ID/0xSTART/0xSIZE/PATH); ALL of them, or only those that no
   file backs.  A mapping that can be read but not written opens
   read-only.  The process's space stays the current one.  */
static void
open_mappings (bpoke *pk, int id, uint64_t pid, bool all)
{
  char name[64];
  snprintf (name, sizeof name, "/proc/%" PRIu64 "/maps", pid);
  FILE *f = fopen (name, "r");
  if (!f)
    return;
  char line[4096 + 128];
  while (fgets (line, sizeof line, f))
    {
      line[strcspn (line, "\n")] = '\0';
      uint64_t start, end;
      char perms[5];
      const char *path;
      if (!parse_mapping (line, &start, &end, perms, &path)
          || (!all && path[0] == '/'))
        continue;
      size_t len = strlen (path) + 80;
      char *handler = malloc (len);
      snprintf (handler, len, "sub://%d/0x%" PRIx64 "/0x%" PRIx64 "/%s", id,
                start, end - start, path);
      bool ro = perms[0] == 'r' && perms[1] != 'w';
      if (bpoke_ios_open (pk, handler, ro ? 1 : 1 | 2) < 0)
        cmd_fail ("Error creating sub IOS %s", handler);
      free (handler);
    }
  fclose (f);
  bpoke_ios_set_current (pk, id);
}

/* .proc[/mM] PID: with /m, also the mappings that no file backs, each
   as an IO space; with /M, all the mappings.  */
bool
cmd_proc (bpoke *pk, const cmd_args *a, bool *quit)
{
  (void) quit;
  uint64_t pid;
  if (a->argc != 2 || !parse_u64 (a->argv[1], &pid))
    return cmd_fail ("Usage: .proc[/mM] PID");
  char handler[32];
  snprintf (handler, sizeof handler, "pid://%" PRIu64, pid);
  if (!open_handler (pk, "proc", handler))
    return false;
  bool all = strchr (a->flags, 'M') != NULL;
  if (all || strchr (a->flags, 'm'))
    open_mappings (pk, bpoke_ios_current (pk), pid, all);
  return true;
}
