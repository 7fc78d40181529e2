/* main.c -- the bpoke program: command-line options, the init file, and
   the choice between batch and interactive use.  */

#include <config.h>

#include <getopt.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <ucontext.h>
#include <unistd.h>

/* AddressSanitizer does not follow a switch of stacks (swapcontext),
   and warns about it: under it, the interpreter gets a thread.  */
#if defined __SANITIZE_ADDRESS__
# define BIG_STACK_THREAD 1
#elif defined __has_feature
# if __has_feature (address_sanitizer)
#  define BIG_STACK_THREAD 1
# endif
#endif

#include "bpoke.h"
#include "cmd.h"
#include "repl.h"

static void
usage (void)
{
  fputs ("\
Usage: bpoke [OPTION]... [FILE]\n\
Interactive editor for binary files, in the Poke language.\n\
\n\
  -l, --load=FILE                     load the given pickle at startup\n\
  -L FILE [ARGS]                      load the given pickle and exit\n\
\n\
Commanding bpoke from the command line:\n\
  -c, --command=CMD                   execute the given command\n\
  -s, --source=FILE                   execute commands from FILE\n\
\n\
Styling text output:\n\
      --color=(yes|no|auto)           emit styled output (auto: when\n\
                                        standard output is a terminal)\n\
\n\
  -q, --no-init-file                  do not load an init file\n\
      --no-ffi                        disable calls to native (extern)\n\
                                        functions\n\
      --quiet                         be as terse as possible\n\
      --help                          print a help message and exit\n\
      --version                       show version and exit\n\
\n\
Report bugs in the bpoke issue tracker.\n", stdout);
}

enum { OPT_HELP = 256, OPT_VERSION, OPT_QUIET, OPT_COLOR, OPT_NO_FFI };

static const struct option long_opts[] = {
  {"load", required_argument, NULL, 'l'},
  {"command", required_argument, NULL, 'c'},
  {"source", required_argument, NULL, 's'},
  {"no-init-file", no_argument, NULL, 'q'},
  {"quiet", no_argument, NULL, OPT_QUIET},
  {"color", required_argument, NULL, OPT_COLOR},
  {"no-ffi", no_argument, NULL, OPT_NO_FFI},
  {"help", no_argument, NULL, OPT_HELP},
  {"version", no_argument, NULL, OPT_VERSION},
  {NULL, 0, NULL, 0}
};

typedef struct action
{
  char kind;            /* 'l' load, 'c' command, 's' source.  */
  const char *arg;
} action;

static void
load_init_file (bpoke *pk)
{
  const char *home = getenv ("HOME");
  if (!home)
    return;
  char path[4096];
  snprintf (path, sizeof path, "%s/.bpokerc", home);
  FILE *f = fopen (path, "r");
  if (!f)
    return;
  bool quit = false;
  repl_source (pk, f, path, &quit);
  fclose (f);
}

/* An uninstalled bpoke loads the standard library of its source tree,
   and `.doc' shows its manual:
   the program is then BUILD_DIR/src/bpoke, as configure recorded the
   build directory (symbolic links resolved, as the kernel names the
   running program).  Installed, it keeps the installed library.  One
   readlink: no cost worth measuring at start-up.  */
static void
use_source_stdlib (bpoke *pk)
{
  static const char built[] = BPOKE_BUILD_DIR "/src/bpoke";
  char exe[sizeof built + 1];
  ssize_t n = readlink ("/proc/self/exe", exe, sizeof exe);
  if (n == (ssize_t) sizeof built - 1 && memcmp (exe, built, (size_t) n) == 0)
    {
      bpoke_set_datadir (pk, BPOKE_SRC_DIR "/stdlib");
      cmd_manual = BPOKE_SRC_DIR "/doc/bpoke.info";
    }
}

static int real_main (int argc, char **argv);

/* --color: COLOR_AUTO styles what goes to a terminal.  */
enum { COLOR_NO, COLOR_YES, COLOR_AUTO };

/* The --color argument ARG (always and never are the usual synonyms of
   yes and no, tty of auto), or -1.  */
static int
color_mode (const char *arg)
{
  if (strcmp (arg, "yes") == 0 || strcmp (arg, "always") == 0)
    return COLOR_YES;
  if (strcmp (arg, "no") == 0 || strcmp (arg, "never") == 0)
    return COLOR_NO;
  if (strcmp (arg, "auto") == 0 || strcmp (arg, "tty") == 0)
    return COLOR_AUTO;
  return -1;
}

