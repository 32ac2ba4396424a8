// fmisc.c: differential test of the floating-point instructions that do
// not round: fsgnj/fsgnjn/fsgnjx, fmin/fmax, feq/flt/fle, fclass (single
// and double), the moves fmv.x.w/fmv.w.x/fmv.x.d/fmv.d.x, the loads and
// stores flw/fsw/fld/fsd (aligned, misaligned and page-crossing), and
// NaN-boxing: every single-precision operation given a register whose
// upper 32 bits are not all ones must see the canonical NaN, while
// fmv.x.w and fsw move the low 32 bits unchanged. fflags are printed
// after every operation (out_flags, fptest.h).
//
// Registers are loaded with fmv.d.x from raw 64-bit patterns, so single
// operands are written boxed (ffffffff in the upper half) unless a test
// says otherwise; results are read with fmv.x.d, all 64 bits.
#define RT_IMPLEMENTATION
#include "rt.h"
#include "fptest.h"

// Two f-register operands, f-register result.
#define GEN_FF(fn, mn)                                                        \
	static u64 fn(u64 a, u64 b, u64 *fl) {                                \
		u64 r, f;                                                     \
		asm volatile("fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\t"         \
			     "fsflags x0\n\t" mn " ft2, ft0, ft1\n\t"         \
			     "frflags %1\n\tfmv.x.d %0, ft2"                  \
			     : "=r"(r), "=r"(f)                               \
			     : "r"(a), "r"(b)                                 \
			     : "ft0", "ft1", "ft2");                          \
		*fl = f;                                                      \
		return r;                                                     \
	}
// Two f-register operands, integer result.
#define GEN_FX(fn, mn)                                                        \
	static u64 fn(u64 a, u64 b, u64 *fl) {                                \
		u64 r, f;                                                     \
		asm volatile("fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\t"         \
			     "fsflags x0\n\t" mn " %0, ft0, ft1\n\t"          \
			     "frflags %1"                                     \
			     : "=r"(r), "=r"(f)                               \
			     : "r"(a), "r"(b)                                 \
			     : "ft0", "ft1");                                 \
		*fl = f;                                                      \
		return r;                                                     \
	}
// One f-register operand, integer result.
#define GEN_X1(fn, mn)                                                        \
	static u64 fn(u64 a, u64 *fl) {                                       \
		u64 r, f;                                                     \
		asm volatile("fmv.d.x ft0, %2\n\t"                            \
			     "fsflags x0\n\t" mn " %0, ft0\n\t"               \
			     "frflags %1"                                     \
			     : "=r"(r), "=r"(f)                               \
			     : "r"(a)                                         \
			     : "ft0");                                        \
		*fl = f;                                                      \
		return r;                                                     \
	}
// One f-register operand, f-register result (the operand given twice for
// the sign-injection pseudo-instructions fmv, fneg, fabs).
#define GEN_F1(fn, mn)                                                        \
	static u64 fn(u64 a, u64 *fl) {                                       \
		u64 r, f;                                                     \
		asm volatile("fmv.d.x ft0, %2\n\t"                            \
			     "fsflags x0\n\t" mn "\n\t"                       \
			     "frflags %1\n\tfmv.x.d %0, ft1"                  \
			     : "=r"(r), "=r"(f)                               \
			     : "r"(a)                                         \
			     : "ft0", "ft1");                                 \
		*fl = f;                                                      \
		return r;                                                     \
	}
// Three f-register operands, f-register result.
#define GEN_FFF(fn, mn)                                                       \
	static u64 fn(u64 a, u64 b, u64 c, u64 *fl) {                         \
		u64 r, f;                                                     \
		asm volatile("fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\t"         \
			     "fmv.d.x ft2, %4\n\t"                            \
			     "fsflags x0\n\t" mn " ft3, ft0, ft1, ft2\n\t"    \
			     "frflags %1\n\tfmv.x.d %0, ft3"                  \
			     : "=r"(r), "=r"(f)                               \
			     : "r"(a), "r"(b), "r"(c)                         \
			     : "ft0", "ft1", "ft2", "ft3");                   \
		*fl = f;                                                      \
		return r;                                                     \
	}

