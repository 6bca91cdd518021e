// memscope-record.c: the LD_PRELOAD shim of `memscope record`. Writes every glibc allocator entry point a
// program calls, and C++'s operator new/delete, as memscope-trace 2 (README "memscope record"), in the order the
// allocator saw them; exec and _exit, which end the image without destructors, flush it first.
// Source of truth for what each call does: glibc 2.36 malloc/malloc.c (__libc_malloc … __malloc_trim), GCC 12
// libsupc++ (operator new/delete).
//
// Rules it keeps: it never allocates (the trace buffer is static, the pointer → id table is mmap'd, output
// is write(2)); calls it makes itself (dlsym, pthread_setspecific) pass straight through (a thread-local
// guard); one lock is held around the real call and its record, so the file's order is the allocator's.
// Configured by the environment `memscope record` sets (MEMSCOPE_RECORD_*); without it, it records nothing.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))
#define TLS __thread __attribute__((tls_model("initial-exec")))

/* ---- the real allocator, found with dlsym(RTLD_NEXT) ---- */

static struct {
  void *(*malloc)(size_t);
  void (*free)(void *);
  void *(*calloc)(size_t, size_t);
  void *(*realloc)(void *, size_t);
  void *(*reallocarray)(void *, size_t, size_t);
  void *(*memalign)(size_t, size_t);
  int (*posix_memalign)(void **, size_t, size_t);
  void *(*aligned_alloc)(size_t, size_t);
  void *(*valloc)(size_t);
  void *(*pvalloc)(size_t);
  int (*malloc_trim)(size_t);
  // Not allocator calls, but the image ends in them without running destructors: the trace is flushed first.
  int (*execve)(const char *, char *const[], char *const[]);
  int (*execv)(const char *, char *const[]);
  int (*execvp)(const char *, char *const[]);
  int (*execvpe)(const char *, char *const[], char *const[]);
  int (*fexecve)(int, char *const[], char *const[]);
  void (*exit_now)(int); // _exit
} real;

/* 0: not yet, 1: dlsym running (its own calloc/malloc are served from boot_buffer), 2: done. */
static int resolve_state;

/* dlsym allocates (its error state) before we know the real calloc: a bump allocator over a static
 * buffer serves those few calls; free ignores its pointers, realloc moves them out. */
#define BOOT_BYTES (64 * 1024)
static _Alignas(64) unsigned char boot_buffer[BOOT_BYTES];
static size_t boot_used;

static int is_boot(const void *p) {
  return (const unsigned char *)p >= boot_buffer && (const unsigned char *)p < boot_buffer + BOOT_BYTES;
}

static void *boot_alloc(size_t size) {
  size_t need = ((size + 15) & ~(size_t)15) + 16; // a 16-byte header holds the size, for realloc
  size_t at = __atomic_fetch_add(&boot_used, need, __ATOMIC_RELAXED);
  if (at + need > BOOT_BYTES) return NULL;
  *(size_t *)(boot_buffer + at) = size;
  return boot_buffer + at + 16; // static storage is zeroed, so this also serves calloc
}

static void resolve_real(void) {
  resolve_state = 1;
  real.malloc = dlsym(RTLD_NEXT, "malloc");
  real.free = dlsym(RTLD_NEXT, "free");
  real.calloc = dlsym(RTLD_NEXT, "calloc");
  real.realloc = dlsym(RTLD_NEXT, "realloc");
  real.reallocarray = dlsym(RTLD_NEXT, "reallocarray");
  real.memalign = dlsym(RTLD_NEXT, "memalign");
  real.posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
  real.aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
  real.valloc = dlsym(RTLD_NEXT, "valloc");
  real.pvalloc = dlsym(RTLD_NEXT, "pvalloc");
  real.malloc_trim = dlsym(RTLD_NEXT, "malloc_trim");
  real.execve = dlsym(RTLD_NEXT, "execve");
  real.execv = dlsym(RTLD_NEXT, "execv");
  real.execvp = dlsym(RTLD_NEXT, "execvp");
  real.execvpe = dlsym(RTLD_NEXT, "execvpe");
  real.fexecve = dlsym(RTLD_NEXT, "fexecve");
  real.exit_now = dlsym(RTLD_NEXT, "_exit");
  __atomic_store_n(&resolve_state, 2, __ATOMIC_RELEASE);
}

/* ---- recording state (all of it under `lock`) ---- */

enum { MODE_UNDECIDED, MODE_OFF, MODE_ON, MODE_CLOSED };
static int mode; // read unlocked on the fast path: it only moves forward, and each op rechecks it locked

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int trace_fd = -1;
static int follow, with_addresses;
static char trace_path[4096];   // MEMSCOPE_RECORD_TRACE: the main trace (memscope's temp file, renamed to TRACE at the end)
static char child_base[4096];   // MEMSCOPE_RECORD_CHILD_BASE: TRACE as the user named it; --follow children write TRACE.PID
static char status_path[4096];  // MEMSCOPE_RECORD_STATUS: where a failed trace write is reported (report_write_failure)
static char writing_path[4096]; // the trace this process writes, for that report
static pid_t trace_pid; // the process writing the trace: a vfork child shares our memory, but must not close it
static pid_t image_pid; // the process this memory is: set at load and in a fork child; a vfork child's getpid() differs

static uint64_t op_count;     // a c m r f t x lines written
static uint64_t next_id;      // ids are never reused: the n-th block the trace names is id n
static uint32_t thread_count; // threads numbered in order of first appearance, main = 0
static uint32_t current_tid;  // the thread of the last op written (no `@` line before the first op: thread 0)
static uint64_t untracked;    // passed through: free/realloc of a block no recorded call returned, calls after `x`
static uint64_t internal;     // passed through, not the program's: the shim's own calls, the allocator's (allocator_code)

static TLS int in_shim;       // set while this thread runs shim code: its allocations are the shim's own
static TLS uint32_t my_tid1;  // this thread's number + 1 (0: not seen yet)
static TLS int my_exit_written; // its `x` is in the trace: what it still calls is libc's own cleanup

static pthread_key_t exit_key;
static int exit_key_ok;

/* ---- output: a fixed buffer flushed with write(2) ---- */

#define OUT_BYTES (1 << 20)
static char out[OUT_BYTES];
static size_t out_len;

static int discard_ops; // --measure: op lines are formatted (one code path) but never written

/*
 * The status file memscope made for the run (run-recorded.ts STATUS_*: the same layout), all NULs until written:
 *   [0, 512)           the main trace: `# started\n` once a process claimed it, then the closing lines it wrote last
 *   [512, 544)         how many trace writes failed in the whole run, decimal
 *   [544 + k × 4160)   the k-th of them (k < 8): `ERRNO PATH` and a NUL
 * Every process of the run shares it: each update runs under flock, and overwrites bytes already allocated, so it
 * needs no new space on a disk that may be the full one. memscope names every failure (up to 8) and keeps no trace.
 */
#define STATUS_MAIN_BYTES 512
#define STATUS_COUNT_AT 512
#define STATUS_COUNT_BYTES 32
#define STATUS_FAILURES_AT 544
#define STATUS_FAILURE_BYTES 4160
#define STATUS_FAILURE_SLOTS 8

static char status_line[STATUS_FAILURE_BYTES];
static int writes_main; // this process writes the main trace (it claimed it): its closing lines go to the status file

