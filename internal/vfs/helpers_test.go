package vfs_test

import (
	"errors"
	"testing"

	"sos/internal/abi"
	"sos/internal/fs/tmpfs"
	"sos/internal/vfs"
)

// tctx is the Context of a test: process 1.
type tctx struct{}

func (tctx) PID() int { return 1 }
func (tctx) TID() int { return 1 }

var ctx vfs.Context = tctx{}

// env is a namespace with a tmpfs root and a process context in it.
type env struct {
	t  *testing.T
	ns *vfs.Namespace
	fs *vfs.FSContext // root's
}

func newEnv(t *testing.T) *env {
	t.Helper()
	root := tmpfs.New(tmpfs.Options{Mode: 0o755})
	ns := vfs.NewNamespace(root, "tmpfs")
	fs := vfs.NewFSContext(ns.Root(), ns.Root(), 0) // modes as given
	fs.SetCreds(vfs.RootCreds)
	return &env{t: t, ns: ns, fs: fs}
}

// user returns a context for an ordinary user in the same namespace.
func (e *env) user(uid uint32) *vfs.FSContext {
	fs := e.fs.Fork()
	fs.SetCreds(vfs.UserCreds(uid, uid))
	return fs
}

func (e *env) mkdir(path string, mode uint32) {
	e.t.Helper()
	if err := e.ns.Mkdir(ctx, e.fs, nil, path, mode); err != nil {
		e.t.Fatalf("mkdir %s: %v", path, err)
	}
}

func (e *env) write(path, data string) {
	e.t.Helper()
	f, err := e.ns.Open(ctx, e.fs, nil, path, abi.O_WRONLY|abi.O_CREAT|abi.O_TRUNC, 0o644)
	if err != nil {
		e.t.Fatalf("create %s: %v", path, err)
	}
	defer f.DecRef()
	if n, err := f.Write(ctx, []byte(data)); err != nil || n != len(data) {
		e.t.Fatalf("write %s: %d, %v", path, n, err)
	}
}

func (e *env) read(fs *vfs.FSContext, path string) (string, error) {
	f, err := e.ns.Open(ctx, fs, nil, path, abi.O_RDONLY, 0)
	if err != nil {
		return "", err
	}
	defer f.DecRef()
	var out []byte
	buf := make([]byte, 7)
	for {
		n, err := f.Read(ctx, buf)
		if err != nil {
			return "", err
		}
		if n == 0 {
			return string(out), nil
		}
		out = append(out, buf[:n]...)
	}
}

func (e *env) symlink(target, path string) {
	e.t.Helper()
	if err := e.ns.Symlink(ctx, e.fs, target, nil, path); err != nil {
		e.t.Fatalf("symlink %s -> %s: %v", path, target, err)
	}
}

func (e *env) resolve(path string) *vfs.Dentry {
	e.t.Helper()
	d, err := e.ns.Resolve(ctx, e.fs, nil, path, vfs.FollowFinal)
	if err != nil {
		e.t.Fatalf("resolve %s: %v", path, err)
	}
	return d
}

func (e *env) stat(path string) vfs.Attr {
	e.t.Helper()
	a, err := e.ns.Stat(ctx, e.fs, nil, path, false)
	if err != nil {
		e.t.Fatalf("stat %s: %v", path, err)
	}
	return a
}

// wantErr fails unless err is want (nil for success).
func wantErr(t *testing.T, what string, err error, want error) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Errorf("%s: %v, want success", what, err)
		}
		return
	}
	if !errors.Is(err, want) {
		t.Errorf("%s: %v, want %v", what, err, want)
	}
}

// errOf returns the errno in err, or 0.
func errOf(err error) abi.Errno {
	var e abi.Errno
	if errors.As(err, &e) {
		return e
	}
	return 0
}
