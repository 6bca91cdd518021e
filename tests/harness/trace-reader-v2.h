// The memscope-trace 2 reader of mt-replay.c and tcmalloc-mt-replay.c: `# memscope-trace 2 cpus=N …` then
// a/c/m/r/f/t/x ops and `@ TID` thread switches (the format shared/sim/trace.ts reads; `=HEX` results are
// skipped). Other `#` lines and blank lines are comments; bad input dies naming the line. Memory comes from
// mmap (harness-io.h).
#ifndef TRACE_READER_V2_H
#define TRACE_READER_V2_H

#include "trace-reader.h"

/* Most threads a trace may name (tids 0 … MAX_THREADS-1). */
#define MAX_THREADS 1024

struct op2 {
  char kind;       /* 'a' 'c' 'm' 'r' 'f' 't' 'x' */
  uint32_t tid;    /* the thread that runs it; for 'x' the exiting thread */
  uint64_t id;     /* 0 for 't' and 'x' */
  uint64_t size;   /* a/r/m/c: SIZE (c: element size); t: PAD */
  uint64_t aux;    /* c: NMEMB; m: ALIGN */
};

struct trace2 {
  struct op2 *ops;
  size_t nops;
  uint64_t max_id;
  uint32_t threads;  /* highest tid + 1 */
};

/* Skips an optional `=HEX` result after the operands. */
static inline void skip_result(const char **p, const char *eol) {
  while (*p < eol && is_space(**p)) (*p)++;
  if (*p < eol && **p == '=') {
    (*p)++;
    while (*p < eol && ((**p >= '0' && **p <= '9') || (**p >= 'a' && **p <= 'f'))) (*p)++;
  }
}

static inline struct trace2 read_trace_v2(const char *path) {
  size_t len;
  const char *text = read_input(path, &len);
  const char *end = text + len;
  struct trace2 t = { map_bytes(count_lines(text, end) * sizeof(struct op2)), 0, 0, 1 };
  uint32_t tid = 0;
  uint64_t lineno = 0;
  for (const char *s = text; s < end;) {
    const char *eol;
    const char *p = next_trace_line(&s, end, &eol, &lineno);
    if (!p) continue;
    char kind = *p++;
    uint64_t v;
    if (kind == '@') {
      if (!parse_u64(&p, eol, &v) || v >= MAX_THREADS) die("bad thread", lineno);
      tid = (uint32_t) v;
      if (tid + 1 > t.threads) t.threads = tid + 1;
      continue;
    }
    struct op2 *o = &t.ops[t.nops];
    o->kind = kind;
    o->tid = tid;
    o->id = o->size = o->aux = 0;
    if (kind == 'a' || kind == 'r') {
      if (!parse_u64(&p, eol, &o->id) || !parse_u64(&p, eol, &o->size)) die("missing id or size", lineno);
    } else if (kind == 'c' || kind == 'm') {
      if (!parse_u64(&p, eol, &o->id) || !parse_u64(&p, eol, &o->aux) || !parse_u64(&p, eol, &o->size)) die("missing operand", lineno);
    } else if (kind == 'f') {
      if (!parse_u64(&p, eol, &o->id)) die("missing id", lineno);
    } else if (kind == 't') {
      if (!parse_u64(&p, eol, &o->size)) die("missing pad", lineno);
    } else if (kind == 'x') {
      if (!parse_u64(&p, eol, &v) || v >= MAX_THREADS) die("bad thread", lineno);
      o->tid = (uint32_t) v;
      if (o->tid + 1 > t.threads) t.threads = o->tid + 1;
    } else {
      die("unknown op", lineno);
    }
    skip_result(&p, eol);
    while (p < eol && is_space(*p)) p++;
    if (p != eol) die("trailing text", lineno);
    if (o->id > t.max_id) t.max_id = o->id;
    t.nops++;
  }
  return t;
}

#endif
