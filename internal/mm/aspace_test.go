package mm

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"sos/internal/abi"
	"sos/internal/riscv"
)

func newAS(t *testing.T) (*AddressSpace, *FrameTable) {
	t.Helper()
	ft := NewFrameTable(newMem(t, 8<<20))
	as, err := NewAddressSpace(ft, riscv.SatpSv48)
	if err != nil {
		t.Fatal(err)
	}
	return as, ft
}

// touch performs a user access the way a hart would: translate, and on a
// page fault ask the address space, then translate again.
func touch(t *testing.T, as *AddressSpace, va uint64, acc riscv.Access) (uint64, error) {
	t.Helper()
	for range 2 {
		tr, _, ok := riscv.Translate(as.mem, as.Satp(), va, acc)
		if ok {
			return tr.PA, nil
		}
		if err := as.HandleFault(va, acc); err != nil {
			return 0, err
		}
	}
	t.Fatalf("fault at %#x not resolved", va)
	return 0, nil
}

func TestLazyAnonymousMapping(t *testing.T) {
	as, ft := newAS(t)
	used0, _ := ft.Stats()
	addr, err := as.Map(0, 1<<20, Mapping{Prot: ProtRead | ProtWrite}, false, false)
	if err != nil {
		t.Fatal(err)
	}
	if used, _ := ft.Stats(); used != used0 {
		t.Fatalf("mapping 1 MiB allocated %d frames eagerly", used-used0)
	}
	pa, err := touch(t, as, addr+5000, riscv.Write)
	if err != nil {
		t.Fatal(err)
	}
	if as.mem.Bytes(pa, 1)[0] != 0 {
		t.Fatal("fresh page not zero")
	}
	if _, rss := as.Usage(); rss != 1 {
		t.Fatalf("rss %d after one touch", rss)
	}
	var f *Fault
	if _, err := touch(t, as, addr+(1<<20), riscv.Read); !errors.As(err, &f) || f.Code != abi.SEGV_MAPERR {
		t.Fatalf("access past the end: %v", err)
	}
	if _, err := touch(t, as, addr, riscv.Exec); !errors.As(err, &f) || f.Code != abi.SEGV_ACCERR {
		t.Fatalf("exec of a data page: %v", err)
	}
}

func TestCopyInOut(t *testing.T) {
	as, _ := newAS(t)
	addr, _ := as.Map(0, 3*riscv.PageSize, Mapping{Prot: ProtRead | ProtWrite}, false, false)
	data := bytes.Repeat([]byte("0123456789"), 1000)
	if err := as.CopyOut(addr+100, data); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(data))
	if err := as.CopyIn(addr+100, got); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("copy in: %v", err)
	}
	if err := as.CopyOut(addr+3*riscv.PageSize-2, []byte("abc")); err != abi.EFAULT {
		t.Fatalf("copy past the end: %v", err)
	}
	if err := as.CopyIn(0x10, got[:1]); err != abi.EFAULT {
		t.Fatalf("copy from address 0x10: %v", err)
	}
	as.CopyOut(addr, []byte("hello\x00world"))
	if s, err := as.CopyInString(addr, 100); s != "hello" || err != nil {
		t.Fatalf("string %q %v", s, err)
	}
	if _, err := as.CopyInString(addr, 3); err != abi.ENAMETOOLONG {
		t.Fatalf("long string: %v", err)
	}
	ro, _ := as.Map(0, riscv.PageSize, Mapping{Prot: ProtRead}, false, false)
	if err := as.CopyOut(ro, []byte("x")); err != abi.EFAULT {
		t.Fatalf("copy out to read-only memory: %v", err)
	}
}

