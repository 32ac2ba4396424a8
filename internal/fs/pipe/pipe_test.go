package pipe_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sync"
	"testing"
	"time"

	"sos/internal/abi"
	"sos/internal/fs/pipe"
	"sos/internal/vfs"
	"sos/internal/waiter"
)

type tctx struct{}

func (tctx) PID() int { return 1 }
func (tctx) TID() int { return 1 }

var ctx vfs.Context = tctx{}

// mem is a UserMemory of a few bytes at address 0x1000.
type mem struct{ b [8]byte }

func (m *mem) CopyIn(va uint64, dst []byte) error {
	if va != 0x1000 {
		return abi.EFAULT
	}
	copy(dst, m.b[:])
	return nil
}

func (m *mem) CopyOut(va uint64, src []byte) error {
	if va != 0x1000 {
		return abi.EFAULT
	}
	copy(m.b[:], src)
	return nil
}

func fionread(t *testing.T, ops vfs.FileOps) int {
	t.Helper()
	var m mem
	if _, err := ops.(vfs.Ioctler).Ioctl(ctx, &m, abi.FIONREAD, 0x1000); err != nil {
		t.Fatal(err)
	}
	return int(binary.LittleEndian.Uint32(m.b[:]))
}

func TestReadWrite(t *testing.T) {
	r, w := pipe.New()
	buf := make([]byte, 100)
	if _, err := r.Read(ctx, buf, 0); err != abi.EAGAIN {
		t.Errorf("read empty pipe = %v, want EAGAIN", err)
	}
	if n, err := w.Write(ctx, []byte("hello"), 0); n != 5 || err != nil {
		t.Fatalf("write = %d, %v", n, err)
	}
	if n := fionread(t, r); n != 5 {
		t.Errorf("FIONREAD = %d", n)
	}
	if n, _ := r.Read(ctx, buf[:3], 0); string(buf[:n]) != "hel" {
		t.Errorf("read = %q", buf[:n])
	}
	if n, _ := r.Read(ctx, buf, 0); string(buf[:n]) != "lo" {
		t.Errorf("read = %q", buf[:n])
	}
	if n, err := w.Write(ctx, nil, 0); n != 0 || err != nil {
		t.Errorf("empty write = %d, %v", n, err)
	}
	w.Write(ctx, []byte("tail"), 0)
	w.Release()
	if n, _ := r.Read(ctx, buf, 0); string(buf[:n]) != "tail" {
		t.Errorf("data after writer closed = %q", buf[:n])
	}
	if n, err := r.Read(ctx, buf, 0); n != 0 || err != nil {
		t.Errorf("read with no writer = %d, %v; want end of file", n, err)
	}
	if ev := r.Readiness(waiter.AllEvents); ev != waiter.EventHUp {
		t.Errorf("readiness after writer closed = %#x", ev)
	}
	r.Release()

	r, w = pipe.New()
	r.Release()
	if _, err := w.Write(ctx, []byte("x"), 0); err != abi.EPIPE {
		t.Errorf("write with no reader = %v", err)
	}
	if ev := w.Readiness(waiter.AllEvents); ev != waiter.EventErr {
		t.Errorf("writer readiness with no reader = %#x", ev)
	}
	w.Release()
	w.Release() // a second release changes nothing
	if _, ok := r.(vfs.Stream); !ok {
		t.Errorf("pipe ends are not streams")
	}
	if a, _ := r.(vfs.Node).Attr(); a.Mode != abi.S_IFIFO|0o600 || a.Ino == 0 {
		t.Errorf("attr %+v", a)
	}
	var m mem
	if _, err := r.(vfs.Ioctler).Ioctl(ctx, &m, abi.TCGETS, 0x1000); err != abi.ENOTTY {
		t.Errorf("TCGETS = %v", err)
	}
	if _, err := r.(vfs.Ioctler).Ioctl(ctx, &m, abi.FIONREAD, 0); err != abi.EFAULT {
		t.Errorf("FIONREAD to a bad address = %v", err)
	}
}

func TestAtomicity(t *testing.T) {
	r, w := pipe.New()
	defer r.Release()
	defer w.Release()
	// Fill all but 100 bytes.
	big := make([]byte, pipe.DefaultSize-100)
	if n, _ := w.Write(ctx, big, 0); n != len(big) {
		t.Fatalf("wrote %d", n)
	}
	if ev := w.Readiness(waiter.EventOut); ev != 0 {
		t.Errorf("writable with 100 bytes free")
	}
	if n, err := w.Write(ctx, make([]byte, 101), 0); n != 0 || err != abi.EAGAIN {
		t.Errorf("small write that does not fit = %d, %v; want EAGAIN", n, err)
	}
	if n, err := w.Write(ctx, make([]byte, 100), 0); n != 100 || err != nil {
		t.Errorf("small write that fits = %d, %v", n, err)
	}
	if n, err := w.Write(ctx, make([]byte, 1), 0); n != 0 || err != abi.EAGAIN {
		t.Errorf("write to a full pipe = %d, %v", n, err)
	}
	// A large write takes what room there is.
	r.Read(ctx, make([]byte, 5000), 0)
	if n, err := w.Write(ctx, make([]byte, 10000), 0); n != 5000 || err != nil {
		t.Errorf("large write = %d, %v; want 5000", n, err)
	}
}

