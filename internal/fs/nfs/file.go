package nfs

import (
	"sync"
	"sync/atomic"

	"sos/internal/abi"
	"sos/internal/nfs/nfs3"
	"sos/internal/vfs"
	"sos/internal/waiter"
)

// file is a remote regular file.
//
// Reads smaller than two transfers go through a per-file cache of
// transfer-size blocks (with read-ahead when they are sequential); larger
// ones go straight from the wire into the caller's buffer. Writes are sent
// at once (UNSTABLE, up to Window at a time) and kept until a COMMIT
// confirms the server's write verifier, so that a server that rebooted in
// between gets them again.
type file struct {
	inode

	// dmu guards the following fields.
	dmu       sync.Mutex
	blocks    map[int64]*block // cached data by block (rsize) index
	lastEnd   int64            // where the last cached read ended: read-ahead if the next starts there
	unstable  []extent
	unstBytes int
	verf      [8]byte // the write verifier of the unstable writes
	haveVerf  bool
	verfBad   bool // the verifier changed between writes: resend before trusting a COMMIT

	wcond    sync.Cond      // on dmu: background WRITEs answered
	pending  int            // background WRITEs not yet answered
	inflight map[*span]bool // writes with WRITEs not yet answered
	werr     error          // the first error of a background WRITE, not yet reported
	wsem     chan struct{}  // bounds the background WRITEs queued for the file

	goff  int64      // where gbuf goes
	gbuf  []byte     // small sequential writes gathered, not yet sent (nil: none)
	opens int        // open file descriptions
	silly *sillyName // the name an unlinked open file was renamed to

	commitMu sync.Mutex // one COMMIT at a time
	appendMu sync.Mutex // O_APPEND writers through this client, one at a time
}

// extent is data written UNSTABLE and not yet committed.
type extent struct {
	off  int64
	data []byte
}

// maxUnstable is how much written data a file keeps for resending before
// it commits: it bounds the client's memory, and the loss a crash of the
// server could cause.
const maxUnstable = 32 << 20

// readAhead is about how far ahead sequential reads fetch (at most
// Window blocks).
const readAhead = 8 << 20

// block is one transfer-size block of a file's data, being fetched until
// ready is closed. A short block ends at the end of the file.
type block struct {
	ready chan struct{}
	data  []byte
	err   error
}

func (b *block) isReady() bool {
	select {
	case <-b.ready:
		return true
	default:
		return false
	}
}

var (
	_ vfs.Opener    = (*file)(nil)
	_ vfs.Setattrer = (*file)(nil)
)

func (f *file) Attr() (vfs.Attr, error) {
	f.waitWrites() // the size includes what was written
	return f.attrOf(f)
}

func (f *file) SetAttr(_ vfs.Context, a vfs.SetAttr) error {
	if a.Size != nil {
		// Uncommitted writes past the new end must not come back if the
		// server asks for them again.
		if err := f.commit(); err != nil {
			return err
		}
		defer f.dropCache()
	}
	return setattr(f, a)
}

// dropCache forgets the cached data.
func (f *file) dropCache() {
	f.dmu.Lock()
	f.blocks = nil
	f.dmu.Unlock()
}

func (f *file) Open(_ vfs.Context, flags int) (vfs.FileOps, error) {
	// Close-to-open consistency: what another client wrote and closed is
	// seen by an open that follows (a changed mtime or size drops the
	// cached data).
	if _, err := getattr(f, true); err != nil {
		return nil, err
	}
	if flags&abi.O_ACCMODE != abi.O_RDONLY {
		var r nfs3.AccessRes
		want := uint32(nfs3.AccessModify | nfs3.AccessExtend)
		if err := f.fs.call(nfs3.ProcAccess, &nfs3.AccessArgs{FH: f.fh, Access: want}, &r); err != nil {
			return nil, err
		}
		if r.Status != nfs3.StatusOK {
			return nil, f.fs.status(f, r.Status)
		}
		if r.Access&nfs3.AccessModify == 0 {
			return nil, abi.EACCES
		}
	}
	f.dmu.Lock()
	f.opens++
	f.dmu.Unlock()
	f.fs.openFiles.Add(1)
	return &fileOps{f: f}, nil
}

