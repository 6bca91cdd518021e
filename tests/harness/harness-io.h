// Output and memory helpers of the allocator harnesses (malloc-replay.c, tcmalloc-replay.c,
// tcmalloc-usable.c). None of them calls malloc: memory comes from mmap, numbers are formatted by
// hand and output goes out with write(2), so only the calls a harness probes reach the allocator.
// Define HARNESS_NAME ("malloc-replay") before including: it starts every error line.
#ifndef HARNESS_IO_H
#define HARNESS_IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

/* Writes all n bytes, or exits with status 3. */
static inline void write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w <= 0) _exit(3);
    p += w;
    n -= (size_t) w;
  }
}

static inline char *put_str(char *o, const char *s) { while (*s) *o++ = *s++; return o; }

static inline char *put_u64(char *o, uint64_t v) {
  char d[24];
  int n = 0;
  do { d[n++] = (char) ('0' + v % 10); v /= 10; } while (v);
  while (n) *o++ = d[--n];
  return o;
}

static inline char *put_i64(char *o, int64_t v) {
  if (v < 0) { *o++ = '-'; return put_u64(o, (uint64_t) -v); }
  return put_u64(o, (uint64_t) v);
}

/* `HARNESS_NAME: line LINE: MSG` on stderr, then exit status 2 (bad input). */
static inline void die(const char *msg, uint64_t line) {
  char buf[160];
  char *w = put_str(buf, HARNESS_NAME ": line ");
  w = put_u64(w, line);
  w = put_str(w, ": ");
  while (*msg && w < buf + sizeof buf - 1) *w++ = *msg++;
  *w++ = '\n';
  write_all(2, buf, (size_t) (w - buf));
  _exit(2);
}

/* n bytes of zeroed memory from mmap (at least one page), never from malloc. */
static inline void *map_bytes(size_t n) {
  void *p = mmap(NULL, n ? n : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) die("mmap failed", 0);
  return p;
}

#endif
