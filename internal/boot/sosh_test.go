package boot_test

// sosh on SOS: the shell built for riscv64 into /bin runs scripts with
// -c on a booted system: pipelines, redirections into /tmp, && and ||,
// $?, unknown commands and oncore.

import (
	"strings"
	"testing"
	"time"

	"sos/internal/boot"
	"sos/internal/syncbuf"
	"sos/internal/userland"
)

type syncBuffer = syncbuf.Buffer

// soshTimeout bounds one script; a script still running then fails the test.
const soshTimeout = 2 * time.Minute

func TestSoshOnSOS(t *testing.T) {
	var stdout, stderr, log syncBuffer
	s, err := boot.New(boot.Config{
		Harts: 2, MemSize: 256 << 20, Cwd: "/tmp",
		Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Log: &log,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	// A program that says where it runs, from the host's temporary
	// directory (which SOS's /tmp hides) mounted at /tmp/testbin.
	bin := t.TempDir()
	if out, err := userland.GoCommand("", "build", "-o", bin+"/", "./testdata/affinity").CombinedOutput(); err != nil {
		t.Fatalf("building testdata/affinity: %v\n%s", err, out)
	}
	if err := s.MountHost(bin, "/tmp/testbin"); err != nil {
		t.Fatal(err)
	}
	env := []string{"PATH=/bin:/usr/bin", "HOME=/tmp"}

	cases := []struct {
		name, script string
		stdout       string   // exact, unless empty
		contains     []string // substrings of stdout
		stderr       []string // substrings of stderr
		status       int      // exit code
	}{
		{name: "pipeline", script: `echo hello from sosh | cat | cat`, stdout: "hello from sosh\n"},
		{name: "redirection", script: `echo one > /tmp/sosh.txt; echo two >> /tmp/sosh.txt; cat < /tmp/sosh.txt; cat /tmp/sosh.txt | cat`,
			stdout: "one\ntwo\none\ntwo\n"},
		{name: "and or status", script: `true && echo yes || echo no; false && echo yes || echo no; false; echo $?; /bin/false; echo $?`,
			stdout: "yes\nno\n1\n1\n"},
		{name: "unknown command", script: `nosuchcommand; echo $?`, stdout: "127\n", stderr: []string{"sosh: nosuchcommand: command not found"}},
		{name: "exit status", script: `echo bye; exit 7`, stdout: "bye\n", status: 7},
		{name: "stderr redirection", script: `cat /nonexistent 2>&1 | cat; cat /nonexistent 2> /tmp/err.txt; echo $?; cat /tmp/err.txt`,
			contains: []string{"cat: /nonexistent: No such file or directory\n1\ncat: /nonexistent: No such file or directory\n"}},
		{name: "variables", script: `X='a  b'; export Y=exported; echo $X "$X" ${X}c '$X'; env | cat`,
			contains: []string{"a b a  b a bc $X\n", "Y=exported\n"}},
		{name: "background", script: `sleep 0.1 & echo started; wait; echo waited`, stdout: "started\nwaited\n"},
		{name: "oncore", script: `oncore -c 1 -f /tmp/testbin/affinity; oncore -c 0 -f /tmp/testbin/affinity`,
			stdout: "affinity 0x2 hart 1\naffinity 0x1 hart 0\n"},
		{name: "oncore background", script: `oncore -c 1 /tmp/testbin/affinity; wait; /tmp/testbin/affinity`,
			contains: []string{"affinity 0x2 hart 1\naffinity 0x3 hart "}},
		{name: "oncore times", script: `oncore -c 0 -t 2 -f echo copy`, stdout: "copy\ncopy\n"},
		{name: "time", script: `time true`, stderr: []string{"real\t0m", "user\t0m", "sys\t0m"}},
		{name: "syntax error", script: `echo a | | b`, status: 2, stderr: []string{"syntax error near unexpected token `|'"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdout.Take()
			stderr.Take()
			log.Take()
			p, err := s.Start("/bin/sosh", []string{"sosh", "-c", c.script}, env)
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan int, 1)
			go func() { done <- s.Wait(p) }()
			var ws int
			select {
			case ws = <-done:
			case <-time.After(soshTimeout):
				s.KillAll()
				ws = <-done
				t.Errorf("still running after %v: killed", soshTimeout)
			}
			out, errOut, klog := stdout.Take(), stderr.Take(), log.Take()
			report := func() string {
				return "stdout:\n" + out + "\nstderr:\n" + errOut + "\nkernel log:\n" + klog
			}
			if code := boot.ExitCode(ws); code != c.status {
				t.Errorf("exit status %d, want %d\n%s", code, c.status, report())
			}
			if c.stdout != "" && out != c.stdout {
				t.Errorf("stdout %q, want %q\n%s", out, c.stdout, report())
			}
			for _, want := range c.contains {
				if !strings.Contains(out, want) {
					t.Errorf("stdout lacks %q\n%s", want, report())
				}
			}
			for _, want := range c.stderr {
				if !strings.Contains(errOut, want) {
					t.Errorf("stderr lacks %q\n%s", want, report())
				}
			}
		})
	}
}

// TestSoshPipedOnSOS: sosh reading a script from a console that is not a
// terminal runs it plainly: no prompt, no echo.
func TestSoshPipedOnSOS(t *testing.T) {
	var stdout, stderr syncBuffer
	script := "echo piped | cat\ncd /tmp\npwd\nnosuch\necho status $?\n" +
		"echo saved > /tmp/f\ncat /tmp/f\nsleep 10 &\njobs\nkill %1\nwait\ntime true\nexit 4\necho not reached\n"
	s, err := boot.New(boot.Config{
		Harts: 2, MemSize: 256 << 20, Cwd: "/",
		Stdin: strings.NewReader(script), Stdout: &stdout, Stderr: &stderr, Log: &stderr,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	p, err := s.Start("/bin/sosh", []string{"sosh"}, []string{"PATH=/bin", "HOME=/tmp"})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan int, 1)
	go func() { done <- s.Wait(p) }()
	var ws int
	select {
	case ws = <-done:
	case <-time.After(soshTimeout):
		s.KillAll()
		ws = <-done
		t.Errorf("still running after %v: killed", soshTimeout)
	}
	if code := boot.ExitCode(ws); code != 4 {
		t.Errorf("exit status %d, want 4", code)
	}
	if out := stdout.Take(); out != "piped\n/tmp\nstatus 127\nsaved\n[1]+  Running                 sleep 10 &\n" {
		t.Errorf("stdout %q", out)
	}
	if e := stderr.Take(); !strings.Contains(e, "nosuch: command not found") || !strings.Contains(e, "\nreal\t0m") {
		t.Errorf("stderr %q", e)
	}
}

// BenchmarkSosh: starting sosh on SOS to run nothing, a builtin, and a
// two-process pipeline.
func BenchmarkSosh(b *testing.B) {
	var out syncBuffer
	s, err := boot.New(boot.Config{Harts: 2, MemSize: 256 << 20, Cwd: "/tmp",
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out, Log: &out})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(s.Close)
	for _, bc := range []struct{ name, script string }{
		{"true", "true"},
		{"echo", "echo hello"},
		{"pipeline", "echo hello | cat"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				st, err := s.Run("/bin/sosh", []string{"sosh", "-c", bc.script}, []string{"PATH=/bin"})
				if err != nil || st != 0 {
					b.Fatalf("status %#x, %v\n%s", st, err, out.Take())
				}
				out.Take()
			}
		})
	}
}