func TestForkCopyOnWrite(t *testing.T) {
	as, ft := newAS(t)
	priv, _ := as.Map(0, 2*riscv.PageSize, Mapping{Prot: ProtRead | ProtWrite}, false, false)
	shared, _ := as.Map(0, riscv.PageSize, Mapping{Prot: ProtRead | ProtWrite, Shared: true}, false, false)
	as.CopyOut(priv, []byte("parent"))
	as.CopyOut(shared, []byte("shared"))
	flushes := 0
	as.Flush = func(riscv.FlushKind, uint64) { flushes++ }
	child, err := as.Fork()
	if err != nil {
		t.Fatal(err)
	}
	if flushes == 0 {
		t.Error("fork made pages read-only without a TLB shoot-down")
	}
	buf := make([]byte, 6)
	child.CopyIn(priv, buf)
	if string(buf) != "parent" {
		t.Fatalf("child sees %q", buf)
	}
	ppa, _ := touch(t, as, priv, riscv.Read)
	cpa, _ := touch(t, child, priv, riscv.Read)
	if ppa != cpa || ft.Refs(ppa) != 2 {
		t.Fatalf("frames %#x %#x refs %d: not shared after fork", ppa, cpa, ft.Refs(ppa))
	}
	// The child writes: it gets its own copy; the parent keeps its data.
	child.CopyOut(priv, []byte("child!"))
	as.CopyIn(priv, buf)
	if string(buf) != "parent" {
		t.Fatalf("parent sees the child's write: %q", buf)
	}
	// The parent writes: it is now the only owner and writes in place.
	if err := as.CopyOut(priv, []byte("PARENT")); err != nil {
		t.Fatal(err)
	}
	if pa, _ := touch(t, as, priv, riscv.Write); pa != ppa {
		t.Errorf("sole owner copied instead of writing in place")
	}
	// Shared memory stays shared, including pages first touched after fork.
	child.CopyOut(shared, []byte("SHARED"))
	as.CopyIn(shared, buf)
	if string(buf) != "SHARED" {
		t.Fatalf("shared mapping not shared: %q", buf)
	}
	child.CopyOut(priv+riscv.PageSize, []byte("untouched before fork"))
	used, _ := ft.Stats()
	child.Release()
	if after, _ := ft.Stats(); after >= used {
		t.Errorf("releasing the child freed nothing (%d -> %d frames)", used, after)
	}
	as.CopyIn(shared, buf)
	if string(buf) != "SHARED" {
		t.Fatalf("shared page lost when the child went: %q", buf)
	}
	as.Release()
	if used, _ := ft.Stats(); used != 0 {
		t.Errorf("%d frames still used after releasing everything", used)
	}
}

func TestUnmapProtectAdvise(t *testing.T) {
	as, ft := newAS(t)
	addr, _ := as.Map(0, 4*riscv.PageSize, Mapping{Prot: ProtRead | ProtWrite}, false, false)
	for i := range uint64(4) {
		as.CopyOut(addr+i*riscv.PageSize, []byte{byte('a' + i)})
	}
	var flushed []uint64
	as.Flush = func(k riscv.FlushKind, va uint64) { flushed = append(flushed, va) }
	// Unmap the second page: the region splits in two.
	used, _ := ft.Stats()
	if err := as.Unmap(addr+riscv.PageSize, riscv.PageSize); err != nil {
		t.Fatal(err)
	}
	if now, _ := ft.Stats(); now != used-1 || len(flushed) != 1 || flushed[0] != addr+riscv.PageSize {
		t.Fatalf("unmap: frames %d -> %d, flushes %x", used, now, flushed)
	}
	if len(as.Regions()) != 2 {
		t.Fatalf("regions after a hole: %+v", as.Regions())
	}
	var f *Fault
	if _, err := touch(t, as, addr+riscv.PageSize, riscv.Read); !errors.As(err, &f) {
		t.Fatal("unmapped page still accessible")
	}
	// Make the third page read-only: writes fault, data stays.
	if err := as.Protect(addr+2*riscv.PageSize, riscv.PageSize, ProtRead); err != nil {
		t.Fatal(err)
	}
	if _, err := touch(t, as, addr+2*riscv.PageSize, riscv.Write); !errors.As(err, &f) || f.Code != abi.SEGV_ACCERR {
		t.Fatalf("write to a read-only page: %v", err)
	}
	// PROT_NONE keeps the data but refuses every access.
	as.Protect(addr+3*riscv.PageSize, riscv.PageSize, 0)
	if _, err := touch(t, as, addr+3*riscv.PageSize, riscv.Read); !errors.As(err, &f) || f.Code != abi.SEGV_ACCERR {
		t.Fatalf("read of a PROT_NONE page: %v", err)
	}
	as.Protect(addr+3*riscv.PageSize, riscv.PageSize, ProtRead)
	b := make([]byte, 1)
	as.CopyIn(addr+3*riscv.PageSize, b)
	if b[0] != 'd' {
		t.Fatalf("PROT_NONE lost the page: %q", b)
	}
	if err := as.Protect(addr, 2*riscv.PageSize, ProtRead); err != abi.ENOMEM {
		t.Fatalf("mprotect over a hole: %v", err)
	}
	// MADV_DONTNEED: the page reads as zero afterwards.
	as.Advise(addr, riscv.PageSize, abi.MADV_DONTNEED)
	as.CopyIn(addr, b)
	if b[0] != 0 {
		t.Fatalf("MADV_DONTNEED kept %q", b)
	}
}

