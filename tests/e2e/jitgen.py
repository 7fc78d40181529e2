#!/usr/bin/env python3
"""jitgen.py -- random Poke programs for tests/e2e/jit.sh.

Usage: jitgen.py SEED NFUNCS

Prints a script of NFUNCS functions.  Each declares integral locals of
random widths and signedness, runs loops (for, while, nested, with
break and continue) over random well-typed integral expressions on them
and on globals, and prints its locals; the script calls each function
under try/catch (overflow and division by zero are frequent) and prints
the globals after each call.  Every expression keeps both operands of
a binary operator of one type, so that the compiled fast paths (and
the machine code) are the ones exercised; casts, ++/--, ?:, && and ||,
comparisons and the operators that go through the interpreter (<<.,
.>>, **) are mixed in.  The same script must print the same with and
without the machine code (BPOKE_NOJIT)."""

import random
import sys

WIDTHS = [1, 2, 3, 7, 8, 13, 16, 31, 32, 33, 63, 64]


def tname(t):
    size, sign = t
    return "%s<%d>" % ("int" if sign else "uint", size)


class Gen:
    def __init__(self, rnd):
        self.r = rnd
        self.out = []
        self.globals = []

    def rtype(self):
        size = self.r.choice(WIDTHS)
        # GNU poke 4.3 has no int<1>.
        return (size, size > 1 and self.r.random() < 0.6)

    def const(self, t):
        size, sign = t
        r = self.r
        pick = r.random()
        if pick < 0.5:
            v = r.randint(-9, 9)
        elif pick < 0.7:
            v = r.choice([1 << (size - 1), (1 << (size - 1)) - 1, -1,
                          (1 << size) - 1])
        else:
            v = r.getrandbits(size)
        v &= (1 << 64) - 1
        return "(0x%xUL as %s)" % (v, tname(t))

    def var(self, t, scope):
        cands = [n for n, vt in scope if vt == t]
        if cands:
            return self.r.choice(cands)
        return None

    def leaf(self, t, scope):
        """A variable read as type T: never a constant."""
        v = self.var(t, scope)
        if v:
            return v
        n, vt = self.r.choice(scope)
        return "(%s as %s)" % (n, tname(t))

    def expr(self, t, scope, depth):
        """Text of an expression of type T, and whether it is constant:
        constant subexpressions are folded when the script is compiled,
        where an overflow is an error, so no operator gets two constant
        operands."""
        r = self.r
        if depth <= 0 or r.random() < 0.25:
            if r.random() < 0.7:
                return self.leaf(t, scope), False
            return self.const(t), True
        k = r.random()
        if k < 0.45:
            op = r.choice(["+", "-", "*", "/", "%", "&", "|", "^",
                           "+", "-", "*", "%", "/"])
            b, bk = self.expr(t, scope, depth - 1)
            if op in "/%" and r.random() < 0.6:
                # Constant divisors: the machine code's special cases.
                d = r.choice([1, 2, 3, 5, 7, 10, 16, 255, -1, -3, -7,
                              641, 1 << 31, -(1 << 31) - 1])
                b = "(0x%xUL as %s)" % (d & ((1 << 64) - 1), tname(t))
                bk = True
            a, ak = self.expr(t, scope, depth - 1)
            if ak and bk:
                a, ak = self.leaf(t, scope), False
            return "(%s %s %s)" % (a, op, b), False
        if k < 0.55:
            a, ak = self.expr(t, scope, depth - 1)
            if ak:
                a = self.leaf(t, scope)
            return "(%s%s)" % (r.choice(["-", "~"]), a), False
        if k < 0.65:
            a, ak = self.expr(self.rtype(), scope, depth - 1)
            return "(%s as %s)" % (a, tname(t)), ak
        if k < 0.72:
            return "(%s ? %s : %s)" % (self.cond(scope, depth - 1),
                                       self.expr(t, scope, depth - 1)[0],
                                       self.leaf(t, scope)), False
        if k < 0.80:
            return "(%s as %s)" % (self.cond(scope, depth - 1), tname(t)), \
                False
        if k < 0.86:
            v = self.var(t, scope)
            if v and not v.startswith("i"):
                if r.random() < 0.5:
                    return "(%s%s)" % (v, r.choice(["++", "--"])), False
                return "(%s%s)" % (r.choice(["++", "--"]), v), False
            return self.leaf(t, scope), False
        if k < 0.92:
            sh = r.randint(0, t[0] - 1)
            return "(%s %s %d)" % (self.leaf(t, scope),
                                   r.choice(["<<.", ".>>"]), sh), False
        return "(%s ** %d)" % (self.leaf(t, scope), r.randint(0, 3)), False

    def cond(self, scope, depth):
        r = self.r
        t = self.rtype()
        k = r.random()
        if k < 0.6 or depth <= 0:
            a, ak = self.expr(t, scope, depth)
            b, bk = self.expr(t, scope, depth)
            if ak and bk:
                a = self.leaf(t, scope)
            return "(%s %s %s)" % (a, r.choice(["<", ">", "<=", ">=", "==",
                                                "!="]), b)
        if k < 0.75:
            return "(%s && %s)" % (self.cond(scope, depth - 1),
                                   self.cond(scope, depth - 1))
        if k < 0.9:
            return "(%s || %s)" % (self.cond(scope, depth - 1),
                                   self.cond(scope, depth - 1))
        return "(!%s)" % self.cond(scope, depth - 1)

    def assignable(self, scope):
        return [(n, t) for n, t in scope if not n.startswith("i")]

    def stmt(self, scope, depth, in_loop, ind):
        r = self.r
        k = r.random()
        cand = self.assignable(scope)
        if k < 0.45 and cand:
            n, t = r.choice(cand)
            op = r.choice(["=", "=", "=", "+=", "-=", "*=", "%=", "^="])
            return ["%s%s %s %s;" % (ind, n, op, self.expr(t, scope, 3)[0])]
        if k < 0.55 and cand:
            n, t = r.choice(cand)
            return ["%s%s%s;" % (ind, n, r.choice(["++", "--"]))]
        if k < 0.70:
            lines = ["%sif %s" % (ind, self.cond(scope, 2))]
            lines += self.stmt(scope, depth - 1, in_loop, ind + "  ")
            if r.random() < 0.5:
                lines.append("%selse" % ind)
                lines += self.stmt(scope, depth - 1, in_loop, ind + "  ")
            return lines
        if k < 0.78 and in_loop:
            return ["%sif %s %s;" % (ind, self.cond(scope, 1),
                                     r.choice(["break", "continue"]))]
        if k < 0.92 and depth > 0:
            return self.loop(scope, depth - 1, ind)
        return ["%s{" % ind] + self.body(scope, depth - 1, in_loop,
                                          ind + "  ") + ["%s}" % ind]

    def body(self, scope, depth, in_loop, ind):
        out = []
        for _ in range(self.r.randint(1, 4)):
            out += self.stmt(scope, depth, in_loop, ind)
        return out

    def loop(self, scope, depth, ind):
        r = self.r
        self.nloops += 1
        i = "i%d" % self.nloops
        n = r.randint(0, 12)
        inner = scope + [(i, (32, True))]
        if r.random() < 0.6:
            head = "%sfor (var %s = 0; %s < %d; %s++)" % (ind, i, i, n, i)
            return [head, ind + "  {"] + self.body(inner, depth, True,
                                                   ind + "    ") \
                + [ind + "  }"]
        # while: the counter moves first, so that continue cannot loop
        # forever.
        return ["%s{" % ind, "%s  var %s = 0;" % (ind, i),
                "%s  while (%s < %d)" % (ind, i, n), ind + "    {",
                "%s      %s++;" % (ind, i)] \
            + self.body(inner, depth, True, ind + "      ") \
            + [ind + "    }", ind + "}"]

    def func(self, k):
        r = self.r
        self.nloops = 0
        scope = list(self.globals)
        lines = ["fun f%d = void:" % k, "{"]
        locs = []
        for m in range(r.randint(1, 4)):
            t = self.rtype()
            name = "l%d" % m
            lines.append("  var %s = %s;" % (name, self.const(t)))
            locs.append((name, t))
        scope += locs
        lines += self.loop(scope, 2, "  ")
        if r.random() < 0.5:
            lines += self.loop(scope, 1, "  ")
        fmt = " ".join("%v" for _ in locs)
        lines.append('  printf ("f%d: %s\\n", %s);'
                     % (k, fmt, ", ".join(n for n, _ in locs)))
        lines.append("}")
        return lines

    def program(self, nfuncs):
        out = []
        for m in range(4):
            t = self.rtype()
            name = "g%d" % m
            out.append("var %s = %s;" % (name, self.const(t)))
            self.globals.append((name, t))
        gfmt = " ".join("%v" for _ in self.globals)
        gargs = ", ".join(n for n, _ in self.globals)
        for k in range(nfuncs):
            out += self.func(k)
            out.append("try f%d; catch (Exception e) "
                       "{ printf (\"f%d raised %%i32d\\n\", e.code); }"
                       % (k, k))
            out.append('printf ("globals: %s\\n", %s);' % (gfmt, gargs))
        return out


def main():
    seed = int(sys.argv[1])
    nfuncs = int(sys.argv[2])
    g = Gen(random.Random(seed))
    print("\n".join(g.program(nfuncs)))


if __name__ == "__main__":
    main()
