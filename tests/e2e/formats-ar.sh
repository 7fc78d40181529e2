#!/bin/sh
# formats-ar.sh -- `load ar' (stdlib/ar.bpk) on archives made at test
# time by binutils' ar (object files from gcc, with GNU long names and a
# symbol index; with real dates, U; with no index, S; an odd-sized
# member) and, by hand in python3, a BSD archive ("#1/N" names), checked
# against binutils:
#   - the member names, long names resolved            (ar t)
#   - each member's mode, owner, size, date and the
#     offset of its data                               (ar tvO, in UTC)
#   - each member's data                               (ar p)
#   - the symbol index: each symbol and its member     (nm -s)
# Edits the tools must then accept: ar_rename of a short name, of a
# GNU long name and of a BSD long name (ar t and nm -s show the new
# names, ar p extracts the member by it).  Then damaged files: a clear
# exception each, never a crash or a hang.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/formats-lib.sh"
need_tools ar nm gcc python3
TZ=UTC
export TZ

cd "$work" || exit 99
for n in a very_long_file_name_number_one b another_really_long_name_two; do
  echo "int f_${n}_x (void) { return 1; }" > "$n.c"
  gcc -c "$n.c" || exit 99
done
echo odd > odd.txt
touch -d '2022-05-06 07:08:09' odd.txt
ar rc lib.a a.o very_long_file_name_number_one.o b.o another_really_long_name_two.o \
  || exit 99
ar rcU dated.a a.o odd.txt b.o || exit 99
ar rcS noindex.a odd.txt a.o || exit 99
python3 - <<'EOF' || { echo "python3 failed"; exit 99; }
def hdr(name, size, date=1700000000, mode=0o100640):
    return b'%-16s%-12d%-6d%-6d%-8o%-10d`\n' % (name, date, 1000, 1001, mode, size)
out = b'!<arch>\n'
for name, data in [(b'a_rather_long_member_name.txt', b'odd'),
                   (b'short.txt', b'even'), (b'name with space', b'x\n')]:
    if len(name) > 15 or b' ' in name:
        out += hdr(b'#1/%d' % len(name), len(name) + len(data)) + name + data
        size = len(name) + len(data)
    else:
        out += hdr(name, len(data)) + data
        size = len(data)
    if size % 2:
        out += b'\n'
open('bsd.a', 'wb').write(out)
EOF
files="lib.a dated.a noindex.a bsd.a"

# The names; a line a member as ar tvO prints it (the permissions made
# from the mode, the date in seconds for the shell to format); the
# symbols.  Each member's data is saved for cmp with ar p.
cat > walk.bpk <<'EOF'
load ar;
set_ios (open ("@FILE@", IOS_F_READ));
var f = AR_File @ 0#B;
fun perms = (uint<64> mode) string:
{
  var s = "";
  var letters = "rwxrwxrwx";
  for (var i = 0; i < 9; i++)
    s += (mode & (0o400 .>> i)) ? letters[i:i + 1] : "-";
  return s;
}
for (n in ar_names (f))
  printf ("name %s\n", n);
