#!/usr/bin/env python3
"""datasafety.py -- bpoke never loses a byte: run by datasafety.sh.

After every step, each file must hold exactly what the last command
that finished wrote; the expected contents are computed here, in
Python, never read from bpoke.

- kills: bpoke killed (SIGKILL) at random points of its commits,
  DATASAFETY_ITERATIONS times (default 50): half at a random step of a
  commit (BPOKE_CRASH_AT_STEP makes bpoke kill itself there), half at a
  random time while it runs commands whose commits are long.  Then the
  file is opened read-only (it must not change, and a journal must stay)
  and read-write (the interrupted commit is rolled back).
- changes under bpoke: between two commands of one bpoke, the file is
  replaced (renamed over), rewritten in place with its size and time
  kept, grown and truncated, and another IO space on the same file is
  used; what bpoke writes next lands on the file as it is then, and
  bytes it did not assign are never written back.
- planted journals: stale, foreign (another file's, or the file replaced
  by a new build after a crash), damaged, and symlinks at the journal's
  name: never replayed, never written through, always reported.
- full file systems: a small tmpfs (skipped, visibly, when it cannot be
  mounted) and `ulimit -f': a failed commit writes nothing to any
  space, says which space failed and why, and exits with status 1.
"""

import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

BPOKE = os.environ["BPOKE"]
ITERATIONS = int(os.environ.get("DATASAFETY_ITERATIONS", "50"))
SEED = int(os.environ.get("DATASAFETY_SEED", str(int(time.time()))))
rng = random.Random(SEED)
work = tempfile.mkdtemp(prefix="datasafety.")
passed = failed = 0


def ok(what):
    global passed
    passed += 1
    print("ok: " + what)


def ko(what):
    global failed
    failed += 1
    print("FAIL: " + what)


def check(cond, what, detail=""):
    if cond:
        ok(what)
    else:
        ko(what + (": " + detail if detail else ""))
    return cond


def path(name):
    return os.path.join(work, name)


def jpath(name):
    return path(name) + ".bpoke-journal"


def put(name, data):
    with open(path(name), "wb") as f:
        f.write(data)


def get(name):
    with open(path(name), "rb") as f:
        return f.read()


def rm(name):
    """Remove the file NAME of the work directory, if it is there."""
    try:
        os.unlink(name if name.startswith("/") else path(name))
    except FileNotFoundError:
        pass


def diff(got, want):
    """Where two byte strings differ, briefly."""
    if len(got) != len(want):
        return "size %d, want %d" % (len(got), len(want))
    for i, (a, b) in enumerate(zip(got, want)):
        if a != b:
            return "byte %#x is %#x, want %#x" % (i, a, b)
    return "same"


def bpoke(*args, env=None, stdin=None, cwd=None):
    """Run bpoke -q ARGS in the work directory: (status, stdout, stderr)."""
    e = dict(os.environ)
    e.update(env or {})
    r = subprocess.run([BPOKE, "-q"] + list(args), cwd=cwd or work, env=e,
                       input=stdin, capture_output=True, text=True,
                       timeout=120)
    return r.returncode, r.stdout, r.stderr


def lit(data):
    return "[" + ",".join("%#xUB" % b for b in data) + "]"


# Writes: each returns its Poke text (on the current IO space) and
# applies itself to a bytearray as the expected result.

def w_bytes(off, data):
    def apply(buf):
        if len(buf) < off + len(data):
            buf.extend(bytes(off + len(data) - len(buf)))
        buf[off:off + len(data)] = data
    return "byte[%d] @ %d#B = %s" % (len(data), off, lit(data)), apply


def w_nibble(off, v):
    """The low 4 bits of byte OFF."""
    def apply(buf):
        if len(buf) < off + 1:
            buf.extend(bytes(off + 1 - len(buf)))
        buf[off] = (buf[off] & 0xf0) | v
    return "uint<4> @ %d#b = %#x" % (off * 8 + 4, v), apply


def w_loop(off, n, k, c):
    """N bytes from OFF, byte I being (I * K + C) & 0xff."""
    def apply(buf):
        if len(buf) < off + n:
            buf.extend(bytes(off + n - len(buf)))
        for i in range(n):
            buf[off + i] = (i * k + c) & 0xff
    text = ("for (var i = 0UL; i < %dUL; i++) byte @ (%dUL + i)#B = "
            "((i * %dUL + %dUL) & 0xffUL) as uint<8>" % (n, off, k, c))
    return text, apply


