#!/bin/sh
# options.sh -- `bpoke --help' and the man page doc/bpoke.1 list the
# same options as src/main.c (its long option table and getopt string).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

# The table: {"NAME", ...} lines between `long_opts[] = {' and `};'.
sed -n '/long_opts\[\] = {/,/^};/s/^ *{"\([a-z-]*\)",.*/\1/p' "$top/src/main.c" \
  | sort -u > "$work/code"
[ -s "$work/code" ] || { echo "cannot read the option table of main.c"; exit 99; }
"$BPOKE" --help | grep -o -- '--[a-z][a-z-]*' | sed 's/^--//' | sort -u > "$work/help"
# In the man page, options are written \-\-NAME.
grep -o -- '\\-\\-[a-z][a-z\\-]*' "$top/doc/bpoke.1" | sed 's/\\//g; s/^--//' \
  | sort -u > "$work/man"
for doc in help man; do
  if cmp -s "$work/code" "$work/$doc"; then ok "$doc lists the options of main.c"
  else ko "$doc and main.c differ (< main.c, > $doc)"; diff "$work/code" "$work/$doc"; fi
done
# Each short option of the getopt string is in --help and the man page.
short=$(sed -n 's/.*getopt_long ([^"]*"\([^"]*\)".*/\1/p' "$top/src/main.c" | tr -d ':')
[ -n "$short" ] || { echo "cannot read the getopt string of main.c"; exit 99; }
for o in $(echo "$short" | sed 's/./& /g'); do
  if "$BPOKE" --help | grep -q -- "-$o[ ,]" && grep -q -- "\\\\-$o\\b" "$top/doc/bpoke.1"; then
    ok "-$o in --help and the man page"
  else ko "-$o missing from --help or the man page"; fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
