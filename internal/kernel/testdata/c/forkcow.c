/* fork and wait, with copy-on-write checked: the child changes memory it
 * shares with the parent (data, heap, stack), the parent must not see it,
 * and the parent's later writes must not reach the child. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int global = 1;

int main(void) {
	char *heap = malloc(1 << 20);
	memset(heap, 'p', 1 << 20);
	int local = 10;
	int fds[2];
	if (pipe(fds) != 0) { perror("pipe"); return 1; }
	pid_t pid = fork();
	if (pid < 0) { perror("fork"); return 1; }
	if (pid == 0) {
		close(fds[1]);
		char c;
		read(fds[0], &c, 1); /* wait for the parent's writes */
		int ok = global == 1 && local == 10 && heap[12345] == 'p';
		global = 2; local = 20; memset(heap, 'c', 1 << 20);
		printf("child: sees parent's old values: %s\n", ok ? "yes" : "NO");
		fflush(stdout);
		_exit(global + local + (heap[999] == 'c'));
	}
	close(fds[0]);
	global = 3; local = 30; heap[12345] = 'P';
	write(fds[1], "x", 1);
	int status;
	if (waitpid(pid, &status, 0) != pid) { perror("waitpid"); return 1; }
	printf("parent: child exited %d; parent sees global=%d local=%d heap=%c%c\n",
	       WEXITSTATUS(status), global, local, heap[12345], heap[999]);
	/* Many children, reaped in any order. */
	for (int i = 0; i < 20; i++)
		if (fork() == 0) _exit(i);
	int sum = 0, n = 0;
	while (wait(&status) > 0) { sum += WEXITSTATUS(status); n++; }
	printf("reaped %d children, status sum %d\n", n, sum);
	return 0;
}
