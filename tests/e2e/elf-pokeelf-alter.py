#!/usr/bin/env python3
"""elf-pokeelf-alter.py -- poke-elf's layouts (bpoke after `.set elf-api
poke-elf') against GNU poke 4.3 with poke-elf, on copies of elfgen.py's
files with a few bytes of their headers, symbols, relocations, dynamic
entries and notes changed: every structure must map, print or be
refused alike.  Run by elf-pokeelf.sh.

Usage: elf-pokeelf-alter.py DIR POKE43 BPOKE [COUNT]
  DIR holds elfgen.py's files; COUNT altered copies of each (default
  25), the same on every run (a fixed seed).

When a constraint fails, GNU poke 4.3 shows the constraint's source
text, which it sometimes cuts wrongly, and bpoke shows its own: the
lines between `failed expression' and `in field' are not compared.
Prints `ok: ...' or `FAIL: ...' a file, then `N passed, N failed';
exit status 0 when all passed, else 1.
"""

import os
import random
import subprocess
import sys

# Each file: the class, the byte ranges altered and the commands that
# map its structures one by one, saying the exception where one fails.
TRY = 'try printf ("%%v\\n", %s); catch (Exception x) { printf ("%s: %%s\\n", x.name); }'


def each(what, count, typ, start, size):
    return ("for (var i = 0UL; i < %d; i++) " % count
            + TRY.replace("%s)", "%s @ %s + i * %s)", 1)
            % (typ, start, size, what))


FILES = {
    "x86-64.elf": ([(4, 64), (64, 512), (1472, 2496), (616, 712),
                    (840, 888), (928, 1136), (544, 616)],
                   [TRY % ("Elf64_Ehdr @ 0#B", "ehdr"),
                    each("phdr", 8, "Elf64_Phdr", "64#B", "56#B"),
                    each("shdr", 16, "Elf64_Shdr", "1472#B", "64#B"),
                    each("sym", 4, "Elf64_Sym", "616#B", "24#B"),
                    each("rela", 2, "Elf64_Rela", "840#B", "24#B"),
                    each("dyn", 13, "Elf64_Dyn", "928#B", "16#B"),
                    TRY % ("Elf_Note @ 544#B", "note"),
                    TRY % ("Elf_Note @ 584#B", "note"),
                    TRY % ("(Elf64_File @ 0#B).phdr", "file")]),
    "aarch64.o": ([(4, 64), (384, 832), (168, 312), (88, 160)],
                  [TRY % ("Elf64_Ehdr @ 0#B", "ehdr"),
                   each("shdr", 7, "Elf64_Shdr", "384#B", "64#B"),
                   each("sym", 6, "Elf64_Sym", "168#B", "24#B"),
                   each("rela", 3, "Elf64_Rela", "88#B", "24#B")]),
    # ELF32: no section headers (poke-elf's Elf32_Shdr maps none).
    "mips32be.o": ([(4, 52), (132, 212), (84, 108)],
                   [TRY % ("Elf32_Ehdr @ 0#B", "ehdr"),
                    each("sym", 5, "Elf32_Sym", "132#B", "16#B"),
                    each("rel", 3, "Elf32_Rel", "84#B", "8#B"),
                    each("rela", 3, "Elf32_Rela", "84#B", "8#B")]),
}
VALUES = [0, 1, 2, 3, 7, 0x10, 0x60, 0x70, 0x80, 0xff]


def output(prog, script, cwd):
    r = subprocess.run(prog + ["-q", "-s", script], cwd=cwd, capture_output=True,
                       timeout=120, stdin=subprocess.DEVNULL)
    lines, skip = [], False
    for line in (r.stdout + r.stderr).decode("utf-8", "replace").splitlines():
        if line == "failed expression":
            skip = True
        elif line.startswith("in field "):
            skip = False
        if not skip:
            lines.append(line)
    return lines


def main():
    # The programs run in DIR: paths made absolute.
    d = os.path.abspath(sys.argv[1])
    poke43, bpoke = [os.path.abspath(a) if os.sep in a else a
                     for a in sys.argv[2:4]]
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 25
    rng = random.Random(4243)
    passed = failed = 0
    for name, (ranges, cmds) in FILES.items():
        orig = open(os.path.join(d, name), "rb").read()
        for k in range(count):
            data = bytearray(orig)
            lo, hi = rng.choice(ranges)
            changed = []
            for _ in range(rng.randint(1, 3)):
                i = rng.randrange(lo, hi)
                data[i] = rng.choice(VALUES + [rng.randrange(256)])
                changed.append("%d=%d" % (i, data[i]))
            alt = os.path.join(d, "altered")
            with open(alt, "wb") as f:
                f.write(data)
            script = os.path.join(d, "altered.cmds")
            with open(script, "w") as f:
                f.write("\n".join([".file altered", "load elf",
                                   ".set pretty-print yes"] + cmds) + "\n")
            want = output([poke43, "--no-hserver"], script, d)
            got = output([bpoke, "-c", ".set elf-api poke-elf"], script, d)
            what = "%s with bytes %s" % (name, " ".join(changed))
            # A script that did not run prints no structure: fail then.
            if not any(line.startswith("Elf") for line in want):
                failed += 1
                print("FAIL: %s: GNU poke 4.3 printed no structure: %s"
                      % (what, " / ".join(want)[:300]))
            elif got == want:
                passed += 1
                print("ok: " + what)
            else:
                failed += 1
                print("FAIL: %s (< GNU poke 4.3, > bpoke)" % what)
                for a, b in zip(want + [""] * len(got), got + [""] * len(want)):
                    if a != b:
                        print("< " + a[:300])
                        print("> " + b[:300])
                        break
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


main()
