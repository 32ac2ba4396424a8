package rofs

import (
	"errors"
	"io"
	"io/fs"
	"path"
	"strings"
	"time"

	"sos/internal/abi"
	"sos/internal/vfs"
)

// This file adapts a vfs tree back to an io/fs.FS, so that
// testing/fstest.TestFS can hold rofs to io/fs's rules. It resolves paths
// as the VFS would: symbolic links in the middle of a path are followed
// (absolute targets from the root), a final one when opening but not for
// Lstat and ReadLink.

type testCtx struct{ pid, tid int }

func (c testCtx) PID() int { return c.pid }
func (c testCtx) TID() int { return c.tid }

var ctx vfs.Context = testCtx{pid: 1, tid: 1}

// iofs is a vfs tree as an io/fs.FS.
type iofs struct {
	root vfs.Node
}

var _ fs.ReadLinkFS = iofs{}

func (f iofs) Open(name string) (fs.File, error) {
	n, err := f.walk("open", name, true)
	if err != nil {
		return nil, err
	}
	a, err := n.Attr()
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	info := &fileInfo{name: path.Base(name), attr: a}
	if d, ok := n.(vfs.Dir); ok {
		return &dirFile{dir: d, info: info}, nil
	}
	o, ok := n.(vfs.Opener)
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: abi.ENXIO}
	}
	ops, err := o.Open(ctx, abi.O_RDONLY)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return &regFile{ops: ops, info: info}, nil
}

func (f iofs) ReadLink(name string) (string, error) {
	n, err := f.walk("readlink", name, false)
	if err != nil {
		return "", err
	}
	s, ok := n.(vfs.Symlink)
	if !ok {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: abi.EINVAL}
	}
	t, err := s.Readlink(ctx)
	if err != nil {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: err}
	}
	return t, nil
}

func (f iofs) Lstat(name string) (fs.FileInfo, error) {
	n, err := f.walk("lstat", name, false)
	if err != nil {
		return nil, err
	}
	a, err := n.Attr()
	if err != nil {
		return nil, &fs.PathError{Op: "lstat", Path: name, Err: err}
	}
	return &fileInfo{name: path.Base(name), attr: a}, nil
}

// walk resolves name to a node.
func (f iofs) walk(op, name string, follow bool) (vfs.Node, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	n, err := f.resolve(name, follow)
	if err != nil {
		return nil, &fs.PathError{Op: op, Path: name, Err: err}
	}
	return n, nil
}

func (f iofs) resolve(name string, follow bool) (vfs.Node, error) {
	var elems []string
	if name != "." {
		elems = strings.Split(name, "/")
	}
	stack := []vfs.Node{f.root}
	links := 0
	for len(elems) > 0 {
		e := elems[0]
		elems = elems[1:]
		switch e {
		case "", ".":
			continue
		case "..":
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
			continue
		}
		d, ok := stack[len(stack)-1].(vfs.Dir)
		if !ok {
			return nil, abi.ENOTDIR
		}
		child, err := d.Lookup(ctx, e)
		if err != nil {
			return nil, err
		}
		if s, ok := child.(vfs.Symlink); ok && (len(elems) > 0 || follow) {
			if links++; links > 40 {
				return nil, abi.ELOOP
			}
			t, err := s.Readlink(ctx)
			if err != nil {
				return nil, err
			}
			if strings.HasPrefix(t, "/") {
				stack = stack[:1]
			}
			elems = append(strings.Split(t, "/"), elems...)
			continue
		}
		stack = append(stack, child)
	}
	return stack[len(stack)-1], nil
}

// fileInfo is a vfs.Attr as an fs.FileInfo.
type fileInfo struct {
	name string
	attr vfs.Attr
}

func (i *fileInfo) Name() string       { return i.name }
func (i *fileInfo) Size() int64        { return i.attr.Size }
func (i *fileInfo) Mode() fs.FileMode  { return fsMode(i.attr.Mode) }
func (i *fileInfo) ModTime() time.Time { return i.attr.Mtime }
func (i *fileInfo) IsDir() bool        { return i.attr.Mode&abi.S_IFMT == abi.S_IFDIR }
func (i *fileInfo) Sys() any           { return i.attr }

