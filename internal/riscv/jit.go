package riscv

import "sync/atomic"

// What the interpreter and the translator (jit_amd64.go; on other hosts
// jit_other.go, which translates nothing) share.

// Exits from translated code.
const (
	exitNext   = iota + 1 // continue interpreting at slot idx
	exitLeave             // continue at pc va (another page, or budget/irq)
	exitLoad              // a load missed the fast path
	exitStore             // a store missed the fast path
	exitTrap              // (jitRun only) a slow access faulted
	exitAtomic            // an LR, SC or AMO needs the interpreter's atomic
)

// jitThreshold is how many times a page is entered, at slots that are not
// yet translated, before the hart translates from its entry slots.
// Measured (sos bench kernel and cpu, 2-core VM): at 8 a Go hello world
// spends more translating code it runs once than it saves (12.4 ms, 9.3
// interpreted); at 32 it takes 10.7 ms and gowork is as fast as at 8
// (0.45 s); at 64 to 512 gowork slows to 0.53-0.55 s.
var jitThreshold uint32 = 32

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
