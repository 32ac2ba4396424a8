package softfloat

// A table of every rounding operation, giving for each the exported
// function and the soft core behind it in a uniform shape, so that the
// fast-path, hardware and oracle tests can all iterate over it.

type opKind int

const (
	kAdd opKind = iota
	kSub
	kMul
	kDiv
	kSqrt
	kFMA
	kF2F // float to float
	kF2I // float to integer
	kI2F // integer to float
)

type op struct {
	name   string
	kind   opKind
	in     *format // operand format; nil for integer operands
	out    *format // result format; nil for integer results
	signed bool    // for an integer operand or result
	width  uint    // its width
	api    func(a, b, c uint64, rm RoundingMode) (uint64, Flags)
	soft   func(a, b, c uint64, rm RoundingMode) (uint64, Flags)
}

// args returns operands for o.
func (o *op) args(g *gen) (a, b, c uint64) {
	switch o.kind {
	case kAdd, kSub, kMul, kDiv:
		a, b = g.pair()
	case kSqrt:
		a = g.sqrtArg()
	case kFMA:
		a, b, c = g.triple()
	case kF2F:
		a = g.value()
		if g.intn(3) == 0 {
			// Near the binary32 limits.
			e := [...]int{-126, -127, -149, -150, -151, 127, 128}[g.intn(7)]
			a = g.nudge(g.make(g.sign(), 1023+e, g.frac()))
		}
	case kF2I:
		a = g.cvtArg()
	case kI2F:
		a = g.intArg()
		if o.width == 32 {
			if o.signed {
				a = uint64(int64(int32(a)))
			} else {
				a = uint64(uint32(a))
			}
		}
	}
	return a, b, c
}

// mask reduces a result to its significant bits.
func (o *op) mask(r uint64) uint64 {
	if o.out == &fmt32 || o.out == nil && o.width == 32 {
		return uint64(uint32(r))
	}
	return r
}

func f32op2(fn func(a, b uint32, rm RoundingMode) (uint32, Flags)) func(a, b, c uint64, rm RoundingMode) (uint64, Flags) {
	return func(a, b, c uint64, rm RoundingMode) (uint64, Flags) {
		r, fl := fn(uint32(a), uint32(b), rm)
		return uint64(r), fl
	}
}

func softMagnitude(signed bool, width uint, a uint64) (bool, uint64) {
	if !signed {
		if width == 32 {
			return false, uint64(uint32(a))
		}
		return false, a
	}
	v := int64(a)
	if width == 32 {
		v = int64(int32(a))
	}
	if v < 0 {
		return true, -uint64(v)
	}
	return false, uint64(v)
}

