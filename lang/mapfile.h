/* mapfile.h -- reading map files (see iomaps.c for what they are): the
   prologue, and the text of the entries' tags, where they are in the
   file.  */

#ifndef BPOKE_MAPFILE_H
#define BPOKE_MAPFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "lex.h"

/* The value of a tag: the rest of its line, from AT (in the file).  */
typedef struct mapfile_value
{
  loc_t at;
  size_t end;                   /* Byte offset just past it.  */
  bool given;
} mapfile_value;

typedef struct mapfile_entry
{
  int line;                     /* Of its %entry.  */
  mapfile_value name, type, offset, condition;
} mapfile_entry;

typedef struct mapfile
{
  size_t prologue_len;          /* The bytes before the %% line.  */
  mapfile_entry *entries;
  int nentries;
} mapfile;

/* Read the map file TEXT (LEN bytes) into *MF.  False, with GNU poke
   4.3's message (PATH:LINE:COLUMN: what) on standard output, when it is
   not a map file.  */
bool mapfile_parse (const char *text, size_t len, const char *path,
                    mapfile *mf);
void mapfile_free (mapfile *mf);

#endif
