/* builtins.c -- functions implemented in C: the few that the standard
   library cannot write in Poke itself.  Each has a Poke signature given
   as source text, compiled at start-up with the prelude.  */

#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dump.h"
#include "eval.h"
#include "ios.h"
#include "style.h"

/* Whether optional argument I was given (a missing one has no type).  */
static bool
arg_given (int nargs, val *args, int i)
{
  return i < nargs && args[i].t != NULL;
}

static val
bi_elf_hash (vm *v, int nargs, val *args)
{
  (void) v;
  (void) nargs;
  const unsigned char *s = (const unsigned char *) val_str (args[0])->data;
  uint32_t h = 0;
  while (*s)
    {
      h = (h << 4) + *s++;
      uint32_t g = h & 0xf0000000u;
      if (g)
        h ^= g >> 24;
      h &= ~g;
    }
  return val_int (type_int (32, false), h);
}

static val
bi_gnu_hash (vm *v, int nargs, val *args)
{
  (void) v;
  (void) nargs;
  const unsigned char *s = (const unsigned char *) val_str (args[0])->data;
  uint32_t h = 5381;
  while (*s)
    h = h * 33 + *s++;
  return val_int (type_int (32, false), h);
}

static val
bi_getenv (vm *v, int nargs, val *args)
{
  (void) nargs;
  const char *name = val_str (args[0])->data;
  const char *e = getenv (name);
  if (!e)
    {
      char msg[512];
      snprintf (msg, sizeof msg, "no environment variable %s", name);
      vm_raise_code (v, EC_INVAL, msg);
    }
  return val_cstring (e);
}

/* The time of day as [seconds, nanoseconds] since the Epoch: gettime,
   named get_time in GNU poke 2.4 (both names are kept).  */
static val
bi_gettime (vm *v, int nargs, val *args)
{
  (void) v;
  (void) nargs;
  (void) args;
  struct timespec ts;
  if (clock_gettime (CLOCK_REALTIME, &ts) != 0)
    ts.tv_sec = ts.tv_nsec = 0;
  type *t = type_int (64, true);
  pk_array *a = array_new (2);
  array_push (a, val_int (t, (uint64_t) (int64_t) ts.tv_sec));
  array_push (a, val_int (t, (uint64_t) (int64_t) ts.tv_nsec));
  val r;
  r.t = type_array (t, NULL, false);
  r.v.o = &a->h;
  return r;
}

static val
bi_get_endian (vm *v, int nargs, val *args)
{
  (void) nargs;
  (void) args;
  /* .set endian may have changed the order since set_endian did.  */
  if (v->big_endian != (v->endian == 1))
    v->endian = v->big_endian ? 1 : 0;
  return val_int (type_int (32, true), (uint64_t) (int64_t) v->endian);
}

/* set_endian returns 1, as GNU poke's does; the endianness lasts until
   the end of the command (a struct setting it in a constraint affects
   the fields after it).  */
static val
bi_set_endian (vm *v, int nargs, val *args)
{
  (void) nargs;
  /* GNU poke keeps the number; only ENDIAN_BIG (1) is big.  */
  v->endian = (int) args[0].v.i;
  v->big_endian = v->endian == 1;
  return val_int (type_int (32, true), 1);
}

/* The output settings, for the vm_* functions of the prelude:
   _pk_vm_get (WHICH) and _pk_vm_set (WHICH, VALUE), WHICH being 0 obase,
   1 omode, 2 odepth, 3 oindent, 4 oacutoff, 5 opprint, 6 omaps, 7
   autoremap.  */
static val
bi_pk_vm_get (vm *v, int nargs, val *args)
{
  (void) nargs;
  const print_opts *o = &v->popts;
  int r = 0;
  switch (args[0].v.i)
    {
    case 0: r = o->obase; break;
    case 1: r = o->tree; break;
    case 2: r = o->odepth; break;
    case 3: r = o->oindent; break;
    case 4: r = o->oacutoff; break;
    case 5: r = o->pretty; break;
    case 6: r = o->omaps; break;
    case 7: r = v->autoremap; break;
    default: break;
    }
  return val_int (type_int (32, true), (uint64_t) (int64_t) r);
}

