// zba.c: differential test of Zba: add.uw, sh1add, sh2add, sh3add,
// sh1add.uw, sh2add.uw, sh3add.uw and slli.uw (also zext.w, the alias
// add.uw rd, rs, zero). Every line is "op a b -> result".
#define RT_IMPLEMENTATION
#include "rt.h"
#include "intop.h"

RR(op_add_uw, "add.uw")
RR(op_sh1add, "sh1add")
RR(op_sh2add, "sh2add")
RR(op_sh3add, "sh3add")
RR(op_sh1add_uw, "sh1add.uw")
RR(op_sh2add_uw, "sh2add.uw")
RR(op_sh3add_uw, "sh3add.uw")

static const struct rrop pairops[] = {
	{"add.uw", op_add_uw},       {"sh1add", op_sh1add},
	{"sh2add", op_sh2add},       {"sh3add", op_sh3add},
	{"sh1add.uw", op_sh1add_uw}, {"sh2add.uw", op_sh2add_uw},
	{"sh3add.uw", op_sh3add_uw},
};

int main(void) {
	run_rr(pairops, N(pairops), V, NV, V, NV);
	RI("slli.uw", 0) RI("slli.uw", 1) RI("slli.uw", 2) RI("slli.uw", 3)
	RI("slli.uw", 31) RI("slli.uw", 32) RI("slli.uw", 63)
	for (u32 i = 0; i < NV; i++) {
		u64 r;
		asm volatile(NORVC("zext.w %0, %1") : "=r"(r) : "r"(V[i]));
		line_rr("zext.w (add.uw x0)", V[i], 0, r);
	}
	out_s("done\n");
	out_flush();
	return 0;
}
