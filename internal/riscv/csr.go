package riscv

// The CSRs user mode can reach: the floating-point status (fflags, frm,
// fcsr) and the read-only counters (cycle, time, instret). Every other CSR
// is an illegal instruction, as it is for a U-mode program under Linux.

const (
	csrFflags  = 0x001
	csrFrm     = 0x002
	csrFcsr    = 0x003
	csrCycle   = 0xc00
	csrTime    = 0xc01
	csrInstret = 0xc02
)

// csr executes a Zicsr instruction; n is the instruction count of this Run
// so far, including the CSR instruction. It reports false for an illegal
// access.
func (h *Hart) csr(in *inst, n uint64) bool {
	num := uint32(in.imm) & 0xfff
	f3 := in.rs3
	src := uint64(in.rs1) // csrr*i: the 5-bit immediate
	if f3 < 4 {
		src = h.x[in.rs1&63]
	}
	// csrrw/csrrwi always write; csrrs/csrrc only when rs1 (or uimm) is
	// not zero.
	write := f3&3 == 1 || in.rs1 != 0
	var old uint64
	switch num {
	case csrFflags:
		old = uint64(h.fflags)
	case csrFrm:
		old = uint64(h.frm)
	case csrFcsr:
		old = uint64(h.frm<<5 | h.fflags)
	case csrCycle, csrInstret:
		// One instruction per cycle: cycle and instret count alike. The
		// CSR instruction itself has not retired yet.
		old = h.instret + n - 1
	case csrTime:
		old = h.clock.Ticks()
	default:
		return false
	}
	if write {
		if num>>10 == 3 {
			return false // the counters are read-only
		}
		v := src
		switch f3 & 3 {
		case 2:
			v = old | src
		case 3:
			v = old &^ src
		}
		switch num {
		case csrFflags:
			h.fflags = uint32(v) & 0x1f
		case csrFrm:
			h.frm = uint32(v) & 7
		case csrFcsr:
			h.fflags, h.frm = uint32(v)&0x1f, uint32(v)>>5&7
		}
	}
	h.x[in.rd&63] = old
	return true
}
