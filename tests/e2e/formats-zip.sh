#!/bin/sh
# formats-zip.sh -- `load zip' (stdlib/zip.bpk) on archives made at test
# time by python3's zipfile (stored, deflated, bzip2 and lzma members, a
# directory, a UTF-8 name, an archive comment; members written with data
# descriptors to a pipe; 65537 members, which needs the ZIP64 end
# records) and by Info-ZIP's zip (extra fields; from standard input,
# with ZIP64 fields), checked against the tools that read ZIP:
#   - the member names in central-directory order    (unzip -Z1)
#   - each member's method, CRC, sizes, local header
#     offset, date and flags                          (python3 zipfile)
#   - the member's data: the stored bytes, inflated   (python3 zlib)
# An edit the tools must then accept: a member renamed with zip_rename,
# in its central and its local header (unzip -t passes, python reads it
# by the new name: it checks that both headers agree).  Then damaged
# files: a clear exception each, never a crash or a hang.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/formats-lib.sh"
need_tools python3 unzip zip

cd "$work" || exit 99
mkdir src src/dir
echo hello > src/a.txt
seq 1 3000 > src/dir/numbers.txt
: > src/empty
(cd src && zip -q -r ../info.zip a.txt dir empty) || exit 99
(cd src && zip -q ../stdin.zip - < a.txt) || exit 99
python3 - <<'EOF' || { echo "python3 failed"; exit 99; }
import io, subprocess, zipfile

numbers = open('src/dir/numbers.txt', 'rb').read()
with zipfile.ZipFile('py.zip', 'w') as z:
    z.writestr(zipfile.ZipInfo('hello.txt', (2023, 7, 14, 9, 30, 12)),
               'hello, world\n')
    z.write('src/dir/numbers.txt', 'dir/numbers.txt',
            compress_type=zipfile.ZIP_DEFLATED)
    z.writestr('dir/', '')
    z.writestr('caf\u00e9.txt', 'accents\n')
    z.writestr('b.bz2', numbers, compress_type=zipfile.ZIP_BZIP2)
    z.writestr('c.xz', numbers, compress_type=zipfile.ZIP_LZMA)
    z.comment = b'an archive comment'

# Written to a pipe (not seekable): data descriptors after the data.
p = subprocess.Popen(['sh', '-c', 'cat > pipe.zip'], stdin=subprocess.PIPE)
with zipfile.ZipFile(p.stdin, 'w', compression=zipfile.ZIP_DEFLATED) as z:
    z.writestr('one.txt', 'one\n' * 50)
    z.writestr('two.txt', 'two\n')
p.stdin.close()
p.wait()

with zipfile.ZipFile('many.zip', 'w') as z:
    for i in range(65537):
        z.writestr('f%d' % i, b'')
EOF
files="py.zip pipe.zip info.zip stdin.zip many.zip"

# Names, then one line a member, then the CRC-32 of the data of each
# stored or deflated member as extracted by bpoke (the raw deflate
# bytes are saved to a file for python to inflate).
cat > walk.bpk <<'EOF'
load zip;
set_ios (open ("@FILE@", IOS_F_READ));
var f = ZIP_File @ 0#B;
for (n in zip_names (f))
  printf ("%s\n", n);
for (h in f.central)
  printf ("member %s %u16d %u32x %u64d %u64d %u64d (%u16d, %u16d, %u16d, %u16d, %u16d, %u16d) %u16x\n",
          h.name, h.compression_method.code, h.crc32, h.csize / 1#B,
          h.usize / 1#B, h.local_offset / 1#B, h.last_mod.year,
          h.last_mod.month, h.last_mod.day, h.last_mod.hour,
          h.last_mod.minute, h.last_mod.second, h.flags.bits);
