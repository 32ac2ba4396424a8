// rvd_fma.c: differential test of fmadd.d, fmsub.d, fnmadd.d and fnmsub.d
// over a grid of edge operands and a list of hand-picked cases (inexact
// sums, ties, exact zeros whose sign depends on the rounding mode,
// products that overflow or underflow only before the addition,
// infinity times zero plus a quiet NaN), each in all five static rounding
// modes and in the dynamic mode with every frm value, printing the result
// bits and fflags of every run.
#define RT_IMPLEMENTATION
#include "rt.h"

// Buffered output: one write system call per 4 KiB instead of one per
// field. out_flush must run before main returns.
static char out_buf[4096];
static u32 out_len;
static void out_flush(void) {
	if (out_len)
		rt_write(1, out_buf, out_len);
	out_len = 0;
}
static void out_c(char c) {
	out_buf[out_len++] = c;
	if (out_len == sizeof out_buf)
		out_flush();
}
static void out_s(const char *s) {
	while (*s)
		out_c(*s++);
}
static void out_hexn(u64 v, int digits) {
	for (int i = digits - 1; i >= 0; i--)
		out_c("0123456789abcdef"[(v >> (4 * i)) & 15]);
}
static void out_hex(u64 v) { out_hexn(v, 16); }
static void out_dec(i64 v) {
	char b[24];
	int i = 24;
	u64 u = v < 0 ? -(u64)v : (u64)v;
	do {
		b[--i] = '0' + u % 10;
		u /= 10;
	} while (u);
	if (v < 0)
		b[--i] = '-';
	while (i < 24)
		out_c(b[i++]);
}
static void out_nl(void) { out_c('\n'); }
// out_kv prints "name=<16 hex digits>\n".
static void out_kv(const char *name, u64 v) {
	out_s(name);
	out_c('=');
	out_hex(v);
	out_nl();
}

// ---- floating-point test scaffolding -----------------------------------
//
// Every operation under test exists six times: with the static rounding
// modes rne, rtz, rdn, rup, rmm written in the instruction, and with dyn,
// which is run once for every frm value 0..4 (set with fsrm). While a
// static-mode variant runs, frm holds a different mode, so an
// implementation that ignores the static mode is caught. fflags are
// cleared right before the instruction and read right after it.
//
// A result line is "op operands -> all RESULT FLAGS" when all ten runs
// agree, and otherwise "op operands -> rne R F rtz R F ..." with
// " dyn R F" after a static mode whose dynamic run differed.
// FLAGS are five letters, NV DZ OF UF NX as "VZOUX", '-' when clear.
// Single-precision results are read with fmv.x.d and printed as 8 hex
// digits when properly NaN-boxed, else as '!' and all 16 digits.

#define RMS(M, ...)                                                           \
	M(rne, __VA_ARGS__)                                                   \
	M(rtz, __VA_ARGS__)                                                   \
	M(rdn, __VA_ARGS__)                                                   \
	M(rup, __VA_ARGS__)                                                   \
	M(rmm, __VA_ARGS__)                                                   \
	M(dyn, __VA_ARGS__)
#define RMTAB(fn) {fn##_rne, fn##_rtz, fn##_rdn, fn##_rup, fn##_rmm, fn##_dyn}

// rm field values, for .insn encodings of instructions whose assembler
// syntax takes no rounding mode.
#define RMNUM_rne "0"
#define RMNUM_rtz "1"
#define RMNUM_rdn "2"
#define RMNUM_rup "3"
#define RMNUM_rmm "4"
#define RMNUM_dyn "7"

typedef u64 (*un_fn)(u64, u64 *);
typedef u64 (*bin_fn)(u64, u64, u64 *);
typedef u64 (*ter_fn)(u64, u64, u64, u64 *);

static const char *const rm_name[5] = {"rne", "rtz", "rdn", "rup", "rmm"};

static void set_frm(u64 m) { asm volatile("fsrm %0" : : "r"(m)); }

static void out_flags(u64 f) {
	for (int i = 0; i < 5; i++)
		out_c(f & (16 >> i) ? "VZOUX"[i] : '-');
	if (f & ~31UL) {
		out_c('!');
		out_hex(f);
	}
}

static void out_val(u64 v, int w) {
	if (w == 8) {
		if ((v >> 32) == 0xffffffff) {
			out_hexn(v, 8);
			return;
		}
		out_c('!');
	}
	out_hex(v);
}

static void report(const u64 *res, const u64 *fl, int w) {
	int same = 1;
	for (int i = 1; i < 10; i++)
		if (res[i] != res[0] || fl[i] != fl[0])
			same = 0;
	out_s(" ->");
	if (same) {
		out_s(" all ");
		out_val(res[0], w);
		out_c(' ');
		out_flags(fl[0]);
	} else {
		for (int m = 0; m < 5; m++) {
			out_c(' ');
			out_s(rm_name[m]);
			out_c(' ');
			out_val(res[m], w);
			out_c(' ');
			out_flags(fl[m]);
			if (res[5 + m] != res[m] || fl[5 + m] != fl[m]) {
				out_s(" dyn ");
				out_val(res[5 + m], w);
				out_c(' ');
				out_flags(fl[5 + m]);
			}
		}
	}
	out_nl();
}

