// rvd_fma.c: differential test of fmadd.d, fmsub.d, fnmadd.d and fnmsub.d
// over a grid of edge operands and a list of hand-picked cases (inexact
// sums, ties, exact zeros whose sign depends on the rounding mode,
// products that overflow or underflow only before the addition,
// infinity times zero plus a quiet NaN), each in all five static rounding
// modes and in the dynamic mode with every frm value, printing the result
// bits and fflags of every run.
#define RT_IMPLEMENTATION
#include "rt.h"
#include "fptest.h"

// Grid: FA x FB x FC.
static const u64 FA[] = {
	0x0000000000000000, 0x8000000000000000, 0x3ff0000000000000,
	0x3ff0000000000001, 0x7fefffffffffffff, 0x0000000000000001,
	0x7ff0000000000000, 0x7ff8000000000000,
};
static const u64 FB[] = {
	0x0000000000000000, 0xbff0000000000000, 0x4008000000000000,
	0x3fefffffffffffff, 0xfff0000000000000, 0x7ff0000000000001,
};
static const u64 FC[] = {
	0x0000000000000000, 0x8000000000000000, 0x3ff0000000000000,
	0xbff0000000000000, 0x3ca0000000000000, 0xffefffffffffffff,
	0xfff0000000000000, 0x7ff8000000000000,
};

// Hand-picked cases.
static const u64 T[][3] = {
	{0x3ff0000000000001, 0x3ff0000000000001, 0xbff0000000000000}, // (1+u)^2 - 1
	{0x3ff0000000000001, 0x3fefffffffffffff, 0xbff0000000000000},
	{0x4008000000000000, 0x3fd5555555555555, 0xbff0000000000000}, // 3 * (1/3) - 1
	{0x3ff0000000000000, 0x3ff0000000000000, 0x3ca0000000000000}, // 1 + half ulp
	{0x4340000000000000, 0x3ff0000000000000, 0x3ff0000000000000}, // 2^53 + 1: tie
	{0x4340000000000001, 0x3ff0000000000000, 0x3ff0000000000000}, // (2^53 + 2) + 1: tie
	{0x3ff0000000000000, 0x0000000000000000, 0x8000000000000000}, // +0 + -0
	{0x3ff0000000000000, 0x3ff0000000000000, 0xbff0000000000000}, // 1 - 1
	{0x8000000000000000, 0x3ff0000000000000, 0x8000000000000000}, // -0 + -0
	{0x7fefffffffffffff, 0x4000000000000000, 0xffefffffffffffff}, // max*2 - max
	{0x7fefffffffffffff, 0x7fefffffffffffff, 0x0000000000000000}, // overflow
	{0x7fefffffffffffff, 0x7fefffffffffffff, 0xfff0000000000000}, // huge - inf
	{0x5ff0000000000000, 0x5ff0000000000000, 0xffefffffffffffff}, // 2^1024 - max
	{0x0010000000000000, 0x3fe0000000000000, 0x0000000000000000}, // exact subnormal
	{0x000fffffffffffff, 0x3ff0000000000001, 0x0000000000000000}, // tiny before rounding only
	{0x0000000000000001, 0x0000000000000001, 0x0000000000000000}, // underflow to zero
	{0x0000000000000001, 0x3fe0000000000000, 0x0000000000000000}, // half smallest subnormal
	{0x0000000000000001, 0x3fe8000000000000, 0x8000000000000000}, // 0.75 of it
	{0x0010000000000000, 0xbff0000000000000, 0x0010000000000001}, // exact 2^-1074
	{0x7ff0000000000000, 0x0000000000000000, 0x7ff8000000000000}, // inf*0 + qNaN
	{0x0000000000000000, 0xfff0000000000000, 0x3ff0000000000000}, // 0*-inf + 1
	{0x7ff0000000000000, 0x3ff0000000000000, 0xfff0000000000000}, // inf - inf
	{0x7ff0000000000001, 0x3ff0000000000000, 0x3ff0000000000000}, // sNaN multiplicand
	{0x3ff0000000000000, 0x3ff0000000000000, 0x7ff0000000000001}, // sNaN addend
	{0xfff8000000012345, 0x3ff0000000000000, 0x3ff0000000000000}, // qNaN payload
};

GEN_TER(fmadd, "fmadd.d", "fmv.d.x", "fmv.x.d")
GEN_TER(fmsub, "fmsub.d", "fmv.d.x", "fmv.x.d")
GEN_TER(fnmadd, "fnmadd.d", "fmv.d.x", "fmv.x.d")
GEN_TER(fnmsub, "fnmsub.d", "fmv.d.x", "fmv.x.d")

static const struct {
	const char *name;
	const ter_fn *t;
} ops[] = {
	{"fmadd.d", fmadd},
	{"fmsub.d", fmsub},
	{"fnmadd.d", fnmadd},
	{"fnmsub.d", fnmsub},
};

int main(void) {
	out_flags_legend();
	for (u32 k = 0; k < sizeof ops / sizeof ops[0]; k++) {
		for (u32 i = 0; i < sizeof FA / sizeof FA[0]; i++)
			for (u32 j = 0; j < sizeof FB / sizeof FB[0]; j++)
				for (u32 l = 0; l < sizeof FC / sizeof FC[0]; l++)
					run_ter(ops[k].name, ops[k].t, FA[i], FB[j], FC[l], 16);
		for (u32 i = 0; i < sizeof T / sizeof T[0]; i++)
			run_ter(ops[k].name, ops[k].t, T[i][0], T[i][1], T[i][2], 16);
	}
	out_s("done\n");
	out_flush();
	return 0;
}
