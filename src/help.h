/* help.h -- the help entries of `.help', generated from doc/help.txt
   (the same source as the manual's chapter on help topics).  */

#ifndef BPOKE_HELP_H
#define BPOKE_HELP_H

typedef struct help_entry
{
  const char *kind;     /* command, setting, builtin, function, keyword.  */
  const char *name;     /* The topic: `.help NAME'.  */
  const char *summary;  /* One line, for lists.  */
  const char *text;     /* Synopsis line, then the description.  */
} help_entry;

/* Ends with an entry whose NAME is NULL.  */
extern const help_entry help_entries[];

#endif
