package riscv

import (
	"sync/atomic"
	"unsafe"
)

// The A extension. Every atomic is a host atomic on guest physical memory,
// so it is atomic with respect to harts running on other host threads.
// SC succeeds if the reservation is for the same physical address and the
// word still holds the value LR read (a compare-and-swap, as qemu does it):
// an intervening store of the same value is not noticed, which RVWMO
// programs cannot tell apart from an SC that happened first.

// atomicPtr translates va for an atomic access of size bytes, returning
// the host pointer and physical address: through the TLB when it holds
// the page, else by a walk that fills it.
func (h *Hart) atomicPtr(va, size uint64, acc Access) (unsafe.Pointer, uint64, Cause, bool) {
	if va&(size-1) != 0 {
		if acc == Read {
			return nil, 0, LoadMisaligned, false
		}
		return nil, 0, StoreMisaligned, false
	}
	var p unsafe.Pointer
	if acc == Read {
		p = h.rptr(va, size)
	} else {
		p = h.wptr(va, size)
	}
	if p != nil {
		return p, h.tinfo[tlbIndex(va>>pageShift)].pa | va&(PageSize-1), 0, true
	}
	pa, cause, ok := h.fill(va, acc)
	if !ok {
		return nil, 0, cause, false
	}
	return unsafe.Pointer(&h.mem.ram[pa-h.mem.base]), pa, 0, true
}

// atomic executes LR, SC or an AMO.
func (h *Hart) atomic(in *inst) (Cause, bool) {
	x := &h.x
	va := x[in.rs1&63]
	switch in.op {
	case opLRW, opLRD:
		size := uint64(4)
		if in.op == opLRD {
			size = 8
		}
		p, pa, cause, ok := h.atomicPtr(va, size, Read)
		if !ok {
			return cause, false
		}
		var v uint64
		if size == 4 {
			v = sext32(atomic.LoadUint32((*uint32)(p)))
		} else {
			v = atomic.LoadUint64((*uint64)(p))
		}
		h.res = reservation{valid: true, addr: pa, val: v}
		x[in.rd&63] = v
		return 0, true

	case opSCW, opSCD:
		size := uint64(4)
		if in.op == opSCD {
			size = 8
		}
		if va&(size-1) != 0 {
			return StoreMisaligned, false
		}
		valid := h.res.valid
		h.res.valid = false
		if !valid {
			x[in.rd&63] = 1
			return 0, true
		}
		p, pa, cause, ok := h.atomicPtr(va, size, Write)
		if !ok {
			return cause, false
		}
		success := pa == h.res.addr
		if success {
			if size == 4 {
				success = atomic.CompareAndSwapUint32((*uint32)(p), uint32(h.res.val), uint32(x[in.rs2&63]))
			} else {
				success = atomic.CompareAndSwapUint64((*uint64)(p), h.res.val, x[in.rs2&63])
			}
		}
		if success {
			h.wroteCode(pa)
			x[in.rd&63] = 0
		} else {
			x[in.rd&63] = 1
		}
		return 0, true

	case opAMOW:
		p, pa, cause, ok := h.atomicPtr(va, 4, Write)
		if !ok {
			return cause, false
		}
		old := amo32((*uint32)(p), in.rs3, uint32(x[in.rs2&63]))
		h.wroteCode(pa)
		x[in.rd&63] = sext32(old)
		return 0, true

	default: // opAMOD
		p, pa, cause, ok := h.atomicPtr(va, 8, Write)
		if !ok {
			return cause, false
		}
		old := amo64((*uint64)(p), in.rs3, x[in.rs2&63])
		h.wroteCode(pa)
		x[in.rd&63] = old
		return 0, true
	}
}

// AMO funct5 values.
const (
	amoAdd  = 0x00
	amoSwap = 0x01
	amoXor  = 0x04
	amoOr   = 0x08
	amoAnd  = 0x0c
	amoMin  = 0x10
	amoMax  = 0x14
	amoMinu = 0x18
	amoMaxu = 0x1c
)

func amo64(p *uint64, f5 uint8, v uint64) uint64 {
	switch f5 {
	case amoAdd:
		return atomic.AddUint64(p, v) - v
	case amoSwap:
		return atomic.SwapUint64(p, v)
	case amoOr:
		return atomic.OrUint64(p, v)
	case amoAnd:
		return atomic.AndUint64(p, v)
	}
	for {
		old := atomic.LoadUint64(p)
		var nv uint64
		switch f5 {
		case amoXor:
			nv = old ^ v
		case amoMin:
			nv = uint64(min(int64(old), int64(v)))
		case amoMax:
			nv = uint64(max(int64(old), int64(v)))
		case amoMinu:
			nv = min(old, v)
		default: // amoMaxu
			nv = max(old, v)
		}
		if atomic.CompareAndSwapUint64(p, old, nv) {
			return old
		}
	}
}

func amo32(p *uint32, f5 uint8, v uint32) uint32 {
	switch f5 {
	case amoAdd:
		return atomic.AddUint32(p, v) - v
	case amoSwap:
		return atomic.SwapUint32(p, v)
	case amoOr:
		return atomic.OrUint32(p, v)
	case amoAnd:
		return atomic.AndUint32(p, v)
	}
	for {
		old := atomic.LoadUint32(p)
		var nv uint32
		switch f5 {
		case amoXor:
			nv = old ^ v
		case amoMin:
			nv = uint32(min(int32(old), int32(v)))
		case amoMax:
			nv = uint32(max(int32(old), int32(v)))
		case amoMinu:
			nv = min(old, v)
		default: // amoMaxu
			nv = max(old, v)
		}
		if atomic.CompareAndSwapUint32(p, old, nv) {
			return old
		}
	}
}
