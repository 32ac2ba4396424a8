package systest

import (
	"strconv"
	"strings"
	"testing"
)

// df reports tmpfs's real size and use through statfs(2), and sync and
// sync FILE (syncfs(2)) succeed; errors are reported as coreutils does.
func TestDfSync(t *testing.T) {
	s := bootSystem(t)
	r := s.run(t, "df", "/tmp")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code() != 0 || len(lines) != 2 || !strings.HasPrefix(lines[0], "Filesystem") {
		t.Fatalf("df /tmp:\n%v", r)
	}
	f := strings.Fields(lines[1])
	if len(f) != 6 || f[0] != "tmpfs" || f[5] != "/tmp" {
		t.Fatalf("df /tmp: line %q", lines[1])
	}
	size, _ := strconv.Atoi(f[1])
	if size != memSize/4/1024 { // boot gives /tmp a quarter of RAM
		t.Errorf("df /tmp: %d KiB, want %d", size, memSize/4/1024)
	}
	// A file of 1 MiB shows as used.
	s.expect(t, 0, "", "", "/bin/sosh", "-c", "head -c 1048576 /dev/zero > /tmp/big")
	r = s.run(t, "df", "/tmp/big")
	f = strings.Fields(strings.Split(strings.TrimSpace(r.stdout), "\n")[1])
	if used, _ := strconv.Atoi(f[2]); used < 1024 || used > 1024+64 {
		t.Errorf("df after writing 1 MiB: used %s KiB\n%v", f[2], r)
	}
	s.expect(t, 1, "Filesystem 1K-blocks Used Available Use% Mounted on\n", "df: /nonexistent: No such file or directory\n", "df", "/nonexistent")
	s.expect(t, 0, "", "", "sync")
	s.expect(t, 0, "", "", "sync", "/tmp/big")
	s.expect(t, 1, "", "sync: error opening '/nope': No such file or directory\n", "sync", "/nope")
}
