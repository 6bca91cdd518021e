/* The cache simulator's built-in access patterns (shared/sim/access/patterns.ts) as real code, to run under
 * valgrind --tool=cachegrind --cache-sim=yes and compare miss counts with the simulator.
 * Each pattern runs in its own noipa function named pattern_<name>, so cachegrind's per-function counts hold
 * the pattern's accesses only (loop counters live in registers at -O2; build with -fno-tree-vectorize so every
 * element is one 8-byte access, as the simulator models it). Before the pattern, scrub() reads a buffer of
 * SCRUB_BYTES (>= 2 x LL) one long per 64 bytes, so every cache set holds only lines the pattern never touches
 * (LRU then behaves exactly as from empty caches), and warm_stack() writes the stack lines the pattern's
 * prologue will push to.
 *
 * usage: cache-patterns SCRUB_BYTES PATTERN ARGS...
 *   row-major ROWS COLS | col-major ROWS COLS        (long matrix, row stride COLS*8)
 *   array-walk COUNT NODE_BYTES                       (reads node[i].value, i ascending)
 *   list-walk COUNT NODE_BYTES ORDER_FILE             (ORDER_FILE: COUNT little-endian uint32, the visiting order)
 *   aos COUNT FIELD_COUNT FIELDS_READ | soa COUNT FIELD_COUNT FIELDS_READ
 *   matmul-naive N | matmul-blocked N BLOCK           (double C = A x B; BLOCK divides N)
 * stdout: "bases HEX..." (the buffers' addresses, in the simulator's order), then "result N".
 * Benchmarks: CACHE_PATTERNS_REPEAT=R calls the pattern R times in a row (default 1); CACHE_PATTERNS_SKIP set
 * runs everything but the pattern calls, so the pattern's time is the difference. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NODE_VALUE_OFFSET 8 /* struct node { node *next; long value; ... } */

static void *alloc_lines(size_t bytes) {
  void *p = aligned_alloc(64, (bytes + 63) & ~(size_t)63);
  if (p == NULL) { perror("aligned_alloc"); exit(2); }
  memset(p, 0, bytes);
  return p;
}

__attribute__((noipa)) long scrub(const long *buf, long longs) {
  long s = 0;
  for (long i = 0; i < longs; i += 8) s += buf[i];
  return s;
}

__attribute__((noipa)) long warm_stack(void) {
  volatile char frame[1024];
  for (int i = 0; i < (int)sizeof frame; i += 64) frame[i] = (char)i;
  return frame[64];
}

__attribute__((noipa)) long pattern_row_major(const long *a, long rows, long cols) {
  long s = 0;
  for (long i = 0; i < rows; i++)
    for (long j = 0; j < cols; j++) s += a[i * cols + j];
  return s;
}

__attribute__((noipa)) long pattern_col_major(const long *a, long rows, long cols) {
  long s = 0;
  for (long j = 0; j < cols; j++)
    for (long i = 0; i < rows; i++) s += a[i * cols + j];
  return s;
}

__attribute__((noipa)) long pattern_array_walk(const char *pool, long count, long node_bytes) {
  long s = 0;
  for (long i = 0; i < count; i++) s += *(const long *)(pool + i * node_bytes + NODE_VALUE_OFFSET);
  return s;
}

__attribute__((noipa)) long pattern_list_walk(const char *head) {
  long s = 0;
  for (const char *p = head; p != NULL; p = *(const char *const *)p) s += *(const long *)(p + NODE_VALUE_OFFSET);
  return s;
}

__attribute__((noipa)) long pattern_aos(const long *a, long count, long field_count, long fields_read) {
  long s = 0;
  for (long i = 0; i < count; i++)
    for (long f = 0; f < fields_read; f++) s += a[i * field_count + f];
  return s;
}

__attribute__((noipa)) long pattern_soa(const long *a, long count, long fields_read) {
  long s = 0;
  for (long i = 0; i < count; i++)
    for (long f = 0; f < fields_read; f++) s += a[f * count + i];
  return s;
}

__attribute__((noipa)) void pattern_matmul_naive(const double *A, const double *B, double *C, long n) {
  for (long i = 0; i < n; i++)
    for (long j = 0; j < n; j++) {
      double s = 0;
      for (long k = 0; k < n; k++) s += A[i * n + k] * B[k * n + j];
      C[i * n + j] = s;
    }
}

__attribute__((noipa)) void pattern_matmul_blocked(const double *A, const double *B, double *C, long n, long b) {
  /* n is a multiple of b (checked in main), so no tile is cut short. Pointers rather than indices keep
   * every loop variable in a register (no spills: only the pattern's own accesses touch memory). */
  for (long ii = 0; ii < n; ii += b)
    for (long jj = 0; jj < n; jj += b)
      for (long kk = 0; kk < n; kk += b) {
        const double *arow = A + ii * n + kk;
        double *crow = C + ii * n + jj;
        const double *btile = B + kk * n + jj;
        for (long i = 0; i < b; i++, arow += n, crow += n)
          for (long j = 0; j < b; j++) {
            const double *bk = btile + j;
            double s = crow[j];
            for (long k = 0; k < b; k++) s += arow[k] * bk[k * n];
            crow[j] = s;
          }
      }
}

