# mkhelp.awk -- turn doc/help.txt into the help table of the program or
# into the manual's chapter of help topics, so that both say the same.
#
#   awk -v out=c -f doc/mkhelp.awk doc/help.txt > src/help-data.c
#   awk -v out=texi -f doc/mkhelp.awk doc/help.txt > doc/help.texi
#
# The format of help.txt is described at its top.  Plain POSIX awk.

function flush_entry(    i)
{
  if (name == "")
    return;
  while (nlines > 0 && lines[nlines] == "")
    nlines--;
  n++;
  e_kind[n] = kind; e_name[n] = name; e_summary[n] = summary;
  e_nlines[n] = nlines;
  for (i = 1; i <= nlines; i++)
    e_line[n, i] = lines[i];
  name = "";
  nlines = 0;
}

# A C string literal of S.  Backslashes are doubled by hand: awks
# disagree on backslashes in the replacement of gsub.
function c_str(s,    r, c, i)
{
  r = "";
  for (i = 1; i <= length(s); i++) {
    c = substr(s, i, 1);
    if (c == "\\" || c == "\"")
      r = r "\\";
    r = r c;
  }
  return "\"" r "\"";
}

function texi_esc(s)
{
  gsub(/@/, "@@", s);
  gsub(/{/, "@{", s);
  gsub(/}/, "@}", s);
  return s;
}

# `text' in prose becomes @code{text}.
function texi_prose(s,    r)
{
  s = texi_esc(s);
  r = "";
  while (match(s, /`[^`']*'/)) {
    r = r substr(s, 1, RSTART - 1) "@code{" substr(s, RSTART + 1, RLENGTH - 2) "}";
    s = substr(s, RSTART + RLENGTH);
  }
  return r s;
}

BEGIN {
  n = 0; name = ""; nlines = 0;
  nkinds = split("command setting builtin function keyword", kinds, " ");
  title["command"] = "Dot-commands";
  title["setting"] = "Settings";
  title["builtin"] = "Builtins";
  title["function"] = "Standard library functions";
  title["keyword"] = "Keywords";
  node["command"] = "Help on dot-commands";
  node["setting"] = "Help on settings";
  node["builtin"] = "Help on builtins";
  node["function"] = "Help on library functions";
  node["keyword"] = "Help on keywords";
}

/^#/ { next }

/^@/ {
  flush_entry();
  kind = substr($1, 2);
  if (!(kind in title)) {
    printf "%s:%d: unknown kind %s\n", FILENAME, FNR, kind > "/dev/stderr";
    bad = 1;
  }
  rest = substr($0, length($1) + 2);
  i = index(rest, ": ");
  if (i == 0) {
    printf "%s:%d: expected `@KIND NAME: SUMMARY'\n", FILENAME, FNR > "/dev/stderr";
    bad = 1;
  }
  name = substr(rest, 1, i - 1);
  summary = substr(rest, i + 2);
  next;
}

{
  if (name == "" && $0 == "")
    next;
  lines[++nlines] = $0;
}

END {
  flush_entry();
  if (bad)
    exit 1;
  if (out == "c") {
    print "/* help-data.c -- generated from doc/help.txt by doc/mkhelp.awk:";
    print "   edit those, not this.  */";
    print "";
    print "#include \"help.h\"";
    print "";
    print "const help_entry help_entries[] = {";
    for (k = 1; k <= n; k++) {
      printf "  {%s, %s, %s,", c_str(e_kind[k]), c_str(e_name[k]),
        c_str(e_summary[k]);
      for (i = 1; i <= e_nlines[k]; i++)
        printf "\n   %s", substr(c_str(e_line[k, i]), 1,
          length(c_str(e_line[k, i])) - 1) "\\n\"";
      print "},";
    }
    print "  {0, 0, 0, 0}";
    print "};";
    exit 0;
  }
  print "@c help.texi -- generated from doc/help.txt by doc/mkhelp.awk: edit";
  print "@c those, not this.";
  print "";
  print "@menu";
  for (j = 1; j <= nkinds; j++)
    printf "* %s::\n", node[kinds[j]];
  print "@end menu";
  for (j = 1; j <= nkinds; j++) {
    kd = kinds[j];
    print "";
    printf "@node %s\n", node[kd];
    printf "@section %s\n", title[kd];
    print "";
    print "@table @code";
    for (k = 1; k <= n; k++) {
      if (e_kind[k] != kd)
        continue;
      printf "@item %s\n", texi_esc(e_line[k, 1]);
      printf "@findex %s\n", texi_esc(e_name[k]);
      inex = 0;
      for (i = 2; i <= e_nlines[k]; i++) {
        l = e_line[k, i];
        if (l ~ /^  /) {
          if (!inex) { print "@example"; inex = 1; }
          print texi_esc(substr(l, 3));
        } else {
          if (inex) { print "@end example"; inex = 0; }
          print texi_prose(l);
        }
      }
      if (inex)
        print "@end example";
      print "";
    }
    print "@end table";
  }
}
