package softfloat

import "math"

// RoundingMode is a RISC-V rounding mode (the rm field / frm CSR encoding).
type RoundingMode uint8

const (
	RNE RoundingMode = 0 // round to nearest, ties to even
	RTZ RoundingMode = 1 // toward zero
	RDN RoundingMode = 2 // toward -inf
	RUP RoundingMode = 3 // toward +inf
	RMM RoundingMode = 4 // to nearest, ties to max magnitude
)

// Flags are IEEE exception flags with the bit layout of the RISC-V fflags
// CSR.
type Flags uint8

const (
	NX Flags = 1 << 0 // inexact
	UF Flags = 1 << 1 // underflow
	OF Flags = 1 << 2 // overflow
	DZ Flags = 1 << 3 // divide by zero
	NV Flags = 1 << 4 // invalid
)

// The canonical NaNs, returned for every NaN result.
const (
	CanonicalNaN32 uint32 = 0x7fc00000
	CanonicalNaN64 uint64 = 0x7ff8000000000000
)

// Fast-path conditions use the biased exponent fields of operands and host
// results. For binary64:
//
//   - add/sub: both operands below 2^1022 (field < 0x7fd), so that neither
//     the sum nor the exactness check can overflow. Sums are exact whenever
//     they are tiny, so underflow never needs to be signalled.
//   - mul: the host product has field in [54, 0x7fe]: finite, and large
//     enough that the product is not tiny and the FMA residual is exact.
//   - div: the dividend has field in [64, 0x7fe], the divisor is normal, and
//     the quotient has field >= 2 (not tiny even before rounding): then the
//     remainder a - q*b is exact.
//   - sqrt: the operand is positive with field in [64, 0x7fe].
//
// For binary32 the operation is done in float64, where products and
// the checks are exact, and rounded once to float32 (double rounding is
// innocuous for + - * / sqrt since 53 >= 2*24+2); results with a field
// below 2 or of 0xff go to the soft core.

// F64Add returns a+b.
func F64Add(a, b uint64, rm RoundingMode) (uint64, Flags) {
	if rm == RNE && a>>52&0x7ff < 0x7fd && b>>52&0x7ff < 0x7fd {
		x, y := math.Float64frombits(a), math.Float64frombits(b)
		s := x + y
		// Exact iff both checks hold; the one subtracting the operand of
		// larger magnitude is computed exactly (Fast2Sum).
		if s-x != y || s-y != x {
			return math.Float64bits(s), NX
		}
		return math.Float64bits(s), 0
	}
	return fmt64.add(a, b, rm)
}

// F64Sub returns a-b.
func F64Sub(a, b uint64, rm RoundingMode) (uint64, Flags) {
	return F64Add(a, b^1<<63, rm)
}

// F64Mul returns a*b.
func F64Mul(a, b uint64, rm RoundingMode) (uint64, Flags) {
	if rm == RNE {
		x, y := math.Float64frombits(a), math.Float64frombits(b)
		p := x * y
		if math.Float64bits(p)>>52&0x7ff-54 < 0x7ff-54 {
			if math.FMA(x, y, -p) != 0 {
				return math.Float64bits(p), NX
			}
			return math.Float64bits(p), 0
		}
	}
	return fmt64.mul(a, b, rm)
}

// F64Div returns a/b.
func F64Div(a, b uint64, rm RoundingMode) (uint64, Flags) {
	if rm == RNE && a>>52&0x7ff-64 < 0x7ff-64 && b>>52&0x7ff-1 < 0x7ff-1 {
		x, y := math.Float64frombits(a), math.Float64frombits(b)
		q := x / y
		if math.Float64bits(q)>>52&0x7ff-2 < 0x7ff-2 {
			if math.FMA(-q, y, x) != 0 {
				return math.Float64bits(q), NX
			}
			return math.Float64bits(q), 0
		}
	}
	return fmt64.div(a, b, rm)
}

// F64Sqrt returns the square root of a.
func F64Sqrt(a uint64, rm RoundingMode) (uint64, Flags) {
	if rm == RNE && a-64<<52 < (0x7ff-64)<<52 {
		x := math.Float64frombits(a)
		s := math.Sqrt(x)
		if math.FMA(-s, s, x) != 0 {
			return math.Float64bits(s), NX
		}
		return math.Float64bits(s), 0
	}
	return fmt64.sqrt(a, rm)
}

