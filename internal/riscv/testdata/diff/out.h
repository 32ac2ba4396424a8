// out.h: buffered standard output for the differential test programs:
// out_c, out_s, out_nl, out_hex (16 digits), out_hexn (n digits), out_dec,
// out_kv ("name=<16 hex digits>\n") and out_flush. Include it after rt.h
// (with RT_IMPLEMENTATION defined); the program is one translation unit,
// so the buffer and the static inline functions are its own.
#ifndef DIFF_OUT_H
#define DIFF_OUT_H

#include "rt.h"

// Buffered output: one write system call per 4 KiB instead of one per
// field. out_flush must run before main returns.
static char out_buf[4096];
static u32 out_len;
static inline void out_flush(void) {
	if (out_len)
		rt_write(1, out_buf, out_len);
	out_len = 0;
}
static inline void out_c(char c) {
	out_buf[out_len++] = c;
	if (out_len == sizeof out_buf)
		out_flush();
}
static inline void out_s(const char *s) {
	while (*s)
		out_c(*s++);
}
static inline void out_hexn(u64 v, int digits) {
	for (int i = digits - 1; i >= 0; i--)
		out_c("0123456789abcdef"[(v >> (4 * i)) & 15]);
}
static inline void out_hex(u64 v) { out_hexn(v, 16); }
static inline void out_dec(i64 v) {
	char b[24];
	int i = 24;
	u64 u = v < 0 ? -(u64)v : (u64)v;
	do {
		b[--i] = '0' + u % 10;
		u /= 10;
	} while (u);
	if (v < 0)
		b[--i] = '-';
	while (i < 24)
		out_c(b[i++]);
}
static inline void out_nl(void) { out_c('\n'); }
// out_kv prints "name=<16 hex digits>\n".
static inline void out_kv(const char *name, u64 v) {
	out_s(name);
	out_c('=');
	out_hex(v);
	out_nl();
}

#endif
