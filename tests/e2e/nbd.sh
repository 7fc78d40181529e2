#!/bin/sh
# nbd.sh -- IO spaces on NBD servers: nbdkit serves a file, a memory
# disk and read-only data on Unix sockets and on a TCP port of
# 127.0.0.1; bpoke opens them with .nbd and with open (), maps a struct
# on an export, assigns a field, and the bytes are checked in the file
# nbdkit's file plugin serves and through a second connection.  A
# read-only export refuses writes, bad URIs and dead servers are
# errors, a server that does not answer times out (or Ctrl-C stops the
# wait, at the prompt, where .nbd also says which IO space is current
# now), and a commit that
# fails on an export leaves a file written in the same command as it
# was.  The expected outputs are GNU poke 4.3's (built with libnbd),
# the socket paths and port put in their place; where GNU poke says
# E_eof for an error the server reports, bpoke says E_io.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
command -v nbdkit >/dev/null \
  || { echo "nbdkit missing (apt-get install nbdkit): skip"; exit 77; }
need_tools python3 od

pids=
trap 'for p in $pids; do kill "$p" 2>/dev/null; done
      tmux -S "$work/tmux.sock" kill-server 2>/dev/null; rm -rf "$work"' EXIT

# wait_for FILE: until FILE exists (nbdkit may write its pid file a
# moment after its start returns), 5 s at most.
wait_for ()
{
  for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 \
           24 25; do
    [ -s "$1" ] && return 0
    sleep 0.2
  done
  echo "$1 did not appear"
  exit 99
}

# serve NAME ARGS...: nbdkit ARGS on the socket $work/NAME.sock, in the
# background, until the test ends.
serve ()
{
  name=$1
  shift
  nbdkit -U "$work/$name.sock" -P "$work/$name.pid" "$@" \
    || { echo "nbdkit $* failed"; exit 99; }
  wait_for "$work/$name.pid"
  pids="$pids $(cat "$work/$name.pid")"
}

# check WHAT EXPECTED ARGS...: bpoke ARGS prints EXPECTED (stdout and
# stderr).
check ()
{
  what=$1 want=$2
  shift 2
  got=$("$BPOKE" -q "$@" 2>&1)
  if [ "$got" = "$want" ]; then
    ok "$what"
  else
    ko "$what"
    printf 'want:\n%s\ngot:\n%s\n' "$want" "$got"
  fi
}

python3 -c 'import sys; sys.stdout.buffer.write (bytes (range (256)) * 16)' \
  > "$work/disk.bin"
serve file file "$work/disk.bin"
serve mem memory 1M
serve ro -r data "1 2 3 4 5"
F="nbd+unix:///?socket=$work/file.sock"
M="nbd+unix:///?socket=$work/mem.sock"
R="nbd+unix:///?socket=$work/ro.sock"

# A struct mapped on the export, and a field assigned.
check ".nbd opens the export; a struct maps on it and is written" \
"  Id   Type   Mode   Bias           Size           Name
* 0    NBD    rw     0x00000000#B   0x00001000#B   $F
H {magic=66051U,n=1029UH,pad=[6UB,7UB]}
H {magic=66051U,n=48879UH,pad=[6UB,7UB]}
4096UL#B" \
  -c ".nbd $F" -c '.info ios' \
  -c 'type H = struct { uint<32> magic; uint<16> n; byte[2] pad; }' \
  -c 'var h = H @ 0#B' -c 'h' -c 'h.n = 0xbeef' -c 'printf "%v\n", H @ 0#B' \
  -c 'iosize'
bytes=$(od -An -tx1 -N8 "$work/disk.bin" | tr -s ' ')
[ "$bytes" = " 00 01 02 03 be ef 06 07" ] \
  && ok "the assignment is in the file nbdkit serves" \
  || ko "the assignment is in the file nbdkit serves ($bytes)"
check "open () reads it back through a second connection, and writes" \
  "48879UH" \
  -c "var i = open (\"$F\")" -c 'uint<16> @ 4#B' -c 'uint<16> @ 4#B = 0x405'
