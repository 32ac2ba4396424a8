// rv64i_alu.c: differential test of the RV64I register-register and
// register-immediate arithmetic, logic, compare and shift instructions and
// their 32-bit (W) forms, over tables of boundary operands. Every line is
// "op a b -> result" or "op a imm -> result".
#define RT_IMPLEMENTATION
#include "rt.h"
#include "intop.h"

// Shift amounts: register shifts use only the low 6 (or 5 for W) bits.
static const u64 SH[] = {0, 1, 5, 31, 32, 33, 63, 64, 65, 0xffffffffffffffc1};
#define NSH (sizeof SH / sizeof SH[0])

RR(op_add, "add")
RR(op_sub, "sub")
RR(op_slt, "slt")
RR(op_sltu, "sltu")
RR(op_xor, "xor")
RR(op_or, "or")
RR(op_and, "and")
RR(op_sll, "sll")
RR(op_srl, "srl")
RR(op_sra, "sra")
RR(op_addw, "addw")
RR(op_subw, "subw")
RR(op_sllw, "sllw")
RR(op_srlw, "srlw")
RR(op_sraw, "sraw")

static const struct rrop pairops[] = {
	{"add", op_add}, {"sub", op_sub}, {"slt", op_slt},   {"sltu", op_sltu},
	{"xor", op_xor}, {"or", op_or},   {"and", op_and},   {"addw", op_addw},
	{"subw", op_subw},
};

static const struct rrop shiftops[] = {
	{"sll", op_sll},   {"srl", op_srl},   {"sra", op_sra},
	{"sllw", op_sllw}, {"srlw", op_srlw}, {"sraw", op_sraw},
};

#define RI_ARITH(mn)                                                          \
	RI(mn, 0) RI(mn, 1) RI(mn, -1) RI(mn, 2047) RI(mn, -2048) RI(mn, 0x555) \
	RI(mn, -1366)

static void test_imm(void) {
	RI_ARITH("addi")
	RI_ARITH("slti")
	RI_ARITH("sltiu")
	RI_ARITH("xori")
	RI_ARITH("ori")
	RI_ARITH("andi")
	RI_ARITH("addiw")
	RI("slli", 0) RI("slli", 1) RI("slli", 4) RI("slli", 31) RI("slli", 32) RI("slli", 63)
	RI("srli", 0) RI("srli", 1) RI("srli", 4) RI("srli", 31) RI("srli", 32) RI("srli", 63)
	RI("srai", 0) RI("srai", 1) RI("srai", 4) RI("srai", 31) RI("srai", 32) RI("srai", 63)
	RI("slliw", 0) RI("slliw", 1) RI("slliw", 15) RI("slliw", 31)
	RI("srliw", 0) RI("srliw", 1) RI("srliw", 15) RI("srliw", 31)
	RI("sraiw", 0) RI("sraiw", 1) RI("sraiw", 15) RI("sraiw", 31)
}

int main(void) {
	run_rr(pairops, N(pairops), V, NV, V, NV);
	run_rr(shiftops, N(shiftops), V, NV, SH, NSH);
	test_imm();

	// The same register as both sources and as the destination.
	u64 x = 0x8000000000000001;
	asm volatile(NORVC("add %0, %0, %0") : "+r"(x));
	out_kv("add x,x,x of 8000000000000001", x);
	x = 0x12345678;
	asm volatile(NORVC("sub %0, %0, %0") : "+r"(x));
	out_kv("sub x,x,x", x);
	x = 3;
	asm volatile(NORVC("sll %0, %0, %0") : "+r"(x));
	out_kv("sll x,x,x of 3", x);
	x = 0x40000000;
	asm volatile(NORVC("addw %0, %0, %0") : "+r"(x));
	out_kv("addw x,x,x of 40000000", x);
	out_s("done\n");
	out_flush();
	return 0;
}
