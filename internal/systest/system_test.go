package systest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"sos/internal/boot"
	"sos/internal/kernel"
	"sos/internal/syncbuf"
	"sos/internal/userland"
)

// harts and memSize shape the machine every test boots.
const (
	harts   = 2
	memSize = 256 << 20
)

// runTimeout bounds one program; one still running then is killed and
// the test fails.
const runTimeout = 2 * time.Minute

// system is a booted SOS whose programs' output is captured. Its working
// directory is /tmp.
type system struct {
	*boot.System
	stdout, stderr, log syncBuffer
}

func bootSystem(t testing.TB) *system {
	t.Helper()
	s := &system{}
	sys, err := boot.New(boot.Config{
		Harts: harts, MemSize: memSize, Cwd: "/tmp",
		Stdin:  strings.NewReader(""),
		Stdout: &s.stdout, Stderr: &s.stderr, Log: &s.log,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sys.Close)
	s.System = sys
	return s
}

// result is how a program ended and what it printed.
type result struct {
	stdout, stderr, log string
	status              int // wait status
}

// code is the exit code a shell would report.
func (r result) code() int { return boot.ExitCode(r.status) }

func (r result) String() string {
	return fmt.Sprintf("exit %d (status %#x)\nstdout:\n%s\nstderr:\n%s\nkernel log:\n%s", r.code(), r.status, r.stdout, r.stderr, r.log)
}

// start starts a tool of /bin (or a program at an absolute path) with
// args; argv[0] is the tool's name, as a shell passes it.
func (s *system) start(t testing.TB, name string, args ...string) *kernel.Process {
	t.Helper()
	path := name
	if !strings.HasPrefix(name, "/") {
		path = "/bin/" + name
	}
	env := []string{"PATH=/bin:/usr/bin", "HOME=/tmp", "LC_ALL=C"}
	if tz, ok := os.LookupEnv("TZ"); ok {
		env = append(env, "TZ="+tz)
	}
	p, err := s.Start(path, append([]string{filepath.Base(name)}, args...), env)
	if err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	return p
}

// run runs a tool to completion; its output is what it wrote since the
// last run. Runs on one system are sequential.
func (s *system) run(t testing.TB, name string, args ...string) result {
	t.Helper()
	s.stdout.Reset()
	s.stderr.Reset()
	s.log.Reset()
	p := s.start(t, name, args...)
	return s.wait(t, p, name)
}

func (s *system) wait(t testing.TB, p *kernel.Process, name string) result {
	t.Helper()
	done := make(chan int, 1)
	go func() { done <- s.Wait(p) }()
	var status int
	select {
	case status = <-done:
	case <-time.After(runTimeout):
		s.KillAll()
		status = <-done
		t.Errorf("%s: still running after %v: killed", name, runTimeout)
	}
	return result{stdout: s.stdout.String(), stderr: s.stderr.String(), log: s.log.String(), status: status}
}

// expect runs a tool and checks its exit code, standard output and
// standard error exactly.
func (s *system) expect(t *testing.T, code int, stdout, stderr string, name string, args ...string) result {
	t.Helper()
	r := s.run(t, name, args...)
	if r.code() != code || r.stdout != stdout || r.stderr != stderr {
		t.Errorf("%s %s:\n%v\nwant exit %d, stdout:\n%s\nstderr:\n%s", name, strings.Join(args, " "), r, code, stdout, stderr)
	}
	return r
}

// host runs a command on the host in dir with the C locale and returns
// its standard output, standard error and exit code. The command must
// exist: a test that compares with it fails without it.
func host(t *testing.T, dir, name string, args ...string) (string, string, int) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("the host lacks %s, the reference for this test (test.sh installs it): %v", name, err)
	}
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("host %s: %v", name, err)
	}
	return stdout.String(), stderr.String(), code
}

// sameAsHost runs a tool on SOS (working directory /tmp) and the host's
// command of the same name (in hostDir) with the same arguments and
// checks that they print the same and exit alike.
func (s *system) sameAsHost(t *testing.T, hostDir, name string, args ...string) {
	t.Helper()
	hout, herr, hcode := host(t, hostDir, name, args...)
	r := s.run(t, name, args...)
	if r.stdout != hout || r.code() != hcode || (r.stderr == "") != (herr == "") {
		t.Errorf("%s %s differs from the host's:\nSOS: %v\nhost: exit %d\nstdout:\n%s\nstderr:\n%s",
			name, strings.Join(args, " "), r, hcode, hout, herr)
	}
}

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// testProgram returns the host path of a program of testdata, built for
// riscv64 (all of them, the first time).
func testProgram(t testing.TB, name string) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "sos-systest-")
		if buildErr != nil {
			return
		}
		cmd := userland.GoCommand("", "build", "-o", binDir+"/", "./testdata/pinned")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("building the test programs: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(binDir, name)
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

type syncBuffer = syncbuf.Buffer