bytes=$(od -An -tx1 -j4 -N2 "$work/disk.bin" | tr -s ' ')
[ "$bytes" = " 04 05" ] && ok "open ()'s write is in the file" \
  || ko "open ()'s write is in the file ($bytes)"

check "writing past the end of the export is E_eof; its last byte is not" \
"Exception {code=6,name=\"EOF\",exit_status=1,location=\"\",msg=\"\"}
1UB" \
  -c ".nbd $M" \
  -c 'try byte @ 1048576#B = 1; catch (Exception e) { printf "%v\n", e; }' \
  -c 'byte @ 1048575#B = 1' -c 'byte @ 1048575#B'

# TCP: the first free port of a few.
port=
for p in 10899 20899 30899 40899 50899; do
  if nbdkit -i 127.0.0.1 -p "$p" -P "$work/tcp.pid" memory 64K 2>/dev/null
  then
    port=$p
    wait_for "$work/tcp.pid"
    pids="$pids $(cat "$work/tcp.pid")"
    break
  fi
done
if [ -n "$port" ]; then
  check ".nbd over TCP" \
"  Id   Type   Mode   Bias           Size           Name
* 0    NBD    rw     0x00000000#B   0x00010000#B   nbd://127.0.0.1:$port/" \
    -c ".nbd nbd://127.0.0.1:$port/" -c '.info ios' -c 'byte @ 0#B = 3'
  check "open () over TCP, without a path, reads what the last one wrote" \
    "0
