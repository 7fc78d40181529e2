#!/bin/sh
# tutorial.sh -- the manual's tutorial, run as the reader runs it: build
# prog.c with gcc, then type the steps tut-*.bpk, in order, at one bpoke
# session on the program, and compare what bpoke prints with the
# outputs tut-*.out that the manual shows.  Then check the patched
# program with readelf and run it.
#
# Usage: tutorial.sh [--record]
#
# The expected outputs are not bpoke's: --record writes those of the
# steps GNU poke can run (all but the *-bpoke.bpk ones, which use
# bpoke's ELF helpers) by running GNU poke on the same program, and
# those of the *-bpoke steps from readelf.  Every run also derives the
# *-bpoke outputs from readelf again and compares.  The outputs hold
# offsets and sizes of the program gcc built when they were recorded
# (its SHA-256 is in prog.sha256): with another gcc or glibc the
# comparison is skipped, and only the readelf checks run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../tests/e2e/lib.sh"
POKE=${POKE:-poke}
record=no
[ "${1-}" = --record ] && record=yes

for tool in gcc readelf; do
  command -v $tool >/dev/null || { echo "$tool missing: skip"; exit 77; }
done
cp "$here/prog.c" "$work/prog.c"
(cd "$work" && gcc -O1 -o prog prog.c) || { echo "gcc failed"; exit 99; }
if ! readelf -V "$work/prog" | grep -q 'Name: GLIBC_2.32'; then
  echo "this C library does not version pthread_sigmask at 2.32: skip"
  exit 77
fi
steps=$(cd "$here" && ls tut-*.bpk | sort)

# The outputs of the *-bpoke steps, from readelf: FILE is the program
# before any patch.
derive ()
{
  case "$1" in
    tut-4-needs-bpoke)
      readelf -l "$2" | sed -n 's/.*Requesting program interpreter: \(.*\)]$/"\1"/p'
      readelf -d "$2" | sed -n 's/.*(NEEDED).*Shared library: \[\(.*\)\]$/"\1"/p' \
        | paste -s -d, - | sed 's/.*/[&]/'
      readelf -V "$2" | sed -n '/^Version needs/,$s/.*Name: \([^ ]*\) .*/"\1"/p' \
        | paste -s -d, - | sed 's/.*/[&]/'
      readelf -V "$2" | awk '/^Version needs/ { on = 1 }
        on && /File:/ { for (i = 1; i <= NF; i++) if ($i == "File:") file = $(i + 1) }
        on && /Name:/ { print file, $3, $NF }'
      ;;
    tut-5-patch-bpoke)
      # The needs with GLIBC_2.32 renamed, then the error of the second
      # patch, in the words of elf_patch_version_need (stdlib/elf.bpk).
      readelf -V "$2" | sed -n '/^Version needs/,$s/.*Name: \([^ ]*\) .*/"\1"/p' \
        | sed 's/"GLIBC_2.32"/"GLIBC_2.2.5"/' | paste -s -d, - | sed 's/.*/[&]/'
      echo "unhandled invalid argument exception"
      echo "version GLIBC_2.32 is not needed: it is not in .gnu.version_r"
      ;;
    *) echo "no derivation for $1" >&2; return 1 ;;
  esac
}

if [ $record = yes ]; then
  sha256sum "$work/prog" | cut -d' ' -f1 > "$here/prog.sha256"
  args="" prev=0
  for s in $steps; do
    name=${s%.bpk}
    case $name in
      *-bpoke) derive "$name" "$work/prog" > "$here/$name.out" || exit 99 ;;
      *)
        # GNU poke opens FILE after the -s commands: open it first.
        args="$args -s $here/$s"
        cp "$work/prog" "$work/p"
        (cd "$work" && "$POKE" -q -c '.file p' $args > "$work/all" 2>&1)
        tail -c +$((prev + 1)) "$work/all" > "$here/$name.out"
        prev=$(wc -c < "$work/all")
        ;;
    esac
  done
  echo "recorded: $(cd "$here" && ls tut-*.out | tr '\n' ' ')"
  exit 0
fi

# The *-bpoke outputs are what readelf says.
for s in $steps; do
  name=${s%.bpk}
  case $name in *-bpoke) ;; *) continue ;; esac
  derive "$name" "$work/prog" > "$work/$name.derived"
  if cmp -s "$work/$name.derived" "$here/$name.out"; then
    ok "$name.out agrees with readelf"
  else ko "$name.out disagrees with readelf"; diff "$here/$name.out" "$work/$name.derived"; fi
done

# The session, as the reader types it.
cp "$work/prog" "$work/prog.orig"
args=""
for s in $steps; do args="$args -s $here/$s"; done
(cd "$work" && "$BPOKE" -q prog $args > "$work/out" 2>&1)
if [ "$(sha256sum "$work/prog.orig" | cut -d' ' -f1)" = "$(cat "$here/prog.sha256")" ]; then
  for s in $steps; do cat "$here/${s%.bpk}.out"; done > "$work/expected"
  if cmp -s "$work/expected" "$work/out"; then ok "the session prints what the manual shows"
  else ko "session output"; diff "$work/expected" "$work/out" | head -40; fi
else
  echo "gcc built another program than the recorded one: session output not compared"
fi

# The patch, seen by readelf, and the program still runs.
if readelf -V "$work/prog" | grep -q 'Name: GLIBC_2.2.5' \
   && ! readelf -V "$work/prog" | grep -q 'GLIBC_2.32'; then
  ok "readelf -V shows GLIBC_2.2.5 where GLIBC_2.32 was"
else ko "readelf -V after the patch"; readelf -V "$work/prog"; fi
if [ "$("$work/prog")" = "still runs" ]; then ok "the patched program runs"
else ko "the patched program does not run"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
