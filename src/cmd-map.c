/* cmd-map.c -- the maps' dot-commands, as GNU poke 4.3 has them:
   .map create|remove|show|load|save NAME, .map entry add|remove MAP,
   VARIABLE, and .info maps.  The maps themselves are the language
   library's (lang/iomaps.c); here are the words and the messages.  */

#include <config.h>

#include "cmd-int.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The word of WORDS (NULL-terminated) that WORD is or abbreviates
   without ambiguity, or NULL.  */
static const char *
sub_command (const char *const *words, const char *word)
{
  const char *found = NULL;
  int n = 0;
  for (int i = 0; words[i]; i++)
    {
      if (strcmp (words[i], word) == 0)
        return words[i];
      if (strncmp (words[i], word, strlen (word)) == 0)
        {
          found = words[i];
          n++;
        }
    }
  return n == 1 ? found : NULL;
}

/* TEXT after its first word, blanks around removed, as a string to
   free.  */
static char *
after_word (const char *text)
{
  const char *s = text + strcspn (text, " \t");
  s += strspn (s, " \t");
  size_t n = strlen (s);
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    n--;
  return strndup (s, n);
}

/* The header line TEXT of a table.  */
static void
print_header (bpoke *pk, const char *text)
{
  char *styled = bpoke_styled (pk, "table-header", text, false);
  printf ("%s\n", styled);
  free (styled);
}

static bool
no_ios (void)
{
  return cmd_fail ("No current IOS");
}

static bool
no_map (bpoke *pk, const char *name)
{
  return cmd_fail ("No such map `%s' in IOS %d.", name,
                   bpoke_ios_current (pk));
}

/* .map create NAME: the characters of NAME that cannot be in a name
   become `_', as in GNU poke.  */
static bool
map_create (bpoke *pk, char *name)
{
  for (char *c = name; *c; c++)
    if (!isalnum ((unsigned char) *c) && *c != '_')
      *c = '_';
  if (!*name)
    return cmd_fail ("Invalid name for map.");
  switch (bpoke_map_create (pk, name))
    {
    case BPOKE_MAP_OK:
      return true;
    case BPOKE_MAP_NO_IOS:
      return no_ios ();
    default:
      /* GNU poke 4.3 ends this message with a newline and a period.  */
      printf ("The map `%s' already exists in IOS %d\n.", name,
              bpoke_ios_current (pk));
      fflush (stdout);
      return false;
    }
}

static bool
map_remove (bpoke *pk, const char *name)
{
  if (!*name)
    return cmd_fail ("Invalid name for map.");
  switch (bpoke_map_remove (pk, name))
    {
    case BPOKE_MAP_OK:
      return true;
    case BPOKE_MAP_NO_IOS:
      return no_ios ();
    default:
      return no_map (pk, name);
    }
}

/* An offset of BITS as .map show prints it: in bytes when it is whole
   bytes, in the output base, the magnitude a uint<64>.  */
static void
print_offset (bpoke *pk, uint64_t bits)
{
  uint64_t m = bits % 8 ? bits : bits / 8;
  int base = atoi (bpoke_get (pk, "obase"));
  if (base == 16)
    printf ("0x%016" PRIx64, m);
  else if (base == 8)
    printf ("0o%022" PRIo64, m);
  else if (base == 2)
    {
      fputs ("0b", stdout);
      for (int i = 63; i >= 0; i--)
        putchar (m >> i & 1 ? '1' : '0');
    }
  else
    printf ("%" PRIu64, m);
  printf ("UL#%c", bits % 8 ? 'b' : 'B');
}

typedef struct show_ctx
{
  bpoke *pk;
  const char *map;
} show_ctx;

static void
show_entry (void *cv, const char *entry, bool mapped, uint64_t offset)
{
  show_ctx *c = cv;
  if (mapped)
    print_offset (c->pk, offset);
  else
    fputs ("null", stdout);
  printf ("  $%s::%s\n", c->map, entry);
}

static bool
map_show (bpoke *pk, const char *name)
{
  if (bpoke_ios_current (pk) < 0)
    return no_ios ();
  show_ctx c = { pk, name };
  if (bpoke_map_entries (pk, name, NULL, NULL) != BPOKE_MAP_OK)
    return no_map (pk, name);
  print_header (pk, "Offset   Entry");
  bpoke_map_entries (pk, name, show_entry, &c);
  return true;
}

static bool
map_load (bpoke *pk, const char *name)
{
  switch (bpoke_map_load (pk, name))
    {
    case BPOKE_MAP_OK:
      return true;
    case BPOKE_MAP_NO_IOS:
      return cmd_fail ("This command requires an IO space.  "
                       "Use the `file' command.");
    case BPOKE_MAP_EXISTS:
      return cmd_fail ("map already loaded");
    case BPOKE_MAP_NO_MAP:
      return cmd_fail ("No such map `%s'.", name);
    case BPOKE_MAP_INVALID:
      return false;
    default:
      /* After the messages of what failed, GNU poke 4.3 prints the byte
         3 on a line.  */
      fputs ("\003\n", stdout);
      return false;
    }
}

