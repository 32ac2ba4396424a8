package riscv

import (
	"sync"
	"sync/atomic"
	"unsafe"
)

// Context is the user-visible state of one thread of execution: what a
// kernel saves and restores when it moves a thread on and off a hart.
type Context struct {
	X       [32]uint64 // integer registers; X[0] reads as zero whatever it holds
	F       [32]uint64 // floating-point registers; singles are NaN-boxed
	PC      uint64
	FCSR    uint32 // frm in bits 7:5, fflags in bits 4:0
	Instret uint64 // instructions retired by this context (also its cycle count)
}

// Clock is the board's real-time counter, read by the time CSR.
type Clock interface {
	// Ticks returns the time since boot in units of the timebase.
	Ticks() uint64
}

// Hart is one hardware thread. It executes user-mode code for whichever
// Context a kernel hands to Run, translating every access through the page
// tables selected by its satp, until something needs the kernel.
//
// Run, SetSatp and the flush methods are called by the goroutine that owns
// the hart (the one running tasks on it); RequestFlush and Interrupt may be
// called from any goroutine.
type Hart struct {
	ID    int
	mem   *Memory
	clock Clock

	// Owned by the goroutine calling Run.
	x       [64]uint64 // x0..x31, then the sink for writes to x0 and spare
	f       *[32]uint64
	fflags  uint32
	frm     uint32
	instret uint64 // Context.Instret when Run started

	satp  uint64
	tlb   [tlbSize]tlbEntry
	tinfo [tlbSize]tlbInfo
	itlb  [itlbSize]itlbEntry
	// superEntries counts TLB entries filled from superpage leaves since
	// the last full flush; while it is zero, flushing one address needs
	// to look at one entry only.
	superEntries int

	code    map[uint64]*codePage // decoded pages by physical page index
	scratch *codePage            // for an instruction that crosses a page boundary
	jit     jitHart              // the translator's state (jit.go)

	res reservation // LR/SC

	// Cross-goroutine requests: mu guards running and flushes; irq is set
	// whenever there is something for the running hart to look at.
	mu       sync.Mutex
	cond     sync.Cond
	running  bool
	flushes  []flushReq
	irq      atomic.Uint32 // bit 0: flush requests; bit 1: Interrupt
	fenceVar atomic.Uint64 // target of the full barrier that implements fence w,r
}

const (
	tlbSize  = 1024
	itlbSize = 256
	// noTag marks an empty TLB entry: no virtual page number (at most 52
	// bits) equals it.
	noTag = ^uint64(0)

	irqFlush     = 1
	irqInterrupt = 2

	maxCodePages = 4096 // decoded pages kept per hart before starting over
)

// reservation is what LR reserved, for SC: the physical address and the
// value read (translated code uses this layout too).
type reservation struct {
	valid bool
	addr  uint64
	val   uint64
}

// tlbEntry is what the load and store fast paths read; tlbInfo, in a
// parallel array, is what only slow paths need. Keeping the hot part small
// keeps the whole TLB in the host's L1 cache.
type tlbEntry struct {
	rtag uint64         // tag of a translation valid for loads
	wtag uint64         // tag of a translation valid for stores (dirty, not code)
	host unsafe.Pointer // the page in host memory
}

type tlbInfo struct {
	pa uint64 // physical address of the page
	// size is non-zero for a translation from a superpage leaf, which spans
	// size bytes from vbase.
	vbase uint64
	size  uint64
}

// tlbIndex hashes a virtual page number to a TLB slot. Folding in higher
// bits keeps buffers a large power of two apart (a copy's source and
// destination) from evicting each other on every access. Translated code
// computes the same (jitHart.tlbLookup).
func tlbIndex(vpn uint64) uint64 { return (vpn ^ vpn>>10) % tlbSize }

type itlbEntry struct {
	tag uint64
	cp  *codePage
	// gen and genp are cp.gen and cp.genp, copied here so that checking
	// the page is current does not wait for cp to load.
	gen   uint32
	genp  *uint32
	vbase uint64 // as in tlbInfo
	size  uint64
}

// NewHart returns hart number id of a machine with memory mem and clock.
func NewHart(id int, mem *Memory, clock Clock) *Hart {
	h := &Hart{ID: id, mem: mem, clock: clock, code: make(map[uint64]*codePage)}
	h.flushAll()
	h.cond.L = &h.mu
	h.scratch = newCodePage(^uint64(0))
	h.jitInit()
	return h
}

// Memory returns the hart's physical memory.
func (h *Hart) Memory() *Memory { return h.mem }

// Satp returns the hart's current satp.
func (h *Hart) Satp() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.satp
}

