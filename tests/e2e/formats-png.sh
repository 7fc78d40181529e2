#!/bin/sh
# formats-png.sh -- `load png' (stdlib/png.bpk) on PNG files made at test
# time by ImageMagick's convert and by python3 (zlib, chunks written by
# hand: text, compressed text, international text, time, physical size,
# palette, an image split over two IDAT chunks), checked against the
# tools that read PNG:
#   - the chunks, their offsets and lengths          (pngcheck -v)
#   - the image header: size, bit depth, colour type,
#     interlace method; tIME and pHYs                 (identify)
#   - every CRC right (png_crc_ok)                    (pngcheck: no errors)
#   - the text chunks' keywords                       (pngcheck -v)
# Edits the tools must then accept: a tEXt chunk's text changed with
# png_text_set (pngcheck -t shows it, the pixels are the same); a byte of
# text changed by hand (pngcheck finds the CRC error, png_crc_ok is 0)
# then png_fix_crc (pngcheck passes); pHYs changed and its CRC fixed
# (identify reads the new resolution).  Then damaged files: a clear
# exception each, never a crash or a hang.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/formats-lib.sh"
need_tools python3 convert identify pngcheck

cd "$work" || exit 99
convert -size 16x8 gradient:red-blue -set comment "hello world" rgb16.png
convert -size 9x7 gradient:black-white -depth 8 -colorspace Gray gray.png
convert -size 10x10 xc:red -fill blue -draw 'point 3,3' PNG8:pal8.png
convert -size 12x6 xc:none -fill green -draw 'rectangle 1,1 4,4' rgba.png
convert -size 20x20 plasma:fractal -seed 1 -interlace PNG adam7.png
python3 - <<'EOF' || { echo "python3 failed"; exit 99; }
import struct, zlib

def chunk(t, d):
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d))

def png(name, ihdr, chunks):
    with open(name, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) + b''.join(chunks)
                + chunk(b'IEND', b''))

w, h = 4, 3
raw = b''.join(b'\x00' + b''.join(bytes([x * 60, y * 80, 100]) for x in range(w))
               for y in range(h))
z = zlib.compress(raw)
png('hand.png', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0), [
    chunk(b'gAMA', struct.pack('>I', 45455)),
    chunk(b'tEXt', b'Comment\x00hello world'),
    chunk(b'zTXt', b'Title\x00\x00' + zlib.compress(b'a compressed title')),
    chunk(b'iTXt', b'Author\x00\x00\x00fr\x00Auteur\x00Zo\xc3\xa9'),
    chunk(b'tIME', struct.pack('>HBBBBB', 2024, 2, 29, 13, 5, 9)),
    chunk(b'pHYs', struct.pack('>IIB', 2835, 3780, 1)),
    chunk(b'IDAT', z[:10]), chunk(b'IDAT', z[10:])])
pal = b''.join(b'\x00' + bytes([(x + y) % 3 for x in range(5)]) for y in range(2))
png('palette.png', struct.pack('>IIBBBBB', 5, 2, 8, 3, 0, 0, 0), [
    chunk(b'PLTE', bytes([255, 0, 0, 0, 255, 0, 0, 0, 255])),
    chunk(b'IDAT', zlib.compress(pal))])
EOF
files="hand.png palette.png rgb16.png gray.png pal8.png rgba.png adam7.png"

