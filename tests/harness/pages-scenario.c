// Runs a page-level scenario (issue 5) on the real kernel and prints, after every step, the smaps fields of every
// live process and region, the page states (pagemap + kpageflags + kpagecount) and the minor faults of a touch.
// Method, so that it measures the scenario and not itself: one worker process per simulated process, driven over
// pipes with raw syscalls from static buffers (no libc inside a worker); the measured window is getrusage, the
// touch loop, getrusage in one function; after every fork both sides mlock their text and pre-fault their stack
// and state; everyone is pinned to one CPU; backing files are written one page per write(), fsynced, read twice
// and checked through /proc/kpageflags to hold only order-0 folios. The why of each step is at its function.
//
// usage: pages-scenario COMMAND_FILE TMP_DIR [CPU]   (CPU: the one every process is pinned to; default the first allowed)
// COMMAND_FILE lines (processes and regions are 0-based indices; processes numbered in creation order):
//   region anon|file private|shared PAGES
//   touch PROC REGION read|write FIRST COUNT
//   fork PROC CHILD
//   dontneed PROC REGION FIRST COUNT
//   exit PROC
// stdout:
//   step I MINFLT MAJFLT                 (touch; "-" "-" for other steps)
//   smaps I PROC REGION Rss Pss Shared_Clean Shared_Dirty Private_Clean Private_Dirty Anonymous   (kB)
//   pages I PROC REGION TOKEN...         ("." none, "z" zero page, a|f|s<mapcount>: anon, page cache, shmem)
//   done
// exit status: 0 ok, 2 error, 75 outside interference detected (evicted page cache, major fault): run again.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096UL
#define HUGE_ALIGN (2UL << 20)
#define MAX_PROCS 32
#define MAX_REGIONS 16
#define MAX_STEPS 20000
#define EXIT_INTERFERENCE 75
#define REPLY_TIMEOUT_MS 20000

#define KPF_DIRTY 4
#define KPF_ANON 12
#define KPF_SWAPBACKED 14
#define KPF_COMPOUND_HEAD 15
#define KPF_COMPOUND_TAIL 16
#define KPF_HUGE 17
#define KPF_THP 22
#define KPF_ZERO_PAGE 24
#define PM_PRESENT (1ULL << 63)
#define PM_PFN_MASK ((1ULL << 55) - 1)

enum { OP_TOUCH = 1, OP_FORK, OP_DONTNEED, OP_EXIT, OP_QUIT };

struct region {
  int is_file, is_shared;
  long pages;
  unsigned long offset; /* from the 2 MiB-aligned base */
  int fd;
  char path[4200];
};

struct step {
  int op, proc, region, write, child;
  long first, count;
};

struct cmd {
  long op, region, write, first, count, child;
};

struct reply {
  long status, pid, minflt, majflt;
  unsigned long base;
};

/* Shared, read-only after setup (set before p0 is forked). */
static struct region regions[MAX_REGIONS];
static int nregions;
static struct step steps[MAX_STEPS];
static int nsteps;
static int nprocs;
static int cmd_pipe[MAX_PROCS][2], rep_pipe[MAX_PROCS][2];
static unsigned long reserve_bytes;

/* Everything a worker writes, in one page-aligned block that warm() makes present and writable. */
static struct worker {
  struct cmd cmd;
  struct reply rep;
  struct rusage ru0, ru1;
  long slot;
  unsigned long base;
  long sink;
  char scratch[4 * PAGE] __attribute__((aligned(4096)));
} W __attribute__((aligned(4096)));

extern char __executable_start[], etext[];

/* ---- raw syscalls: no libc (and so no libc pages) inside a worker ---- */

static inline long rsys(long n, long a, long b, long c, long d, long e, long f) {
  long r;
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  register long r9 __asm__("r9") = f;
  __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9) : "rcx", "r11", "memory");
  return r;
}

static __attribute__((noreturn)) void worker_exit(long code) {
  for (;;) rsys(SYS_exit_group, code, 0, 0, 0, 0, 0);
}

static long worker_read_full(int fd, void *buf, long len) {
  long done = 0;
  while (done < len) {
    long n = rsys(SYS_read, fd, (long)buf + done, len - done, 0, 0, 0);
    if (n == -EINTR) continue;
    if (n <= 0) return done;
    done += n;
  }
  return done;
}

