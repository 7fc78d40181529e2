#!/usr/bin/env python3
"""diffgen.py -- random Poke programs on mapped data, for differential
testing of bpoke against GNU poke (tests/e2e/difftest.py) and of bpoke's
three execution paths against each other (tests/e2e/diff.sh).

Usage: diffgen.py [--self] [--print43] [--kind KIND] [--skip NAME,...]
                  NUMBER
                  [OUT.bpk [OUT.bin]]

Prints program NUMBER (the same number gives the same program), or
writes it to OUT.bpk.

A program is a list of commands for `-s' (one command a line), with its
data: random bytes, with more zeros and letters than chance gives, so
that strings end and constraints sometimes hold.  In the default mode
the program opens `data.bin' in the current directory, which the caller
fills with the bytes; with --self the program makes its own data: it
writes the bytes at the end of a memory IO space (4096 bytes), so that
the data ends where the space does, as a file would.  OUT.bin gets the
bytes (and nothing is written to it with --self).

What a program does:
- declares integral globals and, for each, a function that sets it;
- declares random struct types: integral fields of widths 1 to 64,
  signed and unsigned, some `big' or `little'; offsets in units b, B, N
  and a declared unit; strings; nested structs, named and anonymous;
  arrays bounded by a count (a constant, a global or an earlier field),
  by a size, or unbounded; constraints; labels (`@'); optional fields
  (`if'); field initializers; pinned structs; integral structs
  (`struct uint<N> {...}'); unions whose alternatives have constraints
  naming globals, fields of the enclosing struct and earlier
  alternatives; methods that read fields by bare name, assign them
  (=, +=, ++, --), take arguments, and raise after writing;
- maps some types as globals (`var G0 = T @! off'), printed and written
  at top level and in scenes;
- runs scenes: a block, a function or a loop (compiled by bpoke) that
  maps types onto the data (`T @ off', `T @! off', arrays `T[n]', `T[]',
  at byte or bit offsets), prints values, writes through fields, nested
  values, array elements, methods, functions taking the value, for-in
  loops, constructed values (`v.n = T1 {}'), unmapped copies and copies
  in a second IO space, writes the bytes underneath, changes globals
  (directly or by a call) and the byte order, maps the variable
  elsewhere or the same place again, compares, and prints again.  Every
  step is in its own try/catch that prints the exception's name, so one
  failing step does not hide the next, and the scene as a whole is one
  too;
- at top level, prints values through the prompt's printer (`T @! off'
  as an expression), switches `.set omode', `.set obase' and
  `.set endian';
- ends by printing every byte of the data, and `END'.

Constructs left out on purpose, because GNU poke 2.4 (whose language
bpoke implements) and GNU poke 4.3 (the reference) print or behave
differently -- found by running this generator's programs through both
(difftest.py --ref-only):
- `.set obase 16' and `.set obase 8': 4.3 pads digits to the width
  (0x03UB where 2.4 prints 0x3UB).  The programs use `.set obase 2',
  which both pad, and print through the prompt under it only values of
  4, 8, 16, 32 or 64 bits (2.4 prints no `(uint<3>)' there).
- printf "%v" of integers whose width is not 4, 8, 16, 32 or 64 (and of
  offsets with such a magnitude): 2.4 prints 5U, 4.3 (uint<13>) 5.  Such
  values are printed as a cast to a 64-bit integer, field by field, or
  through the prompt, where both print alike.
- uint<1> through the prompt: 4.3 prints 0T, 2.4 (uint<1>) 0.
- The prompt's printing of strings with non-printable characters: 2.4
  prints them raw, 4.3 escapes them.  String fields are mostly
  constrained to printable characters (the function `pr'); a value whose
  strings may hold others is never printed through the prompt.
- Messages of unhandled exceptions: 4.3 shows a failed constraint's
  expression, 2.4 names the field.  Everything that can raise a
  constraint violation is inside try/catch and prints e.name only, and
  globals are mapped non-strictly.
- Compile errors and warnings: 4.3 prints no source line.  The programs
  are well typed; no union alternative follows one without a constraint
  (GNU poke warns that it is unreachable); no `big'/`little' on a field
  whose type is a struct (both warn).
- A struct printed with its first field absent: 2.4 prints {,f1=...}.
  The first field is never optional.
- Assigning a field that other fields depend on (an array bound, a
  condition, a label, a constraint) or that has an initializer: 2.4
  raises E_conv, 4.3 E_constraint.  Such fields are not assigned.
- A method's assignment that breaks a constraint: 2.4 writes the struct
  and raises, 4.3 only raises.  Methods assign only in types without
  constraints or unions.
- A 64-bit offset magnitude in a unit other than bits: 4.3 raises
  E_overflow on conversion, 2.4 wraps around.
- An array bounded by a size whose structs vary in size: inside an
  unbounded array, 2.4 raises E_map_bounds where 4.3 ends the array.
- Signed integers of width 1: 4.3 refuses them.
- `iosize' after a write past the end of a file: GNU poke keeps the old
  size.
- == of unions of three alternatives or more: GNU poke fails an
  assertion (and aborts) when the left one took its first alternative
  and the right one another.  Values whose type holds such a union are
  not compared.
- GNU poke 4.3-only syntax (`computed' fields, `if (C) T f;'
  pre-conditional fields) is never generated.
Left in, though 2.4 differs: little-endian integers of 16 bits and more
written at offsets that are not multiples of 8 bits, which 2.4 garbles
(4.3 and bpoke write them so that they read back; doc/bpoke.texi, "bpoke
and GNU poke"); and printf "%v" of the most negative int<64>, where 4.3
raises E_overflow halfway.  difftest.py tells such differences apart.
Left out because GNU poke does them wrong: copies of values holding
strings (GNU poke writes characters of 0x80 and more sign-extended at
offsets that are not multiples of 8 bits); zero-sized elements in
unbounded arrays (they never end).

--print43 lifts the exclusions above that are about printing alone
(obase 16 and 8, printf "%v" of any width, uint<1> and strings of any
characters through the prompt): bpoke prints as GNU poke 4.3 does.

--kind KIND makes the program dwell on one thing (KINDS below):
mapping, writes, unions, arrays and methods weigh the steps and types
above towards theirs; arith adds scenes of integral and offset
arithmetic (every operator, casts, conditional expressions, compound
assignments, ++ and --, bit assignments, 'size and 'signed) on local
variables of every width, globals and fields of mapped values; print
adds scenes of printf's tags (%v with its depth and flags, %iNd,
%uNx..., %c, %s), format, and the prompt's printer settings (obase,
omode, odepth, oacutoff, oindent, omaps).  A kind implies --print43:
those programs are for GNU poke 4.3 only.  No operator of arith has both
operands constant (GNU poke folds them at compile time, and reports
some errors there), no divisor is a constant zero and no constant count
of a left shift reaches the width.

--skip NAME,... leaves out constructs that trip a known bpoke bug, so
that a long run goes on finding others.  The names are listed in SKIPS
below.
"""

import random
import re
import sys

SKIPS = {
    "method-assign": "methods only read fields (no assignment by bare "
                     "name)",
    "union-eof": "unions only in types of bounded size, mapped where "
                 "they fit",
    "union-earlier": "no union constraint names an earlier alternative",
    "global-call": "globals are never changed by a function call",
    "string-printf": "strings are never printed with printf \"%v\"",
    "optional-eof": "no optional fields (GNU poke maps an optional "
                    "field before testing its condition)",
    "label-size": "no 'size of a value whose type has labels",
    "offset-compare": "offsets are compared with offsets in bits only",
    "failed-var": "mapped globals only of types of fixed size without "
                  "unions, where they fit (their map cannot fail, so "
                  "no unhandled exception's message is printed)",
    "unmap-nonstrict": "no unmap of a value mapped non-strictly",
    "struct-write-endian": "no whole struct written whose type has "
                           "big or little fields",
    "unmap-unmapped": "no unmap of a variable given a constructed value",
    "assign-reread": "no whole struct or array written whose size "
                     "varies",
    "endian-index": "no set_endian inside scenes",
    "pinned-write": "no whole struct written that holds a pinned struct, "
                    "no method assigning fields of a struct whose fields "
                    "overlap (pinned, or labels)",
    "label-optional": "no label on an optional field",
    "elem-msg": "nothing printed through the prompt (where an unhandled "
                "exception's message shows) holds an array of structs",
    "struct-eq": "no == of values whose type has optional fields",
    "union-assign": "no assignment to a union or inside one",
    "array-length-assign": "no whole array written whose length varies",
    "stale-index": "no array mapped as a variable (GNU poke indexes it "
                   "with the element count of its last map)",
    "offset-convert": "offset fields have unsigned magnitudes (no "
                      "negative offset converted between units)",
    "pinned-string": "no string field in a pinned struct",
    "bound-recheck": "no variable given a constructed value (its arrays "
                     "keep their length when a global in their bound "
                     "changes)",
    "nested-capture": "inline types name no field of the enclosing "
                      "struct or union (GNU poke's nested struct sees "
                      "them as they were when it was built)",
}

