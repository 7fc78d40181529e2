#!/bin/sh
# color.sh -- styled output: with --color=yes, values, printf's classes,
# term_begin_class, hyperlinks, dump and the error messages carry ANSI
# escape sequences (SGR: ESC [ PARAMETERS m) around the text of each
# class, with the defaults of the manual's table or what the user's
# style file ($XDG_CONFIG_HOME/bpoke/style) says; with --color=no, and
# by default when the output is not a terminal, none at all.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

E=$(printf '\033')
# Run bpoke with HOME and XDG_CONFIG_HOME in $work (no style of the
# user running the tests), stdout and stderr in $work/out and $work/err.
bp ()
{
  HOME=$work XDG_CONFIG_HOME=$work/cfg "$BPOKE" -q "$@" \
    >"$work/out" 2>"$work/err"
}
# The file NAME in $work should hold exactly TEXT (escapes written ^[).
same ()
{
  if [ "$(cat "$work/$2")" = "$3" ]; then ok "$1"
  else ko "$1"; echo "want: $3" | cat -v; echo "got:  $(cat "$work/$2")" | cat -v; fi
}
# The file NAME has no escape character.
plain ()
{
  if grep -q "$E" "$work/$2"; then ko "$1"; cat -v "$work/$2"
  else ok "$1"; fi
}

# Values at the prompt: the classes integer, string, offset, struct
# type and field names, special, ellipsis.
bp --color=yes -c '1 + 2' -c '"a"' -c '8#B' \
   -c 'type P = struct { uint<8> x; }' -c 'P { x = 1 }' \
   -c 'fun f = (int x) void: {}' -c 'f' -c '.set oacutoff 1' -c '[1, 2]'
