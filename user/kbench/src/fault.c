/* First-touch page faults: maps a fresh anonymous region and writes one
 * byte to each page, so each write takes a fault that allocates and zeroes
 * a frame. Repeats with fresh mappings; prints nanoseconds per fault. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv) {
	long pages = argc > 1 ? atol(argv[1]) : 16384; /* 64 MiB */
	int rounds = argc > 2 ? atoi(argv[2]) : 4;
	double total = 0;
	for (int r = 0; r < rounds; r++) {
		volatile char *p = mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) { perror("mmap"); return 1; }
		double start = now();
		for (long i = 0; i < pages; i++)
			p[i * 4096] = 1;
		total += now() - start;
		munmap((void *)p, pages * 4096);
	}
	printf("%.0f ns per first-touch fault (%ld pages x %d)\n", total / (pages * rounds), pages, rounds);
	return 0;
}
