// rvd.c: differential test of double-precision fadd.d, fsub.d over all
// pairs of a table of edge operands, and fsqrt.d, each in all five static
// rounding modes and in the dynamic mode with every frm value, printing
// the result bits and fflags of every run. fmul.d and fdiv.d are in
// rvd_muldiv.c, fused multiply-add in rvd_fma.c.
#define RT_IMPLEMENTATION
#include "rt.h"
#include "fptest.h"
#include "fpedge.h"

GEN_BIN(fadd_d, "fadd.d", "fmv.d.x", "fmv.x.d")
GEN_BIN(fsub_d, "fsub.d", "fmv.d.x", "fmv.x.d")
GEN_UN(fsqrt_d, "fsqrt.d", "fmv.d.x", "fmv.x.d")

static const u64 SQ[] = {
	0x4000000000000000, // 2
	0x4010000000000000, // 4
	0x3fd0000000000000, // 0.25
	0x41f0000000000000, // 2^32
	0x0000000000000002, // 2 * smallest subnormal
	0x0008000000000000, // 2^-1023
	0x7fdfffffffffffff,
	0x3ff0000000000002,
	0xbff0000000000001,
	0x8000000000000001, // -smallest subnormal: invalid
};

int main(void) {
	out_flags_legend();
	for (u32 i = 0; i < ND; i++)
		for (u32 j = 0; j < ND; j++)
			run_bin("fadd.d", fadd_d, D[i], D[j], 16);
	for (u32 i = 0; i < ND; i++)
		for (u32 j = 0; j < ND; j++)
			run_bin("fsub.d", fsub_d, D[i], D[j], 16);
	for (u32 i = 0; i < ND; i++)
		run_un("fsqrt.d", fsqrt_d, D[i], 16, 16);
	for (u32 i = 0; i < sizeof SQ / sizeof SQ[0]; i++)
		run_un("fsqrt.d", fsqrt_d, SQ[i], 16, 16);
	out_s("done\n");
	out_flush();
	return 0;
}
