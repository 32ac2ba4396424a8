package softfloat

import (
	"math"
	"testing"
)

// Hand-written tables of the documented special cases.

func d(x float64) uint64 { return math.Float64bits(x) }
func s(x float32) uint32 { return math.Float32bits(x) }

const (
	pInf64  = 0x7ff0000000000000
	nInf64  = 0xfff0000000000000
	qNaN64  = 0x7ff8000000000000
	sNaN64  = 0x7ff0000000000001
	nqNaN64 = 0xfff8000000000123 // negative quiet NaN with a payload
	max64   = 0x7fefffffffffffff
	minN64  = 0x0010000000000000 // smallest normal
	minS64  = 0x0000000000000001 // smallest subnormal
	nZero64 = 0x8000000000000000

	pInf32  = 0x7f800000
	nInf32  = 0xff800000
	qNaN32  = 0x7fc00000
	sNaN32  = 0x7f800001
	nqNaN32 = 0xffc00123
	max32   = 0x7f7fffff
	minS32  = 0x00000001
	nZero32 = 0x80000000
)

type case64 struct {
	name    string
	fn      func(rm RoundingMode) (uint64, Flags)
	rm      RoundingMode
	want    uint64
	wantFl  Flags
	allRM   bool // the result does not depend on the rounding mode
	comment string
}

func check64(t *testing.T, cases []case64) {
	t.Helper()
	for _, tc := range cases {
		modes := []RoundingMode{tc.rm}
		if tc.allRM {
			modes = allModes[:]
		}
		for _, rm := range modes {
			r, fl := tc.fn(rm)
			if r != tc.want || fl != tc.wantFl {
				t.Errorf("%s %v: got %#x %05b, want %#x %05b", tc.name, rm, r, fl, tc.want, tc.wantFl)
			}
		}
	}
}

func w32(fn func(rm RoundingMode) (uint32, Flags)) func(rm RoundingMode) (uint64, Flags) {
	return func(rm RoundingMode) (uint64, Flags) {
		r, fl := fn(rm)
		return uint64(r), fl
	}
}

