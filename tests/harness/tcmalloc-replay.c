// Replays a malloclab trace under the real gperftools 2.10 TCMalloc and prints, per op, where the
// block landed and the allocator's own statistics (MallocExtension_GetNumericProperty). Oracle for
// shared/sim/malloc/tcmalloc/. Nothing but the trace's own ops touches malloc: input, ids and
// results live in mmap'd memory, parsing is by hand and output goes out with write(2) at the end.
// The statistics calls take TCMalloc's locks and read its counters; they do not allocate.
//
// usage: tcmalloc-replay TRACE|- [EVERY]     (link with libtcmalloc_minimal.so.4)
//        tcmalloc-replay --time TRACE|-     (only times the replay loop: {"ops":N,"replay_ns":T})
// EVERY (default 1): read the statistics after every EVERY-th op (and after the last one).
// Output: a first line `start BRK S0 … S6` (state when main starts), then per op
// `I KIND OFFSET USABLE BRK S0 … S6`: KIND a/f/r, OFFSET the pointer minus the page heap's start
// (`-` for NULL or frees), USABLE malloc_usable_size, BRK sbrk(0) minus the page heap's start, and
// S0 … S6 the properties of tcmalloc-stats.h (`-` on ops whose statistics were not read).
// The page heap's start is sbrk(0) - generic.heap_size when main starts: TCMalloc grows its page
// heap with sbrk (after its 8 MiB metadata chunk), and before main only its first 1 MiB exists.
// The trace format and the C program each op stands for: trace-reader.h (a second `f ID` is a double
// free, which TCMalloc does not detect).
#define _GNU_SOURCE
#define HARNESS_NAME "tcmalloc-replay"
#include "trace-reader.h"
#include "tcmalloc-stats.h"

size_t malloc_usable_size(void *ptr);

struct result {
  uintptr_t ptr;
  size_t usable;
  uintptr_t brk;
  int has_stats;
  size_t stats[NPROPS];
};

int main(int argc, char **argv) {
  int timing = argc == 3 && strcmp(argv[1], "--time") == 0;
  if (argc != 2 && argc != 3) {
    static const char usage[] = "usage: tcmalloc-replay TRACE|- [EVERY] | --time TRACE|-\n";
    write_all(2, usage, sizeof usage - 1);
    return 2;
  }
  if (timing) argv++;
  uint64_t every = 1;
  if (argc == 3 && !timing) {
    const char *p = argv[2];
    if (!parse_u64(&p, p + strlen(p), &every) || every == 0) die("EVERY must be a positive integer", 0);
  }
  size_t start_stats[NPROPS];
  read_stats(start_stats);
  uintptr_t base = (uintptr_t) sbrk(0) - start_stats[1];

  struct trace t = read_trace(argv[1]);
  const struct op *ops = t.ops;
  size_t nops = t.nops;

  void **ptrs = map_bytes((t.max_id + 1) * sizeof(void *));
  if (timing) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t i = 0; i < nops; i++) replay_op(&ops[i], ptrs, 0, 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    write_timing(nops, &t0, &t1);
    return 0;
  }
  struct result *res = map_bytes((nops ? nops : 1) * sizeof *res);

  for (size_t i = 0; i < nops; i++) {
    struct result *r = &res[i];
    void *p = replay_op(&ops[i], ptrs, 0, 0);
    r->ptr = (uintptr_t) p;
    r->usable = p ? malloc_usable_size(p) : 0;
    r->brk = (uintptr_t) sbrk(0);
    r->has_stats = ((i + 1) % every == 0) || i + 1 == nops;
    if (r->has_stats) read_stats(r->stats);
  }

  char *out = map_bytes(nops * 256 + 256);
  char *w = out;
  w = put_str(w, "start ");
  w = put_i64(w, (int64_t) ((uintptr_t) sbrk(0) - base));
  for (int k = 0; k < NPROPS; k++) { *w++ = ' '; w = put_u64(w, start_stats[k]); }
  *w++ = '\n';
  for (size_t i = 0; i < nops; i++) {
    const struct op *o = &ops[i];
    const struct result *r = &res[i];
    w = put_u64(w, i);
    *w++ = ' ';
    *w++ = o->kind;
    *w++ = ' ';
    if (r->ptr) w = put_i64(w, (int64_t) (r->ptr - base)); else *w++ = '-';
    *w++ = ' ';
    w = put_u64(w, r->usable);
    *w++ = ' ';
    w = put_i64(w, (int64_t) (r->brk - base));
    for (int k = 0; k < NPROPS; k++) {
      *w++ = ' ';
      if (r->has_stats) w = put_u64(w, r->stats[k]); else *w++ = '-';
    }
    *w++ = '\n';
  }
  write_all(1, out, (size_t) (w - out));
  return 0;
}
