package mm

import (
	"errors"
	"io"
	"slices"
	"sync"

	"sos/internal/abi"
	"sos/internal/riscv"
)

// Address spaces.
//
// An AddressSpace is a sorted list of regions (program segments, heap,
// stack, mmap areas) over a page table. Nothing is mapped eagerly: a page
// fault in a valid region allocates a frame, fills it (zeros, file data,
// or the page of a shared object) and maps it; a fault outside every
// region, or against its permissions, is reported to the kernel as a
// segmentation fault. Private writable pages are shared copy-on-write
// after fork: both sides map the frame read-only, and the first write
// copies it (or, if the other side has let go, just makes it writable).
//
// Locking: mu guards the region list and every change to the page table.
// Harts walk the table without the lock, so entries are written
// atomically, and an entry is never weakened (unmapped, made read-only or
// pointed at another frame) without a TLB shoot-down through Flush before
// the old frame is released.

// Prot is a region's access permissions, the bits of mmap's PROT_*.
type Prot uint8

const (
	ProtRead  Prot = abi.PROT_READ
	ProtWrite Prot = abi.PROT_WRITE
	ProtExec  Prot = abi.PROT_EXEC
)

func (p Prot) String() string {
	b := []byte("---")
	if p&ProtRead != 0 {
		b[0] = 'r'
	}
	if p&ProtWrite != 0 {
		b[1] = 'w'
	}
	if p&ProtExec != 0 {
		b[2] = 'x'
	}
	return string(b)
}

// Backing is the file behind a file mapping. If it also implements
// RefCounted, every region holding it owns one reference: Map takes over
// the caller's, and splitting, forking and unmapping regions add and drop
// references.
type Backing interface {
	io.ReaderAt
}

// RefCounted is implemented by backings that must be released.
type RefCounted interface {
	IncRef()
	DecRef()
}

func holdBacking(r *Region) {
	if rc, ok := r.File.(RefCounted); ok {
		rc.IncRef()
	}
}

func dropBacking(r *Region) {
	if rc, ok := r.File.(RefCounted); ok {
		rc.DecRef()
	}
}

// Mapping describes a region to create.
type Mapping struct {
	Prot   Prot
	Shared bool    // MAP_SHARED: writes are seen by every mapping of the same memory
	File   Backing // nil for anonymous memory
	Offset uint64  // file offset of the region's first byte
	// FileSize is how many bytes of the region come from the file; the
	// rest reads as zeros (an ELF segment's bss). 0 means the whole region.
	FileSize uint64
	Name     string // for /proc/PID/maps: a path, "[heap]", "[stack]"...
	Dev, Ino uint64 // for /proc/PID/maps
}

// Region is a mapped range of the address space.
type Region struct {
	Start, End uint64 // page aligned
	Mapping
	obj    *sharedObject // the pages of a shared anonymous mapping
	objOff uint64        // page index of Start within obj
}

// sharedObject holds the frames of MAP_SHARED anonymous memory, so every
// mapping of it (after fork, or after a split) finds the same pages.
type sharedObject struct {
	mu    sync.Mutex
	pages map[uint64]uint64 // page index -> frame
	refs  int               // regions referring to it
}

// Fault is a segmentation fault: an access outside every region
// (SEGV_MAPERR) or against a region's permissions (SEGV_ACCERR).
type Fault struct {
	Addr uint64
	Code int // abi.SEGV_MAPERR or abi.SEGV_ACCERR
}

func (f *Fault) Error() string {
	if f.Code == abi.SEGV_ACCERR {
		return "access to a page without permission"
	}
	return "access outside every mapping"
}

// AddressSpace is a process's virtual memory.
type AddressSpace struct {
	ft  *FrameTable
	mem *riscv.Memory
	pt  *PageTable

	// Flush shoots down translations on every hart that may hold this
	// address space's; the kernel sets it. It must not take mu.
	Flush func(kind riscv.FlushKind, va uint64)

	mu       sync.Mutex // guards the fields below and page-table changes
	regions  []*Region  // sorted by Start, not overlapping
	brkStart uint64
	brk      uint64
	mmapTop  uint64 // mmap places regions below this, top down
	rss      int    // pages mapped
	released bool
}

