#!/bin/sh
# elf-corrupt.sh -- truncated and corrupted ELF files: mapping Elf64_File
# (and walking its section names and .dynsym) must end in a Poke
# exception with GNU poke's message and exit status 1 from -L, never in
# a crash or a hang.  The files are copies of /bin/ls cut at various
# sizes or with bytes of the ELF header or of a section header changed,
# and a text file.  Small ELF32 and ELF64 files written by python3 check
# addresses and offsets past 2^29 bytes (2^61 in 64-bit addresses),
# which wrap when compared as offsets, in bits.
#
# For each case the script below runs under `timeout 10`, and these are
# checked: no signal and no time-out; the first line of the message (and
# the second when given); the exit status.  Each case also records what
# GNU poke 2.4 prints for the same script with its own elf pickle (the
# last column, lines joined by " / "); set POKE_COMPARE=1 to run poke and
# check those records too.  Where bpoke's elf.bpk checks something that
# GNU poke's pickle does not (or the reverse), the messages differ and
# the comment on the case says why.
#
# Environment: BPOKE (default src/bpoke of this tree), POKE (default
# poke), POKE_COMPARE.  Exit status 0 all passed, 1 a check failed, 77
# no usable /bin/ls or readelf.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
POKE=${POKE:-poke}
need_tools readelf python3
ls=/bin/ls
case $(od -An -tx1 -N20 "$ls" 2>/dev/null | tr -d ' \n') in
  7f454c460201*) ;;
  *) echo "$ls is not a little-endian ELF64 file: skip"; exit 77;;
esac
pass=0 fail=0 notes=0
ok () { pass=$((pass + 1)); }
ko () { fail=$((fail + 1)); echo "FAIL: $1"; }