/* Whether output to FD is styled in MODE: for auto, FD is a terminal
   that is not a dumb one.  */
static bool
color_on (int mode, int fd)
{
  if (mode != COLOR_AUTO)
    return mode == COLOR_YES;
  const char *term = getenv ("TERM");
  return isatty (fd) && term && *term && strcmp (term, "dumb") != 0;
}

/* The user's styles: $XDG_CONFIG_HOME/bpoke/style, by default
   ~/.config/bpoke/style, when it exists.  */
static void
load_user_style (bpoke *pk)
{
  const char *xdg = getenv ("XDG_CONFIG_HOME");
  const char *home = getenv ("HOME");
  char path[4096];
  if (xdg && *xdg)
    snprintf (path, sizeof path, "%s/bpoke/style", xdg);
  else if (home)
    snprintf (path, sizeof path, "%s/.config/bpoke/style", home);
  else
    return;
  if (access (path, F_OK) == 0)
    bpoke_load_style (pk, path);
}

/* Style the output as MODE says (the user's styles apply only then).  */
static void
setup_color (bpoke *pk, int mode)
{
  bool out = color_on (mode, STDOUT_FILENO);
  bool err = color_on (mode, STDERR_FILENO);
  if (out || err)
    load_user_style (pk);
  bpoke_set_color (pk, out, err);
}

/* Run the lines of F (named NAME) as commands, as -s does: stop at one
   that does not compile or whose writes cannot be made, and give status
   1; after `.exit', the exit code.  Otherwise STATUS is kept.  */
static int
source_lines (bpoke *pk, FILE *f, const char *name, bool *quit, int status)
{
  if (!repl_source (pk, f, name, quit))
    {
      *quit = true;
      return 1;
    }
  return *quit ? bpoke_exit_code (pk) : status;
}

typedef struct main_args
{
  int argc;
  char **argv;
} main_args;

/* Start-up compiles and runs the prelude, which spans about 300 KiB of
   heap and 20 KiB of the interpreter's stack.  On this project's
   virtual machines a page fault costs 10 to 25 us, and populating the
   page in one madvise call, then touching it, a third of that: so both
   are populated at once, a little beyond what start-up was measured to
   use (mallinfo2's arena - keepcost after bpoke_new).  */
enum { STARTUP_HEAP = 320 << 10, STARTUP_STACK = 32 << 10 };

/* Populate the whole pages between LO and HI; failure is harmless.  */
static void
populate (uintptr_t lo, uintptr_t hi)
{
#ifdef MADV_POPULATE_WRITE
  lo = (lo + 4095) & ~(uintptr_t) 4095;
  hi &= ~(uintptr_t) 4095;
  if (hi > lo)
    madvise ((void *) lo, hi - lo, MADV_POPULATE_WRITE);
#endif
}

/* The size of the interpreter's stack; and the stack pointer below
   which a call raises (bpoke_set_stack_limit), once known.  The room
   kept below it is for what one call may use without calling again:
   the checker's and the evaluator's recursion over the deepest
   expression the parser takes (2000 levels) needs well under 1 MiB.  */
#define BIG_STACK ((size_t) 1 << 30)
#define STACK_ROOM ((size_t) 8 << 20)
static const char *stack_limit;

/* Run the program on the big stack, and exit from there.  */
static void
run_interpreter (main_args *a)
{
  /* The page in use and the ones below it.  */
  uintptr_t sp = (uintptr_t) __builtin_frame_address (0);
  populate (sp - STARTUP_STACK, (sp + 4095) & ~(uintptr_t) 4095);
  /* This frame is near the top of the stack: what is below it, less
     16 KiB for what is above, is the interpreter's.  */
  stack_limit = (const char *) (sp - BIG_STACK + (16 << 10) + STACK_ROOM);
  exit (real_main (a->argc, a->argv));
}

#ifdef BIG_STACK_THREAD
static void *
interpreter_thread (void *p)
{
  run_interpreter (p);
  return NULL;
}
#else
static main_args *interpreter_args;

static void
interpreter_context (void)
{
  run_interpreter (interpreter_args);
}
#endif

/* The interpreter recurses over the program's tree: it runs on a stack
   of 1 GiB (reserved, not committed) so that deep recursion in Poke
   code ends in an exception, not a crash.  The stack is switched to
   with swapcontext: a thread, which earlier versions used, cost 0.4 ms
   of start-up (its creation, and moving between CPUs in a virtual
   machine), against 0.1 ms.  Returns only if that fails.  */