func TestSpecialArithmetic(t *testing.T) {
	add := func(a, b uint64) func(RoundingMode) (uint64, Flags) {
		return func(rm RoundingMode) (uint64, Flags) { return F64Add(a, b, rm) }
	}
	sub := func(a, b uint64) func(RoundingMode) (uint64, Flags) {
		return func(rm RoundingMode) (uint64, Flags) { return F64Sub(a, b, rm) }
	}
	mul := func(a, b uint64) func(RoundingMode) (uint64, Flags) {
		return func(rm RoundingMode) (uint64, Flags) { return F64Mul(a, b, rm) }
	}
	div := func(a, b uint64) func(RoundingMode) (uint64, Flags) {
		return func(rm RoundingMode) (uint64, Flags) { return F64Div(a, b, rm) }
	}
	sqrt := func(a uint64) func(RoundingMode) (uint64, Flags) {
		return func(rm RoundingMode) (uint64, Flags) { return F64Sqrt(a, rm) }
	}
	fma := func(a, b, c uint64) func(RoundingMode) (uint64, Flags) {
		return func(rm RoundingMode) (uint64, Flags) { return F64MulAdd(a, b, c, rm) }
	}
	add32 := func(a, b uint32) func(RoundingMode) (uint64, Flags) {
		return w32(func(rm RoundingMode) (uint32, Flags) { return F32Add(a, b, rm) })
	}
	mul32 := func(a, b uint32) func(RoundingMode) (uint64, Flags) {
		return w32(func(rm RoundingMode) (uint32, Flags) { return F32Mul(a, b, rm) })
	}
	div32 := func(a, b uint32) func(RoundingMode) (uint64, Flags) {
		return w32(func(rm RoundingMode) (uint32, Flags) { return F32Div(a, b, rm) })
	}
	sqrt32 := func(a uint32) func(RoundingMode) (uint64, Flags) {
		return w32(func(rm RoundingMode) (uint32, Flags) { return F32Sqrt(a, rm) })
	}
	fma32 := func(a, b, c uint32) func(RoundingMode) (uint64, Flags) {
		return w32(func(rm RoundingMode) (uint32, Flags) { return F32MulAdd(a, b, c, rm) })
	}
	q, q32 := CanonicalNaN64, uint64(CanonicalNaN32)
	check64(t, []case64{
		// Invalid operations and NaNs.
		{name: "inf-inf", fn: sub(pInf64, pInf64), want: q, wantFl: NV, allRM: true},
		{name: "inf+-inf", fn: add(pInf64, nInf64), want: q, wantFl: NV, allRM: true},
		{name: "inf+inf", fn: add(pInf64, pInf64), want: pInf64, allRM: true},
		{name: "-inf+1", fn: add(nInf64, d(1)), want: nInf64, allRM: true},
		{name: "0*inf", fn: mul(0, pInf64), want: q, wantFl: NV, allRM: true},
		{name: "-inf*-0", fn: mul(nInf64, nZero64), want: q, wantFl: NV, allRM: true},
		{name: "-inf*2", fn: mul(nInf64, d(2)), want: nInf64, allRM: true},
		{name: "0/0", fn: div(0, nZero64), want: q, wantFl: NV, allRM: true},
		{name: "inf/inf", fn: div(pInf64, nInf64), want: q, wantFl: NV, allRM: true},
		{name: "1/0", fn: div(d(1), 0), want: pInf64, wantFl: DZ, allRM: true},
		{name: "-1/0", fn: div(d(-1), 0), want: nInf64, wantFl: DZ, allRM: true},
		{name: "1/-0", fn: div(d(1), nZero64), want: nInf64, wantFl: DZ, allRM: true},
		{name: "inf/0", fn: div(pInf64, 0), want: pInf64, allRM: true},
		{name: "0/1", fn: div(0, d(-1)), want: nZero64, allRM: true},
		{name: "1/inf", fn: div(d(1), nInf64), want: nZero64, allRM: true},
		{name: "sqrt(-1)", fn: sqrt(d(-1)), want: q, wantFl: NV, allRM: true},
		{name: "sqrt(-min)", fn: sqrt(minS64 | nZero64), want: q, wantFl: NV, allRM: true},
		{name: "sqrt(-inf)", fn: sqrt(nInf64), want: q, wantFl: NV, allRM: true},
		{name: "sqrt(-0)", fn: sqrt(nZero64), want: nZero64, allRM: true},
		{name: "sqrt(+0)", fn: sqrt(0), want: 0, allRM: true},
		{name: "sqrt(inf)", fn: sqrt(pInf64), want: pInf64, allRM: true},
		{name: "sqrt(qNaN)", fn: sqrt(nqNaN64), want: q, allRM: true},
		{name: "sqrt(sNaN)", fn: sqrt(sNaN64), want: q, wantFl: NV, allRM: true},
		{name: "sqrt(4)", fn: sqrt(d(4)), want: d(2), allRM: true},
		{name: "sqrt(2)", fn: sqrt(d(2)), rm: RNE, want: d(math.Sqrt2), wantFl: NX},
		{name: "qNaN+1", fn: add(nqNaN64, d(1)), want: q, allRM: true},
		{name: "1+sNaN", fn: add(d(1), sNaN64), want: q, wantFl: NV, allRM: true},
		{name: "qNaN*sNaN", fn: mul(qNaN64, sNaN64), want: q, wantFl: NV, allRM: true},
		{name: "qNaN/0", fn: div(qNaN64, 0), want: q, allRM: true},
		{name: "sNaN/0", fn: div(sNaN64, 0), want: q, wantFl: NV, allRM: true},
		{name: "fma 0*inf+qNaN", fn: fma(0, pInf64, qNaN64), want: q, wantFl: NV, allRM: true},
		{name: "fma inf*0+qNaN", fn: fma(nInf64, 0, nqNaN64), want: q, wantFl: NV, allRM: true},
		{name: "fma 0*inf+1", fn: fma(0, pInf64, d(1)), want: q, wantFl: NV, allRM: true},
		{name: "fma inf*1-inf", fn: fma(pInf64, d(1), nInf64), want: q, wantFl: NV, allRM: true},
		{name: "fma inf*-1-inf", fn: fma(pInf64, d(-1), nInf64), want: nInf64, allRM: true},
		{name: "fma 1*1+inf", fn: fma(d(1), d(1), pInf64), want: pInf64, allRM: true},
		{name: "fma qNaN*1+1", fn: fma(qNaN64, d(1), d(1)), want: q, allRM: true},
		{name: "fma 1*1+sNaN", fn: fma(d(1), d(1), sNaN64), want: q, wantFl: NV, allRM: true},
		{name: "fma qNaN*0+inf", fn: fma(qNaN64, 0, pInf64), want: q, allRM: true},
		{name: "fma32 0*inf+qNaN", fn: fma32(0, pInf32, qNaN32), want: q32, wantFl: NV, allRM: true},
		{name: "f32 inf-inf", fn: add32(pInf32, nInf32), want: q32, wantFl: NV, allRM: true},
		{name: "f32 qNaN+1", fn: add32(nqNaN32, s(1)), want: q32, allRM: true},
		{name: "f32 sNaN*1", fn: mul32(sNaN32, s(1)), want: q32, wantFl: NV, allRM: true},
		{name: "f32 0/0", fn: div32(0, 0), want: q32, wantFl: NV, allRM: true},
		{name: "f32 -1/0", fn: div32(s(-1), 0), want: nInf32, wantFl: DZ, allRM: true},
		{name: "f32 sqrt(-2)", fn: sqrt32(s(-2)), want: q32, wantFl: NV, allRM: true},
		{name: "f32 sqrt(-0)", fn: sqrt32(nZero32), want: nZero32, allRM: true},

		// Signed zeros.
		{name: "+0 + -0", fn: add(0, nZero64), rm: RNE, want: 0},
		{name: "+0 + -0 RDN", fn: add(0, nZero64), rm: RDN, want: nZero64},
		{name: "+0 + -0 RUP", fn: add(0, nZero64), rm: RUP, want: 0},
		{name: "-0 + -0", fn: add(nZero64, nZero64), want: nZero64, allRM: true},
		{name: "+0 + +0", fn: add(0, 0), want: 0, allRM: true},
		{name: "-0 - +0", fn: sub(nZero64, 0), want: nZero64, allRM: true},
		{name: "1 - 1", fn: sub(d(1), d(1)), rm: RNE, want: 0},
		{name: "1 - 1 RTZ", fn: sub(d(1), d(1)), rm: RTZ, want: 0},
		{name: "1 - 1 RDN", fn: sub(d(1), d(1)), rm: RDN, want: nZero64},
		{name: "-x + x RMM", fn: add(d(-1.5), d(1.5)), rm: RMM, want: 0},
		{name: "-0 + 1", fn: add(nZero64, d(1)), want: d(1), allRM: true},
		{name: "1 * -0", fn: mul(d(1), nZero64), want: nZero64, allRM: true},
		{name: "-0 * -0", fn: mul(nZero64, nZero64), want: 0, allRM: true},
		{name: "fma +0*1 + -0", fn: fma(0, d(1), nZero64), rm: RNE, want: 0},
		{name: "fma +0*1 + -0 RDN", fn: fma(0, d(1), nZero64), rm: RDN, want: nZero64},
		{name: "fma -0*1 + -0", fn: fma(nZero64, d(1), nZero64), want: nZero64, allRM: true},
		{name: "fma -0*1 + +0", fn: fma(nZero64, d(1), 0), rm: RUP, want: 0},
		{name: "fma 0*1 + 0", fn: fma(0, d(1), 0), want: 0, allRM: true},
		{name: "fma 1*1 - 1", fn: fma(d(1), d(1), d(-1)), rm: RNE, want: 0},
		{name: "fma 1*1 - 1 RDN", fn: fma(d(1), d(1), d(-1)), rm: RDN, want: nZero64},
		{name: "fma 0*1 + 5", fn: fma(0, d(1), d(5)), want: d(5), allRM: true},
		{name: "fma 1*x + -0", fn: fma(d(1), d(3), nZero64), want: d(3), allRM: true},
		{name: "f32 1 - 1 RDN", fn: add32(s(1), s(-1)), rm: RDN, want: nZero32},

		// Overflow.
		{name: "max*2 RNE", fn: mul(max64, d(2)), rm: RNE, want: pInf64, wantFl: OF | NX},
		{name: "max*2 RMM", fn: mul(max64, d(2)), rm: RMM, want: pInf64, wantFl: OF | NX},
		{name: "max*2 RUP", fn: mul(max64, d(2)), rm: RUP, want: pInf64, wantFl: OF | NX},
		{name: "max*2 RTZ", fn: mul(max64, d(2)), rm: RTZ, want: max64, wantFl: OF | NX},
		{name: "max*2 RDN", fn: mul(max64, d(2)), rm: RDN, want: max64, wantFl: OF | NX},
		{name: "-max*2 RDN", fn: mul(max64|nZero64, d(2)), rm: RDN, want: nInf64, wantFl: OF | NX},
		{name: "-max*2 RUP", fn: mul(max64|nZero64, d(2)), rm: RUP, want: max64 | nZero64, wantFl: OF | NX},
		{name: "max+max", fn: add(max64, max64), rm: RNE, want: pInf64, wantFl: OF | NX},
		{name: "max+1 RUP", fn: add(max64, d(1)), rm: RUP, want: pInf64, wantFl: OF | NX},
		{name: "max+1 RNE", fn: add(max64, d(1)), rm: RNE, want: max64, wantFl: NX},
		{name: "max+halfulp RNE", fn: add(max64, d(0x1p970)), rm: RNE, want: pInf64, wantFl: OF | NX},
		{name: "1/min", fn: div(d(1), minS64), rm: RNE, want: pInf64, wantFl: OF | NX},
		{name: "f32 max*2 RTZ", fn: mul32(max32, s(2)), rm: RTZ, want: max32, wantFl: OF | NX},
		{name: "f32 max*2 RNE", fn: mul32(max32, s(2)), rm: RNE, want: pInf32, wantFl: OF | NX},

		// Underflow (tininess after rounding; UF only if inexact).
		{name: "min*0.5 RNE", fn: mul(minS64, d(0.5)), rm: RNE, want: 0, wantFl: UF | NX},
		{name: "min*0.5 RMM", fn: mul(minS64, d(0.5)), rm: RMM, want: minS64, wantFl: UF | NX},
		{name: "min*0.5 RUP", fn: mul(minS64, d(0.5)), rm: RUP, want: minS64, wantFl: UF | NX},
		{name: "-min*0.5 RUP", fn: mul(minS64|nZero64, d(0.5)), rm: RUP, want: nZero64, wantFl: UF | NX},
		{name: "min*0.75 RNE", fn: mul(minS64, d(0.75)), rm: RNE, want: minS64, wantFl: UF | NX},
		{name: "minN*0.5 exact", fn: mul(minN64, d(0.5)), want: minN64 >> 1, allRM: true},
		{name: "min+min exact", fn: add(minS64, minS64), want: 2, allRM: true},
		{name: "minN-min exact", fn: sub(minN64, minS64), want: minN64 - 1, allRM: true},
		{name: "min/2^60", fn: div(minN64, d(0x1p60)), rm: RTZ, want: 0, wantFl: UF | NX},
		{name: "f32 min*0.5 RNE", fn: mul32(minS32, s(0.5)), rm: RNE, want: 0, wantFl: UF | NX},
		{name: "f32 min*0.5 RMM", fn: mul32(minS32, s(0.5)), rm: RMM, want: minS32, wantFl: UF | NX},

		// RMM ties (and the same in RNE for contrast).
		{name: "1+2^-53 RMM", fn: add(d(1), d(0x1p-53)), rm: RMM, want: d(1 + 0x1p-52), wantFl: NX},
		{name: "1+2^-53 RNE", fn: add(d(1), d(0x1p-53)), rm: RNE, want: d(1), wantFl: NX},
		{name: "-1-2^-53 RMM", fn: add(d(-1), d(-0x1p-53)), rm: RMM, want: d(-1 - 0x1p-52), wantFl: NX},
		{name: "(1+2^-52)+2^-53 RMM", fn: add(d(1+0x1p-52), d(0x1p-53)), rm: RMM, want: d(1 + 0x1p-51), wantFl: NX},
		{name: "(1+2^-52)+2^-53 RNE", fn: add(d(1+0x1p-52), d(0x1p-53)), rm: RNE, want: d(1 + 0x1p-51), wantFl: NX},
		{name: "1+2^-53+2^-60 RMM", fn: add(d(1), d(0x1p-53+0x1p-60)), rm: RMM, want: d(1 + 0x1p-52), wantFl: NX},
		{name: "1+(2^-53-2^-106) RMM", fn: add(d(1), d(0x1p-53-0x1p-106)), rm: RMM, want: d(1), wantFl: NX},
		// (1+2^-52)*(1+2^-1) = 1.5 + 2^-52 + 2^-53: a tie.
		{name: "mul tie RMM", fn: mul(d(1+0x1p-52), d(1.5)), rm: RMM, want: d(1.5 + 0x1p-51), wantFl: NX},
		{name: "mul tie RTZ", fn: mul(d(1+0x1p-52), d(1.5)), rm: RTZ, want: d(1.5 + 0x1p-52), wantFl: NX},
		// (1+2^-52)*(1+2^-52) = 1 + 2^-51 + 2^-104: not a tie.
		{name: "fma tie RMM", fn: fma(d(1), d(1), d(0x1p-53)), rm: RMM, want: d(1 + 0x1p-52), wantFl: NX},
		{name: "fma tie RNE", fn: fma(d(1), d(1), d(0x1p-53)), rm: RNE, want: d(1), wantFl: NX},
		{name: "div tie RMM", fn: div(d(3*0x1p-1074), d(2)), rm: RMM, want: 2, wantFl: UF | NX},
		{name: "div tie RNE", fn: div(d(3*0x1p-1074), d(2)), rm: RNE, want: 2, wantFl: UF | NX},
		{name: "div tie2 RMM", fn: div(d(5*0x1p-1074), d(2)), rm: RMM, want: 3, wantFl: UF | NX},
		{name: "div tie2 RNE", fn: div(d(5*0x1p-1074), d(2)), rm: RNE, want: 2, wantFl: UF | NX},
		{name: "f32 1+2^-24 RMM", fn: add32(s(1), s(0x1p-24)), rm: RMM, want: uint64(s(1 + 0x1p-23)), wantFl: NX},
		{name: "f32 1+2^-24 RNE", fn: add32(s(1), s(0x1p-24)), rm: RNE, want: uint64(s(1)), wantFl: NX},
		{name: "f32 fma tie RMM", fn: fma32(s(1), s(-1), s(-0x1p-24)), rm: RMM, want: uint64(s(-1 - 0x1p-23)), wantFl: NX},
		{name: "f32 fma tie RNE", fn: fma32(s(1), s(-1), s(-0x1p-24)), rm: RNE, want: uint64(s(-1)), wantFl: NX},
		{name: "f32 sqrt exact", fn: sqrt32(s(0x1p-148)), want: uint64(s(0x1p-74)), allRM: true},
	})
}

