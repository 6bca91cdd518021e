// The statistics the TCMalloc replay harnesses (tcmalloc-replay.c, tcmalloc-mt-replay.c) print after each op:
// gperftools 2.10's MallocExtension properties, in the order of TCMALLOC_STATS_KEYS (shared/sim/malloc/tcmalloc/
// stats.ts). Reading them takes TCMalloc's locks and its counters; it does not allocate.
#ifndef TCMALLOC_STATS_H
#define TCMALLOC_STATS_H

#include "harness-io.h"

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

/* Reads every property into out[0 … NPROPS-1]; an unknown one (another library) dies. */
static inline void read_stats(size_t *out) {
  for (int k = 0; k < NPROPS; k++) {
    size_t v = 0;
    if (!MallocExtension_GetNumericProperty(kProperties[k], &v)) die("unknown property", 0);
    out[k] = v;
  }
}

#endif
