#!/usr/bin/env python3
"""elfgen.py -- write small ELF files byte for byte, the same on every
machine, for tests that record GNU poke's answers on them
(tests/e2e/elf-pokeelf.sh).

Usage: elfgen.py DIR

Writes into DIR:
  x86-64.elf   ELF64 little-endian x86-64 shared object, laid out as a
               position-independent program: PT_PHDR, PT_INTERP, three
               PT_LOADs, PT_DYNAMIC, PT_NOTE, PT_GNU_STACK; sections
               .interp, .note.gnu.property (two properties),
               .note.ABI-tag, .dynsym, .dynstr, .gnu.version,
               .gnu.version_r (libc.so.6: GLIBC_2.32 and GLIBC_2.2.5),
               .rela.dyn, .text, .dynamic, .data, .bss, .symtab,
               .strtab, .shstrtab; virtual addresses equal file offsets.
  aarch64.o    ELF64 little-endian AArch64 relocatable: .text,
               .rela.text, .data, .symtab, .strtab, .shstrtab.
  mips32be.o   ELF32 big-endian MIPS relocatable: .text, .rel.text,
               .reginfo, .symtab, .strtab, .shstrtab.
"""

import struct
import sys

ELF64, ELF32 = 2, 1
LSB, MSB = 1, 2


def sysv_hash(name):
    h = 0
    for c in name.encode():
        h = ((h << 4) + c) & 0xffffffff
        g = h & 0xf0000000
        if g:
            h ^= g >> 24
        h &= ~g & 0xffffffff
    return h


class StrTab:
    """A string table: "" first, each string once."""

    def __init__(self):
        self.data = b"\0"
        self.offsets = {"": 0}

    def add(self, s):
        if s not in self.offsets:
            self.offsets[s] = len(self.data)
            self.data += s.encode() + b"\0"
        return self.offsets[s]


