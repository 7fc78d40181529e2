#!/bin/sh
# formats-ext4.sh -- stdlib/ext4.bpk against e2fsprogs.
#
# Three file systems are made at test time by mke2fs from a directory
# tree (-d, no mount needed): ext4 with 1024-byte blocks (64bit,
# metadata_csum: 64-byte group descriptors, checksums), ext4 with
# 4096-byte blocks without 64bit and metadata_csum (32-byte
# descriptors), and ext2 (block maps with indirect blocks, no extents).
# For each, bpoke's reading is compared with:
#   - dumpe2fs -h: volume name, magic, counts of inodes and blocks,
#     free counts, first block, block size, blocks and inodes per
#     group, inode size, first inode, features (through the module's
#     printer, in dumpe2fs's words), state, errors behaviour, OS type
#     and UUID (through their pretty-printers), checksum;
#   - dumpe2fs: for every group, the block bitmap, inode bitmap and
#     inode table blocks and the free blocks, free inodes and
#     directories counts;
#   - the source tree: every path (lost+found aside) and the CRC-32 of
#     every regular file (python3's zlib), read through extents or
#     block maps;
#   - debugfs "ls -p /": the inode number of each root entry.
# Then the volume name is set by bpoke: e2fsck -fn finds the file
# system clean and dumpe2fs -h shows the name, with and without
# metadata_csum.  Last, corrupted and truncated copies must end in an
# exception saying what is wrong, never a crash or a hang.  Exit status
# 0 all passed, 1 a check failed, 77 a tool missing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/formats-fs-lib.sh"
PATH=$PATH:/sbin:/usr/sbin
need_tools mke2fs dumpe2fs e2fsck debugfs python3 timeout

src=$work/src
mkdir -p "$src/adir/deeper" "$src/empty"
echo hello > "$src/hello.txt"
python3 -c 'import random, sys
random.seed(1)
sys.stdout.buffer.write(bytes(random.randrange(256) for i in range(300000)))' \
  > "$src/big.bin"
i=1
while [ $i -le 80 ]; do
  echo "file $i" > "$src/adir/file-with-a-longish-name-$i.txt"
  i=$((i + 1))
done
echo z > "$src/adir/deeper/z"
ln -s hello.txt "$src/link"

mk ()
{
  mke2fs -q -F "$@" -d "$src" > /dev/null 2>&1 \
    || { echo "mke2fs $* failed"; exit 99; }
}
mk -t ext4 -b 1024 -L fs1k "$work/e1.img" 8M
mk -t ext4 -b 4096 -O ^64bit,^metadata_csum -L fs4k "$work/e2.img" 32M
mk -t ext2 -b 1024 "$work/e3.img" 4M

# The reading script; @FILE@ is the image.  Each line is "KEY: VALUE"
# as dumpe2fs -h writes it, or group, path, crc and root lines.
cat > "$work/walk.in" <<'EOF'
load ext4;
set_ios (open ("@FILE@", IOS_F_READ));
var f = Ext4_File @ 0#B;
var sb = f.sb;
printf ("Filesystem volume name: %s\n",
        sb.get_volume_name == "" ? "<none>" : sb.get_volume_name);
printf ("Filesystem magic number: 0x%u16x\n", sb.s_magic);
print "Filesystem UUID: ";
sb.s_uuid._print;
print "\nFilesystem features: ";
sb.print_features;
print "\nFilesystem state: ";
sb.s_state._print;
print "\nErrors behavior: ";
sb.s_errors._print;
print "\nFilesystem OS type: ";
sb.s_creator_os._print;
printf ("\nInode count: %u32d\n", sb.s_inodes_count);
printf ("Block count: %u64d\n", sb.blocks_count);
printf ("Reserved block count: %u64d\n", sb.r_blocks_count);
printf ("Free blocks: %u64d\n", sb.free_blocks_count);
printf ("Free inodes: %u32d\n", sb.s_free_inodes_count);
printf ("First block: %u32d\n", sb.s_first_data_block);
printf ("Block size: %u64d\n", sb.block_size);
printf ("Blocks per group: %u32d\n", sb.s_blocks_per_group);
printf ("Inodes per group: %u32d\n", sb.s_inodes_per_group);
printf ("First inode: %u32d\n", sb.s_first_ino);
printf ("Inode size: %u32d\n", sb.inode_size);
if (sb.is_64bit)
  printf ("Group descriptor size: %u32d\n", sb.desc_size);
