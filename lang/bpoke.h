/* bpoke.h -- the language library's public interface.

   The bpoke program (src/) talks to the language only through this
   header: create an interpreter, feed it commands and scripts, change
   output settings, and ask it for completions.  */

#ifndef BPOKE_BPOKE_H
#define BPOKE_BPOKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct bpoke bpoke;

typedef enum bpoke_status
{
  BPOKE_OK = 0,
  BPOKE_ERROR,          /* A compile (syntax, type) error: nothing ran;
                           or the writes to IO spaces could not be made,
                           and none were.  */
  BPOKE_EXCEPTION,      /* An unhandled exception ended the program.  */
  BPOKE_INCOMPLETE,     /* A REPL command needs more lines.  */
  BPOKE_EXIT            /* The program asked to exit (see exit_code).  */
} bpoke_status;

bpoke *bpoke_new (void);
void bpoke_free (bpoke *pk);

/* Run one REPL command (also used for -c and each line of -s): a
   statement, declaration or expression; the value of a lone expression
   is printed.  FILENAME is "<stdin>" for typed input.  With
   ALLOW_INCOMPLETE, input that ends too early (an open parenthesis,
   bracket or brace, a string or comment, a function without its body)
   returns BPOKE_INCOMPLETE and runs nothing.  The command is a
   transaction over the IO spaces: its writes are made when it ends well,
   and dropped when it fails.  */
bpoke_status bpoke_command (bpoke *pk, const char *src, size_t len,
                            const char *filename, bool allow_incomplete);

/* Run a whole script or library (as -L and -l do): only print and
   printf print.  Each top-level statement is a transaction.  */
bpoke_status bpoke_script (bpoke *pk, const char *src, size_t len,
                           const char *filename);
/* The same, reading PATH.  */
bpoke_status bpoke_script_file (bpoke *pk, const char *path);

/* The directory of the standard library (elf.bpk...): by default the
   installed one; an uninstalled program sets its source tree's.  */
void bpoke_set_datadir (bpoke *pk, const char *dir);

/* The directories `load NAME' searches, after the directory of the
   file being loaded, colon-separated: the current directory, those of
   BPOKE_LOAD_PATH, the standard library, then where GNU poke's pickles
   are (POKE_LOAD_PATH, $XDG_DATA_HOME/poke or ~/.local/share/poke,
   /usr/local/share/poke/pickles, /usr/share/poke/pickles).  The caller
   frees the string.  */
char *bpoke_load_path (const bpoke *pk);

/* The exit status a failed program asks for (an unhandled exception's
   exit_status, or exit's argument).  */
int bpoke_exit_code (const bpoke *pk);
/* Set it, as `.exit CODE` does.  */
void bpoke_set_exit_code (bpoke *pk, int code);

/* Read an integer argument of a dot-command as GNU poke does: C's
   notation (0x, 0b, a leading 0 for octal) with a sign, cut to 32
   bits.  False if S is not one.  */
bool bpoke_parse_int (const char *s, int *out);

/* Settings, as `.set NAME VALUE` changes them.  Returns false with a
   message in *ERR (GNU poke's) for an unknown setting or a bad value.  */
bool bpoke_set (bpoke *pk, const char *name, const char *value,
                const char **err);
/* The value of setting NAME as `.set NAME` prints it, or NULL if there
   is no such setting.  The string may change at the next call.  */
const char *bpoke_get (bpoke *pk, const char *name);
/* The name of the Ith setting, in the order `.set` lists them (NULL
   past the last), and in *VALUES the values it takes, comma-separated
   ("yes,no"), or NULL for an integer.  */
const char *bpoke_setting (int i, const char **values);

/* Disable calls to native (extern) functions for good, as --no-ffi
   does: they raise E_perm, and `.set ffi yes' is refused.  */
void bpoke_disable_ffi (bpoke *pk);

/* A call that finds the C stack pointer below LIMIT raises an exception
   (maximum call depth exceeded) rather than let the recursion crash the
   process: LIMIT is the bottom of the interpreter's stack (which grows
   down) plus room for what one call may use without calling.  Without
   it only the call depth is bounded.  */
