// Package vfs is SOS's virtual file system: the interfaces every file
// system implements, the tree of names (dentries) with mounts and path
// resolution, open file descriptions, and per-process descriptor tables.
// It knows nothing of processes beyond the small Context interface, and
// nothing of the CPU. Errors are Linux error numbers (abi.Errno).
//
// A file system is a tree of Nodes. Every Node reports its attributes;
// what else it can do is expressed, in the manner of io/fs, by optional
// interfaces: a directory implements Dir, a symbolic link Symlink, anything
// that can be opened Opener, anything whose attributes can change Setattrer.
// Opening a node yields FileOps, the operations of an open file; the VFS
// wraps them in a File (an open file description) that keeps the offset and
// the status flags.
//
// FileOps never wait for an event of unbounded duration: an operation
// that cannot proceed until something happens (data in a pipe, a key on
// the console) returns abi.EAGAIN, and the system-call layer waits for
// readiness through the file's waiter.Waitable and retries. That one
// mechanism gives blocking reads, O_NONBLOCK, poll, select and epoll, and
// lets a blocked task be interrupted by a signal. Storage is different:
// a file system on a disk or a server (FAT32, NFS) waits for its I/O in
// the call, blocking only the calling task's goroutine (never a hart), for
// a time its own timeouts bound.
package vfs

import (
	"time"

	"sos/internal/waiter"
)

// Context is what a file operation may need to know about its caller.
type Context interface {
	// PID and TID identify the calling process and thread (for
	// /proc/self and /proc/thread-self).
	PID() int
	TID() int
}

// Attr is a node's metadata, the fields of stat(2) and statx(2).
type Attr struct {
	Ino     uint64
	Dev     uint64
	Rdev    uint64
	Mode    uint32 // file type and permission bits (abi.S_IF*)
	Nlink   uint32
	UID     uint32
	GID     uint32
	Size    int64
	Blksize int32
	Blocks  int64 // 512-byte blocks
	Atime   time.Time
	Mtime   time.Time
	Ctime   time.Time
	Btime   time.Time
}

// Node is an object in a file system: a file, directory, symbolic link,
// device, pipe or socket.
type Node interface {
	Attr() (Attr, error)
}

// DirEntry is one name in a directory listing.
type DirEntry struct {
	Name string
	Ino  uint64
	Type uint8 // abi.DT_*
}

// Dir is a directory.
type Dir interface {
	Node
	// Lookup returns the child called name (never "." or ".."; the VFS
	// resolves those), or abi.ENOENT.
	Lookup(ctx Context, name string) (Node, error)
	// ReadDir returns the entries after the first skip ones (not
	// including "." and ".."), at most max of them (all if max <= 0).
	// A directory must list its entries in a stable order while it is not
	// modified.
	ReadDir(ctx Context, skip, max int) ([]DirEntry, error)
}

// WritableDir is a directory whose entries can change. A read-only file
// system does not implement it, and the VFS answers abi.EROFS.
type WritableDir interface {
	Dir
	// Create makes a regular file (abi.EEXIST if name exists).
	Create(ctx Context, name string, mode uint32) (Node, error)
	Mkdir(ctx Context, name string, mode uint32) (Node, error)
	Symlink(ctx Context, name, target string) (Node, error)
	// Mknod makes a FIFO (other types may return abi.EPERM).
	Mknod(ctx Context, name string, mode uint32, dev uint64) (Node, error)
	// Unlink removes a non-directory (abi.EISDIR for a directory).
	Unlink(ctx Context, name string) error
	// Rmdir removes an empty directory (abi.ENOTEMPTY, abi.ENOTDIR).
	Rmdir(ctx Context, name string) error
	// Rename moves oldName to newDir/newName, replacing a non-directory
	// or empty directory there as rename(2) does. newDir is a directory of
	// the same file system (the VFS checks and answers abi.EXDEV).
	Rename(ctx Context, oldName string, newDir Dir, newName string) error
	// Link makes newName another name for node (abi.EPERM if not
	// supported).
	Link(ctx Context, node Node, newName string) error
}

// Symlink is a symbolic link.
type Symlink interface {
	Node
	Readlink(ctx Context) (string, error)
}

// Opener is a node that can be opened. flags are the open(2) flags
// (access mode, O_APPEND, O_NONBLOCK, O_TRUNC...); a node that cannot be
// opened for writing returns abi.EACCES or abi.EROFS.
type Opener interface {
	Open(ctx Context, flags int) (FileOps, error)
}

// SetAttr says which attributes to change.
type SetAttr struct {
	Mode  *uint32 // permission bits only
	Size  *int64  // truncate or extend
	Atime *time.Time
	Mtime *time.Time
	UID   *uint32
	GID   *uint32
}

// Setattrer is a node whose attributes can be changed.
type Setattrer interface {
	SetAttr(ctx Context, a SetAttr) error
}

// FileOps are the operations of an open file. off is the file offset for
// files that have one (the VFS keeps it); streams ignore it. Read returns
// (0, nil) at end of file. Every operation is non-blocking (see the package
// comment), and the buffers may alias guest memory: an implementation must
// not keep them after returning.
type FileOps interface {
	waiter.Waitable
	Read(ctx Context, dst []byte, off int64) (int, error)
	Write(ctx Context, src []byte, off int64) (int, error)
	// Release is called once, when the last reference to the open file
	// description is dropped.
	Release()
}

// Stream is implemented by files without offsets (pipes, terminals,
// character devices): lseek on them is abi.ESPIPE and reads and writes do
// not advance an offset.
type Stream interface {
	IsStream()
}

// Flusher is implemented by files with writes to push out when a
// descriptor for them is closed (Linux's f_op->flush): close(2) returns
// what Flush returns, so an error in a write the file system finished in
// the background (NFS's write-behind) reaches the program that wrote,
// rather than being lost. The descriptor is closed whatever Flush says.
type Flusher interface {
	Flush() error
}

// Syncer is implemented by files whose data can be flushed to storage.
type Syncer interface {
	Sync() error
}

// Ioctler is implemented by files with device controls. mem gives access
// to the caller's memory for arguments that are pointers.
type Ioctler interface {
	Ioctl(ctx Context, mem UserMemory, req uint32, arg uint64) (uint64, error)
}

// UserMemory is the calling process's memory, for ioctl arguments.
type UserMemory interface {
	CopyIn(va uint64, dst []byte) error
	CopyOut(va uint64, src []byte) error
}

// Seeker is implemented by files that decide their own seek semantics
// (directories, /proc files); others get the VFS's default.
type Seeker interface {
	Seek(ctx Context, cur, off int64, whence int) (int64, error)
}

// DirReader is implemented by an open directory: getdents64 reads entries
// through it, from the position the file offset records.
type DirReader interface {
	// ReadDirAt returns entries starting at index pos (0 is ".", 1 is
	// "..", then the directory's own entries).
	ReadDirAt(ctx Context, pos int, max int) ([]DirEntry, error)
}
