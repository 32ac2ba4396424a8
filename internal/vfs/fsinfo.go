package vfs

import "slices"

// A FileSystem is what a mount may say about its file system as a whole,
// beyond its tree of nodes: how to write back what it holds in memory
// (sync(2), syncfs(2), shutdown) and how big it is (statfs(2)). File
// systems that keep nothing to write back and have no meaningful size
// (procfs, devfs) need not provide one.
type FileSystem interface {
	// Sync writes everything written so far to stable storage (the disk
	// image, the NFS server) and returns once it is there.
	Sync() error
	// StatFS reports the file system's size and free space.
	StatFS() (StatFS, error)
}

// StatFS is a file system's size, the fields of statfs(2). Type is the
// Linux magic number (f_type); zero lets the system-call layer choose one
// from the mount's file-system type.
type StatFS struct {
	Type        uint64
	BlockSize   int64 // f_bsize and f_frsize
	Blocks      uint64
	BlocksFree  uint64
	BlocksAvail uint64
	Files       uint64
	FilesFree   uint64
	NameLen     int64
}

// WithFileSystem gives a mount its FileSystem.
func WithFileSystem(fs FileSystem) MountOption { return func(m *Mount) { m.fs = fs } }

// FileSystem returns the FileSystem of the mount d belongs to, or nil if
// the mount has none (or d is anonymous).
func (d *Dentry) FileSystem() FileSystem {
	if d == nil || d.mount == nil {
		return nil
	}
	return d.mount.fs
}

// FSType returns the file-system type of the mount d belongs to ("" for
// an anonymous dentry).
func (d *Dentry) FSType() string {
	if d == nil || d.mount == nil {
		return ""
	}
	return d.mount.fsType
}

// Sync writes back every mounted file system, in mount order, trying all
// of them and returning the first error.
func (ns *Namespace) Sync() error {
	ns.mu.RLock()
	ms := slices.Clone(ns.mounts)
	ns.mu.RUnlock()
	var first error
	for _, m := range ms {
		if m.fs == nil {
			continue
		}
		if err := m.fs.Sync(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
