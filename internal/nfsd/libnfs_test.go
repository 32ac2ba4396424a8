//go:build linux

package nfsd

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// libnfs's tools (Debian package libnfs-utils) are an NFS client SOS did
// not write. libnfs 4.0 speaks NFS over TCP only; UDP is tested with the
// Go client.

func needLibnfs(t testing.TB) {
	t.Helper()
	for _, tool := range []string{"nfs-ls", "nfs-cp"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s not found: install the Debian package libnfs-utils", tool)
		}
	}
}

// nfsURL is the libnfs URL of path (relative to the export) on s.
func nfsURL(s *Server, path string) string {
	return fmt.Sprintf("nfs://127.0.0.1%s/%s?nfsport=%d&mountport=%d", s.Export(), path, s.Port(), s.Port())
}

func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := 0; i < n; i += 8 {
		v := r.Uint64()
		for j := 0; j < 8 && i+j < n; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b
}

func TestLibnfs(t *testing.T) {
	needLibnfs(t)
	s, dir := start(t, Config{})
	os.WriteFile(filepath.Join(dir, "hello.txt"), []byte("hello from the host\n"), 0o644)
	os.MkdirAll(filepath.Join(dir, "sub", "deeper"), 0o755)
	os.WriteFile(filepath.Join(dir, "sub", "deeper", "leaf"), make([]byte, 12345), 0o600)
	os.Symlink("hello.txt", filepath.Join(dir, "link"))
	os.Mkdir(filepath.Join(dir, "in"), 0o755)

	// nfs-ls lists what the host made, with the host's sizes.
	out := run(t, "nfs-ls", "-R", nfsURL(s, ""))
	for _, want := range []string{"hello.txt", "sub/deeper/leaf", "link", "12345", "20 hello.txt"} {
		if !strings.Contains(out, want) {
			t.Fatalf("nfs-ls -R lacks %q:\n%s", want, out)
		}
	}

	// nfs-cp in and out, byte-identical, at sizes around the edges of
	// pages, READ/WRITE sizes and several MiB.
	local := t.TempDir()
	for i, n := range []int{0, 1, 4095, 65536 + 7, 1 << 20, 3<<20 + 13, 9 << 20} {
		data := randomBytes(n, uint64(i))
		name := fmt.Sprintf("f%d", n)
		src := filepath.Join(local, name)
		os.WriteFile(src, data, 0o644)
		run(t, "nfs-cp", src, nfsURL(s, "in/"+name))
		if got, err := os.ReadFile(filepath.Join(dir, "in", name)); err != nil || !bytes.Equal(got, data) {
			t.Fatalf("nfs-cp in %d bytes: host file differs (%d bytes, %v)", n, len(got), err)
		}
		back := filepath.Join(local, name+".back")
		run(t, "nfs-cp", nfsURL(s, "in/"+name), back)
		if got, err := os.ReadFile(back); err != nil || !bytes.Equal(got, data) {
			t.Fatalf("nfs-cp out %d bytes: copy differs (%d bytes, %v)", n, len(got), err)
		}
	}
	// A file in a subdirectory, mounted through it.
	run(t, "nfs-cp", nfsURL(s, "sub/deeper/leaf"), filepath.Join(local, "leaf"))
	if fi, err := os.Stat(filepath.Join(local, "leaf")); err != nil || fi.Size() != 12345 {
		t.Fatalf("leaf: %v %v", fi, err)
	}
}
