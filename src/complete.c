/* complete.c -- Tab completion at the prompt, by context: what comes
   before the word being completed says what it can be.

     .fi               dot-commands
     .file ./tr        file names (also .load, and the string of
                       open (" and load ")
     load e            modules on the load path
     .set o, .set obase 1
                       settings, then their values
     .info t           .info's topics (.info type T: type names)
     .map s, .map entry a, .map show m, .map load e
                       .map's sub-commands, then the maps of the
                       current IO space, or the map files
     .help f           help topics
     .ios, .close      IO space ids
     f.ehdr.e_sh       fields and methods of the value's struct type
     x'si              attributes
     otherwise         keywords and global names

   Readline splits the line into words at characters that depend on
   the context too (word_breaks): a file name ends only at a blank or a
   quote, Poke code at any operator and at `.'.  */

#include <config.h>

#include "complete.h"

#include <ctype.h>
#include <dirent.h>
#include <readline/readline.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "help.h"

static bpoke *the_pk;

typedef enum
{
  CX_CODE,              /* Keywords and global names.  */
  CX_MEMBER,            /* After EXPR.  */
  CX_ATTR,              /* After '.  */
  CX_MODULE,            /* After load.  */
  CX_FILE,              /* After a dot-command taking a file name.  */
  CX_FILE_STRING,       /* In the string of open (" or load ".  */
  CX_COMMAND,           /* A dot-command's name.  */
  CX_SETTING,           /* .set NAME  */
  CX_SETTING_VALUE,     /* .set NAME VALUE  */
  CX_INFO,              /* .info TOPIC  */
  CX_INFO_TYPE,         /* .info type NAME  */
  CX_HELP,              /* .help TOPIC  */
  CX_IOS,               /* .ios ID, .close ID  */
  CX_MAP,               /* .map SUB  */
  CX_MAP_ENTRY,         /* .map entry SUB  */
  CX_MAP_NAME,          /* .map show NAME, .map entry add NAME...  */
  CX_MAP_FILE,          /* .map load NAME  */
  CX_NONE
} context_kind;

typedef struct context
{
  context_kind kind;
  char arg[32];         /* CX_SETTING_VALUE: the setting.  */
} context;

/* Where a word ends in Poke code: as before, and at `.' so that a
   member is a word of its own.  */
static const char code_breaks[] = " \t\n\"\\'`@$><=;|&{([,+-*/%^~!:.";

static const char *const keywords[] = {
  "var", "type", "unit", "fun", "method", "struct", "union", "pinned", "if",
  "else", "while", "for", "in", "where", "break", "continue", "return",
  "raise", "try", "catch", "until", "assert", "as", "isa", "sizeof",
  "typeof", "lambda", "print", "printf", "format", "unmap", "remap",
  "big", "little", "load", "int", "uint", "offset", "string", "void", "any",
  "immutable", NULL
};

/* The context of a dot-command line P (after its dot) up to its end:
   the command's name is complete when a blank follows it.  */
/* After `.map', WORDS words before the one completed, the first
   FIRST: a sub-command, a sub-command of entry, or a map.  */
static context_kind
map_context (int words, const char *first)
{
  bool entry = strncmp ("entry", first, strlen (first)) == 0 && *first;
  if (words == 0)
    return CX_MAP;
  if (entry)
    return words == 1 ? CX_MAP_ENTRY : words == 2 ? CX_MAP_NAME : CX_NONE;
  if (words == 1 && (strncmp ("show", first, strlen (first)) == 0
                     || strncmp ("remove", first, strlen (first)) == 0))
    return CX_MAP_NAME;
  if (words == 1 && strncmp ("load", first, strlen (first)) == 0)
    return CX_MAP_FILE;
  return CX_NONE;
}

static context
command_context (const char *p)
{
  context cx = { CX_COMMAND, "" };
  size_t n = strcspn (p, " \t/");
  if (!p[n] || (p[n] == '/' && !strpbrk (p + n, " \t")))
    return cx;
  char name[16];
  snprintf (name, sizeof name, "%.*s", (int) n, p);
  const char *cmd = cmd_full_name (name);
  const char *args = p + n + strcspn (p + n, " \t");
  args += strspn (args, " \t");
  /* The words of ARGS before the one being completed.  */
  int words = 0;
  char first[32] = "";
  for (const char *a = args; *a;)
    {
      size_t w = strcspn (a, " \t");
      if (!a[w])
        break;
      if (words++ == 0)
        snprintf (first, sizeof first, "%.*s", (int) w, a);
      a += w + strspn (a + w, " \t");
    }
  cx.kind = CX_NONE;
  if (!cmd)
    return cx;
  if (strcmp (cmd, "file") == 0 || strcmp (cmd, "load") == 0)
    cx.kind = CX_FILE;
  else if (strcmp (cmd, "set") == 0 && words < 2)
    {
      cx.kind = words == 0 ? CX_SETTING : CX_SETTING_VALUE;
      snprintf (cx.arg, sizeof cx.arg, "%s", first);
    }
  else if (strcmp (cmd, "info") == 0 && words < 2)
    cx.kind = words == 0 ? CX_INFO
              : strcmp (first, "type") == 0 ? CX_INFO_TYPE : CX_NONE;
  else if (strcmp (cmd, "help") == 0 && words == 0)
    cx.kind = CX_HELP;
  else if ((strcmp (cmd, "ios") == 0 || strcmp (cmd, "close") == 0)
           && words == 0)
    cx.kind = CX_IOS;
  else if (strcmp (cmd, "map") == 0)
    cx.kind = map_context (words, first);
  return cx;
}