/* The status file, open and locked (close unlocks), or -1. */
static int open_status_locked(void) {
  if (status_path[0] == 0) return -1;
  int fd = open(status_path, O_RDWR | O_CLOEXEC);
  if (fd < 0) return -1;
  while (flock(fd, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    close(fd);
    return -1;
  }
  return fd;
}

/* v in decimal at dst (no NUL); returns its length. */
static size_t format_dec(char *dst, unsigned long v) {
  char digits[24];
  size_t k = 0, len = 0;
  do digits[k++] = (char)('0' + v % 10); while ((v /= 10) != 0);
  while (k) dst[len++] = digits[--k];
  return len;
}

/*
 * A trace could not be written (a full disk, a descriptor the program took) or, with --follow, created: counted,
 * and the first STATUS_FAILURE_SLOTS kept as `ERRNO PATH`. The program is not told: its calls go on, unrecorded.
 */
static void report_write_failure(int err) {
  int fd = open_status_locked();
  if (fd < 0) return;
  char count_text[STATUS_COUNT_BYTES] = {0};
  unsigned long count = 0;
  if (pread(fd, count_text, sizeof count_text - 1, STATUS_COUNT_AT) > 0) count = strtoul(count_text, NULL, 10);
  size_t len = format_dec(status_line, err > 0 ? (unsigned)err : EIO);
  status_line[len++] = ' ';
  size_t n = strlen(writing_path); // under 4096: the slot holds it, the errno and a NUL
  memcpy(status_line + len, writing_path, n);
  len += n;
  status_line[len++] = 0;
  if (count < STATUS_FAILURE_SLOTS && pwrite(fd, status_line, len, STATUS_FAILURES_AT + (off_t)(count * STATUS_FAILURE_BYTES)) < 0) {
    /* nothing else can be told: memscope finds one failure fewer */
  }
  count_text[format_dec(count_text, count + 1)] = 0;
  if (pwrite(fd, count_text, strlen(count_text) + 1, STATUS_COUNT_AT) < 0) { /* as above */ }
  close(fd);
}

/*
 * Claims the main trace for this process (`# started`): true when no process of the run had. The spawned process
 * claims it; a later image of it (after exec) finds it taken and counts as a child, whatever TRACE is (the size of
 * a device or FIFO tells nothing).
 */
static int claim_main_trace(void) {
  if (status_path[0] == 0) { // the shim run without memscope (tests/bench/record.bench.ts): the rule is a TRACE found empty
    struct stat st;
    return stat(trace_path, &st) == 0 && st.st_size == 0;
  }
  int fd = open_status_locked();
  if (fd < 0) return 0;
  static const char started[] = "# started\n";
  char first = 1;
  int claimed = pread(fd, &first, 1, 0) == 1 && first == 0 && pwrite(fd, started, sizeof started, 0) == (ssize_t)sizeof started;
  close(fd);
  return claimed;
}

/* The main trace's closing lines, text and a NUL, for memscope to read when TRACE cannot be read back (a device, a FIFO). */
static void report_closing_lines(const char *text, size_t len) {
  int fd = open_status_locked();
  if (fd < 0) return;
  if (len > STATUS_MAIN_BYTES - 1) len = STATUS_MAIN_BYTES - 1;
  memcpy(status_line, text, len);
  status_line[len] = 0;
  if (pwrite(fd, status_line, len + 1, 0) < 0) { /* memscope then reports the trace incomplete */ }
  close(fd);
}

static int park_fd(int fd);

static dev_t trace_dev; // the trace trace_fd was opened on
static ino_t trace_ino;

/* True when trace_fd is still the trace it was opened on (not closed, not replaced by a file of the program's). */
static int trace_fd_is_trace(void) {
  struct stat st;
  return fstat(trace_fd, &st) == 0 && st.st_dev == trace_dev && st.st_ino == trace_ino;
}

/*
 * True when trace_fd still writes the trace: a program may close every descriptor (close_range) or dup2 a file of its
 * own over ours. Then the trace is opened again by its path, appending (this process alone writes it); a file of
 * the program's at our old number is left alone. False (errno set) when it cannot be.
 */
static int trace_fd_current(void) {
  if (trace_fd_is_trace()) return 1;
  struct stat st;
  int fd = open(writing_path, O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) return 0;
  if (fstat(fd, &st) != 0 || st.st_dev != trace_dev || st.st_ino != trace_ino) { // another file took its name
    close(fd);
    errno = EBADF;
    return 0;
  }
  trace_fd = park_fd(fd);
  return 1;
}

static int trace_is_pipe; // the trace is a FIFO (or socket): a write after its reader left raises SIGPIPE

/*
 * The program's SIGPIPE is not the shim's to raise: a write into a FIFO whose reader left would kill the program
 * (the default action). It is blocked around the shim's writes; one they raised is taken back (sigtimedwait),
 * unless one was pending already, and the write's EPIPE is reported as any failed write.
 */
static void write_out(void) {
  sigset_t pipe_set, old_set, pending;
  int was_pending = 0;
  if (trace_is_pipe) {
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
    was_pending = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE);
  }
  size_t done = 0;
  while (done < out_len) {
    ssize_t n = write(trace_fd, out + done, out_len - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) { // stop recording: this process's later calls pass through
      int err = n < 0 ? errno : EIO;
      if (err == EPIPE && trace_is_pipe && !was_pending) {
        static const struct timespec now = {0, 0};
        while (sigtimedwait(&pipe_set, NULL, &now) < 0 && errno == EINTR) {}
      }
      report_write_failure(err);
      mode = MODE_OFF;
      break;
    }
    done += (size_t)n;
  }
  if (trace_is_pipe) pthread_sigmask(SIG_SETMASK, &old_set, NULL);
}

/* ---- fork children the atfork handlers missed ----
 *
 * glibc's _Fork (2.34+) and a clone without CLONE_VM (raw syscall(SYS_clone, SIGCHLD), clone()) make a child in
 * which no pthread_atfork handler runs: after_fork_child does not, and the child would go on with the parent's
 * state: its pid, its unflushed buffer (written twice), its trace descriptor (the child's calls in the parent's
 * trace), its lock (held for good if another thread of the parent had it). A page marked MADV_WIPEONFORK
 * (Linux 4.14) reads zero in the child of any fork without CLONE_VM, and stays shared with a vfork/CLONE_VM child
 * (which flush_out tells by its pid): each call loads one byte of it (fork_missed), and a zero runs what
 * after_fork_child does. Where the kernel refuses the flag (EINVAL before 4.14, or MEMSCOPE_RECORD_NO_WIPEONFORK=1
 * for the tests) the page is marked MADV_DONTFORK instead: such a child has no page, which mincore tells, a system
 * call, so only at a flush, exit and exec (dontfork_page_gone). That cannot record such a child with --follow (its
 * first calls went into the parent's buffer), nor free before its first allocator call a lock the parent's other
 * thread held at the fork (exit and exec do free it).
 */
#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK 18 // <sys/mman.h> of glibc before 2.27 lacks it; the kernel answers EINVAL if it does too
#endif
static unsigned char fork_mark_unarmed = 1; // read until record_init arms the page, and for good without WIPEONFORK
static unsigned char *fork_mark = &fork_mark_unarmed;
static void *dontfork_page; // the fallback's page (NULL: none)
static int no_wipeonfork;   // MEMSCOPE_RECORD_NO_WIPEONFORK=1: the fallback, as on a kernel before 4.14

/* Maps the mark page (in record_init, and again in a fork child when DONTFORK left it none); re-arms a wiped one. */
static void arm_fork_mark(void) {
  if (fork_mark != &fork_mark_unarmed) {
    *fork_mark = 1; // the child's copy of the WIPEONFORK page, zeroed: it keeps the flag
    return;
  }
  size_t page_bytes = (size_t)getpagesize();
  void *m = mmap(NULL, page_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) return;
  if (!no_wipeonfork && madvise(m, page_bytes, MADV_WIPEONFORK) == 0) {
    *(unsigned char *)m = 1;
    fork_mark = m;
  } else if (madvise(m, page_bytes, MADV_DONTFORK) == 0) {
    dontfork_page = m;
  } else {
    munmap(m, page_bytes); // neither (DONTFORK is Linux 2.6.16): nothing tells such a child from a vfork child
  }
}

/* True in a fork child the atfork handlers missed, while its WIPEONFORK page reads zero: one load, no system call. */
static int fork_missed(void) { return __builtin_expect(*fork_mark == 0, 0); }

/* The fallback's test (a system call): true in a fork child the handlers missed, which has no DONTFORK page. */
static int dontfork_page_gone(void) {
  unsigned char resident;
  return dontfork_page != NULL && mincore(dontfork_page, (size_t)getpagesize(), &resident) != 0 && errno == ENOMEM;
}

/* What a fork child drops of its parent's trace: the buffer (the parent writes it), the descriptor, the main trace's role. */
static void drop_parent_trace(void) {
  image_pid = getpid();
  if (trace_fd >= 0) close(trace_fd);
  trace_fd = -1;
  out_len = 0;
  writes_main = 0;
}

static void notice_missed_fork(int slow);

static void flush_out(void) {
  if (discard_ops) {
    out_len = 0;
    return;
  }
  if (out_len > 0 && trace_fd >= 0 && getpid() != trace_pid) {
    // A vfork child (posix_spawn's is not one: glibc's child calls no shim code) runs in its parent's memory until it
    // execs or _exits: its calls land in the parent's heap and are recorded in the parent's buffer. Its descriptors
    // are copies, though: it writes only through the one it shares with its parent (one file offset). A trace it
    // opened again by path (trace_fd_current) would have an offset of its own, and the parent's next write would
    // overwrite what the child wrote; so when the child closed or replaced the descriptor, the parent writes it.
    if (dontfork_page_gone()) { // not a vfork child: a fork child the atfork handlers missed, without WIPEONFORK
      drop_parent_trace();
      mode = MODE_OFF;
      return;
    }
    if (!trace_fd_is_trace()) return; // the buffer stays for the parent (begin_call: a full one takes no more)
    write_out();
  } else if (out_len > 0 && trace_fd >= 0) {
    if (trace_fd_current()) write_out();
    else {
      report_write_failure(errno);
      mode = MODE_OFF;
    }
  }
  out_len = 0;
}

static int64_t last_flush_ms; // CLOCK_MONOTONIC_COARSE at the last timed flush (end_call)

