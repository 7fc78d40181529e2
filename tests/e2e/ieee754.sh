#!/bin/sh
# ieee754.sh -- GNU poke 4.3's ieee754 pickle, loaded in bpoke as a user
# loads it (BPOKE_LOAD_PATH, `load ieee754'), never copied: the commands
# in ieee754.cmds, typed at the prompt, print its float types and use
# printf's %f, %e and %g on them; ieee754.out is what GNU poke 4.3
# printed for them (recorded with --record).  bpoke runs them along its
# three execution paths (JIT, BPOKE_NOJIT=1, BPOKE_NOCOMPILE=1), each
# compared with the record.
#
# Usage: tests/e2e/ieee754.sh [--record]
# Environment: BPOKE; PICKLES43, where GNU poke 4.3's pickles are
# (default /opt/gnu-poke-4.3/usr/share/poke/pickles); POKE43, GNU poke
# 4.3 itself, for --record (default gnu-poke-4.3).
# Exit status: 0 passed, 1 failed, 77 no ieee754.pk here (said on
# stdout).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
PICKLES43=${PICKLES43:-/opt/gnu-poke-4.3/usr/share/poke/pickles}
POKE43=${POKE43:-gnu-poke-4.3}
cmds=$here/ieee754.cmds

[ -f "$PICKLES43/ieee754.pk" ] \
  || { echo "no GNU poke 4.3 ieee754.pk in $PICKLES43: skip"; exit 77; }

# run DIR COMMAND...: run COMMAND on the commands in DIR, a fresh one.
run ()
{
  rdir=$1; shift
  rm -rf "$rdir"; mkdir -p "$rdir"
  (cd "$rdir" && BPOKE_LOAD_PATH=$PICKLES43 POKE_LOAD_PATH=$PICKLES43 \
     timeout 30 "$@" -q -s "$cmds" < /dev/null > .out 2>&1; rc=$?
   [ $rc -ne 0 ] && echo "[exit $rc]" >> .out)
}

if [ "${1-}" = --record ]; then
  run "$work/oracle" "$POKE43" --no-hserver
  cp "$work/oracle/.out" "$here/ieee754.out"
  echo "recorded ieee754.out"
  exit 0
fi
for path in jit nojit nocompile; do
  case $path in
    jit) set -- env ;;
    nojit) set -- env BPOKE_NOJIT=1 ;;
    nocompile) set -- env BPOKE_NOCOMPILE=1 ;;
  esac
  run "$work/$path" "$@" "$BPOKE"
  if cmp -s "$work/$path/.out" "$here/ieee754.out"; then
    ok "ieee754 ($path)"
  else
    ko "ieee754 ($path) (< GNU poke 4.3, > bpoke)"
    diff "$here/ieee754.out" "$work/$path/.out" | head -n 8 | cut -c 1-200
  fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
