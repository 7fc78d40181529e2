/* dump.c -- the builtins behind the dump command (stdlib/std.bpk):
   rows of bytes in hexadecimal and ASCII under a ruler, and, for
   `dump :val', the rows of a mapped value with the names of its
   elements beside the row where each starts.  The layout, down to the
   blanks, is GNU poke 4.3's, quirks included (see dump_pad).  Output
   goes out as it is made, as GNU poke's does: a zero group or cluster
   size raises E_div_by_zero after part of it.  When the output is
   styled, the ruler, addresses, ASCII column and unknown bytes are in
   their classes; so are, for dump :val, the bytes and the name of each
   element, in the classes dump-val1 to dump-val4 in turn, so that the
   eye can tell which bytes each name stands for.  */

#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "dump.h"
#include "elems.h"
#include "ios.h"
#include "map.h"
#include "style.h"

/* An offset argument, in bits.  */
static int64_t
bits_arg (val x)
{
  if (x.t->kind != TY_OFFSET)
    return x.v.i;
  return (int64_t) (x.v.u * x.t->u.o.unit);
}

static ios *
ios_arg (vm *v, val x)
{
  ios *io = x.t ? ios_get ((int) x.v.i) : ios_cur ();
  if (!io)
    vm_raise_code (v, EC_NO_IOS, NULL);
  return io;
}

/* The bits of element IDX of the value dump :val shows, for styling.  */
typedef struct dump_span
{
  uint64_t off, size;
  int idx;
} dump_span;

/* How to lay the rows out, and where the output is.  COL counts the
   characters of the current line, for the names of dump :val.  SPANS,
   sorted by offset, are the elements whose bytes are styled (none but
   for a styled dump :val).  */
typedef struct dump_ctx
{
  vm *v;
  FILE *out;
  ios *io;
  int64_t group, cluster;
  bool ruler, ascii;
  char nonprint;
  const char *unknown;
  size_t col;
  dump_span *spans;
  int nspans;
} dump_ctx;

/* Open class C, or end the innermost with C -1, when the output is
   styled; the escapes take no column.  */
static void
dstyle (dump_ctx *d, int c)
{
  if (!d->v->popts.style)
    return;
  strbuf sb;
  sb_init (&sb);
  if (c < 0)
    style_end (d->v->popts.style, &sb);
  else
    style_begin (d->v->popts.style, &sb, (style_class) c);
  if (sb.len)
    fwrite (sb.data, 1, sb.len, d->out);
  sb_free (&sb);
}

/* The class of element IDX: dump-val1 to dump-val4 in turn.  */
static int
val_class (int idx)
{
  return STYLE_DUMP_VAL1 + idx % 4;
}

/* The class of the byte at BYTE, that of the first element holding its
   first bit, or -1.  The elements before the last one that starts at
   or before it are looked at in turn, a few of them (overlaps are
   rare: unions, labels).  */
static int
byte_class (const dump_ctx *d, uint64_t byte)
{
  uint64_t bit = byte * 8;
  int lo = 0, hi = d->nspans;
  while (lo < hi)
    {
      int mid = lo + (hi - lo) / 2;
      if (d->spans[mid].off <= bit)
        lo = mid + 1;
      else
        hi = mid;
    }
  int found = -1;
  for (int i = lo - 1; i >= 0 && i >= lo - 64; i--)
    if (bit < d->spans[i].off + d->spans[i].size
        && (found < 0 || d->spans[i].idx < d->spans[found].idx))
      found = i;
  return found < 0 ? -1 : val_class (d->spans[found].idx);
}

static void
emit (dump_ctx *d, const char *s)
{
  fputs (s, d->out);
  d->col += strlen (s);
}

static void
emit_char (dump_ctx *d, char c)
{
  fputc (c, d->out);
  d->col++;
}

static int64_t
dump_mod (dump_ctx *d, int64_t a, int64_t b, bool in_class)
{
  if (b == 0)
    {
      /* The raise leaves no class open.  */
      if (in_class)
        dstyle (d, -1);
      fflush (d->out);
      vm_raise_code (d->v, EC_DIV_BY_ZERO, NULL);
    }
  return a % b;
}

