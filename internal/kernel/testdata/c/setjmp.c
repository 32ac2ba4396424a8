/* setjmp/longjmp across frames, keeping volatile locals. */
#include <setjmp.h>
#include <stdio.h>

static jmp_buf env;

static void deep(int n) {
	if (n == 0) longjmp(env, 42);
	deep(n - 1);
}

int main(void) {
	volatile int count = 0;
	int r = setjmp(env);
	count++;
	if (r == 0) {
		deep(100);
	}
	printf("setjmp returned %d, count %d\n", r, count);
	return 0;
}
