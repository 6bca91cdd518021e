// record-cxx.cc: a C++ program whose every allocation is an operator new: plain, array, nothrow, align_val_t
// (alignas(64) objects and arrays, nothrow too, and a size no multiple of its alignment), new(0), sized, aligned and
// array deletes, a vector growing, one block above
// glibc's mmap threshold. It runs ROUNDS rounds on THREADS std::threads one after another, each deleting what the
// one before made (frees cross threads), so its calls come in the same order every run, under either allocator.
// With HUGE, it then asks for HUGE bytes twice: new (std::bad_alloc caught) and new (std::nothrow) (NULL).
// Usage: record-cxx THREADS ROUNDS [HUGE]. Prints what it saw, so a test knows the program really ran.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <thread>
#include <vector>

namespace {

/** 64-byte aligned: new Line is operator new(192, align_val_t(64)), delete is the sized aligned delete. */
struct alignas(64) Line {
  unsigned char bytes[192];
};

/** Trivial: new Node / delete node are the sized plain pair. */
struct Node {
  Node *next;
  std::uint64_t value;
};

/** A destructor: new Tracked[n] stores a count cookie, and delete[] is the sized array delete. */
struct Tracked {
  std::uint64_t value = 1;
  ~Tracked() { value = 0; }
};

/** What one round leaves for the next (on another thread) to delete. */
struct Handoff {
  Node *list = nullptr;
  Tracked *tracked = nullptr;
  Line *line = nullptr;
  Line *lines = nullptr;
  char *bytes = nullptr;
  char *big = nullptr;
  Node *nothrow = nullptr;
  Line *aligned_nothrow = nullptr;
  void *raw_aligned = nullptr;
  void *empty = nullptr;
  std::vector<std::uint64_t> *vector = nullptr;
};

std::uint64_t state = 1;
long deletes = 0;

std::uint32_t next_random() {
  state = state * 6364136223846793005ull + 1442695040888963407ull;
  return static_cast<std::uint32_t>(state >> 33);
}

/** Deletes everything the last round made, each with the delete its new pairs with. */
void release(Handoff &h) {
  while (h.list != nullptr) {
    Node *next = h.list->next;
    delete h.list;
    h.list = next;
    deletes++;
  }
  delete[] h.tracked;
  delete h.line;
  delete[] h.lines;
  delete[] h.bytes;
  delete[] h.big;
  delete h.nothrow;
  delete h.aligned_nothrow;
  ::operator delete(h.raw_aligned, std::align_val_t(32));
  ::operator delete(h.empty);
  delete h.vector;
  deletes += 10;
  h = Handoff{};
}

/** One round: frees the last round's blocks, then makes a new set of every kind. */
void run_round(Handoff &h) {
  release(h);
  for (std::uint32_t i = 0, n = 4 + next_random() % 12; i < n; i++) h.list = new Node{h.list, i};
  h.tracked = new Tracked[1 + next_random() % 40];
  h.line = new Line;
  h.lines = new Line[1 + next_random() % 8];
  h.bytes = new char[16 + next_random() % 5000];
  h.big = new char[200 * 1024 + next_random() % 4096];
  h.nothrow = new (std::nothrow) Node{nullptr, 7};
  h.aligned_nothrow = new (std::nothrow) Line;
  h.raw_aligned = ::operator new(100 + next_random() % 100, std::align_val_t(32));  // not a multiple of 32
  h.empty = ::operator new(0);
  h.vector = new std::vector<std::uint64_t>();
  for (std::uint32_t i = 0, n = 10 + next_random() % 300; i < n; i++) h.vector->push_back(i);
}

}  // namespace

int main(int argc, char **argv) {
  long threads = argc > 1 ? std::atol(argv[1]) : 4;
  long rounds = argc > 2 ? std::atol(argv[2]) : 3;
  Handoff h;
  run_round(h);
  for (long t = 0; t < threads; t++) {
    std::thread worker([&h, rounds] {
      for (long r = 0; r < rounds; r++) run_round(h);
    });
    worker.join();  // one at a time: the order of calls is fixed
  }
  run_round(h);
  release(h);
  std::printf("%ld deletes\n", deletes);
  if (argc > 3) {
    std::size_t huge = std::strtoull(argv[3], nullptr, 10);
    try {
      char *p = new char[huge];
      std::printf("new of %zu bytes returned %p\n", huge, static_cast<void *>(p));
    } catch (const std::bad_alloc &) {
      std::printf("new of %zu bytes threw std::bad_alloc\n", huge);
    }
    char *q = new (std::nothrow) char[huge];
    std::printf("new (std::nothrow) of %zu bytes returned %s\n", huge, q == nullptr ? "NULL" : "a block");
    h.list = new Node{nullptr, 1};  // calls after the throw are recorded too: the shim was not left locked
    release(h);
  }
  return 0;
}
