#!/bin/sh
# io-write.sh -- writes through maps reach the file, byte for byte, and
# only whole commands do.  Each case runs bpoke on a copy of a 64-byte
# file (bytes 0..63) and compares the result with `cmp` against the
# bytes expected, made here with printf and dd, independently of bpoke:
# integers of several widths, both byte orders and unaligned, a string,
# fields of a mapped struct and elements of a mapped array; a command
# that raises after writing leaves the file as it was; so does bpoke
# killed with SIGKILL while a command that has written is still running;
# in a -L script, each top-level statement is such a command.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

# $work/orig: bytes 0, 1, ..., 63.
i=0
: > "$work/orig"
while [ $i -lt 64 ]; do
  printf "\\$(printf '%03o' $i)" >> "$work/orig"
  i=$((i + 1))
done

# put FILE OFFSET OCTAL-ESCAPES: write bytes into FILE at OFFSET.
put ()
{
  printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# check NAME COMMANDS...: run the commands (one per line, at the prompt)
# on a copy of orig; the copy must equal $work/want.
check ()
{
  name=$1; shift
  cp "$work/orig" "$work/got"
  out=$(cd "$work" && printf '%s\n' "$@" | "$BPOKE" -q got 2>&1)
  if cmp -s "$work/got" "$work/want"; then ok "$name"
  else
    ko "$name: the file differs ($out)"
    cmp -l "$work/got" "$work/want" | head -n 5
  fi
}

# Integers: big-endian uint<32> at 4, little-endian uint<16> at 10, a
# uint<12> at bit offset 100 (byte 12, low nibble, and byte 13), a
# negative int<8> at 20.
cp "$work/orig" "$work/want"
put "$work/want" 4 '\001\002\003\004'
put "$work/want" 10 '\377\356'
put "$work/want" 12 '\012\274'
put "$work/want" 20 '\376'
check "integers" 'uint<32> @ 4#B = 0x01020304' \
  '.set endian little' 'uint<16> @ 10#B = 0xeeff' '.set endian big' \
  'uint<12> @ 100#b = 0xabc' 'int<8> @ 20#B = -2'

# A string with its NUL.
cp "$work/orig" "$work/want"
put "$work/want" 30 'poke\000'
check "string" 'string @ 30#B = "poke"'

# A struct's fields (one little-endian) and an array's elements,
# through variables, then read back through another map.
cp "$work/orig" "$work/want"
put "$work/want" 40 '\252\000\273'
put "$work/want" 48 '\011\000\000\000\012\000\000\000'
check "struct fields and array elements" \
  'type R = struct { uint<8> a; little uint<16> b; }' \
  'var r = R @ 40#B' 'r.a = 0xaa' 'r.b = 0xbb00' \
  'var a = uint<32>[2] @ 48#B' 'a[0] = 0x09000000' 'a[1] = 0x0a000000' \
  'assert ((uint<8>[3] @ 40#B) == [0xaaUB, 0UB, 0xbbUB])'

# A command that raises after it wrote: nothing of it reaches the file.
cp "$work/orig" "$work/want"
check "failed command writes nothing" \
  '{ uint<32> @ 0#B = 0xffffffff; byte @ 63#B = 0; raise E_inval; }'

# A -L script: each top-level statement is a command; those that
# finished keep their writes, the one that raised writes nothing.
cp "$work/orig" "$work/got"
cp "$work/orig" "$work/want"
put "$work/want" 0 '\001\002\003'
cat > "$work/script.bpk" <<'EOS'
var f = open ("got");
byte @ f : 0#B = 1;
{ byte @ f : 1#B = 2; byte @ f : 2#B = 3; }
{ byte @ f : 3#B = 4; raise E_inval; }
byte @ f : 5#B = 6;
EOS
out=$(cd "$work" && "$BPOKE" -q -L script.bpk 2>&1)
if cmp -s "$work/got" "$work/want"; then ok "-L script: finished statements"
else ko "-L script: finished statements ($out)"; fi

# A script that loads a module, which writes, then fails to compile:
# GNU poke, which reads it all first, runs nothing and writes nothing.
# bpoke runs the module as it reads the script, and drops its writes.
cp "$work/orig" "$work/got"
cp "$work/orig" "$work/want"
echo 'byte @ 9#B = 0xaa;' > "$work/writer.bpk"
printf 'load writer;\n1 +;\n' > "$work/loader.bpk"
out=$(cd "$work" && "$BPOKE" -q got -l loader.bpk -c 1 2>&1)
if cmp -s "$work/got" "$work/want"; then ok "a script that does not compile"
else ko "a script that does not compile ($out)"; fi
# It compiles: the module's writes are kept.
put "$work/want" 9 '\252'
echo 'load writer;' > "$work/loader.bpk"
out=$(cd "$work" && "$BPOKE" -q got -l loader.bpk -c 1 2>&1)
if cmp -s "$work/got" "$work/want"; then ok "a module's writes at load"
else ko "a module's writes at load ($out)"; fi

# Killed while a command that wrote runs on: the file is untouched.
cp "$work/orig" "$work/got"
printf '%s\n' 'uint<64> @ 8#B = 0; while (1) {}' > "$work/loop.cmd"
(cd "$work" && exec "$BPOKE" -q got < loop.cmd >/dev/null 2>&1) &
pid=$!
sleep 1
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
if cmp -s "$work/got" "$work/orig"; then ok "killed mid-command: file untouched"
else ko "killed mid-command: the file changed"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
