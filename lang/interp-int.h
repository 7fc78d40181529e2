/* interp-int.h -- what the interpreter's files share beyond the public
   interface (bpoke.h): the interpreter itself, and the ways to run Poke
   text that the maps (iomaps.c) need.  */

#ifndef BPOKE_INTERP_INT_H
#define BPOKE_INTERP_INT_H

#include "bpoke.h"
#include "check.h"
#include "eval.h"

typedef struct iomaps iomaps;

struct bpoke
{
  char **loaded;                /* Modules loaded, by resolved path.  */
  int nloaded;
  compiler *comp;
  vm *vm;
  int exit_code;
  bool exiting;
  /* Sources stay alive as long as the ASTs that point into them.  */
  source **sources;
  int nsources, capsources;
  const source *builtins;       /* The builtins' declarations.  */
  char *datadir;                /* The standard library's directory.  */
  bool pager;                   /* .set pager: kept for the program.  */
  /* The settings about maps (used by the program) and the manual
     viewer (which bpoke does not have: kept, with no effect).  */
  bool auto_map, prompt_maps, doc_less;
  /* .set elf-api poke-elf: modules are looked for in DATADIR/poke-elf
     first (find_module), which holds poke-elf's versions of the ELF
     module's files that differ from GNU poke 2.4's.  */
  bool elf_api_pokeelf;
  iomaps *maps;                 /* The maps of the IO spaces.  */
  int nmap_loads;               /* Map files loaded so far.  */
  /* While a map file loads, its messages go to standard output and its
     exceptions say nothing, as in GNU poke.  */
  bool map_loading;
  bool color_err;               /* Messages on stderr are styled.  */
};

/* Run TEXT (LEN bytes), named FILENAME in messages: as a script, each
   statement a transaction, if SCRIPT; else as a command whose value is
   not printed.  */
bpoke_status interp_run_text (bpoke *pk, const char *text, size_t len,
                              const char *filename, bool script);

/* Compile the expression in the bytes [AT.pos, END) of TEXT (the
   whole of a file named FILENAME, so that messages show its lines) and
   run it, its value in *OUT.  BPOKE_ERROR when it does not compile
   (the message printed), BPOKE_EXCEPTION when it raises.  */
bpoke_status interp_eval_at (bpoke *pk, const char *text, size_t len,
                             const char *filename, loc_t at, size_t end,
                             val *out);

/* The maps (iomaps.c).  */
void iomaps_free (iomaps *m);
/* For the lexer: the variable of $MAP::ENTRY (PK is the interpreter).  */
const char *iomaps_entry_var (void *pk, const char *map, const char *entry);

#endif
