#!/bin/sh
# elf-walk.sh -- map Elf64_File (stdlib/elf.bpk) on a sample of the
# machine's ELF files and check what bpoke reads against readelf:
#   - the section count and the name of every section   (readelf -SW)
#   - the number of .dynsym symbols                      (readelf --dyn-syms)
#   - the version needs: needed files, version names and vna_other
#     indexes, and that each vna_hash is elf_hash of its name (readelf -V)
#   - the program interpreter of PT_INTERP               (readelf -l)
# Four checks per file.  The sample is deterministic for a given machine:
# x86_64 ELF64 files only, taken at even intervals from the sorted lists
# of executables in /usr/bin (= /bin here), shared libraries in
# /usr/lib/x86_64-linux-gnu and deeper in /usr/lib, relocatable .o files
# and separate debug files under /usr/lib, plus the C library and the
# dynamic linker; files over 32 MB are left out to keep the test short
# (bench/elf-dynsym.bench maps the largest library).  About 40 files,
# a few seconds (three times that under AddressSanitizer).
#
# Environment: BPOKE (default src/bpoke of this tree), ELF_WALK_FILES
# (a space-separated list of files to walk instead of the sample).
# Exit status: 0 all passed, 1 a check failed, 77 readelf missing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
need_tools readelf
pass=0 fail=0
ok () { pass=$((pass + 1)); }
ko () { fail=$((fail + 1)); echo "FAIL: $1"; }

# elf64_x86_64_p FILE: whether FILE is a little-endian ELF64 x86-64 file
# (ELF magic, ELFCLASS64, ELFDATA2LSB, e_machine EM_X86_64).
elf64_x86_64_p ()
{
  case $(od -An -tx1 -N20 "$1" 2>/dev/null | tr -d ' \n') in
    7f454c460201*3e00) return 0;;
  esac
  return 1
}

# pick K: read a sorted list of file names and print K of the ELF64
# x86-64 ones under 32 MB, at even intervals of the list: the first
# such file at or after each of the K points (checking every file of
# a long list would cost thousands of processes).
pick ()
{
  cat > "$work/list"
  n=$(wc -l < "$work/list")
  i=0
  while [ "$i" -lt "$1" ] && [ "$n" -gt 0 ]; do
    tail -n +$((i * n / $1 + 1)) "$work/list" | while read -r f; do
      case $f in *" "*) continue;; esac
      [ -f "$f" ] && [ ! -L "$f" ] || continue
      [ "$(wc -c < "$f")" -le 33554432 ] || continue
      if elf64_x86_64_p "$f"; then echo "$f"; break; fi
    done
    i=$((i + 1))
  done | awk '!seen[$0]++'
}

if [ -n "${ELF_WALK_FILES-}" ]; then
  files=$ELF_WALK_FILES
