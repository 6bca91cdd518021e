// Replays a memscope-trace 2 (threads, calloc, memalign, malloc_trim, thread exits) under the real gperftools
// 2.10 TCMalloc: each `@ TID` block runs on a real pthread of its own, in trace order (a baton: one thread runs
// at a time, mutex + condvar); `x TID` ends that thread (TCMalloc's TSD destructor deletes its cache) and the
// next op's thread joins it first. Oracle for shared/sim/malloc/tcmalloc/ with threads; tcmalloc-replay.c is
// the single-threaded one. Nothing but the trace's ops reaches TCMalloc: input, ids and results live in mmap'd
// memory, output goes out with write(2) at the end, and what glibc's pthread_create/join allocate (the new
// thread's DTV) comes from a private mmap'd bump area (this program's malloc/calloc/realloc/free, below).
//
// usage: tcmalloc-mt-replay TRACE|-        (link with libtcmalloc_minimal.so.4)
// Input: memscope-trace 2 as trace-reader-v2.h reads it (mt-replay.c's reader; `x 0` is refused); ops as the C
// program `void *ptr[ID]` does them (tcmalloc-replay.c). Output: `base HEX` (the page heap's start), `start BRK S0 … S6`,
// then per op `I KIND OFFSET USABLE BRK S0 … S6` as tcmalloc-replay.c prints them; for `x` the line is written
// after the thread was joined.
#define _GNU_SOURCE
#define HARNESS_NAME "tcmalloc-mt-replay"
#include <pthread.h>
#include "tcmalloc-stats.h"
#include "trace-reader-v2.h"

void *tc_malloc(size_t size);
void *tc_calloc(size_t n, size_t size);
void *tc_realloc(void *ptr, size_t size);
void *tc_memalign(size_t align, size_t size);
void tc_free(void *ptr);
int malloc_trim(size_t pad);
size_t tc_malloc_size(void *ptr);

/* ---- glibc's own allocations (pthread_create's DTV) go to a bump area, never to TCMalloc ---- */

#define BUMP_BYTES (64u << 20)
static char *bump_base, *bump_next;
static __thread int in_pthread; /* set around pthread_create/pthread_join */

static void *bump(size_t n) {
  if (!bump_base) bump_base = bump_next = map_bytes(BUMP_BYTES);
  n = (n + 15) & ~(size_t) 15;
  if ((size_t) (bump_next - bump_base) + n > BUMP_BYTES) die("bump area full", 0);
  void *p = bump_next;
  bump_next += n;
  return p;
}
static int in_bump(const void *p) { return bump_base && (const char *) p >= bump_base && (const char *) p < bump_base + BUMP_BYTES; }

void *malloc(size_t n) { return in_pthread ? bump(n) : tc_malloc(n); }
void *calloc(size_t n, size_t s) { return in_pthread ? bump(n * s) : tc_calloc(n, s); } /* bump memory is zeroed (mmap) */
void free(void *p) { if (!in_bump(p)) tc_free(p); }
void *realloc(void *p, size_t n) {
  if (!in_pthread && !in_bump(p)) return tc_realloc(p, n);
  void *q = bump(n);
  if (p) memcpy(q, p, n); /* bump areas are contiguous: reading past the old block stays mapped */
  return q;
}

/* ---- the trace (trace-reader-v2.h) ---- */

static struct op2 *ops;
static size_t nops;
static uint64_t max_id;
static uint32_t nthreads;

/* Reads the trace; `x 0` cannot be replayed (the main thread runs the baton until the end). */
static void load_trace(const char *path) {
  struct trace2 t = read_trace_v2(path);
  for (size_t i = 0; i < t.nops; i++)
    if (t.ops[i].kind == 'x' && t.ops[i].tid == 0) die("x 0 is not replayable", 0);
  ops = t.ops;
  nops = t.nops;
  max_id = t.max_id;
  nthreads = t.threads;
}

/* ---- the baton ---- */

