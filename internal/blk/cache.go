package blk

import (
	"container/list"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
)

// CacheOptions configure a Cache.
type CacheOptions struct {
	// BlockSize is the unit of caching in bytes, a multiple of the
	// sector size; 0 means 4096 (or the sector size if larger).
	BlockSize int
	// Size bounds the cached bytes; 0 means 16 MiB. Dirty blocks beyond
	// half of it are written back before more are made.
	Size int64
	// Workers is the number of goroutines serving the request queue; 0
	// means 4.
	Workers int
	// MaxRequest bounds one device request in bytes; 0 means 1 MiB.
	MaxRequest int
	// ReadAhead is how many blocks a sequential read that misses
	// reads beyond what it asked for; 0 means 256 KiB worth, -1 none.
	ReadAhead int
	// DirectRead: a read that finds a run of at least this many bytes
	// uncached reads them straight into the caller's buffer; 0 means
	// 64 KiB, -1 never.
	DirectRead int
}

// Cache is the block driver: a write-back buffer cache of fixed-size
// blocks in front of a request queue. Reads that miss are gathered into
// as few device requests as possible and run in parallel; writes stay in
// the cache until WriteBack, Flush or Close, or until the dirty blocks
// fill half the cache. Any number of goroutines may use a Cache; each
// blocks only itself while its requests are in flight.
//
// Lock order: wbMu (one write-back pass at a time), then mu. No lock is
// held while a request is in flight.
type Cache struct {
	dev       Device
	bs        int   // block size
	size      int64 // device size in bytes
	max       int   // blocks to keep at most
	maxReq    int   // bytes per device request at most
	ra        int   // blocks to read ahead
	directMin int   // reads of at least this many uncached bytes bypass the cache
	queue     chan *request
	workers   sync.WaitGroup

	wbMu sync.Mutex // serialises write-back passes

	// mu guards the following fields and the contents of every buf.
	mu     sync.Mutex
	blocks map[int64]*buf
	lru    list.List // of *buf, most recently used first
	dirty  int
	closed bool
	stats  Stats

	active sync.WaitGroup // accesses in progress (Close waits for them)
	spare  [][]byte       // data of evicted blocks, for reuse
}

// newData returns a buffer for a block of n bytes, reusing the data of an
// evicted block when there is one (its old contents are overwritten by
// the caller). The caller holds mu.
func (c *Cache) newData(n int) []byte {
	if n == c.bs && len(c.spare) > 0 {
		d := c.spare[len(c.spare)-1]
		c.spare = c.spare[:len(c.spare)-1]
		return d
	}
	return make([]byte, n)
}

// Stats count what a Cache did.
type Stats struct {
	Hits, Misses    int64 // blocks found and not found
	Reads, Writes   int64 // device requests
	ReadBytes       int64
	WriteBytes      int64
	Evictions       int64 // blocks dropped
	WriteBackPasses int64
}

// buf is one cached block.
type buf struct {
	n       int64
	data    []byte
	dirty   bool
	pins    int           // users between lookup and copy; write-back in flight
	wb      bool          // data is being written back as is: copy before changing
	loading chan struct{} // non-nil while being read; closed when done
	err     error         // why the load failed
	elem    *list.Element
}

// request is one device request in the queue.
type request struct {
	write  bool
	p      []byte
	vec    [][]byte // instead of p, for a VecWriter
	sector int64
	done   chan error
}

// NewCache starts a driver for dev.
func NewCache(dev Device, opts CacheOptions) (*Cache, error) {
	ss := dev.SectorSize()
	bs := opts.BlockSize
	if bs == 0 {
		bs = max(4096, ss)
	}
	if bs < ss || bs%ss != 0 {
		return nil, fmt.Errorf("blk: block size %d is not a multiple of the sector size %d", bs, ss)
	}
	size := opts.Size
	if size == 0 {
		size = 16 << 20
	}
	workers := opts.Workers
	if workers == 0 {
		workers = 4
	}
	maxReq := opts.MaxRequest
	if maxReq == 0 {
		maxReq = 1 << 20
	}
	maxReq = max(maxReq/bs, 1) * bs
	ra := opts.ReadAhead
	if ra == 0 {
		ra = max((256<<10)/bs, 1)
	}
	ra = max(ra, 0)
	directMin := opts.DirectRead
	if directMin == 0 {
		directMin = 64 << 10
	}
	if directMin < 0 {
		directMin = math.MaxInt
	}
	c := &Cache{
		dev:       dev,
		bs:        bs,
		size:      dev.Sectors() * int64(ss),
		max:       int(max(size/int64(bs), 8)),
		maxReq:    maxReq,
		ra:        ra,
		directMin: directMin,
		queue:     make(chan *request, 64),
		blocks:    map[int64]*buf{},
	}
	for range workers {
		c.workers.Add(1)
		go c.serve()
	}
	return c, nil
}