else
  lib=/usr/lib/x86_64-linux-gnu
  files=$(
    { printf '%s\n' /usr/bin/* | LC_ALL=C sort | pick 16
      printf '%s\n' "$lib"/*.so* | LC_ALL=C sort | pick 12
      for f in "$lib/libc.so.6" "$lib/ld-linux-x86-64.so.2"; do
        [ -f "$f" ] && elf64_x86_64_p "$f" && echo "$f"
      done
      find /usr/lib -mindepth 2 -name '*.so*' -type f 2>/dev/null \
        | grep -v "^$lib/[^/]*\$" | LC_ALL=C sort | pick 4
      find /usr/lib -name '*.o' -type f 2>/dev/null | LC_ALL=C sort | pick 5
      find /usr/lib/debug -name '*.debug' -type f 2>/dev/null \
        | LC_ALL=C sort | pick 2
    } | awk '!seen[$0]++')
fi
[ -n "$files" ] || { echo "no x86_64 ELF64 file found: skip"; exit 77; }

# The Poke script, one per file.  It prints what the readelf side below
# prints, line for line.
cat > "$work/walk.in" <<'EOF'
load elf;
set_ios (open ("@FILE@", IOS_F_READ));
var f = Elf64_File @ 0#B;
var shnum = elf64_shnum (f.ehdr);
var interp_nobits = 0;
printf ("sections %u64d\n", shnum);
if (shnum != 0)
  for (s in f.shdr)
    {
      var name = f.get_section_name (s.sh_name);
      printf ("section %s\n", name);
      if (name == ".interp" && s.sh_type == SHT_NOBITS)
        interp_nobits = 1;
    }
if (shnum != 0)
  for (s in f.shdr where s.sh_type == SHT_DYNSYM)
    printf ("dynsym %u64d\n", f.get_symbols (s)'length);
if (shnum != 0)
  for (s in f.shdr where s.sh_type == SHT_GNU_verneed)
    for (vn in f.get_verneeds)
      {
        printf ("need %s\n", f.get_symbol_name (s, vn.vn_file));
        for (vna in f.get_vernauxs (vn))
          {
            var vname = f.get_symbol_name (s, vna.vna_name);
            printf ("  %s %u16d%s\n", vname, vna.vna_other,
                    vna.vna_hash == elf_hash (vname) ? "" : " BADHASH");
          }
      }
/* A separate debug file keeps the program headers but not the
   contents of .interp (SHT_NOBITS): readelf prints no interpreter.  */
if (elf64_phnum (f.ehdr) != 0 && !interp_nobits)
  for (p in f.phdr where p.p_type == PT_INTERP)
    printf ("interp %s\n", string @ p.p_offset);
EOF

# expected FILE: the same lines from readelf.
expected ()
{
  readelf -SW "$1" 2>/dev/null | awk '
    /^There are no sections/ { n = 0 }
    /^There are [0-9]+ section headers/ { n = $3 }
    /^ *\[ *[0-9]+\] / {
      line = $0; sub(/^ *\[ *[0-9]+\] /, "", line);
      split(line, a, " ");
      names[k++] = (substr(line, 1, 1) == " ") ? "" : a[1] }
    END { printf "sections %d\n", n;
          for (i = 0; i < k; i++) printf "section %s\n", names[i] }'
  readelf --dyn-syms -W "$1" 2>/dev/null \
    | sed -n "s/^Symbol table '.dynsym' contains \([0-9]*\) entr.*/dynsym \1/p"
  readelf -V "$1" 2>/dev/null | awk '
    /^Version needs section/ { inneed = 1; next }
    /^Version [a-z]+ section/ { inneed = 0 }
    inneed && / File: / {
      for (i = 1; i <= NF; i++) if ($i == "File:") print "need " $(i + 1) }
    inneed && / Name: / {
      nm = ""; v = "";
      for (i = 1; i <= NF; i++) {
        if ($i == "Name:") nm = $(i + 1);
        if ($i == "Version:") v = $(i + 1) }
      print "  " nm " " v }'
  readelf -lW "$1" 2>/dev/null \
    | sed -n 's/.*Requesting program interpreter: \(.*\)]$/interp \1/p'
}

# aspect NAME REGEX FILE: compare the lines matching REGEX.
aspect ()
{
  grep -E "$2" "$work/got" > "$work/got.$1"
  grep -E "$2" "$work/exp" > "$work/exp.$1"
  if cmp -s "$work/got.$1" "$work/exp.$1"; then ok
  else
    ko "$3: $1 differ from readelf's (< bpoke, > readelf)"
    diff "$work/got.$1" "$work/exp.$1" | head -n 10
  fi
}

nfiles=0
for f in $files; do
  nfiles=$((nfiles + 1))
  sed "s|@FILE@|$f|" "$work/walk.in" > "$work/walk.bpk"
  timeout 60 "$BPOKE" -q -L "$work/walk.bpk" > "$work/got" 2> "$work/err"
  rc=$?
  expected "$f" > "$work/exp"
  if [ $rc -ne 0 ] || [ -s "$work/err" ]; then
    ko "$f: bpoke exited with status $rc"
    head -n 5 "$work/err"
    fail=$((fail + 3))
    continue
  fi
  aspect sections '^sections? ' "$f"
  aspect dynsym '^dynsym ' "$f"
  aspect verneed '^(need |  )' "$f"
  aspect interp '^interp ' "$f"
done

echo "walked $nfiles files"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
