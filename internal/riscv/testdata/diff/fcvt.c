// fcvt.c: differential test of the floating-point conversions:
// fcvt.{w,wu,l,lu}.{s,d} (rounding, saturation near 2^31, 2^32, 2^63,
// 2^64, negative values to unsigned, infinities and NaNs),
// fcvt.{s,d}.{w,wu,l,lu} (ties, inexact large values, W forms ignoring
// the upper half of the source), fcvt.s.d (overflow, underflow, ties at
// the subnormal boundary, NaN canonicalization) and fcvt.d.s; each in all
// five static rounding modes and in the dynamic mode with every frm value,
// printing the result bits and fflags of every run. fcvt.d.s, fcvt.d.w and
// fcvt.d.wu, whose assembler syntax takes no rounding mode, are encoded
// with .insn so their rm field still varies.
#define RT_IMPLEMENTATION
#include "rt.h"
#include "fptest.h"

// Conversion generators, in the manner of fptest.h's GEN_UN.
//
// Float to integer: the result is an integer register (16 hex digits).
#define GEN_F2I1(rm, fn, mn, mi)                                              \
	static u64 fn##_##rm(u64 a, u64 *fl) {                                \
		u64 r, f;                                                     \
		asm volatile(mi " ft0, %2\n\t"                                \
				"fsflags x0\n\t" mn " %0, ft0, " #rm "\n\t"   \
				"frflags %1"                                  \
			     : "=r"(r), "=r"(f)                               \
			     : "r"(a)                                         \
			     : "ft0");                                        \
		*fl = f;                                                      \
		return r;                                                     \
	}
#define GEN_F2I(fn, mn, mi)                                                   \
	RMS(GEN_F2I1, fn, mn, mi)                                             \
	static const un_fn fn[6] = RMTAB(fn);

// Integer to float.
#define GEN_I2F1(rm, fn, mn)                                                  \
	static u64 fn##_##rm(u64 a, u64 *fl) {                                \
		u64 r, f;                                                     \
		asm volatile("fsflags x0\n\t" mn " ft0, %2, " #rm "\n\t"      \
			     "frflags %1\n\t"                                 \
			     "fmv.x.d %0, ft0"                                \
			     : "=r"(r), "=r"(f)                               \
			     : "r"(a)                                         \
			     : "ft0");                                        \
		*fl = f;                                                      \
		return r;                                                     \
	}
#define GEN_I2F(fn, mn)                                                       \
	RMS(GEN_I2F1, fn, mn)                                                 \
	static const un_fn fn[6] = RMTAB(fn);

// rm field values, for .insn encodings of instructions whose assembler
// syntax takes no rounding mode.
#define RMNUM_rne "0"
#define RMNUM_rtz "1"
#define RMNUM_rdn "2"
#define RMNUM_rup "3"
#define RMNUM_rmm "4"
#define RMNUM_dyn "7"

// Integer to double without an assembler rm operand: OP-FP, funct7 0x69,
// rs2 selects w (0) or wu (1).
#define GEN_I2D_INSN1(rm, fn, rs2)                                            \
	static u64 fn##_##rm(u64 a, u64 *fl) {                                \
		u64 r, f;                                                     \
		asm volatile("fsflags x0\n\t"                                 \
			     ".insn r 0x53, " RMNUM_##rm ", 0x69, ft0, %2, " rs2 "\n\t" \
			     "frflags %1\n\t"                                 \
			     "fmv.x.d %0, ft0"                                \
			     : "=r"(r), "=r"(f)                               \
			     : "r"(a)                                         \
			     : "ft0");                                        \
		*fl = f;                                                      \
		return r;                                                     \
	}
#define GEN_I2D_INSN(fn, rs2)                                                 \
	RMS(GEN_I2D_INSN1, fn, rs2)                                           \
	static const un_fn fn[6] = RMTAB(fn);

// fcvt.d.s: OP-FP, funct7 0x21, rs2 0.
#define GEN_D_S1(rm, fn)                                                      \
	static u64 fn##_##rm(u64 a, u64 *fl) {                                \
		u64 r, f;                                                     \
		asm volatile("fmv.w.x ft0, %2\n\t"                            \
			     "fsflags x0\n\t"                                 \
			     ".insn r 0x53, " RMNUM_##rm ", 0x21, ft1, ft0, f0\n\t" \
			     "frflags %1\n\t"                                 \
			     "fmv.x.d %0, ft1"                                \
			     : "=r"(r), "=r"(f)                               \
			     : "r"(a)                                         \
			     : "ft0", "ft1");                                 \
		*fl = f;                                                      \
		return r;                                                     \
	}