void bpoke_set_stack_limit (bpoke *pk, const void *limit);

/* Where the programs' output (print, printf, dump...) goes: stdout at
   first.  The prompt's pager changes it while a command runs.  */
void bpoke_set_output (bpoke *pk, FILE *out);

/* Styled output (lang/style.c), off at first.  With OUT, what the
   programs print (values, dump, printf's %<class:, term_begin_class
   and term_begin_hyperlink) carries ANSI escape sequences; with ERR,
   so do the error and warning messages on stderr.  */
void bpoke_set_color (bpoke *pk, bool out, bool err);
/* Apply the user's style file PATH: lines CLASS = ATTRIBUTES (see the
   manual, "Styling").  False, with messages on stderr, if it cannot be
   read or has bad lines (the good ones apply).  */
bool bpoke_load_style (bpoke *pk, const char *path);
/* TEXT in the class NAME when the output is styled, else TEXT, as a
   string the caller frees.  With MARK, the escape sequences are
   between \001 and \002, as readline's prompts need them.  */
char *bpoke_styled (bpoke *pk, const char *name, const char *text,
                    bool mark);

/* Make a running program raise E_signal at the next loop iteration or
   call: for Ctrl-C.  Safe to call from a signal handler.  */
void bpoke_interrupt (bpoke *pk);

/* Completion: call FN for every global name that starts with PREFIX
   and is of one of KINDS: 'v' variables, 'f' functions, 't' types
   (KINDS NULL: all).  */
void bpoke_complete (bpoke *pk, const char *prefix, const char *kinds,
                     void (*fn) (void *ctx, const char *name), void *ctx);
/* Call FN for every attribute name (size, length...) that starts with
   PREFIX.  */
void bpoke_complete_attributes (const char *prefix,
                                void (*fn) (void *ctx, const char *name),
                                void *ctx);
/* Call FN for every field and method that starts with PREFIX of the
   struct value denoted by the expression at the end of TEXT (LEN
   bytes, just before a `.'): a global name followed by .FIELD, [INDEX]
   and (ARGUMENTS).  Its type is found from the declarations, without
   running anything.  */
void bpoke_complete_members (bpoke *pk, const char *text, size_t len,
                             const char *prefix,
                             void (*fn) (void *ctx, const char *name),
                             void *ctx);

/* The scripts' command-line arguments, as `argv` sees them.  */
void bpoke_set_argv (bpoke *pk, int argc, char **argv);

/* `.info variables|functions|types [REGEXP]`: print the global
   declarations whose names match, and where they were declared;
   `.info type NAME`: describe a type.  False with a message in *ERR
   for an unknown type or a bad expression.  */
bool bpoke_info (bpoke *pk, const char *what, const char *arg,
                 const char **err);

/* `.compiler ast EXPR`: compile EXPR (without running it); return the
   tree the checker made of it (ast-dump.c), with *OK true, or the
   compiler's messages, with *OK false.  The caller frees the text.  */
char *bpoke_compiler_ast (bpoke *pk, const char *expr, bool *ok);

/* Compile and run EXPR, the IO space argument of `.ios' and `.close':
   true with its value in *ID when it is an int<32>.  Else false, with
   *ERR the message to say when it is not, or NULL when it did not
   compile or raised (the diagnostic printed on standard output, as GNU
   poke 4.3 does).  */
bool bpoke_eval_ios (bpoke *pk, const char *expr, int *id, const char **err);

/* IO spaces, for the dot-commands and the command line (lang/ios.c).  */
typedef struct bpoke_ios
{
  int id;
  bool current;
  const char *type;             /* FILE, MEMORY, SUB, PROC, MMAP, NBD.  */
  const char *name;             /* ./FILE, *NAME*, sub://..., pid://N,
                                   mmap://..., nbd://..., nbd+unix://.  */
  uint64_t flags;               /* IOS_F_READ 1, IOS_F_WRITE 2, ...  */
  int64_t bias;                 /* Bits.  */
  uint64_t size;                /* Bytes.  */
} bpoke_ios;

