// build: -Wl,-N
// smc.c: differential test of self-modifying code. Linked with -N, so the
// text, data and bss are all in one writable and executable segment.
// Every patch is a plain store (word, halfword or byte) followed by
// fence.i, and every function is called many times before and after each
// patch, so a decoded-instruction cache that is not invalidated would run
// stale code:
//
//   - a 4-byte addi in .text whose immediate is rewritten by sw, sb and sh;
//   - a compressed c.addi rewritten into another c.addi, then a c.slli;
//   - a 4-byte instruction replaced by two 2-byte ones, and back;
//   - two 2-byte instructions replaced by one 4-byte one;
//   - a loop that rewrites the instruction it is about to execute on
//     every iteration;
//   - code copied from .text templates into a .bss buffer, executed,
//     overwritten and executed again, including a 4-byte instruction that
//     straddles two pages whose second half alone is rewritten;
//   - code in an initialized .data array.
#define RT_IMPLEMENTATION
#include "rt.h"
#include "out.h"

// The functions under test take and return a0. Patched instructions sit at
// the labels named *_insn.
asm(".pushsection .text\n"
    ".option push\n"

    ".balign 4\n"
    ".option norvc\n"
    ".globl smc_add, smc_add_insn\n"
    "smc_add:\n"
    "smc_add_insn:\n"
    "\taddi a0, a0, 1\n"
    "\tjalr x0, 0(ra)\n"

    ".option rvc\n"
    ".globl smc_c, smc_c_insn\n"
    "smc_c:\n"
    "\tc.nop\n" // so the patched instruction is only 2-byte aligned
    "smc_c_insn:\n"
    "\tc.addi a0, 1\n"
    "\tc.jr ra\n"

    ".balign 4\n"
    ".option norvc\n"
    ".globl smc_split, smc_split_insn\n"
    "smc_split:\n"
    "smc_split_insn:\n"
    "\taddi a0, a0, 5\n"
    "\tjalr x0, 0(ra)\n"

    ".option rvc\n"
    ".globl smc_join, smc_join_insn\n"
    "smc_join:\n"
    "smc_join_insn:\n"
    "\tc.addi a0, 1\n"
    "\tc.addi a0, 2\n"
    "\tc.jr ra\n"

    // smc_self(n): for i = 1..n, write "addi a1, a1, i" over the
    // instruction at 2: and execute it; returns the sum. The original
    // instruction (immediate 0) is put back at the end.
    ".balign 4\n"
    ".option norvc\n"
    ".globl smc_self\n"
    "smc_self:\n"
    "\tli a1, 0\n"
    "\tli a2, 1\n"
    "\tlla a3, 2f\n"
    "\tlw a4, 0(a3)\n"
    "1:\tslli a5, a2, 20\n"
    "\tor a5, a4, a5\n"
    "\tsw a5, 0(a3)\n"
    "\tfence.i\n"
    "2:\taddi a1, a1, 0\n"
    "\taddi a2, a2, 1\n"
    "\tble a2, a0, 1b\n"
    "\tsw a4, 0(a3)\n"
    "\tfence.i\n"
    "\tmv a0, a1\n"
    "\tret\n"

    // Position-independent templates copied into the bss buffer.
    ".option rvc\n"
    ".globl tpl_a, tpl_a_end, tpl_b, tpl_b_end\n"
    "tpl_a:\n" // a0 * 2 + 7
    "\tc.slli a0, 1\n"
    ".option norvc\n"
    "\taddi a0, a0, 7\n"
    ".option rvc\n"
    "\tc.jr ra\n"
    "tpl_a_end:\n"
    "tpl_b:\n" // a0 * 3 - 1
    "\tc.mv a1, a0\n"
    "\tc.slli a0, 1\n"
    ".option norvc\n"
    "\tadd a0, a0, a1\n"
    "\taddi a0, a0, -1\n"
    ".option rvc\n"
    "\tc.jr ra\n"
    "tpl_b_end:\n"

    ".option pop\n"
    ".popsection\n");

typedef long (*fn)(long);
extern long smc_add(long), smc_c(long), smc_split(long), smc_join(long), smc_self(long);
extern u8 smc_add_insn[], smc_c_insn[], smc_split_insn[], smc_join_insn[];
extern u8 tpl_a[], tpl_a_end[], tpl_b[], tpl_b_end[];

static void fence_i(void) { asm volatile("fence.i" ::: "memory"); }

// run calls f on 0..n-1 and prints f(5) and the sum of the results.
static void run(const char *what, fn f, int n) {
	u64 sum = 0;
	for (int i = 0; i < n; i++)
		sum += (u64)f(i);
	out_s(what);
	out_s(": f(5)=");
	out_dec(f(5));
	out_s(" sum over ");
	out_dec(n);
	out_s(" calls=");
	out_hex(sum);
	out_nl();
}

static void w32(u8 *p, u32 v) { *(volatile u32 *)p = v; }
static void w16(u8 *p, u16 v) { *(volatile u16 *)p = v; }
static void w8(u8 *p, u8 v) { *(volatile u8 *)p = v; }
static u32 r32(const u8 *p) { return *(volatile const u32 *)p; }
static u16 r16(const u8 *p) { return *(volatile const u16 *)p; }

static void show_insn(const char *what, const u8 *p, int n) {
	out_s(what);
	out_s(": bytes");
	for (int i = 0; i < n; i++) {
		out_c(' ');
		out_hexn(p[i], 2);
	}
	out_nl();
}

