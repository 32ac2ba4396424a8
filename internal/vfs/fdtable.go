package vfs

import (
	"sync"
	"sync/atomic"

	"sos/internal/abi"
)

// DefaultFDLimit is RLIMIT_NOFILE's default soft limit.
const DefaultFDLimit = 1024

// An FDTable is a process's table of file descriptors, shared by threads
// made with CLONE_FILES. It is safe for concurrent use.
//
// Ownership: the table holds its own reference to every File installed in
// it. Install takes a new reference (the caller keeps its own and drops it
// when done); Get returns a new reference the caller must DecRef; closing a
// descriptor drops the table's.
type FDTable struct {
	refs atomic.Int64 // tasks sharing the table

	// mu guards the following fields.
	mu    sync.RWMutex
	files []fdEntry // indexed by descriptor
	limit int
	free  int // no descriptor below free is unused
}

type fdEntry struct {
	file    *File
	cloexec bool
}

// NewFDTable returns an empty table with the default limit and one
// reference.
func NewFDTable() *FDTable {
	t := &FDTable{limit: DefaultFDLimit}
	t.refs.Store(1)
	return t
}

// IncRef adds a reference, for a task that shares the table (CLONE_FILES).
func (t *FDTable) IncRef() { t.refs.Add(1) }

// DecRef drops a reference; the last one closes every descriptor.
func (t *FDTable) DecRef() {
	if t.refs.Add(-1) == 0 {
		t.CloseAll()
	}
}

// Shared reports whether more than one reference to the table exists.
func (t *FDTable) Shared() bool { return t.refs.Load() > 1 }

// Unshare returns a table only the caller holds (execve's
// unshare_files): t itself if it is not shared, else a copy (Fork), and
// then the caller's reference to t is dropped.
func (t *FDTable) Unshare() *FDTable {
	if !t.Shared() {
		return t
	}
	n := t.Fork()
	t.DecRef()
	return n
}

// Limit returns the table's limit (RLIMIT_NOFILE): descriptors are below
// it.
func (t *FDTable) Limit() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.limit
}

// SetLimit sets the limit. Descriptors already at or above it stay open,
// as on Linux; only new ones are refused.
func (t *FDTable) SetLimit(n int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.limit = max(n, 0)
}

// Install puts f at the lowest free descriptor not below minFD and
// returns it: abi.EINVAL if minFD is negative or not below the limit,
// abi.EMFILE if every descriptor from minFD up to the limit is taken. The
// table takes its own reference to f.
func (t *FDTable) Install(f *File, minFD int, cloexec bool) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if minFD < 0 || minFD >= t.limit {
		return -1, abi.EINVAL
	}
	fd := max(minFD, t.free)
	for fd < len(t.files) && t.files[fd].file != nil {
		fd++
	}
	if fd >= t.limit {
		return -1, abi.EMFILE
	}
	t.setLocked(fd, f, cloexec)
	if minFD <= t.free {
		t.free = fd + 1
	}
	return fd, nil
}

// setLocked puts f at fd, which is free, taking a reference.
func (t *FDTable) setLocked(fd int, f *File, cloexec bool) {
	if fd >= len(t.files) {
		t.files = append(t.files, make([]fdEntry, fd+1-len(t.files))...)
	}
	f.IncRef()
	t.files[fd] = fdEntry{file: f, cloexec: cloexec}
}

// removeLocked takes the file at fd out of the table and returns it with
// the table's reference, which the caller must drop once it has released
// mu.
func (t *FDTable) removeLocked(fd int) *File {
	if fd < 0 || fd >= len(t.files) || t.files[fd].file == nil {
		return nil
	}
	f := t.files[fd].file
	t.files[fd] = fdEntry{}
	if fd < t.free {
		t.free = fd
	}
	return f
}

// Get returns the file at fd with a new reference, which the caller must
// DecRef, or abi.EBADF.
func (t *FDTable) Get(fd int) (*File, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if fd < 0 || fd >= len(t.files) || t.files[fd].file == nil {
		return nil, abi.EBADF
	}
	f := t.files[fd].file
	f.IncRef()
	return f, nil
}

// Close closes fd (close(2)): abi.EBADF if it is not open; otherwise
// what the file's Flush returns, if it has one (the descriptor is closed
// either way).
func (t *FDTable) Close(fd int) error {
	t.mu.Lock()
	f := t.removeLocked(fd)
	t.mu.Unlock()
	if f == nil {
		return abi.EBADF
	}
	var err error
	if fl, ok := f.ops.(Flusher); ok {
		err = fl.Flush()
	}
	f.DecRef()
	return err
}