static val
bi_pk_vm_set (vm *v, int nargs, val *args)
{
  (void) nargs;
  print_opts *o = &v->popts;
  int x = (int) args[1].v.i;
  switch (args[0].v.i)
    {
    case 0: o->obase = x; break;
    case 1: o->tree = x != 0; break;
    case 2: o->odepth = x; break;
    case 3: o->oindent = x; break;
    case 4: o->oacutoff = x; break;
    case 5: o->pretty = x != 0; break;
    case 6: o->omaps = x; break;
    case 7: v->autoremap = x; break;
    default: break;
    }
  return val_void ();
}

/* rand (SEED): the C library's rand, reseeded first when SEED is not
   0, as GNU poke's is (so rand (1) is glibc's first number).  */
static val
bi_rand (vm *v, int nargs, val *args)
{
  (void) v;
  if (arg_given (nargs, args, 0) && args[0].v.u != 0)
    srand ((unsigned) args[0].v.u);
  return val_int (type_int (32, true), (uint64_t) (int64_t) rand ());
}

/* sleep (SEC, NSEC): E_inval for a negative time or NSEC of a second
   or more.  Ctrl-C ends it.  */
static val
bi_sleep (vm *v, int nargs, val *args)
{
  int64_t sec = args[0].v.i;
  int64_t nsec = arg_given (nargs, args, 1) ? args[1].v.i : 0;
  if (sec < 0 || nsec < 0 || nsec >= 1000000000)
    vm_raise_code (v, EC_INVAL, NULL);
  struct timespec req = { (time_t) sec, (long) nsec }, rem;
  fflush (v->out);
  while (nanosleep (&req, &rem) != 0 && errno == EINTR)
    {
      if (v->interrupted)
        {
          v->interrupted = 0;
          vm_raise_code (v, EC_SIGNAL, NULL);
        }
      req = rem;
    }
  return val_void ();
}

/* stof and stod: the bits of the IEEE 754 number written in S, as the C
   library reads it (leading blanks skipped, nothing after the number,
   no overflow or underflow); E_conv otherwise.  */
_Noreturn static void
float_raise (vm *v, const char *s)
{
  strbuf sb;
  sb_init (&sb);
  sb_printf (&sb, "string '%s' is not a valid floating-point number", s);
  val x = vm_make_exc (v, EC_CONV, sb.data, NULL);
  sb_free (&sb);
  vm_raise (v, x);
}

static val
bi_stof (vm *v, int nargs, val *args)
{
  (void) nargs;
  const char *s = val_str (args[0])->data;
  char *end;
  errno = 0;
  float f = strtof (s, &end);
  if (end == s || *end || errno == ERANGE)
    float_raise (v, s);
  uint32_t bits;
  memcpy (&bits, &f, sizeof bits);
  return val_int (type_int (32, false), bits);
}

static val
bi_stod (vm *v, int nargs, val *args)
{
  (void) nargs;
  const char *s = val_str (args[0])->data;
  char *end;
  errno = 0;
  double d = strtod (s, &end);
  if (end == s || *end || errno == ERANGE)
    float_raise (v, s);
  uint64_t bits;
  memcpy (&bits, &d, sizeof bits);
  return val_int (type_int (64, false), bits);
}

/* _pk_strtoi (S, B, START): [OFF, VAL] of std.bpk's strtoi, which
   String_Tokenizer's pop_number uses too.  It is C so that the
   tokenizer type, compiled at start-up with its methods, does not make
   a Poke strtoi compiled then as well.  The quirks are GNU poke's: a
   sign is looked for at the start of S whatever START, and one
   character after START is then skipped; OFF is START plus the number
   of digits read.  The magnitude is accumulated as a positive long, so
   "-9223372036854775808" overflows.  */