// readAt reads into buf at off until buf is full or the file ends,
// sending READs again after short replies. It returns the bytes read.
func (f *file) readAt(buf []byte, off int64) (int, error) {
	done := 0
	for done < len(buf) {
		var r nfs3.ReadRes
		want := len(buf) - done
		if err := f.fs.call(nfs3.ProcRead, &nfs3.ReadArgs{FH: f.fh, Offset: uint64(off) + uint64(done), Count: uint32(want)}, &r); err != nil {
			return done, err
		}
		if r.Status != nfs3.StatusOK {
			return done, f.fs.status(f, r.Status)
		}
		if len(r.Data) > want || int(r.Count) != len(r.Data) {
			return done, abi.EIO // more than asked for: a broken server
		}
		copy(buf[done:], r.Data)
		done += len(r.Data)
		f.fs.bytesRead.Add(uint64(len(r.Data)))
		if r.Attr != nil {
			setAttr(f, r.Attr, false)
		}
		if r.EOF || len(r.Data) == 0 {
			break
		}
	}
	return done, nil
}

// parallel runs fn(i) for i in [0, n) with at most the mount's Window
// running at once, and returns their errors.
func (fs *FS) parallel(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	if n == 1 {
		errs[0] = fn(0)
		return errs
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(n, fs.opts.Window) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				errs[i] = fn(i)
			}
		}()
	}
	wg.Wait()
	return errs
}

// read reads into dst from off.
func (f *file) read(dst []byte, off int64) (int, error) {
	if off < 0 {
		return 0, abi.EINVAL
	}
	if len(dst) == 0 {
		return 0, nil
	}
	f.waitWrites() // a read sees what was written before it
	rs := f.fs.rsize
	if len(dst) >= 2*rs {
		return f.readDirect(dst, off)
	}
	return f.readCached(dst, off)
}

// readDirect reads a large range in transfer-size pieces, Window at a
// time, each straight into its part of dst.
func (f *file) readDirect(dst []byte, off int64) (int, error) {
	rs := f.fs.rsize
	n := (len(dst) + rs - 1) / rs
	got := make([]int, n)
	errs := f.fs.parallel(n, func(i int) error {
		lo := i * rs
		hi := min(lo+rs, len(dst))
		var err error
		got[i], err = f.readAt(dst[lo:hi], off+int64(lo))
		return err
	})
	total := 0
	for i := range n {
		total += got[i]
		if errs[i] != nil {
			if total == 0 {
				return 0, errs[i]
			}
			break
		}
		if got[i] < min(rs, len(dst)-i*rs) {
			break // the end of the file
		}
	}
	return total, nil
}