// Layout constants.
const (
	// StackSize is the size of the main thread's stack region (RLIMIT_STACK).
	StackSize = 8 << 20
	// stackGap separates the mmap area from the stack.
	stackGap = 128 << 20
	// mmapFloor is the lowest address mmap chooses by itself.
	mmapFloor = 0x10000
)

// NewAddressSpace returns an empty address space with a page table of the
// given satp mode.
func NewAddressSpace(ft *FrameTable, mode int) (*AddressSpace, error) {
	pt, err := NewPageTable(ft, mode)
	if err != nil {
		return nil, err
	}
	as := &AddressSpace{ft: ft, mem: ft.Memory(), pt: pt}
	as.mmapTop = as.StackTop() - StackSize - stackGap
	return as, nil
}

// Satp returns the satp value selecting this address space.
func (as *AddressSpace) Satp() uint64 { return as.pt.Satp(0) }

// PageTable returns the address space's page table.
func (as *AddressSpace) PageTable() *PageTable { return as.pt }

// StackTop is the address just above the main thread's stack: the top of
// the user address range, less a guard page.
func (as *AddressSpace) StackTop() uint64 { return as.pt.UserTop() - riscv.PageSize }

// UserTop is the end of the user address range.
func (as *AddressSpace) UserTop() uint64 { return as.pt.UserTop() }

func (as *AddressSpace) flush(kind riscv.FlushKind, va uint64) {
	if as.Flush != nil {
		as.Flush(kind, va)
	}
}

// flushRange shoots down [start, end): page by page if short, else all.
func (as *AddressSpace) flushRange(start, end uint64) {
	if end-start > 32*riscv.PageSize {
		as.flush(riscv.FlushAllKind, 0)
		return
	}
	for va := start; va < end; va += riscv.PageSize {
		as.flush(riscv.FlushPageKind, va)
	}
}

func pageDown(v uint64) uint64 { return v &^ (riscv.PageSize - 1) }
func pageUp(v uint64) uint64   { return (v + riscv.PageSize - 1) &^ (riscv.PageSize - 1) }

// find returns the region containing va, or nil.
func (as *AddressSpace) find(va uint64) *Region {
	i, found := slices.BinarySearchFunc(as.regions, va, func(r *Region, va uint64) int {
		switch {
		case r.End <= va:
			return -1
		case r.Start > va:
			return 1
		}
		return 0
	})
	if !found {
		return nil
	}
	return as.regions[i]
}

// overlaps reports whether any region intersects [start, end).
func (as *AddressSpace) overlaps(start, end uint64) bool {
	for _, r := range as.regions {
		if r.Start < end && start < r.End {
			return true
		}
	}
	return false
}

// insert adds r, keeping the list sorted.
func (as *AddressSpace) insert(r *Region) {
	i, _ := slices.BinarySearchFunc(as.regions, r.Start, func(x *Region, s uint64) int {
		if x.Start < s {
			return -1
		}
		if x.Start > s {
			return 1
		}
		return 0
	})
	as.regions = slices.Insert(as.regions, i, r)
}

// Map creates a region of length bytes with mapping m. With fixed, the
// region is placed at addr, replacing whatever was there (or, with
// noReplace, failing with EEXIST); otherwise addr is a hint and the region
// goes there if free, else in the highest free gap below the stack. It
// returns the region's start.
func (as *AddressSpace) Map(addr, length uint64, m Mapping, fixed, noReplace bool) (uint64, error) {
	if length == 0 {
		return 0, abi.EINVAL
	}
	length = pageUp(length)
	if length == 0 || length > as.UserTop() {
		return 0, abi.ENOMEM
	}
	if m.File != nil && m.Offset%riscv.PageSize != 0 {
		return 0, abi.EINVAL
	}
	as.mu.Lock()
	defer as.mu.Unlock()
	if as.released {
		return 0, abi.ENOMEM
	}
	var start uint64
	switch {
	case fixed:
		if addr%riscv.PageSize != 0 {
			return 0, abi.EINVAL
		}
		if addr+length < addr || addr+length > as.UserTop() || addr < mmapFloor {
			return 0, abi.ENOMEM
		}
		if as.overlaps(addr, addr+length) {
			if noReplace {
				return 0, abi.EEXIST
			}
			as.unmapLocked(addr, addr+length)
		}
		start = addr
	default:
		a := pageDown(addr)
		if a >= mmapFloor && a+length > a && a+length <= as.StackTop()-StackSize && !as.overlaps(a, a+length) {
			start = a
		} else {
			s, ok := as.findGap(length)
			if !ok {
				return 0, abi.ENOMEM
			}
			start = s
		}
	}
	r := &Region{Start: start, End: start + length, Mapping: m}
	if m.FileSize == 0 && m.File != nil {
		r.FileSize = length
	}
	if m.Shared && m.File == nil {
		r.obj = &sharedObject{pages: make(map[uint64]uint64), refs: 1}
	}
	as.insert(r)
	return start, nil
}

