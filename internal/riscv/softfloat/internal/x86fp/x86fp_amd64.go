package x86fp

// Operations for Op. Single-precision operands and results are in the low
// 32 bits; integer operands are two's complement.
const (
	AddSD    = iota // a + b
	SubSD           // a - b
	MulSD           // a * b
	DivSD           // a / b
	SqrtSD          // sqrt(a)
	FMASD           // a*b + c (VFMADD231SD)
	AddSS           // binary32 a + b
	SubSS           // binary32 a - b
	MulSS           // binary32 a * b
	DivSS           // binary32 a / b
	SqrtSS          // binary32 sqrt(a)
	FMASS           // binary32 a*b + c (VFMADD231SS)
	CvtSD2SS        // binary64 a to binary32
	CvtSS2SD        // binary32 a to binary64
	CvtSQ2SD        // int64 a to binary64
	CvtSQ2SS        // int64 a to binary32
	CvtSL2SS        // int32 a to binary32
	CvtSD2SL        // binary64 a to int32 (rounded per MXCSR)
	CvtSD2SQ        // binary64 a to int64
	CvtSS2SL        // binary32 a to int32
	CvtSS2SQ        // binary32 a to int64
	numOps
)

// MXCSR rounding control values.
const (
	RN = 0 // to nearest, ties to even
	RD = 1 // toward -inf
	RU = 2 // toward +inf
	RZ = 3 // toward zero
)

// MXCSR exception flag bits.
const (
	IE = 1 << 0 // invalid
	DE = 1 << 1 // denormal operand
	ZE = 1 << 2 // divide by zero
	OE = 1 << 3 // overflow
	UE = 1 << 4 // underflow
	PE = 1 << 5 // precision (inexact)
)

// Op executes operation op on a, b and c with rounding control mode (RN,
// RD, RU or RZ), all exceptions masked and DAZ/FTZ off, and returns the
// result and the exception flags the instruction raised. The caller's
// MXCSR is restored.
func Op(op, a, b, c, mode uint64) (r, flags uint64) {
	if op >= numOps || mode > 3 {
		panic("x86fp: bad operation or mode")
	}
	return op1(op, a, b, c, mode)
}

func op1(op, a, b, c, mode uint64) (r, flags uint64)

// HasFMA reports whether the CPU and OS support the FMA3 instructions.
func HasFMA() bool { return hasFMA() }

func hasFMA() bool