static void
run_on_big_stack (main_args *a)
{
  const size_t size = BIG_STACK, guard = (size_t) 64 << 10;
#ifdef BIG_STACK_THREAD
  (void) guard;
  pthread_attr_t attr;
  pthread_t t;
  if (pthread_attr_init (&attr) == 0
      && pthread_attr_setstacksize (&attr, size) == 0
      && pthread_create (&t, &attr, interpreter_thread, a) == 0)
    pthread_join (t, NULL);     /* Never returns: the thread exits.  */
#else
  /* Reserved without access, then opened but for a guard at the
     bottom, so that an overflow faults rather than writing over what
     lies below.  */
  char *st = mmap (NULL, size + guard, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK,
                   -1, 0);
  if (st == MAP_FAILED)
    return;
  static ucontext_t big, orig;
  if (mprotect (st + guard, size, PROT_READ | PROT_WRITE) != 0
      || getcontext (&big) != 0)
    {
      munmap (st, size + guard);
      return;
    }
  big.uc_stack.ss_sp = st + guard;
  big.uc_stack.ss_size = size;
  big.uc_link = NULL;
  interpreter_args = a;
  makecontext (&big, interpreter_context, 0);
  swapcontext (&orig, &big);    /* Never returns: the program exits.  */
#endif
}

/* Mapping large arrays allocates many small objects, and page faults
   on fresh heap memory were a third of its time.  So: grow the heap in
   large steps, and ask for transparent huge pages on it.  Nothing here is needed for
   correctness; where the allocator is another (sanitizers), the heap
   check below leaves it alone.  */
static void
tune_malloc (void)
{
  const uintptr_t huge = (uintptr_t) 2 << 20;
  mallopt (M_TOP_PAD, 64 << 20);
  mallopt (M_TRIM_THRESHOLD, 256 << 20);
  char *before = sbrk (0);
  void *p = malloc (1);
  char *after = sbrk (0);
  if (p && (char *) p >= before && (char *) p < after)
    {
      /* Small programs keep small pages: huge pages only past the
         first 2 MiB of heap.  */
      uintptr_t lo = ((uintptr_t) p + (2 << 20) + huge - 1) & ~(huge - 1);
      uintptr_t hi = (uintptr_t) after & ~(huge - 1);
      if (hi > lo)
        madvise ((void *) lo, hi - lo, MADV_HUGEPAGE);
      uintptr_t end = (uintptr_t) p + STARTUP_HEAP;
      populate ((uintptr_t) p & ~(uintptr_t) 4095,
                end < (uintptr_t) after ? end : (uintptr_t) after);
    }
  free (p);
}