// F64MulAdd returns a*b+c with a single rounding.
func F64MulAdd(a, b, c uint64, rm RoundingMode) (uint64, Flags) {
	if rm == RNE && c>>52&0x7ff < 0x7fc {
		x, y, z := math.Float64frombits(a), math.Float64frombits(b), math.Float64frombits(c)
		ph := x * y
		if math.Float64bits(ph)>>52&0x7ff-54 < 0x7fc-54 {
			return f64MulAddFast(x, y, z, ph)
		}
	}
	return fmt64.mulAdd(a, b, c, rm)
}

// f64MulAddFast is the fast path of F64MulAdd, for |a*b| in [2^-969,
// 2^1021) and |c| < 2^1021. The result is exact iff a*b == r-c: both sides
// are split exactly into a rounded part and an error term (the product by
// an FMA residual, the difference by TwoSum), and equal exact values have
// equal splits. Tiny results are exact, since every term is a multiple of
// the smallest subnormal.
func f64MulAddFast(x, y, z, ph float64) (uint64, Flags) {
	r := math.FMA(x, y, z)
	pl := math.FMA(x, y, -ph)
	dh := r - z
	bb := dh - r
	dl := (r - (dh - bb)) + (-z - bb)
	if ph != dh || pl != dl {
		return math.Float64bits(r), NX
	}
	return math.Float64bits(r), 0
}

// F32Add returns a+b.
func F32Add(a, b uint32, rm RoundingMode) (uint32, Flags) {
	if rm == RNE {
		x := float64(math.Float32frombits(a))
		y := float64(math.Float32frombits(b))
		s := float32(x + y)
		if math.Float32bits(s)>>23&0xff != 0xff {
			// As for F64Add; the check subtracting the larger operand is
			// exact in float64.
			if t := float64(s); t-x != y || t-y != x {
				return math.Float32bits(s), NX
			}
			return math.Float32bits(s), 0
		}
	}
	r, fl := fmt32.add(uint64(a), uint64(b), rm)
	return uint32(r), fl
}

// F32Sub returns a-b.
func F32Sub(a, b uint32, rm RoundingMode) (uint32, Flags) {
	return F32Add(a, b^1<<31, rm)
}

// F32Mul returns a*b.
func F32Mul(a, b uint32, rm RoundingMode) (uint32, Flags) {
	if rm == RNE {
		p := float64(math.Float32frombits(a)) * float64(math.Float32frombits(b)) // exact
		s := float32(p)
		if math.Float32bits(s)>>23&0xff-2 < 0xff-2 {
			if float64(s) != p {
				return math.Float32bits(s), NX
			}
			return math.Float32bits(s), 0
		}
	}
	r, fl := fmt32.mul(uint64(a), uint64(b), rm)
	return uint32(r), fl
}

// F32Div returns a/b.
func F32Div(a, b uint32, rm RoundingMode) (uint32, Flags) {
	if rm == RNE {
		x := float64(math.Float32frombits(a))
		y := float64(math.Float32frombits(b))
		q := float32(x / y)
		if math.Float32bits(q)>>23&0xff-2 < 0xff-2 {
			if float64(q)*y != x { // the product is exact
				return math.Float32bits(q), NX
			}
			return math.Float32bits(q), 0
		}
	}
	r, fl := fmt32.div(uint64(a), uint64(b), rm)
	return uint32(r), fl
}

// F32Sqrt returns the square root of a.
func F32Sqrt(a uint32, rm RoundingMode) (uint32, Flags) {
	if rm == RNE && a-1 < 0x7f800000-1 { // positive, non-zero and finite
		x := float64(math.Float32frombits(a))
		s := float32(math.Sqrt(x))
		if t := float64(s); t*t != x {
			return math.Float32bits(s), NX
		}
		return math.Float32bits(s), 0
	}
	r, fl := fmt32.sqrt(uint64(a), rm)
	return uint32(r), fl
}

