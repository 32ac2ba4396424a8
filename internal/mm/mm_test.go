package mm

import (
	"bytes"
	"errors"
	"testing"

	"sos/internal/riscv"
)

func newMem(t *testing.T, size uint64) *riscv.Memory {
	mem, err := riscv.NewMemory(0x8000_0000, size)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(mem.Close)
	return mem
}

func TestFrameTable(t *testing.T) {
	mem := newMem(t, 16*riscv.PageSize)
	ft := NewFrameTable(mem)
	seen := map[uint64]bool{}
	for range 16 {
		pa, err := ft.Alloc(FrameUser)
		if err != nil {
			t.Fatal(err)
		}
		if seen[pa] || pa%riscv.PageSize != 0 || !mem.Contains(pa, riscv.PageSize) {
			t.Fatalf("bad or duplicate frame %#x", pa)
		}
		seen[pa] = true
		mem.Page(pa)[7] = 0xaa // dirty it
	}
	if _, err := ft.Alloc(FrameUser); !errors.Is(err, ErrNoMemory) {
		t.Fatalf("17th frame: %v", err)
	}
	if used, free := ft.Stats(); used != 16 || free != 0 {
		t.Fatalf("stats %d used %d free", used, free)
	}
	var some uint64
	for pa := range seen {
		some = pa
		break
	}
	ft.Free(some)
	pa, err := ft.Alloc(FrameUser)
	if err != nil || pa != some {
		t.Fatalf("reallocated %#x, %v", pa, err)
	}
	if mem.Page(pa)[7] != 0 {
		t.Fatal("reallocated frame not zeroed")
	}
	defer func() {
		if recover() == nil {
			t.Error("double free did not panic")
		}
	}()
	ft.Free(pa)
	ft.Free(pa)
}

func TestPageTable(t *testing.T) {
	for _, mode := range []int{riscv.SatpSv39, riscv.SatpSv48} {
		mem := newMem(t, 1<<20)
		ft := NewFrameTable(mem)
		pt, err := NewPageTable(ft, mode)
		if err != nil {
			t.Fatal(err)
		}
		va := pt.UserTop() - 3*riscv.PageSize
		var frames []uint64
		for i := range uint64(2) {
			pa, _ := ft.Alloc(FrameUser)
			frames = append(frames, pa)
			if err := pt.Map(va+i*riscv.PageSize, pa, riscv.PteR|riscv.PteU); err != nil {
				t.Fatal(err)
			}
		}
		// The hardware walk agrees with the software one.
		tr, cause, ok := riscv.Translate(mem, pt.Satp(1), va+riscv.PageSize+5, riscv.Read)
		if !ok || tr.PA != frames[1]+5 {
			t.Fatalf("mode %d: Translate %#x %v %v", mode, tr.PA, cause, ok)
		}
		data := bytes.Repeat([]byte("sos!"), 1500) // crosses the page boundary
		if err := pt.Write(va+100, data); err != nil {
			t.Fatal(err)
		}
		got := make([]byte, len(data))
		if n := pt.Read(va+100, got); n != len(data) || !bytes.Equal(got, data) {
			t.Fatalf("read back %d bytes", n)
		}
		if err := pt.Write(va+2*riscv.PageSize-1, []byte{1, 2}); err == nil {
			t.Error("write into an unmapped page succeeded")
		}
		if _, ok := pt.Lookup(va + 2*riscv.PageSize); ok {
			t.Error("unmapped page found")
		}
		if err := pt.Map(pt.UserTop(), frames[0], riscv.PteR); !errors.Is(err, ErrBadAddress) {
			t.Errorf("mapping above the user range: %v", err)
		}
	}
}
