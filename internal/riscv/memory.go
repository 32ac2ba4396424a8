package riscv

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync/atomic"
	"unsafe"
)

// PageSize is the size of a base page, in bytes.
const PageSize = 4096

const pageShift = 12

// Memory is guest physical memory: one byte slice at a fixed physical base
// address, shared by every hart of a machine. Besides the bytes it keeps,
// per physical page, what the harts' decoded-instruction caches need to
// stay coherent with stores (see code.go).
//
// Harts access it concurrently from several host threads. Ordinary guest
// loads and stores are plain host loads and stores (the host, amd64 or
// arm64, is at least as strongly ordered as RVWMO once fences are honoured);
// atomics, page-table entries and the code-page bookkeeping use sync/atomic.
type Memory struct {
	ram  []byte
	base uint64 // physical address of ram[0]; page aligned
	end  uint64 // base + len(ram)

	// hot[p] is 1 while some hart holds decoded instructions for physical
	// page p (relative to base). Stores to hot pages take the slow path,
	// which invalidates the decoded copies by bumping gen[p].
	hot []uint32
	gen []uint32
}

// NewMemory returns size bytes of zeroed guest physical memory starting at
// physical address base. Both must be multiples of PageSize.
func NewMemory(base, size uint64) (*Memory, error) {
	if base%PageSize != 0 || size%PageSize != 0 || size == 0 {
		return nil, errors.New("riscv: memory base and size must be non-zero multiples of the page size")
	}
	if base+size < base {
		return nil, errors.New("riscv: memory range overflows")
	}
	ram, err := allocRAM(size)
	if err != nil {
		return nil, fmt.Errorf("riscv: allocating %d bytes of guest memory: %w", size, err)
	}
	pages := size / PageSize
	return &Memory{
		ram:  ram,
		base: base,
		end:  base + size,
		hot:  make([]uint32, pages),
		gen:  make([]uint32, pages),
	}, nil
}

// Close releases the host memory behind m. No hart may use m afterwards.
func (m *Memory) Close() {
	if m.ram != nil {
		freeRAM(m.ram)
		m.ram = nil
	}
}

// Base returns the physical address of the first byte of memory.
func (m *Memory) Base() uint64 { return m.base }

// Size returns the size of memory in bytes.
func (m *Memory) Size() uint64 { return m.end - m.base }

// Contains reports whether the n bytes at physical address pa are all in
// memory.
func (m *Memory) Contains(pa, n uint64) bool {
	return pa >= m.base && pa-m.base <= uint64(len(m.ram)) && n <= uint64(len(m.ram))-(pa-m.base)
}

// Bytes returns the n bytes at physical address pa as a slice aliasing
// guest memory, or nil if they are not all in memory. Writing through the
// slice does not invalidate decoded instructions; callers that may write
// code (the loader, a pager reading a page in) call Invalidate afterwards.
func (m *Memory) Bytes(pa, n uint64) []byte {
	if !m.Contains(pa, n) {
		return nil
	}
	off := pa - m.base
	return m.ram[off : off+n : off+n]
}

// Page returns the page-sized slice of memory holding physical address pa,
// or nil if pa is not in memory.
func (m *Memory) Page(pa uint64) []byte {
	return m.Bytes(pa&^(PageSize-1), PageSize)
}

// Invalidate makes every hart re-decode instructions from the physical
// pages overlapping [pa, pa+n) the next time it fetches from them. Call it
// after writing guest memory from the host (loading a program, paging in,
// copy-on-write), as a DMA engine would snoop the instruction caches.
func (m *Memory) Invalidate(pa, n uint64) {
	if n == 0 || !m.Contains(pa, 1) {
		return
	}
	first := (pa - m.base) >> pageShift
	last := (min(pa+n, m.end) - 1 - m.base) >> pageShift
	for p := first; p <= last; p++ {
		m.invalidatePage(p)
	}
}

func (m *Memory) invalidatePage(p uint64) {
	if atomic.LoadUint32(&m.hot[p]) != 0 {
		atomic.StoreUint32(&m.hot[p], 0)
		atomic.AddUint32(&m.gen[p], 1)
	}
}

// Load64 atomically loads the naturally aligned doubleword at pa. It is how
// the MMU and the kernel read page-table entries that other harts may be
// updating.
func (m *Memory) Load64(pa uint64) (uint64, bool) {
	if pa&7 != 0 || !m.Contains(pa, 8) {
		return 0, false
	}
	return atomic.LoadUint64(m.ptr64(pa)), true
}

// Store64 atomically stores the naturally aligned doubleword at pa.
func (m *Memory) Store64(pa, v uint64) bool {
	if pa&7 != 0 || !m.Contains(pa, 8) {
		return false
	}
	atomic.StoreUint64(m.ptr64(pa), v)
	return true
}

// CompareAndSwap64 atomically replaces the naturally aligned doubleword at
// pa with new if it holds old. It is how the MMU sets Accessed and Dirty
// bits, and how a kernel clears them without losing a concurrent update.
func (m *Memory) CompareAndSwap64(pa, old, new uint64) bool {
	if pa&7 != 0 || !m.Contains(pa, 8) {
		return false
	}
	return atomic.CompareAndSwapUint64(m.ptr64(pa), old, new)
}

func (m *Memory) ptr64(pa uint64) *uint64 {
	return (*uint64)(unsafe.Pointer(&m.ram[pa-m.base]))
}

func (m *Memory) ptr32(pa uint64) *uint32 {
	return (*uint32)(unsafe.Pointer(&m.ram[pa-m.base]))
}

// hostPage returns a pointer to the first byte of the page holding pa,
// which must be in memory.
func (m *Memory) hostPage(pa uint64) unsafe.Pointer {
	return unsafe.Pointer(&m.ram[(pa&^(PageSize-1))-m.base])
}

// read and write are the byte-order helpers for slow paths.
//
// Functions that access guest memory on behalf of guest instructions are
// marked go:norace: guest programs on different harts race on their memory
// as they please (that is RVWMO's business, not a bug in SOS), and the race
// detector must stay useful for the kernel's own data.
//
//go:norace
func (m *Memory) read(pa uint64, size int) uint64 {
	b := m.ram[pa-m.base:]
	switch size {
	case 1:
		return uint64(b[0])
	case 2:
		return uint64(binary.LittleEndian.Uint16(b))
	case 4:
		return uint64(binary.LittleEndian.Uint32(b))
	default:
		return binary.LittleEndian.Uint64(b)
	}
}

//go:norace
func (m *Memory) write(pa uint64, size int, v uint64) {
	b := m.ram[pa-m.base:]
	switch size {
	case 1:
		b[0] = byte(v)
	case 2:
		binary.LittleEndian.PutUint16(b, uint16(v))
	case 4:
		binary.LittleEndian.PutUint32(b, uint32(v))
	default:
		binary.LittleEndian.PutUint64(b, v)
	}
}
