#!/bin/sh
# formats-iso9660.sh -- stdlib/iso9660.bpk against xorriso, genisoimage
# and isoinfo.
#
# Images are made at test time from a directory tree by xorriso (as
# mkisofs, plain ISO 9660) and by genisoimage (with Joliet and Rock
# Ridge); the tree has a directory of 150 files, so that a
# directory spans several sectors.  For each image, bpoke's reading is
# compared with:
#   - isoinfo -d: the identifiers, volume set size and sequence
#     number, logical block size, volume size, whether Joliet is there
#     (and so the volume descriptors, each the union's alternative its
#     type names: primary, supplementary, terminator);
#   - xorriso -pvd_info: the four dates of the PVD;
#   - isoinfo -l: the extent and size of every file and directory;
#   - the tree put in: the CRC-32 of every file (python3's zlib).
# Then the volume identifier and the volume set size (a both-endian
# number) are set by bpoke, and isoinfo -d and xorriso -pvd_info show
# them.  Last, corrupted and truncated copies must
# end in an exception saying what is wrong, never a crash or a hang.
# Exit status 0 all passed, 1 a check failed, 77 a tool missing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/formats-fs-lib.sh"
need_tools xorriso genisoimage isoinfo python3 timeout

src=$work/src
mkdir -p "$src/SUB/DEEPER" "$src/MANY"
echo hello > "$src/README.TXT"
python3 -c 'import random, sys
random.seed(4)
sys.stdout.buffer.write(bytes(random.randrange(256) for i in range(50000)))' \
  > "$src/SUB/DATA.BIN"
echo z > "$src/SUB/DEEPER/Z.DAT"
i=1
while [ $i -le 150 ]; do
  echo "$i" > "$src/MANY/$(printf F%03d.TXT "$i")"
  i=$((i + 1))
done

xorriso -as mkisofs -quiet -V XORRISO_VOL -o "$work/x.iso" "$src" \
  > /dev/null 2>&1 || { echo "xorriso failed"; exit 99; }
genisoimage -quiet -V GENISO_VOL -sysid LINUX -J -r -o "$work/g.iso" "$src" \
  > /dev/null 2>&1 || { echo "genisoimage failed"; exit 99; }

# The reading script; @FILE@ is the image.
cat > "$work/walk.in" <<'EOF'
load iso9660;
set_ios (open ("@FILE@", IOS_F_READ));
var f = ISO9660_File @ 0#B;
var p = f.pvd;
fun id = (char[] c) string: { return rtrim (iso9660_string (c), " "); }
fun date = (string name, ISO9660_Dec_Datetime d) void:
{
  printf ("date %s: %s", name, iso9660_string (d.year));
  printf ("%s", iso9660_string (d.month));
  printf ("%s", iso9660_string (d.day));
  printf ("%s", iso9660_string (d.hour));
  printf ("%s", iso9660_string (d.minute));
  printf ("%s", iso9660_string (d.second));
  printf ("%s\n", iso9660_string (d.hundredths));
}
printf ("System id: %s\n", p.get_system_id);
printf ("Volume id: %s\n", p.get_volume_id);
printf ("Volume set id: %s\n", id (p.volume_set_id));
printf ("Publisher id: %s\n", id (p.publisher_id));
printf ("Data preparer id: %s\n", id (p.data_preparer_id));
printf ("Application id: %s\n", id (p.application_id));
printf ("Copyright File id: %s\n", id (p.copyright_file_id));
printf ("Abstract File id: %s\n", id (p.abstract_file_id));
printf ("Bibliographic File id: %s\n", id (p.bibliographic_file_id));
printf ("Volume set size is: %u16d\n", p.volume_set_size.value);
printf ("Volume set sequence number is: %u16d\n",
        p.volume_sequence_number.value);
printf ("Logical block size is: %u16d\n", p.logical_block_size.value);
printf ("Volume size is: %u32d\n", p.volume_space_size.value);
for (d in f.descriptors)
  {
    var kind = "other";
    try { var x = d.primary; kind = "primary"; } catch if E_elem { }
    try { var x = d.supplementary; kind = "supplementary"; }
    catch if E_elem { }
    try { var x = d.terminator; kind = "terminator"; } catch if E_elem { }
    printf ("descriptor %s\n", kind);
  }
