#!/bin/sh
# user-story.sh -- the manual's tutorial (doc/bpoke.texi), end to end:
# build a C program that needs GLIBC_2.32 (pthread_sigmask) with gcc,
# look at its interpreter and version needs with bpoke, patch the need
# to GLIBC_2.2.5 with verneed-patch.bpk, and check with readelf that the
# file changed and that the program still runs.  Also rewrites the
# interpreter path in place.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
need_tools gcc readelf
build_sigmask_prog
if readelf -V "$work/prog" | grep -q 'GLIBC_2.32'; then ok "program needs GLIBC_2.32"
else echo "the C library does not version pthread_sigmask at 2.32: skip"; exit 77; fi

# The interactive session's lines, typed at the prompt (stdin not a tty).
out=$(cd "$work" && printf '%s\n' 'load elf' 'var f = Elf64_File @ 0#B;' \
  'var interp_section = f.get_sections_by_name(".interp")[0]' \
  'string @ interp_section.sh_offset' \
  'for (phdr in f.phdr where phdr.p_type == (PT_INTERP as Elf_Word)) { printf("%v\n", string @ phdr.p_offset); }' \
  'elf_hash("GLIBC_2.2.5")' | "$BPOKE" -q prog 2>&1)
interp=$(readelf -l "$work/prog" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
expected=$(printf '"%s"\n"%s"\n157882997U' "$interp" "$interp")
if [ "$out" = "$expected" ]; then ok "session prints the interpreter and elf_hash"
else ko "session output"; printf '%s\n--- expected\n%s\n' "$out" "$expected"; fi

# The script: patch the version need.
cp "$work/prog" "$work/prog.patched"
out=$(cd "$work" && printf '%s\n' 'load elf' "load \"$here/verneed-patch.bpk\"" \
  'patch_version ("GLIBC_2.32", "GLIBC_2.2.5")' | "$BPOKE" -q prog.patched 2>&1)
echo "$out" | grep -q 'Replacing dependency version.' && ok "script replaced the need" \
  || { ko "script output"; echo "$out"; }
if readelf -V "$work/prog.patched" | grep -q 'Name: GLIBC_2.2.5' \
   && ! readelf -V "$work/prog.patched" | grep -q 'GLIBC_2.32'; then
  ok "readelf -V shows GLIBC_2.2.5 instead of GLIBC_2.32"
else ko "readelf -V after the patch"; readelf -V "$work/prog.patched"; fi
if [ "$("$work/prog.patched")" = "still runs" ]; then ok "patched program runs"
else ko "patched program does not run"; fi

# Rewrite the interpreter in place with a path of the same length.
cp "$work/prog" "$work/prog.interp"
new=$(echo "$interp" | sed 's/ld-linux/LD-LINUX/')
(cd "$work" && printf '%s\n' 'load elf' 'var f = Elf64_File @ 0#B;' \
  "string @ f.get_sections_by_name(\".interp\")[0].sh_offset = \"$new\"" \
  | "$BPOKE" -q prog.interp >/dev/null 2>&1)
if readelf -l "$work/prog.interp" | grep -q "interpreter: $new"; then
  ok "interpreter rewritten in place"
else ko "interpreter rewrite"; readelf -l "$work/prog.interp" | grep interpreter; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
