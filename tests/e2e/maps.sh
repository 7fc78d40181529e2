#!/bin/sh
# maps.sh -- maps and map files on ELF files that gcc makes here: the
# map elf.map that bpoke ships (stdlib/maps) on a 64-bit object, a
# program and, when gcc -m32 works, a 32-bit object, checked against
# readelf; a map file written here, as the manual's self.map, found in
# the current directory; a write through a map entry, seen by readelf;
# a map file with a syntax error; a file that is not ELF; a closed IO
# space, whose maps go with it; the maps in
# the prompt and Tab after .map and $MAP::ENTRY., typed in a terminal
# (tmux); and GNU poke 4.3's own elf.map, loaded through map_load_path
# (skipped when it is absent).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
need_tools gcc readelf

cd "$work" || exit 99
printf 'int x = 3;\nint main (void) { return x; }\n' > foo.c
gcc -c foo.c -o foo.o && gcc foo.c -o prog || { echo "gcc failed"; exit 99; }

# readelf -h's number for FIELD (its words) of FILE.
hdr () { readelf -h "$2" | sed -n "s/^ *$1: *\([0-9]*\).*/\1/p"; }

# Offsets and counts of the shipped map, against readelf.
for f in foo.o prog; do
  shoff=$(hdr "Start of section headers" $f)
  shnum=$(hdr "Number of section headers" $f)
  out=$("$BPOKE" -q -c ".file $f" -c '.map load elf' -c '.map show elf' \
        -c "\$elf::shdr'length" -c '$elf::ehdr.e_shnum' 2>&1)
  want="Offset   Entry"
  want="$want
0UL#B  \$elf::file
0UL#B  \$elf::ehdr"
  if [ $f = prog ]; then
    want="$want
$(hdr "Start of program headers" $f)UL#B  \$elf::phdr"
  fi
  want="$want
${shoff}UL#B  \$elf::shdr
${shnum}UL
${shnum}UH"
  [ "$out" = "$want" ] && ok "elf.map on $f: the offsets readelf gives" \
    || { ko "elf.map on $f"; echo "$out"; echo "want:"; echo "$want"; }
done
out=$("$BPOKE" -q -c '.file prog' -c '.map load elf' \
      -c "\$elf::phdr'length" 2>&1)
[ "$out" = "$(hdr "Number of program headers" prog)UL" ] \
  && ok "elf.map: \$elf::phdr has readelf's program headers" || ko "phdr: $out"

