#!/bin/sh
# load-path.sh -- where `load' finds modules.  The bpoke of the build
# tree loads the standard library of its source tree, with no
# installation and no environment variable; a copy of the program
# elsewhere does not.  BPOKE_LOAD_PATH comes before the standard
# library, GNU poke's POKE_LOAD_PATH after it; GNU poke's own pickles,
# in /usr/share/poke/pickles, load as they are (skipped where GNU poke
# is not installed).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

# Run bpoke in $work/cwd with none of the variables that change the
# load path but those given as arguments (NAME=VALUE...), then the
# commands read from standard input.
mkdir -p "$work/cwd" "$work/home"
run ()
{
  prog=$1; shift
  (cd "$work/cwd" && env -u BPOKE_LOAD_PATH -u POKE_LOAD_PATH \
     -u XDG_DATA_HOME HOME="$work/home" "$@" "$prog" -q 2>&1)
}
# bpoke's elf.bpk: elf_patch_version_need is not in GNU poke's pickle.
bpoke_elf=$(printf '%s\n' 'load elf' '.info functions ^elf_patch_version_need$')

got=$(echo "$bpoke_elf" | run "$BPOKE")
case $got in
  *"elf_patch_version_need   elf-64.bpk:"*) ok "the build tree's bpoke loads stdlib/elf.bpk" ;;
  *) ko "the build tree's bpoke does not find its stdlib: $got" ;;
esac

# A copy of the program is not the build tree's: it looks where bpoke
# is installed (unless bpoke is installed there, it finds nothing).
mkdir "$work/bin"
cp "$BPOKE" "$work/bin/bpoke"
got=$(echo "$bpoke_elf" | run "$work/bin/bpoke")
if [ -n "${BPOKE_PKGDATADIR-}" ] && [ -f "$BPOKE_PKGDATADIR/elf.bpk" ]; then
  echo "bpoke is installed in $BPOKE_PKGDATADIR: copy not checked"
else
  case $got in
    *"elf_patch_version_need   elf-64.bpk:"*) ko "a copy of bpoke loads the source tree's stdlib" ;;
    *) ok "a copy of bpoke does not use the source tree's stdlib" ;;
  esac
fi

# BPOKE_LOAD_PATH before the standard library, POKE_LOAD_PATH after.
mkdir "$work/mine" "$work/gnu"
echo 'var mine_elf = 1;' > "$work/mine/elf.bpk"
echo 'var gnu_elf = 1;' > "$work/gnu/elf.pk"
echo 'var gnu_only = 2;' > "$work/gnu/gnuonly.pk"
got=$(printf '%s\n' 'load elf' 'mine_elf' | run "$BPOKE" BPOKE_LOAD_PATH="$work/none:$work/mine")
[ "$got" = 1 ] && ok "BPOKE_LOAD_PATH comes before the standard library" \
  || ko "BPOKE_LOAD_PATH: $got"
got=$(printf '%s\n' 'load elf' 'load gnuonly' 'gnu_only' \
        '.info functions ^elf_patch_version_need$' \
      | run "$BPOKE" POKE_LOAD_PATH="$work/none:$work/gnu")
case $got in
  "2"*"elf_patch_version_need   elf-64.bpk:"*) ok "POKE_LOAD_PATH comes after the standard library" ;;
  *) ko "POKE_LOAD_PATH: $got" ;;
esac
# GNU poke's user directory, as GNU poke 4.3 has it in its load_path.
mkdir -p "$work/home/.local/share/poke" "$work/xdg/poke"
echo 'var user_pickle = 3;' > "$work/home/.local/share/poke/userpk.pk"
echo 'var xdg_pickle = 4;' > "$work/xdg/poke/xdgpk.pk"
got=$(printf '%s\n' 'load userpk' 'user_pickle' | run "$BPOKE")
[ "$got" = 3 ] && ok "~/.local/share/poke is on the load path" || ko "~/.local/share/poke: $got"
got=$(printf '%s\n' 'load xdgpk' 'xdg_pickle' | run "$BPOKE" XDG_DATA_HOME="$work/xdg")
[ "$got" = 4 ] && ok "\$XDG_DATA_HOME/poke is on the load path" || ko "XDG_DATA_HOME: $got"
got=$(printf '%s\n' 'load nosuchmodule' | run "$BPOKE")
case $got in
  *"cannot load \`nosuchmodule'"*) ok "a missing module is an error" ;;
  *) ko "missing module: $got" ;;
esac

# A module of the current directory is named as GNU poke names it in
# messages: m.pk, not ./m.pk.
printf 'var y = z;\n' > "$work/cwd/cwdmod.pk"
got=$(printf '%s\n' 'load cwdmod' | run "$BPOKE")
case $got in
  "cwdmod.pk:1:9: error: undefined variable 'z'"*) ok "a module of the current directory is named as it is" ;;
  *) ko "module of the current directory: $got" ;;
esac

# GNU poke's pickles, where Debian's poke package installs them.
if [ -f /usr/share/poke/pickles/mbr.pk ]; then
  got=$(printf '%s\n' 'load mbr' '.info types ^MBR$' | run "$BPOKE")
  if echo "$got" | grep -Eq '^MBR +mbr\.pk:'; then ok "load mbr finds GNU poke's pickle"
  else ko "load mbr: $got"; fi
else
  echo "skip: GNU poke's pickles are not in /usr/share/poke/pickles"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
