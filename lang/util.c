/* util.c -- allocation, string buffers and arenas (see util.h).  */

#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

void (*xalloc_fail_hook) (void);
static bool failing;

void
xalloc_fail (void)
{
  /* The hook raises, and raising allocates: should that fail too, give
     up.  */
  if (xalloc_fail_hook && !failing)
    {
      failing = true;
      xalloc_fail_hook ();
    }
  fputs ("bpoke: out of memory\n", stderr);
  abort ();
}

void
xalloc_fail_recovered (void)
{
  failing = false;
}

void *
xmalloc (size_t n)
{
  void *p = malloc (n ? n : 1);
  if (!p)
    xalloc_fail ();
  return p;
}

void *
xcalloc (size_t n, size_t size)
{
  void *p = calloc (n ? n : 1, size ? size : 1);
  if (!p)
    xalloc_fail ();
  return p;
}

void *
xrealloc (void *p, size_t n)
{
  p = realloc (p, n ? n : 1);
  if (!p)
    xalloc_fail ();
  return p;
}

char *
xstrndup (const char *s, size_t n)
{
  char *p = xmalloc (n + 1);
  memcpy (p, s, n);
  p[n] = '\0';
  return p;
}

char *
xstrdup (const char *s)
{
  return xstrndup (s, strlen (s));
}

void
sb_init (strbuf *sb)
{
  sb->data = NULL;
  sb->len = sb->cap = 0;
}

void
sb_free (strbuf *sb)
{
  free (sb->data);
  sb_init (sb);
}

void
sb_reset (strbuf *sb)
{
  sb->len = 0;
  if (sb->data)
    sb->data[0] = '\0';
}

/* Room for EXTRA more bytes and the NUL.  */
static __attribute__ ((noinline)) void
sb_grow (strbuf *sb, size_t extra)
{
  size_t cap = sb->cap ? sb->cap : 64;
  while (cap < sb->len + extra + 1)
    cap *= 2;
  sb->data = xrealloc (sb->data, cap);
  sb->cap = cap;
}

static bool
sb_room (const strbuf *sb, size_t extra)
{
  return sb->len + extra + 1 <= sb->cap;
}

/* Bytes S[0, N) at the end of SB, which has room for them.  */
static void
sb_append (strbuf *sb, const char *s, size_t n)
{
  memcpy (sb->data + sb->len, s, n);
  sb->len += n;
  sb->data[sb->len] = '\0';
}

/* The growing cases of sb_putc and sb_putn, apart and called last so
   that the common ones (printing a large value puts millions of bytes,
   nearly all with room to spare) save no registers.  */
static __attribute__ ((noinline)) void
sb_grow_putc (strbuf *sb, char c)
{
  sb_grow (sb, 1);
  sb_append (sb, &c, 1);
}

static __attribute__ ((noinline)) void
sb_grow_putn (strbuf *sb, const char *s, size_t n)
{
  sb_grow (sb, n);
  sb_append (sb, s, n);
}

void
sb_putc (strbuf *sb, char c)
{
  if (!sb_room (sb, 1))
    {
      sb_grow_putc (sb, c);
      return;
    }
  sb->data[sb->len++] = c;
  sb->data[sb->len] = '\0';
}

void
sb_putn (strbuf *sb, const char *s, size_t n)
{
  if (!sb_room (sb, n))
    {
      sb_grow_putn (sb, s, n);
      return;
    }
  sb_append (sb, s, n);
}

void
sb_puts (strbuf *sb, const char *s)
{
  sb_putn (sb, s, strlen (s));
}

void
sb_vprintf (strbuf *sb, const char *fmt, va_list ap)
{
  va_list ap2;
  char tmp[256];
  if (!fmt)
    return;
  va_copy (ap2, ap);
  int n = vsnprintf (tmp, sizeof tmp, fmt, ap2);
  va_end (ap2);
  if (n < 0)
    return;
  if (!sb_room (sb, (size_t) n))
    sb_grow (sb, (size_t) n);
  vsnprintf (sb->data + sb->len, (size_t) n + 1, fmt, ap);
  sb->len += (size_t) n;
}

void
sb_printf (strbuf *sb, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  sb_vprintf (sb, fmt, ap);
  va_end (ap);
}

char *
sb_steal (strbuf *sb)
{
  char *p = sb->data ? sb->data : xstrdup ("");
  sb_init (sb);
  return p;
}

struct arena_block
{
  struct arena_block *next;
  size_t used, cap;
  max_align_t data[];
};

void
arena_init (arena *a)
{
  a->blocks = NULL;
}

/* Blocks after the first have their pages populated at once: a
   program of some size compiles into hundreds of KiB of AST, and in a
   virtual machine a page fault costs several times what populating the
   page in one madvise call does.  (Blocks from mmap would be as quick
   to fill, but munmap at exit costs as much again.)  The first block is
   small, so that small arenas stay cheap.  */
enum { ARENA_FIRST = 16384, ARENA_NEXT = 65536 };

static struct arena_block *
arena_block_new (arena *a, size_t n)
{
  size_t cap = a->blocks ? ARENA_NEXT : ARENA_FIRST;
  if (cap < n)
    cap = n;
  struct arena_block *b = xmalloc (sizeof *b + cap);
#ifdef MADV_POPULATE_WRITE
  if (a->blocks)
    {
      /* The whole pages inside the block; failure is harmless.  */
      uintptr_t lo = ((uintptr_t) b->data + 4095) & ~(uintptr_t) 4095;
      uintptr_t hi = ((uintptr_t) b->data + cap) & ~(uintptr_t) 4095;
      if (hi > lo)
        madvise ((void *) lo, hi - lo, MADV_POPULATE_WRITE);
    }
#endif
  b->cap = cap;
  b->used = 0;
  b->next = a->blocks;
  a->blocks = b;
  return b;
}

void *
arena_alloc (arena *a, size_t n)
{
  n = (n + sizeof (max_align_t) - 1) & ~(sizeof (max_align_t) - 1);
  struct arena_block *b = a->blocks;
  if (!b || b->used + n > b->cap)
    b = arena_block_new (a, n);
  void *p = (char *) b->data + b->used;
  b->used += n;
  memset (p, 0, n);
  return p;
}

char *
arena_strndup (arena *a, const char *s, size_t n)
{
  char *p = arena_alloc (a, n + 1);
  memcpy (p, s, n);
  p[n] = '\0';
  return p;
}

void
arena_free (arena *a)
{
  struct arena_block *b = a->blocks;
  while (b)
    {
      struct arena_block *next = b->next;
      free (b);
      b = next;
    }
  a->blocks = NULL;
}
