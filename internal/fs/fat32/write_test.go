package fat32_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"sos/internal/abi"
	"sos/internal/fs/fat32"
	"sos/internal/vfs"
)

// model is what a test expects on the disk: path to contents, nil for a
// directory.
type model map[string][]byte

// checkWithMtools checks img with fsck.fat -n and reads every file back
// with mcopy, comparing with m, and every directory listing with mdir.
func checkWithMtools(t *testing.T, img string, m model) {
	t.Helper()
	fsck(t, img)
	tmp := t.TempDir()
	for p, want := range m {
		if want == nil {
			continue
		}
		host := filepath.Join(tmp, "out")
		os.Remove(host)
		run(t, "mcopy", "-n", "-i", img, "::/"+p, host)
		got, err := os.ReadFile(host)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("mcopy %s: %d bytes, want %d", p, len(got), len(want))
		}
	}
	// Every name mtools lists is one we expect, and vice versa.
	dirs := map[string][]string{"": nil}
	for p, c := range m {
		d, name := filepath.Split(p)
		d = strings.TrimSuffix(d, "/")
		dirs[d] = append(dirs[d], name)
		if c == nil {
			if _, ok := dirs[p]; !ok {
				dirs[p] = nil
			}
		}
	}
	for d, names := range dirs {
		out := run(t, "mdir", "-a", "-b", "-i", img, "::/"+d)
		var got []string
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			l = strings.TrimPrefix(strings.TrimSpace(l), "::/")
			if l == "" {
				continue
			}
			l = strings.TrimPrefix(l, strings.TrimPrefix(d+"/", "/"))
			l = strings.TrimSuffix(l, "/")
			if l == "." || l == ".." {
				continue
			}
			got = append(got, l)
		}
		sort.Strings(got)
		sort.Strings(names)
		if strings.Join(got, "\n") != strings.Join(names, "\n") {
			t.Errorf("mdir %s:\n got %q\nwant %q", d, got, names)
		}
	}
}