func TestSpecialConversions(t *testing.T) {
	type c struct {
		name string
		fn   func(rm RoundingMode) (uint64, Flags)
		rm   RoundingMode
		want uint64
		fl   Flags
	}
	i32 := func(x float64) func(RoundingMode) (uint64, Flags) {
		return func(rm RoundingMode) (uint64, Flags) {
			r, fl := F64ToI32(d(x), rm)
			return uint64(uint32(r)), fl
		}
	}
	u32 := func(x float64) func(RoundingMode) (uint64, Flags) {
		return func(rm RoundingMode) (uint64, Flags) {
			r, fl := F64ToU32(d(x), rm)
			return uint64(r), fl
		}
	}
	i64 := func(x float64) func(RoundingMode) (uint64, Flags) {
		return func(rm RoundingMode) (uint64, Flags) {
			r, fl := F64ToI64(d(x), rm)
			return uint64(r), fl
		}
	}
	u64 := func(x float64) func(RoundingMode) (uint64, Flags) {
		return func(rm RoundingMode) (uint64, Flags) { return F64ToU64(d(x), rm) }
	}
	s2i32 := func(x float32) func(RoundingMode) (uint64, Flags) {
		return func(rm RoundingMode) (uint64, Flags) {
			r, fl := F32ToI32(s(x), rm)
			return uint64(uint32(r)), fl
		}
	}
	s2u64 := func(x float32) func(RoundingMode) (uint64, Flags) {
		return func(rm RoundingMode) (uint64, Flags) { return F32ToU64(s(x), rm) }
	}
	nan := math.NaN()
	inf := math.Inf(1)
	var cases []c
	add := func(name string, fn func(RoundingMode) (uint64, Flags), rm RoundingMode, want uint64, fl Flags) {
		cases = append(cases, c{name, fn, rm, want, fl})
	}
	for _, rm := range allModes {
		add("I32 NaN", i32(nan), rm, 0x7fffffff, NV)
		add("I32 sNaN", func(rm RoundingMode) (uint64, Flags) {
			r, fl := F64ToI32(sNaN64|nZero64, rm)
			return uint64(uint32(r)), fl
		}, rm, 0x7fffffff, NV)
		add("U32 NaN", u32(nan), rm, 0xffffffff, NV)
		add("I64 NaN", i64(nan), rm, 0x7fffffffffffffff, NV)
		add("U64 NaN", u64(nan), rm, 0xffffffffffffffff, NV)
		add("S->I32 NaN", s2i32(float32(nan)), rm, 0x7fffffff, NV)
		add("S->U64 NaN", s2u64(float32(nan)), rm, 0xffffffffffffffff, NV)
		add("I32 +inf", i32(inf), rm, 0x7fffffff, NV)
		add("I32 -inf", i32(-inf), rm, 0x80000000, NV)
		add("U32 +inf", u32(inf), rm, 0xffffffff, NV)
		add("U32 -inf", u32(-inf), rm, 0, NV)
		add("I64 -inf", i64(-inf), rm, 0x8000000000000000, NV)
		add("U64 -inf", u64(-inf), rm, 0, NV)
		add("S->U64 +inf", s2u64(float32(inf)), rm, 0xffffffffffffffff, NV)
		add("I32 2^31", i32(0x1p31), rm, 0x7fffffff, NV)
		add("I32 -2^31", i32(-0x1p31), rm, 0x80000000, 0)
		add("I32 1e10", i32(1e10), rm, 0x7fffffff, NV)
		add("I32 -1e10", i32(-1e10), rm, 0x80000000, NV)
		add("U32 2^32", u32(0x1p32), rm, 0xffffffff, NV)
		add("U32 2^32-1", u32(0x1p32-1), rm, 0xffffffff, 0)
		add("U32 -1", u32(-1), rm, 0, NV)
		add("U32 -0", u32(math.Copysign(0, -1)), rm, 0, 0)
		add("I64 2^63", i64(0x1p63), rm, 0x7fffffffffffffff, NV)
		add("I64 -2^63", i64(-0x1p63), rm, 0x8000000000000000, 0)
		add("I64 1e300", i64(1e300), rm, 0x7fffffffffffffff, NV)
		add("U64 2^64", u64(0x1p64), rm, 0xffffffffffffffff, NV)
		add("U64 2^64-2048", u64(0x1p64-2048), rm, 0xfffffffffffff800, 0)
		add("U64 2^63", u64(0x1p63), rm, 0x8000000000000000, 0)
		add("U64 1e300", u64(1e300), rm, 0xffffffffffffffff, NV)
		add("U64 -1e300", u64(-1e300), rm, 0, NV)
		add("S->U64 2^64", s2u64(0x1p64), rm, 0xffffffffffffffff, NV)
		add("I32 min subnormal", func(rm RoundingMode) (uint64, Flags) {
			r, fl := F64ToI32(minS64, rm)
			return uint64(uint32(r)), fl
		}, rm, map[RoundingMode]uint64{RUP: 1}[rm], NX)
	}
	// Rounding near the limits and of fractions.
	add("I32 2^31-0.5 RNE", i32(0x1p31-0.5), RNE, 0x7fffffff, NV)
	add("I32 2^31-0.5 RMM", i32(0x1p31-0.5), RMM, 0x7fffffff, NV)
	add("I32 2^31-0.5 RTZ", i32(0x1p31-0.5), RTZ, 0x7fffffff, NX)
	add("I32 2^31-0.5 RDN", i32(0x1p31-0.5), RDN, 0x7fffffff, NX)
	add("I32 2^31-0.5 RUP", i32(0x1p31-0.5), RUP, 0x7fffffff, NV)
	add("I32 -2^31-0.5 RNE", i32(-0x1p31-0.5), RNE, 0x80000000, NX)
	add("I32 -2^31-0.5 RTZ", i32(-0x1p31-0.5), RTZ, 0x80000000, NX)
	add("I32 -2^31-0.5 RUP", i32(-0x1p31-0.5), RUP, 0x80000000, NX)
	add("I32 -2^31-0.5 RDN", i32(-0x1p31-0.5), RDN, 0x80000000, NV)
	add("I32 -2^31-0.5 RMM", i32(-0x1p31-0.5), RMM, 0x80000000, NV)
	add("I32 -2^31-1 RTZ", i32(-0x1p31-1), RTZ, 0x80000000, NV)
	add("U32 -0.3 RTZ", u32(-0.3), RTZ, 0, NX)
	add("U32 -0.3 RNE", u32(-0.3), RNE, 0, NX)
	add("U32 -0.3 RUP", u32(-0.3), RUP, 0, NX)
	add("U32 -0.3 RDN", u32(-0.3), RDN, 0, NV)
	add("U32 -0.5 RNE", u32(-0.5), RNE, 0, NX)
	add("U32 -0.5 RMM", u32(-0.5), RMM, 0, NV)
	add("U32 -0.7 RNE", u32(-0.7), RNE, 0, NV)
	add("U32 -0.7 RTZ", u32(-0.7), RTZ, 0, NX)
	add("U32 2^32-0.5 RNE", u32(0x1p32-0.5), RNE, 0xffffffff, NV)
	add("U32 2^32-0.5 RTZ", u32(0x1p32-0.5), RTZ, 0xffffffff, NX)
	add("U64 -0.9 RTZ", u64(-0.9), RTZ, 0, NX)
	add("U64 -0.9 RNE", u64(-0.9), RNE, 0, NV)
	add("I64 2.5 RNE", i64(2.5), RNE, 2, NX)
	add("I64 2.5 RMM", i64(2.5), RMM, 3, NX)
	add("I64 -2.5 RMM", i64(-2.5), RMM, 0xfffffffffffffffd, NX)
	add("I64 -2.5 RNE", i64(-2.5), RNE, 0xfffffffffffffffe, NX)
	add("I64 3.5 RNE", i64(3.5), RNE, 4, NX)
	add("I32 0.5 RNE", i32(0.5), RNE, 0, NX)
	add("I32 0.5 RMM", i32(0.5), RMM, 1, NX)
	add("I32 -0.5 RMM", i32(-0.5), RMM, 0xffffffff, NX)
	add("I32 -0.5 RUP", i32(-0.5), RUP, 0, NX)
	add("I32 1.25 RUP", i32(1.25), RUP, 2, NX)
	add("I32 -1.25 RDN", i32(-1.25), RDN, 0xfffffffe, NX)
	add("I32 -1.75 RTZ", i32(-1.75), RTZ, 0xffffffff, NX)
	add("S->I32 2.5 RMM", s2i32(2.5), RMM, 3, NX)
	add("S->I32 -3.5 RNE", s2i32(-3.5), RNE, 0xfffffffc, NX)

	// Integer to float.
	add("I64->F64 2^53+1 RNE", func(rm RoundingMode) (uint64, Flags) { return I64ToF64(1<<53+1, rm) }, RNE, d(0x1p53), NX)
	add("I64->F64 2^53+1 RMM", func(rm RoundingMode) (uint64, Flags) { return I64ToF64(1<<53+1, rm) }, RMM, d(0x1p53+2), NX)
	add("I64->F64 2^53+1 RUP", func(rm RoundingMode) (uint64, Flags) { return I64ToF64(1<<53+1, rm) }, RUP, d(0x1p53+2), NX)
	add("I64->F64 -2^53-1 RDN", func(rm RoundingMode) (uint64, Flags) { return I64ToF64(-1<<53-1, rm) }, RDN, d(-0x1p53-2), NX)
	add("I64->F64 min", func(rm RoundingMode) (uint64, Flags) { return I64ToF64(math.MinInt64, rm) }, RTZ, d(-0x1p63), 0)
	add("U64->F64 max RNE", func(rm RoundingMode) (uint64, Flags) { return U64ToF64(math.MaxUint64, rm) }, RNE, d(0x1p64), NX)
	add("U64->F64 max RTZ", func(rm RoundingMode) (uint64, Flags) { return U64ToF64(math.MaxUint64, rm) }, RTZ, d(0x1p64-2048), NX)
	add("I32->F32 2^24+1 RMM", w32(func(rm RoundingMode) (uint32, Flags) { return I32ToF32(1<<24+1, rm) }), RMM, uint64(s(0x1p24+2)), NX)
	add("I32->F32 2^24+1 RNE", w32(func(rm RoundingMode) (uint32, Flags) { return I32ToF32(1<<24+1, rm) }), RNE, uint64(s(0x1p24)), NX)
	add("I32->F32 2^24+3 RNE", w32(func(rm RoundingMode) (uint32, Flags) { return I32ToF32(1<<24+3, rm) }), RNE, uint64(s(0x1p24+4)), NX)
	add("U32->F32 max RTZ", w32(func(rm RoundingMode) (uint32, Flags) { return U32ToF32(math.MaxUint32, rm) }), RTZ, uint64(s(0x1p32-256)), NX)
	add("I64->F32 min", w32(func(rm RoundingMode) (uint32, Flags) { return I64ToF32(math.MinInt64, rm) }), RUP, uint64(s(-0x1p63)), 0)
	add("U64->F32 2^64-1 RUP", w32(func(rm RoundingMode) (uint32, Flags) { return U64ToF32(math.MaxUint64, rm) }), RUP, uint64(s(0x1p64)), NX)
	add("I32->F64", func(rm RoundingMode) (uint64, Flags) { return I32ToF64(math.MinInt32), 0 }, RNE, d(-0x1p31), 0)
	add("U32->F64", func(rm RoundingMode) (uint64, Flags) { return U32ToF64(math.MaxUint32), 0 }, RNE, d(0x1p32-1), 0)
	add("I64->F64 0", func(rm RoundingMode) (uint64, Flags) { return I64ToF64(0, rm) }, RDN, 0, 0)

	// Between formats.
	f2s := func(x uint64) func(RoundingMode) (uint64, Flags) {
		return w32(func(rm RoundingMode) (uint32, Flags) { return F64ToF32(x, rm) })
	}
	s2f := func(x uint32) func(RoundingMode) (uint64, Flags) {
		return func(rm RoundingMode) (uint64, Flags) { return F32ToF64(x) }
	}
	for _, rm := range allModes {
		add("F64->F32 qNaN", f2s(nqNaN64), rm, qNaN32, 0)
		add("F64->F32 sNaN", f2s(sNaN64), rm, qNaN32, NV)
		add("F64->F32 -inf", f2s(nInf64), rm, nInf32, 0)
		add("F64->F32 -0", f2s(nZero64), rm, nZero32, 0)
		add("F32->F64 qNaN", s2f(nqNaN32), rm, qNaN64, 0)
		add("F32->F64 sNaN", s2f(sNaN32), rm, qNaN64, NV)
		add("F32->F64 min subnormal", s2f(minS32), rm, d(0x1p-149), 0)
		add("F32->F64 -inf", s2f(nInf32), rm, nInf64, 0)
	}
	add("F64->F32 1e300 RNE", f2s(d(1e300)), RNE, pInf32, OF|NX)
	add("F64->F32 1e300 RTZ", f2s(d(1e300)), RTZ, max32, OF|NX)
	add("F64->F32 -1e300 RUP", f2s(d(-1e300)), RUP, max32|nZero32, OF|NX)
	add("F64->F32 1e-50 RNE", f2s(d(1e-50)), RNE, 0, UF|NX)
	add("F64->F32 1e-50 RUP", f2s(d(1e-50)), RUP, minS32, UF|NX)
	add("F64->F32 2^-150 RNE", f2s(d(0x1p-150)), RNE, 0, UF|NX)
	add("F64->F32 2^-150 RMM", f2s(d(0x1p-150)), RMM, minS32, UF|NX)
	add("F64->F32 2^-149", f2s(d(0x1p-149)), RDN, minS32, 0)
	add("F64->F32 1+2^-24 RNE", f2s(d(1+0x1p-24)), RNE, uint64(s(1)), NX)
	add("F64->F32 1+2^-24 RMM", f2s(d(1+0x1p-24)), RMM, uint64(s(1+0x1p-23)), NX)
	add("F64->F32 max32+halfulp", f2s(d(float64(math.MaxFloat32)+0x1p103)), RNE, pInf32, OF|NX)
	add("F64->F32 max32+halfulp RTZ", f2s(d(float64(math.MaxFloat32)+0x1p103)), RTZ, max32, NX)

	for _, tc := range cases {
		r, fl := tc.fn(tc.rm)
		if r != tc.want || fl != tc.fl {
			t.Errorf("%s %v: got %#x %05b, want %#x %05b", tc.name, tc.rm, r, fl, tc.want, tc.fl)
		}
	}
}

