package vfs

import (
	"sync"

	"sos/internal/abi"
)

// An FSContext is a process's view of the namespace: its root directory
// (chroot), working directory, umask and credentials. Threads made with
// CLONE_FS share one; fork copies it (Fork). It is safe for concurrent use.
//
// Linux keeps credentials in the task rather than in fs_struct; SOS keeps
// them here because every path operation needs both and SOS changes them
// for a whole process at once (as glibc's setuid does for all threads).
type FSContext struct {
	// mu guards the following fields.
	mu    sync.Mutex
	root  *Dentry
	cwd   *Dentry
	umask uint32
	creds *Creds
}

// DefaultUID and DefaultGID are the identity SOS runs programs with.
const (
	DefaultUID = 1000
	DefaultGID = 1000
)

var defaultCreds = UserCreds(DefaultUID, DefaultGID)

// NewFSContext returns a context with the given root and working
// directories and umask, and the default credentials (DefaultUID,
// DefaultGID; see SetCreds).
func NewFSContext(root, cwd *Dentry, umask uint32) *FSContext {
	return &FSContext{root: root, cwd: cwd, umask: umask & 0o777, creds: defaultCreds}
}

// Fork returns a copy of fs, for a process made without CLONE_FS.
func (fs *FSContext) Fork() *FSContext {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return &FSContext{root: fs.root, cwd: fs.cwd, umask: fs.umask, creds: fs.creds}
}

// Root returns the root directory absolute paths start at.
func (fs *FSContext) Root() *Dentry {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.root
}

// Cwd returns the working directory.
func (fs *FSContext) Cwd() *Dentry {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.cwd
}

// Getcwd returns the working directory's path as getcwd(2) does: relative
// to the root directory, abi.ENOENT if the directory was removed, and
// prefixed with "(unreachable)" if it lies outside the root.
func (fs *FSContext) Getcwd() (string, error) {
	fs.mu.Lock()
	root, cwd := fs.root, fs.cwd
	fs.mu.Unlock()
	if cwd.Deleted() {
		return "", abi.ENOENT
	}
	p, ok := cwd.PathFrom(root)
	if !ok {
		p = "(unreachable)" + p
	}
	return p, nil
}

// Umask returns the file-creation mask.
func (fs *FSContext) Umask() uint32 {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.umask
}

// SetUmask sets the file-creation mask to mask&0777 and returns the old
// one, as umask(2) does.
func (fs *FSContext) SetUmask(mask uint32) uint32 {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	old := fs.umask
	fs.umask = mask & 0o777
	return old
}

// Creds returns the credentials permission checks use. The caller must not
// modify them.
func (fs *FSContext) Creds() *Creds {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.creds
}

// SetCreds replaces the credentials; c must not be modified afterwards.
func (fs *FSContext) SetCreds(c *Creds) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.creds = c
}

// Chdir makes d the working directory (chdir, fchdir): abi.ENOTDIR if d is
// not a directory, abi.EACCES without search permission on it.
func (fs *FSContext) Chdir(d *Dentry) error {
	if err := fs.checkDir(d); err != nil {
		return err
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.cwd = d
	return nil
}

// Chroot makes d the root directory (chroot): besides Chdir's checks, only
// UID 0 may do it (abi.EPERM), as Linux requires CAP_SYS_CHROOT. The
// working directory does not change.
func (fs *FSContext) Chroot(d *Dentry) error {
	if fs.Creds().UID != 0 {
		return abi.EPERM
	}
	if err := fs.checkDir(d); err != nil {
		return err
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.root = d
	return nil
}

func (fs *FSContext) checkDir(d *Dentry) error {
	if !d.IsDir() {
		return abi.ENOTDIR
	}
	a, err := d.node.Attr()
	if err != nil {
		return err
	}
	return fs.Creds().Permission(a, abi.X_OK)
}

// snapshot returns the fields path resolution needs, read together.
func (fs *FSContext) snapshot() (root, cwd *Dentry, umask uint32, creds *Creds) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.root, fs.cwd, fs.umask, fs.creds
}
