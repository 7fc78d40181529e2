#!/bin/sh
# installed.sh -- run by `make installcheck' (and so by `make
# distcheck'): the installed bpoke, $BPOKE, loads the standard library
# installed in $BPOKE_PKGDATADIR, not the source tree's, and its maps.  With DESTDIR,
# the program looks where it will be, not where it is: then only the
# files are checked.
set -u
: "${BPOKE:?}" "${BPOKE_PKGDATADIR:?}"
for f in elf.bpk elf-layout.bpk poke-elf/elf-layout.bpk std.bpk time.bpk maps/elf.map; do
  [ -f "$BPOKE_PKGDATADIR/$f" ] || { echo "FAIL: $BPOKE_PKGDATADIR/$f is not installed"; exit 1; }
done
if [ -n "${DESTDIR-}" ]; then
  echo "DESTDIR set: the installed program is not run"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# expect WHAT REGEXP LINE...: the installed bpoke, given the LINEs, prints
# a line that REGEXP matches: it loaded the installed WHAT.
expect ()
{
  what=$1 re=$2
  shift 2
  got=$(cd "$work" && printf '%s\n' "$@" \
    | env -u BPOKE_LOAD_PATH -u POKE_LOAD_PATH HOME="$work" "$BPOKE" -q 2>&1)
  if echo "$got" | grep -Eq "$re"; then
    echo "ok: the installed bpoke loads the installed $what"
  else
    echo "FAIL: the installed bpoke does not load its $what: $got"
    exit 1
  fi
}

# elf_patch_version_need is bpoke's: GNU poke's elf.pk, further on the
# load path, does not have it.
expect elf.bpk '^elf_patch_version_need +elf-64\.bpk:' \
  'load elf' '.info functions ^elf_patch_version_need$'
# .set elf-api poke-elf: poke-elf's Elf_Ident (seven uint<8> of padding),
# of the installed poke-elf/elf-layout.bpk.
expect poke-elf/elf-layout.bpk '^ +ei_pad +uint<8>\[7\]$' \
  '.set elf-api poke-elf' 'load elf' '.info type Elf_Ident'
expect elf.map " elf +$BPOKE_PKGDATADIR/maps/elf\.map$" \
  '.file /proc/self/exe' '.map load elf' '.info maps'
