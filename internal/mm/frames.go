// Package mm manages guest physical memory for the kernel: the frame
// table, RISC-V page tables, and address spaces (regions, demand paging,
// copy-on-write, user-memory access). It depends only on the CPU's memory
// and page-table definitions (package riscv), never on the kernel above it.
package mm

import (
	"errors"
	"sync"

	"sos/internal/riscv"
)

// ErrNoMemory means no free frame was left.
var ErrNoMemory = errors.New("out of physical memory")

// FrameUse says what a frame holds.
type FrameUse uint8

const (
	FrameFree      FrameUse = iota
	FrameUser               // a page of user memory
	FramePageTable          // a page-table page
	FrameKernel             // kernel data (the signal trampoline)
)

// frame is the frame table's record of one physical page.
type frame struct {
	use  FrameUse
	refs int32 // mappings (and other owners); see DecRef
	pins int32 // I/O in progress on the frame; see Pin
	// ref is the reference history the pager reads: one bit per scan,
	// newest in bit 0, from the Accessed bits of the frame's mappings.
	ref uint8
}

// FrameTable hands out the frames (physical pages) of guest memory and
// keeps, per frame, its use, its reference count and its reference history.
type FrameTable struct {
	mem *riscv.Memory

	mu     sync.Mutex // guards the fields below
	free   []uint32   // free frame numbers (relative to the memory base), a stack
	frames []frame
}

// NewFrameTable returns a frame table owning all of mem.
func NewFrameTable(mem *riscv.Memory) *FrameTable {
	n := mem.Size() / riscv.PageSize
	ft := &FrameTable{mem: mem, free: make([]uint32, 0, n), frames: make([]frame, n)}
	// Push in reverse so that low frames are handed out first.
	for f := n; f > 0; f-- {
		ft.free = append(ft.free, uint32(f-1))
	}
	return ft
}

// Memory returns the memory the frames belong to.
func (ft *FrameTable) Memory() *riscv.Memory { return ft.mem }

func (ft *FrameTable) index(pa uint64) uint32 {
	return uint32((pa - ft.mem.Base()) / riscv.PageSize)
}

// Alloc returns the physical address of a zeroed frame for use, with one
// reference.
func (ft *FrameTable) Alloc(use FrameUse) (uint64, error) {
	ft.mu.Lock()
	if len(ft.free) == 0 {
		ft.mu.Unlock()
		return 0, ErrNoMemory
	}
	f := ft.free[len(ft.free)-1]
	ft.free = ft.free[:len(ft.free)-1]
	ft.frames[f] = frame{use: use, refs: 1}
	ft.mu.Unlock()

	pa := ft.mem.Base() + uint64(f)*riscv.PageSize
	clear(ft.mem.Page(pa))
	ft.mem.Invalidate(pa, riscv.PageSize)
	return pa, nil
}

// IncRef adds a reference to the frame at pa (another mapping of it, or a
// pin while I/O uses it).
func (ft *FrameTable) IncRef(pa uint64) {
	ft.mu.Lock()
	f := &ft.frames[ft.index(pa)]
	if f.use == FrameFree {
		ft.mu.Unlock()
		panic("mm: reference to a free frame") // a kernel bug
	}
	f.refs++
	ft.mu.Unlock()
}

// DecRef drops a reference to the frame at pa, freeing it with the last.
func (ft *FrameTable) DecRef(pa uint64) {
	i := ft.index(pa)
	ft.mu.Lock()
	defer ft.mu.Unlock()
	f := &ft.frames[i]
	if f.use == FrameFree || f.refs <= 0 {
		panic("mm: freeing a frame that is not allocated") // a kernel bug
	}
	f.refs--
	ft.maybeFree(i)
}

// maybeFree frees frame i once nothing refers to it or pins it.
func (ft *FrameTable) maybeFree(i uint32) {
	f := &ft.frames[i]
	if f.refs == 0 && f.pins == 0 {
		*f = frame{}
		ft.free = append(ft.free, i)
	}
}

// Pin keeps the frame at pa allocated while I/O uses it, without counting
// as a mapping (so copy-on-write decisions are not disturbed).
func (ft *FrameTable) Pin(pa uint64) {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	f := &ft.frames[ft.index(pa)]
	if f.use == FrameFree {
		panic("mm: pinning a free frame") // a kernel bug
	}
	f.pins++
}

// Unpin ends a Pin, freeing the frame if it was unmapped meanwhile.
func (ft *FrameTable) Unpin(pa uint64) {
	i := ft.index(pa)
	ft.mu.Lock()
	defer ft.mu.Unlock()
	f := &ft.frames[i]
	if f.pins <= 0 {
		panic("mm: unpinning a frame that is not pinned") // a kernel bug
	}
	f.pins--
	ft.maybeFree(i)
}

// Free drops the only reference to a frame.
func (ft *FrameTable) Free(pa uint64) { ft.DecRef(pa) }

// Refs returns the number of references (not pins) to the frame at pa.
func (ft *FrameTable) Refs(pa uint64) int {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	return int(ft.frames[ft.index(pa)].refs)
}

// Stats returns the number of frames in use and free.
func (ft *FrameTable) Stats() (used, free int) {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	return len(ft.frames) - len(ft.free), len(ft.free)
}

// Total returns the number of frames.
func (ft *FrameTable) Total() int { return len(ft.frames) }
