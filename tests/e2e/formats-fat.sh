#!/bin/sh
# formats-fat.sh -- stdlib/fat.bpk against dosfstools and mtools.
#
# FAT12, FAT16 and FAT32 file systems are made at test time by mkfs.fat
# (on a file, no mount needed) and filled by mtools: small and
# multi-cluster files, long names, a name in lower case (kept in case
# bits, without a long name), nested directories and a deleted file.
# For each, bpoke's reading is compared with:
#   - minfo: sector and cluster sizes, reserved sectors, FATs, root
#     directory slots, sizes, media byte, FAT size, geometry, serial
#     number, label and type (and for FAT32 the root cluster, FSInfo
#     and backup boot sectors, and FSInfo's free count);
#   - fsck.fat -nv: FAT type and entry width, bytes per cluster and
#     per FAT, where the first FAT and the data area start, the number
#     of data clusters;
#   - mdir -/ -b: every path; mdir: the short name and the date and
#     time of each file of the root directory (FAT_Date, FAT_Time);
#   - the files put in: the CRC-32 of each, read through its cluster
#     chain (python3's zlib).
# Then the volume label is set by bpoke, on a file system with a label
# entry in its root directory and on one without: fsck.fat -n finds no
# error and mlabel -s shows the label.  Last, corrupted and truncated
# copies must end in an exception saying what is wrong, never a crash
# or a hang.  Exit status 0 all passed, 1 a check failed, 77 a tool
# missing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/formats-fs-lib.sh"
PATH=$PATH:/sbin:/usr/sbin
need_tools mkfs.fat fsck.fat minfo mcopy mmd mdel mdir mlabel python3 timeout
export MTOOLS_SKIP_CHECK=1

src=$work/src
mkdir -p "$src"
echo hello > "$src/hello.txt"
python3 -c 'import random, sys
random.seed(2)
sys.stdout.buffer.write(bytes(random.randrange(256) for i in range(70000)))' \
  > "$src/big.bin"
echo "long" > "$src/long.txt"
echo "gone" > "$src/gone.txt"

# mk IMG FATBITS SIZE: a file system with files and directories.
mk ()
{
  truncate -s "$3" "$1"
  mkfs.fat -F "$2" -n "FAT$2 VOL" -i 12345678 "$1" > /dev/null \
    || { echo "mkfs.fat failed"; exit 99; }
  mcopy -i "$1" "$src/hello.txt" ::/HELLO.TXT
  mcopy -i "$1" "$src/big.bin" ::/big.bin
  mcopy -i "$1" "$src/gone.txt" ::/GONE.TXT
  mmd -i "$1" "::/A Long Directory Name"
  mmd -i "$1" "::/A Long Directory Name/inner"
  mcopy -i "$1" "$src/long.txt" "::/A Long Directory Name/inner/Some long file name.txt"
  mcopy -i "$1" "$src/hello.txt" "::/readme.txt"
  mdel -i "$1" ::/GONE.TXT
}
mk "$work/f12.img" 12 2M
mk "$work/f16.img" 16 20M
mk "$work/f32.img" 32 40M

# The reading script; @FILE@ is the image.  Lines as minfo and
# fsck.fat print them, then path and crc lines.
cat > "$work/walk.in" <<'EOF'
load fat;
set_ios (open ("@FILE@", IOS_F_READ));
var f = FAT_File @ 0#B;
var bs = f.bs;
printf ("sector size: %u16d bytes\n", bs.bytes_per_sector);
printf ("cluster size: %u8d sectors\n", bs.sectors_per_cluster);
printf ("reserved (boot) sectors: %u16d\n", bs.reserved_sectors);
printf ("fats: %u8d\n", bs.fat_count);
printf ("max available root directory slots: %u16d\n", bs.root_entry_count);
printf ("small size: %u16d sectors\n", bs.total_sectors_16);
printf ("media descriptor byte: 0x%u8x\n", bs.media);
printf ("sectors per fat: %u16d\n", bs.sectors_per_fat_16);
printf ("sectors per track: %u16d\n", bs.sectors_per_track);
printf ("heads: %u16d\n", bs.heads);
printf ("hidden sectors: %u32d\n", bs.hidden_sectors);
if (bs.total_sectors_16 == 0)
  printf ("big size: %u32d sectors\n", bs.total_sectors_32);
printf ("serial number: %u32x\n", bs.volume_id);
printf ("disk label=\"%s\"\n", fat_string (bs.volume_label));
printf ("disk type=\"%s\"\n", fat_string (bs.fs_type));
if (bs.fat_type == 32)
  {
    printf ("Big fatlen=%u32d\n", bs.fat32.sectors_per_fat_32);
    printf ("rootCluster=%u32d\n", bs.fat32.root_cluster);
    printf ("infoSector location=%u16d\n", bs.fat32.fs_info_sector);
    printf ("backup boot sector=%u16d\n", bs.fat32.backup_boot_sector);
    var info = FAT_FSInfo @ f.sector_offset (bs.fat32.fs_info_sector);
    printf ("free clusters=%u32d\n", info.free_count);
  }
