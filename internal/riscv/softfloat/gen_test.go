package softfloat

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"
)

// Test input generation: random bit patterns mixed with edge-biased values
// (special values, extreme exponents, sparse and dense significands, values
// next to powers of two) and operand combinations that produce halfway
// cases, cancellation, and results near the underflow and overflow
// thresholds. All generators are deterministic for a given seed.

var rmNames = [...]string{"RNE", "RTZ", "RDN", "RUP", "RMM"}

func (rm RoundingMode) String() string {
	if int(rm) < len(rmNames) {
		return rmNames[rm]
	}
	return "rm?"
}

type gen struct {
	r *rand.Rand
	f *format
}

func newGen(seed uint64, f *format) *gen {
	return &gen{rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)), f}
}

// n returns the iteration count for a test: full normally, small with
// -short.
func n(full, short int) int {
	if testing.Short() {
		return short
	}
	return full
}

func (g *gen) intn(n int) int { return g.r.IntN(n) }

// frac returns a fraction field with an interesting bit pattern.
func (g *gen) frac() uint64 {
	fb := g.f.fracBits
	var m uint64
	switch g.intn(12) {
	case 0, 1, 2:
		m = g.r.Uint64()
	case 3:
		m = g.r.Uint64() & g.r.Uint64() & g.r.Uint64() // sparse
	case 4:
		m = g.r.Uint64() | g.r.Uint64() | g.r.Uint64() // dense
	case 5:
		m = 0
	case 6:
		m = ^uint64(0)
	case 7:
		m = 1 << g.intn(int(fb))
	case 8:
		m = g.r.Uint64() >> (64 - g.intn(int(fb)+1)) // a short integer
	case 9:
		m = g.r.Uint64() << (64 - g.intn(int(fb)+1)) >> (64 - fb) // high bits only
	case 10:
		m = ^(g.r.Uint64() << (64 - g.intn(int(fb)+1)) >> (64 - fb)) // high zeros
	case 11:
		// Around the halfway point of a shorter significand.
		k := uint(g.intn(int(fb)))
		m = g.r.Uint64()<<(k+1) | 1<<k | uint64(g.intn(3))
	}
	return m & g.f.fracMask
}

// make builds a value from a sign, a biased exponent (clamped to the finite
// range) and a fraction field.
func (g *gen) make(neg bool, be int, frac uint64) uint64 {
	be = min(max(be, 0), g.f.expMax-1)
	return g.f.signOf(neg) | uint64(be)<<g.f.fracBits | frac&g.f.fracMask
}

func (g *gen) sign() bool { return g.r.Uint64()&1 != 0 }

// special returns one of a list of notable values.
func (g *gen) special() uint64 {
	f := g.f
	one := uint64(f.bias) << f.fracBits
	v := [...]uint64{
		0,                             // +0
		f.infBits,                     // inf
		f.canonNaN,                    // quiet NaN
		f.infBits | 1,                 // signaling NaN
		f.infBits | f.fracMask,        // quiet NaN, all payload
		f.infBits | f.qnanBit>>1,      // signaling NaN
		1,                             // smallest subnormal
		f.fracMask,                    // largest subnormal
		1 << f.fracBits,               // smallest normal
		1<<f.fracBits | 1,             // next one
		f.infBits - 1,                 // largest finite
		f.infBits - 2,                 //
		one,                           // 1
		one - 1,                       // largest below 1
		one + 1,                       // smallest above 1
		one + 1<<f.fracBits,           // 2
		one - 1<<f.fracBits,           // 0.5
		one | f.qnanBit,               // 1.5
		f.fracMask >> 1,               // subnormal
		(f.qnanBit | 1),               // subnormal
		(f.infBits - 1) &^ f.fracMask, // 2^emax
	}[g.intn(21)]
	if g.sign() {
		v |= f.signBit
	}
	return v
}

