/* A test subject whose one anonymous region changes shape on command, for compare-by-overlap tests:
 * maps RESERVE_MIB + MIB of private anonymous memory, unmaps the lowest RESERVE_MIB (a hole the region
 * can grow down into: nothing else maps after "ready") and touches the rest, then obeys stdin:
 *   grow N      maps N MiB directly below the region (MAP_FIXED_NOREPLACE, same prot and flags) and
 *               touches it: the kernel merges the two into one VMA that grew downward (mm/vma.c vma_merge)
 *   protect N   mprotect(PROT_READ) one page N pages into the region: its VMA splits in three
 *   exit        exit now (also on EOF)
 * Answers, one line each: "ready START END", "ok START END" (the region's range, lowercase hex).
 * usage: region-subject MIB RESERVE_MIB */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static char *start, *end;

static void touch(char *from, char *to) {
  madvise(from, (size_t)(to - from), MADV_NOHUGEPAGE); /* 4 KiB pages: Rss is exactly what is touched */
  for (char *p = from; p < to; p += 4096) *p = 1;
}

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: %s MIB RESERVE_MIB\n", argv[0]); return 2; }
  size_t bytes = (size_t)atol(argv[1]) << 20, reserve = (size_t)atol(argv[2]) << 20;
  char *p = mmap(NULL, reserve + bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) { perror("mmap"); return 1; }
  if (reserve > 0 && munmap(p, reserve) != 0) { perror("munmap"); return 1; }
  start = p + reserve;
  end = start + bytes;
  touch(start, end);
  /* Static stdio buffers: nothing allocates (or maps) after "ready", so the hole stays free. */
  static char inbuf[4096], outbuf[4096];
  setvbuf(stdin, inbuf, _IOLBF, sizeof inbuf);
  setvbuf(stdout, outbuf, _IOLBF, sizeof outbuf);
  printf("ready %lx %lx\n", (unsigned long)start, (unsigned long)end);

  char line[128];
  while (fgets(line, sizeof line, stdin) != NULL) {
    if (strncmp(line, "grow ", 5) == 0) {
      size_t more = (size_t)atol(line + 5) << 20;
      char *below = mmap(start - more, more, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
      if (below != start - more) { printf("error mmap below %lx\n", (unsigned long)(start - more)); continue; }
      touch(below, start);
      start = below;
    } else if (strncmp(line, "protect ", 8) == 0) {
      char *page = start + (size_t)atol(line + 8) * 4096;
      if (page >= end || mprotect(page, 4096, PROT_READ) != 0) { printf("error mprotect\n"); continue; }
    } else if (strncmp(line, "exit", 4) == 0) {
      break;
    } else {
      printf("error unknown command\n");
      continue;
    }
    printf("ok %lx %lx\n", (unsigned long)start, (unsigned long)end);
  }
  return 0;
}