if (sb.metadata_csum_p)
  printf ("Checksum: 0x%u32x\n", sb.s_checksum);
for (var g = 0UL; g < sb.group_count; g++)
  printf ("group %u64d bb %u64d ib %u64d it %u64d free %u32d %u32d dirs %u32d\n",
          g, f.block_bitmap (g), f.inode_bitmap (g), f.inode_table (g),
          f.free_blocks_count (g), f.free_inodes_count (g),
          f.used_dirs_count (g));
for (p in f.walk)
  {
    if (p'length >= 12 && p[0:12] == "/lost+found/")
      continue;
    printf ("path %s\n", p);
    var ino = f.inode (f.lookup (p));
    if ((ino.i_mode.mode & 0xf000) == 0x8000)
      printf ("crc %s %u32x\n", p, crc32 (f.read_file (ino)));
  }
for (d in f.dir_entries (EXT4_ROOT_INO))
  printf ("root %u32d %s\n", d.inode, d.get_name);
EOF

walk ()
{
  sed "s|@FILE@|$2|" "$work/walk.in" > "$work/$1.bpk"
  bp "$1"
}

# expected IMAGE: the same lines from dumpe2fs, the tree and debugfs.
expected ()
{
  dumpe2fs -h "$1" 2>/dev/null | awk -F':[ \t]*' '
    /^Filesystem magic number:/ { print $1 ": " tolower($2) }
    /^(Filesystem volume name|Inode count|Block count|Reserved block count|Free blocks|Free inodes|First block|Block size|Blocks per group|Inodes per group|First inode|Inode size|Group descriptor size|Checksum):/ {
      print $1 ": " $2 }
    /^Filesystem UUID:/ { print $1 ": #<" $2 ">" }
    /^Filesystem features:/ { print $1 ": " $2 }
    /^Filesystem state:/ { v = $2; sub(/ *$/, "", v); print $1 ": #<" v ">" }
    /^Errors behavior:/ { print $1 ": #<" $2 ">" }
    /^Filesystem OS type:/ { print $1 ": #<" $2 ">" }'
  dumpe2fs "$1" 2>/dev/null | awk '
    /^Group [0-9]+:/ { g = $2; sub(/:/, "", g) }
    /Block bitmap at/ { bb = $4 }
    /Inode bitmap at/ { ib = $4 }
    /Inode table at/ { split($4, a, "-"); it = a[1] }
    / free blocks, .* free inodes, .* directories/ {
      printf "group %d bb %d ib %d it %d free %d %d dirs %d\n",
        g, bb, ib, it, $1, $4, $7 }'
  (cd "$src" && find . -mindepth 1 | LC_ALL=C sort | while read -r p; do
     if [ -d "$p" ] && [ ! -L "$p" ]; then echo "path ${p#.}/"
     else echo "path ${p#.}"; fi
   done)
  (cd "$src" && python3 -c 'import os, zlib
for d, dirs, files in os.walk("."):
    for f in files:
        p = os.path.join(d, f)
        if os.path.isfile(p) and not os.path.islink(p):
            print("crc %s %08x" % (p[1:], zlib.crc32(open(p, "rb").read())))')
  debugfs -R 'ls -p /' "$1" 2>/dev/null | awk -F/ 'NF > 5 { print "root " $2 " " $6 }'
}

check_image ()
{
  name=$1 img=$2
  walk "$name" "$img"
  if [ $rc -ne 0 ] || [ -s "$work/$name.err" ]; then
    ko "$name: bpoke exited with status $rc"
    tail -n 3 "$work/$name.out"; head -n 5 "$work/$name.err"
    return
  fi
  expected "$img" > "$work/$name.exp"
  for aspect in 'Filesystem|Inode|Block|Reserved|Free|First|Errors|Group|Checksum' \
                '^group ' '^path ' '^crc ' '^root '; do
    grep -E "^($aspect)" "$work/$name.out" | LC_ALL=C sort > "$work/$name.got.a"
    grep -E "^($aspect)" "$work/$name.exp" | LC_ALL=C sort > "$work/$name.exp.a"
    [ -s "$work/$name.exp.a" ] || ko "$name: the tools printed no $aspect"
    same "$name: $aspect" "$work/$name.got.a" "$work/$name.exp.a"
  done
}

check_image ext4-1k "$work/e1.img"
check_image ext4-4k-32bit "$work/e2.img"
check_image ext2 "$work/e3.img"

# Setting the volume name, with metadata_csum (e1) and without (e2).
for img in e1 e2; do
  cp "$work/$img.img" "$work/$img-label.img"
  cat > "$work/label.bpk" <<EOF
load ext4;
set_ios (open ("$work/$img-label.img"));
(Ext4_File @ 0#B).sb.set_volume_name ("edited-label");
EOF
  bp label
  [ $rc -eq 0 ] || { ko "$img: set_volume_name: status $rc"; cat "$work/label.out"; }
  if e2fsck -fn "$work/$img-label.img" > "$work/fsck.out" 2>&1; then
    ok "$img: e2fsck -fn clean after set_volume_name"
  else
    ko "$img: e2fsck -fn after set_volume_name"; head -n 20 "$work/fsck.out"
  fi
  got=$(dumpe2fs -h "$work/$img-label.img" 2>/dev/null \
        | sed -n 's/^Filesystem volume name: *//p')
  if [ "$got" = edited-label ]; then ok "$img: dumpe2fs shows the new name"
  else ko "$img: dumpe2fs shows the name [$got]"; fi
done

# Corrupted copies of e1 (1024-byte blocks: the superblock is block 1,
# the group descriptors block 2).
itable=$(dumpe2fs "$work/e1.img" 2>/dev/null \
         | sed -n 's/.*Inode table at \([0-9]*\)-.*/\1/p' | head -n 1)
root_block=$(debugfs -R 'bmap <2> 0' "$work/e1.img" 2>/dev/null)
isize=$(dumpe2fs -h "$work/e1.img" 2>/dev/null | sed -n 's/^Inode size: *//p')
# The entry of "adir" in the root directory block: its inode field.
adir_entry=$(python3 -c '
import sys
with open(sys.argv[1], "rb") as f:
    f.seek(int(sys.argv[2]) * 1024)
    blk = f.read(1024)
print(int(sys.argv[2]) * 1024 + blk.index(b"\x04\x02adir") - 6)' \
  "$work/e1.img" "$root_block")

case_ ()
{
  name=$1 regex=$2
  shift 2
  cp "$work/e1.img" "$work/$name.img"
  for p in "$@"; do
    case $p in
      truncate:*) truncate -s "${p#truncate:}" "$work/$name.img" ;;
      *) patch "$work/$name.img" "${p%%:*}" "${p#*:}" ;;
    esac
  done
  walk "$name" "$work/$name.img"
  expect_exc "corrupt $name" "$name" "$regex"
}

case_ magic 's_magic' $((1024 + 56)):0000
case_ block-size 's_log_block_size' $((1024 + 24)):14000000
case_ inodes-per-group 's_inodes_per_group' $((1024 + 40)):00000000
case_ rev-level 's_rev_level' $((1024 + 76)):05000000
case_ empty 'EOF' truncate:0
case_ superblock-cut 'EOF' truncate:1500
case_ inode-table-cut 'EOF' truncate:$((itable * 1024 + 4096))
case_ inode-table-out 'past the end of the file system' 2056:00ffffff
case_ extent-magic 'eh_magic' $((itable * 1024 + isize + 40)):0000
case_ dir-rec-len 'rec_len' $((root_block * 1024 + 4)):0000
case_ dir-loop 'loops' $adir_entry:02000000
case_ inode-size 'not an inode size' $((1024 + 88)):1000

# Garbage over the inode tables and the directories: an exception or
# nothing, never a crash or a hang.
cp "$work/e1.img" "$work/garbage.img"
python3 - "$work/garbage.img" "$itable" <<'EOF'
import random, sys
random.seed(3)
with open(sys.argv[1], "r+b") as f:
    data = bytearray(f.read())
    for i in range(int(sys.argv[2]) * 1024, len(data) // 2, 61):
        data[i] = random.randrange(256)
    f.seek(0); f.write(data)
EOF
walk garbage "$work/garbage.img"
expect_clean "random bytes over the inode tables" garbage

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