/* Is the word before position END of LINE (blanks skipped) WORD, as a
   whole word?  */
static bool
word_before (const char *line, int end, const char *word)
{
  while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t'))
    end--;
  int n = (int) strlen (word);
  if (end < n || strncmp (line + end - n, word, (size_t) n) != 0)
    return false;
  int b = end - n;
  return b == 0 || !(isalnum ((unsigned char) line[b - 1])
                     || line[b - 1] == '_');
}

/* In Poke code, LINE up to POS: inside a string, whose opening quote
   is at *QUOTE?  */
static bool
in_string (const char *line, int pos, int *quote)
{
  bool in = false;
  for (int i = 0; i < pos; i++)
    {
      if (in && line[i] == '\\' && i + 1 < pos)
        i++;
      else if (line[i] == '"')
        {
          in = !in;
          *quote = i;
        }
      else if (!in && line[i] == '\'' && i + 2 < pos && line[i + 2] == '\'')
        i += 2;                 /* A character literal, '"'.  */
    }
  return in;
}

/* The context of the word that ends at POS of LINE and starts at
   START (START is unknown, -1, while readline asks for the word
   breaks).  */
static context
line_context (const char *line, int pos, int start)
{
  context cx = { CX_CODE, "" };
  const char *p = line + strspn (line, " \t");
  if (*p == '.' && p < line + pos)
    {
      char *copy = strndup (p + 1, (size_t) (line + pos - p - 1));
      cx = command_context (copy);
      free (copy);
      return cx;
    }
  int quote = 0;
  if (in_string (line, pos, &quote))
    {
      int b = quote;
      while (b > 0 && (line[b - 1] == ' ' || line[b - 1] == '\t'))
        b--;
      if (b > 0 && line[b - 1] == '(' && word_before (line, b - 1, "open"))
        cx.kind = CX_FILE_STRING;
      else
        cx.kind = word_before (line, quote, "load") ? CX_FILE_STRING
                  : CX_NONE;
      return cx;
    }
  if (start < 0)
    return cx;
  if (start > 0 && line[start - 1] == '.')
    cx.kind = CX_MEMBER;
  else if (start > 0 && line[start - 1] == '\'')
    cx.kind = CX_ATTR;
  else if (word_before (line, start, "load"))
    cx.kind = CX_MODULE;
  return cx;
}

/* Readline's word breaks for the line as it is now.  */
static char *
word_breaks (void)
{
  context cx = line_context (rl_line_buffer, rl_point, -1);
  static char blanks[] = " \t", quote[] = "\"";
  return cx.kind == CX_CODE ? (char *) code_breaks
         : cx.kind == CX_FILE_STRING ? quote : blanks;
}

/* The candidates of one completion.  */
typedef struct match_list
{
  char **v;
  int n, cap;
  const char *prefix;   /* What they must start with.  */
} match_list;

static void
add_match (void *ctx, const char *name)
{
  match_list *m = ctx;
  if (strncmp (name, m->prefix, strlen (m->prefix)) != 0)
    return;
  for (int i = 0; i < m->n; i++)
    if (strcmp (m->v[i], name) == 0)
      return;
  if (m->n + 1 >= m->cap)
    {
      m->cap = m->cap ? m->cap * 2 : 32;
      m->v = realloc (m->v, sizeof (char *) * (size_t) m->cap);
    }
  m->v[m->n++] = strdup (name);
  m->v[m->n] = NULL;
}

/* Can NAME follow `load'?  elf-32.pk, say, can only be loaded by its
   file name.  */
static bool
module_name (const char *name)
{
  if (!isalpha ((unsigned char) *name) && *name != '_')
    return false;
  for (; *name; name++)
    if (!isalnum ((unsigned char) *name) && *name != '_')
      return false;
  return true;
}

/* Modules on the load path: NAME.bpk and NAME.pk give NAME.  */
/* Add the NAME of each file NAME.EXT (EXT one of EXTS) in the
   directories of PATH (colon-separated, freed here).  */
