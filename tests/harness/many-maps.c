/* Subject with N separate mappings, for timing smaps parsing on a big process.
 * Reserves N + 2 pages PROT_NONE, then gives pages 1..N alternating protections (odd i: r--,
 * even i: rw-, written once) so each page is its own VMA; pages 0 and N+1 stay ---p guards.
 * Prints "base <hex address of page 0>", then "ready", then sleeps until killed.
 * Usage: many-maps N   (N + ~30 mappings result; vm.max_map_count must exceed that) */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 20000;
  char *base = mmap(NULL, (size_t)(n + 2) * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED) {
    perror("mmap");
    return 1;
  }
  for (long i = 1; i <= n; i++) {
    char *p = base + i * PAGE;
    int prot = (i & 1) ? PROT_READ : PROT_READ | PROT_WRITE;
    if (mprotect(p, PAGE, prot) != 0) {
      perror("mprotect");
      return 1;
    }
    if (prot & PROT_WRITE) p[0] = 1;
  }
  printf("base %lx\nready\n", (unsigned long)base);
  fflush(stdout);
  for (;;) pause();
}