// findGap returns the start of the highest free gap of length bytes below
// mmapTop.
func (as *AddressSpace) findGap(length uint64) (uint64, bool) {
	top := as.mmapTop
	for i := len(as.regions) - 1; i >= 0; i-- {
		r := as.regions[i]
		if r.Start >= top {
			continue
		}
		if r.End <= top && top-r.End >= length {
			return top - length, true
		}
		top = min(top, r.Start)
	}
	if top >= mmapFloor+length {
		return top - length, true
	}
	return 0, false
}

// Unmap removes the pages in [addr, addr+length) from the address space.
func (as *AddressSpace) Unmap(addr, length uint64) error {
	if addr%riscv.PageSize != 0 || length == 0 {
		return abi.EINVAL
	}
	end := addr + pageUp(length)
	if end < addr || end > as.UserTop() {
		return abi.EINVAL
	}
	as.mu.Lock()
	defer as.mu.Unlock()
	as.unmapLocked(addr, end)
	return nil
}

// unmapLocked removes [start, end), splitting regions at its ends.
func (as *AddressSpace) unmapLocked(start, end uint64) {
	as.split(start)
	as.split(end)
	kept := as.regions[:0]
	var gone []*Region
	for _, r := range as.regions {
		if r.Start >= start && r.End <= end {
			gone = append(gone, r)
		} else {
			kept = append(kept, r)
		}
	}
	clear(as.regions[len(kept):])
	as.regions = kept
	as.dropPages(start, end)
	for _, r := range gone {
		as.putObject(r)
		dropBacking(r)
	}
}

// split makes va a region boundary if a region spans it.
func (as *AddressSpace) split(va uint64) {
	r := as.find(va)
	if r == nil || r.Start == va {
		return
	}
	tail := *r
	tail.Start = va
	delta := va - r.Start
	if r.File != nil {
		tail.Offset += delta
		if tail.FileSize > delta {
			tail.FileSize -= delta
			holdBacking(&tail)
		} else {
			tail.FileSize = 0
			tail.File = nil // all zeros from here
		}
		r.FileSize = min(r.FileSize, delta)
	}
	if r.obj != nil {
		tail.objOff += delta / riscv.PageSize
		r.obj.mu.Lock()
		r.obj.refs++
		r.obj.mu.Unlock()
	}
	r.End = va
	as.insert(&tail)
}

// putObject drops a region's reference to its shared object.
func (as *AddressSpace) putObject(r *Region) {
	o := r.obj
	if o == nil {
		return
	}
	o.mu.Lock()
	o.refs--
	var frames []uint64
	if o.refs == 0 {
		for _, pa := range o.pages {
			frames = append(frames, pa)
		}
		o.pages = nil
	}
	o.mu.Unlock()
	for _, pa := range frames {
		as.ft.DecRef(pa)
	}
}

// dropPages unmaps every page in [start, end) and releases the frames,
// after shooting down the translations.
func (as *AddressSpace) dropPages(start, end uint64) {
	var frames []uint64
	as.pt.Walk(start, end, func(va, e, pte uint64) {
		as.mem.Store64(e, 0)
		frames = append(frames, PTEFrame(pte))
	})
	if len(frames) == 0 {
		return
	}
	as.flushRange(start, end)
	for _, pa := range frames {
		as.ft.DecRef(pa)
	}
	as.rss -= len(frames)
}

