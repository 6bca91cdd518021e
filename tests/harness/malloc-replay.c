// Replays a malloclab trace under the real glibc malloc and prints one JSON line per op
// (the `memscope sim malloc --format jsonl` record). Oracle for shared/sim/malloc/glibc/.
// Nothing but the trace's own ops touches malloc: input, ids and results live in mmap'd
// memory, parsing is by hand and output goes out with write(2) after the replay.
//
// usage: malloc-replay TRACE|-          one JSON line per op   (GLIBC_TUNABLES comes from the environment)
//        malloc-replay --time TRACE|-   only {"ops":N,"replay_ns":T}: the replay loop's duration
//        malloc-replay --calloc TRACE|- `a` ops call calloc(1, SIZE) instead of malloc(SIZE)
//        malloc-replay --calloc-n N TRACE|-   `a` ops call calloc(N, SIZE)
// The trace format and the C program each op stands for (`void *ptr[ID]`): trace-reader.h.
// When the allocator kills the program (glibc's abort on a double free, or SIGSEGV), the records of
// the ops before it are written out, then `malloc-replay: op K: SIGABRT` on stderr, and the signal
// is raised again so the exit status is the real one.
#define _GNU_SOURCE
#define HARNESS_NAME "malloc-replay"
#include <malloc.h>
#include <signal.h>
#include "trace-reader.h"

#define IS_MMAPPED 0x2

struct result {
  uintptr_t ptr;   /* returned pointer (0 for free / NULL) */
  size_t head;     /* size field of the returned chunk */
  size_t usable;   /* malloc_usable_size */
  uintptr_t brk;   /* sbrk(0) after the op */
};

/* What the replay has done so far, global so that the fatal-signal handler can write it out. */
static const struct op *g_ops;
static struct result *g_res;
static uintptr_t g_base;
static char *g_out;
static volatile size_t g_op; /* the op being replayed */

/* Writes the jsonl records of ops 0 … count-1 (the CLI's jsonl shape). */
static void write_records(size_t count) {
  char *w = g_out;
  for (size_t i = 0; i < count; i++) {
    const struct op *o = &g_ops[i];
    const struct result *r = &g_res[i];
    w = put_str(w, "{\"i\":");
    w = put_u64(w, i);
    w = put_str(w, o->kind == 'a' ? ",\"op\":\"a\"" : o->kind == 'f' ? ",\"op\":\"f\"" : ",\"op\":\"r\"");
    w = put_str(w, ",\"id\":");
    w = put_u64(w, o->id);
    if (o->kind != 'f') {
      w = put_str(w, ",\"size\":");
      w = put_u64(w, o->size);
      if (!r->ptr) {
        w = put_str(w, ",\"region\":null,\"offset\":null,\"mmap_size\":null");
      } else if (r->head & IS_MMAPPED) {
        w = put_str(w, ",\"region\":\"mmap\",\"offset\":null,\"mmap_size\":");
        w = put_u64(w, r->head & ~(size_t) 7);
      } else {
        w = put_str(w, ",\"region\":\"heap\",\"offset\":");
        w = put_u64(w, r->ptr - g_base);
        w = put_str(w, ",\"mmap_size\":null");
      }
      w = put_str(w, ",\"usable\":");
      w = put_u64(w, r->usable);
    }
    w = put_str(w, ",\"brk\":");
    w = put_u64(w, r->brk - g_base);
    w = put_str(w, "}\n");
  }
  write_all(1, g_out, (size_t) (w - g_out));
}

/* SIGABRT (glibc's malloc_printerr) or SIGSEGV during the replay: report the ops done, then die of it. */
static void on_fatal_signal(int sig) {
  size_t k = g_op;
  write_records(k);
  char line[96], *w = line;
  w = put_str(w, "malloc-replay: op ");
  w = put_u64(w, k);
  w = put_str(w, sig == SIGABRT ? ": SIGABRT\n" : sig == SIGSEGV ? ": SIGSEGV\n" : ": SIGBUS\n");
  write_all(2, line, (size_t) (w - line));
  signal(sig, SIG_DFL);
  raise(sig);
}

int main(int argc, char **argv) {
  int timing = 0, use_calloc = 0, argi = 1;
  uint64_t calloc_n = 1;
  for (; argi < argc - 1; argi++) {
    if (strcmp(argv[argi], "--time") == 0) timing = 1;
    else if (strcmp(argv[argi], "--calloc") == 0) use_calloc = 1;
    else if (strcmp(argv[argi], "--calloc-n") == 0 && argi + 2 < argc) {
      const char *p = argv[++argi];
      if (!parse_u64(&p, p + strlen(p), &calloc_n) || *p) die("--calloc-n takes a count", 0);
      use_calloc = 1;
    } else break;
  }
  if (argi != argc - 1) {
    const char *usage = "usage: malloc-replay [--time] [--calloc | --calloc-n N] TRACE|-\n";
    write_all(2, usage, strlen(usage));
    return 2;
  }
  struct trace t = read_trace(argv[argi]);
  const struct op *ops = t.ops;
  size_t nops = t.nops;

  void **ptrs = map_bytes((t.max_id + 1) * sizeof(void *));
  struct result *res = map_bytes((nops ? nops : 1) * sizeof *res);
  /* Mapped before the replay (pages are touched only when written), so the handler can use it. */
  g_out = map_bytes(nops * 200 + 1);
  g_ops = ops;
  g_res = res;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_fatal_signal;
  sigaction(SIGABRT, &sa, NULL);
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGBUS, &sa, NULL);

  /* The replay: only the trace's own allocator calls from here to the end of the loop. */
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  uintptr_t base = (uintptr_t) sbrk(0);
  g_base = base;
  for (size_t i = 0; i < nops; i++) {
    struct result *r = &res[i];
    g_op = i;
    void *p = replay_op(&ops[i], ptrs, use_calloc, calloc_n);
    r->ptr = (uintptr_t) p;
    /* The chunk's size field sits just below the user pointer (glibc's mchunk_size). */
    r->head = p ? *(const size_t *) ((uintptr_t) p - sizeof(size_t)) : 0;
    r->usable = p ? malloc_usable_size(p) : 0;
    r->brk = (uintptr_t) sbrk(0);
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);

  if (timing) {
    write_timing(nops, &t0, &t1);
    return 0;
  }

  write_records(nops);
  return 0;
}
