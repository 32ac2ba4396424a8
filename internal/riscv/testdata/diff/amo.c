// amo.c: differential test of the A extension on one hart: lr/sc (success,
// sc without a reservation, sc to another address, reservation moved by a
// second lr, sign extension of lr.w), every AMO in .w and .d forms over a
// table of memory/operand pairs (rd gets the old value, sign-extended for
// .w; memory gets the new one and the neighbouring word is untouched),
// the aq/rl/aqrl variants, rd == rs2, rd == x0, and an lr/sc retry loop.
// (Multi-hart behaviour is tested elsewhere.)
#define RT_IMPLEMENTATION
#include "rt.h"
#include "out.h"

static const u64 V[] = {
	0,
	1,
	0xffffffffffffffff,
	0x000000007fffffff,
	0x0000000080000000,
	0x7fffffffffffffff,
	0x8000000000000000,
	0x0123456789abcdef,
};
#define NV (sizeof V / sizeof V[0])

// Memory cells: a 64-bit slot, and for .w a 32-bit word in the low half
// of a slot whose high half holds a sentinel.
static u64 cell[8] __attribute__((aligned(64)));
static u64 other[8] __attribute__((aligned(64)));

#define AMO(name, mn)                                                         \
	static u64 name(u64 *p, u64 v) {                                      \
		u64 r;                                                        \
		asm volatile(mn " %0, %2, (%1)" : "=&r"(r) : "r"(p), "r"(v) : "memory"); \
		return r;                                                     \
	}
