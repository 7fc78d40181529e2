#!/bin/sh
# repl-color.sh -- colour at the prompt, in a real terminal (tmux): by
# default (--color=auto) the prompt, values and error messages are
# styled; with TERM=dumb or --color=no, nothing is.  tmux shows the
# colours it was given as escape sequences of its own (screen_e).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/tmux.sh"

E=$(printf '\033')
# ok if the screen, with its colours, comes to show TEXT.
check_e ()
{
  for _ in $(seq 50); do
    screen_e | grep -qF -- "$2" && { ok "$1"; return; }
    sleep 0.1
  done
  ko "$1"; screen_e | tail -n 10 | cat -v
}
# ok if the screen shows no colour or attribute at all.
check_plain ()
{
  sleep 0.5
  if screen_e | grep -q "$E\[[0-9;]*[1-9][0-9;]*m"; then
    ko "$1"; screen_e | tail -n 10 | cat -v
  else ok "$1"; fi
}

start
check_e "the prompt is bold green" "$E[1m$E[32m(bpoke)"
line '40 + 2'
check_e "an integer is cyan" "$E[36m42"
line '"str"'
check_e "a string is yellow" "$E[33m\"str\""
line 'nosuch'
check_e "the error is bold red" "$E[1m$E[31merror"

# A style file changes the prompt.
mkdir -p "$work/.config/bpoke"
echo 'prompt = underline magenta' > "$work/.config/bpoke/style"
start
check_e "the user's prompt style" "$E[4m$E[35m(bpoke)"
rm -r "$work/.config"

# The pager counts what shows: the escape sequences take no room.
rows=10 cols=60
start
line '.set pager yes'
clear
line 'for (var i = 0; i < 30; i++) printf ("L%i32d %v\n", i, [0,0,0,0,0,0,0,0,0,0]);'
check "styled output is paged" "--More--"
check_e "--More-- in reverse video" "$E[7m--More--"
check "a screenful of 9 styled lines" "L8 ["
check_not "and no more" "L9 "
keys q
line '40 + 2'
check_e "after q, the colours are those of the prompt" "$E[36m42"
rows=40 cols=160

tmux_env=TERM=dumb
start
line '40 + 2'
line 'nosuch'
check "a dumb terminal still works" "undefined variable"
check_plain "and shows no colour"
tmux_env=
start --color=no
line '40 + 2'
check "--color=no still works" "42"
check_plain "and shows no colour"
line '.exit'
check "leaves" "[exit 0]"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
