#!/bin/sh
# elf-patch.sh -- the stdlib helper for patching a version need:
# elf_patch_version_need (FROM, TO) and elf64_patch_version_need (F, FROM,
# TO) of stdlib/elf.bpk.  Builds a program needing GLIBC_2.32
# (pthread_sigmask) with gcc, makes it need GLIBC_2.2.5 instead in one
# call, and checks with readelf -V that it did, that the program still
# runs (the dynamic linker checks the vna_hash), and that the file is the
# one the tutorial's script (verneed-patch.bpk) makes.  Then the errors: no
# .gnu.version_r, FROM not needed, TO not in the string table,
# .gnu.version_r 2^61 bytes past the end of the file; each
# raises E_inval with a message, exits 1 from -L and leaves the file
# unchanged.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
need_tools gcc readelf
build_sigmask_prog
gcc -O1 -c -o "$work/prog.o" "$work/prog.c" || { echo "gcc -c failed"; exit 99; }
readelf -V "$work/prog" | grep -q 'Name: GLIBC_2.32' \
  || { echo "the C library does not version pthread_sigmask at 2.32: skip"; exit 77; }
readelf -V "$work/prog" | grep -q 'Name: GLIBC_2.2.5' \
  || { echo "the program does not need GLIBC_2.2.5 too: skip"; exit 77; }

# At the prompt, on the file bpoke opened: one call, no output.
cp "$work/prog" "$work/prog.1"
out=$(cd "$work" && printf '%s\n' 'load elf' \
  'elf_patch_version_need ("GLIBC_2.32", "GLIBC_2.2.5")' \
  | "$BPOKE" -q prog.1 2>&1)
if [ -z "$out" ]; then ok "elf_patch_version_need at the prompt"
else ko "elf_patch_version_need printed: $out"; fi
if readelf -V "$work/prog.1" | grep -q 'Name: GLIBC_2.2.5  Flags: none  Version: 4' \
   && ! readelf -V "$work/prog.1" | grep -q 'GLIBC_2.32'; then
  ok "readelf -V shows GLIBC_2.2.5 instead of GLIBC_2.32"
else ko "readelf -V after the patch"; readelf -V "$work/prog.1"; fi
if [ "$("$work/prog.1" 2>&1)" = "still runs" ]; then ok "patched program runs"
else ko "patched program does not run"; fi

# The same bytes as the tutorial's script.
cp "$work/prog" "$work/prog.story"
(cd "$work" && printf '%s\n' 'load elf' "load \"$here/verneed-patch.bpk\"" \
  'patch_version ("GLIBC_2.32", "GLIBC_2.2.5")' \
  | "$BPOKE" -q prog.story >/dev/null 2>&1)
if cmp -s "$work/prog.1" "$work/prog.story"; then ok "same file as verneed-patch.bpk"
else ko "the file differs from verneed-patch.bpk's"; cmp -l "$work/prog.1" "$work/prog.story" | head; fi

# In a -L script, with an Elf64_File argument, on an IO space opened by
# the script.
cp "$work/prog" "$work/prog.2"
cat > "$work/patch.bpk" <<EOF
load elf;
set_ios (open ("$work/prog.2"));
var f = Elf64_File @ 0#B;
elf64_patch_version_need (f, "GLIBC_2.32", "GLIBC_2.2.5");
printf ("%v\n", f.get_version_needs);
EOF
out=$("$BPOKE" -q -L "$work/patch.bpk" 2>&1); rc=$?
if [ $rc -eq 0 ] && cmp -s "$work/prog.1" "$work/prog.2"; then
  ok "elf64_patch_version_need in a -L script: $out"
else ko "elf64_patch_version_need in a -L script: status $rc: $out"; fi

# err NAME FILE FROM TO MESSAGE: the call fails with E_inval and MESSAGE,
# exit status 1, and FILE (a copy) is unchanged.
err ()
{
  cp "$2" "$work/err.copy"
  cat > "$work/err.bpk" <<EOF
load elf;
set_ios (open ("$work/err.copy"));
elf_patch_version_need ("$3", "$4");
EOF
  out=$("$BPOKE" -q -L "$work/err.bpk" 2>&1); rc=$?
  expected=$(printf 'unhandled invalid argument exception\n%s' "$5")
  if [ "$out" = "$expected" ] && [ $rc -eq 1 ] && cmp -s "$2" "$work/err.copy"
  then ok "$1"
  else
    ko "$1: status $rc, file $(cmp -s "$2" "$work/err.copy" && echo unchanged || echo CHANGED)"
    printf '%s\n--- expected\n%s\n' "$out" "$expected"
  fi
}
err "error when .gnu.version_r is missing" "$work/prog.o" GLIBC_2.32 GLIBC_2.2.5 \
  'the file has no version needs section (.gnu.version_r)'
err "error when FROM is not needed" "$work/prog" GLIBC_2.99 GLIBC_2.2.5 \
  'version GLIBC_2.99 is not needed: it is not in .gnu.version_r'
err "error when TO is not in the string table" "$work/prog" GLIBC_2.32 GLIBC_2.99 \
  'version GLIBC_2.99 is not in the string table .dynstr: the file can only need a version whose name it has'

# .gnu.version_r 2^61 bytes past its place: mapped there, the offset
# would wrap, in bits, and the patch would write at the right place of
# a file that does not have the section there.
python3 - "$work/prog" "$work/prog.far" <<'EOF' || { echo "python3 failed"; exit 99; }
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
shoff, = struct.unpack_from("<Q", b, 40)
shentsize, shnum = struct.unpack_from("<HH", b, 58)
for i in range(shnum):
    h = shoff + i * shentsize
    if struct.unpack_from("<I", b, h + 4)[0] == 0x6ffffffe:
        off, = struct.unpack_from("<Q", b, h + 24)
        struct.pack_into("<Q", b, h + 24, off + (1 << 61))
open(sys.argv[2], "wb").write(b)
EOF
err "error when .gnu.version_r is 2^61 bytes on" "$work/prog.far" \
  GLIBC_2.32 GLIBC_2.2.5 'corrupt .gnu.version_r: the section is outside the file'

# Catching it: the message is in the exception.
cat > "$work/catch.bpk" <<EOF
load elf;
set_ios (open ("$work/prog.1"));
try elf_patch_version_need ("GLIBC_2.32", "GLIBC_2.2.5");
catch (Exception e) { printf ("%s: %s\n", e.name, e.msg); }
EOF
out=$("$BPOKE" -q -L "$work/catch.bpk" 2>&1)
if [ "$out" = "invalid argument: version GLIBC_2.32 is not needed: it is not in .gnu.version_r" ]
then ok "the exception can be caught, with its message"
else ko "catch: $out"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
