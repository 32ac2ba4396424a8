// zbs.c: differential test of Zbs: bclr, bext, binv, bset (register bit
// index, only its low 6 bits count) and bclri, bexti, binvi, bseti.
// Every line is "op a b -> result" or "op a imm -> result".
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
	0xffffffffffffffff,
	0x7fffffffffffffff,
	0x8000000000000000,
	0x000000007fffffff,
	0x0000000080000000,
	0x00000000ffffffff,
	0xffffffff80000000,
	0x0123456789abcdef,
	0xfedcba9876543210,
};
#define NV (sizeof V / sizeof V[0])

// Shift / bit-index operands: only the low 6 (or 5 for W) bits count.
static const u64 SH[] = {0, 1, 7, 31, 32, 33, 63, 64, 0xffffffffffffffc1};
#define NSH (sizeof SH / sizeof SH[0])

#define RR(name, mn)                                                          \
	static u64 name(u64 a, u64 b) {                                       \
		u64 r;                                                        \
		asm volatile(NORVC(mn " %0, %1, %2") : "=r"(r) : "r"(a), "r"(b)); \
		return r;                                                     \
	}

struct rrop {
	const char *name;
	u64 (*f)(u64, u64);
};

static void line_rr(const char *name, u64 a, u64 b, u64 r) {
	out_s(name);
	out_c(' ');
	out_hex(a);
	out_c(' ');
	out_hex(b);
	out_s(" -> ");
	out_hex(r);
	out_nl();
}

static void line_ri(const char *name, u64 a, i64 imm, u64 r) {
	out_s(name);
	out_c(' ');
	out_hex(a);
	out_c(' ');
	out_dec(imm);
	out_s(" -> ");
	out_hex(r);
	out_nl();
}

static void run_pairs(const struct rrop *ops, u32 n) {
	for (u32 k = 0; k < n; k++)
		for (u32 i = 0; i < NV; i++)
			for (u32 j = 0; j < NV; j++)
				line_rr(ops[k].name, V[i], V[j], ops[k].f(V[i], V[j]));
}

static void run_shifts(const struct rrop *ops, u32 n) {
	for (u32 k = 0; k < n; k++)
		for (u32 i = 0; i < NV; i++)
			for (u32 j = 0; j < NSH; j++)
				line_rr(ops[k].name, V[i], SH[j], ops[k].f(V[i], SH[j]));
}

#define RI(mn, imm)                                                           \
	for (u32 i = 0; i < NV; i++) {                                        \
		u64 r;                                                        \
		asm volatile(NORVC(mn " %0, %1, " #imm) : "=r"(r) : "r"(V[i])); \
		line_ri(mn, V[i], imm, r);                                    \
	}

RR(op_bclr, "bclr")
RR(op_bext, "bext")
RR(op_binv, "binv")
RR(op_bset, "bset")

static const struct rrop shiftops[] = {
	{"bclr", op_bclr},
	{"bext", op_bext},
	{"binv", op_binv},
	{"bset", op_bset},
};

int main(void) {
	run_shifts(shiftops, sizeof shiftops / sizeof shiftops[0]);
	RI("bclri", 0) RI("bclri", 1) RI("bclri", 31) RI("bclri", 32) RI("bclri", 63)
	RI("bexti", 0) RI("bexti", 1) RI("bexti", 31) RI("bexti", 32) RI("bexti", 63)
	RI("binvi", 0) RI("binvi", 1) RI("binvi", 31) RI("binvi", 32) RI("binvi", 63)
	RI("bseti", 0) RI("bseti", 1) RI("bseti", 31) RI("bseti", 32) RI("bseti", 63)
	out_s("done\n");
	out_flush();
	return 0;
}
