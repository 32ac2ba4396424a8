package vfs

import (
	"slices"

	"sos/internal/abi"
)

// Creds are the identity permission checks use. SOS keeps one set per
// process (Linux's real, effective and file-system IDs are all the same),
// and keeps it in the process's FSContext, because every path operation
// needs both. A Creds value is never modified once shared: to change a
// process's identity, build a new one and call FSContext.SetCreds.
type Creds struct {
	UID, GID uint32
	// Groups are the supplementary groups.
	Groups []uint32
}

// RootCreds are the superuser's credentials. The VFS uses them when it
// knows no caller (see ContextCreds).
var RootCreds = &Creds{}

// UserCreds returns the credentials of an ordinary user whose only group is
// gid. SOS runs programs as UserCreds(1000, 1000) by default.
func UserCreds(uid, gid uint32) *Creds {
	return &Creds{UID: uid, GID: gid}
}

// InGroup reports whether gid is c's group or one of its supplementary
// groups.
func (c *Creds) InGroup(gid uint32) bool {
	return c.GID == gid || slices.Contains(c.Groups, gid)
}

// Permission checks that c may access a node with attributes a in the
// ways want asks (a mask of abi.R_OK, abi.W_OK and abi.X_OK), as Linux's
// generic_permission does: the owner's bits apply to the owner, the group's
// to members of the group, the others' to everyone else. UID 0 may read and
// write anything, search any directory, and execute a file that has any
// execute bit set. It returns abi.EACCES when access is denied.
//
// Read-only file systems are not its concern: callers check that first.
func (c *Creds) Permission(a Attr, want uint32) error {
	want &= abi.R_OK | abi.W_OK | abi.X_OK
	if want == 0 {
		return nil
	}
	if c.UID == 0 {
		if want&abi.X_OK == 0 || a.Mode&abi.S_IFMT == abi.S_IFDIR || a.Mode&0o111 != 0 {
			return nil
		}
		return abi.EACCES
	}
	var bits uint32
	switch {
	case c.UID == a.UID:
		bits = a.Mode >> 6
	case c.InGroup(a.GID):
		bits = a.Mode >> 3
	default:
		bits = a.Mode
	}
	if bits&want != want {
		return abi.EACCES
	}
	return nil
}

// isOwner reports whether c may act as the owner of a node (chmod, utimes
// with explicit times, sticky-directory deletion): c owns it or is root.
func (c *Creds) isOwner(a Attr) bool {
	return c.UID == 0 || c.UID == a.UID
}

// CredsContext is a Context that knows its caller's credentials. Every
// call the VFS makes into a file system on behalf of a namespace operation
// (Open, Mkdir, Symlink, path lookups...) passes a CredsContext carrying the
// FSContext's credentials, so that a file system can give a new file its
// owner (ContextCreds) or send them to a server (AUTH_UNIX).
type CredsContext interface {
	Context
	Creds() *Creds
}

// ContextCreds returns the credentials ctx carries, or RootCreds if it
// carries none (a file system used directly, outside any process).
func ContextCreds(ctx Context) *Creds {
	if c, ok := ctx.(CredsContext); ok {
		if cr := c.Creds(); cr != nil {
			return cr
		}
	}
	return RootCreds
}

// credsContext is the CredsContext the VFS passes to file systems.
type credsContext struct {
	Context
	creds *Creds
}

func (c credsContext) Creds() *Creds { return c.creds }

// Unwrap returns the caller's own Context.
func (c credsContext) Unwrap() Context { return c.Context }

// withCreds returns ctx carrying creds.
func withCreds(ctx Context, creds *Creds) Context {
	return credsContext{UnwrapContext(ctx), creds}
}

// UnwrapContext returns the Context a system call passed to the VFS, given
// the one the VFS passed on to a file system. A file system that needs the
// kernel's own type behind a Context (rather than its PID and TID) must
// unwrap it first.
func UnwrapContext(ctx Context) Context {
	if c, ok := ctx.(credsContext); ok {
		return c.Context
	}
	return ctx
}
