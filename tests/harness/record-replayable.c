// record-replayable.c: a deterministic single-threaded churn of malloc, realloc and free (sizes from 1 byte to
// 300 KiB, so tcache, fastbins, bins, top and mmap all serve some), the op kinds every allocator model replays.
// Recorded with --addresses, replaying it through the glibc model must put every block where glibc did.
// Usage: record-replayable [OPS [done]] (default 20000). Prints nothing, or `done` once the churn is over when asked.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define SLOTS 512

static void *volatile sink;

int main(int argc, char **argv) {
  long ops = argc > 1 ? atol(argv[1]) : 20000;
  static void *slot[SLOTS];
  uint64_t x = 88172645463325252ull; // xorshift64: the same churn every run
  for (long i = 0; i < ops; i++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    unsigned k = (unsigned)(x % SLOTS);
    unsigned pick = (unsigned)(x >> 32) % 100;
    size_t size = pick < 60 ? 1 + (x >> 40) % 256 : pick < 95 ? 1 + (x >> 40) % 4096 : 1 + (x >> 40) % (300 * 1024);
    if (slot[k] == NULL) {
      slot[k] = malloc(size);
    } else if (pick % 3 == 0) {
      slot[k] = realloc(slot[k], size);
    } else {
      free(slot[k]);
      slot[k] = NULL;
    }
    sink = slot[k];
  }
  for (unsigned k = 0; k < SLOTS; k++) free(slot[k]);
  if (argc > 2) puts("done");
  return 0;
}
