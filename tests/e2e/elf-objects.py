#!/usr/bin/env python3
"""elf-objects.py -- the ELF module (stdlib/elf*.bpk) on objects made
by compilers at test time, against readelf, GNU poke 2.4 and GNU poke
4.3.  Run by elf-objects.sh, which says what is checked.

Environment: BPOKE (bpoke to test), BPOKE_DATADIR, POKE (GNU poke 2.4,
default poke), POKE43 (GNU poke 4.3 with poke-elf, which elf-objects.sh
finds; its comparisons run only when set).
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

BPOKE = os.environ["BPOKE"]
POKE = os.environ.get("POKE", "poke")
POKE43 = os.environ.get("POKE43", "")
passed = failed = 0


def ok(what):
    global passed
    passed += 1


def ko(what, detail=""):
    global failed
    failed += 1
    print("FAIL: " + what)
    if detail:
        print(detail)


def skip(what):
    print("skip: " + what)


def run(cmd, cwd=None, timeout=120):
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=timeout,
                       env=dict(os.environ, TERM="dumb"))
    return p.returncode, p.stdout.decode("utf-8", "replace")


def have(tool):
    return shutil.which(tool) is not None


# Sources.  None needs a C library but prog.c and core.c.

PROG_C = r"""
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
int counter = 3;
static int table[64];
__thread int tls_value = 5;
int main (int argc, char **argv)
{
  sigset_t s;
  sigemptyset (&s);
  pthread_sigmask (SIG_BLOCK, &s, NULL);
  if (argc > 1)
    sleep (60);
  printf ("%d %d %d\n", counter, table[argc], tls_value);
  return 0;
}
"""

LIB_C = r"""
int lib_data = 7;
static int lib_hidden_count;
__attribute__ ((weak)) int lib_weak (void) { return 1; }
__attribute__ ((visibility ("hidden"))) int lib_internal (int x) { return x * 2; }
extern int app_value;
int lib_get (int i) { lib_hidden_count++; return lib_internal (i) + lib_data + app_value; }
"""

OBJ_CXX = r"""
template <typename T> T twice (T x) { return x + x; }
inline int shared_inline (int x) { return twice (x) + 1; }
static int local_table[8];
int uninitialized_common;
extern int external_counter;
int use (int i) { return shared_inline (i) + twice (2.0) + local_table[i & 7] + external_counter; }
"""

NOLIBC_C = r"""
int counter = 3;
static int table[16];
extern int ext_value;
int get (int i) { return table[i & 15] + counter + ext_value; }
long get_address (void) { return (long) &ext_value; }
"""


def build(work):
    """Compile the objects; return [(path, class, description)]."""
    objs = []

    def src(name, text):
        p = os.path.join(work, name)
        with open(p, "w") as f:
            f.write(text)
        return p

    def cc(args, what, out):
        rc, o = run(args, cwd=work)
        if rc != 0:
            skip("%s (%s failed: %s)" % (what, args[0], o.strip()[:200]))
            return False
        objs.append(out)
        return True

    prog = src("prog.c", PROG_C)
    lib = src("lib.c", LIB_C)
    cxx = src("obj.cc", OBJ_CXX)
    nolibc = src("nolibc.c", NOLIBC_C)
    cc(["gcc", "-O1", "-o", "prog", prog, "-lpthread"], "PIE program",
       ("prog", 64, "x86-64 PIE program"))
    cc(["gcc", "-O1", "-no-pie", "-fno-pie", "-o", "prog-nopie", prog,
        "-lpthread"], "program", ("prog-nopie", 64, "x86-64 program"))
    cc(["gcc", "-O1", "-shared", "-fPIC", "-o", "libfoo.so", lib],
       "shared library", ("libfoo.so", 64, "x86-64 shared library"))
    if have("g++"):
        cc(["g++", "-O0", "-fcommon", "-c", "-o", "obj.o", cxx],
           "relocatable", ("obj.o", 64,
                           "x86-64 relocatable object with COMDAT groups"))
    else:
        skip("x86-64 C++ object (g++ missing)")
    cc(["gcc", "-O1", "-c", "-o", "nolibc.o", nolibc], "relocatable",
       ("nolibc.o", 64, "x86-64 relocatable object"))
    if os.path.exists(os.path.join(work, "prog")):
        core = make_core(work)
        if core:
            objs.append((core, 64, "x86-64 core file"))
    for cross, tag in (("aarch64-linux-gnu-gcc", "aarch64"),
                       ("riscv64-linux-gnu-gcc", "riscv64")):
        if not have(cross):
            skip("%s objects (%s missing)" % (tag, cross))
            continue
        cc([cross, "-O1", "-c", "-o", tag + ".o", nolibc], tag,
           (tag + ".o", 64, tag + " relocatable object"))
        cc([cross, "-O1", "-shared", "-fPIC", "-nostdlib", "-o", tag + ".so",
            nolibc, "-Wl,--unresolved-symbols=ignore-all"], tag,
           (tag + ".so", 64, tag + " shared object"))
    cc(["gcc", "-m32", "-O1", "-c", "-o", "i386.o", nolibc], "i386",
       ("i386.o", 32, "i386 relocatable object (ELF32, REL)"))
    if have("riscv64-linux-gnu-gcc"):
        cc(["riscv64-linux-gnu-gcc", "-march=rv32imac", "-mabi=ilp32", "-O1",
            "-c", "-o", "rv32.o", nolibc], "rv32",
           ("rv32.o", 32, "riscv32 relocatable object (ELF32, RELA)"))
    return objs


def make_core(work):
    """A core file of prog, by gcore (gdb) or by the kernel; None when
    neither can be had here."""
    prog = os.path.join(work, "prog")
    if have("gcore"):
        p = subprocess.Popen([prog, "sleep"], stdout=subprocess.DEVNULL)
        time.sleep(0.3)
        rc, o = run(["gcore", "-o", os.path.join(work, "core"), str(p.pid)],
                    timeout=120)
        p.kill()
        p.wait()
        path = os.path.join(work, "core.%d" % p.pid)
        if rc == 0 and os.path.exists(path):
            return os.path.basename(path)
        skip("core file by gcore (%s)" % o.strip()[-200:])
    pattern = open("/proc/sys/kernel/core_pattern").read().strip()
    if pattern.startswith("|") or "/" in pattern:
        skip("core file: kernel.core_pattern is %r, not a file here" % pattern)
        return None
    p = subprocess.Popen(["sh", "-c", "ulimit -c unlimited; exec ./prog sleep"],
                         cwd=work, stdout=subprocess.DEVNULL)
    time.sleep(0.3)
    os.kill(p.pid, signal.SIGQUIT)
    p.wait()
    for name in os.listdir(work):
        if name.startswith("core") and not name.endswith(".c"):
            return name
    skip("core file: the kernel wrote none (ulimit or core_pattern)")
    return None


# readelf, in the lines the Poke script below prints.

def num(s):
    s = s.strip()
    return int(s, 16) if s.startswith("0x") else int(s)


STT = {"NOTYPE": 0, "OBJECT": 1, "FUNC": 2, "SECTION": 3, "FILE": 4,
       "COMMON": 5, "TLS": 6, "IFUNC": 10}
STB = {"LOCAL": 0, "GLOBAL": 1, "WEAK": 2, "UNIQUE": 10}
STV = {"DEFAULT": 0, "INTERNAL": 1, "HIDDEN": 2, "PROTECTED": 3}
SHN = {"UND": 0, "ABS": 0xfff1, "COM": 0xfff2}


def readelf_lines(path):
    out = []
    _, s = run(["readelf", "-SW", path])
    for line in s.splitlines():
        m = re.match(r"\s*\[\s*\d+\] (.*)$", line)
        if not m:
            continue
        t = m.group(1).split()
        # [Name] Type Address Off Size ES [Flg] Lk Inf Al
        i = 1 if re.match(r"^[0-9a-f]{8}([0-9a-f]{8})?$", t[1]) else 2
        name = "" if i == 1 else t[0]
        out.append("section %s addr=%x off=%x size=%x link=%s info=%s align=%s"
                   % (name, int(t[i], 16), int(t[i + 1], 16),
                      int(t[i + 2], 16), t[-3], t[-2], t[-1]))
    _, s = run(["readelf", "-lW", path])
    for line in s.splitlines():
        m = re.match(r"\s+(\S+)\s+0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) "
                     r"0x([0-9a-f]+) 0x([0-9a-f]+) (.{3}) 0x([0-9a-f]+)$", line)
        if m:
            flags = ((4 if "R" in m.group(7) else 0)
                     | (2 if "W" in m.group(7) else 0)
                     | (1 if "E" in m.group(7) else 0))
            out.append("segment off=%x vaddr=%x filesz=%x memsz=%x flags=%d "
                       "align=%x" % tuple([int(m.group(i), 16)
                                           for i in (2, 3, 5, 6)]
                                          + [flags, int(m.group(8), 16)]))
    _, s = run(["readelf", "-sW", path])
    table = None
    for line in s.splitlines():
        m = re.match(r"Symbol table '(\S+)' contains", line)
        if m:
            table = m.group(1)
            continue
        m = re.match(r"\s*(\d+): ([0-9a-f]+)\s+(\S+) (\S+)\s+(\S+)\s+(\S+)\s+"
                     r"(?:\[\S+\]\s+)?(\S+)\s?(.*)$", line)
        if m and table:
            # readelf adds the version to the names of .dynsym (from
            # .gnu.version); the names of .symtab may hold an @.
            name = m.group(8)
            if table == ".dynsym":
                name = re.sub(r"@.*", "", name)
            ndx = m.group(7)
            ndx = SHN[ndx] if ndx in SHN else int(ndx)
            out.append("symbol %s %s value=%x size=%x type=%d bind=%d vis=%d "
                       "ndx=%d %s" % (table, m.group(1), int(m.group(2), 16),
                                      num(m.group(3)), STT[m.group(4)],
                                      STB[m.group(5)], STV[m.group(6)], ndx,
                                      name))
    _, s = run(["readelf", "-rW", path])
    sec = None
    for line in s.splitlines():
        m = re.match(r"Relocation section '(\S+)'", line)
        if m:
            sec = m.group(1)
            continue
        m = re.match(r"([0-9a-f]{8,16})\s+([0-9a-f]{8,16})\s+(\S+)(.*)$", line)
        if m and sec:
            rest = m.group(4)
            if sec.startswith(".rela"):
                a = re.search(r"([+-]) ([0-9a-f]+)\s*$", rest)
                if a:
                    addend = int(a.group(2), 16) * (-1 if a.group(1) == "-" else 1)
                else:
                    addend = int(rest.split()[-1], 16)
                out.append("reloc %s off=%x info=%x addend=%d"
                           % (sec, int(m.group(1), 16), int(m.group(2), 16),
                              addend))
            else:
                out.append("reloc %s off=%x info=%x" % (sec, int(m.group(1), 16),
                                                       int(m.group(2), 16)))
    _, s = run(["readelf", "-dW", path])
    for line in s.splitlines():
        m = re.match(r"\s*0x([0-9a-f]+) \((\S+)\)\s+(.*)$", line)
        if m:
            out.append("dynamic tag=%x" % int(m.group(1), 16))
    _, s = run(["readelf", "-nW", path])
    for line in s.splitlines():
        m = re.match(r"\s+(\S+)\s+0x([0-9a-f]+)\s+(\S.*)$", line)
        if m and m.group(1) != "Owner" and not m.group(1).startswith("0x"):
            out.append("note %s descsz=%x" % (m.group(1), int(m.group(2), 16)))
    return out


# The same lines from bpoke, through the GNU poke 2.4 names.

def bpoke_script(path, cls):
    E = "Elf%d_" % cls
    return r"""load elf;