static val
bi_pk_strtoi (vm *v, int nargs, val *args)
{
  (void) nargs;
  const pk_string *s = val_str (args[0]);
  int64_t b = args[1].v.i;
  uint64_t start = args[2].v.u;
  if (start >= s->len)
    vm_raise_code (v, EC_OUT_OF_BOUNDS, NULL);
  if (b != 2 && b != 8 && b != 10 && b != 16)
    vm_raise_code (v, EC_INVAL, NULL);
  bool sign = s->data[0] == '-' || s->data[0] == '+';
  int64_t result = 0;
  uint64_t ndigits = 0;
  for (uint64_t i = start + sign; i < s->len; i++, ndigits++)
    {
      int c = (unsigned char) s->data[i];
      int64_t d = c >= '0' && c <= '9' ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 99;
      if (d >= b)
        break;
      if (__builtin_mul_overflow (result, b, &result)
          || __builtin_add_overflow (result, d, &result))
        vm_raise_code (v, EC_OVERFLOW, NULL);
    }
  if (s->data[0] == '-')
    result = -result;
  type *t = type_int (64, true);
  pk_array *a = array_new (2);
  array_push (a, val_int (t, start + ndigits));
  array_push (a, val_int (t, (uint64_t) result));
  val r;
  r.t = type_array (t, NULL, false);
  r.v.o = &a->h;
  return r;
}

/* bpoke's version, for the standard library's pk_version.  */
static val
bi_pk_version (vm *v, int nargs, val *args)
{
  (void) v;
  (void) nargs;
  (void) args;
  return val_cstring (VERSION);
}

/* rtrace: the functions being called, innermost first, one a line:
   rtrace itself, then each Poke function's name (<lambda> for a
   lambda).  bpoke keeps no list of calls; it finds them on the root
   stack, where call_closure (eval.c) pushes, for each call, the
   closure called and right after it a closure of the same function
   whose environment is the call's new frame, a child of the closure's
   own environment.  tests/lang/std-rtrace checks that this still
   holds.  */
static bool
call_on_roots (const vm *v, int i)
{
  const val *r = v->roots;
  if (!r[i].t || r[i].t->kind != TY_FUNCTION || !r[i + 1].t
      || r[i + 1].t->kind != TY_FUNCTION)
    return false;
  const pk_closure *fn = val_clo (r[i]), *call = val_clo (r[i + 1]);
  return fn->fn && call->fn == fn->fn && call->env && call->env != fn->env
         && call->env->parent == fn->env;
}

static val
bi_rtrace (vm *v, int nargs, val *args)
{
  (void) nargs;
  (void) args;
  fputs ("rtrace\n", v->out);
  for (int i = v->nroots - 2; i >= 0; i--)
    if (call_on_roots (v, i))
      {
        const char *name = val_clo (v->roots[i])->fn->name;
        fprintf (v->out, "%s\n", name ? name : "<lambda>");
      }
  return val_void ();
}

/* eoffset (V, N): the offset of V's element named N, as GNU poke's
   finds it: going over the first V'length elements, by their index in
   the type (so that an absent optional field, named "", still counts
   and the last fields of a struct with absent ones are not reached);
   a union's element is its alternative present.  Array elements are
   named [0], [1]...  Offsets are from the start of the IO space for
   mapped values (without the bias), from the value's start
   otherwise.  */
_Noreturn static void
eoffset_raise (vm *v, bool attr)
{
  vm_raise_code (v, EC_INVAL, attr ? "evaluating an 'ename attribute" : NULL);
}

