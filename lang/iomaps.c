/* iomaps.c -- maps, as GNU poke has them: named sets of entries that an
   IO space carries, each entry a variable mapped in that space, which
   $MAP::ENTRY names while the space is the current one.  A map is made
   empty (.map create) and given the variables the user maps, or loaded
   from a map file (.map load NAME reads NAME.map in map_load_path):

     Poke code run first (the prologue)
     %%
     %entry
     %name NAME
     %type TYPE
     %offset OFFSET
     %condition EXPRESSION        (optional: no entry when false)

   Each entry of a map file becomes a hidden variable, TYPE mapped at
   OFFSET, named after the load (so that the same map loaded in two
   spaces has two of them).  The messages about map files are GNU poke
   4.3's, on standard output as it prints them.  */

#include "interp-int.h"

#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ios.h"
#include "mapfile.h"
#include "util.h"

typedef struct map_entry
{
  char *name;
  char *var;                    /* The variable it names.  */
  bool mapped;
  uint64_t offset;              /* Bits, when mapped.  */
} map_entry;

typedef struct io_map
{
  int ios;
  uint64_t serial;              /* ios_serial of that space.  */
  char *name;
  char *source;                 /* The map file, or <stdin>.  */
  map_entry *entries;
  int nentries;
} io_map;

struct iomaps
{
  io_map *maps;                 /* Oldest first.  */
  int n, cap;
};

static void
entry_free (map_entry *e)
{
  free (e->name);
  free (e->var);
}

static void
map_free (io_map *m)
{
  for (int i = 0; i < m->nentries; i++)
    entry_free (&m->entries[i]);
  free (m->entries);
  free (m->name);
  free (m->source);
}

void
iomaps_free (iomaps *ms)
{
  if (!ms)
    return;
  for (int i = 0; i < ms->n; i++)
    map_free (&ms->maps[i]);
  free (ms->maps);
  free (ms);
}

/* The maps of PK, without those of the spaces closed since.  */
static iomaps *
maps_of (bpoke *pk)
{
  if (!pk->maps)
    pk->maps = xcalloc (1, sizeof *pk->maps);
  iomaps *ms = pk->maps;
  int k = 0;
  for (int i = 0; i < ms->n; i++)
    if (ios_serial (ms->maps[i].ios) == ms->maps[i].serial)
      ms->maps[k++] = ms->maps[i];
    else
      map_free (&ms->maps[i]);
  ms->n = k;
  return ms;
}

/* The map NAME of the current IO space, or NULL.  */
static io_map *
find_map (bpoke *pk, const char *name)
{
  iomaps *ms = maps_of (pk);
  int cur = bpoke_ios_current (pk);
  for (int i = 0; i < ms->n; i++)
    if (ms->maps[i].ios == cur && strcmp (ms->maps[i].name, name) == 0)
      return &ms->maps[i];
  return NULL;
}

static int
find_entry (const io_map *m, const char *name)
{
  for (int i = 0; i < m->nentries; i++)
    if (strcmp (m->entries[i].name, name) == 0)
      return i;
  return -1;
}

/* Add E to M, in place of its entry of the same name if it has one.  */
static void
put_entry (io_map *m, map_entry e)
{
  int i = find_entry (m, e.name);
  if (i >= 0)
    {
      entry_free (&m->entries[i]);
      m->entries[i] = e;
      return;
    }
  m->entries = xrealloc (m->entries, sizeof *m->entries
                         * (size_t) (m->nentries + 1));
  m->entries[m->nentries++] = e;
}

/* Attach the map M (its entries taken) to the current IO space.  */
static void
add_map (bpoke *pk, io_map m)
{
  iomaps *ms = maps_of (pk);
  if (ms->n == ms->cap)
    {
      ms->cap = ms->cap ? 2 * ms->cap : 8;
      ms->maps = xrealloc (ms->maps, sizeof *ms->maps * (size_t) ms->cap);
    }
  m.ios = bpoke_ios_current (pk);
  m.serial = ios_serial (m.ios);
  ms->maps[ms->n++] = m;
}

const char *
iomaps_entry_var (void *cv, const char *map, const char *entry)
{
  io_map *m = find_map (cv, map);
  int i = m ? find_entry (m, entry) : -1;
  return i >= 0 ? m->entries[i].var : NULL;
}

void
bpoke_maps_each (bpoke *pk, void (*fn) (void *ctx, const char *name,
                                        const char *source), void *ctx)
{
  iomaps *ms = maps_of (pk);
  int cur = bpoke_ios_current (pk);
  for (int i = ms->n - 1; i >= 0; i--)
    if (ms->maps[i].ios == cur)
      fn (ctx, ms->maps[i].name, ms->maps[i].source);
}

