#!/bin/sh
# pickles.sh -- GNU poke 2.4's own pickles (/usr/share/poke/pickles), run
# in bpoke on real data, against GNU poke as the oracle.
#
# Each check is a file tests/e2e/pickles/PICKLE.WHAT.cmds: commands typed
# at the prompt, one a line (lines starting with `#' are comments; a
# first line `#! -l NAME...' loads pickles NAME.pk with -l, for those
# whose name has a dash, which `load' cannot name).  The data for PICKLE
# is made once, at test time, by data_PICKLE below with a real tool
# (gcc, clang, tar, sfdisk, mkfs.jffs2, openssl, python3); every check
# runs on a fresh copy of it, in a directory of its own, so that the
# commands name the files relatively.  A check compares two things with
# GNU poke: what the commands print (stdout and stderr together, with
# `[exit N]' for a non-zero exit status), and the bytes the commands
# wrote (`cmp -l' of each data file before and after).  It runs bpoke
# three times, through its three execution paths (JIT, compiled
# closures with BPOKE_NOJIT=1, the plain evaluator with
# BPOKE_NOCOMPILE=1), each compared with the oracle.
#
# Where the oracle's answer comes from:
#   - recorded: data written byte for byte by python3 or printf here,
#     identical on every machine.  GNU poke's output and byte changes
#     are kept in PICKLE.WHAT.out and PICKLE.WHAT.bytes, made by
#     `tests/e2e/pickles.sh --record', which runs `poke' (never bpoke).
#   - live: data made by a compiler or a tool whose output may change
#     with its version (gcc, clang, tar, sfdisk, mkfs.jffs2, openssl).
#     GNU poke runs at test time on the same copy of the data.  It is
#     there wherever the pickles are, Debian's `poke' package shipping
#     both.
# The pickles listed in LIVE below are live; the others recorded.
#
# Usage: tests/e2e/pickles.sh [--record | --oracle] [PATTERN]
#   PATTERN selects the checks whose file name contains it; --oracle
#   prints GNU poke's output and bytes for each check, to read when
#   writing one.
# Environment: BPOKE, POKE (default poke), PICKLES (default
# /usr/share/poke/pickles).
# Exit status: 0 all passed, 1 a check failed, 77 no pickles or no
# GNU poke here (said on stdout), 99 a tool failed to make the data.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dir=$here/pickles
POKE=${POKE:-poke}
PICKLES=${PICKLES:-/usr/share/poke/pickles}

record=0 show=0
case ${1-} in
  --record) record=1; shift ;;
  --oracle) record=1 show=1; shift ;;
esac
pattern=${1-}

[ -d "$PICKLES" ] \
  || { echo "no GNU poke pickles in $PICKLES: skip"; exit 77; }
command -v "$POKE" >/dev/null \
  || { echo "GNU poke ($POKE) missing beside its pickles: skip"; exit 77; }

LIVE="mbr ustar jffs2 asn1-ber elf bpf btf btf-ext btf-dump ctf ctf-dump
      dwarf"

live_p ()
{
  case " $(echo $LIVE) " in *" $1 "*) return 0;; esac
  return 1
}

# die WHAT: a tool could not make the data; that is no bpoke failure.
die () { echo "error: $1"; exit 99; }

## The data, one function a pickle, each filling directory $1.

data_mbr ()
{
  need_tools sfdisk
  truncate -s 16M "$1/disk.img"
  # Four primary partitions, the fourth extended with two logical ones,
  # so that every entry of the table is in use; a fixed label id.
  sfdisk -q "$1/disk.img" > /dev/null 2>&1 <<EOF || die "sfdisk"
label: dos
label-id: 0x1badcafe
start=2048, size=4096, type=83, bootable
start=6144, size=2048, type=82
start=8192, size=2048, type=c
start=10240, size=8192, type=5
size=1024, type=83
size=1024, type=7
EOF
}

