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
# status is not zero.
#
# The test runs in a scratch directory named as DIR, holding a copy of
# NAME.bpk and links to DIR's other files (the fixtures of data/): file
# names in messages are the same as in DIR, and the files a test writes
# (tmp-*.bin) stay out of the source tree, which `make distcheck' makes
# read-only.  run.sh makes that directory once for all the tests and
# passes it in CHECK_SCRATCH; alone, check.sh makes its own.
#
# --record runs GNU poke instead (the oracle, `poke` on PATH or $POKE) and
# writes NAME.out: that is how every expected output here was made.
set -u
record=no
if [ "${1-}" = --record ]; then record=yes; shift; fi
test_file=$1
dir=$(cd "$(dirname "$test_file")" && pwd)
name=$(basename "$test_file" .bpk)
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ $record = yes ]; then
  prog=${POKE:-poke}
else
  prog=${BPOKE:-$top/src/bpoke}
fi
mode=-s
if head -n 1 "$test_file" | grep -q '^//! -L'; then mode=-L; fi

# scratch_dir DIR PARENT: make PARENT/basename(DIR) with links to the
# files of DIR that are not tests (nor files tests wrote there once).
scratch_dir ()
{
  d="$2/$(basename "$1")"
  mkdir -p "$d" || exit 99
  find "$1" -mindepth 1 -maxdepth 1 ! -name '*.bpk' ! -name '*.out' \
    ! -name 'tmp-*' -exec ln -s {} "$d/" \; || exit 99
  echo "$d"
}
if [ -n "${CHECK_SCRATCH-}" ]; then
  run_dir=$CHECK_SCRATCH
else
  tmp=$(mktemp -d) || exit 99
  trap 'rm -rf "$tmp"' EXIT
  run_dir=$(scratch_dir "$dir" "$tmp")
fi
cp "$dir/$name.bpk" "$run_dir/$name.bpk" || exit 99

cd "$run_dir" || exit 99
out=$( (ulimit -t 20 2>/dev/null; TERM=dumb "$prog" -q $mode "$name.bpk" </dev/null 2>&1); rc=$?; [ $rc -ne 0 ] && echo "[exit $rc]"; exit 0)
rm -f "$name.bpk"
if [ $record = yes ]; then
  printf '%s\n' "$out" > "$dir/$name.out"
  exit 0
fi
if [ ! -f "$dir/$name.out" ]; then
  echo "$name.out: missing expected output"; exit 99
fi
if printf '%s\n' "$out" | diff -u "$dir/$name.out" - ; then
  exit 0
fi
exit 1