static void
dump_ruler (dump_ctx *d, uint64_t start)
{
  char hex[8];
  dstyle (d, STYLE_DUMP_RULER);
  emit (d, start > 0xffffffffu ? "FEDCBA9876543210 " : "76543210 ");
  for (int i = 0; i < 16; i++)
    {
      if (dump_mod (d, i, d->group, true) == 0)
        emit_char (d, ' ');
      snprintf (hex, sizeof hex, "%x%x", i, i);
      emit (d, hex);
      if (dump_mod (d, i + 1, d->cluster * d->group, true) == 0 && i + 1 < 16)
        emit_char (d, ' ');
    }
  if (d->ascii)
    {
      emit (d, "  ");
      for (int i = 0; i < 16; i++)
        {
          snprintf (hex, sizeof hex, "%X", i);
          emit (d, hex);
          if ((i + 1) % (d->cluster * d->group) == 0 && i + 1 < 16)
            emit_char (d, ' ');
        }
    }
  dstyle (d, -1);
  emit_char (d, '\n');
}

/* The blanks after a row of N < 16 bytes.  A plain dump pads only up to
   the ASCII column; dump :val pads the ASCII column too, so that the
   names line up, and without ASCII it pads 3 blanks a missing byte if N
   ends a group, else 2, as GNU poke 4.3 does.  */
static void
dump_pad (dump_ctx *d, int n, bool names)
{
  if (d->ascii || names)
    for (int i = n; i < 16; i++)
      {
        if (d->ascii)
          emit (d, dump_mod (d, i, d->group, false) == 0 ? "   " : "  ");
        else
          emit (d, dump_mod (d, n, d->group, false) == 0 ? "   " : "  ");
      }
}

/* Print the row of bytes from LINE (bytes) up to END; false at the end
   of the space.  With NAMES, the ASCII column is padded to its width.  */
static bool
dump_row (dump_ctx *d, uint64_t line, uint64_t end, bool names)
{
  char buf[32];
  char chars[16];
  int cls[16];
  bool eof = false;
  int n = 0;
  d->col = 0;
  snprintf (buf, sizeof buf, line > 0xffffffffu ? "%016llx:" : "%08llx:",
            (unsigned long long) line);
  dstyle (d, STYLE_DUMP_ADDRESS);
  emit (d, buf);
  dstyle (d, -1);
  for (; n < 16 && line + (uint64_t) n < end; n++)
    {
      uint64_t b;
      ios_err e = ios_read_int (d->io, (line + (uint64_t) n) * 8
                                       + (uint64_t) ios_bias (d->io),
                                8, true, &b);
      if (e == IOS_EEOF)
        {
          eof = true;
          break;
        }
      if (dump_mod (d, n, d->group, false) == 0)
        emit_char (d, ' ');
      cls[n] = d->nspans ? byte_class (d, line + (uint64_t) n) : -1;
      if (e == IOS_OK)
        {
          snprintf (buf, sizeof buf, "%02x", (unsigned) b);
          if (cls[n] >= 0)
            dstyle (d, cls[n]);
          emit (d, buf);
          if (cls[n] >= 0)
            dstyle (d, -1);
        }
      else
        {
          dstyle (d, STYLE_DUMP_UNKNOWN);
          emit (d, d->unknown);
          dstyle (d, -1);
        }
      chars[n] = e == IOS_OK && b >= 0x20 && b < 0x7f ? (char) b : d->nonprint;
      if (dump_mod (d, n + 1, d->cluster * d->group, false) == 0
          && n + 1 < 16)
        emit_char (d, ' ');
    }
  dump_pad (d, n, names);
  if (d->ascii)
    {
      emit (d, "  ");
      dstyle (d, STYLE_DUMP_ASCII);
      for (int i = 0; i < n; i++)
        {
          if (cls[i] >= 0)
            dstyle (d, cls[i]);
          emit_char (d, chars[i]);
          if (cls[i] >= 0)
            dstyle (d, -1);
          if ((i + 1) % (d->cluster * d->group) == 0 && i + 1 < 16)
            emit_char (d, ' ');
        }
      dstyle (d, -1);
      for (int i = n; names && i < 16; i++)
        emit_char (d, ' ');
    }
  return !eof;
}

static void
dump_ctx_init (dump_ctx *d, vm *v, ios *io, val *args)
{
  d->v = v;
  d->out = v->out;
  d->io = io;
  d->group = bits_arg (args[0]) / 8;
  d->cluster = args[1].v.i;
  d->ruler = args[2].v.i != 0;
  d->ascii = args[3].v.i != 0;
  d->nonprint = (char) args[4].v.u;
  d->unknown = val_str (args[5])->data;
  d->col = 0;
  d->spans = NULL;
  d->nspans = 0;
}