KINDS = {
    "all": "everything below, mostly mapping",
    "mapping": "maps at byte and bit offsets, arrays of structs, the "
               "same place mapped again, variables mapped elsewhere",
    "writes": "writes through fields, elements, whole values, "
              "functions, loops, copies and the bytes underneath",
    "unions": "types with unions, nested and inline structs",
    "arrays": "array fields of every bound, arrays mapped as values",
    "methods": "types with many methods, called often",
    "arith": "integral and offset arithmetic on variables of every "
             "width, globals and mapped fields (bit assignments too)",
    "print": "printf's tags, format, the prompt's printer settings",
}

WIDTHS = [1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 15, 16, 17, 24, 31, 32, 33, 48,
          63, 64]
PWIDTHS = (4, 8, 16, 32, 64)     # printf "%v" prints them alike
UNITS = [("b", 1), ("B", 8), ("N", 4), ("Q", 3)]
MEMSIZE = 4096


# ---------------------------------------------------------------- types

class Int:
    def __init__(self, w, signed):
        self.w, self.signed = w, signed

    def text(self):
        return "%s<%d>" % ("int" if self.signed else "uint", self.w)

    def psafe(self):
        return self.w in PWIDTHS

    def bits(self):
        return self.w

    def lo(self):
        return -(1 << (self.w - 1)) if self.signed else 0

    def hi(self):
        return (1 << (self.w - 1)) - 1 if self.signed else (1 << self.w) - 1


class Off:
    def __init__(self, base, unit):
        self.base, self.unit = base, unit

    def text(self):
        return "offset<%s,%s>" % (self.base.text(), self.unit)

    def psafe(self):
        return self.base.psafe()

    def bits(self):
        return self.base.w


class Str:
    def text(self):
        return "string"

    def psafe(self):
        return True

    def bits(self):
        return None


class Arr:
    """An array type; KIND is count, size or none, BOUND its text."""

    def __init__(self, elem, kind, bound, count=None):
        self.elem, self.kind, self.bound = elem, kind, bound
        self.count = count          # the static count, when known

    def text(self):
        return "%s[%s]" % (self.elem.text(), self.bound)

    def psafe(self):
        return self.elem.psafe()

    def bits(self):
        e = self.elem.bits()
        if e is None or self.count is None:
            return None
        return e * self.count


class Ref:
    """A struct or union type: named (DECL.name) or written inline."""

    def __init__(self, decl, inline=False):
        self.decl, self.inline = decl, inline

    def text(self):
        return self.decl.body() if self.inline else self.decl.name

    def psafe(self):
        return all(f.type.psafe() for f in self.decl.fields)

    def bits(self):
        return self.decl.bits()


def has_string(t, strict_ok=False):
    """Whether values of T can hold a string that may not be printable:
    with STRICT_OK, strings constrained by `pr' do not count."""
    if isinstance(t, Str):
        return True
    if isinstance(t, Arr):
        return has_string(t.elem, strict_ok)
    if isinstance(t, Ref):
        for f in t.decl.fields:
            if isinstance(f.type, Str):
                if not (strict_ok and f.printable):
                    return True
            elif has_string(f.type, strict_ok):
                return True
    return False


def minbits(t):
    """The fewest bits a value of T takes: an unbounded array of values
    that can take none would never end."""
    if isinstance(t, Int):
        return t.w
    if isinstance(t, Off):
        return t.base.w
    if isinstance(t, Str):
        return 8
    if isinstance(t, Arr):
        return t.count * minbits(t.elem) if t.count else 0
    d = t.decl
    if d.kind == "integral":
        return d.itype.w
    sizes = [0 if f.cond or f.label else minbits(f.type) for f in d.fields]
    if not sizes:
        return 0
    if d.kind == "union":
        return min(sizes)
    if d.kind == "pinned":
        return max(sizes)
    return sum(sizes)


def same_type(a, b):
    """Whether a value of A can be assigned to a place of B."""
    if isinstance(a, Ref) and isinstance(b, Ref):
        return a.decl is b.decl and not a.inline
    if isinstance(a, Arr) and isinstance(b, Arr):
        return a.text() == b.text() and same_type(a.elem, b.elem) \
            if isinstance(a.elem, Ref) else a.text() == b.text()
    return False


def has_bit(t):
    if isinstance(t, Int):
        return t.w == 1
    if isinstance(t, Arr):
        return has_bit(t.elem)
    if isinstance(t, Ref):
        return (t.decl.kind == "integral" and t.decl.itype.w == 1) \
            or any(has_bit(f.type) for f in t.decl.fields)
    return False


def has_optional(t):
    if isinstance(t, Arr):
        return has_optional(t.elem)
    if isinstance(t, Ref):
        return any(f.cond or has_optional(f.type) for f in t.decl.fields)
    return False


def has_ref_array(t):
    """Whether T holds an array of structs or unions."""
    if isinstance(t, Arr):
        return isinstance(t.elem, Ref) or has_ref_array(t.elem)
    if isinstance(t, Ref):
        return any(has_ref_array(f.type) for f in t.decl.fields)
    return False


def has_kind(t, kind):
    if isinstance(t, Arr):
        return has_kind(t.elem, kind)
    if isinstance(t, Ref):
        return t.decl.kind == kind or any(has_kind(f.type, kind)
                                          for f in t.decl.fields)
    return False


def has_endian(t):
    if isinstance(t, Arr):
        return has_endian(t.elem)
    if isinstance(t, Ref):
        return any(f.endian or has_endian(f.type) for f in t.decl.fields)
    return False


def has_wide_union(t):
    """Whether T holds a union of three alternatives or more: GNU poke
    (2.4 and 4.3) fails an assertion comparing two such unions when
    the left one took its first alternative and the right one
    another."""
    if isinstance(t, Arr):
        return has_wide_union(t.elem)
    if isinstance(t, Ref):
        return (t.decl.kind == "union" and len(t.decl.fields) >= 3) \
            or any(has_wide_union(f.type) for f in t.decl.fields)
    return False


def has_label(t):
    if isinstance(t, Arr):
        return has_label(t.elem)
    if isinstance(t, Ref):
        return any(f.label or has_label(f.type) for f in t.decl.fields)
    return False


def has_union(t):
    if isinstance(t, Arr):
        return has_union(t.elem)
    if isinstance(t, Ref):
        return t.decl.kind == "union" or any(has_union(f.type)
                                             for f in t.decl.fields)
    return False


class Field:
    def __init__(self, name, type_):
        self.name, self.type = name, type_
        self.endian = None
        self.constraint = None
        self.label = None
        self.cond = None
        self.init = None
        self.printable = False      # constrained by pr (s)

    def text(self):
        s = ""
        if self.endian:
            s += self.endian + " "
        s += "%s %s" % (self.type.text(), self.name)
        if self.init is not None:
            s += " = %s" % self.init
        elif self.constraint:
            s += " : %s" % self.constraint
        if self.label:
            s += " @ %s" % self.label
        if self.cond:
            s += " if %s" % self.cond
        return s + ";"


class Decl:
    """A struct or union type.  KIND: struct, pinned, integral, union."""

    def __init__(self, name, kind, itype=None):
        self.name, self.kind, self.itype = name, kind, itype
        self.fields = []
        self.methods = []           # Method

    def body(self):
        if self.kind == "union":
            head = "union"
        elif self.kind == "pinned":
            head = "pinned struct"
        elif self.kind == "integral":
            head = "struct %s" % self.itype.text()
        else:
            head = "struct"
        parts = [f.text() for f in self.fields]
        parts += [m.text() for m in self.methods]
        return "%s { %s }" % (head, " ".join(parts))

    def depended(self):
        """The names of fields that other fields' bounds, conditions,
        labels or constraints name: giving them another value changes
        the layout, and GNU poke 2.4 and 4.3 raise different exceptions
        then."""
        names = set(f.name for f in self.fields)
        out = set()
        for f in self.fields:
            rest = f.text()
            rest = rest[rest.index(" " + f.name) + len(f.name) + 1:] \
                if (" " + f.name) in rest else rest
            texts = [f.type.text(), rest]
            for txt in texts:
                for n in names:
                    if n != f.name and re.search(r"\b%s\b" % n, txt):
                        out.add(n)
        return out

    def bits(self):
        """The size in bits when it is the same at every map, or None."""
        if self.kind == "integral":
            return self.itype.w
        sizes = []
        for f in self.fields:
            b = f.type.bits()
            if b is None or f.cond or f.label:
                return None
            sizes.append(b)
        if self.kind == "struct":
            return sum(sizes)
        if self.kind == "union" and len(set(sizes)) > 1:
            return None
        return max(sizes) if sizes else 0


