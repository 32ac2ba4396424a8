//go:build !amd64

package riscv

// No translator on this host: harts only interpret.

const jitAvailable = false

type jitHart struct {
	on   bool
	used int
}

func (h *Hart) jitInit()                                   {}
func (h *Hart) jitFlush()                                  {}
func (h *Hart) jitCompile(cp *codePage, entry uint64) bool { return false }
func (h *Hart) jitRun(code uintptr, vbase, n, budget uint64) (int, uint64, uint64, Trap) {
	panic("riscv: no translator on this host")
}
