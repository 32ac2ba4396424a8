#include "textflag.h"

// func jitCall(j *jitCtx, code uintptr)
//
// jitCall runs translated code at code until it returns. The translated
// code keeps the hart's state where jitCtx says (see jit_amd64.go) and
// uses no stack beyond its return address: BX holds j, R15 the integer
// registers, R14 the TLB, R13 the instruction count and R12 the budget.
TEXT ·jitCall(SB), NOSPLIT, $8-16
	MOVQ j+0(FP), BX
	MOVQ code+8(FP), AX
	MOVQ 0(BX), R15
	MOVQ 8(BX), R14
	MOVQ 16(BX), R13
	MOVQ 24(BX), R12
	CALL AX
	MOVQ R13, 16(BX)
	RET
