// record-raw-fork.c: a fork child in which no pthread_atfork handler runs, for `memscope record` with and without
// --follow. The parent mallocs 1111, makes the child, waits for it, then mallocs and frees 4444 and frees 1111:
// 4 ops. The child frees the parent's 1111 (a block its own trace never named: untracked), then mallocs and frees
// 2222 PAIRS times (more trace than the shim's 1 MiB buffer holds, so it must be written while the child runs)
// and _exits. Each process prints `parent PID ops N` / `child PID ops N` (written with write(2): stdio allocates).
//   record-raw-fork MODE: _Fork     glibc's _Fork (2.34+): fork without the atfork handlers
//                         clone     syscall(SYS_clone, SIGCHLD, …): a clone without CLONE_VM
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAIRS 100000 // malloc/free pairs: over 1.5 MB of trace

static void *volatile keep; // stops the compiler from dropping the mallocs

/* `WHO PID ops N` on stdout. */
static void say(const char *who, long ops) {
  char line[64];
  int n = snprintf(line, sizeof line, "%s %d ops %ld\n", who, (int)getpid(), ops);
  if (write(1, line, (size_t)n) != n) _exit(125);
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  void *inherited = malloc(1111);
  keep = inherited;
  pid_t pid;
  if (strcmp(mode, "_Fork") == 0) pid = _Fork();
  else if (strcmp(mode, "clone") == 0) pid = (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
  else return 2;
  if (pid < 0) return 126;
  if (pid == 0) {
    free(inherited);
    for (int i = 0; i < PAIRS; i++) {
      keep = malloc(2222);
      free(keep);
    }
    say("child", 2L * PAIRS);
    _exit(0);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return 1;
  keep = malloc(4444);
  free(keep);
  free(inherited);
  say("parent", 4);
  return 0;
}
