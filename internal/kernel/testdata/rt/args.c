// Prints its arguments, environment and the auxiliary vector entries a
// program relies on, checking their values.
#define RT_IMPLEMENTATION
#include "rt.h"

#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_ENTRY 9
#define AT_RANDOM 25
#define AT_EXECFN 31

extern char _start[];

int main(int argc, char **argv) {
	rt_puts("argc=");
	rt_dec(argc);
	rt_puts("\n");
	for (int i = 0; i < argc; i++) {
		rt_puts("argv: ");
		rt_puts(argv[i]);
		rt_puts("\n");
	}
	if (argv[argc] != 0)
		rt_puts("argv not NULL-terminated\n");
	char **envp = argv + argc + 1;
	int n = 0;
	for (; envp[n]; n++) {
		rt_puts("env: ");
		rt_puts(envp[n]);
		rt_puts("\n");
	}
	u64 *aux = (u64 *)(envp + n + 1);
	int seen = 0;
	for (; aux[0] != AT_NULL; aux += 2) {
		switch (aux[0]) {
		case AT_PAGESZ:
			rt_puts(aux[1] == 4096 ? "pagesz ok\n" : "pagesz BAD\n");
			seen |= 1;
			break;
		case AT_RANDOM: {
			u8 *r = (u8 *)aux[1];
			int nz = 0;
			for (int i = 0; i < 16; i++)
				nz |= r[i];
			rt_puts(r && nz ? "random ok\n" : "random BAD\n");
			seen |= 2;
			break;
		}
		case AT_ENTRY:
			rt_puts(aux[1] == (u64)_start ? "entry ok\n" : "entry BAD\n");
			seen |= 4;
			break;
		case AT_PHDR: {
			// The ELF header is right before the program headers here.
			u8 *ph = (u8 *)aux[1];
			u8 *eh = ph - 64;
			rt_puts(eh[0] == 0x7f && eh[1] == 'E' ? "phdr ok\n" : "phdr BAD\n");
			seen |= 8;
			break;
		}
		case AT_PHENT:
			rt_puts(aux[1] == 56 ? "phent ok\n" : "phent BAD\n");
			seen |= 16;
			break;
		}
	}
	rt_puts(seen == 31 ? "auxv complete\n" : "auxv INCOMPLETE\n");
	u64 sp;
	asm("mv %0, sp" : "=r"(sp));
	rt_puts(sp % 16 == 0 ? "stack aligned\n" : "stack MISALIGNED\n");
	return argc;
}
