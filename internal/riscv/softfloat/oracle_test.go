package softfloat

import (
	"math/big"
	"testing"
)

// An independent reference: the exact result of each operation computed
// with math/big, rounded to the destination format by big.Float (normal
// range) or by explicit fixed-point rounding (subnormal range), with the
// flags derived from their IEEE definitions. It covers all five rounding
// modes, including RMM, which x86 lacks. Only finite non-zero operands are
// fed to it; special operands are covered by the hardware and table tests.

var bigModes = [...]big.RoundingMode{
	RNE: big.ToNearestEven,
	RTZ: big.ToZero,
	RDN: big.ToNegativeInf,
	RUP: big.ToPositiveInf,
	RMM: big.ToNearestAway,
}

// toBig returns the exact value of the finite value x of format f.
func toBig(f *format, x uint64) *big.Float {
	e := int(x>>f.fracBits) & f.expMax
	m := x & f.fracMask
	if e == 0 {
		e = 1
	} else {
		m |= 1 << f.fracBits
	}
	z := new(big.Float).SetUint64(m)
	z.SetMantExp(z, e-f.bias-int(f.fracBits))
	if f.neg(x) {
		z.Neg(z)
	}
	return z
}

func finite(f *format, x uint64) bool { return x&^f.signBit < f.infBits }

// bigInt returns the exact value of an integer operand.
func bigInt(signed bool, width uint, a uint64) *big.Float {
	neg, mag := softMagnitude(signed, width, a)
	z := new(big.Float).SetUint64(mag)
	if neg {
		z.Neg(z)
	}
	return z
}

// splitFrac returns floor(|x| * 2^s) and how the remaining fraction compares
// with one half (-1, 0, +1; -2 if it is zero).
func splitFrac(x *big.Float, s int) (*big.Int, int) {
	y := new(big.Float).SetPrec(x.Prec()+64).SetMantExp(x, s)
	y.Abs(y)
	t, _ := y.Int(nil)
	fr := new(big.Float).SetPrec(y.Prec()+64).Sub(y, new(big.Float).SetInt(t))
	if fr.Sign() == 0 {
		return t, -2
	}
	return t, fr.Cmp(big.NewFloat(0.5))
}

// roundUp decides whether a magnitude with discarded fraction comparing
// with one half as cmp (see splitFrac) rounds up in magnitude.
func roundUp(cmp int, odd, neg bool, rm RoundingMode) bool {
	if cmp == -2 {
		return false
	}
	switch rm {
	case RNE:
		return cmp > 0 || cmp == 0 && odd
	case RMM:
		return cmp >= 0
	case RDN:
		return neg
	case RUP:
		return !neg
	}
	return false
}

// oracleRound rounds x (exact, or for irrational results an approximation
// much closer than any rounding boundary) to format f. tie reports an
// exact halfway case.
func oracleRound(f *format, x *big.Float, rm RoundingMode) (r uint64, fl Flags, tie bool) {
	neg := x.Signbit()
	if x.Sign() == 0 {
		return f.zeroResult(rm), 0, false // exact cancellation
	}
	emin, emax := 1-f.bias, f.bias
	fb := int(f.fracBits)
	xe := x.MantExp(nil) - 1 // exponent of the leading bit
	// Rounded to the full precision with an unbounded exponent.
	u := new(big.Float).SetMode(bigModes[rm]).SetPrec(uint(fb + 1)).Set(x)
	ue := u.MantExp(nil) - 1
	_, cmp := splitFrac(x, fb-max(xe, emin))
	tie = cmp == 0
	if ue > emax {
		return f.overflow(neg, rm), OF | NX, tie
	}
	if xe >= emin {
		m := new(big.Float).SetMantExp(u, fb-ue)
		m.Abs(m)
		mv, _ := m.Uint64()
		r = f.signOf(neg) | uint64(ue+f.bias)<<f.fracBits | mv&f.fracMask
		if u.Acc() != big.Exact {
			fl = NX
		}
		return r, fl, tie
	}
	// Subnormal range: round on the fixed grid of 2^(emin-fb).
	t, cmp := splitFrac(x, fb-emin)
	n := t.Uint64()
	if roundUp(cmp, n&1 != 0, neg, rm) {
		n++
	}
	if cmp != -2 {
		fl = NX
		if ue < emin {
			fl |= UF
		}
	}
	return f.signOf(neg) | n, fl, tie
}

