#!/bin/sh
# pickles.sh -- GNU poke 2.4's own pickles (/usr/share/poke/pickles), run
# in bpoke on real data, against GNU poke 2.4 as the oracle.
#
# How a check is written, run and compared is in pickles-lib.sh; the
# data, made at test time by real tools (gcc, clang, tar, sfdisk,
# mkfs.jffs2, openssl, python3), in pickles-data.sh.  The checks are
# tests/e2e/pickles/PICKLE.WHAT.cmds; the pickles listed in LIVE below
# are compared with GNU poke live, the others with its recorded answer.
# GNU poke 4.3's pickles, among them btf-dump, ctf-dump and asn1-ber
# (whose 2.4 versions rely on the value of `?!' that GNU poke 3.0
# reversed, and bpoke follows 4.3), are tested by pickles43.sh.
#
# Usage: tests/e2e/pickles.sh [--record | --oracle] [PATTERN]
# Environment: BPOKE, POKE (default poke), PICKLES (default
# /usr/share/poke/pickles).
# Exit status: 0 all passed, 1 a check failed, 77 no pickles or no
# GNU poke here (said on stdout), 99 a tool failed to make the data.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/pickles-lib.sh"
checks=$here/pickles
POKE=${POKE:-poke}
PICKLES=${PICKLES:-/usr/share/poke/pickles}

[ -d "$PICKLES" ] \
  || { echo "no GNU poke pickles in $PICKLES: skip"; exit 77; }
command -v "$POKE" >/dev/null \
  || { echo "GNU poke ($POKE) missing beside its pickles: skip"; exit 77; }

LIVE="mbr ustar jffs2 elf bpf btf btf-ext ctf dwarf"

oracle=$POKE

# bpoke prints values as GNU poke 4.3 does: uint<1> as 1T, integers of
# other widths with their type in %v too, hexadecimal padded to the
# width.  These checks print such values; their output is compared with
# GNU poke 2.4's no more, only across bpoke's three execution paths (the
# bytes they write still are compared with GNU poke's); pickles43.sh
# runs GNU poke 4.3's versions of these pickles against GNU poke 4.3.
# The same holds for the checks that print GNU poke 4.3's messages: a
# failed constraint (`failed expression', the constraint, `in field
# T.f'), an array whose elements do not fill its size (E_constraint,
# not 2.4's E_map_bounds), an assertion without a message (the source
# of its condition for a message, where 2.4 has none).
OLD_PRINT="bpf.all bpf.raw btf.all btf.write ctf.all ctf.write elf.print
           leb128.all mbr.read mbr.write mcr.all dwarf.all pktest.all
           ustar.read ustar.write"

pickles_main "$@"
