/* A fork bomb hits the process limit: fork until it fails, check that
 * the failure is EAGAIN, then let every child go and reap them. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
	int fds[2];
	pipe(fds);
	int n = 0, err = 0;
	for (; n < 100000; n++) {
		pid_t pid = fork();
		if (pid < 0) { err = errno; break; }
		if (pid == 0) {
			char c;
			close(fds[1]);
			read(fds[0], &c, 1); /* until the parent closes the pipe */
			_exit(0);
		}
	}
	close(fds[1]);
	int reaped = 0;
	while (wait(NULL) > 0) reaped++;
	printf("fork failed with %s after %s children; reaped all: %s\n",
	       err == EAGAIN ? "EAGAIN" : strerror(err), n > 100 ? "many" : "few", reaped == n ? "yes" : "no");
	return 0;
}
