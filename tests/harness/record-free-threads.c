// record-free-threads.c: threads that only free, for `memscope record --measure`. Each thread's first free
// makes glibc create an arena for its tcache (MAYBE_INIT_TCACHE in __libc_free), yet no thread arena ever hands
// a block to the program: the footprint must count those arenas' heaps all the same.
// Usage: record-free-threads THREADS. The main thread mallocs THREADS blocks of 100 bytes; thread k frees
// block k, and all of them stay alive until every one has freed (a barrier), so each gets an arena of its own.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_THREADS 64

static void *blocks[MAX_THREADS];
static pthread_barrier_t all_freed;

static void *free_one(void *arg) {
  free(arg);
  pthread_barrier_wait(&all_freed);
  return NULL;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 4;
  if (threads < 1 || threads > MAX_THREADS) return 2;
  pthread_t handles[MAX_THREADS];
  pthread_barrier_init(&all_freed, NULL, (unsigned)threads);
  for (int k = 0; k < threads; k++) blocks[k] = malloc(100);
  for (int k = 0; k < threads; k++)
    if (pthread_create(&handles[k], NULL, free_one, blocks[k]) != 0) return 1;
  for (int k = 0; k < threads; k++) pthread_join(handles[k], NULL);
  return 0;
}
