package softfloat

import "testing"

// Fuzz targets comparing the exported functions (fast paths) with the soft
// core. Run one with, e.g., go test -fuzz=FuzzF64MulAdd.

func opNamed(name string) *op {
	for _, o := range ops {
		if o.name == name {
			return o
		}
	}
	panic("no op " + name)
}

func fuzzOp(f *testing.F, name string) {
	o := opNamed(name)
	g := genFor(o, "fuzz")
	for range 64 {
		a, b, c := o.args(g)
		f.Add(a, b, c, uint8(g.intn(5)))
	}
	f.Fuzz(func(t *testing.T, a, b, c uint64, rm uint8) {
		if o.in != nil {
			m := o.in.signBit<<1 - 1
			a, b, c = a&m, b&m, c&m
		}
		mode := RoundingMode(rm % 5)
		r1, f1 := o.api(a, b, c, mode)
		r2, f2 := o.soft(a, b, c, mode)
		if o.mask(r1) != o.mask(r2) || f1 != f2 {
			t.Errorf("%s(%s, %v) = %#x %05b, soft core %#x %05b", o.name, fmtArgs(o, a, b, c), mode, r1, f1, r2, f2)
		}
	})
}

func FuzzF64Add(f *testing.F)    { fuzzOp(f, "F64Add") }
func FuzzF64Mul(f *testing.F)    { fuzzOp(f, "F64Mul") }
func FuzzF64Div(f *testing.F)    { fuzzOp(f, "F64Div") }
func FuzzF64Sqrt(f *testing.F)   { fuzzOp(f, "F64Sqrt") }
func FuzzF64MulAdd(f *testing.F) { fuzzOp(f, "F64MulAdd") }
func FuzzF32Add(f *testing.F)    { fuzzOp(f, "F32Add") }
func FuzzF32Mul(f *testing.F)    { fuzzOp(f, "F32Mul") }
func FuzzF32Div(f *testing.F)    { fuzzOp(f, "F32Div") }
func FuzzF32MulAdd(f *testing.F) { fuzzOp(f, "F32MulAdd") }
func FuzzF64ToF32(f *testing.F)  { fuzzOp(f, "F64ToF32") }
func FuzzF64ToI64(f *testing.F)  { fuzzOp(f, "F64ToI64") }
func FuzzF64ToU32(f *testing.F)  { fuzzOp(f, "F64ToU32") }