def random_command(size, big):
    """One command of a few writes to a file of SIZE bytes."""
    writes = []
    for _ in range(rng.randint(1, 4)):
        kind = rng.choice(["bytes", "nibble", "grow", "loop" if big
                           else "bytes"])
        if kind == "bytes":
            n = rng.randint(1, 40)
            off = rng.randrange(0, max(1, size - n))
            writes.append(w_bytes(off, bytes(rng.randrange(256)
                                             for _ in range(n))))
        elif kind == "nibble":
            writes.append(w_nibble(rng.randrange(size), rng.randrange(16)))
        elif kind == "grow":
            off = size + rng.randint(0, 9000)
            writes.append(w_bytes(off, bytes(rng.randrange(256)
                                             for _ in range(rng.randint(1, 9)))))
        else:
            off = rng.randrange(size)
            writes.append(w_loop(off, rng.randint(20000, 200000),
                                 rng.randrange(1, 256), rng.randrange(256)))
    text = "{ " + "; ".join(t for t, _ in writes) + "; }"
    return text, [a for _, a in writes]


def states_of(initial, commands):
    """The file after 0, 1, ... commands."""
    states = [bytes(initial)]
    buf = bytearray(initial)
    for _, applies in commands:
        for a in applies:
            a(buf)
        states.append(bytes(buf))
    return states


def leftovers(names):
    """Files in the work directory beyond NAMES (a crash's litter)."""
    return sorted(set(os.listdir(work)) - set(names))


def killed_run(i, timed):
    """One iteration: commands on a fresh file, bpoke killed among them."""
    name = "k%d.bin" % i
    size = rng.randint(1, 30000)
    initial = bytes(rng.randrange(256) for _ in range(size))
    put(name, initial)
    commands = []
    for _ in range(rng.randint(2, 5)):
        commands.append(random_command(size, timed))
        size = len(states_of(initial, commands)[-1])
    states = states_of(initial, commands)
    args = [name]
    for k, (text, _) in enumerate(commands):
        args += ["-c", text, "-c", 'print "@%d\\n"' % (k + 1)]
    env = dict(os.environ)
    if not timed:
        env["BPOKE_CRASH_AT_STEP"] = str(rng.randrange(12 * len(commands)))
    p = subprocess.Popen([BPOKE, "-q"] + args, cwd=work, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True)
    if timed:
        time.sleep(rng.uniform(0, 0.03 * len(commands)))
        p.send_signal(signal.SIGKILL)
    out, _ = p.communicate()
    killed = p.returncode == -signal.SIGKILL
    done = max([0] + [int(l[1:]) for l in out.split("\n")
                      if l.startswith("@")])
    had_journal = os.path.exists(jpath(name))
    before = get(name)
    what = "kill %d (%s, %s, after %d of %d commands%s)" % (
        i, "timed" if timed else "at step " + env["BPOKE_CRASH_AT_STEP"],
        "killed" if killed else "not killed", done, len(commands),
        ", journal left" if had_journal else "")
    good = True
    litter = leftovers([name, name + ".bpoke-journal"])
    good &= check(not litter, what + ": nothing else left behind",
                  " ".join(litter))
    # Read-only: the file stays as the crash left it.
    st, _, err = bpoke("-c", 'var f = open ("%s", IOS_M_RDONLY)' % name,
                       "-c", "iosize (f)")
    good &= check(get(name) == before
                  and os.path.exists(jpath(name)) == had_journal
                  and (not had_journal or "not rolled back" in err),
                  what + ": a read-only open changes nothing", err.strip())
    # Read-write: rolled back to what the last finished command wrote.
    st, _, err = bpoke("-c", ".file " + name)
    got = get(name)
    if had_journal:
        want = [states[done]]
    elif killed:
        want = [states[done], states[min(done + 1, len(commands))]]
    else:
        want = [states[-1]]
    good &= check(got in want and not os.path.exists(jpath(name))
                  and (not had_journal or "bpoke-journal" in err),
                  what + ": the file holds the last finished command's "
                  "writes", diff(got, want[0]) + " " + err.strip())
    os.unlink(path(name))
    return killed, had_journal


def kills():
    nkilled = njournal = 0
    for i in range(ITERATIONS):
        killed, had_journal = killed_run(i, timed=i % 2 == 1)
        nkilled += killed
        njournal += had_journal
    print("kills: %d runs, %d killed, %d of them in the middle of a commit "
          "(a journal was left)" % (ITERATIONS, nkilled, njournal))
    check(njournal > 0, "some kills landed in the middle of a commit")


