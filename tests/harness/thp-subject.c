/* A subject with one transparent huge page: maps 8 MiB of private anonymous memory, asks for THP
 * (MADV_HUGEPAGE, honoured when /sys/kernel/mm/transparent_hugepage/enabled is [always] or [madvise]) on the
 * 2 MiB-aligned 4 MiB inside it, writes the first byte of that window (one fault: a whole PMD when a huge page
 * can be had), prints "ready ADDR" (the window, hex) and waits for stdin to close.
 * usage: thp-subject */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>

#define HPAGE_BYTES (2UL << 20)

int main(void) {
  char *map = mmap(NULL, 4 * HPAGE_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (map == MAP_FAILED) { perror("mmap"); return 1; }
  char *window = (char *)(((uintptr_t)map + HPAGE_BYTES - 1) & ~(HPAGE_BYTES - 1));
  if (madvise(window, 2 * HPAGE_BYTES, MADV_HUGEPAGE) != 0) { perror("madvise"); return 1; }
  window[0] = 1;
  printf("ready %lx\n", (unsigned long)window);
  fflush(stdout);
  while (getchar() != EOF) {}
  return 0;
}