for (var i = 0UL; i < f.central'length && i < 10; i++)
  if (f.central[i].compression_method.code == ZIP_METHOD_STORED)
    printf ("data %s %u32x\n", f.central[i].name, crc32 (f.data (i)));
  else if (f.central[i].compression_method.code == ZIP_METHOD_DEFLATED)
    {
      var d = f.data (i);
      save :file "@FILE@.member" + ltos (i) :from d'offset :size d'size;
    }
EOF

# The same from unzip and python.  The local header offset is the
# offset of the first byte of the local header, as in bpoke.
expected ()
{
  unzip -Z1 "$1"
  python3 - "$1" <<'EOF'
import sys, zipfile, zlib
path = sys.argv[1]
with zipfile.ZipFile(path) as z:
    infos = z.infolist()
    for i in infos:
        print('member %s %d %08x %d %d %d (%d, %d, %d, %d, %d, %d) %04x'
              % ((i.filename, i.compress_type, i.CRC, i.compress_size,
                  i.file_size, i.header_offset) + i.date_time + (i.flag_bits,)))
    for n, i in enumerate(infos[:10]):
        if i.compress_type == zipfile.ZIP_STORED:
            print('data %s %08x' % (i.filename, zlib.crc32(z.read(i))))
        elif i.compress_type == zipfile.ZIP_DEFLATED:
            raw = open('%s.member%d' % (path, n), 'rb').read()
            ok = zlib.decompress(raw, -15) == z.read(i)
            print('inflated %s %s' % (i.filename, 'same' if ok else 'differs'))
EOF
}

for f in $files; do
  script_for "$f" walk.bpk
  run_bpoke run.bpk
  if [ $rc -ne 0 ]; then ko "$f: bpoke exited with $rc: $(tail -n 3 out)"; continue; fi
  # The inflated lines come from python, on the files bpoke saved.
  expected "$f" > exp
  grep '^inflated ' exp | grep -v ' same$' > exp.bad
  if [ -s exp.bad ]; then ko "$f: $(cat exp.bad)"; fi
  grep -v '^inflated ' exp > exp.cmp
  same "$f: names, members, stored data" out exp.cmp
  [ -s exp.bad ] || [ "$(grep -c '^inflated ' exp)" -eq 0 ] \
    || ok "$f: the deflated data bpoke extracts inflates to the member"
done

# ZIP64 end records: many.zip has them (65537 members), stdin.zip too
# (Info-ZIP's zip writes them for a member of unknown size).
cat > zip64.bpk <<'EOF'
load zip;
set_ios (open ("@FILE@", IOS_F_READ));
var f = ZIP_File @ 0#B;
printf ("%i32d %u16x %u64d %u64d\n", f.zip64_p, f.eocd.total_entries,
        f.eocd64.total_entries, f.eocd64.cd_offset / 1#B);
EOF
for f in many.zip stdin.zip; do
  script_for "$f" zip64.bpk
  run_bpoke run.bpk
  # "its central directory contains N entries"
  exp=$(unzip -Zv "$f" | sed -n 's/.*directory contains \([0-9]*\) entr.*/\1/p')
  got=$(cat out)
  case $got in
    "1 "*" $exp "*) ok "$f: ZIP64 end records, $exp members" ;;
    *) ko "$f: ZIP64: got \"$got\", unzip -Zv counts $exp members" ;;
  esac
done

# zip_rename in both headers, of a deflated member of Info-ZIP's archive.
cp info.zip renamed.zip
cat > rename.bpk <<'EOF'
load zip;
set_ios (open ("renamed.zip"));
var f = ZIP_File @ 0#B;
zip_rename (f, "dir/numbers.txt", "dir/NUMBERS.TXT");
EOF
run_bpoke rename.bpk
if [ $rc -eq 0 ] && unzip -tq renamed.zip >/dev/null \
   && [ "$(unzip -Z1 renamed.zip | sed -n 3p)" = dir/NUMBERS.TXT ] \
   && unzip -p renamed.zip dir/NUMBERS.TXT | cmp -s - src/dir/numbers.txt \
   && python3 -c '
import zipfile
z = zipfile.ZipFile("renamed.zip")
assert z.read("dir/NUMBERS.TXT") == open("src/dir/numbers.txt", "rb").read()
assert z.testzip() is None'
then ok "zip_rename: unzip -t passes, unzip and python read dir/NUMBERS.TXT"
else ko "zip_rename: status $rc $(cat out); unzip -t: $(unzip -t renamed.zip 2>&1 | tail -n 2)"; fi

# zip_rename refuses names of another length, and unknown members.
cat > rename-bad.bpk <<'EOF'
load zip;
set_ios (open ("renamed.zip"));
var f = ZIP_File @ 0#B;
zip_rename (f, "a.txt", "ab.txt");
EOF
expect_error "zip_rename to a shorter name" renamed.zip rename-bad.bpk 1 \
  'unhandled invalid argument exception' \
  'zip_rename: the new name must have the length of the old'
sed -i 's/"a.txt", "ab.txt"/"nothere", "nothing"/' rename-bad.bpk
expect_error "zip_rename of no member" renamed.zip rename-bad.bpk 1 \
  'unhandled invalid argument exception' 'zip: no member named nothere'

# Damaged files.
cat > map.bpk <<'EOF'
load zip;
set_ios (open ("@FILE@", IOS_F_READ));
var f = ZIP_File @ 0#B;
EOF
printf 'not a zip file at all\n' > text.txt
expect_error "a text file" text.txt map.bpk 1 \
  'unhandled constraint violation exception' \
  'zip: no end of central directory record'
: > empty.zip
expect_error "an empty file" empty.zip map.bpk 1 \
  'unhandled constraint violation exception' \
  'zip: no end of central directory record'
# The central directory's offset (at 16 in the EOCD) one byte off.
cp py.zip cdoff.zip
eocd=$(($(wc -c < py.zip) - 22 - 18))
flip cdoff.zip $((eocd + 16))
expect_error "a wrong central directory offset" cdoff.zip map.bpk 1 \
  'unhandled constraint violation exception' \
  "zip: no central directory header at offset $(od -An -tu4 -j $((eocd + 16)) -N4 cdoff.zip | tr -d ' ')"
