/* A test subject with known memory: maps ANON_MIB of private anonymous memory and touches
 * TOUCH_MIB of it, maps FILE (if given) and reads READ_KIB of it, then obeys stdin commands:
 *   touch N   write-touch N more MiB of the anonymous region
 *   drop N    madvise(MADV_DONTNEED) the last N touched 4 KiB pages: RES falls with no fault
 *   fork      fork a child that stays alive (prints "child PID")
 *   exit      exit now (also on EOF)
 * Every answer is one line on stdout: "ready ANON_ADDR FILE_ADDR", "ok", "child PID".
 * usage: subject-memory ANON_MIB TOUCH_MIB [FILE READ_KIB] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>
#include <signal.h>
#include <sys/prctl.h>

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: %s ANON_MIB TOUCH_MIB [FILE READ_KIB]\n", argv[0]); return 2; }
  size_t anon_bytes = (size_t)atol(argv[1]) << 20;
  size_t touched = (size_t)atol(argv[2]) << 20;
  char *anon = mmap(NULL, anon_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (anon == MAP_FAILED) { perror("mmap"); return 1; }
  madvise(anon, anon_bytes, MADV_NOHUGEPAGE); /* 4 KiB pages: Rss counts exactly what we touch */
  for (size_t off = 0; off < touched; off += 4096) anon[off] = 1;

  char *file = NULL;
  if (argc >= 5) {
    int fd = open(argv[3], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) { perror("open"); return 1; }
    file = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (file == MAP_FAILED) { perror("mmap file"); return 1; }
    size_t read_bytes = (size_t)atol(argv[4]) << 10;
    volatile char sum = 0;
    for (size_t off = 0; off < read_bytes && off < (size_t)st.st_size; off += 4096) sum += file[off];
    close(fd);
  }
  /* Static stdio buffers: nothing allocates after "ready", so an idle subject's smaps stays still. */
  static char inbuf[4096], outbuf[4096];
  setvbuf(stdin, inbuf, _IOLBF, sizeof inbuf);
  setvbuf(stdout, outbuf, _IOLBF, sizeof outbuf);
  printf("ready %lx %lx\n", (unsigned long)anon, (unsigned long)file);

  char line[128];
  while (fgets(line, sizeof line, stdin) != NULL) {
    if (strncmp(line, "touch ", 6) == 0) {
      size_t more = (size_t)atol(line + 6) << 20;
      for (size_t off = touched; off < touched + more && off < anon_bytes; off += 4096) anon[off] = 2;
      touched += more;
      printf("ok\n");
    } else if (strncmp(line, "drop ", 5) == 0) {
      size_t bytes = (size_t)atol(line + 5) * 4096;
      if (bytes > touched) bytes = touched;
      touched -= bytes;
      printf(madvise(anon + touched, bytes, MADV_DONTNEED) == 0 ? "ok\n" : "error\n");
    } else if (strncmp(line, "fork", 4) == 0) {
      pid_t child = fork();
      if (child == 0) { prctl(PR_SET_PDEATHSIG, SIGKILL); for (;;) pause(); } /* dies with its parent */
      printf("child %d\n", (int)child);
    } else if (strncmp(line, "exit", 4) == 0) {
      break;
    }
  }
  return 0;
}