static bool
eoffset_struct (val x, const char *name, uint64_t *off)
{
  const pk_struct *s = val_sct (x);
  const type *t = x.t;
  bool overlay = t->u.s.is_union || t->u.s.pinned;
  uint64_t base = s->map.mapped ? s->map.offset : 0, cur = base;
  int length = 0;
  for (int i = 0; i < s->nfields; i++)
    length += s->fields[i].t != NULL;
  for (int i = 0, k = 0; i < s->nfields && k < length; i++)
    {
      val f = s->fields[i];
      if (t->u.s.is_union && !f.t)
        continue;
      const char *fname = f.t && t->u.s.fields[i].name
                          ? t->u.s.fields[i].name : "";
      uint64_t pos = f.t && s->offs ? s->offs[i] : overlay ? base : cur;
      if (strcmp (fname, name) == 0)
        {
          *off = pos;
          return true;
        }
      if (f.t)
        cur = pos + val_size_bits (f);
      k++;
    }
  return false;
}

static val
bi_eoffset (vm *v, int nargs, val *args)
{
  (void) nargs;
  val x = args[0];
  const char *name = val_str (args[1])->data;
  uint64_t off = 0;
  bool found = false;
  switch (x.t->kind)
    {
    case TY_STRUCT:
      found = eoffset_struct (x, name, &off);
      break;
    case TY_ARRAY:
      {
        const pk_array *a = val_arr (x);
        uint64_t cur = a->map.mapped ? a->map.offset : 0;
        char ename[32];
        for (size_t i = 0; i < a->len && !found; i++)
          {
            snprintf (ename, sizeof ename, "[%zu]", i);
            if (strcmp (ename, name) == 0)
              {
                off = cur;
                found = true;
              }
            cur += val_size_bits (a->elems[i]);
          }
        break;
      }
    case TY_STRING:
      eoffset_raise (v, val_str (x)->len > 0);
    default:
      eoffset_raise (v, true);
    }
  if (!found)
    eoffset_raise (v, false);
  return val_int (v->offset_bits, off);
}

/* IO spaces (lang/ios.c): open, close and set_ios (which
   stdlib/std.bpk wraps to call the IO hooks), get_ios, iolist,
   iosearch, iohandler, iosize, ioflags, iobias, iosetbias, flush, and
   the cores of the dump and copy commands (std.bpk wraps them with GNU
   poke's signatures and defaults).  */

/* An offset argument, in bits.  */
static int64_t
io_arg_bits (val x)
{
  if (x.t->kind != TY_OFFSET)
    return x.v.i;
  return (int64_t) (x.v.u * x.t->u.o.unit);
}

_Noreturn static void
io_raise (vm *v, ios_err e)
{
  fflush (v->out);
  vm_raise_ios (v, e);
}

/* The space given as argument I, or the current one if it is missing.  */
static ios *
io_arg (vm *v, int nargs, val *args, int i)
{
  ios *io = arg_given (nargs, args, i) ? ios_get ((int) args[i].v.i)
                                          : ios_cur ();
  if (!io)
    vm_raise_code (v, EC_NO_IOS, NULL);
  return io;
}

/* GNU poke 4.3 raises these three as exceptions with no name and an
   exit status of 0, unlike the standard ones of their codes.  */
_Noreturn static void
open_raise (vm *v, int code, const char *msg)
{
  val x = vm_make_exc (v, code, msg, NULL);
  if (x.t->kind == TY_STRUCT && val_sct (x)->nfields > 2)
    {
      pk_struct *s = val_sct (x);
      vm_push_root (v, x);
      s->fields[1] = val_cstring ("");
      s->fields[2] = val_int (s->fields[2].t, 0);
      vm_pop_roots (v, 1);
    }
  fflush (v->out);
  vm_raise (v, x);
}

/* _pk_open: open without the hooks, which std.bpk's open runs.  */
static val
bi_open (vm *v, int nargs, val *args)
{
  uint64_t flags = arg_given (nargs, args, 1) ? args[1].v.u : 0;
  ios_err e;
  int id = ios_open (val_str (args[0])->data, flags, &e);
  if (id < 0 && e == IOS_EFLAGS)
    open_raise (v, EC_IOFLAGS,
                "insufficient permissions or device doesn't exist");
  if (id < 0 && e == IOS_EOPEN)
    open_raise (v, EC_IO, "IO space already opened");
  if (id < 0 && e == IOS_EINVAL)
    open_raise (v, EC_INVAL, "invalid arguments passed to `open'");
  if (id < 0)
    io_raise (v, IOS_EIO);
  return val_int (type_int (32, true), (uint64_t) id);
}

