#!/bin/sh
# ffi.sh -- native calls: functions declared `extern LIBRARY [SYMBOL]'
# and called through libffi (lang/pkffi.c).  GNU poke has no such thing,
# so every expected value is computed here independently: by reasoning,
# by the shell, by Python's zlib, by od, objcopy and readelf.
#
# Covers integers of each width and signedness, offsets, strings in and
# out, byte arrays as in, out and in-out buffers (written through to the
# IO space when mapped), void, lambdas, zlib's crc32 against the stdlib's
# and Python's, the example doc/examples/inflate-section.bpk on an ELF
# file with a zlib-compressed section, and every error path: missing
# library, missing symbol, types that cannot cross (compile errors with
# a location), a NULL char * return, --no-ffi and `.set ffi no'.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
need_tools python3 od

# run NAME EXPECTED SCRIPT-TEXT [BPOKE-OPTIONS]: run the text as a -L
# script and compare its output (stdout and stderr) with EXPECTED.
run ()
{
  name=$1 expected=$2 text=$3
  shift 3
  printf '%s\n' "$text" > "$work/t.bpk"
  out=$(cd "$work" && "$BPOKE" -q "$@" -L t.bpk 2>&1)
  if [ "$out" = "$expected" ]; then ok "$name"
  else ko "$name"; printf 'expected:\n%s\ngot:\n%s\n' "$expected" "$out"; fi
}

decls='fun c_strlen = (string s) uint<64>: extern "libc.so.6" "strlen";
fun labs = (int<64> x) int<64>: extern "libc.so.6";
fun abs8 = (int<8> x) int<32>: extern "libc.so.6" "abs";
fun htons = (uint<16> x) uint<16>: extern "libc.so.6";
fun htonl = (uint<32> x) uint<32>: extern "libc.so.6";
fun toupper = (int c) int: extern "libc.so.6";
fun memset = (uint<8>[] buf, int c, offset<uint<64>,B> n) void:
  extern "libc.so.6";
fun getenv = (string name) string: extern "libc.so.6";
fun zcrc32 = (uint<64> crc, uint<8>[] buf, uint<32> len) uint<64>:
  extern "libz.so.1" "crc32";