# Sizes and offsets of 2^29 bytes and more that are not ZIP_MAX_32:
# they are the header's own, not ZIP64 escapes.  (Compared as
# offsets, in bits, 0x1fffffff and 0x5fffffff bytes wrap in a uint<32>
# to ZIP_MAX_32's bits.)  Only the central header is changed: the
# methods do not read the member.
python3 - <<'EOF' || { echo "python3 failed"; exit 99; }
import struct, zipfile
with zipfile.ZipFile("wrap.zip", "w", zipfile.ZIP_STORED) as z:
    z.writestr("a.txt", b"abc")
b = bytearray(open("wrap.zip", "rb").read())
c = b.index(b"PK\x01\x02")
struct.pack_into("<II", b, c + 20, 0x1fffffff, 0x5fffffff)
struct.pack_into("<I", b, c + 42, 0x3fffffff)
open("wrap.zip", "wb").write(b)
EOF
cat > wrap.bpk <<'EOF'
load zip;
set_ios (open ("@FILE@", IOS_F_READ));
var h = (ZIP_File @ 0#B).central[0];
printf "%u64d %u64d %u64d\n", h.csize'magnitude, h.usize'magnitude,
       h.local_offset'magnitude;
EOF
script_for wrap.zip wrap.bpk
run_bpoke "$work/run.bpk"
if [ "$rc" -eq 0 ] && [ "$(cat "$work/out")" = "536870911 1610612735 1073741823" ]
then ok "sizes and offset past 2^29 bytes are not ZIP64 escapes"
else ko "sizes and offset past 2^29 bytes: status $rc: $(cat "$work/out")"; fi
# 64-bit offsets of 2^61 bytes and more in the ZIP64 end records: the
# central directory's (in the ZIP64 end record) and the ZIP64 end
# record's (in the locator), each 2^61 bytes past the right one.
# Mapped there, they would wrap, in bits, to the right place.
vals=$(python3 - <<'EOF'
import struct
d = open("stdin.zip", "rb").read()
for name, sig, at in (("wrap-cd.zip", b"PK\x06\x06", 48),
                      ("wrap-eocd64.zip", b"PK\x06\x07", 8)):
    b = bytearray(d)
    i = b.rindex(sig) + at
    v = struct.unpack_from("<Q", b, i)[0] + (1 << 61)
    struct.pack_into("<Q", b, i, v)
    open(name, "wb").write(b)
    print(v)
EOF
) || { echo "python3 failed"; exit 99; }
expect_error "a central directory 2^61 bytes on" wrap-cd.zip map.bpk 1 \
  'unhandled constraint violation exception' \
  "zip: no central directory header at offset $(echo "$vals" | sed -n 1p)"
expect_error "a ZIP64 end record 2^61 bytes on" wrap-eocd64.zip map.bpk 1 \
  'unhandled EOF exception' \
  "zip: offset $(echo "$vals" | sed -n 2p) is past the end of the archive"
# A local header offset of 2^61 bytes in the ZIP64 extra field of the
# central header: local_header must not map at it (it would wrap, in
# bits, to the local header at 0).
python3 - <<'EOF' || { echo "python3 failed"; exit 99; }
import struct, zlib
crc = zlib.crc32(b"abc")
local = struct.pack("<IHHHHHIIIHH", 0x04034b50, 20, 0, 0, 0, 0x21, crc,
                    3, 3, 5, 0) + b"a.txt" + b"abc"
extra = struct.pack("<HHQ", 1, 8, 1 << 61)
central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 45, 45, 0, 0, 0,
                      0x21, crc, 3, 3, 5, len(extra), 0, 0, 0, 0,
                      0xffffffff) + b"a.txt" + extra
end = struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, 1, 1, len(central),
                  len(local), 0)
open("far-local.zip", "wb").write(local + central + end)
EOF
cat > far-local.bpk <<'EOF'
load zip;
set_ios (open ("@FILE@", IOS_F_READ));
var f = ZIP_File @ 0#B;
printf "%u64d\n", f.central[0].local_offset'magnitude;
f.local_header (0);
EOF
script_for far-local.zip far-local.bpk
run_bpoke "$work/run.bpk"
if [ "$rc" -eq 1 ] && [ "$(cat "$work/out")" = "$(printf '%s\n%s\n%s' \
   2305843009213693952 'unhandled EOF exception' \
   'zip: offset 2305843009213693952 is past the end of the archive')" ]
then ok "a local header 2^61 bytes on"
else ko "a local header 2^61 bytes on: status $rc: $(cat "$work/out")"; fi
robustness py.zip py.zip walk.bpk
robustness stdin.zip stdin.zip walk.bpk

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
