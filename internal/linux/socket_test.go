package linux_test

// Socket system tests: real programs (testdata/sockets) built for
// riscv64 and run on a booted SOS. All their traffic stays inside SOS: TCP
// and UDP go through the system's own netstack on 127.0.0.1 and ::1, and
// AF_UNIX sockets are SOS's. The C program uses only AF_UNIX sockets, so
// it is also run under qemu-riscv64 (on the host's kernel) and its output
// compared; the Go program talks TCP and UDP, which under qemu would be
// the host's network, so its output is checked against what it must
// print instead.

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sos/internal/boot"
	"sos/internal/rvtool"
	"sos/internal/syncbuf"
	"sos/internal/userland"
)

// runTimeout bounds one program.
const runTimeout = time.Minute

type syncBuffer = syncbuf.Buffer

// runOnSOS boots a two-hart system, runs prog on it and returns its wait
// status and output.
func runOnSOS(t *testing.T, prog string) (status int, stdout, stderr string) {
	t.Helper()
	var out, errOut syncBuffer
	sys, err := boot.New(boot.Config{Harts: 2, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut})
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	p, err := sys.Start(prog, []string{prog}, []string{"HOME=/tmp", "TMPDIR=/tmp"})
	if err != nil {
		t.Fatalf("starting %s: %v", prog, err)
	}
	done := make(chan int, 1)
	go func() { done <- sys.Wait(p) }()
	select {
	case status = <-done:
	case <-time.After(runTimeout):
		sys.KillAll()
		status = <-done
		t.Errorf("%s: still running after %v: killed", prog, runTimeout)
	}
	return status, out.String(), errOut.String()
}

func TestGoSockets(t *testing.T) {
	prog := filepath.Join(t.TempDir(), "gonet")
	cmd := userland.GoCommand("", "build", "-o", prog, "./testdata/sockets/gonet")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building gonet: %v\n%s", err, out)
	}
	status, stdout, stderr := runOnSOS(t, prog)
	const want = "tcp4 echo: ok\ntcp6 echo: ok\ntcp bulk: ok\ntcp refused: ok\ntcp deadline: ok\n" +
		"udp: ok\nunix path: ok\nunix abstract: ok\nunixgram: ok\n"
	if status != 0 || stdout != want {
		t.Errorf("gonet: status %#x\nstdout:\n%s\nwant:\n%s\nstderr:\n%s", status, stdout, want, stderr)
	}
}

func TestCSockets(t *testing.T) {
	if err := rvtool.Check(); err != nil {
		t.Skip(err)
	}
	prog := filepath.Join(t.TempDir(), "scmrights")
	if err := rvtool.BuildStatic("testdata/sockets/scmrights.c", prog); err != nil {
		t.Fatal(err)
	}
	status, stdout, stderr := runOnSOS(t, prog)
	if status != 0 || !strings.HasSuffix(stdout, "done\n") {
		t.Fatalf("scmrights: status %#x\nstdout:\n%s\nstderr:\n%s", status, stdout, stderr)
	}
	for _, line := range []string{
		`child got "two fds" with 2 fds: pipe says "through the pipe", file says "file contents"`,
		"SO_PEERCRED: pid matches 1, uid matches 1, len 12",
		"SCM_CREDENTIALS: pid matches 1, uid matches 1",
		`short read 5 "first" truncated 1`,
		"timed out: -1 EAGAIN",
		"bound: a socket file 1",
		"second bind: -1 EADDRINUSE",
		"connect to a full queue: -1 EAGAIN",
		`accepted 1 and 1; the blocked one says "waited"`,
		"recv interrupted: -1 EINTR",
		"writer to a closed socket: killed by SIGPIPE 1",
	} {
		if !strings.Contains(stdout, line+"\n") {
			t.Errorf("scmrights did not print %q:\n%s", line, stdout)
		}
	}
	var qout, qerr bytes.Buffer
	qstatus, err := rvtool.RunQemu(prog, nil, &qout, &qerr, runTimeout)
	if err != nil {
		t.Fatal(err)
	}
	if qstatus != 0 || qout.String() != stdout {
		t.Errorf("scmrights differs from qemu-riscv64 (status %d):\nSOS:\n%s\nqemu:\n%s%s", qstatus, stdout, qout.String(), qerr.String())
	}
}