// fsMode is linuxMode's inverse.
func fsMode(m uint32) fs.FileMode {
	mode := fs.FileMode(m & 0o777)
	switch m & abi.S_IFMT {
	case abi.S_IFDIR:
		mode |= fs.ModeDir
	case abi.S_IFLNK:
		mode |= fs.ModeSymlink
	case abi.S_IFIFO:
		mode |= fs.ModeNamedPipe
	case abi.S_IFSOCK:
		mode |= fs.ModeSocket
	case abi.S_IFCHR:
		mode |= fs.ModeDevice | fs.ModeCharDevice
	case abi.S_IFBLK:
		mode |= fs.ModeDevice
	}
	if m&abi.S_ISUID != 0 {
		mode |= fs.ModeSetuid
	}
	if m&abi.S_ISGID != 0 {
		mode |= fs.ModeSetgid
	}
	if m&abi.S_ISVTX != 0 {
		mode |= fs.ModeSticky
	}
	return mode
}

// dirFile is an open directory.
type dirFile struct {
	dir  vfs.Dir
	info *fileInfo
	pos  int
}

func (d *dirFile) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *dirFile) Close() error               { return nil }
func (d *dirFile) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.name, Err: abi.EISDIR}
}

func (d *dirFile) ReadDir(count int) ([]fs.DirEntry, error) {
	ents, err := d.dir.ReadDir(ctx, d.pos, max(count, 0))
	if err != nil {
		return nil, err
	}
	d.pos += len(ents)
	if count > 0 && len(ents) == 0 {
		return nil, io.EOF
	}
	out := make([]fs.DirEntry, len(ents))
	for i, e := range ents {
		out[i] = iofsEntry{dir: d.dir, e: e}
	}
	return out, nil
}

// iofsEntry is a vfs.DirEntry as an fs.DirEntry.
type iofsEntry struct {
	dir vfs.Dir
	e   vfs.DirEntry
}

func (e iofsEntry) Name() string      { return e.e.Name }
func (e iofsEntry) IsDir() bool       { return e.e.Type == abi.DT_DIR }
func (e iofsEntry) Type() fs.FileMode { return fsMode(dtMode(e.e.Type)).Type() }
func (e iofsEntry) Info() (fs.FileInfo, error) {
	n, err := e.dir.Lookup(ctx, e.e.Name)
	if err != nil {
		return nil, err
	}
	a, err := n.Attr()
	if err != nil {
		return nil, err
	}
	if a.Ino != e.e.Ino {
		return nil, errors.New("inode number differs from the directory entry's")
	}
	return &fileInfo{name: e.e.Name, attr: a}, nil
}

func dtMode(t uint8) uint32 {
	switch t {
	case abi.DT_DIR:
		return abi.S_IFDIR
	case abi.DT_LNK:
		return abi.S_IFLNK
	case abi.DT_FIFO:
		return abi.S_IFIFO
	case abi.DT_SOCK:
		return abi.S_IFSOCK
	case abi.DT_CHR:
		return abi.S_IFCHR
	case abi.DT_BLK:
		return abi.S_IFBLK
	}
	return abi.S_IFREG
}

// regFile is an open file.
type regFile struct {
	ops    vfs.FileOps
	info   *fileInfo
	pos    int64
	closed bool
}

func (f *regFile) Stat() (fs.FileInfo, error) { return f.info, nil }

func (f *regFile) Close() error {
	if f.closed {
		return fs.ErrClosed
	}
	f.closed = true
	f.ops.Release()
	return nil
}

func (f *regFile) Read(b []byte) (int, error) {
	n, err := f.ReadAt(b, f.pos)
	f.pos += int64(n)
	if err == io.EOF && n > 0 {
		err = nil
	}
	return n, err
}

func (f *regFile) ReadAt(b []byte, off int64) (int, error) {
	if f.closed {
		return 0, fs.ErrClosed
	}
	total := 0
	for total < len(b) {
		n, err := f.ops.Read(ctx, b[total:], off+int64(total))
		if err != nil {
			return total, err
		}
		if n == 0 {
			return total, io.EOF
		}
		total += n
	}
	return total, nil
}

func (f *regFile) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		off += f.pos
	case io.SeekEnd:
		off += f.info.attr.Size
	}
	if off < 0 {
		return 0, fs.ErrInvalid
	}
	f.pos = off
	return off, nil
}
