package riscv

import (
	"sync/atomic"
	"unsafe"
)

// Data accesses: the per-hart TLB's fast path, and the slow paths that
// walk page tables, fill the TLB, cross page boundaries and keep decoded
// instructions coherent.

// rptr returns a host pointer to the size bytes at va if the TLB holds a
// load translation for va's page and the bytes do not cross into the next
// page; otherwise nil. It is small enough to be inlined into the
// interpreter loop.
func (h *Hart) rptr(va, size uint64) unsafe.Pointer {
	e := &h.tlb[tlbIndex(va>>pageShift)]
	if e.rtag == va>>pageShift && va&(PageSize-1) <= PageSize-size {
		return unsafe.Add(e.host, va&(PageSize-1))
	}
	return nil
}

// wptr is rptr for stores: the translation must be writable, already
// dirty, and of a page that holds no decoded instructions.
func (h *Hart) wptr(va, size uint64) unsafe.Pointer {
	e := &h.tlb[tlbIndex(va>>pageShift)]
	if e.wtag == va>>pageShift && va&(PageSize-1) <= PageSize-size {
		return unsafe.Add(e.host, va&(PageSize-1))
	}
	return nil
}

// fill translates va for acc and installs the translation in the TLB,
// returning the physical address of va.
func (h *Hart) fill(va uint64, acc Access) (uint64, Cause, bool) {
	t, cause, ok := Translate(h.mem, h.satp, va, acc)
	if !ok {
		return 0, cause, false
	}
	m := h.mem
	vpn := va >> pageShift
	pa := t.PA &^ (PageSize - 1)
	i := tlbIndex(vpn)
	e := &h.tlb[i]
	*e = tlbEntry{rtag: noTag, wtag: noTag, host: m.hostPage(pa)}
	h.tinfo[i] = tlbInfo{pa: pa}
	tag := vpn
	if t.PTE&PteR != 0 {
		e.rtag = tag
	}
	if t.PTE&(PteW|PteD) == PteW|PteD && atomic.LoadUint32(&m.hot[(pa-m.base)>>pageShift]) == 0 {
		e.wtag = tag
	}
	if t.Level > 0 {
		size := uint64(PageSize) << (9 * uint(t.Level))
		h.tinfo[i].vbase, h.tinfo[i].size = va&^(size-1), size
		h.superEntries++
	}
	return t.PA, 0, true
}

// loadSlow loads size bytes (1, 2, 4 or 8) at va when the fast path missed.
//
//go:norace
func (h *Hart) loadSlow(va uint64, size int) (uint64, Cause, bool) {
	off := va & (PageSize - 1)
	if off+uint64(size) <= PageSize {
		pa, cause, ok := h.fill(va, Read)
		if !ok {
			return 0, cause, false
		}
		return h.mem.read(pa, size), 0, true
	}
	// Misaligned across a page boundary: translate both pages first, so a
	// fault in either leaves nothing half done, then gather the bytes.
	first := int(PageSize - off)
	pa0, cause, ok := h.fill(va, Read)
	if !ok {
		return 0, cause, false
	}
	pa1, cause, ok := h.fill(va+uint64(first), Read)
	if !ok {
		return 0, cause, false
	}
	var v uint64
	for i := 0; i < size; i++ {
		pa := pa0 + uint64(i)
		if i >= first {
			pa = pa1 + uint64(i-first)
		}
		v |= h.mem.read(pa, 1) << (8 * i)
	}
	return v, 0, true
}

// storeSlow stores the low size bytes of v at va when the fast path
// missed. code reports that the store hit a page holding decoded
// instructions, which the caller must stop executing.
//
//go:norace
func (h *Hart) storeSlow(va, v uint64, size int) (code bool, cause Cause, ok bool) {
	m := h.mem
	off := va & (PageSize - 1)
	if off+uint64(size) <= PageSize {
		pa, cause, ok := h.fill(va, Write)
		if !ok {
			return false, cause, false
		}
		m.write(pa, size, v)
		return h.wroteCode(pa), 0, true
	}
	first := int(PageSize - off)
	pa0, cause, ok := h.fill(va, Write)
	if !ok {
		return false, cause, false
	}
	pa1, cause, ok := h.fill(va+uint64(first), Write)
	if !ok {
		return false, cause, false
	}
	for i := 0; i < size; i++ {
		pa := pa0 + uint64(i)
		if i >= first {
			pa = pa1 + uint64(i-first)
		}
		m.write(pa, 1, v>>(8*i))
	}
	c0, c1 := h.wroteCode(pa0), h.wroteCode(pa1)
	return c0 || c1, 0, true
}

// wroteCode invalidates decoded copies of the page holding pa after a
// store to it, reporting whether there were any.
func (h *Hart) wroteCode(pa uint64) bool {
	m := h.mem
	p := (pa - m.base) >> pageShift
	if atomic.LoadUint32(&m.hot[p]) == 0 {
		return false
	}
	m.invalidatePage(p)
	return true
}
