package mm

import (
	"errors"
	"fmt"

	"sos/internal/riscv"
)

// PageTable is a RISC-V Sv39 or Sv48 page table living in guest frames.
// Entries are read and written with atomic operations, because harts walk
// the table (and set Accessed/Dirty bits) while the kernel edits it. The
// caller serialises edits (AddressSpace holds its lock).
type PageTable struct {
	ft     *FrameTable
	mem    *riscv.Memory
	mode   int // riscv.SatpSv39 or riscv.SatpSv48
	levels int
	root   uint64 // physical address of the root table
}

// ErrBadAddress means a virtual address is outside the page table's range.
var ErrBadAddress = errors.New("virtual address out of range")

// NewPageTable allocates an empty page table of the given mode.
func NewPageTable(ft *FrameTable, mode int) (*PageTable, error) {
	levels := 0
	switch mode {
	case riscv.SatpSv39:
		levels = 3
	case riscv.SatpSv48:
		levels = 4
	default:
		return nil, fmt.Errorf("mm: unsupported satp mode %d", mode)
	}
	root, err := ft.Alloc(FramePageTable)
	if err != nil {
		return nil, err
	}
	return &PageTable{ft: ft, mem: ft.Memory(), mode: mode, levels: levels, root: root}, nil
}

// Satp returns the satp value that selects this table.
func (pt *PageTable) Satp(asid uint16) uint64 { return riscv.MakeSatp(pt.mode, asid, pt.root) }

// Mode returns the table's satp mode.
func (pt *PageTable) Mode() int { return pt.mode }

// UserTop returns the end of the user half of the address space: 256 GiB
// under Sv39, 128 TiB under Sv48.
func (pt *PageTable) UserTop() uint64 { return 1 << (12 + 9*pt.levels - 1) }

// PTEAddr walks to the level-0 entry for va and returns its physical
// address, allocating intermediate tables if alloc is set. It returns 0 if
// the entry does not exist (or a superpage maps va).
func (pt *PageTable) PTEAddr(va uint64, alloc bool) (uint64, error) {
	if va >= pt.UserTop() {
		return 0, ErrBadAddress
	}
	a := pt.root
	for level := pt.levels - 1; level > 0; level-- {
		e := a + (va>>(12+9*uint(level))&0x1ff)*8
		pte, _ := pt.mem.Load64(e)
		switch {
		case pte&riscv.PteV == 0:
			if !alloc {
				return 0, nil
			}
			frame, err := pt.ft.Alloc(FramePageTable)
			if err != nil {
				return 0, err
			}
			pte = frame>>12<<10 | riscv.PteV
			pt.mem.Store64(e, pte)
		case pte&(riscv.PteR|riscv.PteX) != 0:
			return 0, nil // a superpage leaf
		}
		a = pte >> 10 << 12
	}
	return a + (va>>12&0x1ff)*8, nil
}

// Map maps the 4 KiB page at va to the frame at pa with the PTE permission
// bits perm (R, W, X, U, and A/D if they should start set).
func (pt *PageTable) Map(va, pa, perm uint64) error {
	e, err := pt.PTEAddr(va, true)
	if err != nil {
		return err
	}
	if e == 0 {
		return fmt.Errorf("mm: %#x is inside a superpage", va)
	}
	pt.mem.Store64(e, pa>>12<<10|perm|riscv.PteV)
	return nil
}

// Lookup returns the leaf entry mapping the 4 KiB page at va.
func (pt *PageTable) Lookup(va uint64) (pte uint64, ok bool) {
	e, err := pt.PTEAddr(va, false)
	if err != nil || e == 0 {
		return 0, false
	}
	pte, _ = pt.mem.Load64(e)
	return pte, pte&riscv.PteV != 0
}

// PhysAddr returns the physical address va maps to, ignoring permissions.
func (pt *PageTable) PhysAddr(va uint64) (uint64, bool) {
	pte, ok := pt.Lookup(va)
	if !ok {
		return 0, false
	}
	return PTEFrame(pte) | va&(riscv.PageSize-1), true
}

// PTEFrame returns the physical address of the frame a leaf PTE maps.
func PTEFrame(pte uint64) uint64 { return pte >> 10 << 12 }

// Walk calls fn for every valid leaf entry mapping a page in [start, end),
// in address order, with the entry's physical address, skipping empty
// parts of the tree.
func (pt *PageTable) Walk(start, end uint64, fn func(va, pteAddr, pte uint64)) {
	end = min(end, pt.UserTop())
	if start >= end {
		return
	}
	pt.walk(pt.root, pt.levels-1, 0, start, end, fn)
}

func (pt *PageTable) walk(table uint64, level int, base, start, end uint64, fn func(va, pteAddr, pte uint64)) {
	span := uint64(1) << (12 + 9*uint(level))
	first := uint64(0)
	if start > base {
		first = (start - base) / span
	}
	for i := first; i < 512; i++ {
		va := base + i*span
		if va >= end {
			return
		}
		e := table + i*8
		pte, _ := pt.mem.Load64(e)
		if pte&riscv.PteV == 0 {
			continue
		}
		if level == 0 || pte&(riscv.PteR|riscv.PteX) != 0 {
			fn(va, e, pte)
			continue
		}
		pt.walk(PTEFrame(pte), level-1, va, start, end, fn)
	}
}

// Destroy frees the page-table pages. Leaf frames are the caller's: it
// must have released them first.
func (pt *PageTable) Destroy() {
	pt.destroy(pt.root, pt.levels-1)
	pt.root = 0
}

func (pt *PageTable) destroy(table uint64, level int) {
	if level > 0 {
		for i := uint64(0); i < 512; i++ {
			pte, _ := pt.mem.Load64(table + i*8)
			if pte&riscv.PteV != 0 && pte&(riscv.PteR|riscv.PteX) == 0 {
				pt.destroy(PTEFrame(pte), level-1)
			}
		}
	}
	pt.ft.DecRef(table)
}

// Write copies data into the address space at va, ignoring permissions.
// Every page must be mapped.
func (pt *PageTable) Write(va uint64, data []byte) error {
	for len(data) > 0 {
		pa, ok := pt.PhysAddr(va)
		if !ok {
			return fmt.Errorf("mm: write to unmapped address %#x", va)
		}
		n := min(uint64(len(data)), riscv.PageSize-va%riscv.PageSize)
		copy(pt.mem.Bytes(pa, n), data[:n])
		pt.mem.Invalidate(pa, n)
		data, va = data[n:], va+n
	}
	return nil
}

// Read copies from the address space at va into buf, ignoring
// permissions. It returns the number of bytes copied before an unmapped
// page.
func (pt *PageTable) Read(va uint64, buf []byte) int {
	done := 0
	for done < len(buf) {
		pa, ok := pt.PhysAddr(va)
		if !ok {
			break
		}
		n := min(uint64(len(buf)-done), riscv.PageSize-va%riscv.PageSize)
		copy(buf[done:], pt.mem.Bytes(pa, n))
		done += int(n)
		va += n
	}
	return done
}
