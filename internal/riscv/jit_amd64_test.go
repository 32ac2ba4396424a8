package riscv

import (
	"testing"
	"unsafe"
)

// TestJITLayout checks the field offsets the trampoline and the
// generated code use.
func TestJITLayout(t *testing.T) {
	var c jitCtx
	for _, f := range []struct {
		name      string
		got, want uintptr
	}{
		{"x", unsafe.Offsetof(c.x), offX},
		{"tlb", unsafe.Offsetof(c.tlb), offTLB},
		{"n", unsafe.Offsetof(c.n), offN},
		{"budget", unsafe.Offsetof(c.budget), offBudget},
		{"vbase", unsafe.Offsetof(c.vbase), offVbase},
		{"irq", unsafe.Offsetof(c.irq), offIRQ},
		{"f", unsafe.Offsetof(c.f), offF},
		{"exit", unsafe.Offsetof(c.exit), offExit},
		{"idx", unsafe.Offsetof(c.idx), offIdx},
		{"va", unsafe.Offsetof(c.va), offVA},
		{"val", unsafe.Offsetof(c.val), offVal},
		{"resume", unsafe.Offsetof(c.resume), offResume},
		{"info", unsafe.Offsetof(c.info), offInfo},
		{"itlb", unsafe.Offsetof(c.itlb), offITLB},
	} {
		if f.got != f.want {
			t.Errorf("jitCtx.%s at %d, code uses %d", f.name, f.got, f.want)
		}
	}
	var e tlbEntry
	if unsafe.Sizeof(e) != 24 || unsafe.Offsetof(e.rtag) != 0 || unsafe.Offsetof(e.wtag) != 8 || unsafe.Offsetof(e.host) != 16 {
		t.Error("tlbEntry's layout differs from what jitMemory emits")
	}
}