func TestMinMax(t *testing.T) {
	cases := []struct {
		a, b     uint64
		min, max uint64
		fl       Flags
	}{
		{d(1), d(2), d(1), d(2), 0},
		{d(-1), d(-2), d(-2), d(-1), 0},
		{nZero64, 0, nZero64, 0, 0},
		{0, nZero64, nZero64, 0, 0},
		{nZero64, nZero64, nZero64, nZero64, 0},
		{qNaN64, d(1), d(1), d(1), 0},
		{d(1), nqNaN64, d(1), d(1), 0},
		{sNaN64, d(1), d(1), d(1), NV},
		{d(-1), sNaN64 | nZero64, d(-1), d(-1), NV},
		{qNaN64, qNaN64, qNaN64, qNaN64, 0},
		{nqNaN64, 0x7ff0000000000abc, qNaN64, qNaN64, NV},
		{nqNaN64, nqNaN64, qNaN64, qNaN64, 0},
		{nInf64, d(5), nInf64, d(5), 0},
		{pInf64, nInf64, nInf64, pInf64, 0},
		{minS64, nZero64, nZero64, minS64, 0},
		{qNaN64, nZero64, nZero64, nZero64, 0},
	}
	for _, tc := range cases {
		if r, fl := F64Min(tc.a, tc.b); r != tc.min || fl != tc.fl {
			t.Errorf("F64Min(%#x, %#x) = %#x %05b, want %#x %05b", tc.a, tc.b, r, fl, tc.min, tc.fl)
		}
		if r, fl := F64Max(tc.a, tc.b); r != tc.max || fl != tc.fl {
			t.Errorf("F64Max(%#x, %#x) = %#x %05b, want %#x %05b", tc.a, tc.b, r, fl, tc.max, tc.fl)
		}
	}
	cases32 := []struct {
		a, b     uint32
		min, max uint32
		fl       Flags
	}{
		{s(1), s(2), s(1), s(2), 0},
		{nZero32, 0, nZero32, 0, 0},
		{0, nZero32, nZero32, 0, 0},
		{qNaN32, s(-3), s(-3), s(-3), 0},
		{sNaN32, s(-3), s(-3), s(-3), NV},
		{nqNaN32, sNaN32, qNaN32, qNaN32, NV},
		{nqNaN32, nqNaN32, qNaN32, qNaN32, 0},
		{nInf32, pInf32, nInf32, pInf32, 0},
	}
	for _, tc := range cases32 {
		if r, fl := F32Min(tc.a, tc.b); r != tc.min || fl != tc.fl {
			t.Errorf("F32Min(%#x, %#x) = %#x %05b, want %#x %05b", tc.a, tc.b, r, fl, tc.min, tc.fl)
		}
		if r, fl := F32Max(tc.a, tc.b); r != tc.max || fl != tc.fl {
			t.Errorf("F32Max(%#x, %#x) = %#x %05b, want %#x %05b", tc.a, tc.b, r, fl, tc.max, tc.fl)
		}
	}
}

