// Prints the size map that the real gperftools 2.10 TCMalloc computes, by running the library's
// own tcmalloc::SizeMap::Init() (exported by libtcmalloc_minimal.so.4) on a scratch object.
// Oracle for shared/sim/malloc/tcmalloc/size-classes.ts (class_to_size_, class_to_pages_,
// num_objects_to_move_, class_array_, num_size_classes).
//
// usage: tcmalloc-size-map     (link with libtcmalloc_minimal.so.4)
// Output, one line each: `num_size_classes N`, `class_to_size v0 v1 …`, `class_to_pages …`,
// `num_objects_to_move …`, `class_array …` (kClassArraySize entries).
//
// Layout of class SizeMap in gperftools 2.10 src/common.h (x86-64, kPageShift 13, kMaxSize 256 KiB,
// kClassSizesMax 128): unsigned char class_array_[2170]; int num_objects_to_move_[128];
// int32 class_to_size_[128]; size_t class_to_pages_[128]; size_t num_size_classes.
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define kClassSizesMax 128
#define kClassArraySize (((256 * 1024 + 127 + (120 << 7)) >> 7) + 1)

struct size_map {
  unsigned char class_array[kClassArraySize];
  int num_objects_to_move[kClassSizesMax];
  int32_t class_to_size[kClassSizesMax];
  size_t class_to_pages[kClassSizesMax];
  size_t num_size_classes;
};

/* tcmalloc::SizeMap::Init(): a member function, `this` is the first argument. */
void _ZN8tcmalloc7SizeMap4InitEv(void *self);

/* Generous padding in case the real object is larger than this declaration. */
static union { struct size_map map; char pad[1 << 16]; } scratch __attribute__((aligned(64)));

int main(void) {
  memset(&scratch, 0, sizeof scratch);
  _ZN8tcmalloc7SizeMap4InitEv(&scratch);
  const struct size_map *m = &scratch.map;
  size_t n = m->num_size_classes;
  if (n == 0 || n > kClassSizesMax) {
    fprintf(stderr, "tcmalloc-size-map: implausible num_size_classes %zu (layout changed?)\n", n);
    return 2;
  }
  printf("num_size_classes %zu\n", n);
  printf("class_to_size");
  for (size_t c = 0; c < n; c++) printf(" %d", (int) m->class_to_size[c]);
  printf("\nclass_to_pages");
  for (size_t c = 0; c < n; c++) printf(" %zu", m->class_to_pages[c]);
  printf("\nnum_objects_to_move");
  for (size_t c = 0; c < n; c++) printf(" %d", m->num_objects_to_move[c]);
  printf("\nclass_array");
  for (size_t i = 0; i < kClassArraySize; i++) printf(" %u", (unsigned) m->class_array[i]);
  printf("\n");
  return 0;
}
