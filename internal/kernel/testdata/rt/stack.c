// Uses 4 MiB of stack (grown on demand) and makes system calls, good and
// bad, with no C library in between.
#define RT_IMPLEMENTATION
#include "rt.h"

static u64 sum(volatile u8 *p, u64 n) {
	u64 s = 0;
	for (u64 i = 0; i < n; i += 4096)
		s += p[i];
	return s;
}

int main(void) {
	volatile u8 big[4 << 20];
	for (u64 i = 0; i < sizeof big; i += 4096)
		big[i] = 1;
	rt_puts("pages touched: ");
	rt_dec(sum(big, sizeof big));
	rt_puts("\n");
	long r = rt_syscall3(172, 0, 0, 0); // getpid
	rt_puts(r > 1 ? "getpid: a pid\n" : "getpid: bad\n");
	r = rt_syscall3(4000, 0, 0, 0); // no such call
	rt_puts("system call 4000: ");
	rt_dec(r);
	rt_puts("\n");
	r = rt_write(1, (void *)0x10, 5);
	rt_puts("write from a bad pointer: ");
	rt_dec(r);
	rt_puts("\n");
	r = rt_write(7, "x", 1);
	rt_puts("write to fd 7: ");
	rt_dec(r);
	rt_puts("\n");
	return 0;
}
