package fat32

import (
	"sync/atomic"

	"sos/internal/abi"
	"sos/internal/vfs"
	"sos/internal/waiter"
)

// file is a regular file.
type file struct {
	inode
	opens int  // open file descriptions
	fresh bool // just created: the creating open may write even if read-only
}

var (
	_ vfs.Opener    = (*file)(nil)
	_ vfs.Setattrer = (*file)(nil)
)

func (f *file) Attr() (vfs.Attr, error) {
	f.fs.mu.RLock()
	defer f.fs.mu.RUnlock()
	return f.attrOf(), nil
}

func (f *file) SetAttr(_ vfs.Context, a vfs.SetAttr) error {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if f.fs.closed {
		return abi.EIO
	}
	if a.Size != nil {
		if err := f.truncate(*a.Size); err != nil {
			return err
		}
	}
	return f.setAttr(a)
}

func (f *file) Open(_ vfs.Context, flags int) (vfs.FileOps, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if f.fs.closed {
		return nil, abi.EIO
	}
	writing := flags&abi.O_ACCMODE != abi.O_RDONLY || flags&abi.O_TRUNC != 0
	if writing && f.attr&attrReadOnly != 0 && !f.fresh {
		return nil, abi.EACCES
	}
	f.fresh = false
	f.opens++
	o := &fileOps{f: f}
	o.wrote.Store(writing) // a created or truncated file is a change too
	return o, nil
}

// zero writes zeros over [from, to) of the file, whose clusters exist.
func (f *file) zero(from, to int64) error {
	if from >= to {
		return nil
	}
	z := make([]byte, min(to-from, 1<<20))
	for from < to {
		n := min(int64(len(z)), to-from)
		if err := f.io(z[:n], from, true); err != nil {
			return err
		}
		from += n
	}
	return nil
}

// grow makes the file's chain long enough for size bytes.
func (f *file) grow(size int64) error {
	fs := f.fs
	cs, err := f.clusters()
	if err != nil {
		return err
	}
	need := int((size + int64(fs.g.cs) - 1) / int64(fs.g.cs))
	if need <= len(cs) {
		return nil
	}
	var prev uint32
	if len(cs) > 0 {
		prev = cs[len(cs)-1]
	}
	nc, err := fs.alloc(need-len(cs), prev)
	if err != nil {
		return err
	}
	if f.first == 0 {
		f.first = nc[0]
	}
	f.chain = append(f.chain, nc...)
	return nil
}

// truncate sets the size. The caller holds fs.mu.
func (f *file) truncate(size int64) error {
	if size < 0 {
		return abi.EINVAL
	}
	if size > maxFile {
		return abi.EFBIG
	}
	fs := f.fs
	cur := int64(f.size)
	switch {
	case size > cur:
		if err := f.grow(size); err != nil {
			return err
		}
		if err := f.zero(cur, size); err != nil {
			return err
		}
	case size < cur:
		cs, err := f.clusters()
		if err != nil {
			return err
		}
		keep := int((size + int64(fs.g.cs) - 1) / int64(fs.g.cs))
		if keep < len(cs) {
			if keep == 0 {
				f.first = 0
			} else {
				fs.setFAT(cs[keep-1], eoc)
			}
			fs.freeClusters(cs[keep:])
			f.chain = cs[:keep:keep]
		}
	}
	f.size = uint32(size)
	f.mtime = fs.now()
	f.attr |= attrArchive
	return f.writeEntry()
}

// io moves len(p) bytes between p and the file at off, whose clusters
// exist, one device request per run of consecutive clusters.
func (f *file) io(p []byte, off int64, write bool) error {
	fs := f.fs
	cs := f.chain
	csz := int64(fs.g.cs)
	for len(p) > 0 {
		ci := off / csz
		if ci >= int64(len(cs)) {
			return abi.EIO // the chain is shorter than the size says
		}
		in := off % csz
		n := min(int64(len(p)), csz-in)
		for j := ci + 1; n < int64(len(p)) && j < int64(len(cs)) && cs[j] == cs[j-1]+1; j++ {
			n = min(int64(len(p)), n+csz)
		}
		var err error
		if write {
			err = fs.c.WriteAt(p[:n], fs.clusterOff(cs[ci])+in)
		} else {
			err = fs.c.ReadAt(p[:n], fs.clusterOff(cs[ci])+in)
		}
		if err != nil {
			return abi.EIO
		}
		p, off = p[n:], off+n
	}
	return nil
}