static int64_t clock_ms(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
  return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static void put_char(char c) { out[out_len++] = c; }

static void put_str(const char *s) {
  while (*s) out[out_len++] = *s++;
}

/* Two digits per division: formatting numbers was the shim's biggest cost after the table lookups. */
static const char DIGIT_PAIRS[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

static void put_dec(uint64_t v) {
  char tmp[20];
  int n = 20;
  while (v >= 100) {
    unsigned pair = (unsigned)(v % 100);
    v /= 100;
    n -= 2;
    memcpy(tmp + n, DIGIT_PAIRS + 2 * pair, 2);
  }
  if (v >= 10) {
    n -= 2;
    memcpy(tmp + n, DIGIT_PAIRS + 2 * v, 2);
  } else {
    tmp[--n] = (char)('0' + v);
  }
  memcpy(out + out_len, tmp + n, (size_t)(20 - n));
  out_len += (size_t)(20 - n);
}

static void put_hex(uint64_t v) {
  char tmp[16];
  int n = 0;
  do tmp[n++] = "0123456789abcdef"[v & 15]; while ((v >>= 4) != 0);
  while (n) out[out_len++] = tmp[--n];
}

/* Room for one op line (the longest, `c ID NMEMB SIZE =HEX`, is under 100 bytes) plus an `@` line. */
#define LINE_ROOM_BYTES 256

/* True when the buffer has no room for another line: only in a vfork child that cannot write it (flush_out). */
static int out_full(void) { return out_len > OUT_BYTES - LINE_ROOM_BYTES; }

static void reserve_line(void) {
  if (out_full()) flush_out();
}

/* ---- pointer → id: open addressing with linear probing in mmap'd memory ---- */

struct slot {
  uintptr_t ptr; // 0: empty
  uint64_t id;
};
static struct slot *table;
static size_t table_mask; // capacity - 1; capacity is a power of two, kept at most half full
static unsigned table_bits; // log2(capacity)
static size_t table_used;

/*
 * Blocks allocated together lie together, and so do their slots: within a window of capacity × 16 bytes
 * the home slot is the 16-byte granule's index (cache and TLB friendly: a random hash made the shim's
 * lookups cache misses, half its cost); windows are scattered by a Fibonacci hash of their number.
 */
static size_t home_of(uintptr_t p) {
  uint64_t granule = (uint64_t)p >> 4; // glibc's blocks are 16-byte aligned
  return (size_t)((granule + (granule >> table_bits) * 0x9E3779B97F4A7C15ull) & table_mask);
}

static int table_alloc(size_t capacity) {
  void *m = mmap(NULL, capacity * sizeof(struct slot), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) return -1;
  madvise(m, capacity * sizeof(struct slot), MADV_HUGEPAGE); // probes land anywhere: spare the TLB
  table = m;
  table_mask = capacity - 1;
  table_bits = (unsigned)__builtin_ctzll((unsigned long long)capacity);
  return 0;
}

static void table_put(uintptr_t p, uint64_t id);

static void table_grow(void) {
  struct slot *old = table;
  size_t old_capacity = table_mask + 1;
  if (table_alloc(old_capacity * 2) != 0) {
    table = old; // keep going at a higher load; probing still ends because an empty slot remains
    return;
  }
  table_used = 0;
  for (size_t i = 0; i < old_capacity; i++)
    if (old[i].ptr != 0) table_put(old[i].ptr, old[i].id);
  munmap(old, old_capacity * sizeof(struct slot));
}

/* Maps p to id; a p already there was freed behind the shim's back (an untracked call): it is replaced. */
static void table_put(uintptr_t p, uint64_t id) {
  if ((table_used + 1) * 2 > table_mask + 1) table_grow();
  size_t i = home_of(p);
  while (table[i].ptr != 0 && table[i].ptr != p) i = (i + 1) & table_mask;
  if (table[i].ptr == 0) table_used++;
  table[i].ptr = p;
  table[i].id = id;
}

/* The slot index of p, or -1. */
static long table_find(uintptr_t p) {
  for (size_t i = home_of(p); table[i].ptr != 0; i = (i + 1) & table_mask)
    if (table[i].ptr == p) return (long)i;
  return -1;
}

/* Backward-shift deletion: moves later members of the probe run into the hole, so no tombstones. */
static void table_remove_at(size_t hole) {
  size_t j = hole;
  for (;;) {
    j = (j + 1) & table_mask;
    if (table[j].ptr == 0) break;
    size_t home = home_of(table[j].ptr);
    // table[j] may move to the hole unless its home lies cyclically in (hole, j].
    int stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
    if (!stays) {
      table[hole] = table[j];
      hole = j;
    }
  }
  table[hole].ptr = 0;
  table_used--;
}

/* ---- the heap footprint the real run reaches (shared/sim/malloc/footprint.ts defines it) ----
 *
 * brk heap (sbrk(0) − brk0) + every thread arena's heaps (arena->system_mem = Σ heap_info.size of its heaps,
 * glibc 2.36 arena.c/malloc.c keep it so) + mmapped chunks (each one's mapping: chunk size + prev_size, as
 * munmap_chunk unmaps it). Read from the blocks themselves under the shim's lock after each recorded call:
 * no allocator lock, no allocation (mallinfo2 would take every arena's lock and walk the bins). Only when
 * the real malloc is glibc's: other allocators' blocks have no such headers.
 */
#define SIZE_BITS 7
#define IS_MMAPPED 2
#define NBINS 128
// struct malloc_state on x86-64, glibc 2.36 (shared/heap/layout.ts MALLOC_STATE, proven against malloc_info)
#define ARENA_TOP_OFFSET 96
#define ARENA_BINS_OFFSET 112
#define ARENA_NEXT_OFFSET 2160       // the ring of every arena, main_arena first
#define ARENA_SYSTEM_MEM_OFFSET 2184
#define MALLOC_STATE_BYTES 2200
#define CHUNK_HDR_SZ 16
#define USER_ADDRESS_LIMIT ((uintptr_t)1 << 47)

static int measure_ok;           // the real malloc is glibc's (and its main_arena was found)
// gperftools' C API when TCMalloc is the allocator (LD_PRELOAD=libtcmalloc_minimal.so.4): its footprint is the
// page heap's mapped bytes, generic.heap_size − tcmalloc.pageheap_unmapped_bytes (pageheap_lock, no allocation).
static int (*tcmalloc_property)(const char *, size_t *);
static char libc_path[4096];     // the object the real malloc lives in (dladdr)
static uintptr_t brk0;           // the break when the trace started (the heap's start: no malloc ran before)
static int64_t mmapped_bytes;    // mappings of live mmapped chunks the shim saw made
static const char *main_arena;   // glibc's main_arena, found in libc's data after the first recorded call
static uint64_t peak_bytes, peak_op, final_bytes;

static size_t chunk_word(const void *p, int back) { return ((const size_t *)p)[-back]; }

static uintptr_t word_at(const char *base, size_t offset) { return *(const uintptr_t *)(base + offset); }

/* The mapping length of p's chunk when it is mmapped, else 0. */
static size_t mmapped_length(const void *p) {
  if (p == NULL || !measure_ok) return 0;
  size_t size = chunk_word(p, 1);
  return (size & IS_MMAPPED) ? (size & ~(size_t)SIZE_BITS) + chunk_word(p, 2) : 0;
}

/* A block the allocator just returned: an mmapped chunk's mapping counts from now on. */
static void note_block(const void *p) { mmapped_bytes += (int64_t)mmapped_length(p); }

static int is_chunk_pointer(uintptr_t p) { return p != 0 && p < USER_ADDRESS_LIMIT && p % 16 == 0; }

/*
 * shared/heap/find.ts's test, in C: an initialised arena's bins are empty (pointing at themselves, bin_at) or
 * hold 16-aligned chunks, at least one is empty, and top, next and system_mem are set.
 */
static int looks_like_main_arena(const char *a) {
  int empty_bins = 0;
  for (size_t i = 1; i < NBINS; i++) {
    size_t at = ARENA_BINS_OFFSET + 16 * (i - 1);
    uintptr_t fd = word_at(a, at), bk = word_at(a, at + 8), self = (uintptr_t)a + at - CHUNK_HDR_SZ;
    if (fd == self && bk == self) empty_bins++;
    else if (!is_chunk_pointer(fd) || !is_chunk_pointer(bk) || fd == self || bk == self) return 0;
  }
  uintptr_t next = word_at(a, ARENA_NEXT_OFFSET);
  return empty_bins > 0 && is_chunk_pointer(word_at(a, ARENA_TOP_OFFSET)) && next != 0 && next % 8 == 0 &&
         word_at(a, ARENA_SYSTEM_MEM_OFFSET) > 0;
}

struct arena_search {
  const char *found;
  int candidates;
};

/* dl_iterate_phdr callback: scans libc's writable segments (.data holds main_arena) for it. */
static int search_libc_data(struct dl_phdr_info *info, size_t info_size, void *arg) {
  (void)info_size;
  struct arena_search *s = arg;
  if (info->dlpi_name == NULL || strcmp(info->dlpi_name, libc_path) != 0) return 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_W)) continue;
    uintptr_t start = (info->dlpi_addr + ph->p_vaddr + 7) & ~(uintptr_t)7, end = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
    for (uintptr_t a = start; a + MALLOC_STATE_BYTES <= end; a += 8) {
      if (!looks_like_main_arena((const char *)a)) continue;
      s->found = (const char *)a;
      s->candidates++;
    }
  }
  return 1;
}

