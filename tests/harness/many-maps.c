/* Subject with N separate mappings, for timing smaps parsing on a big process.
 * Maps N one-page private anonymous regions with alternating protections (r-- / rw-) so the kernel
 * cannot merge neighbours into one VMA, touches every writable one, prints "ready", sleeps until killed.
 * Usage: many-maps N   (N + ~25 mappings result; vm.max_map_count must exceed that) */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 20000;
  for (long i = 0; i < n; i++) {
    int prot = (i & 1) ? PROT_READ | PROT_WRITE : PROT_READ;
    char *p = mmap(NULL, 4096, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      perror("mmap");
      return 1;
    }
    if (prot & PROT_WRITE) p[0] = 1;
  }
  printf("ready\n");
  fflush(stdout);
  for (;;) pause();
}