func TestReadinessNotify(t *testing.T) {
	r, w := pipe.New()
	in := waiter.NewEntry(waiter.EventIn | waiter.EventHUp)
	out := waiter.NewEntry(waiter.EventOut | waiter.EventErr)
	r.EventRegister(in)
	w.EventRegister(out)
	if ev := r.Readiness(waiter.AllEvents); ev != 0 {
		t.Errorf("empty pipe readiness %#x", ev)
	}
	if ev := w.Readiness(waiter.AllEvents); ev != waiter.EventOut {
		t.Errorf("empty pipe writer readiness %#x", ev)
	}
	w.Write(ctx, []byte("x"), 0)
	if !notified(in) {
		t.Errorf("write did not notify the reader")
	}
	if ev := r.Readiness(waiter.EventIn); ev != waiter.EventIn {
		t.Errorf("readiness after write %#x", ev)
	}
	r.Read(ctx, make([]byte, 1), 0)
	if !notified(out) {
		t.Errorf("read did not notify the writer")
	}
	w.Release()
	if !notified(in) {
		t.Errorf("closing the writer did not notify the reader")
	}
	r.EventUnregister(in)
	w.EventUnregister(out)
	r.Release()
}

func notified(e *waiter.Entry) bool {
	select {
	case <-e.C:
		return true
	case <-time.After(time.Second):
		return false
	}
}

func TestFIFO(t *testing.T) {
	p := pipe.NewFIFO(1000, 1000)
	if a, _ := p.Attr(); a.UID != 1000 || a.Mode&abi.S_IFMT != abi.S_IFIFO {
		t.Errorf("attr %+v", a)
	}
	if _, err := p.Open(ctx, abi.O_WRONLY|abi.O_NONBLOCK); err != abi.ENXIO {
		t.Errorf("non-blocking writer without reader: %v", err)
	}
	if _, err := p.Open(ctx, abi.O_ACCMODE); err != abi.EINVAL {
		t.Errorf("bad access mode: %v", err)
	}
	// A blocking reader with no writer waits (EAGAIN) instead of seeing
	// end of file, and reports no hang-up.
	r, _ := p.Open(ctx, abi.O_RDONLY)
	nr, _ := p.Open(ctx, abi.O_RDONLY|abi.O_NONBLOCK)
	buf := make([]byte, 10)
	if _, err := r.Read(ctx, buf, 0); err != abi.EAGAIN {
		t.Errorf("blocking reader before any writer: %v", err)
	}
	if n, err := nr.Read(ctx, buf, 0); n != 0 || err != nil {
		t.Errorf("non-blocking reader before any writer: %d, %v", n, err)
	}
	if ev := r.Readiness(waiter.AllEvents) | nr.Readiness(waiter.AllEvents); ev != 0 {
		t.Errorf("readiness before any writer %#x", ev)
	}
	in := waiter.NewEntry(waiter.EventIn)
	r.EventRegister(in)
	w, err := p.Open(ctx, abi.O_WRONLY|abi.O_NONBLOCK)
	if err != nil {
		t.Fatal(err)
	}
	if !notified(in) {
		t.Errorf("a writer's open did not wake the reader")
	}
	w.Write(ctx, []byte("data"), 0)
	w.Release()
	if n, _ := r.Read(ctx, buf, 0); string(buf[:n]) != "data" {
		t.Errorf("read %q", buf[:n])
	}
	if n, err := r.Read(ctx, buf, 0); n != 0 || err != nil {
		t.Errorf("after the writer left: %d, %v; want end of file", n, err)
	}
	if ev := r.Readiness(waiter.AllEvents); ev != waiter.EventHUp {
		t.Errorf("hang-up not reported: %#x", ev)
	}
	r.Release()
	nr.Release()

	// A blocking writer with no reader waits instead of failing.
	w, _ = p.Open(ctx, abi.O_WRONLY)
	if _, err := w.Write(ctx, []byte("x"), 0); err != abi.EAGAIN {
		t.Errorf("blocking writer before any reader: %v", err)
	}
	if ev := w.Readiness(waiter.AllEvents); ev != 0 {
		t.Errorf("writer readiness before any reader %#x", ev)
	}
	r, _ = p.Open(ctx, abi.O_RDONLY)
	if n, err := w.Write(ctx, []byte("x"), 0); n != 1 || err != nil {
		t.Errorf("write after a reader came: %d, %v", n, err)
	}
	r.Release()
	if _, err := w.Write(ctx, []byte("x"), 0); err != abi.EPIPE {
		t.Errorf("write after the reader left: %v", err)
	}
	w.Release()

	// O_RDWR never waits and is its own partner.
	rw, err := p.Open(ctx, abi.O_RDWR)
	if err != nil {
		t.Fatal(err)
	}
	rw.Write(ctx, []byte("self"), 0)
	if n, _ := rw.Read(ctx, buf, 0); string(buf[:n]) != "self" {
		t.Errorf("O_RDWR read %q", buf[:n])
	}
	if _, err := rw.Read(ctx, buf, 0); err != abi.EAGAIN {
		t.Errorf("O_RDWR read of empty pipe: %v", err)
	}
	rw.Release()
}