func mustOK(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// TestWriteInterop: after SOS writes (many creates, deletes, renames, a
// directory tree, truncates, big files) fsck.fat is clean and mtools
// reads every file back byte-identical.
func TestWriteInterop(t *testing.T) {
	img := mkfsImage(t, 48)
	fillWithMtools(t, img, model{"pre existing.txt": []byte("made by mcopy\n"), "old/": nil, "old/x": []byte("x")})
	fs, dev := mount(t, img, fat32.Options{})
	ns, fsc := newNS(fs)
	m := model{"pre existing.txt": []byte("made by mcopy\n"), "old": nil, "old/x": []byte("x")}

	// A directory tree.
	for _, d := range []string{"tree", "tree/a", "tree/a/b", "tree/a/b/c", "tree/Long Directory Name", "tree/Long Directory Name/inner"} {
		mustOK(t, "mkdir "+d, ns.Mkdir(ctx, fsc, nil, d, 0o755))
		m[d] = nil
	}
	// Many creates: enough to grow directories past one cluster.
	for i := range 300 {
		p := fmt.Sprintf("tree/a/file number %03d with a long name.txt", i)
		data := pattern(i*37%2000, byte(i))
		writeFile(t, ns, fsc, p, data)
		m[p] = data
	}
	// Deletes of every third: leaves 0xE5 holes to reuse.
	for i := 0; i < 300; i += 3 {
		p := fmt.Sprintf("tree/a/file number %03d with a long name.txt", i)
		mustOK(t, "unlink "+p, ns.Unlink(ctx, fsc, nil, p))
		delete(m, p)
	}
	// New files fill the holes.
	for i := range 50 {
		p := fmt.Sprintf("tree/a/n%d.txt", i)
		writeFile(t, ns, fsc, p, []byte(p))
		m[p] = []byte(p)
	}
	// Short names that collide: ~N tails.
	for i := range 12 {
		p := fmt.Sprintf("tree/Collision Name %d.text", i)
		writeFile(t, ns, fsc, p, []byte(p))
		m[p] = []byte(p)
	}
	// Renames within and across directories, over an existing file, and of
	// a directory (its .. must follow).
	rename := func(a, b string) {
		t.Helper()
		mustOK(t, "rename "+a+" "+b, ns.Rename(ctx, fsc, nil, a, nil, b, 0))
		for p, c := range m {
			if p == a || strings.HasPrefix(p, a+"/") {
				delete(m, p)
				m[b+strings.TrimPrefix(p, a)] = c
			}
		}
	}
	rename("tree/a/n1.txt", "tree/a/renamed in place.txt")
	rename("tree/a/n2.txt", "tree/a/b/c/moved.txt")
	rename("tree/a/n3.txt", "tree/a/n4.txt")
	rename("tree/Long Directory Name", "tree/a/b/Moved Directory")
	rename("old", "tree/old-moved")
	// A change of case only: the VFS sees one file under both names (FAT
	// is case-insensitive) and does nothing, so ask the directory itself.
	root := fs.Root().(vfs.WritableDir)
	mustOK(t, "rename case", root.Rename(ctx, "pre existing.txt", root, "PRE EXISTING.TXT"))
	m["PRE EXISTING.TXT"] = m["pre existing.txt"]
	delete(m, "pre existing.txt")
	// Big files: multi-megabyte, written in odd-sized pieces.
	big := pattern(5<<20+123, 9)
	writeFile(t, ns, fsc, "tree/a/b/big.bin", big)
	m["tree/a/b/big.bin"] = big
	// Truncates: shrink, grow (zeros), to zero.
	trunc := func(p string, n int) {
		t.Helper()
		mustOK(t, "truncate "+p, ns.Truncate(ctx, fsc, nil, p, int64(n)))
		c := m[p]
		if n <= len(c) {
			m[p] = c[:n:n]
		} else {
			m[p] = append(append([]byte(nil), c...), make([]byte, n-len(c))...)
		}
	}
	writeFile(t, ns, fsc, "t1", pattern(100_000, 10))
	m["t1"] = pattern(100_000, 10)
	trunc("t1", 3000)
	trunc("t1", 70_000)
	writeFile(t, ns, fsc, "t2", pattern(9000, 11))
	m["t2"] = pattern(9000, 11)
	trunc("t2", 0)
	trunc("tree/a/b/big.bin", 1<<20+1)
	// Writing past the end leaves zeros in the gap.
	f, err := ns.Open(ctx, fsc, nil, "t2", abi.O_RDWR, 0)
	mustOK(t, "open t2", err)
	_, err = f.WriteAt(ctx, []byte("tail"), 10_000)
	mustOK(t, "write t2", err)
	f.DecRef()
	m["t2"] = append(make([]byte, 10_000), "tail"...)
	// Remove a directory tree bottom-up; rmdir of a non-empty one fails.
	if err := ns.Rmdir(ctx, fsc, nil, "tree/a/b"); err != abi.ENOTEMPTY {
		t.Errorf("rmdir non-empty = %v, want ENOTEMPTY", err)
	}
	mustOK(t, "unlink", ns.Unlink(ctx, fsc, nil, "tree/a/b/Moved Directory/inner/../../c/moved.txt"))
	delete(m, "tree/a/b/c/moved.txt")
	mustOK(t, "rmdir", ns.Rmdir(ctx, fsc, nil, "tree/a/b/c"))
	delete(m, "tree/a/b/c")

	// SOS reads its own writes.
	for p, want := range m {
		if want != nil {
			if got := readFile(t, ns, fsc, p); !bytes.Equal(got, want) {
				t.Fatalf("%s: SOS reads %d bytes, want %d", p, len(got), len(want))
			}
		}
	}
	mustOK(t, "unmount", fs.Unmount())
	dev.Close()
	checkWithMtools(t, img, m)

	// And again after a remount, which also reads the FSInfo we wrote.
	fs, dev = mount(t, img, fat32.Options{})
	ns, fsc = newNS(fs)
	for p, want := range m {
		if want != nil {
			if got := readFile(t, ns, fsc, p); !bytes.Equal(got, want) {
				t.Errorf("after remount %s: %d bytes, want %d", p, len(got), len(want))
			}
		}
	}
	fs.Unmount()
	dev.Close()
}
