package tmpfs

import (
	"math"
	"sync"
	"sync/atomic"

	"sos/internal/abi"
	"sos/internal/vfs"
	"sos/internal/waiter"
)

// page is one page of a file's data. Bytes of a page beyond the end of
// the file are always zero, so growing the file exposes zeros.
type page [pageSize]byte

// file is a regular file. Its data is a sparse set of pages: a page never
// written (a hole) reads as zeros and takes no memory.
type file struct {
	inode

	// dmu guards the following fields.
	dmu   sync.RWMutex
	size  int64
	pages map[int64]*page // by page index
	opens int             // open file descriptions
}

var (
	_ vfs.Opener    = (*file)(nil)
	_ vfs.Setattrer = (*file)(nil)
)

func (f *file) Attr() (vfs.Attr, error) {
	f.fs.mu.RLock()
	defer f.fs.mu.RUnlock()
	f.dmu.RLock()
	defer f.dmu.RUnlock()
	f.amu.Lock()
	defer f.amu.Unlock()
	a := f.attrLocked()
	a.Size = f.size
	a.Blocks = int64(len(f.pages)) * (pageSize / 512)
	return a, nil
}

func (f *file) SetAttr(_ vfs.Context, a vfs.SetAttr) error {
	if a.Size != nil {
		if err := f.truncate(*a.Size); err != nil {
			return err
		}
	}
	f.setAttr(a)
	return nil
}

// truncate sets the size: shrinking frees the pages past the end and
// zeros the rest of the last one; growing only moves the end (sparse).
func (f *file) truncate(size int64) error {
	if size < 0 {
		return abi.EINVAL
	}
	f.dmu.Lock()
	defer f.dmu.Unlock()
	if size == f.size {
		return nil
	}
	if size < f.size {
		keep := (size + pageSize - 1) / pageSize
		freed := 0
		for i := range f.pages {
			if i >= keep {
				delete(f.pages, i)
				freed++
			}
		}
		f.fs.unreserve(freed)
		if off := size % pageSize; off != 0 {
			if p := f.pages[size/pageSize]; p != nil {
				clear(p[off:])
			}
		}
	}
	f.size = size
	f.touch()
	return nil
}

// maybeFree drops the data of a file that has neither names nor open
// descriptions. The caller holds fs.mu.
func (f *file) maybeFree() {
	f.dmu.Lock()
	defer f.dmu.Unlock()
	if f.nlink == 0 && f.opens == 0 {
		f.fs.unreserve(len(f.pages))
		f.pages = map[int64]*page{}
	}
}

func (f *file) Open(_ vfs.Context, flags int) (vfs.FileOps, error) {
	f.dmu.Lock()
	f.opens++
	f.dmu.Unlock()
	return &fileOps{f: f}, nil
}

// read copies the data at off into dst.
func (f *file) read(dst []byte, off int64) (int, error) {
	if off < 0 {
		return 0, abi.EINVAL
	}
	f.dmu.RLock()
	defer f.dmu.RUnlock()
	if off >= f.size {
		return 0, nil
	}
	n := int(min(int64(len(dst)), f.size-off))
	for done := 0; done < n; {
		idx, po := (off+int64(done))/pageSize, int((off+int64(done))%pageSize)
		chunk := min(n-done, pageSize-po)
		if p := f.pages[idx]; p != nil {
			copy(dst[done:done+chunk], p[po:])
		} else {
			clear(dst[done : done+chunk])
		}
		done += chunk
	}
	return n, nil
}

// writeLocked copies src into the file at off, allocating pages, and
// returns how much fit; the caller holds dmu for writing.
func (f *file) writeLocked(src []byte, off int64) (int, error) {
	if off < 0 {
		return 0, abi.EINVAL
	}
	if off > math.MaxInt64-int64(len(src)) {
		return 0, abi.EFBIG
	}
	done := 0
	var err error
	for done < len(src) {
		idx, po := (off+int64(done))/pageSize, int((off+int64(done))%pageSize)
		chunk := min(len(src)-done, pageSize-po)
		p := f.pages[idx]
		if p == nil {
			if err = f.fs.reserve(); err != nil {
				break
			}
			p = new(page)
			f.pages[idx] = p
		}
		copy(p[po:], src[done:done+chunk])
		done += chunk
	}
	if done > 0 {
		f.size = max(f.size, off+int64(done))
		f.touch()
		return done, nil
	}
	return 0, err
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
)

func (o *fileOps) Read(_ vfs.Context, dst []byte, off int64) (int, error) {
	return o.f.read(dst, off)
}

func (o *fileOps) Write(_ vfs.Context, src []byte, off int64) (int, error) {
	o.f.dmu.Lock()
	defer o.f.dmu.Unlock()
	return o.f.writeLocked(src, off)
}

// Append writes src at the end of the file, atomically with respect to
// every other writer.
func (o *fileOps) Append(_ vfs.Context, src []byte) (int, int64, error) {
	o.f.dmu.Lock()
	defer o.f.dmu.Unlock()
	off := o.f.size
	n, err := o.f.writeLocked(src, off)
	return n, off + int64(n), err
}

func (o *fileOps) Sync() error { return nil }

func (o *fileOps) Release() {
	if o.released.Swap(true) {
		return
	}
	f := o.f
	f.fs.mu.RLock()
	defer f.fs.mu.RUnlock()
	f.dmu.Lock()
	defer f.dmu.Unlock()
	f.opens--
	if f.opens == 0 && f.nlink == 0 {
		f.fs.unreserve(len(f.pages))
		f.pages = map[int64]*page{}
	}
}
