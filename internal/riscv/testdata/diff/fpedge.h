// fpedge.h: the edge operand tables of the arithmetic tests, S for single
// precision (rvf.c) and D for double precision (rvd.c, rvd_muldiv.c), the
// same kinds of values in each format: every binary operation runs over
// all pairs of them, fsqrt over each. NS and ND are their lengths.
#ifndef DIFF_FPEDGE_H
#define DIFF_FPEDGE_H

#include "rt.h"

static const u64 S[] = {
	0x00000000, // +0
	0x80000000, // -0
	0x3f800000, // 1
	0xbf800000, // -1
	0x3fc00000, // 1.5
	0x40400000, // 3
	0x3eaaaaab, // 1/3
	0x40490fdb, // pi
	0x3f800001, // 1 + ulp
	0x3f7fffff, // 1 - ulp/2
	0x33800000, // 2^-24: half an ulp of 1 (ties)
	0xb4000001, // -(2^-23 + a bit)
	0x7f7fffff, // largest normal
	0xff7fffff, // -largest normal
	0x7f000000, // 2^127
	0x00800000, // smallest normal
	0x80800001, // -(smallest normal + ulp)
	0x00000001, // smallest subnormal
	0x007fffff, // largest subnormal
	0x7f800000, // +inf
	0xff800000, // -inf
	0x7fc00000, // canonical qNaN
	0xffc12345, // -qNaN with payload
	0x7f800001, // sNaN
	0xffa5a5a5, // -sNaN with payload
};
#define NS (sizeof S / sizeof S[0])

static const u64 D[] = {
	0x0000000000000000, // +0
	0x8000000000000000, // -0
	0x3ff0000000000000, // 1
	0xbff0000000000000, // -1
	0x3ff8000000000000, // 1.5
	0x4008000000000000, // 3
	0x3fd5555555555555, // 1/3
	0x400921fb54442d18, // pi
	0x3ff0000000000001, // 1 + ulp
	0x3fefffffffffffff, // 1 - ulp/2
	0x3ca0000000000000, // 2^-53: half an ulp of 1 (ties)
	0xbcb0000000000001, // -(2^-52 + a bit)
	0x7fefffffffffffff, // largest normal
	0xffefffffffffffff, // -largest normal
	0x7fe0000000000000, // 2^1023
	0x0010000000000000, // smallest normal
	0x8010000000000001, // -(smallest normal + ulp)
	0x0000000000000001, // smallest subnormal
	0x000fffffffffffff, // largest subnormal
	0x7ff0000000000000, // +inf
	0xfff0000000000000, // -inf
	0x7ff8000000000000, // canonical qNaN
	0xfff8000000012345, // -qNaN with payload
	0x7ff0000000000001, // sNaN
	0xfff4a5a5a5a5a5a5, // -sNaN with payload
};
#define ND (sizeof D / sizeof D[0])

#endif
