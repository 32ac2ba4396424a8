// rv64m.c: differential test of the M extension: mul, mulh, mulhsu, mulhu,
// div, divu, rem, remu and mulw, divw, divuw, remw, remuw over a table of
// boundary operands, including division by zero (quotient all ones,
// remainder the dividend) and signed overflow (MIN / -1). Every line is
// "op a b -> result".
#define RT_IMPLEMENTATION
#include "rt.h"

// Buffered output: one write system call per 4 KiB instead of one per
// field. out_flush must run before main returns.
static char out_buf[4096];
static u32 out_len;
static void out_flush(void) {
	if (out_len)
		rt_write(1, out_buf, out_len);
	out_len = 0;
}
static void out_c(char c) {
	out_buf[out_len++] = c;
	if (out_len == sizeof out_buf)
		out_flush();
}
static void out_s(const char *s) {
	while (*s)
		out_c(*s++);
}
static void out_hexn(u64 v, int digits) {
	for (int i = digits - 1; i >= 0; i--)
		out_c("0123456789abcdef"[(v >> (4 * i)) & 15]);
}
static void out_hex(u64 v) { out_hexn(v, 16); }
static void out_dec(i64 v) {
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
static void out_nl(void) { out_c('\n'); }
// out_kv prints "name=<16 hex digits>\n".
static void out_kv(const char *name, u64 v) {
	out_s(name);
	out_c('=');
	out_hex(v);
	out_nl();
}

#define NORVC(s) ".option push\n\t.option norvc\n\t" s "\n\t.option pop"

static const u64 V[] = {
	0,
	1,
	2,
	3,
	0xffffffffffffffff, // -1
	0xfffffffffffffffe, // -2
	0x7fffffffffffffff,
	0x8000000000000000,
	0x000000007fffffff,
	0x0000000080000000,
	0x00000000ffffffff,
	0xffffffff80000000,
	0x123456787fffffff, // W operands with garbage in the upper half
	0x0123456789abcdef,
	0xfedcba9876543210,
};
#define NV (sizeof V / sizeof V[0])

#define RR(name, mn)                                                          \
	static u64 name(u64 a, u64 b) {                                       \
		u64 r;                                                        \
		asm volatile(NORVC(mn " %0, %1, %2") : "=r"(r) : "r"(a), "r"(b)); \
		return r;                                                     \
	}
RR(op_mul, "mul")
RR(op_mulh, "mulh")
RR(op_mulhsu, "mulhsu")
RR(op_mulhu, "mulhu")
RR(op_div, "div")
RR(op_divu, "divu")
RR(op_rem, "rem")
RR(op_remu, "remu")
RR(op_mulw, "mulw")
RR(op_divw, "divw")
RR(op_divuw, "divuw")
RR(op_remw, "remw")
RR(op_remuw, "remuw")

static const struct {
	const char *name;
	u64 (*f)(u64, u64);
} ops[] = {
	{"mul", op_mul},     {"mulh", op_mulh},   {"mulhsu", op_mulhsu},
	{"mulhu", op_mulhu}, {"div", op_div},     {"divu", op_divu},
	{"rem", op_rem},     {"remu", op_remu},   {"mulw", op_mulw},
	{"divw", op_divw},   {"divuw", op_divuw}, {"remw", op_remw},
	{"remuw", op_remuw},
};

int main(void) {
	for (u32 k = 0; k < sizeof ops / sizeof ops[0]; k++)
		for (u32 i = 0; i < NV; i++)
			for (u32 j = 0; j < NV; j++) {
				out_s(ops[k].name);
				out_c(' ');
				out_hex(V[i]);
				out_c(' ');
				out_hex(V[j]);
				out_s(" -> ");
				out_hex(ops[k].f(V[i], V[j]));
				out_nl();
			}

	// The usual div+rem and mulh+mul fused pairs, with rd equal to a source.
	u64 a = 0x8000000000000000, b = 0xffffffffffffffff, q, r;
	asm volatile(NORVC("div %0, %2, %3\n\trem %1, %2, %3")
		     : "=&r"(q), "=&r"(r) : "r"(a), "r"(b));
	out_kv("div;rem MIN/-1 quotient", q);
	out_kv("div;rem MIN/-1 remainder", r);
	a = 0xfedcba9876543210;
	b = 0x0123456789abcdef;
	asm volatile(NORVC("mulhu %0, %2, %3\n\tmul %1, %2, %3")
		     : "=&r"(q), "=&r"(r) : "r"(a), "r"(b));
	out_kv("mulhu;mul high", q);
	out_kv("mulhu;mul low", r);
	a = 1000;
	asm volatile(NORVC("divu %0, %0, %1") : "+r"(a) : "r"(7UL));
	out_kv("divu x,x,7 of 1000", a);
	a = 0xfffffff9;
	asm volatile(NORVC("remw %0, %0, %0") : "+r"(a));
	out_kv("remw x,x,x", a);
	out_s("done\n");
	out_flush();
	return 0;
}
