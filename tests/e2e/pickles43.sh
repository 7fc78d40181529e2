#!/bin/sh
# pickles43.sh -- GNU poke 4.3's own pickles, with poke-elf's, run in
# bpoke on real data, against GNU poke 4.3 as the oracle.
#
# GNU poke 4.3 and its pickles come from Debian 13's packages, put in
# place by tests/oracle/gnu-poke-4.3 --setup (which ./bootstrap
# --install-deps runs); bpoke loads the pickles from there through its
# load path, as a user would (BPOKE_LOAD_PATH).  How a check is written,
# run and compared is in pickles-lib.sh, shared with pickles.sh (GNU
# poke 2.4's pickles); the data, made at test time by real tools, in
# pickles-data.sh.  The checks are tests/e2e/pickles43/PICKLE.WHAT.cmds;
# the pickles in LIVE below are compared with GNU poke 4.3 live, the
# others with its recorded answer (`--record' runs GNU poke 4.3, never
# bpoke).
#
# Usage: tests/e2e/pickles43.sh [--record | --oracle] [PATTERN]
# Environment: BPOKE; POKE43, the program running GNU poke 4.3 (default
# tests/oracle/gnu-poke-4.3); PICKLES43, its pickles (default: where
# that program put them).
# Exit status: 0 all passed, 1 a check failed, 77 GNU poke 4.3 or its
# pickles absent (said on stdout), 99 a tool failed to make the data.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/pickles-lib.sh"
checks=$here/pickles43
oracle=${POKE43:-$top/tests/oracle/gnu-poke-4.3}

if [ -z "${PICKLES43-}" ]; then
  PICKLES43=$("$oracle" --pickles 2> /dev/null) \
    || { echo "GNU poke 4.3 is not set up (tests/oracle/gnu-poke-4.3" \
              "--setup, run by ./bootstrap --install-deps): skip"; exit 77; }
fi
PICKLES=$PICKLES43
[ -d "$PICKLES" ] \
  || { echo "no GNU poke 4.3 pickles in $PICKLES: skip"; exit 77; }
"$oracle" --version > /dev/null 2>&1 \
  || { echo "GNU poke 4.3 ($oracle) does not run: skip"; exit 77; }

LIVE="mbr gpt gpt-partition-types ustar jffs2 asn1-ber elf elf-mach bpf btf
      btf-ext btf-dump ctf ctf-dump jpeg gcov sframe sframe-dump riscv openpgp
      srec coff pe"

LOADS=yes
pickles_main "$@"
