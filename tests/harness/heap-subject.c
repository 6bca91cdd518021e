/* A subject with a known glibc heap for `memscope heap`: it builds tcache, fastbin, small, large, unsorted and
 * mmapped chunks and a fragmented region, optionally in THREADS extra threads that each own an arena and then
 * park, then calls mallinfo2() at that quiescent point and prints it without allocating (static buffer, write):
 *   "mallinfo2 arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost" (10 numbers)
 * then malloc_info()'s XML, through a FILE set up before the heap is built (static buffer: no allocation then),
 * and waits for EOF on stdin (or "exit"). With "exited" the threads exit before that (their arenas go to the
 * free list, their tcaches are flushed and freed). With "churn" it then mallocs and frees in a tight loop until killed, for
 * torn-read tests; with "fill N" the main thread first makes N more chunks of 24..264 bytes and frees every third
 * (a heap of N chunks, for scale); with "holes N" it makes N chunks of 4-32 KiB, written (resident), each behind a
 * 40-byte keeper, and frees every other one (free chunks with whole resident pages between live ones, for trim).
 * With "bigarena" each thread then makes 900 chunks of 100 KB (90 MB: its arena grows a second 64 MiB heap, mostly
 * never touched) and frees every other one from the 600th (free chunks in both heaps), writing every fourth from the
 * 700th first (5 MB resident in the second heap, for trim).
 * Commands on stdin, one per line: "trim" calls malloc_trim(0) and answers "trimmed R" (its return); "malloc N"
 * answers "malloc P" (the pointer, decimal; kept live), for the model to predict; "exit".
 * usage: heap-subject [THREADS] [exited | churn | bigarena | fill N | holes N] */
#define _GNU_SOURCE
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static char out[512];
static size_t outLen;
void *volatile sink; /* keeps the live pointers observable */
static pthread_barrier_t built;
static pthread_barrier_t done;
static int threadsExit;
static int bigArena;
/* Called through volatile pointers so the compiler cannot pair and elide a malloc with its free. */
static void *(*volatile do_malloc)(size_t) = malloc;
static void (*volatile do_free)(void *) = free;
#define malloc(n) do_malloc(n)
#define free(p) do_free(p)

static void put_text(const char *s) {
  while (*s != '\0' && outLen < sizeof out - 1) out[outLen++] = *s++;
}

static void put_size(size_t v) {
  char digits[24];
  int n = 0;
  do digits[n++] = (char)('0' + v % 10); while ((v /= 10) != 0);
  while (n > 0 && outLen < sizeof out - 1) out[outLen++] = digits[--n];
}

/* Every kind of chunk, in the calling thread's arena; the pointers kept are never freed (live allocations).
 * Everything is allocated first, then freed: a later small request would split a binned chunk, a large one sorts
 * the unsorted bin and consolidates the fastbins. Expected: tcache 0x20/0x40/0x110/0x210 full (28 chunks), 2 in
 * the 0x20 fastbin, 26 in smallbins (one 0x210, 25 of 0x110: the fragmented region), one 4000-byte chunk in a
 * largebin, one 12000-byte chunk unsorted, 2 mmapped. */
static void build_heap(void) {
  static __thread void *keep[512];
  int k = 0;
  void *a[7], *b[8], *f[64], *s[9], *large, *unsorted;
  keep[k++] = malloc(1 << 20); /* mmapped: above the mmap threshold */
  keep[k++] = malloc(300000);
  for (int i = 0; i < 7; i++) { a[i] = malloc(56); keep[k++] = malloc(24); }
  for (int i = 0; i < 8; i++) { b[i] = malloc(0x200); keep[k++] = malloc(24); }
  large = malloc(4000);
  keep[k++] = malloc(24);
  for (int i = 0; i < 64; i++) f[i] = malloc(0x100); /* every other one stays: a fragmented region */
  unsorted = malloc(12000);
  keep[k++] = malloc(24);
  for (int i = 0; i < 9; i++) { s[i] = malloc(24); keep[k++] = malloc(40); }
  for (int i = 0; i < 7; i++) free(a[i]);           /* tcache 0x40 */
  for (int i = 0; i < 8; i++) free(b[i]);           /* 7 to tcache 0x210, 1 to unsorted */
  free(large);                                      /* unsorted */
  for (int i = 1; i < 64; i += 2) free(f[i]);       /* 7 to tcache 0x110, 25 to unsorted */
  keep[k++] = malloc(9000); /* from top; sorts unsorted: 0x210 and 0x110 chunks to smallbins, 4000 to a largebin */
  for (int i = 0; i < 9; i++) free(s[i]);           /* 7 to tcache 0x20, 2 to the fastbin */
  memset(unsorted, 1, 12000);                       /* resident: malloc_trim has whole pages to give back */
  free(unsorted);                                   /* unsorted (under 64 KiB: no consolidation) */
  for (int i = 0; i < 64; i += 2) keep[k++] = f[i];
  sink = keep[k - 1];
}

