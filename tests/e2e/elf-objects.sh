#!/bin/sh
# elf-objects.sh -- the ELF module (stdlib/elf*.bpk) on objects that
# compilers make at test time: x86-64 programs (PIE and not), a shared
# library, relocatable objects (one from g++ with COMDAT groups), a
# core file (gcore, else the kernel's dump; skipped, saying why, when
# neither can be had), AArch64 and RISC-V objects and shared objects
# when the cross compilers are installed, and ELF32 objects (i386, with
# REL relocations; rv32, with RELA).  For each, elf-objects.py checks:
#   - against readelf: every section (name, address, offset, size,
#     link, info, alignment), segment, symbol of .symtab and .dynsym
#     (value, size, type, binding, visibility, index, name), relocation
#     (offset, info, addend), dynamic tag and note (owner, size), read
#     through GNU poke 2.4's names;
#   - against GNU poke 2.4 and its own ELF pickle (POKE, default poke;
#     skipped, saying so, when it is absent): the printed values of the
#     names the two share, plain and pretty-printed;
#   - against GNU poke 4.3 with poke-elf (POKE43, default
#     tests/oracle/gnu-poke-4.3 where ./bootstrap set it up; skipped,
#     saying so, without it): poke-elf's names on the same objects
#     (registry names, vaddr_to_sec, ...), and, with bpoke run after
#     `.set elf-api poke-elf', the printed headers, symbols, relocations,
#     dynamic entries and notes of the ELF64 objects, plain, pretty and
#     as trees, in poke-elf's layouts.
# Compilers' output changes with their versions, so GNU poke runs at
# test time on the same files.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
need_tools python3 gcc readelf
if [ -z "${POKE43-}" ] && "$top/tests/oracle/gnu-poke-4.3" --version > /dev/null 2>&1; then
  POKE43=$top/tests/oracle/gnu-poke-4.3
  export POKE43
fi
python3 "$here/elf-objects.py"
