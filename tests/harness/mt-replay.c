// Replays a memscope-trace 2 (threads included) under the real glibc and prints one JSON line per op, the
// record `memscope sim malloc --format jsonl` prints for v2 traces. Oracle for the threaded glibc model.
// Each `@ TID` block runs on a real thread of its own (tid 0 on the main thread), one thread at a time in
// trace order: a baton (mutex + condvar) passes the op index. A thread is created when its first op comes
// up; `x TID` makes that thread return from its start routine (glibc then runs its per-thread cleanup:
// tcache flush, arena onto the free list) and the next op's thread joins it first. Returning instead of
// pthread_exit keeps libgcc_s (which pthread_exit loads with malloc) out of the heap.
// pthread_create allocates the new thread's DTV with calloc: this file interposes malloc/calloc/free so that
// the allocations made inside pthread_create come from a static buffer and never reach glibc.
//
// usage: mt-replay TRACE|-    (GLIBC_TUNABLES comes from the environment)
#define _GNU_SOURCE
#define HARNESS_NAME "mt-replay"
#include <malloc.h>
#include <pthread.h>
#include "trace-reader-v2.h"

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

#define IS_MMAPPED 0x2
#define NON_MAIN_ARENA 0x4
#define HEAP_MAX_SIZE (64UL << 20)

/* glibc 2.36's heap_info (malloc/arena.c): the header of every non-main heap. */
struct heap_info {
  void *ar_ptr;
  struct heap_info *prev;
  size_t size, mprotect_size, pagesize;
};

/* ---- The allocations pthread_create makes: served from here, never by glibc. ---- */
static char g_bump[1 << 20] __attribute__((aligned(64)));
static size_t g_bump_used;
static volatile int g_in_create;

static void *bump(size_t n) {
  size_t at = (g_bump_used + 63) & ~(size_t) 63;
  if (at + n > sizeof g_bump) die("pthread_create allocated too much", 0);
  g_bump_used = at + n;
  return g_bump + at; /* static memory is zero */
}
static int in_bump(const void *p) { return (const char *) p >= g_bump && (const char *) p < g_bump + sizeof g_bump; }

void *malloc(size_t n) { return g_in_create ? bump(n) : __libc_malloc(n); }
void *calloc(size_t n, size_t m) { return g_in_create ? bump(n * m) : __libc_calloc(n, m); }
void free(void *p) { if (!in_bump(p)) __libc_free(p); }

/* ---- The replay. ---- */
struct result {
  uintptr_t ptr;     /* returned pointer (0 for f/t/x and NULL) */
  size_t head;       /* size field of the returned chunk */
  size_t usable;     /* malloc_usable_size */
  uintptr_t brk;     /* sbrk(0) after the op */
  uintptr_t arena;   /* heap_info.ar_ptr of a non-main chunk */
  uint32_t heap;     /* index of its heap in the arena (prev links) */
  uintptr_t heap_start;
};

static struct trace2 g_t;
static struct result *g_res;
static void **g_ptrs;
static uintptr_t g_base;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_turn = PTHREAD_COND_INITIALIZER;
static size_t g_cur;                      /* the op whose thread holds the baton */
static pthread_t g_threads[MAX_THREADS];
static char g_started[MAX_THREADS];
static int g_join_pending;                /* an exited thread not yet joined */
static uint32_t g_join_tid;
static size_t g_join_op;

static void *thread_main(void *arg);

/* With the lock held: joins a thread that has just exited and records the brk of its `x` op. */
static void join_exited(void) {
  if (!g_join_pending) return;
  pthread_join(g_threads[g_join_tid], NULL);
  g_join_pending = 0;
  g_res[g_join_op].brk = (uintptr_t) sbrk(0);
}

/* With the lock held: passes the baton to the next op, creating its thread if it has none. */
static void advance(void) {
  g_cur++;
  if (g_cur < g_t.nops) {
    uint32_t tid = g_t.ops[g_cur].tid;
    if (!g_started[tid]) {
      if (tid == 0) die("thread 0 cannot start later", 0);
      g_started[tid] = 1;
      g_in_create = 1;
      int rc = pthread_create(&g_threads[tid], NULL, thread_main, (void *) (uintptr_t) tid);
      g_in_create = 0;
      if (rc != 0) die("pthread_create failed", 0);
    }
  }
  pthread_cond_broadcast(&g_turn);
}

/* Runs op i on the calling thread and records what glibc returned. */
static void run_op(size_t i) {
  const struct op2 *o = &g_t.ops[i];
  struct result *r = &g_res[i];
  void *p = NULL;
  switch (o->kind) {
    case 'a': p = __libc_malloc(o->size); g_ptrs[o->id] = p; break;
    case 'c': p = __libc_calloc(o->aux, o->size); g_ptrs[o->id] = p; break;
    case 'm': p = __libc_memalign(o->aux, o->size); g_ptrs[o->id] = p; break;
    case 'r': p = __libc_realloc(g_ptrs[o->id], o->size); g_ptrs[o->id] = p; break;
    case 'f': __libc_free(g_ptrs[o->id]); break;
    case 't': malloc_trim(o->size); break;
  }
  r->ptr = (uintptr_t) p;
  r->head = p ? *(const size_t *) ((uintptr_t) p - sizeof(size_t)) : 0;
  r->usable = p ? malloc_usable_size(p) : 0;
  if (p && !(r->head & IS_MMAPPED) && (r->head & NON_MAIN_ARENA)) {
    struct heap_info *h = (struct heap_info *) ((uintptr_t) p & ~(HEAP_MAX_SIZE - 1));
    r->arena = (uintptr_t) h->ar_ptr;
    r->heap_start = (uintptr_t) h;
    for (struct heap_info *q = h->prev; q; q = q->prev) r->heap++;
  }
  r->brk = (uintptr_t) sbrk(0);
}