// Protect changes the permissions of [addr, addr+length), which must be
// mapped throughout (else ENOMEM).
func (as *AddressSpace) Protect(addr, length uint64, prot Prot) error {
	if addr%riscv.PageSize != 0 {
		return abi.EINVAL
	}
	end := addr + pageUp(length)
	if end < addr || end > as.UserTop() {
		return abi.ENOMEM
	}
	if length == 0 {
		return nil
	}
	as.mu.Lock()
	defer as.mu.Unlock()
	// Every page must be in some region.
	for va := addr; va < end; {
		r := as.find(va)
		if r == nil {
			return abi.ENOMEM
		}
		va = r.End
	}
	as.split(addr)
	as.split(end)
	for _, r := range as.regions {
		if r.Start >= addr && r.End <= end {
			r.Prot = prot
		}
	}
	// Rewrite the entries of mapped pages. Weakening needs a shoot-down;
	// strengthening is picked up by the next fault.
	const perms = riscv.PteR | riscv.PteW | riscv.PteX | riscv.PteU
	weakened := false
	as.pt.Walk(addr, end, func(va, e, pte uint64) {
		want := as.pteBits(as.find(va), PTEFrame(pte))
		if want == pte&perms {
			return
		}
		if pte&perms&^want != 0 {
			weakened = true
		}
		as.mem.Store64(e, pte&^perms|want)
	})
	if weakened {
		as.flushRange(addr, end)
	}
	return nil
}

// pteBits returns the PTE permission bits for a page of r held in frame
// pa: a private page whose frame is shared (copy-on-write) is read-only
// whatever the region allows. A page of a PROT_NONE region keeps its frame
// mapped, but for the supervisor only, so that every user access faults
// (and is refused) while the contents survive a later mprotect.
func (as *AddressSpace) pteBits(r *Region, pa uint64) uint64 {
	bits := uint64(riscv.PteU)
	if r.Prot&ProtRead != 0 {
		bits |= riscv.PteR
	}
	if r.Prot&ProtWrite != 0 {
		bits |= riscv.PteR
		if r.obj != nil || as.ft.Refs(pa) == 1 {
			bits |= riscv.PteW
		}
	}
	if r.Prot&ProtExec != 0 {
		bits |= riscv.PteX
	}
	if bits == riscv.PteU {
		return riscv.PteR // PROT_NONE
	}
	return bits
}

// Advise implements madvise. MADV_DONTNEED drops the pages of private
// mappings (the next touch sees zeros, or the file's data again) and
// unmaps those of shared ones (which keep their contents). Other advice is
// accepted and ignored.
func (as *AddressSpace) Advise(addr, length uint64, advice int) error {
	if addr%riscv.PageSize != 0 {
		return abi.EINVAL
	}
	end := addr + pageUp(length)
	if end < addr || end > as.UserTop() {
		return abi.EINVAL
	}
	switch advice {
	case abi.MADV_DONTNEED, abi.MADV_FREE:
	case abi.MADV_NORMAL, abi.MADV_RANDOM, abi.MADV_SEQUENTIAL, abi.MADV_WILLNEED,
		abi.MADV_HUGEPAGE, abi.MADV_NOHUGEPAGE:
		return nil
	default:
		return abi.EINVAL
	}
	as.mu.Lock()
	defer as.mu.Unlock()
	for va := addr; va < end; va += riscv.PageSize {
		if as.find(va) == nil {
			return abi.ENOMEM
		}
	}
	as.dropPages(addr, end)
	return nil
}

// SetBrk places the program break at base (the end of the data segment),
// once, when a program is loaded.
func (as *AddressSpace) SetBrk(base uint64) {
	as.mu.Lock()
	defer as.mu.Unlock()
	as.brkStart, as.brk = pageUp(base), pageUp(base)
}