3UB" -c "open (\"nbd://localhost:$port\")" -c 'byte @ 0#B'
else
  ko "no free TCP port for nbdkit among 10899 ... 50899"
fi

# Read-only exports.
check "a read-only export opens read-only and refuses writes (E_perm)" \
"  Id   Type   Mode   Bias           Size           Name
* 0    NBD    r      0x00000000#B   0x00000005#B   $R
[1UB,2UB,3UB,4UB,5UB]
unhandled wrong permissions exception" \
  -c ".nbd $R" -c '.info ios' -c 'byte[] @ 0#B' -c 'byte @ 0#B = 9'
check "opening a read-only export for writing is E_inval" \
  "Exception {code=14,name=\"\",exit_status=0,location=\"\",msg=\"invalid arguments passed to \`open'\"}" \
  -c "try open (\"$R\", IOS_F_READ|IOS_F_WRITE); catch (Exception e) { printf \"%v\n\", e; }"
check "IOS_F_WRITE alone on a read-write export: mode w, reads refused" \
"0
  Id   Type   Mode   Bias           Size           Name
* 0    NBD     w     0x00000000#B   0x00100000#B   $M
unhandled wrong permissions exception" \
  -c "open (\"$M\", IOS_F_WRITE)" -c '.info ios' -c 'byte @ 0#B'

check "other flags open an export with no mode, as GNU poke does" \
"0
  Id   Type   Mode   Bias           Size           Name
* 0    NBD           0x00000000#B   0x00100000#B   $M
unhandled wrong permissions exception" \
  -c "open (\"$M\", IOS_F_CREATE | 64)" -c '.info ios' -c 'byte @ 0#B'

# Bad URIs and dead servers: GNU poke's message on stdout, bpoke's
# reason on stderr.
for uri in foo "nbd://localhost:99999/" "nbd+unix:///?socket=$work/none.sock" \
           "nbd://127.0.0.1:1/" "nbd+unix:///"; do
  out=$("$BPOKE" -q -c ".nbd $uri" 2>"$work/err"; echo "rc=$?")
  if [ "$out" = "Error creating NBD IOS $uri
rc=1" ] && [ -s "$work/err" ]; then
    ok ".nbd $uri fails: $(cat "$work/err")"
  else
    ko ".nbd $uri fails"
    printf '%s\n' "$out"
  fi
done
check "open () of a dead server is E_io" "unhandled generic IO exception" \
  -c "open (\"nbd+unix:///?socket=$work/none.sock\")"
check ".nbd of an open export says so" \
  "Buffer $M already opened.  Use \`.ios IOS' to switch." \
  -c ".nbd $M" -c ".nbd $M"

# A server that accepts the connection and says nothing: a timeout.
python3 -c '
import socket, sys, time
s = socket.socket (socket.AF_UNIX)
s.bind (sys.argv[1])
s.listen (4)
open (sys.argv[2], "w").write ("ready")
time.sleep (60)' "$work/mute.sock" "$work/mute.ready" &
pids="$pids $!"
wait_for "$work/mute.ready"
start=$(date +%s)
out=$(BPOKE_NBD_TIMEOUT=1 "$BPOKE" -q \
        -c ".nbd nbd+unix:///?socket=$work/mute.sock" 2>&1)
took=$(( $(date +%s) - start ))
case $out in
  *"did not answer within 1 s"*)
    [ "$took" -le 5 ] && ok "a mute server times out ($took s)" \
      || ko "a mute server times out, but in $took s" ;;
  *) ko "a mute server times out"; printf '%s\n' "$out" ;;
esac

# At the prompt, .nbd says which IO space is now the current one, and
# Ctrl-C stops a wait on a server that says nothing.
# screen_has TEXT: the terminal comes to show TEXT (in 5 s).
screen_has ()
{
  for i in $(seq 50); do
    tmux -S "$work/tmux.sock" capture-pane -p | grep -qF "$1" && return 0
    sleep 0.1
  done
  return 1
}
if command -v tmux >/dev/null; then
  tmux -S "$work/tmux.sock" new-session -d -x 150 -y 20 \
    "HOME='$work' '$BPOKE' -q; sleep 30"
  screen_has '(bpoke)'
  tmux -S "$work/tmux.sock" send-keys -l ".nbd $M"
  tmux -S "$work/tmux.sock" send-keys Enter
  if screen_has "The current IOS is now \`$M'."; then
    ok ".nbd at the prompt says the export is the current IO space"
  else
    ko ".nbd at the prompt says the export is the current IO space"
    tmux -S "$work/tmux.sock" capture-pane -p
  fi
  tmux -S "$work/tmux.sock" send-keys -l \
    ".nbd nbd+unix:///?socket=$work/mute.sock"
  tmux -S "$work/tmux.sock" send-keys Enter
  sleep 0.5
  tmux -S "$work/tmux.sock" send-keys C-c
  if screen_has "(interrupted while waiting for the NBD server)"; then
    ok "Ctrl-C stops a wait on a mute server"
  else
    ko "Ctrl-C stops a wait on a mute server"
    tmux -S "$work/tmux.sock" capture-pane -p
  fi
  tmux -S "$work/tmux.sock" kill-server
else
  echo "tmux missing: .nbd at the prompt not tested"
fi

# A server that hangs up after the handshake, and one that claims an
# export of 2^64 - 1 bytes: E_io, and a message, not a crash.  (GNU
# poke's libnbd asks such a server for more options than it knows, and
# opens neither.)
# fake SOCK SIZE: a server on SOCK that answers one NBD_OPT_GO with an
# export of SIZE bytes, then hangs up.
fake ()
{
  python3 -c '
import socket, struct, sys
s = socket.socket (socket.AF_UNIX)
s.bind (sys.argv[1])
s.listen (1)
open (sys.argv[1] + ".ready", "w").write ("ready")
c, _ = s.accept ()
def get (n):
    b = b""
    while len (b) < n:
        b += c.recv (n - len (b))
    return b
c.sendall (b"NBDMAGICIHAVEOPT" + struct.pack (">H", 3))
get (4)
magic, opt, n = struct.unpack (">QII", get (16))
get (n)
info = struct.pack (">HQH", 0, int (sys.argv[2]), 1)
rep = struct.pack (">QII", 0x3e889045565a9, 7, 3) + struct.pack (">I", 12)
c.sendall (rep + info + struct.pack (">QIII", 0x3e889045565a9, 7, 1, 0))
c.close ()' "$1" "$2" &
  pids="$pids $!"
  wait_for "$1.ready"
}
fake "$work/hangup.sock" 4096
check "a server that hangs up after the handshake: reads are E_io" \
"unhandled generic IO exception
unhandled generic IO exception" \
  -c ".nbd nbd+unix:///?socket=$work/hangup.sock" -c 'byte @ 0#B' \
  -c 'byte @ 0#B'
fake "$work/huge.sock" 18446744073709551615
out=$("$BPOKE" -q -c ".nbd nbd+unix:///?socket=$work/huge.sock" 2>&1)
case $out in
  *"more than bpoke can address"*) ok "an export too large to address is refused" ;;
  *) ko "an export too large to address is refused"; printf '%s\n' "$out" ;;
