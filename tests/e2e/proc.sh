#!/bin/sh
# proc.sh -- .proc PID opens a process's memory; /m also opens each of
# its mappings that no file backs (anonymous memory, [heap], [stack],
# [vdso], ...) and /M every mapping, as IO spaces of their own named
# sub://0/0xSTART/0xSIZE/PATH, in the order of /proc/PID/maps, read-only
# where the mapping can be read but not written (GNU poke 4.3's names
# and modes); the process stays the current IO space.  The expected
# lists are made from /proc/PID/maps of a sleeping process.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
[ -r /proc/self/maps ] || { echo "no /proc: skip"; exit 77; }
sleep 60 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT

# expected ALL: the Mode and Name columns of .info ios for the mappings
# of $pid (all, or those no file backs), by descending id, then the
# process.
expected ()
{
  python3 - "$pid" "$1" <<'PY'
import sys
pid, every = sys.argv[1], sys.argv[2] == "1"
lines = []
for l in open ("/proc/%s/maps" % pid):
    f = l.split (None, 5)
    path = f[5].strip () if len (f) > 5 else ""
    if not every and path.startswith ("/"):
        continue
    start, end = (int (x, 16) for x in f[0].split ("-"))
    mode = "r" if f[1][0] == "r" and f[1][1] != "w" else "rw"
    lines.append ("%s sub://0/0x%x/0x%x/%s" % (mode, start, end - start, path))
for l in reversed (lines):
    print (l)
print ("rw pid://%s" % pid)
PY
}
# modes_names: the same columns of bpoke's .info ios.
modes_names () { sed 1d | sed 's/^\* /  /' | awk '{ m = $3; $1 = $2 = $3 = $4 = $5 = ""; sub (/^ +/, ""); print m " " $0 }'; }

need_tools python3
# Where the kernel lets no process read a sibling's memory (Yama's
# ptrace_scope), there is nothing to test.
if "$BPOKE" -q -c ".proc $pid" 2>&1 | grep -q 'Error creating'; then
  echo "the memory of process $pid cannot be opened here: skip"; exit 77
fi
for flag in m M; do
  all=0; [ $flag = M ] && all=1
  expected $all > "$work/want"
  "$BPOKE" -q -c ".proc/$flag $pid" -c '.info ios' | modes_names > "$work/got"
  if cmp -s "$work/want" "$work/got"; then
    ok ".proc/$flag opens the mappings, as /proc/$pid/maps lists them"
  else
    ko ".proc/$flag opens the mappings, as /proc/$pid/maps lists them"
    diff "$work/want" "$work/got" | head -n 10
  fi
done

n=$("$BPOKE" -q -c ".proc $pid" -c '.info ios' | sed 1d | wc -l)
[ "$n" -eq 1 ] && ok ".proc alone opens one IO space" \
  || ko ".proc alone opens one IO space ($n)"

# The [stack] space reads the process's bytes at the stack's address.
stack=$(awk '$6 == "[stack]" { print $1 }' "/proc/$pid/maps")
base=${stack%-*} name=$(expected 0 | grep -F '[stack]' | cut -d' ' -f2)
got=$("$BPOKE" -q -c ".proc/m $pid" \
  -c "var s = iosearch (\"$name\")" \
  -c "printf (\"%v\\n\", (byte[64] @ s : 0#B) == (byte[64] @ 0 : 0x${base}UL#B))" \
  -c 'printf ("%v\n", get_ios)' 2>&1)
[ "$got" = "$(printf '1\n0')" ] && ok "a mapping's space reads the process's memory there" \
  || ko "a mapping's space reads the process's memory there: $got"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
