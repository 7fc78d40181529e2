#!/bin/sh
# lang43.sh -- GNU poke 4.3's language where bpoke does what its manual
# says and 4.3 itself does not (a bug of 4.3's, shown below with each
# check), so that there is no oracle output: each check's expected
# output is written here from the manual's words, and bpoke must print
# it along its three execution paths (machine code, BPOKE_NOJIT=1,
# BPOKE_NOCOMPILE=1).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

# check NAME: run $work/prog.bpk (-L) and compare with $work/want.
check ()
{
  for mode in jit nojit nocompile; do
    case $mode in
      jit) env= ;;
      nojit) env=BPOKE_NOJIT=1 ;;
      nocompile) env=BPOKE_NOCOMPILE=1 ;;
    esac
    env $env "$BPOKE" -q -L "$work/prog.bpk" > "$work/out" 2>&1
    echo "[exit $?]" >> "$work/out"
    if cmp -s "$work/want" "$work/out"; then
      ok "$1 ($mode)"
    else
      ko "$1 ($mode)"
      diff "$work/want" "$work/out" | head -20
    fi
  done
}

# An assignment to an element indexed by an offset stores into the
# element that starts there, as reading it gives that element (manual,
# "Indexing an array by offset of element").  GNU poke 4.3 stores into
# element 1 whatever the offset (a[0#b] = 7 changes a[1]).
cat > "$work/prog.bpk" <<'PK'
var a = [1,2,3,4];
a[0#b] = 7;
a[8#B] = 9;
printf ("%v\n", a);
try a[1#B] = 0; catch if E_out_of_bounds { printf ("oob\n"); }
type S = struct { int<8> l; byte[l] d; };
var v = [S { l = 1 }, S { l = 2 }];
v[16#b].d[1#B] = 5UB;
v[0#B].l = 1B;
printf ("%v\n", v);
var m = open ("*m*");
var ma = uint<16>[4] @ m : 2#B;
ma[4#B] = 0xabcdUH;
printf ("%v\n", uint<8>[4] @ m : 6#B);
PK
cat > "$work/want" <<'OUT'
[7,2,9,4]
oob
[S {l=1B,d=[0UB]},S {l=2B,d=[0UB,5UB]}]
[171UB,205UB,0UB,0UB]
[exit 0]
OUT
check "assignment to an element indexed by an offset"

# typeof's closures (manual, "typeof"): an array type's mapper, "when
# passed an integer predicate denoting whether to do a strict mapping,
# an IO space identifier, a bit-offset in the given IO space, map a
# value of the described type"; a struct type's comparator, "when
# passed two values of the described type, returns 1 if the values are
# equal, 0 otherwise".  GNU poke 4.3's array mapper gives 0, and its
# comparator raises E_conv.
cat > "$work/prog.bpk" <<'PK'
var m = open ("*m*");
uint<8>[4] @ m : 0#B = [1UB, 2UB, 3UB, 4UB];
printf ("%v\n", typeof (uint<8>[2]).mapper (1, m, 8));
type Pair = struct { uint<8> a; uint<8> b : b != 9; };
var t = typeof (Pair);
printf ("%v %v\n", t.comparator (Pair { a = 1 }, Pair { a = 1 }),
        t.comparator (Pair { a = 1 }, Pair { a = 2 }));
PK
cat > "$work/want" <<'OUT'
[2UB,3UB]
1 0
[exit 0]
OUT
check "typeof's array mapper and struct comparator"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