// F32MulAdd returns a*b+c with a single rounding.
func F32MulAdd(a, b, c uint32, rm RoundingMode) (uint32, Flags) {
	if rm == RNE {
		if r, fl, ok := f32MulAddFast(a, b, c); ok {
			return r, fl
		}
	}
	r, fl := fmt32.mulAdd(uint64(a), uint64(b), uint64(c), rm)
	return uint32(r), fl
}

// f32MulAddFast computes a*b+c in float64: the product is exact, the sum is
// rounded to odd using TwoSum's exact error, and rounding that once more to
// float32 gives the correctly rounded result (53 >= 24+2).
func f32MulAddFast(a, b, c uint32) (uint32, Flags, bool) {
	x := float64(math.Float32frombits(a))
	y := float64(math.Float32frombits(b))
	z := float64(math.Float32frombits(c))
	p := float64(x * y) // exact; the conversion forbids fusing it with the add
	s := p + z
	bb := s - p
	e := (p - (s - bb)) + (z - bb)
	sb := math.Float64bits(s)
	if e != 0 && sb&1 == 0 {
		if e > 0 == (s > 0) {
			sb++
		} else {
			sb--
		}
	}
	r := float32(math.Float64frombits(sb))
	if math.Float32bits(r)>>23&0xff-2 >= 0xff-2 {
		return 0, 0, false
	}
	if e != 0 || float64(r) != s {
		return math.Float32bits(r), NX, true
	}
	return math.Float32bits(r), 0, true
}

// F64ToF32 converts a to binary32.
func F64ToF32(a uint64, rm RoundingMode) (uint32, Flags) {
	if rm == RNE {
		x := math.Float64frombits(a)
		r := float32(x)
		if math.Float32bits(r)>>23&0xff-2 < 0xff-2 {
			if float64(r) != x {
				return math.Float32bits(r), NX
			}
			return math.Float32bits(r), 0
		}
	}
	r, fl := fmt64.convert(&fmt32, a, rm)
	return uint32(r), fl
}

// F32ToF64 converts a to binary64, which is exact.
func F32ToF64(a uint32) (uint64, Flags) {
	if a&0x7fffffff <= 0x7f800000 {
		return math.Float64bits(float64(math.Float32frombits(a))), 0
	}
	if a&0x00400000 == 0 {
		return CanonicalNaN64, NV
	}
	return CanonicalNaN64, 0
}

// roundInt rounds x to an integral value in mode rm.
func roundInt(x float64, rm RoundingMode) float64 {
	switch rm {
	case RNE:
		return math.RoundToEven(x)
	case RTZ:
		return math.Trunc(x)
	case RDN:
		return math.Floor(x)
	case RUP:
		return math.Ceil(x)
	}
	return math.Round(x)
}

// Float-to-integer conversions: values that round into range are converted
// by the host; NaNs, infinities and out-of-range values go to the soft
// core, which saturates and signals NV. Binary32 values are widened to
// binary64 first, which is exact (and a NaN stays a NaN).

func f64ToI32(x float64, rm RoundingMode) (int32, Flags) {
	if r := roundInt(x, rm); r >= -0x1p31 && r < 0x1p31 {
		if r != x {
			return int32(r), NX
		}
		return int32(r), 0
	}
	v, fl := fmt64.toInt(math.Float64bits(x), rm, true, 32)
	return int32(v), fl
}

func f64ToU32(x float64, rm RoundingMode) (uint32, Flags) {
	if r := roundInt(x, rm); r >= 0 && r < 0x1p32 {
		if r != x {
			return uint32(r), NX
		}
		return uint32(r), 0
	}
	v, fl := fmt64.toInt(math.Float64bits(x), rm, false, 32)
	return uint32(v), fl
}

func f64ToI64(x float64, rm RoundingMode) (int64, Flags) {
	if r := roundInt(x, rm); r >= -0x1p63 && r < 0x1p63 {
		if r != x {
			return int64(r), NX
		}
		return int64(r), 0
	}
	v, fl := fmt64.toInt(math.Float64bits(x), rm, true, 64)
	return int64(v), fl
}

