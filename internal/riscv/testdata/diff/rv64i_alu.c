// rv64i_alu.c: differential test of the RV64I register-register and
// register-immediate arithmetic, logic, compare and shift instructions and
// their 32-bit (W) forms, over tables of boundary operands. Every line is
// "op a b -> result" or "op a imm -> result".
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

// Shift amounts: register shifts use only the low 6 (or 5 for W) bits.
static const u64 SH[] = {0, 1, 5, 31, 32, 33, 63, 64, 65, 0xffffffffffffffc1};
#define NSH (sizeof SH / sizeof SH[0])

#define RR(name, mn)                                                          \
	static u64 name(u64 a, u64 b) {                                       \
		u64 r;                                                        \
		asm volatile(NORVC(mn " %0, %1, %2") : "=r"(r) : "r"(a), "r"(b)); \
		return r;                                                     \
	}
RR(op_add, "add")
RR(op_sub, "sub")
RR(op_slt, "slt")
RR(op_sltu, "sltu")
RR(op_xor, "xor")
RR(op_or, "or")
RR(op_and, "and")
RR(op_sll, "sll")
RR(op_srl, "srl")
RR(op_sra, "sra")
RR(op_addw, "addw")
RR(op_subw, "subw")
RR(op_sllw, "sllw")
RR(op_srlw, "srlw")
RR(op_sraw, "sraw")

struct rrop {
	const char *name;
	u64 (*f)(u64, u64);
};

static const struct rrop pairops[] = {
	{"add", op_add}, {"sub", op_sub}, {"slt", op_slt},   {"sltu", op_sltu},
	{"xor", op_xor}, {"or", op_or},   {"and", op_and},   {"addw", op_addw},
	{"subw", op_subw},
};

static const struct rrop shiftops[] = {
	{"sll", op_sll},   {"srl", op_srl},   {"sra", op_sra},
	{"sllw", op_sllw}, {"srlw", op_srlw}, {"sraw", op_sraw},
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

#define RI(mn, imm)                                                           \
	for (u32 i = 0; i < NV; i++) {                                        \
		u64 r;                                                        \
		asm volatile(NORVC(mn " %0, %1, " #imm) : "=r"(r) : "r"(V[i])); \
		line_ri(mn, V[i], imm, r);                                    \
	}
#define RI_ARITH(mn)                                                          \
	RI(mn, 0) RI(mn, 1) RI(mn, -1) RI(mn, 2047) RI(mn, -2048) RI(mn, 0x555) \
	RI(mn, -1366)

static void test_imm(void) {
	RI_ARITH("addi")
	RI_ARITH("slti")
	RI_ARITH("sltiu")
	RI_ARITH("xori")
	RI_ARITH("ori")
	RI_ARITH("andi")
	RI_ARITH("addiw")
	RI("slli", 0) RI("slli", 1) RI("slli", 4) RI("slli", 31) RI("slli", 32) RI("slli", 63)
	RI("srli", 0) RI("srli", 1) RI("srli", 4) RI("srli", 31) RI("srli", 32) RI("srli", 63)
	RI("srai", 0) RI("srai", 1) RI("srai", 4) RI("srai", 31) RI("srai", 32) RI("srai", 63)
	RI("slliw", 0) RI("slliw", 1) RI("slliw", 15) RI("slliw", 31)
	RI("srliw", 0) RI("srliw", 1) RI("srliw", 15) RI("srliw", 31)
	RI("sraiw", 0) RI("sraiw", 1) RI("sraiw", 15) RI("sraiw", 31)
}

int main(void) {
	for (u32 k = 0; k < sizeof pairops / sizeof pairops[0]; k++)
		for (u32 i = 0; i < NV; i++)
			for (u32 j = 0; j < NV; j++)
				line_rr(pairops[k].name, V[i], V[j],
					pairops[k].f(V[i], V[j]));
	for (u32 k = 0; k < sizeof shiftops / sizeof shiftops[0]; k++)
		for (u32 i = 0; i < NV; i++)
			for (u32 j = 0; j < NSH; j++)
				line_rr(shiftops[k].name, V[i], SH[j],
					shiftops[k].f(V[i], SH[j]));
	test_imm();

	// The same register as both sources and as the destination.
	u64 x = 0x8000000000000001;
	asm volatile(NORVC("add %0, %0, %0") : "+r"(x));
	out_kv("add x,x,x of 8000000000000001", x);
	x = 0x12345678;
	asm volatile(NORVC("sub %0, %0, %0") : "+r"(x));
	out_kv("sub x,x,x", x);
	x = 3;
	asm volatile(NORVC("sll %0, %0, %0") : "+r"(x));
	out_kv("sll x,x,x of 3", x);
	x = 0x40000000;
	asm volatile(NORVC("addw %0, %0, %0") : "+r"(x));
	out_kv("addw x,x,x of 40000000", x);
	out_s("done\n");
	out_flush();
	return 0;
}
