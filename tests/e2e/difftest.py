#!/usr/bin/env python3
"""difftest.py -- differential testing of bpoke against GNU poke on
random programs from diffgen.py.

Usage: difftest.py [OPTION]...

  -n N            programs to run (default 100; 0: no limit)
  --from N        the first program's number (default 1): the programs
                  are diffgen.py's N, N+1...
  --time SECS     stop starting programs after SECS seconds
  --paths         also run bpoke with BPOKE_NOJIT=1 and with
                  BPOKE_NOCOMPILE=1: all three must agree with GNU poke
  --self          programs make their own data in a memory IO space
                  (default: they open data.bin, written before each run)
  --mix           half the programs one way, half the other
  --skip NAMES    constructs left out (diffgen.py --skip, see its SKIPS)
  --print43       programs print values whatever their width and bytes
                  (diffgen.py --print43): bpoke prints as GNU poke 4.3
  --kind K,...    what the programs dwell on (diffgen.py --kind, see its
                  KINDS; implies --print43); with several, program N
                  is of the ((N / 2) mod count)th (both kinds of data
                  with --mix), and the summary counts programs and
                  differences by kind
  --keep-going    after a difference, minimise it and go on
  --no-minimise   keep differences as they are
  --out DIR       where differences are written (default difftest-out)
  --ref-only      run GNU poke twice, $POKE against $POKE2 (default
                  `poke', GNU poke 2.4), to find where the two differ
  --paths-only    no GNU poke: bpoke against itself, the machine code
                  and the closures against the evaluator alone
                  (BPOKE_NOCOMPILE=1)

When bpoke differs from GNU poke 4.3 but prints what GNU poke 2.4
($POKE2, default `poke', when installed) prints, the program shows a
difference between the two GNU pokes: it is kept as DIR/vdiff-prog-K/,
counted apart, and not minimised; the minimiser keeps only programs
where bpoke differs from both.  So is a program where GNU poke 4.3
fails halfway through printing the most negative int<64> (it prints
"-", then raises E_overflow): GNU poke 4.3's bug, which arithmetic
makes hard to avoid.

Each program runs as `TOOL -q -s prog.bpk' in a directory of its own,
on a fresh copy of its data.  Standard output and error together, the
exit status and the data file's bytes afterwards must be the same.  On
a difference the program is minimised (delta debugging over top-level
commands, the statements of scenes, the fields and methods of types,
the decorations of fields and the data's bytes), keeping only programs
that still differ the same way (GNU poke runs them as far, with no new
compile error), and DIR/N-prog-K/ (K the program's number) gets
prog.bpk, data.bin, poke.out and bpoke.out (the minimal program), with
orig-prog.bpk and orig-*.out (the program as generated).

GNU poke is $POKE (default /work/shared/tools/gnu-poke-4.3, run with
-q --no-hserver), bpoke $BPOKE (default src/bpoke of this tree).
Exit status: 0 if every program agreed, 1 otherwise."""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True      # no __pycache__ in the source tree
import diffgen  # noqa: E402

TIMEOUT = 30                        # seconds a run may take


class Tool:
    """A program to run (ARGV), with variables added to its
    environment."""

    def __init__(self, name, argv, env=None):
        self.name, self.argv, self.env = name, argv, env or {}


class Result:
    """What a run gave: its output (stdout and stderr together), its exit
    status (or "timeout"), and the data file's bytes after it."""

    def __init__(self, out, rc, data):
        self.out, self.rc, self.data = out, rc, data

    def ended(self):
        """Whether the program ran to its last command."""
        return self.rc == 0 and self.out.endswith(b"END\n")

    def clean(self):
        """No warning (2.4 and 4.3 word them differently, and the
        generator means to avoid them), no timeout."""
        return self.rc != "timeout" and b"warning:" not in self.out

    def int64_min_broken(self):
        """Whether GNU poke 4.3 raised E_overflow halfway through
        printing the most negative int<64> (it prints "-", then the
        handler's output), at the start of a line or inside a struct
        or array.  The generator writes no such constant, but
        arithmetic and data can make one."""
        return re.search(rb"(^|[\n=,\[ ])-(!overflow|scene \d+: overflow|"
                         rb"unhandled overflow)", self.out) is not None

    def same(self, other):
        return (self.out, self.rc, self.data) == \
            (other.out, other.rc, other.data)

    def text(self):
        """The output as it was (bytes), then the exit status and the
        data's bytes in hexadecimal."""
        t = "[exit %s]\n" % self.rc
        if self.data is not None:
            t += "[data %s]\n" % self.data.hex()
        return self.out + t.encode()


