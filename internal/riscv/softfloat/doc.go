// Package softfloat implements IEEE 754 binary32 and binary64 arithmetic
// with exactly the semantics of the RISC-V F and D extensions: all five
// rounding modes, exact accumulated exception flags (the fflags bits),
// tininess detected after rounding, the canonical NaN for every NaN result,
// saturating float-to-integer conversions, and the RISC-V fmin/fmax and
// fclass rules. The RISC-V interpreter calls it for every floating-point
// instruction. Values are passed and returned as raw IEEE bit patterns.
//
// The package is self-contained and must never depend on the rest of SOS
// (or on anything beyond the standard library), so that it can be tested
// against hardware and reasoned about on its own.
//
// Every exported function has two layers:
//
//   - A soft core (core.go): portable, exact integer arithmetic on unpacked
//     significands, one generic implementation parameterised by format,
//     with a single round-and-pack routine that handles every rounding
//     mode, subnormals, overflow and the flags. It is correct for all
//     inputs but comparatively slow.
//
//   - A fast path in front of it for the common case: round-to-nearest-even
//     on ordinary finite operands whose result is comfortably inside the
//     normal range. It uses the host's float64/float32 operations (which
//     round to nearest even) and determines the inexact flag exactly with
//     error-free transformations (TwoSum-style checks, FMA residuals, and
//     exact products in float64 for binary32). Anything it cannot prove
//     correct (other rounding modes, NaNs, infinities, zeros where
//     relevant, results near the underflow or overflow thresholds) falls
//     through to the soft core.
//
// The split exists because Go's floating-point operations only round to
// nearest even and expose no exception flags, while the interpreter needs
// both at native-like speed for the overwhelmingly common case. The tests
// check the fast paths against the soft core on many millions of inputs,
// the soft core against x86 SSE/FMA hardware in the four rounding modes
// SSE supports, and everything against an arbitrary-precision oracle
// (including round-to-nearest-max-magnitude, which SSE lacks).
//
// Rounding mode arguments must be one of RNE, RTZ, RDN, RUP and RMM; the
// caller resolves the dynamic mode and rejects reserved encodings.
package softfloat