// Brk moves the program break to addr and returns the new break (the old
// one if addr is out of range, as brk(2) does).
func (as *AddressSpace) Brk(addr uint64) uint64 {
	as.mu.Lock()
	defer as.mu.Unlock()
	if addr < as.brkStart || addr >= as.mmapTop {
		return as.brk
	}
	newEnd := pageUp(addr)
	oldEnd := pageUp(as.brk)
	switch {
	case newEnd > oldEnd:
		if as.overlaps(oldEnd, newEnd) {
			return as.brk
		}
		if r := as.find(oldEnd - 1); r != nil && r.Name == "[heap]" && r.End == oldEnd {
			r.End = newEnd
		} else {
			as.insert(&Region{Start: oldEnd, End: newEnd, Mapping: Mapping{Prot: ProtRead | ProtWrite, Name: "[heap]"}})
		}
	case newEnd < oldEnd:
		as.unmapLocked(newEnd, oldEnd)
	}
	as.brk = addr
	return addr
}

// HandleFault resolves a page fault at va for an access of kind acc: it
// maps a page if va is in a region that allows the access, and otherwise
// returns a *Fault. ErrNoMemory means no frame was left. A fault that
// another thread resolved meanwhile succeeds without change.
func (as *AddressSpace) HandleFault(va uint64, acc riscv.Access) error {
	as.mu.Lock()
	defer as.mu.Unlock()
	_, err := as.faultLocked(va, acc)
	return err
}

// allows reports whether prot permits acc.
func allows(prot Prot, acc riscv.Access) bool {
	switch acc {
	case riscv.Write:
		return prot&ProtWrite != 0
	case riscv.Exec:
		return prot&ProtExec != 0
	}
	return prot&(ProtRead|ProtWrite) != 0
}

// faultLocked makes the page at va accessible for acc and returns its
// frame.
func (as *AddressSpace) faultLocked(va uint64, acc riscv.Access) (uint64, error) {
	r := as.find(va)
	if r == nil || va >= as.UserTop() {
		return 0, &Fault{Addr: va, Code: abi.SEGV_MAPERR}
	}
	if !allows(r.Prot, acc) {
		return 0, &Fault{Addr: va, Code: abi.SEGV_ACCERR}
	}
	page := pageDown(va)
	e, err := as.pt.PTEAddr(page, true)
	if err != nil {
		return 0, err
	}
	pte, _ := as.mem.Load64(e)
	ad := uint64(riscv.PteA)
	if acc == riscv.Write {
		ad |= riscv.PteD
	}
	if pte&riscv.PteV != 0 {
		pa := PTEFrame(pte)
		if acc != riscv.Write || pte&riscv.PteW != 0 {
			return pa, nil // resolved meanwhile, or a stale TLB entry
		}
		// A write to a copy-on-write page.
		if as.ft.Refs(pa) == 1 {
			as.mem.Store64(e, pte|riscv.PteW|ad)
			return pa, nil
		}
		npa, err := as.ft.Alloc(FrameUser)
		if err != nil {
			return 0, err
		}
		copy(as.mem.Page(npa), as.mem.Page(pa))
		as.mem.Invalidate(npa, riscv.PageSize)
		as.mem.Store64(e, npa>>12<<10|as.pteBits(r, npa)|ad|riscv.PteV)
		as.flush(riscv.FlushPageKind, page)
		as.ft.DecRef(pa)
		return npa, nil
	}
	pa, err := as.fill(r, page)
	if err != nil {
		return 0, err
	}
	as.mem.Store64(e, pa>>12<<10|as.pteBits(r, pa)|ad|riscv.PteV)
	as.rss++
	return pa, nil
}

// fill returns a frame holding the contents of page (in region r), with a
// reference for the mapping about to be made.
func (as *AddressSpace) fill(r *Region, page uint64) (uint64, error) {
	if o := r.obj; o != nil {
		idx := r.objOff + (page-r.Start)/riscv.PageSize
		o.mu.Lock()
		defer o.mu.Unlock()
		pa, ok := o.pages[idx]
		if !ok {
			var err error
			if pa, err = as.ft.Alloc(FrameUser); err != nil {
				return 0, err
			}
			o.pages[idx] = pa
		}
		as.ft.IncRef(pa) // the object's reference plus the mapping's
		return pa, nil
	}
	pa, err := as.ft.Alloc(FrameUser)
	if err != nil {
		return 0, err
	}
	if r.File != nil {
		off := page - r.Start
		if off < r.FileSize {
			n := min(riscv.PageSize, r.FileSize-off)
			buf := as.mem.Bytes(pa, n)
			if _, err := r.File.ReadAt(buf, int64(r.Offset+off)); err != nil && err != io.EOF {
				as.ft.DecRef(pa)
				return 0, abi.EIO
			}
			as.mem.Invalidate(pa, n)
		}
	}
	return pa, nil
}

