#include "textflag.h"

// func op1(op, a, b, c, mode uint64) (r, flags uint64)
TEXT ·op1(SB), NOSPLIT, $16-56
	MOVQ op+0(FP), AX
	MOVQ a+8(FP), X0
	MOVQ a+8(FP), BX
	MOVQ b+16(FP), X1
	MOVQ c+24(FP), X2
	MOVQ mode+32(FP), CX

	// Save MXCSR; set all exceptions masked, flags clear, DAZ/FTZ off
	// and the requested rounding control.
	STMXCSR 0(SP)
	SHLL $13, CX
	ORL  $0x1F80, CX
	MOVL CX, 8(SP)
	LDMXCSR 8(SP)

	CMPQ AX, $0
	JEQ  addsd
	CMPQ AX, $1
	JEQ  subsd
	CMPQ AX, $2
	JEQ  mulsd
	CMPQ AX, $3
	JEQ  divsd
	CMPQ AX, $4
	JEQ  sqrtsd
	CMPQ AX, $5
	JEQ  fmasd
	CMPQ AX, $6
	JEQ  addss
	CMPQ AX, $7
	JEQ  subss
	CMPQ AX, $8
	JEQ  mulss
	CMPQ AX, $9
	JEQ  divss
	CMPQ AX, $10
	JEQ  sqrtss
	CMPQ AX, $11
	JEQ  fmass
	CMPQ AX, $12
	JEQ  cvtsd2ss
	CMPQ AX, $13
	JEQ  cvtss2sd
	CMPQ AX, $14
	JEQ  cvtsq2sd
	CMPQ AX, $15
	JEQ  cvtsq2ss
	CMPQ AX, $16
	JEQ  cvtsl2ss
	CMPQ AX, $17
	JEQ  cvtsd2sl
	CMPQ AX, $18
	JEQ  cvtsd2sq
	CMPQ AX, $19
	JEQ  cvtss2sl
	CMPQ AX, $20
	JEQ  cvtss2sq
	JMP  done

addsd:
	ADDSD X1, X0
	JMP   done
subsd:
	SUBSD X1, X0
	JMP   done
mulsd:
	MULSD X1, X0
	JMP   done
divsd:
	DIVSD X1, X0
	JMP   done
sqrtsd:
	SQRTSD X0, X0
	JMP    done
fmasd:
	VFMADD231SD X1, X0, X2 // X2 = X0*X1 + X2
	MOVQ        X2, X0
	JMP         done
addss:
	ADDSS X1, X0
	JMP   done
subss:
	SUBSS X1, X0
	JMP   done
mulss:
	MULSS X1, X0
	JMP   done
divss:
	DIVSS X1, X0
	JMP   done
sqrtss:
	SQRTSS X0, X0
	JMP    done
fmass:
	VFMADD231SS X1, X0, X2
	MOVQ        X2, X0
	JMP         done
cvtsd2ss:
	CVTSD2SS X0, X0
	JMP      done
cvtss2sd:
	CVTSS2SD X0, X0
	JMP      done
cvtsq2sd:
	CVTSQ2SD BX, X0
	JMP      done
cvtsq2ss:
	CVTSQ2SS BX, X0
	JMP      done
cvtsl2ss:
	CVTSL2SS BX, X0
	JMP      done
cvtsd2sl:
	CVTSD2SL X0, BX
	MOVQ     BX, X0
	JMP      done
cvtsd2sq:
	CVTSD2SQ X0, BX
	MOVQ     BX, X0
	JMP      done
cvtss2sl:
	CVTSS2SL X0, BX
	MOVQ     BX, X0
	JMP      done
cvtss2sq:
	CVTSS2SQ X0, BX
	MOVQ     BX, X0

done:
	STMXCSR 8(SP)
	LDMXCSR 0(SP)
	MOVQ    X0, r+40(FP)
	MOVL    8(SP), DX
	ANDL    $0x3F, DX
	MOVQ    DX, flags+48(FP)
	RET

// func hasFMA() bool
TEXT ·hasFMA(SB), NOSPLIT, $0-1
	MOVL $1, AX
	XORL CX, CX
	CPUID
	// FMA (bit 12), OSXSAVE (bit 27) and AVX (bit 28) in ECX.
	ANDL $0x18001000, CX
	CMPL CX, $0x18001000
	JNE  no
	// The OS must save XMM and YMM state (XCR0 bits 1 and 2).
	XORL CX, CX
	XGETBV
	ANDL $6, AX
	CMPL AX, $6
	JNE  no
	MOVB $1, ret+0(FP)
	RET
no:
	MOVB $0, ret+0(FP)
	RET
