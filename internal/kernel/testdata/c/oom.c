/* Exhausts memory: allocates and touches 1 MiB at a time. SOS must
 * either refuse the memory (ENOMEM) or kill this process with a message
 * naming it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
	for (long mb = 0;; mb++) {
		char *p = malloc(1 << 20);
		if (!p) {
			printf("malloc failed after %ld MiB\n", mb);
			return 3;
		}
		memset(p, 1, 1 << 20);
	}
}