var joliet = 0;
for (t in f.vd_types where t == ISO9660_VD_SUPPLEMENTARY)
  joliet = f.svd.joliet_p;
printf ("joliet %i32d\n", joliet);
date ("Creation Time", p.creation_date);
date ("Modif. Time", p.modification_date);
date ("Expir. Time", p.expiration_date);
date ("Eff. Time", p.effective_date);
for (path in f.walk)
  {
    var r = f.lookup (path);
    printf ("entry %s %u32d %u32d\n",
            path[path'length - 1] == '/' ? path[0:path'length - 1] : path,
            r.extent.value, r.data_length.value);
    if (!r.dir_p)
      printf ("crc %s %u32x\n", path, crc32 (f.read_file (r)));
  }
EOF

walk ()
{
  sed "s|@FILE@|$2|" "$work/walk.in" > "$work/$1.bpk"
  bp "$1"
}

# expected IMAGE: the same lines from isoinfo, xorriso and the tree.
expected ()
{
  isoinfo -d -i "$1" 2>/dev/null | grep -E '^(System|Volume|Publisher|Data preparer|Application|Copyright|Abstract|Bibliographic|Logical)'
  echo "descriptor primary"
  if isoinfo -d -i "$1" 2>/dev/null | grep -q '^Joliet'; then
    echo "joliet 1"; echo "descriptor supplementary"
  else echo "joliet 0"; fi
  echo "descriptor terminator"
  xorriso -indev "$1" -pvd_info 2>/dev/null \
    | sed -n 's/^\(Creation Time\|Modif. Time\|Expir. Time\|Eff. Time\) *: \(.*\)/date \1: \2/p'
  isoinfo -l -i "$1" 2>/dev/null | awk '
    /^Directory listing of / { dir = $4; next }
    /\[ *[0-9]+ [0-9]+\]/ {
      name = $NF; if (name == "." || name == "..") next
      sub(/;1$/, "", name); sub(/\.$/, "", name)
      match($0, /\[ *[0-9]+ /); ext = substr($0, RSTART + 1, RLENGTH - 2)
      gsub(/ /, "", ext)
      print "entry " dir name " " ext " " $5 }'
  (cd "$src" && python3 -c 'import os, zlib
for d, dirs, files in os.walk("."):
    for f in files:
        p = os.path.join(d, f)
        print("crc %s %08x" % (p[1:], zlib.crc32(open(p, "rb").read())))')
}

for img in x g; do
  walk "$img" "$work/$img.iso"
  if [ $rc -ne 0 ] || [ -s "$work/$img.err" ]; then
    ko "$img.iso: bpoke exited with status $rc"
    tail -n 3 "$work/$img.out"; head -n 5 "$work/$img.err"
    continue
  fi
  expected "$work/$img.iso" > "$work/$img.exp"
  for aspect in '[A-Z][a-z]' 'joliet ' 'descriptor ' 'date ' 'entry ' \
                'crc '; do
    grep -E "^($aspect)" "$work/$img.out" | LC_ALL=C sort > "$work/$img.got.a"
    grep -E "^($aspect)" "$work/$img.exp" | LC_ALL=C sort > "$work/$img.exp.a"
    [ -s "$work/$img.exp.a" ] || ko "$img.iso: the tools printed no $aspect"
    same "$img.iso: $aspect" "$work/$img.got.a" "$work/$img.exp.a"
  done
done

# Setting the volume identifier.
for img in x g; do
  cp "$work/$img.iso" "$work/$img-id.iso"
  cat > "$work/id.bpk" <<EOF
load iso9660;
set_ios (open ("$work/$img-id.iso"));
var f = ISO9660_File @ 0#B;
f.set_volume_id ("EDITED_ID");
iso9660_set_both16 (f.pvd.volume_set_size, 2);
EOF
  bp id
  [ $rc -eq 0 ] || { ko "$img: set_volume_id: status $rc"; cat "$work/id.out"; }
  got=$(isoinfo -d -i "$work/$img-id.iso" 2>&1 | sed -n 's/^Volume id: //p')
  if [ "$got" = EDITED_ID ]; then ok "$img.iso: isoinfo -d shows the new id"
  else ko "$img.iso: isoinfo -d shows [$got]"; fi
  got=$(isoinfo -d -i "$work/$img-id.iso" 2>&1 \
        | sed -n 's/^Volume set size is: //p')
  if [ "$got" = 2 ]; then ok "$img.iso: isoinfo -d shows the volume set size set"
  else ko "$img.iso: isoinfo -d shows the volume set size [$got]"; fi
  got=$(xorriso -indev "$work/$img-id.iso" -pvd_info 2>/dev/null \
        | sed -n 's/^Volume Id *: //p')
  if [ "$got" = EDITED_ID ]; then ok "$img.iso: xorriso shows the new id"
  else ko "$img.iso: xorriso shows [$got]"; fi
done
cat > "$work/badid.bpk" <<EOF
load iso9660;
set_ios (open ("$work/x-id.iso"));
(ISO9660_File @ 0#B).set_volume_id ("lower case");
EOF
bp badid
expect_exc "set_volume_id refuses what is not d-characters" badid \
  'd-characters'

# Corrupted copies of x.iso.  The record of SUB in the root directory
# is found in the image.
pvd=32768
sub=$(python3 -c '
import struct, sys
data = open(sys.argv[1], "rb").read()
root = struct.unpack_from("<I", data, 32768 + 156 + 2)[0]
sector = data[root * 2048:root * 2048 + 2048]
print(root * 2048 + sector.index(b"\x03SUB") - 32)' "$work/x.iso")
root_extent=$(python3 -c '
import struct, sys
data = open(sys.argv[1], "rb").read()
print(struct.unpack_from("<I", data, 32768 + 156 + 2)[0])' "$work/x.iso")
both32 () { python3 -c 'import sys; n = int(sys.argv[1]); print(n.to_bytes(4, "little").hex() + n.to_bytes(4, "big").hex())' "$1"; }

case_ ()
{
  name=$1 regex=$2
  shift 2
  cp "$work/x.iso" "$work/$name.iso"
  for p in "$@"; do
    case $p in
      truncate:*) truncate -s "${p#truncate:}" "$work/$name.iso" ;;
      *) patch "$work/$name.iso" "${p%%:*}" "${p#*:}" ;;
    esac
  done
  walk "$name" "$work/$name.iso"
  expect_exc "corrupt $name" "$name" "$regex"
}

case_ standard-id 'standard_id' $((pvd + 5)):32
case_ vd-type 'vd_type' $pvd:05
case_ both-endian 'be' $((pvd + 84)):00000001
case_ block-size 'logical_block_size' $((pvd + 128)):e80303e8
case_ root-length 'length' $((pvd + 156)):0a
case_ empty 'EOF' truncate:0
case_ pvd-cut 'EOF' truncate:33000
case_ data-cut 'EOF' truncate:$((root_extent * 2048 + 2048 * 8))
case_ dir-out 'past the end of the volume' $((sub + 2)):$(both32 16777215)
case_ dir-loop 'loops' $((sub + 2)):$(both32 "$root_extent")
case_ dir-size 'ends past the volume' $((sub + 10)):$(both32 16777215)
case_ name-len 'name_len' $((sub + 32)):ff
case_ record-short 'length' $((sub)):10
case_ no-terminator 'terminator|vd_type|standard_id|EOF' $((pvd + 2048)):00

# Garbage over the directories and files: an exception or nothing,
# never a crash or a hang.
cp "$work/g.iso" "$work/garbage.iso"
python3 - "$work/garbage.iso" <<'EOF'
import random, sys
random.seed(6)
with open(sys.argv[1], "r+b") as f:
    data = bytearray(f.read())
    for i in range(34816, len(data), 29):
        data[i] = random.randrange(256)
    f.seek(0); f.write(data)
EOF
walk garbage "$work/garbage.iso"
expect_clean "random bytes after the PVD" garbage

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