var ops = []*op{
	{name: "F64Add", kind: kAdd, in: &fmt64, out: &fmt64,
		api:  func(a, b, c uint64, rm RoundingMode) (uint64, Flags) { return F64Add(a, b, rm) },
		soft: func(a, b, c uint64, rm RoundingMode) (uint64, Flags) { return fmt64.add(a, b, rm) }},
	{name: "F64Sub", kind: kSub, in: &fmt64, out: &fmt64,
		api: func(a, b, c uint64, rm RoundingMode) (uint64, Flags) { return F64Sub(a, b, rm) },
		soft: func(a, b, c uint64, rm RoundingMode) (uint64, Flags) {
			return fmt64.add(a, b^fmt64.signBit, rm)
		}},
	{name: "F64Mul", kind: kMul, in: &fmt64, out: &fmt64,
		api:  func(a, b, c uint64, rm RoundingMode) (uint64, Flags) { return F64Mul(a, b, rm) },
		soft: func(a, b, c uint64, rm RoundingMode) (uint64, Flags) { return fmt64.mul(a, b, rm) }},
	{name: "F64Div", kind: kDiv, in: &fmt64, out: &fmt64,
		api:  func(a, b, c uint64, rm RoundingMode) (uint64, Flags) { return F64Div(a, b, rm) },
		soft: func(a, b, c uint64, rm RoundingMode) (uint64, Flags) { return fmt64.div(a, b, rm) }},
	{name: "F64Sqrt", kind: kSqrt, in: &fmt64, out: &fmt64,
		api:  func(a, b, c uint64, rm RoundingMode) (uint64, Flags) { return F64Sqrt(a, rm) },
		soft: func(a, b, c uint64, rm RoundingMode) (uint64, Flags) { return fmt64.sqrt(a, rm) }},
	{name: "F64MulAdd", kind: kFMA, in: &fmt64, out: &fmt64,
		api:  func(a, b, c uint64, rm RoundingMode) (uint64, Flags) { return F64MulAdd(a, b, c, rm) },
		soft: func(a, b, c uint64, rm RoundingMode) (uint64, Flags) { return fmt64.mulAdd(a, b, c, rm) }},

	{name: "F32Add", kind: kAdd, in: &fmt32, out: &fmt32,
		api:  f32op2(F32Add),
		soft: func(a, b, c uint64, rm RoundingMode) (uint64, Flags) { return fmt32.add(a, b, rm) }},
	{name: "F32Sub", kind: kSub, in: &fmt32, out: &fmt32,
		api: f32op2(F32Sub),
		soft: func(a, b, c uint64, rm RoundingMode) (uint64, Flags) {
			return fmt32.add(a, b^fmt32.signBit, rm)
		}},
	{name: "F32Mul", kind: kMul, in: &fmt32, out: &fmt32,
		api:  f32op2(F32Mul),
		soft: func(a, b, c uint64, rm RoundingMode) (uint64, Flags) { return fmt32.mul(a, b, rm) }},
	{name: "F32Div", kind: kDiv, in: &fmt32, out: &fmt32,
		api:  f32op2(F32Div),
		soft: func(a, b, c uint64, rm RoundingMode) (uint64, Flags) { return fmt32.div(a, b, rm) }},
	{name: "F32Sqrt", kind: kSqrt, in: &fmt32, out: &fmt32,
		api: func(a, b, c uint64, rm RoundingMode) (uint64, Flags) {
			r, fl := F32Sqrt(uint32(a), rm)
			return uint64(r), fl
		},
		soft: func(a, b, c uint64, rm RoundingMode) (uint64, Flags) { return fmt32.sqrt(a, rm) }},
	{name: "F32MulAdd", kind: kFMA, in: &fmt32, out: &fmt32,
		api: func(a, b, c uint64, rm RoundingMode) (uint64, Flags) {
			r, fl := F32MulAdd(uint32(a), uint32(b), uint32(c), rm)
			return uint64(r), fl
		},
		soft: func(a, b, c uint64, rm RoundingMode) (uint64, Flags) { return fmt32.mulAdd(a, b, c, rm) }},

	{name: "F64ToF32", kind: kF2F, in: &fmt64, out: &fmt32,
		api: func(a, b, c uint64, rm RoundingMode) (uint64, Flags) {
			r, fl := F64ToF32(a, rm)
			return uint64(r), fl
		},
		soft: func(a, b, c uint64, rm RoundingMode) (uint64, Flags) { return fmt64.convert(&fmt32, a, rm) }},
	{name: "F32ToF64", kind: kF2F, in: &fmt32, out: &fmt64,
		api:  func(a, b, c uint64, rm RoundingMode) (uint64, Flags) { return F32ToF64(uint32(a)) },
		soft: func(a, b, c uint64, rm RoundingMode) (uint64, Flags) { return fmt32.convert(&fmt64, a, rm) }},

	f2i("F64ToI32", &fmt64, true, 32, func(a uint64, rm RoundingMode) (uint64, Flags) {
		r, fl := F64ToI32(a, rm)
		return uint64(uint32(r)), fl
	}),
	f2i("F64ToU32", &fmt64, false, 32, func(a uint64, rm RoundingMode) (uint64, Flags) {
		r, fl := F64ToU32(a, rm)
		return uint64(r), fl
	}),
	f2i("F64ToI64", &fmt64, true, 64, func(a uint64, rm RoundingMode) (uint64, Flags) {
		r, fl := F64ToI64(a, rm)
		return uint64(r), fl
	}),
	f2i("F64ToU64", &fmt64, false, 64, func(a uint64, rm RoundingMode) (uint64, Flags) {
		return F64ToU64(a, rm)
	}),
	f2i("F32ToI32", &fmt32, true, 32, func(a uint64, rm RoundingMode) (uint64, Flags) {
		r, fl := F32ToI32(uint32(a), rm)
		return uint64(uint32(r)), fl
	}),
	f2i("F32ToU32", &fmt32, false, 32, func(a uint64, rm RoundingMode) (uint64, Flags) {
		r, fl := F32ToU32(uint32(a), rm)
		return uint64(r), fl
	}),
	f2i("F32ToI64", &fmt32, true, 64, func(a uint64, rm RoundingMode) (uint64, Flags) {
		r, fl := F32ToI64(uint32(a), rm)
		return uint64(r), fl
	}),
	f2i("F32ToU64", &fmt32, false, 64, func(a uint64, rm RoundingMode) (uint64, Flags) {
		return F32ToU64(uint32(a), rm)
	}),

	i2f("I32ToF64", &fmt64, true, 32, func(a uint64, rm RoundingMode) (uint64, Flags) {
		return I32ToF64(int32(a)), 0
	}),
	i2f("U32ToF64", &fmt64, false, 32, func(a uint64, rm RoundingMode) (uint64, Flags) {
		return U32ToF64(uint32(a)), 0
	}),
	i2f("I64ToF64", &fmt64, true, 64, func(a uint64, rm RoundingMode) (uint64, Flags) {
		return I64ToF64(int64(a), rm)
	}),
	i2f("U64ToF64", &fmt64, false, 64, func(a uint64, rm RoundingMode) (uint64, Flags) {
		return U64ToF64(a, rm)
	}),
	i2f("I32ToF32", &fmt32, true, 32, func(a uint64, rm RoundingMode) (uint64, Flags) {
		r, fl := I32ToF32(int32(a), rm)
		return uint64(r), fl
	}),
	i2f("U32ToF32", &fmt32, false, 32, func(a uint64, rm RoundingMode) (uint64, Flags) {
		r, fl := U32ToF32(uint32(a), rm)
		return uint64(r), fl
	}),
	i2f("I64ToF32", &fmt32, true, 64, func(a uint64, rm RoundingMode) (uint64, Flags) {
		r, fl := I64ToF32(int64(a), rm)
		return uint64(r), fl
	}),
	i2f("U64ToF32", &fmt32, false, 64, func(a uint64, rm RoundingMode) (uint64, Flags) {
		r, fl := U64ToF32(a, rm)
		return uint64(r), fl
	}),
}

func f2i(name string, in *format, signed bool, width uint, api func(a uint64, rm RoundingMode) (uint64, Flags)) *op {
	return &op{name: name, kind: kF2I, in: in, signed: signed, width: width,
		api: func(a, b, c uint64, rm RoundingMode) (uint64, Flags) { return api(a, rm) },
		soft: func(a, b, c uint64, rm RoundingMode) (uint64, Flags) {
			return in.toInt(a, rm, signed, width)
		}}
}

func i2f(name string, out *format, signed bool, width uint, api func(a uint64, rm RoundingMode) (uint64, Flags)) *op {
	return &op{name: name, kind: kI2F, out: out, signed: signed, width: width,
		api: func(a, b, c uint64, rm RoundingMode) (uint64, Flags) { return api(a, rm) },
		soft: func(a, b, c uint64, rm RoundingMode) (uint64, Flags) {
			neg, mag := softMagnitude(signed, width, a)
			return out.fromInt(neg, mag, rm)
		}}
}
