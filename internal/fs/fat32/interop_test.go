package fat32_test

import (
	"bytes"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"sos/internal/fs/fat32"
	"sos/internal/vfs"
)

// hostTree is what the interop tests put on a disk: path to contents;
// a path ending in "/" is a directory.
var hostTree = map[string][]byte{
	"README.TXT":                      []byte("short upper-case 8.3 name\n"),
	"lower.txt":                       []byte("lower-case 8.3 name\n"),
	"Mixed Case Long File Name.data":  pattern(5000, 1),
	"empty":                           {},
	"one-byte":                        {'x'},
	"sector.bin":                      pattern(512, 2),
	"sector-plus.bin":                 pattern(513, 3),
	"multi cluster.bin":               pattern(40_000, 4),
	"big.bin":                         pattern(150_007, 5), // 293 clusters of 512 bytes
	"dir/":                            nil,
	"dir/nested file with spaces.txt": pattern(1234, 6),
	"dir/sub/":                        nil,
	"dir/sub/deep.TXT":                pattern(70_000, 7),
	"dir/sub/Ünïcödé ñame.txt":        []byte("unicode\n"),
	"a.b.c.d":                         []byte("dots\n"),
	"very long name that needs several long name entries to hold it all, more than thirteen characters times three.txt": []byte("long\n"),
}

// fillWithMtools puts hostTree on img with mmd and mcopy.
func fillWithMtools(t *testing.T, img string, tree map[string][]byte) {
	t.Helper()
	tmp := t.TempDir()
	var names []string
	for p := range tree {
		names = append(names, p)
	}
	sort.Strings(names) // parents before children
	for _, p := range names {
		if strings.HasSuffix(p, "/") {
			run(t, "mmd", "-i", img, "::/"+strings.TrimSuffix(p, "/"))
			continue
		}
		host := filepath.Join(tmp, "f")
		if err := os.WriteFile(host, tree[p], 0o644); err != nil {
			t.Fatal(err)
		}
		run(t, "mcopy", "-i", img, host, "::/"+p)
	}
}

// TestReadMtoolsImage: what mkfs.fat made and mcopy filled reads back
// byte-identical, and passes io/fs conformance.
func TestReadMtoolsImage(t *testing.T) {
	img := mkfsImage(t, 40)
	fillWithMtools(t, img, hostTree)
	fs, dev := mount(t, img, fat32.Options{})
	defer dev.Close()
	defer fs.Unmount()
	ns, fsc := newNS(fs)
	var files []string
	for p, want := range hostTree {
		if strings.HasSuffix(p, "/") {
			continue
		}
		files = append(files, p)
		if got := readFile(t, ns, fsc, p); !bytes.Equal(got, want) {
			t.Errorf("%s: read %d bytes, want %d (equal prefix %v)", p, len(got), len(want), bytes.HasPrefix(want, got))
		}
	}
	if err := fstest.TestFS(vfs.IOFS(ns, ns.Root()), files...); err != nil {
		t.Error(err)
	}
	// Listing order and names.
	got := map[string]bool{}
	ents, err := fs.Root().(vfs.Dir).ReadDir(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		got[e.Name] = true
	}
	for p := range hostTree {
		if !strings.Contains(strings.TrimSuffix(p, "/"), "/") && !got[strings.TrimSuffix(p, "/")] {
			t.Errorf("root listing lacks %q (has %v)", p, got)
		}
	}
	_ = path.Base
}
