/* util.h -- small helpers shared by every module: checked allocation,
   growable string buffers and an arena for objects that live as long as
   the interpreter (types, AST nodes).  */

#ifndef BPOKE_UTIL_H
#define BPOKE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Running out of memory calls XALLOC_FAIL_HOOK, which may leave by
   longjmp (the interpreter raises an exception) once it has called
   xalloc_fail_recovered; if it returns, or runs out of memory itself,
   or there is none, bpoke aborts.  */
extern void (*xalloc_fail_hook) (void);
_Noreturn void xalloc_fail (void);
void xalloc_fail_recovered (void);
void *xmalloc (size_t n);
void *xcalloc (size_t n, size_t size);
void *xrealloc (void *p, size_t n);
char *xstrdup (const char *s);
char *xstrndup (const char *s, size_t n);

/* A growable, always NUL-terminated byte buffer.  */
typedef struct strbuf
{
  char *data;
  size_t len;
  size_t cap;
} strbuf;

void sb_init (strbuf *sb);
void sb_free (strbuf *sb);
void sb_reset (strbuf *sb);
void sb_putc (strbuf *sb, char c);
void sb_putn (strbuf *sb, const char *s, size_t n);
void sb_puts (strbuf *sb, const char *s);
void sb_printf (strbuf *sb, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));
void sb_vprintf (strbuf *sb, const char *fmt, va_list ap);
/* Take ownership of the buffer's bytes; the strbuf is left empty.  */
char *sb_steal (strbuf *sb);

/* An arena: many small allocations freed at once.  */
typedef struct arena
{
  struct arena_block *blocks;
} arena;

void arena_init (arena *a);
void *arena_alloc (arena *a, size_t n);
char *arena_strndup (arena *a, const char *s, size_t n);
void arena_free (arena *a);

/* The number of elements of a C array.  */
#define countof(a) (sizeof (a) / sizeof ((a)[0]))

#endif