int
main (int argc, char **argv)
{
  main_args a = { .argc = argc, .argv = argv };
  /* A write past the file size limit (ulimit -f) fails with EFBIG, and
     the command's writes are undone, rather than the signal killing
     bpoke in the middle of a commit.  */
  signal (SIGXFSZ, SIG_IGN);
  tune_malloc ();
  run_on_big_stack (&a);
  /* No big stack: the process's own, as far as its limit goes, with
     1 MiB of room (such a stack is often 8 MiB in all).  */
  const size_t room = (size_t) 1 << 20;
  struct rlimit rl;
  uintptr_t sp = (uintptr_t) __builtin_frame_address (0);
  if (getrlimit (RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY
      && rl.rlim_cur > 2 * room && rl.rlim_cur < sp)
    stack_limit = (const char *) (sp - rl.rlim_cur + room);
  return real_main (argc, argv);
}

static int
real_main (int argc, char **argv)
{
  action *actions = calloc ((size_t) argc + 1, sizeof *actions);
  int nactions = 0;
  bool no_init = false, quiet = false, batch = false, no_ffi = false;
  int color = COLOR_AUTO;
  const char *script = NULL;
  int script_argc = 0;
  char **script_argv = NULL;

  /* Options may follow the FILE operand (bpoke FILE -c CMD), but what
     follows -L SCRIPT is the script's: parse only up to it.  */
  int nopts = argc;
  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--") == 0)
        break;
      if (strncmp (argv[i], "-L", 2) == 0)
        {
          nopts = argv[i][2] ? i + 1 : i + 2;
          if (nopts > argc)
            nopts = argc;
          break;
        }
      /* Skip the argument of an option that takes one.  */
      if ((strcmp (argv[i], "-l") == 0 || strcmp (argv[i], "-c") == 0
           || strcmp (argv[i], "-s") == 0) && i + 1 < argc)
        i++;
    }
  int c;
  while ((c = getopt_long (nopts, argv, "l:L:c:s:q", long_opts, NULL)) != -1)
    {
      switch (c)
        {
        case 'l':
        case 'c':
        case 's':
          actions[nactions].kind = (char) c;
          actions[nactions++].arg = optarg;
          if (c != 'l')
            batch = true;
          break;
        case 'L':
          script = optarg;
          script_argc = argc - nopts;
          script_argv = argv + nopts;
          break;
        case 'q':
          no_init = true;
          break;
        case OPT_QUIET:
          quiet = true;
          break;
        case OPT_NO_FFI:
          no_ffi = true;
          break;
        case OPT_COLOR:
          color = color_mode (optarg);
          if (color < 0)
            {
              fprintf (stderr, "bpoke: invalid argument to --color: %s "
                       "(yes, no or auto)\n", optarg);
              free (actions);
              return 1;
            }
          break;
        case OPT_HELP:
          usage ();
          free (actions);
          return 0;
        case OPT_VERSION:
          printf ("bpoke %s\n", VERSION);
          free (actions);
          return 0;
        default:
          fprintf (stderr, "Try 'bpoke --help' for more information.\n");
          free (actions);
          return 1;
        }
    }
  if (!script && optind < nopts - 1)
    {
      fprintf (stderr, "bpoke: too many arguments\n");
      free (actions);
      return 1;
    }

  bpoke *pk = bpoke_new ();
  use_source_stdlib (pk);
  setup_color (pk, color);
  if (stack_limit)
    bpoke_set_stack_limit (pk, stack_limit);
  if (no_ffi)
    bpoke_disable_ffi (pk);
  int status = 0;
  bool quit = false;
  if (!no_init)
    load_init_file (pk);
  /* bpoke FILE: FILE is the current IO space for everything that
     follows.  (GNU poke 2.4 opens it only after the -c and -s
     commands have run, which makes `poke FILE -c dump' fail.)  */
  if (!script && optind < nopts)
    {
      if (bpoke_ios_open (pk, argv[optind], 0) < 0)
        {
          printf ("cannot open file %s\n", argv[optind]);
          bpoke_free (pk);
          free (actions);
          return 1;
        }
    }
  if (script)
    bpoke_set_argv (pk, script_argc, script_argv);

  for (int i = 0; i < nactions && !quit; i++)
    {
      const char *arg = actions[i].arg;
      bpoke_status st;
      switch (actions[i].kind)
        {
        case 'l':
          /* As in GNU poke, a file that does not load (or raises) ends
             the options, with exit status 0.  */
          st = bpoke_script_file (pk, arg);
          if (st == BPOKE_ERROR || st == BPOKE_EXCEPTION)
            quit = true;
          break;
        case 'c':
          st = repl_line (pk, arg, &quit);
          if (st == BPOKE_ERROR)
            {
              status = 1;
              quit = true;
            }
          else if (st == BPOKE_EXIT || quit)
            {
              /* exit (N) in a -c command, or .exit [N].  */
              status = bpoke_exit_code (pk);
              quit = true;
            }
          break;
        case 's':
          {
            FILE *f = fopen (arg, "r");
            if (!f)
              {
                perror (arg);
                status = 1;
                quit = true;
                break;
              }
            status = source_lines (pk, f, arg, &quit, status);
            fclose (f);
            break;
          }
        }
    }

  if (script && !quit)
    {
      bpoke_status st = bpoke_script_file (pk, script);
      if (st != BPOKE_OK)
        status = st == BPOKE_ERROR ? 1 : bpoke_exit_code (pk);
      quit = true;
    }
  /* Commands piped in run as those of -s do (GNU poke reads nothing
     from a standard input that is not a terminal).  */
  if (!quit && !batch && !isatty (STDIN_FILENO))
    status = source_lines (pk, stdin, "<stdin>", &quit, status);
  else if (!quit && !batch)
    {
      cmd_interactive = !quiet;
      cmd_prompt = true;
      status = repl_run (pk, quiet);
    }

  bpoke_free (pk);
  free (actions);
  return status;
}
