package softfloat

import "testing"

// TestNoAllocs checks that no exported function allocates, on the fast and
// the slow paths.
func TestNoAllocs(t *testing.T) {
	var r uint64
	var fl Flags
	vals := []uint64{0x3ff8000000000000, 0x0000000000000003, 0x7ff0000000000001, 0xc3e0000000000001}
	for _, o := range ops {
		for _, a := range vals {
			for _, rm := range []RoundingMode{RNE, RUP} {
				allocs := testing.AllocsPerRun(10, func() {
					x, f := o.api(a, a>>1, a, rm)
					r += x
					fl |= f
				})
				if allocs != 0 {
					t.Errorf("%s allocates %v times", o.name, allocs)
				}
			}
		}
	}
	allocs := testing.AllocsPerRun(10, func() {
		a, b := vals[0], vals[2]
		x, f := F64Min(a, b)
		y, g := F32Max(uint32(a), uint32(b))
		e, h := F64Eq(a, b)
		l, i := F32Lt(uint32(a), uint32(b))
		r += x + uint64(y) + F64Class(a) + F32Class(uint32(b)) + b2u(e) + b2u(l)
		fl |= f | g | h | i
	})
	if allocs != 0 {
		t.Errorf("comparisons allocate %v times", allocs)
	}
	sink64, sinkFl = r, fl
}
