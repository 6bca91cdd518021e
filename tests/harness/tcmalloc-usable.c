// Prints malloc_usable_size(malloc(n)) of the real gperftools 2.10 TCMalloc for every n from 1 to
// MAX, run-length encoded: a line `n usable` for n = 1 and for every n whose usable size differs
// from that of n - 1. Oracle for the size map in shared/sim/malloc/tcmalloc/size-classes.ts.
//
// usage: tcmalloc-usable MAX     (link with libtcmalloc_minimal.so.4)
// Output is buffered in mmap'd memory and written with write(2) at the end, so nothing but the
// probed malloc/free calls reaches the allocator.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

size_t malloc_usable_size(void *ptr);

static char *put_u64(char *o, uint64_t v) {
  char d[24];
  int n = 0;
  do { d[n++] = (char) ('0' + v % 10); v /= 10; } while (v);
  while (n) *o++ = d[--n];
  return o;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    static const char usage[] = "usage: tcmalloc-usable MAX\n";
    if (write(2, usage, sizeof usage - 1) < 0) return 2;
    return 2;
  }
  uint64_t max = 0;
  for (const char *s = argv[1]; *s >= '0' && *s <= '9'; s++) max = max * 10 + (uint64_t) (*s - '0');
  size_t cap = 1 << 20;
  char *out = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (out == MAP_FAILED) return 3;
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
  for (char *p = out; p < w;) {
    ssize_t k = write(1, p, (size_t) (w - p));
    if (k <= 0) return 6;
    p += k;
  }
  return 0;
}