/*
 * main_arena is static in libc: found once by its layout (as `memscope heap` finds it) after the first recorded
 * call, when ptmalloc_init has set it up. Its `next` ring holds every arena glibc made, whether or not it ever
 * handed the program a block (a thread that only frees gets one for its tcache; arenas on the free list stay on
 * the ring). Not found exactly once: the footprint is not measured.
 */
static void find_main_arena(void) {
  struct arena_search s = {NULL, 0};
  dl_iterate_phdr(search_libc_data, &s);
  if (s.candidates == 1) main_arena = s.found;
  else measure_ok = 0;
}

/* Returned by footprint_now when the allocator cannot say yet. */
#define FOOTPRINT_UNREADABLE UINT64_MAX

static uint64_t footprint_now(void) {
  if (tcmalloc_property != NULL) {
    size_t heap = 0, unmapped = 0;
    // Until TCMallocGuard registers TCMallocImplementation, MallocExtension's base class answers no property.
    if (!tcmalloc_property("generic.heap_size", &heap) || !tcmalloc_property("tcmalloc.pageheap_unmapped_bytes", &unmapped)) return FOOTPRINT_UNREADABLE;
    return (uint64_t)(heap - unmapped);
  }
  uint64_t total = (uint64_t)((uintptr_t)sbrk(0) - brk0) + (uint64_t)(mmapped_bytes > 0 ? mmapped_bytes : 0);
  // Arenas join the ring inside allocator calls, which the shim's lock serialises.
  for (const char *a = (const char *)word_at(main_arena, ARENA_NEXT_OFFSET); a != main_arena && a != NULL; a = (const char *)word_at(a, ARENA_NEXT_OFFSET))
    total += word_at(a, ARENA_SYSTEM_MEM_OFFSET);
  return total;
}

/* ---- calls that are the allocator's, not the program's ----
 *
 * libtcmalloc_minimal links libstdc++, so under LD_PRELOAD=libtcmalloc_minimal.so.4 a C program gets libstdc++
 * too, and its emergency exception pool (eh_alloc.cc: malloc(72704) before main). That call belongs to running
 * under TCMalloc: the TCMalloc model replays it as the library's start-up (shared/sim/malloc/tcmalloc/startup.ts),
 * and the program run under glibc never makes it. So when the real allocator is not glibc's and no object but
 * the allocator needs libstdc++, calls from libstdc++'s code pass through unrecorded (counted internal): the
 * trace of a program is the same under either allocator, and its op numbers match a --measure run's.
 */
/*
 * The allocator's own code calls it too: TCMalloc's start-up makes its TCMallocImplementation and MallocExtension
 * with `new`, which reaches the shim's operator new; the TCMalloc model runs those as its start-up as well. So
 * when the real allocator is not glibc's, calls from its own object's code are not the program's either.
 */
struct code_range {
  uintptr_t start, bytes; // [start, start + bytes)
};
static struct code_range allocator_code[2]; // libstdc++'s (when only the allocator needs it), the allocator's own

struct allocator_code_search {
  const char *allocator;   // the object the real malloc lives in
  struct code_range libstdcxx, own; // their code
  int others_need;         // an object other than the allocator (the program, a library) needs libstdc++
};

/* True when the object lists libstdc++ in its DT_NEEDED entries. */
static int needs_libstdcxx(const struct dl_phdr_info *info) {
  const ElfW(Dyn) *dynamic = NULL;
  for (int i = 0; i < info->dlpi_phnum; i++)
    if (info->dlpi_phdr[i].p_type == PT_DYNAMIC) dynamic = (const ElfW(Dyn) *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
  if (dynamic == NULL) return 0;
  uintptr_t strtab = 0;
  for (const ElfW(Dyn) *d = dynamic; d->d_tag != DT_NULL; d++)
    if (d->d_tag == DT_STRTAB) strtab = d->d_un.d_ptr;
  if (strtab == 0) return 0;
  if (strtab < info->dlpi_addr) strtab += info->dlpi_addr; // ld.so relocates it in place where .dynamic is writable
  for (const ElfW(Dyn) *d = dynamic; d->d_tag != DT_NULL; d++)
    if (d->d_tag == DT_NEEDED && strncmp((const char *)strtab + d->d_un.d_val, "libstdc++.so", 12) == 0) return 1;
  return 0;
}

/* The object's code: its executable segment. */
static struct code_range code_of(const struct dl_phdr_info *info) {
  struct code_range r = {0, 0};
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X)) continue;
    r.start = info->dlpi_addr + ph->p_vaddr;
    r.bytes = ph->p_memsz;
  }
  return r;
}

/* dl_iterate_phdr callback: libstdc++'s code and the allocator's, and whether anything but the allocator needs libstdc++. */
static int search_allocator_code(struct dl_phdr_info *info, size_t info_size, void *arg) {
  (void)info_size;
  struct allocator_code_search *s = arg;
  const char *name = info->dlpi_name != NULL ? info->dlpi_name : "";
  if (strstr(name, "/libstdc++.so") != NULL) s->libstdcxx = code_of(info);
  else if (strcmp(name, s->allocator) == 0) s->own = code_of(info);
  else if (needs_libstdcxx(info)) s->others_need = 1;
  return 0;
}

/*
 * The program (or a library it loads, anything but the allocator) needs libstdc++: then libstdc++'s pre-main pool
 * is the program's own first call, in the trace under either allocator, and the header says `stdcxx=1` so the
 * TCMalloc model does not run that pool again as the library's start-up (shared/sim/TRACE-FORMAT.md).
 */
static int program_needs_libstdcxx;

/* Sets program_needs_libstdcxx, and allocator_code (empty under glibc). Calls neither malloc nor free. */
static void find_allocator_code(void) {
  Dl_info where;
  if (dladdr((void *)real.malloc, &where) == 0 || where.dli_fname == NULL) return;
  struct allocator_code_search s = {where.dli_fname, {0, 0}, {0, 0}, 0};
  dl_iterate_phdr(search_allocator_code, &s);
  program_needs_libstdcxx = s.others_need && s.libstdcxx.bytes > 0;
  if (strstr(where.dli_fname, "/libc.so") != NULL) return; // glibc: libc's own calls (stdio's buffers) are the program's
  if (!s.others_need) allocator_code[0] = s.libstdcxx;
  allocator_code[1] = s.own;
}

/*
 * Set when the footprint after the last op could not be read: TCMalloc answers only once its constructor ran,
 * and a program that needs libstdc++ makes its first call (the pool, op 0) before that. It is read before the next
 * recorded call instead and counted for the last op: in between ran only the allocator's own start-up, which the
 * TCMalloc model runs before op 0.
 */
static int footprint_pending;

/* After each recorded call (and before the next one while footprint_pending): the footprint now, and the peak (the op it first reached). */
static void note_footprint(void) {
  if (measure_ok && main_arena == NULL) find_main_arena();
  if (!measure_ok && tcmalloc_property == NULL) return;
  uint64_t now = footprint_now();
  footprint_pending = now == FOOTPRINT_UNREADABLE;
  if (footprint_pending) return;
  final_bytes = now;
  if (final_bytes > peak_bytes) {
    peak_bytes = final_bytes;
    peak_op = op_count > 0 ? op_count - 1 : 0;
  }
}

/* ---- deciding whether this process records, and where ---- */

static void copy_str(char *dst, size_t cap, const char *src) {
  size_t n = strlen(src);
  if (n >= cap) n = cap - 1;
  memcpy(dst, src, n);
  dst[n] = 0;
}

/* TRACE.PID, or TRACE.PID.N when an earlier image of this pid (before an exec) holds it; its path in writing_path. */
static int open_child_trace(const char *base) {
  char *path = writing_path;
  for (unsigned n = 1; n < 1000; n++) {
    copy_str(path, sizeof writing_path - 48, base);
    size_t len = strlen(path);
    path[len++] = '.';
    len += format_dec(path + len, (unsigned long)getpid());
    if (n > 1) {
      path[len++] = '.';
      len += format_dec(path + len, n);
    }
    path[len] = 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0) return fd;
    if (errno != EEXIST) break;
  }
  report_write_failure(errno);
  return -1;
}

/* Moves the trace fd high, out of the way of programs that reuse low descriptors. */
static int park_fd(int fd) {
  if (fd < 0) return fd;
  int high = fcntl(fd, F_DUPFD_CLOEXEC, 512);
  if (high < 0) return fd;
  close(fd);
  return high;
}

static void write_header(void) {
  put_str("# memscope-trace 2 cpus=");
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  put_dec(cpus > 0 ? (uint64_t)cpus : 1);
  put_str(" brk0=");
  put_hex((uintptr_t)sbrk(0));
  if (program_needs_libstdcxx) put_str(" stdcxx=1");
  if (with_addresses) put_str(" addresses");
  put_char('\n');
}