func TestCompare(t *testing.T) {
	cases := []struct {
		a, b       uint64
		eq, lt, le bool
		eqFl, ltFl Flags // lt and le always have the same flags
	}{
		{d(1), d(2), false, true, true, 0, 0},
		{d(2), d(1), false, false, false, 0, 0},
		{d(1), d(1), true, false, true, 0, 0},
		{nZero64, 0, true, false, true, 0, 0},
		{0, nZero64, true, false, true, 0, 0},
		{nInf64, pInf64, false, true, true, 0, 0},
		{pInf64, pInf64, true, false, true, 0, 0},
		{qNaN64, d(1), false, false, false, 0, NV},
		{d(1), nqNaN64, false, false, false, 0, NV},
		{qNaN64, qNaN64, false, false, false, 0, NV},
		{sNaN64, d(1), false, false, false, NV, NV},
		{d(1), sNaN64, false, false, false, NV, NV},
		{minS64, 0, false, false, false, 0, 0},
		{d(-1), minS64 | nZero64, false, true, true, 0, 0},
	}
	for _, tc := range cases {
		if r, fl := F64Eq(tc.a, tc.b); r != tc.eq || fl != tc.eqFl {
			t.Errorf("F64Eq(%#x, %#x) = %v %05b", tc.a, tc.b, r, fl)
		}
		if r, fl := F64Lt(tc.a, tc.b); r != tc.lt || fl != tc.ltFl {
			t.Errorf("F64Lt(%#x, %#x) = %v %05b", tc.a, tc.b, r, fl)
		}
		if r, fl := F64Le(tc.a, tc.b); r != tc.le || fl != tc.ltFl {
			t.Errorf("F64Le(%#x, %#x) = %v %05b", tc.a, tc.b, r, fl)
		}
		// The same cases in binary32 where they convert exactly.
		to32 := func(x uint64) (uint32, bool) {
			if x == sNaN64 {
				return sNaN32, true
			}
			r, fl := F64ToF32(x, RNE)
			return r, fl == 0
		}
		a, okA := to32(tc.a)
		b, okB := to32(tc.b)
		if !okA || !okB {
			continue
		}
		if r, fl := F32Eq(a, b); r != tc.eq || fl != tc.eqFl {
			t.Errorf("F32Eq(%#x, %#x) = %v %05b", a, b, r, fl)
		}
		if r, fl := F32Lt(a, b); r != tc.lt || fl != tc.ltFl {
			t.Errorf("F32Lt(%#x, %#x) = %v %05b", a, b, r, fl)
		}
		if r, fl := F32Le(a, b); r != tc.le || fl != tc.ltFl {
			t.Errorf("F32Le(%#x, %#x) = %v %05b", a, b, r, fl)
		}
	}
}

