#!/bin/sh
# check.sh -- run one golden-output language test.
#
# Usage: check.sh [--record] DIR/NAME.bpk
#
# A test is NAME.bpk with its expected output NAME.out beside it.  By
# default the test is run as `bpoke -q -s NAME.bpk`: every line is a
# command, as typed at the prompt, and expression statements print their
# value.  A test whose first line is `//! -L` is run as a script with
# `bpoke -q -L NAME.bpk` instead.  The output compared is standard output
# and standard error together, followed by a line `[exit N]` when the exit
# status is not zero.  The command runs in the test's directory so that
# file names in messages are stable.
#
# --record runs GNU poke instead (the oracle, `poke` on PATH or $POKE) and
# writes NAME.out: that is how every expected output here was made.
set -u
record=no
if [ "${1-}" = --record ]; then record=yes; shift; fi
test_file=$1
dir=$(dirname "$test_file")
name=$(basename "$test_file" .bpk)
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ $record = yes ]; then
  prog=${POKE:-poke}
else
  prog=${BPOKE:-$top/src/bpoke}
  # Run uninstalled: stdlib comes from the source tree.
  BPOKE_DATADIR=${BPOKE_DATADIR:-$top/stdlib}
  export BPOKE_DATADIR
fi
mode=-s
if head -n 1 "$test_file" | grep -q '^//! -L'; then mode=-L; fi

cd "$dir" || exit 99
out=$( (ulimit -t 20 2>/dev/null; TERM=dumb "$prog" -q $mode "$name.bpk" </dev/null 2>&1); rc=$?; [ $rc -ne 0 ] && echo "[exit $rc]"; exit 0)
if [ $record = yes ]; then
  printf '%s\n' "$out" > "$name.out"
  exit 0
fi
if [ ! -f "$name.out" ]; then
  echo "$name.out: missing expected output"; exit 99
fi
if printf '%s\n' "$out" | diff -u "$name.out" - ; then
  exit 0
fi
exit 1