static void run_un(const char *name, un_fn const *t, u64 a, int win, int wout) {
	u64 res[10], fl[10];
	for (int m = 0; m < 5; m++) {
		set_frm((m + 1) % 5);
		res[m] = t[m](a, &fl[m]);
	}
	for (int m = 0; m < 5; m++) {
		set_frm(m);
		res[5 + m] = t[5](a, &fl[5 + m]);
	}
	set_frm(0);
	out_s(name);
	out_c(' ');
	out_hexn(a, win);
	report(res, fl, wout);
}

static void run_bin(const char *name, bin_fn const *t, u64 a, u64 b, int w) {
	u64 res[10], fl[10];
	for (int m = 0; m < 5; m++) {
		set_frm((m + 1) % 5);
		res[m] = t[m](a, b, &fl[m]);
	}
	for (int m = 0; m < 5; m++) {
		set_frm(m);
		res[5 + m] = t[5](a, b, &fl[5 + m]);
	}
	set_frm(0);
	out_s(name);
	out_c(' ');
	out_hexn(a, w);
	out_c(' ');
	out_hexn(b, w);
	report(res, fl, w);
}

static void run_ter(const char *name, ter_fn const *t, u64 a, u64 b, u64 c, int w) {
	u64 res[10], fl[10];
	for (int m = 0; m < 5; m++) {
		set_frm((m + 1) % 5);
		res[m] = t[m](a, b, c, &fl[m]);
	}
	for (int m = 0; m < 5; m++) {
		set_frm(m);
		res[5 + m] = t[5](a, b, c, &fl[5 + m]);
	}
	set_frm(0);
	out_s(name);
	out_c(' ');
	out_hexn(a, w);
	out_c(' ');
	out_hexn(b, w);
	out_c(' ');
	out_hexn(c, w);
	report(res, fl, w);
}

// Generators. MI moves an integer register into an f register (fmv.w.x or
// fmv.d.x), MO moves the result back (fmv.x.d).
#define GEN_UN1(rm, fn, mn, mi, mo)                                           \
	static u64 fn##_##rm(u64 a, u64 *fl) {                                \
		u64 r, f;                                                     \
		asm volatile(mi " ft0, %2\n\t"                                \
				"fsflags x0\n\t" mn " ft1, ft0, " #rm "\n\t"  \
				"frflags %1\n\t" mo " %0, ft1"                \
			     : "=r"(r), "=r"(f)                               \
			     : "r"(a)                                         \
			     : "ft0", "ft1");                                 \
		*fl = f;                                                      \
		return r;                                                     \
	}
#define GEN_UN(fn, mn, mi, mo)                                                \
	RMS(GEN_UN1, fn, mn, mi, mo)                                          \
	static const un_fn fn[6] = RMTAB(fn);

#define GEN_BIN1(rm, fn, mn, mi, mo)                                          \
	static u64 fn##_##rm(u64 a, u64 b, u64 *fl) {                         \
		u64 r, f;                                                     \
		asm volatile(mi " ft0, %2\n\t" mi " ft1, %3\n\t"              \
				"fsflags x0\n\t" mn " ft2, ft0, ft1, " #rm    \
				"\n\tfrflags %1\n\t" mo " %0, ft2"            \
			     : "=r"(r), "=r"(f)                               \
			     : "r"(a), "r"(b)                                 \
			     : "ft0", "ft1", "ft2");                          \
		*fl = f;                                                      \
		return r;                                                     \
	}
#define GEN_BIN(fn, mn, mi, mo)                                               \
	RMS(GEN_BIN1, fn, mn, mi, mo)                                         \
	static const bin_fn fn[6] = RMTAB(fn);

#define GEN_TER1(rm, fn, mn, mi, mo)                                          \
	static u64 fn##_##rm(u64 a, u64 b, u64 c, u64 *fl) {                  \
		u64 r, f;                                                     \
		asm volatile(mi " ft0, %2\n\t" mi " ft1, %3\n\t" mi           \
				" ft2, %4\n\t"                                \
				"fsflags x0\n\t" mn " ft3, ft0, ft1, ft2, " #rm \
				"\n\tfrflags %1\n\t" mo " %0, ft3"            \
			     : "=r"(r), "=r"(f)                               \
			     : "r"(a), "r"(b), "r"(c)                         \
			     : "ft0", "ft1", "ft2", "ft3");                   \
		*fl = f;                                                      \
		return r;                                                     \
	}
#define GEN_TER(fn, mn, mi, mo)                                               \
	RMS(GEN_TER1, fn, mn, mi, mo)                                         \
	static const ter_fn fn[6] = RMTAB(fn);

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
	out_s("# flags: V=invalid Z=divide-by-zero O=overflow U=underflow X=inexact\n");
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