func f64ToU64(x float64, rm RoundingMode) (uint64, Flags) {
	if r := roundInt(x, rm); r >= 0 && r < 0x1p64 {
		if r != x {
			return uint64(r), NX
		}
		return uint64(r), 0
	}
	return fmt64.toInt(math.Float64bits(x), rm, false, 64)
}

// F64ToI32 converts a to int32 (fcvt.w.d).
func F64ToI32(a uint64, rm RoundingMode) (int32, Flags) {
	return f64ToI32(math.Float64frombits(a), rm)
}

// F64ToU32 converts a to uint32 (fcvt.wu.d).
func F64ToU32(a uint64, rm RoundingMode) (uint32, Flags) {
	return f64ToU32(math.Float64frombits(a), rm)
}

// F64ToI64 converts a to int64 (fcvt.l.d).
func F64ToI64(a uint64, rm RoundingMode) (int64, Flags) {
	return f64ToI64(math.Float64frombits(a), rm)
}

// F64ToU64 converts a to uint64 (fcvt.lu.d).
func F64ToU64(a uint64, rm RoundingMode) (uint64, Flags) {
	return f64ToU64(math.Float64frombits(a), rm)
}

// F32ToI32 converts a to int32 (fcvt.w.s).
func F32ToI32(a uint32, rm RoundingMode) (int32, Flags) {
	return f64ToI32(float64(math.Float32frombits(a)), rm)
}

// F32ToU32 converts a to uint32 (fcvt.wu.s).
func F32ToU32(a uint32, rm RoundingMode) (uint32, Flags) {
	return f64ToU32(float64(math.Float32frombits(a)), rm)
}

// F32ToI64 converts a to int64 (fcvt.l.s).
func F32ToI64(a uint32, rm RoundingMode) (int64, Flags) {
	return f64ToI64(float64(math.Float32frombits(a)), rm)
}

// F32ToU64 converts a to uint64 (fcvt.lu.s).
func F32ToU64(a uint32, rm RoundingMode) (uint64, Flags) {
	return f64ToU64(float64(math.Float32frombits(a)), rm)
}

// I32ToF64 converts v to binary64, which is exact.
func I32ToF64(v int32) uint64 { return math.Float64bits(float64(v)) }

// U32ToF64 converts v to binary64, which is exact.
func U32ToF64(v uint32) uint64 { return math.Float64bits(float64(v)) }

// I64ToF64 converts v to binary64.
func I64ToF64(v int64, rm RoundingMode) (uint64, Flags) {
	if v >= -1<<53 && v <= 1<<53 {
		return math.Float64bits(float64(v)), 0
	}
	if v < 0 {
		return fmt64.fromInt(true, -uint64(v), rm)
	}
	return fmt64.fromInt(false, uint64(v), rm)
}

// U64ToF64 converts v to binary64.
func U64ToF64(v uint64, rm RoundingMode) (uint64, Flags) {
	if v <= 1<<53 {
		return math.Float64bits(float64(v)), 0
	}
	return fmt64.fromInt(false, v, rm)
}

// I32ToF32 converts v to binary32.
func I32ToF32(v int32, rm RoundingMode) (uint32, Flags) {
	if v >= -1<<24 && v <= 1<<24 {
		return math.Float32bits(float32(v)), 0
	}
	return I64ToF32(int64(v), rm)
}

// U32ToF32 converts v to binary32.
func U32ToF32(v uint32, rm RoundingMode) (uint32, Flags) {
	if v <= 1<<24 {
		return math.Float32bits(float32(v)), 0
	}
	r, fl := fmt32.fromInt(false, uint64(v), rm)
	return uint32(r), fl
}

// I64ToF32 converts v to binary32.
func I64ToF32(v int64, rm RoundingMode) (uint32, Flags) {
	if v >= -1<<24 && v <= 1<<24 {
		return math.Float32bits(float32(v)), 0
	}
	neg, mag := v < 0, uint64(v)
	if neg {
		mag = -mag
	}
	r, fl := fmt32.fromInt(neg, mag, rm)
	return uint32(r), fl
}

