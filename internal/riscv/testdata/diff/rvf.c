// rvf.c: differential test of single-precision arithmetic: fadd.s, fsub.s,
// fmul.s, fdiv.s over all pairs of a table of edge operands, and fsqrt.s,
// each in all five static rounding modes and in the dynamic mode with
// every frm value, printing the result bits and fflags of every run.
// (Fused multiply-add is in rvf_fma.c, conversions in fcvt.c, the rest in
// fmisc.c.)
#define RT_IMPLEMENTATION
#include "rt.h"
#include "fptest.h"
#include "fpedge.h"

GEN_BIN(fadd_s, "fadd.s", "fmv.w.x", "fmv.x.d")
GEN_BIN(fsub_s, "fsub.s", "fmv.w.x", "fmv.x.d")
GEN_BIN(fmul_s, "fmul.s", "fmv.w.x", "fmv.x.d")
GEN_BIN(fdiv_s, "fdiv.s", "fmv.w.x", "fmv.x.d")
GEN_UN(fsqrt_s, "fsqrt.s", "fmv.w.x", "fmv.x.d")

static const u64 SQ[] = {
	0x40000000, // 2
	0x40800000, // 4
	0x3e800000, // 0.25
	0x4f800000, // 2^32
	0x00000002, // 2 * smallest subnormal
	0x00400000, // 2^-127
	0x7effffff,
	0x3f800002,
	0xbf800001,
	0x80000001, // -smallest subnormal: invalid
};

int main(void) {
	out_flags_legend();
	static const struct {
		const char *name;
		const bin_fn *t;
	} ops[] = {
		{"fadd.s", fadd_s},
		{"fsub.s", fsub_s},
		{"fmul.s", fmul_s},
		{"fdiv.s", fdiv_s},
	};
	for (u32 k = 0; k < sizeof ops / sizeof ops[0]; k++)
		for (u32 i = 0; i < NS; i++)
			for (u32 j = 0; j < NS; j++)
				run_bin(ops[k].name, ops[k].t, S[i], S[j], 8);
	for (u32 i = 0; i < NS; i++)
		run_un("fsqrt.s", fsqrt_s, S[i], 8, 8);
	for (u32 i = 0; i < sizeof SQ / sizeof SQ[0]; i++)
		run_un("fsqrt.s", fsqrt_s, SQ[i], 8, 8);
	out_s("done\n");
	out_flush();
	return 0;
}