static val
bi_close (vm *v, int nargs, val *args)
{
  ios_err e = ios_close (ios_id (io_arg (v, nargs, args, 0)));
  if (e != IOS_OK)
    io_raise (v, IOS_EIO);
  return val_void ();
}

static val
bi_get_ios (vm *v, int nargs, val *args)
{
  ios *io = io_arg (v, 0, args, 0);
  (void) nargs;
  return val_int (type_int (32, true), (uint64_t) ios_id (io));
}

static val
bi_set_ios (vm *v, int nargs, val *args)
{
  if (!ios_set_cur (ios_id (io_arg (v, nargs, args, 0))))
    vm_raise_code (v, EC_NO_IOS, NULL);
  return val_int (type_int (32, true), 1);
}

/* iolist: the ids of the open spaces, the newest first.  */
static void
iolist_add (void *ctx, ios *io)
{
  array_push (ctx, val_int (type_int (32, true), (uint64_t) ios_id (io)));
}

static val
bi_iolist (vm *v, int nargs, val *args)
{
  (void) v;
  (void) nargs;
  (void) args;
  pk_array *a = array_new (0);
  ios_each (iolist_add, a);
  val r;
  r.t = type_array (type_int (32, true), NULL, false);
  r.v.o = &a->h;
  return r;
}

static val
bi_iosearch (vm *v, int nargs, val *args)
{
  (void) nargs;
  ios *io = ios_find (val_str (args[0])->data);
  if (!io)
    vm_raise_code (v, EC_NO_IOS, NULL);
  return val_int (type_int (32, true), (uint64_t) ios_id (io));
}

static val
bi_iohandler (vm *v, int nargs, val *args)
{
  return val_cstring (ios_handler (io_arg (v, nargs, args, 0)));
}

static val
bi_iosize (vm *v, int nargs, val *args)
{
  ios *io = io_arg (v, nargs, args, 0);
  return val_int (type_offset (type_int (64, false), 8), ios_size (io));
}

static val
bi_ioflags (vm *v, int nargs, val *args)
{
  ios *io = io_arg (v, nargs, args, 0);
  return val_int (type_int (64, false), ios_flags (io));
}

/* In bits, as GNU poke 4.3 gives it (4#B is 32UL#b; GNU poke 2.4 gave
   whole bytes in bytes).  */
static val
bi_iobias (vm *v, int nargs, val *args)
{
  ios *io = io_arg (v, nargs, args, 0);
  uint64_t bias = (uint64_t) ios_bias (io);
  return val_int (type_offset (type_int (64, false), 1), bias);
}

static val
bi_iosetbias (vm *v, int nargs, val *args)
{
  ios *io = io_arg (v, nargs, args, 1);
  int64_t bias = arg_given (nargs, args, 0) ? io_arg_bits (args[0]) : 0;
  ios_set_bias (io, bias);
  return val_void ();
}

/* GNU poke's flush only matters for streams; here it writes the space's
   pending data to its device now.  An unknown space is E_io there.  */
static val
bi_flush (vm *v, int nargs, val *args)
{
  ios *io = io_arg (v, nargs, args, 0);
  ios_err e = ios_flush (ios_id (io));
  if (e != IOS_OK)
    io_raise (v, e);
  return val_void ();
}

/* _pk_copy (FROM_IOS, TO_IOS, FROM, TO, SIZE): as GNU poke's copy, the
   whole bytes of SIZE as one byte array read then written (so an
   overlapping copy is a move), then, if SIZE has a partial byte, one
   more byte read and written after them.  */
