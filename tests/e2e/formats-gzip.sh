#!/bin/sh
# formats-gzip.sh -- `load gzip' (stdlib/gzip.bpk) on files made at test
# time by gzip (with its name and date, with -n, -1 and -9) and by
# python3 (its gzip module; a member with an extra field, a comment and
# a header CRC, written by hand with zlib), checked against:
#   - name, CRC-32, uncompressed size, date        (gzip -lvN, in UTC)
#   - mtime in seconds                              (python3 gzip)
#   - the deflate data bpoke extracts inflates to
#     the original, whose CRC is the trailer's      (python3 zlib)
#   - the header CRC                                (zlib's own check)
# Edits the tools must then accept: the mtime changed (gzip -t passes,
# gzip -lvN and python show the new date); in the member with a header
# CRC, zlib refuses the changed header until gzip_fix_hcrc.  Then
# damaged files: a clear exception each, never a crash or a hang.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/formats-lib.sh"
need_tools python3 gzip
TZ=UTC
export TZ

cd "$work" || exit 99
seq 1 5000 > data.txt
cp data.txt named.txt
touch -d '2021-03-04 05:06:07' named.txt
gzip -k named.txt
gzip -n -1 < data.txt > noname.gz
gzip -9 -c named.txt > best.gz
python3 - <<'EOF' || { echo "python3 failed"; exit 99; }
import gzip, struct, zlib
data = open('data.txt', 'rb').read()
with open('py.gz', 'wb') as f:
    with gzip.GzipFile(filename='py.txt', mode='wb', fileobj=f,
                       mtime=1234567890) as g:
        g.write(data)
# FTEXT, FHCRC, FEXTRA, FNAME and FCOMMENT, by RFC 1952.
hdr = b'\x1f\x8b\x08' + bytes([0x1f]) + struct.pack('<I', 1600000000) + b'\x00\x03'
extra = b'AB' + struct.pack('<H', 3) + b'xyz' + b'Cd' + struct.pack('<H', 0)
hdr += struct.pack('<H', len(extra)) + extra + b'all.txt\x00' + b'a comment\x00'
hdr += struct.pack('<H', zlib.crc32(hdr) & 0xffff)
c = zlib.compressobj(6, zlib.DEFLATED, -15)
body = c.compress(data) + c.flush()
open('all.gz', 'wb').write(hdr + body + struct.pack('<II', zlib.crc32(data), len(data)))
EOF
gzip -t all.gz || { echo "gzip does not accept the hand-made member"; exit 99; }
files="named.txt.gz noname.gz best.gz py.gz all.gz"

# The date line as gzip -lvN prints it ("Mar  4 05:06"), the name, the
# CRC and size; the mtime in seconds; the data saved for python.
cat > walk.bpk <<'EOF'
load gzip;
set_ios (open ("@FILE@", IOS_F_READ));
var f = GZIP_File @ 0#B;
var months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
              "Sep", "Oct", "Nov", "Dec"];
printf ("crc %u32x size %u32d name %s\n", f.crc32, f.isize / 1#B,
        f.flags.fname ? f.name : "-");
printf ("mtime %u32d xfl %u8d os %u8d\n", f.mtime.seconds, f.xfl, f.os.code);
if (f.flags.fcomment)
  printf ("comment %s\n", f.comment);
if (f.flags.fextra)
  for (s in f.extra_subfields)
    printf ("subfield %s %u16d\n", catos (s.id), s.data_size / 1#B);
var d = f.data;
save :file "@FILE@.deflate" :from d'offset :size d'size;
EOF

# The same from gzip, python and zlib.  gzip -lvN prints the name it
# would restore: the stored one when FNAME (8) is set in the flags
# (byte 3), else the file's without .gz.
expected ()
{
  fname=$(( $(od -An -tu1 -j3 -N1 "$1") & 8 ))
  gzip -lvN "$1" 2>/dev/null | awk -v fname=$fname 'NR == 2 {
    printf "crc %s size %s name %s\n", $2, $7, fname ? $9 : "-" }'
  python3 - "$1" <<'EOF'
import gzip, sys, zlib
path = sys.argv[1]
raw = open(path, 'rb').read()
with gzip.open(path) as g:
    data = g.read()
    mtime = g.mtime
print('mtime %d xfl %d os %d' % (mtime, raw[8], raw[9]))
if raw[3] & 0x10:
    print('comment a comment')
if raw[3] & 0x04:
    print('subfield AB 3')
    print('subfield Cd 0')
# zlib checks the header CRC of a gzip stream (wbits 31).
ok = zlib.decompress(open(path + '.deflate', 'rb').read(), -15) == data \
     and zlib.decompress(raw, 31) == data
open(path + '.inflated', 'w').write('same' if ok else 'differs')
EOF
}