func TestClass(t *testing.T) {
	cases64 := []struct {
		a   uint64
		bit uint
	}{
		{nInf64, 0}, {d(-1), 1}, {minS64 | nZero64, 2}, {0x800fffffffffffff, 2}, {nZero64, 3},
		{0, 4}, {minS64, 5}, {minN64 - 1, 5}, {minN64, 6}, {max64, 6}, {pInf64, 7},
		{sNaN64, 8}, {0xfff7ffffffffffff, 8}, {qNaN64, 9}, {nqNaN64, 9},
	}
	for _, tc := range cases64 {
		if r := F64Class(tc.a); r != 1<<tc.bit {
			t.Errorf("F64Class(%#x) = %#x, want %#x", tc.a, r, 1<<tc.bit)
		}
	}
	cases32 := []struct {
		a   uint32
		bit uint
	}{
		{nInf32, 0}, {s(-1), 1}, {minS32 | nZero32, 2}, {nZero32, 3}, {0, 4},
		{minS32, 5}, {0x007fffff, 5}, {0x00800000, 6}, {max32, 6}, {pInf32, 7},
		{sNaN32, 8}, {0xffbfffff, 8}, {qNaN32, 9}, {nqNaN32, 9},
	}
	for _, tc := range cases32 {
		if r := F32Class(tc.a); r != 1<<tc.bit {
			t.Errorf("F32Class(%#x) = %#x, want %#x", tc.a, r, 1<<tc.bit)
		}
	}
}

