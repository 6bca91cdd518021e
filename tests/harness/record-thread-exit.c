// record-thread-exit.c: what happens around a thread's exit, for `memscope record`. A worker mallocs a block
// of 4321 bytes that its TSD destructor frees (user code: recorded before the thread's `x`), and asks strerror
// for an unknown errno, whose message glibc mallocs and frees in __libc_thread_freeres after every TSD
// destructor (glibc 2.36 string/strerror_l.c, malloc/thread-freeres.c): after `x`, so passed through.
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_key_t key;

static void free_block(void *block) { free(block); }

static void *work(void *arg) {
  (void)arg;
  pthread_setspecific(key, malloc(4321));
  return strerror(12345); // "Unknown error 12345", in a per-thread buffer
}

int main(void) {
  pthread_key_create(&key, free_block);
  pthread_t t;
  void *message = NULL;
  pthread_create(&t, NULL, work, NULL);
  pthread_join(t, &message);
  return message == NULL;
}