# Two files ending in an ID3v1 tag: one ID3v1.1 (a track number after
# a zero byte), one whose title and comment fill their 30 bytes.
data_id3v1 ()
{
  python3 - "$1" <<'EOF' || die "python3"
import sys
def tag (title, artist, album, year, comment, genre, track=None):
    t = b'TAG' + title.ljust (30, b'\0') + artist.ljust (30, b'\0') \
        + album.ljust (30, b'\0') + year
    if track is None:
        t += comment.ljust (30, b'\0')
    else:
        t += comment.ljust (28, b'\0') + b'\0' + bytes ([track])
    return t + bytes ([genre])
body = b'\xff\xfb\x90\x64' + bytes ((i * 7) & 0xff for i in range (1024))
with open (sys.argv[1] + '/song.mp3', 'wb') as f:
    f.write (body + tag (b'Blue in Green', b'Miles Davis', b'Kind of Blue',
                         b'1959', b'modal', 8, track=3))
with open (sys.argv[1] + '/old.mp3', 'wb') as f:
    f.write (body + tag (b'A Title Thirty Characters Long', b'Someone', b'',
                         b'2001', b'a comment that fills thirty ch', 17))
EOF
}

# A ustar archive: a file, a directory with a file, a symbolic link and
# a FIFO, owned by fixed names and dated at a fixed time.
data_ustar ()
{
  need_tools tar
  t=$work/ustar-tree
  mkdir -p "$t/dir"
  printf 'hello, world\n' > "$t/hello.txt"
  head -c 1500 /dev/zero | tr '\0' x > "$t/dir/big.dat"
  ln -s hello.txt "$t/link"
  mkfifo "$t/fifo" || die mkfifo
  tar --format=ustar --owner=user:1000 --group=staff:50 \
      --mtime=@1700000000 --sort=name -C "$t" -cf "$1/a.tar" \
      hello.txt dir link fifo || die tar
}

