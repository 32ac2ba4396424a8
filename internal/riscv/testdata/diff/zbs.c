// zbs.c: differential test of Zbs: bclr, bext, binv, bset (register bit
// index, only its low 6 bits count) and bclri, bexti, binvi, bseti.
// Every line is "op a b -> result" or "op a imm -> result".
#define RT_IMPLEMENTATION
#include "rt.h"
#include "intop.h"

// Shift / bit-index operands: only the low 6 (or 5 for W) bits count.
static const u64 SH[] = {0, 1, 7, 31, 32, 33, 63, 64, 0xffffffffffffffc1};
#define NSH (sizeof SH / sizeof SH[0])

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
	run_rr(shiftops, N(shiftops), V, NV, SH, NSH);
	RI("bclri", 0) RI("bclri", 1) RI("bclri", 31) RI("bclri", 32) RI("bclri", 63)
	RI("bexti", 0) RI("bexti", 1) RI("bexti", 31) RI("bexti", 32) RI("bexti", 63)
	RI("binvi", 0) RI("binvi", 1) RI("binvi", 31) RI("binvi", 32) RI("binvi", 63)
	RI("bseti", 0) RI("bseti", 1) RI("bseti", 31) RI("bseti", 32) RI("bseti", 63)
	out_s("done\n");
	out_flush();
	return 0;
}
