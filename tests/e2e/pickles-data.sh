# pickles-data.sh -- the data GNU poke's pickles run on in pickles.sh
# (GNU poke 2.4's pickles) and pickles43.sh (GNU poke 4.3's), made at
# test time by real tools.  Sourced by pickles-lib.sh.
#
# One function data_PICKLE a pickle (a dash in its name becomes `_'),
# filling the directory $1 given; the scratch directory $work is there
# for sources and trees.  A function whose tool is missing skips the
# whole test (need_tools, exit 77); a tool that fails ends it with 99
# (die): that is no bpoke failure.  Data written by python3 or printf
# alone is the same on every machine, so the oracle's answer on it can
# be recorded; data from compilers and tools is compared live.

# die WHAT: a tool could not make the data.
die () { echo "error: $1"; exit 99; }

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
# ppc64.o and mips.o (clang: big-endian ELF64 and ELF32), arm32.o
# (clang, 32-bit ARM, a machine GNU poke 4.3's ELF pickle knows).
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
  clang -target arm-linux-gnueabi -O1 -c -o "$1/arm32.o" "$work/prog.c" \
    || die "clang -target arm"
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


## GNU poke 4.3's pickles (pickles43.sh).

# Three pcap captures of three Ethernet frames (IPv4, UDP, cut to 40
# bytes): little-endian and big-endian with microseconds, little-endian
# with nanoseconds (magic 0xa1b23c4d, which the pickle does not know).
data_pcap ()
{
  python3 - "$1" <<'PY' || die "python3"
import struct, sys
def frame (n, payload):
    udp = struct.pack ('>HHHH', 5000 + n, 53, 8 + len (payload), 0) + payload
    ip = struct.pack ('>BBHHHBBH4s4s', 0x45, 0, 20 + len (udp), n, 0, 64,
                      17, 0, bytes ([10, 0, 0, n]), bytes ([10, 0, 0, 254]))
    return (bytes ([0x02, 0, 0, 0, 0, 0xfe, 0x02, 0, 0, 0, 0, n])
            + b'\x08\x00' + ip + udp)
frames = [frame (1, b'hello'), frame (2, bytes (range (32))),
          frame (3, b'x' * 60)]
def capture (path, e, magic, scale):
    out = struct.pack (e + 'IHHiIII', magic, 2, 4, -3600, 0, 40, 1)
    for i, f in enumerate (frames):
        incl = f[:40]
        out += struct.pack (e + 'IIII', 1700000000 + i, (250000 + i) * scale,
                            len (incl), len (f)) + incl
    open (sys.argv[1] + '/' + path, 'wb').write (out)
capture ('le.pcap', '<', 0xa1b2c3d4, 1)
capture ('be.pcap', '>', 0xa1b2c3d4, 1)
capture ('ns.pcap', '<', 0xa1b23c4d, 1000)
PY
}

# UUIDs of versions 1, 4 and 5 (RFC 4122, big-endian) in uuid.bin; the
# same as GUIDs (the first three fields little-endian) in guid.bin.
data_uuid ()
{
  python3 - "$1" <<'PY' || die "python3"
import sys, uuid
us = [uuid.UUID ('c232ab00-9414-11ec-b3c8-9f6bdeced846'),
      uuid.UUID ('16fd2706-8baf-433b-82eb-8c7fada847da'),
      uuid.uuid5 (uuid.NAMESPACE_DNS, 'www.gnu.org'),
      uuid.UUID ('00000000-0000-0000-0000-000000000000')]
open (sys.argv[1] + '/uuid.bin', 'wb').write (b''.join (u.bytes for u in us))
open (sys.argv[1] + '/guid.bin', 'wb').write (b''.join (u.bytes_le for u in us))
PY
}
data_guid () { data_uuid "$@"; }

# Linux version codes (KERNEL_VERSION: major << 16 | middle << 8 |
# minor) as 32-bit integers, little then big endian.
data_linux ()
{
  python3 - "$1" <<'PY' || die "python3"
import struct, sys
codes = [(2, 6, 32), (6, 1, 0), (6, 12, 255)]
out = b''.join (struct.pack ('<I', a << 16 | b << 8 | c) for a, b, c in codes)
out += b''.join (struct.pack ('>I', a << 16 | b << 8 | c) for a, b, c in codes)
open (sys.argv[1] + '/versions.bin', 'wb').write (out)
PY
}

