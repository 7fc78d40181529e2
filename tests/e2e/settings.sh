#!/bin/sh
# settings.sh -- `.set' alone lists the settings as GNU poke 4.3 does:
# same table, same names in the same order, then bpoke's own (ffi,
# elf-api).
# set-list.gnu is GNU poke 4.3's list, recorded with
#   gnu-poke-4.3 -q --no-hserver -c .set > tests/e2e/set-list.gnu
# (GNU poke ends that command with status 1, so it cannot be a golden
# test).  Changed settings show in the list.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

"$BPOKE" -q -c '.set' > "$work/list" 2>&1 || ko ".set failed"
n=$(wc -l < "$here/set-list.gnu")
head -n "$n" "$work/list" > "$work/first"
if cmp -s "$work/first" "$here/set-list.gnu"; then ok "GNU poke's settings, in its order and format"
else ko "the list differs from GNU poke's"; diff "$here/set-list.gnu" "$work/first"; fi
if [ "$(tail -n +$((n + 1)) "$work/list" | tr -s ' ' | tr '\n' ,)" = "ffi yes,elf-api poke-2.4," ]
then ok "then ffi and elf-api"
else ko "bpoke's own settings: $(tail -n +$((n + 1)) "$work/list")"; fi
got=$("$BPOKE" -q -c '.set obase 16' -c '.set omode tree' -c '.set pager yes' -c '.set' \
      | grep -E '^(obase|omode|pager) ' | tr -s ' ' | tr '\n' ,)
[ "$got" = "obase 16,omode tree,pager yes," ] && ok "the list shows changed values" \
  || ko "changed values: $got"
out=$("$BPOKE" -q -c '.set tracer yes' -c '.set tracer' -c 'pk_tracer_p = 0' \
      -c '.set tracer' 2>&1 | tr '\n' ,)
[ "$out" = "yes,no," ] && ok ".set tracer is pk_tracer_p" || ko "tracer: $out"
out=$("$BPOKE" -q -c '.set autoremap no' -c '.set autoremap' 2>&1)
[ "$out" = no ] && ok ".set autoremap no" || ko "autoremap: $out"

# elf-api: which definitions `load elf' gives, so it can change only
# before the ELF module is loaded.
out=$("$BPOKE" -q -c '.set elf-api' -c '.set elf-api poke-elf' -c '.set elf-api' 2>&1 \
      | tr '\n' ,)
[ "$out" = "poke-2.4,poke-elf," ] && ok ".set elf-api" || ko "elf-api: $out"
out=$("$BPOKE" -q -c '.set elf-api poke-4.3' 2>&1)
[ "$out" = "Usage: .set elf-api {poke-2.4,poke-elf}" ] && ok "elf-api: a bad value" \
  || ko "elf-api, bad value: $out"
out=$("$BPOKE" -q -c 'load elf' -c '.set elf-api poke-elf' 2>&1)
[ "$out" = "error: elf-api: the ELF module is loaded already; set elf-api before \`load elf'" ] \
  && ok "elf-api: refused once the ELF module is loaded" || ko "elf-api after load elf: $out"
out=$("$BPOKE" -q -c 'load elf' -c '.set elf-api poke-2.4' -c '.set elf-api' 2>&1)
[ "$out" = poke-2.4 ] && ok "elf-api: its own value again after load elf" \
  || ko "elf-api, same value after load elf: $out"
out=$("$BPOKE" -q -c '.set elf-api poke-elf' -c 'load elf' \
      -c 'printf ("%v %v\n", Elf_Ident {ei_class = 2}.ei_pad, Elf64_Shdr {}.sh_flags)' 2>&1)
[ "$out" = "[0UB,0UB,0UB,0UB,0UB,0UB,0UB] 0UL" ] && ok "elf-api poke-elf: poke-elf's layouts" \
  || ko "elf-api poke-elf, layouts: $out"
out=$("$BPOKE" -q -c 'load elf' -c 'elf_api' 2>&1)
[ "$out" = '"poke-2.4"' ] && ok "elf_api after load elf" || ko "elf_api: $out"
out=$("$BPOKE" -q -c '.set elf-api poke-elf' -c 'load elf' -c 'elf_api' 2>&1)
[ "$out" = '"poke-elf"' ] && ok "elf_api after .set elf-api poke-elf" || ko "elf_api, poke-elf: $out"
out=$("$BPOKE" -q -c 'load elf' \
      -c 'printf ("%v %v\n", Elf_Ident {}.ei_pad, Elf64_Shdr {}.sh_flags)' 2>&1)
[ "$out" = "[0UB,0UB,0UB,0UB,0UB,0UB] Elf64_SectionFlags {flags=0UL}" ] \
  && ok "elf-api poke-2.4: GNU poke 2.4's layouts" || ko "elf-api poke-2.4, layouts: $out"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