static void *thread_main(void *arg) {
  (void)arg;
  build_heap();
  static __thread void *big[900];
  for (int i = 0; bigArena && i < 900; i++) big[i] = malloc(100000); /* under the mmap threshold: from the arena */
  for (int i = 600; bigArena && i < 900; i += 2) {
    if (i >= 700 && i % 4 == 0) memset(big[i], 1, 100000);
    free(big[i]);
  }
  pthread_barrier_wait(&built);
  if (!threadsExit) pthread_barrier_wait(&done); /* parked until the subject exits */
  return NULL;
}

int main(int argc, char **argv) {
  static char infoBuffer[1 << 16];
  FILE *info = fdopen(dup(1), "w"); /* allocates now, before the known heap */
  if (info == NULL || setvbuf(info, infoBuffer, _IOFBF, sizeof infoBuffer) != 0) return 1;
  int threads = argc > 1 ? atoi(argv[1]) : 0;
  static pthread_t tids[64];
  if (threads > 64) return 2;
  threadsExit = argc > 2 && strcmp(argv[2], "exited") == 0;
  bigArena = argc > 2 && strcmp(argv[2], "bigarena") == 0;
  pthread_barrier_init(&built, NULL, (unsigned)threads + 1);
  pthread_barrier_init(&done, NULL, (unsigned)threads + 1);
  for (int i = 0; i < threads; i++) pthread_create(&tids[i], NULL, thread_main, NULL);
  build_heap();
  if (argc > 3 && strcmp(argv[2], "fill") == 0) {
    size_t n = strtoul(argv[3], NULL, 10);
    void **chunks = mmap(NULL, n * sizeof(void *), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (chunks == MAP_FAILED) return 1;
    for (size_t i = 0; i < n; i++) chunks[i] = malloc(24 + (i * 40503u) % 241);
    for (size_t i = 0; i < n; i += 3) free(chunks[i]);
  }
  if (argc > 3 && strcmp(argv[2], "holes") == 0) {
    size_t n = strtoul(argv[3], NULL, 10);
    void **chunks = mmap(NULL, n * sizeof(void *), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (chunks == MAP_FAILED) return 1;
    for (size_t i = 0; i < n; i++) {
      size_t size = 4096 * (1 + i % 8) + 100;
      chunks[i] = malloc(size);
      memset(chunks[i], 1, size);
      sink = malloc(40);
    }
    for (size_t i = 0; i < n; i += 2) free(chunks[i]);
  }
  pthread_barrier_wait(&built);
  for (int i = 0; threadsExit && i < threads; i++) pthread_join(tids[i], NULL);
  struct mallinfo2 m = mallinfo2();
  size_t fields[] = {m.arena, m.ordblks, m.smblks, m.hblks, m.hblkhd, m.usmblks, m.fsmblks, m.uordblks, m.fordblks, m.keepcost};
  put_text("mallinfo2");
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) { put_text(" "); put_size(fields[i]); }
  put_text("\n");
  if (write(1, out, outLen) < 0) return 1;
  malloc_info(0, info);
  fflush(info);
  if (argc > 2 && strcmp(argv[2], "churn") == 0) {
    static void *slots[256];
    for (unsigned i = 0;; i++) { /* sizes from 16 bytes to 8 KiB: tcache, fastbins, bins and top all move */
      unsigned slot = (i * 2654435761u) % 256;
      free(slots[slot]);
      slots[slot] = malloc(16 + (i * 40503u) % 8192);
    }
  }
  char cmd[64];
  ssize_t got;
  while ((got = read(0, cmd, sizeof cmd - 1)) > 0) {
    cmd[got] = '\0';
    if (strncmp(cmd, "exit", 4) == 0) break;
    if (strncmp(cmd, "malloc ", 7) == 0) {
      sink = malloc(strtoul(cmd + 7, NULL, 10));
      outLen = 0;
      put_text("malloc ");
      put_size((size_t)sink);
      put_text("\n");
      if (write(1, out, outLen) < 0) return 1;
    }
    if (strncmp(cmd, "trim", 4) == 0) {
      int released = malloc_trim(0);
      outLen = 0;
      put_text("trimmed ");
      put_size((size_t)released);
      put_text("\n");
      if (write(1, out, outLen) < 0) return 1;
    }
  }
  return 0;
}
