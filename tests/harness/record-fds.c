// record-fds.c: a program that takes every descriptor above 2 after its first calls, as daemons and a fork child
// before exec do, then mallocs and frees again. `close` closes them all; `dup2 FILE` opens FILE, puts it at every
// number from 3 to 1023 and writes "mine\n" to it, so whatever else FILE holds was written by someone else.
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *volatile keep; // stops the compiler from dropping the calls (a malloc freed unused is elided)

static void churn(size_t size) {
  keep = malloc(size);
  free(keep);
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "close";
  churn(10);
  if (strcmp(mode, "dup2") == 0 && argc > 2) {
    int own = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (own < 0) return 2;
    for (int fd = 3; fd < 1024; fd++)
      if (fd != own) dup2(own, fd);
    if (write(own, "mine\n", 5) != 5) return 2;
  } else {
    for (int fd = 3; fd < 1024; fd++) close(fd);
  }
  for (int i = 0; i < 3; i++) churn(20);
  return 0;
}