/* Open HANDLER as the open builtin does (FLAGS 0: read-write when
   permitted) and make it the current IO space.  Returns its id, or -1
   if it cannot be opened.  */
int bpoke_ios_open (bpoke *pk, const char *handler, uint64_t flags);
/* Why the device of the last bpoke_ios_open that failed could not be
   opened, in words.  */
const char *bpoke_ios_why (bpoke *pk);
/* Close ID, writing its pending data.  False if there is no such IO
   space or the writing failed.  */
bool bpoke_ios_close (bpoke *pk, int id);
bool bpoke_ios_set_current (bpoke *pk, int id);
/* The current IO space's id, or -1 when none is open.  */
int bpoke_ios_current (bpoke *pk);
/* The id of the IO space named NAME (as bpoke_ios.name), or -1.  */
int bpoke_ios_lookup (bpoke *pk, const char *name);
/* The id the next IO space opened will get.  */
int bpoke_ios_next_id (bpoke *pk);
/* Call FN for every open IO space, newest first.  */
void bpoke_ios_each (bpoke *pk, void (*fn) (void *ctx, const bpoke_ios *io),
                     void *ctx);

/* Maps (lang/iomaps.c): named sets of entries, each a variable mapped
   in an IO space, that the space carries; $MAP::ENTRY names the
   variable of an entry of a map of the current IO space.  These act on
   the current IO space.  */
typedef enum bpoke_map_err
{
  BPOKE_MAP_OK,
  BPOKE_MAP_NO_IOS,             /* No IO space is open.  */
  BPOKE_MAP_NO_MAP,             /* No such map (no such map file).  */
  BPOKE_MAP_EXISTS,             /* The map (the entry) exists already.  */
  BPOKE_MAP_NO_VARIABLE,        /* No such variable.  */
  BPOKE_MAP_NOT_MAPPED,         /* The variable is not mapped there.  */
  BPOKE_MAP_NO_ENTRY,           /* No such entry.  */
  BPOKE_MAP_INVALID,            /* The map file is not one: message
                                   printed.  */
  BPOKE_MAP_FAILED              /* Running the map file failed: message
                                   printed.  */
} bpoke_map_err;

/* Call FN for each map of the current IO space, newest first, with its
   name and source (the map file, or <stdin> for a map made empty).  */
void bpoke_maps_each (bpoke *pk, void (*fn) (void *ctx, const char *name,
                                             const char *source),
                      void *ctx);
/* The value of the variable map_load_path, as a string to free, or
   NULL when it is not a string.  */
char *bpoke_map_load_path (bpoke *pk);
/* Make the empty map NAME.  */
bpoke_map_err bpoke_map_create (bpoke *pk, const char *name);
/* Load the map NAME from the file NAME.map in the directories of the
   variable map_load_path.  */
bpoke_map_err bpoke_map_load (bpoke *pk, const char *name);
bpoke_map_err bpoke_map_remove (bpoke *pk, const char *name);
/* Call FN for each entry of map NAME, by offset (in bits; MAPPED false
   when the entry's value is not mapped): those with none first.  */
bpoke_map_err bpoke_map_entries (bpoke *pk, const char *name,
                                 void (*fn) (void *ctx, const char *entry,
                                             bool mapped, uint64_t offset),
                                 void *ctx);
/* Add to MAP the entry VAR, naming the variable VAR, which must be
   mapped in the current IO space.  */
bpoke_map_err bpoke_map_add (bpoke *pk, const char *map, const char *var);
bpoke_map_err bpoke_map_unentry (bpoke *pk, const char *map,
                                 const char *entry);
/* Load the maps that the variable auto_map, an array of [REGEXP, MAP],
   gives for the file FILE (as typed), as `.file' does when the setting
   auto-map is on; the messages are GNU poke 4.3's.  */
void bpoke_maps_auto (bpoke *pk, const char *file);

#endif
