// rv64i.c: differential test of RV64I control transfer, upper immediates,
// loads and stores (including misaligned and page-crossing accesses),
// writes to x0 and fences. Arithmetic is in rv64i_alu.c.
//
// Inline assembly is wrapped in NORVC so every instruction under test is
// the 4-byte encoding (compressed forms are tested by rvc.S).
#define RT_IMPLEMENTATION
#include "rt.h"
#include "intop.h"

// ---- lui, auipc -----------------------------------------------------------

static void test_upper(void) {
#define LUI(imm)                                                              \
	do {                                                                  \
		u64 r;                                                        \
		asm volatile(NORVC("lui %0, " #imm) : "=r"(r));               \
		out_kv("lui " #imm, r);                                       \
	} while (0)
	LUI(0);
	LUI(1);
	LUI(0x7ffff);
	LUI(0x80000);
	LUI(0x80001);
	LUI(0xfffff);
	LUI(0x12345);
	LUI(0xabcde);
	// auipc: print the result minus the address of the auipc itself.
#define AUIPC(imm)                                                            \
	do {                                                                  \
		u64 r, pc;                                                    \
		asm volatile(NORVC("1: auipc %0, " #imm "\n\tlla %1, 1b")     \
			     : "=&r"(r), "=&r"(pc));                          \
		out_kv("auipc " #imm " minus pc", r - pc);                    \
	} while (0)
	AUIPC(0);
	AUIPC(1);
	AUIPC(0x7ffff);
	AUIPC(0x80000);
	AUIPC(0xfffff);
	AUIPC(0x12345);
	// lui + addiw / addi combinations the assembler uses for li.
	u64 r;
	asm volatile(NORVC("lui %0, 0x80000\n\taddiw %0, %0, -1") : "=r"(r));
	out_kv("lui 0x80000; addiw -1", r);
	asm volatile(NORVC("lui %0, 0x80000\n\taddi %0, %0, -1") : "=r"(r));
	out_kv("lui 0x80000; addi -1", r);
	asm volatile(NORVC("lui %0, 0x7ffff\n\taddiw %0, %0, 2047") : "=r"(r));
	out_kv("lui 0x7ffff; addiw 2047", r);
	asm volatile(NORVC("lui %0, 0x12345\n\taddi %0, %0, -2048") : "=r"(r));
	out_kv("lui 0x12345; addi -2048", r);
}

// ---- jal, jalr -------------------------------------------------------------

static void test_jumps(void) {
	u64 link, next, fell, n;

	// jal forward: link is the address of the next instruction, and the
	// instruction after the jal is skipped.
	asm volatile(NORVC("li %2, 0\n\t"
			   "jal %0, 1f\n"
			   "2:\tli %2, 1\n"
			   "1:\tlla %1, 2b")
		     : "=&r"(link), "=&r"(next), "=&r"(fell));
	out_kv("jal forward: link minus next", link - next);
	out_kv("jal forward: fell through", fell);

	// jal backward.
	asm volatile(NORVC("li %0, 0\n\t"
			   "j 2f\n"
			   "1:\taddi %0, %0, 1\n\t"
			   "j 3f\n"
			   "2:\tjal %1, 1b\n"
			   "4:\taddi %0, %0, 100\n"
			   "3:\tlla %2, 4b")
		     : "=&r"(n), "=&r"(link), "=&r"(next));
	out_kv("jal backward: count", n);
	out_kv("jal backward: link minus next", link - next);

	// jal far forward and backward (12000 bytes: immediate bits 11..13).
	asm volatile(NORVC("li %0, 0\n\t"
			   "jal %1, 1f\n"
			   "2:\tli %0, 99\n\t"
			   ".fill 3000, 4, 0x00000013\n"
			   "1:\taddi %0, %0, 5\n\t"
			   "lla %2, 2b")
		     : "=&r"(n), "=&r"(link), "=&r"(next));
	out_kv("jal far forward: value", n);
	out_kv("jal far forward: link minus next", link - next);
	asm volatile(NORVC("li %0, 0\n\t"
			   "j 2f\n"
			   "1:\taddi %0, %0, 7\n\t"
			   "j 3f\n\t"
			   ".fill 3000, 4, 0x00000013\n"
			   "2:\tjal %1, 1b\n"
			   "4:\tli %0, 99\n"
			   "3:\tlla %2, 4b")
		     : "=&r"(n), "=&r"(link), "=&r"(next));
	out_kv("jal far backward: value", n);
	out_kv("jal far backward: link minus next", link - next);

	// jal x0 (j) does not write a link.
	asm volatile(NORVC("li %0, 5\n\t"
			   "jal x0, 1f\n\t"
			   "li %0, 6\n"
			   "1:\tmv %1, x0")
		     : "=&r"(n), "=&r"(link));
	out_kv("jal x0: value", n);
	out_kv("jal x0: x0", link);

	// jalr with a positive offset.
	asm volatile(NORVC("li %2, 0\n\t"
			   "lla t0, 1f\n\t"
			   "addi t0, t0, -100\n\t"
			   "jalr %0, 100(t0)\n"
			   "2:\tli %2, 1\n"
			   "1:\tlla %1, 2b")
		     : "=&r"(link), "=&r"(next), "=&r"(fell)
		     :
		     : "t0");
	out_kv("jalr +100: link minus next", link - next);
	out_kv("jalr +100: fell through", fell);

	// jalr to an odd address: bit 0 of the target is cleared.
	asm volatile(NORVC("li %2, 0\n\t"
			   "lla t0, 1f\n\t"
			   "addi t0, t0, 1\n\t"
			   "jalr %0, 0(t0)\n"
			   "2:\tli %2, 1\n"
			   "1:\tlla %1, 2b")
		     : "=&r"(link), "=&r"(next), "=&r"(fell)
		     :
		     : "t0");
	out_kv("jalr odd register: link minus next", link - next);
	out_kv("jalr odd register: fell through", fell);

	// jalr where the sum is odd through the immediate (2047).
	asm volatile(NORVC("li %2, 0\n\t"
			   "lla t0, 1f\n\t"
			   "addi t0, t0, -2046\n\t"
			   "jalr %0, 2047(t0)\n"
			   "2:\tli %2, 1\n"
			   "1:\tlla %1, 2b")
		     : "=&r"(link), "=&r"(next), "=&r"(fell)
		     :
		     : "t0");
	out_kv("jalr +2047 odd sum: link minus next", link - next);
	out_kv("jalr +2047 odd sum: fell through", fell);

	// jalr with the most negative offset.
	asm volatile(NORVC("li %2, 0\n\t"
			   "lla t0, 1f\n\t"
			   "li t1, 2048\n\t"
			   "add t0, t0, t1\n\t"
			   "jalr %0, -2048(t0)\n"
			   "2:\tli %2, 1\n"
			   "1:\tlla %1, 2b")
		     : "=&r"(link), "=&r"(next), "=&r"(fell)
		     :
		     : "t0", "t1");
	out_kv("jalr -2048: link minus next", link - next);
	out_kv("jalr -2048: fell through", fell);

	// jalr with rd == rs1: the target uses the old value.
	asm volatile(NORVC("li %2, 0\n\t"
			   "lla %0, 1f\n\t"
			   "jalr %0, 0(%0)\n"
			   "2:\tli %2, 1\n"
			   "1:\tlla %1, 2b")
		     : "=&r"(link), "=&r"(next), "=&r"(fell));
	out_kv("jalr rd==rs1: link minus next", link - next);
	out_kv("jalr rd==rs1: fell through", fell);

	// jalr x0 (jr) writes no link.
	asm volatile(NORVC("li %1, 0\n\t"
			   "lla t0, 1f\n\t"
			   "jalr x0, 0(t0)\n\t"
			   "li %1, 1\n"
			   "1:\tmv %0, x0")
		     : "=&r"(link), "=&r"(fell)
		     :
		     : "t0");
	out_kv("jalr x0: x0", link);
	out_kv("jalr x0: fell through", fell);

	// A real call and return through ra with a backward jalr.
	asm volatile(NORVC("li %0, 0\n\t"
			   "j 2f\n"
			   "1:\taddi %0, %0, 1\n\t"
			   "jalr x0, 0(t1)\n"
			   "2:\tjal t1, 1b\n\t"
			   "jal t1, 1b\n\t"
			   "jal t1, 1b")
		     : "=&r"(n)
		     :
		     : "t1");
	out_kv("jal/jalr subroutine called 3 times", n);
}

// ---- branches --------------------------------------------------------------

#define BR(name, mn)                                                          \
	static u64 name(u64 a, u64 b) {                                       \
		u64 t;                                                        \
		asm volatile(NORVC("li %0, 1\n\t" mn " %1, %2, 1f\n\t"        \
				   "li %0, 0\n1:")                            \
			     : "=&r"(t)                                       \
			     : "r"(a), "r"(b));                               \
		return t;                                                     \
	}
BR(br_beq, "beq")
BR(br_bne, "bne")
BR(br_blt, "blt")
BR(br_bge, "bge")
BR(br_bltu, "bltu")
BR(br_bgeu, "bgeu")

// Branches against x0 (rs2 = x0, and rs1 = x0 for blez/bgtz).
#define BRZ(name, ins)                                                        \
	static u64 name(u64 a) {                                              \
		u64 t;                                                        \
		asm volatile(NORVC("li %0, 1\n\t" ins "\n\t"                  \
				   "li %0, 0\n1:")                            \
			     : "=&r"(t)                                       \
			     : "r"(a));                                       \
		return t;                                                     \
	}
BRZ(br_beqz, "beq %1, x0, 1f")
BRZ(br_bnez, "bne %1, x0, 1f")
BRZ(br_bltz, "blt %1, x0, 1f")
BRZ(br_bgez, "bge %1, x0, 1f")
BRZ(br_blez, "bge x0, %1, 1f")
BRZ(br_bgtz, "blt x0, %1, 1f")
BRZ(br_bltu0, "bltu x0, %1, 1f")
BRZ(br_bgeu0, "bgeu %1, x0, 1f")

static const struct {
	const char *name;
	u64 (*f)(u64, u64);
} branches[] = {
	{"beq", br_beq}, {"bne", br_bne},   {"blt", br_blt},
	{"bge", br_bge}, {"bltu", br_bltu}, {"bgeu", br_bgeu},
};

static const struct {
	const char *name;
	u64 (*f)(u64);
} zbranches[] = {
	{"beq x,x0", br_beqz},  {"bne x,x0", br_bnez},   {"blt x,x0", br_bltz},
	{"bge x,x0", br_bgez},  {"bge x0,x", br_blez},   {"blt x0,x", br_bgtz},
	{"bltu x0,x", br_bltu0}, {"bgeu x,x0", br_bgeu0},
};

static void test_branches(void) {
	for (u32 k = 0; k < sizeof branches / sizeof branches[0]; k++)
		for (u32 i = 0; i < NV; i++)
			for (u32 j = 0; j < NV; j++) {
				out_s(branches[k].name);
				out_c(' ');
				out_hex(V[i]);
				out_c(' ');
				out_hex(V[j]);
				out_s(branches[k].f(V[i], V[j]) ? " taken"
								: " not taken");
				out_nl();
			}
	for (u32 k = 0; k < sizeof zbranches / sizeof zbranches[0]; k++)
		for (u32 i = 0; i < NV; i++) {
			out_s(zbranches[k].name);
			out_s(" x=");
			out_hex(V[i]);
			out_s(zbranches[k].f(V[i]) ? " taken" : " not taken");
			out_nl();
		}

	// The same register on both sides.
	u64 t, a = 5;
	asm volatile(NORVC("li %0, 1\n\tbeq %1, %1, 1f\n\tli %0, 0\n1:")
		     : "=&r"(t) : "r"(a));
	out_kv("beq x,x taken", t);
	asm volatile(NORVC("li %0, 1\n\tblt %1, %1, 1f\n\tli %0, 0\n1:")
		     : "=&r"(t) : "r"(a));
	out_kv("blt x,x taken", t);
	asm volatile(NORVC("li %0, 1\n\tbgeu %1, %1, 1f\n\tli %0, 0\n1:")
		     : "=&r"(t) : "r"(a));
	out_kv("bgeu x,x taken", t);

	// A backward-branch loop.
	u64 cnt, i;
	asm volatile(NORVC("li %0, 0\n\tli %1, 10\n"
			   "1:\taddi %0, %0, 3\n\t"
			   "addi %1, %1, -1\n\t"
			   "bne %1, x0, 1b")
		     : "=&r"(cnt), "=&r"(i));
	out_kv("bne backward loop: sum", cnt);
	out_kv("bne backward loop: counter", i);
	asm volatile(NORVC("li %0, 0\n\tli %1, -5\n"
			   "1:\taddi %0, %0, 1\n\t"
			   "addi %1, %1, 1\n\t"
			   "blt %1, x0, 1b")
		     : "=&r"(cnt), "=&r"(i));
	out_kv("blt backward loop: count", cnt);

	// Largest forward branch offset (+4094) and most negative (-4096).
	// The assembler would turn a forward branch this far into a short
	// branch around a jal, so the forward ones are written as encodings.
	asm volatile(NORVC("li %0, 0\n\t"
			   ".insn 4, 0x7e000fe3\n\t" // beq x0, x0, .+4094 (1f)
			   "li %0, 99\n\t"
			   ".fill 1021, 4, 0x00000013\n\t"
			   ".fill 1, 2, 0x0001\n"
			   "1:\taddi %0, %0, 1")
		     : "=&r"(t));
	out_kv("beq +4094: value", t);
	asm volatile(NORVC("li %0, 0\n\t"
			   "j 2f\n"
			   "1:\taddi %0, %0, 1\n\t"
			   "j 3f\n\t"
			   ".fill 1022, 4, 0x00000013\n"
			   "2:\tbgeu %0, x0, 1b\n\t"
			   "li %0, 99\n"
			   "3:")
		     : "=&r"(t));
	out_kv("bgeu -4096: value", t);
	// A not-taken far branch falls through.
	asm volatile(NORVC("li %0, 0\n\t"
			   ".insn 4, 0x7e001ee3\n\t" // bne x0, x0, .+4092 (1f)
			   "addi %0, %0, 1\n\t"
			   "j 2f\n\t"
			   ".fill 1020, 4, 0x00000013\n"
			   "1:\taddi %0, %0, 10\n"
			   "2:")
		     : "=&r"(t));
	out_kv("bne far not taken: value", t);
}

// ---- loads and stores ------------------------------------------------------

static u8 mem[3 * 4096] __attribute__((aligned(4096)));

#define LD(name, mn)                                                          \
	static u64 name(const u8 *p) {                                        \
		u64 r;                                                        \
		asm volatile(NORVC(mn " %0, 0(%1)")                           \
			     : "=r"(r)                                        \
			     : "r"(p)                                         \
			     : "memory");                                     \
		return r;                                                     \
	}
LD(ld_lb, "lb")
LD(ld_lh, "lh")
LD(ld_lw, "lw")
LD(ld_ld, "ld")
LD(ld_lbu, "lbu")
LD(ld_lhu, "lhu")
LD(ld_lwu, "lwu")

static const struct {
	const char *name;
	u64 (*f)(const u8 *);
} loads[] = {
	{"lb", ld_lb},   {"lh", ld_lh},   {"lw", ld_lw},   {"ld", ld_ld},
	{"lbu", ld_lbu}, {"lhu", ld_lhu}, {"lwu", ld_lwu},
};

#define ST(name, mn)                                                          \
	static void name(u8 *p, u64 v) {                                      \
		asm volatile(NORVC(mn " %1, 0(%0)")                           \
			     :                                                \
			     : "r"(p), "r"(v)                                 \
			     : "memory");                                     \
	}
ST(st_sb, "sb")
ST(st_sh, "sh")
ST(st_sw, "sw")
ST(st_sd, "sd")

static const struct {
	const char *name;
	void (*f)(u8 *, u64);
} stores[] = {
	{"sb", st_sb},
	{"sh", st_sh},
	{"sw", st_sw},
	{"sd", st_sd},
};

// Offsets from the start of the second page; the high ones cross into the
// third page.
static const u32 offs[] = {0, 1, 2, 3, 4, 5, 6, 7, 4089, 4090, 4091, 4092, 4093, 4094, 4095};

static void fill_pattern(void) {
	for (u32 i = 0; i < sizeof mem; i++)
		mem[i] = (u8)((i * 2654435761u) >> 24) ^ (u8)(i >> 12);
}

static void dump(u8 *p, u32 n) {
	for (u32 i = 0; i < n; i++)
		out_hexn(p[i], 2);
}

static void test_memory(void) {
	fill_pattern();
	u8 *page = mem + 4096;
	for (u32 k = 0; k < sizeof loads / sizeof loads[0]; k++)
		for (u32 i = 0; i < sizeof offs / sizeof offs[0]; i++) {
			out_s(loads[k].name);
			out_s(" page+");
			out_dec(offs[i]);
			out_s(" -> ");
			out_hex(loads[k].f(page + offs[i]));
			out_nl();
		}

	// Immediate offsets at the extremes.
	u8 *mid = page + 2048;
	u64 r;
#define LDI(mn, imm)                                                          \
	do {                                                                  \
		asm volatile(NORVC(mn " %0, " #imm "(%1)")                    \
			     : "=r"(r)                                        \
			     : "r"(mid)                                       \
			     : "memory");                                     \
		out_kv(mn " mid+(" #imm ")", r);                                    \
	} while (0)
#define LDIS(mn) LDI(mn, -2048); LDI(mn, -1); LDI(mn, 2047); LDI(mn, 2044)
	LDIS("lb");
	LDIS("lh");
	LDIS("lw");
	LDIS("ld");
	LDIS("lbu");
	LDIS("lhu");
	LDIS("lwu");

	// Sign and zero extension of aligned boundary values.
	static const u64 ext[] = {0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
				  0x7fffffff, 0x80000000, 0xffffffff,
				  0x8000000000000000};
	static u64 cell;
	for (u32 i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		cell = ext[i];
		for (u32 k = 0; k < sizeof loads / sizeof loads[0]; k++) {
			out_s(loads[k].name);
			out_s(" of ");
			out_hex(ext[i]);
			out_s(" -> ");
			out_hex(loads[k].f((u8 *)&cell));
			out_nl();
		}
	}

	// Stores: each store into a window of 0xa5 bytes, then the window.
	static const u32 soffs[] = {0, 1, 2, 3, 5, 7, 4088, 4090, 4093, 4094, 4095};
	for (u32 k = 0; k < sizeof stores / sizeof stores[0]; k++)
		for (u32 i = 0; i < sizeof soffs / sizeof soffs[0]; i++) {
			u8 *p = page + soffs[i];
			for (int j = -8; j < 16; j++)
				p[j] = 0xa5;
			stores[k].f(p, 0x8899aabbccddeeff);
			out_s(stores[k].name);
			out_s(" page+");
			out_dec(soffs[i]);
			out_s(": ");
			dump(p - 8, 24);
			out_nl();
		}

	// Store immediates at the extremes, then read back with a load.
	for (u32 i = 0; i < 4096; i++)
		page[i] = 0;
	asm volatile(NORVC("sd %1, -2048(%0)\n\t"
			   "sw %1, 2047(%0)\n\t"
			   "sh %1, -1(%0)\n\t"
			   "sb %1, 1(%0)")
		     :
		     : "r"(mid), "r"(0x0102030405060708UL)
		     : "memory");
	out_s("store imm extremes: ");
	dump(page, 8);
	out_c(' ');
	dump(mid - 2, 4);
	out_c(' ');
	dump(page + 4095 - 2, 7);
	out_nl();

	// A store followed by overlapping loads of every width.
	u64 v = 0xf1e2d3c4b5a69788;
	st_sd(page + 100, v);
	st_sh(page + 103, 0x8001);
	for (u32 k = 0; k < sizeof loads / sizeof loads[0]; k++)
		for (u32 o = 100; o < 104; o++) {
			out_s(loads[k].name);
			out_s(" after overlapping stores, page+");
			out_dec(o);
			out_s(" -> ");
			out_hex(loads[k].f(page + o));
			out_nl();
		}
}

// ---- x0, fences ------------------------------------------------------------

static void test_x0(void) {
	u64 r, s;
	asm volatile(NORVC("li t0, 12345\n\t"
			   "add x0, t0, t0\n\t"
			   "addi x0, t0, 1\n\t"
			   "lui x0, 0x12345\n\t"
			   "auipc x0, 1\n\t"
			   "lw x0, 0(%2)\n\t"
			   "ld x0, 0(%2)\n\t"
			   "lbu x0, 0(%2)\n\t"
			   "slli x0, t0, 3\n\t"
			   "sub x0, x0, t0\n\t"
			   "addiw x0, t0, 1\n\t"
			   "sllw x0, t0, t0\n\t"
			   "jal x0, 1f\n"
			   "1:\tmv %0, x0\n\t"
			   "sub %1, x0, t0")
		     : "=&r"(r), "=&r"(s)
		     : "r"(mem)
		     : "t0");
	out_kv("x0 after writes", r);
	out_kv("x0 minus 12345", s);
	asm volatile(NORVC("add %0, x0, x0") : "=r"(r));
	out_kv("add x0, x0", r);
	asm volatile(NORVC("addi %0, x0, -1") : "=r"(r));
	out_kv("addi x0, -1", r);
	asm volatile(NORVC("ori %0, x0, 0x7ff") : "=r"(r));
	out_kv("ori x0, 0x7ff", r);
	asm volatile(NORVC("sltu %0, x0, %1") : "=r"(r) : "r"(7UL));
	out_kv("sltu x0, 7 (snez)", r);
	asm volatile(NORVC("sltiu %0, %1, 1") : "=r"(r) : "r"(0UL));
	out_kv("sltiu 0, 1 (seqz)", r);
	// sd x0 stores zero.
	static u64 cell = 0x1111111111111111;
	asm volatile(NORVC("sd x0, 0(%0)") : : "r"(&cell) : "memory");
	out_kv("sd x0", cell);
}

static void test_fence(void) {
	static volatile u64 cell;
	cell = 1;
	asm volatile(NORVC("fence") ::: "memory");
	cell += 1;
	asm volatile(NORVC("fence rw, rw") ::: "memory");
	cell += 1;
	asm volatile(NORVC("fence r, rw") ::: "memory");
	cell += 1;
	asm volatile(NORVC("fence w, w") ::: "memory");
	cell += 1;
	asm volatile(NORVC("fence iorw, iorw") ::: "memory");
	cell += 1;
	asm volatile(NORVC("fence i, o") ::: "memory");
	cell += 1;
	asm volatile(NORVC("fence.tso") ::: "memory");
	cell += 1;
	asm volatile(NORVC(".word 0x0100000f") ::: "memory"); // pause
	cell += 1;
	asm volatile(NORVC("nop\n\taddi x0, x0, 0") ::: "memory");
	out_kv("after fences", cell);
}

int main(void) {
	test_upper();
	test_jumps();
	test_branches();
	test_memory();
	test_x0();
	test_fence();
	out_s("done\n");
	out_flush();
	return 0;
}