# put FILE OFFSET HEX: write the bytes HEX (e.g. ff7f) at OFFSET of FILE.
put ()
{
  esc=$(echo "$3" | sed 's/\(..\)/\1 /g' | {
    read -r line; for h in $line; do printf '\\%03o' "$((0x$h))"; done; })
  # shellcheck disable=SC2059
  printf "$esc" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
# trunc NAME SIZE: the first SIZE bytes of /bin/ls.
trunc () { head -c "$2" "$ls" > "$work/$1"; }
# corrupt NAME OFFSET HEX: /bin/ls with HEX written at OFFSET.
corrupt () { cp "$ls" "$work/$1"; put "$work/$1" "$2" "$3"; }

size=$(wc -c < "$ls")
shoff=$(readelf -hW "$ls" | sed -n 's/.*Start of section headers: *\([0-9]*\).*/\1/p')
dynsym=$(readelf -SW "$ls" | sed -n 's/^ *\[ *\([0-9]*\)\] \.dynsym .*/\1/p')
[ -n "$shoff" ] && [ -n "$dynsym" ] \
  || { echo "no section headers or .dynsym in $ls: skip"; exit 77; }
# Offsets in the ELF64 header and in a section header.
e_phoff=32 e_shoff=40 e_phnum=56 e_shnum=60 e_shstrndx=62
sh_name=0 sh_offset=24 sh_size=32

trunc t0 0
trunc t10 10
trunc t63 63
trunc t64 64
trunc t100 100
trunc t1000 1000
trunc half $((size / 2))
cp /etc/passwd "$work/passwd" 2>/dev/null || printf 'root:x:0:0::/root:/bin/sh\n' > "$work/passwd"
corrupt shoff-huge $e_shoff 00000000ffff7f00
corrupt shoff-flip $((e_shoff + 2)) ff
corrupt shoff-mid $e_shoff 0001000000000000
corrupt shnum-big $e_shnum ffff
corrupt shnum-zero $e_shnum 0000
corrupt phoff-huge $e_phoff 00000000ffff7f00
corrupt phnum-big $e_phnum ff7f
corrupt phnum-xnum $e_phnum ffff
corrupt shstrndx-bad $e_shstrndx ff7f
corrupt class32 4 01
corrupt big-endian 5 02
corrupt dynsym-size $((shoff + dynsym * 64 + sh_size)) 0000000000ffff7f
corrupt dynsym-offset $((shoff + dynsym * 64 + sh_offset)) 00000000ffff0000
corrupt shname-huge $((shoff + 3 * 64 + sh_name)) ffffff7f
head -c 64 /dev/zero > "$work/zero-header"
put "$work/zero-header" 0 7f454c46020101

cat > "$work/corrupt.in" <<'EOF'
load elf;
set_ios (open ("@FILE@", IOS_F_READ));
var f = Elf64_File @ 0#B;
for (s in f.shdr)
  f.get_section_name (s.sh_name);
for (s in f.shdr where s.sh_type == SHT_DYNSYM)
  Elf64_Sym[s.sh_size] @ s.sh_offset;
print ("walked\n");
EOF

# run PROG NAME: run the script on file NAME with PROG; output in
# $work/out (lines joined by " / "), exit status in $rc.
run ()
{
  sed "s|@FILE@|$work/$2|" "$work/corrupt.in" > "$work/corrupt.bpk"
  timeout 10 "$1" -q -L "$work/corrupt.bpk" > "$work/out.raw" 2>&1 </dev/null
  rc=$?
  awk 'NR > 1 { printf " / " } { printf "%s", $0 } END { print "" }' \
    "$work/out.raw" > "$work/out"
}

# case NAME STATUS LINE1 LINE2 POKE: the file NAME must give exit status
# STATUS and the message LINE1 (then LINE2 unless it is "-"); POKE is
# GNU poke 2.4's output and status, recorded.
case_ ()
{
  name=$1 status=$2 line1=$3 line2=$4 poke_rec=$5
  run "$BPOKE" "$name"
  got=$(cat "$work/out")
  if [ $rc -eq 124 ]; then ko "$name: bpoke hangs (killed after 10 s)"; return; fi
  if [ $rc -gt 128 ]; then
    ko "$name: bpoke killed by signal $((rc - 128)): $got"; return
  fi
  ok
  first=$(sed -n 1p "$work/out.raw")
  second=$(sed -n 2p "$work/out.raw")
  # A failed constraint says so in three lines, "failed expression",
  # the constraint, "in field T.F": the last is the one compared.
  if [ "$second" = "failed expression" ]; then
    second=$(sed -n 4p "$work/out.raw")
  fi
  if [ "$first" = "$line1" ] && { [ "$line2" = - ] || [ "$second" = "$line2" ]; }
  then ok
  else ko "$name: message: got \"$got\", expected \"$line1${line2#-}\""; fi
  if [ $rc -eq "$status" ]; then ok
  else ko "$name: exit status $rc, expected $status"; fi
  if [ "$got [$rc]" != "$poke_rec" ]; then
    notes=$((notes + 1))
  fi
  if [ -n "${POKE_COMPARE-}" ] && command -v "$POKE" >/dev/null; then
    run "$POKE" "$name"
    if [ "$(cat "$work/out") [$rc]" = "$poke_rec" ]; then ok
    else ko "$name: GNU poke now prints \"$(cat "$work/out") [$rc]\", recorded \"$poke_rec\""; fi
  fi
}

eof='unhandled EOF exception'
cv='unhandled constraint violation exception'
wm='while mapping field'
# Truncated: the ELF header is incomplete, then the section headers
# (at the end of the file) are missing.
case_ t0 1 "$eof" "$wm Elf64_File.ehdr" "$eof / $wm Elf64_File.ehdr [1]"
case_ t10 1 "$eof" "$wm Elf64_File.ehdr" "$eof / $wm Elf64_File.ehdr [1]"
case_ t63 1 "$eof" "$wm Elf64_File.ehdr" "$eof / $wm Elf64_File.ehdr [1]"
case_ t64 1 "$eof" "$wm Elf64_File.shdr" "$eof / $wm Elf64_File.shdr [1]"
case_ t100 1 "$eof" "$wm Elf64_File.shdr" "$eof / $wm Elf64_File.shdr [1]"
case_ t1000 1 "$eof" "$wm Elf64_File.shdr" "$eof / $wm Elf64_File.shdr [1]"
case_ half 1 "$eof" "$wm Elf64_File.shdr" "$eof / $wm Elf64_File.shdr [1]"
# Not ELF: the magic number's constraint.
case_ passwd 1 "$cv" "in field Elf_Ident.ei_mag" \
  "$cv / constraint expression failed for field Elf_Ident.ei_mag [1]"
# e_shoff past the end, or in the middle of the file (garbage headers
# whose sh_name / sh_offset point past the end).
case_ shoff-huge 1 "$eof" "$wm Elf64_File.shdr" "$eof / $wm Elf64_File.shdr [1]"
case_ shoff-flip 1 "$eof" "$wm Elf64_File.shdr" "$eof / $wm Elf64_File.shdr [1]"
case_ shoff-mid 1 "$eof" - "$eof [1]"
case_ shnum-big 1 "$eof" "$wm Elf64_File.shdr" "$eof / $wm Elf64_File.shdr [1]"
# No section headers: f.shdr is absent.
case_ shnum-zero 1 'unhandled invalid element exception' - \
  'unhandled invalid element exception [1]'
case_ zero-header 1 'unhandled invalid element exception' - \
  'unhandled invalid element exception [1]'
case_ phoff-huge 1 "$eof" "$wm Elf64_File.phdr" "$eof / $wm Elf64_File.phdr [1]"
case_ phnum-big 1 "$eof" "$wm Elf64_File.phdr" "$eof / $wm Elf64_File.phdr [1]"
# e_phnum = PN_XNUM (0xffff): the gABI's extended numbering, the count is
# the sh_info of section 0 (0 here): bpoke's elf.bpk implements it and
# maps no program header; GNU poke's pickle maps 65535 and reaches EOF.
case_ phnum-xnum 0 walked - "$eof / $wm Elf64_File.phdr [1]"
# e_shstrndx past the section headers: GNU poke's pickle has a
# constraint on e_shstrndx; bpoke's raises E_out_of_bounds when
# get_section_name indexes shdr with it.
case_ shstrndx-bad 1 'unhandled out of bounds exception' - \
  "$cv / constraint expression failed for field Elf64_Ehdr.e_shstrndx [1]"
# ELFCLASS32: bpoke's Elf64_File checks ei_class; GNU poke's maps the
# ELF32 bytes as ELF64 (here without error).
case_ class32 1 "$cv" "in field Elf64_File.ehdr" \
  'walked [0]'
# ELFDATA2MSB: every field is read big-endian, e_shoff is huge: in
# bits, past 2^63, so the label of shdr raises E_overflow, as GNU poke
# 4.3 raises it for such a label; GNU poke 2.4 maps at the offset
# wrapped around, past the end of the file.
case_ big-endian 1 'unhandled overflow exception' - "$eof / $wm Elf64_File.shdr [1]"
# A section header of .dynsym or a section name pointing past the end.
case_ dynsym-size 1 "$eof" - "$eof [1]"
case_ dynsym-offset 1 "$eof" - "$eof [1]"
case_ shname-huge 1 "$eof" - "$eof [1]"

# Addresses and offsets past 2^29 bytes in 32-bit fields, and 64-bit
# addresses past 2^61: compared as offsets, in bits, they wrap, so they
# are compared by magnitude.  Each file (ELF32 and ELF64, written by
# python3) has an allocated .data at 0x1000 of 0x10000 bytes and a
# .text of 16 bytes at HIGH (0x80000000, 0xe000000000000000), a PT_LOAD
# for each, and a Verneed and a Verdef whose next entry is 2^29 bytes
# on.  Variants: section 0 counts 2^29 + 6 section headers (e_shnum 0),
# and e_shoff at 2^29 bytes with e_shnum 0; both must read past the end.
python3 - "$work" <<'EOF' || { echo "python3 failed"; exit 99; }
import struct, sys

def elf(b64, variant):
    high = 0xe000000000000000 if b64 else 0x80000000
    ehsize, phsize, shsize = (64, 56, 64) if b64 else (52, 32, 40)
    phoff, vn, vd, strs, shoff = 0x40, 0x100, 0x120, 0x140, 0x180
    names = b"\0.data\0.text\0.gnu.version_r\0.gnu.version_d\0.shstrtab\0"
    img = bytearray(shoff + 6 * shsize)
    struct.pack_into("<HHIII", img, vn, 1, 0, 0, 0, 0x20000000)
    struct.pack_into("<HHHHIII", img, vd, 1, 0, 1, 0, 0, 0, 0x20000000)
    img[strs:strs + len(names)] = names
    nm = lambda s: names.index(s + b"\0")
    # (name, type, flags, addr, offset, size)
    secs = [(0, 0, 0, 0, 0, 0),
            (nm(b".data"), 8, 3, 0x1000, 0, 0x10000),
            (nm(b".text"), 1, 6, high, vn, 0x10),
            (nm(b".gnu.version_r"), 0x6ffffffe, 2, 0, vn, 16),
            (nm(b".gnu.version_d"), 0x6ffffffd, 2, 0, vd, 20),
            (nm(b".shstrtab"), 3, 0, 0, strs, len(names))]
    shnum = 6
    if variant == "shnum":
        secs[0] = (0, 0, 0, 0, 0, 0x20000006)
        shnum = 0
    shfmt = "<IIQQQQIIQQ" if b64 else "<IIIIIIIIII"
    for i, (n, t, f, a, o, s) in enumerate(secs):
        struct.pack_into(shfmt, img, shoff + i * shsize,
                         n, t, f, a, o, s, 0, 0, 1, 0)
    for i, (a, o, s) in enumerate([(0x1000, 0, 0x10000), (high, vn, 16)]):
        if b64:
            struct.pack_into("<IIQQQQQQ", img, phoff + i * phsize,
                             1, 5, o, a, a, s, s, 0x1000)
        else:
            struct.pack_into("<IIIIIIII", img, phoff + i * phsize,
                             1, o, a, a, s, s, 5, 0x1000)
    if variant == "shoff":
        shoff, shnum = 0x20000000, 0
    ident = b"\x7fELF" + bytes([2 if b64 else 1, 1, 1]) + bytes(9)
    fmt = "<16sHHIQQQIHHHHHH" if b64 else "<16sHHIIIIIHHHHHH"
    struct.pack_into(fmt, img, 0, ident, 2, 62 if b64 else 3, 1, high,
                     phoff, shoff, 0, ehsize, phsize, 2, shsize, shnum, 5)
    return img

for b64, name in ((False, "wrap32"), (True, "wrap64")):
    for v in ("", "-shnum", "-shoff"):
        with open(sys.argv[1] + "/" + name + v + ".elf", "wb") as out:
            out.write(elf(b64, v[1:]))
EOF
# wrap_case BITS HIGH EXPECTED: vaddr_to_sec of HIGH + 0x9000 (in no
# section: .data's bits would hold it) and of HIGH + 4 (.text), the load
# base, get_file_offset of both, then get_verneeds and get_verdefs.
wrap_case ()
{
  cat > "$work/wrap.bpk" <<EOF
load elf;
set_ios (open ("$work/wrap$1.elf", IOS_F_READ));
var f = Elf$1_File @ 0#B;
printf "%i32d %i32d %u64d ", f.vaddr_to_sec ($2 + 0x9000UL#B),
       f.vaddr_to_sec ($2 + 4UL#B), f.get_load_base'magnitude as uint<64>;
try f.get_file_offset ($2 + 0x9000UL#B); catch if E_inval { print "inval "; }
printf "%u64d", f.get_file_offset ($2 + 4UL#B)'magnitude as uint<64>;
try printf " %u64d", f.get_verneeds'length; catch if E_eof { print " eof"; }
try printf " %u64d", f.get_verdefs'length; catch if E_eof { print " eof"; }
print "\n";
EOF
  got=$(timeout 10 "$BPOKE" -q -L "$work/wrap.bpk" 2>&1)
  if [ "$got" = "-1 2 4096 inval 260 eof eof" ]; then ok
  else ko "ELF$1 addresses past 2^29 or 2^61 bytes: got \"$got\""; fi
}
wrap_case 32 0x80000000UL#B
wrap_case 64 0xe000000000000000UL#B
for v in shnum shoff; do
  printf 'load elf;\nset_ios (open ("%s", IOS_F_READ));\nElf32_File @ 0#B;\n' \
    "$work/wrap32-$v.elf" > "$work/wrap.bpk"
  got=$(timeout 10 "$BPOKE" -q -L "$work/wrap.bpk" 2>&1)
  if [ "$got" = "$(printf '%s\n%s' "$eof" "while mapping field Elf32_File.shdr")" ]
  then ok; else ko "ELF32 $v past 2^29 bytes: got \"$got\""; fi
done

# At the prompt (commands on standard input), the exception is reported
# and the next command runs.
got=$(cd "$work" && printf '%s\n' 'load elf' 'var f = Elf64_File @ 0#B;' \
  '1 + 1' | timeout 10 "$BPOKE" -q t100 2>&1)
if [ "$(printf '%s\n' "$got" | sed -n '1p;$p')" = "$(printf '%s\n2' "$eof")" ]
then ok; else ko "prompt after an exception: got \"$got\""; fi

# A running program cannot be opened for writing (ETXTBSY): it opens
# read-only, as in GNU poke, and maps.
cp /bin/sleep "$work/busy" && chmod +x "$work/busy"
"$work/busy" 30 &
busy_pid=$!
sleep 0.2
got=$(cd "$work" && printf '%s\n' 'ioflags & IOS_F_WRITE' 'load elf' \
  '(Elf64_File @ 0#B).ehdr.e_ident.ei_mag' | timeout 10 "$BPOKE" -q busy 2>&1)
kill "$busy_pid" 2>/dev/null; wait "$busy_pid" 2>/dev/null
if [ "$got" = "$(printf '0UL\n[127UB,69UB,76UB,70UB]')" ]; then ok; else ko "running program: got \"$got\""; fi

echo "$pass passed, $fail failed"
echo "($notes cases print other than GNU poke: the elf pickles' differences" \
  "in the comments)"
[ "$fail" -eq 0 ]
