package vfs

import (
	"strings"

	"sos/internal/abi"
)

// Limits of path resolution, as Linux has them.
const (
	MaxSymlinks = 40   // symbolic links followed in one resolution (abi.ELOOP)
	NameMax     = 255  // bytes in one path component (abi.ENAMETOOLONG)
	PathMax     = 4096 // bytes in a path, counting its terminating NUL
)

// ResolveFlags change how Resolve treats the last component of a path.
type ResolveFlags int

const (
	// FollowFinal follows a symbolic link in the last component.
	FollowFinal ResolveFlags = 1 << iota
	// MustBeDir fails with abi.ENOTDIR unless the result is a directory.
	MustBeDir
)

// MagicLink is a symbolic link whose target is an object rather than a
// path, like Linux's /proc/PID/fd/N, /proc/PID/cwd and /proc/PID/exe:
// following it lands on the dentry Follow returns (an open pipe, a deleted
// file) instead of resolving Readlink's text.
type MagicLink interface {
	Symlink
	Follow(ctx Context) (*Dentry, error)
}

// walker is one path resolution: the caller's view of the namespace and
// the count of symbolic links followed so far.
type walker struct {
	ns    *Namespace
	ctx   Context // carries creds
	creds *Creds
	root  *Dentry
	cwd   *Dentry
	umask uint32
	links int
}

// newWalker starts a resolution for the caller fs describes. Its root and
// working directory are taken with what is mounted on them since they were
// set (so that a file system mounted over "/" after the context was made is
// seen; Linux would keep showing the covered directory until chroot).
func (ns *Namespace) newWalker(ctx Context, fs *FSContext) *walker {
	root, cwd, umask, creds := fs.snapshot()
	return &walker{ns: ns, ctx: withCreds(ctx, creds), creds: creds, root: root.top(), cwd: cwd.top(), umask: umask}
}

// Resolve returns the dentry path names. Relative paths start at start, or
// at fs's working directory if start is nil; absolute paths at fs's root.
// Mounts are crossed, ".." never leaves fs's root, and symbolic links are
// followed (in the last component only with FollowFinal, or when the path
// ends in a slash, which also makes MustBeDir implicit).
//
// Errors: abi.ENOENT for an empty path or a missing component,
// abi.ENAMETOOLONG for a path of PathMax bytes or more or a component of
// more than NameMax, abi.ENOTDIR for a non-directory before a slash,
// abi.EACCES without search permission on a directory passed through,
// abi.ELOOP after MaxSymlinks links.
func (ns *Namespace) Resolve(ctx Context, fs *FSContext, start *Dentry, path string, flags ResolveFlags) (*Dentry, error) {
	w := ns.newWalker(ctx, fs)
	return w.resolve(w.start(start), path, flags&FollowFinal != 0, flags&MustBeDir != 0)
}

// ResolveParent resolves all of path but its last component, for calls
// that create or remove that name: it returns the directory and the name.
// Trailing slashes are dropped from the name (a caller for which "a/" must
// name a directory checks the path itself). The name is "." or ".." when
// the path ends so, and "/" when the path is only slashes (dir is then the
// root).
func (ns *Namespace) ResolveParent(ctx Context, fs *FSContext, start *Dentry, path string) (dir *Dentry, name string, err error) {
	w := ns.newWalker(ctx, fs)
	dir, name, _, err = w.parent(w.start(start), path)
	return dir, name, err
}

func (w *walker) start(d *Dentry) *Dentry {
	if d == nil {
		return w.cwd
	}
	return d
}

func checkPath(path string) error {
	if path == "" {
		return abi.ENOENT
	}
	if len(path) >= PathMax {
		return abi.ENAMETOOLONG
	}
	return nil
}

// resolve walks path from cur.
func (w *walker) resolve(cur *Dentry, path string, follow, mustDir bool) (*Dentry, error) {
	if err := checkPath(path); err != nil {
		return nil, err
	}
	if path[0] == '/' {
		cur = w.root
	}
	if path[len(path)-1] == '/' {
		follow, mustDir = true, true
	}
	rest := path
	for {
		rest = strings.TrimLeft(rest, "/")
		if rest == "" {
			break
		}
		name := rest
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			name, rest = rest[:i], rest[i:]
		} else {
			rest = ""
		}
		last := strings.TrimLeft(rest, "/") == ""
		next, err := w.step(cur, name)
		if err != nil {
			return nil, err
		}
		if next.isSymlink() && (!last || follow) {
			next, err = w.follow(cur, next)
			if err != nil {
				return nil, err
			}
		}
		cur = next
	}
	if mustDir && !cur.IsDir() {
		return nil, abi.ENOTDIR
	}
	return cur, nil
}

// step moves from the directory cur to its entry name, crossing mounts.
func (w *walker) step(cur *Dentry, name string) (*Dentry, error) {
	if !cur.IsDir() {
		return nil, abi.ENOTDIR
	}
	if err := w.mayExec(cur); err != nil {
		return nil, err
	}
	if len(name) > NameMax {
		return nil, abi.ENAMETOOLONG
	}
	switch name {
	case ".":
		return cur, nil
	case "..":
		return w.ns.dotdot(cur, w.root), nil
	}
	c, err := w.ns.lookup(w.ctx, cur, name)
	if err != nil {
		return nil, err
	}
	return c.top(), nil
}

// follow resolves the symbolic link link found in directory dir, fully
// (its own last component is followed too).
func (w *walker) follow(dir, link *Dentry) (*Dentry, error) {
	w.links++
	if w.links > MaxSymlinks {
		return nil, abi.ELOOP
	}
	if ml, ok := link.node.(MagicLink); ok {
		d, err := ml.Follow(w.ctx)
		if err != nil {
			return nil, err
		}
		return d.top(), nil
	}
	target, err := link.node.(Symlink).Readlink(w.ctx)
	if err != nil {
		return nil, err
	}
	return w.resolve(dir, target, true, false)
}

// mayExec checks search permission on the directory d.
func (w *walker) mayExec(d *Dentry) error {
	if w.creds.UID == 0 {
		return nil // root searches every directory
	}
	a, err := d.node.Attr()
	if err != nil {
		return err
	}
	return w.creds.Permission(a, abi.X_OK)
}

// parent resolves all of path but its last component; see ResolveParent.
// trailing reports whether the path ended in a slash.
func (w *walker) parent(start *Dentry, path string) (dir *Dentry, name string, trailing bool, err error) {
	if err := checkPath(path); err != nil {
		return nil, "", false, err
	}
	trimmed := strings.TrimRight(path, "/")
	trailing = len(trimmed) < len(path)
	if trimmed == "" {
		return w.root, "/", false, nil
	}
	dir, name = start, trimmed
	if i := strings.LastIndexByte(trimmed, '/'); i >= 0 {
		name = trimmed[i+1:]
		dir, err = w.resolve(start, trimmed[:i+1], true, true)
		if err != nil {
			return nil, "", false, err
		}
	}
	if !dir.IsDir() {
		return nil, "", false, abi.ENOTDIR
	}
	if len(name) > NameMax {
		return nil, "", false, abi.ENAMETOOLONG
	}
	return dir, name, trailing, nil
}