#define AMOS(base)                                                            \
	AMO(base##_w, #base ".w")                                             \
	AMO(base##_w_aq, #base ".w.aq")                                       \
	AMO(base##_w_rl, #base ".w.rl")                                       \
	AMO(base##_w_aqrl, #base ".w.aqrl")                                   \
	AMO(base##_d, #base ".d")                                             \
	AMO(base##_d_aq, #base ".d.aq")                                       \
	AMO(base##_d_rl, #base ".d.rl")                                       \
	AMO(base##_d_aqrl, #base ".d.aqrl")
AMOS(amoswap)
AMOS(amoadd)
AMOS(amoxor)
AMOS(amoand)
AMOS(amoor)
AMOS(amomin)
AMOS(amomax)
AMOS(amominu)
AMOS(amomaxu)

typedef u64 (*amo_fn)(u64 *, u64);

#define ROW(base)                                                             \
	{#base, {base##_w, base##_w_aq, base##_w_rl, base##_w_aqrl},          \
	 {base##_d, base##_d_aq, base##_d_rl, base##_d_aqrl}}
static const struct {
	const char *name;
	amo_fn w[4], d[4];
} amos[] = {
	ROW(amoswap), ROW(amoadd), ROW(amoxor),  ROW(amoand), ROW(amoor),
	ROW(amomin),  ROW(amomax), ROW(amominu), ROW(amomaxu),
};
static const char *const order[4] = {"", ".aq", ".rl", ".aqrl"};

static void amo_line(const char *name, const char *sz, int o, u64 mem, u64 v, u64 rd, u64 after) {
	out_s(name);
	out_s(sz);
	out_s(order[o]);
	out_s(" mem=");
	out_hex(mem);
	out_s(" rs2=");
	out_hex(v);
	out_s(" -> rd=");
	out_hex(rd);
	out_s(" mem=");
	out_hex(after);
	out_nl();
}

static void test_amo(void) {
	for (u32 k = 0; k < sizeof amos / sizeof amos[0]; k++)
		for (int o = 0; o < 4; o++)
			for (u32 i = 0; i < NV; i++)
				for (u32 j = 0; j < NV; j++) {
					// The aq/rl variants get a subset of the pairs.
					if (o && j != (i + 3) % NV)
						continue;
					// .w on the low word; the high word is a sentinel.
					cell[0] = 0xa5a5a5a500000000 | (u32)V[i];
					u64 rd = amos[k].w[o](&cell[0], V[j]);
					amo_line(amos[k].name, ".w", o, (u32)V[i], V[j], rd, cell[0]);
					// .w on the high word of a slot.
					if (o == 0 && (i + j) % 4 == 0) {
						cell[1] = (u64)(u32)V[i] << 32 | 0x5a5a5a5a;
						rd = amos[k].w[o]((u64 *)((u8 *)&cell[1] + 4), V[j]);
						amo_line(amos[k].name, ".w(high)", o, (u32)V[i], V[j], rd, cell[1]);
					}
					cell[2] = V[i];
					rd = amos[k].d[o](&cell[2], V[j]);
					amo_line(amos[k].name, ".d", o, V[i], V[j], rd, cell[2]);
				}
}

static void test_amo_regs(void) {
	u64 r;
	// rd == rs2: the old value replaces the operand after it was used.
	cell[0] = 100;
	r = 5;
	asm volatile("amoadd.d %0, %0, (%1)" : "+r"(r) : "r"(&cell[0]) : "memory");
	out_kv("amoadd.d rd==rs2: rd", r);
	out_kv("amoadd.d rd==rs2: mem", cell[0]);
	cell[0] = 0x11111111;
	r = 0x80000000;
	asm volatile("amoswap.w %0, %0, (%1)" : "+r"(r) : "r"(&cell[0]) : "memory");
	out_kv("amoswap.w rd==rs2: rd", r);
	out_kv("amoswap.w rd==rs2: mem", cell[0]);
	// rd == rs1.
	u64 *p = &cell[3];
	cell[3] = 7;
	asm volatile("amoor.d %0, %1, (%0)" : "+r"(p) : "r"(0x30UL) : "memory");
	out_kv("amoor.d rd==rs1: rd", (u64)p);
	out_kv("amoor.d rd==rs1: mem", cell[3]);
	// rd == x0.
	cell[0] = 40;
	asm volatile("amoadd.d x0, %1, (%0)" : : "r"(&cell[0]), "r"(2UL) : "memory");
	asm volatile("amoadd.w x0, %1, (%0)" : : "r"(&cell[0]), "r"(0xffffffffUL) : "memory");
	out_kv("amoadd x0 twice: mem", cell[0]);
	// rs2 == x0: amoor with zero is an atomic load; amoswap x0 stores 0.
	cell[0] = 0xfedcba9876543210;
	asm volatile("amoor.d %0, x0, (%1)" : "=&r"(r) : "r"(&cell[0]) : "memory");
	out_kv("amoor.d rs2=x0: rd", r);
	asm volatile("amoor.w %0, x0, (%1)" : "=&r"(r) : "r"(&cell[0]) : "memory");
	out_kv("amoor.w rs2=x0: rd", r);
	asm volatile("amoswap.w %0, x0, (%1)" : "=&r"(r) : "r"(&cell[0]) : "memory");
	out_kv("amoswap.w rs2=x0: rd", r);
	out_kv("amoswap.w rs2=x0: mem", cell[0]);
}

static u64 sc_d(u64 *p, u64 v) {
	u64 r;
	asm volatile("sc.d %0, %2, (%1)" : "=&r"(r) : "r"(p), "r"(v) : "memory");
	return r;
}

static void test_lrsc(void) {
	u64 r, s;
	// sc with no reservation at all (none taken since the program began).
	cell[0] = 1;
	s = sc_d(&cell[0], 2);
	out_kv("sc.d without lr: result", s);
	out_kv("sc.d without lr: mem", cell[0]);

	// Success.
	cell[0] = 0x1111;
	asm volatile("lr.d %0, (%2)\n\t"
		     "addi %0, %0, 1\n\t"
		     "sc.d %1, %0, (%2)"
		     : "=&r"(r), "=&r"(s)
		     : "r"(&cell[0])
		     : "memory");
	out_kv("lr.d/sc.d: result", s);
	out_kv("lr.d/sc.d: mem", cell[0]);

	// The reservation is gone after a successful sc.
	s = sc_d(&cell[0], 0x2222);
	out_kv("second sc.d: result", s);
	out_kv("second sc.d: mem", cell[0]);

	// sc to an address other than the reserved one fails, and also
	// ends the reservation.
	other[0] = 0x3333;
	asm volatile("lr.d %0, (%2)\n\t"
		     "sc.d %1, %0, (%3)"
		     : "=&r"(r), "=&r"(s)
		     : "r"(&cell[0]), "r"(&other[0])
		     : "memory");
	out_kv("sc.d to another address: result", s);
	out_kv("sc.d to another address: other", other[0]);
	s = sc_d(&cell[0], 0x4444);
	out_kv("sc.d after the failed sc: result", s);
	out_kv("sc.d after the failed sc: mem", cell[0]);

	// A second lr moves the reservation.
	cell[0] = 10;
	other[0] = 20;
	asm volatile("lr.d %0, (%2)\n\t"
		     "lr.d %0, (%3)\n\t"
		     "sc.d %1, %0, (%2)"
		     : "=&r"(r), "=&r"(s)
		     : "r"(&cell[0]), "r"(&other[0])
		     : "memory");
	out_kv("lr a; lr b; sc a: result", s);
	out_kv("lr a; lr b; sc a: a", cell[0]);
	asm volatile("lr.d %0, (%2)\n\t"
		     "lr.d %0, (%3)\n\t"
		     "addi %0, %0, 5\n\t"
		     "sc.d %1, %0, (%3)"
		     : "=&r"(r), "=&r"(s)
		     : "r"(&cell[0]), "r"(&other[0])
		     : "memory");
	out_kv("lr a; lr b; sc b: result", s);
	out_kv("lr a; lr b; sc b: b", other[0]);

	// A store to an unrelated line between lr and sc.
	cell[0] = 50;
	asm volatile("lr.d %0, (%2)\n\t"
		     "sd %0, 0(%3)\n\t"
		     "addi %0, %0, 1\n\t"
		     "sc.d %1, %0, (%2)"
		     : "=&r"(r), "=&r"(s)
		     : "r"(&cell[0]), "r"(&other[4])
		     : "memory");
	out_kv("lr; unrelated sd; sc: result", s);
	out_kv("lr; unrelated sd; sc: mem", cell[0]);

	// lr.w sign-extends; sc.w writes 32 bits only.
	cell[0] = 0x1234567880000000;
	asm volatile("lr.w %0, (%2)\n\t"
		     "sc.w %1, %3, (%2)"
		     : "=&r"(r), "=&r"(s)
		     : "r"(&cell[0]), "r"(0xaaaaaaaa00000001UL)
		     : "memory");
	out_kv("lr.w of 80000000", r);
	out_kv("sc.w: result", s);
	out_kv("sc.w: mem", cell[0]);
	cell[1] = 0x000000017fffffff;
	asm volatile("lr.w %0, (%1)" : "=&r"(r) : "r"(&cell[1]) : "memory");
	out_kv("lr.w of 7fffffff", r);
	asm volatile("sc.w %0, %2, (%1)" : "=&r"(s) : "r"(&cell[1]), "r"(3UL) : "memory");
	out_kv("sc.w after lr.w: result", s);
	out_kv("sc.w after lr.w: mem", cell[1]);
	s = 7;
	asm volatile("sc.w %0, %2, (%1)" : "=&r"(s) : "r"(&cell[1]), "r"(4UL) : "memory");
	out_kv("sc.w without lr: result", s);
	out_kv("sc.w without lr: mem", cell[1]);

	// The ordering variants.
	cell[0] = 1;
	asm volatile("lr.d.aq %0, (%2)\n\taddi %0, %0, 1\n\tsc.d.rl %1, %0, (%2)"
		     : "=&r"(r), "=&r"(s) : "r"(&cell[0]) : "memory");
	out_kv("lr.d.aq/sc.d.rl: result", s);
	asm volatile("lr.d.aqrl %0, (%2)\n\taddi %0, %0, 1\n\tsc.d.aqrl %1, %0, (%2)"
		     : "=&r"(r), "=&r"(s) : "r"(&cell[0]) : "memory");
	out_kv("lr.d.aqrl/sc.d.aqrl: result", s);
	asm volatile("lr.w.aq %0, (%2)\n\taddi %0, %0, 1\n\tsc.w.rl %1, %0, (%2)"
		     : "=&r"(r), "=&r"(s) : "r"(&cell[0]) : "memory");
	out_kv("lr.w.aq/sc.w.rl: result", s);
	asm volatile("lr.w.aqrl %0, (%2)\n\taddi %0, %0, 1\n\tsc.w.aqrl %1, %0, (%2)"
		     : "=&r"(r), "=&r"(s) : "r"(&cell[0]) : "memory");
	out_kv("lr.w.aqrl/sc.w.aqrl: result", s);
	asm volatile("lr.d.rl %0, (%2)\n\taddi %0, %0, 1\n\tsc.d.aq %1, %0, (%2)"
		     : "=&r"(r), "=&r"(s) : "r"(&cell[0]) : "memory");
	out_kv("lr.d.rl/sc.d.aq: result", s);
	out_kv("after the ordering variants: mem", cell[0]);

	// An lr/sc retry loop (an atomic increment), counting failures.
	cell[0] = 0;
	u64 fails = 0;
	for (int i = 0; i < 1000; i++) {
		u64 t;
		asm volatile("1:\tlr.w.aq %0, (%2)\n\t"
			     "addiw %0, %0, 3\n\t"
			     "sc.w.rl %0, %0, (%2)\n\t"
			     "beqz %0, 2f\n\t"
			     "addi %1, %1, 1\n\t"
			     "j 1b\n"
			     "2:"
			     : "=&r"(t), "+r"(fails)
			     : "r"(&cell[0])
			     : "memory");
	}
	out_kv("lr/sc loop: counter", cell[0]);
	out_kv("lr/sc loop: failures", fails);
	// A compare-and-swap built from lr/sc, as compilers emit it.
	cell[2] = 5;
	for (int i = 0; i < 3; i++) {
		u64 expect = 5, ok;
		asm volatile("1:\tlr.d.aqrl %0, (%1)\n\t"
			     "bne %0, %2, 2f\n\t"
			     "sc.d.rl %0, %3, (%1)\n\t"
			     "bnez %0, 1b\n\t"
			     "li %0, 1\n\t"
			     "j 3f\n"
			     "2:\tli %0, 0\n"
			     "3:"
			     : "=&r"(ok)
			     : "r"(&cell[2]), "r"(expect), "r"(9UL)
			     : "memory");
		out_kv("cas 5->9: swapped", ok);
		out_kv("cas 5->9: mem", cell[2]);
	}
}

int main(void) {
	test_lrsc();
	test_amo();
	test_amo_regs();
	out_s("done\n");
	out_flush();
	return 0;
}