// serve runs requests from the queue until it is closed.
func (c *Cache) serve() {
	defer c.workers.Done()
	for r := range c.queue {
		c.exec(r)
	}
}

// exec performs one request and reports its result on r.done.
func (c *Cache) exec(r *request) {
	var err error
	switch {
	case r.vec != nil:
		err = c.dev.(VecWriter).WriteSectorsVec(r.vec, r.sector)
	case r.write:
		err = c.dev.WriteSectors(r.p, r.sector)
	default:
		err = c.dev.ReadSectors(r.p, r.sector)
	}
	r.done <- err
}

// newRequest makes a request for the bytes at device offset off.
func (c *Cache) newRequest(write bool, p []byte, off int64) *request {
	return &request{write: write, p: p, sector: off / int64(c.dev.SectorSize()), done: make(chan error, 1)}
}

// start puts requests in flight: all but the last go to the queue, for
// the driver's goroutines, and the caller's goroutine performs the last
// itself, so that the common case of one request costs no hand-over
// between goroutines (a blocking system call blocks only the goroutine
// that makes it). The caller then waits on each request's done channel.
func (c *Cache) start(reqs []*request) {
	if len(reqs) == 0 {
		return
	}
	for _, r := range reqs[:len(reqs)-1] {
		c.queue <- r
	}
	c.exec(reqs[len(reqs)-1])
}

// Size is the device's size in bytes.
func (c *Cache) Size() int64 { return c.size }

// SectorSize is the device's sector size.
func (c *Cache) SectorSize() int { return c.dev.SectorSize() }

// Stats returns the counters so far.
func (c *Cache) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

// ErrClosed is returned after Close.
var ErrClosed = errors.New("blk: cache closed")

// blockLen is the length of block n (the last one may be short).
func (c *Cache) blockLen(n int64) int {
	return int(min(int64(c.bs), c.size-n*int64(c.bs)))
}

// ReadAt fills p from device offset off.
func (c *Cache) ReadAt(p []byte, off int64) error {
	return c.access(p, off, false)
}

// WriteAt copies p into the cache at device offset off. It reaches the
// device on the next write-back.
func (c *Cache) WriteAt(p []byte, off int64) error {
	return c.access(p, off, true)
}