def run(tool, prog, text=None):
    """Run PROG (a diffgen Program) under TOOL; the Result."""
    if text is None:
        text = prog.render()
    d = tempfile.mkdtemp(prefix="difftest.")
    try:
        with open(os.path.join(d, "prog.bpk"), "w") as f:
            f.write(text)
        path = os.path.join(d, "data.bin")
        if not prog.self_contained:
            with open(path, "wb") as f:
                f.write(prog.data)
        env = dict(os.environ)
        env["TERM"] = "dumb"
        env.update(tool.env)
        try:
            p = subprocess.run(tool.argv + ["-q", "-s", "prog.bpk"], cwd=d,
                               stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, env=env,
                               timeout=TIMEOUT)
            out, rc = p.stdout, p.returncode
        except subprocess.TimeoutExpired as e:
            out, rc = e.stdout or b"", "timeout"
        data = None
        if not prog.self_contained:
            with open(path, "rb") as f:
                data = f.read()
        return Result(out, rc, data)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def errors(res):
    """The compile errors GNU poke reported: a smaller program that
    stops on another one (an undefined name) shows nothing of use."""
    return set(re.findall(rb"error: (.*)", res.out))


def crashed(res):
    """Killed by a signal, aborted, or out of time."""
    return res.rc == "timeout" or (isinstance(res.rc, int) and res.rc < 0) \
        or res.rc in (134, 139)


class Checker:
    """Runs a program under the reference and the tools under test.
    OLD, when not None, is GNU poke 2.4, whose language bpoke
    implements: a tool that differs from the reference but prints what
    OLD prints shows a difference between the two GNU pokes, not a bug."""

    def __init__(self, ref, tools, old=None):
        self.ref, self.tools, self.old = ref, tools, old
        self.runs = 0

    def is_version_difference(self, prog, res):
        if self.old is None:
            return False
        old = run(self.old, prog)
        self.runs += 1
        return old.same(res)

    def check(self, prog):
        """(reference Result, [(tool, Result)] of the tools that differ)."""
        text = prog.render()
        ref = run(self.ref, prog, text)
        self.runs += 1
        bad = []
        for t in self.tools:
            res = run(t, prog, text)
            self.runs += 1
            if not res.same(ref):
                bad.append((t, res))
        return ref, bad

    def predicate(self, tool, orig, orig_ref):
        """Whether a smaller program still shows the difference: the
        reference runs it to its end if it ran the first to its end,
        without warnings, and TOOL differs from it, crashing if it
        crashed at first, reaching the end if it did."""
        def test(prog):
            text = prog.render()
            ref = run(self.ref, prog, text)
            self.runs += 1
            if ref.ended() != orig_ref.ended() or not ref.clean() \
                    or not errors(ref) <= errors(orig_ref):
                return False
            res = run(tool, prog, text)
            self.runs += 1
            if res.same(ref):
                return False
            if crashed(res) != crashed(orig) or \
                    res.ended() != orig.ended() or \
                    not errors(res) <= errors(orig):
                return False
            return not self.is_version_difference(prog, res)
        return test


# -------------------------------------------------------------- minimising