static val
bi_pk_copy (vm *v, int nargs, val *args)
{
  ios *src = io_arg (v, nargs, args, 0);
  ios *dst = io_arg (v, nargs, args, 1);
  uint64_t from = (uint64_t) io_arg_bits (args[2]) + (uint64_t) ios_bias (src);
  uint64_t to = (uint64_t) io_arg_bits (args[3]) + (uint64_t) ios_bias (dst);
  int64_t size = io_arg_bits (args[4]);
  if (size <= 0)
    return val_void ();
  uint64_t n = (uint64_t) size / 8;
  bool aligned = from % 8 == 0 && to % 8 == 0;
  bool overlap = src == dst && from < to + (uint64_t) size
                 && to < from + (uint64_t) size;
  /* Non-overlapping copies stream in chunks; the end of the source is
     checked first, so that a copy running into it writes nothing.  */
  uint64_t chunk = overlap ? n : (n < (1u << 20) ? n : (1u << 20));
  unsigned char *buf = xmalloc (chunk ? chunk : 1);
  uint64_t tmp;
  ios_err e = IOS_OK;
  if (n > 0)
    e = ios_read_int (src, from + (n - 1) * 8, 8, true, &tmp);
  for (uint64_t done = 0; done < n && e == IOS_OK; done += chunk)
    {
      uint64_t k = n - done < chunk ? n - done : chunk;
      if (aligned)
        e = ios_read_bytes (src, from / 8 + done, buf, k);
      else
        for (uint64_t i = 0; i < k && e == IOS_OK; i++)
          {
            e = ios_read_int (src, from + (done + i) * 8, 8, true, &tmp);
            buf[i] = (unsigned char) tmp;
          }
      if (e != IOS_OK)
        break;
      if (aligned)
        e = ios_write_bytes (dst, to / 8 + done, buf, k);
      else
        for (uint64_t i = 0; i < k && e == IOS_OK; i++)
          e = ios_write_int (dst, to + (done + i) * 8, 8, true, buf[i]);
    }
  free (buf);
  if (e == IOS_OK && size % 8)
    {
      e = ios_read_int (src, from + n * 8, 8, true, &tmp);
      if (e == IOS_OK)
        e = ios_write_int (dst, to + n * 8, 8, true, tmp);
    }
  if (e != IOS_OK)
    io_raise (v, e);
  return val_void ();
}

/* _pk_term_class (CLASS, BEGIN): term_begin_class (BEGIN 1) and
   term_end_class (BEGIN 0), once std.bpk has checked the nesting.  The
   class is recorded even when the output is plain (as in format's
   pretty-printers), for the end to find it.  */
static val
bi_pk_term_class (vm *v, int nargs, val *args)
{
  (void) nargs;
  strbuf sb;
  sb_init (&sb);
  strbuf *out = v->popts.style ? &sb : NULL;
  if (args[1].v.i)
    style_begin_name (v->style, out, val_str (args[0])->data);
  else
    style_end (v->style, out);
  if (sb.len)
    fwrite (sb.data, 1, sb.len, v->out);
  sb_free (&sb);
  return val_void ();
}

/* _pk_term_hyperlink (URL, ID, BEGIN): term_begin_hyperlink (BEGIN 1)
   and term_end_hyperlink, as OSC 8 sequences when the output is
   styled.  */
static val
bi_pk_term_hyperlink (vm *v, int nargs, val *args)
{
  (void) nargs;
  if (!v->popts.style)
    return val_void ();
  strbuf sb;
  sb_init (&sb);
  if (args[2].v.i)
    style_hyperlink_begin (&sb, val_str (args[0])->data,
                           val_str (args[1])->data);
  else
    style_hyperlink_end (&sb);
  fwrite (sb.data, 1, sb.len, v->out);
  sb_free (&sb);
  return val_void ();
}

/* _pk_term_color (COLOR, BG): term_set_color (BG 0) and
   term_set_bgcolor (BG 1).  When the output is styled, write the
   colour (a component out of 0..255: the default) and return 1; else
   0, and the colour stays the default.  */
