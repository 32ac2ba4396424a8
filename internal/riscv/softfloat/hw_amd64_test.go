package softfloat

import (
	"testing"

	"sos/internal/riscv/softfloat/internal/x86fp"
)

// The soft core and the exported functions against x86-64 SSE and FMA3
// hardware, in the four rounding modes SSE has. SSE (with DAZ and FTZ off,
// as Go leaves them) implements IEEE 754 binary32/binary64 with tininess
// detected after rounding, like RISC-V; the differences are that x86
// propagates NaN payloads (so any NaN result is compared as the canonical
// NaN), signals invalid differently for out-of-range conversions (which
// return the "integer indefinite" value instead of saturating), and does
// not signal invalid for 0*inf+qNaN in FMA, which RISC-V requires.

var hwModes = [...]struct {
	rm   RoundingMode
	mode uint64
}{{RNE, x86fp.RN}, {RDN, x86fp.RD}, {RUP, x86fp.RU}, {RTZ, x86fp.RZ}}

func hwFlags(fl uint64) Flags {
	var r Flags
	if fl&x86fp.PE != 0 {
		r |= NX
	}
	if fl&x86fp.UE != 0 {
		r |= UF
	}
	if fl&x86fp.OE != 0 {
		r |= OF
	}
	if fl&x86fp.ZE != 0 {
		r |= DZ
	}
	if fl&x86fp.IE != 0 {
		r |= NV
	}
	return r
}

var hwArith = map[string]uint64{
	"F64Add": x86fp.AddSD, "F64Sub": x86fp.SubSD, "F64Mul": x86fp.MulSD,
	"F64Div": x86fp.DivSD, "F64Sqrt": x86fp.SqrtSD, "F64MulAdd": x86fp.FMASD,
	"F32Add": x86fp.AddSS, "F32Sub": x86fp.SubSS, "F32Mul": x86fp.MulSS,
	"F32Div": x86fp.DivSS, "F32Sqrt": x86fp.SqrtSS, "F32MulAdd": x86fp.FMASS,
	"F64ToF32": x86fp.CvtSD2SS, "F32ToF64": x86fp.CvtSS2SD,
	// Integer to float: the 32-bit sources are extended to 64 bits, which
	// the 64-bit conversion handles identically.
	"I64ToF64": x86fp.CvtSQ2SD, "I32ToF64": x86fp.CvtSQ2SD, "U32ToF64": x86fp.CvtSQ2SD,
	"I64ToF32": x86fp.CvtSQ2SS, "I32ToF32": x86fp.CvtSL2SS, "U32ToF32": x86fp.CvtSQ2SS,
}

// hwExpect returns what RISC-V requires for o(a, b, c) in hardware mode
// mode, derived from the hardware result, or ok == false if the hardware
// result does not determine it.
func hwExpect(o *op, a, b, c uint64, mode uint64) (r uint64, fl Flags, ok bool) {
	if hwop, found := hwArith[o.name]; found {
		r, hfl := x86fp.Op(hwop, a, b, c, mode)
		r, fl = o.mask(r), hwFlags(hfl)
		if o.out.isNaN(r) {
			r = o.out.canonNaN
		}
		if o.kind == kFMA {
			f := o.in
			if (f.isZero(a) && f.isInf(b) || f.isInf(a) && f.isZero(b)) && f.isNaN(c) {
				fl |= NV // RISC-V signals 0*inf even with a quiet NaN addend
			}
		}
		return r, fl, true
	}
	if o.kind != kF2I {
		return 0, 0, false
	}
	// Float to integer: convert to int64 (or int32 for the signed 32-bit
	// conversions) and derive the saturating RISC-V result.
	hwop := map[*format]uint64{&fmt64: x86fp.CvtSD2SQ, &fmt32: x86fp.CvtSS2SQ}[o.in]
	if o.signed && o.width == 32 {
		hwop = map[*format]uint64{&fmt64: x86fp.CvtSD2SL, &fmt32: x86fp.CvtSS2SL}[o.in]
	}
	v, hfl := x86fp.Op(hwop, a, 0, 0, mode)
	fl = hwFlags(hfl)
	if fl&NV != 0 {
		// NaN or out of the range of the hardware conversion.
		neg := o.in.neg(a) && !o.in.isNaN(a)
		if !o.signed && !neg {
			return 0, 0, false // may be in range of the unsigned type
		}
		if neg {
			r, _ := o.in.toInt(o.in.infBits|o.in.signBit, RNE, o.signed, o.width) // the minimum
			return o.mask(r), NV, true
		}
		r, _ := o.in.toInt(o.in.infBits, RNE, o.signed, o.width)
		return o.mask(r), NV, true
	}
	if o.width == 32 {
		if o.signed {
			return uint64(uint32(v)), fl, true
		}
		if int64(v) < 0 || v > 1<<32-1 {
			if int64(v) < 0 {
				return 0, NV, true
			}
			return 1<<32 - 1, NV, true
		}
		return v, fl, true
	}
	if !o.signed && int64(v) < 0 {
		return 0, NV, true
	}
	return v, fl, true
}

