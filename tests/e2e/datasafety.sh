#!/bin/sh
# datasafety.sh -- bpoke never loses a byte: killed in the middle of
# commits, files changed, replaced and truncated under it, journals and
# symlinks planted beside them, full file systems.  The cases and how
# they are checked are in datasafety.py; DATASAFETY_ITERATIONS (default
# 50) sets how many runs are killed, DATASAFETY_SEED replays a run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
need_tools python3
exec python3 "$here/datasafety.py"
