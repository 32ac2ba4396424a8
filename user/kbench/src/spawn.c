/* fork + execve + wait: starts argv[2..] N times (argv[1]) and waits for
 * each; prints microseconds per spawn. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv) {
	if (argc < 3) { fprintf(stderr, "usage: spawn N PROG [ARGS...]\n"); return 2; }
	int n = atoi(argv[1]);
	double start = now();
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			execv(argv[2], argv + 2);
			perror("execv");
			_exit(127);
		}
		int status;
		if (waitpid(pid, &status, 0) != pid || status != 0) {
			fprintf(stderr, "spawn: child status %#x\n", status);
			return 1;
		}
	}
	printf("%.0f us per fork+exec+wait (%d)\n", (now() - start) / n / 1e3, n);
	return 0;
}
