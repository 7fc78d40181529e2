#!/bin/sh
# recursion.sh -- runaway recursion ends in an exception, never in a
# crash: past 30000 nested calls, or when the interpreter's C stack
# (1 GiB, src/main.c) is nearly used up by calls whose bodies recurse
# deeply themselves.  GNU poke crashes (SIGSEGV) on both, so there is no
# oracle output: the checks are bpoke's message and exit status.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

# run NAME FILE: bpoke -L FILE must exit 1, not be killed by a signal,
# and say why.
run ()
{
  "$BPOKE" -q -L "$2" > "$work/out" 2>&1
  rc=$?
  if [ $rc -eq 1 ] && grep -q 'maximum call depth exceeded' "$work/out"; then
    ok "$1"
  else
    ko "$1 (exit $rc)"
    head -c 500 "$work/out"
  fi
}

cat > "$work/inf.bpk" <<'PK'
fun f = (int n) int: { return f (n + 1); }
f (0);
PK
run "unbounded recursion" "$work/inf.bpk"

# Each call evaluates an expression 1500 levels deep before the next:
# about 150 KiB of C stack a call, so the stack, not the call count, runs
# out first (before 7000 calls).
python3 - "$work/deep.bpk" <<'PY'
import sys
e = "f (n - 1)"
for _ in range(1500):
    e = "(1 + " + e + ")"
with open(sys.argv[1], "w") as out:
    out.write("fun f = (int n) int: { return n == 0 ? 0 : " + e + "; }\n")
    out.write("f (20000);\n")
PY
run "recursion through deep expressions" "$work/deep.bpk"

# The exception can be caught, and the program goes on.
cat > "$work/catch.bpk" <<'PK'
fun f = (int n) int: { return f (n + 1); }
try f (0); catch (Exception e) { printf ("caught: %s\n", e.msg); }
printf ("after\n");
PK
if "$BPOKE" -q -L "$work/catch.bpk" > "$work/out" 2>&1 \
   && grep -q '^caught: maximum call depth exceeded$' "$work/out" \
   && grep -q '^after$' "$work/out"; then
  ok "caught, then the program goes on"
else
  ko "caught, then the program goes on"
  cat "$work/out"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