class Elf:
    """Sections laid out one after the other after the headers."""

    def __init__(self, cls, data, machine, etype, flags=0):
        self.cls, self.data, self.machine = cls, data, machine
        self.etype, self.flags = etype, flags
        self.e = "<" if data == LSB else ">"
        self.sections = []          # dicts
        self.segments = []          # (type, flags, first, last, align)
        self.shstr = StrTab()

    def pack(self, fmt, *args):
        return struct.pack(self.e + fmt, *args)

    def add(self, name, stype, content, flags=0, align=1, entsize=0,
            link=0, info=0, size=None):
        self.sections.append(dict(name=name, type=stype, content=content,
                                  flags=flags, align=align, entsize=entsize,
                                  link=link, info=info, size=size))
        return len(self.sections)   # index, after the null section

    def index(self, name):
        for i, s in enumerate(self.sections):
            if s["name"] == name:
                return i + 1
        raise KeyError(name)

    def layout(self, nphdr):
        ehsize = 64 if self.cls == ELF64 else 52
        phentsize = 56 if self.cls == ELF64 else 32
        off = ehsize + nphdr * phentsize
        for s in self.sections:
            off = (off + s["align"] - 1) // s["align"] * s["align"]
            s["offset"] = off
            if s["size"] is None:
                s["size"] = len(s["content"])
            if s["type"] != 8:      # SHT_NOBITS occupies no file bytes
                off += len(s["content"])
        self.shoff = (off + 7) // 8 * 8
        return self.shoff

    def write(self, path, alloc_addrs=False):
        for s in self.sections:
            self.shstr.add(s["name"])
        self.shstr.add(".shstrtab")
        self.add(".shstrtab", 3, b"")
        self.sections[-1]["content"] = self.shstr.data
        nphdr = len(self.segments)
        self.layout(nphdr)
        for s in self.sections:
            s["addr"] = s["offset"] if (alloc_addrs and s["flags"] & 2) else 0
        if alloc_addrs:
            # .bss follows .data in memory, past the end of the file bytes.
            for i, s in enumerate(self.sections):
                if s["type"] == 8:
                    prev = self.sections[i - 1]
                    s["addr"] = prev["addr"] + prev["size"]
        return self.finish(path, nphdr)

    def finish(self, path, nphdr):
        ehsize = 64 if self.cls == ELF64 else 52
        phentsize = 56 if self.cls == ELF64 else 32
        shentsize = 64 if self.cls == ELF64 else 40
        shnum = len(self.sections) + 1
        ident = b"\x7fELF" + bytes([self.cls, self.data, 1, 0, 0]) + bytes(7)
        phoff = ehsize if nphdr else 0
        entry = self.entry if hasattr(self, "entry") else 0
        if self.cls == ELF64:
            eh = ident + self.pack("HHIQQQIHHHHHH", self.etype, self.machine, 1,
                                   entry, phoff, self.shoff, self.flags,
                                   ehsize, phentsize if nphdr else 0, nphdr,
                                   shentsize, shnum, shnum - 1)
        else:
            eh = ident + self.pack("HHIIIIIHHHHHH", self.etype, self.machine, 1,
                                   entry, phoff, self.shoff, self.flags,
                                   ehsize, phentsize if nphdr else 0, nphdr,
                                   shentsize, shnum, shnum - 1)
        out = bytearray(eh)
        for (ptype, pflags, offset, vaddr, filesz, memsz, align) in \
                self.segment_values():
            if self.cls == ELF64:
                out += self.pack("IIQQQQQQ", ptype, pflags, offset, vaddr,
                                 vaddr, filesz, memsz, align)
            else:
                out += self.pack("IIIIIIII", ptype, offset, vaddr, vaddr,
                                 filesz, memsz, pflags, align)
        for s in self.sections:
            if s["type"] == 8:
                continue
            out += bytes(s["offset"] - len(out))
            out += s["content"]
        out += bytes(self.shoff - len(out))
        out += bytes(shentsize)
        for s in self.sections:
            name = self.shstr.offsets[s["name"]]
            if self.cls == ELF64:
                out += self.pack("IIQQQQIIQQ", name, s["type"], s["flags"],
                                 s["addr"], s["offset"], s["size"], s["link"],
                                 s["info"], s["align"], s["entsize"])
            else:
                out += self.pack("IIIIIIIIII", name, s["type"], s["flags"],
                                 s["addr"], s["offset"], s["size"], s["link"],
                                 s["info"], s["align"], s["entsize"])
        with open(path, "wb") as f:
            f.write(out)

    def segment_values(self):
        vals = []
        for (ptype, pflags, first, last, align) in self.segments:
            if first is None:       # PT_PHDR, or PT_GNU_STACK
                if ptype == 6:
                    ehsize = 64 if self.cls == ELF64 else 52
                    phentsize = 56 if self.cls == ELF64 else 32
                    size = phentsize * len(self.segments)
                    vals.append((ptype, pflags, ehsize, ehsize, size, size,
                                 align))
                else:
                    vals.append((ptype, pflags, 0, 0, 0, 0, align))
                continue
            a = self.sections[self.index(first) - 1]
            b = self.sections[self.index(last) - 1]
            start = 0 if first == ".interp" and ptype == 1 else a["offset"]
            filesz = (b["offset"] + (0 if b["type"] == 8 else b["size"])
                      - start)
            memsz = b["addr"] + b["size"] - start if b["type"] == 8 else filesz
            vals.append((ptype, pflags, start, start, filesz, memsz, align))
        return vals


def sym64(e, name, info, other, shndx, value, size):
    return e.pack("IBBHQQ", name, info, other, shndx, value, size)


def sym32(e, name, info, other, shndx, value, size):
    return e.pack("IIIBBH", name, value, size, info, other, shndx)


def note(e, name, ntype, desc):
    n = name.encode() + b"\0"
    pad = lambda b: b + bytes(-len(b) % 4)
    return e.pack("III", len(n), len(desc), ntype) + pad(n) + pad(desc)