/* The baton loop of thread tid: wait for its ops, run them, return at its `x` (or park at the end). */
static void run_thread(uint32_t tid) {
  pthread_mutex_lock(&g_lock);
  for (;;) {
    while (g_cur < g_t.nops && g_t.ops[g_cur].tid != tid) pthread_cond_wait(&g_turn, &g_lock);
    if (g_cur >= g_t.nops) break;
    join_exited();
    size_t i = g_cur;
    if (g_t.ops[i].kind == 'x') {
      if (tid == 0) die("thread 0 cannot exit", 0);
      g_join_pending = 1;
      g_join_tid = tid;
      g_join_op = i;
      advance();
      pthread_mutex_unlock(&g_lock);
      return; /* start_thread now runs glibc's cleanup of this thread */
    }
    run_op(i);
    advance();
  }
  if (tid != 0) {
    /* The trace ended without this thread's exit: keep it alive (its cleanup would come after the trace). */
    pthread_mutex_unlock(&g_lock);
    for (;;) pause();
  }
  join_exited();
  pthread_mutex_unlock(&g_lock);
}

static void *thread_main(void *arg) {
  run_thread((uint32_t) (uintptr_t) arg);
  return NULL;
}

static const char *const KIND_NAMES[] = { ['a'] = "a", ['c'] = "c", ['m'] = "m", ['r'] = "r", ['f'] = "f", ['t'] = "t", ['x'] = "x" };

static void write_records(void) {
  char *out = map_bytes(g_t.nops * 260 + 1), *w = out;
  uintptr_t *arenas = map_bytes(MAX_THREADS * 8 * sizeof(uintptr_t));
  size_t narenas = 0;
  for (size_t i = 0; i < g_t.nops; i++) {
    const struct op2 *o = &g_t.ops[i];
    const struct result *r = &g_res[i];
    w = put_str(w, "{\"i\":");
    w = put_u64(w, i);
    w = put_str(w, ",\"op\":\"");
    w = put_str(w, KIND_NAMES[(int) o->kind]);
    w = put_str(w, "\",\"tid\":");
    w = put_u64(w, o->tid);
    if (o->kind != 't' && o->kind != 'x') {
      w = put_str(w, ",\"id\":");
      w = put_u64(w, o->id);
    }
    if (o->kind != 'f' && o->kind != 't' && o->kind != 'x') {
      w = put_str(w, ",\"size\":");
      w = put_u64(w, o->size);
      if (o->kind == 'c') { w = put_str(w, ",\"nmemb\":"); w = put_u64(w, o->aux); }
      if (o->kind == 'm') { w = put_str(w, ",\"align\":"); w = put_u64(w, o->aux); }
      if (!r->ptr) {
        w = put_str(w, ",\"region\":null,\"arena\":null,\"heap\":null,\"offset\":null,\"mmap_size\":null");
      } else if (r->head & IS_MMAPPED) {
        w = put_str(w, ",\"region\":\"mmap\",\"arena\":null,\"heap\":null,\"offset\":null,\"mmap_size\":");
        w = put_u64(w, r->head & ~(size_t) 7);
      } else if (r->head & NON_MAIN_ARENA) {
        size_t k = 0;
        while (k < narenas && arenas[k] != r->arena) k++;
        if (k == narenas) arenas[narenas++] = r->arena;
        w = put_str(w, ",\"region\":\"arena\",\"arena\":");
        w = put_u64(w, k + 1);
        w = put_str(w, ",\"heap\":");
        w = put_u64(w, r->heap);
        w = put_str(w, ",\"offset\":");
        w = put_u64(w, r->ptr - r->heap_start);
        w = put_str(w, ",\"mmap_size\":null");
      } else {
        w = put_str(w, ",\"region\":\"heap\",\"arena\":0,\"heap\":null,\"offset\":");
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
  write_all(1, out, (size_t) (w - out));
}

int main(int argc, char **argv) {
  if (argc != 2) {
    const char *usage = "usage: mt-replay TRACE|-\n";
    write_all(2, usage, strlen(usage));
    return 2;
  }
  g_t = read_trace_v2(argv[1]);
  g_ptrs = map_bytes((g_t.max_id + 1) * sizeof(void *));
  g_res = map_bytes((g_t.nops ? g_t.nops : 1) * sizeof *g_res);
  g_base = (uintptr_t) sbrk(0);
  g_started[0] = 1;
  g_threads[0] = pthread_self();
  pthread_mutex_lock(&g_lock);
  g_cur = (size_t) -1;
  advance(); /* op 0: creates its thread when that is not the main thread */
  pthread_mutex_unlock(&g_lock);
  run_thread(0);
  write_records();
  _exit(0); /* other threads may still be parked: no exit handlers, no cleanup */
}
