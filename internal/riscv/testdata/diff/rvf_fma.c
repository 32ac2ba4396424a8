// rvf_fma.c: differential test of fmadd.s, fmsub.s, fnmadd.s and fnmsub.s
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
	0x00000000, 0x80000000, 0x3f800000, 0x3eaaaaab, 0x3f800001,
	0x7f7fffff, 0x00000001, 0x7f800000, 0x7fc00000,
};
static const u64 FB[] = {
	0x00000000, 0xbf800000, 0x40400000, 0x3f7fffff,
	0x3f000000, 0xff800000, 0x7f800001,
};
static const u64 FC[] = {
	0x00000000, 0x80000000, 0x3f800000, 0xbf800000,
	0x33800000, 0xff7fffff, 0xff800000, 0x7fc00000,
};

// Hand-picked cases.
static const u64 T[][3] = {
	{0x3f800001, 0x3f800001, 0xbf800000}, // (1+u)^2 - 1: inexact
	{0x3f800001, 0x3f7fffff, 0xbf800000},
	{0x40400000, 0x3eaaaaab, 0xbf800000}, // 3 * (1/3) - 1
	{0x3f800000, 0x3f800000, 0x33800000}, // 1 + half ulp: tie
	{0x4b800000, 0x3f800000, 0x3f800000}, // 2^24 + 1: tie, even below
	{0x4b800001, 0x3f800000, 0x3f800000}, // (2^24 + 2) + 1: tie, odd below
	{0x3f800000, 0x00000000, 0x80000000}, // +0 + -0: sign by mode
	{0x3f800000, 0x3f800000, 0xbf800000}, // 1 - 1: sign by mode
	{0x80000000, 0x3f800000, 0x80000000}, // -0 + -0
	{0x7f7fffff, 0x40000000, 0xff7fffff}, // max*2 - max: no overflow
	{0x7f7fffff, 0x7f7fffff, 0x00000000}, // overflow
	{0x7f7fffff, 0x7f7fffff, 0xff800000}, // huge - inf: exact -inf
	{0x5f800000, 0x5f800000, 0xff7fffff}, // 2^128 - max = 2^104
	{0x00800000, 0x3f000000, 0x00000000}, // exact subnormal
	{0x007fffff, 0x3f800001, 0x00000000}, // tiny only before rounding
	{0x00000001, 0x00000001, 0x00000000}, // underflow to zero
	{0x00000001, 0x3f000000, 0x00000000}, // half the smallest subnormal
	{0x00000001, 0x3f400000, 0x80000000}, // 0.75 of it
	{0x00800000, 0xbf800000, 0x00800001}, // exact 2^-149
	{0x7f800000, 0x00000000, 0x7fc00000}, // inf*0 + qNaN: invalid
	{0x00000000, 0xff800000, 0x3f800000}, // 0*-inf + 1: invalid
	{0x7f800000, 0x3f800000, 0xff800000}, // inf - inf: invalid
	{0x7f800001, 0x3f800000, 0x3f800000}, // sNaN multiplicand
	{0x3f800000, 0x3f800000, 0x7f800001}, // sNaN addend
	{0xffc12345, 0x3f800000, 0x3f800000}, // qNaN with payload
};

GEN_TER(fmadd, "fmadd.s", "fmv.w.x", "fmv.x.d")
GEN_TER(fmsub, "fmsub.s", "fmv.w.x", "fmv.x.d")
GEN_TER(fnmadd, "fnmadd.s", "fmv.w.x", "fmv.x.d")
GEN_TER(fnmsub, "fnmsub.s", "fmv.w.x", "fmv.x.d")

static const struct {
	const char *name;
	const ter_fn *t;
} ops[] = {
	{"fmadd.s", fmadd},
	{"fmsub.s", fmsub},
	{"fnmadd.s", fnmadd},
	{"fnmsub.s", fnmsub},
};

int main(void) {
	out_flags_legend();
	for (u32 k = 0; k < sizeof ops / sizeof ops[0]; k++) {
		for (u32 i = 0; i < sizeof FA / sizeof FA[0]; i++)
			for (u32 j = 0; j < sizeof FB / sizeof FB[0]; j++)
				for (u32 l = 0; l < sizeof FC / sizeof FC[0]; l++)
					run_ter(ops[k].name, ops[k].t, FA[i], FB[j], FC[l], 8);
		for (u32 i = 0; i < sizeof T / sizeof T[0]; i++)
			run_ter(ops[k].name, ops[k].t, T[i][0], T[i][1], T[i][2], 8);
	}
	out_s("done\n");
	out_flush();
	return 0;
}