static val
bi_pk_term_color (vm *v, int nargs, val *args)
{
  (void) nargs;
  val r = val_int (type_int (32, true), 0);
  if (!v->popts.style)
    return r;
  int rgb[3];
  for (int i = 0; i < 3; i++)
    rgb[i] = (int) (int32_t) val_arr (args[0])->elems[i].v.i;
  strbuf sb;
  sb_init (&sb);
  style_color (v->style, &sb, rgb, args[1].v.i != 0);
  fwrite (sb.data, 1, sb.len, v->out);
  sb_free (&sb);
  r.v.u = 1;
  return r;
}

/* Read or write the ENT bits of an entity at OFF, in pieces of at most
   64 bits, the first bits of the space first.  */
static ios_err
scrabble_io (ios *io, uint64_t off, uint64_t ent, uint64_t *words,
             bool write)
{
  ios_err e = IOS_OK;
  for (uint64_t done = 0, w = 0; done < ent && e == IOS_OK; done += 64, w++)
    {
      int n = ent - done < 64 ? (int) (ent - done) : 64;
      e = write ? ios_write_int (io, off + done, n, true, words[w])
                : ios_read_int (io, off + done, n, true, &words[w]);
    }
  return e;
}

/* _pk_scrabble (FROM_IOS, TO_IOS, FROM, SIZE, FROM_PATTERN, TO_PATTERN,
   ENT_SIZE): the scrabble command.  From FROM, chunks of as many
   entities of ENT_SIZE as FROM_PATTERN has letters are read whole, up
   to the chunk that passes FROM + SIZE, and written one after the other
   from FROM in TO_IOS as TO_PATTERN spells them with FROM_PATTERN's
   letters (others are skipped).  GNU poke 4.3 loops forever on an empty
   FROM_PATTERN or a zero ENT_SIZE: here they do nothing.  */
static val
bi_pk_scrabble (vm *v, int nargs, val *args)
{
  ios *src = io_arg (v, nargs, args, 0);
  ios *dst = io_arg (v, nargs, args, 1);
  uint64_t from = (uint64_t) io_arg_bits (args[2]);
  uint64_t size = (uint64_t) io_arg_bits (args[3]);
  const pk_string *fp = val_str (args[4]), *tp = val_str (args[5]);
  uint64_t ent = (uint64_t) io_arg_bits (args[6]);
  size_t n = fp->len;
  if (n == 0 || ent == 0 || (int64_t) ent < 0)
    return val_void ();
  uint64_t words = (ent + 63) / 64;
  uint64_t *buf = xmalloc (sizeof *buf * words * n);
  uint64_t to = from;
  ios_err e = IOS_OK;
  for (uint64_t at = from; at < from + size && e == IOS_OK; at += n * ent)
    {
      for (size_t k = 0; k < n && e == IOS_OK; k++)
        e = scrabble_io (src, at + k * ent + (uint64_t) ios_bias (src),
                         ent, buf + k * words, false);
      for (size_t i = 0; i < tp->len && e == IOS_OK; i++)
        {
          const char *c = memchr (fp->data, tp->data[i], n);
          if (!c)
            continue;
          e = scrabble_io (dst, to + (uint64_t) ios_bias (dst), ent,
                           buf + (size_t) (c - fp->data) * words, true);
          to += ent;
        }
    }
  free (buf);
  if (e != IOS_OK)
    io_raise (v, e);
  return val_void ();
}

typedef struct builtin_def
{
  const char *name;
  const char *sig;      /* (ARGS) RET, as in a fun declaration.  */
  builtin_fn fn;
} builtin_def;

