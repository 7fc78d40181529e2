#!/bin/sh
# repl.sh -- the seed's interactive session typed at bpoke's prompt, as
# a person would, in a real terminal (tmux): readline prompt, multi-line
# input, Ctrl-C abandoning a line and interrupting a loop, .exit.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
BPOKE=${BPOKE:-$top/src/bpoke}
command -v tmux >/dev/null || { echo "tmux missing: skip"; exit 77; }
work=$(mktemp -d)
sock="$work/tmux.sock"
trap 'tmux -S "$sock" kill-server 2>/dev/null; rm -rf "$work"' EXIT
cp /bin/ls "$work/ls"
pass=0 fail=0

tmux -S "$sock" new-session -d -x 200 -y 50 \
  "cd '$work' && HOME='$work' '$BPOKE' -q --quiet ls"
type_line () { tmux -S "$sock" send-keys -l "$1"; tmux -S "$sock" send-keys Enter; }
screen () { tmux -S "$sock" capture-pane -p -S -200; }
# Wait until the screen has TEXT (at most 10 s).
wait_for ()
{
  for _ in $(seq 100); do
    screen | grep -qF -- "$1" && return 0
    sleep 0.1
  done
  return 1
}
check () { if wait_for "$2"; then pass=$((pass + 1)); echo "ok: $1"
           else fail=$((fail + 1)); echo "FAIL: $1"; screen; fi; }

check "prompt" "(bpoke)"
type_line 'load elf'
type_line 'var f = Elf64_File @ 0#B;'
type_line 'var interp_section = f.get_sections_by_name(".interp")[0]'
type_line 'string @ interp_section.sh_offset'
check "interpreter from .interp" '"/lib64/ld-linux-x86-64.so.2"'
type_line 'elf_hash("GLIBC_2.2.5")'
check "elf_hash" '157882997U'
# Ctrl-C abandons the line being typed.
tmux -S "$sock" send-keys -l 'var junk = 1'
tmux -S "$sock" send-keys C-c
type_line 'junk'
check "Ctrl-C abandons a line" "undefined variable 'junk'"
# Multi-line input continues an open brace.
type_line 'fun twice = (int x) int: {'
type_line '  return 2 * x; }'
type_line 'twice (21)'
check "multi-line function" '42'
# Ctrl-C interrupts a running loop and returns to the prompt.
type_line 'while (1) {}'
sleep 1
tmux -S "$sock" send-keys C-c
type_line '"after"'
check "Ctrl-C interrupts a loop" '"after"'
type_line '.exit'
sleep 0.5
if tmux -S "$sock" has-session 2>/dev/null; then
  fail=$((fail + 1)); echo "FAIL: .exit"
else pass=$((pass + 1)); echo "ok: .exit"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
