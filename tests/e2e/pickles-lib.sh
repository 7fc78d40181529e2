# pickles-lib.sh -- running GNU poke's pickles in bpoke against GNU
# poke, shared by pickles.sh (GNU poke 2.4's pickles) and pickles43.sh
# (GNU poke 4.3's).  Sourced after lib.sh; the caller sets:
#   checks   the directory of its checks, NAME.WHAT.cmds (and, for the
#            recorded ones, NAME.WHAT.out and NAME.WHAT.bytes)
#   PICKLES  the oracle's pickles directory, bpoke's load path
#   LIVE     the pickles whose data is made by compilers or tools, for
#            which the oracle runs at test time
#   oracle   the program that runs GNU poke
#   OLD_PRINT (optional) checks whose output is compared across bpoke's
#            paths only, not with the oracle's (GNU poke 2.4 prints
#            values as bpoke does not)
# then calls pickles_main "$@".
#
# A check is a file PICKLE.WHAT.cmds: commands typed at the prompt, one
# a line (lines starting with `#' are comments; a first line `#! -l
# NAME...' loads pickles NAME.pk with -l, for those whose name has a
# dash, which `load' cannot name).  The data for PICKLE is made once,
# by data_PICKLE (pickles-data.sh); every check runs on a fresh copy of
# it, in a directory of its own, so that the commands name the files
# relatively.  A check compares two things with GNU poke: what the
# commands print (stdout and stderr together, with `[exit N]' for a
# non-zero exit status), and the bytes the commands wrote (`cmp -l' of
# each data file before and after).  bpoke runs three times, through
# its three execution paths (JIT, compiled closures with BPOKE_NOJIT=1,
# the plain evaluator with BPOKE_NOCOMPILE=1), each compared with the
# oracle.
#
# Where the oracle's answer comes from:
#   - recorded: data written byte for byte by python3 or printf, the
#     same on every machine.  GNU poke's output and byte changes are
#     kept in PICKLE.WHAT.out and PICKLE.WHAT.bytes, made by `--record',
#     which runs GNU poke (never bpoke).
#   - live: data made by a compiler or a tool whose output may change
#     with its version.  GNU poke runs at test time on the same copy of
#     the data.
#
# Options of the scripts: [--record | --oracle] [PATTERN].  PATTERN
# selects the checks whose file name contains it; --oracle prints GNU
# poke's output and bytes for each check, to read when writing one (a
# command GNU poke refuses stops the rest of the file).
# PICKLES_TIMEOUT: seconds a run may take (60).
#
# $checks/PENDING, where there is one, names the checks bpoke does not
# pass yet (`load.NAME' for loading pickle NAME), one a line, `#'
# comments: they run and their differences are shown, counted as
# pending, not failed; one that passes fails, until its name goes.
. "$here/pickles-data.sh"

npend=0 pending_now=
ko ()
{
  if [ -n "$pending_now" ]; then
    npend=$((npend + 1)); pending_hit=yes; echo "pending: $1"
  else
    fail=$((fail + 1)); echo "FAIL: $1"
  fi
}

# pending_begin NAME, pending_end NAME: around check NAME, which is
# pending if $checks/PENDING names it.
pending_begin ()
{
  pending_now= pending_hit=
  [ -f "$checks/PENDING" ] && grep -qx "$1" "$checks/PENDING" \
    && pending_now=yes
  return 0
}
pending_end ()
{
  if [ -n "$pending_now" ] && [ -z "$pending_hit" ]; then
    pending_now=
    ko "$1 passes: remove it from $(basename "$checks")/PENDING"
  fi
  pending_now=
}

live_p ()
{
  case " $(echo $LIVE) " in *" $1 "*) return 0;; esac
  return 1
}

# path_env PATH: the environment that sends bpoke down execution path
# PATH (jit, nojit or nocompile).
path_env ()
{
  case $1 in
    nojit) echo BPOKE_NOJIT=1 ;;
    nocompile) echo BPOKE_NOCOMPILE=1 ;;
  esac
}