// value returns an edge-biased value.
func (g *gen) value() uint64 {
	f := g.f
	switch g.intn(16) {
	case 0, 1, 2, 3:
		return g.r.Uint64() & (f.signBit<<1 - 1)
	case 4:
		return g.special()
	case 5, 6, 7, 8:
		return g.make(g.sign(), g.intn(f.expMax), g.frac())
	case 9, 10:
		e := g.intn(4)
		if g.sign() {
			e = f.expMax - 1 - e
		}
		return g.make(g.sign(), e, g.frac())
	case 11, 12, 13:
		return g.make(g.sign(), f.bias-40+g.intn(81), g.frac())
	case 14:
		v := g.make(g.sign(), g.intn(f.expMax), 0) // a power of two
		return g.nudge(v)
	}
	// A small integer.
	v := g.intn(2001) - 1000
	if f == &fmt32 {
		return uint64(math.Float32bits(float32(v)))
	}
	return math.Float64bits(float64(v))
}

// nudge moves v by a few units in the last place (in either direction,
// without changing its sign).
func (g *gen) nudge(v uint64) uint64 {
	d := uint64(g.intn(4))
	if g.sign() {
		if v&^g.f.signBit >= d {
			return v - d
		}
		return v
	}
	return (v + d) & (g.f.signBit<<1 - 1)
}

func (g *gen) exp(v uint64) int { return int(v>>g.f.fracBits) & g.f.expMax }

// pair returns two operands for a binary operation.
func (g *gen) pair() (a, b uint64) {
	f := g.f
	a = g.value()
	ea := g.exp(a)
	fb := int(f.fracBits)
	switch g.intn(16) {
	case 0, 1, 2, 3, 4:
		b = g.value()
	case 5:
		b = g.nudge(a)
	case 6:
		b = g.nudge(a ^ f.signBit) // cancellation
	case 7:
		// b's magnitude near half an ulp of a: halfway cases for add.
		b = g.make(g.sign(), ea-fb-3+g.intn(6), g.frac())
	case 8:
		// b within a few binades of a.
		b = g.make(g.sign(), ea-3+g.intn(7), g.frac())
	case 9:
		// Product near the underflow threshold.
		b = g.make(g.sign(), f.bias-ea+g.intn(7)-3-g.intn(fb+2)*g.intn(2), g.frac())
	case 10:
		// Product near the overflow threshold.
		b = g.make(g.sign(), f.expMax-1+f.bias-ea+g.intn(5)-3, g.frac())
	case 11:
		// Quotient near the underflow threshold.
		b = g.make(g.sign(), ea+f.bias-g.intn(7)+3+g.intn(fb+2)*g.intn(2), g.frac())
	case 12:
		// Quotient near the overflow threshold.
		b = g.make(g.sign(), ea-f.expMax+1+f.bias+g.intn(5)-2, g.frac())
	case 13:
		// a = q*b for a short q: exact and nearly exact quotients.
		b = g.value()
		q := g.make(g.sign(), f.bias-20+g.intn(41), g.r.Uint64()&g.r.Uint64()&g.r.Uint64()<<(f.fracBits-10))
		a, _ = f.mul(q, b, RNE)
		a = g.nudge(a)
	case 14:
		// Sparse significands: products and quotients with ties.
		a = g.make(g.sign(), ea, g.r.Uint64()&g.r.Uint64()&g.r.Uint64()&g.r.Uint64())
		b = g.make(g.sign(), f.bias-30+g.intn(61), g.r.Uint64()&g.r.Uint64()&g.r.Uint64()&g.r.Uint64())
	case 15:
		b = g.special()
	}
	if g.intn(2) == 0 {
		a, b = b, a
	}
	return a, b
}

