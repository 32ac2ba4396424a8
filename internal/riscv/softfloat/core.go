package softfloat

import (
	"math"
	"math/bits"
)

// This file is the soft core: exact, portable integer implementations of
// every operation for both formats. It is the reference the fast paths are
// tested against and the fallback for everything they do not handle.
//
// A binary32 or binary64 value is handled as raw bits in a uint64 together
// with a *format describing its layout. A finite non-zero operand is
// unpacked to an exponent e and a 63-bit significand m with bit 62 set, so
// that its magnitude is m * 2^(e-62); e is then the exponent of the leading
// bit. Intermediate results use the same representation, with any bits
// below the precision of a uint64 collapsed into bit 0 (the "sticky" bit)
// so that roundPack can round them correctly.

// format describes an IEEE 754 binary interchange format.
type format struct {
	fracBits   uint   // explicit fraction bits: 23 or 52
	roundShift uint   // 62 - fracBits: the round-off bits of a normal significand
	expMax     int    // the all-ones biased exponent: 255 or 2047
	bias       int    // 127 or 1023
	signBit    uint64 // sign bit mask
	fracMask   uint64 // fraction field mask
	qnanBit    uint64 // most significant fraction bit: set in quiet NaNs
	infBits    uint64 // positive infinity
	canonNaN   uint64 // the RISC-V canonical NaN
}

func newFormat(expBits, fracBits uint) format {
	expMax := 1<<expBits - 1
	return format{
		fracBits:   fracBits,
		roundShift: 62 - fracBits,
		expMax:     expMax,
		bias:       expMax >> 1,
		signBit:    1 << (expBits + fracBits),
		fracMask:   1<<fracBits - 1,
		qnanBit:    1 << (fracBits - 1),
		infBits:    uint64(expMax) << fracBits,
		canonNaN:   uint64(expMax)<<fracBits | 1<<(fracBits-1),
	}
}

var (
	fmt32 = newFormat(8, 23)
	fmt64 = newFormat(11, 52)
)

func (f *format) isNaN(x uint64) bool  { return x&^f.signBit > f.infBits }
func (f *format) isSNaN(x uint64) bool { return f.isNaN(x) && x&f.qnanBit == 0 }
func (f *format) isInf(x uint64) bool  { return x&^f.signBit == f.infBits }
func (f *format) isZero(x uint64) bool { return x&^f.signBit == 0 }
func (f *format) neg(x uint64) bool    { return x&f.signBit != 0 }

// signOf returns the sign bit pattern for a sign.
func (f *format) signOf(neg bool) uint64 {
	if neg {
		return f.signBit
	}
	return 0
}

// nanResult returns the canonical NaN, with NV if any of the operands is a
// signaling NaN.
func (f *format) nanResult(a, b, c uint64) (uint64, Flags) {
	if f.isSNaN(a) || f.isSNaN(b) || f.isSNaN(c) {
		return f.canonNaN, NV
	}
	return f.canonNaN, 0
}

// zeroResult is the exact zero produced by adding two values of opposite
// sign: +0, or -0 when rounding down.
func (f *format) zeroResult(rm RoundingMode) uint64 {
	if rm == RDN {
		return f.signBit
	}
	return 0
}

// unpack splits a finite non-zero value into exponent and significand:
// |x| = sig * 2^(exp-62) with bit 62 of sig set.
func (f *format) unpack(x uint64) (exp int, sig uint64) {
	e := int(x>>f.fracBits) & f.expMax
	frac := x & f.fracMask
	if e == 0 { // subnormal: frac * 2^(1-bias-fracBits)
		lz := bits.LeadingZeros64(frac)
		return 64 - lz - f.bias - int(f.fracBits), frac << uint(lz-1)
	}
	return e - f.bias, (frac | 1<<f.fracBits) << f.roundShift
}