// fileOps is an open regular file.
type fileOps struct {
	waiter.AlwaysReady
	f        *file
	wrote    atomic.Bool // opened for writing: close puts changes on the device
	read     atomic.Bool // something was read: close updates the access date
	released atomic.Bool
}

var (
	_ vfs.FileOps  = (*fileOps)(nil)
	_ vfs.Syncer   = (*fileOps)(nil)
	_ vfs.Appender = (*fileOps)(nil)
)

func (o *fileOps) Read(_ vfs.Context, dst []byte, off int64) (int, error) {
	f := o.f
	fs := f.fs
	if off < 0 {
		return 0, abi.EINVAL
	}
	fs.mu.RLock()
	if !f.chained {
		fs.mu.RUnlock()
		fs.mu.Lock()
		_, err := f.clusters()
		fs.mu.Unlock()
		if err != nil {
			return 0, err
		}
		fs.mu.RLock()
	}
	defer fs.mu.RUnlock()
	if fs.closed {
		return 0, abi.EIO
	}
	if off >= int64(f.size) {
		return 0, nil
	}
	n := int(min(int64(len(dst)), int64(f.size)-off))
	if err := f.io(dst[:n], off, false); err != nil {
		return 0, err
	}
	o.read.Store(true)
	return n, nil
}

// writeLocked writes src at off. The caller holds fs.mu.
func (o *fileOps) writeLocked(src []byte, off int64) (int, error) {
	f := o.f
	fs := f.fs
	if fs.closed {
		return 0, abi.EIO
	}
	if off < 0 {
		return 0, abi.EINVAL
	}
	if len(src) == 0 {
		return 0, nil
	}
	if off >= maxFile {
		return 0, abi.EFBIG
	}
	if int64(len(src)) > maxFile-off {
		src = src[:maxFile-off]
	}
	end := off + int64(len(src))
	if err := f.grow(end); err != nil {
		if err != abi.ENOSPC {
			return 0, err
		}
		// Write what fits: take every free cluster left.
		cs, _ := f.clusters()
		if fs.free > 0 {
			fit := int64(len(cs)+int(fs.free)) * int64(fs.g.cs)
			if f.grow(fit) == nil {
				cs, _ = f.clusters()
			}
		}
		room := int64(len(cs))*int64(fs.g.cs) - off
		if room <= 0 {
			return 0, abi.ENOSPC
		}
		src = src[:min(room, int64(len(src)))]
		end = off + room
	}
	if off > int64(f.size) {
		if err := f.zero(int64(f.size), off); err != nil {
			return 0, err
		}
	}
	if err := f.io(src, off, true); err != nil {
		return 0, err
	}
	if end > int64(f.size) {
		f.size = uint32(end)
	}
	f.mtime = fs.now()
	f.attr |= attrArchive
	if err := f.writeEntry(); err != nil {
		return 0, err
	}
	return len(src), nil
}

func (o *fileOps) Write(_ vfs.Context, src []byte, off int64) (int, error) {
	o.f.fs.mu.Lock()
	defer o.f.fs.mu.Unlock()
	return o.writeLocked(src, off)
}

// Append writes src at the end of the file, atomically.
func (o *fileOps) Append(_ vfs.Context, src []byte) (int, int64, error) {
	o.f.fs.mu.Lock()
	defer o.f.fs.mu.Unlock()
	off := int64(o.f.size)
	n, err := o.writeLocked(src, off)
	return n, off + int64(n), err
}

// Sync is fsync: everything, durably.
func (o *fileOps) Sync() error { return o.f.fs.Sync() }

// Release puts what this description wrote on the device before the
// close returns, and frees the data of a removed file on its last close.
func (o *fileOps) Release() {
	if o.released.Swap(true) {
		return
	}
	f := o.f
	fs := f.fs
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f.opens--
	if o.read.Load() && !fs.closed {
		// FAT keeps only the date of the last access: touch the entry
		// when that changes.
		now := fs.now()
		y1, m1, d1 := now.In(fs.opts.Location).Date()
		y0, m0, d0 := f.atime.In(fs.opts.Location).Date()
		if y0 != y1 || m0 != m1 || d0 != d1 {
			f.atime = now
			f.writeEntry()
		}
	}
	if f.gone && f.opens == 0 {
		fs.releaseData(f)
	}
	if o.wrote.Load() && !fs.closed {
		fs.writeBack()
	}
}
