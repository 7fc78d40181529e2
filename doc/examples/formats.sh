#!/bin/sh
# formats.sh -- the examples of the manual's chapter "The format library",
# run as the reader runs them: make the sample files (tut.png, tut.zip,
# tut.gz, tut.a, tut.wav, tut.gif with python3, Tut.class with javac),
# then type the steps fmt-FORMAT-N.bpk of each format, in order, at one
# bpoke session in a fresh copy of the files, and compare what bpoke
# prints with the outputs fmt-FORMAT-N.out that the manual shows.  Then
# check the edits with the format's tools (pngcheck, unzip, gzip, ar,
# python3's wave), when they are installed.
#
# Usage: formats.sh [--record]
#
# The expected outputs are not bpoke's: --record writes them by running
# GNU poke ($POKE, default poke) on the same steps, with the modules of
# stdlib/ copied as NAME.pk on its load path.  The class file's session
# is compared only when javac makes a Java 17 class file (major version
# 61), the one recorded.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../tests/e2e/lib.sh"
POKE=${POKE:-poke}
record=no
[ "${1-}" = --record ] && record=yes

command -v python3 >/dev/null || { echo "python3 missing: skip"; exit 77; }

# make_files DIR: the sample files, always the same bytes (but the
# class file, which is javac's).
make_files ()
{
  (cd "$1" && python3 - <<'EOF'
import gzip, struct, wave, zipfile, zlib

def chunk(t, d):
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d))
raw = b''.join(b'\x00' + bytes([255, 128, 0]) * 3 for y in range(2))
open('tut.png', 'wb').write(b'\x89PNG\r\n\x1a\n'
    + chunk(b'IHDR', struct.pack('>IIBBBBB', 3, 2, 8, 2, 0, 0, 0))
    + chunk(b'tEXt', b'Comment\x00hello world')
    + chunk(b'tIME', struct.pack('>HBBBBB', 2024, 2, 29, 13, 5, 9))
    + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b''))

with zipfile.ZipFile('tut.zip', 'w') as z:
    z.writestr(zipfile.ZipInfo('notes.txt', (2024, 2, 29, 13, 5, 10)),
               'remember the milk\n')
    z.writestr(zipfile.ZipInfo('todo.txt', (2024, 3, 1, 8, 0, 0)),
               'write the manual\n')

with open('tut.gz', 'wb') as f:
    with gzip.GzipFile(filename='notes.txt', mode='wb', fileobj=f,
                       mtime=1709211909) as g:
        g.write(b'remember the milk\n')

def member(name, data, date=1709211909):
    h = b'%-16s%-12d%-6d%-6d%-8o%-10d`\n' % (name, date, 1000, 1000, 0o100644,
                                            len(data))
    return h + data + (b'\n' if len(data) % 2 else b'')
open('tut.a', 'wb').write(b'!<arch>\n'
    + member(b'//', b'a_rather_long_name.txt/\n', 0)
    + member(b'short.txt/', b'short\n') + member(b'/0', b'long\n'))

with wave.open('tut.wav', 'wb') as w:
    w.setnchannels(2)
    w.setsampwidth(2)
    w.setframerate(44100)
    w.writeframes(bytes(4 * 100))

# 2x1 pixels, two colours, a comment, a graphic control extension.
gif = b'GIF89a' + struct.pack('<HHBBB', 2, 1, 0x80, 0, 0) + b'\xff\x00\x00\x00\x00\xff'
gif += b'\x21\xfe\x05hello\x00'
gif += b'\x21\xf9\x04\x00\x0a\x00\x00\x00'
gif += b'\x2c' + struct.pack('<HHHHB', 0, 0, 2, 1, 0) + b'\x02\x02\x44\x0a\x00\x3b'
open('tut.gif', 'wb').write(gif)
EOF
  ) || { echo "python3 failed"; exit 99; }
  if command -v javac >/dev/null; then
    cat > "$1/Tut.java" <<'EOF'