// readCached serves a read smaller than two transfers from the block
// cache. It fetches the blocks it lacks and, when reads are sequential,
// starts fetching the next ones in the background (read-ahead), so that
// later reads find them ready or on the way.
func (f *file) readCached(dst []byte, off int64) (int, error) {
	rs := int64(f.fs.rsize)
	first, last := off/rs, (off+int64(len(dst))-1)/rs
	attr, _ := f.cached()
	ra := max(1, min(int64(f.fs.opts.Window), readAhead/rs))

	f.dmu.Lock()
	if f.blocks == nil {
		f.blocks = map[int64]*block{}
	}
	var fetch []int64
	need := make([]*block, 0, last-first+1)
	get := func(b int64) *block {
		blk := f.blocks[b]
		if blk == nil {
			blk = &block{ready: make(chan struct{})}
			f.blocks[b] = blk
			fetch = append(fetch, b)
		}
		return blk
	}
	for b := first; b <= last; b++ {
		need = append(need, get(b))
	}
	if off == f.lastEnd {
		for b := last + 1; b <= last+ra && b*rs < int64(attr.Size); b++ {
			get(b)
		}
	}
	// Keep about two read-aheads' worth: first what lies behind this
	// read, then what lies beyond the read-ahead.
	limit := int(2*ra + last - first + 1)
	for pass := 0; pass < 2 && len(f.blocks) > limit; pass++ {
		for b := range f.blocks {
			if len(f.blocks) > limit && (pass == 0 && b < first || pass == 1 && b > last+ra) {
				delete(f.blocks, b)
			}
		}
	}
	blocks := make([]*block, len(fetch))
	for i, b := range fetch {
		blocks[i] = f.blocks[b]
	}
	f.dmu.Unlock()

	for i, b := range fetch {
		go func(blk *block, b int64) {
			buf := make([]byte, rs)
			n, err := f.readAt(buf, b*rs)
			blk.data, blk.err = buf[:n], err
			close(blk.ready)
		}(blocks[i], b)
	}

	n := 0
	var err error
	for i, blk := range need {
		<-blk.ready
		if blk.err != nil {
			err = blk.err
			f.dmu.Lock()
			if f.blocks[first+int64(i)] == blk {
				delete(f.blocks, first+int64(i)) // try again next time
			}
			f.dmu.Unlock()
			break
		}
		pos := off + int64(n)
		bo := int(pos - (first+int64(i))*rs)
		if bo >= len(blk.data) {
			break // the end of the file
		}
		n += copy(dst[n:], blk.data[bo:])
		if len(blk.data) < int(rs) {
			break
		}
	}
	f.dmu.Lock()
	f.lastEnd = off + int64(n)
	f.dmu.Unlock()
	if n == 0 && err != nil {
		return 0, err
	}
	return n, nil
}

// writeAt writes data at off with the given stability, sending again what
// a short reply did not take. It returns the verifier and the attributes
// after the last reply (nil if none).
func (f *file) writeAt(data []byte, off int64, stable uint32) (verf [8]byte, after *nfs3.Fattr, err error) {
	done := 0
	for done < len(data) {
		var r nfs3.WriteRes
		a := nfs3.WriteArgs{FH: f.fh, Offset: uint64(off) + uint64(done), Stable: stable, Data: data[done:]}
		if err := f.fs.call(nfs3.ProcWrite, &a, &r); err != nil {
			return verf, after, err
		}
		if r.Wcc.After != nil {
			after = r.Wcc.After
		}
		if r.Status != nfs3.StatusOK {
			return verf, after, f.fs.status(f, r.Status)
		}
		if r.Count == 0 || int(r.Count) > len(data)-done {
			return verf, after, abi.EIO
		}
		done += int(r.Count)
		f.fs.bytesWritten.Add(uint64(r.Count))
		verf = r.Verf
		if stable == nfs3.Unstable && r.Committed == nfs3.Unstable {
			f.noteVerf(r.Verf)
		}
	}
	return verf, after, nil
}

// noteVerf records the verifier of an unstable write.
func (f *file) noteVerf(v [8]byte) {
	f.dmu.Lock()
	if !f.haveVerf {
		f.verf, f.haveVerf = v, true
	} else if f.verf != v {
		f.verfBad = true
		f.verf = v
	}
	f.dmu.Unlock()
}

// write writes src at off: it copies src (the copy is kept until a
// COMMIT confirms it) and sends it in transfer-size UNSTABLE WRITEs in
// the background, at most twice Window of them queued per file, so that
// a writer keeps the window full across system calls (write-behind). An
// error of a background WRITE is returned by the next write, fsync or
// close-time commit. A write waits for earlier ones it overlaps, so the
// server sees overlapping writes in order.
func (f *file) write(src []byte, off int64) (int, error) {
	if off < 0 {
		return 0, abi.EINVAL
	}
	if len(src) == 0 {
		return 0, nil
	}
	if uint64(off)+uint64(len(src)) > f.fs.maxFS && f.fs.maxFS > 0 {
		return 0, abi.EFBIG
	}
	if err := f.takeWriteErr(); err != nil {
		return 0, err
	}
	ws := f.fs.wsize
	if len(src) < ws {
		// Gather small sequential writes into one transfer.
		f.dmu.Lock()
		if f.gbuf != nil && off == f.goff+int64(len(f.gbuf)) && len(f.gbuf)+len(src) <= ws {
			f.gbuf = append(f.gbuf, src...)
			full := len(f.gbuf) == ws
			f.dmu.Unlock()
			if full {
				f.flushGather()
			}
			return len(src), f.commitIfFull()
		}
		f.dmu.Unlock()
		f.flushGather()
		f.dmu.Lock()
		if f.gbuf == nil {
			f.goff, f.gbuf = off, append(make([]byte, 0, ws), src...)
			f.dmu.Unlock()
			return len(src), f.commitIfFull()
		}
		f.dmu.Unlock() // another writer started one meanwhile: send this one alone
	} else {
		f.flushGather()
	}
	f.send(append([]byte(nil), src...), off)
	if err := f.commitIfFull(); err != nil {
		return 0, err
	}
	return len(src), nil
}