static void test_text(void) {
	// addi a0, a0, imm: the immediate is bits 31:20.
	u32 orig = r32(smc_add_insn);
	show_insn("smc_add original", smc_add_insn, 4);
	run("smc_add addi +1", smc_add, 3000);
	w32(smc_add_insn, (orig & 0x000fffff) | 2u << 20);
	fence_i();
	run("smc_add patched by sw to addi +2", smc_add, 3000);
	w8(smc_add_insn + 3, 0x10); // imm[11:4] = 0x10: imm = 0x102
	fence_i();
	run("smc_add patched by sb to addi +258", smc_add, 3000);
	// Upper halfword: imm[11:0] << 4 | rs1[4:1]; imm -1, rs1 a0.
	w16(smc_add_insn + 2, 0xfff5);
	fence_i();
	run("smc_add patched by sh to addi -1", smc_add, 3000);
	show_insn("smc_add now", smc_add_insn, 4);
	// Two patches in a row with no call in between.
	w32(smc_add_insn, (orig & 0x000fffff) | 40u << 20);
	w32(smc_add_insn, (orig & 0x000fffff) | 41u << 20);
	fence_i();
	run("smc_add patched twice, to addi +41", smc_add, 3000);
	w32(smc_add_insn, orig);
	fence_i();
	run("smc_add restored", smc_add, 3000);

	// c.addi a0, 1 (0x0505) -> c.addi a0, 3 (0x050d) -> c.slli a0, 1 (0x0506).
	show_insn("smc_c original", smc_c_insn, 2);
	run("smc_c c.addi 1", smc_c, 3000);
	w16(smc_c_insn, 0x050d);
	fence_i();
	run("smc_c patched by sh to c.addi 3", smc_c, 3000);
	w8(smc_c_insn, 0x06);
	fence_i();
	run("smc_c patched by sb to c.slli 1", smc_c, 3000);
	show_insn("smc_c now", smc_c_insn, 2);

	// addi a0, a0, 5 -> c.addi a0, 1; c.slli a0, 1 -> back.
	u32 split = r32(smc_split_insn);
	run("smc_split addi +5", smc_split, 3000);
	w32(smc_split_insn, 0x0506u << 16 | 0x0505);
	fence_i();
	run("smc_split as c.addi 1; c.slli 1", smc_split, 3000);
	w32(smc_split_insn, split);
	fence_i();
	run("smc_split back to addi +5", smc_split, 3000);
	// The two halves written separately, second half first.
	w16(smc_split_insn + 2, 0x0506);
	w16(smc_split_insn, 0x0505);
	fence_i();
	run("smc_split halves written by sh", smc_split, 3000);

	// c.addi a0, 1; c.addi a0, 2 -> addi a0, a0, 100.
	run("smc_join c.addi 1; c.addi 2", smc_join, 3000);
	w32(smc_join_insn, 0x06450513);
	fence_i();
	run("smc_join as addi +100", smc_join, 3000);
	show_insn("smc_join now", smc_join_insn, 4);

	// The self-rewriting loop.
	for (int k = 0; k < 3; k++) {
		out_s("smc_self(1000)=");
		out_dec(smc_self(1000));
		out_nl();
	}
	out_s("smc_self(2047)=");
	out_dec(smc_self(2047));
	out_nl();
}

static u8 page[3 * 4096] __attribute__((aligned(4096)));

static void copy(u8 *dst, const u8 *src, const u8 *end) {
	while (src < end)
		*dst++ = *src++;
}

static void test_bss(void) {
	u32 la = tpl_a_end - tpl_a, lb = tpl_b_end - tpl_b;
	out_s("template sizes: ");
	out_dec(la);
	out_c(' ');
	out_dec(lb);
	out_nl();

	// At the start of a page.
	u8 *p = page;
	copy(p, tpl_a, tpl_a_end);
	fence_i();
	run("bss tpl_a", (fn)p, 3000);
	copy(p, tpl_b, tpl_b_end);
	fence_i();
	run("bss overwritten with tpl_b", (fn)p, 3000);
	copy(p, tpl_a, tpl_a_end);
	fence_i();
	run("bss overwritten with tpl_a again", (fn)p, 3000);

	// tpl_a at page offset 4092: its addi straddles the boundary.
	u8 *q = page + 4096 + 4092;
	copy(q, tpl_a, tpl_a_end);
	fence_i();
	run("bss tpl_a across a page boundary", (fn)q, 3000);
	// Rewrite only the second half of the straddling addi (in the next
	// page): imm 7 -> 100.
	u16 hi = r16(q + 4);
	w16(q + 4, (u16)((hi & 0x000f) | 100 << 4));
	fence_i();
	run("bss straddling addi, second half rewritten to +100", (fn)q, 3000);
	// Rewrite only the c.slli in the first page, into c.slli a0, 2.
	w16(q, 0x050a);
	fence_i();
	run("bss first page c.slli 2", (fn)q, 3000);
	show_insn("bss code across the boundary", q, la);
	// Overwrite the whole thing with tpl_b (now straddling differently).
	copy(q, tpl_b, tpl_b_end);
	fence_i();
	run("bss tpl_b across a page boundary", (fn)q, 3000);
}

// Initialized code in .data: c.li a0, 13; c.jr ra.
static u16 dcode[4] __attribute__((aligned(4))) = {0x4535, 0x8082, 0, 0};

static void test_data(void) {
	fence_i();
	run("data c.li 13", (fn)(void *)dcode, 1000);
	dcode[0] = 0x5565; // c.li a0, -7
	fence_i();
	run("data c.li -7", (fn)(void *)dcode, 1000);
	// addi a0, a0, 21 (4 bytes) then c.jr ra.
	*(volatile u32 *)dcode = 0x01550513;
	dcode[2] = 0x8082;
	fence_i();
	run("data addi +21", (fn)(void *)dcode, 1000);
}

int main(void) {
	test_text();
	test_bss();
	test_data();
	out_s("done\n");
	out_flush();
	return 0;
}
