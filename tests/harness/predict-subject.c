// predict-subject.c: a deterministic single-threaded churn whose heap footprint moves with every glibc
// variant `sim malloc --variants` predicts: blocks from 16 B to 256 KiB (either side of a 32 KiB and of the
// 128 KiB mmap threshold), frees that leave 32–128 KiB at the top (trim_threshold), calloc, memalign, realloc.
// Usage: predict-subject OPS SEED. Same arguments, same calls, so a recording and a real run agree.
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 256

static uint64_t state;

static uint32_t next_random(void) {
  state = state * 6364136223846793005ull + 1442695040888963407ull;
  return (uint32_t)(state >> 33);
}

/* Mostly small, sometimes tens of KiB, rarely beyond the default mmap threshold. */
static size_t pick_size(void) {
  uint32_t r = next_random() % 100;
  if (r < 70) return 16 + next_random() % 1000;
  if (r < 95) return 4096 + next_random() % (60 * 1024);
  return 100 * 1024 + next_random() % (156 * 1024);
}

int main(int argc, char **argv) {
  long ops = argc > 1 ? atol(argv[1]) : 5000;
  state = argc > 2 ? (uint64_t)atoll(argv[2]) : 1;
  void *slots[SLOTS] = {0};
  for (long i = 0; i < ops; i++) {
    uint32_t k = next_random() % SLOTS;
    uint32_t what = next_random() % 10;
    if (slots[k] != NULL && what < 5) {
      free(slots[k]);
      slots[k] = NULL;
    } else if (slots[k] != NULL && what < 7) {
      slots[k] = realloc(slots[k], pick_size());
    } else if (slots[k] == NULL) {
      size_t n = pick_size();
      if (what == 7) slots[k] = calloc(1, n);
      else if (what == 8) slots[k] = memalign(64, n);
      else slots[k] = malloc(n);
      if (slots[k] != NULL) memset(slots[k], 1, 8);
    }
  }
  for (uint32_t k = 0; k < SLOTS; k += 2) free(slots[k]); // half stays live at exit
  return 0;
}