if gcc -m32 -c foo.c -o foo32.o 2>/dev/null; then
  out=$("$BPOKE" -q -c '.file foo32.o' -c '.map load elf' \
        -c "\$elf::shdr'offset/#B" -c '$elf::ehdr.e_ident.ei_class' 2>&1)
  [ "$out" = "$(hdr "Start of section headers" foo32.o)UL
1UB" ] && ok "elf.map on a 32-bit object" || ko "32-bit: $out"
else
  echo "gcc -m32 does not work here: the 32-bit check is skipped"
fi

printf 'not an ELF file\n' > text.bin
out=$("$BPOKE" -q -c '.file text.bin' -c '.map load elf' -c '.map show elf' \
      -c '.info maps' 2>&1)
[ "$out" = "Offset   Entry
IOS   Name   Source
0     elf    $top/stdlib/maps/elf.map" ] \
  && ok "elf.map on a file that is not ELF: an empty map" || ko "not ELF: $out"

# A map goes with its IO space: the next space, which gets the same id,
# has none (GNU poke 4.3 gives it the maps of the closed one, whose
# entries were computed on the other file).
out=$("$BPOKE" -q -c '.file foo.o' -c '.map load elf' -c '.close' \
      -c '.file prog' -c 'get_ios' -c '.info maps' -c '$elf::ehdr' 2>&1)
[ "$out" = "0
<stdin>:1:1: error: invalid map entry" ] \
  && ok "the maps of a closed IO space are gone" || ko "closed: $out"

# The manual's self.map, in the current directory.
cat > self.map <<'EOF'
/* self.map - map file for a simplified view of an ELF file.  */

load elf;

%%

%entry
%name ehdr
%type Elf64_Ehdr
%offset 0#B

%entry
%name shdr
%type Elf64_Shdr[(Elf64_Ehdr @ 0#B).e_shnum]
%condition (Elf64_Ehdr @ 0#B).e_shnum > 0
%offset (Elf64_Ehdr @ 0#B).e_shoff
EOF
out=$("$BPOKE" -q -c '.file foo.o' -c '.map load self' -c '.info maps' \
      -c "\$self::shdr'length" 2>&1)
[ "$out" = "IOS   Name   Source
0     self   ./self.map
$(hdr "Number of section headers" foo.o)UL" ] \
  && ok "a map file in the current directory" || ko "self.map: $out"

# A write through an entry reaches the file.
cp foo.o edit.o
"$BPOKE" -q -c '.file edit.o' -c '.map load self' \
  -c '$self::ehdr.e_type = ET_DYN' -c '.close' >/dev/null 2>&1
readelf -h edit.o | grep -q 'Type: *DYN' \
  && ok "\$self::ehdr.e_type = ET_DYN: readelf sees a DYN file" \
  || ko "write through a map entry: $(readelf -h edit.o | grep Type)"

# Map files with errors: where, and what.
printf 'load elf;\n%%%%\n%%entry\n%%name ehdr\n%%type Elf64_Ehdr\n' > bad.map
out=$("$BPOKE" -q -c '.file foo.o' -c '.map load bad' 2>&1); rc=$?
[ "$out" = "./bad.map:3:1: entry lacks an %offset" ] && [ $rc -eq 1 ] \
  && ok "a map file without an %offset" || ko "bad.map: $out [$rc]"
printf 'load elf\n%%%%\n' > syntax.map
out=$("$BPOKE" -q -c '.file foo.o' -c '.map load syntax' 2>&1 | head -n 1)
[ "$out" = "syntax.map:1:9: error: syntax error: unexpected end of file" ] \
  && ok "a prologue that does not compile: where" || ko "syntax: $out"

# GNU poke 4.3's elf.map, where it is installed.
gnu_maps=/opt/gnu-poke-4.3/usr/share/poke/maps
if [ -r "$gnu_maps/elf.map" ]; then
  out=$("$BPOKE" -q -c '.file foo.o' -c "map_load_path = \"$gnu_maps\"" \
        -c '.map load elf' -c '$elf::file.ehdr.e_shnum' 2>&1)
  [ "$out" = "$(hdr "Number of section headers" foo.o)UH" ] \
    && ok "GNU poke 4.3's elf.map" || ko "GNU poke's elf.map: $out"
else
  echo "GNU poke 4.3's maps are not in $gnu_maps: that check is skipped"
fi

# The prompt shows the maps of the current IO space.
if command -v tmux >/dev/null; then
  . "$here/tmux.sh"
  start foo.o
  line '.map load self'
  check "the prompt shows a loaded map" "[self](bpoke)"
  line '.map create mine'
  check "newest first" "[mine,self](bpoke)"
  line '.mem scratch'
  line '1 + 1'
  check_re "another IO space has none" '^\(bpoke\) 1 \+ 1$'
  line '.ios 0'
  line '.set prompt-maps no'
  line '2 + 2'
  check_re ".set prompt-maps no hides them" '^\(bpoke\) 2 \+ 2$'
  line '.set prompt-maps yes'
  line '.map remove mine'
  line '3 + 3'
  check "removed" "[self](bpoke) 3 + 3"
  # Tab: .map's sub-commands, the maps, the fields of an entry.
  clear; type '.map sh'; keys Tab
  check "Tab completes .map's sub-commands" ".map show"
  type 'se'; keys Tab
  check "then the maps of the IO space" ".map show self"
  keys C-c
  clear; type '.map load sel'; keys Tab
  check "and the map files after .map load" ".map load self"
  keys C-c
  clear; type '$self::ehdr.e_shn'; keys Tab
  check "and the fields of an entry" '$self::ehdr.e_shnum'
  keys Enter
  check "which is the number of sections" "$(hdr "Number of section headers" foo.o)UH"
  line '.exit'
else
  echo "tmux missing: the prompt checks are skipped"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