def constrained(d):
    """Whether a value of the type of D is checked by a constraint."""
    if d.kind == "union":
        return True
    for f in d.fields:
        if f.constraint or f.init is not None:
            return True
        t = f.type
        while isinstance(t, Arr):
            t = t.elem
        if isinstance(t, Ref) and constrained(t.decl):
            return True
    return False


class Method:
    def __init__(self, name, kind, text_, ftype=None):
        self.name, self.kind, self._text = name, kind, text_
        self.ftype = ftype          # the return or argument type

    def text(self):
        return self._text


# ---------------------------------------------------------- program parts

class Item:
    """A top-level part of a program: one or more lines.  OFFB(k) and
    OFFb(k) in the text are offsets into the data, in bytes and bits,
    resolved when the program is rendered."""

    def __init__(self, kind, lines):
        self.kind = kind
        self.lines = lines

    def render(self):
        return list(self.lines)


class Scene(Item):
    """Statements run in a block, a function or a loop (WRAP), caught as
    a whole."""

    def __init__(self, num, wrap, stmts):
        Item.__init__(self, "scene", [])
        self.num, self.wrap, self.stmts = num, wrap, stmts

    def render(self):
        body = " ".join(self.stmts)
        catch = ('catch (Exception e) { printf "scene %d: %%s\\n", '
                 'e.name; }' % self.num)
        if self.wrap == "fun":
            return ["fun scene%d = void: { %s }" % (self.num, body),
                    "try scene%d; %s" % (self.num, catch)]
        if self.wrap == "loop":
            return ["try { for (var k%d = 0; k%d < 2; k%d++) { %s } } %s"
                    % (self.num, self.num, self.num, body, catch)]
        return ["try { %s } %s" % (body, catch)]


class TypeItem(Item):
    def __init__(self, decl):
        Item.__init__(self, "type", [])
        self.decl = decl

    def render(self):
        return ["type %s = %s" % (self.decl.name, self.decl.body())]


class Program:
    def __init__(self, data, self_contained):
        self.data = data
        self.self_contained = self_contained
        self.items = []
        self.set2 = False           # printer settings to undo at the end

    def base(self):
        return MEMSIZE - len(self.data) if self.self_contained else 0

    def prologue(self):
        if self.self_contained:
            b = self.base()
            lines = [".mem data"]
            # Written in pieces: one long array literal is slow to check.
            for i in range(0, len(self.data), 16):
                chunk = self.data[i:i + 16]
                lines.append("byte[%d] @ %d#B = [%s]"
                             % (len(chunk), b + i,
                                ",".join("%dUB" % c for c in chunk)))
            return lines
        return ['var data = open ("data.bin")']

    def epilogue(self):
        """Back to the default output settings, if changed, then the
        data's bytes."""
        lines = []
        if any(it.kind == "set" for it in self.items):
            lines += [".set omode flat", ".set obase 10"]
        if self.set2:
            lines += [".set odepth 0", ".set oacutoff 0", ".set oindent 2",
                      ".set omaps no"]
        return lines + ["byte[%d] @ %d#B" % (len(self.data), self.base()),
                        'print "END\\n"']

    def render(self):
        lines = self.prologue()
        body = []
        for it in self.items:
            body += it.render()
        if any("pr (" in ln for ln in body):
            lines.append("fun pr = (string s) int: { for (c in s) "
                         "if (c < 32 || c > 126) return 0; return 1; }")
        lines += body
        lines += self.epilogue()
        base = self.base()
        out = []
        for ln in lines:
            out.append(resolve_offsets(ln, base))
        return "\n".join(out) + "\n"


def resolve_offsets(line, base):
    res = []
    i = 0
    while True:
        j = line.find("OFF", i)
        if j < 0 or j + 4 > len(line) or line[j + 3] not in "Bb" \
                or line[j + 4:j + 5] != "(":
            if j < 0:
                res.append(line[i:])
                return "".join(res)
            res.append(line[i:j + 3])
            i = j + 3
            continue
        k = line.index(")", j)
        n = int(line[j + 5:k])
        if line[j + 3] == "B":
            res.append(line[i:j] + "%d#B" % (base + n))
        else:
            res.append(line[i:j] + "%d#b" % (8 * base + n))
        i = k + 1


# ------------------------------------------------------------ generator

def lit(v):
    """A literal of value V, typed wide enough to hold it (a negative
    literal is the negation of a positive one, which must fit)."""
    if v >= 0:
        if v < (1 << 31):
            return "%d" % v
        return "%dL" % v if v < (1 << 63) else "%dUL" % v
    if -v < (1 << 31):
        return "%d" % v
    if -v == (1 << 31):
        return "(-2147483647-1)"
    if -v < (1 << 63):
        return "%dL" % v
    return "(-9223372036854775807L-1L)"


