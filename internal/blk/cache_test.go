package blk_test

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"sos/internal/blk"
)

func TestFileDevice(t *testing.T) {
	p := filepath.Join(t.TempDir(), "img")
	if err := os.WriteFile(p, make([]byte, 10*512+100), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := blk.OpenFile(p, 512, false)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.Sectors() != 10 || d.SectorSize() != 512 {
		t.Fatalf("geometry %d x %d", d.Sectors(), d.SectorSize())
	}
	w := bytes.Repeat([]byte{7}, 1024)
	if err := d.WriteSectors(w, 8); err != nil {
		t.Fatal(err)
	}
	r := make([]byte, 1024)
	if err := d.ReadSectors(r, 8); err != nil || !bytes.Equal(r, w) {
		t.Fatalf("read back: %v", err)
	}
	for _, tc := range []struct {
		n   int
		sec int64
	}{{512, 10}, {1024, 9}, {100, 0}, {512, -1}} {
		if err := d.ReadSectors(make([]byte, tc.n), tc.sec); !errors.Is(err, blk.ErrRange) {
			t.Errorf("read %d at %d = %v, want ErrRange", tc.n, tc.sec, err)
		}
	}
	if _, err := blk.OpenFile(p, 1000, false); err == nil {
		t.Error("sector size 1000 accepted")
	}
	c, err := blk.CreateFile(filepath.Join(t.TempDir(), "new.img"), 1<<20, 512)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Sectors() != 2048 {
		t.Errorf("CreateFile: %d sectors", c.Sectors())
	}
}

// TestCacheModel: random reads and writes of random sizes from several
// goroutines, each on its own region, against a model; a small cache so
// that eviction and write-back happen all the time.
func TestCacheModel(t *testing.T) {
	t.Run("mem", func(t *testing.T) {
		dev := blk.NewMem(512, modelSize/512)
		cacheModel(t, dev, dev.Bytes)
	})
	// The file device takes the pwritev write-back path and direct reads.
	t.Run("file", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "img")
		if err := os.WriteFile(p, make([]byte, modelSize), 0o644); err != nil {
			t.Fatal(err)
		}
		dev, err := blk.OpenFile(p, 512, false)
		if err != nil {
			t.Fatal(err)
		}
		defer dev.Close()
		cacheModel(t, dev, func() []byte {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			return b
		})
	})
}

const modelSize = 4 << 20

func cacheModel(t *testing.T, dev blk.Device, contents func() []byte) {
	const size = modelSize
	c, err := blk.NewCache(dev, blk.CacheOptions{Size: 256 << 10, MaxRequest: 64 << 10, DirectRead: 32 << 10})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	const G = 4
	for g := range G {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 1))
			lo := int64(g) * size / G
			model := make([]byte, size/G)
			for range 200 {
				n := rng.IntN(80_000) + 1
				off := rng.Int64N(int64(len(model) - n))
				if rng.IntN(2) == 0 {
					p := make([]byte, n)
					for i := range p {
						p[i] = byte(rng.Uint32())
					}
					if err := c.WriteAt(p, lo+off); err != nil {
						t.Error(err)
						return
					}
					copy(model[off:], p)
				} else {
					p := make([]byte, n)
					if err := c.ReadAt(p, lo+off); err != nil {
						t.Error(err)
						return
					}
					if !bytes.Equal(p, model[off:off+int64(n)]) {
						t.Errorf("goroutine %d: read at %d+%d differs from what was written", g, off, n)
						return
					}
				}
			}
			// After a flush the device itself holds the model.
			if err := c.Flush(); err != nil {
				t.Error(err)
			}
			got := contents()[lo : lo+size/G]
			if !bytes.Equal(got, model) {
				t.Errorf("goroutine %d: device differs from the model after Flush", g)
			}
		}()
	}
	wg.Wait()
	st := c.Stats()
	if st.Evictions == 0 || st.WriteBackPasses == 0 {
		t.Errorf("a 256 KiB cache over 4 MiB neither evicted nor wrote back: %+v", st)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.ReadAt(make([]byte, 1), 0); !errors.Is(err, blk.ErrClosed) {
		t.Errorf("read after Close = %v", err)
	}
}