bpoke_map_err
bpoke_map_create (bpoke *pk, const char *name)
{
  if (bpoke_ios_current (pk) < 0)
    return BPOKE_MAP_NO_IOS;
  if (find_map (pk, name))
    return BPOKE_MAP_EXISTS;
  io_map m = { 0, 0, xstrdup (name), xstrdup ("<stdin>"), NULL, 0 };
  add_map (pk, m);
  return BPOKE_MAP_OK;
}

bpoke_map_err
bpoke_map_remove (bpoke *pk, const char *name)
{
  if (bpoke_ios_current (pk) < 0)
    return BPOKE_MAP_NO_IOS;
  io_map *m = find_map (pk, name);
  if (!m)
    return BPOKE_MAP_NO_MAP;
  iomaps *ms = pk->maps;
  map_free (m);
  int i = (int) (m - ms->maps);
  memmove (m, m + 1, sizeof *m * (size_t) (ms->n - i - 1));
  ms->n--;
  return BPOKE_MAP_OK;
}

bpoke_map_err
bpoke_map_entries (bpoke *pk, const char *name,
                   void (*fn) (void *ctx, const char *entry, bool mapped,
                               uint64_t offset), void *ctx)
{
  if (bpoke_ios_current (pk) < 0)
    return BPOKE_MAP_NO_IOS;
  io_map *m = find_map (pk, name);
  if (!m)
    return BPOKE_MAP_NO_MAP;
  if (!fn)
    return BPOKE_MAP_OK;
  /* By offset (those with none first), then in the order they were
     added: a stable selection, the maps being small.  */
  int n = m->nentries;
  bool *done = xcalloc ((size_t) n + 1, sizeof *done);
  for (int k = 0; k < n; k++)
    {
      int best = -1;
      for (int i = 0; i < n; i++)
        if (!done[i]
            && (best < 0
                || (m->entries[best].mapped
                    && (!m->entries[i].mapped
                        || m->entries[i].offset < m->entries[best].offset))))
          best = i;
      done[best] = true;
      fn (ctx, m->entries[best].name, m->entries[best].mapped,
          m->entries[best].offset);
    }
  free (done);
  return BPOKE_MAP_OK;
}

/* Evaluate EXPR (named <unknown> in messages) into *OUT.  */
static bool
eval_text (bpoke *pk, const char *expr, val *out)
{
  loc_t at = { 1, 1, 0 };
  return interp_eval_at (pk, expr, strlen (expr), "<unknown>", at,
                         strlen (expr), out) == BPOKE_OK;
}

/* Is variable VAR a value mapped in IO space IOS?  Then *OFFSET is
   where, in bits.  */
static bool
variable_mapped (bpoke *pk, const char *var, int ios, uint64_t *offset)
{
  char *expr = xmalloc (strlen (var) * 3 + 64);
  val v;
  sprintf (expr, "%s'mapped", var);
  bool mapped = eval_text (pk, expr, &v) && v.t->kind == TY_INT && v.v.i;
  if (mapped)
    {
      sprintf (expr, "%s'ios", var);
      mapped = eval_text (pk, expr, &v) && v.t->kind == TY_INT
               && v.v.i == ios;
    }
  if (mapped)
    {
      sprintf (expr, "%s'offset/#b", var);
      mapped = eval_text (pk, expr, &v) && v.t->kind == TY_INT;
      *offset = v.v.u;
    }
  free (expr);
  return mapped;
}

bpoke_map_err
bpoke_map_add (bpoke *pk, const char *map, const char *var)
{
  int cur = bpoke_ios_current (pk);
  if (cur < 0)
    return BPOKE_MAP_NO_IOS;
  io_map *m = find_map (pk, map);
  if (!m)
    return BPOKE_MAP_NO_MAP;
  if (!compiler_is_variable (pk->comp, var))
    return BPOKE_MAP_NO_VARIABLE;
  map_entry e = { NULL, NULL, true, 0 };
  if (!variable_mapped (pk, var, cur, &e.offset))
    return BPOKE_MAP_NOT_MAPPED;
  m = find_map (pk, map);
  if (find_entry (m, var) >= 0)
    return BPOKE_MAP_EXISTS;
  e.name = xstrdup (var);
  e.var = xstrdup (var);
  put_entry (m, e);
  return BPOKE_MAP_OK;
}

