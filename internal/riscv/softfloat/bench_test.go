package softfloat

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Benchmarks on ordinary normal operands (the fast paths in RNE, the soft
// core in the other modes).

const benchN = 1024 // operands per table; a power of two

func benchVals64(seed uint64) []uint64 {
	r := rand.New(rand.NewPCG(seed, 1))
	v := make([]uint64, benchN)
	for i := range v {
		v[i] = math.Float64bits((r.Float64() + 0.5) * math.Exp2(float64(r.IntN(40)-20)))
		if r.IntN(2) == 0 {
			v[i] |= 1 << 63
		}
	}
	return v
}

func benchVals32(seed uint64) []uint32 {
	v := benchVals64(seed)
	w := make([]uint32, len(v))
	for i, x := range v {
		w[i] = math.Float32bits(float32(math.Float64frombits(x)))
	}
	return w
}

var sink64 uint64
var sink32 uint32
var sinkFl Flags

func bench64(b *testing.B, fn func(a, b, c uint64) (uint64, Flags)) {
	x, y, z := benchVals64(1), benchVals64(2), benchVals64(3)
	var acc uint64
	var fl Flags
	i := 0
	for b.Loop() {
		r, f := fn(x[i], y[i], z[i])
		acc += r
		fl |= f
		i = (i + 1) & (benchN - 1)
	}
	sink64, sinkFl = acc, fl
}

func bench32(b *testing.B, fn func(a, b, c uint32) (uint32, Flags)) {
	x, y, z := benchVals32(1), benchVals32(2), benchVals32(3)
	var acc uint32
	var fl Flags
	i := 0
	for b.Loop() {
		r, f := fn(x[i], y[i], z[i])
		acc += r
		fl |= f
		i = (i + 1) & (benchN - 1)
	}
	sink32, sinkFl = acc, fl
}

func abs64(a uint64) uint64 { return a &^ (1 << 63) }
func abs32(a uint32) uint32 { return a &^ (1 << 31) }

func BenchmarkF64AddRNE(b *testing.B) {
	bench64(b, func(x, y, z uint64) (uint64, Flags) { return F64Add(x, y, RNE) })
}
func BenchmarkF64SubRNE(b *testing.B) {
	bench64(b, func(x, y, z uint64) (uint64, Flags) { return F64Sub(x, y, RNE) })
}
func BenchmarkF64MulRNE(b *testing.B) {
	bench64(b, func(x, y, z uint64) (uint64, Flags) { return F64Mul(x, y, RNE) })
}
func BenchmarkF64DivRNE(b *testing.B) {
	bench64(b, func(x, y, z uint64) (uint64, Flags) { return F64Div(x, y, RNE) })
}
func BenchmarkF64SqrtRNE(b *testing.B) {
	bench64(b, func(x, y, z uint64) (uint64, Flags) { return F64Sqrt(abs64(x), RNE) })
}
func BenchmarkF64MulAddRNE(b *testing.B) {
	bench64(b, func(x, y, z uint64) (uint64, Flags) { return F64MulAdd(x, y, z, RNE) })
}
func BenchmarkF32AddRNE(b *testing.B) {
	bench32(b, func(x, y, z uint32) (uint32, Flags) { return F32Add(x, y, RNE) })
}
func BenchmarkF32MulRNE(b *testing.B) {
	bench32(b, func(x, y, z uint32) (uint32, Flags) { return F32Mul(x, y, RNE) })
}
func BenchmarkF32DivRNE(b *testing.B) {
	bench32(b, func(x, y, z uint32) (uint32, Flags) { return F32Div(x, y, RNE) })
}
func BenchmarkF32SqrtRNE(b *testing.B) {
	bench32(b, func(x, y, z uint32) (uint32, Flags) { return F32Sqrt(abs32(x), RNE) })
}
func BenchmarkF32MulAddRNE(b *testing.B) {
	bench32(b, func(x, y, z uint32) (uint32, Flags) { return F32MulAdd(x, y, z, RNE) })
}

// The soft core, via a directed rounding mode.
func BenchmarkF64AddRTZ(b *testing.B) {
	bench64(b, func(x, y, z uint64) (uint64, Flags) { return F64Add(x, y, RTZ) })
}
func BenchmarkF64MulRTZ(b *testing.B) {
	bench64(b, func(x, y, z uint64) (uint64, Flags) { return F64Mul(x, y, RTZ) })
}
func BenchmarkF64DivRTZ(b *testing.B) {
	bench64(b, func(x, y, z uint64) (uint64, Flags) { return F64Div(x, y, RTZ) })
}
func BenchmarkF64SqrtRTZ(b *testing.B) {
	bench64(b, func(x, y, z uint64) (uint64, Flags) { return F64Sqrt(abs64(x), RTZ) })
}
func BenchmarkF64MulAddRTZ(b *testing.B) {
	bench64(b, func(x, y, z uint64) (uint64, Flags) { return F64MulAdd(x, y, z, RTZ) })
}
func BenchmarkF32MulAddRTZ(b *testing.B) {
	bench32(b, func(x, y, z uint32) (uint32, Flags) { return F32MulAdd(x, y, z, RTZ) })
}

// Conversions and comparisons.
func BenchmarkF64ToI32RTZ(b *testing.B) {
	bench64(b, func(x, y, z uint64) (uint64, Flags) {
		r, f := F64ToI32(x, RTZ)
		return uint64(r), f
	})
}
func BenchmarkF64ToI64RNE(b *testing.B) {
	bench64(b, func(x, y, z uint64) (uint64, Flags) {
		r, f := F64ToI64(x, RNE)
		return uint64(r), f
	})
}
func BenchmarkI64ToF64RNE(b *testing.B) {
	bench64(b, func(x, y, z uint64) (uint64, Flags) { return I64ToF64(int64(x>>20), RNE) })
}
func BenchmarkF64ToF32RNE(b *testing.B) {
	bench64(b, func(x, y, z uint64) (uint64, Flags) {
		r, f := F64ToF32(x, RNE)
		return uint64(r), f
	})
}
func BenchmarkF64Lt(b *testing.B) {
	bench64(b, func(x, y, z uint64) (uint64, Flags) {
		r, f := F64Lt(x, y)
		return b2u(r), f
	})
}
func BenchmarkF64Min(b *testing.B) {
	bench64(b, func(x, y, z uint64) (uint64, Flags) { return F64Min(x, y) })
}

// BenchmarkBaseline measures the benchmark harness alone (an indirect call
// and the operand loads), to be subtracted from the figures above.
func BenchmarkBaseline(b *testing.B) {
	bench64(b, func(x, y, z uint64) (uint64, Flags) { return x ^ y, 0 })
}
