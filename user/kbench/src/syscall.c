/* The null system call: N getpid round trips (through syscall(2), so that
 * glibc cannot cache the answer). Prints nanoseconds per call. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv) {
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	long sum = 0;
	double start = now();
	for (long i = 0; i < n; i++)
		sum += syscall(SYS_getpid);
	double ns = (now() - start) / n;
	printf("%.1f ns per getpid (%ld calls, checksum %ld)\n", ns, n, sum / n > 0);
	return 0;
}