/* Starts a trace on fd: fresh counters and table (a fork child starts its own). */
static void start_trace(int fd) {
  trace_fd = park_fd(fd);
  struct stat st;
  if (trace_fd < 0 || fstat(trace_fd, &st) != 0 || (table == NULL && table_alloc(1 << 20) != 0)) {
    mode = MODE_OFF;
    return;
  }
  trace_dev = st.st_dev;
  trace_ino = st.st_ino;
  trace_is_pipe = S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode);
  memset(table, 0, (table_mask + 1) * sizeof(struct slot));
  table_used = 0;
  op_count = next_id = untracked = internal = 0;
  brk0 = (uintptr_t)sbrk(0);
  mmapped_bytes = 0;
  peak_bytes = peak_op = final_bytes = 0;
  thread_count = current_tid = 0;
  my_tid1 = 0;
  out_len = 0;
  write_header();
  trace_pid = getpid();
  mode = MODE_ON;
  flush_out(); // the header is in the file even if a signal kills the program before its first flush
  const char *m = getenv("MEMSCOPE_RECORD_MEASURE");
  discard_ops = m != NULL && m[0] == '1';
  last_flush_ms = clock_ms();
}

/*
 * Which allocator answers, for the footprint: glibc (its main_arena) or TCMalloc (its MallocExtension). Found at
 * the first call, not in the constructor: a program that needs libstdc++ makes its pool's malloc (op 0) before
 * this library's constructor runs, and that op is measured too.
 */
static void find_footprint_source(void) {
  Dl_info where;
  if (dladdr((void *)real.malloc, &where) == 0 || where.dli_fname == NULL) return;
  measure_ok = strstr(where.dli_fname, "/libc.so") != NULL;
  if (measure_ok) copy_str(libc_path, sizeof libc_path, where.dli_fname);
  else if (strstr(where.dli_fname, "libtcmalloc") != NULL) tcmalloc_property = dlsym(RTLD_DEFAULT, "MallocExtension_GetNumericProperty");
}

/*
 * The spawned process (its parent is MEMSCOPE_RECORD_PARENT) claims TRACE and writes it; a later image of it
 * (after exec) finds it claimed (claim_main_trace) and counts as a child. Children record only
 * with MEMSCOPE_RECORD_FOLLOW=1, into TRACE.PID. Called under the lock at the first call with environ set.
 */
static void decide(void) {
  find_footprint_source();
  find_allocator_code();
  const char *path = getenv("MEMSCOPE_RECORD_TRACE");
  const char *parent = getenv("MEMSCOPE_RECORD_PARENT");
  if (path == NULL || parent == NULL) {
    mode = MODE_OFF;
    return;
  }
  copy_str(trace_path, sizeof trace_path, path);
  const char *base = getenv("MEMSCOPE_RECORD_CHILD_BASE");
  copy_str(child_base, sizeof child_base, base != NULL ? base : path);
  const char *status = getenv("MEMSCOPE_RECORD_STATUS");
  copy_str(status_path, sizeof status_path, status != NULL ? status : "");
  const char *f = getenv("MEMSCOPE_RECORD_FOLLOW");
  const char *a = getenv("MEMSCOPE_RECORD_ADDRESSES");
  follow = f != NULL && f[0] == '1';
  with_addresses = a != NULL && a[0] == '1';
  long parent_pid = strtol(parent, NULL, 10);
  if (getppid() == parent_pid && claim_main_trace()) {
    copy_str(writing_path, sizeof writing_path, trace_path);
    writes_main = 1;
    int fd = open(trace_path, O_WRONLY | O_CLOEXEC); // a FIFO's open waits for its reader, as any writer's does
    if (fd < 0) {
      report_write_failure(errno);
      mode = MODE_OFF;
      return;
    }
    start_trace(fd);
    return;
  }
  if (follow) start_trace(open_child_trace(child_base));
  else mode = MODE_OFF;
}

/* ---- threads: numbering, `@` lines, exits ---- */

/*
 * glibc's start_thread runs a thread's TSD destructors (up to PTHREAD_DESTRUCTOR_ITERATIONS = 4 rounds,
 * another round only when a destructor set a value again), then __libc_thread_freeres, whose last step
 * tcache_thread_shutdown flushes the tcache and detaches the arena. We re-arm the key for every round and
 * write `x` in the last, so frees by other keys' destructors come before it. Frees libc itself makes in
 * __libc_thread_freeres (a thread's strerror/dlerror/resolver buffers) come after `x`: they pass through
 * unrecorded and count as untracked. See glibc 2.36 nptl/pthread_create.c start_thread, nptl/nptl_deallocate_tsd.c.
 */
#define TSD_ROUNDS 4

static void on_thread_exit(void *value) {
  uintptr_t round = (uintptr_t)value;
  if (round < TSD_ROUNDS) {
    pthread_setspecific(exit_key, (void *)(round + 1));
    return;
  }
  notice_missed_fork(0);
  in_shim = 1;
  pthread_mutex_lock(&lock);
  if (mode == MODE_ON && my_tid1 != 0) {
    reserve_line();
    put_str("x ");
    put_dec(my_tid1 - 1);
    put_char('\n');
    op_count++;
  }
  my_exit_written = 1;
  pthread_mutex_unlock(&lock);
  in_shim = 0;
}

/* Numbers the calling thread on its first op and writes `@ TID` when the thread changes. */
static void enter_thread(void) {
  if (my_tid1 == 0) {
    my_tid1 = ++thread_count;
    if (exit_key_ok) pthread_setspecific(exit_key, (void *)1);
  }
  if (my_tid1 - 1 != current_tid) {
    current_tid = my_tid1 - 1;
    put_str("@ ");
    put_dec(current_tid);
    put_char('\n');
  }
}

/* ---- entering and leaving a call ---- */

/* True when the caller's code is the allocator's own (allocator_code): its calls are not the program's. */
static int is_allocator_code(const void *caller) {
  uintptr_t at = (uintptr_t)caller;
  return at - allocator_code[0].start < allocator_code[0].bytes || at - allocator_code[1].start < allocator_code[1].bytes;
}

/*
 * True when this call (made from `caller`) is recorded: then the lock is held and in_shim set; end_call releases
 * both. Otherwise the entry point passes it straight to the real allocator.
 */
static int begin_call(const void *caller) {
  if (in_shim) {
    if (mode == MODE_ON) __atomic_fetch_add(&internal, 1, __ATOMIC_RELAXED);
    return 0;
  }
  if (mode == MODE_OFF || mode == MODE_CLOSED) return 0;
  if (fork_missed()) notice_missed_fork(0);
  // The program's errno: what the shim's own calls set (a failed write, open_child_trace's EEXIST, madvise) must not
  // show through; a program may count on it (free keeps it since glibc 2.33). The real call then sets its own.
  int program_errno = errno;
  in_shim = 1;
  pthread_mutex_lock(&lock);
  // ld.so may call malloc before libc sets environ. A vfork child leaves the decision to its parent: made here, it
  // would be made in the parent's memory, for the parent, as a child (its parent is not memscope).
  if (mode == MODE_UNDECIDED && environ != NULL && (image_pid == 0 || getpid() == image_pid)) decide();
  int allocators_own = is_allocator_code(caller); // known once decide ran: this may be the first call
  if (mode != MODE_ON || my_exit_written || allocators_own) {
    if (my_exit_written) untracked++; // __libc_thread_freeres freeing a thread's strerror/dlerror buffers
    else if (mode == MODE_ON) internal++;
    pthread_mutex_unlock(&lock);
    in_shim = 0;
    errno = program_errno;
    return 0;
  }
  if (footprint_pending) note_footprint();
  reserve_line();
  if (out_full()) { // a vfork child filled the buffer only its parent can write (flush_out)
    untracked++;
    pthread_mutex_unlock(&lock);
    in_shim = 0;
    errno = program_errno;
    return 0;
  }
  enter_thread();
  errno = program_errno;
  return 1;
}

/*
 * A signal that kills the program loses what is still buffered. A program calling slowly would keep its calls
 * there for minutes, so an op also flushes when the last flush is FLUSH_EVERY_MS old (CLOCK_MONOTONIC_COARSE
 * is a vDSO read, a few ns). What a program did after its last op before the signal is still lost.
 */
#define FLUSH_EVERY_MS 200

static void flush_if_due(void) {
  int64_t now = clock_ms();
  if (now - last_flush_ms < FLUSH_EVERY_MS) return;
  last_flush_ms = now;
  flush_out();
}

static void end_call(void) {
  int call_errno = errno; // what the real call left (ENOMEM), not what the flush's write did
  note_footprint();
  flush_if_due();
  pthread_mutex_unlock(&lock);
  in_shim = 0;
  errno = call_errno;
}

static void put_result(const void *p) {
  if (!with_addresses) return;
  put_str(" =");
  put_hex((uintptr_t)p);
}

