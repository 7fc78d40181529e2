#!/bin/sh
# formats-sqlite.sh -- stdlib/sqlite.bpk against the sqlite3 program.
#
# Databases are made at test time by sqlite3 (1024-byte pages, so that
# the tables need interior pages and overflow pages; and 65536-byte
# pages, the page size the header writes as 1), and bpoke's reading is
# compared with what sqlite3 says:
#   - the header: page size, page count, freelist count, schema
#     cookie, user version, application id, text encoding (through its
#     pretty-printer), the SQLite version number;
#   - the schema table (type, name, table, root page);
#   - every row of a table of 2002 rows: rowid, length of the text
#     (one of 5000 bytes, spilled to overflow pages), the integer
#     (64-bit extremes included), the length of the blob;
#   - the number of entries of an index, the number of free pages.
# Then the user version is set by bpoke and sqlite3 reads it back, with
# PRAGMA integrity_check "ok".  Last, corrupted and truncated copies
# must end in an exception saying what is wrong, never a crash or a
# hang.  Exit status 0 all passed, 1 a check failed, 77 sqlite3
# missing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/formats-fs-lib.sh"
need_tools sqlite3 python3 timeout

db=$work/t.db
sqlite3 "$db" <<'EOF' || { echo "sqlite3 failed"; exit 99; }
PRAGMA page_size = 1024;
PRAGMA application_id = 1179603028;
PRAGMA user_version = 7;
CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, n INTEGER, r REAL,
                b BLOB);
CREATE INDEX t_name ON t (name);
CREATE VIEW v AS SELECT name FROM t;
CREATE TABLE junk (x);
WITH RECURSIVE c (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c
                         WHERE i < 2000)
  INSERT INTO t (name, n, r, b)
    SELECT 'name ' || i, i * i * (i % 2 * 2 - 1), i / 7.0,
           randomblob (i % 40)
    FROM c;
INSERT INTO t (name, n) VALUES (printf ('%.*c', 5000, 'x'),
                                9223372036854775807);
INSERT INTO t (name, n) VALUES (NULL, -9223372036854775807 - 1);
INSERT INTO junk SELECT randomblob (500) FROM t LIMIT 300;
DELETE FROM junk;
EOF

# The script that reads everything; @FILE@ is the database.
cat > "$work/walk.in" <<'EOF'
load sqlite;
set_ios (open ("@FILE@", IOS_F_READ));
var f = SQLite_File @ 0#B;
var h = f.header;
printf ("page_size %u32d\n", h.get_page_size);
printf ("page_count %u32d\n", h.page_count);
printf ("freelist_count %u32d\n", h.freelist_count);
printf ("schema_version %u32d\n", h.schema_cookie);
printf ("user_version %u32d\n", h.user_version);
printf ("application_id %u32d\n", h.application_id);
print "encoding ";
h.text_encoding._print;
print "\n";
printf ("version %u32d\n", h.sqlite_version_number);
for (e in f.schema)
  printf ("schema %s|%s|%s|%u32d\n", e.kind, e.name, e.tbl_name, e.rootpage);
