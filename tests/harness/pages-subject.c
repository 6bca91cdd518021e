/* A subject for page-level tests (memscope pages): maps regions on command and touches chosen pages, so a test
 * knows which pages are present, shared, zero-page or page cache. Commands on stdin, one-line answers on stdout:
 *   map anon|shm|file-private|file-shared PAGES [PATH]   -> "addr HEX" (MADV_NOHUGEPAGE: 4 KiB pages only;
 *                            a PROT_NONE guard page on each side keeps the kernel from merging it with a neighbour)
 *   read HEX FIRST COUNT     read byte 0 of pages FIRST..FIRST+COUNT-1   -> "ok"
 *   write HEX FIRST COUNT    write byte 0 of those pages                  -> "ok"
 *   protect HEX FIRST COUNT  mprotect those pages PROT_READ (splits the mapping into adjacent VMAs) -> "ok"
 *   unmap HEX FIRST COUNT    munmap those pages (leaves a hole)           -> "ok"
 *   fork                     a child that pauses and dies with its parent -> "child PID"
 *   drain                    mlock+munlock a scratch page: mlock() runs lru_add_drain_all(), so pages
 *                            waiting in per-CPU LRU batches reach their LRU list (KPF_LRU) -> "ok"
 *   exit                     (also on EOF)
 * Prints "ready" first. usage: pages-subject */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE 4096UL

static char scratch[PAGE] __attribute__((aligned(4096)));

static void *map_region(const char *kind, size_t pages, const char *path) {
  size_t len = pages * PAGE;
  /* Reserve the region and its two guard pages, then map the region over the middle. */
  char *guarded = mmap(NULL, len + 2 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (guarded == MAP_FAILED) return MAP_FAILED;
  char *at = guarded + PAGE;
  void *p = MAP_FAILED;
  if (strcmp(kind, "anon") == 0) {
    p = mmap(at, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  } else if (strcmp(kind, "shm") == 0) {
    p = mmap(at, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  } else if (strcmp(kind, "file-private") == 0 || strcmp(kind, "file-shared") == 0) {
    int shared = strcmp(kind, "file-shared") == 0;
    int fd = open(path, shared ? O_RDWR : O_RDONLY);
    if (fd < 0) return MAP_FAILED;
    p = mmap(at, len, PROT_READ | PROT_WRITE, (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_FIXED, fd, 0);
    close(fd);
  }
  if (p != MAP_FAILED) madvise(p, len, MADV_NOHUGEPAGE);
  return p;
}

int main(void) {
  static char inbuf[4096], outbuf[4096];
  setvbuf(stdin, inbuf, _IOLBF, sizeof inbuf);
  setvbuf(stdout, outbuf, _IOLBF, sizeof outbuf);
  printf("ready\n");
  char line[4096 + 64];
  while (fgets(line, sizeof line, stdin) != NULL) {
    char kind[32], path[4096];
    unsigned long addr, first, count, pages;
    if (sscanf(line, "map %31s %lu %4095s", kind, &pages, path) >= 2) {
      void *p = map_region(kind, pages, path);
      if (p == MAP_FAILED) printf("error %s\n", kind);
      else printf("addr %lx\n", (unsigned long)p);
    } else if (sscanf(line, "read %lx %lu %lu", &addr, &first, &count) == 3) {
      volatile char sum = 0;
      for (unsigned long i = first; i < first + count; i++) sum += *(volatile char *)(addr + i * PAGE);
      printf("ok\n");
    } else if (sscanf(line, "write %lx %lu %lu", &addr, &first, &count) == 3) {
      for (unsigned long i = first; i < first + count; i++) *(volatile char *)(addr + i * PAGE) = 1;
      printf("ok\n");
    } else if (sscanf(line, "protect %lx %lu %lu", &addr, &first, &count) == 3) {
      printf(mprotect((void *)(addr + first * PAGE), count * PAGE, PROT_READ) == 0 ? "ok\n" : "error mprotect\n");
    } else if (sscanf(line, "unmap %lx %lu %lu", &addr, &first, &count) == 3) {
      printf(munmap((void *)(addr + first * PAGE), count * PAGE) == 0 ? "ok\n" : "error munmap\n");
    } else if (strncmp(line, "fork", 4) == 0) {
      pid_t child = fork();
      if (child == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        for (;;) pause();
      }
      printf("child %d\n", (int)child);
    } else if (strncmp(line, "drain", 5) == 0) {
      scratch[0] = 1;
      printf(mlock(scratch, PAGE) == 0 && munlock(scratch, PAGE) == 0 ? "ok\n" : "error mlock\n");
    } else if (strncmp(line, "exit", 4) == 0) {
      break;
    } else {
      printf("error unknown command\n");
    }
  }
  return 0;
}
