// The malloclab/.rep trace reader of the replay harnesses (malloc-replay.c, tcmalloc-replay.c), and the C
// program an op stands for. Input: the text shared/sim/trace.ts parses. Optional leading bare-integer header
// lines, then `a ID SIZE`, `f ID`, `r ID SIZE`; `#` comment lines and blank lines are skipped; bad input
// dies naming the line. The input and the ops live in mmap'd memory (harness-io.h), so reading a trace never
// touches the allocator.
#ifndef TRACE_READER_H
#define TRACE_READER_H

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "harness-io.h"

struct op {
  char kind;       /* 'a' 'f' 'r' */
  uint64_t id;
  uint64_t size;   /* 0 for 'f' */
};

/* A parsed trace. */
struct trace {
  struct op *ops;
  size_t nops;
  uint64_t max_id;
};

/* Reads the whole input (a path, or "-" for stdin) with read(2) into an mmap'd buffer grown with mremap. */
static inline char *read_input(const char *path, size_t *len) {
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

static inline int is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* Lines in [text, end): an upper bound on the ops a trace holds. */
static inline size_t count_lines(const char *text, const char *end) {
  size_t lines = 1;
  for (const char *c = text; c < end; c++) lines += (*c == '\n');
  return lines;
}

/*
 * The line at *s: sets *eol to its end, counts it in *lineno and moves *s past it. Returns its first
 * non-space character, or NULL for a blank or `#` line (a comment).
 */
static inline const char *next_trace_line(const char **s, const char *end, const char **eol, uint64_t *lineno) {
  const char *nl = memchr(*s, '\n', (size_t) (end - *s));
  *eol = nl ? nl : end;
  (*lineno)++;
  const char *p = *s;
  *s = *eol + 1;
  while (p < *eol && is_space(*p)) p++;
  return p == *eol || *p == '#' ? NULL : p;
}

/* Parses an unsigned decimal at *p (after blanks); returns 0 when there is none. */
static inline int parse_u64(const char **p, const char *end, uint64_t *out) {
  const char *s = *p;
  while (s < end && is_space(*s)) s++;
  if (s == end || *s < '0' || *s > '9') return 0;
  uint64_t v = 0;
  while (s < end && *s >= '0' && *s <= '9') v = v * 10 + (uint64_t) (*s++ - '0');
  *out = v;
  *p = s;
  return 1;
}

/* Reads and parses a trace: pass 1 counts lines (an upper bound of the ops), pass 2 parses them. */
static inline struct trace read_trace(const char *path) {
  size_t len;
  const char *text = read_input(path, &len);
  const char *end = text + len;
  struct trace t = { map_bytes(count_lines(text, end) * sizeof(struct op)), 0, 0 };

  int header = 1;
  uint64_t lineno = 0;
  for (const char *s = text; s < end;) {
    const char *eol;
    const char *p = next_trace_line(&s, end, &eol, &lineno);
    if (!p) continue;
    if (*p >= '0' && *p <= '9') {
      uint64_t ignored;
      if (!header || !parse_u64(&p, eol, &ignored)) die("unexpected number", lineno);
      while (p < eol && is_space(*p)) p++;
      if (p != eol) die("header line must be one integer", lineno);
      continue;
    }
    header = 0;
    struct op *o = &t.ops[t.nops];
    o->kind = *p++;
    if (o->kind != 'a' && o->kind != 'f' && o->kind != 'r') die("unknown op", lineno);
    if (!parse_u64(&p, eol, &o->id)) die("missing id", lineno);
    o->size = 0;
    if (o->kind != 'f' && !parse_u64(&p, eol, &o->size)) die("missing size", lineno);
    while (p < eol && is_space(*p)) p++;
    if (p != eol) die("trailing text", lineno);
    if (o->id > t.max_id) t.max_id = o->id;
    t.nops++;
  }
  return t;
}

/*
 * Runs op o as the C program `void *ptr[ID]` (all NULL at first) would, and returns what the call returned
 * (NULL for a free): `a` is ptr[ID] = malloc(SIZE), or calloc(calloc_n, SIZE) with use_calloc, leaking a
 * block ptr[ID] still held; `f` is free(ptr[ID]), leaving ptr[ID] dangling (a second `f ID` is a double
 * free); `r` is ptr[ID] = realloc(ptr[ID], SIZE), so `r ID 0` frees. On a NULL id, f and r are free(NULL) and
 * realloc(NULL, n).
 */
static inline void *replay_op(const struct op *o, void **ptrs, int use_calloc, uint64_t calloc_n) {
  void *p = NULL;
  if (o->kind == 'a') {
    p = use_calloc ? calloc(calloc_n, o->size) : malloc(o->size);
    ptrs[o->id] = p;
  } else if (o->kind == 'f') {
    free(ptrs[o->id]);
  } else {
    p = realloc(ptrs[o->id], o->size);
    ptrs[o->id] = p;
  }
  return p;
}

/* The --time output: {"ops":N,"replay_ns":T} for a replay loop timed from t0 to t1. */
static inline void write_timing(size_t nops, const struct timespec *t0, const struct timespec *t1) {
  char line[96];
  char *w = put_str(line, "{\"ops\":");
  w = put_u64(w, nops);
  w = put_str(w, ",\"replay_ns\":");
  w = put_u64(w, (uint64_t) (t1->tv_sec - t0->tv_sec) * 1000000000u + (uint64_t) t1->tv_nsec - (uint64_t) t0->tv_nsec);
  w = put_str(w, "}\n");
  write_all(1, line, (size_t) (w - line));
}

#endif
