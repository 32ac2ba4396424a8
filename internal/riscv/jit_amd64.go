package riscv

import (
	"runtime"
	"sync/atomic"
	"syscall"
	"unsafe"

	"sos/internal/x86"
)

// The translator: hot pages of guest code become x86-64 code.
//
// A page's decoded instructions (code.go) are the unit: when a page has
// been entered often enough, the hart translates the region of the page
// reachable from the entry slot: every instruction the translator
// supports, following fall-through and in-page branches, up to the first
// instruction it does not support, a transfer out of the page, or a jalr.
// The slot where each translated block starts (a "head") is rewritten to
// opJIT with the host address of its code in imm, so the interpreter,
// arriving at a head from anywhere, runs the translated code instead.
// Control that leaves the page (and every jalr) goes to the dispatcher,
// which continues at the target's head in host code when it can.
// Translated code returns to Go (an "exit") when the dispatcher cannot
// continue, at an instruction it does not translate (the interpreter
// executes that one and continues at the next slot, which is itself a
// head), when a load, store or atomic misses its fast path (done here in
// Go, then the code resumes), and at a backward branch or a transfer out
// of the page when the instruction budget is spent or an interrupt is
// pending.
//
// The code keeps the guest's registers in the hart's register array (no
// register allocation across instructions): what it removes is the
// interpreter's dispatch, which is most of an interpreted instruction's
// cost. Instruction counts are exact, as in the interpreter: each block
// adds the instructions it retired to the count before every exit and
// every branch.
//
// Translations live in a per-hart arena of executable memory, used only
// by the goroutine that runs the hart. When it fills, the hart forgets all
// its decoded pages and starts over, as it does when it has decoded too
// many pages; a page whose generation changes (a store to it) is decoded
// and translated afresh.

const jitAvailable = true

// jitCall runs translated code until it exits (jit_amd64.s).
//
//go:noescape
func jitCall(j *jitCtx, code uintptr)

// jitCtx is the state translated code reads and writes. The trampoline and
// the generated code use the field offsets below; TestJITLayout checks them.
type jitCtx struct {
	x      *[64]uint64          // 0: integer registers (R15)
	tlb    *[tlbSize]tlbEntry   // 8: the data TLB's fast-path array (R14)
	n      uint64               // 16: instructions retired (R13)
	budget uint64               // 24: the budget (R12)
	vbase  uint64               // 32: virtual address of the page
	irq    *atomic.Uint32       // 40: the hart's interrupt word
	f      *[32]uint64          // 48: floating-point registers
	exit   uint32               // 56: why the code returned
	idx    uint32               // 60: the slot the exit concerns
	va     uint64               // 64: the address of a slow access; the target of a leave
	val    uint64               // 72: the value of a slow store
	resume uintptr              // 80: where to continue after a slow access
	info   uint32               // 88: a slow access's op | rd<<8 | len<<16
	itlb   *[itlbSize]itlbEntry // 96: the instruction TLB (the dispatcher)
	tinfo  *[tlbSize]tlbInfo    // 104: the TLB's physical addresses (LR/SC)
	res    *reservation         // 112: the LR/SC reservation
}

const (
	offX, offTLB, offN, offBudget, offVbase, offIRQ, offF = 0, 8, 16, 24, 32, 40, 48
	offExit, offIdx, offVA, offVal, offResume, offInfo    = 56, 60, 64, 72, 80, 88
	offITLB, offTInfo, offRes                             = 96, 104, 112
)

// Host registers with fixed roles in translated code.
const (
	rCtx    = x86.RBX
	rX      = x86.R15
	rTLB    = x86.R14
	rN      = x86.R13
	rBudget = x86.R12
)

const jitArenaSize = 64 << 20

// jitHart is a hart's translator state.
type jitHart struct {
	on    bool
	ctx   jitCtx
	arena []byte // executable, mapped on first use
	used  int
	// The dispatcher (see emitDispatcher) is at the start of the arena
	// and stays there; translations follow it.
	dispatchEnd int
	a           x86.Asm
	// Compilation scratch, reused.
	isHead [slotsPerPage + 1]bool
	heads  []uint16
	labels [slotsPerPage + 1]int32
	fix    []jitFixup
	stubs  []jitStub
}

// jitFixup is a jump in the code being built whose target is a head of
// the same region.
type jitFixup struct {
	at   int
	slot uint16
}

// jitStub is out-of-line code, emitted after the region's blocks.
type jitStub struct {
	kind    uint8
	from    int    // rel32 of the jump into the stub
	slot    uint16 // the instruction's slot (memory), or the branch target (back edge, leave)
	pending int32  // instructions retired in the block before the instruction
	in      inst
	resume  int    // main-line offset to resume at (memory)
	abs     uint64 // back edge: absolute target when in another region
	interp  bool   // back edge: the target is not translated (exit there)
	pcOff   int64  // leave: target pc minus vbase
}

const (
	stubLoad     = iota // a load missed the fast path
	stubStore           // a store missed the fast path
	stubBackEdge        // a backward branch: check the budget and interrupts
	stubLeave           // a branch out of the page
	stubNext            // a branch to an instruction left to the interpreter
	stubAtomic          // an LR, SC or AMO off its fast path
)

// backEdge returns the stub for a backward jump at rel32 offset at to
// slot t.
func (h *Hart) backEdge(cp *codePage, at int, t uint64) jitStub {
	s := jitStub{kind: stubBackEdge, from: at, slot: uint16(t)}
	if in := &cp.insts[t]; in.op == opJIT {
		s.abs = uint64(in.imm)
	} else if !h.jit.isHead[t] {
		s.interp = true
	}
	return s
}