// U64ToF32 converts v to binary32.
func U64ToF32(v uint64, rm RoundingMode) (uint32, Flags) {
	if v <= 1<<24 {
		return math.Float32bits(float32(v)), 0
	}
	r, fl := fmt32.fromInt(false, v, rm)
	return uint32(r), fl
}

// F64Eq reports a == b (feq.d): a quiet comparison that signals NV only for
// signaling NaNs.
func F64Eq(a, b uint64) (bool, Flags) {
	x, y := math.Float64frombits(a), math.Float64frombits(b)
	if x == y {
		return true, 0
	}
	if x != x || y != y {
		return false, fmt64.cmpNaN(a, b, true)
	}
	return false, 0
}

// F64Lt reports a < b (flt.d): NV for any NaN.
func F64Lt(a, b uint64) (bool, Flags) {
	x, y := math.Float64frombits(a), math.Float64frombits(b)
	if x < y {
		return true, 0
	}
	if x != x || y != y {
		return false, NV
	}
	return false, 0
}

// F64Le reports a <= b (fle.d): NV for any NaN.
func F64Le(a, b uint64) (bool, Flags) {
	x, y := math.Float64frombits(a), math.Float64frombits(b)
	if x <= y {
		return true, 0
	}
	if x != x || y != y {
		return false, NV
	}
	return false, 0
}

// F64Min implements fmin.d (IEEE 754-2019 minimumNumber, -0 < +0).
func F64Min(a, b uint64) (uint64, Flags) {
	x, y := math.Float64frombits(a), math.Float64frombits(b)
	switch {
	case x < y:
		return a, 0
	case y < x:
		return b, 0
	case x == y: // equal bits, or zeros of either sign
		return a | b, 0
	}
	return fmt64.minMaxNaN(a, b)
}

// F64Max implements fmax.d (IEEE 754-2019 maximumNumber, -0 < +0).
func F64Max(a, b uint64) (uint64, Flags) {
	x, y := math.Float64frombits(a), math.Float64frombits(b)
	switch {
	case x > y:
		return a, 0
	case y > x:
		return b, 0
	case x == y:
		return a & b, 0
	}
	return fmt64.minMaxNaN(a, b)
}

// F64Class implements fclass.d.
func F64Class(a uint64) uint64 { return fmt64.class(a) }

// F32Eq reports a == b (feq.s): a quiet comparison that signals NV only for
// signaling NaNs.
func F32Eq(a, b uint32) (bool, Flags) {
	x, y := math.Float32frombits(a), math.Float32frombits(b)
	if x == y {
		return true, 0
	}
	if x != x || y != y {
		return false, fmt32.cmpNaN(uint64(a), uint64(b), true)
	}
	return false, 0
}

// F32Lt reports a < b (flt.s): NV for any NaN.
func F32Lt(a, b uint32) (bool, Flags) {
	x, y := math.Float32frombits(a), math.Float32frombits(b)
	if x < y {
		return true, 0
	}
	if x != x || y != y {
		return false, NV
	}
	return false, 0
}

// F32Le reports a <= b (fle.s): NV for any NaN.
func F32Le(a, b uint32) (bool, Flags) {
	x, y := math.Float32frombits(a), math.Float32frombits(b)
	if x <= y {
		return true, 0
	}
	if x != x || y != y {
		return false, NV
	}
	return false, 0
}

// F32Min implements fmin.s.
func F32Min(a, b uint32) (uint32, Flags) {
	x, y := math.Float32frombits(a), math.Float32frombits(b)
	switch {
	case x < y:
		return a, 0
	case y < x:
		return b, 0
	case x == y:
		return a | b, 0
	}
	r, fl := fmt32.minMaxNaN(uint64(a), uint64(b))
	return uint32(r), fl
}

// F32Max implements fmax.s.
func F32Max(a, b uint32) (uint32, Flags) {
	x, y := math.Float32frombits(a), math.Float32frombits(b)
	switch {
	case x > y:
		return a, 0
	case y > x:
		return b, 0
	case x == y:
		return a & b, 0
	}
	r, fl := fmt32.minMaxNaN(uint64(a), uint64(b))
	return uint32(r), fl
}

// F32Class implements fclass.s.
func F32Class(a uint32) uint64 { return fmt32.class(uint64(a)) }
