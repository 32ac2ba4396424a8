/* Signal handlers: SA_SIGINFO with si_code and si_pid, a handler
 * interrupting a blocked read restarted by SA_RESTART, masks and
 * sigsuspend, SIGCHLD, a SIGSEGV handler that longjmps out, SIGALRM,
 * and sigaltstack. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got, code, from, chld, alarms, onstack;
static sigjmp_buf env;
static char altstack[65536];

static void info(int sig, siginfo_t *si, void *uc) { (void)uc; got = sig; code = si->si_code; from = si->si_pid; }
static void child(int sig) { (void)sig; chld++; }
static void alarm_h(int sig) { (void)sig; alarms++; }
static void segv(int sig, siginfo_t *si, void *uc) {
	(void)sig; (void)uc;
	char here;
	onstack = &here >= altstack && &here < altstack + sizeof altstack;
	siglongjmp(env, si->si_addr == (void *)16 ? 1 : 2);
}

int main(void) {
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = info;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	kill(getpid(), SIGUSR1);
	printf("SIGUSR1: got=%d si_code=%d (SI_USER=%d) from self=%d\n", got, code, SI_USER, from == getpid());

	/* Blocked signals stay pending until unblocked (sigsuspend). */
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &old);
	got = 0;
	raise(SIGUSR1);
	sigset_t pending;
	sigpending(&pending);
	printf("pending while blocked: %d, delivered: %d\n", sigismember(&pending, SIGUSR1), got);
	sigsuspend(&old);
	printf("after sigsuspend: delivered %d\n", got);
	sigprocmask(SIG_SETMASK, &old, NULL);

	/* SIGCHLD, and a read interrupted then restarted (SA_RESTART). */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = child;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGCHLD, &sa, NULL);
	int fds[2];
	pipe(fds);
	/* One child exits (SIGCHLD) while the parent is blocked in read; a
	 * second writes later. */
	pid_t quick = fork();
	if (quick == 0) {
		usleep(20000);
		_exit(3);
	}
	pid_t slow = fork();
	if (slow == 0) {
		usleep(80000);
		write(fds[1], "ok", 2);
		_exit(4);
	}
	char buf[3] = {0};
	ssize_t n = read(fds[0], buf, 2);
	int status, status2;
	waitpid(quick, &status, 0);
	waitpid(slow, &status2, 0);
	printf("read %zd %s, children %d %d, SIGCHLD %s\n", n, buf, WEXITSTATUS(status), WEXITSTATUS(status2), chld >= 1 ? "yes" : "no");

	/* Without SA_RESTART an interrupted read fails with EINTR. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = alarm_h;
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = {{0, 0}, {0, 30000}};
	setitimer(ITIMER_REAL, &it, NULL);
	n = read(fds[0], buf, 1);
	printf("read without SA_RESTART: %zd %s, alarms %d\n", n, n < 0 && errno == EINTR ? "EINTR" : "?", alarms);

	/* A fault caught on the alternate stack, escaped with siglongjmp. */
	stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
	sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = segv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigaction(SIGSEGV, &sa, NULL);
	int r = sigsetjmp(env, 1);
	if (r == 0) {
		*(volatile int *)16 = 1;
		printf("no fault!\n");
	}
	printf("SIGSEGV caught: si_addr ok=%d on altstack=%d\n", r == 1, onstack);

	/* SA_RESETHAND: the second SIGUSR2 takes the default action. */
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = info;
	sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
	sigaction(SIGUSR2, &sa, NULL);
	raise(SIGUSR2);
	printf("SIGUSR2 once: got=%d\n", got);
	fflush(stdout);
	raise(SIGUSR2);
	printf("still alive?\n");
	return 0;
}