def x86_64(path):
    e = Elf(ELF64, LSB, 62, 3)
    dynstr = StrTab()
    libc = dynstr.add("libc.so.6")
    names = [dynstr.add(n) for n in ("pthread_sigmask", "printf", "environ")]
    v32 = dynstr.add("GLIBC_2.32")
    v225 = dynstr.add("GLIBC_2.2.5")
    e.add(".interp", 1, b"/lib64/ld-linux-x86-64.so.2\0", flags=2)
    props = (e.pack("II", 1, 8) + e.pack("Q", 0x800000)
             + e.pack("II", 2, 0))
    e.add(".note.gnu.property", 7, note(e, "GNU", 5, props), flags=2,
          align=8)
    e.add(".note.ABI-tag", 7, note(e, "GNU", 1, e.pack("IIII", 0, 3, 2, 0)),
          flags=2, align=4)
    dynsym = sym64(e, 0, 0, 0, 0, 0, 0)
    dynsym += sym64(e, names[0], 0x12, 0, 0, 0, 0)
    dynsym += sym64(e, names[1], 0x12, 0, 0, 0, 0)
    dynsym += sym64(e, names[2], 0x11, 0, 0, 0, 8)
    e.add(".dynsym", 11, dynsym, flags=2, align=8, entsize=24, link=5, info=1)
    e.add(".dynstr", 3, dynstr.data, flags=2)
    e.add(".gnu.version", 0x6fffffff, e.pack("HHHH", 0, 2, 3, 3), flags=2,
          align=2, entsize=2, link=4)
    verneed = e.pack("HHIII", 1, 2, libc, 16, 0)
    verneed += e.pack("IHHII", sysv_hash("GLIBC_2.32"), 0, 2, v32, 16)
    verneed += e.pack("IHHII", sysv_hash("GLIBC_2.2.5"), 0, 3, v225, 0)
    e.add(".gnu.version_r", 0x6ffffffe, verneed, flags=2, align=8, link=5,
          info=1)
    # .rela.dyn and .dynamic hold addresses: written after a first layout,
    # with the sizes they will have.
    e.add(".rela.dyn", 4, bytes(2 * 24), flags=2, align=8, entsize=24,
          link=4)
    e.add(".text", 1, bytes([0x55, 0x48, 0x89, 0xe5, 0x31, 0xc0, 0x5d, 0xc3])
          * 4, flags=6, align=16)
    e.add(".dynamic", 6, bytes(13 * 16), flags=3, align=8, entsize=16,
          link=5)
    e.add(".data", 1, e.pack("QQ", 0, 42), flags=3, align=8)
    e.add(".bss", 8, b"", flags=3, align=32, size=0x100)
    strtab = StrTab()
    symtab = sym64(e, 0, 0, 0, 0, 0, 0)
    symtab += sym64(e, strtab.add("prog.c"), 0x04, 0, 0xfff1, 0, 0)
    symtab += sym64(e, 0, 0x03, 0, 9, 0, 0)      # section symbol of .text
    symtab += sym64(e, strtab.add("counter"), 0x01, 2, 11, 0, 4)
    symtab += sym64(e, strtab.add("main"), 0x12, 0, 9, 0, 32)
    symtab += sym64(e, strtab.add("table"), 0x11, 0, 12, 0, 0x100)
    e.add(".symtab", 2, symtab, align=8, entsize=24, link=14, info=4)
    e.add(".strtab", 3, strtab.data)
    e.segments = [(6, 4, None, None, 8), (3, 4, ".interp", ".interp", 1),
                  (1, 4, ".interp", ".rela.dyn", 0x1000),
                  (1, 5, ".text", ".text", 0x1000),
                  (1, 6, ".dynamic", ".bss", 0x1000),
                  (2, 6, ".dynamic", ".dynamic", 8),
                  (4, 4, ".note.ABI-tag", ".note.ABI-tag", 4),
                  (0x6474e551, 6, None, None, 16)]
    # First pass for the addresses, then the contents that hold them.
    e.write(path, alloc_addrs=True)
    sec = {s["name"]: s for s in e.sections}
    text, data, bss = sec[".text"], sec[".data"], sec[".bss"]
    rela = e.pack("QQq", data["addr"], 8, text["addr"])           # RELATIVE
    rela += e.pack("QQq", data["addr"] + 8, (3 << 32) | 6, 0)    # GLOB_DAT
    sec[".rela.dyn"]["content"] = rela
    dyn = [(1, libc), (5, sec[".dynstr"]["addr"]),
           (6, sec[".dynsym"]["addr"]), (10, len(dynstr.data)), (11, 24),
           (7, sec[".rela.dyn"]["addr"]), (8, len(rela)), (9, 24),
           (0x6ffffff0, sec[".gnu.version"]["addr"]),
           (0x6ffffffe, sec[".gnu.version_r"]["addr"]), (0x6fffffff, 1),
           (0x6ffffffb, 0x8000001), (0, 0)]
    sec[".dynamic"]["content"] = b"".join(e.pack("qQ", t, v) for t, v in dyn)
    symtab = bytearray(sec[".symtab"]["content"])
    for i, value in ((3, data["addr"] + 8), (4, text["addr"]),
                     (5, bss["addr"])):
        struct.pack_into("<Q", symtab, i * 24 + 8, value)
    sec[".symtab"]["content"] = bytes(symtab)
    e.entry = text["addr"]
    for s in e.sections:
        s["size"] = None if s["type"] != 8 else s["size"]
    e.sections.pop()                 # .shstrtab, added again by write
    e.write(path, alloc_addrs=True)