# run_in DIR CMDS PROGRAM...: run PROGRAM (bpoke or the oracle, with
# any leading `env VAR=...') in DIR, a fresh copy of the data, on the
# commands file CMDS; its output goes to DIR/.out.
run_in ()
{
  rdir=$1 cmds=$2; shift 2
  rm -rf "$rdir"; mkdir -p "$rdir"
  cp -p "$work/data/$pickle"/* "$rdir/"
  grep -v '^#' "$cmds" > "$rdir/.cmds"
  lflag=
  for l in $(sed -n '1s/^#!//p' "$cmds"); do
    [ "$l" = -l ] || lflag="$lflag -l $PICKLES/$l.pk"
  done
  # shellcheck disable=SC2086
  (cd "$rdir" && BPOKE_LOAD_PATH=$PICKLES \
     timeout "${PICKLES_TIMEOUT:-60}" "$@" -q $lflag \
     -s .cmds < /dev/null > .out 2>&1; rc=$?
   [ $rc -ne 0 ] && echo "[exit $rc]" >> .out)
  # Messages naming a pickle's file say where the pickles are installed:
  # the same for both programs, but not on every machine.
  sed "s|$PICKLES/|PICKLES/|g" "$rdir/.out" > "$rdir/.out.tmp" \
    && mv "$rdir/.out.tmp" "$rdir/.out"
}

# bytes_of DIR: the bytes written in DIR's data files, as `cmp -l'.
bytes_of ()
{
  for f in "$work/data/$pickle"/*; do
    bn=$(basename "$f")
    echo "== $bn"
    cmp -l "$f" "$1/$bn" 2>&1 | sed "s|$1/||; s|$work/data/$pickle/||"
  done
}

# compare WHAT GOT WANT [SAME]: one ok/FAIL line, then the start of the
# differences, unless GOT is the same as file SAME (the JIT's output,
# whose differences are shown already).
compare ()
{
  if cmp -s "$2" "$3"; then ok "$1"
  elif [ -n "${4-}" ] && cmp -s "$2" "$4"; then
    ko "$1 (as with the JIT)"
  else
    ko "$1 (< bpoke, > poke)"
    diff -a "$2" "$3" 2>&1 | head -n 8 | cut -c 1-200
  fi
}

# oracle_answer CMDS NAME: GNU poke's answer in $work/oracle/.out and
# .bytes, run now or read from the recording.  Returns 1 when there is
# nothing more to do (--record, --oracle).
oracle_answer ()
{
  o=$work/oracle
  if [ $record -eq 1 ] || live_p "$pickle"; then
    run_in "$o" "$1" "$oracle" --no-hserver
    bytes_of "$o" > "$o/.bytes"
    if [ $show -eq 1 ]; then
      echo "=== $2"; cat "$o/.out" "$o/.bytes"; return 1
    fi
    if [ $record -eq 1 ]; then
      if ! live_p "$pickle"; then
        cp "$o/.out" "$checks/$2.out"
        cp "$o/.bytes" "$checks/$2.bytes"
        echo "recorded $2"
      fi
      return 1
    fi
  else
    if [ ! -f "$checks/$2.out" ] || [ ! -f "$checks/$2.bytes" ]; then
      ko "$2: GNU poke's answer is not recorded (--record $2)"
      return 1
    fi
    mkdir -p "$o"
    cp "$checks/$2.out" "$o/.out"
    cp "$checks/$2.bytes" "$o/.bytes"
  fi
}

check ()
{
  cmds=$1
  name=$(basename "$cmds" .cmds)
  oracle_answer "$cmds" "$name" || return 0
  pending_begin "$name"
  o=$work/oracle
  for path in jit nojit nocompile; do
    b=$work/bpoke-$path
    # shellcheck disable=SC2046
    run_in "$b" "$cmds" env $(path_env $path) "$BPOKE"
    bytes_of "$b" > "$b/.bytes"
    j=
    [ $path = jit ] || j=$work/jit
    case " $(echo ${OLD_PRINT-}) " in
      *" $name "*)
        if [ $path = jit ]; then
          echo "skip: $name: output (printed as GNU poke 4.3 prints)"
        else
          compare "$name: output ($path, against the JIT's)" "$b/.out" \
            "$work/jit.out"
        fi ;;
      *) compare "$name: output ($path)" "$b/.out" "$o/.out" ${j:+"$j.out"} ;;
    esac
    compare "$name: bytes written ($path)" "$b/.bytes" "$o/.bytes" \
      ${j:+"$j.bytes"}
    if [ $path = jit ]; then
      cp "$b/.out" "$work/jit.out"; cp "$b/.bytes" "$work/jit.bytes"
    fi
  done
  pending_end "$name"
}

# load_one NAME PROGRAM...: load pickle NAME alone, as `-l FILE', in
# PROGRAM (bpoke or the oracle), and print what it says, then `loaded'
# if it did.
load_one ()
{
  name=$1; shift
  (cd "$work" && BPOKE_LOAD_PATH=$PICKLES \
     timeout "${PICKLES_TIMEOUT:-60}" "$@" -q -l "$PICKLES/$name.pk" \
     -c 'printf ("loaded\n")' < /dev/null 2>&1) \
    | sed "s|$PICKLES/|PICKLES/|g"
}

# check_loads: every pickle listed in $checks/loads (those the oracle
# loads alone, one name a line) must load alone in bpoke, along the
# three paths; a check per pickle and path, selected by the pattern as
# `load.NAME'.  `--record loads' (or --record with no pattern) writes
# the list, trying every pickle in the oracle.  Only where the caller
# sets LOADS.
check_loads ()
{
  [ -n "${LOADS-}" ] || return 0
  list=$checks/loads
  if [ $record -eq 1 ]; then
    case loads in *"$pattern"*) ;; *) return 0;; esac
    [ $show -eq 1 ] && return 0
    for f in "$PICKLES"/*.pk; do
      n=$(basename "$f" .pk)
      load_one "$n" "$oracle" --no-hserver | tail -n 1 | grep -qx loaded \
        && echo "$n"
    done > "$list"
    echo "recorded loads ($(wc -l < "$list") pickles)"
    return 0
  fi
  [ -f "$list" ] || return 0
  while read -r n; do
    case "load.$n" in *"$pattern"*) ;; *) continue;; esac
    pending_begin "load.$n"
    for path in jit nojit nocompile; do
      # shellcheck disable=SC2046
      load_one "$n" env $(path_env $path) "$BPOKE" > "$work/load.out"
      if tail -n 1 "$work/load.out" | grep -qx loaded; then
        ok "load $n ($path)"
      elif [ $path != jit ] && cmp -s "$work/load.out" "$work/load.jit"; then
        ko "load $n ($path) (as with the JIT)"
      else
        ko "load $n ($path)"
        head -n 3 "$work/load.out" | cut -c 1-200
      fi
      [ $path = jit ] && cp "$work/load.out" "$work/load.jit"
    done
    pending_end "load.$n"
  done < "$list"
}

# make_data PICKLE: run its data maker once.
made=
make_data ()
{
  case " $made " in
    *" $1 "*) ;;
    *) mkdir -p "$work/data/$1"
       "data_$(echo "$1" | tr - _)" "$work/data/$1"
       made="$made $1" ;;
  esac
}

pickles_main ()
{
  record=0 show=0
  case ${1-} in
    --record) record=1; shift ;;
    --oracle) record=1 show=1; shift ;;
  esac
  pattern=${1-}
  check_loads
  for cmds in "$checks"/*.cmds; do
    name=$(basename "$cmds" .cmds)
    case $name in *"$pattern"*) ;; *) continue;; esac
    pickle=${name%%.*}
    make_data "$pickle"
    check "$cmds"
  done
  [ $record -eq 1 ] && exit 0
  echo "$pass passed, $fail failed, $npend pending"
  [ "$fail" -eq 0 ]
}
