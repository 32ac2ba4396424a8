package vfs

import (
	"math"

	"sos/internal/abi"
	"sos/internal/waiter"
)

// dirFile is the open directory the VFS makes for a Dir that is not an
// Opener: it lists "." and ".." and then what Dir.ReadDir returns.
// Positions are indexes into that listing, so they stay valid while the
// directory does not change (Dir.ReadDir's promise).
type dirFile struct {
	waiter.AlwaysReady
	ns *Namespace
	d  *Dentry
}

var (
	_ FileOps   = (*dirFile)(nil)
	_ DirReader = (*dirFile)(nil)
	_ Seeker    = (*dirFile)(nil)
)

func (f *dirFile) Read(Context, []byte, int64) (int, error)  { return 0, abi.EISDIR }
func (f *dirFile) Write(Context, []byte, int64) (int, error) { return 0, abi.EISDIR }
func (f *dirFile) Release()                                  {}

func (f *dirFile) ReadDirAt(ctx Context, pos int, max int) ([]DirEntry, error) {
	if pos < 0 {
		return nil, abi.EINVAL
	}
	if max <= 0 {
		max = math.MaxInt
	}
	var out []DirEntry
	if pos == 0 {
		a, err := f.d.node.Attr()
		if err != nil {
			return nil, err
		}
		out = append(out, DirEntry{Name: ".", Ino: a.Ino, Type: abi.DT_DIR})
		pos++
	}
	if pos == 1 && len(out) < max {
		p := f.d
		if f.ns != nil {
			p = f.ns.dotdot(f.d, nil)
		}
		a, err := p.node.Attr()
		if err != nil {
			return nil, err
		}
		out = append(out, DirEntry{Name: "..", Ino: a.Ino, Type: abi.DT_DIR})
		pos++
	}
	if len(out) == max {
		return out, nil
	}
	ents, err := f.d.node.(Dir).ReadDir(ctx, pos-2, max-len(out))
	if err != nil {
		if len(out) > 0 {
			return out, nil
		}
		return nil, err
	}
	return append(out, ents...), nil
}

// Seek sets the listing position: SEEK_SET to a position ReadDirents
// reported (or 0 to start again), SEEK_CUR relative to the current one.
func (f *dirFile) Seek(_ Context, cur, off int64, whence int) (int64, error) {
	switch whence {
	case abi.SEEK_SET:
	case abi.SEEK_CUR:
		off += cur
	default:
		return 0, abi.EINVAL
	}
	if off < 0 {
		return 0, abi.EINVAL
	}
	return off, nil
}

// pathOps are the operations of a file opened with O_PATH: none.
type pathOps struct{}

var _ FileOps = pathOps{}

func (pathOps) Readiness(waiter.EventMask) waiter.EventMask { return 0 }
func (pathOps) EventRegister(*waiter.Entry)                 {}
func (pathOps) EventUnregister(*waiter.Entry)               {}
func (pathOps) Read(Context, []byte, int64) (int, error)    { return 0, abi.EBADF }
func (pathOps) Write(Context, []byte, int64) (int, error)   { return 0, abi.EBADF }
func (pathOps) Release()                                    {}
