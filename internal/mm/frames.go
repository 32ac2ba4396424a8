// Package mm manages guest physical memory for the kernel: the frame table
// and RISC-V page tables. It depends only on the CPU's memory and
// page-table definitions (package riscv), never on the kernel above it.
package mm

import (
	"errors"
	"sync"

	"sos/internal/riscv"
)

// ErrNoMemory means no free frame was left.
var ErrNoMemory = errors.New("out of physical memory")

// FrameTable hands out the frames (physical pages) of guest memory.
type FrameTable struct {
	mem *riscv.Memory

	mu   sync.Mutex // guards the fields below
	free []uint32   // free frame numbers (relative to the memory base), a stack
	used []bool     // used[f]: frame f is allocated
}

// NewFrameTable returns a frame table owning all of mem.
func NewFrameTable(mem *riscv.Memory) *FrameTable {
	n := mem.Size() / riscv.PageSize
	ft := &FrameTable{mem: mem, free: make([]uint32, 0, n), used: make([]bool, n)}
	// Push in reverse so that low frames are handed out first.
	for f := n; f > 0; f-- {
		ft.free = append(ft.free, uint32(f-1))
	}
	return ft
}

// Memory returns the memory the frames belong to.
func (ft *FrameTable) Memory() *riscv.Memory { return ft.mem }

// Alloc returns the physical address of a zeroed frame.
func (ft *FrameTable) Alloc() (uint64, error) {
	ft.mu.Lock()
	if len(ft.free) == 0 {
		ft.mu.Unlock()
		return 0, ErrNoMemory
	}
	f := ft.free[len(ft.free)-1]
	ft.free = ft.free[:len(ft.free)-1]
	ft.used[f] = true
	ft.mu.Unlock()

	pa := ft.mem.Base() + uint64(f)*riscv.PageSize
	clear(ft.mem.Page(pa))
	ft.mem.Invalidate(pa, riscv.PageSize)
	return pa, nil
}

// Free returns the frame at physical address pa to the free list.
func (ft *FrameTable) Free(pa uint64) {
	f := uint32((pa - ft.mem.Base()) / riscv.PageSize)
	ft.mu.Lock()
	defer ft.mu.Unlock()
	if int(f) >= len(ft.used) || !ft.used[f] {
		panic("mm: freeing a frame that is not allocated") // a kernel bug
	}
	ft.used[f] = false
	ft.free = append(ft.free, f)
}

// Stats returns the number of frames in use and free.
func (ft *FrameTable) Stats() (used, free int) {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	return len(ft.used) - len(ft.free), len(ft.free)
}