same "values in their classes" out \
"$E[36m3$E[0m
$E[33m\"a\"$E[0m
$E[35m8#B$E[0m
$E[1mP$E[0m {$E[34mx$E[0m=$E[36m1UB$E[0m}
$E[3m#<closure:f>$E[0m
[$E[36m1$E[0m,$E[2m...$E[0m]"

# printf: %v, and %<class: with a class of the table and one of none.
bp --color=yes -c 'printf "%<string:<%i32d>%> %v %<mine:m%>\n", 1, 2'
same "printf's classes" out "$E[33m<1>$E[0m $E[36m2$E[0m m"
# format makes a string: never styled.
bp --color=yes -c 'format ("%<string:%v%>", 1) == "1"'
same "format's string has no escapes" out "$E[36m1$E[0m"

# A format that raises inside a pretty-printer leaves the output
# styled for the next commands.
bp --color=yes -c 'var z = 0' \
   -c 'type S = struct { int a; method _print = void: { print format ("%v", a / z); } }' \
   -c '.set pretty-print yes' -c 'S {}' -c '1'
same "styled after a format that raised" out \
"$E[1;31munhandled division by zero exception$E[0m
$E[36m1$E[0m"

# term_begin_class and term_end_class: nested classes, the outer one
# set again when the inner one ends.
bp --color=yes -c '{ term_begin_class ("string"); printf "a%v", 1;
                     term_end_class ("string"); }'
same "term_begin_class" out "$E[33ma$E[36m1$E[0m$E[33m$E[0m"
bp --color=yes -c '{ term_begin_hyperlink ("file:///x", "k"); printf "l";
                     term_end_hyperlink; }'
same "hyperlinks" out "$E]8;id=k;file:///x$E\\l$E]8;;$E\\"

# term_set_color and term_set_bgcolor: 24-bit colours, set again after
# a class ends, reset at exit; [-1,-1,-1] is the default.  Without colour they stay the
# default, as GNU poke's do.
bp --color=yes -c 'term_set_color ([1,2,3])' -c '7' \
   -c 'term_set_bgcolor ([4,5,6])' -c 'term_set_color (term_default_color)' \
   -c 'term_get_color' -c 'printf "%v", term_get_bgcolor'
same "term colours" out \
"$E[38;2;1;2;3m$E[36m7$E[0m$E[38;2;1;2;3m
$E[48;2;4;5;6m$E[39m[$E[36m-1$E[0m$E[48;2;4;5;6m,$E[36m-1$E[0m$E[48;2;4;5;6m,\
$E[36m-1$E[0m$E[48;2;4;5;6m]
[$E[36m4$E[0m$E[48;2;4;5;6m,$E[36m5$E[0m$E[48;2;4;5;6m,$E[36m6$E[0m$E[48;2;4;5;6m]$E[0m"
bp --color=no -c 'term_set_color ([1,2,3])' -c 'term_get_color'
same "no term colours without colour" out "[-1,-1,-1]"
# A class or a colour left on is reset at exit.
bp --color=yes -c 'term_begin_class ("integer")' -c 'printf "a"'
same "a class left open is ended at exit" out "$E[36ma$E[0m"
bp --color=yes -c 'term_set_bgcolor ([1,2,3])'
same "a colour left on is reset at exit" out "$E[48;2;1;2;3m$E[0m"

# The user's style file: classes of the table changed, disabled, and
# new ones; a bad line is reported with its place and skipped.
mkdir -p "$work/cfg/bpoke"
cat > "$work/cfg/bpoke/style" <<'EOF'
# my colours
integer = bold blue
string =
mine = underline 38;5;208
offset = purple
EOF
bp --color=yes -c '1' -c '"s"' -c 'printf "%<mine:m%>"' -c '2#b'
same "user styles" out "$E[1;34m1$E[0m
\"s\"
$E[4;38;5;208mm$E[0m$E[35m2#b$E[0m"
same "a bad line of the style file" err \
  "$work/cfg/bpoke/style:5: unknown attribute \`purple'"
bp --color=no -c '1'
same "the style file is not read without colour" err ""
rm -r "$work/cfg"

# dump: the ruler, the addresses, the unknown bytes and the ASCII.
printf 'ab' > "$work/two"
bp --color=yes "$work/two" -c 'dump :from 0#B :size 4#B'
same "dump's classes" out \
"$E[4m76543210  0011 2233 4455 6677 8899 aabb ccdd eeff  0123456789ABCDEF$E[0m
$E[34m00000000:$E[0m 6162                                     $E[33mab$E[0m"

# dump :val: the bytes (hexadecimal and ASCII) and the name of each
# element in dump-val1, dump-val2, dump-val3, dump-val4 in turn (green,
# red, bright yellow, yellow), the fifth in dump-val1 again.
printf 'abcdef' > "$work/six"
has ()
{
  if grep -qF -- "$3" "$work/$2"; then ok "$1"
  else ko "$1"; echo "want: $3" | cat -v; cat -v "$work/$2"; fi
}
bp --color=yes "$work/six" -c 'type P = struct { uint<8> a; uint<16> b; }' \
   -c 'dump :val P @ 0#B'
has "dump :val: the first field's byte in dump-val1" out " $E[32m61$E[0m"
has "dump :val: the second field's bytes in dump-val2" out \
  "$E[31m62$E[0m $E[31m63$E[0m"
has "dump :val: ASCII in the element's class, within dump-ascii" out \
  "$E[33m$E[32ma$E[0m$E[33m$E[31mb$E[0m"
has "dump :val: the names in their elements' classes" out \
  " $E[32ma$E[0m $E[31mb$E[0m"
bp --color=yes "$work/six" -c 'dump :val uint<8>[5] @ 1#B'
has "dump :val: the classes go round after four elements" out \
  "$E[93m64$E[0m $E[33m65$E[0m$E[32m66$E[0m"
has "dump :val: a byte of no element is plain" out ":$E[0m 61$E[32m62"
mkdir -p "$work/cfg/bpoke"
printf 'dump-val2 = underline\n' > "$work/cfg/bpoke/style"
bp --color=yes "$work/six" -c 'dump :val uint<8>[2] @ 0#B'
has "a style file restyles dump-val2" out "$E[32m61$E[0m$E[4m62$E[0m"
rm -r "$work/cfg"
bp --color=no "$work/six" -c 'dump :val uint<8>[2] @ 0#B'
plain "dump :val without colour" out

# sdiff: each @@ line, and each line of :a and of :b, in its class
# (bold, red, green: the manual's table); the lines of a hunk are
# padded as without colour.  A user's style file restyles them.
printf 'ab' > "$work/two"
printf 'aB' > "$work/three"
bp --color=yes -c 'var x = open ("'"$work/two"'")' \
   -c 'var y = open ("'"$work/three"'")' \
   -c 'sdiff :a uint<8>[2] @ x : 0#B :b uint<8>[2] @ y : 0#B'
same "sdiff's classes" out \
"$E[1m@@ 0x01+1,0x01+1 @@$E[0m
$E[31m-62    a[1]   98UB$E[0m
$E[32m+42    b[1]   66UB$E[0m"
mkdir -p "$work/cfg/bpoke"
printf 'diff-minus = underline\ndiff-plus =\n' > "$work/cfg/bpoke/style"
bp --color=yes -c 'var x = open ("'"$work/two"'")' \
   -c 'var y = open ("'"$work/three"'")' \
   -c 'sdiff :a uint<8>[2] @ x : 0#B :b uint<8>[2] @ y : 0#B :values 0'
same "sdiff's classes restyled" out \
"$E[1m@@ 0x01+1,0x01+1 @@$E[0m
$E[4m-62    a[1]$E[0m
+42    b[1]"
rm -r "$work/cfg"
bp --color=no -c 'var x = open ("'"$work/two"'")' \
   -c 'var y = open ("'"$work/three"'")' \
   -c 'sdiff :a uint<8>[2] @ x : 0#B :b uint<8>[2] @ y : 0#B'
plain "sdiff without colour" out

# The header of .info ios.
bp --color=yes "$work/two" -c '.info ios'
if head -n 1 "$work/out" | grep -q "^$E\[1m  Id   Type.*Name$E\[0m\$"; then
  ok ".info ios's header"
else ko ".info ios's header"; cat -v "$work/out"; fi

# Messages on stderr: file name, location, error or warning.
bp --color=yes -c 'x + 1'
same "an error" err \
  "$E[1m<stdin>$E[0m:$E[1m1:1$E[0m: $E[1;31merror$E[0m: undefined variable 'x'"
bp --color=yes -c 'var z = 0' -c '1 / z'
same "an unhandled exception" out "$E[1;31munhandled division by zero exception$E[0m"

# No escapes: --color=no, --color=auto and no option when stdout is not
# a terminal, the synonyms never and always.
for opt in --color=no --color=never --color=auto --color=tty ""; do
  bp $opt "$work/two" -c '1' -c 'printf "%<integer:x%>"' -c 'dump' -c 'y'
  plain "no escapes on stdout with '$opt'" out
  plain "no escapes on stderr with '$opt'" err
done
bp --color=always -c '1'
same "always is yes" out "$E[36m1$E[0m"
HOME=$work "$BPOKE" -q --color=html -c 1 >"$work/out" 2>"$work/err"
st=$?
if [ $st -eq 1 ] && grep -q 'invalid argument to --color: html' "$work/err"; then
  ok "a bad --color is refused"
else ko "a bad --color is refused (status $st)"; cat "$work/err"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