GEN_F2I(fcvt_w_s, "fcvt.w.s", "fmv.w.x")
GEN_F2I(fcvt_wu_s, "fcvt.wu.s", "fmv.w.x")
GEN_F2I(fcvt_l_s, "fcvt.l.s", "fmv.w.x")
GEN_F2I(fcvt_lu_s, "fcvt.lu.s", "fmv.w.x")
GEN_F2I(fcvt_w_d, "fcvt.w.d", "fmv.d.x")
GEN_F2I(fcvt_wu_d, "fcvt.wu.d", "fmv.d.x")
GEN_F2I(fcvt_l_d, "fcvt.l.d", "fmv.d.x")
GEN_F2I(fcvt_lu_d, "fcvt.lu.d", "fmv.d.x")
GEN_I2F(fcvt_s_w, "fcvt.s.w")
GEN_I2F(fcvt_s_wu, "fcvt.s.wu")
GEN_I2F(fcvt_s_l, "fcvt.s.l")
GEN_I2F(fcvt_s_lu, "fcvt.s.lu")
GEN_I2D_INSN(fcvt_d_w, "x0")
GEN_I2D_INSN(fcvt_d_wu, "x1")
GEN_I2F(fcvt_d_l, "fcvt.d.l")
GEN_I2F(fcvt_d_lu, "fcvt.d.lu")
GEN_UN(fcvt_s_d, "fcvt.s.d", "fmv.d.x", "fmv.x.d")
RMS(GEN_D_S1, fcvt_d_s)
static const un_fn fcvt_d_s[6] = RMTAB(fcvt_d_s);

static const u64 FS[] = {
	0x00000000, 0x80000000, // +-0
	0x3e99999a, 0xbe99999a, // +-0.3
	0x3f000000, 0xbf000000, // +-0.5
	0x3f333333, 0xbf333333, // +-0.7
	0x3f800000, 0xbf800000, // +-1
	0x3fc00000, 0xbfc00000, // +-1.5
	0x40200000, 0xc0200000, // +-2.5
	0x4b000001,             // 2^23 + 1
	0x4b7fffff,             // 2^24 - 1
	0x4effffff,             // 2^31 - 128
	0x4f000000, 0xcf000000, // +-2^31
	0xcf000001,             // -(2^31 + 256)
	0x4f7fffff,             // 2^32 - 256
	0x4f800000,             // 2^32
	0x5effffff,             // 2^63 - 2^39
	0x5f000000, 0xdf000000, // +-2^63
	0xdf000001,             // -(2^63 + 2^40)
	0x5f7fffff,             // 2^64 - 2^40
	0x5f800000,             // 2^64
	0x7f7fffff,             // largest
	0x00000001, 0x80000001, // +-smallest subnormal
	0x7f800000, 0xff800000, // +-inf
	0x7fc00000, 0xffc00000, // +-qNaN
	0x7f800001,             // sNaN
};

static const u64 FD[] = {
	0x0000000000000000, 0x8000000000000000, // +-0
	0x3fd3333333333333, 0xbfd3333333333333, // +-0.3
	0x3fe0000000000000, 0xbfe0000000000000, // +-0.5
	0x3fe6666666666666, 0xbfe6666666666666, // +-0.7
	0x3ff0000000000000, 0xbff0000000000000, // +-1
	0x3ff8000000000000, 0xbff8000000000000, // +-1.5
	0x4004000000000000, 0xc004000000000000, // +-2.5
	0x41dfffffffc00000,                     // 2^31 - 1
	0x41dfffffffe00000,                     // 2^31 - 0.5
	0x41e0000000000000, 0xc1e0000000000000, // +-2^31
	0xc1e0000000100000,                     // -2^31 - 0.5
	0xc1e0000000200000,                     // -2^31 - 1
	0x41efffffffe00000,                     // 2^32 - 1
	0x41effffffff00000,                     // 2^32 - 0.5
	0x41f0000000000000, 0xc1f0000000000000, // +-2^32
	0x432fffffffffffff,                     // 2^52 - 0.5
	0x4330000000000001,                     // 2^52 + 1
	0x43dfffffffffffff,                     // 2^63 - 1024
	0x43e0000000000000, 0xc3e0000000000000, // +-2^63
	0xc3e0000000000001,                     // -2^63 - 2048
	0x43efffffffffffff,                     // 2^64 - 2048
	0x43f0000000000000,                     // 2^64
	0x7e37e43c8800759c,                     // 1e300
	0x0000000000000001, 0x8000000000000001, // +-smallest subnormal
	0x7ff0000000000000, 0xfff0000000000000, // +-inf
	0x7ff8000000000000, 0xfff8000000000000, // +-qNaN
	0x7ff0000000000001,                     // sNaN
};

static const u64 FI[] = {
	0,
	1,
	2,
	0xffffffffffffffff, // -1
	0x000000007fffffff,
	0x0000000080000000,
	0x00000000ffffffff,
	0x00000000fffffffe,
	0x0000000001000001, // 2^24 + 1: tie for single
	0x0000000001000003, // 2^24 + 3: tie for single
	0xfffffffffeffffff, // -(2^24 + 1)
	0x1234567880000001, // W forms see 0x80000001
	0xffffffff00000005, // W forms see 5
	0x0020000000000001, // 2^53 + 1: tie for double
	0x0020000000000003, // 2^53 + 3
	0xffdfffffffffffff, // -(2^53 + 1)
	0x7ffffffffffffdff, // just below a tie
	0x7ffffffffffffe00, // tie between 2^63 - 1024 and 2^63
	0x7fffffffffffffff,
	0x8000000000000000,
	0x8000000000000001,
	0xfffffffffffffc01,
	0x0123456789abcdef,
	0xfedcba9876543210,
};