for f in $files; do
  script_for "$f" walk.bpk
  run_bpoke run.bpk
  if [ $rc -ne 0 ]; then ko "$f: bpoke exited with $rc: $(tail -n 3 out)"; continue; fi
  expected "$f" > exp
  same "$f: name, CRC, size, mtime, extra flags, OS, comment, extra" out exp
  if [ "$(cat "$f.inflated")" = same ]; then
    ok "$f: the deflate data bpoke extracts inflates to the original"
  else ko "$f: the deflate data bpoke extracts does not inflate to the original"; fi
done
gzip -lvN named.txt.gz | grep -q 'Mar  4 05:06 .* named.txt$' \
  && ok "gzip -lvN shows the date bpoke read" || ko "gzip -lvN: $(gzip -lvN named.txt.gz)"

# A new mtime: 2023-11-14 22:13:20 UTC.
cp named.txt.gz touched.gz
cat > touch.bpk <<'EOF'
load gzip;
set_ios (open ("touched.gz"));
var f = GZIP_File @ 0#B;
f.mtime.seconds = 1700000000;
EOF
run_bpoke touch.bpk
if [ $rc -eq 0 ] && gzip -t touched.gz \
   && gzip -lvN touched.gz | grep -q 'Nov 14 22:13 .* named.txt$' \
   && [ "$(python3 -c 'import gzip; g = gzip.open("touched.gz"); g.read(); print(g.mtime)')" = 1700000000 ]
then ok "mtime changed: gzip -t passes, gzip -lvN and python read the new date"
else ko "mtime change: status $rc $(cat out); $(gzip -lvN touched.gz)"; fi

# The same in the member with a header CRC: zlib refuses it until
# gzip_fix_hcrc.
cp all.gz hcrc.gz
sed -i 's/touched.gz/hcrc.gz/' touch.bpk
run_bpoke touch.bpk
zcheck () { python3 -c 'import zlib, sys; zlib.decompress(open(sys.argv[1], "rb").read(), 31)' "$1" 2>&1; }
if [ $rc -eq 0 ] && zcheck hcrc.gz | grep -q 'header crc mismatch'
then ok "mtime changed under a header CRC: zlib finds the mismatch"
else ko "mtime change with FHCRC: status $rc; zlib says: $(zcheck hcrc.gz)"; fi
cat > fix.bpk <<'EOF'
load gzip;
set_ios (open ("hcrc.gz"));
var f = GZIP_File @ 0#B;
gzip_fix_hcrc (f);
printf ("%u16x\n", f.hcrc);
EOF
run_bpoke fix.bpk
if [ $rc -eq 0 ] && [ -z "$(zcheck hcrc.gz)" ] && gzip -t hcrc.gz
then ok "gzip_fix_hcrc: zlib and gzip -t accept the header"
else ko "gzip_fix_hcrc: status $rc $(cat out); zlib says: $(zcheck hcrc.gz)"; fi

# Damaged files.
cv='unhandled constraint violation exception'
cat > map.bpk <<'EOF'
load gzip;
set_ios (open ("@FILE@", IOS_F_READ));
var f = GZIP_File @ 0#B;
EOF
printf 'not a gzip file at all\n' > text.txt
expect_error "a text file" text.txt map.bpk 1 "$cv" \
  "in field GZIP_File.magic"
printf '\037\213\011\000' > method9.gz
cat noname.gz >> method9.gz
expect_error "compression method 9" method9.gz map.bpk 1 "$cv" \
  "in field GZIP_File.compression_method"
cp noname.gz reserved.gz
flip reserved.gz 3
expect_error "reserved flags set" reserved.gz map.bpk 1 "$cv" \
  "in field GZIP_Flags.reserved"
head -c 14 noname.gz > short.gz
# The absent name is mapped all the same (an optional field is built
# before its condition is tested, as in GNU poke), up to the end.
expect_error "no room for the trailer" short.gz map.bpk 1 \
  'unhandled EOF exception' 'while mapping field GZIP_File.name'
head -c 15 named.txt.gz > cutname.gz
expect_error "the name cut" cutname.gz map.bpk 1 \
  'unhandled EOF exception' 'while mapping field GZIP_File.name'
robustness all.gz all.gz walk.bpk
robustness named.txt.gz named.txt.gz walk.bpk

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