func (h *Hart) jitInit() {
	j := &h.jit
	j.on = jitDefault.Load()
	j.ctx.x = &h.x
	j.ctx.tlb = &h.tlb
	j.ctx.irq = &h.irq
	j.ctx.itlb = &h.itlb
	j.ctx.tinfo = &h.tinfo
	j.ctx.res = &h.res
}

// jitFlush forgets every translation; the caller forgets the decoded pages
// that point at them.
func (h *Hart) jitFlush() { h.jit.used = h.jit.dispatchEnd }

// jitRun runs translated code from code, handling slow accesses, until
// control must return to the interpreter. It returns the exit (exitNext
// with the slot, exitLeave with the pc, or exitTrap with the trap) and
// the new instruction count.
func (h *Hart) jitRun(code uintptr, vbase, n, budget uint64) (kind int, arg, nOut uint64, t Trap) {
	j := &h.jit.ctx
	j.n, j.budget, j.vbase, j.f = n, budget, vbase, h.f
	for {
		jitCall(j, code)
		// The code may have moved to other pages (the dispatcher):
		// slots are in j.vbase's page.
		switch j.exit {
		case exitNext:
			if j.vbase != vbase {
				return exitLeave, j.vbase + uint64(j.idx)*2, j.n, Trap{}
			}
			return exitNext, uint64(j.idx), j.n, Trap{}
		case exitLeave:
			return exitLeave, j.va, j.n, Trap{}
		case exitLoad:
			in := inst{op: uint8(j.info), rd: uint8(j.info >> 8)}
			v, cause, ok := h.loadSlow(j.va, memSize(in.op))
			if !ok {
				return exitTrap, 0, j.n, Trap{Cause: cause, PC: j.vbase + uint64(j.idx)*2, Tval: j.va}
			}
			h.writeLoad(&in, v)
			code = j.resume
		case exitStore:
			op, ilen := uint8(j.info), uint64(j.info>>16)
			wrote, cause, ok := h.storeSlow(j.va, j.val, memSize(op))
			if !ok {
				return exitTrap, 0, j.n, Trap{Cause: cause, PC: j.vbase + uint64(j.idx)*2, Tval: j.va}
			}
			if wrote {
				// The store changed decoded instructions: leave the page
				// so they are decoded afresh.
				return exitLeave, j.vbase + (uint64(j.idx)+ilen)*2, j.n + 1, Trap{}
			}
			code = j.resume
		case exitAtomic:
			v := j.val
			in := inst{op: uint8(v), rd: uint8(v >> 8), rs1: uint8(v >> 16), rs2: uint8(v >> 24), rs3: uint8(v >> 32), len: uint8(v >> 40)}
			if cause, ok := h.atomic(&in); !ok {
				return exitTrap, 0, j.n, Trap{Cause: cause, PC: j.vbase + uint64(j.idx)*2, Tval: h.x[in.rs1&63]}
			}
			code = j.resume
		default:
			panic("riscv: translated code exited with an unknown reason")
		}
	}
}

func memSize(op uint8) int {
	switch op {
	case opLB, opLBU, opSB:
		return 1
	case opLH, opLHU, opSH:
		return 2
	case opLW, opLWU, opFLW, opSW, opFSW:
		return 4
	}
	return 8
}

// jitDecode returns the decoded instruction at slot, decoding it if
// needed; ok is false for an instruction that crosses into the next page
// (the interpreter runs those from its scratch page).
func (h *Hart) jitDecode(cp *codePage, slot uint64) (*inst, bool) {
	in := &cp.insts[slot]
	if in.op != opDecode {
		return in, true
	}
	if slot == slotsPerPage-1 && h.mem.read(h.mem.base+cp.ppi<<pageShift+slot*2, 2)&3 == 3 {
		return nil, false
	}
	h.decodeSlot(cp, 0, slot)
	return in, true
}

// jitSupported reports whether the translator emits code for op.
func jitSupported(op uint8) bool {
	switch op {
	case opLUI, opAUIPC, opJAL, opJALR,
		opBEQ, opBNE, opBLT, opBGE, opBLTU, opBGEU,
		opBEQFar, opBNEFar, opBLTFar, opBGEFar, opBLTUFar, opBGEUFar,
		opLB, opLH, opLW, opLD, opLBU, opLHU, opLWU, opFLW, opFLD,
		opSB, opSH, opSW, opSD, opFSW, opFSD,
		opADDI, opSLTI, opSLTIU, opXORI, opORI, opANDI, opSLLI, opSRLI, opSRAI,
		opADDIW, opSLLIW, opSRLIW, opSRAIW,
		opADD, opSUB, opSLL, opSLT, opSLTU, opXOR, opSRL, opSRA, opOR, opAND,
		opADDW, opSUBW, opSLLW, opSRLW, opSRAW,
		opMUL, opMULH, opMULHU, opMULW,
		opLRW, opLRD, opSCW, opSCD, opAMOW, opAMOD,
		opFENCE:
		return true
	}
	return false
}