GEN_FF(fsgnj_s, "fsgnj.s")
GEN_FF(fsgnjn_s, "fsgnjn.s")
GEN_FF(fsgnjx_s, "fsgnjx.s")
GEN_FF(fsgnj_d, "fsgnj.d")
GEN_FF(fsgnjn_d, "fsgnjn.d")
GEN_FF(fsgnjx_d, "fsgnjx.d")
GEN_FF(fmin_s, "fmin.s")
GEN_FF(fmax_s, "fmax.s")
GEN_FF(fmin_d, "fmin.d")
GEN_FF(fmax_d, "fmax.d")
GEN_FX(feq_s, "feq.s")
GEN_FX(flt_s, "flt.s")
GEN_FX(fle_s, "fle.s")
GEN_FX(feq_d, "feq.d")
GEN_FX(flt_d, "flt.d")
GEN_FX(fle_d, "fle.d")
GEN_X1(fclass_s, "fclass.s")
GEN_X1(fclass_d, "fclass.d")
GEN_X1(fmv_x_w, "fmv.x.w")
GEN_X1(fmv_x_d, "fmv.x.d")
GEN_X1(fcvt_w_s, "fcvt.w.s")
GEN_X1(fcvt_l_s, "fcvt.l.s")
GEN_F1(fmv_s, "fmv.s ft1, ft0")
GEN_F1(fneg_s, "fneg.s ft1, ft0")
GEN_F1(fabs_s, "fabs.s ft1, ft0")
GEN_F1(fmv_d, "fmv.d ft1, ft0")
GEN_F1(fneg_d, "fneg.d ft1, ft0")
GEN_F1(fabs_d, "fabs.d ft1, ft0")
GEN_F1(fsqrt_s, "fsqrt.s ft1, ft0")
GEN_F1(fcvt_d_s, "fcvt.d.s ft1, ft0")
GEN_F1(fcvt_s_d, "fcvt.s.d ft1, ft0")
GEN_FF(fadd_s, "fadd.s")
GEN_FF(fsub_s, "fsub.s")
GEN_FF(fmul_s, "fmul.s")
GEN_FF(fdiv_s, "fdiv.s")
GEN_FFF(fmadd_s, "fmadd.s")
GEN_FFF(fnmsub_s, "fnmsub.s")

#define BOX 0xffffffff00000000UL

static const u64 PS[] = {
	0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x00000001,
	0x807fffff, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc12345,
	0x7f800001, 0xffa5a5a5,
};
static const u64 PD[] = {
	0x0000000000000000, 0x8000000000000000, 0x3ff0000000000000,
	0xbff0000000000000, 0x0000000000000001, 0x800fffffffffffff,
	0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000,
	0xfff8000000012345, 0x7ff0000000000001, 0xfff4a5a5a5a5a5a5,
};
#define NP (sizeof PS / sizeof PS[0])

struct binop {
	const char *name;
	u64 (*f)(u64, u64, u64 *);
	int single, intres;
};

static void out_op(u64 v, int single) {
	if (single && (v >> 32) == 0xffffffff)
		out_hexn(v, 8);
	else
		out_hex(v);
}

static void line2(const char *name, u64 a, u64 b, u64 r, u64 f, int single, int intres) {
	out_s(name);
	out_c(' ');
	out_op(a, single);
	out_c(' ');
	out_op(b, single);
	out_s(" -> ");
	if (intres)
		out_hex(r);
	else
		out_op(r, single);
	out_c(' ');
	out_flags(f);
	out_nl();
}

static void line1(const char *name, u64 a, u64 r, u64 f, int single, int intres) {
	out_s(name);
	out_c(' ');
	out_op(a, single);
	out_s(" -> ");
	if (intres)
		out_hex(r);
	else
		out_op(r, single);
	out_c(' ');
	out_flags(f);
	out_nl();
}

