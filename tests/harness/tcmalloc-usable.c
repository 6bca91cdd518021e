// Prints malloc_usable_size(malloc(n)) of the real gperftools 2.10 TCMalloc for every n from 1 to
// MAX, run-length encoded: a line `n usable` for n = 1 and for every n whose usable size differs
// from that of n - 1. Oracle for the size map in shared/sim/malloc/tcmalloc/size-classes.ts.
//
// usage: tcmalloc-usable MAX     (link with libtcmalloc_minimal.so.4)
// Output is buffered in mmap'd memory and written with write(2) at the end, so nothing but the
// probed malloc/free calls reaches the allocator.
#define HARNESS_NAME "tcmalloc-usable"
#include <stdlib.h>
#include "harness-io.h"

size_t malloc_usable_size(void *ptr);

int main(int argc, char **argv) {
  if (argc != 2) {
    static const char usage[] = "usage: tcmalloc-usable MAX\n";
    write_all(2, usage, sizeof usage - 1);
    return 2;
  }
  uint64_t max = 0;
  for (const char *s = argv[1]; *s >= '0' && *s <= '9'; s++) max = max * 10 + (uint64_t) (*s - '0');
  size_t cap = 1 << 20;
  char *out = map_bytes(cap);
  char *w = out;
  size_t prev = (size_t) -1;
  for (uint64_t n = 1; n <= max; n++) {
    void *p = malloc(n);
    if (!p) return 4;
    size_t u = malloc_usable_size(p);
    free(p);
    if (u != prev) {
      if ((size_t) (w - out) > cap - 64) return 5;
      w = put_u64(w, n);
      *w++ = ' ';
      w = put_u64(w, u);
      *w++ = '\n';
      prev = u;
    }
  }
  write_all(1, out, (size_t) (w - out));
  return 0;
}
