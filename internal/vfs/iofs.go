package vfs

import (
	"errors"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"sos/internal/abi"
)

// IOFS returns the subtree of ns under root as an io/fs file system, read
// as root (UID 0) with root as its root directory, so that SOS file
// systems can be checked with testing/fstest.TestFS and read by code that
// speaks io/fs. It implements fs.StatFS, fs.ReadDirFS and fs.ReadLinkFS;
// its files implement fs.ReadDirFile, io.Seeker and io.ReaderAt.
func IOFS(ns *Namespace, root *Dentry) fs.FS {
	fsc := NewFSContext(root, root, 0o022)
	fsc.SetCreds(RootCreds)
	return &ioFS{ns: ns, fsc: fsc}
}

type ioFS struct {
	ns  *Namespace
	fsc *FSContext
}

var (
	_ fs.StatFS     = (*ioFS)(nil)
	_ fs.ReadDirFS  = (*ioFS)(nil)
	_ fs.ReadLinkFS = (*ioFS)(nil)
)

// ioContext is the Context of io/fs calls: no process.
type ioContext struct{}

func (ioContext) PID() int { return 0 }
func (ioContext) TID() int { return 0 }

// pathErr wraps err for op on name as io/fs wants.
func pathErr(op, name string, err error) error {
	if errors.Is(err, abi.EINVAL) && op == "readlink" {
		err = fs.ErrInvalid
	}
	return &fs.PathError{Op: op, Path: name, Err: err}
}

func (f *ioFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, pathErr("open", name, fs.ErrInvalid)
	}
	file, err := f.ns.Open(ioContext{}, f.fsc, nil, name, abi.O_RDONLY, 0)
	if err != nil {
		return nil, pathErr("open", name, err)
	}
	return &ioFile{fsys: f, f: file, name: name}, nil
}

func (f *ioFS) stat(op, name string, follow bool) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, pathErr(op, name, fs.ErrInvalid)
	}
	a, err := f.ns.Stat(ioContext{}, f.fsc, nil, name, follow)
	if err != nil {
		return nil, pathErr(op, name, err)
	}
	return fileInfo{name: path.Base(name), a: a}, nil
}

func (f *ioFS) Stat(name string) (fs.FileInfo, error)  { return f.stat("stat", name, true) }
func (f *ioFS) Lstat(name string) (fs.FileInfo, error) { return f.stat("lstat", name, false) }

func (f *ioFS) ReadLink(name string) (string, error) {
	if !fs.ValidPath(name) {
		return "", pathErr("readlink", name, fs.ErrInvalid)
	}
	t, err := f.ns.Readlink(ioContext{}, f.fsc, nil, name)
	if err != nil {
		return "", pathErr("readlink", name, err)
	}
	return t, nil
}

