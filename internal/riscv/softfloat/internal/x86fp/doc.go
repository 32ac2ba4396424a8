// Package x86fp runs single x86-64 SSE/FMA floating-point instructions with
// a chosen MXCSR rounding mode and reports the resulting exception flags.
// It exists only so that the softfloat tests can compare the soft core
// against hardware; nothing else may import it. On other architectures it
// is empty.
package x86fp