class Session:
    """A bpoke reading commands from a pipe, one at a time."""

    def __init__(self, *args):
        self.err = open(path("session.err"), "w+")
        self.p = subprocess.Popen([BPOKE, "-q"] + list(args), cwd=work,
                                  stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=self.err,
                                  text=True, bufsize=1)
        self.n = 0

    def run(self, cmd):
        """Run CMD; return once it has finished (and committed)."""
        self.n += 1
        self.p.stdin.write(cmd + "\n" + 'print "@@%d\\n"\n' % self.n)
        self.p.stdin.flush()
        out = []
        while True:
            line = self.p.stdout.readline()
            if not line or line == "@@%d\n" % self.n:
                return "".join(out)
            out.append(line)

    def stderr(self):
        self.err.seek(0)
        return self.err.read()

    def close(self):
        """Let bpoke end: its exit status and what it said on stderr."""
        self.p.stdin.close()
        self.p.wait(timeout=60)
        err = self.stderr()
        self.err.close()
        return self.p.returncode, err


def age(name, secs=3600):
    """Set the file's times in the past, so that bpoke trusts them."""
    t = time.time() - secs
    os.utime(path(name), (t, t))


def poke_behind(name, off, data):
    """Write DATA at OFF of the file as another program, keeping its size
    and modification time."""
    st = os.stat(path(name))
    fd = os.open(path(name), os.O_WRONLY)
    os.pwrite(fd, data, off)
    os.close(fd)
    os.utime(path(name), ns=(st.st_atime_ns, st.st_mtime_ns))


def changes_under_bpoke():
    put("u.bin", bytes(256))
    want = bytearray(256)
    s = Session("u.bin")
    # The stale page of another IO space on the same file.
    s.run('var fd = open ("%s")' % path("u.bin"))
    s.run("byte @ fd : 50#B")
    s.run("byte @ 0 : 50#B = 0x55")
    want[50] = 0x55
    s.run("{ byte @ fd : 0#B = 1; byte @ fd : 100#B = 1; }")
    want[0] = want[100] = 1
    check(get("u.bin") == want, "two IO spaces on one file: no stale byte "
          "written back", diff(get("u.bin"), want))
    # Another program writes between two commands, keeping size and
    # time: bpoke reads it, and does not write its old byte back.
    age("u.bin")
    s.run("byte @ 60#B")
    poke_behind("u.bin", 60, b"\x66")
    want[60] = 0x66
    out = s.run("byte @ 60#B")
    check(out.strip() == "102UB", "a change by another program is read",
          out.strip())
    s.run("{ byte @ 59#B = 9; byte @ 61#B = 9; }")
    want[59] = want[61] = 9
    check(get("u.bin") == want, "... and kept", diff(get("u.bin"), want))
    # Same, within the clock tick of bpoke's last look.
    s.run("byte @ 70#B")
    poke_behind("u.bin", 70, b"\x77")
    want[70] = 0x77
    s.run("{ byte @ 69#B = 9; byte @ 71#B = 9; }")
    want[69] = want[71] = 9
    check(get("u.bin") == want, "a change in the same clock tick is kept",
          diff(get("u.bin"), want))
    # Grown and truncated by another program.
    with open(path("u.bin"), "ab") as f:
        f.write(b"\xee" * 100)
    want += b"\xee" * 100
    out = s.run("iosize")
    check(out.strip() == "356UL#B", "growth by another program is seen",
          out.strip())
    s.run("byte @ 300#B = 3")
    want[300] = 3
    check(get("u.bin") == want, "... and kept", diff(get("u.bin"), want))
    os.truncate(path("u.bin"), 200)
    del want[200:]
    out = s.run("iosize")
    check(out.strip() == "200UL#B", "truncation by another program is seen",
          out.strip())
    s.run("byte @ 199#B = 4")
    want[199] = 4
    check(get("u.bin") == want, "... and kept", diff(get("u.bin"), want))
    # Replaced by a new file, as a build or an editor does.
    put("u.new", b"N" * 300)
    os.rename(path("u.new"), path("u.bin"))
    want = bytearray(b"N" * 300)
    out = s.run("byte @ 250#B")
    check(out.strip() == "78UB", "a replaced file is read anew", out.strip())
    s.run("byte @ 1#B = 5")
    want[1] = 5
    check(get("u.bin") == want, "... and written, not the old one",
          diff(get("u.bin"), want))
    # A command that fails writes nothing, even after close ().
    s.run('var g = open ("%s")' % os.path.join(work, ".", "u.bin"))
    s.run("{ byte @ g : 2#B = 6; close (g); raise E_inval; }")
    check(get("u.bin") == want, "a failed command that closed its space "
          "writes nothing", diff(get("u.bin"), want))
    status, err = s.close()
    check("replaced" in err and status == 0,
          "bpoke said the file was replaced, and ended well", err)