// TestRMMTies checks RMM on constructed exact ties (an addend of exactly
// half an ulp, of either sign): RMM must give the result one unit away from
// RTZ's, and RNE the even one of the two; with the addend one unit smaller
// or larger than half an ulp RMM must equal RNE. (TestOracle also checks on
// random inputs that RMM differs from RNE only on ties.)
func TestRMMTies(t *testing.T) {
	// Additions where the smaller operand is exactly half an ulp of the
	// larger (a tie) or not.
	g := newGen(7, &fmt64)
	for range n(50_000, 5_000) {
		a := g.make(g.sign(), 1000+g.intn(40), g.frac())
		ulpExp := g.exp(a) - 52
		half := g.make(g.sign() != fmt64.neg(a), ulpExp-1, 0) // exactly half an ulp, same or other sign
		if fmt64.neg(a) != fmt64.neg(half) && a&fmt64.fracMask == 0 {
			continue // the ulp below a power of two is smaller
		}
		rne, _ := F64Add(a, half, RNE)
		rmm, _ := F64Add(a, half, RMM)
		rtz, _ := F64Add(a, half, RTZ)
		// Away from zero is one unit beyond RTZ's magnitude.
		away := rtz + 1
		if rmm != away {
			t.Fatalf("F64Add(%#x, %#x) RMM = %#x, want %#x", a, half, rmm, away)
		}
		if rne != away && rne != rtz || (rne == away) != (rtz&1 == 1) {
			t.Fatalf("F64Add(%#x, %#x) RNE = %#x, RTZ %#x", a, half, rne, rtz)
		}
		// Slightly more or less than half: RMM == RNE.
		for _, off := range []uint64{1, ^uint64(0)} {
			h := half + off
			rne, _ := F64Add(a, h, RNE)
			rmm, _ := F64Add(a, h, RMM)
			if rne != rmm {
				t.Fatalf("F64Add(%#x, %#x): RMM %#x != RNE %#x but not a tie", a, h, rmm, rne)
			}
		}
	}
}