for (row in f.table_rows (f.root_page ("t")))
  {
    var v = row.values;
    printf ("row %i64d|", row.rowid);
    if (!v[1].null_p)
      printf ("%u64d", v[1].bytes'length);
    print "|";
    if (!v[2].null_p)
      printf ("%i64d", v[2].integer);
    print "|";
    if (!v[4].null_p)
      printf ("%u64d", v[4].bytes'length);
    print "\n";
  }
printf ("index %u64d\n", f.btree_cells (f.root_page ("t_name"))'length);
printf ("free %u64d\n", f.free_pages'length);
EOF

# What sqlite3 says, in the same lines.
expected ()
{
  sqlite3 "$1" <<'EOF'
SELECT 'page_size ' || page_size FROM pragma_page_size;
SELECT 'page_count ' || page_count FROM pragma_page_count;
SELECT 'freelist_count ' || freelist_count FROM pragma_freelist_count;
SELECT 'schema_version ' || schema_version FROM pragma_schema_version;
SELECT 'user_version ' || user_version FROM pragma_user_version;
SELECT 'application_id ' || application_id FROM pragma_application_id;
SELECT 'encoding #<' || encoding || '>' FROM pragma_encoding;
SELECT 'version ' || (CAST (substr (v, 1, instr (v, '.') - 1) AS INT)
                      * 1000000
                      + CAST (substr (w, 1, instr (w, '.') - 1) AS INT)
                        * 1000
                      + CAST (substr (w, instr (w, '.') + 1) AS INT))
  FROM (SELECT v, substr (v, instr (v, '.') + 1) AS w
        FROM (SELECT sqlite_version () AS v));
SELECT 'schema ' || type || '|' || name || '|' || tbl_name || '|'
       || rootpage FROM sqlite_schema;
SELECT 'row ' || id || '|' || ifnull (length (CAST (name AS BLOB)), '')
       || '|' || ifnull (n, '') || '|' || ifnull (length (b), '')
  FROM t ORDER BY id;
SELECT 'index ' || count (*) FROM t;
SELECT 'free ' || freelist_count FROM pragma_freelist_count;
EOF
}

walk ()
{
  sed "s|@FILE@|$2|" "$work/walk.in" > "$work/$1.bpk"
  bp "$1"
}

walk read "$db"
if [ $rc -ne 0 ] || [ -s "$work/read.err" ]; then
  ko "bpoke reading the database: status $rc"; head -n 5 "$work/read.err"
fi
expected "$db" > "$work/read.exp"
for aspect in page_size page_count freelist_count schema_version \
              user_version application_id encoding version schema row \
              index free; do
  grep "^$aspect " "$work/read.out" > "$work/got.$aspect"
  grep "^$aspect " "$work/read.exp" > "$work/exp.$aspect"
  [ -s "$work/exp.$aspect" ] || ko "sqlite3 printed no $aspect"
  same "1024-byte pages: $aspect" "$work/got.$aspect" "$work/exp.$aspect"
done

# 65536-byte pages: the header holds 1.
db64=$work/t64.db
sqlite3 "$db64" 'PRAGMA page_size = 65536; CREATE TABLE a (x);
                 INSERT INTO a VALUES (1), (2);' \
  || { echo "sqlite3 failed"; exit 99; }
cat > "$work/p64.bpk" <<EOF
load sqlite;
set_ios (open ("$db64", IOS_F_READ));
var f = SQLite_File @ 0#B;
printf ("%u16d %u32d %u64d\n", f.header.page_size, f.header.get_page_size,
        f.table_rows (f.root_page ("a"))'length);
EOF
bp p64
echo "1 $(sqlite3 "$db64" 'PRAGMA page_size') 2" > "$work/p64.exp"
same "65536-byte pages: page_size field 1, page size, rows" \
  "$work/p64.out" "$work/p64.exp"

# Setting the user version.
cp "$db" "$work/uv.db"
cat > "$work/uv.bpk" <<EOF
load sqlite;
set_ios (open ("$work/uv.db"));
var f = SQLite_File @ 0#B;
f.header.user_version = 4242;
EOF
bp uv
[ $rc -eq 0 ] || { ko "setting user_version: status $rc"; cat "$work/uv.err"; }
printf '4242\nok\n' > "$work/uv.exp"
sqlite3 "$work/uv.db" 'PRAGMA user_version; PRAGMA integrity_check;' \
  > "$work/uv.got" 2>&1
same "user_version set by bpoke, read by sqlite3, integrity ok" \
  "$work/uv.got" "$work/uv.exp"

# Corrupted copies.  Root pages and the first free trunk page come from
# the database itself.
root=$(sqlite3 "$db" "SELECT rootpage FROM sqlite_schema WHERE name = 't'")
trunk=$(od -An -tu1 -j32 -N4 "$db" \
        | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
be32 () { printf '%08x' "$1"; }
size=$(wc -c < "$db")

# case NAME REGEX PATCH...: patch a copy of the database (each PATCH is
# OFFSET:HEX, or "truncate:N"), walk it, expect REGEX.
case_ ()
{
  name=$1 regex=$2
  shift 2
  cp "$db" "$work/$name.db"
  for p in "$@"; do
    case $p in
      truncate:*) truncate -s "${p#truncate:}" "$work/$name.db" ;;
      *) patch "$work/$name.db" "${p%%:*}" "${p#*:}" ;;
    esac
  done
  walk "$name" "$work/$name.db"
  expect_exc "corrupt $name" "$name" "$regex"
}

case_ magic 'magic' 0:00
case_ page-size 'page_size' 16:03e8
case_ payload-fraction 'max_payload_fraction' 21:41
case_ encoding 'code' 56:00000009
case_ empty 'EOF' truncate:0
case_ header-cut 'EOF' truncate:60
case_ three-pages 'EOF' truncate:3072
case_ page-type 'SQLite_Page_Type' $(((root - 1) * 1024)):ff
case_ child-loop 'loops' $(((root - 1) * 1024 + 8)):$(be32 "$root")
case_ child-out 'is not a page of the database' \
  $(((root - 1) * 1024 + 8)):00ffffff
case_ cell-out 'outside the page' $(((root - 1) * 1024 + 12)):ffff
case_ freelist-loop 'longer than freelist_count' \
  $(((trunk - 1) * 1024)):$(be32 "$trunk")
case_ schema-zero 'SQLite_Page_Type|constraint' \
  100:0000000000000000000000000000

# Garbage over every page but the first: whatever it says, an exception
# or nothing, never a crash or a hang.
cp "$db" "$work/garbage.db"
python3 - "$work/garbage.db" <<'EOF'
import random, sys
random.seed(7)
with open(sys.argv[1], "r+b") as f:
    data = bytearray(f.read())
    for i in range(1024, len(data), 97):
        data[i] = random.randrange(256)
    f.seek(0); f.write(data)
EOF
walk garbage "$work/garbage.db"
expect_clean "random bytes over the pages" garbage

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