func TestHardware(t *testing.T) {
	if !x86fp.HasFMA() {
		t.Skip("no FMA3 support")
	}
	t.Parallel()
	for _, o := range ops {
		if _, ok := hwArith[o.name]; !ok && o.kind != kF2I {
			continue
		}
		t.Run(o.name, func(t *testing.T) {
			t.Parallel()
			iters := n(600_000, 30_000)
			if o.kind >= kF2F {
				iters /= 2
			}
			g := genFor(o, "hw")
			bad, checked := 0, 0
			for range iters {
				a, b, c := o.args(g)
				m := hwModes[g.intn(len(hwModes))]
				want, wfl, ok := hwExpect(o, a, b, c, m.mode)
				if !ok {
					continue
				}
				checked++
				r1, f1 := o.soft(a, b, c, m.rm)
				r2, f2 := o.api(a, b, c, m.rm)
				r1, r2 = o.mask(r1), o.mask(r2)
				if r1 != want || f1 != wfl || r2 != want || f2 != wfl {
					t.Errorf("%s(%s, %v): soft core %#x %05b, exported %#x %05b, hardware %#x %05b",
						o.name, fmtArgs(o, a, b, c), m.rm, r1, f1, r2, f2, want, wfl)
					if bad++; bad > 10 {
						t.FailNow()
					}
				}
			}
			if checked < iters/2 {
				t.Errorf("only %d of %d cases checked", checked, iters)
			}
		})
	}
}

// TestHardwareTininess checks, on hand-computed cases, the assumption that
// SSE detects tininess after rounding (as RISC-V does), and that the soft
// core agrees.
func TestHardwareTininess(t *testing.T) {
	// (1+2^-27) * (1-2^-27)*2^-1022 = (1-2^-54)*2^-1022 exactly: a
	// midpoint between the largest subnormal-range value of precision 53
	// and 2^-1022. Rounded to nearest or up it becomes 2^-1022 with an
	// unbounded exponent, so it is not tiny after rounding (it would be
	// before rounding): NX only. Rounded down or toward zero it is tiny:
	// UF and NX, and the result is the largest subnormal.
	a := uint64(0x3ff0000000000000 | 1<<25) // 1+2^-27
	b := uint64(1<<52 - 1<<25)              // (1-2^-27)*2^-1022, subnormal
	cases := []struct {
		rm   RoundingMode
		want uint64
		fl   Flags
	}{
		{RNE, 0x0010000000000000, NX},
		{RUP, 0x0010000000000000, NX},
		{RDN, 0x000fffffffffffff, NX | UF},
		{RTZ, 0x000fffffffffffff, NX | UF},
		{RMM, 0x0010000000000000, NX},
	}
	for _, tc := range cases {
		r, fl := fmt64.mul(a, b, tc.rm)
		if r != tc.want || fl != tc.fl {
			t.Errorf("soft mul %v: %#x %05b, want %#x %05b", tc.rm, r, fl, tc.want, tc.fl)
		}
		if r, fl = F64Mul(a, b, tc.rm); r != tc.want || fl != tc.fl {
			t.Errorf("F64Mul %v: %#x %05b, want %#x %05b", tc.rm, r, fl, tc.want, tc.fl)
		}
		for _, m := range hwModes {
			if m.rm == tc.rm {
				r, hfl := x86fp.Op(x86fp.MulSD, a, b, 0, m.mode)
				if r != tc.want || hwFlags(hfl) != tc.fl {
					t.Errorf("hardware mul %v: %#x %05b, want %#x %05b", tc.rm, r, hwFlags(hfl), tc.want, tc.fl)
				}
			}
		}
	}
}