// shiftRightJam shifts x right by n, ORing any bits shifted out into bit 0.
func shiftRightJam(x uint64, n uint) uint64 {
	if n == 0 {
		return x
	}
	if n >= 64 {
		return b2u(x != 0)
	}
	return x>>n | b2u(x<<(64-n) != 0)
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// roundSig rounds sig right by shift bits (1 <= shift <= 63) in mode rm for
// a value of the given sign, reporting whether any discarded bit was set.
func roundSig(sig uint64, shift uint, neg bool, rm RoundingMode) (q uint64, inexact bool) {
	rb := sig & (1<<shift - 1)
	q = sig >> shift
	if rb == 0 {
		return q, false
	}
	half := uint64(1) << (shift - 1)
	switch rm {
	case RNE:
		if rb > half || rb == half && q&1 != 0 {
			q++
		}
	case RMM:
		if rb >= half {
			q++
		}
	case RDN:
		if neg {
			q++
		}
	case RUP:
		if !neg {
			q++
		}
	}
	return q, true
}

// overflow returns the result of an overflow in mode rm: infinity, or the
// largest finite value when rounding toward zero.
func (f *format) overflow(neg bool, rm RoundingMode) uint64 {
	s := f.signOf(neg)
	if rm == RTZ || rm == RDN && !neg || rm == RUP && neg {
		return s | (f.infBits - 1)
	}
	return s | f.infBits
}

// roundPack rounds the value (-1)^neg * sig * 2^(exp-62), where bit 62 of
// sig is set and bit 0 may be a sticky bit, to format f in mode rm. It
// handles overflow, subnormals and the flags, detecting tininess after
// rounding.
func (f *format) roundPack(neg bool, exp int, sig uint64, rm RoundingMode) (uint64, Flags) {
	s := f.signOf(neg)
	be := exp + f.bias // biased exponent if the result is normal
	if be >= f.expMax {
		return f.overflow(neg, rm), OF | NX
	}
	if be <= 0 {
		// Tiny unless rounding to the full precision with an unbounded
		// exponent carries up to the smallest normal number, which can
		// only happen when be == 0.
		tiny := true
		if be == 0 {
			q, _ := roundSig(sig, f.roundShift, neg, rm)
			tiny = q>>(f.fracBits+1) == 0
		}
		q, inexact := roundSig(shiftRightJam(sig, uint(1-be)), f.roundShift, neg, rm)
		// q <= 1<<fracBits; if rounding carried into the hidden bit, q is
		// also the encoding of the smallest normal number.
		var fl Flags
		if inexact {
			fl = NX
			if tiny {
				fl |= UF
			}
		}
		return s | q, fl
	}
	q, inexact := roundSig(sig, f.roundShift, neg, rm)
	// q includes the hidden bit, which adds 1 to the exponent field; a
	// carry out of the significand adds 2 and leaves the fraction zero.
	r := uint64(be-1)<<f.fracBits + q
	if r >= f.infBits {
		return f.overflow(neg, rm), OF | NX
	}
	if inexact {
		return s | r, NX
	}
	return s | r, 0
}

// add returns a+b rounded (subtraction is addition of the negated operand).
func (f *format) add(a, b uint64, rm RoundingMode) (uint64, Flags) {
	if f.isNaN(a) || f.isNaN(b) {
		return f.nanResult(a, b, 0)
	}
	na, nb := f.neg(a), f.neg(b)
	if f.isInf(a) {
		if f.isInf(b) && na != nb {
			return f.canonNaN, NV
		}
		return a, 0
	}
	if f.isInf(b) {
		return b, 0
	}
	if f.isZero(a) {
		if f.isZero(b) && na != nb {
			return f.zeroResult(rm), 0
		}
		return b, 0
	}
	if f.isZero(b) {
		return a, 0
	}
	ea, ma := f.unpack(a)
	eb, mb := f.unpack(b)
	if ea < eb || ea == eb && ma < mb { // make |a| >= |b|
		ea, eb, ma, mb, na, nb = eb, ea, mb, ma, nb, na
	}
	mb = shiftRightJam(mb, uint(ea-eb))
	if na == nb {
		m := ma + mb
		if m>>63 != 0 {
			m = m>>1 | m&1
			ea++
		}
		return f.roundPack(na, ea, m, rm)
	}
	m := ma - mb
	if m == 0 {
		return f.zeroResult(rm), 0
	}
	lz := bits.LeadingZeros64(m) - 1
	return f.roundPack(na, ea-lz, m<<uint(lz), rm)
}

// mulSig returns the product of two unpacked significands as an unpacked
// exponent and sticky significand.
func mulSig(ea int, ma uint64, eb int, mb uint64) (int, uint64) {
	hi, lo := bits.Mul64(ma, mb) // in [2^124, 2^126)
	e := ea + eb
	m := hi<<2 | lo>>62 | b2u(lo<<2 != 0)
	if m>>63 != 0 {
		m = m>>1 | m&1
		e++
	}
	return e, m
}

// mul returns a*b rounded.
func (f *format) mul(a, b uint64, rm RoundingMode) (uint64, Flags) {
	if f.isNaN(a) || f.isNaN(b) {
		return f.nanResult(a, b, 0)
	}
	neg := f.neg(a) != f.neg(b)
	if f.isInf(a) || f.isInf(b) {
		if f.isZero(a) || f.isZero(b) {
			return f.canonNaN, NV
		}
		return f.signOf(neg) | f.infBits, 0
	}
	if f.isZero(a) || f.isZero(b) {
		return f.signOf(neg), 0
	}
	ea, ma := f.unpack(a)
	eb, mb := f.unpack(b)
	e, m := mulSig(ea, ma, eb, mb)
	return f.roundPack(neg, e, m, rm)
}

// div returns a/b rounded.
func (f *format) div(a, b uint64, rm RoundingMode) (uint64, Flags) {
	if f.isNaN(a) || f.isNaN(b) {
		return f.nanResult(a, b, 0)
	}
	neg := f.neg(a) != f.neg(b)
	if f.isInf(a) {
		if f.isInf(b) {
			return f.canonNaN, NV
		}
		return f.signOf(neg) | f.infBits, 0
	}
	if f.isInf(b) {
		return f.signOf(neg), 0
	}
	if f.isZero(b) {
		if f.isZero(a) {
			return f.canonNaN, NV
		}
		return f.signOf(neg) | f.infBits, DZ
	}
	if f.isZero(a) {
		return f.signOf(neg), 0
	}
	ea, ma := f.unpack(a)
	eb, mb := f.unpack(b)
	e := ea - eb
	var q, r uint64
	if ma < mb {
		q, r = bits.Div64(ma, 0, mb) // ma*2^64/mb in [2^63, 2^64)
		e--
	} else {
		q, r = bits.Div64(ma>>1, ma<<63, mb) // ma*2^63/mb in [2^63, 2^64)
	}
	return f.roundPack(neg, e, q>>1|q&1|b2u(r != 0), rm)
}

// sqrt returns the square root of a rounded.
func (f *format) sqrt(a uint64, rm RoundingMode) (uint64, Flags) {
	if f.isNaN(a) {
		return f.nanResult(a, 0, 0)
	}
	if f.isZero(a) {
		return a, 0
	}
	if f.neg(a) {
		return f.canonNaN, NV
	}
	if f.isInf(a) {
		return a, 0
	}
	e, m := f.unpack(a)
	// |a| = N * 2^(e-124) (e even) or N * 2^(e-125) (e odd) with N in
	// [2^124, 2^126), so sqrt(a) = sqrt(N) * 2^(floor(e/2)-62).
	var hi, lo uint64
	if e&1 == 0 {
		hi, lo = m>>2, m<<62
	} else {
		hi, lo = m>>1, m<<63
	}
	s, exact := isqrt128(hi, lo)
	return f.roundPack(false, e>>1, s|b2u(!exact), rm)
}

// isqrt128 returns floor(sqrt(N)) for N = hi*2^64+lo in [2^124, 2^126), and
// whether the root is exact.
func isqrt128(hi, lo uint64) (s uint64, exact bool) {
	// A float64 estimate good to about 50 bits, then one Newton step, which
	// leaves s within one of the true root; then correct exactly.
	s = uint64(math.Sqrt(float64(hi)*0x1p64 + float64(lo)))
	q, _ := bits.Div64(hi, lo, s) // hi < N/2^64 < sqrt(N)/2 < s
	s = (s + q) >> 1
	for {
		ph, pl := bits.Mul64(s, s)
		if ph < hi || ph == hi && pl <= lo {
			break
		}
		s--
	}
	for {
		ph, pl := bits.Mul64(s+1, s+1)
		if ph > hi || ph == hi && pl > lo {
			break
		}
		s++
	}
	ph, pl := bits.Mul64(s, s)
	return s, ph == hi && pl == lo
}

// shiftRightJam128 shifts hi:lo right by n with a sticky bit.
func shiftRightJam128(hi, lo uint64, n uint) (uint64, uint64) {
	switch {
	case n == 0:
		return hi, lo
	case n < 64:
		return hi >> n, hi<<(64-n) | lo>>n | b2u(lo<<(64-n) != 0)
	case n < 128:
		return 0, hi>>(n-64) | b2u(lo != 0 || hi<<(128-n) != 0)
	}
	return 0, b2u(hi|lo != 0)
}

// shiftLeft128 shifts hi:lo left by n < 128.
func shiftLeft128(hi, lo uint64, n uint) (uint64, uint64) {
	if n >= 64 {
		return lo << (n - 64), 0
	}
	if n == 0 {
		return hi, lo
	}
	return hi<<n | lo>>(64-n), lo << n
}

// mulAdd returns a*b+c with a single rounding.
func (f *format) mulAdd(a, b, c uint64, rm RoundingMode) (uint64, Flags) {
	infA, infB := f.isInf(a), f.isInf(b)
	zeroA, zeroB := f.isZero(a), f.isZero(b)
	if infA && zeroB || zeroA && infB {
		// Invalid even if c is a quiet NaN.
		return f.canonNaN, NV
	}
	if f.isNaN(a) || f.isNaN(b) || f.isNaN(c) {
		return f.nanResult(a, b, c)
	}
	np, nc := f.neg(a) != f.neg(b), f.neg(c)
	if infA || infB {
		if f.isInf(c) && nc != np {
			return f.canonNaN, NV
		}
		return f.signOf(np) | f.infBits, 0
	}
	if f.isInf(c) {
		return c, 0
	}
	if zeroA || zeroB { // the product is an exact zero
		if f.isZero(c) && nc != np {
			return f.zeroResult(rm), 0
		}
		return c, 0 // also right for a zero c of the product's sign
	}
	ea, ma := f.unpack(a)
	eb, mb := f.unpack(b)
	if f.isZero(c) {
		e, m := mulSig(ea, ma, eb, mb)
		return f.roundPack(np, e, m, rm)
	}
	ec, mc := f.unpack(c)

	// Both terms as 128-bit significands with the leading bit at bit 125;
	// ep and ec are the exponents of that bit.
	ph, pl := bits.Mul64(ma, mb) // in [2^124, 2^126)
	ep := ea + eb + 1
	if ph>>61 == 0 {
		ph, pl = ph<<1|pl>>63, pl<<1
		ep--
	}
	ch, cl := mc>>1, mc<<63

	// Make the product the term of larger magnitude.
	if ep < ec || ep == ec && (ph < ch || ph == ch && pl < cl) {
		ep, ec, ph, pl, ch, cl, np, nc = ec, ep, ch, cl, ph, pl, nc, np
	}
	ch, cl = shiftRightJam128(ch, cl, uint(ep-ec))
	var rh, rl uint64
	if np == nc {
		var carry uint64
		rl, carry = bits.Add64(pl, cl, 0)
		rh, _ = bits.Add64(ph, ch, carry)
	} else {
		var borrow uint64
		rl, borrow = bits.Sub64(pl, cl, 0)
		rh, _ = bits.Sub64(ph, ch, borrow)
		if rh|rl == 0 {
			return f.zeroResult(rm), 0
		}
	}
	// Normalize so that the leading bit is bit 126, i.e. bit 62 of rh.
	lz := bits.LeadingZeros64(rh)
	if rh == 0 {
		lz = 64 + bits.LeadingZeros64(rl)
	}
	rh, rl = shiftLeft128(rh, rl, uint(lz-1))
	return f.roundPack(np, ep+2-lz, rh|b2u(rl != 0), rm)
}

// convert rounds a value in format f to format g (used for binary64 to
// binary32; binary32 to binary64 is exact).
func (f *format) convert(g *format, a uint64, rm RoundingMode) (uint64, Flags) {
	if f.isNaN(a) {
		if f.isSNaN(a) {
			return g.canonNaN, NV
		}
		return g.canonNaN, 0
	}
	neg := f.neg(a)
	if f.isInf(a) {
		return g.signOf(neg) | g.infBits, 0
	}
	if f.isZero(a) {
		return g.signOf(neg), 0
	}
	e, m := f.unpack(a)
	return g.roundPack(neg, e, m, rm)
}

// toInt converts a to an integer of the given width (32 or 64) and
// signedness, rounding in mode rm and saturating on overflow. It returns the
// two's complement bit pattern.
func (f *format) toInt(a uint64, rm RoundingMode, signed bool, width uint) (uint64, Flags) {
	maxPos := ^uint64(0) >> (64 - width) // largest value
	var minNeg uint64                    // magnitude of the most negative value
	if signed {
		maxPos >>= 1
		minNeg = maxPos + 1
	}
	neg := f.neg(a)
	switch {
	case f.isNaN(a):
		return maxPos, NV
	case f.isInf(a):
		if neg {
			return -minNeg, NV
		}
		return maxPos, NV
	case f.isZero(a):
		return 0, 0
	}
	e, m := f.unpack(a)
	if e > 63 { // |a| >= 2^64
		if neg {
			return -minNeg, NV
		}
		return maxPos, NV
	}
	var mag uint64
	inexact := false
	switch {
	case e >= 62:
		mag = m << uint(e-62)
	default:
		shift := uint(62 - e)
		if shift > 63 {
			m = shiftRightJam(m, shift-63) // below one half, non-zero
			shift = 63
		}
		mag, inexact = roundSig(m, shift, neg, rm)
	}
	if neg {
		if mag > minNeg {
			return -minNeg, NV
		}
		mag = -mag
	} else if mag > maxPos {
		return maxPos, NV
	}
	if inexact {
		return mag, NX
	}
	return mag, 0
}

// fromInt rounds the integer (-1)^neg * mag to format f.
func (f *format) fromInt(neg bool, mag uint64, rm RoundingMode) (uint64, Flags) {
	if mag == 0 {
		return 0, 0
	}
	lz := bits.LeadingZeros64(mag)
	var m uint64
	if lz == 0 {
		m = mag>>1 | mag&1
	} else {
		m = mag << uint(lz-1)
	}
	return f.roundPack(neg, 63-lz, m, rm)
}

// class implements fclass.
func (f *format) class(a uint64) uint64 {
	neg := f.neg(a)
	m := a &^ f.signBit
	var bit uint
	switch {
	case m == f.infBits:
		bit = 7
	case m > f.infBits:
		if m&f.qnanBit != 0 {
			return 1 << 9
		}
		return 1 << 8
	case m == 0:
		bit = 4
	case m>>f.fracBits == 0:
		bit = 5
	default:
		bit = 6
	}
	if neg {
		bit = 7 - bit
	}
	return 1 << bit
}

// minMaxNaN is fmin/fmax when at least one operand is a NaN.
func (f *format) minMaxNaN(a, b uint64) (uint64, Flags) {
	var fl Flags
	if f.isSNaN(a) || f.isSNaN(b) {
		fl = NV
	}
	switch {
	case !f.isNaN(a):
		return a, fl
	case !f.isNaN(b):
		return b, fl
	}
	return f.canonNaN, fl
}

// cmpNaN is the flag result of a comparison involving a NaN: quiet
// comparisons signal only for signaling NaNs.
func (f *format) cmpNaN(a, b uint64, quiet bool) Flags {
	if !quiet || f.isSNaN(a) || f.isSNaN(b) {
		return NV
	}
	return 0
}