// Fork returns a copy of the address space: shared regions share their
// memory, private ones share their frames copy-on-write.
func (as *AddressSpace) Fork() (*AddressSpace, error) {
	as.mu.Lock()
	defer as.mu.Unlock()
	child, err := NewAddressSpace(as.ft, as.pt.Mode())
	if err != nil {
		return nil, err
	}
	child.brkStart, child.brk, child.mmapTop = as.brkStart, as.brk, as.mmapTop
	for _, r := range as.regions {
		c := *r
		if c.obj != nil {
			c.obj.mu.Lock()
			c.obj.refs++
			c.obj.mu.Unlock()
		}
		holdBacking(&c)
		child.regions = append(child.regions, &c)
	}
	var werr error
	downgraded := false
	as.pt.Walk(0, as.UserTop(), func(va, e, pte uint64) {
		if werr != nil {
			return
		}
		r := as.find(va)
		pa := PTEFrame(pte)
		bits := pte & 0x3ff &^ riscv.PteV
		if r != nil && r.obj == nil && pte&riscv.PteW != 0 {
			// Private and writable: both sides become read-only.
			bits &^= riscv.PteW
			as.mem.Store64(e, pte&^riscv.PteW)
			downgraded = true
		}
		if err := child.pt.Map(va, pa, bits); err != nil {
			werr = err
			return
		}
		as.ft.IncRef(pa)
		child.rss++
	})
	if downgraded {
		as.flush(riscv.FlushAllKind, 0)
	}
	if werr != nil {
		child.mu.Lock()
		child.releaseLocked()
		child.mu.Unlock()
		return nil, werr
	}
	return child, nil
}

// Release frees every page and page table of the address space. The
// address space must no longer be running on any hart.
func (as *AddressSpace) Release() {
	as.mu.Lock()
	defer as.mu.Unlock()
	as.releaseLocked()
}

func (as *AddressSpace) releaseLocked() {
	if as.released {
		return
	}
	as.released = true
	as.pt.Walk(0, as.UserTop(), func(va, e, pte uint64) {
		as.mem.Store64(e, 0)
		as.ft.DecRef(PTEFrame(pte))
	})
	for _, r := range as.regions {
		as.putObject(r)
		dropBacking(r)
	}
	as.regions = nil
	as.rss = 0
	as.pt.Destroy()
}

// ErrFault is returned by the copy functions for a bad user address.
var ErrFault = abi.EFAULT

// Access calls fn on the user memory [va, va+n) page by page, with slices
// aliasing guest memory, after faulting each page in for reading or (with
// write) for writing exactly as a user access would. Each frame is pinned
// while fn runs, so a concurrent munmap cannot free it under the I/O. fn
// returns how many bytes it used; Access stops at the first page fn does
// not use entirely, or at a bad address (EFAULT if nothing was done).
func (as *AddressSpace) Access(va, n uint64, write bool, fn func(b []byte) (int, error)) (int, error) {
	acc := riscv.Read
	if write {
		acc = riscv.Write
	}
	done := uint64(0)
	for done < n {
		addr := va + done
		if addr < va {
			break // wrapped around
		}
		as.mu.Lock()
		pa, err := as.faultLocked(addr, acc)
		if err == nil {
			as.markAccessed(addr, write)
			as.ft.Pin(pa)
		}
		as.mu.Unlock()
		if err != nil {
			if done == 0 {
				if errors.Is(err, ErrNoMemory) {
					return 0, abi.ENOMEM
				}
				return 0, abi.EFAULT
			}
			break
		}
		off := addr % riscv.PageSize
		m := min(n-done, riscv.PageSize-off)
		b := as.mem.Bytes(pa+off, m)
		k, ferr := fn(b)
		if write && k > 0 {
			as.mem.Invalidate(pa+off, uint64(k))
		}
		as.ft.Unpin(pa)
		done += uint64(k)
		if ferr != nil {
			return int(done), ferr
		}
		if uint64(k) < m {
			break
		}
	}
	return int(done), nil
}