# Two MP3 files starting with an ID3v2.3 tag: text frames, a comment, a
# small picture and padding; the second with an extended header
# holding a CRC, and a frame of one byte.
data_id3v2 ()
{
  python3 - "$1" <<'PY' || die "python3"
import struct, sys
def frame (fid, data, flags=0):
    return fid + struct.pack ('>IH', len (data), flags) + data
def syncsafe (n):
    return bytes ([(n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f])
def tag (frames, padding, ext=None):
    body = (ext or b'') + b''.join (frames) + bytes (padding)
    flags = 0x40 if ext else 0
    return b'ID3' + bytes ([3, 0, flags]) + syncsafe (len (body)) + body
audio = b'\xff\xfb\x90\x64' + bytes ((i * 13) & 0xff for i in range (256))
one = tag ([frame (b'TIT2', b'\0So What'),
            frame (b'TPE1', b'\0Miles Davis'),
            frame (b'TYER', b'\x001959'),
            frame (b'COMM', b'\0eng\0modal jazz'),
            frame (b'APIC', b'\0image/png\0\x03\0' + bytes (range (20)), 0x2000)],
           32)
ext = struct.pack ('>IHII', 10, 0x8000, 16, 0xcafebabe)
two = tag ([frame (b'TALB', b'\0Kind of Blue', 0x8000),
            frame (b'TRCK', b'\x03'),
            frame (b'PRIV', b'owner\0' + bytes ([1, 2, 3]))], 16, ext)
open (sys.argv[1] + '/one.mp3', 'wb').write (one + audio)
open (sys.argv[1] + '/two.mp3', 'wb').write (two + audio)
PY
}

# IEEE 754 numbers of 16, 32 and 64 bits, big-endian: ordinary values,
# zeros, infinities, a quiet and a signalling NaN, a subnormal.
data_ieee754 ()
{
  python3 - "$1" <<'PY' || die "python3"
import struct, sys
vals = [1.0, -2.5, 0.0, -0.0, 65504.0, float ('inf'), float ('-inf'),
        6.1e-5]
out = b''.join (struct.pack ('>e', v) for v in vals)
out += b'\x7e\x00\x7d\x00'
out += b''.join (struct.pack ('>f', v) for v in vals + [3.14159, 1e-45])
out += b'\x7f\xc0\x00\x00\x7f\xa0\x00\x00'
out += b''.join (struct.pack ('>d', v) for v in vals + [2.718281828459045])
out += b'\x7f\xf8' + bytes (6) + b'\x7f\xf4' + bytes (6)
open (sys.argv[1] + '/floats.bin', 'wb').write (out)
PY
}

# ORC unwind data as the Linux kernel's objtool lays it out, for five
# functions: .orc_unwind_ip (32-bit relative addresses) then
# .orc_unwind (6-byte entries), little-endian.
data_orc ()
{
  python3 - "$1" <<'PY' || die "python3"
import struct, sys
# (sp_offset, bp_offset, sp_reg, bp_reg, type, end)
entries = [(8, 0, 5, 0, 1, 0), (16, 0xfff0, 5, 4, 1, 0), (16, 0xfff0, 4, 4, 1, 0),
           (0, 0, 0, 0, 0, 1), (24, 0, 9, 0, 2, 0)]
ips = b''.join (struct.pack ('<i', 0x1000 + 0x40 * i - 4 * i)
                for i in range (len (entries)))
orc = b''
for sp, bp, spr, bpr, typ, end in entries:
    orc += struct.pack ('<HHBB', sp, bp, spr << 4 | bpr, end << 2 | typ)
open (sys.argv[1] + '/orc.bin', 'wb').write (ips + orc)
PY
}

# A JojoDiff patch (jdiff's format: escape 0xa7, then MOD, INS, DEL,
# EQL or BKT) from orig.bin, with every length encoding up to 3 bytes,
# escaped escapes, a backtrack; new.bin, zeros, receives the result.
data_jojodiff ()
{
  python3 - "$1" <<'PY' || die "python3"
import struct, sys
ESC, MOD, INS, DEL, EQL, BKT = 0xa7, 0xa6, 0xa5, 0xa4, 0xa3, 0xa2
orig = b'The quick brown fox jumps over the lazy dog.\n' * 12
def length (n):
    if n <= 252: return bytes ([n - 1])
    if n <= 508: return bytes ([252, n - 253])
    return bytes ([253]) + struct.pack ('>H', n)
def data (bs):
    return b''.join (bytes ([ESC, ESC]) if b == ESC else bytes ([b]) for b in bs)
p = bytes ([ESC, MOD]) + data (b'THE')                 # The -> THE
p += bytes ([ESC, EQL]) + length (7)                   # " quick "
p += bytes ([ESC, DEL]) + length (6)                   # drop "brown "
p += bytes ([ESC, INS]) + data (b'red \xa7 ') + bytes ([ESC, 0x41])
p += bytes ([ESC, EQL]) + length (300)
p += bytes ([ESC, BKT]) + length (20)
p += bytes ([ESC, EQL]) + length (20)
p += bytes ([ESC, MOD]) + data (b'!!')
p += bytes ([ESC, EQL]) + length (len (orig) - 327 - 2)
open (sys.argv[1] + '/orig.bin', 'wb').write (orig)
open (sys.argv[1] + '/patch.jdf', 'wb').write (p)
open (sys.argv[1] + '/new.bin', 'wb').write (bytes (len (orig) + 40))
PY
}

# blob.bin: 256 bytes counting down, then a text; out.bin, a file for
# ios_save_bytes to write.
data_ios ()
{
  python3 - "$1" <<'PY' || die "python3"
import sys
blob = bytes (range (255, -1, -1)) + b'Hello, IO spaces!\n\x00\x01\x02'
open (sys.argv[1] + '/blob.bin', 'wb').write (blob)
open (sys.argv[1] + '/out.bin', 'wb').write (b'old contents\n')
PY
}

# passwd.txt: lines of colon-separated fields, for string scanning.
data_iscan ()
{
  printf '%s\n' 'root:x:0:0:root:/root:/bin/bash' \
    'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin' \
    'jemarch:x:1000:1000:Jose E. Marchesi,,,:/home/jemarch:/bin/bash' \
    'empty::::::' > "$1/passwd.txt"
}

# records.bin: records (a magic "REC", a kind, a length, a payload)
# between noise bytes, one with a bad kind, some at odd offsets.
data_search ()
{
  python3 - "$1" <<'PY' || die "python3"
import random, sys
r = random.Random (11)
out = bytearray (bytes (r.randrange (0, 80) for _ in range (7)))
for kind, payload in [(1, b'alpha'), (2, b'be'), (9, b'bad kind'),
                      (3, b'gamma ray'), (1, b'')]:
    out += b'REC' + bytes ([kind, len (payload)]) + payload
    out += bytes (r.randrange (0, 80) for _ in range (r.randrange (1, 6)))
open (sys.argv[1] + '/records.bin', 'wb').write (bytes (out))
PY
}

# text.bin: bytes to encode in base64, and a file of base64 text.
data_base64 ()
{
  python3 - "$1" <<'PY' || die "python3"
import base64, sys
raw = b'Poke\x00\xff\xfe binary data, 0123456789!'
open (sys.argv[1] + '/raw.bin', 'wb').write (raw)
open (sys.argv[1] + '/b64.txt', 'wb').write (base64.b64encode (raw) + b'\0')
PY
}

# Two versions of a small record file (a header, an array of entries,
# a name) that differ in a few fields, for diff_structured.
data_diff ()
{
  python3 - "$1" <<'PY' || die "python3"
import struct, sys
def rec (version, entries, name):
    return (struct.pack ('<4sHH', b'RECS', version, len (entries))
            + b''.join (struct.pack ('<IH', a, b) for a, b in entries)
            + name.ljust (12, b'\0'))
open (sys.argv[1] + '/a.bin', 'wb').write (
    rec (1, [(10, 1), (20, 2), (30, 3)], b'first'))
open (sys.argv[1] + '/b.bin', 'wb').write (
    rec (2, [(10, 1), (21, 2), (30, 0x303)], b'second'))
PY
}
data_pk_table () { data_color "$@"; }

# A stream of PDAP messages as poke's daemon sends them on its output
# and view channels: iterations around text, classes, an error, an
# evaluation; a view clear and append.
data_pdap ()
{
  python3 - "$1" <<'PY' || die "python3"
import struct, sys
def msg (cmd, body):
    return struct.pack ('<H', 1 + len (body)) + bytes ([cmd]) + body
out = msg (1, struct.pack ('<Q', 7))
out += msg (5, b'integer\0') + msg (4, b'42\0') + msg (6, b'integer\0')
out += msg (3, b'oops\0') + msg (7, b'1 + 1\0') + msg (2, struct.pack ('<Q', 7))
vu = msg (1, b'\0') + msg (3, b'') + msg (4, b'00000000: 2550\0') + msg (2, b'\0')
open (sys.argv[1] + '/out.pdap', 'wb').write (out)
open (sys.argv[1] + '/vu.pdap', 'wb').write (vu)
open (sys.argv[1] + '/new.pdap', 'wb').write (bytes (64))
PY
}

# disk.img: a GPT disk (sfdisk) with fixed GUIDs: an EFI system
# partition, a Linux one named and flagged, a Windows basic data one
# with Microsoft's attribute bits, a Linux swap.
data_gpt ()
{
  need_tools sfdisk
  truncate -s 8M "$1/disk.img"
  sfdisk -q "$1/disk.img" > /dev/null 2>&1 <<EOF2 || die "sfdisk"
label: gpt
label-id: 0E8E0A3C-1B2D-4C5E-8F90-A1B2C3D4E5F6
first-lba: 34
start=2048, size=2048, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=11111111-2222-3333-4444-555555555555, name="EFI system"
start=4096, size=4096, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=66666666-7777-4888-9999-AAAAAAAAAAAA, name="root", attrs="RequiredPartition,LegacyBIOSBootable"
start=8192, size=2048, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, uuid=BBBBBBBB-CCCC-4DDD-8EEE-FFFFFFFFFFFF, attrs="GUID:60,62,63"
start=10240, size=1024, type=0657FD6D-A4AB-43C4-84E5-0933C84B4F4F, uuid=01234567-89AB-4CDE-8F01-23456789ABCD, name="swap é"
EOF2
}

# Small JPEG images (ImageMagick): a baseline 8x8 gradient without
# metadata, a 16x8 one with a comment and 2x2 chroma subsampling, a
# progressive one.
data_jpeg ()
{
  need_tools convert
  convert -size 8x8 gradient:red-blue -quality 90 -strip "$1/grad.jpg" \
    || die "convert"
  convert -seed 3 -size 16x8 plasma:fractal -quality 75 \
    -define jpeg:sampling-factor=2x2 -set comment "poke test" "$1/plasma.jpg" \
    || die "convert"
  convert -size 8x8 gradient:white-black -strip -interlace JPEG \
    "$1/prog.jpg" || die "convert"
}

# OpenPGP data from gpg, in a keyring of its own: an RSA public key
# with its user id and self-signature, an Ed25519 one (an algorithm the
# pickle leaves unknown), and a detached RSA signature of a file.
data_openpgp ()
{
  need_tools gpg gpgconf
  GNUPGHOME=$work/gnupg; export GNUPGHOME
  mkdir -p "$GNUPGHOME"; chmod 700 "$GNUPGHOME"
  g="gpg --batch -q --pinentry-mode loopback --passphrase="
  $g --quick-gen-key 'Poke Test <poke@example.org>' rsa2048 sign 1d \
    > /dev/null 2>&1 || die "gpg --quick-gen-key rsa2048"
  $g --quick-gen-key 'Edward <ed@example.org>' ed25519 sign 1d \
    > /dev/null 2>&1 || die "gpg --quick-gen-key ed25519"
  $g --export -o "$1/rsa.pgp" poke@example.org || die "gpg --export"
  $g --export -o "$1/ed.pgp" ed@example.org || die "gpg --export"
  printf 'signed text\n' > "$work/msg.txt"
  $g -u poke@example.org -b -o "$1/msg.sig" "$work/msg.txt" \
    || die "gpg --detach-sign"
  gpgconf --kill gpg-agent 2> /dev/null
  unset GNUPGHOME
}

# Motorola S-records from objcopy: the code of prog.o (S1 records, 16
# bytes each, a start address), the same forced to S3 records, and
# blob.bin, raw bytes for srec_encode.
data_srec ()
{
  need_tools gcc objcopy
  write_prog_c "$work/prog.c"
  gcc -O1 -c -o "$work/prog.o" "$work/prog.c" || die "gcc -c"
  objcopy -O binary -j .text "$work/prog.o" "$work/text.bin" \
    || die "objcopy -O binary"
  # The header record (S0) holds the output's name, given relatively.
  (cd "$work" && objcopy -I binary -O srec --srec-len=16 \
     --change-addresses=0x100 text.bin s1.srec) || die "objcopy -O srec"
  (cd "$work" && objcopy -I binary -O srec --srec-forceS3 --srec-len=32 \
     --change-addresses=0x20000 text.bin s3.srec) \
    || die "objcopy -O srec --srec-forceS3"
  mv "$work/s1.srec" "$work/s3.srec" "$1/"
  head -c 40 "$work/text.bin" > "$1/blob.bin"
  printf 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' > "$1/out.bin"
}

# Coverage data from gcc --coverage: cov.gcno, the notes gcc wrote, and
# cov.gcda, the counters the program wrote when run once.
data_gcov ()
{
  need_tools gcc
  mkdir -p "$work/gcov"
  cat > "$work/gcov/cov.c" <<'C'
static int
collatz (unsigned long n)
{
  int steps = 0;
  while (n != 1)
    {
      n = n % 2 ? 3 * n + 1 : n / 2;
      steps++;
    }
  return steps;
}
int
main (void)
{
  int total = 0;
  for (unsigned long i = 1; i < 30; i++)
    if (i % 3)
      total += collatz (i);
  return total == 0;
}
C
  (cd "$work/gcov" && gcc --coverage -O0 -o cov cov.c && ./cov) \
    || die "gcc --coverage"
  cp "$work/gcov/cov.gcno" "$work/gcov/cov.gcda" "$1/" || die "no gcov data"
}

# sframe.bin: the SFrame section (version 1, binutils 2.40's gas
# --gsframe) of the ELF program's code, cut out by objcopy, so that it
# starts at offset 0 as sframe-dump expects; sf.o, the object it is in.
data_sframe ()
{
  need_tools gcc objcopy
  write_prog_c "$work/prog.c"
  gcc -O1 -Wa,--gsframe -c -o "$1/sf.o" "$work/prog.c" \
    || die "gcc -Wa,--gsframe"
  objcopy -O binary --only-section=.sframe "$1/sf.o" "$1/sframe.bin" \
    || die "objcopy --only-section=.sframe"
}
data_sframe_dump () { data_sframe "$@"; }

# rv.bin: RV32I code from the RISC-V cross compiler (loads, stores,
# branches, shifts, lui, jal, jalr, fence), cut out of rv.o by objcopy;
# rv64.o, an ELF64 RISC-V object with relocations, for the ELF pickle.
data_riscv ()
{
  need_tools riscv64-linux-gnu-gcc riscv64-linux-gnu-objcopy
  cat > "$work/rv.c" <<'C'
unsigned table[8];
static unsigned
mix (unsigned x, int s)
{
  if (x > 0x12345)
    x ^= 0xdead0000u;
  return (x << s) | (x >> (32 - s)) | (unsigned) ((int) x >> 3);
}
unsigned
walk (unsigned short *p, int n)
{
  unsigned h = 0;
  for (int i = 0; i < n; i++)
    {
      h = mix (h + p[i], i & 7);
      if ((int) h < 0)
        table[i & 7] = h;
      else
        __atomic_thread_fence (__ATOMIC_SEQ_CST);
    }
  return h;
}
C
  riscv64-linux-gnu-gcc -march=rv32i -mabi=ilp32 -O1 -c -o "$work/rv.o" \
    "$work/rv.c" || die "riscv64-linux-gnu-gcc -march=rv32i"
  riscv64-linux-gnu-objcopy -O binary -j .text "$work/rv.o" "$1/rv.bin" \
    || die "riscv64-linux-gnu-objcopy"
  riscv64-linux-gnu-gcc -O1 -c -o "$1/rv64.o" "$work/rv.c" \
    || die "riscv64-linux-gnu-gcc"
}

# COFF objects and PE images from clang and lld for Windows targets,
# stamped with no time (-mno-incremental-linker-compatible, /Brepro):
# i386 and AArch64 objects; i386 and x86-64 executables, an AArch64 DLL.
write_win_c ()
{
  cat > "$1" <<'C'
int counter = 3;
static const char message[] = "hello from a PE image";
int a_rather_long_function_name (int x) { return x * 2 + counter; }
__declspec(dllexport) int exported_helper (int y) { return y - counter; }
int mainCRTStartup (void)
{
  return a_rather_long_function_name (message[0]) + exported_helper (1);
}
C
}

data_coff ()
{
  need_tools clang
  write_win_c "$work/win.c"
  for t in i686 aarch64; do
    clang -target $t-pc-windows-msvc -O1 -mno-incremental-linker-compatible \
      -c -o "$1/$t.obj" "$work/win.c" || die "clang -target $t-pc-windows-msvc"
  done
}

data_pe ()
{
  need_tools clang ld.lld
  write_win_c "$work/win.c"
  for t in i686 x86_64; do
    clang -target $t-pc-windows-msvc -O1 -fuse-ld=lld -nostdlib \
      -Wl,-entry:mainCRTStartup -Wl,-subsystem:console -Wl,/Brepro \
      -o "$1/$t.exe" "$work/win.c" || die "clang -fuse-ld=lld ($t)"
  done
  clang -target aarch64-pc-windows-msvc -O1 -fuse-ld=lld -nostdlib \
    -Wl,-dll -Wl,-noentry -Wl,/Brepro -o "$1/aarch64.dll" "$work/win.c" \
    || die "clang -fuse-ld=lld (aarch64 DLL)"
  rm -f "$1"/*.lib
}

# Objects for the machines GNU poke 4.3's ELF pickle describes beyond
# x86-64: AArch64 and little-endian MIPS64 (clang), RISC-V 64 (the
# cross compiler), BPF (clang); and prog, a linked x86-64 program with
# GNU notes (a build id, properties) for its OS pickles.
data_elf_mach ()
{
  need_tools clang gcc riscv64-linux-gnu-gcc
  write_prog_c "$work/prog.c"
  clang -target aarch64-linux-gnu -O1 -c -o "$1/aarch64.o" "$work/prog.c" \
    || die "clang -target aarch64"
  clang -target mips64el-linux-gnuabi64 -O1 -c -o "$1/mips64.o" \
    "$work/prog.c" || die "clang -target mips64el"
  riscv64-linux-gnu-gcc -O1 -c -o "$1/rv64.o" "$work/prog.c" \
    || die "riscv64-linux-gnu-gcc"
  sed '/__thread/d; s/tls_var/hits/' "$work/prog.c" > "$work/bpfprog.c"
  clang -target bpfel -O1 -c -o "$1/bpf.o" "$work/bpfprog.c" \
    || die "clang -target bpfel"
  gcc -O1 -Wl,--build-id=sha1 -o "$1/prog" "$work/prog.c" || die "gcc"
}

# fs.img: a RedoxFS image (4 KiB blocks, little-endian) written block
# by block: the header, a root directory holding a file, a directory
# with a file of two blocks, a symbolic link, and a file whose extents
# continue in a second node (`next').
data_redoxfs ()
{
  python3 - "$1" <<'PY' || die "python3"
import struct, sys, uuid
B = 4096
img = bytearray (B * 16)
def put (block, data, off=0):
    img[block * B + off:block * B + off + len (data)] = data
def node (block, mode, name, parent, extents, nxt=0, t=1700000000):
    d = struct.pack ('<HII', mode, 1000, 100)
    for k in range (3):
        d += struct.pack ('<QI', t + k * 3600, 500 * k)
    d += name.ljust (226, b'\0') + struct.pack ('<QQ', parent, nxt)
    for blk, length in extents:
        d += struct.pack ('<QQ', blk, length)
    put (block, d)
hdr = (b'RedoxFS\0' + struct.pack ('<Q', 4)
       + uuid.UUID ('5b6c6e70-1c2d-4e3f-8a9b-0c1d2e3f4a5b').bytes
       + struct.pack ('<QQQ', len (img), 1, 15))
put (0, hdr)
node (1, 0x41ed, b'', 0, [(2, B), (3, B), (5, B), (10, B)])
node (2, 0x81a4, b'hello.txt', 1, [(6, 13)])
put (6, b'hello, redox\n')
node (3, 0x41ed, b'sub', 1, [(4, B)])
node (4, 0x8180, b'deep.bin', 3, [(7, 5000)])
put (7, bytes ((i * 31) & 0xff for i in range (5000)))
node (5, 0xa1ff, b'link', 1, [(9, 9)])
put (9, b'hello.txt')
node (10, 0x81ed, b'split', 1, [(12, 100), (13, 50)], nxt=11)
node (11, 0x81ed, b'', 1, [(14, 7)])
put (12, b'a' * 100); put (13, b'b' * 50); put (14, b'the end')
open (sys.argv[1] + '/fs.img', 'wb').write (bytes (img))
PY
}
data_gpt_partition_types () { data_gpt "$@"; }