struct result {
  uintptr_t ptr;
  size_t usable;
  uintptr_t brk;
  size_t stats[NPROPS];
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static uint32_t turn;          /* the thread that may run */
static size_t next_op;         /* guarded by mu (only the baton holder changes it) */
static int done;
static pthread_t *handles;     /* by tid */
static char *started;          /* by tid */
static int64_t pending_join = -1;  /* a thread that ran its x and is exiting */
static size_t pending_x;           /* its x op */
static void **ptrs;
static struct result *res;

static void record(size_t i, void *p) {
  struct result *r = &res[i];
  r->ptr = (uintptr_t) p;
  r->usable = p ? tc_malloc_size(p) : 0;
  r->brk = (uintptr_t) sbrk(0);
  read_stats(r->stats);
}

static void run_op(const struct op2 *o, size_t i) {
  void *p = NULL;
  switch (o->kind) {
    case 'a': p = ptrs[o->id] = tc_malloc(o->size); break;
    case 'c': p = ptrs[o->id] = tc_calloc(o->aux, o->size); break;
    case 'm': p = ptrs[o->id] = tc_memalign(o->aux, o->size); break;
    case 'r': p = ptrs[o->id] = tc_realloc(ptrs[o->id], o->size); break;
    case 'f': tc_free(ptrs[o->id]); break;
    case 't': malloc_trim(o->size); break;
  }
  record(i, p);
}

static void *thread_main(void *arg);

/* Hands the baton to thread tid (creating it on first use). Called with mu held. */
static void pass_to(uint32_t tid) {
  if (!started[tid]) {
    started[tid] = 1;
    in_pthread = 1;
    if (pthread_create(&handles[tid], NULL, thread_main, (void *) (uintptr_t) tid) != 0) die("pthread_create failed", 0);
    in_pthread = 0;
  }
  turn = tid;
  pthread_cond_broadcast(&cv);
}

/* Runs ops while they are this thread's; returns when the trace is done or this thread exits (its x). */
static void run_thread(uint32_t me) {
  pthread_mutex_lock(&mu);
  for (;;) {
    while (turn != me && !done) pthread_cond_wait(&cv, &mu);
    if (done) break;
    if (pending_join >= 0) {
      in_pthread = 1;
      if (pthread_join(handles[pending_join], NULL) != 0) die("pthread_join failed", 0);
      in_pthread = 0;
      record(pending_x, NULL);
      pending_join = -1;
    }
    if (next_op == nops) {
      done = 1;
      pthread_cond_broadcast(&cv);
      break;
    }
    const struct op2 *o = &ops[next_op];
    if (o->tid != me) { pass_to(o->tid); continue; }
    if (o->kind == 'x') {
      pending_join = me;
      pending_x = next_op++;
      pass_to(next_op < nops ? ops[next_op].tid : 0);
      pthread_mutex_unlock(&mu);
      return; /* the TSD destructors (TCMalloc's DestroyThreadCache) run as this thread ends */
    }
    run_op(o, next_op);
    next_op++;
  }
  pthread_mutex_unlock(&mu);
}

static void *thread_main(void *arg) {
  run_thread((uint32_t) (uintptr_t) arg);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    static const char usage[] = "usage: tcmalloc-mt-replay TRACE|-\n";
    write_all(2, usage, sizeof usage - 1);
    return 2;
  }
  size_t start_stats[NPROPS];
  read_stats(start_stats);
  uintptr_t base = (uintptr_t) sbrk(0) - start_stats[1];

  load_trace(argv[1]);
  ptrs = map_bytes((max_id + 1) * sizeof(void *));
  res = map_bytes((nops ? nops : 1) * sizeof *res);
  handles = map_bytes(nthreads * sizeof *handles);
  started = map_bytes(nthreads);
  started[0] = 1;
  run_thread(0);

  char *out = map_bytes(nops * 256 + 512);
  char *w = out;
  static const char hexd[] = "0123456789abcdef";
  w = put_str(w, "base ");
  for (int sh = 60; sh >= 0; sh -= 4) if ((base >> sh) || sh == 0) *w++ = hexd[(base >> sh) & 15];
  w = put_str(w, "\nstart ");
  w = put_u64(w, start_stats[1]); /* the break at main, from the page heap's start: base = sbrk(0) - heap_size */
  for (int k = 0; k < NPROPS; k++) { *w++ = ' '; w = put_u64(w, start_stats[k]); }
  *w++ = '\n';
  for (size_t i = 0; i < nops; i++) {
    const struct result *r = &res[i];
    w = put_u64(w, i);
    *w++ = ' ';
    *w++ = ops[i].kind;
    *w++ = ' ';
    if (r->ptr) w = put_i64(w, (int64_t) (r->ptr - base)); else *w++ = '-';
    *w++ = ' ';
    w = put_u64(w, r->usable);
    *w++ = ' ';
    w = put_i64(w, (int64_t) (r->brk - base));
    for (int k = 0; k < NPROPS; k++) { *w++ = ' '; w = put_u64(w, r->stats[k]); }
    *w++ = '\n';
  }
  write_all(1, out, (size_t) (w - out));
  _exit(0); /* threads still waiting for the baton never run again */
}
