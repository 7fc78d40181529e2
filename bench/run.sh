#!/bin/sh
# run.sh -- time bpoke against GNU poke on the benchmarks in bench/ and
# print a Markdown table of medians and ratios (poke / bpoke: above 1
# means bpoke is faster).
#
# Usage: bench/run.sh [-r RUNS] [NAME]...
#
# A benchmark is a file bench/NAME.bench, a shell fragment that sets
#   desc    one line saying what is measured
#   args    the arguments given to both programs (they run in bench/)
#   target  the ratio bpoke aims at (optional; see README.md)
#   base    another benchmark whose CPU time is subtracted from this
#           one's for the "net" ratio, e.g. the start-up (optional)
# Each benchmark is run once with each program first, and the two
# outputs (standard output and error, and exit status) must agree, so
# that both really do the same work.  Then each command is timed RUNS
# times (default 20) after 3 warm-up runs: with hyperfine when it is
# installed, else with a shell loop.  Reported: wall-clock medians and,
# with hyperfine, mean CPU time (user + system), which a busy machine
# disturbs less than wall-clock time; and the peak resident set size of
# one more run of each (GNU time, /usr/bin/time).
#
# Environment: BPOKE (default src/bpoke of this tree), POKE (default
# poke), BENCH_NO_HYPERFINE (set: use the shell loop).  The table is also written to bench/out/results.md.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
BPOKE=${BPOKE:-$top/src/bpoke}
POKE=${POKE:-poke}
runs=20
if [ "${1-}" = -r ]; then runs=$2; shift 2; fi

if [ ! -x "$BPOKE" ]; then
  echo "run.sh: $BPOKE not found: build first (make)" >&2; exit 1
fi
if ! command -v "$POKE" >/dev/null 2>&1; then
  echo "run.sh: $POKE not found: apt-get install poke" >&2; exit 1
fi

out=$here/out
mkdir -p "$out"
rm -f "$out"/*.diff "$out"/*.median "$out"/*.cpu "$out"/*.rss
cd "$here"
# Neither program may read an init file or history, nor a terminal.
export HOME="$out/home"
mkdir -p "$HOME"
export TERM=dumb

if [ $# -eq 0 ]; then
  # shellcheck disable=SC2046
  set -- $(for f in "$here"/*.bench; do basename "$f" .bench; done)
fi
names="$*"

# median FILE: the median of the numbers in FILE, one a line.
median ()
{
  sort -g "$1" | awk '{ v[NR] = $1 }
    END { if (NR % 2) print v[(NR + 1) / 2];
          else printf "%.9f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# timeit NAME CMD...: write RUNS wall-clock times in seconds, one a
# line, to $out/NAME.times, and their median to $out/NAME.median.
timeit ()
{
  tname=$1; shift
  : > "$out/$tname.times"
  if [ -z "${BENCH_NO_HYPERFINE-}" ] && command -v hyperfine >/dev/null 2>&1
  then
    cmd=
    for a in "$@"; do
      cmd="$cmd '$(printf '%s' "$a" | sed "s/'/'\\\\''/g")'"
    done
    hyperfine -N --style none --warmup 3 --runs "$runs" \
      --export-json "$out/$tname.json" "$cmd" >/dev/null 2>&1 </dev/null
    # The "times" array of the single result, and its mean CPU time.
    tr -d ' \n' < "$out/$tname.json" > "$out/$tname.flat"
    sed -e 's/.*"times":\[\([^]]*\)\].*/\1/' "$out/$tname.flat" \
      | tr ',' '\n' > "$out/$tname.times"
    u=$(sed -e 's/.*"user":\([-0-9.e]*\).*/\1/' "$out/$tname.flat")
    y=$(sed -e 's/.*"system":\([-0-9.e]*\).*/\1/' "$out/$tname.flat")
    awk -v u="$u" -v y="$y" 'BEGIN { printf "%.9f\n", u + y }' \
      > "$out/$tname.cpu"
    rm -f "$out/$tname.flat"
  else
    i=0
    while [ $i -lt $((runs + 3)) ]; do
      t0=$(date +%s%N)
      "$@" >/dev/null 2>&1 </dev/null || true
      t1=$(date +%s%N)
      if [ $i -ge 3 ]; then
        awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.9f\n", (b - a) / 1e9 }' \
          >> "$out/$tname.times"
      fi
      i=$((i + 1))
    done
  fi
  median "$out/$tname.times" > "$out/$tname.median"
}