// triple returns three operands for a fused multiply-add.
func (g *gen) triple() (a, b, c uint64) {
	f := g.f
	a, b = g.pair()
	p, _ := f.mul(a, b, RNE)
	ep := g.exp(p)
	fb := int(f.fracBits)
	switch g.intn(12) {
	case 0, 1, 2, 3:
		c = g.value()
	case 4, 5:
		c = g.nudge(p ^ f.signBit) // massive cancellation
	case 6:
		c = g.nudge(p)
	case 7:
		// c near half an ulp of the product, or the product near half
		// an ulp of c.
		if g.sign() {
			c = g.make(g.sign(), ep-fb-3+g.intn(6), g.frac())
		} else {
			c = g.make(g.sign(), ep+fb-3+g.intn(6), g.frac())
		}
	case 8:
		// The residual of the product, so that the sum is near a
		// representable number or a midpoint.
		lo, _ := f.mulAdd(a, b, p^f.signBit, RNE)
		c = g.nudge(lo)
		if g.sign() {
			c ^= f.signBit
		}
	case 9:
		c = g.make(g.sign(), ep-3+g.intn(7), g.frac())
	case 10:
		c = g.special()
	case 11:
		// Results near the underflow threshold.
		c = g.make(g.sign(), g.intn(3), g.frac())
	}
	return a, b, c
}

// sqrtArg returns an operand for a square root.
func (g *gen) sqrtArg() uint64 {
	f := g.f
	switch g.intn(4) {
	case 0:
		// A square of a short value, nudged: exact and nearly exact
		// roots.
		s := g.make(false, g.intn(f.expMax), g.r.Uint64()&g.r.Uint64()&g.r.Uint64()<<(f.fracBits/2+1))
		a, _ := f.mul(s, s, RNE)
		return g.nudge(a)
	case 1:
		return g.value() &^ f.signBit
	}
	return g.value()
}

// intArg returns an integer for a conversion to floating point, biased to
// the boundaries where rounding starts (2^24, 2^53) and to halfway cases.
func (g *gen) intArg() uint64 {
	var v uint64
	switch g.intn(8) {
	case 0, 1:
		v = g.r.Uint64()
	case 2:
		v = g.r.Uint64() >> g.intn(64)
	case 3:
		v = 1<<g.intn(64) + uint64(g.intn(9)) - 4
	case 4, 5:
		// A leading bit, then a pattern at the rounding position of a
		// 24- or 53-bit significand.
		l := g.intn(64)
		k := [2]int{24, 53}[g.intn(2)]
		v = 1 << l
		if l >= k {
			r := l - k // rounding position
			v |= g.r.Uint64() << (64 - l) >> (64 - l) &^ (1<<(r+1) - 1)
			v |= [4]uint64{1 << r, 1<<r - 1, 1<<r + 1, 0}[g.intn(4)]
		}
	case 6:
		v = uint64(g.intn(1 << 20))
	case 7:
		v = [...]uint64{0, 1, math.MaxInt32, math.MaxInt32 + 1, math.MaxUint32, math.MaxInt64, math.MaxInt64 + 1, math.MaxUint64}[g.intn(8)]
	}
	if g.intn(4) == 0 {
		v = -v
	}
	return v
}

// cvtArg returns a value in format g.f for a conversion to an integer:
// values near the limits of the integer types, near halfway points, and
// small fractions.
func (g *gen) cvtArg() uint64 {
	if g.intn(5) == 0 {
		return g.value()
	}
	bases := [...]float64{0, 0.25, 0.5, 1, 1.5, 2.5, 3, 0x1p24, 0x1p31, 0x1p32, 0x1p53, 0x1p63, 0x1p64, 1e6}
	x := bases[g.intn(len(bases))]
	switch g.intn(4) {
	case 0:
		x += float64(g.intn(5)) - 2
	case 1:
		x += float64(g.intn(9))/4 - 1
	case 2:
		x *= 1 + g.r.Float64()
	}
	if g.sign() {
		x = -x
	}
	var v uint64
	if g.f == &fmt32 {
		v = uint64(math.Float32bits(float32(x)))
	} else {
		v = math.Float64bits(x)
	}
	if x == 0 {
		return v
	}
	return g.nudge(v)
}

func (g *gen) rm() RoundingMode { return RoundingMode(g.intn(5)) }

// significantBits returns the number of significant bits of v.
func significantBits(v uint64) int {
	if v == 0 {
		return 0
	}
	return bits.Len64(v) - bits.TrailingZeros64(v)
}
