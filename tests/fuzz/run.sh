#!/bin/sh
# run.sh -- build the front-end fuzz target (fuzz_parse.c) with clang's
# libFuzzer, AddressSanitizer and UndefinedBehaviorSanitizer, and fuzz the
# lexer, parser and checker for SECONDS seconds (default 60).
#
# Usage: tests/fuzz/run.sh [SECONDS]      fuzz
#        tests/fuzz/run.sh --repro FILE..  run saved inputs once
#
# The seed corpus is every tests/lang/*.bpk.  The corpus libFuzzer grows
# is kept in tests/fuzz/build/corpus (not in git), so runs add up.  A
# crash, leak or hang is saved under tests/fuzz/crashes/ and the script
# exits non-zero; every input already in tests/fuzz/crashes/ is re-run
# first, so a crash once found fails each run until it is fixed.
#
# Needs clang and libclang-rt-14-dev (./bootstrap --install-deps).
# Environment: CC (default clang), JOBS (parallel fuzzing jobs, default 1),
# FUZZ_FLAGS (more libFuzzer flags).  Works without ./configure.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$here/build
crashes=$here/crashes
CC=${CC:-clang}

repro=no
seconds=60
case "${1-}" in
  --repro) repro=yes; shift ;;
  "") ;;
  *[!0-9]*) echo "usage: $0 [SECONDS] | --repro FILE..." >&2; exit 2 ;;
  *) seconds=$1 ;;
esac

if ! command -v "$CC" >/dev/null 2>&1; then
  echo "run.sh: $CC not found: ./bootstrap --install-deps installs clang" >&2
  exit 77
fi

mkdir -p "$build" "$crashes"

# The prelude, compiled in as a C string as Makefile.am does it, from the
# files its lang/prelude.c rule lists.
prelude_srcs=$(sed -n 's/^lang\/prelude\.c: *//p' "$top/Makefile.am" \
  | sed 's/\$(srcdir)/'"$(printf '%s' "$top" | sed 's/[\/&]/\\&/g')"'/g')
[ -n "$prelude_srcs" ] || prelude_srcs=$top/stdlib/prelude.bpk
# shellcheck disable=SC2086
{
  echo 'const char bpoke_prelude_src[] ='
  cat $prelude_srcs | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$/\\n"/'
  echo ';'
} > "$build/prelude.c.new"
if ! cmp -s "$build/prelude.c.new" "$build/prelude.c" 2>/dev/null; then
  mv "$build/prelude.c.new" "$build/prelude.c"
else
  rm -f "$build/prelude.c.new"
fi

# Every lang/*.c but the generated prelude (built above); eval and the
# builtins are linked (the checker and the builtin table refer to them)
# but not run.
srcs=
for f in "$top"/lang/*.c; do
  case "$f" in */prelude.c) ;; *) srcs="$srcs $f" ;; esac
done
# A config.h of our own (lang/builtins.c includes one), with the version
# AC_INIT gives, so that no ./configure is needed.
version=$(sed -n 's/^AC_INIT(\[[^]]*\], *\[\([^]]*\)\].*/\1/p' \
  "$top/configure.ac")
printf '#define VERSION "%s"\n' "${version:-0}" > "$build/config.h.new"
if ! cmp -s "$build/config.h.new" "$build/config.h" 2>/dev/null; then
  mv "$build/config.h.new" "$build/config.h"
else
  rm -f "$build/config.h.new"
fi
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
flags="-std=gnu11 -g -O1 -fno-omit-frame-pointer $san -I$build -I$top/lang"
# lang/pkffi.c (native calls) needs libffi; the fuzzer never calls it.
ffi=$(pkg-config --cflags --libs libffi 2>/dev/null || echo -lffi)
exe=$build/fuzz_parse
need=no
[ -x "$exe" ] || need=yes
for f in $srcs "$here/fuzz_parse.c" "$build/prelude.c" "$build/config.h"; do
  [ "$f" -nt "$exe" ] && need=yes
done
for f in "$top"/lang/*.h "$top"/lang/*.def; do
  [ "$f" -nt "$exe" ] && need=yes
done
if [ $need = yes ]; then
  echo "run.sh: building $exe"
  # shellcheck disable=SC2086
  "$CC" $flags -fsanitize=fuzzer -o "$exe" \
    "$here/fuzz_parse.c" "$build/prelude.c" $srcs $ffi -lm -ldl
fi

# A dictionary: every token spelling in tokens.def, and a few pieces of
# literals, types and attributes that mutation alone finds slowly.
{
  sed -n 's/^\(TOK\|KW\)([TK]_[A-Z_0-9]*, *"\([^ ]*\)").*/\2/p' \
    "$top/lang/tokens.def" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/.*/"&"/'
  for w in '0x' '0b' '0o' 'UL' 'UB' 'UH' 'UN' 'L' 'B' 'N' 'H' '#b' '#B' \
           '#KiB' "'size" "'length" "'signed" "'magnitude" "'unit" \
           'int<' 'uint<' 'offset<' '>' 'string' '\\n' '\\x41' "'a'" \
           '%v' '%i32d' '%u8x' '%s' '//' '/*' '*/' '#!' '!#' 'E_div_by_zero' \
           'Exception' 'lambda' 'catch if' ': extern "libc.so.6"'; do
    printf '"%s"\n' "$w"
  done
} > "$build/poke.dict"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

if [ $repro = yes ]; then
  exec "$exe" -runs=1 "$@"
fi

# Known crashes first: each must now pass.
set -- "$crashes"/*
if [ -e "$1" ]; then
  echo "run.sh: re-running $# saved input(s) from tests/fuzz/crashes/"
  if ! "$exe" -runs=1 "$@" >"$build/repro.log" 2>&1; then
    tail -n 40 "$build/repro.log"
    echo "run.sh: a saved crash still fails (log: $build/repro.log)"
    exit 1
  fi
fi

mkdir -p "$build/corpus" "$build/seeds"
cp "$top"/tests/lang/*.bpk "$build/seeds/"
jobs=
if [ "${JOBS:-1}" -gt 1 ]; then jobs="-jobs=$JOBS -workers=$JOBS"; fi
echo "run.sh: fuzzing for $seconds s (corpus: $build/corpus)"
set +e
# shellcheck disable=SC2086
"$exe" "$build/corpus" "$build/seeds" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -max_len=4096 -dict="$build/poke.dict" -print_final_stats=1 -artifact_prefix="$crashes/" \
  $jobs ${FUZZ_FLAGS-} \
  >"$build/fuzz.log" 2>&1
rc=$?
set -e
grep -E '^(#[0-9]+ +DONE|stat::|Done )' "$build/fuzz.log" | tail -n 8 || true
if [ $rc -ne 0 ]; then
  grep -E -A40 '^==[0-9]+==ERROR|runtime error|ALARM|deadly signal' \
    "$build/fuzz.log" | head -n 80
  echo "run.sh: FAILED (exit $rc); input saved in tests/fuzz/crashes/"
  echo "run.sh: reproduce with: tests/fuzz/run.sh --repro FILE"
  exit 1
fi
echo "run.sh: no crash in $seconds s"
