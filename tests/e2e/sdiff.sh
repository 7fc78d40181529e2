#!/bin/sh
# sdiff.sh -- sdiff on two objects gcc makes at test time from one
# program, the second with -O2 -g (other sizes, more sections): the ELF
# header and the section header tables, with and without values,
# grouped by 1, 2 and 3 bytes, against what sdiff.py computes from the
# bytes of the files.  Types of the test's own (flat structs), so that
# the expected output needs no ELF module.  (tests/e2e/pickles43's
# elf.sdiff compares sdiff with GNU poke 4.3 itself, through its ELF
# pickle, where GNU poke 4.3 is set up.)
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
need_tools gcc python3

cat > "$work/prog.c" <<'EOF'
#include <stdio.h>
static int table[8] = { 1, 2, 3, 5, 8, 13, 21, 34 };
int
main (int argc, char **argv)
{
  int s = 0;
  for (int i = 0; i < argc && i < 8; i++)
    s += table[i] * (int) argv[i][0];
  printf ("%d\n", s);
  return 0;
}
EOF
gcc -O0 -c -o "$work/a.o" "$work/prog.c" || { echo "gcc failed"; exit 99; }
gcc -O2 -g -c -o "$work/b.o" "$work/prog.c" || { echo "gcc failed"; exit 99; }
case $(od -An -tx1 -j4 -N2 "$work/a.o" | tr -d ' ') in
  0201) ;;
  *) echo "gcc does not make little-endian ELF64 objects here: skip"; exit 77 ;;
esac

cat > "$work/types.bpk" <<'EOF'
.set endian little
type Ehdr = struct { uint<8>[16] e_ident; uint<16> e_type; uint<16> e_machine; uint<32> e_version; uint<64> e_entry; uint<64> e_phoff; uint<64> e_shoff; uint<32> e_flags; uint<16> e_ehsize; uint<16> e_phentsize; uint<16> e_phnum; uint<16> e_shentsize; uint<16> e_shnum; uint<16> e_shstrndx; }
type Shdr = struct { uint<32> sh_name; uint<32> sh_type; uint<64> sh_flags; uint<64> sh_addr; uint<64> sh_offset; uint<64> sh_size; uint<32> sh_link; uint<32> sh_info; uint<64> sh_addralign; uint<64> sh_entsize; }
var a = open ("a.o")
var b = open ("b.o")
var ea = Ehdr @ a : 0#B
var eb = Ehdr @ b : 0#B
EOF

for vg in "1 1" "0 2" "1 3"; do
  set -- $vg
  cp "$work/types.bpk" "$work/cmds.bpk"
  cat >> "$work/cmds.bpk" <<EOF
sdiff :a ea :b eb :values $1 :group_by $2#B
sdiff :a Shdr[ea.e_shnum] @ a : ea.e_shoff#B :b Shdr[eb.e_shnum] @ b : eb.e_shoff#B :values $1 :group_by $2#B
EOF
  (cd "$work" && "$BPOKE" -q -s cmds.bpk) > "$work/got" 2>&1
  python3 "$here/sdiff.py" "$work/a.o" "$work/b.o" "$1" "$2" > "$work/want" \
    || { echo "sdiff.py failed"; exit 99; }
  if [ "$(grep -c '^@@' "$work/want")" -lt 2 ]; then
    ko "the objects differ in both tables (:values $1 :group_by $2#B)"
  elif cmp -s "$work/want" "$work/got"; then
    ok "headers and section headers (:values $1 :group_by $2#B)"
  else
    ko "headers and section headers (:values $1 :group_by $2#B)"
    diff "$work/want" "$work/got" | head -20
  fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