static void worker_reply(void) {
  if (rsys(SYS_write, rep_pipe[W.slot][1], (long)&W.rep, sizeof W.rep, 0, 0, 0) != (long)sizeof W.rep) worker_exit(3);
}

/* The measured window: getrusage; loop; getrusage. Touches only the region, W.ru0/W.ru1 and the stack. */
__attribute__((noinline)) static void measured_touch(volatile char *base, long first, long count, long write) {
  long acc = 0;
  rsys(SYS_getrusage, RUSAGE_SELF, (long)&W.ru0, 0, 0, 0, 0);
  if (write) {
    for (long i = first; i < first + count; i++) base[i * PAGE] = 0x5a;
  } else {
    for (long i = first; i < first + count; i++) acc += base[i * PAGE];
  }
  rsys(SYS_getrusage, RUSAGE_SELF, (long)&W.ru1, 0, 0, 0, 0);
  W.sink = acc;
}

__attribute__((noinline)) static void probe_stack(void) {
  volatile char buf[256 * 1024];
  for (unsigned long i = 0; i < sizeof buf; i += PAGE) buf[i] = 0;
}

/* After fork (both sides) and at start: make every page the window uses besides the region present and writable. */
static void warm(void) {
  unsigned long start = (unsigned long)__executable_start & ~(PAGE - 1);
  unsigned long end = ((unsigned long)etext + PAGE - 1) & ~(PAGE - 1);
  rsys(SYS_mlock, start, end - start, 0, 0, 0, 0); /* not inherited; the child's text PTEs are not copied */
  probe_stack();
  volatile char *w = (volatile char *)&W;
  for (unsigned long off = 0; off < sizeof W; off += PAGE) w[off] = w[off];
  w[sizeof W - 1] = w[sizeof W - 1];
  measured_touch(W.scratch, 0, 4, 0);
  measured_touch(W.scratch, 0, 4, 1);
  measured_touch(W.scratch, 0, 4, 0);
}

static __attribute__((noreturn)) void worker_loop(void) {
  for (;;) {
    if (worker_read_full(cmd_pipe[W.slot][0], &W.cmd, sizeof W.cmd) != (long)sizeof W.cmd) worker_exit(4);
    W.rep.status = 0;
    W.rep.minflt = W.rep.majflt = -1;
    struct region *r = &regions[W.cmd.region];
    char *addr = (char *)(W.base + r->offset);
    switch (W.cmd.op) {
    case OP_TOUCH:
      measured_touch(addr, W.cmd.first, W.cmd.count, W.cmd.write);
      W.rep.minflt = W.ru1.ru_minflt - W.ru0.ru_minflt;
      W.rep.majflt = W.ru1.ru_majflt - W.ru0.ru_majflt;
      worker_reply();
      break;
    case OP_FORK: {
      long pid = rsys(SYS_clone, SIGCHLD, 0, 0, 0, 0, 0);
      if (pid < 0) {
        W.rep.status = pid;
        worker_reply();
        break;
      }
      if (pid == 0) W.slot = W.cmd.child;
      warm();
      W.rep.pid = pid == 0 ? rsys(SYS_getpid, 0, 0, 0, 0, 0, 0) : pid;
      worker_reply();
      break;
    }
    case OP_DONTNEED:
      W.rep.status = rsys(SYS_madvise, (long)addr + W.cmd.first * PAGE, W.cmd.count * PAGE, MADV_DONTNEED, 0, 0, 0);
      worker_reply();
      break;
    case OP_EXIT:
      /* munmap first: the teardown must not wait for someone else's reference on the mm. */
      for (int i = 0; i < nregions; i++) rsys(SYS_munmap, W.base + regions[i].offset, regions[i].pages * PAGE, 0, 0, 0, 0);
      worker_exit(0);
    case OP_QUIT:
      worker_exit(0);
    default:
      worker_exit(5);
    }
  }
}

