/* Subject with mappings whose /proc text is awkward to parse, and which it knows exactly.
 * Maps: files whose paths hold spaces, parentheses, a newline and UTF-8; an unlinked file
 * (" (deleted)"); a memfd; POSIX shm (/dev/shm) and SysV shm segments, both already removed;
 * shared anonymous memory; a PROT_NONE guard; private anonymous memory
 * with a known number of touched pages; and a large .bss (the anonymous mapping after the
 * executable). Sets its comm (prctl PR_SET_NAME) to a name with spaces and parentheses.
 * Usage: odd-paths DIR [COMM]   (DIR is created; files are made inside it)
 * Prints one line per mapping: "<what> <start-hex> <size-kB> <touched-kB> <path>", then "ready",
 * then sleeps until killed. Source of truth for what it mapped: this file. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ipc.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE 4096
#define BSS_BYTES (1024 * 1024)

static char big_bss[BSS_BYTES];

static void die(const char *what) {
  perror(what);
  exit(1);
}

static void report(const char *what, void *start, size_t size_bytes, size_t touched_bytes, const char *path) {
  printf("%s %lx %zu %zu %s\n", what, (unsigned long)start, size_bytes / 1024, touched_bytes / 1024, path);
}

/* Creates PATH holding PAGES pages and maps it MAP_SHARED read-write, touching every page. */
static void *map_new_file(const char *path, int pages) {
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) die(path);
  if (ftruncate(fd, (off_t)pages * PAGE) != 0) die("ftruncate");
  char *p = mmap(NULL, (size_t)pages * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) die("mmap file");
  for (int i = 0; i < pages; i++) p[i * PAGE] = 1;
  close(fd);
  return p;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: odd-paths DIR [COMM]\n");
    return 2;
  }
  const char *dir = argv[1];
  const char *comm = argc > 2 ? argv[2] : "odd) (comm x";
  if (mkdir(dir, 0755) != 0 && errno != EEXIST) die(dir);
  if (prctl(PR_SET_NAME, comm, 0, 0, 0) != 0) die("prctl");

  char path[4096];

  snprintf(path, sizeof path, "%s/a file (1).bin", dir);
  report("spaced", map_new_file(path, 3), 3 * PAGE, 3 * PAGE, path);

  /* The kernel prints a newline in a path as the octal escape \012 (seq_path with "\n"). */
  snprintf(path, sizeof path, "%s/new\nline.bin", dir);
  void *nl = map_new_file(path, 1);
  char printed[4096];
  snprintf(printed, sizeof printed, "%s/new\\012line.bin", dir);
  report("newline", nl, PAGE, PAGE, printed);

  snprintf(path, sizeof path, "%s/caf\xc3\xa9 \xe2\x9c\x93.bin", dir);
  report("utf8", map_new_file(path, 2), 2 * PAGE, 2 * PAGE, path);

  snprintf(path, sizeof path, "%s/gone soon.bin", dir);
  void *gone = map_new_file(path, 4);
  if (unlink(path) != 0) die("unlink");
  strcat(path, " (deleted)");
  report("deleted", gone, 4 * PAGE, 4 * PAGE, path);

  int mfd = memfd_create("memscope memfd", 0);
  if (mfd < 0) die("memfd_create");
  if (ftruncate(mfd, 16 * PAGE) != 0) die("ftruncate memfd");
  char *m = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
  if (m == MAP_FAILED) die("mmap memfd");
  for (int i = 0; i < 5; i++) m[i * PAGE] = 1;
  report("memfd", m, 16 * PAGE, 5 * PAGE, "/memfd:memscope memfd (deleted)");

  char shm_name[64];
  snprintf(shm_name, sizeof shm_name, "/memscope-odd-%d", (int)getpid());
  int pfd = shm_open(shm_name, O_RDWR | O_CREAT | O_EXCL, 0600);
  if (pfd < 0) die("shm_open");
  if (ftruncate(pfd, 4 * PAGE) != 0) die("ftruncate shm");
  char *ps = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, pfd, 0);
  if (ps == MAP_FAILED) die("mmap shm");
  ps[0] = 1;
  close(pfd);
  shm_unlink(shm_name); /* nothing left behind when the subject is killed */
  snprintf(path, sizeof path, "/dev/shm%s (deleted)", shm_name);
  report("posixshm", ps, 4 * PAGE, PAGE, path);

  int sid = shmget(IPC_PRIVATE, 2 * PAGE, IPC_CREAT | 0600);
  if (sid < 0) die("shmget");
  char *sv = shmat(sid, NULL, 0);
  if (sv == (void *)-1) die("shmat");
  shmctl(sid, IPC_RMID, NULL); /* freed when the subject detaches (exits) */
  sv[0] = 1;
  /* SysV segments are named by key: IPC_PRIVATE is 0, printed "%08x". */
  report("sysvshm", sv, 2 * PAGE, PAGE, "/SYSV00000000 (deleted)");

  char *sh = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (sh == MAP_FAILED) die("mmap shared anon");
  for (int i = 0; i < 3; i++) sh[i * PAGE] = 1;
  report("shanon", sh, 8 * PAGE, 3 * PAGE, "/dev/zero (deleted)");

  void *guard = mmap(NULL, 16 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (guard == MAP_FAILED) die("mmap guard");
  report("guard", guard, 16 * PAGE, 0, "");

  /* 1 MiB private anonymous, 100 pages written: Rss = Anonymous = 400 kB exactly.
   * MADV_NOHUGEPAGE keeps THP from rounding the touched amount up to 2 MiB. */
  size_t anon_bytes = 256 * PAGE;
  char *anon = mmap(NULL, anon_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (anon == MAP_FAILED) die("mmap anon");
  madvise(anon, anon_bytes, MADV_NOHUGEPAGE);
  for (int i = 0; i < 100; i++) anon[i * PAGE] = 1;
  report("anon", anon, anon_bytes, 100 * PAGE, "");

  for (size_t i = 0; i < BSS_BYTES; i += PAGE) big_bss[i] = 1;
  report("bss", big_bss, BSS_BYTES, BSS_BYTES, "");

  printf("ready\n");
  fflush(stdout);
  for (;;) pause();
}
