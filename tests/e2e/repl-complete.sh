#!/bin/sh
# repl-complete.sh -- Tab at bpoke's prompt completes what the context
# calls for: the fields and methods of a struct value after `f.', file
# names after .file, .load, `open ("' and `load "', modules after
# `load', settings and their values after .set, .info's topics, IO
# space ids after `.ios', attributes after a quote; and never the
# checker's internal names.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/tmux.sh"

cp /bin/ls "$work/ls"
: > "$work/trial.bin"
echo 'var from_script = 1;' > "$work/script.bpk"
echo 'var mine = 1;' > "$work/mymodule.pk"
: > "$work/not-a-name.pk"
start ls
line 'load elf'
line 'var f = Elf64_File @ 0#B;'

# complete TEXT: type TEXT after an empty screen, then Tab twice.
complete () { clear; type "$1"; keys Tab Tab; }
# done_line: drop what is typed.
done_line () { keys C-e C-u; }

complete 'f.'
check "f. lists the fields" "ehdr"
check "f. lists the methods" "get_sections_by_name"
done_line
complete 'f.ehdr.e_sh'
check "f.ehdr.e_sh lists e_shentsize" "e_shentsize"
check "f.ehdr.e_sh lists e_shstrndx" "e_shstrndx"
done_line
complete 'f.get_sections_by_name (".interp")[0].sh_offs'
check "after a method call and an index" '[0].sh_offset'
done_line
complete 'f.shdr[1].sh_nam'
check "after an array's index" 'f.shdr[1].sh_name'
done_line

complete '.file ./tri'
check ".file completes a file name" ".file ./trial.bin"
done_line
complete '.load scr'
check ".load completes a file name" ".load script.bpk"
done_line
complete 'open ("./tri'
check 'open (" completes a file name' 'open ("./trial.bin"'
done_line
complete 'load "scr'
check 'load " completes a file name' 'load "script.bpk"'
done_line
complete 'load '
check "load lists the modules of the standard library" "time"
check "load lists the modules of the current directory" "mymodule"
check_not "but not files whose name load cannot take" "not-a-name"
done_line

complete '.set '
check ".set lists the settings" "error-on-warning"
done_line
complete '.ver'
check "a dot-command's name" ".version"
done_line
complete '.mm'
check "a dot-command added to the table" ".mmap"
done_line
complete '.set obase '
check_re ".set obase lists its values" '^10 +16 +2 +8 *$'
done_line
complete '.set omode t'
check ".set omode t completes tree" ".set omode tree"
done_line
complete '.info '
check ".info lists its topics" "variables"
done_line
complete '.info type Elf64_Eh'
check ".info type completes a type name" ".info type Elf64_Ehdr"
done_line
line '.mem scratch'
complete '.ios '
check_re ".ios lists the IO spaces" '^0 +1 *$'
done_line
complete '.close '
check_re ".close lists the IO spaces" '^0 +1 *$'
done_line
complete ".he"
check "dot-commands" ".help"
done_line
complete ".help pret"
check ".help completes topics" ".help pretty-print"
done_line

complete "f'magn"
check "attributes after a quote" "f'magnitude"
done_line
complete "Elf64_Fi"
check "global names" "Elf64_File"
done_line

# All the names: none of the checker's own, which start with a blank.
printf 'set completion-query-items 100000\nset page-completions off\n' \
  > "$work/.inputrc"
start ls
clear
keys Tab Tab
check "an empty line lists the names" "Exception"
check_not "internal names are not listed" "env Exception"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