esac

# Errors the server reports: E_io (GNU poke says E_eof).
serve eread --filter=error memory 1M error=EIO error-pread-rate=100%
check "a read the server fails is E_io" "unhandled generic IO exception" \
  -c ".nbd nbd+unix:///?socket=$work/eread.sock" -c 'byte @ 0#B'

# A command that writes a file and an export whose server fails writes:
# neither is changed, and the error says why.
serve ewrite --filter=error memory 1M error=ENOSPC error-pwrite-rate=100%
printf 'abcd' > "$work/small.bin"
out=$("$BPOKE" -q -c ".file $work/small.bin" \
        -c ".nbd nbd+unix:///?socket=$work/ewrite.sock" \
        -c '{ byte @ 0 : 0#B = 0x41; byte @ 1 : 0#B = 0x42; }' 2>&1)
case $out in
  *"writing 1 byte at offset 0: the NBD server says: no space left"*)
    ok "a failed write to an export is reported" ;;
  *) ko "a failed write to an export is reported"; printf '%s\n' "$out" ;;
esac
[ "$(cat "$work/small.bin")" = abcd ] \
  && ok "the file written in the same command is put back" \
  || ko "the file written in the same command is put back: $(cat "$work/small.bin")"

# A commit that fails half-way on an export: nbdkit's eval plugin serves
# a file of 16 KiB whose bytes from 8192 on cannot be written.  The
# write at 1 is made, the one at 9000 fails, and the byte at 1 is put
# back; the failed one is tried again, and fails again, which is said.
# (The script reads the bytes to write before it fails: else nbdkit may
# meet a closed pipe, and say EIO.)
head -c 16384 /dev/zero > "$work/half.bin"
serve half eval get_size='echo 16384' \
  pread="dd if='$work/half.bin' skip=\$4 count=\$3 iflag=skip_bytes,count_bytes status=none" \
  pwrite="if [ \$4 -ge 8192 ]; then
            cat >/dev/null; echo 'ENOSPC no room' >&2; exit 1
          fi
          dd of='$work/half.bin' seek=\$4 oflag=seek_bytes conv=notrunc status=none"
H="nbd+unix:///?socket=$work/half.sock"
out=$("$BPOKE" -q -c ".nbd $H" -c 'byte @ 0#B = 0x41' \
        -c '{ byte @ 1#B = 0x41; byte @ 9000#B = 0x42; }' \
        -c 'byte[2] @ 0#B' 2>&1)
bytes=$(od -An -tx1 -N2 "$work/half.bin" | tr -s ' ')
case $out in
  *"writes could not all be made, nor undone: IO space #0 ($H): writing 1 byte at offset 0x2328: the NBD server says: no space left (ENOSPC); putting #0 ($H) back failed too"*)
    ok "a commit that fails half-way says what it could not undo" ;;
  *) ko "a commit that fails half-way says what it could not undo"
     printf '%s\n' "$out" ;;
esac
[ "$bytes" = " 41 00" ] \
  && ok "the bytes written before the failure are put back" \
  || ko "the bytes written before the failure are put back ($bytes)"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
