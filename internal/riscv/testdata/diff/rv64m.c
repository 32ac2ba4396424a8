// rv64m.c: differential test of the M extension: mul, mulh, mulhsu, mulhu,
// div, divu, rem, remu and mulw, divw, divuw, remw, remuw over a table of
// boundary operands, including division by zero (quotient all ones,
// remainder the dividend) and signed overflow (MIN / -1). Every line is
// "op a b -> result".
#define RT_IMPLEMENTATION
#include "rt.h"
#include "intop.h"

// Operands: intop.h's V with 3, -2 and a W operand with garbage in the
// upper half added.
static const u64 MV[] = {
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
#define NMV (sizeof MV / sizeof MV[0])

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

static const struct rrop ops[] = {
	{"mul", op_mul},     {"mulh", op_mulh},   {"mulhsu", op_mulhsu},
	{"mulhu", op_mulhu}, {"div", op_div},     {"divu", op_divu},
	{"rem", op_rem},     {"remu", op_remu},   {"mulw", op_mulw},
	{"divw", op_divw},   {"divuw", op_divuw}, {"remw", op_remw},
	{"remuw", op_remuw},
};

int main(void) {
	run_rr(ops, N(ops), MV, NMV, MV, NMV);

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
