// record-aligned.c: every aligned and array entry point once, for `memscope record`:
// memalign, posix_memalign (one refused with EINVAL, not an op), aligned_alloc, valloc, pvalloc,
// reallocarray (one overflowing: glibc refuses before realloc, not an op), calloc, malloc_trim.
#define _GNU_SOURCE
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>

static void *volatile sink; // every pointer escapes here, so the compiler keeps each call
static volatile size_t huge = SIZE_MAX / 2; // volatile: gcc would warn about the overflow it is there for

int main(void) {
  void *p1 = memalign(64, 100);          // m 0 64 100
  sink = p1;
  void *p2 = NULL;
  posix_memalign(&p2, 256, 1000);        // m 1 256 1000
  sink = p2;
  void *bad = NULL;
  posix_memalign(&bad, 24, 10);          // EINVAL: not an op
  void *p3 = aligned_alloc(128, 256);    // m 2 128 256
  sink = p3;
  void *p4 = valloc(10);                 // m 3 4096 10
  sink = p4;
  void *p5 = pvalloc(5000);              // m 4 4096 8192
  sink = p5;
  void *p6 = calloc(10, 10);             // c 5 10 10
  sink = p6;
  p6 = reallocarray(p6, 20, 10);         // r 5 200
  sink = p6;
  void *none = reallocarray(sink, huge, 4); // overflow: not an op, p6 stays
  free(p1);                              // f 0
  free(p2);                              // f 1
  free(p3);                              // f 2
  free(p4);                              // f 3
  free(p5);                              // f 4
  free(p6);                              // f 5
  malloc_trim(0);                        // t 0
  return none == NULL ? 0 : 1;
}
