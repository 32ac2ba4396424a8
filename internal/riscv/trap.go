package riscv

import "fmt"

// Cause says why Run returned. Values below 64 are the RISC-V exception
// codes of the scause CSR; the others are not architectural traps but
// reasons for the hart to hand control back to the kernel.
type Cause uint8

// Exception codes (RISC-V privileged specification, table "scause").
const (
	InstMisaligned   Cause = 0
	InstAccessFault  Cause = 1
	IllegalInst      Cause = 2
	Breakpoint       Cause = 3
	LoadMisaligned   Cause = 4
	LoadAccessFault  Cause = 5
	StoreMisaligned  Cause = 6 // also AMO
	StoreAccessFault Cause = 7 // also AMO
	EcallU           Cause = 8
	InstPageFault    Cause = 12
	LoadPageFault    Cause = 13
	StorePageFault   Cause = 15 // also AMO

	// Budget: the instruction budget given to Run is used up.
	Budget Cause = 64
	// Interrupted: another goroutine called Interrupt on the hart.
	Interrupted Cause = 65
)

var causeNames = map[Cause]string{
	InstMisaligned:   "instruction address misaligned",
	InstAccessFault:  "instruction access fault",
	IllegalInst:      "illegal instruction",
	Breakpoint:       "breakpoint",
	LoadMisaligned:   "load address misaligned",
	LoadAccessFault:  "load access fault",
	StoreMisaligned:  "store/AMO address misaligned",
	StoreAccessFault: "store/AMO access fault",
	EcallU:           "environment call from U-mode",
	InstPageFault:    "instruction page fault",
	LoadPageFault:    "load page fault",
	StorePageFault:   "store/AMO page fault",
	Budget:           "instruction budget exhausted",
	Interrupted:      "interrupted",
}

func (c Cause) String() string {
	if s, ok := causeNames[c]; ok {
		return s
	}
	return fmt.Sprintf("cause %d", uint8(c))
}

// IsFault reports whether c is a memory-access fault (page or access
// fault, or a misaligned atomic), as opposed to a system call, breakpoint,
// illegal instruction or scheduling event.
func (c Cause) IsFault() bool {
	switch c {
	case InstAccessFault, LoadAccessFault, StoreAccessFault,
		InstPageFault, LoadPageFault, StorePageFault,
		InstMisaligned, LoadMisaligned, StoreMisaligned:
		return true
	}
	return false
}

// Trap is what Run returns: the reason the hart stopped, precise to the
// instruction.
type Trap struct {
	Cause Cause
	// PC is the address of the instruction that trapped; it has not been
	// executed (for EcallU, the kernel advances the pc past the ecall).
	// For Budget and Interrupted it is the next instruction to run.
	PC uint64
	// Tval is the stval value: the faulting virtual address for access,
	// page and misaligned faults (for a fetch that crosses into an
	// unmapped page, the address in the second page), the instruction bits
	// for IllegalInst, and the pc for Breakpoint.
	Tval uint64
}

func (t Trap) String() string {
	switch {
	case t.Cause == IllegalInst:
		return fmt.Sprintf("%v at pc=%#x (instruction %#x)", t.Cause, t.PC, t.Tval)
	case t.Cause.IsFault():
		return fmt.Sprintf("%v at pc=%#x, address %#x", t.Cause, t.PC, t.Tval)
	default:
		return fmt.Sprintf("%v at pc=%#x", t.Cause, t.PC)
	}
}
