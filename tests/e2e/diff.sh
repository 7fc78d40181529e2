#!/bin/sh
# diff.sh -- bpoke's three execution paths against each other on random
# programs over mapped data (diffgen.py), with no GNU poke: the
# evaluator alone (BPOKE_NOCOMPILE=1), the closures (BPOKE_NOJIT=1) and
# the machine code must print the same, exit alike and leave the same
# bytes.  DIFF_PROGRAMS (default 12) programs, half opening a file,
# half making their data in memory.  tests/e2e/difftest.py holds them
# to GNU poke (doc/HACKING.md, "Tests").
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
need_tools python3

n=${DIFF_PROGRAMS:-12}
if python3 "$here/difftest.py" --paths-only --mix -n "$n" --no-minimise \
     --keep-going --out "$work/out" >"$work/log" 2>&1
then
  ok "$n random programs print alike on the three paths"
else
  cat "$work/log"
  for d in "$work"/out/*/; do
    [ -d "$d" ] || continue
    cp "$d/orig-prog.bpk" "$top/diff-$(basename "$d").bpk" 2>/dev/null
  done
  ko "random programs differ between the paths (kept as diff-*.bpk)"
fi

# The generator is deterministic: a program is the same every time.
python3 "$here/diffgen.py" 7 "$work/a.bpk" "$work/a.bin"
python3 "$here/diffgen.py" 7 "$work/b.bpk" "$work/b.bin"
if cmp -s "$work/a.bpk" "$work/b.bpk" && cmp -s "$work/a.bin" "$work/b.bin"
then ok "the same number gives the same program"
else ko "the same number gives the same program"; fi

# A program that differs is found and minimised: a bpoke that drops
# its second line of output, but for the evaluator (the reference of
# --paths-only), stands in for a divergence.
cat >"$work/dropper" <<EOF
#!/bin/sh
if [ -n "\${BPOKE_NOCOMPILE-}" ]; then exec "$BPOKE" "\$@"; fi
"$BPOKE" "\$@" | sed '2d'
EOF
chmod +x "$work/dropper"
if BPOKE=$work/dropper python3 "$here/difftest.py" --paths-only -n 1 \
     --from 3 --out "$work/min" >"$work/minlog" 2>&1; then
  ko "a difference is found: [$(cat "$work/minlog")]"
else
  lines=$(wc -l <"$work"/min/001-prog-3/prog.bpk)
  orig=$(wc -l <"$work"/min/001-prog-3/orig-prog.bpk)
  if [ "$lines" -lt "$orig" ]; then
    ok "a difference is found and minimised ($orig to $lines lines)"
  else
    ko "a difference is minimised: $orig to $lines lines"
  fi
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
