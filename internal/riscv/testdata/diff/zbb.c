// zbb.c: differential test of Zbb: andn, orn, xnor, max, maxu, min, minu,
// rol, ror, rolw, rorw, rori, roriw, clz, clzw, ctz, ctzw, cpop, cpopw,
// sext.b, sext.h, zext.h, orc.b and rev8. Every line is "op a b -> result",
// "op a imm -> result" or "op a -> result".
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

RR(op_andn, "andn")
RR(op_orn, "orn")
RR(op_xnor, "xnor")
RR(op_max, "max")
RR(op_maxu, "maxu")
RR(op_min, "min")
RR(op_minu, "minu")
RR(op_rol, "rol")
RR(op_ror, "ror")
RR(op_rolw, "rolw")
RR(op_rorw, "rorw")

static const struct rrop pairops[] = {
	{"andn", op_andn}, {"orn", op_orn}, {"xnor", op_xnor}, {"max", op_max},
	{"maxu", op_maxu}, {"min", op_min}, {"minu", op_minu},
};

static const struct rrop shiftops[] = {
	{"rol", op_rol},
	{"ror", op_ror},
	{"rolw", op_rolw},
	{"rorw", op_rorw},
};

#define UN(name, mn)                                                          \
	static u64 name(u64 a) {                                              \
		u64 r;                                                        \
		asm volatile(NORVC(mn " %0, %1") : "=r"(r) : "r"(a));         \
		return r;                                                     \
	}
UN(op_clz, "clz")
UN(op_clzw, "clzw")
UN(op_ctz, "ctz")
UN(op_ctzw, "ctzw")
UN(op_cpop, "cpop")
UN(op_cpopw, "cpopw")
UN(op_sext_b, "sext.b")
UN(op_sext_h, "sext.h")
UN(op_zext_h, "zext.h")
UN(op_orc_b, "orc.b")
UN(op_rev8, "rev8")

static const struct {
	const char *name;
	u64 (*f)(u64);
} unops[] = {
	{"clz", op_clz},       {"clzw", op_clzw},     {"ctz", op_ctz},
	{"ctzw", op_ctzw},     {"cpop", op_cpop},     {"cpopw", op_cpopw},
	{"sext.b", op_sext_b}, {"sext.h", op_sext_h}, {"zext.h", op_zext_h},
	{"orc.b", op_orc_b},   {"rev8", op_rev8},
};

static const u64 U[] = {
	0,
	1,
	0xffffffffffffffff,
	0x7f,
	0x80,
	0xff,
	0x7fff,
	0x8000,
	0xffff,
	0x7fffffff,
	0x80000000,
	0xffffffff,
	0x100000000,
	0xffffffff00000000,
	0x8000000000000000,
	0x7fffffffffffffff,
	0x0001000000000000,
	0x00ff00ff00ff00ff,
	0x0100010001000100,
	0x0123456789abcdef,
	0xf0f0f0f0f0f0f0f0,
	0x0000010000000080,
	0x8000000000000001,
	0xffffffff7fff7f80,
};

int main(void) {
	run_pairs(pairops, sizeof pairops / sizeof pairops[0]);
	run_shifts(shiftops, sizeof shiftops / sizeof shiftops[0]);
	RI("rori", 0) RI("rori", 1) RI("rori", 8) RI("rori", 31) RI("rori", 32)
	RI("rori", 63)
	RI("roriw", 0) RI("roriw", 1) RI("roriw", 8) RI("roriw", 31)
	for (u32 k = 0; k < sizeof unops / sizeof unops[0]; k++)
		for (u32 i = 0; i < sizeof U / sizeof U[0]; i++) {
			// qemu-riscv64 7.2 (Debian 12) counts into the upper word
			// for ctzw when the low word is zero (63 for 1<<63), where
			// the specification says 32. Those cases are checked against
			// the specification in the Go unit tests instead.
			if (unops[k].f == op_ctzw && (u32)U[i] == 0 && U[i] != 0)
				continue;
			out_s(unops[k].name);
			out_c(' ');
			out_hex(U[i]);
			out_s(" -> ");
			out_hex(unops[k].f(U[i]));
			out_nl();
		}
	out_s("done\n");
	out_flush();
	return 0;
}
