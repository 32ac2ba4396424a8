package riscv

import (
	"math/bits"
	"sync/atomic"
	"unsafe"
)

// Run executes ctx on the hart, in user mode under the hart's current satp,
// until a trap or until about budget instructions have retired (the
// budget is checked at control transfers, so it may be overshot by the
// length of a straight run of code). It returns the trap; ctx then holds
// the state at the trapping instruction (ctx.PC = trap.PC).
func (h *Hart) Run(ctx *Context, budget uint64) Trap {
	h.setRunning(true)
	copy(h.x[:32], ctx.X[:])
	h.x[0] = 0
	h.f = &ctx.F
	h.fflags = ctx.FCSR & 0x1f
	h.frm = ctx.FCSR >> 5 & 7
	h.res.valid = false
	h.instret = ctx.Instret

	t, n := h.execute(ctx.PC, budget)

	copy(ctx.X[:], h.x[:32])
	ctx.X[0] = 0
	ctx.PC = t.PC
	ctx.FCSR = h.frm<<5 | h.fflags
	ctx.Instret += n
	h.f = nil
	h.setRunning(false)
	return t
}

// execute is the interpreter. The outer loop finds the decoded page holding
// pc; the inner loop runs instructions from that page, by slot index, until
// control leaves the page or a trap or the budget stops it. It returns the
// trap and the number of instructions retired.
//
//go:norace
func (h *Hart) execute(pc, budget uint64) (Trap, uint64) {
	x := &h.x
	var n uint64
	// The operands of a load or store that missed the fast path.
	var memVA, memVal uint64
	var memSize int
	// crossing is set when the instruction at pc straddles two pages and
	// has been decoded into the scratch page, which runs it next.
	crossing := false
	var cond bool // the outcome of a conditional branch
	for {
		if n >= budget {
			return Trap{Cause: Budget, PC: pc}, n
		}
		if h.irq.Load() != 0 && h.serviceIRQ() {
			return Trap{Cause: Interrupted, PC: pc}, n
		}
		// The inner loop changes only idx and n: keeping cp, vbase and vpn
		// fixed in it keeps them out of the compiler's loop-carried state.
		var cp *codePage
		var vbase, vpn uint64
		if crossing {
			cp, vbase, vpn = h.scratch, pc, ^uint64(0)
			crossing = false
		} else {
			vbase, vpn = pc&^(PageSize-1), pc>>pageShift
			// The instruction TLB's hit path, inline: calls and returns
			// to other pages come through here every few dozen
			// instructions.
			if e := &h.itlb[vpn%itlbSize]; e.tag == vpn && e.gen == atomic.LoadUint32(e.genp) {
				cp = e.cp
			} else {
				var cause Cause
				var ok bool
				cp, cause, ok = h.fetchPage(pc)
				if !ok {
					return Trap{Cause: cause, PC: pc, Tval: pc}, n
				}
			}
		}
		idx := (pc - vbase) >> 1
		if h.jit.on && cp.insts[idx].op != opJIT && cp != h.scratch {
			h.jitEnter(cp, idx)
		}

	inner:
		for {
			// idx is at most slotsPerPage (the sentinel): every way of
			// setting it keeps it in the page or on the sentinel, so the
			// slot is in the array without a bounds check.
			in := (*inst)(unsafe.Add(unsafe.Pointer(&cp.insts), uintptr(idx)*unsafe.Sizeof(inst{})))
			n++
			switch in.op {
			case opDecode:
				n--
				ncp, t, ok := h.decodeSlot(cp, vbase, idx)
				if !ok {
					return t, n
				}
				if ncp != cp {
					// An instruction straddling two pages runs from the
					// scratch page, then execution leaves it.
					pc, crossing = vbase+idx*2, true
					break inner
				}
				continue
			case opPageEnd, opExit:
				n--
				pc = vbase + idx*2
				break inner
			case opIllegal:
				return Trap{Cause: IllegalInst, PC: vbase + idx*2, Tval: uint64(in.imm)}, n - 1
			case opJIT:
				kind, arg, nn, t := h.jitRun(uintptr(in.imm), vbase, n-1, budget)
				n = nn
				switch kind {
				case exitNext:
					idx = arg
					continue
				case exitLeave:
					pc = arg
					break inner
				}
				return t, n

			case opLUI:
				x[in.rd&63] = uint64(in.imm)
			case opAUIPC:
				x[in.rd&63] = vbase + idx*2 + uint64(in.imm)
			case opJAL:
				x[in.rd&63] = vbase + idx*2 + uint64(in.len)*2
				if in.tgt >= 0 {
					t := uint64(in.tgt)
					if t <= idx && (n >= budget || h.irq.Load() != 0) {
						pc = vbase + t*2
						break inner
					}
					idx = t
					continue
				}
				pc = vbase + idx*2 + uint64(in.imm)
				break inner
			case opJALR:
				t := (x[in.rs1&63] + uint64(in.imm)) &^ 1
				x[in.rd&63] = vbase + idx*2 + uint64(in.len)*2
				if t>>pageShift == vpn && n < budget && h.irq.Load() == 0 {
					idx = (t & (PageSize - 1)) >> 1
					continue
				}
				pc = t
				break inner

			// A conditional branch in the page selects the next slot
			// without a host branch on the guest's condition (see
			// branch: below).
			case opBEQ:
				cond = x[in.rs1&63] == x[in.rs2&63]
				goto branch
			case opBNE:
				cond = x[in.rs1&63] != x[in.rs2&63]
				goto branch
			case opBLT:
				cond = int64(x[in.rs1&63]) < int64(x[in.rs2&63])
				goto branch
			case opBGE:
				cond = int64(x[in.rs1&63]) >= int64(x[in.rs2&63])
				goto branch
			case opBLTU:
				cond = x[in.rs1&63] < x[in.rs2&63]
				goto branch
			case opBGEU:
				cond = x[in.rs1&63] >= x[in.rs2&63]
				goto branch

			case opBEQFar:
				if x[in.rs1&63] == x[in.rs2&63] {
					goto takenFar
				}
			case opBNEFar:
				if x[in.rs1&63] != x[in.rs2&63] {
					goto takenFar
				}
			case opBLTFar:
				if int64(x[in.rs1&63]) < int64(x[in.rs2&63]) {
					goto takenFar
				}
			case opBGEFar:
				if int64(x[in.rs1&63]) >= int64(x[in.rs2&63]) {
					goto takenFar
				}
			case opBLTUFar:
				if x[in.rs1&63] < x[in.rs2&63] {
					goto takenFar
				}
			case opBGEUFar:
				if x[in.rs1&63] >= x[in.rs2&63] {
					goto takenFar
				}

			// Loads and stores: the TLB fast path inline, one shared slow
			// path (below the switch) for TLB misses, page crossings and
			// faults.
			case opLB:
				memVA = x[in.rs1&63] + uint64(in.imm)
				if p := h.rptr(memVA, 1); p != nil {
					x[in.rd&63] = uint64(*(*int8)(p))
					break
				}
				memSize = 1
				goto loadSlow
			case opLBU:
				memVA = x[in.rs1&63] + uint64(in.imm)
				if p := h.rptr(memVA, 1); p != nil {
					x[in.rd&63] = uint64(*(*uint8)(p))
					break
				}
				memSize = 1
				goto loadSlow
			case opLH:
				memVA = x[in.rs1&63] + uint64(in.imm)
				if p := h.rptr(memVA, 2); p != nil {
					x[in.rd&63] = uint64(*(*int16)(p))
					break
				}
				memSize = 2
				goto loadSlow
			case opLHU:
				memVA = x[in.rs1&63] + uint64(in.imm)
				if p := h.rptr(memVA, 2); p != nil {
					x[in.rd&63] = uint64(*(*uint16)(p))
					break
				}
				memSize = 2
				goto loadSlow
			case opLW:
				memVA = x[in.rs1&63] + uint64(in.imm)
				if p := h.rptr(memVA, 4); p != nil {
					x[in.rd&63] = uint64(*(*int32)(p))
					break
				}
				memSize = 4
				goto loadSlow
			case opLWU:
				memVA = x[in.rs1&63] + uint64(in.imm)
				if p := h.rptr(memVA, 4); p != nil {
					x[in.rd&63] = uint64(*(*uint32)(p))
					break
				}
				memSize = 4
				goto loadSlow
			case opLD:
				memVA = x[in.rs1&63] + uint64(in.imm)
				if p := h.rptr(memVA, 8); p != nil {
					x[in.rd&63] = *(*uint64)(p)
					break
				}
				memSize = 8
				goto loadSlow
			case opFLW:
				memVA = x[in.rs1&63] + uint64(in.imm)
				if p := h.rptr(memVA, 4); p != nil {
					h.f[in.rd&31] = boxed | uint64(*(*uint32)(p))
					break
				}
				memSize = 4
				goto loadSlow
			case opFLD:
				memVA = x[in.rs1&63] + uint64(in.imm)
				if p := h.rptr(memVA, 8); p != nil {
					h.f[in.rd&31] = *(*uint64)(p)
					break
				}
				memSize = 8
				goto loadSlow

			case opSB:
				memVA, memVal = x[in.rs1&63]+uint64(in.imm), x[in.rs2&63]
				if p := h.wptr(memVA, 1); p != nil {
					*(*uint8)(p) = uint8(memVal)
					break
				}
				memSize = 1
				goto storeSlow
			case opSH:
				memVA, memVal = x[in.rs1&63]+uint64(in.imm), x[in.rs2&63]
				if p := h.wptr(memVA, 2); p != nil {
					*(*uint16)(p) = uint16(memVal)
					break
				}
				memSize = 2
				goto storeSlow
			case opSW:
				memVA, memVal = x[in.rs1&63]+uint64(in.imm), x[in.rs2&63]
				if p := h.wptr(memVA, 4); p != nil {
					*(*uint32)(p) = uint32(memVal)
					break
				}
				memSize = 4
				goto storeSlow
			case opSD:
				memVA, memVal = x[in.rs1&63]+uint64(in.imm), x[in.rs2&63]
				if p := h.wptr(memVA, 8); p != nil {
					*(*uint64)(p) = memVal
					break
				}
				memSize = 8
				goto storeSlow
			case opFSW:
				memVA, memVal = x[in.rs1&63]+uint64(in.imm), h.f[in.rs2&31]
				if p := h.wptr(memVA, 4); p != nil {
					*(*uint32)(p) = uint32(memVal)
					break
				}
				memSize = 4
				goto storeSlow
			case opFSD:
				memVA, memVal = x[in.rs1&63]+uint64(in.imm), h.f[in.rs2&31]
				if p := h.wptr(memVA, 8); p != nil {
					*(*uint64)(p) = memVal
					break
				}
				memSize = 8
				goto storeSlow

			case opADDI:
				x[in.rd&63] = x[in.rs1&63] + uint64(in.imm)
			case opSLTI:
				x[in.rd&63] = b2u(int64(x[in.rs1&63]) < in.imm)
			case opSLTIU:
				x[in.rd&63] = b2u(x[in.rs1&63] < uint64(in.imm))
			case opXORI:
				x[in.rd&63] = x[in.rs1&63] ^ uint64(in.imm)
			case opORI:
				x[in.rd&63] = x[in.rs1&63] | uint64(in.imm)
			case opANDI:
				x[in.rd&63] = x[in.rs1&63] & uint64(in.imm)
			case opSLLI:
				x[in.rd&63] = x[in.rs1&63] << (in.imm & 63)
			case opSRLI:
				x[in.rd&63] = x[in.rs1&63] >> (in.imm & 63)
			case opSRAI:
				x[in.rd&63] = uint64(int64(x[in.rs1&63]) >> (in.imm & 63))
			case opADDIW:
				x[in.rd&63] = sext32(uint32(x[in.rs1&63]) + uint32(in.imm))
			case opSLLIW:
				x[in.rd&63] = sext32(uint32(x[in.rs1&63]) << (in.imm & 31))
			case opSRLIW:
				x[in.rd&63] = sext32(uint32(x[in.rs1&63]) >> (in.imm & 31))
			case opSRAIW:
				x[in.rd&63] = uint64(int64(int32(x[in.rs1&63]) >> (in.imm & 31)))

			case opADD:
				x[in.rd&63] = x[in.rs1&63] + x[in.rs2&63]
			case opSUB:
				x[in.rd&63] = x[in.rs1&63] - x[in.rs2&63]
			case opSLL:
				x[in.rd&63] = x[in.rs1&63] << (x[in.rs2&63] & 63)
			case opSLT:
				x[in.rd&63] = b2u(int64(x[in.rs1&63]) < int64(x[in.rs2&63]))
			case opSLTU:
				x[in.rd&63] = b2u(x[in.rs1&63] < x[in.rs2&63])
			case opXOR:
				x[in.rd&63] = x[in.rs1&63] ^ x[in.rs2&63]
			case opSRL:
				x[in.rd&63] = x[in.rs1&63] >> (x[in.rs2&63] & 63)
			case opSRA:
				x[in.rd&63] = uint64(int64(x[in.rs1&63]) >> (x[in.rs2&63] & 63))
			case opOR:
				x[in.rd&63] = x[in.rs1&63] | x[in.rs2&63]
			case opAND:
				x[in.rd&63] = x[in.rs1&63] & x[in.rs2&63]
			case opADDW:
				x[in.rd&63] = sext32(uint32(x[in.rs1&63]) + uint32(x[in.rs2&63]))
			case opSUBW:
				x[in.rd&63] = sext32(uint32(x[in.rs1&63]) - uint32(x[in.rs2&63]))
			case opSLLW:
				x[in.rd&63] = sext32(uint32(x[in.rs1&63]) << (x[in.rs2&63] & 31))
			case opSRLW:
				x[in.rd&63] = sext32(uint32(x[in.rs1&63]) >> (x[in.rs2&63] & 31))
			case opSRAW:
				x[in.rd&63] = uint64(int64(int32(x[in.rs1&63]) >> (x[in.rs2&63] & 31)))

			case opMUL:
				x[in.rd&63] = x[in.rs1&63] * x[in.rs2&63]
			case opMULH:
				x[in.rd&63] = mulh(x[in.rs1&63], x[in.rs2&63])
			case opMULHSU:
				x[in.rd&63] = mulhsu(x[in.rs1&63], x[in.rs2&63])
			case opMULHU:
				x[in.rd&63], _ = bits.Mul64(x[in.rs1&63], x[in.rs2&63])
			case opDIV:
				x[in.rd&63] = div(x[in.rs1&63], x[in.rs2&63])
			case opDIVU:
				x[in.rd&63] = divu(x[in.rs1&63], x[in.rs2&63])
			case opREM:
				x[in.rd&63] = rem(x[in.rs1&63], x[in.rs2&63])
			case opREMU:
				x[in.rd&63] = remu(x[in.rs1&63], x[in.rs2&63])
			case opMULW:
				x[in.rd&63] = sext32(uint32(x[in.rs1&63]) * uint32(x[in.rs2&63]))
			case opDIVW:
				x[in.rd&63] = divw(x[in.rs1&63], x[in.rs2&63])
			case opDIVUW:
				x[in.rd&63] = divuw(x[in.rs1&63], x[in.rs2&63])
			case opREMW:
				x[in.rd&63] = remw(x[in.rs1&63], x[in.rs2&63])
			case opREMUW:
				x[in.rd&63] = remuw(x[in.rs1&63], x[in.rs2&63])

			case opADDUW:
				x[in.rd&63] = uint64(uint32(x[in.rs1&63])) + x[in.rs2&63]
			case opSH1ADD:
				x[in.rd&63] = x[in.rs1&63]<<1 + x[in.rs2&63]
			case opSH2ADD:
				x[in.rd&63] = x[in.rs1&63]<<2 + x[in.rs2&63]
			case opSH3ADD:
				x[in.rd&63] = x[in.rs1&63]<<3 + x[in.rs2&63]
			case opSH1ADDUW:
				x[in.rd&63] = uint64(uint32(x[in.rs1&63]))<<1 + x[in.rs2&63]
			case opSH2ADDUW:
				x[in.rd&63] = uint64(uint32(x[in.rs1&63]))<<2 + x[in.rs2&63]
			case opSH3ADDUW:
				x[in.rd&63] = uint64(uint32(x[in.rs1&63]))<<3 + x[in.rs2&63]
			case opSLLIUW:
				x[in.rd&63] = uint64(uint32(x[in.rs1&63])) << (in.imm & 63)

			case opANDN:
				x[in.rd&63] = x[in.rs1&63] &^ x[in.rs2&63]
			case opORN:
				x[in.rd&63] = x[in.rs1&63] | ^x[in.rs2&63]
			case opXNOR:
				x[in.rd&63] = ^(x[in.rs1&63] ^ x[in.rs2&63])
			case opCLZ:
				x[in.rd&63] = uint64(bits.LeadingZeros64(x[in.rs1&63]))
			case opCLZW:
				x[in.rd&63] = uint64(bits.LeadingZeros32(uint32(x[in.rs1&63])))
			case opCTZ:
				x[in.rd&63] = uint64(bits.TrailingZeros64(x[in.rs1&63]))
			case opCTZW:
				x[in.rd&63] = uint64(bits.TrailingZeros32(uint32(x[in.rs1&63])))
			case opCPOP:
				x[in.rd&63] = uint64(bits.OnesCount64(x[in.rs1&63]))
			case opCPOPW:
				x[in.rd&63] = uint64(bits.OnesCount32(uint32(x[in.rs1&63])))
			case opMAX:
				x[in.rd&63] = uint64(max(int64(x[in.rs1&63]), int64(x[in.rs2&63])))
			case opMAXU:
				x[in.rd&63] = max(x[in.rs1&63], x[in.rs2&63])
			case opMIN:
				x[in.rd&63] = uint64(min(int64(x[in.rs1&63]), int64(x[in.rs2&63])))
			case opMINU:
				x[in.rd&63] = min(x[in.rs1&63], x[in.rs2&63])
			case opSEXTB:
				x[in.rd&63] = uint64(int8(x[in.rs1&63]))
			case opSEXTH:
				x[in.rd&63] = uint64(int16(x[in.rs1&63]))
			case opZEXTH:
				x[in.rd&63] = uint64(uint16(x[in.rs1&63]))
			case opROL:
				x[in.rd&63] = bits.RotateLeft64(x[in.rs1&63], int(x[in.rs2&63]&63))
			case opROLW:
				x[in.rd&63] = sext32(bits.RotateLeft32(uint32(x[in.rs1&63]), int(x[in.rs2&63]&31)))
			case opROR:
				x[in.rd&63] = bits.RotateLeft64(x[in.rs1&63], -int(x[in.rs2&63]&63))
			case opRORI:
				x[in.rd&63] = bits.RotateLeft64(x[in.rs1&63], -int(in.imm&63))
			case opRORIW:
				x[in.rd&63] = sext32(bits.RotateLeft32(uint32(x[in.rs1&63]), -int(in.imm&31)))
			case opRORW:
				x[in.rd&63] = sext32(bits.RotateLeft32(uint32(x[in.rs1&63]), -int(x[in.rs2&63]&31)))
			case opORCB:
				x[in.rd&63] = orcb(x[in.rs1&63])
			case opREV8:
				x[in.rd&63] = bits.ReverseBytes64(x[in.rs1&63])

			case opBCLR:
				x[in.rd&63] = x[in.rs1&63] &^ (1 << (x[in.rs2&63] & 63))
			case opBCLRI:
				x[in.rd&63] = x[in.rs1&63] &^ (1 << (in.imm & 63))
			case opBEXT:
				x[in.rd&63] = x[in.rs1&63] >> (x[in.rs2&63] & 63) & 1
			case opBEXTI:
				x[in.rd&63] = x[in.rs1&63] >> (in.imm & 63) & 1
			case opBINV:
				x[in.rd&63] = x[in.rs1&63] ^ (1 << (x[in.rs2&63] & 63))
			case opBINVI:
				x[in.rd&63] = x[in.rs1&63] ^ (1 << (in.imm & 63))
			case opBSET:
				x[in.rd&63] = x[in.rs1&63] | (1 << (x[in.rs2&63] & 63))
			case opBSETI:
				x[in.rd&63] = x[in.rs1&63] | (1 << (in.imm & 63))

			case opFENCE:
				if in.rs3 != 0 {
					h.fenceVar.Add(1) // a locked instruction: a full barrier
				}
			case opFENCEI:
				h.flushICache()
				pc = vbase + idx*2 + uint64(in.len)*2
				break inner
			case opECALL:
				return Trap{Cause: EcallU, PC: vbase + idx*2}, n - 1
			case opEBREAK:
				pc = vbase + idx*2
				return Trap{Cause: Breakpoint, PC: pc, Tval: pc}, n - 1
			case opCSR:
				if !h.csr(in, n) {
					return Trap{Cause: IllegalInst, PC: vbase + idx*2, Tval: h.instBits(vbase + idx*2)}, n - 1
				}

			case opLRW, opLRD, opSCW, opSCD, opAMOW, opAMOD:
				if cause, ok := h.atomic(in); !ok {
					return Trap{Cause: cause, PC: vbase + idx*2, Tval: x[in.rs1&63]}, n - 1
				}

			default:
				if !h.execFP(in) {
					return Trap{Cause: IllegalInst, PC: vbase + idx*2, Tval: h.instBits(vbase + idx*2)}, n - 1
				}
			}
			if in.len == 2 {
				idx += 2
				continue
			}
			idx++
			continue

		branch:
			// An in-page conditional branch; cond says whether it is
			// taken. Measured: selecting the next slot beats a host branch
			// on the condition (one branch site shared by every guest
			// branch predicts poorly). The budget and interrupts are
			// checked at every one, so a loop cannot outrun them.
			{
				next := idx + uint64(in.len)
				if cond {
					next = uint64(in.tgt)
				}
				idx = next
			}
			if n >= budget || h.irq.Load() != 0 {
				pc = vbase + idx*2
				break inner
			}
			continue

		takenFar:
			pc = vbase + idx*2 + uint64(in.imm)
			break inner

		loadSlow:
			if v, cause, ok := h.loadSlow(memVA, memSize); !ok {
				return Trap{Cause: cause, PC: vbase + idx*2, Tval: memVA}, n - 1
			} else {
				h.writeLoad(in, v)
			}
			idx += uint64(in.len)
			continue

		storeSlow:
			if code, cause, ok := h.storeSlow(memVA, memVal, memSize); !ok {
				return Trap{Cause: cause, PC: vbase + idx*2, Tval: memVA}, n - 1
			} else if code {
				// The store changed instructions this hart may have
				// decoded: fetch afresh.
				pc = vbase + idx*2 + uint64(in.len)*2
				break inner
			}
			idx += uint64(in.len)
		}
	}
}

