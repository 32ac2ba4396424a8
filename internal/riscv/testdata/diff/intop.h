// intop.h: the integer-instruction harness shared by rv64i.c, rv64i_alu.c,
// rv64m.c, zba.c, zbb.c and zbs.c: NORVC (assemble without compressing),
// the boundary operand table V, RR (one function per register-register
// instruction), struct rrop, the result lines "op a b -> result"
// (line_rr) and "op a imm -> result" (line_ri), run_rr (every operation
// over two operand tables), RI (an immediate instruction over V) and N
// (the length of an array). Output goes through out.h.
#ifndef DIFF_INTOP_H
#define DIFF_INTOP_H

#include "out.h"

#define N(a) (sizeof a / sizeof a[0])

#define NORVC(s) ".option push\n\t.option norvc\n\t" s "\n\t.option pop"

static const u64 V[] = {
	0,
	1,
	2,
	0xffffffffffffffff,
	0x7fffffffffffffff,
	0x8000000000000000,
	0x000000007fffffff,
	0x0000000080000000,
	0x00000000ffffffff,
	0xffffffff80000000,
	0x0123456789abcdef,
	0xfedcba9876543210,
};
#define NV (sizeof V / sizeof V[0])

#define RR(name, mn)                                                          \
	static u64 name(u64 a, u64 b) {                                       \
		u64 r;                                                        \
		asm volatile(NORVC(mn " %0, %1, %2") : "=r"(r) : "r"(a), "r"(b)); \
		return r;                                                     \
	}

struct rrop {
	const char *name;
	u64 (*f)(u64, u64);
};

static inline void line_rr(const char *name, u64 a, u64 b, u64 r) {
	out_s(name);
	out_c(' ');
	out_hex(a);
	out_c(' ');
	out_hex(b);
	out_s(" -> ");
	out_hex(r);
	out_nl();
}

static inline void line_ri(const char *name, u64 a, i64 imm, u64 r) {
	out_s(name);
	out_c(' ');
	out_hex(a);
	out_c(' ');
	out_dec(imm);
	out_s(" -> ");
	out_hex(r);
	out_nl();
}

// run_rr prints every operation of ops over every pair (a[i], b[j]).
static inline void run_rr(const struct rrop *ops, u32 nops, const u64 *a, u32 na,
			  const u64 *b, u32 nb) {
	for (u32 k = 0; k < nops; k++)
		for (u32 i = 0; i < na; i++)
			for (u32 j = 0; j < nb; j++)
				line_rr(ops[k].name, a[i], b[j], ops[k].f(a[i], b[j]));
}

// RI(mn, imm) runs the immediate instruction "mn rd, rs1, imm" over V.
#define RI(mn, imm)                                                           \
	for (u32 i = 0; i < NV; i++) {                                        \
		u64 r;                                                        \
		asm volatile(NORVC(mn " %0, %1, " #imm) : "=r"(r) : "r"(V[i])); \
		line_ri(mn, V[i], imm, r);                                    \
	}

#endif