// oracleInt rounds x to an integer of the given kind, saturating.
func oracleInt(x *big.Float, rm RoundingMode, signed bool, width uint) (uint64, Flags) {
	neg := x.Signbit()
	t, cmp := splitFrac(x, 0)
	if roundUp(cmp, t.Bit(0) != 0, neg, rm) {
		t.Add(t, big.NewInt(1))
	}
	if neg {
		t.Neg(t)
	}
	lo, hi := new(big.Int), new(big.Int).Lsh(big.NewInt(1), width)
	if signed {
		lo.Lsh(big.NewInt(-1), width-1)
		hi.Lsh(big.NewInt(1), width-1)
	}
	hi.Sub(hi, big.NewInt(1))
	switch {
	case t.Cmp(lo) < 0:
		return uint64(lo.Int64()), NV
	case t.Cmp(hi) > 0:
		return hi.Uint64(), NV
	}
	var fl Flags
	if cmp != -2 {
		fl = NX
	}
	if t.Sign() < 0 {
		return uint64(t.Int64()), fl
	}
	return t.Uint64(), fl
}

// exact returns the exact result of o (for sqrt and division a close
// approximation), or nil if the operands are not all finite and non-zero
// (or the square root operand is negative).
func exact(o *op, a, b, c uint64) *big.Float {
	f := o.in
	ok := func(xs ...uint64) bool {
		for _, x := range xs {
			if !finite(f, x) || f.isZero(x) {
				return false
			}
		}
		return true
	}
	const wide = 4400 // enough for any exact sum of binary64 values and products
	switch o.kind {
	case kAdd, kSub:
		if !ok(a, b) {
			return nil
		}
		y := toBig(f, b)
		if o.kind == kSub {
			y.Neg(y)
		}
		return new(big.Float).SetPrec(wide).Add(toBig(f, a), y)
	case kMul:
		if !ok(a, b) {
			return nil
		}
		return new(big.Float).SetPrec(128).Mul(toBig(f, a), toBig(f, b))
	case kDiv:
		if !ok(a, b) {
			return nil
		}
		return new(big.Float).SetPrec(300).Quo(toBig(f, a), toBig(f, b))
	case kSqrt:
		if !ok(a) || f.neg(a) {
			return nil
		}
		return new(big.Float).SetPrec(300).Sqrt(toBig(f, a))
	case kFMA:
		if !ok(a, b, c) {
			return nil
		}
		p := new(big.Float).SetPrec(128).Mul(toBig(f, a), toBig(f, b))
		return new(big.Float).SetPrec(wide).Add(p, toBig(f, c))
	case kF2F, kF2I:
		if !ok(a) {
			return nil
		}
		return toBig(f, a)
	case kI2F:
		return bigInt(o.signed, o.width, a)
	}
	return nil
}

var allModes = [...]RoundingMode{RNE, RTZ, RDN, RUP, RMM}

func TestOracle(t *testing.T) {
	t.Parallel()
	for _, o := range ops {
		t.Run(o.name, func(t *testing.T) {
			t.Parallel()
			iters := n(25_000, 2_000)
			g := genFor(o, "oracle")
			bad, checked, ties := 0, 0, 0
			for range iters {
				a, b, c := o.args(g)
				x := exact(o, a, b, c)
				if x == nil {
					continue
				}
				checked++
				var res [5]uint64
				var resFl [5]Flags
				var tie bool
				for _, rm := range allModes {
					var want uint64
					var wfl Flags
					if o.kind == kF2I {
						want, wfl = oracleInt(x, rm, o.signed, o.width)
						_, cmp := splitFrac(x, 0)
						tie = cmp == 0
					} else if x.Sign() == 0 && o.kind == kI2F {
						want, wfl, tie = 0, 0, false // an integer zero is +0
					} else {
						want, wfl, tie = oracleRound(o.out, x, rm)
					}
					want = o.mask(want)
					r1, f1 := o.soft(a, b, c, rm)
					r2, f2 := o.api(a, b, c, rm)
					r1, r2 = o.mask(r1), o.mask(r2)
					res[rm], resFl[rm] = r1, f1
					if r1 != want || f1 != wfl || r2 != want || f2 != wfl {
						t.Errorf("%s(%s, %v): soft core %#x %05b, exported %#x %05b, oracle %#x %05b",
							o.name, fmtArgs(o, a, b, c), rm, r1, f1, r2, f2, want, wfl)
						if bad++; bad > 10 {
							t.FailNow()
						}
					}
				}
				// RMM differs from RNE exactly on ties where RNE rounds
				// toward zero, and then it is RTZ's result moved one unit
				// away from zero.
				if tie {
					ties++
				}
				if res[RMM] != res[RNE] && !tie {
					t.Errorf("%s(%s): RMM %#x != RNE %#x but not a tie", o.name, fmtArgs(o, a, b, c), res[RMM], res[RNE])
				}
				if tie && res[RMM] == res[RTZ] && resFl[RMM]&NV == 0 {
					t.Errorf("%s(%s): RMM %#x rounds a tie toward zero", o.name, fmtArgs(o, a, b, c), res[RMM])
				}
			}
			if checked < iters/8 {
				t.Errorf("only %d of %d cases checked", checked, iters)
			}
			if testing.Verbose() {
				t.Logf("%d cases, %d ties", checked, ties)
			}
		})
	}
}