// Dup3 makes newFD refer to the file at oldFD (dup3(2)), closing what
// newFD referred to: abi.EBADF if oldFD is not open or newFD is out of
// range, abi.EINVAL if they are equal.
func (t *FDTable) Dup3(oldFD, newFD int, cloexec bool) (int, error) {
	t.mu.Lock()
	if oldFD < 0 || oldFD >= len(t.files) || t.files[oldFD].file == nil {
		t.mu.Unlock()
		return -1, abi.EBADF
	}
	if newFD < 0 || newFD >= t.limit {
		t.mu.Unlock()
		return -1, abi.EBADF
	}
	if oldFD == newFD {
		t.mu.Unlock()
		return -1, abi.EINVAL
	}
	f := t.files[oldFD].file
	old := t.removeLocked(newFD)
	t.setLocked(newFD, f, cloexec)
	t.mu.Unlock()
	if old != nil {
		old.DecRef()
	}
	return newFD, nil
}

// InstallAt puts f at descriptor fd, closing what fd referred to (as
// dup3 does, for setting up a new process's standard descriptors):
// abi.EBADF if fd is out of range. The table takes its own reference.
func (t *FDTable) InstallAt(f *File, fd int, cloexec bool) error {
	t.mu.Lock()
	if fd < 0 || fd >= t.limit {
		t.mu.Unlock()
		return abi.EBADF
	}
	old := t.removeLocked(fd)
	t.setLocked(fd, f, cloexec)
	t.mu.Unlock()
	if old != nil {
		old.DecRef()
	}
	return nil
}

// Dup makes a new descriptor, the lowest free one not below minFD, for the
// file at oldFD (dup(2), F_DUPFD, F_DUPFD_CLOEXEC).
func (t *FDTable) Dup(oldFD, minFD int, cloexec bool) (int, error) {
	f, err := t.Get(oldFD)
	if err != nil {
		return -1, err
	}
	defer f.DecRef()
	return t.Install(f, minFD, cloexec)
}

// Cloexec reports whether fd has close-on-exec set (F_GETFD).
func (t *FDTable) Cloexec(fd int) (bool, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if fd < 0 || fd >= len(t.files) || t.files[fd].file == nil {
		return false, abi.EBADF
	}
	return t.files[fd].cloexec, nil
}

// SetCloexec sets or clears close-on-exec on fd (F_SETFD).
func (t *FDTable) SetCloexec(fd int, cloexec bool) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if fd < 0 || fd >= len(t.files) || t.files[fd].file == nil {
		return abi.EBADF
	}
	t.files[fd].cloexec = cloexec
	return nil
}

// Fork returns a copy of the table with one reference, for a process
// made without CLONE_FILES: the same files at the same descriptors, each
// with a new reference.
func (t *FDTable) Fork() *FDTable {
	t.mu.RLock()
	defer t.mu.RUnlock()
	n := &FDTable{files: make([]fdEntry, len(t.files)), limit: t.limit, free: t.free}
	n.refs.Store(1)
	for fd, e := range t.files {
		if e.file != nil {
			e.file.IncRef()
			n.files[fd] = e
		}
	}
	return n
}

// CloseOnExec closes the descriptors marked close-on-exec (execve).
func (t *FDTable) CloseOnExec() {
	t.closeIf(func(_ int, e fdEntry) bool { return e.cloexec })
}

// CloseAll closes every descriptor (exit).
func (t *FDTable) CloseAll() {
	t.closeIf(func(int, fdEntry) bool { return true })
}

// CloseRange closes the descriptors from first to last inclusive
// (close_range(2)), or only marks them close-on-exec if cloexec.
func (t *FDTable) CloseRange(first, last int, cloexec bool) {
	if cloexec {
		t.mu.Lock()
		defer t.mu.Unlock()
		for fd := max(first, 0); fd <= last && fd < len(t.files); fd++ {
			if t.files[fd].file != nil {
				t.files[fd].cloexec = true
			}
		}
		return
	}
	t.closeIf(func(fd int, _ fdEntry) bool { return fd >= first && fd <= last })
}

// closeIf closes the descriptors whose entries match, in increasing order.
func (t *FDTable) closeIf(match func(fd int, e fdEntry) bool) {
	t.mu.Lock()
	var closed []*File
	for fd, e := range t.files {
		if e.file != nil && match(fd, e) {
			closed = append(closed, t.removeLocked(fd))
		}
	}
	t.mu.Unlock()
	for _, f := range closed {
		f.DecRef()
	}
}

// Each calls fn for every open descriptor in increasing order (for
// /proc/PID/fd). fn runs without the table locked and must not keep f
// beyond the call without taking a reference.
func (t *FDTable) Each(fn func(fd int, f *File, cloexec bool)) {
	type ent struct {
		fd int
		fdEntry
	}
	t.mu.RLock()
	var ents []ent
	for fd, e := range t.files {
		if e.file != nil {
			e.file.IncRef()
			ents = append(ents, ent{fd, e})
		}
	}
	t.mu.RUnlock()
	for _, e := range ents {
		fn(e.fd, e.file, e.cloexec)
		e.file.DecRef()
	}
}