printf ("%u64d bytes per cluster\n", f.cluster_size / 1#B);
printf ("First FAT starts at byte %u64d (sector %u16d)\n",
        f.fat_offset / 1#B, bs.reserved_sectors);
printf ("%u8d FATs, %i32d bit entries\n", bs.fat_count, bs.fat_type);
printf ("%u64d bytes per FAT (= %u32d sectors)\n",
        bs.sectors_per_fat * bs.bytes_per_sector as uint<64>,
        bs.sectors_per_fat);
printf ("Data area starts at byte %u64d (sector %u32d)\n",
        bs.first_data_sector * bs.bytes_per_sector as uint<64>,
        bs.first_data_sector);
printf ("%u32d data clusters (%u64d bytes)\n", bs.cluster_count,
        bs.cluster_count * (f.cluster_size / 1#B));
fun two = (uint<16> n) void: { printf ("%s%u16d", n < 10 ? "0" : "", n); }
for (x in f.dir (0))
  {
    var e = x.entry;
    printf ("date %s %u16d-", e.get_name (1), e.write_date.year);
    two (e.write_date.month);
    print "-";
    two (e.write_date.day);
    print " ";
    two (e.write_time.hour);
    print ":";
    two (e.write_time.minute);
    print "\n";
  }
for (p in f.walk)
  {
    printf ("path %s\n", p);
    if (p[p'length - 1] != '/')
      printf ("crc %s %u32x\n", p, crc32 (f.read_file (f.lookup (p))));
  }
EOF

walk ()
{
  sed "s|@FILE@|$2|" "$work/walk.in" > "$work/$1.bpk"
  bp "$1"
}

# expected IMAGE: the same lines from minfo, fsck.fat, mdir and the
# source files.
expected ()
{
  minfo -i "$1" :: 2>/dev/null | awk '
    /^bootsector information/ { boot = 1 }
    !boot { next }
    /^serial number: / { v = tolower($3); sub(/^0*/, "", v)
                         print "serial number: " v; next }
    /^(sector size|cluster size|reserved \(boot\) sectors|fats|max available root directory slots|small size|media descriptor byte|sectors per fat|sectors per track|heads|hidden sectors|big size|disk label|disk type|Big fatlen|rootCluster|infoSector location|backup boot sector|free clusters)[:=]/'
  fsck.fat -nv "$1" 2>/dev/null | sed -n \
    -e 's/^ *\([0-9]* bytes per cluster\)$/\1/p' \
    -e 's/^\(First FAT starts at byte .*\)$/\1/p' \
    -e 's/^ *\([0-9]* FATs, [0-9]* bit entries\)$/\1/p' \
    -e 's/^ *\([0-9]* bytes per FAT .*\)$/\1/p' \
    -e 's/^\(Data area starts at byte .*\)$/\1/p' \
    -e 's/^ *\([0-9]* data clusters .*\)$/\1/p'
  mdir -/ -b -i "$1" :: 2>/dev/null | sed 's|^::|path |'
  mdir -i "$1" :: 2>/dev/null | awk '
    match($0, /[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]  *[0-9]*:[0-9][0-9]/) {
      base = substr($0, 1, 8); sub(/ *$/, "", base)
      ext = substr($0, 10, 3); sub(/ *$/, "", ext)
      split(substr($0, RSTART, RLENGTH), dt, " +")
      split(dt[2], hm, ":")
      printf "date %s%s %s %02d:%s\n", base, (ext == "" ? "" : "." ext),
             dt[1], hm[1], hm[2] }'
  for p in /HELLO.TXT /big.bin "/A Long Directory Name/inner/Some long file name.txt" /readme.txt; do
    case $p in
      /HELLO.TXT|/readme.txt) file=$src/hello.txt ;;
      /big.bin) file=$src/big.bin ;;
      *) file=$src/long.txt ;;
    esac
    python3 -c 'import sys, zlib
print("crc %s %08x" % (sys.argv[1], zlib.crc32(open(sys.argv[2], "rb").read())))' \
      "$p" "$file"
  done
}

for t in 12 16 32; do
  name=fat$t
  walk "$name" "$work/f$t.img"
  if [ $rc -ne 0 ] || [ -s "$work/$name.err" ]; then
    ko "$name: bpoke exited with status $rc"
    tail -n 3 "$work/$name.out"; head -n 5 "$work/$name.err"
    continue
  fi
  expected "$work/f$t.img" > "$work/$name.exp"
  for aspect in '[a-zA-Z (]+[:=]' '[0-9]+ |First FAT|Data area' 'path ' \
                'crc ' 'date '; do
    grep -E "^($aspect)" "$work/$name.out" | LC_ALL=C sort > "$work/$name.got.a"
    grep -E "^($aspect)" "$work/$name.exp" | LC_ALL=C sort > "$work/$name.exp.a"
    [ -s "$work/$name.exp.a" ] || ko "$name: the tools printed no $aspect"
    same "$name: $aspect" "$work/$name.got.a" "$work/$name.exp.a"
  done
done

# Setting the label: on the three file systems (label entry in the
# root directory, and a FAT32 backup boot sector), and on a FAT16 one
# made without a label (no entry yet).
truncate -s 20M "$work/nolabel.img"
mkfs.fat -F 16 "$work/nolabel.img" > /dev/null
mcopy -i "$work/nolabel.img" "$src/hello.txt" ::/HELLO.TXT
for img in f12 f16 f32 nolabel; do
  cp "$work/$img.img" "$work/$img-label.img"
  cat > "$work/label.bpk" <<EOF
load fat;
set_ios (open ("$work/$img-label.img"));
(FAT_File @ 0#B).set_volume_label ("NEW LABEL");
EOF
  bp label
  [ $rc -eq 0 ] || { ko "$img: set_volume_label: status $rc"; cat "$work/label.out"; }
  if fsck.fat -n "$work/$img-label.img" > "$work/fsck.out" 2>&1; then
    ok "$img: fsck.fat -n clean after set_volume_label"
  else
    ko "$img: fsck.fat -n after set_volume_label"; head -n 20 "$work/fsck.out"
  fi
  got=$(mlabel -s -i "$work/$img-label.img" :: 2>&1)
  if [ "$got" = " Volume label is NEW LABEL  " ]; then
    ok "$img: mlabel shows the new label"
  else ko "$img: mlabel says [$got]"; fi
done

# Corrupted copies of the FAT32 and FAT12 images.  The FAT entry and the
# directory entry of big.bin, and the entry of the long-named
# directory, are found in the images.
locate ()
{
  python3 - "$@" <<'EOF'
import struct, sys
img, what = sys.argv[1], sys.argv[2]
data = open(img, "rb").read()
bps, spc, rsv, nfat = struct.unpack_from("<HBHB", data, 11)
fatsz = struct.unpack_from("<H", data, 22)[0] or struct.unpack_from("<I", data, 36)[0]
entry = data.index(b"BIG     BIN" if what != "dir" else b"ALONGD~1   ")
cluster = struct.unpack_from("<H", data, entry + 26)[0] \
          | struct.unpack_from("<H", data, entry + 20)[0] << 16
if what == "fat":
    width = 4 if fatsz == struct.unpack_from("<I", data, 36)[0] and \
            struct.unpack_from("<H", data, 22)[0] == 0 else 2
    print(rsv * bps + cluster * width, cluster)
else:
    print(entry + 26)
EOF
}
set -- $(locate "$work/f32.img" fat)
fat_entry=$1 big_cluster=$2
dir_entry32=$(locate "$work/f32.img" dir)
dir_entry12=$(locate "$work/f12.img" dir)
le32 () { python3 -c 'import sys; print(int(sys.argv[1]).to_bytes(4, "little").hex())' "$1"; }

case_ ()
{
  name=$1 base=$2 regex=$3
  shift 3
  cp "$work/$base.img" "$work/$name.img"
  for p in "$@"; do
    case $p in
      truncate:*) truncate -s "${p#truncate:}" "$work/$name.img" ;;
      *) patch "$work/$name.img" "${p%%:*}" "${p#*:}" ;;
    esac
  done
  walk "$name" "$work/$name.img"
  expect_exc "corrupt $name" "$name" "$regex"
}

case_ signature f32 'signature' 510:0000
case_ jump f12 'jump_boot' 0:00
case_ bytes-per-sector f16 'bytes_per_sector' 11:0300
case_ sectors-per-cluster f32 'sectors_per_cluster' 13:03
case_ media f12 'media' 21:00
case_ fat-count f16 'fat_count' 16:00
case_ fs-version f32 'drive_number' 42:0100
case_ empty f12 'EOF' truncate:0
case_ boot-cut f32 'EOF' truncate:300
case_ data-cut f16 'EOF' truncate:100000
case_ chain-loop f32 'loops' $fat_entry:$(le32 "$big_cluster")
case_ chain-free f32 'is chained to' $fat_entry:00000000
case_ dir-loop f32 'loops' $dir_entry32:0200
case_ dir-out f12 'not a data cluster' $dir_entry12:ff0f
case_ fat-size f32 'end after the last sector' 36:ffffff00

# Garbage over the FATs and the directories: an exception or nothing,
# never a crash or a hang.
for t in 12 32; do
  cp "$work/f$t.img" "$work/garbage$t.img"
  python3 - "$work/garbage$t.img" <<'EOF'
import random, sys
random.seed(5)
with open(sys.argv[1], "r+b") as f:
    data = bytearray(f.read())
    for i in range(512, min(len(data), 800000), 37):
        data[i] = random.randrange(256)
    f.seek(0); f.write(data)
EOF
  walk garbage$t "$work/garbage$t.img"
  expect_clean "FAT$t: random bytes over the FATs and directories" garbage$t
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