set_ios (open ("%(path)s", IOS_F_READ));
var f = %(E)sFile @ 0#B;
var shnum = elf%(C)d_shnum (f.ehdr);
var phnum = elf%(C)d_phnum (f.ehdr);
fun line = (string s) void: { print s + "\n"; }
if (shnum != 0)
  for (s in f.shdr)
    printf ("section %%s addr=%%u64x off=%%u64x size=%%u64x link=%%u32d info=%%u32d align=%%u64d\n",
            f.get_section_name (s.sh_name),
            s.sh_addr'magnitude, s.sh_offset'magnitude, s.sh_size'magnitude, s.sh_link,
            s.sh_info, s.sh_addralign as uint<64>);
if (phnum != 0)
  for (p in f.phdr)
    printf ("segment off=%%u64x vaddr=%%u64x filesz=%%u64x memsz=%%u64x flags=%%u32d align=%%u64x\n",
            p.p_offset'magnitude,
            p.p_vaddr'magnitude, p.p_filesz'magnitude, p.p_memsz'magnitude,
            p.p_flags.flags, p.p_align'magnitude);
if (shnum != 0)
  for (s in f.shdr where s.sh_type == SHT_SYMTAB || s.sh_type == SHT_DYNSYM)
    {
      var i = 0;
      for (y in %(E)sSym[s.sh_size] @ s.sh_offset)
        {
          var name = y.st_info.st_type == STT_SECTION && y.st_name == 0#B
                     ? f.get_section_name (f.shdr[y.st_shndx].sh_name)
                     : f.get_symbol_name (s, y.st_name);
          printf ("symbol %%s %%i32d value=%%u64x size=%%u64x type=%%u32d bind=%%u32d vis=%%u32d ndx=%%u32d %%s\n",
                  f.get_section_name (s.sh_name), i, y.st_value'magnitude,
                  %(SIZE)s, y.st_info.st_type, y.st_info.st_bind,
                  y.st_other.st_visibility, y.st_shndx, name);
          i++;
        }
    }
if (shnum != 0)
  for (s in f.shdr where s.sh_type == SHT_RELA)
    for (r in %(E)sRela[s.sh_size] @ s.sh_offset)
      printf ("reloc %%s off=%%u64x info=%%u64x addend=%%i64d\n",
              f.get_section_name (s.sh_name), r.r_offset'magnitude,
              r.r_info as uint<64>, r.r_addend as int<64>);
if (shnum != 0)
  for (s in f.shdr where s.sh_type == SHT_REL)
    for (r in %(E)sRel[s.sh_size] @ s.sh_offset)
      printf ("reloc %%s off=%%u64x info=%%u64x\n",
              f.get_section_name (s.sh_name), r.r_offset'magnitude,
              r.r_info as uint<64>);
for (d in f.get_dynamic)
  printf ("dynamic tag=%%u64x\n", d.d_tag as uint<64>);
/* get_dynamic leaves out the DT_NULL that readelf shows.  */
for (d in f.get_dynamic)
  {
    print "dynamic tag=0\n";
    break;
  }
""" % {"path": path, "E": E, "C": cls,
       "SIZE": "y.st_size" if cls == 64 else "y.st_size'magnitude"}


NOTES = r"""
/* The notes: of the SHT_NOTE sections, or, without sections, of the
   PT_NOTE segments.  */
fun notes = (offset<uint<64>,B> off, offset<uint<64>,B> size) void:
{
  var end = off + size;
  while (off < end)
    {
      var n = Elf_Note @ off;
      printf ("note %s descsz=%u32x\n", catos (n.name[0:n.namesz - 1]),
              n.descsz);
      off += n'size;
    }
}
if (shnum != 0)
  {
    for (s in f.shdr where s.sh_type == SHT_NOTE)
      notes (s.sh_offset, s.sh_size);
  }
else if (phnum != 0)
  for (p in f.phdr where p.p_type == PT_NOTE)
    notes (p.p_offset, p.p_filesz);
"""


def check_readelf(work, path, cls, desc):
    script = bpoke_script(os.path.join(work, path), cls) + NOTES
    sp = os.path.join(work, "walk.bpk")
    with open(sp, "w") as f:
        f.write(script)
    rc, got = run([BPOKE, "-q", "-L", sp], timeout=120)
    # Poke's %x pads to the width of the integer; readelf's values not.
    canon = lambda l: re.sub(r"=0*([0-9a-f]+)", r"=\1", l)
    exp = [canon(l) for l in readelf_lines(os.path.join(work, path))]
    got = [canon(l) for l in got.splitlines()]
    if rc != 0:
        ko("%s: bpoke exited %d" % (desc, rc), "\n".join(got[-5:]))
        return
    for kind in ("section", "segment", "symbol", "reloc", "dynamic", "note"):
        g = [l for l in got if l.startswith(kind + " ")]
        e = [l for l in exp if l.startswith(kind + " ")]
        if g == e:
            ok(desc + ": " + kind)
        else:
            diff = [("< " + a, "> " + b) for a, b in zip(g, e) if a != b][:5]
            ko("%s: %ss differ from readelf's (%d and %d lines; < bpoke, > readelf)"
               % (desc, kind, len(g), len(e)),
               "\n".join("%s\n%s" % d for d in diff))


# GNU poke 2.4 with its own pickle: the values and their printed forms,
# through the names the two share.

def poke24_cmds(path, cls):
    E = "Elf%d_" % cls
    c = [".file " + path, "load elf", "var f = %sFile @ 0#B;" % E,
         "f.ehdr.e_ident" if cls == 64 else
         'printf ("%v %v %v %v %v %v\\n", f.ehdr.e_ident.ei_mag, f.ehdr.e_ident.ei_class, '
         'f.ehdr.e_ident.ei_data, f.ehdr.e_ident.ei_osabi, f.ehdr.e_ident.ei_pad, '
         'f.ehdr.e_ident.ei_nident);',
         'printf ("%v %v %v %v %v %v %v %v %v %v %v %v %v\\n", f.ehdr.e_type, '
         "f.ehdr.e_machine, f.ehdr.e_version, f.ehdr.e_entry, f.ehdr.e_phoff, "
         "f.ehdr.e_shoff, f.ehdr.e_flags, f.ehdr.e_ehsize, f.ehdr.e_phentsize, "
         "f.ehdr.e_phnum, f.ehdr.e_shentsize, f.ehdr.e_shnum, f.ehdr.e_shstrndx);",
         "f.shdr", "f.phdr"]
    if cls == 64:
        c.append('for (s in f.shdr) printf ("%s\\n", f.get_section_name (s.sh_name));')
        c.append("f.get_group_signatures")
    # Symbols a field at a time: GNU poke 2.4 prints the ELF32 structs'
    # nested structs without their type names after `load elf', and
    # st_other's fields are of odd widths, which GNU poke 4.3, and
    # bpoke, print with their type (`(uint<3>) 0') where 2.4 printed
    # `0U'.
    syms = ("SHT_SYMTAB || s.sh_type == SHT_DYNSYM" if cls == 64 else "SHT_SYMTAB")
    c.append("for (s in f.shdr where s.sh_type == %s) for (y in %sSym[s.sh_size] @ s.sh_offset) "
             "printf (\"%%v %%v %%v %%v %%v %%u32d %%v %%v\\n\", y.st_name, y.st_value, y.st_size, "
             "y.st_info.st_bind, y.st_info.st_type, y.st_other.st_visibility, y.st_shndx, y'size);"
             % (syms, E))
    if cls == 64:
        c += [
              "for (s in f.shdr where s.sh_type == SHT_RELA) "
              "printf (\"%v\\n\", Elf64_Rela[s.sh_size] @ s.sh_offset);",
              "for (s in f.shdr where s.sh_type == SHT_REL) "
              "printf (\"%v\\n\", Elf64_Rel[s.sh_size] @ s.sh_offset);"]
    else:
        # r_sym is a uint<24> (see the symbols above).
        c += [
              "for (s in f.shdr where s.sh_type == SHT_RELA) for (r in Elf32_Rela[s.sh_size] @ s.sh_offset) "
              "printf (\"%v %u32d %v %v\\n\", r.r_offset, r.r_info.r_sym, r.r_info.r_type, r.r_addend);",
              "for (s in f.shdr where s.sh_type == SHT_REL) for (r in Elf32_Rel[s.sh_size] @ s.sh_offset) "
              "printf (\"%v %u32d %v\\n\", r.r_offset, r.r_info.r_sym, r.r_info.r_type);"]
    if cls == 64:
        c += ["for (s in f.shdr where s.sh_type == SHT_DYNAMIC) "
              "printf (\"%v\\n\", Elf64_Dyn[s.sh_size] @ s.sh_offset);",
              "for (s in f.shdr where s.sh_type == SHT_NOTE) "
              "printf (\"%v\\n\", Elf_Note @ s.sh_offset);",
              "for (p in f.phdr where p.p_type == PT_NOTE) "
              "printf (\"%v\\n\", Elf_Note @ p.p_offset);"]
    c += [".set pretty-print yes", "f.shdr", "f.phdr"]
    if cls == 64:
        c.append("for (s in f.shdr where s.sh_type == SHT_SYMTAB || s.sh_type == SHT_DYNSYM) "
                 "for (y in Elf64_Sym[s.sh_size] @ s.sh_offset) "
                 "printf (\"%v %v %v\\n\", y.st_name, y.st_info, y.st_value);")
    c += [".set omode tree", "f.phdr", "f.shdr[1]"]
    return c


def compare(work, path, cls, desc, prog, cmds, label, extra=(), bextra=()):
    cp = os.path.join(work, "cmds.txt")
    with open(cp, "w") as f:
        f.write("\n".join(cmds) + "\n")
    _, want = run([prog, "-q"] + list(extra) + ["-s", cp], cwd=work)
    _, got = run([BPOKE, "-q"] + list(bextra) + ["-s", cp], cwd=work)
    if got == want:
        ok(desc + ": " + label)
    else:
        g, w = got.splitlines(), want.splitlines()
        diff = [(i + 1, a, b) for i, (a, b) in enumerate(zip(g, w)) if a != b][:3]
        ko("%s: differs from %s (%d and %d lines)" % (desc, label, len(g), len(w)),
           "\n".join("line %d\n< %s\n> %s" % (i, a[:300], b[:300])
                     for i, a, b in diff))


# GNU poke 4.3 with poke-elf: poke-elf's names on the same objects.

def poke43_cmds(path, cls):
    if cls == 32:
        # poke-elf 1.0's Elf32_Shdr does not map (its sh_flags constraint
        # fails on every section): the ELF32 checks go through the header.
        return [".file " + path, "load elf", "var e = Elf32_Ehdr @ 0#B;",
                "elf_mach",
                'printf ("%s %s %s %s\\n", elf_config.format_enum ("file-classes", elf_mach, e.e_ident.ei_class), '
                'elf_config.format_enum ("file-encodings", elf_mach, e.e_ident.ei_data), '
                'elf_config.format_enum ("file-types", elf_mach, e.e_type), '
                'elf_config.format_enum ("elf-machines", elf_mach, e.e_machine));',
                'elf_config.format_mask ("file-flags", elf_mach, e.e_flags)']
    return [".file " + path, "load elf", "var f = Elf64_File @ 0#B;",
            "var e = f.ehdr;", "elf_mach",
            'printf ("%s %s %s %s %s\\n", elf_config.format_enum ("file-classes", elf_mach, e.e_ident.ei_class), '
            'elf_config.format_enum ("file-encodings", elf_mach, e.e_ident.ei_data), '
            'elf_config.format_enum ("file-osabis", elf_mach, e.e_ident.ei_osabi), '
            'elf_config.format_enum ("file-types", elf_mach, e.e_type), '
            'elf_config.format_enum ("elf-machines", elf_mach, e.e_machine));',
            'try printf ("%v\\n", f.get_load_base); catch (Exception x) { printf ("%s\\n", x.msg); }',
            "f.vaddr_to_sec (e.e_entry)", "f.vaddr_to_file_offset (e.e_entry)",
            'for (s in f.shdr) printf ("%s %s [%s] %i32d\\n", f.get_section_name (s.sh_name), '
            'elf_config.format_enum ("section-types", elf_mach, s.sh_type), '
            'elf_config.format_mask ("section-flags", elf_mach, s.sh_flags), '
            "f.vaddr_to_sec (s.sh_addr));",
            'for (p in f.phdr) printf ("%s [%s] %i32d %v\\n", '
            'elf_config.format_enum ("segment-types", elf_mach, p.p_type), '
            'elf_config.format_mask ("segment-flags", elf_mach, p.p_flags), '
            "f.vaddr_to_sec (p.p_vaddr), f.vaddr_to_file_offset (p.p_vaddr));",
            "for (s in f.get_sections_by_type (ELF_SHT_DYNAMIC)) for (d in Elf64_Dyn[s.sh_size] @ s.sh_offset) "
            'printf ("%s %i32d\\n", elf_config.format_enum ("dynamic-tag-types", elf_mach, d.d_tag), elf_tag_is_ptr (d.d_tag));',
            # Raw words: poke-elf's Elf64_Rela does not map a relocation
            # type the registry does not know (those of RISC-V).
            "for (s in f.get_sections_by_type (ELF_SHT_RELA)) for (r in Elf64_Xword[s.sh_size / 8#B] @ s.sh_offset) "
            'printf ("%u64x %s\\n", r, elf_config.format_enum ("reloc-types", elf_mach, r & 0xffffffff));',
            "for (s in f.shdr where s.sh_type == ELF_SHT_SYMTAB || s.sh_type == ELF_SHT_DYNSYM) "
            "for (y in Elf64_Sym[s.sh_size] @ s.sh_offset) "
            'printf ("%s %s %s %s %i32d\\n", f.get_symbol_name (s, y.st_name), '
            'elf_config.format_enum ("symbol-types", elf_mach, y.st_info.st_type), '
            'elf_config.format_enum ("symbol-bindings", elf_mach, y.st_info.st_bind), '
            'elf_config.format_enum ("symbol-visibilities", elf_mach, y.st_other.st_visibility), '
            "f.vaddr_to_sec (y.st_value));",
            "f.get_group_signatures"]


# GNU poke 4.3 with poke-elf, and bpoke after `.set elf-api poke-elf':
# the structures whose layouts and printed forms differ between the two
# APIs, plain, pretty-printed and as trees.  ELF64 only: poke-elf 1.0's
# Elf32_File does not map (see above); elf-pokeelf.sh checks ELF32's
# structures at known offsets.

def poke43_layout_cmds(path):
    body = ["f.ehdr", "f.phdr", "f.shdr",
            "for (s in f.shdr where s.sh_type == ELF_SHT_SYMTAB || s.sh_type == ELF_SHT_DYNSYM) "
            'printf ("%v\\n", Elf64_Sym[s.sh_size] @ s.sh_offset);',
            "for (s in f.get_sections_by_type (ELF_SHT_DYNAMIC)) "
            'printf ("%v\\n", Elf64_Dyn[s.sh_size] @ s.sh_offset);',
            "for (s in f.get_sections_by_type (ELF_SHT_NOTE)) "
            'printf ("%v\\n", Elf_Note @ s.sh_offset);']
    # Relocations whose types the registry does not know do not map
    # (RISC-V's): one at a time, the failures said.
    body.append("for (s in f.get_sections_by_type (ELF_SHT_RELA)) "
                "for (var i = 0UL; i < s.sh_size / 24#B; i++) "
                'try printf ("%v\\n", Elf64_Rela @ s.sh_offset + i * 24#B); '
                'catch (Exception x) { printf ("%s\\n", x.name); }')
    c = [".file " + path, "load elf", "var f = Elf64_File @ 0#B;"] + body
    c += [".set pretty-print yes"] + body
    c += [".set omode tree", "f.ehdr", "f.phdr", "f.shdr[1]"]
    return c


def main():
    work = tempfile.mkdtemp()
    try:
        objs = build(work)
        have24 = have(POKE) and os.path.isdir("/usr/share/poke/pickles")
        if not have24:
            skip("comparisons with GNU poke 2.4 (%s or its pickles missing)" % POKE)
        if not POKE43:
            skip("comparisons with GNU poke 4.3 and poke-elf (POKE43 unset)")
        for path, cls, desc in objs:
            check_readelf(work, path, cls, desc)
            if have24:
                compare(work, path, cls, desc, POKE, poke24_cmds(path, cls),
                        "GNU poke 2.4")
            if POKE43:
                compare(work, path, cls, desc, POKE43, poke43_cmds(path, cls),
                        "GNU poke 4.3", ["--no-hserver"])
            if POKE43 and cls == 64:
                compare(work, path, cls, desc, POKE43, poke43_layout_cmds(path),
                        "GNU poke 4.3's layouts", ["--no-hserver"],
                        ["-c", ".set elf-api poke-elf"])
        print("%d objects; %d passed, %d failed" % (len(objs), passed, failed))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if failed else 0)


main()