fun bytes = (string s) uint<8>[]:
{
  var b = uint<8>[s'"'"'length] ();
  for (var i = 0; i < s'"'"'length; i++)
    b[i] = s[i];
  return b;
}'

# Integers: strlen ("hello") is 5; labs (-5) is 5; abs of the int<8> -128
# sees it sign-extended, so 128; toupper ('a') is 'A' (65).  htons and
# htonl swap on a little-endian host: Python says what the host does.
hs=$(python3 -c 'import socket; print(socket.htons(0x1234))')
hl=$(python3 -c 'import socket; print(socket.htonl(0x12345678))')
run "integers of 8, 16, 32, 64 bits, signed and unsigned" "5
5
128
65
$hs
$hl" "$decls
printf \"%u64d\n\", c_strlen (\"hello\");
printf \"%i64d\n\", labs (-5);
printf \"%i32d\n\", abs8 ((-128) as int<8>);
printf \"%i32d\n\", toupper ('a');
printf \"%u16d\n\", htons (0x1234);
printf \"%u32d\n\", htonl (0x12345678);"

# Offsets: a return as a magnitude in bytes; an argument converted to the
# parameter's unit first (24#b is 3#B).
run "offsets as magnitudes in their unit" "11UL#B
[120UB,120UB,120UB,0UB]" "fun slen = (string s) offset<uint<64>,B>: extern \"libc.so.6\" \"strlen\";
fun memset = (uint<8>[] buf, int c, offset<uint<64>,B> n) void: extern \"libc.so.6\";
printf \"%v\n\", slen (\"hello world\");
var b = uint<8>[4] ();
memset (b, 'x', 24#b);
printf \"%v\n\", b;"

# getpid () is the process's pid: the shell's \$! for bpoke run in the
# background (bpoke runs its interpreter on a thread, same process).
printf '%s\n' 'fun getpid = int<32>: extern "libc.so.6";' \
  'printf "%i32d\n", getpid ();' > "$work/pid.bpk"
"$BPOKE" -q -L "$work/pid.bpk" > "$work/pid.out" 2>&1 &
pid=$!
wait $pid
if [ "$(cat "$work/pid.out")" = "$pid" ]; then ok "getpid is the pid of bpoke ($pid)"
else ko "getpid: printed $(cat "$work/pid.out"), bpoke was $pid"; fi

# Strings out: copied into a Poke string; NULL raises E_inval.
BPOKE_FFI_TEST=/some/where; export BPOKE_FFI_TEST
run "char * return copied into a string" "/some/where" "$decls
printf \"%s\n\", getenv (\"BPOKE_FFI_TEST\");"
unset BPOKE_FFI_TEST
run "a NULL char * return raises E_inval" "unhandled invalid argument exception
native function getenv (getenv) returned a NULL string" "$decls
getenv (\"BPOKE_FFI_TEST\");"
run "the NULL return can be caught" "unset" "$decls
try printf \"%s\n\", getenv (\"BPOKE_FFI_TEST\");
catch if E_inval { print \"unset\n\"; }"

# crc32: zlib through libffi, the stdlib's crc32 (written in Poke), and
# Python's zlib agree, on a short string and on 1000 bytes.
py_short=$(python3 -c 'import zlib; print(zlib.crc32(b"The quick brown fox jumps over the lazy dog"))')
py_long=$(python3 -c 'import zlib; print(zlib.crc32(bytes((i * 7 + 3) % 256 for i in range(1000))))')
run "crc32 from libz = std crc32 = Python zlib.crc32" "$py_short $py_short
$py_long $py_long
$py_short" "$decls
var s = bytes (\"The quick brown fox jumps over the lazy dog\");
printf \"%u64d %u32d\n\", zcrc32 (0, s, s'length), crc32 (s);
var l = uint<8>[1000] ();
for (var i = 0; i < 1000; i++)
  l[i] = (i * 7 + 3) % 256;
printf \"%u64d %u32d\n\", zcrc32 (0, l, 1000), crc32 (l);
/* Chained, as zlib allows: the crc of the first part goes in.  */
var c = zcrc32 (0, s[0:10], 10);
printf \"%u64d\n\", zcrc32 (c, s[10:], s'length - 10);"

# Buffers.  out: read(2) fills an array from a file; the bytes are those
# od prints.  in-out: memset changes some bytes of a mapped array, which
# writes through to the file, and only those bytes; another array mapped
# over them sees the change.  in: crc32 of a
# mapped array leaves the file alone.
printf 'Hello, native world!' > "$work/data"
cp "$work/data" "$work/data.orig"
expect_read=$(od -An -tu1 -N8 "$work/data" | tr -s ' ' | sed 's/^ //; s/ $//')
run "a buffer filled by read(2)" "8 $expect_read" "fun c_open = (string path, int flags) int: extern \"libc.so.6\" \"open\";
fun c_read = (int fd, uint<8>[] buf, uint<64> n) int<64>: extern \"libc.so.6\" \"read\";
fun c_close = (int fd) int: extern \"libc.so.6\" \"close\";
var buf = uint<8>[8] ();
var fd = c_open (\"data\", 0);
var n = c_read (fd, buf, 8);
c_close (fd);
printf \"%i64d\", n;
for (b in buf)
  printf \" %u8d\", b;
print \"\n\";"
py_file=$(python3 -c 'import zlib,sys; print(zlib.crc32(open(sys.argv[1],"rb").read()))' "$work/data")
run "crc32 of a mapped array (an in buffer)" "$py_file" "$decls
var io = open (\"data\");
var a = uint<8>[20] @ io : 0#B;
printf \"%u64d\n\", zcrc32 (0, a, 20);
close (io);"
if cmp -s "$work/data" "$work/data.orig"; then ok "an in buffer leaves the file unchanged"
else ko "the file changed"; fi
run "memset into a mapped array (in-out)" "[72UB,101UB,108UB,108UB,111UB,44UB,32UB,45UB,45UB,45UB,45UB,45UB,45UB,32UB]" "$decls
var io = open (\"data\");
var whole = uint<8>[14] @ io : 0#B;
var a = uint<8>[8] @ io : 7#B;
memset (a, '-', 6#B);
printf \"%v\n\", whole;
close (io);"
if [ "$(cat "$work/data")" = "Hello, ------ world!" ]; then
  ok "memset wrote through to the file"
else ko "after memset the file is: $(cat "$work/data")"; fi

# Signed byte arrays are buffers too.
run "int<8>[] buffer" "[-1B,-1B,3B]" "fun memset = (int<8>[] buf, int c, uint<64> n) void: extern \"libc.so.6\";
var a = [1B, 2B, 3B];
memset (a, 0xff, 2);
printf \"%v\n\", a;"

# A lambda names its symbol; a function is a value like any other.
run "extern lambda, and passing a native function" "3
4" "var l = lambda (string s) uint<64>: extern \"libc.so.6\" \"strlen\";
fun c_strlen = (string s) uint<64>: extern \"libc.so.6\" \"strlen\";
fun apply = ((string)uint<64> f, string s) uint<64>: { return f (s); }
printf \"%u64d\n\", l (\"abc\");
printf \"%u64d\n\", apply (c_strlen, \"abcd\");"

# \"\" is the program and the libraries it is linked with.
run "the empty library is the program" "7" 'fun c_strlen = (string s) uint<64>: extern "" "strlen";
printf "%u64d\n", c_strlen ("program");'

# Errors at run time: exceptions with dlerror's message, and exit 1.
run "missing library" "unhandled invalid argument exception
cannot open native library \`libbpoke-nope.so.3' for f: libbpoke-nope.so.3: cannot open shared object file: No such file or directory" \
'fun f = int: extern "libbpoke-nope.so.3";
f ();'
out=$(printf '%s\n' 'fun f = int: extern "libc.so.6" "bpoke_no_such_symbol";' 'f ();' > "$work/t.bpk"; "$BPOKE" -q -L "$work/t.bpk" 2>&1); rc=$?
case "$out" in
  "unhandled invalid argument exception
native symbol \`bpoke_no_such_symbol' not found for f: "*"libc.so.6: undefined symbol: bpoke_no_such_symbol")
    if [ $rc -eq 1 ]; then ok "missing symbol"; else ko "missing symbol: exit $rc"; fi ;;
  *) ko "missing symbol: $out" ;;
esac
run "the library is opened at the first call, not before" "declared" \
'fun f = int: extern "libbpoke-nope.so.3";
print "declared\n";'

# Errors at compile time: the type, where it is written.
run "a parameter type that cannot cross" "t.bpk:1:10: error: cannot pass int<7> to a native function
fun f = (int<7> x) int: extern \"libc.so.6\";
         ^~~~~~" 'fun f = (int<7> x) int: extern "libc.so.6";'
run "a return type that cannot cross" "t.bpk:1:17: error: cannot return uint<8>[] from a native function
fun f = (int x) uint<8>[]: extern \"libc.so.6\";
                ^~~~~~~~~" 'fun f = (int x) uint<8>[]: extern "libc.so.6";'
run "arrays of other than bytes cannot cross" "t.bpk:1:10: error: cannot pass uint<16>[] to a native function
fun f = (uint<16>[] x) int: extern \"libc.so.6\";
         ^~~~~~~~~~" 'fun f = (uint<16>[] x) int: extern "libc.so.6";'
run "no variadic native functions" "t.bpk:1:10: error: cannot pass a variadic argument to a native function
fun f = (args...) int: extern \"libc.so.6\";
         ^~~~~~~" 'fun f = (args...) int: extern "libc.so.6";'
run "a lambda needs its symbol" "t.bpk:1:21: error: a native lambda needs a symbol name
var l = lambda int: extern \"libc.so.6\";
                    ^~~~~~~~~~~~~~~~~~" 'var l = lambda int: extern "libc.so.6";'
run "extern needs a library" "t.bpk:1:20: error: syntax error: unexpected ';'
fun f = int: extern;
                   ^" 'fun f = int: extern;'
# extern is a keyword only there: still a name elsewhere, as in GNU poke.
run "extern is still a name" "4" 'var extern = 3;
printf "%i32d\n", extern + 1;'

# Disabling native calls.
disabled="unhandled wrong permissions exception
native calls are disabled: cannot call c_strlen (strlen in libc.so.6)"
run "--no-ffi" "$disabled" "$decls
c_strlen (\"x\");" --no-ffi
printf '%s\n' 'fun getpid = int: extern "libc.so.6";' > "$work/g.bpk"
out=$(cd "$work" && "$BPOKE" -q -c '.set ffi no' -c 'load "g.bpk"' -c 'getpid ()' -c '.set ffi yes' -c 'getpid () > 0' 2>&1)
if [ "$out" = "unhandled wrong permissions exception
native calls are disabled: cannot call getpid (getpid in libc.so.6)
1" ]; then ok ".set ffi no, then yes"
else ko ".set ffi: $out"; fi
out=$("$BPOKE" -q --no-ffi -c '.set ffi' -c '.set ffi yes' 2>&1); rc=$?
if [ "$out" = "no
error: native calls were disabled by --no-ffi" ] && [ $rc -ne 0 ]; then
  ok "--no-ffi cannot be undone with .set ffi yes"
else ko "--no-ffi then .set ffi yes: $out (exit $rc)"; fi
if "$BPOKE" --help | grep -q -- '--no-ffi'; then ok "--help lists --no-ffi"
else ko "--help does not list --no-ffi"; fi

# The example: inflate a zlib-compressed ELF section through libz, and
# compare with what objcopy decompresses and readelf says.
if command -v gcc >/dev/null && command -v objcopy >/dev/null \
   && command -v readelf >/dev/null; then
  printf 'int square (int x) { return x * x; }\nint main (void) { return square (3) - 9; }\n' > "$work/p.c"
  if gcc -g -gz=zlib -c -o "$work/p.o" "$work/p.c" 2>/dev/null \
     && readelf -S -W "$work/p.o" | grep -q '\.debug_info .* C '; then
    objcopy --decompress-debug-sections "$work/p.o" "$work/p.plain.o"
    objcopy --dump-section .debug_info="$work/want.bin" "$work/p.plain.o"
    size=$(readelf -S -W "$work/p.o" | sed -n \
      's/.*\] \.debug_info  *PROGBITS  *[0-9a-f]*  *[0-9a-f]*  *\([0-9a-f]*\) .*/\1/p')
    zsize=$((0x$size - 24))
    full=$(wc -c < "$work/want.bin" | tr -d ' ')
    first=$(od -An -tx1 -N16 "$work/want.bin" | tr -s ' ' | sed 's/ $//')
    out=$(cd "$work" && "$BPOKE" -q -L "$top/doc/examples/inflate-section.bpk" \
            p.o .debug_info got.bin 2>&1)
    if [ "$out" = "section .debug_info: $zsize bytes of zlib data, $full bytes inflated
first bytes:$first
wrote got.bin" ]; then ok "inflate-section.bpk prints the section's sizes and first bytes"
    else ko "inflate-section.bpk printed:"; echo "$out"; fi
    if cmp -s "$work/got.bin" "$work/want.bin"; then
      ok "inflate-section.bpk output = objcopy --decompress-debug-sections"
    else ko "inflate-section.bpk output differs"; fi
    out=$(cd "$work" && "$BPOKE" -q -L "$top/doc/examples/inflate-section.bpk" \
            p.plain.o .debug_info 2>&1); rc=$?
    if [ $rc -eq 1 ] && [ "$out" = "unhandled invalid argument exception
section .debug_info is not compressed" ]; then
      ok "inflate-section.bpk on an uncompressed section"
    else ko "inflate-section.bpk on an uncompressed section: $out (exit $rc)"; fi
  else
    echo "gcc cannot make compressed debug sections: example not run"
  fi
else
  echo "gcc, objcopy or readelf missing: example not run"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
