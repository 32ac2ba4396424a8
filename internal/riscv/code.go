package riscv

import "sync/atomic"

// Decoded instructions.
//
// Each hart keeps, per physical page it has executed from, an array of
// decoded instructions with one slot per halfword (compressed instructions
// may start at any even address), filled lazily the first time the slot is
// executed. Slot slotsPerPage is a sentinel that continues execution on the
// next page. The arrays are per hart, so no locking is needed to fill them.
//
// Coherence with stores: while any hart holds decoded instructions of a
// page, Memory.hot marks the page and harts do not install fast-path store
// translations for it, so every store to it takes the slow path, which bumps
// the page's generation (Memory.gen). A hart compares a page's generation
// whenever it enters the page, and after its own store to a code page it
// leaves the page at once: self-modifying code on one hart works even
// without fence.i, as it does on qemu. Another hart may keep running stale
// instructions until it next enters the page or executes fence.i, which the
// architecture allows; fence.i drops all of a hart's decoded pages.

const slotsPerPage = PageSize / 2

type codePage struct {
	insts [slotsPerPage + 1]inst
	ppi   uint64  // physical page index (Memory-relative), ^0 for scratch
	gen   uint32  // Memory.gen[ppi] when decoded
	hits  uint32  // entries at slots not yet translated (jit.go)
	genp  *uint32 // &Memory.gen[ppi], for the interpreter's fast check
	// cross caches the decoded 32-bit instruction that starts in the
	// page's last halfword and ends in the next page, valid while that
	// next page is the frame cross.ppi at generation cross.gen.
	cross struct {
		valid bool
		ppi   uint64
		gen   uint32
		in    inst
	}
}

func newCodePage(ppi uint64) *codePage {
	cp := &codePage{ppi: ppi}
	cp.insts[slotsPerPage] = inst{op: opPageEnd}
	return cp
}

// reset forgets every decoded slot.
func (cp *codePage) reset(gen uint32) {
	clear(cp.insts[:slotsPerPage])
	cp.cross.valid = false
	cp.gen = gen
	cp.hits = 0
}

// valid reports whether the page's decoded instructions are still current.
func (cp *codePage) valid(m *Memory) bool {
	return cp.gen == atomic.LoadUint32(&m.gen[cp.ppi])
}

// codePageFor returns the hart's decoded page for physical page ppi, which
// the hart is about to execute from.
func (h *Hart) codePageFor(ppi uint64) *codePage {
	m := h.mem
	// Mark the page hot before reading its generation, so a store that
	// misses the mark is one the generation check catches.
	if atomic.LoadUint32(&m.hot[ppi]) == 0 {
		atomic.StoreUint32(&m.hot[ppi], 1)
	}
	gen := atomic.LoadUint32(&m.gen[ppi])
	cp := h.code[ppi]
	switch {
	case cp == nil:
		if len(h.code) >= maxCodePages {
			h.flushICache()
		}
		cp = newCodePage(ppi)
		cp.gen, cp.genp = gen, &m.gen[ppi]
		h.code[ppi] = cp
	case cp.gen != gen:
		cp.reset(gen)
	default:
		return cp
	}
	// Decoding starts afresh: this hart's fast-path store translations for
	// the page, installed before it was hot, must go so that its own
	// stores to the page are seen.
	pa := m.base + ppi<<pageShift
	for i := range h.tinfo {
		if h.tinfo[i].pa == pa {
			h.tlb[i].wtag = noTag
		}
	}
	return cp
}

// fetchPage returns the decoded page holding pc, translating pc for
// execution if needed. A fault is returned with the address that faulted.
func (h *Hart) fetchPage(pc uint64) (*codePage, Cause, bool) {
	vpn := pc >> pageShift
	e := &h.itlb[vpn%itlbSize]
	if e.tag == vpn && e.cp.valid(h.mem) {
		return e.cp, 0, true
	}
	t, cause, ok := Translate(h.mem, h.satp, pc, Exec)
	if !ok {
		return nil, cause, false
	}
	cp := h.codePageFor((t.PA - h.mem.base) >> pageShift)
	*e = itlbEntry{tag: vpn, cp: cp, gen: cp.gen, genp: cp.genp}
	if t.Level > 0 {
		size := uint64(PageSize) << (9 * uint(t.Level))
		e.vbase, e.size = pc&^(size-1), size
		h.superEntries++
	}
	return cp, 0, true
}

// fetchParcel reads the 16-bit instruction parcel at pc through the MMU.
func (h *Hart) fetchParcel(pc uint64) (uint16, Cause, bool) {
	t, cause, ok := Translate(h.mem, h.satp, pc, Exec)
	if !ok {
		return 0, cause, false
	}
	return uint16(h.mem.read(t.PA, 2)), 0, true
}

// decodeSlot decodes the instruction at slot of cp, whose first byte is at
// virtual address vbase, into the slot. An instruction that crosses into
// the next page is decoded into the scratch page instead, and
// decodeSlot returns the scratch page: its instructions are not cached,
// because the next page's mapping may change.
func (h *Hart) decodeSlot(cp *codePage, vbase uint64, slot uint64) (*codePage, Trap, bool) {
	pc := vbase + slot*2
	// cp is the page holding pc, so its bytes are read by physical address.
	base := h.mem.base + cp.ppi<<pageShift
	lo := uint16(h.mem.read(base+slot*2, 2))
	if lo&3 != 3 {
		in := decode16(lo)
		setTarget(&in, slot)
		cp.insts[slot] = in
		return cp, Trap{}, true
	}
	if slot < slotsPerPage-1 {
		hi := uint16(h.mem.read(base+slot*2+2, 2))
		in := decode32(uint32(lo) | uint32(hi)<<16)
		setTarget(&in, slot)
		cp.insts[slot] = in
		return cp, Trap{}, true
	}
	// The instruction straddles two pages. Its decoded form is cached in
	// cp, keyed by the frame and generation of the second page.
	cp2, cause, ok := h.fetchPage(pc + 2)
	if !ok {
		return nil, Trap{Cause: cause, PC: pc, Tval: pc + 2}, false
	}
	c := &cp.cross
	if !c.valid || c.ppi != cp2.ppi || c.gen != cp2.gen {
		hi := uint16(h.mem.read(h.mem.base+cp2.ppi<<pageShift, 2))
		c.in = decode32(uint32(lo) | uint32(hi)<<16)
		setTarget(&c.in, 1<<20) // no target is in the scratch page
		c.valid, c.ppi, c.gen = true, cp2.ppi, cp2.gen
	}
	s := h.scratch
	s.insts[0] = c.in
	s.insts[1] = inst{op: opExit}
	s.insts[2] = inst{op: opExit}
	return s, Trap{}, true
}

// setTarget records the in-page slot of a pc-relative branch target, and
// turns a conditional branch whose target is in another page into its
// Far form.
func setTarget(in *inst, slot uint64) {
	switch in.op {
	case opJAL, opBEQ, opBNE, opBLT, opBGE, opBLTU, opBGEU:
		t := int64(slot)*2 + in.imm
		if t >= 0 && t < PageSize {
			in.tgt = int16(t / 2)
		} else if in.op != opJAL {
			in.op += opBEQFar - opBEQ
		}
	}
}
