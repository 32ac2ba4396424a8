package softfloat

import (
	"fmt"
	"hash/fnv"
	"testing"
)

// genFor returns a generator for the operands of o, seeded by its name and
// a salt.
func genFor(o *op, salt string) *gen {
	h := fnv.New64a()
	h.Write([]byte(o.name + "/" + salt))
	f := o.in
	if f == nil {
		f = &fmt64
	}
	return newGen(h.Sum64(), f)
}

func fmtArgs(o *op, a, b, c uint64) string {
	w := 16
	if o.in == &fmt32 || o.in == nil && o.width == 32 {
		w = 8
	}
	switch o.kind {
	case kAdd, kSub, kMul, kDiv:
		return fmt.Sprintf("%0*x, %0*x", w, a, w, b)
	case kFMA:
		return fmt.Sprintf("%0*x, %0*x, %0*x", w, a, w, b, w, c)
	}
	return fmt.Sprintf("%0*x", w, a)
}

// TestFastVsSoft checks the exported functions, with their fast paths,
// against the soft core. Mostly RNE, where the fast paths apply; the
// conversions have fast paths in every mode.
func TestFastVsSoft(t *testing.T) {
	t.Parallel()
	for _, o := range ops {
		t.Run(o.name, func(t *testing.T) {
			t.Parallel()
			iters := n(1_200_000, 60_000)
			if o.kind >= kF2F {
				iters /= 2
			}
			g := genFor(o, "fast")
			bad := 0
			for range iters {
				a, b, c := o.args(g)
				rm := RNE
				if o.kind >= kF2I || g.intn(8) == 0 {
					rm = g.rm()
				}
				r1, f1 := o.api(a, b, c, rm)
				r2, f2 := o.soft(a, b, c, rm)
				r1, r2 = o.mask(r1), o.mask(r2)
				if r1 != r2 || f1 != f2 {
					t.Errorf("%s(%s, %v) = %#x %05b, soft core %#x %05b", o.name, fmtArgs(o, a, b, c), rm, r1, f1, r2, f2)
					if bad++; bad > 10 {
						t.FailNow()
					}
				}
			}
		})
	}
}

// boundaryArgs returns operands whose exponents put the operation near the
// limits of its fast path (see the comments in softfloat.go): binary64
// products near 2^-969 and 2^1021, dividends near 2^-959, quotients near
// 2^-1021, sums near 2^1022, and binary32 results near the bottom and top
// of the normal range.
func boundaryArgs(o *op, g *gen) (a, b, c uint64) {
	f := o.in
	bias := f.bias
	var lo, hi int // biased exponent fields of the thresholds
	if f == &fmt64 {
		lo, hi = 54, 0x7fc
	} else {
		lo, hi = 2, 0xfe
	}
	near := func(e int) int { return e + g.intn(9) - 4 }
	rnd := func() int { return 1 + g.intn(f.expMax-1) }
	mk := func(e int) uint64 { return g.make(g.sign(), e, g.frac()) }
	target := lo
	if g.intn(2) == 0 {
		target = hi
	}
	switch o.kind {
	case kAdd, kSub:
		a, b = mk(near(hi)), mk(near(hi))
		if g.intn(2) == 0 {
			b = mk(rnd())
		}
	case kMul:
		ea := rnd()
		a, b = mk(ea), mk(near(target+bias-ea))
	case kDiv:
		if f == &fmt64 && g.intn(2) == 0 {
			a, b = mk(near(64)), mk(rnd())
		} else {
			eb := rnd()
			a, b = mk(near(target-bias+eb)), mk(eb)
		}
	case kSqrt:
		a = mk(near(64)) &^ f.signBit
		if g.intn(2) == 0 {
			a = mk(rnd()) &^ f.signBit
		}
	case kFMA:
		ea := rnd()
		a, b = mk(ea), mk(near(target+bias-ea))
		p, _ := f.mul(a, b, RNE)
		switch g.intn(4) {
		case 0:
			c = mk(near(hi))
		case 1:
			c = g.nudge(p ^ f.signBit)
		case 2:
			c = mk(near(g.exp(p)))
		default:
			c = mk(rnd())
		}
	default:
		return o.args(g)
	}
	return a, b, c
}

func TestFastPathBoundaries(t *testing.T) {
	t.Parallel()
	for _, o := range ops {
		if o.kind > kFMA {
			continue
		}
		t.Run(o.name, func(t *testing.T) {
			t.Parallel()
			g := genFor(o, "boundary")
			bad := 0
			for range n(500_000, 20_000) {
				a, b, c := boundaryArgs(o, g)
				r1, f1 := o.api(a, b, c, RNE)
				r2, f2 := o.soft(a, b, c, RNE)
				if o.mask(r1) != o.mask(r2) || f1 != f2 {
					t.Errorf("%s(%s) = %#x %05b, soft core %#x %05b", o.name, fmtArgs(o, a, b, c), r1, f1, r2, f2)
					if bad++; bad > 10 {
						t.FailNow()
					}
				}
			}
		})
	}
}