// writeLoad writes a value a slow-path load returned to the load's
// destination, extended as the load requires.
func (h *Hart) writeLoad(in *inst, v uint64) {
	r := &h.x[in.rd&63]
	switch in.op {
	case opLB:
		*r = uint64(int8(v))
	case opLH:
		*r = uint64(int16(v))
	case opLW:
		*r = uint64(int32(v))
	case opLBU, opLHU, opLWU, opLD:
		*r = v
	case opFLW:
		h.f[in.rd&31] = boxed | v
	case opFLD:
		h.f[in.rd&31] = v
	}
}

// boxed is the upper half of a NaN-boxed single-precision value.
const boxed = 0xffffffff_00000000

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

func sext32(v uint32) uint64 { return uint64(int64(int32(v))) }

func mulh(a, b uint64) uint64 {
	hi, _ := bits.Mul64(a, b)
	if int64(a) < 0 {
		hi -= b
	}
	if int64(b) < 0 {
		hi -= a
	}
	return hi
}

func mulhsu(a, b uint64) uint64 {
	hi, _ := bits.Mul64(a, b)
	if int64(a) < 0 {
		hi -= b
	}
	return hi
}

// Division never traps on RISC-V: by zero it gives all ones (remainder:
// the dividend); the one signed overflow gives the dividend (remainder 0).
// Go's integer division already gives those overflow results.