# peak NAME CMD...: the peak resident set size of one run of CMD, in
# KiB, to $out/NAME.rss (with GNU time, /usr/bin/time, if installed).
peak ()
{
  pname=$1; shift
  rm -f "$out/$pname.rss"
  [ -x /usr/bin/time ] || return 0
  /usr/bin/time -f %M -o "$out/$pname.rss" "$@" >/dev/null 2>&1 </dev/null \
    || true
}

for name in $names; do
  desc= args=
  # shellcheck disable=SC1090
  . "$here/$name.bench"
  eval "set -- $args"
  b_out=$("$BPOKE" "$@" 2>&1 </dev/null; echo "[exit $?]") || true
  p_out=$("$POKE" "$@" 2>&1 </dev/null; echo "[exit $?]") || true
  if [ "$b_out" != "$p_out" ]; then
    {
      echo "== $name: the outputs differ; bpoke printed:"
      printf '%s\n' "$b_out" | head -n 20
      echo "== poke printed:"
      printf '%s\n' "$p_out" | head -n 20
    } > "$out/$name.diff"
    continue
  fi
  echo "run.sh: $name: $desc" >&2
  timeit "$name.bpoke" "$BPOKE" "$@"
  timeit "$name.poke" "$POKE" "$@"
  peak "$name.bpoke" "$BPOKE" "$@"
  peak "$name.poke" "$POKE" "$@"
done

ms () { awk -v s="$1" 'BEGIN { if (s == "") print "-"; else printf "%.1f", s * 1000 }'; }
# ratio B P: P / B, or "-" when either is not positive (a net time lost
# in the noise).
ratio ()
{
  awk -v b="$1" -v p="$2" 'BEGIN {
    if (b <= 0 || p <= 0) print "-";
    else if (p / b < 10) printf "%.2f", p / b; else printf "%.1f", p / b }'
}
get () { if [ -f "$out/$1" ]; then cat "$out/$1"; fi; }
mib () { awk -v k="$1" 'BEGIN { if (k == "") print "-"; else printf "%.1f", k / 1024 }'; }
{
  echo '| benchmark | bpoke (ms) | poke (ms) | poke/bpoke | bpoke CPU (ms) | poke CPU (ms) | CPU poke/bpoke | net CPU poke/bpoke | target | bpoke RSS (MiB) | poke RSS (MiB) | RSS poke/bpoke |'
  echo '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'
  for name in $names; do
    desc= target= base=
    # shellcheck disable=SC1090
    . "$here/$name.bench"
    if [ -f "$out/$name.diff" ]; then
      echo "| $name | output differs | | | | | | | ${target:--} | | | |"
      continue
    fi
    b=$(get "$name.bpoke.median"); p=$(get "$name.poke.median")
    bc=$(get "$name.bpoke.cpu"); pc=$(get "$name.poke.cpu")
    net=-
    if [ -n "$base" ] && [ -f "$out/$base.bpoke.cpu" ]; then
      bb=$(awk -v x="$bc" -v y="$(get "$base.bpoke.cpu")" 'BEGIN { print x - y }')
      pb=$(awk -v x="$pc" -v y="$(get "$base.poke.cpu")" 'BEGIN { print x - y }')
      net=$(ratio "$bb" "$pb")
    fi
    br=$(get "$name.bpoke.rss"); pr=$(get "$name.poke.rss")
    echo "| $name | $(ms "$b") | $(ms "$p") | $(ratio "$b" "$p") |" \
      "$(ms "$bc") | $(ms "$pc") | $(ratio "$bc" "$pc") | $net | ${target:--} |" \
      "$(mib "$br") | $(mib "$pr") | $(ratio "$br" "$pr") |"
  done
  echo
  for name in $names; do
    desc= args= base=
    # shellcheck disable=SC1090
    . "$here/$name.bench"
    echo "- $name: $desc (\`bpoke $args\` vs \`poke $args\`)${base:+; net: less the $base CPU time}"
  done
  echo
  echo "Wall-clock: medians of $runs runs after 3 warm-ups.  CPU: mean user" \
    "+ system time (hyperfine only).  RSS: peak resident set of one run.  $("$BPOKE" --version | head -n 1)," \
    "$("$POKE" --version | head -n 1)."
} | tee "$out/results.md"

status=0
for f in "$out"/*.diff; do
  [ -f "$f" ] || continue
  echo; cat "$f"; status=1
done
exit $status
