#!/bin/sh
# run.sh -- run every golden-output language test (tests/lang/*.bpk) with
# check.sh and summarize.  Failing tests show their diff.  Usage:
#   run.sh [PATTERN]      only tests whose name contains PATTERN
set -u
here=$(cd "$(dirname "$0")" && pwd)
pattern=${1-}
[ "$pattern" = --pending ] && pattern=${2-}
pass=0 fail=0 skip=0 failed=""
# PENDING lists tests of features not implemented yet, one name a line:
# they are counted as skipped, and run with `run.sh --pending'.
pending=""
if [ "${1-}" = --pending ]; then shift; pattern=${1-}; pending_only=yes
else pending_only=no; fi
[ -f "$here/PENDING" ] && pending=$(grep -v '^#' "$here/PENDING")
# Collecting at every allocation (BPOKE_GC_STRESS=1) makes a collection
# per call of 25000 nested ones, or per element of arrays of 2^15 to 2^17
# elements: quadratic, past check.sh's time limit.
[ -n "${BPOKE_GC_STRESS-}" ] \
  && pending="$pending fun-recursion-deep attr-elem-large sdiff-large"
# One scratch directory for all the tests (see check.sh).
scratch=$(mktemp -d) || exit 99
trap 'rm -rf "$scratch"' EXIT
CHECK_SCRATCH=$scratch/$(basename "$here")
mkdir "$CHECK_SCRATCH" || exit 99
find "$here" -mindepth 1 -maxdepth 1 ! -name '*.bpk' ! -name '*.out' \
  ! -name 'tmp-*' -exec ln -s {} "$CHECK_SCRATCH/" \; || exit 99
export CHECK_SCRATCH
for t in "$here"/*.bpk; do
  name=$(basename "$t" .bpk)
  case "$name" in *"$pattern"*) ;; *) continue ;; esac
  is_pending=no
  for p in $pending; do [ "$p" = "$name" ] && is_pending=yes && break; done
  if [ $pending_only = no ] && [ $is_pending = yes ]; then
    skip=$((skip + 1)); continue
  fi
  [ $pending_only = yes ] && [ $is_pending = no ] && continue
  if out=$("$here/check.sh" "$t" 2>&1); then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    failed="$failed $name"
    printf 'FAIL: %s\n%s\n' "$name" "$out"
  fi
done
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