bpoke_map_err
bpoke_map_unentry (bpoke *pk, const char *map, const char *entry)
{
  if (bpoke_ios_current (pk) < 0)
    return BPOKE_MAP_NO_IOS;
  io_map *m = find_map (pk, map);
  if (!m)
    return BPOKE_MAP_NO_MAP;
  int i = find_entry (m, entry);
  if (i < 0)
    return BPOKE_MAP_NO_ENTRY;
  entry_free (&m->entries[i]);
  memmove (&m->entries[i], &m->entries[i + 1],
           sizeof *m->entries * (size_t) (m->nentries - i - 1));
  m->nentries--;
  return BPOKE_MAP_OK;
}

/* Map files.  */

char *
bpoke_map_load_path (bpoke *pk)
{
  val v;
  if (!eval_text (pk, "map_load_path", &v) || v.t->kind != TY_STRING)
    return NULL;
  return xstrdup (val_str (v)->data);
}

/* The file NAME.map in the directories of map_load_path, as a string
   to free, or NULL.  */
static char *
find_map_file (bpoke *pk, const char *name)
{
  char *dirs = bpoke_map_load_path (pk);
  if (!dirs)
    return NULL;
  char *found = NULL;
  for (const char *d = dirs; !found && *d;)
    {
      size_t n = strcspn (d, ":");
      strbuf path;
      sb_init (&path);
      sb_putn (&path, d, n);
      sb_printf (&path, "/%s.map", name);
      FILE *f = n ? fopen (path.data, "r") : NULL;
      if (f)
        {
          fclose (f);
          found = sb_steal (&path);
        }
      sb_free (&path);
      d += n + (d[n] == ':');
    }
  free (dirs);
  return found;
}

/* The text of the file PATH, or NULL.  */
static char *
read_file (const char *path, size_t *len)
{
  FILE *f = fopen (path, "rb");
  if (!f)
    return NULL;
  strbuf sb;
  sb_init (&sb);
  char buf[4096];
  size_t k;
  while ((k = fread (buf, 1, sizeof buf, f)) > 0 && sb.len < (64u << 20))
    sb_putn (&sb, buf, k);
  fclose (f);
  *len = sb.len;
  return sb.data ? sb_steal (&sb) : xstrdup ("");
}

/* Define the variable of entry E of the map file TEXT, the LOADth map
   loaded, and add it to M.  */
static bool
define_entry (bpoke *pk, const char *text, const mapfile_entry *e, int load,
              io_map *m, bool *dup_entry)
{
  const mapfile_value *nv = &e->name;
  size_t a = (size_t) nv->at.pos + strspn (text + nv->at.pos, " \t");
  size_t b = nv->end;
  while (b > a && strchr (" \t\r", text[b - 1]))
    b--;
  char *name = xstrndup (text + a, b - a);
  strbuf def;
  sb_init (&def);
  sb_printf (&def, "__map_entry_%d_%s", load, name);
  char *var = sb_steal (&def);
  sb_init (&def);
  /* The `;' on a line of its own: the messages show the lines of the
     definition as GNU poke writes them.  */
  sb_printf (&def, "var %s = %.*s\n @ %.*s\n;", var,
             (int) (e->type.end - (size_t) e->type.at.pos),
             text + e->type.at.pos,
             (int) (e->offset.end - (size_t) e->offset.at.pos),
             text + e->offset.at.pos);
  bool ok = interp_run_text (pk, def.data, def.len, "<unknown>", false)
            == BPOKE_OK;
  sb_free (&def);
  if (!ok)
    {
      free (name);
      free (var);
      return false;
    }
  map_entry me = { name, var, false, 0 };
  me.mapped = variable_mapped (pk, var, bpoke_ios_current (pk), &me.offset);
  /* A second entry of the same name replaces the first, and the load
     fails, though the map stays, as in GNU poke.  */
  *dup_entry |= find_entry (m, name) >= 0;
  put_entry (m, me);
  return true;
}

/* Is the condition of entry E of TEXT (LEN bytes, named FILE) true?
   False with *OK false when it cannot say, its message printed.  */
static bool
condition_holds (bpoke *pk, const char *text, size_t len, const char *file,
                 const mapfile_entry *e, bool *ok)
{
  val v;
  *ok = interp_eval_at (pk, text, len, file, e->condition.at,
                        e->condition.end, &v) == BPOKE_OK;
  if (*ok && v.t->kind != TY_INT)
    {
      fputs ("error: invalid condition expression\n", stdout);
      *ok = false;
    }
  return *ok && v.v.u != 0;
}