static const u64 FSD[] = {
	0x0000000000000000, 0x8000000000000000, // +-0
	0x3ff0000000000000, 0xbff0000000000000, // +-1
	0x3fd5555555555555,                     // 1/3
	0x400921fb54442d18,                     // pi
	0x3fb999999999999a,                     // 0.1
	0x3ff0000010000000,                     // 1 + half a single ulp: tie
	0x3ff0000030000000,                     // tie, odd
	0x3ff0000010000001,                     // just above a tie
	0x47effffff0000000,                     // between float max and 2^128: tie
	0x47efffffefffffff,                     // just below that tie
	0x47f0000000000000,                     // 2^128
	0x7e37e43c8800759c, 0xfe37e43c8800759c, // +-1e300
	0x3810000000000000,                     // 2^-126: smallest normal float
	0x380ffffff0000000,                     // 2^-126 (1 - 2^-25): rounds to it
	0x36a0000000000000,                     // 2^-149: smallest subnormal float
	0x3690000000000000,                     // 2^-150: tie to 0
	0x3698000000000000,                     // 1.5 * 2^-150
	0xb6a8000000000000,                     // -1.5 * 2^-149: tie
	0x01a56e1fc2f8f359,                     // 1e-300
	0x0000000000000001,                     // smallest double subnormal
	0x7ff0000000000000, 0xfff0000000000000, // +-inf
	0x7ff8000000000000,                     // qNaN
	0x7ff8000012345678, 0xfff8000000000000, // qNaN payload, -qNaN
	0x7ff0000000000001, 0x7ff4000000000000, // sNaN
};

static const u64 FDS[] = {
	0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x3eaaaaab,
	0x7f7fffff, 0xff7fffff, 0x00800000, 0x00000001, 0x807fffff,
	0x7f800000, 0xff800000, 0x7fc00000, 0xffc12345, 0x7f800001,
	0x7fa00000,
};

struct unop {
	const char *name;
	const un_fn *t;
	int wout;
};

static void table(const struct unop *ops, u32 nops, const u64 *v, u32 nv, int win) {
	for (u32 k = 0; k < nops; k++)
		for (u32 i = 0; i < nv; i++)
			run_un(ops[k].name, ops[k].t, v[i], win, ops[k].wout);
}

#define N(a) (sizeof a / sizeof a[0])

int main(void) {
	out_flags_legend();
	static const struct unop from_s[] = {
		{"fcvt.w.s", fcvt_w_s, 16},
		{"fcvt.wu.s", fcvt_wu_s, 16},
		{"fcvt.l.s", fcvt_l_s, 16},
		{"fcvt.lu.s", fcvt_lu_s, 16},
	};
	static const struct unop from_d[] = {
		{"fcvt.w.d", fcvt_w_d, 16},
		{"fcvt.wu.d", fcvt_wu_d, 16},
		{"fcvt.l.d", fcvt_l_d, 16},
		{"fcvt.lu.d", fcvt_lu_d, 16},
	};
	static const struct unop from_i[] = {
		{"fcvt.s.w", fcvt_s_w, 8},    {"fcvt.s.wu", fcvt_s_wu, 8},
		{"fcvt.s.l", fcvt_s_l, 8},    {"fcvt.s.lu", fcvt_s_lu, 8},
		{"fcvt.d.w", fcvt_d_w, 16},   {"fcvt.d.wu", fcvt_d_wu, 16},
		{"fcvt.d.l", fcvt_d_l, 16},   {"fcvt.d.lu", fcvt_d_lu, 16},
	};
	static const struct unop s_d[] = {{"fcvt.s.d", fcvt_s_d, 8}};
	static const struct unop d_s[] = {{"fcvt.d.s", fcvt_d_s, 16}};
	table(from_s, N(from_s), FS, N(FS), 8);
	table(from_d, N(from_d), FD, N(FD), 16);
	table(from_i, N(from_i), FI, N(FI), 16);
	table(s_d, 1, FSD, N(FSD), 16);
	table(d_s, 1, FDS, N(FDS), 8);

	// fcvt.s.w rd, x0 gives +0 and never sets a flag.
	u64 r, f;
	asm volatile("fsflags x0\n\tfcvt.s.w ft0, x0\n\tfrflags %1\n\tfmv.x.d %0, ft0"
		     : "=r"(r), "=r"(f) : : "ft0");
	out_s("fcvt.s.w x0 -> ");
	out_val(r, 8);
	out_c(' ');
	out_flags(f);
	out_nl();
	out_s("done\n");
	out_flush();
	return 0;
}