// jitCompile translates the region of cp reachable from slot entry. It
// reports whether entry is now a head.
func (h *Hart) jitCompile(cp *codePage, entry uint64) bool {
	j := &h.jit
	if in, ok := h.jitDecode(cp, entry); !ok || !jitSupported(in.op) {
		return false
	}
	if j.arena == nil {
		b, err := syscall.Mmap(-1, 0, jitArenaSize, syscall.PROT_READ|syscall.PROT_WRITE|syscall.PROT_EXEC,
			syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
		if err != nil {
			j.on = false
			return false
		}
		j.arena = b
		runtime.AddCleanup(h, func(b []byte) { syscall.Munmap(b) }, b)
		j.a.Buf = j.a.Buf[:0]
		emitDispatcher(&j.a)
		copy(b, j.a.Buf)
		j.dispatchEnd = (j.a.Len() + 15) &^ 15
		j.used = j.dispatchEnd
	}

	// Find the heads: the entry, in-page branch targets, and the slots
	// after instructions the translator leaves to the interpreter.
	j.heads = append(j.heads[:0], uint16(entry))
	j.isHead[entry] = true
	for w := 0; w < len(j.heads); w++ {
		for idx := uint64(j.heads[w]); ; {
			in, ok := h.jitDecode(cp, idx)
			if !ok || in.op == opJIT || (idx != uint64(j.heads[w]) && j.isHead[idx]) {
				break
			}
			next := idx + uint64(in.len)
			if !jitSupported(in.op) {
				if in.op != opIllegal {
					h.addHead(cp, next)
				}
				break
			}
			switch in.op {
			case opBEQ, opBNE, opBLT, opBGE, opBLTU, opBGEU:
				h.addHead(cp, uint64(in.tgt))
			case opJAL:
				if in.tgt >= 0 {
					h.addHead(cp, uint64(in.tgt))
				}
			}
			if in.op == opJAL || in.op == opJALR || next >= slotsPerPage {
				break
			}
			idx = next
		}
	}
	sortSlots(j.heads)

	base := uintptr(unsafe.Pointer(&j.arena[0])) + uintptr(j.used)
	a := &j.a
	a.Buf = a.Buf[:0]
	j.fix, j.stubs = j.fix[:0], j.stubs[:0]
	for hi, head := range j.heads {
		j.labels[head] = int32(a.Len())
		var following uint64 = ^uint64(0)
		if hi+1 < len(j.heads) {
			following = uint64(j.heads[hi+1])
		}
		h.jitBlock(cp, uint64(head), following, base)
	}
	// Out-of-line code.
	for i := range j.stubs {
		h.jitEmitStub(&j.stubs[i], base)
	}
	for _, f := range j.fix {
		a.Patch(f.at, int(j.labels[f.slot]))
	}

	if j.used+a.Len() > len(j.arena) {
		// Full: start over. The interpreter is running in cp, whose
		// heads point into the arena, so cp forgets them too.
		for _, s := range j.heads {
			j.isHead[s] = false
		}
		h.flushICache()
		cp.reset(cp.gen)
		return false
	}
	copy(j.arena[j.used:], a.Buf)
	j.used += (a.Len() + 15) &^ 15
	for _, s := range j.heads {
		j.isHead[s] = false
		orig := cp.insts[s]
		cp.insts[s] = inst{op: opJIT, len: orig.len, imm: int64(base) + int64(j.labels[s])}
	}
	return true
}

// addHead makes slot s a head of the region being translated: if the
// instruction there is one the translator leaves to the interpreter, the
// first translatable instruction after it (jumps to s exit to the
// interpreter, which comes back at that head).
func (h *Hart) addHead(cp *codePage, s uint64) {
	j := &h.jit
	for s < slotsPerPage {
		if j.isHead[s] || cp.insts[s].op == opJIT {
			return
		}
		in, ok := h.jitDecode(cp, s)
		if !ok || in.op == opIllegal {
			return
		}
		if jitSupported(in.op) {
			j.isHead[s] = true
			j.heads = append(j.heads, uint16(s))
			return
		}
		s += uint64(in.len)
	}
}

// sortSlots sorts a short list of slots (insertion sort: regions have few
// heads).
func sortSlots(s []uint16) {
	for i := 1; i < len(s); i++ {
		for k := i; k > 0 && s[k] < s[k-1]; k-- {
			s[k], s[k-1] = s[k-1], s[k]
		}
	}
}

// xr is the memory operand of guest integer register r.
func xr(r uint8) x86.Mem { return x86.Mem{Base: rX, Disp: int32(r&63) * 8} }

func ctxField(off int32) x86.Mem { return x86.Mem{Base: rCtx, Disp: off} }

// loadX loads guest register r into host register dst.
func (j *jitHart) loadX(dst x86.Reg, r uint8) {
	if r&63 == 0 {
		j.a.MovImm(dst, 0)
		return
	}
	j.a.Load(dst, xr(r))
}

// jitBlock emits the block starting at head. following is the next head
// in emission order (so falling into it needs no jump).
func (h *Hart) jitBlock(cp *codePage, head, following uint64, base uintptr) {
	j := &h.jit
	a := &j.a
	pending := int32(0)
	flush := func() {
		if pending != 0 {
			a.ALUImm(x86.ADD, rN, pending)
			pending = 0
		}
	}
	exitNextAt := func(idx uint64) {
		flush()
		h.jitNextCode(idx)
	}
	// jumpTo emits a jump to the translated code for slot t (a head of
	// this region or an earlier one), or an exit to the interpreter there
	// when the instruction at t is not translated.
	jumpTo := func(t uint64) {
		if !j.isHead[t] && cp.insts[t].op != opJIT {
			exitNextAt(t)
			return
		}
		if in := &cp.insts[t]; in.op == opJIT {
			at := a.Jmp()
			a.Patch(at, int(int64(in.imm)-int64(base)))
			return
		}
		j.fix = append(j.fix, jitFixup{at: a.Jmp(), slot: uint16(t)})
	}
	// branchTo emits a conditional jump to slot t; a backward one goes
	// through a stub that checks the budget and interrupts.
	branchTo := func(c x86.Cond, idx, t uint64) {
		at := a.Jcc(c)
		if t <= idx {
			j.stubs = append(j.stubs, h.backEdge(cp, at, t))
			return
		}
		if !j.isHead[t] && cp.insts[t].op != opJIT {
			j.stubs = append(j.stubs, jitStub{kind: stubNext, from: at, slot: uint16(t)})
			return
		}
		if in := &cp.insts[t]; in.op == opJIT {
			a.Patch(at, int(int64(in.imm)-int64(base)))
			return
		}
		j.fix = append(j.fix, jitFixup{at: at, slot: uint16(t)})
	}
	leave := func(pcOff int64) { // on to pc vbase+pcOff, in another page
		flush()
		h.jitLeaveCode(pcOff, base)
	}

	for idx := head; ; {
		if idx >= slotsPerPage {
			leave(slotsPerPage * 2) // on into the next page
			return
		}
		if idx != head && (j.isHead[idx] || cp.insts[idx].op == opJIT) {
			flush()
			if idx != following || cp.insts[idx].op == opJIT {
				jumpTo(idx)
			}
			return
		}
		in, ok := h.jitDecode(cp, idx)
		if !ok || !jitSupported(in.op) {
			exitNextAt(idx)
			return
		}
		next := idx + uint64(in.len)
		pc := int64(idx) * 2 // pc - vbase
		rd, rs1, rs2 := in.rd&63, in.rs1&63, in.rs2&63
		sink := rd == sinkReg
		switch in.op {
		case opLUI:
			if !sink {
				a.StoreImm(xr(rd), int32(in.imm))
			}
		case opAUIPC:
			if !sink {
				a.Load(x86.RAX, ctxField(offVbase))
				h.jitAddImm(x86.RAX, pc+in.imm)
				a.Store(xr(rd), x86.RAX)
			}
		case opJAL:
			pending++
			flush()
			if !sink {
				a.Load(x86.RAX, ctxField(offVbase))
				h.jitAddImm(x86.RAX, pc+int64(in.len)*2)
				a.Store(xr(rd), x86.RAX)
			}
			if in.tgt < 0 {
				leave(pc + in.imm)
				return
			}
			t := uint64(in.tgt)
			if t <= idx {
				j.stubs = append(j.stubs, h.backEdge(cp, a.Jmp(), t))
			} else if t != following || cp.insts[t].op == opJIT {
				jumpTo(t)
			}
			return
		case opJALR:
			pending++
			flush()
			j.loadX(x86.RAX, rs1)
			if in.imm != 0 {
				a.ALUImm(x86.ADD, x86.RAX, int32(in.imm))
			}
			a.ALUImm(x86.AND, x86.RAX, -2)
			if !sink {
				a.Load(x86.RCX, ctxField(offVbase))
				h.jitAddImm(x86.RCX, pc+int64(in.len)*2)
				a.Store(xr(rd), x86.RCX)
			}
			h.jitDispatch(base)
			return

		case opBEQ, opBNE, opBLT, opBGE, opBLTU, opBGEU,
			opBEQFar, opBNEFar, opBLTFar, opBGEFar, opBLTUFar, opBGEUFar:
			pending++
			flush()
			j.loadX(x86.RAX, rs1)
			if rs2 == 0 {
				a.Test(x86.RAX, x86.RAX)
			} else {
				a.ALULoad(x86.CMP, x86.RAX, xr(rs2))
			}
			op := in.op
			far := op >= opBEQFar && op <= opBGEUFar
			if far {
				op -= opBEQFar - opBEQ
			}
			c := [...]x86.Cond{x86.E, x86.NE, x86.L, x86.GE, x86.B, x86.AE}[op-opBEQ]
			if far {
				at := a.Jcc(c)
				j.stubs = append(j.stubs, jitStub{kind: stubLeave, from: at, pcOff: pc + in.imm})
			} else {
				branchTo(c, idx, uint64(in.tgt))
			}

		case opLB, opLH, opLW, opLD, opLBU, opLHU, opLWU, opFLW, opFLD,
			opSB, opSH, opSW, opSD, opFSW, opFSD:
			h.jitMemory(in, idx, pending)
			pending++
			idx = next
			continue
		case opLRW, opLRD, opSCW, opSCD, opAMOW, opAMOD:
			h.jitAtomic(in, idx, pending)
			pending++
			idx = next
			continue

		case opFENCE:
			if in.rs3 != 0 {
				a.Byte(0x0f, 0xae, 0xf0) // mfence
			}

		default:
			if !sink {
				h.jitALU(in)
			}
		}
		if in.op < opBEQ || in.op > opBGEUFar {
			pending++
		}
		idx = next
	}
}

// jitAddImm adds a constant to r.
func (h *Hart) jitAddImm(r x86.Reg, v int64) {
	a := &h.jit.a
	if v == 0 {
		return
	}
	if v == int64(int32(v)) {
		a.ALUImm(x86.ADD, r, int32(v))
		return
	}
	a.MovImm(x86.RDX, v)
	a.ALU(x86.ADD, r, x86.RDX)
}

// jitALU emits an integer operation whose destination is a real register.
func (h *Hart) jitALU(in *inst) {
	a := &h.jit.a
	j := &h.jit
	rd, rs1, rs2 := in.rd&63, in.rs1&63, in.rs2&63
	imm := int32(in.imm)
	R := x86.RAX
	switch in.op {
	case opADDI:
		if rs1 == 0 {
			a.StoreImm(xr(rd), imm)
			return
		}
		if rd == rs1 {
			if imm != 0 {
				a.ALUMemImm(x86.ADD, xr(rd), imm)
			}
			return
		}
		j.loadX(R, rs1)
		if imm != 0 {
			a.ALUImm(x86.ADD, R, imm)
		}
	case opXORI, opORI, opANDI:
		j.loadX(R, rs1)
		a.ALUImm([...]x86.Op{x86.XOR, x86.OR, x86.AND}[in.op-opXORI], R, imm)
	case opSLTI, opSLTIU:
		j.loadX(R, rs1)
		a.ALUImm(x86.CMP, R, imm)
		c := x86.L
		if in.op == opSLTIU {
			c = x86.B
		}
		a.Setcc(c, x86.RAX)
		a.Movzx8(x86.RAX, x86.RAX)
	case opSLLI, opSRLI, opSRAI:
		j.loadX(R, rs1)
		a.ShiftImm([...]x86.Shift{x86.SHL, x86.SHR, x86.SAR}[in.op-opSLLI], R, uint8(imm&63))
	case opADDIW:
		j.loadX(R, rs1)
		a.ALUImm32(x86.ADD, R, imm)
		a.Movsxd(R, R)
	case opSLLIW, opSRLIW, opSRAIW:
		j.loadX(R, rs1)
		a.ShiftImm32([...]x86.Shift{x86.SHL, x86.SHR, x86.SAR}[in.op-opSLLIW], R, uint8(imm&31))
		a.Movsxd(R, R)
	case opADD, opSUB, opXOR, opOR, opAND:
		j.loadX(R, rs1)
		var op x86.Op
		switch in.op {
		case opADD:
			op = x86.ADD
		case opSUB:
			op = x86.SUB
		case opXOR:
			op = x86.XOR
		case opOR:
			op = x86.OR
		case opAND:
			op = x86.AND
		}
		if rs2 != 0 {
			a.ALULoad(op, R, xr(rs2))
		} else if op == x86.AND {
			a.MovImm(R, 0)
		}
	case opADDW, opSUBW:
		j.loadX(R, rs1)
		op := x86.ADD
		if in.op == opSUBW {
			op = x86.SUB
		}
		a.ALULoad32(op, R, xr(rs2))
		a.Movsxd(R, R)
	case opSLL, opSRL, opSRA, opSLLW, opSRLW, opSRAW:
		j.loadX(x86.RCX, rs2)
		j.loadX(R, rs1)
		switch in.op {
		case opSLL:
			a.ShiftCL(x86.SHL, R)
		case opSRL:
			a.ShiftCL(x86.SHR, R)
		case opSRA:
			a.ShiftCL(x86.SAR, R)
		case opSLLW:
			a.ShiftCL32(x86.SHL, R)
			a.Movsxd(R, R)
		case opSRLW:
			a.ShiftCL32(x86.SHR, R)
			a.Movsxd(R, R)
		case opSRAW:
			a.ShiftCL32(x86.SAR, R)
			a.Movsxd(R, R)
		}
	case opSLT, opSLTU:
		j.loadX(R, rs1)
		a.ALULoad(x86.CMP, R, xr(rs2))
		c := x86.L
		if in.op == opSLTU {
			c = x86.B
		}
		a.Setcc(c, x86.RAX)
		a.Movzx8(x86.RAX, x86.RAX)
	case opMUL, opMULW:
		j.loadX(R, rs1)
		j.loadX(x86.RCX, rs2)
		if in.op == opMUL {
			a.Imul(R, x86.RCX)
		} else {
			a.Imul32(R, x86.RCX)
			a.Movsxd(R, R)
		}
	case opMULH, opMULHU:
		j.loadX(R, rs1)
		j.loadX(x86.RCX, rs2)
		if in.op == opMULH {
			a.ImulRDX(x86.RCX)
		} else {
			a.MulRDX(x86.RCX)
		}
		R = x86.RDX
	default:
		panic("riscv: jitALU: unsupported op")
	}
	a.Store(xr(rd), R)
}

// tlbLookup emits the data TLB's hit test for the address in RAX, for a
// load (the entry's rtag) or a store (wtag): RCX = the virtual page
// number, RDX = the entry's index times 3 (entries are 24 bytes, so
// [rTLB+RDX*8] is the entry). It returns the rel32 of the jump taken on a
// miss.
func (j *jitHart) tlbLookup(load bool) int {
	a := &j.a
	a.Mov(x86.RCX, x86.RAX)
	a.ShiftImm(x86.SHR, x86.RCX, pageShift)
	a.Mov(x86.RDX, x86.RCX)
	a.ShiftImm(x86.SHR, x86.RDX, 10)
	a.ALU(x86.XOR, x86.RDX, x86.RCX)
	a.ALUImm32(x86.AND, x86.RDX, tlbSize-1)
	a.Lea(x86.RDX, x86.Mem{Base: x86.RDX, Index: x86.RDX, Scale: 2})
	tag := int32(8) // wtag
	if load {
		tag = 0 // rtag
	}
	a.ALULoad(x86.CMP, x86.RCX, x86.Mem{Base: rTLB, Index: x86.RDX, Scale: 8, Disp: tag})
	return a.Jcc(x86.NE)
}

// jitMemory emits a load or store: the TLB fast path inline, a stub for
// the rest. pending is the count of instructions before it in the block
// not yet added to the count.
func (h *Hart) jitMemory(in *inst, idx uint64, pending int32) {
	j := &h.jit
	a := &j.a
	load := in.op <= opFLD
	size := memSize(in.op)
	// RAX = address, RCX = vpn then page offset, RDX = TLB index, RSI = store value.
	if !load {
		if in.op == opFSW || in.op == opFSD {
			a.Load(x86.RSI, ctxField(offF))
			a.Load(x86.RSI, x86.Mem{Base: x86.RSI, Disp: int32(in.rs2&31) * 8})
		} else {
			j.loadX(x86.RSI, in.rs2)
		}
	}
	j.loadX(x86.RAX, in.rs1)
	if in.imm != 0 {
		a.ALUImm(x86.ADD, x86.RAX, int32(in.imm))
	}
	slow := []int{j.tlbLookup(load)}
	a.Mov32(x86.RCX, x86.RAX)
	a.ALUImm32(x86.AND, x86.RCX, PageSize-1)
	if size > 1 {
		a.ALUImm32(x86.CMP, x86.RCX, int32(PageSize-size))
		slow = append(slow, a.Jcc(x86.A))
	}
	a.Load(x86.RDX, x86.Mem{Base: rTLB, Index: x86.RDX, Scale: 8, Disp: 16})
	m := x86.Mem{Base: x86.RDX, Index: x86.RCX, Scale: 1}
	rd := in.rd & 63
	switch in.op {
	case opLB:
		a.Load8S(x86.RAX, m)
	case opLBU:
		a.Load8U(x86.RAX, m)
	case opLH:
		a.Load16S(x86.RAX, m)
	case opLHU:
		a.Load16U(x86.RAX, m)
	case opLW:
		a.Load32S(x86.RAX, m)
	case opLWU:
		a.Load32U(x86.RAX, m)
	case opLD, opFLD:
		a.Load(x86.RAX, m)
	case opFLW:
		a.Load32U(x86.RAX, m)
		a.MovImm(x86.RCX, -1<<32)
		a.ALU(x86.OR, x86.RAX, x86.RCX)
	case opSB:
		a.Store8(m, x86.RSI)
	case opSH:
		a.Store16(m, x86.RSI)
	case opSW, opFSW:
		a.Store32(m, x86.RSI)
	case opSD, opFSD:
		a.Store(m, x86.RSI)
	}
	if load {
		if in.op == opFLW || in.op == opFLD {
			a.Load(x86.RCX, ctxField(offF))
			a.Store(x86.Mem{Base: x86.RCX, Disp: int32(in.rd&31) * 8}, x86.RAX)
		} else if rd != sinkReg {
			a.Store(xr(rd), x86.RAX)
		}
	}
	resume := a.Len()
	kind := uint8(stubLoad)
	if !load {
		kind = stubStore
	}
	for _, at := range slow {
		j.stubs = append(j.stubs, jitStub{kind: kind, from: at, slot: uint16(idx), pending: pending, in: *in, resume: resume})
	}
}

// jitAtomic emits LR, SC or an AMO: for an aligned address whose page
// the TLB holds (for loads for LR, for stores otherwise), the host's own
// atomic instruction on guest memory, as the interpreter's atomic does
// with Go's atomics; everything else (misaligned, TLB misses, the AMOs
// with no single x86 instruction) through a stub to that function.
func (h *Hart) jitAtomic(in *inst, idx uint64, pending int32) {
	j := &h.jit
	a := &j.a
	stub := func(at int) {
		j.stubs = append(j.stubs, jitStub{kind: stubAtomic, from: at, slot: uint16(idx), pending: pending, in: *in})
	}
	word := in.op == opLRW || in.op == opSCW || in.op == opAMOW
	size := int32(8)
	if word {
		size = 4
	}
	lr := in.op == opLRW || in.op == opLRD
	sc := in.op == opSCW || in.op == opSCD
	f5 := in.rs3
	rd := in.rd & 63
	sink := rd == sinkReg
	if !lr && !sc && f5 != amoAdd && f5 != amoSwap && !(sink && (f5 == amoAnd || f5 == amoOr || f5 == amoXor)) {
		stub(a.Jmp())
		j.stubs[len(j.stubs)-1].resume = a.Len()
		return
	}
	var slow []int
	j.loadX(x86.RAX, in.rs1)
	a.Mov32(x86.RCX, x86.RAX)
	a.ALUImm32(x86.AND, x86.RCX, size-1)
	slow = append(slow, a.Jcc(x86.NE))
	slow = append(slow, j.tlbLookup(lr))
	// R8 = the host address, RCX = the page offset.
	a.Mov32(x86.RCX, x86.RAX)
	a.ALUImm32(x86.AND, x86.RCX, PageSize-1)
	a.Load(x86.R8, x86.Mem{Base: rTLB, Index: x86.RDX, Scale: 8, Disp: 16})
	a.ALU(x86.ADD, x86.R8, x86.RCX)
	// R10 = the physical address (LR and SC), R11 = the reservation.
	if lr || sc {
		a.Load(x86.R11, ctxField(offTInfo))
		a.Load(x86.R10, x86.Mem{Base: x86.R11, Index: x86.RDX, Scale: 8})
		a.ALU(x86.OR, x86.R10, x86.RCX)
		a.Load(x86.R11, ctxField(offRes))
	}
	// rex is the REX prefix of an instruction on [R8] with R9: W for
	// doublewords, R and B for the two extended registers.
	rex := byte(0x45)
	if !word {
		rex = 0x4d
	}
	switch {
	case lr:
		if word {
			a.Load32S(x86.R9, x86.Mem{Base: x86.R8})
		} else {
			a.Load(x86.R9, x86.Mem{Base: x86.R8})
		}
		a.MovImm(x86.RAX, 1)
		a.Store8(x86.Mem{Base: x86.R11}, x86.RAX)
		a.Store(x86.Mem{Base: x86.R11, Disp: 8}, x86.R10)
		a.Store(x86.Mem{Base: x86.R11, Disp: 16}, x86.R9)
	case sc:
		// Fail (rd = 1) unless the reservation is valid and for this
		// address; it is used up either way. Then a compare-and-swap
		// against the value LR read.
		a.Load8U(x86.RAX, x86.Mem{Base: x86.R11})
		a.MovImm(x86.R9, 1)
		a.Store32Imm(x86.Mem{Base: x86.R11}, 0) // valid = false (and padding)
		a.Test(x86.RAX, x86.RAX)
		fail1 := a.Jcc(x86.E)
		a.ALULoad(x86.CMP, x86.R10, x86.Mem{Base: x86.R11, Disp: 8})
		fail2 := a.Jcc(x86.NE)
		a.Load(x86.RAX, x86.Mem{Base: x86.R11, Disp: 16})
		j.loadX(x86.R9, in.rs2)
		a.Byte(0xf0, rex, 0x0f, 0xb1, 0x08) // lock cmpxchg [r8], r9
		a.Setcc(x86.NE, x86.RCX)
		a.Movzx8(x86.R9, x86.RCX)
		a.Patch(fail1, a.Len())
		a.Patch(fail2, a.Len())
	default:
		j.loadX(x86.R9, in.rs2)
		switch f5 {
		case amoAdd:
			a.Byte(0xf0, rex, 0x0f, 0xc1, 0x08) // lock xadd [r8], r9
		case amoSwap:
			a.Byte(rex, 0x87, 0x08) // xchg [r8], r9
		case amoAnd:
			a.Byte(0xf0, rex, 0x21, 0x08) // lock and [r8], r9
		case amoOr:
			a.Byte(0xf0, rex, 0x09, 0x08) // lock or [r8], r9
		case amoXor:
			a.Byte(0xf0, rex, 0x31, 0x08) // lock xor [r8], r9
		}
		if word {
			a.Movsxd(x86.R9, x86.R9)
		}
	}
	if !sink {
		a.Store(xr(rd), x86.R9)
	}
	resume := a.Len()
	for _, at := range slow {
		stub(at)
		j.stubs[len(j.stubs)-1].resume = resume
	}
}

// jitEmitStub emits out-of-line code and points its jump at it.
func (h *Hart) jitEmitStub(s *jitStub, base uintptr) {
	a := &h.jit.a
	a.Patch(s.from, a.Len())
	switch s.kind {
	case stubLoad, stubStore, stubAtomic:
		// RAX holds a load's or store's address, RSI a store's value. The
		// count excludes this instruction; resuming at the main line,
		// which counts it, first takes back what the stub added.
		exit := int32(exitLoad)
		switch s.kind {
		case stubLoad:
			a.Store(ctxField(offVA), x86.RAX)
		case stubStore:
			a.Store(ctxField(offVA), x86.RAX)
			a.Store(ctxField(offVal), x86.RSI)
			exit = exitStore
		case stubAtomic:
			in := &s.in
			a.MovImm(x86.RCX, int64(in.op)|int64(in.rd)<<8|int64(in.rs1)<<16|int64(in.rs2)<<24|int64(in.rs3)<<32|int64(in.len)<<40)
			a.Store(ctxField(offVal), x86.RCX)
			exit = exitAtomic
		}
		a.Store32Imm(ctxField(offIdx), int32(s.slot))
		a.Store32Imm(ctxField(offInfo), int32(s.in.op)|int32(s.in.rd)<<8|int32(s.in.len)<<16)
		resume := s.resume
		if s.pending != 0 {
			a.ALUImm(x86.ADD, rN, s.pending)
			// The resume entry: take back the stub's addition, then
			// continue on the main line.
			skip := a.Jmp()
			entry := a.Len()
			a.ALUImm(x86.SUB, rN, s.pending)
			back := a.Jmp()
			a.Patch(back, s.resume)
			a.Patch(skip, a.Len())
			resume = entry
		}
		a.MovImm(x86.RCX, int64(base)+int64(resume))
		a.Store(ctxField(offResume), x86.RCX)
		a.Store32Imm(ctxField(offExit), exit)
		a.Ret()
	case stubBackEdge:
		a.ALU(x86.CMP, rN, rBudget)
		out1 := a.Jcc(x86.AE)
		a.Load(x86.RAX, ctxField(offIRQ))
		a.ALUMemImm32(x86.CMP, x86.Mem{Base: x86.RAX}, 0)
		out2 := a.Jcc(x86.NE)
		if s.interp {
			h.jitNextCode(uint64(s.slot))
		} else if at := a.Jmp(); s.abs != 0 {
			a.Patch(at, int(int64(s.abs)-int64(base)))
		} else {
			h.jit.fix = append(h.jit.fix, jitFixup{at: at, slot: s.slot})
		}
		a.Patch(out1, a.Len())
		a.Patch(out2, a.Len())
		// Spent or interrupted: back to the interpreter, which stops.
		a.Load(x86.RAX, ctxField(offVbase))
		h.jitAddImm(x86.RAX, int64(s.slot)*2)
		exitLeaveRAX(a)
	case stubLeave:
		h.jitLeaveCode(s.pcOff, base)
	case stubNext:
		h.jitNextCode(uint64(s.slot))
	}
}

// jitNextCode emits an exit to the interpreter at slot idx (the count is
// current).
func (h *Hart) jitNextCode(idx uint64) {
	a := &h.jit.a
	a.Store32Imm(ctxField(offIdx), int32(idx))
	a.Store32Imm(ctxField(offExit), exitNext)
	a.Ret()
}

// jitLeaveCode emits a transfer to pc vbase+pcOff in another page (the
// count is current): through the dispatcher.
func (h *Hart) jitLeaveCode(pcOff int64, base uintptr) {
	a := &h.jit.a
	a.Load(x86.RAX, ctxField(offVbase))
	h.jitAddImm(x86.RAX, pcOff)
	h.jitDispatch(base)
}

// jitDispatch emits a jump to the dispatcher, with the target pc in RAX.
func (h *Hart) jitDispatch(base uintptr) {
	a := &h.jit.a
	at := a.Jmp()
	a.Patch(at, int(int64(uintptr(unsafe.Pointer(&h.jit.arena[0])))-int64(base)))
}

// emitDispatcher emits the code that continues at the guest pc in RAX
// without leaving translated code, when it can: if the budget is not
// spent, no interrupt is pending, the instruction TLB holds a current
// translation of the pc's page (the interpreter's inline hit test) and
// the pc's slot there is a head, it sets vbase and jumps to the head's
// code; otherwise it exits (exitLeave) and the interpreter's outer loop
// takes over. Go calls and returns cross pages every few dozen
// instructions, so this is most transfers out of a page.
func emitDispatcher(a *x86.Asm) {
	var e itlbEntry
	var in inst
	const rEnt, rPage = x86.RDX, x86.RSI
	var out []int
	a.ALU(x86.CMP, rN, rBudget)
	out = append(out, a.Jcc(x86.AE))
	a.Load(x86.RCX, ctxField(offIRQ))
	a.ALUMemImm32(x86.CMP, x86.Mem{Base: x86.RCX}, 0)
	out = append(out, a.Jcc(x86.NE))
	// The entry: &itlb[vpn % itlbSize].
	a.Mov(x86.RCX, x86.RAX)
	a.ShiftImm(x86.SHR, x86.RCX, pageShift)
	a.Mov32(rEnt, x86.RCX)
	a.ALUImm32(x86.AND, rEnt, itlbSize-1)
	if unsafe.Sizeof(e) != 48 {
		panic("riscv: itlbEntry is not 48 bytes")
	}
	a.Lea(rEnt, x86.Mem{Base: rEnt, Index: rEnt, Scale: 2})
	a.ShiftImm(x86.SHL, rEnt, 4)
	a.ALULoad(x86.ADD, rEnt, ctxField(offITLB))
	a.ALULoad(x86.CMP, x86.RCX, x86.Mem{Base: rEnt, Disp: int32(unsafe.Offsetof(e.tag))})
	out = append(out, a.Jcc(x86.NE))
	a.Load(rPage, x86.Mem{Base: rEnt, Disp: int32(unsafe.Offsetof(e.genp))})
	a.Load32U(rPage, x86.Mem{Base: rPage})
	a.ALULoad32(x86.CMP, rPage, x86.Mem{Base: rEnt, Disp: int32(unsafe.Offsetof(e.gen))})
	out = append(out, a.Jcc(x86.NE))
	// The slot: cp.insts[(pc % PageSize) / 2].
	a.Load(rPage, x86.Mem{Base: rEnt, Disp: int32(unsafe.Offsetof(e.cp))})
	if unsafe.Offsetof(codePage{}.insts) != 0 || unsafe.Sizeof(in) != 16 {
		panic("riscv: codePage or inst layout changed")
	}
	a.Mov32(x86.RCX, x86.RAX)
	a.ALUImm32(x86.AND, x86.RCX, PageSize-1)
	a.ShiftImm32(x86.SHL, x86.RCX, 3) // (pc%PageSize)/2 * 16
	a.Load8U(rEnt, x86.Mem{Base: rPage, Index: x86.RCX, Scale: 1, Disp: int32(unsafe.Offsetof(in.op))})
	a.ALUImm32(x86.CMP, rEnt, opJIT)
	out = append(out, a.Jcc(x86.NE))
	a.Load(rPage, x86.Mem{Base: rPage, Index: x86.RCX, Scale: 1, Disp: int32(unsafe.Offsetof(in.imm))})
	a.ALUImm(x86.AND, x86.RAX, -PageSize)
	a.Store(ctxField(offVbase), x86.RAX)
	a.JmpReg(rPage)
	for _, at := range out {
		a.Patch(at, a.Len())
	}
	exitLeaveRAX(a)
}

// exitLeaveRAX emits an exit to the interpreter's outer loop at the pc in
// RAX.
func exitLeaveRAX(a *x86.Asm) {
	a.Store(ctxField(offVA), x86.RAX)
	a.Store32Imm(ctxField(offExit), exitLeave)
	a.Ret()
}