func (c *Cache) access(p []byte, off int64, write bool) error {
	if len(p) == 0 {
		return nil
	}
	if off < 0 || off > c.size || int64(len(p)) > c.size-off {
		return ErrRange
	}
	bs := int64(c.bs)
	first, last := off/bs, (off+int64(len(p))-1)/bs
	bufs := make([]*buf, 0, last-first+1)
	var load []*buf
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return ErrClosed
	}
	c.active.Add(1)
	defer c.active.Done()
	var direct []*request
	var waits []chan struct{} // loads to wait for, ours or others'
	for n := first; n <= last; n++ {
		b := c.blocks[n]
		if b == nil && !write {
			// A long run of uncached blocks that p covers whole is read
			// straight into p: a streaming read neither pays for a copy
			// nor pushes everything else out of the cache. (Blocks leave
			// the cache only once clean, so the device has their latest
			// contents.)
			k := int64(0)
			for n+k <= last && c.blocks[n+k] == nil && off <= (n+k)*bs && off+int64(len(p)) >= (n+k)*bs+int64(c.blockLen(n+k)) {
				k++
			}
			if k*bs >= int64(c.directMin) {
				for i := int64(0); i < k; {
					m := min(k-i, int64(c.maxReq)/bs)
					s, e := (n+i)*bs, min((n+i+m)*bs, c.size)
					direct = append(direct, c.newRequest(false, p[s-off:e-off], s))
					i += m
				}
				c.stats.Misses += k
				n += k - 1
				continue
			}
		}
		if b == nil {
			c.stats.Misses++
			b = &buf{n: n}
			covered := write && off <= n*bs && off+int64(len(p)) >= n*bs+int64(c.blockLen(n))
			if covered {
				b.data = c.newData(c.blockLen(n))
			} else {
				b.loading = make(chan struct{})
				load = append(load, b)
			}
			c.blocks[n] = b
			b.elem = c.lru.PushFront(b)
		} else {
			c.stats.Hits++
			c.lru.MoveToFront(b.elem)
		}
		b.pins++
		bufs = append(bufs, b)
		if b.loading != nil {
			waits = append(waits, b.loading)
		}
	}
	// Sequential reads that miss read ahead: the blocks after the range
	// come in the same request, so the next reads hit.
	if !write && len(load) > 0 && load[len(load)-1].n == last && (first == 0 || c.blocks[first-1] != nil) {
		nblocks := (c.size + bs - 1) / bs
		for n := last + 1; n <= last+int64(c.ra) && n < nblocks && c.blocks[n] == nil; n++ {
			b := &buf{n: n, loading: make(chan struct{})}
			c.blocks[n] = b
			b.elem = c.lru.PushFront(b)
			load = append(load, b)
		}
	}
	c.mu.Unlock()

	c.load(load, direct)
	var err error
	for _, r := range direct {
		if rerr := <-r.done; rerr != nil && err == nil {
			err = fmt.Errorf("blk: read at %d: %w", r.sector*int64(c.dev.SectorSize()), rerr)
		}
	}
	if len(direct) > 0 {
		c.mu.Lock()
		for _, r := range direct {
			c.stats.Reads++
			c.stats.ReadBytes += int64(len(r.p))
		}
		c.mu.Unlock()
	}
	for _, w := range waits {
		<-w
	}
	c.mu.Lock()
	for _, b := range bufs {
		b.pins--
		if b.err != nil {
			err = b.err
			continue
		}
		bo := b.n * bs
		s, e := max(off, bo), min(off+int64(len(p)), bo+int64(len(b.data)))
		if write {
			if b.wb {
				// The old contents are on their way to the device.
				b.data = append(c.newData(len(b.data))[:0], b.data...)
				b.wb = false
			}
			copy(b.data[s-bo:e-bo], p[s-off:e-off])
			if !b.dirty {
				b.dirty = true
				c.dirty++
			}
		} else {
			copy(p[s-off:e-off], b.data[s-bo:e-bo])
		}
	}
	needWB := c.dirty > c.max/2
	c.evictLocked()
	c.mu.Unlock()
	if err != nil {
		return err
	}
	if needWB {
		if err := c.writeBack(false); err != ErrClosed {
			return err
		}
	}
	return nil
}

// load reads the blocks bs (sorted, each marked loading) from the device,
// gathering neighbours into one request, and marks them loaded.
//
// The requests in extra (direct reads) are started with them; the caller
// waits for those.
func (c *Cache) load(bs []*buf, extra []*request) {
	if len(bs) == 0 {
		c.start(extra)
		return
	}
	type run struct {
		bufs []*buf
		r    *request
	}
	var runs []run
	for i := 0; i < len(bs); {
		j, n := i+1, c.blockLen(bs[i].n)
		for j < len(bs) && bs[j].n == bs[j-1].n+1 && n+c.blockLen(bs[j].n) <= c.maxReq {
			n += c.blockLen(bs[j].n)
			j++
		}
		data := make([]byte, n)
		o := 0
		for _, b := range bs[i:j] {
			l := c.blockLen(b.n)
			b.data = data[o : o+l : o+l]
			o += l
		}
		runs = append(runs, run{bufs: bs[i:j], r: c.newRequest(false, data, bs[i].n*int64(c.bs))})
		i = j
	}
	reqs := extra
	for _, r := range runs {
		reqs = append(reqs, r.r)
	}
	c.start(reqs)
	for _, r := range runs {
		err := <-r.r.done
		c.mu.Lock()
		c.stats.Reads++
		c.stats.ReadBytes += int64(len(r.r.p))
		for _, b := range r.bufs {
			if err != nil {
				b.err = fmt.Errorf("blk: read at block %d: %w", b.n, err)
				b.data = nil
				c.removeLocked(b)
			}
			close(b.loading)
			b.loading = nil
		}
		c.mu.Unlock()
	}
}

func (c *Cache) removeLocked(b *buf) {
	if c.blocks[b.n] == b {
		delete(c.blocks, b.n)
		c.lru.Remove(b.elem)
	}
}

