/* Wild pointers: system calls given bad pointers fail with EFAULT and
 * the process goes on; then a wild store kills it with SIGSEGV. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fcntl.h>

static const char *res(long r) { return r < 0 && errno == EFAULT ? "EFAULT" : "not EFAULT"; }

int main(void) {
	long r = write(1, (void *)1, 10);
	printf("write from address 1: %s\n", res(r));
	int fd = open("/dev/zero", O_RDONLY);
	r = read(fd, (void *)0xdead0000, 10);
	printf("read into unmapped memory: %s\n", res(r));
	r = read(fd, (void *)main, 10);
	printf("read into code: %s\n", res(r));
	r = open((char *)-4096L, O_RDONLY);
	printf("open with a kernel-half path: %s\n", res(r));
	struct stat *st = (struct stat *)8;
	r = fstat(0, st);
	printf("fstat into page zero: %s\n", res(r));
	fflush(stdout);
	*(volatile int *)0xdead0000 = 1;
	printf("survived a wild store\n");
	return 0;
}