static void test_pairs(void) {
	static const struct binop ops[] = {
		{"fsgnj.s", fsgnj_s, 1, 0},   {"fsgnjn.s", fsgnjn_s, 1, 0},
		{"fsgnjx.s", fsgnjx_s, 1, 0}, {"fmin.s", fmin_s, 1, 0},
		{"fmax.s", fmax_s, 1, 0},     {"feq.s", feq_s, 1, 1},
		{"flt.s", flt_s, 1, 1},       {"fle.s", fle_s, 1, 1},
		{"fsgnj.d", fsgnj_d, 0, 0},   {"fsgnjn.d", fsgnjn_d, 0, 0},
		{"fsgnjx.d", fsgnjx_d, 0, 0}, {"fmin.d", fmin_d, 0, 0},
		{"fmax.d", fmax_d, 0, 0},     {"feq.d", feq_d, 0, 1},
		{"flt.d", flt_d, 0, 1},       {"fle.d", fle_d, 0, 1},
	};
	for (u32 k = 0; k < sizeof ops / sizeof ops[0]; k++)
		for (u32 i = 0; i < NP; i++)
			for (u32 j = 0; j < NP; j++) {
				u64 a = ops[k].single ? PS[i] | BOX : PD[i];
				u64 b = ops[k].single ? PS[j] | BOX : PD[j];
				u64 f, r = ops[k].f(a, b, &f);
				line2(ops[k].name, a, b, r, f, ops[k].single, ops[k].intres);
			}
	// Ordering of values that differ in the last place and across signs.
	static const u64 ord[][2] = {
		{0x3f800000, 0x3f800001}, {0xbf800001, 0xbf800000},
		{0x00000001, 0x00000002}, {0x80000001, 0x00000001},
		{0xff7fffff, 0x7f7fffff},
	};
	for (u32 i = 0; i < sizeof ord / sizeof ord[0]; i++)
		for (u32 k = 3; k < 8; k++) {
			u64 f, r = ops[k].f(ord[i][0] | BOX, ord[i][1] | BOX, &f);
			line2(ops[k].name, ord[i][0] | BOX, ord[i][1] | BOX, r, f, 1, ops[k].intres);
			r = ops[k].f(ord[i][1] | BOX, ord[i][0] | BOX, &f);
			line2(ops[k].name, ord[i][1] | BOX, ord[i][0] | BOX, r, f, 1, ops[k].intres);
		}
}

static void test_unary(void) {
	static const u64 CS[] = {
		0xff800000, 0xbf800000, 0x80800000, 0x807fffff, 0x80000001,
		0x80000000, 0x00000000, 0x00000001, 0x007fffff, 0x00800000,
		0x7f7fffff, 0x7f800000, 0x7f800001, 0x7fbfffff, 0xffa00000,
		0x7fc00000, 0xffffffff, 0x7fc00001,
	};
	static const u64 CD[] = {
		0xfff0000000000000, 0xbff0000000000000, 0x8010000000000000,
		0x800fffffffffffff, 0x8000000000000001, 0x8000000000000000,
		0x0000000000000000, 0x0000000000000001, 0x000fffffffffffff,
		0x0010000000000000, 0x7fefffffffffffff, 0x7ff0000000000000,
		0x7ff0000000000001, 0x7ff7ffffffffffff, 0xfff4000000000000,
		0x7ff8000000000000, 0xffffffffffffffff, 0x7ff8000000000001,
	};
	u64 f, r;
	for (u32 i = 0; i < sizeof CS / sizeof CS[0]; i++) {
		r = fclass_s(CS[i] | BOX, &f);
		line1("fclass.s", CS[i] | BOX, r, f, 1, 1);
		r = fmv_x_w(CS[i] | BOX, &f);
		line1("fmv.x.w", CS[i] | BOX, r, f, 1, 1);
		r = fmv_s(CS[i] | BOX, &f);
		line1("fmv.s", CS[i] | BOX, r, f, 1, 0);
		r = fneg_s(CS[i] | BOX, &f);
		line1("fneg.s", CS[i] | BOX, r, f, 1, 0);
		r = fabs_s(CS[i] | BOX, &f);
		line1("fabs.s", CS[i] | BOX, r, f, 1, 0);
	}
	for (u32 i = 0; i < sizeof CD / sizeof CD[0]; i++) {
		r = fclass_d(CD[i], &f);
		line1("fclass.d", CD[i], r, f, 0, 1);
		r = fmv_x_d(CD[i], &f);
		line1("fmv.d.x+fmv.x.d", CD[i], r, f, 0, 1);
		r = fmv_d(CD[i], &f);
		line1("fmv.d", CD[i], r, f, 0, 0);
		r = fneg_d(CD[i], &f);
		line1("fneg.d", CD[i], r, f, 0, 0);
		r = fabs_d(CD[i], &f);
		line1("fabs.d", CD[i], r, f, 0, 0);
	}
}

