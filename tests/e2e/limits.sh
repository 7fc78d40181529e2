#!/bin/sh
# limits.sh -- what a program may ask of memory or time is bounded, and
# asking too much raises an exception the prompt survives, never an
# abort: the collector counts array storage, so growing arrays in a loop
# does not keep every copy alive; a string of more than 4 GiB, a
# program file of more than 64 MiB (load "/dev/zero"), or a command line
# as long (-s /dev/zero), is refused at once.  GNU poke runs out of memory or aborts on these, so the checks
# are bpoke's own messages, exit statuses and peak memory.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

# peak_kib LIMIT_KIB NAME ARGS...: run bpoke ARGS; ok if it exits 0 and
# its peak resident memory stays under LIMIT_KIB.  Under AddressSanitizer
# (whose quarantine keeps freed memory) only the exit status counts.
asan=no
if command -v ldd >/dev/null && ldd "$BPOKE" 2>/dev/null | grep -q asan; then
  asan=yes
fi
peak_kib ()
{
  limit=$1 name=$2
  shift 2
  kib=$(python3 - "$BPOKE" "$@" <<'PY'
import resource, subprocess, sys
r = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, timeout=120)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
      if r.returncode == 0 else -1)
PY
)
  if [ "$kib" -lt 0 ]; then
    ko "$name (bpoke failed)"
  elif [ $asan = no ] && [ "$kib" -gt "$limit" ]; then
    ko "$name (peak $kib KiB, limit $limit KiB)"
  else
    ok "$name (peak $kib KiB)"
  fi
}

# 10000 arrays of up to 10000 elements made and dropped: 800 MB when
# the collector counted only the arrays' headers.
peak_kib 100000 "growing an array in a loop" -q \
  -c 'var a = int[](); for (var i = 0; i < 10000; i++) a += [i];' \
  -c "a'length"

# A version-needs count of 4000 instead of 1 in a gcc-made program:
# get_version_needs walks 4000 bogus entries, 250 MB before.
need_tools gcc readelf
build_sigmask_prog
off=$(readelf -SW "$work/prog" \
      | awk '{ for (i = 1; i < NF; i++) if ($i == ".gnu.version_r") print $(i + 3) }')
python3 - "$work/prog" "$off" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
at = int(sys.argv[2], 16) + 2           # Elf64_Verneed.vn_cnt
data[at:at + 2] = (4000).to_bytes(2, "little")
open(sys.argv[1] + ".cnt", "wb").write(data)
PY
peak_kib 100000 "a corrupted version-needs count" -q \
  -c ".file $work/prog.cnt" -c 'load elf' -c 'var f = Elf64_File @ 0#B' \
  -c "f.get_version_needs'length"

# expect NAME STATUS PATTERN ARGS...: bpoke ARGS exits with STATUS
# within 10 s and prints PATTERN.
expect ()
{
  name=$1 status=$2 pattern=$3
  shift 3
  timeout 10 "$BPOKE" "$@" </dev/null > "$work/out" 2>&1
  rc=$?
  if [ $rc -eq "$status" ] && grep -q -- "$pattern" "$work/out"; then
    ok "$name"
  else
    ko "$name (exit $rc)"
    head -c 500 "$work/out"
  fi
}

expect "a 5 GB string raises, the next command runs" 0 '^"ab"$' -q \
  -c '"x" * 5000000000UL' -c '"a" + "b"'
expect "... and says so" 0 'out of memory' -q -c '"x" * 5000000000UL'
expect "load \"/dev/zero\" is refused" 1 'more than 64 MiB' -q \
  -c 'load "/dev/zero"'
expect "-L /dev/zero is refused" 1 'more than 64 MiB' -q -L /dev/zero
expect "-s /dev/zero is refused" 1 'a line longer than 64 MiB' -q \
  -s /dev/zero

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