// flushGather sends the gathered small writes, if any.
func (f *file) flushGather() {
	f.dmu.Lock()
	buf, off := f.gbuf, f.goff
	f.gbuf = nil
	f.dmu.Unlock()
	if buf != nil {
		f.send(buf, off)
	}
}

// send queues buf (which the file now owns) to be written at off.
func (f *file) send(buf []byte, off int64) {
	end := off + int64(len(buf))
	sp := &span{lo: off, hi: end}
	rs := int64(f.fs.rsize)
	f.dmu.Lock()
	for f.overlapsLocked(sp) {
		f.wcond.Wait()
	}
	if f.inflight == nil {
		f.inflight = map[*span]bool{}
	}
	f.inflight[sp] = true
	// The cached blocks the write touches are gone, and so is a short
	// (end-of-file) block, which is no longer the end.
	for b, blk := range f.blocks {
		if (b >= off/rs && b <= (end-1)/rs) || !blk.isReady() || int64(len(blk.data)) < rs {
			delete(f.blocks, b)
		}
	}
	f.unstable = append(f.unstable, extent{off, buf})
	f.unstBytes += len(buf)
	ws := f.fs.wsize
	n := (len(buf) + ws - 1) / ws
	sp.left = n
	f.pending += n
	f.dmu.Unlock()

	for i := range n {
		lo, hi := i*ws, min((i+1)*ws, len(buf))
		f.wsem <- struct{}{}
		go func() {
			defer func() { <-f.wsem }()
			_, after, err := f.writeAt(buf[lo:hi], off+int64(lo), nfs3.Unstable)
			if after != nil {
				f.noteWriteAttr(after)
			}
			f.dmu.Lock()
			if err != nil && f.werr == nil {
				f.werr = err
			}
			f.pending--
			sp.left--
			if sp.left == 0 {
				delete(f.inflight, sp)
			}
			f.dmu.Unlock()
			f.wcond.Broadcast()
		}()
	}
}

// commitIfFull commits when the uncommitted data passed maxUnstable.
func (f *file) commitIfFull() error {
	f.dmu.Lock()
	full := f.unstBytes > maxUnstable
	f.dmu.Unlock()
	if full {
		return f.commit()
	}
	return nil
}

// span is a write in flight.
type span struct {
	lo, hi int64
	left   int // WRITEs not yet answered
}

// overlapsLocked reports whether sp overlaps a write in flight; the
// caller holds dmu.
func (f *file) overlapsLocked(sp *span) bool {
	for p := range f.inflight {
		if p.lo < sp.hi && sp.lo < p.hi {
			return true
		}
	}
	return false
}

// waitWrites waits until every background WRITE of the file is answered.
func (f *file) waitWrites() {
	f.flushGather()
	f.dmu.Lock()
	for f.pending > 0 {
		f.wcond.Wait()
	}
	f.dmu.Unlock()
}

// takeWriteErr returns (once) the error of a background WRITE.
func (f *file) takeWriteErr() error {
	f.dmu.Lock()
	err := f.werr
	f.werr = nil
	f.dmu.Unlock()
	return err
}

