/* The floor for sampling every process: C reading /proc/PID/{stat,FILE2} for all pids,
 * either open/read/close each pass ("open") or with fds kept open and pread at 0 ("kept").
 * usage: proc-floor open|kept FILE2 PASSES [GAP_MS]   (FILE2: statm or status)
 * GAP_MS: a sleep between passes, not measured, so each pass meets caches as a tick a while after the last does
 * prints: median wall ms per pass, then CPU ms per pass (user+sys, mean) */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static char buf[8192];
static int fds[65536][2];

static double now_ms(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e3 + t.tv_nsec / 1e6; }
static double cpu_ms(void) { struct rusage r; getrusage(RUSAGE_SELF, &r); return (r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1e3 + (r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e3; }
static int cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return x < y ? -1 : x > y; }

int main(int argc, char **argv) {
  if (argc != 4 && argc != 5) { fprintf(stderr, "usage: %s open|kept statm|status PASSES [GAP_MS]\n", argv[0]); return 2; }
  int kept = strcmp(argv[1], "kept") == 0;
  const char *file2 = argv[2];
  int passes = atoi(argv[3]);
  int gap_ms = argc == 5 ? atoi(argv[4]) : 0;
  double *walls = calloc(passes, sizeof *walls);
  int pids[65536], n = 0;
  double cpu_total = 0;
  for (int p = 0; p < passes + 1; p++) {
    if (p > 0 && gap_ms > 0) usleep(gap_ms * 1000);
    double t0 = now_ms(), c0 = cpu_ms();
    if (!kept || p == 0) {
      n = 0;
      DIR *d = opendir("/proc");
      struct dirent *e;
      while ((e = readdir(d)) != NULL && n < 65536) if (e->d_name[0] >= '0' && e->d_name[0] <= '9') pids[n++] = atoi(e->d_name);
      closedir(d);
    }
    for (int i = 0; i < n; i++) {
      const char *names[2] = { "stat", file2 };
      for (int f = 0; f < 2; f++) {
        if (kept && p > 0) { if (fds[i][f] >= 0) pread(fds[i][f], buf, sizeof buf, 0); continue; }
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/%s", pids[i], names[f]);
        int fd = open(path, O_RDONLY);
        if (fd >= 0) { read(fd, buf, sizeof buf); if (kept) fds[i][f] = fd; else close(fd); } else if (kept) fds[i][f] = -1;
      }
    }
    if (p > 0) { walls[p - 1] = now_ms() - t0; cpu_total += cpu_ms() - c0; } /* pass 0 warms up (and opens the kept fds) */
  }
  qsort(walls, passes, sizeof *walls, cmp);
  printf("%.3f %.3f\n", walls[passes / 2], cpu_total / passes);
  return 0;
}