/* A fresh id for block p (NULL gets an id too: the trace shows the failed call). */
static uint64_t name_block(const void *p) {
  uint64_t id = next_id++;
  if (p != NULL) table_put((uintptr_t)p, id);
  return id;
}

static void ensure_real(void) {
  if (__atomic_load_n(&resolve_state, __ATOMIC_ACQUIRE) != 2) resolve_real();
}

static int resolving(void) { return __atomic_load_n(&resolve_state, __ATOMIC_ACQUIRE) == 1; }

/* ---- the entry points ---- */

/*
 * Every entry point has this shape: unless the call is recorded it goes straight to the real allocator;
 * recorded, `recorded` (the real call, then its line) runs under the lock, and end_call measures and releases.
 */
#define ENTRY(type, pass_through, recorded)                     \
  do {                                                          \
    ensure_real();                                              \
    if (!begin_call(__builtin_return_address(0))) return pass_through; \
    type result_ = recorded;                                    \
    end_call();                                                 \
    return result_;                                             \
  } while (0)

/*
 * The line of a call that returns a fresh block p: `a ID SIZE`, `c ID NMEMB SIZE` or `m ID ALIGN SIZE` (for
 * `a`, `first` is SIZE and there is no second), with `=HEX` when asked for. Returns p.
 */
static void *put_block_op(void *p, char kind, uint64_t first, uint64_t second) {
  note_block(p);
  put_char(kind);
  put_char(' ');
  put_dec(name_block(p));
  put_char(' ');
  put_dec(first);
  if (kind != 'a') {
    put_char(' ');
    put_dec(second);
  }
  put_result(p);
  put_char('\n');
  op_count++;
  return p;
}

EXPORT void *malloc(size_t size) {
  if (resolving()) return boot_alloc(size);
  ENTRY(void *, real.malloc(size), put_block_op(real.malloc(size), 'a', size, 0));
}

EXPORT void *calloc(size_t nmemb, size_t size) {
  if (resolving()) return boot_alloc(nmemb * size);
  ENTRY(void *, real.calloc(nmemb, size), put_block_op(real.calloc(nmemb, size), 'c', nmemb, size));
}

/* Before p is released: its mapping leaves the footprint; returns its slot (-1: a block the trace never named). */
static long forget_block(const void *p) {
  mmapped_bytes -= (int64_t)mmapped_length(p);
  return table_find((uintptr_t)p);
}

/* After: `f ID` for the slot forget_block found, or an untracked free. */
static void put_free_op(long at) {
  if (at < 0) {
    untracked++;
    return;
  }
  put_str("f ");
  put_dec(table[at].id);
  put_char('\n');
  op_count++;
  table_remove_at((size_t)at);
}

/* free(NULL) returns before glibc looks at anything, so it is not an op. ENTRY's shape, for a void call. */
EXPORT void free(void *p) {
  if (p == NULL || is_boot(p)) return;
  ensure_real();
  if (!begin_call(__builtin_return_address(0))) {
    real.free(p);
    return;
  }
  long at = forget_block(p);
  real.free(p);
  put_free_op(at);
  end_call();
}

/* realloc and reallocarray (after its overflow check): `r ID SIZE`, the result keeps the id. */
static void *record_realloc(void *old, size_t size) {
  long at = old == NULL ? -1 : table_find((uintptr_t)old);
  size_t old_mapped = mmapped_length(old);
  void *p = real.realloc(old, size);
  if (p != NULL || size == 0) { // the old block is gone (freed, moved or resized): count the result instead
    mmapped_bytes -= (int64_t)old_mapped;
    note_block(p);
  }
  if (old != NULL && at < 0) { // a block the trace never named: its successor stays unnamed too
    untracked++;
    return p;
  }
  uint64_t id;
  if (old == NULL) {
    id = name_block(p);
  } else {
    id = table[at].id;
    // glibc frees old for size 0 (REALLOC_ZERO_BYTES_FREES) and on success; on failure old stays
    if (size == 0 || p != NULL) {
      table_remove_at((size_t)at);
      if (p != NULL) table_put((uintptr_t)p, id);
    }
  }
  put_str("r ");
  put_dec(id);
  put_char(' ');
  put_dec(size);
  put_result(p);
  put_char('\n');
  op_count++;
  return p;
}

static void *boot_realloc(void *old, size_t size) {
  size_t had = *(size_t *)((unsigned char *)old - 16);
  void *p = malloc(size);
  if (p != NULL) memcpy(p, old, had < size ? had : size);
  return p;
}

EXPORT void *realloc(void *old, size_t size) {
  if (resolving()) return boot_alloc(size);
  if (old != NULL && is_boot(old)) return boot_realloc(old, size);
  ENTRY(void *, real.realloc(old, size), record_realloc(old, size));
}

EXPORT void *reallocarray(void *old, size_t nmemb, size_t size) {
  size_t bytes;
  if (__builtin_mul_overflow(nmemb, size, &bytes)) { // glibc returns ENOMEM before calling realloc
    errno = ENOMEM;
    return NULL;
  }
  return realloc(old, bytes);
}

/* memalign, posix_memalign, aligned_alloc, valloc and pvalloc all reach glibc's _mid_memalign: `m ID ALIGN SIZE`. */
EXPORT void *memalign(size_t align, size_t size) {
  ENTRY(void *, real.memalign(align, size), put_block_op(real.memalign(align, size), 'm', align, size));
}

EXPORT void *aligned_alloc(size_t align, size_t size) {
  ENTRY(void *, real.aligned_alloc(align, size), put_block_op(real.aligned_alloc(align, size), 'm', align, size));
}

/* posix_memalign's line, its block (NULL when it failed) taken from *result. Returns rc. */
static int put_posix_memalign_op(int rc, void **result, size_t align, size_t size) {
  put_block_op(rc == 0 ? *result : NULL, 'm', align, size);
  return rc;
}

/* glibc refuses a bad alignment with EINVAL before allocating: not an op. */
EXPORT int posix_memalign(void **result, size_t align, size_t size) {
  int bad = align % sizeof(void *) != 0 || align == 0 || ((align / sizeof(void *)) & (align / sizeof(void *) - 1)) != 0;
  if (bad) {
    ensure_real();
    return real.posix_memalign(result, align, size);
  }
  ENTRY(int, real.posix_memalign(result, align, size), put_posix_memalign_op(real.posix_memalign(result, align, size), result, align, size));
}

EXPORT void *valloc(size_t size) {
  ENTRY(void *, real.valloc(size), put_block_op(real.valloc(size), 'm', (size_t)getpagesize(), size));
}

/*
 * pvalloc asks _mid_memalign for SIZE rounded up to pages. glibc 2.36 rounds with `& -(pagesize - 1)`,
 * which keeps bit 0 (pvalloc(4096) asks for 4097 bytes), but request2size gives both the same chunk.
 */
EXPORT void *pvalloc(size_t size) {
  size_t page = (size_t)getpagesize();
  ENTRY(void *, real.pvalloc(size), put_block_op(real.pvalloc(size), 'm', page, (size + page - 1) & ~(page - 1)));
}

/* `t PAD`. Returns rc. */
static int put_trim_op(int rc, size_t pad) {
  put_str("t ");
  put_dec(pad);
  put_char('\n');
  op_count++;
  return rc;
}

EXPORT int malloc_trim(size_t pad) {
  ENTRY(int, real.malloc_trim(pad), put_trim_op(real.malloc_trim(pad), pad));
}

/* ---- C++: operator new and delete ----
 *
 * Under glibc, libstdc++'s operator new calls malloc; but LD_PRELOAD=libtcmalloc_minimal.so.4 defines operator
 * new and delete itself, so a C++ program's `new` would never reach malloc's wrapper. Each of the 20 (`nm -D` of
 * libstdc++.so.6 and libtcmalloc_minimal.so.4: plain, array, nothrow, align_val_t, sized) is wrapped too, calls the
 * next definition, and is recorded as the call libstdc++ makes of glibc (GCC 12 libsupc++ new_op.cc, new_opa.cc,
 * del_op*.cc): new(SIZE) is `a ID SIZE` (0 asks malloc for 1), new(SIZE, ALIGN) is `m ID ALIGN SIZE` with SIZE
 * (0 → 1) rounded up to ALIGN as libstdc++ passes it to aligned_alloc, and every delete is `f ID`. The malloc/free
 * libstdc++'s versions make inside pass through (in_shim), so each new is one op, the same under either allocator.
 * A new_handler runs under the shim's lock: what it allocates or frees passes through unrecorded.
 */