/* _pk_dump (IOS, FROM, SIZE, GROUP_BY, CLUSTER_BY, RULER, ASCII,
   NONPRINTABLE, UNKNOWN): the bytes from FROM, SIZE of them.  */
val
dump_bytes (vm *v, int nargs, val *args)
{
  (void) nargs;
  ios *io = ios_arg (v, args[0]);
  if (!(ios_flags (io) & IOS_F_READ))
    {
      fflush (v->out);
      vm_raise_ios (v, IOS_EPERM);
    }
  int64_t from = bits_arg (args[1]);
  int64_t size = bits_arg (args[2]);
  dump_ctx d;
  dump_ctx_init (&d, v, io, args + 3);
  uint64_t start = (uint64_t) from / 8;
  uint64_t end = (uint64_t) (from + size + 7) / 8;
  if (from + size < from)
    end = start;
  if (d.ruler)
    dump_ruler (&d, start);
  for (uint64_t line = start; line < end; line += 16)
    {
      bool more = dump_row (&d, line, end, false);
      emit_char (&d, '\n');
      if (!more)
        break;
    }
  fflush (d.out);
  return val_void ();
}

/* The elements of a mapped value, as dump :val names them: those of
   'elem (elems.c), the first 'length of them.  FN gets each one's
   index, value, name and bit offset.  As GNU poke's 'elem does, an
   absent field among them raises E_elem.  */
typedef void (*elem_fn) (void *ctx, int idx, val x, const char *name,
                         uint64_t off);

/* 'length: an array's elements; the fields and declarations of a
   complete struct type, else the fields present.  */
static uint64_t
dump_length (val x)
{
  if (x.t->kind == TY_ARRAY)
    return val_arr (x)->len;
  if (type_complete (x.t))
    return (uint64_t) (x.t->u.s.nfields + x.t->u.s.ndecls);
  uint64_t k = 0;
  for (int i = 0; i < val_sct (x)->nfields; i++)
    k += val_sct (x)->fields[i].t != NULL;
  return k;
}

static void
dump_each (vm *v, val x, elem_fn fn, void *ctx)
{
  vm_fresh (v, x);
  uint64_t n = dump_length (x);
  elem_info e;
  for (uint64_t i = 0; i < n && elem_at (x, i, &e); i++)
    {
      if (!e.v.t)
        {
          fflush (v->out);
          vm_raise_code (v, EC_ELEM, "evaluating an 'elem attribute");
        }
      fn (ctx, (int) i, e.v, e.name, e.off);
    }
}

static bool
is_mapped (val x)
{
  const pk_map *m = val_map (x);
  return m && m->mapped;
}

static void
no_elem (void *ctx, int idx, val x, const char *name, uint64_t off)
{
  (void) ctx, (void) idx, (void) x, (void) name, (void) off;
}

static void
push_elem (void *ctx, int idx, val x, const char *name, uint64_t off)
{
  (void) idx, (void) name, (void) off;
  array_push (ctx, x);
}

/* _pk_dump_elems (VAL): the elements of the mapped value VAL, in an
   any[], for dumpval.  */
val
dump_elems (vm *v, int nargs, val *args)
{
  (void) nargs;
  val x = args[0];
  dump_each (v, x, no_elem, NULL);      /* E_elem before allocating.  */
  pk_array *a = array_new (0);
  val r;
  r.t = type_array (type_any, NULL, false);
  r.v.o = &a->h;
  vm_push_root (v, r);
  dump_each (v, x, push_elem, a);
  vm_pop_roots (v, 1);
  return r;
}

/* The names dump :val prints: an element's name, after "K=" if it is
   itself a mapped value (dump :val K shows it), at its bit offset.
   LEN is the length of the name alone, which is what GNU poke 4.3
   counts to fill lines.  */
typedef struct dump_name
{
  uint64_t off, size;
  int idx;
  size_t len;
  char *text;
} dump_name;

typedef struct name_list
{
  dump_name *names;
  int n;
} name_list;

