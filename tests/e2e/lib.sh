# lib.sh -- what the end-to-end tests share; sourced after the caller
# sets `here' to its own directory.  Defines top, BPOKE, a scratch
# directory $work removed at exit, the pass/fail counters with
# ok and ko, need_tools, and build_sigmask_prog.
top=$(cd "$here/../.." && pwd)
BPOKE=${BPOKE:-$top/src/bpoke}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
ok () { pass=$((pass + 1)); echo "ok: $1"; }
ko () { fail=$((fail + 1)); echo "FAIL: $1"; }

# Skip the test (exit 77) unless every tool named is installed.
need_tools ()
{
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$tool missing: skip"; exit 77; }
  done
}

# $work/prog: a C program that calls pthread_sigmask, so that it needs
# GLIBC_2.32 (the tutorial's case), and prints "still runs": the
# manual tutorial's program, doc/examples/prog.c.
build_sigmask_prog ()
{
  cp "$top/doc/examples/prog.c" "$work/prog.c"
  gcc -O1 -o "$work/prog" "$work/prog.c" -lpthread \
    || { echo "gcc failed"; exit 99; }
}