/* The C++ entry points, as mangled names (their index in cxx_next). */
enum {
  CXX_NEW, CXX_NEW_ARRAY, CXX_NEW_NOTHROW, CXX_NEW_ARRAY_NOTHROW,
  CXX_NEW_ALIGNED, CXX_NEW_ARRAY_ALIGNED, CXX_NEW_ALIGNED_NOTHROW, CXX_NEW_ARRAY_ALIGNED_NOTHROW,
  CXX_DELETE, CXX_DELETE_ARRAY, CXX_DELETE_SIZED, CXX_DELETE_ARRAY_SIZED,
  CXX_DELETE_NOTHROW, CXX_DELETE_ARRAY_NOTHROW, CXX_DELETE_ALIGNED, CXX_DELETE_ARRAY_ALIGNED,
  CXX_DELETE_SIZED_ALIGNED, CXX_DELETE_ARRAY_SIZED_ALIGNED, CXX_DELETE_ALIGNED_NOTHROW, CXX_DELETE_ARRAY_ALIGNED_NOTHROW,
  CXX_COUNT
};
static const char *const CXX_NAMES[CXX_COUNT] = {
  "_Znwm", "_Znam", "_ZnwmRKSt9nothrow_t", "_ZnamRKSt9nothrow_t",
  "_ZnwmSt11align_val_t", "_ZnamSt11align_val_t", "_ZnwmSt11align_val_tRKSt9nothrow_t", "_ZnamSt11align_val_tRKSt9nothrow_t",
  "_ZdlPv", "_ZdaPv", "_ZdlPvm", "_ZdaPvm",
  "_ZdlPvRKSt9nothrow_t", "_ZdaPvRKSt9nothrow_t", "_ZdlPvSt11align_val_t", "_ZdaPvSt11align_val_t",
  "_ZdlPvmSt11align_val_t", "_ZdaPvmSt11align_val_t", "_ZdlPvSt11align_val_tRKSt9nothrow_t", "_ZdaPvSt11align_val_tRKSt9nothrow_t",
};
static void *cxx_next[CXX_COUNT]; // the next definitions: the allocator's, or libstdc++'s
static int cxx_resolved;

/*
 * Finds all 20 at the first C++ call, before it takes the lock: dlsym takes ld.so's lock, which a dlopen holds while
 * it mallocs, and libstdc++'s new[] calls new, whose wrapper must then find it resolved. A libstdc++ loaded
 * RTLD_LOCAL (by dlopen) is not after us in the global scope: its handle answers then.
 */
static void resolve_cxx(void) {
  int was_in_shim = in_shim;
  in_shim = 1; // dlsym's own allocations are the shim's
  void *lib = NULL;
  for (int i = 0; i < CXX_COUNT; i++) {
    void *f = dlsym(RTLD_NEXT, CXX_NAMES[i]);
    if (f == NULL && lib == NULL) lib = dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_NOLOAD);
    if (f == NULL && lib != NULL) f = dlsym(lib, CXX_NAMES[i]);
    __atomic_store_n(&cxx_next[i], f, __ATOMIC_RELAXED);
  }
  if (lib != NULL) dlclose(lib);
  in_shim = was_in_shim;
  __atomic_store_n(&cxx_resolved, 1, __ATOMIC_RELEASE);
}

/* The next definition of C++ entry point `which`. */
static void *next_cxx(int which) {
  ensure_real();
  if (!__atomic_load_n(&cxx_resolved, __ATOMIC_ACQUIRE)) resolve_cxx();
  void *f = __atomic_load_n(&cxx_next[which], __ATOMIC_RELAXED);
  if (f == NULL) {
    static const char msg[] = "memscope-record: a C++ operator new/delete was called, but no library defines it\n";
    if (write(2, msg, sizeof msg - 1) < 0) abort();
    abort();
  }
  return f;
}

/* `type *next`: the next definition of entry point `which`. */
#define NEXT_CXX(type, which) type *next = (type *)next_cxx(which)

/* The op a new is: written when the call leaves, returning or unwinding. */
struct new_op {
  void *result; // NULL until the real call returned: a throw (std::bad_alloc) records a failed call, as malloc's NULL
  char kind;
  uint64_t first, second;
};

/* Cleanup of a recorded new (the shim is built with -fexceptions, so it runs when a throw passes too). */
static void end_new_op(struct new_op *op) {
  put_block_op(op->result, op->kind, op->first, op->second);
  end_call();
}

/* ENTRY's shape for a new: the op is written and the lock released however the real call leaves. */
#define NEW_ENTRY(call, kind, first, second)                                              \
  do {                                                                                    \
    if (!begin_call(__builtin_return_address(0))) return call;                           \
    struct new_op op_ __attribute__((cleanup(end_new_op))) = {NULL, kind, first, second}; \
    op_.result = call;                                                                    \
    return op_.result;                                                                    \
  } while (0)

typedef void *new_fn(size_t);
typedef void *new_nothrow_fn(size_t, const void *);
typedef void *new_aligned_fn(size_t, size_t);
typedef void *new_aligned_nothrow_fn(size_t, size_t, const void *);

/* What libstdc++ asks malloc for: malloc(0) is avoided. */
static size_t new_size(size_t size) { return size == 0 ? 1 : size; }

/* libstdc++'s aligned new: throws (nothrow: NULL) before allocating unless ALIGN is a power of two: not an op. */
static int bad_new_align(size_t align) { return align == 0 || (align & (align - 1)) != 0; }

/* SIZE as libstdc++ passes it to aligned_alloc: rounded up to ALIGN (C11 asks for a multiple). */
static size_t new_aligned_size(size_t size, size_t align) { return (new_size(size) + align - 1) & ~(align - 1); }

EXPORT void *_Znwm(size_t size) {
  NEXT_CXX(new_fn, CXX_NEW);
  NEW_ENTRY(next(size), 'a', new_size(size), 0);
}

EXPORT void *_Znam(size_t size) {
  NEXT_CXX(new_fn, CXX_NEW_ARRAY);
  NEW_ENTRY(next(size), 'a', new_size(size), 0);
}

EXPORT void *_ZnwmRKSt9nothrow_t(size_t size, const void *nothrow) {
  NEXT_CXX(new_nothrow_fn, CXX_NEW_NOTHROW);
  NEW_ENTRY(next(size, nothrow), 'a', new_size(size), 0);
}

EXPORT void *_ZnamRKSt9nothrow_t(size_t size, const void *nothrow) {
  NEXT_CXX(new_nothrow_fn, CXX_NEW_ARRAY_NOTHROW);
  NEW_ENTRY(next(size, nothrow), 'a', new_size(size), 0);
}

EXPORT void *_ZnwmSt11align_val_t(size_t size, size_t align) {
  NEXT_CXX(new_aligned_fn, CXX_NEW_ALIGNED);
  if (bad_new_align(align)) return next(size, align);
  NEW_ENTRY(next(size, align), 'm', align, new_aligned_size(size, align));
}

EXPORT void *_ZnamSt11align_val_t(size_t size, size_t align) {
  NEXT_CXX(new_aligned_fn, CXX_NEW_ARRAY_ALIGNED);
  if (bad_new_align(align)) return next(size, align);
  NEW_ENTRY(next(size, align), 'm', align, new_aligned_size(size, align));
}

EXPORT void *_ZnwmSt11align_val_tRKSt9nothrow_t(size_t size, size_t align, const void *nothrow) {
  NEXT_CXX(new_aligned_nothrow_fn, CXX_NEW_ALIGNED_NOTHROW);
  if (bad_new_align(align)) return next(size, align, nothrow);
  NEW_ENTRY(next(size, align, nothrow), 'm', align, new_aligned_size(size, align));
}

EXPORT void *_ZnamSt11align_val_tRKSt9nothrow_t(size_t size, size_t align, const void *nothrow) {
  NEXT_CXX(new_aligned_nothrow_fn, CXX_NEW_ARRAY_ALIGNED_NOTHROW);
  if (bad_new_align(align)) return next(size, align, nothrow);
  NEW_ENTRY(next(size, align, nothrow), 'm', align, new_aligned_size(size, align));
}

/* A delete: `f ID`, as free's. delete of NULL is no op (libstdc++ hands it to free(NULL), TCMalloc returns). */
#define DELETE_ENTRY(p, release)                                         \
  do {                                                                   \
    if (p == NULL || !begin_call(__builtin_return_address(0))) {         \
      release;                                                           \
      return;                                                            \
    }                                                                    \
    long at_ = forget_block(p);                                          \
    release;                                                             \
    put_free_op(at_);                                                    \
    end_call();                                                          \
  } while (0)

typedef void delete_fn(void *);
typedef void delete_with_fn(void *, size_t); // sized (SIZE) or aligned (ALIGN): one size_t after the pointer
typedef void delete_nothrow_fn(void *, const void *);
typedef void delete_sized_aligned_fn(void *, size_t, size_t);
typedef void delete_aligned_nothrow_fn(void *, size_t, const void *);

EXPORT void _ZdlPv(void *p) {
  NEXT_CXX(delete_fn, CXX_DELETE);
  DELETE_ENTRY(p, next(p));
}

EXPORT void _ZdaPv(void *p) {
  NEXT_CXX(delete_fn, CXX_DELETE_ARRAY);
  DELETE_ENTRY(p, next(p));
}

EXPORT void _ZdlPvm(void *p, size_t size) {
  NEXT_CXX(delete_with_fn, CXX_DELETE_SIZED);
  DELETE_ENTRY(p, next(p, size));
}

