#!/bin/sh
# repl-pager.sh -- `.set pager yes', as GNU poke 4.3 has it: at the
# prompt, long output stops at `--More--' after a screenful; Space
# shows the next screenful, Enter one more line, q drops the rest,
# Ctrl-C also interrupts the command.  Output that fits, `.set pager
# no' (the default), and commands run by -c are not paged.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/tmux.sh"
rows=10

lines30='for (var i = 0; i < 30; i++) printf ("line %i32d\n", i);'
start
line '.set pager'
check "no by default" "no"
line "$lines30"
check "not paged by default" "line 29"
check_not "no --More-- by default" "--More--"

start
line '.set pager yes'
clear
line "$lines30"
check "a screenful, then --More--" "--More--"
check "the screenful is 9 lines" "line 8"
check_not "and no more" "line 9"
keys Enter
check "Enter shows one more line" "line 9"
check_not "only one" "line 10"
keys Space
check "Space shows the next screenful" "line 18"
check_not "only that" "line 19"
keys q
check "q returns to the prompt" "(bpoke)"
check_not "q drops the rest" "line 29"
clear
line '"after"'
check "the prompt works after q" '"after"'

clear
line 'var n = 0;'
line 'for (var i = 0; i < 30; i++) { n++; printf ("line %i32d\n", i); }'
check "--More-- again" "--More--"
keys C-c
clear
line 'n < 30'
check_re "Ctrl-C at --More-- interrupts the command" '^1$'

clear
line 'for (var i = 0; i < 9; i++) printf ("short %i32d\n", i);'
check "output that fits is shown" "short 8"
check_not "without --More--" "--More--"

clear
line '.set pager no'
line "$lines30"
check ".set pager no: all of it" "line 29"
check_not ".set pager no: no --More--" "--More--"

# Never in batch, even on a terminal.
run -c "'.set pager yes'" -c "'$lines30'"
check "-c commands are not paged" "line 29"
check_not "-c: no --More--" "--More--"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
