#!/bin/sh
# run.sh -- run the manual's language examples, doc/examples/NAME.bpk
# with NAME.out, as golden tests (tests/lang/check.sh): the manual
# includes both files, so what it shows is what bpoke prints.  The
# tutorial's steps, tut-*.bpk, are run by tutorial.sh, and those of the
# format library, fmt-*.bpk, by formats.sh.  Expected outputs
# come from GNU poke: tests/lang/check.sh --record doc/examples/NAME.bpk
set -u
here=$(cd "$(dirname "$0")" && pwd)
check=$here/../../tests/lang/check.sh
pass=0 fail=0
for t in "$here"/*.bpk; do
  name=$(basename "$t" .bpk)
  # inflate-section needs a compressed ELF file: tests/e2e/ffi.sh runs it.
  case $name in tut-*|fmt-*|inflate-section) continue ;; esac
  if out=$("$check" "$t" 2>&1); then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    printf 'FAIL: %s\n%s\n' "$name" "$out"
  fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