static long arg(int argc, char **argv, int i) {
  if (i >= argc) { fprintf(stderr, "missing argument %d\n", i); exit(2); }
  return atol(argv[i]);
}

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: %s SCRUB_BYTES PATTERN ARGS...\n", argv[0]); return 2; }
  long scrub_bytes = atol(argv[1]);
  const int skip = getenv("CACHE_PATTERNS_SKIP") != NULL;
  const long repeat = getenv("CACHE_PATTERNS_REPEAT") != NULL ? atol(getenv("CACHE_PATTERNS_REPEAT")) : 1;
  const char *name = argv[2];
  long *scrub_buf = alloc_lines((size_t)scrub_bytes);
  for (long i = 0; i < scrub_bytes / 8; i++) scrub_buf[i] = i;
  double result = 0;
  if (strcmp(name, "row-major") == 0 || strcmp(name, "col-major") == 0) {
    long rows = arg(argc, argv, 3), cols = arg(argc, argv, 4);
    long *a = alloc_lines((size_t)(rows * cols) * 8);
    for (long i = 0; i < rows * cols; i++) a[i] = i;
    printf("bases %lx\n", (unsigned long)a);
    result += scrub(scrub_buf, scrub_bytes / 8) + warm_stack();
    for (long r = 0; r < repeat && !skip; r++) result += name[0] == 'r' ? pattern_row_major(a, rows, cols) : pattern_col_major(a, rows, cols);
  } else if (strcmp(name, "array-walk") == 0 || strcmp(name, "list-walk") == 0) {
    long count = arg(argc, argv, 3), node_bytes = arg(argc, argv, 4);
    char *pool = alloc_lines((size_t)(count * node_bytes));
    for (long i = 0; i < count; i++) *(long *)(pool + i * node_bytes + NODE_VALUE_OFFSET) = i;
    printf("bases %lx\n", (unsigned long)pool);
    if (name[0] == 'a') {
      result += scrub(scrub_buf, scrub_bytes / 8) + warm_stack();
      for (long r = 0; r < repeat && !skip; r++) result += pattern_array_walk(pool, count, node_bytes);
    } else {
      if (argc < 6) { fprintf(stderr, "list-walk needs ORDER_FILE\n"); return 2; }
      uint32_t *order = malloc((size_t)count * 4);
      FILE *f = fopen(argv[5], "rb");
      if (order == NULL || f == NULL || fread(order, 4, (size_t)count, f) != (size_t)count) { perror("order file"); return 2; }
      fclose(f);
      for (long k = 0; k < count; k++) {
        char *node = pool + (long)order[k] * node_bytes;
        *(char **)node = k + 1 < count ? pool + (long)order[k + 1] * node_bytes : NULL;
      }
      result += scrub(scrub_buf, scrub_bytes / 8) + warm_stack();
      for (long r = 0; r < repeat && !skip; r++) result += pattern_list_walk(pool + (long)order[0] * node_bytes);
    }
  } else if (strcmp(name, "aos") == 0 || strcmp(name, "soa") == 0) {
    long count = arg(argc, argv, 3), field_count = arg(argc, argv, 4), fields_read = arg(argc, argv, 5);
    long *a = alloc_lines((size_t)(count * field_count) * 8);
    for (long i = 0; i < count * field_count; i++) a[i] = i;
    printf("bases %lx\n", (unsigned long)a);
    result += scrub(scrub_buf, scrub_bytes / 8) + warm_stack();
    for (long r = 0; r < repeat && !skip; r++) result += name[0] == 'a' ? pattern_aos(a, count, field_count, fields_read) : pattern_soa(a, count, fields_read);
  } else if (strcmp(name, "matmul-naive") == 0 || strcmp(name, "matmul-blocked") == 0) {
    long n = arg(argc, argv, 3);
    double *A = alloc_lines((size_t)(n * n) * 8), *B = alloc_lines((size_t)(n * n) * 8), *C = alloc_lines((size_t)(n * n) * 8);
    for (long i = 0; i < n * n; i++) { A[i] = (double)(i % 7); B[i] = (double)(i % 5); }
    printf("bases %lx %lx %lx\n", (unsigned long)A, (unsigned long)B, (unsigned long)C);
    result += scrub(scrub_buf, scrub_bytes / 8) + warm_stack();
    long b = strcmp(name, "matmul-naive") == 0 ? 0 : arg(argc, argv, 4);
    if (b != 0 && (b < 1 || n % b != 0)) { fprintf(stderr, "BLOCK must divide N\n"); return 2; }
    for (long r = 0; r < repeat && !skip; r++) {
      if (b == 0) pattern_matmul_naive(A, B, C, n);
      else pattern_matmul_blocked(A, B, C, n, b);
    }
    result = 0;
    for (long i = 0; i < n * n; i++) result += C[i];
  } else {
    fprintf(stderr, "unknown pattern %s\n", name);
    return 2;
  }
  printf("result %.0f\n", result);
  return 0;
}