func div(a, b uint64) uint64 {
	if b == 0 {
		return ^uint64(0)
	}
	return uint64(int64(a) / int64(b))
}

func divu(a, b uint64) uint64 {
	if b == 0 {
		return ^uint64(0)
	}
	return a / b
}

func rem(a, b uint64) uint64 {
	if b == 0 {
		return a
	}
	return uint64(int64(a) % int64(b))
}

func remu(a, b uint64) uint64 {
	if b == 0 {
		return a
	}
	return a % b
}

func divw(a, b uint64) uint64 {
	if int32(b) == 0 {
		return ^uint64(0)
	}
	return uint64(int64(int32(a) / int32(b)))
}

func divuw(a, b uint64) uint64 {
	if uint32(b) == 0 {
		return ^uint64(0)
	}
	return sext32(uint32(a) / uint32(b))
}

func remw(a, b uint64) uint64 {
	if int32(b) == 0 {
		return sext32(uint32(a))
	}
	return uint64(int64(int32(a) % int32(b)))
}

func remuw(a, b uint64) uint64 {
	if uint32(b) == 0 {
		return sext32(uint32(a))
	}
	return sext32(uint32(a) % uint32(b))
}

func orcb(v uint64) uint64 {
	var r uint64
	for i := 0; i < 64; i += 8 {
		if v>>i&0xff != 0 {
			r |= 0xff << i
		}
	}
	return r
}

// instBits re-reads the instruction at pc for an illegal-instruction trap's
// tval (0 if it cannot be read).
func (h *Hart) instBits(pc uint64) uint64 {
	lo, _, ok := h.fetchParcel(pc)
	if !ok {
		return 0
	}
	if lo&3 != 3 {
		return uint64(lo)
	}
	hi, _, ok := h.fetchParcel(pc + 2)
	if !ok {
		return 0
	}
	return uint64(lo) | uint64(hi)<<16
}