def leave_journal(name, data, step=6):
    """NAME holding DATA, a commit to it interrupted at STEP (6: after
    the first range written): returns the file as the crash left it."""
    put(name, data)
    bpoke(name, "-c", "{ byte @ 1#B = 0xaa; byte @ 9000#B = 0xbb; "
          "byte @ 12000#B = 0xcc; }", env={"BPOKE_CRASH_AT_STEP": str(step)})
    return get(name)


def planted_journals():
    data = bytes((i * 7 + 1) & 0xff for i in range(10000))
    # Symlinks planted at the journal's name.
    put("victim", b"precious")
    for target in ("victim", "nowhere"):
        put("p.bin", data)
        os.symlink(path(target), jpath("p.bin"))
        st, _, err = bpoke("p.bin", "-c", "byte @ 0#B = 1")
        check(get("p.bin") == data and get("victim") == b"precious"
              and not os.path.exists(path("nowhere"))
              and os.path.islink(jpath("p.bin")) and st == 1
              and "symbolic link" in err and "in the way" in err,
              "a symlink to %s at the journal's name is not written "
              "through" % target, err.strip())
        rm(jpath("p.bin"))
    # The scenario: killed during a commit, the file replaced by a new
    # build, which is opened read-only, then read-write.
    half = leave_journal("p.bin", data)
    check(os.path.exists(jpath("p.bin")) and half != data,
          "a crash mid-commit leaves a journal")
    build = bytes(rng.randrange(256) for _ in range(12001))
    put("p.new", build)
    os.rename(path("p.new"), path("p.bin"))
    for mode, cmd in (("read-only", 'var f = open ("p.bin", IOS_M_RDONLY)'),
                      ("read-write", 'var f = open ("p.bin")')):
        st, _, err = bpoke("-c", cmd, "-c", "byte @ f : 0#B")
        check(get("p.bin") == build and os.path.exists(jpath("p.bin"))
              and "does not belong" in err and st == 0,
              "a new build is not rolled back with the old journal "
              "(%s), and that is said" % mode, err.strip())
    # ... and it does not let a commit go through it.
    st, _, err = bpoke("p.bin", "-c", "byte @ 0#B = 1", "-c", 'print "x\\n"')
    check(get("p.bin") == build and st == 1 and "in the way" in err,
          "a commit is refused while a foreign journal is there",
          err.strip())
    rm(jpath("p.bin"))
    # Stale: the file was mended by hand since the crash.
    half = leave_journal("p.bin", data)
    mended = bytearray(half)
    mended[1] = 0x42
    put("p.bin", bytes(mended))
    st, _, err = bpoke("-c", ".file p.bin")
    check(get("p.bin") == mended and "does not belong" in err,
          "a stale journal is left alone", err.strip())
    rm(jpath("p.bin"))
    # Another file's journal.
    leave_journal("q.bin", data)
    put("p.bin", data)
    shutil.copy(jpath("q.bin"), jpath("p.bin"))
    st, _, err = bpoke("-c", ".file p.bin")
    check(get("p.bin") == data and "another file" in err,
          "another file's journal is left alone", err.strip())
    rm(jpath("p.bin"))
    rm(jpath("q.bin"))
    # Damaged: cut short, or a byte changed.
    for how in ("cut", "flipped", "garbage"):
        half = leave_journal("p.bin", data)
        j = bytearray(open(jpath("p.bin"), "rb").read())
        if how == "cut":
            j = j[:len(j) // 2]
        elif how == "flipped":
            j[rng.randrange(len(j))] ^= 0x10
        else:
            j = bytearray(rng.randrange(256) for _ in range(len(j)))
        open(jpath("p.bin"), "wb").write(j)
        st, _, err = bpoke("-c", ".file p.bin")
        check(get("p.bin") == half and os.path.exists(jpath("p.bin"))
              and "left alone" in err,
              "a %s journal is left alone, the file too" % how, err.strip())
        rm(jpath("p.bin"))
    # A genuine one, read-only first.
    half = leave_journal("p.bin", data)
    st, _, err = bpoke("-c", 'var f = open ("p.bin", IOS_M_RDONLY)')
    check(get("p.bin") == half and "not rolled back" in err,
          "read-only: the journal is reported, not replayed", err.strip())
    st, _, err = bpoke("-c", ".file p.bin")
    check(get("p.bin") == data and not os.path.exists(jpath("p.bin"))
          and "rolled back" in err,
          "read-write: it is replayed, and that is said", err.strip())


def full_file_systems():
    # ulimit -f: the file may not grow past the limit.
    data = bytes(rng.randrange(256) for _ in range(10000))
    put("f.bin", data)
    put("g.bin", data)
    r = subprocess.run(["sh", "-c", 'ulimit -f 100 && exec "$0" -q "$4" '
                        '-c "$1" -c "$2" -c "$3"', BPOKE,
                        'var g = open ("g.bin")',
                        "{ byte @ g : 0#B = 1; byte @ 0#B = 1; "
                        "byte @ 2000000#B = 1; }", 'print "after\\n"',
                        "f.bin"], cwd=work, capture_output=True, text=True)
    check(get("f.bin") == data and get("g.bin") == data
          and r.returncode == 1 and "IO space #0 (./f.bin)" in r.stderr
          and "File too large" in r.stderr and "after" not in r.stdout,
          "ulimit -f: nothing written to either space, the reason said, "
          "status 1", r.stderr.strip())
    # A file already past the limit: its first range is written, the
    # second fails, and the first is put back.
    big = bytes(rng.randrange(256) for _ in range(300000))
    put("f.bin", big)
    r = subprocess.run(["sh", "-c", 'ulimit -f 100 && exec "$0" -q "$2" '
                        '-c "$1"', BPOKE,
                        "{ byte @ 10#B = ~(byte @ 10#B); "
                        "byte @ 250000#B = ~(byte @ 250000#B); }",
                        "f.bin"], cwd=work, capture_output=True, text=True)
    check(get("f.bin") == big and r.returncode == 1
          and "File too large" in r.stderr
          and not os.path.exists(jpath("f.bin")),
          "ulimit -f: a commit that failed half-way is undone",
          r.stderr.strip())
    # A small tmpfs.
    mnt = path("mnt")
    os.mkdir(mnt)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=128k", "tmpfs",
                       mnt], capture_output=True).returncode != 0:
        print("SKIP: the tmpfs cases (cannot mount a tmpfs here)")
        os.rmdir(mnt)
        return
    try:
        small = bytes(rng.randrange(256) for _ in range(20000))
        for growth, where in ((200000, "the journal"), (60000, "the file")):
            put("mnt/t.bin", small)
            put("g.bin", data)
            st, out, err = bpoke(
                "mnt/t.bin", "-c", 'var g = open ("g.bin")', "-c",
                "{ byte @ g : 5#B = 1; for (var i = 0UL; i < %dUL; i++) "
                "byte @ (20000UL + i)#B = 0x33; }" % growth,
                "-c", 'print "after\\n"')
            check(get("mnt/t.bin") == small and get("g.bin") == data
                  and os.listdir(mnt) == ["t.bin"] and st == 1
                  and "No space left on device" in err
                  and "IO space #0 (./mnt/t.bin)" in err
                  and "after" not in out,
                  "a full tmpfs (no room for %s): nothing written, the "
                  "reason said" % where, err.strip())
        # The room is there again once the failed commit is undone.
        st, out, err = bpoke("mnt/t.bin", "-c", "byte @ 20005#B = 0x44")
        check(get("mnt/t.bin") == small + bytes(5) + b"\x44" and st == 0,
              "... and the file system has its room back", err.strip())
    finally:
        subprocess.run(["umount", mnt])
        os.rmdir(mnt)


def main():
    print("seed %d (DATASAFETY_SEED), %d iterations (DATASAFETY_ITERATIONS)"
          % (SEED, ITERATIONS))
    try:
        for part in (kills, changes_under_bpoke, planted_journals,
                     full_file_systems):
            try:
                part()
            except Exception as e:      # A broken set-up is a failure too.
                ko("%s stopped: %s: %s" % (part.__name__,
                                           type(e).__name__, e))
    finally:
        subprocess.run(["umount", path("mnt")], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