/* p0: map every region at its 2 MiB-aligned address with MADV_NOHUGEPAGE, then serve commands. */
static __attribute__((noreturn)) void run_p0(void) {
  for (int i = 0; i < nprocs; i++) {
    close(cmd_pipe[i][1]);
    close(rep_pipe[i][0]);
  }
  W.slot = 0;
  W.rep.status = 0;
  long res = rsys(SYS_mmap, 0, reserve_bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (res < 0 && res > -4096) W.rep.status = res;
  /* PROT_NONE guards before, between and after the regions keep them from merging with anything. */
  W.base = ((unsigned long)res + 2 * HUGE_ALIGN - 1) & ~(HUGE_ALIGN - 1);
  for (int i = 0; i < nregions && W.rep.status == 0; i++) {
    struct region *r = &regions[i];
    long flags = (r->is_shared ? MAP_SHARED : MAP_PRIVATE) | MAP_FIXED | (r->is_file ? 0 : MAP_ANONYMOUS);
    long a = rsys(SYS_mmap, W.base + r->offset, r->pages * PAGE, PROT_READ | PROT_WRITE, flags, r->is_file ? r->fd : -1, 0);
    if (a != (long)(W.base + r->offset)) W.rep.status = a < 0 ? a : -EFAULT;
    else W.rep.status = rsys(SYS_madvise, a, r->pages * PAGE, MADV_NOHUGEPAGE, 0, 0, 0);
  }
  warm();
  W.rep.base = W.base;
  W.rep.pid = rsys(SYS_getpid, 0, 0, 0, 0, 0, 0);
  worker_reply();
  worker_loop();
}

/* ---- orchestrator (libc is fine here: it never touches the regions) ---- */

static pid_t pids[MAX_PROCS];
static int alive[MAX_PROCS];
static unsigned long base_addr;
static char tmpdir[4096];

static void cleanup(void) {
  for (int i = 0; i < nprocs; i++)
    if (alive[i] && pids[i] > 0) kill(pids[i], SIGKILL);
  while (waitpid(-1, NULL, __WALL) > 0 || errno == EINTR) {
  }
  for (int i = 0; i < nregions; i++)
    if (regions[i].is_file && regions[i].path[0]) unlink(regions[i].path);
  if (tmpdir[0]) rmdir(tmpdir);
}

static __attribute__((noreturn, format(printf, 2, 3))) void fail(int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, code == EXIT_INTERFERENCE ? "interference: " : "error: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  fflush(stdout);
  cleanup();
  exit(code);
}

static void parse_commands(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) fail(2, "open %s: %s", path, strerror(errno));
  char line[512], a[32], b[32];
  nprocs = 1;
  while (fgets(line, sizeof line, f)) {
    struct step s = {0};
    long pages;
    if (line[0] == '\n' || line[0] == '#') continue;
    if (sscanf(line, "region %31s %31s %ld", a, b, &pages) == 3) {
      if (nregions >= MAX_REGIONS || pages < 1) fail(2, "bad region: %s", line);
      struct region *r = &regions[nregions++];
      r->is_file = strcmp(a, "file") == 0;
      r->is_shared = strcmp(b, "shared") == 0;
      r->pages = pages;
      r->fd = -1;
      continue;
    }
    if (nsteps >= MAX_STEPS) fail(2, "too many steps");
    if (sscanf(line, "touch %d %d %31s %ld %ld", &s.proc, &s.region, a, &s.first, &s.count) == 5) {
      s.op = OP_TOUCH;
      s.write = strcmp(a, "write") == 0;
    } else if (sscanf(line, "fork %d %d", &s.proc, &s.child) == 2) {
      s.op = OP_FORK;
      if (s.child != nprocs || nprocs >= MAX_PROCS) fail(2, "children must be numbered in order, at most %d processes", MAX_PROCS);
      nprocs++;
    } else if (sscanf(line, "dontneed %d %d %ld %ld", &s.proc, &s.region, &s.first, &s.count) == 4) {
      s.op = OP_DONTNEED;
    } else if (sscanf(line, "exit %d", &s.proc) == 1) {
      s.op = OP_EXIT;
    } else {
      fail(2, "bad line: %s", line);
    }
    if (s.proc < 0 || s.proc >= nprocs || s.region < 0 || (s.region >= nregions && s.op != OP_FORK && s.op != OP_EXIT))
      fail(2, "bad index: %s", line);
    if ((s.op == OP_TOUCH || s.op == OP_DONTNEED) && (s.first < 0 || s.count < 1 || s.first + s.count > regions[s.region].pages))
      fail(2, "bad range: %s", line);
    steps[nsteps++] = s;
  }
  fclose(f);
  unsigned long off = 0;
  for (int i = 0; i < nregions; i++) {
    regions[i].offset = off;
    off += ((regions[i].pages * PAGE + HUGE_ALIGN - 1) & ~(HUGE_ALIGN - 1)) + HUGE_ALIGN;
  }
  reserve_bytes = off + 3 * HUGE_ALIGN;
}

