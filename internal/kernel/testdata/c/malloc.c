/* malloc/free stress: many sizes, in interleaved order, each block
 * filled with a pattern and checked before it is freed; realloc grows
 * small blocks and keeps contents; large blocks come from mmap. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 4096

static uint32_t seed = 12345;
static uint32_t rnd(void) { seed = seed * 1103515245 + 12345; return seed >> 8; }

/* Big blocks are filled and checked sparsely (but on every page). */
static size_t step(size_t n) { return n > 4096 ? 257 : 1; }

int main(void) {
	static unsigned char *p[SLOTS];
	static size_t sz[SLOTS];
	long bad = 0, allocs = 0;
	for (int round = 0; round < 100000; round++) {
		int i = rnd() % SLOTS;
		if (p[i]) {
			for (size_t j = 0; j < sz[i]; j += step(sz[i]))
				if (p[i][j] != (unsigned char)(i + j)) { bad++; break; }
			if (rnd() % 4 == 0 && sz[i] < 4096) {
				size_t nsz = sz[i] * 2 + 1;
				unsigned char *q = realloc(p[i], nsz);
				for (size_t j = sz[i]; j < nsz; j++) q[j] = (unsigned char)(i + j);
				p[i] = q; sz[i] = nsz;
				continue;
			}
			free(p[i]);
			p[i] = NULL;
		} else {
			size_t n = rnd() % 64 == 0 ? 100000 + rnd() % 300000 : 1 + rnd() % 512;
			p[i] = malloc(n);
			if (!p[i]) { printf("malloc failed\n"); return 1; }
			sz[i] = n;
			allocs++;
			for (size_t j = 0; j < n; j += step(n)) p[i][j] = (unsigned char)(i + j);
		}
	}
	for (int i = 0; i < SLOTS; i++) free(p[i]);
	printf("allocations: %ld, corrupted: %ld\n", allocs, bad);
	return bad != 0;
}
