# tmux.sh -- what the tests of the prompt share, to type at bpoke in a
# real terminal (tmux) as a person would; sourced after lib.sh.
#
#   start [ARGS...]   a new terminal ($cols x $rows, default 160 x 40)
#                     running `bpoke -q --quiet ARGS' in $work with HOME
#                     $work, and wait for the prompt; when bpoke exits,
#                     the terminal shows `[exit N]'; $tmux_env, if
#                     set, is put before the command (TERM=dumb)
#   run [ARGS...]     the same, without waiting for a prompt
#   type TEXT         type TEXT;  line TEXT: type it and Enter
#   keys KEY...       tmux key names: Tab, Enter, C-c, Up...
#   clear             empty the screen (bpoke's prompt and line stay)
#   screen            what the terminal shows, with its history
#   screen_e          the same, with its colours and attributes as
#                     escape sequences (tmux writes its own: bold green
#                     is ESC[1m ESC[32m)
#   wait_for TEXT     wait (at most 10 s) until the screen shows TEXT
#   check NAME TEXT   ok if the screen comes to show TEXT
#   check_re NAME RE  ok if it comes to show a line matching the
#                     extended regular expression RE
#   check_not NAME TEXT   ok if, half a second on, it does not
need_tools tmux
sock="$work/tmux.sock"
trap 'tmux -S "$sock" kill-server 2>/dev/null; rm -rf "$work"' EXIT
cols=160 rows=40

start ()
{
  run "$@"
  wait_for "(bpoke)" || { echo "no prompt"; screen; exit 99; }
}
run ()
{
  tmux -S "$sock" kill-server 2>/dev/null
  # A new server each time: wait until the old one has gone.
  for _ in $(seq 50); do [ -e "$sock" ] || break; sleep 0.1; done
  tmux -S "$sock" new-session -d -x "$cols" -y "$rows" \
    "cd '$work' && HOME='$work' INPUTRC='$work/.inputrc' ${tmux_env:-} '$BPOKE' -q --quiet $*; echo \"[exit \$?]\"; sleep 60"
}
type () { tmux -S "$sock" send-keys -l "$1"; sleep 0.1; }
line () { tmux -S "$sock" send-keys -l "$1"; tmux -S "$sock" send-keys Enter; sleep 0.2; }
keys () { tmux -S "$sock" send-keys "$@"; sleep 0.3; }
clear () { tmux -S "$sock" send-keys C-l; tmux -S "$sock" clear-history; sleep 0.2; }
screen () { tmux -S "$sock" capture-pane -p -S -2000; }
screen_e () { tmux -S "$sock" capture-pane -p -e -S -2000; }
wait_for ()
{
  for _ in $(seq 100); do
    screen | grep -q${2:-F} -- "$1" && return 0
    sleep 0.1
  done
  return 1
}
check ()
{
  if wait_for "$2"; then ok "$1"; else ko "$1"; screen | tail -n 20; fi
}
check_re ()
{
  if wait_for "$2" E; then ok "$1"; else ko "$1"; screen | tail -n 20; fi
}
check_not ()
{
  sleep 0.5
  if screen | grep -qF -- "$2"; then ko "$1"; screen | tail -n 20; else ok "$1"; fi
}