static void
add_name (void *ctx, int idx, val x, const char *name, uint64_t off)
{
  name_list *l = ctx;
  size_t len = strlen (name) + 16;
  char *text = xmalloc (len);
  if (is_mapped (x))
    snprintf (text, len, "%d=%s", idx, name);
  else
    snprintf (text, len, "%s", name);
  l->names[l->n++] = (dump_name) { off, val_size_bits (x), idx,
                                   strlen (name), text };
}

static int
name_cmp (const void *a, const void *b)
{
  const dump_name *x = a, *y = b;
  if (x->off != y->off)
    return x->off < y->off ? -1 : 1;
  return x->idx - y->idx;
}

static void
count_elem (void *ctx, int idx, val x, const char *name, uint64_t off)
{
  (void) idx, (void) x, (void) name, (void) off;
  ++*(int *) ctx;
}

/* Print the names of NAMES[*I...] that start in the row from LINE,
   going to a new line, under the first name, when the names of a line
   would pass WIDTH - 3 columns (their blanks and "K=" not counted, as
   in GNU poke 4.3).  */
static void
dump_row_names (dump_ctx *d, const name_list *l, int *i, uint64_t line,
                int width)
{
  size_t indent = d->col + 1, used = 0;
  for (; *i < l->n && l->names[*i].off / 8 < line + 16; ++*i)
    {
      const char *text = l->names[*i].text;
      size_t len = l->names[*i].len;
      if ((long long) (indent + used + len) > (long long) width - 3)
        {
          fprintf (d->out, "\n%*s", (int) indent, "");
          used = 0;
        }
      else
        fputc (' ', d->out);
      if (d->nspans)
        dstyle (d, val_class (l->names[*i].idx));
      fputs (text, d->out);
      if (d->nspans)
        dstyle (d, -1);
      used += len;
    }
}

static void
free_names (name_list *l)
{
  for (int i = 0; i < l->n; i++)
    free (l->names[i].text);
  free (l->names);
}

/* _pk_dump_val (VAL, GROUP_BY, CLUSTER_BY, RULER, ASCII, NONPRINTABLE,
   UNKNOWN, MAX_LINE_WIDTH): the rows that hold the mapped value VAL,
   from the start of the first, with the names of its elements.  A name
   shows only where its element starts at a hexadecimal digit, the
   first of those that start there.  */
val
dump_val (vm *v, int nargs, val *args)
{
  (void) nargs;
  val x = args[0];
  int count = 0;
  dump_each (v, x, count_elem, &count);
  const pk_map *m = val_map (x);
  ios *io = ios_get (m->ios);
  if (!io)
    vm_raise_code (v, EC_NO_IOS, NULL);
  dump_ctx d;
  dump_ctx_init (&d, v, io, args + 1);
  int width = (int) args[7].v.i;
  uint64_t from = m->offset, size = val_size_bits (x);
  uint64_t start = from / 8 / 16 * 16, end = (from + size + 7) / 8;
  name_list l = { NULL, 0 };
  /* A zero group or cluster raises before any name is printed.  */
  if (d.group != 0 && d.cluster * d.group != 0)
    {
      l.names = xmalloc (sizeof *l.names * (size_t) (count + 1));
      dump_each (v, x, add_name, &l);
      qsort (l.names, (size_t) l.n, sizeof *l.names, name_cmp);
      /* Every element's bytes are styled, named or not.  */
      if (v->popts.style)
        {
          d.spans = xmalloc (sizeof *d.spans * (size_t) (l.n + 1));
          for (int i = 0; i < l.n; i++)
            d.spans[d.nspans++] = (dump_span) { l.names[i].off,
                                                l.names[i].size,
                                                l.names[i].idx };
        }
      int k = 0;
      for (int i = 0; i < l.n; i++)
        if (l.names[i].off % 4 == 0 && l.names[i].off >= start * 8
            && l.names[i].off < end * 8
            && (k == 0 || l.names[k - 1].off != l.names[i].off))
          l.names[k++] = l.names[i];
        else
          free (l.names[i].text);
      l.n = k;
    }
  if (d.ruler)
    dump_ruler (&d, start);
  int next = 0;
  for (uint64_t line = start; line < end; line += 16)
    {
      bool more = dump_row (&d, line, end, true);
      dump_row_names (&d, &l, &next, line, width);
      emit_char (&d, '\n');
      if (!more)
        break;
    }
  free_names (&l);
  free (d.spans);
  fflush (d.out);
  return val_void ();
}