func (f *ioFS) ReadDir(name string) ([]fs.DirEntry, error) {
	file, err := f.Open(name)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	ents, err := file.(*ioFile).ReadDir(-1)
	slices.SortFunc(ents, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return ents, err
}

// ioFile is an open file of an ioFS.
type ioFile struct {
	fsys   *ioFS
	f      *File
	name   string
	closed bool
}

var (
	_ fs.ReadDirFile = (*ioFile)(nil)
	_ io.Seeker      = (*ioFile)(nil)
	_ io.ReaderAt    = (*ioFile)(nil)
)

func (f *ioFile) Stat() (fs.FileInfo, error) {
	if f.closed {
		return nil, pathErr("stat", f.name, fs.ErrClosed)
	}
	a, err := f.f.Stat()
	if err != nil {
		return nil, pathErr("stat", f.name, err)
	}
	return fileInfo{name: path.Base(f.name), a: a}, nil
}

func (f *ioFile) Read(p []byte) (int, error) {
	if f.closed {
		return 0, pathErr("read", f.name, fs.ErrClosed)
	}
	n, err := f.f.Read(ioContext{}, p)
	if err != nil {
		return n, pathErr("read", f.name, err)
	}
	if n == 0 && len(p) > 0 {
		return 0, io.EOF
	}
	return n, nil
}

func (f *ioFile) ReadAt(p []byte, off int64) (int, error) {
	if f.closed {
		return 0, pathErr("read", f.name, fs.ErrClosed)
	}
	total := 0
	for total < len(p) {
		n, err := f.f.ReadAt(ioContext{}, p[total:], off+int64(total))
		total += n
		if err != nil {
			return total, pathErr("read", f.name, err)
		}
		if n == 0 {
			return total, io.EOF
		}
	}
	return total, nil
}

func (f *ioFile) Seek(off int64, whence int) (int64, error) {
	if f.closed {
		return 0, pathErr("seek", f.name, fs.ErrClosed)
	}
	n, err := f.f.Seek(ioContext{}, off, whence)
	if err != nil {
		return n, pathErr("seek", f.name, err)
	}
	return n, nil
}

func (f *ioFile) ReadDir(n int) ([]fs.DirEntry, error) {
	if f.closed {
		return nil, pathErr("readdir", f.name, fs.ErrClosed)
	}
	var out []fs.DirEntry
	err := f.f.ReadDirents(ioContext{}, func(e DirEntry, _ int64) bool {
		if n > 0 && len(out) == n {
			return false
		}
		if e.Name != "." && e.Name != ".." {
			out = append(out, &dirEntry{dir: f, e: e})
		}
		return true
	})
	if err != nil {
		return out, pathErr("readdir", f.name, err)
	}
	if n > 0 && len(out) == 0 {
		return nil, io.EOF
	}
	return out, nil
}

func (f *ioFile) Close() error {
	if f.closed {
		return pathErr("close", f.name, fs.ErrClosed)
	}
	f.closed = true
	f.f.DecRef()
	return nil
}

// dirEntry is an entry listed by ioFile.ReadDir.
type dirEntry struct {
	dir *ioFile
	e   DirEntry
}

func (d *dirEntry) Name() string      { return d.e.Name }
func (d *dirEntry) IsDir() bool       { return d.e.Type == abi.DT_DIR }
func (d *dirEntry) Type() fs.FileMode { return fileMode(dtToMode(d.e.Type)).Type() }
func (d *dirEntry) String() string    { return fs.FormatDirEntry(d) }

func (d *dirEntry) Info() (fs.FileInfo, error) {
	a, err := d.dir.fsys.ns.Stat(ioContext{}, d.dir.fsys.fsc, d.dir.f.Dentry(), d.e.Name, false)
	if err != nil {
		return nil, pathErr("lstat", path.Join(d.dir.name, d.e.Name), err)
	}
	return fileInfo{name: d.e.Name, a: a}, nil
}

func dtToMode(t uint8) uint32 {
	switch t {
	case abi.DT_FIFO:
		return abi.S_IFIFO
	case abi.DT_CHR:
		return abi.S_IFCHR
	case abi.DT_DIR:
		return abi.S_IFDIR
	case abi.DT_BLK:
		return abi.S_IFBLK
	case abi.DT_REG:
		return abi.S_IFREG
	case abi.DT_LNK:
		return abi.S_IFLNK
	case abi.DT_SOCK:
		return abi.S_IFSOCK
	}
	return 0
}

// fileInfo is an Attr as an fs.FileInfo; Sys returns the Attr.
type fileInfo struct {
	name string
	a    Attr
}

func (fi fileInfo) Name() string       { return fi.name }
func (fi fileInfo) Size() int64        { return fi.a.Size }
func (fi fileInfo) Mode() fs.FileMode  { return fileMode(fi.a.Mode) }
func (fi fileInfo) ModTime() time.Time { return fi.a.Mtime }
func (fi fileInfo) IsDir() bool        { return fi.a.Mode&abi.S_IFMT == abi.S_IFDIR }
func (fi fileInfo) Sys() any           { return fi.a }
func (fi fileInfo) String() string     { return fs.FormatFileInfo(fi) }

// fileMode converts a Linux mode to an fs.FileMode.
func fileMode(m uint32) fs.FileMode {
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
	case abi.S_IFREG:
	default:
		mode |= fs.ModeIrregular
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