static const builtin_def builtins[] = {
  {"elf_hash", "(string name) uint<32>", bi_elf_hash},
  {"get_endian", "() int<32>", bi_get_endian},
  {"set_endian", "(int<32> endian) int<32>", bi_set_endian},
  {"gnu_hash", "(string name) uint<32>", bi_gnu_hash},
  {"getenv", "(string name) string", bi_getenv},
  {"gettime", "() int<64>[2]", bi_gettime},
  {"get_time", "() int<64>[2]", bi_gettime},
  {"rand", "(uint<32> seed = 0) int<32>", bi_rand},
  {"sleep", "(int<64> sec, int<64> nsec = 0) void", bi_sleep},
  {"stof", "(string s) uint<32>", bi_stof},
  {"stod", "(string s) uint<64>", bi_stod},
  {"rtrace", "() void", bi_rtrace},
  {"eoffset", "(any v, string n) offset<uint<64>,1>", bi_eoffset},
  {"_pk_version", "() string", bi_pk_version},
  {"_pk_strtoi", "(string s, int<32> b, uint<64> start) int<64>[2]",
   bi_pk_strtoi},
  /* std.bpk's open, close and set_ios run the IO hooks around these.  */
  {"_pk_open", "(string handler, uint<64> flags = 0) int<32>", bi_open},
  {"_pk_close", "(int<32> ios) void", bi_close},
  {"get_ios", "() int<32>", bi_get_ios},
  {"_pk_set_ios", "(int<32> ios) int<32>", bi_set_ios},
  {"iolist", "() int<32>[]", bi_iolist},
  {"iosearch", "(string handler) int<32>", bi_iosearch},
  {"iohandler", "(int<32> ios = 0) string", bi_iohandler},
  {"iosize", "(int<32> ios = 0) offset<uint<64>,8>", bi_iosize},
  {"ioflags", "(int<32> ios = 0) uint<64>", bi_ioflags},
  {"iobias", "(int<32> ios = 0) offset<uint<64>,1>", bi_iobias},
  {"iosetbias", "(offset<uint<64>,1> bias = 0UL#b, int<32> ios = 0) void",
   bi_iosetbias},
  {"flush", "(int<32> ios, offset<uint<64>,1> offset) void", bi_flush},
  {"_pk_vm_get", "(int<32> which) int<32>", bi_pk_vm_get},
  {"_pk_vm_set", "(int<32> which, int<32> value) void", bi_pk_vm_set},
  /* Installed before the prelude: no off64 yet.  */
  {"_pk_copy", "(int from_ios, int to_ios, offset<int<64>,1> from, "
   "offset<int<64>,1> to, offset<int<64>,1> size) void", bi_pk_copy},
  {"_pk_term_class", "(string class, int<32> begin) void",
   bi_pk_term_class},
  {"_pk_term_hyperlink", "(string url, string id, int<32> begin) void",
   bi_pk_term_hyperlink},
  {"_pk_term_color", "(int<32>[3] color, int<32> bg) int<32>",
   bi_pk_term_color},
  {"_pk_scrabble", "(int from_ios, int to_ios, offset<int<64>,1> from, "
   "offset<int<64>,1> size, string from_pattern, string to_pattern, "
   "offset<int<64>,1> ent_size) void", bi_pk_scrabble},
  {"_pk_dump", "(int<32> ios, offset<int<64>,1> from, "
   "offset<int<64>,1> size, offset<int<64>,1> group_by, int cluster_by, "
   "int ruler, int ascii, uint<8> nonprintable, string unknown) void",
   dump_bytes},
  {"_pk_dump_val", "(any val, offset<int<64>,1> group_by, int cluster_by, "
   "int ruler, int ascii, uint<8> nonprintable, string unknown, "
   "int max_line_width) void", dump_val},
  {"_pk_dump_elems", "(any val) any[]", dump_elems},
};

builtin_fn
builtin_get (int id)
{
  return builtins[id - 1].fn;
}

int
builtins_count (void)
{
  return (int) countof (builtins);
}

const char *
builtin_name (int id)
{
  return builtins[id - 1].name;
}

const char *
builtin_sig (int id)
{
  return builtins[id - 1].sig;
}