class Gen:
    def __init__(self, number, skip=(), self_contained=False):
        self.r = random.Random(number)
        self.skip = set(skip)
        self.self_contained = self_contained
        self.globals = []           # (name, Int)
        self.decls = []             # named Decls, in order
        self.nscene = 0
        self.nvar = 0
        self.ninline = 0
        self.mglobals = []          # mapped globals, as scene variables
        self.obase = 10
        self.print43 = False        # print as 4.3 does, not as 2.4
        self.kind = "all"           # what the program dwells on: KINDS
        self.set2 = False           # printer settings beyond omode, obase

    # -- values

    def const(self, t):
        r = self.r
        p = r.random()
        if p < 0.4:
            v = r.randint(0, 9)
        elif p < 0.6:
            v = r.choice([t.lo(), t.hi(), t.hi() // 2, -1, 1])
            if self.print43 and v == -(1 << 63):
                # GNU poke 4.3 raises E_overflow halfway through printing
                # it.
                v += 1
        else:
            v = r.randint(t.lo(), t.hi())
        return v

    def cconst(self, t):
        """A constant of T's range, for comparisons against T."""
        v = self.const(t)
        return max(t.lo(), min(t.hi(), v))

    def data(self):
        r = self.r
        n = r.randint(16, 120)
        out = []
        for _ in range(n):
            p = r.random()
            if p < 0.22:
                out.append(0)
            elif p < 0.40:
                out.append(r.randint(0x61, 0x7a))
            elif p < 0.48:
                out.append(r.randint(1, 8))
            else:
                out.append(r.randint(0, 255))
        return bytes(out)

    def rint(self, widths=WIDTHS):
        r = self.r
        w = r.choice(widths)
        signed = w > 1 and r.random() < 0.45
        return Int(w, signed)

    # -- expressions over integral names in SCOPE: (name, Int)

    def int_cond(self, scope, me=None):
        """A condition on ME (name, type) or on names of SCOPE."""
        r = self.r
        pool = list(scope)
        if me:
            pool = [me] * 3 + pool
        if not pool:
            return "1"
        n, t = r.choice(pool)
        k = r.random()
        # Most conditions hold on most data, so that maps get far.
        if k < 0.3:
            op = r.choice(["!=", "!=", "!=", "=="])
            return "%s %s %s" % (n, op, lit(self.cconst(t)))
        if k < 0.5:
            span = (t.hi() - t.lo()) // r.choice([2, 8, 64])
            if r.random() < 0.5:
                return "%s %s %s" % (n, r.choice(["<", "<="]),
                                     lit(t.hi() - r.randint(0, span)))
            return "%s %s %s" % (n, r.choice([">", ">="]),
                                 lit(t.lo() + r.randint(0, span)))
        if k < 0.65:
            m = r.randint(2, 5)
            return "%s %% %d %s %d" % (n, m, r.choice(["==", "!="]),
                                       r.randint(0, m - 1))
        if k < 0.75:
            return "(%s & %s) != 0" % (n, lit(1 << r.randint(0, t.w - 1)))
        if k < 0.9 and len(pool) > 1:
            n2, t2 = r.choice(pool)
            return "%s %s %s" % (n, r.choice(["!=", "<", ">=", "=="]), n2)
        a = self.int_cond(scope, me)
        b = self.int_cond(scope, me)
        return "(%s %s %s)" % (a, r.choice(["&&", "||"]), b)

    def constraint(self, f, scope):
        t = f.type
        r = self.r
        if isinstance(t, Int):
            return self.int_cond(scope, (f.name, t))
        if isinstance(t, Off):
            unit = r.choice("bBN")
            if "offset-compare" in self.skip:
                unit = "b"
            return "%s %s %d#%s" % (f.name, r.choice(["!=", "<", ">"]),
                                    r.randint(0, 20), unit)
        if isinstance(t, Str):
            if r.random() < 0.7:
                f.printable = True
                return "pr (%s)" % f.name
            return "%s'length < %d" % (f.name, r.randint(0, 6))
        if isinstance(t, Arr):
            return "%s'length %s %d" % (f.name, r.choice(["<", ">", "!="]),
                                        r.randint(0, 3))
        return None

    # -- types

    def field_type(self, depth, scope, allow_unbounded, kind):
        r = self.r
        k = r.random()
        named = [d for d in self.decls
                 if not (d.kind == "union" and "union-eof" in self.skip
                         and d.bits() is None)]
        if self.kind == "arrays" and r.random() < 0.4:
            k = 0.9
        elif self.kind == "unions" and depth > 0 and r.random() < 0.3:
            k = 0.76
        if k < 0.45:
            return self.rint()
        if k < 0.55:
            # A 64-bit magnitude in bytes overflows in bits: 4.3 raises
            # where 2.4 wraps around.
            unit = r.choice(UNITS)[0]
            base = self.rint([3, 4, 7, 8, 12, 16, 32, 48]
                             + ([64] if unit == "b" else []))
            if "offset-convert" in self.skip:
                base.signed = False
            return Off(base, unit)
        if k < 0.62 and not (kind == "pinned"
                             and "pinned-string" in self.skip):
            return Str()
        if k < 0.75 and named:
            return Ref(r.choice(named))
        if k < 0.79 and depth > 0:
            kind = "union" if r.random() < (0.6 if self.kind == "unions"
                                            else 0.3) else "struct"
            if kind == "union" and "union-eof" in self.skip:
                kind = "struct"
            outer = [] if "nested-capture" in self.skip else scope
            return Ref(self.decl(None, depth - 1, kind, outer=outer), True)
        return self.array_type(depth, scope, allow_unbounded, named)

    def array_type(self, depth, scope, allow_unbounded, named):
        r = self.r
        if named and r.random() < 0.3:
            elem = Ref(r.choice([d for d in named if d.kind != "union"]
                                or named))
        else:
            elem = self.rint()
        k = r.random()
        if k < 0.45:
            n = r.randint(0, 4)
            return Arr(elem, "count", "%d" % n, n)
        if k < 0.65:
            cands = [(n, t) for n, t in scope]
            gl = [(n, t) for n, t in self.globals]
            if gl and r.random() < 0.5:
                cands = gl
            if cands:
                n, t = r.choice(cands)
                if t.signed:
                    return Arr(elem, "count", "%s & 3" % n)
                return Arr(elem, "count", "%s %% 5" % n)
            return Arr(elem, "count", "2", 2)
        if k < 0.85:
            eb = elem.bits()
            if eb is None:
                # Elements of varying size do not fill a size exactly:
                # 2.4 raises E_map_bounds out of an unbounded array of
                # such structs, where 4.3 ends the array.
                return Arr(elem, "count", "2", 2)
            n = r.randint(0, 3)
            if eb % 8 == 0 and r.random() < 0.7:
                return Arr(elem, "size", "%d#B" % (n * eb // 8), n)
            return Arr(elem, "size", "%d#b" % (n * eb), n)
        if allow_unbounded and minbits(elem) > 0:
            return Arr(elem, "none", "")
        return Arr(elem, "count", "1", 1)

    def decl(self, name, depth, kind=None, outer=()):
        """A struct or union type; OUTER are the integral names of the
        enclosing struct, for an inline type."""
        r = self.r
        if kind is None:
            k = r.random()
            if self.kind == "unions" and r.random() < 0.5:
                k = 0.9
            kind = ("struct" if k < 0.6 else "pinned" if k < 0.7
                    else "integral" if k < 0.82 else "union")
            if kind == "union" and "union-eof" in self.skip:
                kind = "struct"
        if kind == "integral":
            return self.integral_decl(name, outer)
        d = Decl(name, kind)
        scope = list(self.globals) + list(outer)
        nf = r.randint(1, 5 if name else 3)
        prefix = self.field_prefix(name, kind)
        for i in range(nf):
            fname = "%s%d" % (prefix, i)
            last = i == nf - 1
            t = self.field_type(depth, scope, last or r.random() < 0.2,
                                kind)
            if kind == "union" and "union-eof" in self.skip \
                    and t.bits() is None:
                t = self.rint()
            f = Field(fname, t)
            d.fields.append(f)
            self.decorate(d, f, scope, last)
            if isinstance(t, Int) and not f.cond:
                # Later fields may name it; union alternatives only
                # where GNU poke's scoping allows it.
                if kind != "union" or "union-earlier" not in self.skip:
                    scope.append((fname, t))
        if kind in ("struct", "pinned") and name is not None:
            self.methods(d)
        return d

    def decorate(self, d, f, scope, last):
        r = self.r
        t = f.type
        if isinstance(t, Int) and r.random() < 0.3:
            f.endian = r.choice(["big", "little"])
        if d.kind == "union":
            # Only the last alternative may go without a constraint: GNU
            # poke warns about the alternatives after one that always
            # matches, and 2.4 and 4.3 word the warning differently.
            if not last or r.random() < 0.5:
                f.constraint = (self.constraint(f, scope)
                                or self.int_cond(scope))
            return
        if r.random() < 0.3 or (isinstance(t, Str) and r.random() < 0.6):
            f.constraint = self.constraint(f, scope)
        elif isinstance(t, Int) and r.random() < 0.05:
            f.init = lit(self.cconst(t))
        if d.kind == "struct" and r.random() < 0.1:
            f.label = "%d#%s" % (r.randint(0, 6), r.choice("BBb"))
        # Not the first field: GNU poke 2.4 prints a struct whose first
        # field is absent as {,f1=...}.
        if r.random() < 0.15 and scope and d.fields[0] is not f \
                and "optional-eof" not in self.skip \
                and not (f.label and "label-optional" in self.skip):
            f.cond = self.int_cond(scope)

    def field_prefix(self, name, kind):
        """Field names: f0, f1... in a named struct, a0... in a named
        union; in an inline type, a prefix of its own, so that no name
        of an enclosing struct is hidden."""
        if name is not None:
            return "a" if kind == "union" else "f"
        self.ninline += 1
        return "%s%d_" % ("u" if kind == "union" else "s", self.ninline)

    def integral_decl(self, name, outer):
        r = self.r
        widths = []
        total = 0
        for _ in range(r.randint(1, 4)):
            w = r.choice([1, 2, 3, 4, 5, 7, 8, 12, 16])
            if total + w > 64:
                break
            widths.append(w)
            total += w
        it = Int(total, total > 1 and r.random() < 0.3)
        d = Decl(name, "integral", it)
        scope = list(self.globals) + list(outer)
        prefix = self.field_prefix(name, "integral")
        for i, w in enumerate(widths):
            t = Int(w, w > 1 and r.random() < 0.4)
            f = Field("%s%d" % (prefix, i), t)
            if r.random() < 0.25:
                f.constraint = self.int_cond(scope, (f.name, t))
            d.fields.append(f)
            scope.append((f.name, t))
        if name is not None:
            self.methods(d)
        return d

    def methods(self, d):
        """Getters, setters and methods that change several fields.  A
        method assigns only fields nothing else depends on, in a type
        without constraints: when an assignment breaks a constraint,
        GNU poke 2.4 writes the struct and raises, 4.3 only raises."""
        r = self.r
        deps = d.depended()
        ints = [f for f in d.fields if isinstance(f.type, Int)
                and not f.cond and f.init is None]
        offs = [f for f in d.fields if isinstance(f.type, Off)
                and not f.cond and f.name not in deps]
        if not ints:
            return
        assignable = [f for f in ints if f.name not in deps]
        overlap = d.kind == "pinned" or any(f.label for f in d.fields)
        if constrained(d) or (overlap and "pinned-write" in self.skip):
            assignable = offs = []
        for i in range(r.randint(2, 6) if self.kind == "methods"
                       else r.randint(0, 3)):
            f = r.choice(ints)
            k = r.random()
            mname = "m%d" % i
            if k < 0.35:
                d.methods.append(Method(
                    mname, "get", "method %s = %s: { return %s; }"
                    % (mname, f.type.text(), f.name), f.type))
            elif k < 0.45:
                g = [n for n, _ in self.globals]
                other = r.choice(ints)
                expr = "(%s as int<64>) + (%s as int<64>)" % (f.name,
                                                             other.name)
                if g and r.random() < 0.5:
                    expr += " + (%s as int<64>)" % r.choice(g)
                d.methods.append(Method(
                    mname, "get", "method %s = int<64>: { return %s; }"
                    % (mname, expr), Int(64, True)))
            elif "method-assign" in self.skip or not assignable:
                continue
            elif k < 0.65:
                f = r.choice(assignable)
                d.methods.append(Method(
                    mname, "set", "method %s = (%s v) void: { %s = v; }"
                    % (mname, f.type.text(), f.name), f.type))
            else:
                body = []
                for _ in range(r.randint(1, 3)):
                    g = r.choice(assignable)
                    op = r.random()
                    if op < 0.35:
                        body.append("%s = %s;" % (g.name,
                                                  lit(self.const(g.type))))
                    elif op < 0.6:
                        body.append("%s += %d;" % (g.name, r.randint(1, 9)))
                    elif op < 0.75:
                        body.append(r.choice(["%s++;", "++%s;", "%s--;"])
                                    % g.name)
                    elif op < 0.85 and offs:
                        o = r.choice(offs)
                        body.append("%s += %d#%s;" % (o.name,
                                                      r.randint(1, 3),
                                                      r.choice("bB")))
                    else:
                        h = r.choice(ints)
                        body.append("%s = %s;" % (g.name, h.name))
                if r.random() < 0.1:
                    body.append("raise E_inval;")
                if r.random() < 0.3:
                    body.insert(0, "if (%s) return;"
                                % self.int_cond([(f.name, f.type)
                                                 for f in ints]))
                d.methods.append(Method(
                    mname, "do", "method %s = void: { %s }"
                    % (mname, " ".join(body))))

    # -- printing statements

    def catch(self, stmt):
        return ('try %s catch (Exception e) { printf "!%%s\\n", e.name; }'
                % stmt)

    def print_stmts(self, expr, t, strict, depth=0):
        """Statements printing EXPR of type T, in a way GNU poke 2.4 and
        4.3 print alike."""
        if self.psafe(t) and (not has_string(t) or
                          ("string-printf" not in self.skip)):
            return [self.catch('printf "%%v\\n", %s;' % expr)]
        if isinstance(t, Int):
            return [self.catch('printf "%%v\\n", %s as %s;'
                               % (expr, "int<64>" if t.signed
                                  else "uint<64>"))]
        if isinstance(t, Off):
            return [self.catch('printf "%%v\\n", (%s / 1#b) as int<64>;'
                               % expr)]
        if isinstance(t, Str):
            return [self.catch('printf "%%s\\n", %s;' % expr)]
        if isinstance(t, Arr):
            inner = self.print_stmts("x%d" % depth, t.elem, strict,
                                     depth + 1)
            return [self.catch('{ printf "[%%v]\\n", (%s)\'length; '
                               'for (x%d in %s) { %s } }'
                               % (expr, depth, expr, " ".join(inner)))]
        out = []
        for f in t.decl.fields:
            out += self.print_stmts("%s.%s" % (expr, f.name), f.type,
                                    strict, depth)
        return out

    def repl_ok(self, t, strict):
        """Whether the prompt prints a value of T alike in both: 4.3
        prints uint<1> values as 0T, 2.4 as (uint<1>) 0."""
        if self.print43:
            return True
        return not has_string(t, strict_ok=strict) and not has_bit(t)

    def psafe(self, t):
        """Whether printf "%v" (and the prompt, under .set obase 2)
        print values of T alike in GNU poke 2.4 and 4.3."""
        return self.print43 or t.psafe()

    # -- paths into a value, for writes

    def paths(self, expr, t, depth=0, write=True):
        """(expression, type) of the parts of EXPR one can assign: not
        fields that others depend on, nor fields with an initializer
        (GNU poke 2.4 and 4.3 raise different exceptions when such a
        field is given another value)."""
        out = []
        if isinstance(t, (Int, Off, Str)):
            return [(expr, t)]
        if depth > 3:
            return out
        if isinstance(t, Arr):
            idx = self.r.randint(0, 2)
            out.append((expr, t))
            out += self.paths("%s[%d]" % (expr, idx), t.elem, depth + 1,
                              write)
            return out
        if write and t.decl.kind == "union" \
                and "union-assign" in self.skip:
            return out
        out.append((expr, t))
        deps = t.decl.depended()
        for f in t.decl.fields:
            if f.init is not None or f.name in deps:
                continue
            out += self.paths("%s.%s" % (expr, f.name), f.type, depth + 1,
                              write)
        return out

    def write_stmt(self, path, t, others):
        r = self.r
        if isinstance(t, Int):
            k = r.random()
            if k < 0.55:
                return "%s = %s;" % (path, lit(self.const(t)))
            if k < 0.8:
                return "%s %s %d;" % (path, r.choice(["+=", "-=", "*=",
                                                      "|=", "^="]),
                                      r.randint(1, 9))
            return r.choice(["%s++;", "%s--;", "++%s;"]) % path
        if isinstance(t, Off):
            return "%s = %d#%s;" % (path, r.randint(0, 40),
                                    r.choice(["b", "B", "N"]))
        if isinstance(t, Str):
            s = "".join(r.choice("abcxyz") for _ in range(r.randint(0, 4)))
            return '%s = "%s";' % (path, s)
        # A whole struct or array: from another value of the same type.
        if not self.whole_writable(t):
            return None
        same = [p for p, pt in others if same_type(pt, t) and p != path]
        if same:
            return "%s = %s;" % (path, r.choice(same))
        return None

    # -- scenes

    def map_expr(self, t, n, strict=None):
        """A map of T somewhere in N bytes of data."""
        r = self.r
        if strict is None:
            strict = r.random() < 0.75
        op = "@" if strict else "@!"
        bits = t.bits() if not isinstance(t, Arr) else None
        hi = n - 1
        if "union-eof" in self.skip and has_union(t):
            if bits is None:
                return None, strict
            hi = n - (bits + 7) // 8
            if hi < 0:
                return None, strict
        if r.random() < 0.6:
            hi //= 2
        if r.random() < 0.15:
            off = "OFFb(%d)" % r.randint(0, 8 * hi)
        else:
            off = "OFFB(%d)" % r.randint(0, hi)
        return "%s %s %s" % (t.text(), op, off), strict

    def scene(self, n):
        r = self.r
        self.nscene += 1
        num = self.nscene
        stmts = []
        vars_ = []                  # (name, type, strict, mapexpr)
        for _ in range(r.randint(1, 2)):
            t = self.map_type()
            if t is None:
                continue
            me, strict = self.map_expr(t, n)
            if me is None:
                continue
            self.nvar += 1
            v = "v%d" % self.nvar
            stmts.append("var %s = %s;" % (v, me))
            vars_.append((v, t, strict, me))
        if self.mglobals and r.random() < 0.4:
            vars_.append(r.choice(self.mglobals))
        if not vars_:
            return None
        for _ in range(r.randint(2, 9)):
            stmts += self.scene_step(vars_, n)
        for v, t, strict, _ in vars_:
            stmts += self.print_stmts(v, t, strict)
        wrap = r.choice(["block", "block", "fun", "loop"])
        return Scene(num, wrap, stmts)

    def map_type(self):
        r = self.r
        if not self.decls:
            return None
        d = r.choice(self.decls)
        t = Ref(d)
        k = r.random()
        if self.kind in ("arrays", "mapping") and r.random() < 0.5:
            k = 0.85 + 0.1 * r.random()
        if k < 0.8 or ("union-eof" in self.skip and has_union(t)) \
                or "stale-index" in self.skip:
            return t
        if k < 0.9 or minbits(t) == 0:
            n = r.randint(0, 3)
            return Arr(t, "count", "%d" % n, n)
        return Arr(t, "none", "")

    def scene_step(self, vars_, n):
        r = self.r
        v, t, strict, me = r.choice(vars_)
        others = []
        for v2, t2, _, _ in vars_:
            others += self.paths(v2, t2)
        k = r.random()
        # The kinds weigh the steps (k picks one below).
        if self.kind == "writes" and r.random() < 0.5:
            k = r.choice([0.2, 0.3, 0.55, 0.6, 0.65])
        elif self.kind == "methods" and r.random() < 0.5:
            k = 0.45
        elif self.kind == "mapping" and r.random() < 0.4:
            k = r.choice([0.8, 0.85, 0.55])
        if k < 0.15:
            return self.print_stmts(v, t, strict)
        if k < 0.38:
            cands = self.paths(v, t)
            if not cands:
                return []
            p, pt = r.choice(cands)
            w = self.write_stmt(p, pt, others)
            return [self.catch(w)] if w else []
        if k < 0.50:
            return self.method_calls(v, t)
        if k < 0.58:
            return self.through_step(v, t, others, strict, me, n)
        if k < 0.68:
            return [self.raw_write(n)]
        if k < 0.78 and self.globals:
            # Mostly a global the value's type depends on.
            used = [(g, gt) for g, gt in self.globals
                    if re.search(r"\b%s\b" % g, self.type_text(t))]
            g, gt = r.choice(used if used and r.random() < 0.8
                             else self.globals)
            val = r.randint(0, 4)
            if r.random() < 0.5 and "global-call" not in self.skip:
                return ["set%s (%d);" % (g, val)]
            return ["%s = %d;" % (g, val)]
        if k < 0.88:
            # The same place again.
            self.nvar += 1
            w = "v%d" % self.nvar
            return [self.catch("{ var %s = %s; %s }"
                               % (w, me,
                                  " ".join(self.print_stmts(w, t, strict))))]
        if k < 0.905:
            if "endian-index" in self.skip:
                return []
            return ["set_endian (%s);" % r.choice(["ENDIAN_LITTLE",
                                                   "ENDIAN_BIG"])]
        if k < 0.92:
            if "struct-eq" in self.skip and has_optional(t):
                return []
            if has_wide_union(t):
                return []
            same = [p for p, pt in others if same_type(pt, t)]
            if not same:
                return []
            return [self.catch('printf "%%v\\n", %s == %s;'
                               % (v, r.choice(same)))]
        if k < 0.94:
            if "label-size" in self.skip and has_label(t):
                return [self.catch('printf "%%v\\n", %s\'offset;' % v)]
            return [self.catch('printf "%%v %%v\\n", %s\'offset, %s\'size;'
                               % (v, v))]
        p, pt = r.choice(self.paths(v, t, write=False))
        return self.print_stmts(p, pt, strict)

    def through_step(self, v, t, others, strict, me, n):
        """Writes through something else than a plain field: a function
        taking the value, a for-in loop over an array, a constructed
        value, an unmapped copy, or the variable mapped elsewhere."""
        r = self.r
        refs = [(p, pt) for p, pt in self.paths(v, t)
                if isinstance(pt, Ref) and not pt.inline]
        arrs = [(p, pt) for p, pt in self.paths(v, t)
                if isinstance(pt, Arr) and isinstance(pt.elem, Ref)
                and not pt.elem.inline]
        k = r.random()
        self.nvar += 1
        x = "x%d" % self.nvar
        if k < 0.2 and refs:
            p, pt = r.choice(refs)
            body = self.writes_on(x, pt)
            if not body:
                return []
            return [self.catch("{ fun w%s = (%s %s) void: { %s } w%s (%s); }"
                               % (x, pt.text(), x, " ".join(body), x, p))]
        if k < 0.4 and arrs:
            p, pt = r.choice(arrs)
            body = self.writes_on(x, pt.elem)
            if r.random() < 0.3:
                body = self.method_calls(x, pt.elem) or body
            if not body:
                return []
            return [self.catch("for (%s in %s) { %s }"
                               % (x, p, " ".join(body)))]
        if k < 0.52 and refs:
            p, pt = r.choice(refs)
            if not self.whole_writable(pt) \
                    or (p == v and ("unmap-unmapped" in self.skip
                                    or "bound-recheck" in self.skip)):
                return []
            return [self.catch("%s = %s {};" % (p, pt.text()))]
        if k < 0.67 and isinstance(t, Ref) and (
                strict or "unmap-nonstrict" not in self.skip):
            body = self.writes_on(x, t)
            return [self.catch("{ var %s = unmap %s; %s %s }"
                               % (x, v, " ".join(body),
                                  " ".join(self.print_stmts(v, t, strict))))]
        if k < 0.85 and refs:
            # A copy in another IO space, written through there.
            p, pt = r.choice(refs)
            if not self.whole_writable(pt):
                return []
            off = "%d#B" % r.randint(0, 8)
            return [self.catch("%s @ scratch : %s = %s;"
                               % (pt.text(), off, p)),
                    self.catch("{ var %s = %s @ scratch : %s; %s %s }"
                               % (x, pt.text(), off,
                                  " ".join(self.writes_on(x, pt)),
                                  " ".join(self.print_stmts(x, pt,
                                                            True))))]
        me2, _ = self.map_expr(t, n, strict)
        if me2 is None:
            return []
        return [self.catch("%s = %s;" % (v, me2))]

    def whole_writable(self, t):
        """Whether a whole value of T may be written: none holding a
        string (GNU poke writes characters of 0x80 and more wrongly at
        offsets that are not multiples of 8 bits), and none the skips
        leave out."""
        sk = self.skip
        return not (has_string(t)
                    or ("struct-write-endian" in sk and has_endian(t))
                    or ("assign-reread" in sk and t.bits() is None)
                    or ("pinned-write" in sk and has_kind(t, "pinned"))
                    or ("array-length-assign" in sk and isinstance(t, Arr)
                        and t.count is None))

    def writes_on(self, x, t):
        out = []
        cands = [(p, pt) for p, pt in self.paths(x, t)
                 if isinstance(pt, (Int, Off, Str))]
        for _ in range(self.r.randint(1, 2)):
            if not cands:
                break
            p, pt = self.r.choice(cands)
            w = self.write_stmt(p, pt, [])
            if w:
                out.append(self.catch(w))
        return out

    def type_text(self, t):
        """T's text, with the bodies of the named types it uses."""
        if isinstance(t, Arr):
            return t.text() + " " + self.type_text(t.elem)
        if not isinstance(t, Ref):
            return t.text()
        out = [t.decl.body()]
        for f in t.decl.fields:
            out.append(self.type_text(f.type))
        return " ".join(out)

    def method_calls(self, v, t):
        r = self.r
        if isinstance(t, Arr):
            if not isinstance(t.elem, Ref):
                return []
            v = "%s[%d]" % (v, r.randint(0, 1))
            t = t.elem
        cands = [(p, pt) for p, pt in self.paths(v, t, write=False)
                 if isinstance(pt, Ref) and pt.decl.methods]
        if not cands:
            return []
        v, t = r.choice(cands)
        m = r.choice(t.decl.methods)
        if m.kind == "get":
            return [self.catch('printf "%%v\\n", %s.%s () as %s;'
                               % (v, m.name,
                                  "int<64>" if m.ftype.signed
                                  else "uint<64>"))]
        if m.kind == "set":
            return [self.catch("%s.%s (%s);" % (v, m.name,
                                                lit(self.const(m.ftype))))]
        return [self.catch("%s.%s;" % (v, m.name))]

    def raw_write(self, n):
        r = self.r
        t = r.choice([Int(8, False), Int(16, False), Int(32, True),
                      Int(3, False), Int(12, True)])
        bits = t.w
        if r.random() < 0.8:
            off = r.randint(0, max(0, n - (bits + 7) // 8))
            where = "OFFB(%d)" % off
        else:
            where = "OFFb(%d)" % r.randint(0, 8 * n - bits)
        return self.catch("%s @ %s = %s;" % (t.text(), where,
                                            lit(self.const(t))))

    # -- integer and offset arithmetic (--kind arith)

    LIT_SUFFIXES = [("", Int(32, True)), ("U", Int(32, False)),
                    ("L", Int(64, True)), ("UL", Int(64, False)),
                    ("H", Int(16, True)), ("UH", Int(16, False)),
                    ("B", Int(8, True)), ("UB", Int(8, False)),
                    ("N", Int(4, True)), ("UN", Int(4, False))]

    def alit(self, nonzero=False):
        """A literal: (text, Int).  Never negative (a negative literal
        is a constant expression, folded at compile time)."""
        r = self.r
        suf, t = r.choice(self.LIT_SUFFIXES)
        if r.random() < 0.6:
            v = r.randint(0, min(9, t.hi()))
        else:
            v = r.choice([t.hi(), t.hi() // 2 + 1, r.randint(0, t.hi())])
        if nonzero and v == 0:
            v = 1
        if r.random() < 0.15:
            return "0x%x%s" % (v, suf), t
        return "%d%s" % (v, suf), t

    def aleaf(self, scope, nonzero=False):
        """A variable of SCOPE (name, Int), or else a literal; a
        literal is (text, Int, True)."""
        r = self.r
        if scope and r.random() < 0.75:
            n, t = r.choice(scope)
            return n, t, False
        text, t = self.alit(nonzero)
        return text, t, True

    def aexpr(self, scope, depth):
        """An integral expression over SCOPE: (text, Int, constant).
        GNU poke folds constant operands at compile time and reports
        overflows, divisions by zero and shifts too big as errors: at
        most one operand of an operator is constant, the divisor is
        never a constant zero and a constant shift count is below the
        width."""
        r = self.r
        if depth <= 0 or r.random() < 0.25:
            return self.aleaf(scope)
        k = r.random()
        if k < 0.12:
            a, at, ac = self.aexpr(scope, depth - 1)
            op = r.choice(["-", "~", "+", "!"])
            if ac:
                return self.aexpr(scope, depth - 1)
            return "%s(%s)" % (op, a), (Int(32, True) if op == "!"
                                        else at), False
        if k < 0.22:
            a, at, ac = self.aexpr(scope, depth - 1)
            t = self.rint()
            return "(%s as %s)" % (a, t.text()), t, ac
        if k < 0.3:
            c, _, cc = self.aexpr(scope, depth - 1)
            t = self.rint()
            a, _, ac = self.aexpr(scope, depth - 1)
            b, _, bc = self.aexpr(scope, depth - 1)
            if cc and ac and bc:
                c = r.choice(scope)[0] if scope else "1"
            return ("(%s ? %s as %s : %s as %s)"
                    % (c, a, t.text(), b, t.text())), t, False
        op = r.choice(["+", "-", "*", "/", "%", "/^", "**", "&", "|", "^",
                       "<<.", ".>>", ":::", "==", "!=", "<", "<=", ">",
                       ">=", "&&", "||", "=>", "+", "-", "*"])
        a, at, ac = self.aexpr(scope, depth - 1)
        if op in ("/", "%", "/^"):
            b, bt, bc = self.aleaf(scope, nonzero=True) \
                if r.random() < 0.5 else self.aexpr(scope, depth - 1)
            if bc:
                # A constant divisor is a literal, not zero: a cast of
                # one can be.
                b, bt = self.alit(nonzero=True)
        elif op in ("<<.", ".>>"):
            if r.random() < 0.6 or not scope:
                bc, bt = True, Int(32, True)
                b = "%d" % r.randint(0, at.w - 1)
            else:
                b, bt, bc = self.aexpr(scope, depth - 1)
                if bc:
                    b = "%d" % r.randint(0, at.w - 1)
        elif op == "**":
            if r.random() < 0.6 or not scope:
                bc, bt = True, Int(32, True)
                b = "%d" % r.randint(0, 6)
            else:
                b, bt, bc = self.aexpr(scope, depth - 1)
        else:
            b, bt, bc = self.aexpr(scope, depth - 1)
        if ac and bc:
            if not scope:
                return a, at, ac
            a, at = r.choice(scope)
            ac = False
            if op in ("<<.", ".>>"):
                b = "%d" % r.randint(0, at.w - 1)
        if op == ":::":
            if at.w + bt.w > 64:
                return self.aleaf(scope)
            t = Int(at.w + bt.w, at.signed)
        elif op in ("==", "!=", "<", "<=", ">", ">=", "&&", "||", "=>"):
            t = Int(32, True)
        elif op in ("<<.", ".>>", "**"):
            t = at
        else:
            t = Int(max(at.w, bt.w), at.signed and bt.signed)
        return "(%s %s %s)" % (a, op, b), t, False

    def oexpr(self, scope, depth):
        """An offset expression: (text, constant).  GNU poke 4.3 folds
        constant offset expressions at compile time, wrapping around
        where it would raise E_overflow at run time, and dividing the
        bits by the unit as unsigned, which gives huge magnitudes for
        negative ones ((-2)#Q + 1#Q is 1431655764#3): a constant offset
        is multiplied only by a variable or a small literal, added to,
        subtracted from or divided by variables only (when there are),
        and cast to no unit Q and no 64-bit magnitude."""
        r = self.r
        units = [u for u, _ in UNITS]
        if depth <= 0 or r.random() < 0.3:
            u = r.choice(units)
            if scope and r.random() < 0.6:
                n, t = r.choice(scope)
                if "offset-convert" in self.skip:
                    n = "(%s as uint<64>)" % n
                return "%s#%s" % (n, u), False
            return "%d#%s" % (r.randint(0, 40), u), True
        a, ac = self.oexpr(scope, depth - 1)
        k = r.random()
        if k < 0.4:
            b, bc = self.oexpr(scope, depth - 1)
            if ac and bc and scope:
                b, bc = "%s#%s" % (r.choice(scope)[0], r.choice(units)), False
            return "(%s %s %s)" % (a, r.choice(["+", "-"]), b), ac and bc
        if k < 0.6:
            n, _, nc = self.aleaf(scope, nonzero=True)
            if ac and nc:
                n = "%d" % r.randint(0, 9)
            return "(%s * %s)" % (a, n), ac and nc
        if k < 0.75:
            b, bc = self.oexpr(scope, depth - 1)
            if ac and bc and scope:
                b, bc = "%s#%s" % (r.choice(scope)[0], r.choice(units)), False
            return "(%s %% (%s + 1#b))" % (a, b), ac and bc
        t = self.rint([8, 16, 32] + ([] if ac else [64]))
        if "offset-convert" in self.skip:
            t.signed = False
        u = r.choice(units[:3] if ac else units)
        return "(%s as offset<%s,%s>)" % (a, t.text(), u), ac

    def scene_locals(self, most):
        """Start a scene: its number, statements declaring 2 to MOST
        local integers of random widths, and the names in scope (the
        globals and those locals, with their types)."""
        self.nscene += 1
        stmts = []
        scope = list(self.globals)
        for _ in range(self.r.randint(2, most)):
            self.nvar += 1
            v = "i%d" % self.nvar
            t = self.rint()
            stmts.append("var %s = %s as %s;" % (v, lit(self.const(t)),
                                                 t.text()))
            scope.append((v, t))
        return self.nscene, stmts, scope

    def arith_scene(self, n):
        """A scene of integral and offset arithmetic on local variables
        of every width, globals and fields of mapped values."""
        r = self.r
        num, stmts, scope = self.scene_locals(5)
        if self.decls and r.random() < 0.5:
            t = self.map_type()
            me, strict = self.map_expr(t, n) if t else (None, None)
            if me and isinstance(t, Ref):
                self.nvar += 1
                v = "v%d" % self.nvar
                stmts.append("var %s = %s;" % (v, me))
                scope += [(p, pt) for p, pt in self.paths(v, t)
                          if isinstance(pt, Int)]
        for _ in range(r.randint(3, 12)):
            stmts += self.arith_step(scope)
        return Scene(num, r.choice(["block", "block", "fun", "loop"]), stmts)

    def arith_step(self, scope):
        r = self.r
        k = r.random()
        if k < 0.45:
            e, _, _ = self.aexpr(scope, r.randint(1, 4))
            return [self.catch('printf "%%v\\n", %s;' % e)]
        if k < 0.55:
            e, _ = self.oexpr(scope, r.randint(1, 3))
            return [self.catch('printf "%%v\\n", %s;' % e)]
        if k < 0.65:
            b, _ = self.oexpr(scope, r.randint(0, 2))
            a, _ = self.oexpr(scope, r.randint(0, 2))
            op = r.choice(["/", "/^", "==", "<", ">="])
            if op in ("/", "/^"):
                b = "(%s + 1#b)" % b
            return [self.catch('printf "%%v\\n", %s %s %s;' % (a, op, b))]
        n, t = r.choice(scope)
        if k < 0.85:
            e, _, _ = self.aexpr(scope, r.randint(0, 3))
            op = r.choice(["=", "=", "+=", "-=", "*=", "/=", "%=", "|=",
                           "&=", "^=", "<<.=", ".>>=", "**="])
            if op in ("/=", "%="):
                e = "((%s) | 1)" % e
            if op in ("<<.=", ".>>="):
                e = "%d" % r.randint(0, t.w - 1)
            if op == "**=":
                e = "%d" % r.randint(0, 4)
            return [self.catch("%s %s %s;" % (n, op, e)),
                    self.catch('printf "%%v\\n", %s;' % n)]
        if k < 0.92:
            return [self.catch(r.choice(["%s++;", "%s--;", "++%s;", "--%s;"])
                               % n),
                    self.catch('printf "%%v\\n", %s;' % n)]
        e, _, _ = self.aexpr(scope, r.randint(1, 3))
        return [self.catch('printf "%%v %%v %%v\\n", (%s)\'size, (%s)\'signed, '
                           '%s;' % (e, e, e))]

    def bit_assign(self, scope):
        """A bit assignment: two or three integral l-values of SCOPE
        concatenated, given a value of their total width."""
        r = self.r
        parts = [r.choice(scope) for _ in range(r.randint(2, 3))]
        w = sum(t.w for _, t in parts)
        if w > 64 or len(set(p for p, _ in parts)) < len(parts):
            return []
        e, _, _ = self.aexpr(scope, r.randint(0, 2))
        t = Int(w, r.random() < 0.5 and w > 1)
        out = [self.catch("%s = (%s) as %s;"
                          % (":::".join(p for p, _ in parts), e, t.text()))]
        for p, _ in parts:
            out.append(self.catch('printf "%%v\\n", %s;' % p))
        return out

    # -- printing (--kind print)

    def pvalue(self, scope):
        """A value to print, with a format tag for it."""
        r = self.r
        k = r.random()
        if k < 0.55 and scope:
            n, t = r.choice(scope)
            tag = r.choice(["%v", "%v", "%Tv", "%Fv", "%%%s%d%s"
                            % (r.choice("iu"), r.randint(1, 64),
                               r.choice("dxob")), "%c" if t.w == 8
                            and not t.signed else "%u8c"])
            return tag, n
        if k < 0.7:
            e, _ = self.oexpr(scope, r.randint(0, 2))
            return r.choice(["%v", "%Tv"]), e
        if k < 0.8:
            s = "".join(r.choice(["a", "b", "z", " ", "\\n", "\\t", "\\\\",
                                  "\\\"", "\\x01", "\\x7f", "\\xff", "%"])
                        for _ in range(r.randint(0, 5)))
            return r.choice(["%s", "%v"]), '"%s"' % s
        if k < 0.9 and scope:
            n, _ = r.choice(scope)
            m, _ = r.choice(scope)
            return r.choice(["%v", "%Tv", "%1v"]), \
                "[%s as int<64>, %s as int<64>]" % (n, m)
        n, _ = r.choice(scope) if scope else ("1", None)
        return r.choice(["%v", "%Tv", "%1v", "%2v"]), \
            "[[(%s as int<64>)#B, 0L#B], [1L#B, (%s as int<64>)#B]]" % (n, n)

    def print_scene(self, n):
        """A scene printing integers of every width, offsets, strings,
        arrays, structs and mapped values with printf's tags."""
        r = self.r
        num, stmts, scope = self.scene_locals(4)
        vals = []
        if self.decls and r.random() < 0.6:
            t = self.map_type()
            me, strict = self.map_expr(t, n) if t else (None, None)
            if me:
                self.nvar += 1
                v = "v%d" % self.nvar
                stmts.append("var %s = %s;" % (v, me))
                vals.append(v)
        for _ in range(r.randint(2, 8)):
            if vals and r.random() < 0.3:
                tag, e = r.choice(["%v", "%Tv", "%1v", "%Fv"]), r.choice(vals)
                args = [(tag, e)]
            else:
                args = [self.pvalue(scope) for _ in range(r.randint(1, 3))]
            fmt = r.choice(["", "<", "x%%y "]).join(t for t, _ in args)
            stmts.append(self.catch('printf "%s|\\n", %s;'
                                    % (fmt, ", ".join(e for _, e in args))))
            if r.random() < 0.2:
                stmts.append(self.catch('print format ("%s|\\n", %s);'
                                        % (fmt, ", ".join(e for _, e
                                                          in args))))
        return Scene(num, r.choice(["block", "fun"]), stmts)

    def print_settings(self):
        """A setting of the prompt's printer."""
        r = self.r
        self.set2 = True
        k = r.randint(0, 5)
        if k == 0:
            return ".set odepth %d" % r.randint(0, 3)
        if k == 1:
            return ".set oacutoff %d" % r.randint(0, 3)
        if k == 2:
            return ".set oindent %d" % r.randint(1, 4)
        if k == 3:
            return ".set omaps %s" % r.choice(["yes", "no"])
        if k == 4:
            return ".set omode %s" % r.choice(["tree", "flat"])
        self.obase = r.choice([2, 8, 10, 16])
        return ".set obase %d" % self.obase

    # -- top level

    def top_print(self, n):
        r = self.r
        if not self.decls:
            return None
        d = r.choice(self.decls)
        t = Ref(d)
        if "union-eof" in self.skip and has_union(t):
            return None
        # Non-strict, so that no constraint is checked: the messages of
        # unhandled constraint violations differ between 2.4 and 4.3.
        if not self.repl_ok(t, False) or (self.obase != 10
                                          and not self.psafe(t)):
            return None
        if "elem-msg" in self.skip and has_ref_array(t):
            return None
        off = r.randint(0, n - 1)
        if d.kind != "union" and r.random() < 0.3:
            f = r.choice(d.fields)
            return Item("print", ["(%s @! OFFB(%d)).%s"
                                  % (d.name, off, f.name)])
        return Item("print", ["%s @! OFFB(%d)" % (d.name, off)])

    def top_global_step(self, n):
        """A mapped global at top level: printed through the prompt, or
        written."""
        r = self.r
        v, t, strict, _ = r.choice(self.mglobals)
        p, pt = r.choice(self.paths(v, t, write=False))
        if r.random() < 0.5 and self.repl_ok(pt, strict) \
                and (self.obase == 10 or self.psafe(pt)) \
                and not ("elem-msg" in self.skip and has_ref_array(t)):
            # The prompt prints what a failed constraint's message would
            # be, which differs between 2.4 and 4.3: only after a
            # non-strict map.
            if not strict:
                return Item("print", [p])
        w = None
        if "union-assign" not in self.skip or (p, pt) in self.paths(v, t):
            w = self.write_stmt(p, pt, [])
        if not w:
            return Item("print", self.print_stmts(p, pt, strict))
        return Item("print", [self.catch(w)])

    def program(self):
        r = self.r
        data = self.data()
        n = len(data)
        prog = Program(data, self.self_contained)
        items = prog.items
        items.append(Item("scratch", ['var scratch = open ("*scratch*")']))
        items.append(Item("unit", ["unit Q = 3"]))
        for i in range(r.randint(1, 3)):
            t = r.choice([Int(32, True), Int(8, False), Int(16, False),
                          Int(64, True), Int(3, False)])
            name = "g%d" % i
            self.globals.append((name, t))
            items.append(Item("global", ["var %s = %s as %s"
                                         % (name, r.randint(0, 4),
                                            t.text())]))
            items.append(Item("fun", ["fun set%s = (int<64> x) void: "
                                      "{ %s = x; }" % (name, name)]))
        for i in range(r.randint(2, 5)):
            d = self.decl("T%d" % i, r.choice([0, 1, 1, 2]))
            self.decls.append(d)
            items.append(TypeItem(d))
        for i in range(r.randint(0, 2)):
            # Non-strict: the message of an unhandled constraint
            # violation differs between 2.4 and 4.3.
            t = self.map_type()
            if t is None:
                break
            strict = False
            if "failed-var" in self.skip:
                b = t.bits()
                if b is None or has_union(t) or (b + 7) // 8 > n:
                    continue
                me = "%s @! OFFB(%d)" % (t.text(),
                                         r.randint(0, n - (b + 7) // 8))
            else:
                me, strict = self.map_expr(t, n, strict=False)
                if me is None:
                    continue
            name = "G%d" % i
            items.append(Item("mglobal", ["var %s = %s" % (name, me)]))
            self.mglobals.append((name, t, strict, me))
        for _ in range(r.randint(3, 8)):
            if self.kind_item(items, n):
                continue
            k = r.random()
            if k < 0.12 and self.mglobals:
                items.append(self.top_global_step(n))
            elif k < 0.7:
                s = self.scene(n)
                if s:
                    items.append(s)
            elif k < 0.8:
                p = self.top_print(n)
                if p:
                    items.append(p)
            elif k < 0.85:
                g, gt = r.choice(self.globals)
                if self.obase == 10 or self.psafe(gt):
                    items.append(Item("print", [g]))
            elif k < 0.93:
                items.append(Item("set", [".set omode %s"
                                          % r.choice(["tree", "flat"])]))
            elif k < 0.97:
                self.obase = r.choice([2, 10] + ([8, 16] if self.print43
                                                 else []))
                items.append(Item("set", [".set obase %d" % self.obase]))
            else:
                items.append(Item("set", [".set endian %s"
                                          % r.choice(["little", "big"])]))
        prog.set2 = self.set2
        return prog

    def kind_item(self, items, n):
        """For the kinds arith and print, most top-level items are
        scenes of theirs (or printer settings and values printed
        through the prompt); whether one was added to ITEMS."""
        r = self.r
        if self.kind == "arith" and r.random() < 0.7:
            items.append(self.arith_scene(n))
            return True
        if self.kind != "print" or r.random() < 0.2:
            return False
        k = r.random()
        if k < 0.45:
            items.append(self.print_scene(n))
        elif k < 0.7:
            items.append(Item("set", [self.print_settings()]))
        else:
            p = self.top_print(n)
            if p is None:
                e, _, _ = self.aexpr(list(self.globals), 2)
                p = Item("print", [e])
            items.append(p)
        return True


def generate(number, skip=(), self_contained=False, print43=False,
             kind="all"):
    """Program NUMBER, a Program."""
    g = Gen(number, skip, self_contained)
    g.print43 = print43 or kind != "all"
    g.kind = kind
    return g.program()


def main(argv):
    self_contained = False
    print43 = False
    kind = "all"
    skip = []
    args = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--self":
            self_contained = True
        elif a == "--print43":
            print43 = True
        elif a == "--kind":
            i += 1
            kind = argv[i]
            if kind not in KINDS:
                sys.exit("diffgen.py: unknown --kind %s (known: %s)"
                         % (kind, ", ".join(KINDS)))
        elif a == "--skip":
            i += 1
            skip += [s for s in argv[i].split(",") if s]
        else:
            args.append(a)
        i += 1
    for s in skip:
        if s not in SKIPS:
            sys.exit("diffgen.py: unknown --skip name %s (known: %s)"
                     % (s, ", ".join(sorted(SKIPS))))
    if not args:
        sys.exit(__doc__.split("\n\n")[1])
    prog = generate(int(args[0]), skip, self_contained, print43, kind)
    text = prog.render()
    if len(args) > 1:
        with open(args[1], "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    if len(args) > 2 and not self_contained:
        with open(args[2], "wb") as f:
            f.write(prog.data)


if __name__ == "__main__":
    main(sys.argv[1:])
