// record-sequence.c: a single-threaded program with a known allocator call sequence, for `memscope record`.
// tests/electron/commands/record.test.ts expects its trace to be exactly these calls, op for op.
// It prints nothing (stdio would allocate its buffer) and exits 3, to show the status passes through;
// with an argument ("term") it ends by SIGTERM instead, before exit() lets the shim write its closing line.
#define _GNU_SOURCE
#include <malloc.h>
#include <signal.h>
#include <stdlib.h>

static void *volatile sink; // every pointer escapes here, so the compiler keeps each call
static void *volatile nothing; // NULL the compiler cannot see: it turns realloc(NULL, n) into malloc(n)

int main(int argc, char **argv) {
  char *a = malloc(100);                 // a 0 100
  sink = a;
  char *b = calloc(3, 40);               // c 1 3 40
  sink = b;
  a = realloc(a, 5000);                  // r 0 5000
  sink = a;
  free(b);                               // f 1
  free(NULL);                            // not an op: glibc returns before looking
  char *c = malloc(0);                   // a 2 0
  sink = c;
  c = realloc(c, 0);                     // r 2 0  (frees, returns NULL)
  char *d = realloc(nothing, 24);           // r 3 24 (a fresh id: realloc of nothing is malloc)
  sink = d;
  char *big = malloc(200000);            // a 4 200000 (mmapped)
  sink = big;
  free(big);                             // f 4
  malloc_trim(64);                       // t 64
  free(d);                               // f 3
  free(a);                               // f 0
  sink = c;
  (void)argv;
  if (argc > 1) raise(SIGTERM);
  return 3;
}