/* Run the map file TEXT (LEN bytes, PATH) into M: its prologue, then
   its entries.  */
static bool
run_map_file (bpoke *pk, const char *text, size_t len, const char *path,
              const mapfile *mf, io_map *m, bool *dup_entry)
{
  /* Messages name ./FILE as FILE, as GNU poke names it.  */
  const char *file = strncmp (path, "./", 2) == 0 ? path + 2 : path;
  if (interp_run_text (pk, text, mf->prologue_len, file, true) != BPOKE_OK)
    return false;
  for (int i = 0; i < mf->nentries; i++)
    {
      const mapfile_entry *e = &mf->entries[i];
      bool ok = true;
      if (e->condition.given
          && !condition_holds (pk, text, len, file, e, &ok))
        {
          if (!ok)
            return false;
          continue;
        }
      if (!define_entry (pk, text, e, pk->nmap_loads, m, dup_entry))
        return false;
    }
  return true;
}

bpoke_map_err
bpoke_map_load (bpoke *pk, const char *name)
{
  if (bpoke_ios_current (pk) < 0)
    return BPOKE_MAP_NO_IOS;
  if (find_map (pk, name))
    return BPOKE_MAP_EXISTS;
  char *path = find_map_file (pk, name);
  if (!path)
    return BPOKE_MAP_NO_MAP;
  size_t len = 0;
  char *text = read_file (path, &len);
  mapfile mf;
  if (!text || !mapfile_parse (text, len, path, &mf))
    {
      free (text);
      free (path);
      return BPOKE_MAP_INVALID;
    }
  io_map m = { 0, 0, xstrdup (name), path, NULL, 0 };
  pk->map_loading = true;
  bool dup = false;
  bool ok = run_map_file (pk, text, len, path, &mf, &m, &dup);
  pk->map_loading = false;
  fflush (stdout);
  mapfile_free (&mf);
  free (text);
  if (!ok)
    {
      map_free (&m);
      return BPOKE_MAP_FAILED;
    }
  pk->nmap_loads++;
  add_map (pk, m);
  return dup ? BPOKE_MAP_FAILED : BPOKE_MAP_OK;
}

/* Auto-map.  */

/* The string EXPR evaluates to, as a string to free, or NULL.  */
static char *
eval_string (bpoke *pk, const char *expr)
{
  val v;
  if (!eval_text (pk, expr, &v) || v.t->kind != TY_STRING)
    return NULL;
  return xstrdup (val_str (v)->data);
}

/* Load the map NAME for FILE, as auto-map does.  False when the next
   ones are not to be tried.  */
static bool
auto_load (bpoke *pk, const char *name)
{
  switch (bpoke_map_load (pk, name))
    {
    case BPOKE_MAP_NO_MAP:
      /* Without a newline, as in GNU poke 4.3.  */
      printf ("warning: auto-map: unknown map `%s'", name);
      fflush (stdout);
      return false;
    case BPOKE_MAP_INVALID:
    case BPOKE_MAP_FAILED:
      printf ("error: auto-map: loading `%s'\n", name);
      return false;
    default:
      return true;
    }
}

void
bpoke_maps_auto (bpoke *pk, const char *file)
{
  val v;
  char expr[96];
  if (!eval_text (pk, "auto_map'length", &v) || v.t->kind != TY_INT)
    return;
  uint64_t n = v.v.u;
  for (uint64_t i = 0; i < n; i++)
    {
      /* An entry is [REGEXP, MAP]; GNU poke aborts on others.  */
      snprintf (expr, sizeof expr, "auto_map[%" PRIu64 "]'length", i);
      if (!eval_text (pk, expr, &v) || v.t->kind != TY_INT || v.v.u != 2)
        continue;
      snprintf (expr, sizeof expr, "auto_map[%" PRIu64 "][0]", i);
      char *re = eval_string (pk, expr);
      snprintf (expr, sizeof expr, "auto_map[%" PRIu64 "][1]", i);
      char *name = eval_string (pk, expr);
      regex_t rx;
      bool go_on = true;
      if (re && name)
        {
          if (regcomp (&rx, re, REG_EXTENDED | REG_NOSUB) != 0)
            printf ("error: invalid regexp `%s' in auto_map.  "
                    "Skipping entry.\n", re);
          else
            {
              if (regexec (&rx, file, 0, NULL, 0) == 0)
                go_on = auto_load (pk, name);
              regfree (&rx);
            }
        }
      free (re);
      free (name);
      if (!go_on)
        break;
    }
}
