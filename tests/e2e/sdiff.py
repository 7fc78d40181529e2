#!/usr/bin/env python3
"""sdiff.py -- what `sdiff' prints for the ELF header and the section
headers of two little-endian ELF64 files, computed here from their
bytes, for tests/e2e/sdiff.sh to hold bpoke to.

Usage: sdiff.py A.o B.o VALUES GROUP

The types are those sdiff.sh declares (flat structs of integers, and
an array for e_ident); the layout of a hunk is that of GNU poke 4.3's
sdiff, written out in bpoke's manual (.help sdiff): leaves compared by
their bytes, element I beside element I, the extra elements of the
longer array on their side only, a hunk joining the leaves that follow
each other on both sides.
"""
import struct
import sys

EHDR = [("e_ident", 16, "arr"), ("e_type", 2, "UH"), ("e_machine", 2, "UH"),
        ("e_version", 4, "U"), ("e_entry", 8, "UL"), ("e_phoff", 8, "UL"),
        ("e_shoff", 8, "UL"), ("e_flags", 4, "U"), ("e_ehsize", 2, "UH"),
        ("e_phentsize", 2, "UH"), ("e_phnum", 2, "UH"),
        ("e_shentsize", 2, "UH"), ("e_shnum", 2, "UH"),
        ("e_shstrndx", 2, "UH")]
SHDR = [("sh_name", 4, "U"), ("sh_type", 4, "U"), ("sh_flags", 8, "UL"),
        ("sh_addr", 8, "UL"), ("sh_offset", 8, "UL"), ("sh_size", 8, "UL"),
        ("sh_link", 4, "U"), ("sh_info", 4, "U"), ("sh_addralign", 8, "UL"),
        ("sh_entsize", 8, "UL")]


def leaves(data, off, fields, name):
    """The leaves of a struct of FIELDS at OFF: (name, offset, bytes,
    value as poke prints it)."""
    out = []
    for fname, size, suffix in fields:
        if suffix == "arr":
            for i in range(size):
                b = data[off + i:off + i + 1]
                out.append(("%s.%s[%d]" % (name, fname, i), off + i, b,
                            "%dUB" % b[0]))
        else:
            b = data[off:off + size]
            out.append(("%s.%s" % (name, fname), off, b,
                        "%d%s" % (int.from_bytes(b, "little"), suffix)))
        off += size
    return out


def shdrs(data, name):
    """The leaves of each section header, one list per header."""
    shoff, = struct.unpack_from("<Q", data, 40)
    shnum, = struct.unpack_from("<H", data, 60)
    return [leaves(data, shoff + 64 * i, SHDR, "%s[%d]" % (name, i))
            for i in range(shnum)]


def hexof(b, group):
    return "".join("%02x" % c + (" " if (i + 1) % group == 0 else "")
                   for i, c in enumerate(b))


def sdiff(pairs, values, group):
    """PAIRS: (leaf of A or None, leaf of B or None), in order."""
    out, hunk, off, size = [], [], [0, 0], [0, 0]

    def flush():
        if not hunk:
            return
        sides = ["0x%02x+%d" % (off[s] & 0xff, size[s]) if size[s] else ""
                 for s in (0, 1)]
        out.append("@@ %s,%s @@" % tuple(sides))
        hw = max(len(h) for _, h, _, _ in hunk)
        nw = max(len(n) for _, _, n, _ in hunk)
        for sign, h, n, v in hunk:
            line = sign + h.ljust(hw) + "   " + n
            if values:
                line += " " * (nw - len(n)) + "   " + v
            out.append(line)
        hunk.clear()

    for pair in pairs:
        if pair[0] and pair[1] and pair[0][2] == pair[1][2]:
            continue
        joins = bool(hunk) and all(
            pair[s] is None or pair[s][1] == off[s] + size[s] for s in (0, 1))
        if not joins:
            flush()
            for s in (0, 1):
                off[s] = pair[s][1] if pair[s] else 0
                size[s] = 0
        for s in (0, 1):
            if pair[s]:
                size[s] += len(pair[s][2])
                hunk.append(("-+"[s], hexof(pair[s][2], group), pair[s][0],
                             pair[s][3]))
    flush()
    return out


def main():
    a = open(sys.argv[1], "rb").read()
    b = open(sys.argv[2], "rb").read()
    values, group = int(sys.argv[3]), int(sys.argv[4])
    lines = sdiff(list(zip(leaves(a, 0, EHDR, "a"), leaves(b, 0, EHDR, "b"))),
                  values, group)
    sa, sb = shdrs(a, "a"), shdrs(b, "b")
    pairs = []
    for i in range(max(len(sa), len(sb))):
        ea = sa[i] if i < len(sa) else [None] * len(SHDR)
        eb = sb[i] if i < len(sb) else [None] * len(SHDR)
        pairs += list(zip(ea, eb))
    lines += sdiff(pairs, values, group)
    print("\n".join(lines))


main()