// fmv.w.x takes the low 32 bits of the integer register and boxes them.
static void test_moves(void) {
	static const u64 W[] = {
		0x000000003f800000, 0x123456783f800000, 0xffffffff80000000,
		0x00000000ffc00001, 0x7ff8000000000000, 0xfffffffffffffffe,
	};
	for (u32 i = 0; i < sizeof W / sizeof W[0]; i++) {
		u64 r, x;
		asm volatile("fmv.w.x ft0, %2\n\tfmv.x.d %0, ft0\n\tfmv.x.w %1, ft0"
			     : "=r"(r), "=r"(x)
			     : "r"(W[i])
			     : "ft0");
		out_s("fmv.w.x ");
		out_hex(W[i]);
		out_s(" -> register ");
		out_hex(r);
		out_s(", fmv.x.w ");
		out_hex(x);
		out_nl();
	}
	// fmv.x.w of a double (not boxed): the low 32 bits, sign-extended.
	static const u64 X[] = {0x400921fb54442d18, 0x3ff00000bf800000, 0x000000017fffffff};
	for (u32 i = 0; i < sizeof X / sizeof X[0]; i++) {
		u64 f, r = fmv_x_w(X[i], &f);
		line1("fmv.x.w of unboxed", X[i], r, f, 0, 1);
	}
}

static u8 buf[2 * 4096] __attribute__((aligned(4096)));

static void dump(const u8 *p, u32 n) {
	for (u32 i = 0; i < n; i++)
		out_hexn(p[i], 2);
}

static void test_memory(void) {
	for (u32 i = 0; i < sizeof buf; i++)
		buf[i] = (u8)((i * 2654435761u) >> 24) ^ (u8)(i >> 12);
	static const u32 offs[] = {0, 1, 2, 3, 4, 6, 4088, 4090, 4092, 4093, 4095};
	for (u32 i = 0; i < sizeof offs / sizeof offs[0]; i++) {
		u64 s, d;
		const u8 *p = buf + offs[i];
		if (offs[i] + 8 > sizeof buf)
			continue;
		asm volatile("flw ft0, 0(%2)\n\tfmv.x.d %0, ft0\n\t"
			     "fld ft1, 0(%2)\n\tfmv.x.d %1, ft1"
			     : "=r"(s), "=r"(d)
			     : "r"(p)
			     : "ft0", "ft1", "memory");
		out_s("flw buf+");
		out_dec(offs[i]);
		out_s(" -> ");
		out_hex(s);
		out_s("  fld -> ");
		out_hex(d);
		out_nl();
	}
	// Immediate offsets at the extremes.
	u64 a, b, c, d;
	const u8 *mid = buf + 2048;
	asm volatile("flw ft0, -2048(%4)\n\tfmv.x.d %0, ft0\n\t"
		     "flw ft0, 2047(%4)\n\tfmv.x.d %1, ft0\n\t"
		     "fld ft0, -2048(%4)\n\tfmv.x.d %2, ft0\n\t"
		     "fld ft0, 2045(%4)\n\tfmv.x.d %3, ft0"
		     : "=&r"(a), "=&r"(b), "=&r"(c), "=&r"(d)
		     : "r"(mid)
		     : "ft0", "memory");
	out_kv("flw mid-2048", a);
	out_kv("flw mid+2047", b);
	out_kv("fld mid-2048", c);
	out_kv("fld mid+2045", d);

	// Stores: fsw stores the low 32 bits whether boxed or not; fsd all 64.
	static const u32 soffs[] = {0, 1, 3, 4094, 4095};
	static const u64 vals[] = {0xffffffff3f800000, 0x0123456789abcdef};
	for (u32 v = 0; v < 2; v++)
		for (u32 i = 0; i < sizeof soffs / sizeof soffs[0]; i++) {
			u8 *p = buf + soffs[i];
			for (int j = -4; j < 12; j++)
				p[j] = 0x5a;
			asm volatile("fmv.d.x ft0, %1\n\tfsw ft0, 0(%0)"
				     :
				     : "r"(p), "r"(vals[v])
				     : "ft0", "memory");
			out_s("fsw ");
			out_hex(vals[v]);
			out_s(" buf+");
			out_dec(soffs[i]);
			out_s(": ");
			dump(p - 4, 16);
			out_nl();
			for (int j = -4; j < 12; j++)
				p[j] = 0x5a;
			asm volatile("fmv.d.x ft0, %1\n\tfsd ft0, 0(%0)"
				     :
				     : "r"(p), "r"(vals[v])
				     : "ft0", "memory");
			out_s("fsd ");
			out_hex(vals[v]);
			out_s(" buf+");
			out_dec(soffs[i]);
			out_s(": ");
			dump(p - 4, 16);
			out_nl();
		}
	for (u32 i = 0; i < 16; i++)
		buf[2048 - 2048 + i] = 0;
	asm volatile("fmv.d.x ft0, %1\n\tfsd ft0, -2048(%0)\n\tfsw ft0, -2040(%0)"
		     :
		     : "r"(mid), "r"(0x1122334455667788UL)
		     : "ft0", "memory");
	out_s("fsd/fsw at -2048/-2040: ");
	dump(buf, 16);
	out_nl();
}

