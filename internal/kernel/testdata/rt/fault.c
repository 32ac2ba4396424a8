// Faults in the way argv[1] says.
#include "rt.h"

int main(int argc, char **argv) {
	char c = argc > 1 ? argv[1][0] : 'n';
	rt_puts("before\n");
	switch (c) {
	case 'n': // a load from address 0x10 (a nil-pointer field)
		return *(volatile int *)0x10;
	case 'w': { // a store to the read-only text
		*(volatile int *)main = 1;
		return 0;
	}
	case 'i': // an illegal instruction
		asm volatile(".word 0");
		return 0;
	case 'b':
		asm volatile("ebreak");
		return 0;
	case 'a': { // a misaligned atomic
		static long x[2];
		asm volatile("amoadd.d zero, zero, (%0)" ::"r"((char *)x + 4));
		return 0;
	}
	case 'j': // a jump to unmapped memory
		((void (*)(void))0xdead0000)();
		return 0;
	}
	return 1;
}
