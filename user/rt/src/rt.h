// rt.h: the whole runtime of freestanding SOS test and benchmark programs.
// Only two system calls are used, write (64) and exit (93), so the programs
// run unchanged under `sos run` and under qemu-riscv64 and their output can
// be compared byte for byte.
#ifndef SOS_RT_H
#define SOS_RT_H

typedef unsigned long u64;
typedef long i64;
typedef unsigned int u32;
typedef int i32;
typedef unsigned short u16;
typedef unsigned char u8;

static inline long rt_syscall3(long n, long a, long b, long c) {
	register long a0 asm("a0") = a;
	register long a1 asm("a1") = b;
	register long a2 asm("a2") = c;
	register long a7 asm("a7") = n;
	asm volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
	return a0;
}

static inline long rt_write(int fd, const void *buf, u64 n) {
	return rt_syscall3(64, fd, (long)buf, (long)n);
}

static inline __attribute__((noreturn)) void rt_exit(int code) {
	rt_syscall3(93, code, 0, 0);
	for (;;)
		;
}

static inline u64 rt_strlen(const char *s) {
	u64 n = 0;
	while (s[n])
		n++;
	return n;
}

static inline void rt_puts(const char *s) { rt_write(1, s, rt_strlen(s)); }

// rt_hex prints v as 16 hex digits.
static inline void rt_hex(u64 v) {
	char b[16];
	for (int i = 15; i >= 0; i--, v >>= 4)
		b[i] = "0123456789abcdef"[v & 15];
	rt_write(1, b, 16);
}

// rt_dec prints v in decimal, with a minus sign when negative.
static inline void rt_dec(i64 v) {
	char b[24];
	int i = 24;
	u64 u = v < 0 ? -(u64)v : (u64)v;
	do {
		b[--i] = '0' + u % 10;
		u /= 10;
	} while (u);
	if (v < 0)
		b[--i] = '-';
	rt_write(1, b + i, 24 - i);
}

// rt_kv prints "name=<16 hex digits>\n".
static inline void rt_kv(const char *name, u64 v) {
	rt_puts(name);
	rt_puts("=");
	rt_hex(v);
	rt_puts("\n");
}

// GCC may emit calls to these even in freestanding code.
void *memset(void *d, int c, u64 n);
void *memcpy(void *d, const void *s, u64 n);
void *memmove(void *d, const void *s, u64 n);
int memcmp(const void *a, const void *b, u64 n);

#ifdef RT_IMPLEMENTATION
void *memset(void *d, int c, u64 n) {
	u8 *p = d;
	while (n--)
		*p++ = (u8)c;
	return d;
}
void *memcpy(void *d, const void *s, u64 n) {
	u8 *p = d;
	const u8 *q = s;
	while (n--)
		*p++ = *q++;
	return d;
}
void *memmove(void *d, const void *s, u64 n) {
	u8 *p = d;
	const u8 *q = s;
	if (p < q) {
		while (n--)
			*p++ = *q++;
	} else {
		while (n--)
			p[n] = q[n];
	}
	return d;
}
int memcmp(const void *a, const void *b, u64 n) {
	const u8 *p = a, *q = b;
	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}
#endif

#endif
