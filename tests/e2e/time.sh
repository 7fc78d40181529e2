#!/bin/sh
# time.sh -- `load time' where GNU poke cannot be the oracle: dates far
# in the future (GNU poke 2.4's ptime counts years one by one and takes
# days on them; tests/lang/time-ptime has those it prints), and
# gettimeofday against the system clock.
#
# The expected dates come from GNU date (`date -u -d @N'); for those
# past its range, from the 400-year Gregorian cycle of 146097 days:
# N = K * 12622780800 + R gives the date of R, K * 400 years later.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

check_ptime ()
{
  out=$("$BPOKE" -q -c 'load time' -c "ptime ($1)" 2>&1)
  if [ "$out" = "$2" ]; then ok "ptime ($1) is $2"
  else ko "ptime ($1): [$out], expected [$2]"; fi
}

check_ptime 140737488355328 '4461763-Jun-20 5:22:8'
check_ptime 36028797018963968 '1141709097-Jun-13 6:26:8'
check_ptime 67767976233532799 '2147483647-Dec-31 23:59:59'
check_ptime 67767976233532800 '2147483648-Jan-1 0:0:0'
check_ptime 0x7fffffffffffffff '292277026596-Dec-4 15:30:7'
check_ptime 9223372036854775808UL '292277026596-Dec-4 15:30:8'
check_ptime 0xffffffffffffffffUL '584554051223-Nov-9 7:0:15'
# Negative seconds convert to uint<64>.
check_ptime -1 '584554051223-Nov-9 7:0:15'
out=$("$BPOKE" -q -c 'load time' \
  -c '(POSIX_Time64 {seconds=0xffffffffffffffffUL})._print' 2>&1)
if [ "$out" = '#<584554051223-Nov-9 7:0:15>' ]; then ok "POSIX_Time64 _print of 2^64-1"
else ko "POSIX_Time64 _print of 2^64-1: [$out]"; fi

# gettimeofday and get_time read the system clock.
before=$(date +%s)
out=$("$BPOKE" -q -c 'load time' \
  -c 'printf "%i64d %i64d %i64d\n", gettimeofday.sec, gettimeofday.nsec, get_time[0]' 2>&1)
after=$(date +%s)
set -- $out
if [ $# -eq 3 ] && [ "$1" -ge "$before" ] && [ "$1" -le "$after" ] \
   && [ "$2" -ge 0 ] && [ "$2" -lt 1000000000 ] \
   && [ "$3" -ge "$1" ] && [ "$3" -le "$after" ]; then
  ok "gettimeofday and get_time give the system's time"
else ko "gettimeofday: [$out], date said $before to $after"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
