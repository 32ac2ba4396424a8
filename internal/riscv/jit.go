package riscv

import "sync/atomic"

// What the interpreter and the translator (jit_amd64.go; on other hosts
// jit_other.go, which translates nothing) share.

// Exits from translated code.
const (
	exitNext  = iota + 1 // continue interpreting at slot idx
	exitLeave            // continue at pc va (another page, or budget/irq)
	exitLoad             // a load missed the fast path
	exitStore            // a store missed the fast path
	exitTrap             // (jitRun only) a slow access faulted
)

// jitThreshold is how many times a page is entered, at slots that are not
// yet translated, before the hart translates from its entry slots.
var jitThreshold uint32 = 8

// JITAvailable reports whether this host has a translator.
func JITAvailable() bool { return jitAvailable }

// JITEnabled reports whether new harts translate hot code (see SetJIT).
func JITEnabled() bool { return jitAvailable && jitDefault.Load() }

// SetJIT sets whether harts created from now on translate hot guest code
// to host code; with it off they only interpret. It is on by default
// where the host has a translator.
func SetJIT(on bool) { jitDefault.Store(on) }

var jitDefault = func() (b atomic.Bool) { b.Store(true); return }()

// jitEnter is called by the interpreter when it enters cp at slot idx,
// which is not a head: once the page is hot it translates from there.
func (h *Hart) jitEnter(cp *codePage, idx uint64) {
	cp.hits++
	if cp.hits >= jitThreshold {
		h.jitCompile(cp, idx)
	}
}
