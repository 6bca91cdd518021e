// record-forks.c: forks N children (argv[1]) before its own first malloc; each child mallocs 1000 + k bytes and
// exits, then the parent mallocs 4444. Under `memscope record --follow` every process writes a trace of its own.
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void *volatile keep; // stops the compiler from dropping the mallocs

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1;
  for (int k = 0; k < n; k++) {
    if (fork() == 0) {
      keep = malloc(1000 + (size_t)k);   // child k
      exit(0);
    }
  }
  for (int k = 0; k < n; k++) wait(NULL);
  keep = malloc(4444);                   // the parent, after its children
  return 0;
}