EXPORT void _ZdaPvm(void *p, size_t size) {
  NEXT_CXX(delete_with_fn, CXX_DELETE_ARRAY_SIZED);
  DELETE_ENTRY(p, next(p, size));
}

EXPORT void _ZdlPvRKSt9nothrow_t(void *p, const void *nothrow) {
  NEXT_CXX(delete_nothrow_fn, CXX_DELETE_NOTHROW);
  DELETE_ENTRY(p, next(p, nothrow));
}

EXPORT void _ZdaPvRKSt9nothrow_t(void *p, const void *nothrow) {
  NEXT_CXX(delete_nothrow_fn, CXX_DELETE_ARRAY_NOTHROW);
  DELETE_ENTRY(p, next(p, nothrow));
}

EXPORT void _ZdlPvSt11align_val_t(void *p, size_t align) {
  NEXT_CXX(delete_with_fn, CXX_DELETE_ALIGNED);
  DELETE_ENTRY(p, next(p, align));
}

EXPORT void _ZdaPvSt11align_val_t(void *p, size_t align) {
  NEXT_CXX(delete_with_fn, CXX_DELETE_ARRAY_ALIGNED);
  DELETE_ENTRY(p, next(p, align));
}

EXPORT void _ZdlPvmSt11align_val_t(void *p, size_t size, size_t align) {
  NEXT_CXX(delete_sized_aligned_fn, CXX_DELETE_SIZED_ALIGNED);
  DELETE_ENTRY(p, next(p, size, align));
}

EXPORT void _ZdaPvmSt11align_val_t(void *p, size_t size, size_t align) {
  NEXT_CXX(delete_sized_aligned_fn, CXX_DELETE_ARRAY_SIZED_ALIGNED);
  DELETE_ENTRY(p, next(p, size, align));
}

EXPORT void _ZdlPvSt11align_val_tRKSt9nothrow_t(void *p, size_t align, const void *nothrow) {
  NEXT_CXX(delete_aligned_nothrow_fn, CXX_DELETE_ALIGNED_NOTHROW);
  DELETE_ENTRY(p, next(p, align, nothrow));
}

EXPORT void _ZdaPvSt11align_val_tRKSt9nothrow_t(void *p, size_t align, const void *nothrow) {
  NEXT_CXX(delete_aligned_nothrow_fn, CXX_DELETE_ARRAY_ALIGNED_NOTHROW);
  DELETE_ENTRY(p, next(p, align, nothrow));
}

/* ---- process life: fork, exit ---- */

static void before_fork(void) {
  in_shim = 1;
  pthread_mutex_lock(&lock);
}

static void after_fork_parent(void) {
  pthread_mutex_unlock(&lock);
  in_shim = 0;
}

/*
 * The child inherits the parent's unflushed buffer and fd: it drops both, and starts its own trace with --follow.
 * A parent that had made no call yet leaves the child undecided: it decides at its own first call (a child, then).
 */
static void after_fork_child(void) {
  int program_errno = errno; // as begin_call keeps it: the child trace's open and header write are the shim's
  pthread_mutex_init(&lock, NULL);
  int was_on = mode == MODE_ON;
  drop_parent_trace();
  if (mode != MODE_UNDECIDED) mode = MODE_OFF;
  dontfork_page = NULL; // not in this child: a new one is mapped
  arm_fork_mark();
  if (was_on && follow) start_trace(open_child_trace(child_base));
  in_shim = 0;
  errno = program_errno;
}

/*
 * Run before the shim takes its lock (the parent's, in such a child): a fork child the atfork handlers missed
 * does now what after_fork_child would have done. With `slow` (exit, exec) the fallback's system call is made too;
 * there its calls so far were the parent's buffer's, dropped, so it records nothing, even with --follow.
 */
static void notice_missed_fork(int slow) {
  if (fork_missed()) {
    int was_in_shim = in_shim;
    in_shim = 1;
    after_fork_child();
    in_shim = was_in_shim;
  } else if (slow && dontfork_page_gone()) {
    pthread_mutex_init(&lock, NULL);
    drop_parent_trace();
    if (mode != MODE_UNDECIDED) mode = MODE_OFF;
  }
}

__attribute__((constructor)) static void record_init(void) {
  in_shim = 1;
  ensure_real();
  image_pid = getpid();
  const char *no_wipe = getenv("MEMSCOPE_RECORD_NO_WIPEONFORK");
  no_wipeonfork = no_wipe != NULL && no_wipe[0] == '1';
  arm_fork_mark();
  exit_key_ok = pthread_key_create(&exit_key, on_thread_exit) == 0;
  pthread_atfork(before_fork, after_fork_parent, after_fork_child);
  in_shim = 0;
}

/* The closing line the command reads its counts from (the last one counts: an exec that failed writes one too). */
static void write_end_line(void) {
  int discarding = discard_ops;
  discard_ops = 0;
  if (discarding) out_len = 0;
  reserve_line();
  size_t closing_at = out_len;
  if (measure_ok || tcmalloc_property != NULL) {
    note_footprint();
    put_str("# footprint peak=");
    put_dec(peak_bytes);
    put_str(" peak_op=");
    put_dec(peak_op);
    put_str(" final=");
    put_dec(final_bytes);
    put_str(tcmalloc_property != NULL ? " allocator=tcmalloc\n" : " allocator=glibc\n");
  }
  put_str("# end ops=");
  put_dec(op_count);
  put_str(" threads=");
  put_dec(thread_count);
  put_str(" untracked=");
  put_dec(untracked);
  put_str(" internal=");
  put_dec(internal);
  put_char('\n');
  if (writes_main) report_closing_lines(out + closing_at, out_len - closing_at);
  flush_out();
  discard_ops = discarding;
}

/* Ends the trace; later calls (other threads, libc's own exit) pass through. */
static void close_trace(void) {
  notice_missed_fork(1);
  int was_in_shim = in_shim;
  in_shim = 1;
  pthread_mutex_lock(&lock);
  if (mode == MODE_ON && getpid() == trace_pid) {
    write_end_line();
    mode = MODE_CLOSED;
  }
  pthread_mutex_unlock(&lock);
  in_shim = was_in_shim;
}

__attribute__((destructor)) static void record_fini(void) { close_trace(); }

/* _exit skips destructors: without this a fork child's calls would die in the buffer. */
EXPORT void _exit(int status) {
  ensure_real();
  close_trace();
  real.exit_now(status);
  __builtin_unreachable();
}

EXPORT void _Exit(int status) { _exit(status); }

/* ---- exec: the image is replaced without destructors, so the trace is flushed and closed first ---- */

/* Writes the closing line and flushes; recording goes on, as the exec may fail (the last `# end` counts). */
static void flush_before_exec(void) {
  notice_missed_fork(1);
  in_shim = 1;
  pthread_mutex_lock(&lock);
  if (mode == MODE_ON && getpid() == trace_pid) write_end_line();
  pthread_mutex_unlock(&lock);
  in_shim = 0;
}

EXPORT int execve(const char *path, char *const argv[], char *const envp[]) {
  ensure_real();
  flush_before_exec();
  return real.execve(path, argv, envp);
}

EXPORT int execv(const char *path, char *const argv[]) {
  ensure_real();
  flush_before_exec();
  return real.execv(path, argv);
}

EXPORT int execvp(const char *file, char *const argv[]) {
  ensure_real();
  flush_before_exec();
  return real.execvp(file, argv);
}

EXPORT int execvpe(const char *file, char *const argv[], char *const envp[]) {
  ensure_real();
  flush_before_exec();
  return real.execvpe(file, argv, envp);
}

EXPORT int fexecve(int fd, char *const argv[], char *const envp[]) {
  ensure_real();
  flush_before_exec();
  return real.fexecve(fd, argv, envp);
}

/* execl, execle, execlp: the argument list gathered on the stack (no allocation), then the v form. */
#define GATHER_ARGS(first, argv, ap)                    \
  size_t argc_ = 1;                                     \
  va_start(ap, first);                                  \
  while (va_arg(ap, char *) != NULL) argc_++;           \
  va_end(ap);                                           \
  char *argv[argc_ + 1];                                \
  argv[0] = (char *)(first);                            \
  va_start(ap, first);                                  \
  for (size_t i_ = 1; i_ <= argc_; i_++) argv[i_] = va_arg(ap, char *)

EXPORT int execl(const char *path, const char *arg, ...) {
  va_list ap;
  GATHER_ARGS(arg, argv, ap);
  va_end(ap);
  return execv(path, argv);
}

EXPORT int execlp(const char *file, const char *arg, ...) {
  va_list ap;
  GATHER_ARGS(arg, argv, ap);
  va_end(ap);
  return execvp(file, argv);
}

EXPORT int execle(const char *path, const char *arg, ...) {
  va_list ap;
  GATHER_ARGS(arg, argv, ap);
  char *const *envp = va_arg(ap, char *const *); // after the NULL that ends the arguments
  va_end(ap);
  return execve(path, argv, envp);
}