static void
add_names_in_path (match_list *m, char *path, const char *const *exts)
{
  for (char *d = path ? strtok (path, ":") : NULL; d; d = strtok (NULL, ":"))
    {
      DIR *dir = opendir (d);
      struct dirent *e;
      while (dir && (e = readdir (dir)))
        {
          char *dot = strrchr (e->d_name, '.');
          for (int i = 0; dot && dot != e->d_name && exts[i]; i++)
            if (strcmp (dot, exts[i]) == 0)
              {
                *dot = '\0';
                if (module_name (e->d_name))
                  add_match (m, e->d_name);
                break;
              }
        }
      if (dir)
        closedir (dir);
    }
  free (path);
}

static void
add_modules (match_list *m)
{
  static const char *const exts[] = { ".bpk", ".pk", NULL };
  add_names_in_path (m, bpoke_load_path (the_pk), exts);
}

static void
add_ios (void *ctx, const bpoke_ios *io)
{
  char id[16];
  snprintf (id, sizeof id, "%d", io->id);
  add_match (ctx, id);
}

static void
add_map (void *ctx, const char *name, const char *source)
{
  (void) source;
  add_match (ctx, name);
}

/* Fill M with the candidates for TEXT in context CX; START is where
   TEXT starts in the line.  */
static void
candidates (match_list *m, const context *cx, const char *text, int start)
{
  const char *values, *s;
  switch (cx->kind)
    {
    case CX_CODE:
      for (int i = 0; keywords[i]; i++)
        add_match (m, keywords[i]);
      bpoke_complete (the_pk, text, NULL, add_match, m);
      break;
    case CX_MEMBER:
      bpoke_complete_members (the_pk, rl_line_buffer, (size_t) start - 1,
                              text, add_match, m);
      break;
    case CX_ATTR:
      bpoke_complete_attributes (text, add_match, m);
      break;
    case CX_MODULE:
      add_modules (m);
      break;
    case CX_COMMAND:
      for (int i = 0; (s = cmd_name (i)); i++)
        {
          char name[32];
          snprintf (name, sizeof name, "%s%s", text[0] == '.' ? "." : "", s);
          add_match (m, name);
        }
      break;
    case CX_SETTING:
      for (int i = 0; (s = bpoke_setting (i, NULL)); i++)
        add_match (m, s);
      break;
    case CX_SETTING_VALUE:
      {
        const char *name = cmd_setting_name (cx->arg);
        for (int i = 0; name && (s = bpoke_setting (i, &values)); i++)
          if (strcmp (s, name) == 0 && values)
            {
              char *copy = strdup (values);
              for (char *v = strtok (copy, ","); v; v = strtok (NULL, ","))
                add_match (m, v);
              free (copy);
            }
        break;
      }
    case CX_INFO:
      {
        static const char *const topics[] = { "ios", "maps", "variables",
                                              "functions", "types", "type" };
        for (size_t i = 0; i < sizeof topics / sizeof topics[0]; i++)
          add_match (m, topics[i]);
        break;
      }
    case CX_INFO_TYPE:
      bpoke_complete (the_pk, text, "t", add_match, m);
      break;
    case CX_HELP:
      for (const help_entry *h = help_entries; h->name; h++)
        add_match (m, h->name);
      break;
    case CX_IOS:
      bpoke_ios_each (the_pk, add_ios, m);
      break;
    case CX_MAP:
    case CX_MAP_ENTRY:
      {
        static const char *const subs[] = { "create", "remove", "show",
                                            "entry", "load", "save", NULL };
        static const char *const entry_subs[] = { "add", "remove", NULL };
        for (const char *const *w = cx->kind == CX_MAP ? subs : entry_subs;
             *w; w++)
          add_match (m, *w);
        break;
      }
    case CX_MAP_NAME:
      bpoke_maps_each (the_pk, add_map, m);
      break;
    case CX_MAP_FILE:
      {
        static const char *const exts[] = { ".map", NULL };
        add_names_in_path (m, bpoke_map_load_path (the_pk), exts);
        break;
      }
    default:
      break;
    }
}

static match_list matches;
static int match_index;

static char *
generator (const char *text, int state)
{
  (void) text;
  if (state == 0)
    match_index = 0;
  if (match_index < matches.n)
    return strdup (matches.v[match_index++]);
  return NULL;
}

static char **
complete (const char *text, int start, int end)
{
  (void) end;
  context cx = line_context (rl_line_buffer, rl_point, start);
  rl_attempted_completion_over = 1;
  if (cx.kind == CX_FILE || cx.kind == CX_FILE_STRING)
    {
      if (cx.kind == CX_FILE_STRING)
        rl_completion_append_character = '"';
      return rl_completion_matches (text, rl_filename_completion_function);
    }
  for (int i = 0; i < matches.n; i++)
    free (matches.v[i]);
  matches.n = 0;
  matches.prefix = text;
  candidates (&matches, &cx, text, start);
  return rl_completion_matches (text, generator);
}

void
complete_init (bpoke *pk)
{
  the_pk = pk;
  rl_attempted_completion_function = complete;
  rl_completion_word_break_hook = word_breaks;
  rl_basic_word_break_characters = (char *) code_breaks;
}
