#!/bin/sh
# pickles.sh -- GNU poke 2.4's own pickles (/usr/share/poke/pickles), run
# in bpoke on real data, against GNU poke as the oracle.
#
# Each check is a file tests/e2e/pickles/PICKLE.WHAT.cmds: commands typed
# at the prompt, one a line (lines starting with `#' are comments; a
# first line `#! -l NAME' loads pickle NAME.pk with -l, for the pickles
# whose name has a dash, which `load' cannot name).  The data for PICKLE
# is made once, at test time, by data_PICKLE below with a real tool
# (gcc, clang, tar, sfdisk, mkfs.jffs2, openssl, python3); every check
# runs on a fresh copy of it, in a directory of its own, so that the
# commands name the files relatively.  A check compares two things with
# GNU poke: what the commands print (stdout and stderr together, with
# `[exit N]' for a non-zero exit status), and the bytes the commands
# wrote (`cmp -l' of each data file before and after).  It runs bpoke
# three times, through its three execution paths (JIT, compiled
# closures with BPOKE_NOJIT=1, the plain evaluator with
# BPOKE_NOCOMPILE=1), each compared with the oracle.
#
# Where the oracle's answer comes from:
#   - recorded: data written byte for byte by python3 or printf here,
#     identical on every machine.  GNU poke's output and byte changes
#     are kept in PICKLE.WHAT.out and PICKLE.WHAT.bytes, made by
#     `tests/e2e/pickles.sh --record', which runs `poke' (never bpoke).
#   - live: data made by a compiler or a tool whose output may change
#     with its version (gcc, clang, tar, sfdisk, mkfs.jffs2, openssl).
#     GNU poke runs at test time on the same copy of the data.  It is
#     there wherever the pickles are, Debian's `poke' package shipping
#     both.
# The pickles listed in LIVE below are live; the others recorded.
#
# Usage: tests/e2e/pickles.sh [--record] [PATTERN]
#   PATTERN selects the checks whose file name contains it.
# Environment: BPOKE, POKE (default poke), PICKLES (default
# /usr/share/poke/pickles).
# Exit status: 0 all passed, 1 a check failed, 77 no pickles or no
# GNU poke here (said on stdout), 99 a tool failed to make the data.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dir=$here/pickles
POKE=${POKE:-poke}
PICKLES=${PICKLES:-/usr/share/poke/pickles}

record=0
if [ "${1-}" = --record ]; then record=1; shift; fi
pattern=${1-}

[ -d "$PICKLES" ] \
  || { echo "no GNU poke pickles in $PICKLES: skip"; exit 77; }
command -v "$POKE" >/dev/null \
  || { echo "GNU poke ($POKE) missing beside its pickles: skip"; exit 77; }

LIVE="mbr ustar jffs2 asn1-ber elf bpf btf btf-ext btf-dump ctf ctf-dump
      dwarf"

live_p ()
{
  case " $(echo $LIVE) " in *" $1 "*) return 0;; esac
  return 1
}

# die WHAT: a tool could not make the data; that is no bpoke failure.
die () { echo "error: $1"; exit 99; }

## The data, one function a pickle, each filling directory $1.

data_mbr ()
{
  need_tools sfdisk
  truncate -s 16M "$1/disk.img"
  # Four primary partitions, the fourth extended with two logical ones,
  # so that every entry of the table is in use; a fixed label id.
  sfdisk -q "$1/disk.img" > /dev/null 2>&1 <<EOF || die "sfdisk"
label: dos
label-id: 0x1badcafe
start=2048, size=4096, type=83, bootable
start=6144, size=2048, type=82
start=8192, size=2048, type=c
start=10240, size=8192, type=5
size=1024, type=83
size=1024, type=7
EOF
}

