#!/bin/sh
# jit.sh -- the machine code for loops (lang/jit.c) against the closures
# it translates, which the golden tests hold to GNU poke's output.
#
# - On x86-64, a loop is translated (BPOKE_JIT_STATS counts it) and
#   BPOKE_NOJIT turns that off.
# - Random programs from jitgen.py (integral loops of every width and
#   signedness, with overflow and division by zero raised mid-loop)
#   print the same, and exit with the same status, with and without the
#   machine code.  JIT_SEEDS (default 12) programs of 40 functions.
# - Exceptions raised inside machine code reach handlers inside and
#   outside the loop, and the loop's variables keep what they had.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
need_tools python3

loop='var s = 0; for (var i = 0; i < 10; i++) s = s + i; printf "%v\n", s;'
case $(uname -m) in
  x86_64)
    out=$(BPOKE_JIT_STATS=1 "$BPOKE" -q -c "$loop" 2>&1)
    case $out in
      *"jit: 1 functions"*) ok "a loop is translated" ;;
      *) ko "a loop is translated: [$out]" ;;
    esac
    out=$(BPOKE_NOJIT=1 BPOKE_JIT_STATS=1 "$BPOKE" -q -c "$loop" 2>&1)
    if [ "$out" = 45 ]; then ok "BPOKE_NOJIT turns it off"
    else ko "BPOKE_NOJIT turns it off: [$out]"; fi ;;
  *) echo "not x86-64: the closures run" ;;
esac

# Both ways, the same output and exit status.
same ()
{
  "$BPOKE" -q -L "$1" >"$work/jit.out" 2>&1
  echo "status $?" >>"$work/jit.out"
  BPOKE_NOJIT=1 "$BPOKE" -q -L "$1" >"$work/nojit.out" 2>&1
  echo "status $?" >>"$work/nojit.out"
  cmp -s "$work/jit.out" "$work/nojit.out"
}

seeds=${JIT_SEEDS:-12}
bad=0
seed=1
while [ "$seed" -le "$seeds" ]; do
  python3 "$here/jitgen.py" "$seed" 40 >"$work/gen.bpk"
  if ! same "$work/gen.bpk"; then
    bad=$((bad + 1))
    cp "$work/gen.bpk" "$top/jit-seed-$seed.bpk" 2>/dev/null
    diff "$work/jit.out" "$work/nojit.out" | head -n 5
  fi
  seed=$((seed + 1))
done
if [ "$bad" = 0 ]; then ok "$seeds random programs agree"
else ko "$bad of $seeds random programs differ (kept as jit-seed-N.bpk)"; fi

# Exceptions out of machine code, caught around the loop and inside it;
# the expected values are worked out by hand.
cat >"$work/exc.bpk" <<'EOF'
var s = 0 as int<8>;
var i = 0;
try
  for (; i < 100; i++)
    s = s + (10 as int<8>);
catch (Exception e)
  { printf "%s at i=%v, s=%v\n", e.name, i, s; }
var n = 0;
for (var k = -3; k < 3; k++)
  try n = n + 12 / k;
  catch if E_div_by_zero { n = n + 1000; }
printf "n=%v\n", n;
var u = 250UB;
for (var k = 0; k < 10; k++)
  u++;
printf "u=%v\n", u;
fun f = (int d) int: { var r = 0; while (1) { r += 7 % d; if (r > 20) return r; } }
printf "f=%v\n", f (5);
try f (0); catch (Exception e) { printf "%s\n", e.name; }
EOF
expected='overflow at i=12, s=120B
n=996
u=4UB
f=22
division by zero'
out=$("$BPOKE" -q -L "$work/exc.bpk" 2>&1)
if [ "$out" = "$expected" ]; then ok "exceptions from machine code"
else ko "exceptions from machine code: [$out]"; fi
if same "$work/exc.bpk"; then ok "exceptions: same without machine code"
else ko "exceptions: same without machine code"; fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
