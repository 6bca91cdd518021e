// record-errno.c: a program that counts on errno surviving its malloc and free calls (glibc's keep it when they
// succeed; free keeps it by contract since glibc 2.33). It sets errno to EDOM before each call and prints
// `errno kept` or `errno N after CALL` (the first change), so a test sees what the recorded program saw.
//   (no argument)  check in this process
//   fork           malloc, fork a child that execs this program (its image's trace is TRACE.PID.2 under --follow), wait, check
//   exec           malloc, then exec this program: the same process's later image checks
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void *volatile keep; // stops the compiler from dropping the calls (a malloc freed unused is elided)

/* One line on stdout, with write(2): stdio's buffer would be one more malloc. */
static void say(const char *what, int seen) {
  char line[64];
  int n = what == NULL ? snprintf(line, sizeof line, "errno kept\n") : snprintf(line, sizeof line, "errno %d after %s\n", seen, what);
  if (write(1, line, (size_t)n) < 0) _exit(2);
}

static void check(void) {
  for (int i = 0; i < 4; i++) {
    errno = EDOM;
    keep = malloc(100 + (size_t)i * 1000);
    if (errno != EDOM) return say("malloc", errno);
    errno = EDOM;
    free(keep);
    if (errno != EDOM) return say("free", errno);
  }
  say(NULL, 0);
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "fork") == 0 || strcmp(mode, "exec") == 0) keep = malloc(10);
  if (strcmp(mode, "exec") == 0) {
    execl("/proc/self/exe", argv[0], (char *)NULL);
    return 127;
  }
  if (strcmp(mode, "fork") == 0) {
    pid_t pid = fork();
    if (pid == 0) {
      execl("/proc/self/exe", argv[0], (char *)NULL);
      _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
  }
  check();
  return 0;
}
