#!/bin/sh
# formats-gnu-poke.sh -- the format modules are plain Poke: each of
# stdlib/png.bpk, zip.bpk, gzip.bpk, ar.bpk, wav.bpk, gif.bpk and
# javaclass.bpk loads in GNU poke (as NAME.pk on its load path), and a
# script mapping a small file of the format, printing the mapped value
# with the pretty-printers on and calling the module's functions, prints
# the same in GNU poke as in bpoke.  The files are small: GNU poke maps
# a byte array thousands of times slower than bpoke.
#
# Environment: POKE (default poke, GNU poke 2.4; GNU poke 4.3 works too).
# Exit status 0 all passed, 1 a check failed, 77 GNU poke or python3
# missing (javac missing only skips the class file).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/formats-lib.sh"
POKE=${POKE:-poke}
command -v "$POKE" >/dev/null || { echo "GNU poke ($POKE) missing: skip"; exit 77; }
need_tools python3

cd "$work" || exit 99
mkdir lib
for m in png zip gzip ar wav gif javaclass; do
  cp "$top/stdlib/$m.bpk" "lib/$m.pk"
done
python3 - <<'EOF' || { echo "python3 failed"; exit 99; }
import gzip, struct, wave, zipfile, zlib

def chunk(t, d):
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d))
raw = b'\x00\x10\x20\x30\x00\x40\x50\x60'
open('f.png', 'wb').write(
    b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 1, 2, 8, 2, 0, 0, 0))
    + chunk(b'tEXt', b'Comment\x00hi') + chunk(b'tIME', struct.pack('>HBBBBB', 2024, 2, 29, 13, 5, 9))
    + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))

with zipfile.ZipFile('f.zip', 'w') as z:
    z.writestr(zipfile.ZipInfo('a.txt', (2023, 7, 14, 9, 30, 12)), 'hello\n')
    z.writestr(zipfile.ZipInfo('dir/', (2023, 7, 14, 9, 30, 14)), '')
    z.comment = b'comment'

with open('f.gz', 'wb') as f:
    with gzip.GzipFile(filename='f.txt', mode='wb', fileobj=f, mtime=1234567890) as g:
        g.write(b'hello gzip\n')

def member(name, data):
    h = b'%-16s%-12d%-6d%-6d%-8o%-10d`\n' % (name, 1700000000, 0, 0, 0o100644, len(data))
    return h + data + (b'\n' if len(data) % 2 else b'')
longnames = b'a_long_member_name.txt/\n'
open('f.a', 'wb').write(b'!<arch>\n' + member(b'//', longnames)
                        + member(b'/0', b'long\n') + member(b'short.txt/', b'odd'))

with wave.open('f.wav', 'wb') as w:
    w.setnchannels(1)
    w.setsampwidth(1)
    w.setframerate(8000)
    w.writeframes(bytes(range(9)))

# A 2x1 GIF89a: a global table of 2 colours, a comment, a graphic
# control extension, one image of 2 pixels (LZW: clear 4, 0, 1, end 5).
gif = b'GIF89a' + struct.pack('<HHBBB', 2, 1, 0x80, 0, 0) + b'\xff\x00\x00\x00\x00\xff'
gif += b'\x21\xfe\x02hi\x00'
gif += b'\x21\xf9\x04\x00\x0a\x00\x00\x00'
gif += b'\x2c' + struct.pack('<HHHHB', 0, 0, 2, 1, 0) + b'\x02\x02\x44\x0a\x00' + b'\x3b'
open('f.gif', 'wb').write(gif)
EOF
if command -v javac >/dev/null; then
  printf 'public class F { static final long L = 5L; int x; }\n' > F.java
  javac F.java || exit 99
  classes=F.class
else
  echo "javac missing: the class file is not checked"
  classes=
fi

# check MODULE FILE BODY: the script BODY, after loading MODULE and
# mapping FILE, prints the same in bpoke and in GNU poke.  (Not named
# MODULE.pk: `load' looks in the script's directory first.)
check ()
{
  { echo "load $1;"
    echo "set_ios (open (\"$2\", IOS_F_READ));"
    echo "vm_set_opprint (1);"
    echo "$3"; } > "check-$1.pk"
  BPOKE_LOAD_PATH=$work/lib timeout 60 "$BPOKE" -q -L "check-$1.pk" > "$1.bpoke" 2>&1
  POKE_LOAD_PATH=$work/lib timeout 300 "$POKE" -q -L "check-$1.pk" \
    > "$1.poke" 2>&1 </dev/null
  if ! grep -q . "$1.bpoke"; then ko "$1: bpoke printed nothing"
  else same "$1: bpoke prints what GNU poke prints" "$1.bpoke" "$1.poke"; fi
}

check png f.png 'var f = PNG_File @ 0#B;
printf ("%v\n", f);
printf ("%u32d %u32d %i32d\n", f.ihdr.width, f.ihdr.height, png_crc_ok (f.chunks[1]));
printf ("%u32x\n", png_crc (f.chunks[2]));'
check zip f.zip 'var f = ZIP_File @ 0#B;
printf ("%v\n", f);
printf ("%v\n", zip_names (f));
printf ("%v\n", f.local_header (0));
printf ("%v\n", f.data (0));'
check gzip f.gz 'var f = GZIP_File @ 0#B;
printf ("%v\n", f);
printf ("%u16x %v\n", gzip_header_crc (f), f.data);'
check ar f.a 'var f = AR_File @ 0#B;
printf ("%v\n", f);
printf ("%v\n", ar_names (f));'
check wav f.wav 'var f = WAV_File @ 0#B;
printf ("%v\n", f);
printf ("%v %u64d\n", f.samples, f.frames);'
check gif f.gif 'var f = GIF_File @ 0#B;
printf ("%v\n", f);
printf ("%v %u64d\n", f.comments, f.images'"'"'length);'
[ -n "$classes" ] && check javaclass F.class 'var c = Java_Class @ 0#B;
printf ("%v\n", c);
printf ("%s %s %v\n", this_class_name (c), super_class_name (c), java_method_names (c));'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
