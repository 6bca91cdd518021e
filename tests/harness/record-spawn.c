// record-spawn.c: a parent that starts children the ways real programs do (posix_spawn, vfork, system, popen),
// for `memscope record` with and without --follow. Each process mallocs sizes of its own, so every trace says
// whose calls it holds: the parent 1111 before and 4444 after, an exec'd image of this program 3333 (then frees it).
// Each posix_spawn prints `spawned PID` (formatted on the stack, written with write(2): stdio would allocate).
// Exits with the child's status (128 + N for signal N), so a failed child fails the run.
//   record-spawn MODE [PROGRAM]: MODE is one of
//     spawn          posix_spawn of this program (glibc: clone(CLONE_VM|CLONE_VFORK), then execve)
//     spawn-other    posix_spawn of PROGRAM (another binary that mallocs)
//     vfork-exec     vfork; the child dup2s, closes, then execv's this program
//     vfork-malloc   vfork; the child mallocs and frees 2222 (undefined in POSIX, done anyway), then execv's
//     vfork-exit     vfork; the child mallocs and frees 2222, then _exit(0) without exec
//     vfork-first    as vfork-malloc, before the parent made any call of its own (no 1111)
//     vfork-closed   vfork; the child closes every descriptor above 2, waits past the shim's flush period
//                    (200 ms), mallocs and frees 2222, then execv's
//     vfork-many     as vfork-malloc, MANY_PAIRS times
//     vfork-closed-many  as vfork-closed, MANY_PAIRS times
//     system         system() runs this program through sh
//     popen          popen() runs this program through sh, its output read back
//     killed         posix_spawn of this program as "die": it mallocs, then SIGKILLs itself
//     grandchild     posix_spawn of this program as "middle", which posix_spawns this program again
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void *volatile keep; // stops the compiler from dropping the mallocs

#define MANY_PAIRS 100000 // malloc/free pairs: over 2 MB of trace, more than the shim's 1 MiB buffer holds

/* The exec'd image: one malloc and its free. */
static int run_image(void) {
  keep = malloc(3333);
  free(keep);
  return 0;
}

/* posix_spawn of path with the one argument arg (NULL: none); returns the child's exit status, or 128 + its signal. */
static int spawn_and_wait(const char *path, const char *arg) {
  char *argv[] = {(char *)path, (char *)arg, NULL};
  pid_t pid;
  if (posix_spawn(&pid, path, NULL, NULL, argv, environ) != 0) return 126;
  char line[32];
  int n = snprintf(line, sizeof line, "spawned %d\n", (int)pid);
  if (write(1, line, (size_t)n) != n) return 125;
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/*
 * vfork; the child (after closing every descriptor above 2 and waiting 300 ms, with close_first) mallocs and frees
 * 2222 `pairs` times, then execs this program as an image (exec_image) or _exits.
 */
static int vfork_and_wait(int close_first, int pairs, int exec_image) {
  pid_t pid = vfork();
  if (pid == 0) {
    if (close_first) {
      closefrom(3);
      usleep(300 * 1000);
    }
    for (int i = 0; i < pairs; i++) {
      keep = malloc(2222);
      free(keep);
    }
    if (exec_image) {
      dup2(2, 9); // work a shell does between vfork and exec
      close(9);
      char *argv[] = {"record-spawn", "image", NULL};
      execv("/proc/self/exe", argv);
      _exit(127);
    }
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* This program's path, then tail: for sh, where /proc/self/exe would be sh. */
static const char *shell_command(const char *tail) {
  static char text[4096];
  ssize_t n = readlink("/proc/self/exe", text, sizeof text - 64);
  if (n < 0) return "false";
  text[n] = 0;
  strcat(text, tail);
  return text;
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "image") == 0) return run_image();
  if (strcmp(mode, "die") == 0) {
    keep = malloc(5555);
    raise(SIGKILL);
  }
  if (strcmp(mode, "middle") == 0) {
    keep = malloc(6666);
    return spawn_and_wait("/proc/self/exe", "image");
  }
  if (strcmp(mode, "vfork-first") == 0) {
    int child = vfork_and_wait(0, 1, 1);
    keep = malloc(4444);
    return child;
  }
  keep = malloc(1111);
  int child = 0;
  if (strcmp(mode, "spawn") == 0) child = spawn_and_wait("/proc/self/exe", "image");
  else if (strcmp(mode, "spawn-other") == 0 && argc > 2) child = spawn_and_wait(argv[2], NULL);
  else if (strcmp(mode, "vfork-exec") == 0) child = vfork_and_wait(0, 0, 1);
  else if (strcmp(mode, "vfork-malloc") == 0) child = vfork_and_wait(0, 1, 1);
  else if (strcmp(mode, "vfork-exit") == 0) child = vfork_and_wait(0, 1, 0);
  else if (strcmp(mode, "vfork-closed") == 0) child = vfork_and_wait(1, 1, 1);
  else if (strcmp(mode, "vfork-many") == 0) child = vfork_and_wait(0, MANY_PAIRS, 1);
  else if (strcmp(mode, "vfork-closed-many") == 0) child = vfork_and_wait(1, MANY_PAIRS, 1);
  else if (strcmp(mode, "system") == 0) child = WEXITSTATUS(system(shell_command(" image")));
  else if (strcmp(mode, "popen") == 0) {
    FILE *f = popen(shell_command(" image; echo done"), "r");
    char line[16] = "";
    if (f == NULL || fgets(line, sizeof line, f) == NULL || strcmp(line, "done\n") != 0) child = 125;
    if (f != NULL && pclose(f) != 0) child = 124;
  } else if (strcmp(mode, "killed") == 0) child = spawn_and_wait("/proc/self/exe", "die") == 128 + SIGKILL ? 0 : 123;
  else if (strcmp(mode, "grandchild") == 0) child = spawn_and_wait("/proc/self/exe", "middle");
  else return 2;
  keep = malloc(4444);
  return child;
}
