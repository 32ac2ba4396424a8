// zbb.c: differential test of Zbb: andn, orn, xnor, max, maxu, min, minu,
// rol, ror, rolw, rorw, rori, roriw, clz, clzw, ctz, ctzw, cpop, cpopw,
// sext.b, sext.h, zext.h, orc.b and rev8. Every line is "op a b -> result",
// "op a imm -> result" or "op a -> result".
#define RT_IMPLEMENTATION
#include "rt.h"
#include "intop.h"

// Shift / bit-index operands: only the low 6 (or 5 for W) bits count.
static const u64 SH[] = {0, 1, 7, 31, 32, 33, 63, 64, 0xffffffffffffffc1};
#define NSH (sizeof SH / sizeof SH[0])

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
	run_rr(pairops, N(pairops), V, NV, V, NV);
	run_rr(shiftops, N(shiftops), V, NV, SH, NSH);
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
