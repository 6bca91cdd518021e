// record-threads.c: producers malloc blocks that consumers free (cross-thread frees), for `memscope record`.
// Usage: record-threads PAIRS BLOCKS. Pair k's producer mallocs BLOCKS blocks of 1000 + k bytes and hands
// them over a one-slot mailbox; its consumer frees each, so every free crosses threads.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct mailbox {
  pthread_mutex_t lock;
  pthread_cond_t changed;
  void *block; // NULL: empty
  int size;
  int blocks;
};

static void *produce(void *arg) {
  struct mailbox *m = arg;
  for (int i = 0; i < m->blocks; i++) {
    void *p = malloc((size_t)m->size);
    pthread_mutex_lock(&m->lock);
    while (m->block != NULL) pthread_cond_wait(&m->changed, &m->lock);
    m->block = p;
    pthread_cond_broadcast(&m->changed);
    pthread_mutex_unlock(&m->lock);
  }
  return NULL;
}

static void *consume(void *arg) {
  struct mailbox *m = arg;
  for (int i = 0; i < m->blocks; i++) {
    pthread_mutex_lock(&m->lock);
    while (m->block == NULL) pthread_cond_wait(&m->changed, &m->lock);
    void *p = m->block;
    m->block = NULL;
    pthread_cond_broadcast(&m->changed);
    pthread_mutex_unlock(&m->lock);
    free(p);
  }
  return NULL;
}

int main(int argc, char **argv) {
  int pairs = argc > 1 ? atoi(argv[1]) : 2;
  int blocks = argc > 2 ? atoi(argv[2]) : 100;
  struct mailbox *boxes = calloc((size_t)pairs, sizeof *boxes);
  pthread_t *threads = malloc(sizeof(pthread_t) * 2 * (size_t)pairs);
  for (int k = 0; k < pairs; k++) {
    pthread_mutex_init(&boxes[k].lock, NULL);
    pthread_cond_init(&boxes[k].changed, NULL);
    boxes[k].size = 1000 + k;
    boxes[k].blocks = blocks;
    pthread_create(&threads[2 * k], NULL, produce, &boxes[k]);
    pthread_create(&threads[2 * k + 1], NULL, consume, &boxes[k]);
  }
  for (int i = 0; i < 2 * pairs; i++) pthread_join(threads[i], NULL);
  free(threads);
  free(boxes);
  return 0;
}