# Three BMP files: 5x3 pixels of 24 bits (rows padded to 4 bytes), 4x2
# of 8 bits with a palette of four colours, the same run-length encoded.
data_bmp ()
{
  python3 - "$1" <<'EOF' || die "python3"
import struct, sys
def bmp (path, w, h, bpp, rows, palette=b'', compression=0, data=None):
    if data is None:
        stride = (w * bpp // 8 + 3) & ~3
        data = b''.join (r.ljust (stride, b'\0') for r in rows)
    info = struct.pack ('<IiiHHIIiiII', 40, w, h, 1, bpp, compression,
                        len (data), 2835, 2835, len (palette) // 4, 0)
    off = 14 + 40 + len (palette)
    hdr = b'BM' + struct.pack ('<IHHI', off + len (data), 0, 0, off)
    with open (sys.argv[1] + '/' + path, 'wb') as f:
        f.write (hdr + info + palette + data)
rows = [bytes ((x * 40 + y, y * 80, 255 - x * 50)[c]
               for x in range (5) for c in range (3)) for y in range (3)]
bmp ('rgb.bmp', 5, 3, 24, rows)
pal = bytes ([0,0,0,0, 255,0,0,0, 0,255,0,0, 0,0,255,0])
bmp ('pal.bmp', 4, 2, 8, [bytes ([0,1,2,3]), bytes ([3,2,1,0])], palette=pal)
bmp ('rle.bmp', 4, 2, 8, None, palette=pal, compression=1,
     data=bytes ([4,1, 0,0, 2,2,2,3, 0,1]))
EOF
}

# rgb24 maps its colours on the pixels of the same BMP files.
data_rgb24 () { data_bmp "$@"; }

# color has no data of its own: a file to open all the same.
data_color () { printf 'no data' > "$1/empty"; }
data_argp () { data_color "$@"; }
data_load () { data_color "$@"; }
data_pktest () { data_color "$@"; }

# LEB128 numbers, unsigned then signed, as DWARF writes them, followed
# by POSIX times: 32 and 64 bits big-endian, then 32 bits little-endian.
data_leb128 ()
{
  python3 - "$1" <<'EOF' || die "python3"
import struct, sys
out = bytearray ()
for v in [0, 1, 127, 128, 624485, 2**63 - 1, 2**64 - 1]:
    while True:
        b = v & 0x7f; v >>= 7
        if v: out.append (b | 0x80)
        else: out.append (b); break
for v in [-1, -128, 63, -64, -123456, 2**40]:
    while True:
        b = v & 0x7f; v >>= 7
        if (v == 0 and not b & 0x40) or (v == -1 and b & 0x40):
            out.append (b); break
        out.append (b | 0x80)
out += struct.pack ('>IQ', 1700000000, 4102444800)
out += struct.pack ('<I', 86400 * 365 + 3661)
with open (sys.argv[1] + '/leb.bin', 'wb') as f:
    f.write (out)
EOF
}
data_time () { data_leb128 "$@"; }

# prog.c: a small C program with a struct, a union, bit-fields, an enum,
# a typedef, a float, globals of several kinds (static, initialised,
# weak, thread-local, volatile), for the
# ELF, DWARF, CTF, BTF and BPF pickles.  No #include, so that it also
# compiles for targets without their C library (i386, bpf).
write_prog_c ()
{
  cat > "$1" <<'EOF'
int printf (const char *, ...);
struct point { int x, y; const char *name; };
enum colour { RED, GREEN = 5, BLUE };
typedef unsigned long counter_t;
static counter_t hits;
int table[4] = { 1, 2, 3, 4 };
struct point origin = { 0, 0, "origin" };
__attribute__ ((weak)) int weak_one = 7;
__thread int tls_var;
union number { int i; float f; double d; } number;
struct flags { unsigned ready : 1, mode : 3, level : 4; } flags;
volatile double ratio = 1.5;
int
area (struct point *p, enum colour c)
{
  hits++;
  return p->x * p->y + (int) c;
}
int
main (int argc, char **argv)
{
  struct point p = { argc, 3, argv[0] };
  printf ("%d %s\n", area (&p, BLUE), origin.name);
  return 0;
}
EOF
}

# prog.o (gcc -g -O1), prog (linked), prog32.o (clang, i386), prog_sysv
# (a SysV hash table), cxx.o (g++: COMDAT groups, compressed DWARF),
# ppc64.o and mips.o (clang: big-endian ELF64 and ELF32).
data_elf ()
{
  need_tools gcc clang
  write_prog_c "$work/prog.c"
  gcc -g -O1 -c -o "$1/prog.o" "$work/prog.c" || die "gcc -c"
  gcc -O1 -o "$1/prog" "$work/prog.c" || die "gcc"
  clang -target i386-linux-gnu -O1 -c -o "$1/prog32.o" "$work/prog.c" \
    || die "clang -target i386"
  clang -target powerpc64-linux-gnu -O1 -c -o "$1/ppc64.o" "$work/prog.c" \
    || die "clang -target powerpc64"
  clang -target mips-linux-gnu -O1 -c -o "$1/mips.o" "$work/prog.c" \
    || die "clang -target mips"
  gcc -O1 -Wl,--hash-style=sysv -o "$1/prog_sysv" "$work/prog.c" \
    || die "gcc -Wl,--hash-style=sysv"
  cat > "$work/cxx.cc" <<'EOF'
template <typename T> T twice (T a) { return 2 * a; }
inline int thrice (int a) { return 3 * a; }
int use (int x) { return twice (x) + thrice (x) + (int) twice (1.5); }
EOF
  g++ -O0 -g -gz -c -o "$1/cxx.o" "$work/cxx.cc" || die "g++ -gz"
}

# ctf.o: the same program with CTF (gcc -gctf), no DWARF.
data_ctf ()
{
  need_tools gcc
  write_prog_c "$work/prog.c"
  (cd "$work" && gcc -gctf -O1 -c -o "$1/ctf.o" prog.c) || die "gcc -gctf"
}
data_ctf_dump () { data_ctf "$@"; }

# dw.o: the same program as C++ (g++), DWARF 4 with .debug_frame instead
# of .eh_frame, .debug_pubnames and type units in .debug_types.
data_dwarf ()
{
  need_tools g++
  write_prog_c "$work/prog.c"
  (cd "$work" && g++ -x c++ -gdwarf-4 -gpubnames -fdebug-types-section \
     -fno-asynchronous-unwind-tables -fno-exceptions -fno-unwind-tables \
     -O1 -c -o "$1/dw.o" prog.c) || die "g++ -gdwarf-4"
}

# kern.o: a BPF program (clang -target bpf -g -O2) with BTF (.BTF) and
# its extension (.BTF.ext): functions, a struct, an enum, a union, a
# typedef, a float, a CO-RE relocation (preserve_access_index), a 64-bit
# immediate, a call, jumps; and kern.bin, its code alone (objcopy).
data_bpf ()
{
  need_tools clang
  cat > "$work/kern.c" <<'EOF'
struct event { unsigned int pid; unsigned long long ts; char comm[16]; };
enum state { IDLE, BUSY = 3, DONE };
union value { int i; float f; unsigned char bytes[4]; };
typedef unsigned long counter_t;
struct task { int pid; int tgid; } __attribute__ ((preserve_access_index));
struct event last __attribute__ ((section (".data.last")));
counter_t counter;
enum state current = BUSY;
union value val;
const volatile int limit = 42;
__attribute__ ((noinline)) static int
helper (struct event *e, enum state s)
{
  return e->pid * 3 + s + val.i;
}
__attribute__ ((section ("tracepoint/sched"), used)) int
trace (struct event *e)
{
  unsigned long long big = 0x123456789abcdefULL;
  counter += big;
  if (e->pid > limit)
    return helper (e, current) ^ (int) e->ts;
  last = *e;
  if (e->comm[0])
    return ((struct task *) e)->tgid;
  return -1;
}
char LICENSE[] __attribute__ ((section ("license"), used)) = "GPL";
EOF
  (cd "$work" && clang -target bpf -g -O2 -c -o "$1/kern.o" kern.c) \
    || die "clang -target bpf"
  # kern.bin: the program's instructions alone, up to the end of the file.
  objcopy -I elf64-little -O binary --only-section=tracepoint/sched \
    "$1/kern.o" "$1/kern.bin" || die "objcopy"
}
data_btf () { data_bpf "$@"; }
data_btf_ext () { data_bpf "$@"; }
data_btf_dump () { data_bpf "$@"; }

# fs.img: a JFFS2 image (mkfs.jffs2, little-endian, clean markers) of a
# tree with a file, a symbolic link and a directory holding a larger,
# compressed file.
data_jffs2 ()
{
  need_tools mkfs.jffs2
  t=$work/jffs2-tree
  mkdir -p "$t/sub"
  printf 'hello jffs2\n' > "$t/a.txt"
  seq 1 2000 > "$t/sub/numbers"
  ln -s a.txt "$t/link"
  mkfs.jffs2 -r "$t" -o "$1/fs.img" -e 0x10000 -l -U || die "mkfs.jffs2"
}

# cert.der: a self-signed X.509 certificate (openssl, an EC key), DER.
data_asn1_ber ()
{
  need_tools openssl
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -subj "/CN=bpoke test/O=Example" -days 1 -outform DER \
    -out "$1/cert.der" -keyout "$work/key.pem" > /dev/null 2>&1 \
    || die "openssl req"
}

# m.mcr: CADR microcode, two sections (big-endian header words) holding
# bytes of a fixed pseudo-random sequence.
data_mcr ()
{
  python3 - "$1" <<'EOF' || die "python3"
import random, struct, sys
r = random.Random (7)
d = struct.pack ('>iii', 1, 0, 4) + bytes (r.randrange (256) for _ in range (64))
d += struct.pack ('>iii', 2, 0, 2) + bytes (r.randrange (256) for _ in range (16))
with open (sys.argv[1] + '/m.mcr', 'wb') as f:
    f.write (d)
EOF
}

## Running one check.

# run_poke DIR CMDS: run the oracle in DIR on the commands file CMDS;
# prints its output, then one `cmp -l' block per data file.
run_in ()
{
  rdir=$1 cmds=$2; shift 2
  rm -rf "$rdir"; mkdir -p "$rdir"
  cp -p "$work/data/$pickle"/* "$rdir/"
  grep -v '^#' "$cmds" > "$rdir/.cmds"
  lflag=
  for l in $(sed -n '1s/^#!//p' "$cmds"); do
    [ "$l" = -l ] || lflag="$lflag -l $PICKLES/$l.pk"
  done
  # shellcheck disable=SC2086
  (cd "$rdir" && BPOKE_LOAD_PATH=$PICKLES timeout 30 "$@" -q $lflag \
     -s .cmds < /dev/null > .out 2>&1; rc=$?
   [ $rc -ne 0 ] && echo "[exit $rc]" >> .out)
}

# bytes_of DIR: the bytes written in DIR's data files, as `cmp -l'.
bytes_of ()
{
  for f in "$work/data/$pickle"/*; do
    bn=$(basename "$f")
    echo "== $bn"
    cmp -l "$f" "$1/$bn" 2>&1 | sed "s|$1/||; s|$work/data/$pickle/||"
  done
}

# compare WHAT GOT WANT [SAME]: one ok/FAIL line, then the start of the
# differences, unless GOT is the same as file SAME (the JIT's output,
# whose differences are shown already).
compare ()
{
  if cmp -s "$2" "$3"; then ok "$1"
  elif [ -n "${4-}" ] && cmp -s "$2" "$4"; then
    ko "$1 (as with the JIT)"
  else
    ko "$1 (< bpoke, > poke)"
    diff "$2" "$3" 2>&1 | head -n 8 | cut -c 1-200
  fi
}

check ()
{
  cmds=$1
  name=$(basename "$cmds" .cmds)
  o=$work/oracle
  if [ $record -eq 1 ] || live_p "$pickle"; then
    run_in "$o" "$cmds" env "$POKE" --no-hserver
    bytes_of "$o" > "$o/.bytes"
    if [ $show -eq 1 ]; then
      echo "=== $name"; cat "$o/.out" "$o/.bytes"; return
    fi
    if [ $record -eq 1 ] && ! live_p "$pickle"; then
      cp "$o/.out" "$dir/$name.out"
      cp "$o/.bytes" "$dir/$name.bytes"
      echo "recorded $name"
      return
    fi
    [ $record -eq 1 ] && return
  else
    mkdir -p "$o"
    cp "$dir/$name.out" "$o/.out"
    cp "$dir/$name.bytes" "$o/.bytes"
  fi
  for path in jit nojit nocompile; do
    case $path in
      jit) set -- env ;;
      nojit) set -- env BPOKE_NOJIT=1 ;;
      nocompile) set -- env BPOKE_NOCOMPILE=1 ;;
    esac
    b=$work/bpoke-$path
    run_in "$b" "$cmds" "$@" "$BPOKE"
    bytes_of "$b" > "$b/.bytes"
    j=
    [ $path = jit ] || j=$work/jit
    case " $(echo $OLD_PRINT) " in
      *" $name "*)
        if [ $path = jit ]; then
          echo "skip: $name: output (printed as GNU poke 4.3 prints, not 2.4)"
        else
          compare "$name: output ($path, against the JIT's)" "$b/.out" \
            "$work/jit.out"
        fi ;;
      *) compare "$name: output ($path)" "$b/.out" "$o/.out" ${j:+"$j.out"} ;;
    esac
    compare "$name: bytes written ($path)" "$b/.bytes" "$o/.bytes" \
      ${j:+"$j.bytes"}
    if [ $path = jit ]; then
      cp "$b/.out" "$work/jit.out"; cp "$b/.bytes" "$work/jit.bytes"
    fi
  done
}

# GNU poke 3.0 reversed the truth of `EXP ?! E' (1 when E is raised);
# bpoke follows GNU poke 4.3 there, and 2.4's btf-dump, ctf-dump and
# asn1-ber rely on 2.4's value.  Their checks belong with GNU poke 4.3's
# versions of these pickles, against GNU poke 4.3.
OLD_EXCCOND="btf-dump ctf-dump asn1-ber"

# bpoke prints values as GNU poke 4.3 does: uint<1> as 1T, integers of
# other widths with their type in %v too, hexadecimal padded to the
# width.  These checks print such values; their output is compared with
# GNU poke 2.4's no more, only across bpoke's three execution paths (the
# bytes they write still are compared with GNU poke's), until they run
# GNU poke 4.3's pickles against GNU poke 4.3.  The same holds for the
# checks that print GNU poke 4.3's messages: a failed constraint
# (`failed expression', the constraint, `in field T.f'), an array whose
# elements do not fill its size (E_constraint, not 2.4's E_map_bounds).
OLD_PRINT="bpf.all bpf.raw btf.all btf.write ctf.all ctf.write elf.print
           leb128.all mbr.read mbr.write mcr.all dwarf.all ustar.read
           ustar.write"

made=
for cmds in "$dir"/*.cmds; do
  name=$(basename "$cmds" .cmds)
  case $name in *"$pattern"*) ;; *) continue;; esac
  case " $OLD_EXCCOND " in
    *" ${name%%.*} "*)
      echo "skip: $name (GNU poke 2.4's pickle relies on 2.4's ?!)"
      continue ;;
  esac
  pickle=${name%%.*}
  case " $made " in
    *" $pickle "*) ;;
    *) mkdir -p "$work/data/$pickle"
       "data_$(echo "$pickle" | tr - _)" "$work/data/$pickle"
       made="$made $pickle" ;;
  esac
  check "$cmds"
done

[ $record -eq 1 ] && exit 0
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