// evictLocked drops least recently used clean blocks that nobody uses
// until the cache is within its bound.
func (c *Cache) evictLocked() {
	for e := c.lru.Back(); e != nil && len(c.blocks) > c.max; {
		b := e.Value.(*buf)
		e = e.Prev()
		if b.dirty || b.pins > 0 || b.loading != nil {
			continue
		}
		c.removeLocked(b)
		c.stats.Evictions++
		if len(b.data) == c.bs && cap(b.data) == c.bs && len(c.spare) < 256 {
			c.spare = append(c.spare, b.data)
		}
		b.data = nil
	}
}

// WriteBack writes every dirty block to the device (neighbours in one
// request) and waits for the writes.
func (c *Cache) WriteBack() error { return c.writeBack(false) }

func (c *Cache) writeBack(closing bool) error {
	c.wbMu.Lock()
	defer c.wbMu.Unlock()
	type run struct {
		bufs []*buf
		r    *request
		n    int
	}
	c.mu.Lock()
	if c.closed && !closing {
		c.mu.Unlock()
		return ErrClosed
	}
	var dirty []*buf
	for _, b := range c.blocks {
		if b.dirty {
			dirty = append(dirty, b)
		}
	}
	slices.SortFunc(dirty, func(a, b *buf) int { return int(a.n - b.n) })
	var runs []run
	for i := 0; i < len(dirty); {
		j, n := i+1, len(dirty[i].data)
		for j < len(dirty) && dirty[j].n == dirty[j-1].n+1 && n+len(dirty[j].data) <= c.maxReq {
			n += len(dirty[j].data)
			j++
		}
		var r *request
		if _, ok := c.dev.(VecWriter); ok {
			// Write the blocks as they are; a writer meanwhile copies
			// the block first (wb).
			vec := make([][]byte, 0, j-i)
			for _, b := range dirty[i:j] {
				vec = append(vec, b.data)
				b.wb = true
			}
			r = &request{write: true, vec: vec, sector: dirty[i].n * int64(c.bs) / int64(c.dev.SectorSize()), done: make(chan error, 1)}
		} else {
			data := make([]byte, 0, n)
			for _, b := range dirty[i:j] {
				data = append(data, b.data...)
			}
			r = &request{write: true, p: data, sector: dirty[i].n * int64(c.bs) / int64(c.dev.SectorSize()), done: make(chan error, 1)}
		}
		for _, b := range dirty[i:j] {
			b.dirty = false
			b.pins++ // not evicted (and re-read stale) before the write lands
			c.dirty--
		}
		runs = append(runs, run{bufs: dirty[i:j], r: r, n: n})
		i = j
	}
	c.stats.WriteBackPasses++
	c.mu.Unlock()
	reqs := make([]*request, len(runs))
	for i, r := range runs {
		reqs[i] = r.r
	}
	c.start(reqs)
	var first error
	for _, r := range runs {
		err := <-r.r.done
		c.mu.Lock()
		c.stats.Writes++
		c.stats.WriteBytes += int64(r.n)
		for _, b := range r.bufs {
			b.pins--
			b.wb = false
			if err != nil && !b.dirty {
				b.dirty = true
				c.dirty++
			}
		}
		c.mu.Unlock()
		if err != nil && first == nil {
			first = fmt.Errorf("blk: write at block %d: %w", r.bufs[0].n, err)
		}
	}
	c.mu.Lock()
	c.evictLocked()
	c.mu.Unlock()
	return first
}

// Flush writes every dirty block back and makes it durable on the device.
func (c *Cache) Flush() error {
	if err := c.WriteBack(); err != nil {
		return err
	}
	return c.dev.Flush()
}

// Invalidate drops every clean block, so the next reads go to the device.
func (c *Cache) Invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, b := range c.blocks {
		if !b.dirty && b.pins == 0 && b.loading == nil {
			c.removeLocked(b)
		}
	}
}

// Close flushes the cache and stops the driver. The device stays open.
// Accesses after Close fail with ErrClosed.
func (c *Cache) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return ErrClosed
	}
	c.closed = true
	c.mu.Unlock()
	c.active.Wait()
	err := c.writeBack(true)
	if err == nil {
		err = c.dev.Flush()
	}
	close(c.queue)
	c.workers.Wait()
	return err
}
