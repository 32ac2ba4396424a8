package rofs

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"sos/internal/vfs"
)

// TestVFSConformance runs fstest.TestFS through the VFS itself: rofs
// mounted as a namespace's root and read with vfs.IOFS, so path
// resolution, open files and directory reading are the VFS's.
func TestVFSConformance(t *testing.T) {
	m := mapFS()
	for name := range m {
		if strings.HasPrefix(name, "dev/") || name == "etc/dangling" || strings.HasPrefix(name, "etc/loop") {
			delete(m, name)
		}
	}
	sub, err := fs.Sub(embedded, "testdata/tree")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name     string
		fsys     fs.FS
		expected []string
	}{
		{"MapFS", m, []string{"hello.txt", "bin/sh", "bin/link", "etc/dir/a", "a/b/c/d/e/f/deep"}},
		{"embed.FS", sub, []string{"hello.txt", "bin/init", "etc/passwd", "etc/empty"}},
	} {
		ns := vfs.NewNamespace(New(tt.fsys, Options{}), "rofs")
		if err := fstest.TestFS(vfs.IOFS(ns, ns.Root()), tt.expected...); err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}
