#!/bin/sh
# settings.sh -- `.set' alone lists the settings as GNU poke 4.3 does:
# same table, same names in the same order, then bpoke's own (ffi).
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
if [ "$(tail -n +$((n + 1)) "$work/list")" = "ffi            yes" ]; then ok "then ffi"
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

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
