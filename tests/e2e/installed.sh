#!/bin/sh
# installed.sh -- run by `make installcheck' (and so by `make
# distcheck'): the installed bpoke, $BPOKE, loads the standard library
# installed in $BPOKE_PKGDATADIR, not the source tree's, and its maps.  With DESTDIR,
# the program looks where it will be, not where it is: then only the
# files are checked.
set -u
: "${BPOKE:?}" "${BPOKE_PKGDATADIR:?}"
for f in elf.bpk std.bpk time.bpk maps/elf.map; do
  [ -f "$BPOKE_PKGDATADIR/$f" ] || { echo "FAIL: $BPOKE_PKGDATADIR/$f is not installed"; exit 1; }
done
if [ -n "${DESTDIR-}" ]; then
  echo "DESTDIR set: the installed program is not run"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# elf_patch_version_need is bpoke's: GNU poke's elf.pk, further on the
# load path, does not have it.
got=$(cd "$work" && printf '%s\n' 'load elf' '.info functions ^elf_patch_version_need$' \
  | env -u BPOKE_LOAD_PATH -u POKE_LOAD_PATH HOME="$work" "$BPOKE" -q 2>&1)
if echo "$got" | grep -Eq '^elf_patch_version_need +elf-64\.bpk:'; then
  echo "ok: the installed bpoke loads the installed elf.bpk"
else
  echo "FAIL: the installed bpoke does not load its elf.bpk: $got"
  exit 1
fi
got=$(cd "$work" && printf '%s\n' '.file /proc/self/exe' '.map load elf' '.info maps' \
  | env HOME="$work" "$BPOKE" -q 2>&1)
if echo "$got" | grep -Fq "elf    $BPOKE_PKGDATADIR/maps/elf.map"; then
  echo "ok: the installed bpoke loads the installed elf.map"
else
  echo "FAIL: the installed bpoke does not load its elf.map: $got"
  exit 1
fi
