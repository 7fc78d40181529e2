/* prog.c -- the program of the tutorial: it calls pthread_sigmask,
   which glibc versions GLIBC_2.32, so the program needs that version.  */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
int
main (void)
{
  sigset_t s;
  sigemptyset (&s);
  if (pthread_sigmask (SIG_BLOCK, &s, NULL) != 0)
    return 1;
  puts ("still runs");
  return 0;
}
