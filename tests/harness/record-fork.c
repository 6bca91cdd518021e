// record-fork.c: a parent, a fork child and an exec'd image, each with one malloc of a size of its own,
// for `memscope record` with and without --follow. The child's exec runs this program again as "exec".
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void *volatile keep; // stops the compiler from dropping the mallocs

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "exec") == 0) {
    keep = malloc(3333);                 // the exec'd image
    return 0;
  }
  keep = malloc(1111);                   // the parent, before fork
  pid_t pid = fork();
  if (pid == 0) {
    keep = malloc(2222);                 // the fork child
    execl("/proc/self/exe", argv[0], "exec", (char *)NULL);
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  keep = malloc(4444);                   // the parent, after the child
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
