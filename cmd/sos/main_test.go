package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sos/internal/rvtool"
)

// TestRunRejectsBadPrograms: every kind of file SOS cannot run gets a
// one-line error naming the file and a non-zero status, never a panic.
func TestRunRejectsBadPrograms(t *testing.T) {
	if err := rvtool.Check(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	hello := write("hello.c", "#include <stdio.h>\nint main(void) { puts(\"hi\"); return 0; }\n")
	dynamic := filepath.Join(dir, "dynamic")
	if err := rvtool.Build(dynamic, hello); err != nil { // gcc links dynamically by default
		t.Fatal(err)
	}
	rv32 := filepath.Join(dir, "rv32")
	if err := rvtool.Build(rv32, write("rv32.S", ".globl _start\n_start: j _start\n"), "-march=rv32i", "-mabi=ilp32", "-nostdlib", "-static"); err != nil {
		t.Fatal(err)
	}
	static := filepath.Join(dir, "static")
	if err := rvtool.BuildStatic(hello, static); err != nil {
		t.Fatal(err)
	}
	staticBytes, _ := os.ReadFile(static)
	truncated := write("truncated", string(staticBytes[:len(staticBytes)/2]))
	host, err := os.Executable() // this test binary: an ELF for the host
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name, path, want string
	}{
		{"text file", write("text", "echo hi\n"), "not an ELF file"},
		{"script, missing interpreter", write("script", "#!/no/such/shell\necho hi\n"), "bad interpreter /no/such/shell: no such file or directory"},
		{"empty file", write("empty", ""), "not an ELF file"},
		{"32-bit RISC-V", rv32, "32-bit ELF file"},
		{"host binary", host, "not RISC-V"},
		{"truncated", truncated, "truncated ELF file"},
		{"dynamic", dynamic, "needs a dynamic loader; build with -static"},
		{"missing", filepath.Join(dir, "nonexistent"), "no such file"},
		{"directory", dir, "is a directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := sos([]string{"run", tc.path}, &stdout, &stderr)
			msg := stderr.String()
			if code == 0 || !strings.Contains(msg, tc.want) || strings.Count(msg, "\n") != 1 || !strings.HasPrefix(msg, "sos: ") {
				t.Errorf("status %d, stderr %q; want a one-line error containing %q", code, msg, tc.want)
			}
		})
	}
}

func TestRunUsage(t *testing.T) {
	var stdout, stderr bytes.Buffer
	for _, args := range [][]string{nil, {"frobnicate"}, {"run", "-mem", "12x", "prog"}, {"run", "-nosuchflag"}} {
		stderr.Reset()
		if code := sos(args, &stdout, &stderr); code != 2 || stderr.Len() == 0 {
			t.Errorf("sos %q: status %d, stderr %q", args, code, stderr.String())
		}
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]uint64{"512M": 512 << 20, "1G": 1 << 30, "65536": 65536, "64k": 64 << 10} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "M", "-1M", "1000", "100G", "1.5G"} {
		if _, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) accepted", in)
		}
	}
}

// TestSyscallsDocCurrent: docs/syscalls.md is what `sos syscalls` prints
// (regenerate it with `go run ./cmd/sos syscalls > docs/syscalls.md`).
func TestSyscallsDocCurrent(t *testing.T) {
	doc, err := os.ReadFile("../../docs/syscalls.md")
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := sos([]string{"syscalls"}, &stdout, &stderr); code != 0 {
		t.Fatalf("sos syscalls: status %d: %s", code, stderr.String())
	}
	if stdout.String() != string(doc) {
		t.Error("docs/syscalls.md is out of date: run `go run ./cmd/sos syscalls > docs/syscalls.md`")
	}
}

// TestRunCPUProfile: -cpuprofile leaves the program's behaviour alone and
// writes a profile (gzip-compressed protocol buffers) of the sos process.
func TestRunCPUProfile(t *testing.T) {
	if err := rvtool.Check(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "hello.c")
	if err := os.WriteFile(src, []byte("#include <stdio.h>\nint main(void) { puts(\"hi\"); return 3; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "hello")
	if err := rvtool.BuildStatic(src, bin); err != nil {
		t.Fatal(err)
	}
	prof := filepath.Join(dir, "cpu.pprof")
	var stdout, stderr bytes.Buffer
	if code := sos([]string{"run", "-cpuprofile", prof, bin}, &stdout, &stderr); code != 3 || stdout.String() != "hi\n" {
		t.Fatalf("status %d, stdout %q, stderr %q; want 3 and \"hi\\n\"", code, stdout.String(), stderr.String())
	}
	b, err := os.ReadFile(prof)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		t.Errorf("profile is %d bytes, not gzip-compressed", len(b))
	}
}