public class Tut {
    static final long ANSWER = 42L;
    public static void main(String[] args) {
        System.out.println("hello, class file");
    }
}
EOF
    (cd "$1" && javac Tut.java) || { echo "javac failed"; exit 99; }
  fi
}

formats="png zip gzip ar wav gif java"

if [ $record = yes ]; then
  mkdir "$work/lib"
  for m in png zip gzip ar wav gif javaclass; do
    cp "$top/stdlib/$m.bpk" "$work/lib/$m.pk"
  done
  for fmt in $formats; do
    args="" prev=0
    for s in $(cd "$here" && ls fmt-$fmt-*.bpk | sort); do
      args="$args -s $here/$s"
      rm -rf "$work/d" && mkdir "$work/d" && make_files "$work/d"
      # shellcheck disable=SC2086
      (cd "$work/d" && POKE_LOAD_PATH=$work/lib "$POKE" -q $args \
        > "$work/all" 2>&1 </dev/null)
      tail -c +$((prev + 1)) "$work/all" > "$here/${s%.bpk}.out"
      prev=$(wc -c < "$work/all")
    done
  done
  echo "recorded: $(cd "$here" && ls fmt-*.out | tr '\n' ' ')"
  exit 0
fi

for fmt in $formats; do
  d=$work/$fmt
  mkdir "$d" && make_files "$d"
  if [ $fmt = java ]; then
    if ! command -v javap >/dev/null \
       || ! javap -v "$d/Tut.class" | grep -q 'major version: 61$'; then
      echo "no javac, or not Java 17's: the class file's session is not compared"
      continue
    fi
  fi
  args="" expected=$work/$fmt.expected
  : > "$expected"
  for s in $(cd "$here" && ls fmt-$fmt-*.bpk | sort); do
    args="$args -s $here/$s"
    cat "$here/${s%.bpk}.out" >> "$expected"
  done
  # shellcheck disable=SC2086
  (cd "$d" && "$BPOKE" -q $args > "$work/$fmt.out" 2>&1 </dev/null)
  if cmp -s "$expected" "$work/$fmt.out"; then ok "$fmt: the session prints what the manual shows"
  else ko "$fmt: session output (< manual, > bpoke)"; diff "$expected" "$work/$fmt.out" | head -20; fi
done

# The edits, seen by the tools.
if command -v pngcheck >/dev/null; then
  if pngcheck -q "$work/png/tut.png" >/dev/null \
     && pngcheck -t "$work/png/tut.png" | grep -q '^    jello world$'
  then ok "pngcheck accepts the edited PNG and shows its text"
  else ko "pngcheck: $(pngcheck -t "$work/png/tut.png")"; fi
fi
if command -v unzip >/dev/null; then
  if unzip -tq "$work/zip/tut.zip" >/dev/null \
     && [ "$(unzip -Z1 "$work/zip/tut.zip" | head -n 1)" = NOTES.TXT ]
  then ok "unzip -t accepts the renamed member"
  else ko "unzip: $(unzip -t "$work/zip/tut.zip")"; fi
fi
if command -v gzip >/dev/null; then
  if gzip -t "$work/gzip/tut.gz" \
     && TZ=UTC gzip -lvN "$work/gzip/tut.gz" | grep -q ' Mar  1 00:00 .*notes.txt$'
  then ok "gzip -t accepts the new mtime, gzip -lvN shows it"
  else ko "gzip: $(TZ=UTC gzip -lvN "$work/gzip/tut.gz")"; fi
fi
if command -v ar >/dev/null; then
  if [ "$(ar t "$work/ar/tut.a" | paste -s -d' ' -)" = "brief.txt a_rather_long_name.txt" ]
  then ok "ar t lists the renamed member"
  else ko "ar t: $(ar t "$work/ar/tut.a")"; fi
fi
if [ "$(cd "$work/wav" && python3 -c 'import wave; print(wave.open("tut.wav").getframerate())')" = 22050 ]
then ok "python's wave reads the new sample rate"
else ko "the sample rate of the edited WAVE file"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