static uint64_t read_u64_at(int fd, uint64_t index, const char *what) {
  uint64_t v;
  if (pread(fd, &v, 8, (off_t)(index * 8)) != 8) fail(2, "read %s at %llu: %s", what, (unsigned long long)index, strerror(errno));
  return v;
}

static int kpageflags_fd = -1, kpagecount_fd = -1;

/* The flags of a page-cache page must show an order-0 folio (no large folio, no THP). */
static void require_order0(uint64_t flags, const char *where) {
  if (flags & ((1ULL << KPF_COMPOUND_HEAD) | (1ULL << KPF_COMPOUND_TAIL) | (1ULL << KPF_HUGE) | (1ULL << KPF_THP)))
    fail(2, "%s: page in a large folio (kpageflags %#llx); the scenario would not be order-0", where, (unsigned long long)flags);
}

struct cachestat_range {
  uint64_t off, len;
};
struct cachestat {
  uint64_t nr_cache, nr_dirty, nr_writeback, nr_evicted, nr_recently_evicted;
};

static void require_cached(const char *when) {
  for (int i = 0; i < nregions; i++) {
    if (!regions[i].is_file) continue;
    struct cachestat_range range = {0, 0};
    struct cachestat cs;
    if (syscall(451 /* cachestat */, regions[i].fd, &range, &cs, 0) != 0) fail(2, "cachestat: %s", strerror(errno));
    if ((long)cs.nr_cache != regions[i].pages)
      fail(EXIT_INTERFERENCE, "%s: region %d has %llu of %ld pages cached", when, i, (unsigned long long)cs.nr_cache, regions[i].pages);
  }
}

/* Backing file: written one page per write() (bigger writes make ext4 create large folios), fsynced, read twice. */
static void create_file(int index) {
  struct region *r = &regions[index];
  static char buf[PAGE];
  snprintf(r->path, sizeof r->path, "%s/region-%d", tmpdir, index);
  r->fd = open(r->path, O_RDWR | O_CREAT | O_EXCL, 0600);
  if (r->fd < 0) fail(2, "create %s: %s", r->path, strerror(errno));
  for (long p = 0; p < r->pages; p++) {
    memset(buf, (int)(1 + (p + index) % 250), sizeof buf);
    if (write(r->fd, buf, PAGE) != (ssize_t)PAGE) fail(2, "write %s: %s", r->path, strerror(errno));
  }
  if (fsync(r->fd) != 0) fail(2, "fsync: %s", strerror(errno));
  for (int pass = 0; pass < 2; pass++)
    for (long p = 0; p < r->pages; p++)
      if (pread(r->fd, buf, PAGE, (off_t)(p * PAGE)) != (ssize_t)PAGE) fail(2, "read back: %s", strerror(errno));
  struct cachestat_range range = {0, 0};
  struct cachestat cs;
  if (syscall(451, r->fd, &range, &cs, 0) != 0) fail(2, "cachestat: %s", strerror(errno));
  if (cs.nr_dirty != 0 || cs.nr_writeback != 0) fail(2, "%s still dirty after fsync", r->path);
  /* Check every cached page is an order-0 folio: map it briefly here, before any worker exists. */
  char *m = mmap(NULL, r->pages * PAGE, PROT_READ, MAP_SHARED, r->fd, 0);
  if (m == MAP_FAILED) fail(2, "mmap check: %s", strerror(errno));
  volatile char sink = 0;
  for (long p = 0; p < r->pages; p++) sink += m[p * PAGE];
  (void)sink;
  int pm = open("/proc/self/pagemap", O_RDONLY);
  if (pm < 0) fail(2, "open pagemap: %s", strerror(errno));
  for (long p = 0; p < r->pages; p++) {
    uint64_t e = read_u64_at(pm, ((unsigned long)m >> 12) + p, "pagemap");
    if (!(e & PM_PRESENT) || !(e & PM_PFN_MASK)) fail(2, "file page %ld not mapped by the check", p);
    require_order0(read_u64_at(kpageflags_fd, e & PM_PFN_MASK, "kpageflags"), r->path);
  }
  close(pm);
  munmap(m, r->pages * PAGE);
}

static void send_cmd(int slot, const struct cmd *c) {
  if (write(cmd_pipe[slot][1], c, sizeof *c) != (ssize_t)sizeof *c) fail(2, "command to process %d: %s", slot, strerror(errno));
}