# What bpoke reads: the chunks as "TYPE OFFSET LENGTH" (the offset of
# the type, as pngcheck gives it), a line of
# image header as identify prints it, the CRCs, the keywords.
cat > walk.bpk <<'EOF'
load png;
set_ios (open ("@FILE@", IOS_F_READ));
var f = PNG_File @ 0#B;
for (c in f.chunks)
  printf ("chunk %s %u64d %u32d\n", c.chunk_type.name,
          c.chunk_type'offset / 1#B, c.length / 1#B);
printf ("ihdr %u32d, %u32d|%u8d|%u8d|%u8d\n", f.ihdr.width, f.ihdr.height,
        f.ihdr.bit_depth, f.ihdr.color_type.code, f.ihdr.interlace_method);
var bad = 0;
for (c in f.chunks where !png_crc_ok (c))
  bad++;
printf ("bad crcs %i32d\n", bad);
for (c in f.chunks)
  {
    if (c.chunk_type.name == "tEXt")
      printf ("keyword %s\n", c.data.text.keyword);
    if (c.chunk_type.name == "zTXt")
      printf ("keyword %s\n", c.data.ztxt.keyword);
    if (c.chunk_type.name == "iTXt")
      printf ("keyword %s\n", c.data.itxt.keyword);
    if (c.chunk_type.name == "tIME")
      printf ("time %u16d-%s-%s %s:%s:%s\n", c.data.time.year,
              png_2digits (c.data.time.month), png_2digits (c.data.time.day),
              png_2digits (c.data.time.hour), png_2digits (c.data.time.minute),
              png_2digits (c.data.time.second));
    if (c.chunk_type.name == "pHYs")
      printf ("phys %u32d %u32d %u8d\n", c.data.phys.x_pixels_per_unit,
              c.data.phys.y_pixels_per_unit, c.data.phys.unit_specifier);
  }
EOF

# The same lines from pngcheck and identify.
expected ()
{
  pngcheck -v "$1" | sed -n 's/^  chunk \(....\) at offset \(0x[0-9a-f]*\), length \([0-9]*\).*/\1 \2 \3/p' \
    | while read -r t o l; do echo "chunk $t $((o)) $l"; done
  identify -format 'ihdr %[png:IHDR.width,height]|%[png:IHDR.bit_depth]|%[png:IHDR.color_type]|%[png:IHDR.interlace_method]\n' "$1" \
    | sed 's/ ([^)]*)//g'
  if pngcheck -q "$1" >/dev/null; then echo "bad crcs 0"; else echo "bad crcs ?"; fi
  pngcheck -v "$1" | sed -n 's/.*, keyword: \(.*\)$/keyword \1/p'
  pngcheck -v "$1" | grep -q 'chunk tIME' \
    && identify -verbose "$1" | sed -n 's/^ *png:tIME: \(....-..-..\)T\(..:..:..\)Z$/time \1 \2/p'
  identify -verbose "$1" | sed -n 's/^ *png:pHYs: x_res=\([0-9]*\), y_res=\([0-9]*\), units=\([0-9]*\)$/phys \1 \2 \3/p'
}

for f in $files; do
  script_for "$f" walk.bpk
  run_bpoke run.bpk
  if [ $rc -ne 0 ]; then ko "$f: bpoke exited with $rc: $(tail -n 3 out)"; continue; fi
  expected "$f" > exp
  # pngcheck shows pHYs only when the file has one; identify always.
  grep -q '^chunk pHYs' exp || sed -i '/^phys /d' exp
  # In any order: pngcheck and identify print separately.
  sort out > out.sorted
  sort exp > exp.sorted
  same "$f: chunks, header, CRCs, keywords, time, resolution" out.sorted exp.sorted
done

# png_text_set: same pixels, pngcheck -t shows the new text.
cp hand.png text.png
cat > edit.bpk <<'EOF'
load png;
set_ios (open ("text.png"));
var f = PNG_File @ 0#B;
png_text_set (f.chunks_of_type ("tEXt")[0], "HELLO PNG!!");
EOF
run_bpoke edit.bpk
if [ $rc -eq 0 ] && pngcheck -q text.png >/dev/null \
   && pngcheck -t text.png | grep -q '^    HELLO PNG!!$' \
   && [ "$(convert text.png rgba:- | od -An -tx1)" = "$(convert hand.png rgba:- | od -An -tx1)" ]
then ok "png_text_set: pngcheck -t shows the text, the pixels are unchanged"
else ko "png_text_set: status $rc $(cat out); pngcheck: $(pngcheck -t text.png)"; fi

# A byte of text changed by hand: the CRC is wrong until png_fix_crc.
cp hand.png crc.png
cat > crc1.bpk <<'EOF'
load png;
set_ios (open ("crc.png"));
var f = PNG_File @ 0#B;
var t = f.chunks_of_type ("tEXt")[0];
t.data.text.text[0] = 'j';
printf ("%i32d\n", png_crc_ok (t));
EOF
run_bpoke crc1.bpk
if [ $rc -eq 0 ] && [ "$(cat out)" = 0 ] && pngcheck crc.png | grep -q 'CRC error'
then ok "a changed byte: png_crc_ok is 0 and pngcheck finds the CRC error"
else ko "changed byte: status $rc, printed $(cat out), pngcheck: $(pngcheck crc.png)"; fi
cat > crc2.bpk <<'EOF'
load png;
set_ios (open ("crc.png"));
var f = PNG_File @ 0#B;
var t = f.chunks_of_type ("tEXt")[0];
png_fix_crc (t);
printf ("%i32d\n", png_crc_ok (t));
EOF
run_bpoke crc2.bpk
if [ $rc -eq 0 ] && [ "$(cat out)" = 1 ] && pngcheck -q crc.png >/dev/null \
   && pngcheck -t crc.png | grep -q '^    jello world$'
then ok "png_fix_crc: pngcheck passes and shows the changed text"
else ko "png_fix_crc: status $rc, printed $(cat out), pngcheck: $(pngcheck -t crc.png)"; fi

# pHYs: 600 dots per inch is 23622 pixels per metre.
cp hand.png dpi.png
cat > dpi.bpk <<'EOF'
load png;
set_ios (open ("dpi.png"));
var f = PNG_File @ 0#B;
var p = f.chunks_of_type ("pHYs")[0];
p.data.phys.x_pixels_per_unit = 23622;
p.data.phys.y_pixels_per_unit = 23622;
png_fix_crc (p);
EOF
run_bpoke dpi.bpk
if [ $rc -eq 0 ] && pngcheck -q dpi.png >/dev/null \
   && identify -verbose dpi.png | grep -q 'png:pHYs: x_res=23622, y_res=23622, units=1'
then ok "pHYs edited and its CRC fixed: identify reads 23622 pixels per metre"
else ko "pHYs edit: status $rc $(cat out)"; fi

# Damaged files.
cv='unhandled constraint violation exception'
cat > map.bpk <<'EOF'
load png;
set_ios (open ("@FILE@", IOS_F_READ));
var f = PNG_File @ 0#B;
EOF
printf 'not a png file at all\n' > text.txt
expect_error "a text file" text.txt map.bpk 1 "$cv" \
  "in field PNG_File.signature"
head -c 8 hand.png > sig-only.png
expect_error "the signature alone" sig-only.png map.bpk 1 \
  'unhandled EOF exception' 'while mapping field PNG_File.chunks'
python3 -c '
d = bytearray(open("hand.png", "rb").read()); d[12:16] = b"IDAT"
open("no-ihdr.png", "wb").write(d)'
expect_error "a first chunk that is not IHDR" no-ihdr.png map.bpk 1 "$cv" \
  "in field PNG_File.chunks"
python3 -c '
d = bytearray(open("hand.png", "rb").read()); d[37:41] = b"t3Xt"
open("bad-type.png", "wb").write(d)'
expect_error "a chunk type that is not letters" bad-type.png map.bpk 1 "$cv" \
  "in field PNG_Chunk_Type.code"
python3 -c '
d = bytearray(open("hand.png", "rb").read()); d[24] = 3
open("bad-depth.png", "wb").write(d)'
expect_error "bit depth 3" bad-depth.png map.bpk 1 "$cv" \
  "in field PNG_IHDR.color_type"
python3 -c '
d = bytearray(open("hand.png", "rb").read()); d[33:37] = b"\xff\xff\xff\xf0"
open("huge-length.png", "wb").write(d)'
expect_error "a chunk length over 2^31-1" huge-length.png map.bpk 1 "$cv" \
  "PNG chunk length over 2^31-1"
# An IHDR chunk of 0x2000000d bytes is not the 13 bytes of IHDR (in
# bits, as offsets compare, the length wraps in its uint<32> to 13
# bytes' bits): the chunk alone, mapped, reads past the end.
python3 -c '
d = bytearray(open("hand.png", "rb").read()); d[8:12] = b"\x20\x00\x00\x0d"
open("wrap-length.png", "wb").write(d)'
cat > chunk.bpk <<'EOF'
load png;
set_ios (open ("@FILE@", IOS_F_READ));
var c = PNG_Chunk @ 8#B;
EOF
expect_error "an IHDR length of 2^29 + 13" wrap-length.png chunk.bpk 1 \
  'unhandled EOF exception' "while mapping field PNG_Chunk.data"
head -c $(($(wc -c < hand.png) - 12)) hand.png > no-iend.png
expect_error "no IEND" no-iend.png map.bpk 1 'unhandled EOF exception' \
  'while mapping field PNG_File.chunks'
robustness hand.png hand.png walk.bpk
robustness adam7.png adam7.png walk.bpk

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
