#!/bin/sh
# help.sh -- `.help' against its source, doc/help.txt: every dot-command,
# builtin, standard library function (std.bpk, time.bpk) and keyword has
# an entry; `.help TOPIC' prints the entry as written there; `.help'
# lists every topic; an unknown topic is an error.  The expected texts
# are cut out of help.txt here, with no use of the generator
# doc/mkhelp.awk.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
help=$top/doc/help.txt

# KIND NAME for every entry.
awk '/^@/ { k = substr($1, 2); n = $2; sub(/:$/, "", n); print k, n }' \
  "$help" > "$work/entries"

# What the code defines.
{
  sed -n 's/^  {"\([a-z]*\)", "[a-z]*", cmd_[a-z]*},$/command .\1/p' \
    "$top/src/cmd.c"
  sed -n 's/^  {"\([a-z][a-z_]*\)", "(.*/builtin \1/p' "$top/lang/builtins.c"
  sed -n 's/^fun \([a-z][a-z0-9_]*\) =.*/function \1/p' "$top/stdlib/std.bpk" \
    "$top/stdlib/time.bpk" | grep -v ' pk_'
  sed -n 's/^var \([a-z_]*\) = lambda.*/function \1/p' "$top/stdlib/std.bpk"
  sed -n 's/^KW(K_[A-Z]*, "\([a-z]*\)")$/keyword \1/p' "$top/lang/tokens.def"
} > "$work/defined"
[ "$(grep -c '^command' "$work/defined")" -ge 9 ] || { echo "cannot read cmd.c"; exit 99; }
[ "$(grep -c '^builtin' "$work/defined")" -ge 10 ] || { echo "cannot read builtins.c"; exit 99; }
[ "$(grep -c '^keyword' "$work/defined")" -ge 40 ] || { echo "cannot read tokens.def"; exit 99; }
missing=$(while read -r kind name; do
  grep -qx "$kind $name" "$work/entries" || echo "$kind $name"
done < "$work/defined")
if [ -z "$missing" ]; then ok "help.txt covers every command, builtin, function and keyword"
else ko "no help entry for:"; echo "$missing"; fi

# The entry of NAME as written in help.txt: the lines after its header,
# trailing blank lines dropped.
entry ()
{
  awk -v n="$1" '
    /^#/ { next }
    /^@/ { on = ($2 == n ":"); next }
    on { l[++c] = $0 }
    END { while (c > 0 && l[c] == "") c--; for (i = 1; i <= c; i++) print l[i] }' \
    "$help"
}

# `.help T' shows the entries named T, and .T when T has no dot,
# separated by a blank line.
: > "$work/cmds"
: > "$work/expected"
while read -r kind name; do
  echo ".help $name" >> "$work/cmds"
  first=yes
  for n in "$name" ".$name"; do
    case "$n" in ..*) continue ;; esac
    grep -q "^@[a-z]* $(printf '%s' "$n" | sed 's/[.]/[.]/g'): " "$help" || continue
    [ $first = no ] && echo >> "$work/expected"
    entry "$n" >> "$work/expected"
    first=no
  done
done < "$work/entries"
"$BPOKE" -q -s "$work/cmds" > "$work/out" 2>&1
if cmp -s "$work/expected" "$work/out"; then ok ".help TOPIC prints the entry of help.txt, for every topic"
else ko ".help TOPIC"; diff "$work/expected" "$work/out" | head -40; fi

# `.help' alone names every topic.
"$BPOKE" -q -c .help > "$work/list" 2>&1
absent=$(while read -r kind name; do
  grep -q -- "\(^\| \)$(printf '%s' "$name" | sed 's/[.]/[.]/g')\( \|\[\|$\)" "$work/list" \
    || echo "$name"
done < "$work/entries")
if [ -z "$absent" ]; then ok ".help lists every topic"
else ko ".help does not list:"; echo "$absent"; fi

# An unknown topic.
out=$("$BPOKE" -q -c '.help no_such_topic' 2>&1); rc=$?
if [ "$out" = "No help on \`no_such_topic'.  Type .help for the list of topics." ] \
   && [ $rc -eq 1 ]; then ok "unknown topic: message and exit status 1"
else ko "unknown topic: [$out] exit $rc"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