def aarch64(path):
    e = Elf(ELF64, LSB, 183, 1)
    e.add(".text", 1, bytes.fromhex("00000090000040f9c0035fd6000000941f2003d5"),
          flags=6, align=4)
    strtab = StrTab()
    symtab = sym64(e, 0, 0, 0, 0, 0, 0)
    symtab += sym64(e, strtab.add("t.c"), 0x04, 0, 0xfff1, 0, 0)
    symtab += sym64(e, 0, 0x03, 0, 1, 0, 0)
    symtab += sym64(e, strtab.add("value"), 0x11, 0, 0, 0, 0)
    symtab += sym64(e, strtab.add("get"), 0x12, 0x80, 1, 0, 20)
    symtab += sym64(e, strtab.add("helper"), 0x10, 0, 0, 0, 0)
    rela = e.pack("QQq", 0, (3 << 32) | 275, 0)     # ADR_PREL_PG_HI21
    rela += e.pack("QQq", 4, (3 << 32) | 286, 0)    # LDST64_ABS_LO12_NC
    rela += e.pack("QQq", 12, (5 << 32) | 283, -4)  # CALL26
    e.add(".rela.text", 4, rela, flags=0x40, align=8, entsize=24, link=4,
          info=1)
    e.add(".data", 1, e.pack("Q", 7), flags=3, align=8)
    e.add(".symtab", 2, symtab, align=8, entsize=24, link=5, info=3)
    e.add(".strtab", 3, strtab.data)
    e.write(path)


def mips32be(path):
    e = Elf(ELF32, MSB, 8, 1, flags=0x50001007)
    e.add(".text", 1, bytes.fromhex("3c1c0000279c00008f9900000320f80900000000"),
          flags=6, align=16)
    strtab = StrTab()
    symtab = sym32(e, 0, 0, 0, 0, 0, 0)
    symtab += sym32(e, strtab.add("m.c"), 0x04, 0, 0xfff1, 0, 0)
    symtab += sym32(e, strtab.add("f"), 0x12, 0, 1, 0, 20)
    symtab += sym32(e, strtab.add("_gp_disp"), 0x10, 0, 0, 0, 0)
    symtab += sym32(e, strtab.add("g"), 0x10, 0, 0, 0, 0)
    rel = e.pack("II", 0, (3 << 8) | 5)        # R_MIPS_HI16
    rel += e.pack("II", 4, (3 << 8) | 6)       # R_MIPS_LO16
    rel += e.pack("II", 8, (4 << 8) | 11)      # R_MIPS_CALL16
    e.add(".rel.text", 9, rel, flags=0x40, align=4, entsize=8, link=4, info=1)
    e.add(".reginfo", 0x70000006, e.pack("IIIIII", 0xf3000000, 0, 0, 0, 0, 0),
          flags=2, align=4, entsize=24)
    e.add(".symtab", 2, symtab, align=4, entsize=16, link=5, info=2)
    e.add(".strtab", 3, strtab.data)
    e.write(path)


if __name__ == "__main__":
    d = sys.argv[1]
    x86_64(d + "/x86-64.elf")
    aarch64(d + "/aarch64.o")
    mips32be(d + "/mips32be.o")