static void wait_reply(int slot, struct reply *rep) {
  size_t done = 0;
  while (done < sizeof *rep) {
    struct pollfd p = {.fd = rep_pipe[slot][0], .events = POLLIN};
    int n = poll(&p, 1, REPLY_TIMEOUT_MS);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail(2, "no reply from process %d", slot);
    ssize_t got = read(rep_pipe[slot][0], (char *)rep + done, sizeof *rep - done);
    if (got <= 0) fail(2, "reply from process %d: %s", slot, got == 0 ? "EOF" : strerror(errno));
    done += (size_t)got;
  }
  if (rep->status != 0) fail(2, "process %d failed: %s", slot, strerror((int)-rep->status));
}

static void wait_exit(pid_t pid) {
  int fd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (fd < 0) fail(2, "pidfd_open: %s", strerror(errno));
  struct pollfd p = {.fd = fd, .events = POLLIN};
  int n;
  while ((n = poll(&p, 1, REPLY_TIMEOUT_MS)) < 0 && errno == EINTR) {
  }
  close(fd);
  if (n <= 0) fail(2, "process %d did not exit", pid);
}

static char smaps_buf[4 << 20];

static long smaps_field(const char *block, const char *end, const char *name) {
  size_t len = strlen(name);
  for (const char *p = block; p && p < end; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
    if (strncmp(p, name, len) == 0 && p[len] == ':') return strtol(p + len + 1, NULL, 10);
  }
  fail(2, "smaps field %s missing", name);
}