func TestCacheBounded(t *testing.T) {
	dev := blk.NewMem(512, 8<<11) // 8 MiB
	c, _ := blk.NewCache(dev, blk.CacheOptions{Size: 64 << 10})
	defer c.Close()
	buf := make([]byte, 8<<20)
	if err := c.ReadAt(buf, 0); err != nil {
		t.Fatal(err)
	}
	if err := c.WriteAt(buf, 0); err != nil {
		t.Fatal(err)
	}
	st := c.Stats()
	// 8 MiB through a 64 KiB cache: the blocks were dropped again, and
	// misses were gathered into large requests (1 MiB by default).
	if st.Evictions < 2000 {
		t.Errorf("evictions = %d", st.Evictions)
	}
	if st.Reads > 16 {
		t.Errorf("8 MiB read in %d requests, want a few large ones", st.Reads)
	}
}

// TestCacheWriteBackOnFlush: writes reach the device on Flush, not
// before (write-back), and Close flushes.
func TestCacheWriteBack(t *testing.T) {
	dev := blk.NewMem(512, 64)
	c, _ := blk.NewCache(dev, blk.CacheOptions{})
	if err := c.WriteAt([]byte("hello"), 1000); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(dev.Bytes(), []byte("hello")) {
		t.Error("write reached the device before a flush")
	}
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(dev.Bytes()[1000:1005], []byte("hello")) {
		t.Error("flush did not write")
	}
	c.WriteAt([]byte("world"), 2000)
	c.Close()
	if !bytes.Equal(dev.Bytes()[2000:2005], []byte("world")) {
		t.Error("close did not write")
	}
}

// failing is a device whose reads or writes fail on request.
type failing struct {
	*blk.Mem
	failReads, failWrites atomic.Bool
}

var errDisk = errors.New("disk on fire")

func (f *failing) ReadSectors(p []byte, s int64) error {
	if f.failReads.Load() {
		return errDisk
	}
	return f.Mem.ReadSectors(p, s)
}

func (f *failing) WriteSectors(p []byte, s int64) error {
	if f.failWrites.Load() {
		return errDisk
	}
	return f.Mem.WriteSectors(p, s)
}

func TestCacheErrors(t *testing.T) {
	dev := &failing{Mem: blk.NewMem(512, 64)}
	c, _ := blk.NewCache(dev, blk.CacheOptions{})
	defer c.Close()
	dev.failReads.Store(true)
	if err := c.ReadAt(make([]byte, 10), 0); !errors.Is(err, errDisk) {
		t.Errorf("read = %v, want the device's error", err)
	}
	// A failed read is not cached: once the device recovers, reads work.
	dev.failReads.Store(false)
	if err := c.ReadAt(make([]byte, 10), 0); err != nil {
		t.Errorf("read after recovery = %v", err)
	}
	c.WriteAt([]byte("keep"), 0)
	dev.failWrites.Store(true)
	if err := c.Flush(); !errors.Is(err, errDisk) {
		t.Errorf("flush = %v, want the device's error", err)
	}
	// The data stays dirty and is written once the device recovers.
	dev.failWrites.Store(false)
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(dev.Bytes()[:4], []byte("keep")) {
		t.Error("dirty data lost after a failed write-back")
	}
	if err := c.ReadAt(make([]byte, 10), 64*512-5); !errors.Is(err, blk.ErrRange) {
		t.Errorf("read past the end = %v", err)
	}
}

// gated is a device whose reads of one sector wait until released.
type gated struct {
	*blk.Mem
	sector  int64
	entered chan struct{}
	release chan struct{}
}

func (g *gated) ReadSectors(p []byte, s int64) error {
	if s <= g.sector && g.sector < s+int64(len(p)/512) {
		g.entered <- struct{}{}
		<-g.release
	}
	return g.Mem.ReadSectors(p, s)
}

// TestCacheBlocksOnlyTheCaller: while one goroutine waits for the disk,
// others' requests (hits and misses) go on.
func TestCacheBlocksOnlyTheCaller(t *testing.T) {
	dev := &gated{Mem: blk.NewMem(512, 4096), sector: 1000, entered: make(chan struct{}), release: make(chan struct{})}
	c, _ := blk.NewCache(dev, blk.CacheOptions{ReadAhead: -1})
	defer c.Close()
	if err := c.WriteAt([]byte("cached"), 0); err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() { done <- c.ReadAt(make([]byte, 512), 1000*512) }()
	<-dev.entered // the first reader is now waiting inside the device
	b := make([]byte, 6)
	if err := c.ReadAt(b, 0); err != nil || string(b) != "cached" {
		t.Errorf("hit while another waits: %q, %v", b, err)
	}
	if err := c.ReadAt(make([]byte, 512), 3000*512); err != nil {
		t.Errorf("miss while another waits: %v", err)
	}
	if err := c.WriteAt([]byte("w"), 2000*512); err != nil {
		t.Errorf("write while another waits: %v", err)
	}
	close(dev.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
