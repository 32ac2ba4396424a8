/* An endless loop is preempted and killable: the parent forks a child
 * that spins forever, sleeps (it must get a hart back even on one),
 * kills it and reaps it. */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
	pid_t pid = fork();
	if (pid == 0)
		for (;;)
			;
	usleep(100000);
	kill(pid, SIGKILL);
	int status;
	waitpid(pid, &status, 0);
	printf("child killed by signal %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : -1);
	return 0;
}
