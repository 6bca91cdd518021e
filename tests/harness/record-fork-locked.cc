// record-fork-locked.cc: _Fork while another thread holds the shim's lock, for `memscope record` with and without
// --follow. The shim runs a new_handler under its lock: a second thread's new (std::nothrow) of HUGE bytes fails
// into a handler that signals the main thread and waits; the main thread mallocs 1111, then _Forks. The child (which
// no atfork handler reached, so the lock it inherits is held by a thread it does not have) mallocs and frees 2222
// and _exits; an alarm kills it if it hangs. Then the handler is let go (the new returns NULL), and the parent mallocs
// and frees 4444. Prints `child PID ops 2`, then `child exited` or `child killed by signal N` (exit 1).
#include <new>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static const size_t HUGE = (size_t)1 << 46; // more than the address space: malloc fails
static const unsigned CHILD_ALARM_S = 3;     // a child stuck on the inherited lock is killed, not waited for forever

static int to_main[2], to_handler[2];
static void *volatile keep; // stops the compiler from dropping the mallocs

/* `TEXT` on stdout with write(2): stdio would allocate. */
static void say(const char *text, int n) {
  if (write(1, text, (size_t)n) != n) _exit(125);
}

/* Runs under the shim's lock (the new that failed is being recorded): tells main, waits, then lets the new fail. */
static void hold_lock(void) {
  char c = 1;
  if (write(to_main[1], &c, 1) != 1 || read(to_handler[0], &c, 1) != 1) _exit(124);
  std::set_new_handler(nullptr);
}

static void *holder(void *) {
  std::set_new_handler(hold_lock);
  keep = new (std::nothrow) char[HUGE];
  return nullptr;
}

int main() {
  if (pipe(to_main) != 0 || pipe(to_handler) != 0) return 126;
  void *mine = malloc(1111);
  keep = mine;
  pthread_t thread;
  if (pthread_create(&thread, nullptr, holder, nullptr) != 0) return 126;
  char c;
  if (read(to_main[0], &c, 1) != 1) return 126;
  pid_t pid = _Fork();
  if (pid < 0) return 126;
  if (pid == 0) {
    alarm(CHILD_ALARM_S);
    keep = malloc(2222);
    free(keep);
    char line[64];
    say(line, snprintf(line, sizeof line, "child %d ops 2\n", (int)getpid()));
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (write(to_handler[1], &c, 1) != 1) return 126;
  pthread_join(thread, nullptr);
  keep = malloc(4444);
  free(keep);
  free(mine);
  char line[64];
  if (WIFEXITED(status)) say("child exited\n", 13);
  else say(line, snprintf(line, sizeof line, "child killed by signal %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : 0));
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
