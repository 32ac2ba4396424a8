// Package machine is the board SOS runs on: guest physical memory, the
// harts, and the clock that drives the time CSR. It wires the CPU
// (package riscv) together and knows nothing of any operating system.
package machine

import (
	"errors"
	"fmt"
	"time"

	"sos/internal/riscv"
)

// RAMBase is where guest physical memory starts, as on QEMU's virt board.
const RAMBase = 0x8000_0000

// TimebaseHz is the frequency of the time CSR: it counts nanoseconds.
const TimebaseHz = 1_000_000_000

// Config describes a board.
type Config struct {
	Harts   int    // number of harts, at least 1
	MemSize uint64 // bytes of RAM, a multiple of the page size
}

// Machine is an assembled board.
type Machine struct {
	Mem   *riscv.Memory
	Harts []*riscv.Hart
	Clock *Clock
}

// New builds a board.
func New(cfg Config) (*Machine, error) {
	if cfg.Harts < 1 || cfg.Harts > 64 {
		return nil, fmt.Errorf("machine: %d harts: want 1 to 64", cfg.Harts)
	}
	if cfg.MemSize < 1<<20 {
		return nil, errors.New("machine: need at least 1 MiB of memory")
	}
	mem, err := riscv.NewMemory(RAMBase, cfg.MemSize)
	if err != nil {
		return nil, err
	}
	m := &Machine{Mem: mem, Clock: NewClock()}
	for i := range cfg.Harts {
		m.Harts = append(m.Harts, riscv.NewHart(i, mem, m.Clock))
	}
	return m, nil
}

// ShootDown makes every hart forget translations (or decoded instructions)
// as kind and arg say, waiting for running harts to do so: what a kernel
// calls after changing page tables that any hart may have cached.
func (m *Machine) ShootDown(kind riscv.FlushKind, arg uint64) {
	for _, h := range m.Harts {
		h.RequestFlush(kind, arg)
	}
}

// Clock is the board's real-time counter, the host's monotonic clock in
// nanoseconds since the board was built.
type Clock struct{ start time.Time }

// NewClock returns a clock that reads zero now.
func NewClock() *Clock { return &Clock{start: time.Now()} }

// Ticks returns nanoseconds since the clock was made.
func (c *Clock) Ticks() uint64 { return uint64(time.Since(c.start)) }