// SetSatp switches the hart to the address space satp selects. The TLB is
// not tagged with address-space identifiers, so a change of satp flushes
// it, as an sfence.vma would have to on real hardware without ASIDs.
func (h *Hart) SetSatp(satp uint64) {
	if satp == h.satp {
		return // only the goroutine running the hart writes satp
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if satp != h.satp {
		h.satp = satp
		h.flushAll()
	}
}

// The TLB belongs to the goroutine running the hart while Run runs, and is
// guarded by mu otherwise: the exported flush methods lock mu, so a kernel
// may call them from any goroutine while the hart is not running.

// FlushAll forgets every cached translation (sfence.vma x0, x0).
func (h *Hart) FlushAll() { h.locked(h.flushAll) }

// FlushASID forgets the translations of address space asid (sfence.vma x0,
// asid). The TLB only ever holds translations of the current satp.
func (h *Hart) FlushASID(asid uint16) { h.locked(func() { h.flushASID(asid) }) }

// FlushPage forgets the translations of the page holding va, including
// those of a superpage containing it (sfence.vma va, x0).
func (h *Hart) FlushPage(va uint64) { h.locked(func() { h.flushPage(va) }) }

// FlushICache drops every decoded instruction (fence.i, or a remote fence.i
// from the kernel).
func (h *Hart) FlushICache() { h.locked(h.flushICache) }

func (h *Hart) locked(f func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.running {
		panic("riscv: TLB flushed directly while the hart runs; use RequestFlush")
	}
	f()
}

func (h *Hart) flushAll() {
	for i := range h.tlb {
		h.tlb[i].rtag, h.tlb[i].wtag = noTag, noTag
	}
	for i := range h.itlb {
		h.itlb[i].tag = noTag
	}
	h.superEntries = 0
}

func (h *Hart) flushASID(asid uint16) {
	if uint16(h.satp>>44) == asid {
		h.flushAll()
	}
}

func (h *Hart) flushPage(va uint64) {
	vpn := va >> pageShift
	if e := &h.tlb[tlbIndex(vpn)]; e.rtag == vpn || e.wtag == vpn {
		e.rtag, e.wtag = noTag, noTag
	}
	if e := &h.itlb[vpn%itlbSize]; e.tag == vpn {
		e.tag = noTag
	}
	if h.superEntries == 0 {
		return
	}
	for i := range h.tinfo {
		if e := &h.tinfo[i]; e.size != 0 && va-e.vbase < e.size {
			h.tlb[i].rtag, h.tlb[i].wtag = noTag, noTag
		}
	}
	for i := range h.itlb {
		if e := &h.itlb[i]; e.size != 0 && va-e.vbase < e.size {
			e.tag = noTag
		}
	}
}

func (h *Hart) flushICache() {
	clear(h.code)
	h.jitFlush()
	for i := range h.itlb {
		h.itlb[i] = itlbEntry{tag: noTag}
	}
}

// flushReq is a TLB flush asked of a hart by another goroutine.
type flushReq struct {
	kind FlushKind
	arg  uint64
}

// FlushKind selects what RequestFlush forgets.
type FlushKind uint8

const (
	FlushAllKind    FlushKind = iota // every translation
	FlushPageKind                    // the page holding an address
	FlushASIDKind                    // an address space
	FlushICacheKind                  // decoded instructions (remote fence.i)
)

// apply performs a flush request; the caller holds mu or runs the hart.
func (h *Hart) apply(r flushReq) {
	switch r.kind {
	case FlushAllKind:
		h.flushAll()
	case FlushPageKind:
		h.flushPage(r.arg)
	case FlushASIDKind:
		h.flushASID(uint16(r.arg))
	case FlushICacheKind:
		h.flushICache()
	}
}

// RequestFlush makes the hart forget translations, from any goroutine: the
// shoot-down a kernel does after changing page tables that another hart may
// be using. If the hart is running it is asked to flush at its next
// instruction boundary, and RequestFlush waits until it has; otherwise the
// flush is done at once.
func (h *Hart) RequestFlush(kind FlushKind, arg uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.running {
		h.apply(flushReq{kind, arg})
		return
	}
	h.flushes = append(h.flushes, flushReq{kind, arg})
	h.irq.Or(irqFlush)
	for h.running && len(h.flushes) > 0 {
		h.cond.Wait()
	}
}

// RequestFlushIf is RequestFlush for a hart whose current satp is satp;
// other harts are left alone (their TLBs hold nothing of that address
// space, since changing satp flushes). It is the shoot-down a kernel does
// after changing one address space's page tables.
func (h *Hart) RequestFlushIf(satp uint64, kind FlushKind, arg uint64) {
	h.mu.Lock()
	match := h.satp == satp
	h.mu.Unlock()
	if match {
		h.RequestFlush(kind, arg)
	}
}

// Interrupt makes a running hart return from Run with cause Interrupted at
// its next instruction boundary (or the next Run return at once).
func (h *Hart) Interrupt() { h.irq.Or(irqInterrupt) }

// serviceIRQ handles requests from other goroutines. It reports whether Run
// must return Interrupted.
func (h *Hart) serviceIRQ() bool {
	bits := h.irq.Load()
	if bits&irqFlush != 0 {
		h.mu.Lock()
		h.irq.And(^uint32(irqFlush))
		for _, r := range h.flushes {
			h.apply(r)
		}
		h.flushes = h.flushes[:0]
		h.cond.Broadcast()
		h.mu.Unlock()
	}
	if bits&irqInterrupt != 0 {
		h.irq.And(^uint32(irqInterrupt))
		return true
	}
	return false
}

func (h *Hart) setRunning(r bool) {
	h.mu.Lock()
	h.running = r
	if !r {
		for _, q := range h.flushes {
			h.apply(q)
		}
		h.flushes = h.flushes[:0]
		h.irq.And(^uint32(irqFlush))
		h.cond.Broadcast()
	}
	h.mu.Unlock()
}
