#!/bin/sh
# run.sh -- run every golden-output language test (tests/lang/*.bpk) with
# check.sh and summarize.  Failing tests show their diff.  Usage:
#   run.sh [PATTERN]      only tests whose name contains PATTERN
set -u
here=$(cd "$(dirname "$0")" && pwd)
pattern=${1-}
pass=0 fail=0 failed=""
for t in "$here"/*.bpk; do
  name=$(basename "$t" .bpk)
  case "$name" in *"$pattern"*) ;; *) continue ;; esac
  if out=$("$here/check.sh" "$t" 2>&1); then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    failed="$failed $name"
    printf 'FAIL: %s\n%s\n' "$name" "$out"
  fi
done
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
