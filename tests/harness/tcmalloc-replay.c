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
// S0 … S6 the properties below (`-` on ops whose statistics were not read).
// The page heap's start is sbrk(0) - generic.heap_size when main starts: TCMalloc grows its page
// heap with sbrk (after its 8 MiB metadata chunk), and before main only its first 1 MiB exists.
// Trace semantics as tests/harness/malloc-replay.c: `f ID` leaves ptr[ID] dangling, so a second
// `f ID` is a double free (which TCMalloc does not detect).
#define _GNU_SOURCE
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

size_t malloc_usable_size(void *ptr);
int MallocExtension_GetNumericProperty(const char *property, size_t *value);

static const char *const kProperties[] = {
  "generic.current_allocated_bytes",
  "generic.heap_size",
  "tcmalloc.pageheap_free_bytes",
  "tcmalloc.pageheap_unmapped_bytes",
  "tcmalloc.thread_cache_free_bytes",
  "tcmalloc.central_cache_free_bytes",
  "tcmalloc.transfer_cache_free_bytes",
};
#define NPROPS 7

struct op {
  char kind;
  uint64_t id;
  uint64_t size;
};

struct result {
  uintptr_t ptr;
  size_t usable;
  uintptr_t brk;
  int has_stats;
  size_t stats[NPROPS];
};

static void write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w <= 0) _exit(3);
    p += w;
    n -= (size_t) w;
  }
}

static void die(const char *msg, uint64_t line) {
  char buf[160];
  size_t n = 0;
  const char *pre = "tcmalloc-replay: line ";
  while (*pre) buf[n++] = *pre++;
  char digits[24];
  int d = 0;
  do { digits[d++] = (char) ('0' + line % 10); line /= 10; } while (line);
  while (d) buf[n++] = digits[--d];
  buf[n++] = ':';
  buf[n++] = ' ';
  while (*msg && n < sizeof buf - 1) buf[n++] = *msg++;
  buf[n++] = '\n';
  write_all(2, buf, n);
  _exit(2);
}

static void *map_bytes(size_t n) {
  void *p = mmap(NULL, n ? n : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) die("mmap failed", 0);
  return p;
}

static char *read_input(const char *path, size_t *len) {
  int fd = (path[0] == '-' && path[1] == 0) ? 0 : open(path, O_RDONLY);
  if (fd < 0) die("cannot open trace", 0);
  size_t cap = 1 << 20, n = 0;
  char *buf = map_bytes(cap);
  for (;;) {
    if (n == cap) {
      buf = mremap(buf, cap, cap * 2, MREMAP_MAYMOVE);
      if (buf == MAP_FAILED) die("mremap failed", 0);
      cap *= 2;
    }
    ssize_t r = read(fd, buf + n, cap - n);
    if (r < 0) die("read failed", 0);
    if (r == 0) break;
    n += (size_t) r;
  }
  if (fd != 0) close(fd);
  *len = n;
  return buf;
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

static int parse_u64(const char **p, const char *end, uint64_t *out) {
  const char *s = *p;
  while (s < end && is_space(*s)) s++;
  if (s == end || *s < '0' || *s > '9') return 0;
  uint64_t v = 0;
  while (s < end && *s >= '0' && *s <= '9') v = v * 10 + (uint64_t) (*s++ - '0');
  *out = v;
  *p = s;
  return 1;
}

static char *put_str(char *o, const char *s) { while (*s) *o++ = *s++; return o; }
static char *put_u64(char *o, uint64_t v) {
  char d[24];
  int n = 0;
  do { d[n++] = (char) ('0' + v % 10); v /= 10; } while (v);
  while (n) *o++ = d[--n];
  return o;
}
static char *put_i64(char *o, int64_t v) {
  if (v < 0) { *o++ = '-'; return put_u64(o, (uint64_t) -v); }
  return put_u64(o, (uint64_t) v);
}

static void read_stats(size_t *out) {
  for (int k = 0; k < NPROPS; k++) {
    size_t v = 0;
    if (!MallocExtension_GetNumericProperty(kProperties[k], &v)) die("unknown property", 0);
    out[k] = v;
  }
}

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

  size_t len;
  const char *text = read_input(argv[1], &len);
  const char *end = text + len;

  size_t lines = 1;
  for (const char *c = text; c < end; c++) lines += (*c == '\n');
  struct op *ops = map_bytes(lines * sizeof *ops);
  size_t nops = 0;
  uint64_t max_id = 0;

  int header = 1;
  uint64_t lineno = 0;
  for (const char *s = text; s < end;) {
    const char *eol = memchr(s, '\n', (size_t) (end - s));
    if (!eol) eol = end;
    lineno++;
    const char *p = s;
    s = eol + 1;
    while (p < eol && is_space(*p)) p++;
    if (p == eol || *p == '#') continue;
    if (*p >= '0' && *p <= '9') {
      uint64_t ignored;
      if (!header || !parse_u64(&p, eol, &ignored)) die("unexpected number", lineno);
      while (p < eol && is_space(*p)) p++;
      if (p != eol) die("header line must be one integer", lineno);
      continue;
    }
    header = 0;
    struct op *o = &ops[nops];
    o->kind = *p++;
    if (o->kind != 'a' && o->kind != 'f' && o->kind != 'r') die("unknown op", lineno);
    if (!parse_u64(&p, eol, &o->id)) die("missing id", lineno);
    o->size = 0;
    if (o->kind != 'f' && !parse_u64(&p, eol, &o->size)) die("missing size", lineno);
    while (p < eol && is_space(*p)) p++;
    if (p != eol) die("trailing text", lineno);
    if (o->id > max_id) max_id = o->id;
    nops++;
  }

  void **ptrs = map_bytes((max_id + 1) * sizeof(void *));
  if (timing) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t i = 0; i < nops; i++) {
      const struct op *o = &ops[i];
      if (o->kind == 'a') ptrs[o->id] = malloc(o->size);
      else if (o->kind == 'f') free(ptrs[o->id]);
      else ptrs[o->id] = realloc(ptrs[o->id], o->size);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    char buf[96];
    char *w = put_str(buf, "{\"ops\":");
    w = put_u64(w, nops);
    w = put_str(w, ",\"replay_ns\":");
    w = put_u64(w, (uint64_t) (t1.tv_sec - t0.tv_sec) * 1000000000u + (uint64_t) t1.tv_nsec - (uint64_t) t0.tv_nsec);
    w = put_str(w, "}\n");
    write_all(1, buf, (size_t) (w - buf));
    return 0;
  }
  struct result *res = map_bytes((nops ? nops : 1) * sizeof *res);

  for (size_t i = 0; i < nops; i++) {
    const struct op *o = &ops[i];
    struct result *r = &res[i];
    void *p = NULL;
    if (o->kind == 'a') {
      p = malloc(o->size);
      ptrs[o->id] = p;
    } else if (o->kind == 'f') {
      free(ptrs[o->id]); /* ptrs[o->id] keeps the freed pointer, as a C program's variable would */
    } else {
      p = realloc(ptrs[o->id], o->size);
      ptrs[o->id] = p;
    }
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