# Two files ending in an ID3v1 tag: one ID3v1.1 (a track number after
# a zero byte), one whose title and comment fill their 30 bytes.
data_id3v1 ()
{
  python3 - "$1" <<'EOF' || die "python3"
import sys
def tag (title, artist, album, year, comment, genre, track=None):
    t = b'TAG' + title.ljust (30, b'\0') + artist.ljust (30, b'\0') \
        + album.ljust (30, b'\0') + year
    if track is None:
        t += comment.ljust (30, b'\0')
    else:
        t += comment.ljust (28, b'\0') + b'\0' + bytes ([track])
    return t + bytes ([genre])
body = b'\xff\xfb\x90\x64' + bytes ((i * 7) & 0xff for i in range (1024))
with open (sys.argv[1] + '/song.mp3', 'wb') as f:
    f.write (body + tag (b'Blue in Green', b'Miles Davis', b'Kind of Blue',
                         b'1959', b'modal', 8, track=3))
with open (sys.argv[1] + '/old.mp3', 'wb') as f:
    f.write (body + tag (b'A Title Thirty Characters Long', b'Someone', b'',
                         b'2001', b'a comment that fills thirty ch', 17))
EOF
}

## Running one check.

# run_poke DIR CMDS: run the oracle in DIR on the commands file CMDS;
# prints its output, then one `cmp -l' block per data file.
run_in ()
{
  rdir=$1 cmds=$2; shift 2
  rm -rf "$rdir"; mkdir -p "$rdir"
  cp -p "$work/data/$pickle"/* "$rdir/"
  grep -v '^#' "$cmds" > "$rdir/.cmds"
  lflag=
  l=$(sed -n '1s/^#! -l //p' "$cmds")
  [ -n "$l" ] && lflag="-l $PICKLES/$l.pk"
  # shellcheck disable=SC2086
  (cd "$rdir" && BPOKE_LOAD_PATH=$PICKLES timeout 30 "$@" -q $lflag \
     -s .cmds < /dev/null > .out 2>&1; rc=$?
   [ $rc -ne 0 ] && echo "[exit $rc]" >> .out)
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

# compare WHAT GOT WANT: one ok/FAIL line.
compare ()
{
  if cmp -s "$2" "$3"; then ok "$1"
  else
    ko "$1 (< bpoke, > poke)"
    diff "$2" "$3" 2>&1 | head -n 8 | cut -c 1-200
  fi
}

check ()
{
  cmds=$1
  name=$(basename "$cmds" .cmds)
  o=$work/oracle
  if [ $record -eq 1 ] || live_p "$pickle"; then
    run_in "$o" "$cmds" env "$POKE" --no-hserver
    bytes_of "$o" > "$o/.bytes"
    if [ $record -eq 1 ] && ! live_p "$pickle"; then
      cp "$o/.out" "$dir/$name.out"
      cp "$o/.bytes" "$dir/$name.bytes"
      echo "recorded $name"
      return
    fi
    [ $record -eq 1 ] && return
  else
    mkdir -p "$o"
    cp "$dir/$name.out" "$o/.out"
    cp "$dir/$name.bytes" "$o/.bytes"
  fi
  for path in jit nojit nocompile; do
    case $path in
      jit) set -- env ;;
      nojit) set -- env BPOKE_NOJIT=1 ;;
      nocompile) set -- env BPOKE_NOCOMPILE=1 ;;
    esac
    b=$work/bpoke-$path
    run_in "$b" "$cmds" "$@" "$BPOKE"
    bytes_of "$b" > "$b/.bytes"
    compare "$name: output ($path)" "$b/.out" "$o/.out"
    compare "$name: bytes written ($path)" "$b/.bytes" "$o/.bytes"
  done
}

made=
for cmds in "$dir"/*.cmds; do
  name=$(basename "$cmds" .cmds)
  case $name in *"$pattern"*) ;; *) continue;; esac
  pickle=${name%%.*}
  case " $made " in
    *" $pickle "*) ;;
    *) mkdir -p "$work/data/$pickle"
       "data_$(echo "$pickle" | tr - _)" "$work/data/$pickle"
       made="$made $pickle" ;;
  esac
  check "$cmds"
done

[ $record -eq 1 ] && exit 0
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
