#!/bin/sh
# batch.sh -- the exit status of commands run in batch: piped into
# bpoke, they run as those of -s do (GNU poke reads nothing from a
# standard input that is not a terminal; its -s is the reference): a
# command that does not compile stops the run with status 1, an
# unhandled exception is reported and the run goes on (status 0), a
# command whose writes cannot be made stops the run with status 1.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

# run NAME WANT-STATUS WANT-STDOUT INPUT: pipe INPUT, then run it with -s.
run ()
{
  name=$1 want_status=$2 want_out=$3 input=$4
  printf '%s' "$input" > "$work/cmds"
  for how in piped -s; do
    if [ $how = piped ]; then
      out=$(cd "$work" && "$BPOKE" -q < cmds 2>/dev/null); st=$?
    else
      out=$(cd "$work" && "$BPOKE" -q -s cmds 2>/dev/null); st=$?
    fi
    if [ "$st" = "$want_status" ] && [ "$out" = "$want_out" ]; then
      ok "$name ($how)"
    else
      ko "$name ($how): status $st, output [$out]"
    fi
  done
}

run "all well" 0 "2
4" '1+1
2+2
'
run "a syntax error stops the run" 1 "2" '1+1
1+;
2+2
'
run "a type error stops the run" 1 "2" '1+1
1+"a"
2+2
'
run "an exception does not" 0 "2
unhandled invalid argument exception
4" '1+1
raise E_inval;
2+2
'
# A write past the file size limit: the commit fails.
printf 'abcd' > "$work/f"
(ulimit -f 10
 cd "$work" && printf 'var f = open ("f")\nbyte @ f : 100000#B = 1\n2+2\n' \
   | "$BPOKE" -q > out 2> err; echo $? > st)
if [ "$(cat "$work/st")" = 1 ] && [ ! -s "$work/out" ] \
   && grep -q "File too large" "$work/err" \
   && [ "$(cat "$work/f")" = abcd ]; then
  ok "a failed commit under ulimit -f stops a piped run"
else
  ko "a failed commit under ulimit -f stops a piped run: status $(cat "$work/st"), $(cat "$work/err")"
fi

# .version says what --version says (GNU poke's words are its own).
v=$("$BPOKE" -q -c .version 2>&1); want=$("$BPOKE" --version)
if [ "$v" = "$want" ] && [ -n "$v" ]; then ok ".version prints the version"
else ko ".version: $v"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
