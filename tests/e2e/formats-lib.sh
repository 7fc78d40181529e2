# formats-lib.sh -- what the tests of the format library (formats-*.sh)
# share; sourced after lib.sh.  Defines:
#   run_bpoke SCRIPT   run `bpoke -q -L SCRIPT' under a time-out: standard
#                      output and error in $work/out (an unhandled
#                      exception is reported on standard output, as GNU
#                      poke does), status $rc;
#   same WHAT GOT EXP  ok if the files GOT and EXP are equal, else ko
#                      with a diff (< bpoke, > the tool);
#   expect_error NAME FILE SCRIPT STATUS LINE1 LINE2
#                      the script (@FILE@ standing for FILE) ends with
#                      STATUS and the message LINE1, then LINE2 unless -;
#   robustness NAME FILE SCRIPT
#                      truncated copies of FILE and copies with a byte
#                      changed: the script must end, with status 0 or
#                      with status 1 and an exception on stderr.

# run_bpoke SCRIPT: a hang is killed after 20 seconds (status 124).
run_bpoke ()
{
  timeout 20 "$BPOKE" -q -L "$1" > "$work/out" 2>&1 </dev/null
  rc=$?
}

# same WHAT GOT EXP
same ()
{
  if cmp -s "$2" "$3"; then ok "$1"
  else
    ko "$1 (< bpoke, > expected)"
    diff "$2" "$3" | head -n 20
  fi
}

# script_for FILE SCRIPT: SCRIPT with @FILE@ replaced, in $work/run.bpk.
script_for ()
{
  sed "s|@FILE@|$1|g" "$2" > "$work/run.bpk"
}

# expect_error NAME FILE SCRIPT STATUS LINE1 LINE2
expect_error ()
{
  script_for "$2" "$3"
  run_bpoke "$work/run.bpk"
  first=$(sed -n 1p "$work/out")
  second=$(sed -n 2p "$work/out")
  # A failed constraint says so in three lines, "failed expression",
  # the constraint, "in field T.F": the last is the one compared.
  if [ "$second" = "failed expression" ]; then
    second=$(sed -n 4p "$work/out")
  fi
  if [ "$rc" -eq "$4" ] && [ "$first" = "$5" ] \
     && { [ "$6" = - ] || [ "$second" = "$6" ]; }; then
    if [ "$6" = - ]; then ok "$1: $5"; else ok "$1: $5 / $6"; fi
  else
    ko "$1: status $rc, message \"$first / $second\"; expected $4, \"$5 / $6\""
  fi
}

# flip FILE OFFSET: invert the byte at OFFSET of FILE.
flip ()
{
  b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
  # shellcheck disable=SC2059
  printf "$(printf '\\%03o' $((b ^ 255)))" \
    | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# robustness NAME FILE SCRIPT: the variants are FILE cut at every size
# up to 64 bytes, at 24 sizes spread over the rest and one byte short,
# and FILE with the byte at 40 offsets spread over it inverted.  Each is
# mapped and walked by SCRIPT (@FILE@ is the variant) under the
# time-out; it must end with status 0 (the file still reads) or 1, and
# then with an "unhandled ... exception" line and what the exception
# says.  A signal, a time-out or another status fails.
robustness ()
{
  name=$1 file=$2 script=$3
  size=$(wc -c < "$file")
  sizes=$( { i=0; while [ $i -le 64 ] && [ $i -lt "$size" ]; do echo $i; i=$((i + 1)); done
             i=1; while [ $i -le 24 ]; do echo $((i * size / 25)); i=$((i + 1)); done
             echo $((size - 1)); } | sort -n -u)
  bad=0 runs=0 errors=0
  for s in $sizes; do
    head -c "$s" "$file" > "$work/variant"
    robust_run "$name cut at $s bytes"
  done
  i=0
  while [ $i -lt 40 ]; do
    cp "$file" "$work/variant"
    flip "$work/variant" $((i * size / 40))
    robust_run "$name with byte $((i * size / 40)) inverted"
    i=$((i + 1))
  done
  if [ $bad -eq 0 ]; then
    ok "$name: $runs damaged copies, $errors clear exceptions, no crash or hang"
  fi
}

robust_run ()
{
  script_for "$work/variant" "$script"
  run_bpoke "$work/run.bpk"
  runs=$((runs + 1))
  if [ $rc -eq 1 ] && grep -q '^unhandled .*exception$' "$work/out"
  then
    errors=$((errors + 1))
  elif [ $rc -ne 0 ]; then
    bad=$((bad + 1))
    [ $bad -le 5 ] && ko "$1: status $rc: $(tail -c 300 "$work/out")"
  fi
}
