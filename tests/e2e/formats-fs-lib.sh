# formats-fs-lib.sh -- what the tests of the database and file system
# modules (formats-sqlite.sh, formats-ext4.sh, formats-fat.sh,
# formats-iso9660.sh) share; sourced after lib.sh.
#
#   bp NAME               run $work/NAME.bpk with bpoke -L under a
#                         time-out; output in $work/NAME.out and .err,
#                         exit status in $rc
#   same DESC GOT EXP     compare two files, ok or ko with the diff
#   patch FILE OFF HEX    write the bytes HEX (e.g. 55aa) at OFF of FILE
#   expect_exc DESC NAME REGEX
#                         after `bp NAME': no signal and no time-out, a
#                         non-zero exit status, "unhandled" and REGEX (an
#                         extended regexp) in the output (bpoke, as GNU
#                         poke, reports an unhandled exception on
#                         standard output)
#   expect_clean DESC NAME
#                         after `bp NAME': no signal, no time-out, and
#                         either exit status 0 or an unhandled exception

bp ()
{
  timeout 60 "$BPOKE" -q -L "$work/$1.bpk" > "$work/$1.out" 2> "$work/$1.err"
  rc=$?
}

same ()
{
  if cmp -s "$2" "$3"; then ok "$1"
  else
    ko "$1 (< bpoke, > tool)"
    diff "$2" "$3" | head -n 20
  fi
}

patch ()
{
  python3 -c '
import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(int(sys.argv[2], 0))
    f.write(bytes.fromhex(sys.argv[3]))' "$1" "$2" "$3"
}

# Exit statuses of a signal (128 + N) or of timeout (124) are failures
# whatever else the run printed.
crashed_p ()
{
  [ "$rc" -eq 124 ] || [ "$rc" -gt 128 ]
}

expect_exc ()
{
  if crashed_p; then
    ko "$1: crash or time-out (status $rc)"; head -n 5 "$work/$2.err"
  elif [ "$rc" -ne 0 ] && grep -q '^unhandled ' "$work/$2.out" \
       && grep -Eq "$3" "$work/$2.out" "$work/$2.err"; then
    ok "$1"
  else
    ko "$1: status $rc, expected an exception matching /$3/:"
    tail -n 3 "$work/$2.out"; head -n 5 "$work/$2.err"
  fi
}

expect_clean ()
{
  if crashed_p; then
    ko "$1: crash or time-out (status $rc)"; head -n 5 "$work/$2.err"
  elif [ "$rc" -eq 0 ] || grep -q '^unhandled ' "$work/$2.out"; then
    ok "$1"
  else
    ko "$1: status $rc without an exception:"
    tail -n 3 "$work/$2.out"; head -n 5 "$work/$2.err"
  fi
}

# KEEP_WORK=1 keeps the scratch directory, to look at a failure.
if [ -n "${KEEP_WORK-}" ]; then
  trap - EXIT
  echo "scratch directory: $work"
fi