/* .map entry add|remove MAP, NAME.  */
static bool
map_entry (bpoke *pk, const cmd_args *a)
{
  static const char *const subs[] = { "add", "remove", NULL };
  if (a->argc < 3)
    return cmd_fail ("Usage: .map entry (add|remove)");
  const char *sub = sub_command (subs, a->argv[2]);
  if (!sub)
    return cmd_fail ("entry %s: command not found.", a->argv[2]);
  char *rest = after_word (a->rest);
  char *args = after_word (rest);
  char *comma = strchr (args, ',');
  const char *var = "";
  if (comma)
    {
      *comma = '\0';
      var = comma + 1 + strspn (comma + 1, " \t");
    }
  size_t n = strlen (args);
  while (n > 0 && (args[n - 1] == ' ' || args[n - 1] == '\t'))
    args[--n] = '\0';
  bpoke_map_err e = sub[0] == 'a' ? bpoke_map_add (pk, args, var)
                    : bpoke_map_unentry (pk, args, var);
  int cur = bpoke_ios_current (pk);
  bool ok = e == BPOKE_MAP_OK;
  switch (e)
    {
    case BPOKE_MAP_OK:
      break;
    case BPOKE_MAP_NO_IOS:
      no_ios ();
      break;
    case BPOKE_MAP_NO_MAP:
      no_map (pk, args);
      break;
    case BPOKE_MAP_NO_VARIABLE:
      cmd_fail ("Variable `%s' doesn't exist.", var);
      break;
    case BPOKE_MAP_NOT_MAPPED:
      cmd_fail ("Variable `%s' is not mapped in the IOS %d.", var, cur);
      break;
    case BPOKE_MAP_EXISTS:
      cmd_fail ("The entry `%s' already exists in map `%s'.", var, args);
      break;
    default:
      cmd_fail ("No entry `%s' in map `%s'.", var, args);
      break;
    }
  free (args);
  free (rest);
  return ok;
}

bool
cmd_map (bpoke *pk, const cmd_args *a, bool *quit)
{
  (void) quit;
  static const char *const subs[] = { "create", "remove", "show", "entry",
                                      "load", "save", NULL };
  if (a->argc < 2)
    return cmd_fail ("Usage: .map (create|show|entry|load|save)");
  const char *sub = sub_command (subs, a->argv[1]);
  if (!sub)
    return cmd_fail ("map %s: command not found.", a->argv[1]);
  if (strcmp (sub, "entry") == 0)
    return map_entry (pk, a);
  if (strcmp (sub, "save") == 0)
    {
      printf (".map save is not implemented yet, sorry :/\n");
      return true;
    }
  char *name = after_word (a->rest);
  bool ok;
  if (strcmp (sub, "create") == 0)
    ok = map_create (pk, name);
  else if (strcmp (sub, "remove") == 0)
    ok = map_remove (pk, name);
  else if (strcmp (sub, "show") == 0)
    ok = map_show (pk, name);
  else
    ok = map_load (pk, name);
  free (name);
  return ok;
}

/* .info maps: the maps of the current IO space, in a table whose
   columns are as wide as their widest cell plus three blanks.  */
typedef struct maps_table
{
  size_t wname;
  int n;
  char **names, **sources;
} maps_table;

static void
collect_map (void *cv, const char *name, const char *source)
{
  maps_table *t = cv;
  t->names = realloc (t->names, sizeof *t->names * (size_t) (t->n + 1));
  t->sources = realloc (t->sources,
                        sizeof *t->sources * (size_t) (t->n + 1));
  t->names[t->n] = strdup (name);
  t->sources[t->n++] = strdup (source);
  if (strlen (name) > t->wname)
    t->wname = strlen (name);
}

bool
cmd_info_maps (bpoke *pk)
{
  int cur = bpoke_ios_current (pk);
  if (cur < 0)
    return cmd_fail ("This command requires an IO space.  "
                     "Use the `file' command.");
  maps_table t = { strlen ("Name"), 0, NULL, NULL };
  bpoke_maps_each (pk, collect_map, &t);
  if (t.n == 0)
    return true;
  char id[16];
  int wios = snprintf (id, sizeof id, "%d", cur);
  if (wios < 3)
    wios = 3;
  size_t hl = (size_t) wios + t.wname + 16;
  char *head = malloc (hl);
  snprintf (head, hl, "%-*s%-*s%s", wios + 3, "IOS", (int) t.wname + 3,
            "Name", "Source");
  print_header (pk, head);
  free (head);
  for (int i = 0; i < t.n; i++)
    {
      printf ("%-*s%-*s%s\n", wios + 3, id, (int) t.wname + 3, t.names[i],
              t.sources[i]);
      free (t.names[i]);
      free (t.sources[i]);
    }
  free (t.names);
  free (t.sources);
  return true;
}