for (var i = 0UL; i < f.members'length; i++)
  if (!f.special_p (i))
    {
      var h = f.members[i].header;
      var d = f.member_data (i);
      printf ("member %s %u64d/%u64d %u64d @%u64d %s 0x%s\n", perms (h.mode),
              h.uid, h.gid, d'size / 1#B, h.date, f.member_name (i),
              ltos (d'offset / 1#B, 16));
      save :file "@FILE@.member" + ltos (i) :from d'offset :size d'size;
    }
var syms = f.symbols;
var offs = f.symbol_offsets;
for (var i = 0UL; i < syms'length; i++)
  printf ("symbol %s in %s\n", syms[i], f.member_name (f.member_at (offs[i])));
EOF

expected ()
{
  ar t "$1" | sed 's/^/name /'
  ar tvO "$1" | awk '{ printf "member %s %s %s", $1, $2, $3;
    printf " %s %s %s %s", $4, $5, $6, $7;
    name = $8; for (i = 9; i < NF; i++) name = name " " $i;
    printf " %s %s\n", name, $NF }'
  nm -s "$1" 2>/dev/null | sed -n '/^Archive index:/,/^$/s/^\(.* in .*\)$/symbol \1/p'
}

for f in $files; do
  script_for "$f" walk.bpk
  run_bpoke run.bpk
  if [ $rc -ne 0 ]; then ko "$f: bpoke exited with $rc: $(tail -n 3 out)"; continue; fi
  # The date as ar prints it: "Nov 14 22:13 2023".
  while read -r line; do
    case $line in
      member*)
        set -- $line
        d=$(date -u -d "@${5#@}" '+%b %e %H:%M %Y' | sed 's/  */ /g')
        shift 5
        echo "member $(echo "$line" | cut -d' ' -f2-4) $d $*" ;;
      *) echo "$line" ;;
    esac
  done < out > out.dated
  expected "$f" | sed 's/  */ /g' > exp
  same "$f: names, modes, owners, sizes, dates, offsets, symbols" out.dated exp
  i=0 bad=0
  for m in "$f".member*; do
    [ -e "$m" ] || continue
    name=$(sed -n "s/^member [^ ]* [^ ]* [^ ]* [^ ]* [^ ]* [^ ]* [^ ]* \(.*\) 0x[0-9a-f]*$/\1/p" exp | sed -n "$((i + 1))p")
    ar p "$f" "$name" | cmp -s - "$m" || { bad=1; ko "$f: member $name differs from ar p's"; }
    i=$((i + 1))
  done
  [ $bad -eq 0 ] && ok "$f: the data of $i members is ar p's"
done

# Renames: a short name, a GNU long name, a BSD long name.
cp lib.a renamed.a
cp bsd.a renamed-bsd.a
cat > rename.bpk <<'EOF'
load ar;
set_ios (open ("renamed.a"));
var f = AR_File @ 0#B;
ar_rename (f, "a.o", "zz.o");
ar_rename (f, "very_long_file_name_number_one.o",
           "VERY_long_file_name_number_one.o");
set_ios (open ("renamed-bsd.a"));
var g = AR_File @ 0#B;
ar_rename (g, "a_rather_long_member_name.txt", "A_RATHER_long_member_name.txt");
ar_rename (g, "short.txt", "long.txt");
EOF
run_bpoke rename.bpk
if [ $rc -eq 0 ] \
   && [ "$(ar t renamed.a | paste -s -d' ' -)" = "zz.o VERY_long_file_name_number_one.o b.o another_really_long_name_two.o" ] \
   && nm -s renamed.a | grep -q '^f_a_x in zz.o$' \
   && ar p renamed.a zz.o | cmp -s - a.o \
   && ar p renamed.a VERY_long_file_name_number_one.o | cmp -s - very_long_file_name_number_one.o \
   && [ "$(ar t renamed-bsd.a | paste -s -d' ' -)" = "A_RATHER_long_member_name.txt long.txt name with space" ] \
   && [ "$(ar p renamed-bsd.a A_RATHER_long_member_name.txt)" = odd ]
then ok "ar_rename: ar t, nm -s and ar p read the new names"
else ko "ar_rename: status $rc $(cat out); ar t: $(ar t renamed.a) / $(ar t renamed-bsd.a)"; fi
cat > rename-bad.bpk <<'EOF'
load ar;
set_ios (open ("renamed.a"));
var f = AR_File @ 0#B;
ar_rename (f, "b.o", "a/b.o");
EOF
expect_error "ar_rename to a name with a /" renamed.a rename-bad.bpk 1 \
  'unhandled invalid argument exception' \
  'ar_rename: the new name must be 1 to 15 characters, with no /'

# Damaged files.
cv='unhandled constraint violation exception'
cat > map.bpk <<'EOF'
load ar;
set_ios (open ("@FILE@", IOS_F_READ));
var f = AR_File @ 0#B;
EOF
printf 'not an archive at all\n' > text.txt
expect_error "a text file" text.txt map.bpk 1 "$cv" \
  "in field AR_File.magic"
cp lib.a fmag.a
flip fmag.a 66
expect_error "a header's end damaged" fmag.a map.bpk 1 "$cv" \
  "in field AR_Header.ar_fmag"
cp lib.a size.a
printf 'x' | dd of=size.a bs=1 seek=56 conv=notrunc status=none
expect_error "a size that is not a number" size.a map.bpk 1 "$cv" \
  "in field AR_Header.ar_size"
head -c 1000 lib.a > cut.a
expect_error "a member cut" cut.a map.bpk 1 'unhandled EOF exception' \
  'ar: the data of member "a.o/" runs past the end'
# member_at of 2^61 + 8 bytes: not the first member, at 8 (in bits, as
# offsets compare, it wraps in its uint<64> to 8 bytes' bits).
cat > member-at.bpk <<'EOF'
load ar;
set_ios (open ("@FILE@", IOS_F_READ));
var f = AR_File @ 0#B;
printf "%u64d\n", f.member_at (8#B);
f.member_at (0x2000000000000008UL#B);
EOF
script_for lib.a member-at.bpk
run_bpoke "$work/run.bpk"
if [ "$rc" -eq 1 ] && [ "$(sed -n '1p;3p' "$work/out")" = "$(printf '0\n%s' \
   'ar: no member header at offset 2305843009213693960')" ]
then ok "member_at of 2^61 + 8 bytes is no member"
else ko "member_at of 2^61 + 8 bytes: status $rc: $(cat "$work/out")"; fi
robustness lib.a lib.a walk.bpk
robustness bsd.a bsd.a walk.bpk

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
