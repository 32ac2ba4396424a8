// rvd_muldiv.c: differential test of double-precision fmul.d and fdiv.d
// over all pairs of a table of edge operands, each in all five static
// rounding modes and in the dynamic mode with every frm value, printing
// the result bits and fflags of every run.
#define RT_IMPLEMENTATION
#include "rt.h"
#include "fptest.h"
#include "fpedge.h"

GEN_BIN(fmul_d, "fmul.d", "fmv.d.x", "fmv.x.d")
GEN_BIN(fdiv_d, "fdiv.d", "fmv.d.x", "fmv.x.d")

int main(void) {
	out_flags_legend();
	for (u32 i = 0; i < ND; i++)
		for (u32 j = 0; j < ND; j++)
			run_bin("fmul.d", fmul_d, D[i], D[j], 16);
	for (u32 i = 0; i < ND; i++)
		for (u32 j = 0; j < ND; j++)
			run_bin("fdiv.d", fdiv_d, D[i], D[j], 16);
	out_s("done\n");
	out_flush();
	return 0;
}
