package riscv

// The MMU: Sv39 and Sv48 page-table walks in guest memory, as the RISC-V
// privileged specification ("Virtual Address Translation Process")
// describes them, for user-mode accesses.

// Satp modes.
const (
	SatpBare = 0
	SatpSv39 = 8
	SatpSv48 = 9
)

// MakeSatp returns the satp value selecting mode, address-space identifier
// asid and the root page table at physical address root.
func MakeSatp(mode int, asid uint16, root uint64) uint64 {
	return uint64(mode)<<60 | uint64(asid)<<44 | (root>>pageShift)&(1<<44-1)
}

// Page-table entry bits.
const (
	PteV = 1 << 0
	PteR = 1 << 1
	PteW = 1 << 2
	PteX = 1 << 3
	PteU = 1 << 4
	PteG = 1 << 5
	PteA = 1 << 6
	PteD = 1 << 7

	// pteReserved are bits 63:54: reserved (Svpbmt and Svnapot are not
	// implemented), so a PTE with any of them set is a page fault.
	pteReserved = 0x3ff << 54
	ptePPNShift = 10
	ptePPNMask  = 1<<44 - 1
)

// Access is the kind of memory access being translated.
type Access uint8

const (
	Read Access = iota
	Write
	Exec
)

func (a Access) pageFault() Cause {
	switch a {
	case Write:
		return StorePageFault
	case Exec:
		return InstPageFault
	}
	return LoadPageFault
}

func (a Access) accessFault() Cause {
	switch a {
	case Write:
		return StoreAccessFault
	case Exec:
		return InstAccessFault
	}
	return LoadAccessFault
}

// Translation is the result of a successful walk.
type Translation struct {
	PA    uint64 // physical address
	PTE   uint64 // the leaf entry, with the A/D bits this access set
	Level int    // 0 for a 4 KiB page, 1 for 2 MiB, 2 for 1 GiB, 3 for 512 GiB
}

// Translate translates the user-mode virtual address va for an access of
// kind acc under satp, walking the page tables in mem and setting the
// Accessed bit (and the Dirty bit for writes) atomically with respect to
// other harts, exactly as the hardware would. On failure it returns the
// page-fault or access-fault cause for the access.
func Translate(mem *Memory, satp, va uint64, acc Access) (Translation, Cause, bool) {
	mode := satp >> 60
	levels := 0
	switch mode {
	case SatpBare:
		if !mem.Contains(va, 1) {
			return Translation{}, acc.accessFault(), false
		}
		return Translation{PA: va, PTE: PteV | PteR | PteW | PteX | PteU | PteA | PteD}, 0, true
	case SatpSv39:
		levels = 3
	case SatpSv48:
		levels = 4
	default:
		return Translation{}, acc.pageFault(), false
	}
	// The address must be canonical: bits 63..VA width all equal.
	vaBits := uint(12 + 9*levels)
	if top := int64(va) >> (vaBits - 1); top != 0 && top != -1 {
		return Translation{}, acc.pageFault(), false
	}
	root := (satp & ptePPNMask) << pageShift

restart:
	a := root
	for level := levels - 1; level >= 0; level-- {
		vpn := (va >> (pageShift + 9*uint(level))) & 0x1ff
		pteAddr := a + vpn*8
		pte, ok := mem.Load64(pteAddr)
		if !ok {
			return Translation{}, acc.accessFault(), false
		}
		if pte&PteV == 0 || (pte&PteR == 0 && pte&PteW != 0) || pte&pteReserved != 0 {
			return Translation{}, acc.pageFault(), false
		}
		ppn := (pte >> ptePPNShift) & ptePPNMask
		if pte&(PteR|PteX) == 0 {
			// Pointer to the next level. D, A and U are reserved here.
			if pte&(PteD|PteA|PteU) != 0 {
				return Translation{}, acc.pageFault(), false
			}
			a = ppn << pageShift
			continue
		}
		// A leaf.
		if pte&PteU == 0 {
			return Translation{}, acc.pageFault(), false
		}
		switch acc {
		case Read:
			if pte&PteR == 0 {
				return Translation{}, acc.pageFault(), false
			}
		case Write:
			if pte&PteW == 0 {
				return Translation{}, acc.pageFault(), false
			}
		case Exec:
			if pte&PteX == 0 {
				return Translation{}, acc.pageFault(), false
			}
		}
		// A superpage must be aligned to its size.
		lowMask := uint64(1)<<(9*uint(level)) - 1
		if ppn&lowMask != 0 {
			return Translation{}, acc.pageFault(), false
		}
		want := pte | PteA
		if acc == Write {
			want |= PteD
		}
		if want != pte {
			if !mem.CompareAndSwap64(pteAddr, pte, want) {
				goto restart // the entry changed under us: walk again
			}
			pte = want
		}
		pa := (ppn|(va>>pageShift)&lowMask)<<pageShift | va&(PageSize-1)
		if !mem.Contains(pa, 1) {
			return Translation{}, acc.accessFault(), false
		}
		return Translation{PA: pa, PTE: pte, Level: level}, 0, true
	}
	return Translation{}, acc.pageFault(), false
}
