#!/bin/sh
# formats-gif.sh -- `load gif' (stdlib/gif.bpk) on GIF files made at test
# time by ImageMagick's convert (a comment; an animation of frames of
# several sizes and places, with delays and a loop; an interlaced image
# whose data takes many sub-blocks; transparency; a GIF87a file),
# checked against:
#   - the version and the logical screen's size      (file)
#   - each image's size, place, delay and interlace,
#     the screen size, the comment                    (identify)
# Edits the tools must then accept: a frame's delay and a comment's
# text changed (identify reads them).  Then damaged files: a clear
# exception each, never a crash or a hang.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/formats-lib.sh"
need_tools convert identify file

cd "$work" || exit 99
convert -size 20x10 xc:red -set comment "a red gif" comment.gif || exit 99
convert -delay 10 -loop 0 -size 8x6 xc:red -size 8x6 xc:blue \
  -page +2+1 -size 3x2 xc:green anim.gif || exit 99
convert -size 100x60 -seed 3 plasma:fractal -interlace GIF inter.gif || exit 99
convert -size 8x8 xc:none -fill red -draw 'point 1,1' trans.gif || exit 99
convert -size 5x4 xc:blue GIF87:old.gif || exit 99
files="comment.gif anim.gif inter.gif trans.gif old.gif"

# As file and identify print them: the header; for each image the
# screen size, its size and place, the delay of the graphic control
# extension before it, whether it is interlaced; the first comment.
cat > walk.bpk <<'EOF'
load gif;
set_ios (open ("@FILE@", IOS_F_READ));
var f = GIF_File @ 0#B;
printf ("GIF image data, version %s, %u16d x %u16d\n", catos (f.header.version),
        f.screen.width, f.screen.height);
var delay = 0UH;
for (b in f.blocks)
  {
    try delay = b.graphic_control.delay_time; catch if E_elem {}
    try
      {
        var i = b.image;
        printf ("%u16d %u16d | %u16d %u16d +%u16d +%u16d %u16d %s\n",
                f.screen.width, f.screen.height, i.width, i.height, i.left,
                i.top, delay, i.flags.interlaced_p ? "GIF" : "None");
      }
    catch if E_elem {}
  }
if (f.comments'length > 0)
  printf ("comment %s\n", f.comments[0]);
EOF

expected ()
{
  file -b "$1"
  identify -format '%W %H | %w %h %X %Y %T %[interlace]\n' "$1" | sed 's/+-/-/g'
  c=$(identify -format '%c' "$1[0]")
  [ -n "$c" ] && echo "comment $c"
}

for f in $files; do
  script_for "$f" walk.bpk
  run_bpoke run.bpk
  if [ $rc -ne 0 ]; then ko "$f: bpoke exited with $rc: $(tail -n 3 out)"; continue; fi
  expected "$f" > exp
  same "$f: version, screen, images, delays, interlace, comment" out exp
done

# The image data: inter.gif's takes many sub-blocks, each up to 255.
cat > subblocks.bpk <<'EOF'
load gif;
set_ios (open ("@FILE@", IOS_F_READ));
var f = GIF_File @ 0#B;
var i = f.images[0];
printf ("%u64d %u64d %u64d\n", i.data.sub_blocks'length, i.data.data_size / 1#B,
        i.data'size / 1#B);
EOF
script_for inter.gif subblocks.bpk
run_bpoke run.bpk
set -- $(cat out)
if [ $rc -eq 0 ] && [ "$1" -gt 1 ] && [ "$3" -eq $(($2 + $1 + 1)) ]; then
  ok "inter.gif: $1 sub-blocks, $2 bytes of LZW data"
else ko "inter.gif sub-blocks: status $rc: $(cat out)"; fi

# A frame's delay, and the comment.
cp anim.gif slow.gif
cp comment.gif comment2.gif
cat > edit.bpk <<'EOF'
load gif;
set_ios (open ("slow.gif"));
var f = GIF_File @ 0#B;
var n = 0;
for (b in f.blocks)
  try
    {
      var g = b.graphic_control;
      n++;
      if (n == 2)
        g.delay_time = 250;
    }
  catch if E_elem {}
set_ios (open ("comment2.gif"));
var c = GIF_File @ 0#B;
for (b in c.blocks)
  try stoca ("A RED GIF", b.comment.data.sub_blocks[0].data);
  catch if E_elem {}
EOF
run_bpoke edit.bpk
if [ $rc -eq 0 ] && [ "$(identify -format '%T ' slow.gif)" = "10 250 10 " ] \
   && [ "$(identify -format '%c' comment2.gif)" = "A RED GIF" ] \
   && convert slow.gif null: && convert comment2.gif null:
then ok "a delay and a comment changed: identify reads them"
else ko "edit: status $rc $(cat out); identify: $(identify -format '%T ' slow.gif) $(identify -format '%c' comment2.gif)"; fi

# Damaged files.
cv='unhandled constraint violation exception'
cat > map.bpk <<'EOF'
load gif;
set_ios (open ("@FILE@", IOS_F_READ));
var f = GIF_File @ 0#B;
EOF
printf 'not a gif file at all\n' > text.txt
expect_error "a text file" text.txt map.bpk 1 "$cv" \
  "in field GIF_Header.signature"
printf 'GIF90a' > v90.gif
tail -c +7 old.gif >> v90.gif
expect_error "version 90a" v90.gif map.bpk 1 "$cv" \
  "in field GIF_Header.version"
head -c $(($(wc -c < anim.gif) - 1)) anim.gif > notrailer.gif
expect_error "no trailer" notrailer.gif map.bpk 1 'unhandled EOF exception' \
  'while mapping field GIF_File.trailer'
cp comment.gif badblock.gif
size=$(wc -c < badblock.gif)
printf '\001' | dd of=badblock.gif bs=1 seek=$((size - 1)) conv=notrunc status=none
expect_error "a block that is none" badblock.gif map.bpk 1 "$cv" \
  'in field GIF_File.trailer'
robustness anim.gif anim.gif walk.bpk
robustness comment.gif comment.gif walk.bpk

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
