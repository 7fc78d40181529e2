#!/bin/sh
# elf-pokeelf.sh -- poke-elf's API of the ELF module (stdlib/elf*.bpk)
# against GNU poke 4.3 with poke-elf 1.0, on ELF files written byte for
# byte by elfgen.py (an x86-64 program, an AArch64 object, a big-endian
# MIPS object: the same on every machine).
#
# Each check is a file tests/e2e/elf-pokeelf/NAME.cmds of prompt
# commands, run in a directory holding fresh copies of the files; its
# output must be NAME.out, which is GNU poke 4.3's output recorded by
# `--record'.  A check that writes to the files also has NAME.bytes,
# the `cmp -l' of each file before and after.
#
# bpoke runs as `bpoke -q -c ".set elf-api poke-elf" -s NAME.cmds':
# the setting, which GNU poke does not have, is given on the command
# line to bpoke alone, so the .cmds files are what both programs read.
# With it, `load elf' gives poke-elf's layouts and field pretty-printers
# where they differ from GNU poke 2.4's (stdlib/poke-elf/); the default,
# GNU poke 2.4's, is checked against GNU poke 2.4 by elf-objects.sh.
#
#   prompt     what the README and the manual's tutorial type at the
#              prompt (f.ehdr, f.phdr, f.shdr, the interpreter, the
#              version needs), written with poke-elf's names, and
#              Elf_Verneed / Elf_Vernaux.
#   headers    every structure whose layout or printed form differs
#              between the two APIs, plain, pretty-printed and as trees:
#              Elf_Ident, the ELF and program and section headers,
#              symbols, relocations, dynamic entries and notes of the
#              x86-64 and AArch64 files; the ELF32 header, symbols,
#              relocations and a program header of the MIPS object
#              (mapped at their offsets: poke-elf 1.0's Elf32_Shdr
#              rejects every section header, so its Elf32_File does not
#              map); the values that the constraints reject.
#   verneed    the tutorial's version-need patch written with poke-elf's
#              names (elf-pokeelf/verneed.bpk), and the bytes it writes.
#   api-*      the registry's names of the headers' values, vaddr_to_sec,
#              vaddr_to_file_offset, get_load_base, notes, properties.
#   pretty     poke-elf's field pretty-printers (_print_FIELD methods) of
#              notes' descriptors and of MIPS library entries.
#
# Then, when GNU poke 4.3 runs ($POKE43, default tests/oracle/gnu-poke-4.3
# where ./bootstrap set it up; skipped, saying so, without it), a live
# comparison: elf-pokeelf-alter.py changes a few bytes of the files' headers,
# symbols, relocations, dynamic entries and notes, 40 times a file (the
# same changes on every run), and every structure must map, print or be
# refused as GNU poke 4.3 does.
#
# Usage: elf-pokeelf.sh [--record]
#   --record   run GNU poke 4.3 ($POKE, which must say "GNU poke 4.3")
#              and write the .out and .bytes files.
# Exit status: 0 all passed, 1 a check failed, 77 python3 missing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
need_tools python3
dir=$here/elf-pokeelf
record=no
if [ "${1-}" = --record ]; then
  record=yes
  POKE=${POKE:-poke}
  case $("$POKE" --version 2>/dev/null | head -n 1) in
    *"GNU poke 4.3"*) ;;
    *) echo "--record needs POKE to be GNU poke 4.3 with poke-elf"; exit 99;;
  esac
fi

# fresh: the data files, new, in $work/data.
fresh ()
{
  rm -rf "$work/data" "$work/orig"
  mkdir -p "$work/data" "$work/orig"
  python3 "$here/elfgen.py" "$work/data" || { echo "elfgen.py failed"; exit 99; }
  cp "$dir/verneed.bpk" "$work/data/"
  cp "$work/data"/* "$work/orig/"
}

# bytes: the bytes the commands changed, file by file.
bytes ()
{
  for f in "$work/orig"/*; do
    b=$(basename "$f")
    cmp -l "$f" "$work/data/$b" | sed "s|^|$b |"
  done
}

# run CMDS PROG [ARG...]: run the commands with PROG and the ARGs in
# $work/data.
run ()
{
  script=$1
  shift
  fresh
  (cd "$work/data" && TERM=dumb "$@" -q -s "$script" </dev/null 2>&1)
}

for cmds in "$dir"/*.cmds; do
  name=$(basename "$cmds" .cmds)
  if [ $record = yes ]; then
    run "$cmds" "$POKE" --no-hserver > "$dir/$name.out"
    if [ -n "$(bytes)" ]; then bytes > "$dir/$name.bytes"
    else rm -f "$dir/$name.bytes"; fi
    echo "recorded $name"
    continue
  fi
  run "$cmds" "$BPOKE" -c '.set elf-api poke-elf' > "$work/got"
  if cmp -s "$work/got" "$dir/$name.out"; then ok "$name"
  else ko "$name (< GNU poke 4.3, > bpoke)"; diff "$dir/$name.out" "$work/got" | head -n 20; fi
  if [ -f "$dir/$name.bytes" ] || [ -n "$(bytes)" ]; then
    bytes > "$work/bytes"
    if cmp -s "$work/bytes" "$dir/$name.bytes" 2>/dev/null; then ok "$name: bytes written"
    else ko "$name: bytes written differ from GNU poke 4.3's"; fi
  fi
done
[ $record = yes ] && exit 0

poke43=${POKE43:-$top/tests/oracle/gnu-poke-4.3}
if "$poke43" --version 2>/dev/null | head -n 1 | grep -q 'GNU poke 4.3'; then
  fresh
  if python3 "$here/elf-pokeelf-alter.py" "$work/data" "$poke43" "$BPOKE" 40 \
       > "$work/alter" 2>&1
  then ok "altered files: $(tail -n 1 "$work/alter")"
  else ko "altered files"; grep -v '^ok: ' "$work/alter" | head -n 30; fi
else
  echo "skip: altered files (GNU poke 4.3 is not set up: tests/oracle/gnu-poke-4.3 --setup)"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