def ddmin(items, test):
    """The smallest sublist of ITEMS (keeping order) for which TEST
    holds, by delta debugging; TEST(ITEMS) holds."""
    n = 2
    while items:
        chunk = max(1, (len(items) + n - 1) // n)
        reduced = False
        for i in range(0, len(items), chunk):
            cand = items[:i] + items[i + chunk:]
            if test(cand):
                items = cand
                n = max(n - 1, 2)
                reduced = True
                break
        if not reduced:
            if chunk == 1:
                break
            n = min(n * 2, len(items))
    return items


def minimise(prog, test, log):
    """Shrink PROG in place while TEST holds."""
    changed = True
    while changed:
        changed = False
        before = prog.render()
        prog.items = ddmin(prog.items, lambda c: test(with_items(prog, c)))
        for it in list(prog.items):
            if isinstance(it, diffgen.Scene):
                shrink_scene(prog, it, test)
            elif isinstance(it, diffgen.TypeItem):
                shrink_decl(prog, it.decl, test)
        shrink_data(prog, test)
        if prog.render() != before:
            changed = True
            log("  now %d lines, %d bytes of data"
                % (prog.render().count("\n"), len(prog.data)))


def with_items(prog, items):
    p = clone(prog)
    p.items = items
    return p


def clone(prog):
    p = diffgen.Program(prog.data, prog.self_contained)
    p.items = list(prog.items)
    return p


def shrink_scene(prog, sc, test):
    def t(stmts):
        old = sc.stmts
        sc.stmts = stmts
        ok = test(prog)
        sc.stmts = old
        return ok
    sc.stmts = ddmin(sc.stmts, t)
    if sc.wrap != "block":
        old = sc.wrap
        sc.wrap = "block"
        if not test(prog):
            sc.wrap = old
    # A step's own try/catch, when the difference does not need it.
    for i, s in enumerate(sc.stmts):
        m = re.match(r"try (.*) catch \(Exception e\) "
                     r"\{ printf \"!%s\\n\", e.name; \}$", s)
        if m:
            sc.stmts[i] = m.group(1)
            if not test(prog):
                sc.stmts[i] = s


def shrink_decl(prog, d, test):
    def attempt(change, undo):
        change()
        if test(prog):
            return True
        undo()
        return False

    def tf(fields):
        if not fields and d.kind == "union":
            return False        # the generator never writes union { }
        old = d.fields
        d.fields = fields
        ok = test(prog)
        d.fields = old
        return ok
    d.fields = ddmin(d.fields, tf)

    def tm(methods):
        old = d.methods
        d.methods = methods
        ok = test(prog)
        d.methods = old
        return ok
    d.methods = ddmin(d.methods, tm)
    for f in d.fields:
        for attr in ("constraint", "cond", "label", "endian", "init"):
            v = getattr(f, attr)
            if v is not None:
                attempt(lambda: setattr(f, attr, None),
                        lambda: setattr(f, attr, v))
        t = f.type
        if isinstance(t, diffgen.Ref) and t.inline:
            shrink_decl(prog, t.decl, test)
        if isinstance(t, diffgen.Arr) and isinstance(t.elem, diffgen.Ref) \
                and t.elem.inline:
            shrink_decl(prog, t.elem.decl, test)


def shrink_data(prog, test):
    """Fewer bytes at the end, then as many zero bytes as can be."""
    data = prog.data
    while len(data) > 1:
        cand = data[:len(data) // 2] if len(data) > 8 else data[:-1]
        prog.data = cand
        if test(prog):
            data = cand
        else:
            break
    prog.data = data
    idx = [i for i, b in enumerate(data) if b]

    def tz(keep):
        ks = set(keep)
        cand = bytes(b if i in ks or i not in idx else 0
                     for i, b in enumerate(data))
        prog.data = cand
        ok = test(prog)
        prog.data = data
        return ok
    keep = ddmin(idx, tz)
    ks = set(keep)
    prog.data = bytes(b if i in ks or not b else 0
                      for i, b in enumerate(data))


# ------------------------------------------------------------------ main

def write_case(outdir, name, prog, ref, bad, prefix=""):
    d = os.path.join(outdir, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, prefix + "prog.bpk"), "w") as f:
        f.write(prog.render())
    with open(os.path.join(d, prefix + "data.bin"), "wb") as f:
        f.write(prog.data if not prog.self_contained else b"")
    with open(os.path.join(d, prefix + "poke.out"), "wb") as f:
        f.write(ref.text())
    for t, res in bad:
        with open(os.path.join(d, prefix + t.name + ".out"), "wb") as f:
            f.write(res.text())
    return d


def interrupted(signum, frame):
    """SIGTERM ends a run as Ctrl-C does: with its summary."""
    raise KeyboardInterrupt


def parse_args(argv):
    opts = {"n": 100, "from": 1, "time": None, "paths": False,
            "mode": "file", "skip": [], "keep": False, "minimise": True,
            "out": "difftest-out", "ref_only": False, "paths_only": False,
            "print43": False, "kinds": ["all"]}
    i = 0
    while i < len(argv):
        a = argv[i]

        def val():
            if i + 1 >= len(argv):
                sys.exit("difftest.py: %s needs a value" % a)
            return argv[i + 1]
        if a == "-n":
            opts["n"] = int(val())
            i += 1
        elif a == "--from":
            opts["from"] = int(val())
            i += 1
        elif a == "--time":
            opts["time"] = float(val())
            i += 1
        elif a == "--out":
            opts["out"] = val()
            i += 1
        elif a == "--skip":
            opts["skip"] += [s for s in val().split(",") if s]
            i += 1
        elif a == "--paths":
            opts["paths"] = True
        elif a == "--self":
            opts["mode"] = "self"
        elif a == "--mix":
            opts["mode"] = "mix"
        elif a == "--keep-going":
            opts["keep"] = True
        elif a == "--no-minimise":
            opts["minimise"] = False
        elif a == "--ref-only":
            opts["ref_only"] = True
        elif a == "--paths-only":
            opts["paths_only"] = True
        elif a == "--print43":
            opts["print43"] = True
        elif a == "--kind":
            opts["kinds"] = [s for s in val().split(",") if s]
            i += 1
        elif a in ("-h", "--help"):
            print(__doc__)
            sys.exit(0)
        else:
            sys.exit("difftest.py: unknown option %s (see --help)" % a)
        i += 1
    for s in opts["skip"]:
        if s not in diffgen.SKIPS:
            sys.exit("difftest.py: unknown --skip name %s" % s)
    for s in opts["kinds"]:
        if s not in diffgen.KINDS:
            sys.exit("difftest.py: unknown --kind %s" % s)
    return opts


def tools(opts):
    poke = os.environ.get("POKE", "/work/shared/tools/gnu-poke-4.3")
    ref = Tool("poke", [poke, "--no-hserver"])
    if opts["ref_only"]:
        poke2 = os.environ.get("POKE2", "poke")
        return ref, [Tool("poke2", [poke2, "--no-hserver"])], None
    bpoke = os.environ.get("BPOKE", os.path.join(TOP, "src", "bpoke"))
    os.environ.setdefault("BPOKE_DATADIR", os.path.join(TOP, "stdlib"))
    if opts["paths_only"]:
        return (Tool("bpoke-nocompile", [bpoke], {"BPOKE_NOCOMPILE": "1"}),
                [Tool("bpoke", [bpoke]),
                 Tool("bpoke-nojit", [bpoke], {"BPOKE_NOJIT": "1"})], None)
    ts = [Tool("bpoke", [bpoke])]
    if opts["paths"]:
        ts.append(Tool("bpoke-nojit", [bpoke], {"BPOKE_NOJIT": "1"}))
        ts.append(Tool("bpoke-nocompile", [bpoke],
                       {"BPOKE_NOCOMPILE": "1"}))
    old = None
    poke2 = os.environ.get("POKE2", "poke")
    if poke2 and shutil.which(poke2):
        old = Tool("poke2", [poke2, "--no-hserver"])
    return ref, ts, old


def main(argv):
    opts = parse_args(argv)
    ref, ts, old = tools(opts)
    checker = Checker(ref, ts, old)
    start = time.time()
    count = agree = skipped = versions = unended = int64_min = 0
    found = []
    bykind = {}                     # kind: [programs, differences]

    def log(msg):
        print(msg, flush=True)
    k = 0
    signal.signal(signal.SIGTERM, interrupted)
    try:
        while opts["n"] == 0 or k < opts["n"]:
            if opts["time"] is not None and time.time() - start > opts["time"]:
                break
            num = opts["from"] + k
            selfc = opts["mode"] == "self" or (opts["mode"] == "mix"
                                               and num % 2 == 1)
            k += 1
            kind = opts["kinds"][(num // 2) % len(opts["kinds"])]
            prog = diffgen.generate(num, opts["skip"], selfc,
                                    opts["print43"], kind)
            ref_res, bad = checker.check(prog)
            count += 1
            bykind.setdefault(kind, [0, 0])[0] += 1
            if not ref_res.ended():
                # A mapped global that failed (GNU poke stops at the next
                # use), or a generator slip.
                unended += 1
            if not ref_res.clean():
                skipped += 1
                continue
            if bad and ref_res.int64_min_broken():
                int64_min += 1
                continue
            if not bad:
                agree += 1
                continue
            if all(checker.is_version_difference(prog, res) for _, res in bad):
                versions += 1
                name = "vdiff-prog-%d" % num
                log("program %d: as GNU poke 2.4, not as 4.3: %s/%s"
                    % (num, opts["out"], name))
                write_case(opts["out"], name, prog, ref_res, bad, "orig-")
                continue
            name = "%03d-prog-%d" % (len(found) + 1, num)
            bykind[kind][1] += 1
            log("program %d (%s): %s differ%s"
                % (num, kind, ", ".join(t.name for t, _ in bad),
                   "s" if len(bad) == 1 else ""))
            d = write_case(opts["out"], name, prog, ref_res, bad, "orig-")
            if opts["minimise"]:
                tool, res = bad[0]
                test = checker.predicate(tool, res, ref_res)
                minimise(prog, test, log)
                ref_res, bad2 = checker.check(prog)
                write_case(opts["out"], name, prog, ref_res, bad2 or bad)
            found.append(d)
            log("  written to %s" % d)
            if not opts["keep"]:
                break
    except KeyboardInterrupt:
        log("interrupted at program %d" % (opts["from"] + k - 1))
    el = time.time() - start
    log("%d programs in %.0f s: %d agree, %d differ, %d print as GNU "
        "poke 2.4 does, %d skipped (GNU poke warned or timed out), %d "
        "where GNU poke 4.3 failed to print the most negative int<64>; "
        "%d stopped before their end in GNU poke; %d runs"
        % (count, el, agree, len(found), versions, skipped, int64_min,
           unended, checker.runs))
    if len(opts["kinds"]) > 1 or opts["kinds"] != ["all"]:
        log("by kind (programs, differences): %s"
            % ", ".join("%s %d %d" % (kd, c[0], c[1])
                        for kd, c in sorted(bykind.items())))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