// noteWriteAttr records the attributes a WRITE reply carried, unless an
// earlier-sent WRITE answered later already showed a larger file.
func (f *file) noteWriteAttr(a *nfs3.Fattr) {
	f.amu.Lock()
	cur := f.attr
	f.amu.Unlock()
	if a.Size >= cur.Size {
		setAttr(f, a, true)
	}
}

// commit makes the unstable writes stable: COMMIT, and if the server's
// verifier is not the one the writes got (it restarted), the data again
// with FILE_SYNC.
func (f *file) commit() error {
	f.commitMu.Lock()
	defer f.commitMu.Unlock()
	f.waitWrites()
	if err := f.takeWriteErr(); err != nil {
		return err
	}
	f.dmu.Lock()
	exts, verf, bad := f.unstable, f.verf, f.verfBad
	f.dmu.Unlock()
	if len(exts) == 0 {
		return nil
	}
	ok := false
	if !bad {
		var r nfs3.CommitRes
		if err := f.fs.call(nfs3.ProcCommit, &nfs3.CommitArgs{FH: f.fh}, &r); err != nil {
			return err
		}
		if r.Status != nfs3.StatusOK {
			return f.fs.status(f, r.Status)
		}
		if r.Wcc.After != nil {
			setAttr(f, r.Wcc.After, true)
		}
		ok = r.Verf == verf
	}
	if !ok {
		for _, e := range exts {
			if _, _, err := f.writeAt(e.data, e.off, nfs3.FileSync); err != nil {
				return err
			}
		}
	}
	f.dmu.Lock()
	f.unstable = append([]extent(nil), f.unstable[len(exts):]...)
	f.unstBytes = 0
	for _, e := range f.unstable {
		f.unstBytes += len(e.data)
	}
	if len(f.unstable) == 0 {
		f.haveVerf, f.verfBad = false, false
	}
	f.dmu.Unlock()
	return nil
}

// fileOps is an open regular file.
type fileOps struct {
	waiter.AlwaysReady
	f        *file
	released atomic.Bool
}

var (
	_ vfs.FileOps  = (*fileOps)(nil)
	_ vfs.Appender = (*fileOps)(nil)
	_ vfs.Syncer   = (*fileOps)(nil)
	_ vfs.Flusher  = (*fileOps)(nil)
)

func (o *fileOps) Read(_ vfs.Context, dst []byte, off int64) (int, error) {
	return o.f.read(dst, off)
}

func (o *fileOps) Write(_ vfs.Context, src []byte, off int64) (int, error) {
	return o.f.write(src, off)
}

// Append writes at the end of the file as the server sees it, atomically
// with respect to other appenders through this mount (NFSv3 has no
// atomic append between clients).
func (o *fileOps) Append(_ vfs.Context, src []byte) (int, int64, error) {
	o.f.appendMu.Lock()
	defer o.f.appendMu.Unlock()
	o.f.waitWrites()
	a, err := getattr(o.f, true)
	if err != nil {
		return 0, 0, err
	}
	off := int64(a.Size)
	n, err := o.f.write(src, off)
	return n, off + int64(n), err
}

// Sync commits the file's writes (fsync).
func (o *fileOps) Sync() error { return o.f.commit() }

// Flush, at every close of a descriptor, commits the file's writes and
// returns the error of any that failed in the background, as Linux's NFS
// client does at close: close-to-open consistency for the next opener,
// and the program learns that its data did not reach the server.
func (o *fileOps) Flush() error { return o.f.commit() }

// Release commits what was written, so that a file written and closed is
// on the server's stable storage when close returns.
func (o *fileOps) Release() {
	if o.released.Swap(true) {
		return
	}
	f := o.f
	f.commit()
	f.fs.openFiles.Add(-1)
	f.dmu.Lock()
	f.opens--
	var silly *sillyName
	if f.opens == 0 {
		silly, f.silly = f.silly, nil
	}
	f.dmu.Unlock()
	if silly != nil {
		silly.dir.remove(nfs3.ProcRemove, silly.name) // the last close of an unlinked file
	}
}
