package machine

import (
	"testing"

	"sos/internal/riscv"
)

func TestNew(t *testing.T) {
	for _, bad := range []Config{{Harts: 0, MemSize: 1 << 20}, {Harts: 65, MemSize: 1 << 20}, {Harts: 1, MemSize: 4096}, {Harts: 1, MemSize: 1<<20 + 1}} {
		if _, err := New(bad); err == nil {
			t.Errorf("New(%+v) succeeded", bad)
		}
	}
	m, err := New(Config{Harts: 4, MemSize: 8 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Mem.Close()
	if len(m.Harts) != 4 || m.Mem.Base() != RAMBase || m.Mem.Size() != 8<<20 {
		t.Fatalf("board %d harts, memory %#x+%#x", len(m.Harts), m.Mem.Base(), m.Mem.Size())
	}
	for i, h := range m.Harts {
		if h.ID != i {
			t.Errorf("hart %d has ID %d", i, h.ID)
		}
	}
	a := m.Clock.Ticks()
	if b := m.Clock.Ticks(); b < a {
		t.Errorf("clock went backwards: %d then %d", a, b)
	}
	// Shoot-downs of idle harts complete at once.
	m.ShootDown(riscv.FlushAllKind, 0)
	m.ShootDown(riscv.FlushPageKind, 0x1000)
}