type fileBytes []byte

func (f fileBytes) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(f)) {
		return 0, nil
	}
	return copy(p, f[off:]), nil
}

func TestFileMappingAndBrk(t *testing.T) {
	as, _ := newAS(t)
	file := fileBytes(strings.Repeat("x", 5000) + "end")
	// A segment with 5003 file bytes and zeros up to 3 pages (bss).
	addr, err := as.Map(0x10000, 3*riscv.PageSize, Mapping{Prot: ProtRead | ProtWrite, File: file, FileSize: 5003, Name: "/bin/prog"}, true, false)
	if err != nil || addr != 0x10000 {
		t.Fatal(addr, err)
	}
	b := make([]byte, 8)
	as.CopyIn(addr+4998, b)
	if string(b) != "xxend\x00\x00\x00" {
		t.Fatalf("file page with bss tail: %q", b)
	}
	// Private: a write does not change the file.
	as.CopyOut(addr, []byte("y"))
	if file[0] != 'x' {
		t.Fatal("private mapping wrote through to the file")
	}
	as.SetBrk(addr + 3*riscv.PageSize)
	start := as.BrkStart()
	if got := as.Brk(start + 10000); got != start+10000 {
		t.Fatalf("brk grow = %#x", got)
	}
	if err := as.CopyOut(start+9999, []byte{1}); err != nil {
		t.Fatal(err)
	}
	if got := as.Brk(start + 100); got != start+100 {
		t.Fatalf("brk shrink = %#x", got)
	}
	if err := as.CopyOut(start+9999, []byte{1}); err != abi.EFAULT {
		t.Fatalf("write above a shrunk break: %v", err)
	}
	if got := as.Brk(0); got != start+100 {
		t.Fatalf("brk(0) = %#x", got)
	}
	// MAP_FIXED_NOREPLACE over the segment fails; MAP_FIXED replaces it.
	if _, err := as.Map(addr, riscv.PageSize, Mapping{Prot: ProtRead}, true, true); err != abi.EEXIST {
		t.Fatalf("MAP_FIXED_NOREPLACE: %v", err)
	}
	if _, err := as.Map(addr, riscv.PageSize, Mapping{Prot: ProtRead}, true, false); err != nil {
		t.Fatal(err)
	}
	as.CopyIn(addr, b[:1])
	if b[0] != 0 {
		t.Fatal("MAP_FIXED did not replace the old page")
	}
}

func TestOutOfMemory(t *testing.T) {
	ft := NewFrameTable(newMem(t, 64*riscv.PageSize))
	as, _ := NewAddressSpace(ft, riscv.SatpSv39)
	addr, err := as.Map(0, 1<<30, Mapping{Prot: ProtRead | ProtWrite}, false, false)
	if err != nil {
		t.Fatal(err)
	}
	var last error
	for va := addr; va < addr+128*riscv.PageSize; va += riscv.PageSize {
		if last = as.HandleFault(va, riscv.Write); last != nil {
			break
		}
	}
	if !errors.Is(last, ErrNoMemory) {
		t.Fatalf("exhausting memory gave %v", last)
	}
	as.Release()
	if used, _ := ft.Stats(); used != 0 {
		t.Errorf("%d frames leaked", used)
	}
}
