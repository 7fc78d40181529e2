#!/bin/sh
# pickles43.sh -- GNU poke 4.3's own pickles, loaded in bpoke as a user
# loads them (BPOKE_LOAD_PATH, `load NAME'), never copied: each check
# tests/e2e/pickles43/NAME.cmds holds commands typed at the prompt, and
# NAME.out what GNU poke 4.3 printed for them, recorded with --record.
# bpoke runs them along its three execution paths (JIT,
# BPOKE_NOJIT=1, BPOKE_NOCOMPILE=1), each compared with the record.
#
# Usage: tests/e2e/pickles43.sh [--record] [PATTERN]
# Environment: BPOKE; PICKLES43, where GNU poke 4.3's pickles are
# (default /opt/gnu-poke-4.3/usr/share/poke/pickles); POKE43, GNU poke
# 4.3 itself, for --record (default gnu-poke-4.3).
# Exit status: 0 all passed, 1 a check failed, 77 no GNU poke 4.3
# pickles here (said on stdout).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dir=$here/pickles43
PICKLES43=${PICKLES43:-/opt/gnu-poke-4.3/usr/share/poke/pickles}
POKE43=${POKE43:-gnu-poke-4.3}
record=0
[ "${1-}" = --record ] && { record=1; shift; }
pattern=${1-}

[ -d "$PICKLES43" ] \
  || { echo "no GNU poke 4.3 pickles in $PICKLES43: skip"; exit 77; }

# run DIR COMMAND...: run COMMAND on the check's commands in DIR (a
# fresh one, so that relative names and .mem buffers start alike).
run ()
{
  rdir=$1; shift
  rm -rf "$rdir"; mkdir -p "$rdir"
  (cd "$rdir" && BPOKE_LOAD_PATH=$PICKLES43 POKE_LOAD_PATH=$PICKLES43 \
     timeout 30 "$@" -q -s "$cmds" < /dev/null > .out 2>&1; rc=$?
   [ $rc -ne 0 ] && echo "[exit $rc]" >> .out)
}

for cmds in "$dir"/*.cmds; do
  name=$(basename "$cmds" .cmds)
  case $name in *"$pattern"*) ;; *) continue ;; esac
  pickle=${name%%.*}
  if [ ! -f "$PICKLES43/$pickle.pk" ]; then
    echo "skip: $name ($pickle.pk is not in $PICKLES43)"; continue
  fi
  if [ $record -eq 1 ]; then
    run "$work/oracle" "$POKE43" --no-hserver
    cp "$work/oracle/.out" "$dir/$name.out"
    echo "recorded $name"; continue
  fi
  for path in jit nojit nocompile; do
    case $path in
      jit) set -- env ;;
      nojit) set -- env BPOKE_NOJIT=1 ;;
      nocompile) set -- env BPOKE_NOCOMPILE=1 ;;
    esac
    run "$work/$path" "$@" "$BPOKE"
    if cmp -s "$work/$path/.out" "$dir/$name.out"; then
      ok "$name ($path)"
    else
      ko "$name ($path) (< GNU poke 4.3, > bpoke)"
      diff "$dir/$name.out" "$work/$path/.out" | head -n 8 | cut -c 1-200
    fi
  done
done
[ $record -eq 1 ] && exit 0
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