// markAccessed sets the Accessed (and for writes, Dirty) bits of the page
// at va, as the hardware would for a user access; the pager reads them.
func (as *AddressSpace) markAccessed(va uint64, write bool) {
	e, _ := as.pt.PTEAddr(pageDown(va), false)
	if e == 0 {
		return
	}
	bits := uint64(riscv.PteA)
	if write {
		bits |= riscv.PteD
	}
	for {
		pte, _ := as.mem.Load64(e)
		if pte&bits == bits || as.mem.CompareAndSwap64(e, pte, pte|bits) {
			return
		}
	}
}

// CopyIn copies len(dst) bytes of user memory at va into dst.
func (as *AddressSpace) CopyIn(va uint64, dst []byte) error {
	n, err := as.Access(va, uint64(len(dst)), false, func(b []byte) (int, error) {
		k := copy(dst, b)
		dst = dst[k:]
		return k, nil
	})
	if err == nil && len(dst) > 0 && n >= 0 {
		err = abi.EFAULT
	}
	return err
}

// CopyOut copies src into user memory at va.
func (as *AddressSpace) CopyOut(va uint64, src []byte) error {
	n, err := as.Access(va, uint64(len(src)), true, func(b []byte) (int, error) {
		k := copy(b, src)
		src = src[k:]
		return k, nil
	})
	if err == nil && len(src) > 0 && n >= 0 {
		err = abi.EFAULT
	}
	return err
}

// CopyInString reads a NUL-terminated string of at most max bytes (not
// counting the NUL) at va: ENAMETOOLONG if longer.
func (as *AddressSpace) CopyInString(va uint64, max int) (string, error) {
	var s []byte
	found := false
	_, err := as.Access(va, uint64(max)+1, false, func(b []byte) (int, error) {
		for i, c := range b {
			if c == 0 {
				s = append(s, b[:i]...)
				found = true
				return i, nil // a short count stops Access
			}
		}
		s = append(s, b...)
		return len(b), nil
	})
	if found {
		return string(s), nil
	}
	if err != nil {
		return "", err
	}
	if len(s) > max {
		return "", abi.ENAMETOOLONG
	}
	return "", abi.EFAULT
}

// Regions returns a copy of the region list, for /proc/PID/maps.
func (as *AddressSpace) Regions() []Region {
	as.mu.Lock()
	defer as.mu.Unlock()
	out := make([]Region, len(as.regions))
	for i, r := range as.regions {
		out[i] = *r
		out[i].obj = nil
	}
	return out
}

// Usage returns the virtual size and the resident pages of the address
// space.
func (as *AddressSpace) Usage() (vsize uint64, rss int) {
	as.mu.Lock()
	defer as.mu.Unlock()
	for _, r := range as.regions {
		vsize += r.End - r.Start
	}
	return vsize, as.rss
}

// Brk0 returns the start of the heap.
func (as *AddressSpace) BrkStart() uint64 {
	as.mu.Lock()
	defer as.mu.Unlock()
	return as.brkStart
}

// MapFrame maps one existing frame (the kernel's signal trampoline) at va,
// shared by every address space that maps it: a region over a shared
// object that holds the frame.
func (as *AddressSpace) MapFrame(va, pa uint64, prot Prot, name string) error {
	if va%riscv.PageSize != 0 {
		return abi.EINVAL
	}
	as.mu.Lock()
	defer as.mu.Unlock()
	if as.overlaps(va, va+riscv.PageSize) {
		return abi.EEXIST
	}
	as.ft.IncRef(pa) // the object's reference
	obj := &sharedObject{pages: map[uint64]uint64{0: pa}, refs: 1}
	as.insert(&Region{Start: va, End: va + riscv.PageSize, Mapping: Mapping{Prot: prot, Shared: true, Name: name}, obj: obj})
	return nil
}
