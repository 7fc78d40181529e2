#!/bin/sh
# repl-input.sh -- entries at bpoke's prompt: an unfinished `(', `['
# or `/*' continues on the next line, whose prompt shows it; Ctrl-C
# there drops the whole entry, `.exit' there leaves; a multi-line entry
# is one history item, also after a restart; `.exit N' exits with N;
# `exit', `quit' and `help' without their dot get a hint; bad settings
# and a mistyped type before `@' get GNU poke's messages (golden tests
# check these in batch too); .editor runs what $EDITOR wrote; .doc
# shows the manual in info or less.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/tmux.sh"
need_tools less

start
line '(1 +'
check_re "an open parenthesis continues, with a prompt" '^      >$'
line '2) * 7'
check "the entry runs when it is complete" "21"
clear
line '[10,'
line '20]'
check "an open bracket continues" "[10,20]"
clear
line '/* a comment'
line 'that ends */ 3 + 4'
check "an open comment continues" "7"
clear
line 'printf ("%i32d\n",'
line '  5 * 5)'
check "a call's arguments continue" "25"
clear
line 'fun junk = void: {'
type 'return;'
keys C-c
line 'junk'
check "Ctrl-C on a continuation line drops the whole entry" \
  "undefined variable 'junk'"
clear
line 'fun kept = int: {'
line '  return 100 + 23; }'
line '.exit'
check ".exit leaves" "[exit 0]"

# The history, after a restart: Up twice is the entry before .exit.
start
keys Up Up
keys Enter
line 'kept ()'
check "a multi-line entry is one history item after a restart" "123"
line 'exit'
check "exit without its dot gets a hint" "Type \`.exit' or Ctrl-D to leave bpoke."
clear
line 'quit'
check "quit without its dot gets a hint" "Type \`.exit' or Ctrl-D to leave bpoke."
clear
line 'help'
check "help without its dot gets a hint" "Type \`.help' for help."
clear
line '.set obase 8x'
check "a bad setting is refused with GNU poke's message" \
  "Usage: .set obase {2,8,10,16}"
line '.set'
check ".set lists GNU poke's settings" "error-on-warning no"
clear
line 'Elf64_Ehdrr @ 0#B'
check "a mistyped type before @ is an undefined variable" \
  "<stdin>:1:1: error: undefined variable 'Elf64_Ehdrr'"
clear
line 'while (1) {'
line '.exit 7'
check ".exit 7 on a continuation line leaves with status 7" "[exit 7]"

# .editor runs $EDITOR on a file, then the command written there, its
# lines joined, shown after the prompt as GNU poke 4.3 shows it.
printf '#!/bin/sh\nprintf "6 *\\n 7\\n" > "$1"\n' > "$work/editor"
chmod +x "$work/editor"
EDITOR="$work/editor"; export EDITOR
start
line '.editor'
check ".editor shows the command written" "(bpoke) 6 *  7"
check ".editor runs it" "42"
unset EDITOR

# .doc: the manual in the viewer doc-viewer names.  info (a stand-in
# that shows its arguments) gets the manual and the node; less finds
# the node's entry in the table of contents; without info, less.
mkdir -p "$work/bin"
printf '#!/bin/sh\necho "info $*"\n' > "$work/bin/info"
chmod +x "$work/bin/info"
tmux_env="PATH='$work/bin:$PATH'"
start
line '.doc Dot-commands'
check_re ".doc runs info on the manual, at the node" \
  '^info -f /.*/bpoke\.info -n Dot-commands$'
line '.set doc-viewer less'
line '.doc Dot-commands'
check ".doc runs less" "The prompt, and commands of the session."
case $(tmux -S "$sock" capture-pane -p | head -n 1) in
  "* Dot-commands::"*) ok "less shows the node's entry first";;
  *) ko "less shows the node's entry first"; tmux -S "$sock" capture-pane -p | head -n 5;;
esac
keys q
line '6 * 7'
check "the prompt is back after less" "42"
rm "$work/bin/info"
start
line '.doc'
check "without info, .doc runs less" "This manual is for bpoke"
keys q
tmux_env=
if [ -z "$("$BPOKE" -q -c '.doc')" ]; then ok ".doc does nothing in batch"
else ko ".doc does nothing in batch"; fi

start
line '.quit 3'
check ".quit 3 exits with status 3" "[exit 3]"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