// NaN-boxing: single-precision operations on registers that are not
// properly boxed.
static void test_nanbox(void) {
	static const u64 NB[] = {
		0xffffffff3f800000, // properly boxed 1.0 (control)
		0x000000003f800000, // 1.0 with a zero upper half
		0xfffffffe3f800000, // one upper bit clear
		0x7fffffff40000000,
		0x7ff8000000000000, // a double NaN
		0x3ff0000000000000, // the double 1.0
		0x00000000ffc12345,
	};
	const u64 one = 0xffffffff3f800000, mone = 0xffffffffbf800000;
	for (u32 i = 0; i < sizeof NB / sizeof NB[0]; i++) {
		u64 x = NB[i], f, r;
#define NB2(name, fn, a, b, intres)                                           \
	r = fn(a, b, &f);                                                     \
	line2(name, a, b, r, f, 1, intres);
		NB2("fadd.s", fadd_s, x, one, 0)
		NB2("fadd.s", fadd_s, one, x, 0)
		NB2("fsub.s", fsub_s, x, one, 0)
		NB2("fmul.s", fmul_s, one, x, 0)
		NB2("fdiv.s", fdiv_s, x, one, 0)
		NB2("fmin.s", fmin_s, x, one, 0)
		NB2("fmax.s", fmax_s, one, x, 0)
		NB2("fsgnj.s", fsgnj_s, x, mone, 0)
		NB2("fsgnj.s", fsgnj_s, mone, x, 0)
		NB2("fsgnjn.s", fsgnjn_s, x, one, 0)
		NB2("fsgnjn.s", fsgnjn_s, one, x, 0)
		NB2("fsgnjx.s", fsgnjx_s, x, mone, 0)
		NB2("fsgnjx.s", fsgnjx_s, mone, x, 0)
		NB2("feq.s", feq_s, x, x, 1)
		NB2("flt.s", flt_s, x, one, 1)
		NB2("fle.s", fle_s, one, x, 1)
		r = fmadd_s(x, one, one, &f);
		line1("fmadd.s (x*1+1)", x, r, f, 1, 0);
		r = fnmsub_s(one, one, x, &f);
		line1("fnmsub.s (-(1*1)+x)", x, r, f, 1, 0);
#define NB1(name, fn, intres)                                                 \
	r = fn(x, &f);                                                        \
	line1(name, x, r, f, 1, intres);
		NB1("fsqrt.s", fsqrt_s, 0)
		NB1("fclass.s", fclass_s, 1)
		NB1("fcvt.w.s", fcvt_w_s, 1)
		NB1("fcvt.l.s", fcvt_l_s, 1)
		NB1("fcvt.d.s", fcvt_d_s, 1)
		NB1("fmv.s", fmv_s, 0)
		NB1("fneg.s", fneg_s, 0)
		NB1("fabs.s", fabs_s, 0)
		NB1("fmv.x.w", fmv_x_w, 1)
		// fcvt.s.d reads a double: no boxing check, boxed result.
		r = fcvt_s_d(x, &f);
		out_s("fcvt.s.d (double input) ");
		out_hex(x);
		out_s(" -> ");
		out_op(r, 1);
		out_c(' ');
		out_flags(f);
		out_nl();
		u32 w = 0;
		asm volatile("fmv.d.x ft0, %1\n\tfsw ft0, 0(%0)"
			     :
			     : "r"(&w), "r"(x)
			     : "ft0", "memory");
		out_s("fsw ");
		out_hex(x);
		out_s(" -> ");
		out_hexn(w, 8);
		out_nl();
	}
}

int main(void) {
	out_flags_legend();
	test_pairs();
	test_unary();
	test_moves();
	test_memory();
	test_nanbox();
	out_s("done\n");
	out_flush();
	return 0;
}