static void report_process(int step, int proc) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/smaps", pids[proc]);
  int fd = open(path, O_RDONLY);
  if (fd < 0) fail(2, "open %s: %s", path, strerror(errno));
  size_t len = 0;
  ssize_t n;
  while ((n = read(fd, smaps_buf + len, sizeof smaps_buf - 1 - len)) > 0) len += (size_t)n;
  close(fd);
  smaps_buf[len] = 0;
  snprintf(path, sizeof path, "/proc/%d/pagemap", pids[proc]);
  int pm = open(path, O_RDONLY);
  if (pm < 0) fail(2, "open %s: %s", path, strerror(errno));
  for (int r = 0; r < nregions; r++) {
    unsigned long addr = base_addr + regions[r].offset;
    char head[40];
    int hl = snprintf(head, sizeof head, "%lx-", addr);
    char *block = NULL;
    for (char *p = smaps_buf; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
      if (strncmp(p, head, (size_t)hl) == 0) {
        block = p;
        break;
      }
    }
    if (!block) fail(2, "region %d not found in smaps of process %d", r, proc);
    char *end = strchr(block, '\n');
    while (end && end[1] && !(end[1] >= '0' && end[1] <= '9') && !(end[1] >= 'a' && end[1] <= 'f')) end = strchr(end + 1, '\n');
    if (!end) end = smaps_buf + len;
    if (smaps_field(block, end, "Size") != regions[r].pages * 4) fail(2, "region %d VMA of process %d has another size (merged or split)", r, proc);
    const char *flags = strstr(block, "VmFlags:");
    if (!flags || flags > end) fail(2, "VmFlags missing");
    const char *eol = strchr(flags, '\n');
    const char *nh = strstr(flags, " nh");
    if (!nh || (eol && nh > eol)) fail(2, "region %d of process %d lacks VM_NOHUGEPAGE", r, proc);
    printf("smaps %d %d %d %ld %ld %ld %ld %ld %ld %ld\n", step, proc, r, smaps_field(block, end, "Rss"), smaps_field(block, end, "Pss"),
           smaps_field(block, end, "Shared_Clean"), smaps_field(block, end, "Shared_Dirty"), smaps_field(block, end, "Private_Clean"),
           smaps_field(block, end, "Private_Dirty"), smaps_field(block, end, "Anonymous"));
    printf("pages %d %d %d", step, proc, r);
    for (long p = 0; p < regions[r].pages; p++) {
      uint64_t e = read_u64_at(pm, (addr >> 12) + (unsigned long)p, "pagemap");
      if (!(e & PM_PRESENT)) {
        fputs(" .", stdout);
        continue;
      }
      uint64_t pfn = e & PM_PFN_MASK;
      uint64_t kf = read_u64_at(kpageflags_fd, pfn, "kpageflags");
      if (kf & (1ULL << KPF_ZERO_PAGE)) {
        fputs(" z", stdout);
        continue;
      }
      require_order0(kf, "mapped page");
      char kind = (kf & (1ULL << KPF_ANON)) ? 'a' : (kf & (1ULL << KPF_SWAPBACKED)) ? 's' : 'f';
      printf(" %c%llu", kind, (unsigned long long)read_u64_at(kpagecount_fd, pfn, "kpagecount"));
    }
    putchar('\n');
  }
  close(pm);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s COMMAND_FILE TMP_DIR [CPU]\n", argv[0]);
    return 2;
  }
  parse_commands(argv[1]);
  /* One CPU for everyone: no stale-TLB spurious faults across CPUs, and one per-CPU LRU batch to drain. */
  cpu_set_t set;
  CPU_ZERO(&set);
  int cpu = argc > 3 ? atoi(argv[3]) : -1;
  if (cpu < 0) {
    if (sched_getaffinity(0, sizeof set, &set) != 0) fail(2, "sched_getaffinity: %s", strerror(errno));
    for (cpu = 0; cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &set); cpu++) {
    }
    CPU_ZERO(&set);
  }
  CPU_SET(cpu, &set);
  if (sched_setaffinity(0, sizeof set, &set) != 0) fail(2, "sched_setaffinity: %s", strerror(errno));
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  kpageflags_fd = open("/proc/kpageflags", O_RDONLY);
  kpagecount_fd = open("/proc/kpagecount", O_RDONLY);
  if (kpageflags_fd < 0 || kpagecount_fd < 0) fail(2, "open /proc/kpageflags, /proc/kpagecount (root needed): %s", strerror(errno));
  struct statfs fs;
  if (statfs(argv[2], &fs) != 0) fail(2, "statfs %s: %s", argv[2], strerror(errno));
  if (fs.f_type == TMPFS_MAGIC) fail(2, "%s is tmpfs: backing files must be on a disk filesystem", argv[2]);
  snprintf(tmpdir, sizeof tmpdir, "%s/pages-scenario-XXXXXX", argv[2]);
  if (!mkdtemp(tmpdir)) {
    tmpdir[0] = 0;
    fail(2, "mkdtemp: %s", strerror(errno));
  }
  for (int i = 0; i < nregions; i++)
    if (regions[i].is_file) create_file(i);
  for (int i = 0; i < nprocs; i++)
    if (pipe(cmd_pipe[i]) != 0 || pipe(rep_pipe[i]) != 0) fail(2, "pipe: %s", strerror(errno));
  fflush(stdout);
  pid_t p0 = fork();
  if (p0 < 0) fail(2, "fork: %s", strerror(errno));
  if (p0 == 0) run_p0();
  pids[0] = p0;
  alive[0] = 1;
  struct reply rep;
  wait_reply(0, &rep);
  base_addr = rep.base;
  for (int i = 0; i < nsteps; i++) {
    struct step *s = &steps[i];
    if (!alive[s->proc]) fail(2, "step %d: process %d has exited", i, s->proc);
    require_cached("before step");
    struct cmd c = {.op = s->op, .region = s->region, .write = s->write, .first = s->first, .count = s->count, .child = s->child};
    if (s->op == OP_EXIT) c.region = 0;
    send_cmd(s->proc, &c);
    if (s->op == OP_EXIT) {
      wait_exit(pids[s->proc]);
      alive[s->proc] = 0;
    } else {
      wait_reply(s->proc, &rep);
    }
    if (s->op == OP_FORK) {
      struct reply child;
      wait_reply(s->child, &child);
      pids[s->child] = (pid_t)child.pid;
      alive[s->child] = 1;
    }
    require_cached("after step");
    if (s->op == OP_TOUCH) {
      if (rep.majflt != 0) fail(EXIT_INTERFERENCE, "step %d: %ld major faults", i, rep.majflt);
      printf("step %d %ld %ld\n", i, rep.minflt, rep.majflt);
    } else {
      printf("step %d - -\n", i);
    }
    for (int p = 0; p < nprocs; p++)
      if (alive[p]) report_process(i, p);
  }
  struct cmd quit = {.op = OP_QUIT};
  for (int p = 0; p < nprocs; p++)
    if (alive[p]) {
      send_cmd(p, &quit);
      wait_exit(pids[p]);
      alive[p] = 0;
    }
  printf("done\n");
  fflush(stdout);
  cleanup();
  return 0;
}