func TestSize(t *testing.T) {
	r, w := pipe.New()
	defer r.Release()
	defer w.Release()
	if n, err := pipe.Size(w); n != pipe.DefaultSize || err != nil {
		t.Errorf("Size = %d, %v", n, err)
	}
	w.Write(ctx, bytes.Repeat([]byte("ab"), 3000), 0)
	r.Read(ctx, make([]byte, 1000), 0) // move the head
	if _, err := pipe.SetSize(w, 4096, false); err != abi.EBUSY {
		t.Errorf("shrink below contents: %v", err)
	}
	if n, err := pipe.SetSize(w, 5000, false); n != 8192 || err != nil {
		t.Errorf("SetSize(5000) = %d, %v", n, err)
	}
	if _, err := pipe.SetSize(w, 4<<20, false); err != abi.EPERM {
		t.Errorf("SetSize above the user limit: %v", err)
	}
	if _, err := pipe.SetSize(w, 0, true); err != abi.EINVAL {
		t.Errorf("SetSize(0): %v", err)
	}
	got := make([]byte, 8192)
	n, _ := r.Read(ctx, got, 0)
	if want := bytes.Repeat([]byte("ab"), 3000)[1000:]; !bytes.Equal(got[:n], want) {
		t.Errorf("contents changed by resizing")
	}
	if _, err := pipe.Size(nil); err != abi.EBADF {
		t.Errorf("Size of a non-pipe: %v", err)
	}
}

func TestNewFiles(t *testing.T) {
	r, w := pipe.NewFiles(ctx, abi.O_NONBLOCK)
	defer r.DecRef()
	defer w.DecRef()
	if r.Flags() != abi.O_RDONLY|abi.O_NONBLOCK || w.Flags() != abi.O_WRONLY|abi.O_NONBLOCK {
		t.Errorf("flags %#x %#x", r.Flags(), w.Flags())
	}
	if r.Dentry() != w.Dentry() {
		t.Errorf("the ends have different dentries")
	}
	w.Write(ctx, []byte("ping"))
	buf := make([]byte, 8)
	if n, _ := r.Read(ctx, buf); string(buf[:n]) != "ping" {
		t.Errorf("read %q", buf[:n])
	}
}

// blockingIO does what the system-call layer does for a blocking read or
// write: try, and on EAGAIN wait on the file and retry.
func blockingIO(ops vfs.FileOps, mask waiter.EventMask, op func() (int, error)) (int, error) {
	e := waiter.NewEntry(mask | waiter.EventErr | waiter.EventHUp)
	ops.EventRegister(e)
	defer ops.EventUnregister(e)
	for {
		n, err := op()
		if err != abi.EAGAIN {
			return n, err
		}
		<-e.C
	}
}

// TestConcurrent runs writers and a reader on several goroutines through
// the blocking protocol: every byte arrives once, and every write of at
// most PIPE_BUF bytes arrives whole. Run with -race.
func TestConcurrent(t *testing.T) {
	r, w := pipe.New()
	const writers, records, recSize = 4, 300, 512
	var wg sync.WaitGroup
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := bytes.Repeat([]byte{byte('a' + i)}, recSize)
			for range records {
				n, err := blockingIO(w, waiter.EventOut, func() (int, error) { return w.Write(ctx, rec, 0) })
				if n != recSize || err != nil {
					t.Errorf("write %d, %v", n, err)
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		w.Release()
	}()
	var got []byte
	buf := make([]byte, 1000) // not a multiple of the record size
	for {
		n, err := blockingIO(r, waiter.EventIn, func() (int, error) { return r.Read(ctx, buf, 0) })
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		got = append(got, buf[:n]...)
	}
	r.Release()
	if len(got) != writers*records*recSize {
		t.Fatalf("read %d bytes, want %d", len(got), writers*records*recSize)
	}
	counts := map[byte]int{}
	for i := 0; i < len(got); i += recSize {
		rec := got[i : i+recSize]
		if !bytes.Equal(rec, bytes.Repeat(rec[:1], recSize)) {
			t.Fatalf("record at %d interleaved: %q...", i, rec[:20])
		}
		counts[rec[0]]++
	}
	if fmt.Sprint(counts) != fmt.Sprintf("map[97:%d 98:%d 99:%d 100:%d]", records, records, records, records) {
		t.Errorf("records per writer: %v", counts)
	}
}
