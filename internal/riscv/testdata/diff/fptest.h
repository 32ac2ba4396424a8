// fptest.h: the floating-point test harness shared by rvf.c, rvd.c,
// rvd_muldiv.c, rvf_fma.c, rvd_fma.c, fcvt.c (and fmisc.c, for out_flags):
// fflags printing (out_flags, out_flags_legend), result printing (out_val,
// report), the rounding-mode loops run_un, run_bin and run_ter, and the
// generators GEN_UN, GEN_BIN and GEN_TER, which emit one inline-asm
// function per rounding mode (RMS, RMTAB) and a table of the six.
// Output goes through out.h.
#ifndef DIFF_FPTEST_H
#define DIFF_FPTEST_H

#include "out.h"

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

// out_flags_legend prints the first line of every FP program's output.
static inline void out_flags_legend(void) {
	out_s("# flags: V=invalid Z=divide-by-zero O=overflow U=underflow X=inexact\n");
}

#define RMS(M, ...)                                                           \
	M(rne, __VA_ARGS__)                                                   \
	M(rtz, __VA_ARGS__)                                                   \
	M(rdn, __VA_ARGS__)                                                   \
	M(rup, __VA_ARGS__)                                                   \
	M(rmm, __VA_ARGS__)                                                   \
	M(dyn, __VA_ARGS__)
#define RMTAB(fn) {fn##_rne, fn##_rtz, fn##_rdn, fn##_rup, fn##_rmm, fn##_dyn}

typedef u64 (*un_fn)(u64, u64 *);
typedef u64 (*bin_fn)(u64, u64, u64 *);
typedef u64 (*ter_fn)(u64, u64, u64, u64 *);

static const char *const rm_name[5] = {"rne", "rtz", "rdn", "rup", "rmm"};

static inline void set_frm(u64 m) { asm volatile("fsrm %0" : : "r"(m)); }

static inline void out_flags(u64 f) {
	for (int i = 0; i < 5; i++)
		out_c(f & (16 >> i) ? "VZOUX"[i] : '-');
	if (f & ~31UL) {
		out_c('!');
		out_hex(f);
	}
}

static inline void out_val(u64 v, int w) {
	if (w == 8) {
		if ((v >> 32) == 0xffffffff) {
			out_hexn(v, 8);
			return;
		}
		out_c('!');
	}
	out_hex(v);
}

static inline void report(const u64 *res, const u64 *fl, int w) {
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

static inline void run_un(const char *name, un_fn const *t, u64 a, int win, int wout) {
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

static inline void run_bin(const char *name, bin_fn const *t, u64 a, u64 b, int w) {
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

static inline void run_ter(const char *name, ter_fn const *t, u64 a, u64 b, u64 c, int w) {
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

#endif
