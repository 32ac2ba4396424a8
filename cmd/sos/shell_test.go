package main

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"sos/internal/tty/ptytest"
)

// The shell end to end (issue 4's scenarios): `sos run` with no program
// boots into /bin/sosh on a real pseudo-terminal, and the test types as a
// person would, reading what the terminal shows.

// prompt is sosh's prompt in its starting directory, $HOME (/tmp).
const prompt = "sosh:~> "

// bootShell boots SOS into sosh on a pseudo-terminal and waits for the
// first prompt.
func bootShell(t *testing.T, args ...string) *ptytest.Session {
	t.Helper()
	s := startSOS(t, args...)
	s.Expect("init: starting /bin/sosh\r\n")
	s.Expect(prompt)
	return s
}

// run types line and Enter and returns what the terminal shows from
// the end of the line's echo up to the next prompt.
func run(t *testing.T, s *ptytest.Session, line string) string {
	t.Helper()
	s.Type(line + "\r")
	s.Expect(line + "\r\n")
	out := s.Expect(prompt)
	return strings.TrimSuffix(out, prompt)
}

// interrupt types key (^C or ^Z) as a person would to a command that has
// just started: again if nothing happens for a while, since a key typed
// before the command owns the terminal goes to the shell (as in any Unix
// shell). It returns the output up to want.
func interrupt(t *testing.T, s *ptytest.Session, key, want string) string {
	t.Helper()
	for try := 0; ; try++ {
		s.Type(key)
		if out, ok := s.ExpectWithin(want, 3*time.Second); ok {
			if try > 0 {
				t.Logf("%q needed %d presses: %q", key, try+1, out)
			}
			return out
		}
		if try == 5 {
			s.Expect(want) // fails showing the terminal
		}
	}
}

// programs counts the programs SOS puts in /bin: one per user/cmd
// directory.
func programs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("../../user/cmd")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range ents {
		if e.IsDir() {
			n++
		}
	}
	return n
}

var hartOf = regexp.MustCompile(`(?m)^\s*\d+\s+\d+\s+\S\s+(\d+)\s+.*/bin/ps\s*$`)

// psHart finds the hart ps reports for itself in ps's output.
func psHart(t *testing.T, out string) int {
	t.Helper()
	m := hartOf.FindStringSubmatch(strings.ReplaceAll(out, "\r", ""))
	if m == nil {
		t.Fatalf("no line for /bin/ps in:\n%s", out)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestShellSession: line editing, history, completion, pipelines,
// redirection, oncore, time and exit, on the terminal.
func TestShellSession(t *testing.T) {
	s := bootShell(t)

	// Line editing: cursor left and insert, ^A and ^E, backspace.
	s.Type("cho wrld\x1b[D\x1b[D\x1b[Do\x01e\x05!\x7f\r")
	s.Expect("\r\nworld\r\n")
	s.Expect(prompt)
	// ^U kills the line typed so far.
	s.Type("garbage\x15echo killed\r")
	s.Expect("\r\nkilled\r\n")
	s.Expect(prompt)
	// ^C abandons the line being typed: a fresh prompt, $? 130.
	s.Type("half a line\x03")
	s.Expect("^C\r\n" + prompt)
	if out := run(t, s, "echo $?"); out != "130\r\n" {
		t.Errorf("$? after ^C at the prompt is %q, want 130", out)
	}
	// Up-arrow recalls the line before last (history skips nothing
	// typed since: the abandoned line is not history, echo $? is).
	s.Type("\x1b[A\x1b[A\r")
	s.Expect("\r\nkilled\r\n")
	s.Expect(prompt)
	// Once more: the line before that.
	s.Type("\x1b[A\x1b[A\x1b[A\x1b[A\r")
	s.Expect("\r\nworld\r\n")
	s.Expect(prompt)

	// Tab completes a command (uptim -> uptime) and a path.
	out := run(t, s, "echo completed > /tmp/completion-target")
	if out != "" {
		t.Errorf("redirection printed %q", out)
	}
	s.Type("uptim\t-p\r")
	s.Expect("\r\nup ")
	s.Expect(prompt)
	s.Type("cat /tmp/completion-t\t\r")
	s.Expect("cat /tmp/completion-target")
	s.Expect("\r\ncompleted\r\n")
	s.Expect(prompt)

	// A pipeline: one line per program.
	out = run(t, s, "ls /bin | wc -l")
	if want := fmt.Sprintf("%d\r\n", programs(t)); out != want {
		t.Errorf("ls /bin | wc -l printed %q, want %q", out, want)
	}
	// Redirection into a file and cat of it.
	if out := run(t, s, "echo hi > /tmp/f; cat /tmp/f"); out != "hi\r\n" {
		t.Errorf("echo hi > /tmp/f; cat /tmp/f printed %q", out)
	}

	// oncore runs a program on the hart it names.
	for _, hart := range []int{1, 0} {
		out := run(t, s, fmt.Sprintf("oncore -c %d -f /bin/ps", hart))
		if got := psHart(t, out); got != hart {
			t.Errorf("oncore -c %d -f /bin/ps: ps ran on hart %d:\n%s", hart, got, out)
		}
	}

	// /dev/tty is the shell's terminal.
	if out := run(t, s, "echo to-the-tty > /dev/tty"); out != "to-the-tty\r\n" {
		t.Errorf("echo > /dev/tty printed %q", out)
	}

	// time prints real, user and sys.
	out = run(t, s, "time /bin/true")
	if !regexp.MustCompile(`real\s+\d+m\d+\.\d{3}s\r\nuser\s+\d+m\d+\.\d{3}s\r\nsys\s+\d+m\d+\.\d{3}s\r\n`).MatchString(out) {
		t.Errorf("time /bin/true printed %q", out)
	}

	// The history file is written as lines are typed.
	out = run(t, s, "cat ~/.sosh_history")
	for _, l := range []string{"echo world", "echo killed", "ls /bin | wc -l"} {
		if !strings.Contains(out, l+"\r\n") {
			t.Errorf("history file lacks %q:\n%s", l, out)
		}
	}

	s.Type("exit\r")
	if code := s.Wait(); code != 0 {
		t.Errorf("sos exited %d after exit, want 0:\n%s", code, s.Output())
	}
	s.CheckRestored()
}

// TestShellJobs: ^C interrupts a foreground command, a background job is
// listed and brought back, ^Z stops a job that bg continues and kill
// ends.
func TestShellJobs(t *testing.T) {
	s := bootShell(t)

	s.Type("sleep 100\r")
	s.Expect("sleep 100\r\n")
	interrupt(t, s, "\x03", prompt)
	if out := run(t, s, "echo $?"); out != "130\r\n" {
		t.Errorf("$? after ^C is %q, want 130", out)
	}

	// ^C reaches every process of a pipeline.
	s.Type("sleep 100 | cat\r")
	s.Expect("sleep 100 | cat\r\n")
	interrupt(t, s, "\x03", prompt)
	if out := run(t, s, "echo $?"); out != "130\r\n" {
		t.Errorf("$? after ^C of a pipeline is %q, want 130", out)
	}

	// A background job reading the terminal is stopped (SIGTTIN); fg
	// gives it the terminal and it reads what is typed, to ^D.
	run(t, s, "cat &")
	for try := 0; ; try++ {
		out := run(t, s, "jobs")
		if regexp.MustCompile(`^\[1\]\+\s+Stopped\s+cat &\r\n$`).MatchString(out) {
			break
		}
		if try == 20 {
			t.Fatalf("cat & reading the terminal was not stopped: jobs says %q", out)
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.Type("fg\r")
	s.Expect("fg\r\ncat\r\n")
	s.Type("typed to cat\r")
	s.Expect("typed to cat\r\ntyped to cat\r\n")
	s.Type("\x04")
	s.Expect(prompt)
	if out := run(t, s, "echo $?"); out != "0\r\n" {
		t.Errorf("$? after cat's end of file is %q, want 0", out)
	}

	out := run(t, s, "sleep 100 &")
	if !regexp.MustCompile(`^\[1\] \d+\r\n$`).MatchString(out) {
		t.Errorf("sleep 100 & printed %q", out)
	}
	if out := run(t, s, "jobs"); !regexp.MustCompile(`^\[1\]\+\s+Running\s+sleep 100 &\r\n$`).MatchString(out) {
		t.Errorf("jobs printed %q", out)
	}
	s.Type("fg\r")
	s.Expect("fg\r\nsleep 100\r\n")
	interrupt(t, s, "\x03", prompt)
	if out := run(t, s, "echo $?"); out != "130\r\n" {
		t.Errorf("$? after ^C of fg is %q, want 130", out)
	}
	if out := run(t, s, "jobs"); out != "" {
		t.Errorf("jobs after the job ended printed %q", out)
	}

	s.Type("sleep 100\r")
	s.Expect("sleep 100\r\n")
	interrupt(t, s, "\x1a", "Stopped")
	s.Expect(prompt)
	if out := run(t, s, "echo $?"); out != "148\r\n" {
		t.Errorf("$? after ^Z is %q, want 148", out)
	}
	if out := run(t, s, "jobs"); !regexp.MustCompile(`^\[1\]\+\s+Stopped\s+sleep 100\r\n$`).MatchString(out) {
		t.Errorf("jobs printed %q", out)
	}
	if out := run(t, s, "bg"); out != "[1]+ sleep 100 &\r\n" {
		t.Errorf("bg printed %q", out)
	}
	if out := run(t, s, "jobs"); !regexp.MustCompile(`^\[1\]\+\s+Running\s+sleep 100 &\r\n$`).MatchString(out) {
		t.Errorf("jobs after bg printed %q", out)
	}
	run(t, s, "kill %1")
	// wait reports the job's end (killed by SIGTERM: 143).
	if out := run(t, s, "wait %1; echo $?"); !strings.HasSuffix(out, "143\r\n") {
		t.Errorf("wait after kill %%1 printed %q, want status 143", out)
	}

	// exit with a job still running: the job is hung up, SOS shuts
	// down all the same.
	run(t, s, "sleep 100 &")
	s.Type("exit\r")
	if code := s.Wait(); code != 0 {
		t.Errorf("sos exited %d after exit, want 0:\n%s", code, s.Output())
	}
	s.CheckRestored()
}

// TestShellHistoryAcrossBoots: SOS's root is an NFS export of a host
// directory, so what one boot's shell typed is what up-arrow recalls in
// the next boot's, from the history file in the user's home there.
func TestShellHistoryAcrossBoots(t *testing.T) {
	sos, _ := binaries(t)
	env := testEnv(t) // one root for both boots
	s := ptytest.Start(t, 30, 100, env, sos, "run")
	s.Expect(prompt)
	if out := run(t, s, "echo from-the-last-boot"); out != "from-the-last-boot\r\n" {
		t.Fatalf("echo printed %q", out)
	}
	s.Type("exit\r")
	if code := s.Wait(); code != 0 {
		t.Fatalf("first boot: sos exited %d:\n%s", code, s.Output())
	}
	s = ptytest.Start(t, 30, 100, env, sos, "run")
	s.Expect(prompt)
	s.Type("\x1b[A\x1b[A\r") // past the "exit"
	s.Expect("\r\nfrom-the-last-boot\r\n")
	s.Expect(prompt)
	// halt, rather than exit, shuts SOS down too.
	s.Type("halt\r")
	if code := s.Wait(); code != 0 {
		t.Errorf("sos exited %d after halt, want 0:\n%s", code, s.Output())
	}
	s.CheckRestored()
}

// TestShellEOF: ^D on an empty line leaves the shell, which shuts SOS
// down.
func TestShellEOF(t *testing.T) {
	s := bootShell(t)
	s.Type("\x04")
	s.Expect("exit\r\n")
	if code := s.Wait(); code != 0 {
		t.Errorf("sos exited %d after ^D, want 0:\n%s", code, s.Output())
	}
	s.CheckRestored()
}

// TestShellPiped: the scenarios that need no terminal, with sosh reading
// a script on its standard input.
func TestShellPiped(t *testing.T) {
	sos, _ := binaries(t)
	script := strings.Join([]string{
		"ls /bin | wc -l",
		"echo hi > /tmp/f; cat /tmp/f",
		"oncore -c 1 -f /bin/ps",
		"time /bin/true",
		"sleep 100 &",
		"jobs",
		"kill %1",
		"wait %1; echo waited $?",
		"nosuchcommand",
		"echo status $?",
		"exit 3",
		"echo not reached",
	}, "\n") + "\n"
	cmd := exec.Command(sos, "run")
	cmd.Stdin = strings.NewReader(script)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.Env = testEnv(t)
	err := cmd.Run()
	if code := cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("sos exited %d (%v), want 0 (init powers off whatever the shell's status)", code, err)
	}
	got := out.String()
	lines := strings.Split(got, "\n")
	i := 0
	for i < len(lines) && !strings.HasPrefix(lines[i], "init: starting /bin/sosh") {
		i++
	}
	if i == len(lines) {
		t.Fatalf("no shell started:\n%s\nstderr:\n%s", got, errb.String())
	}
	rest := strings.Join(lines[i+1:], "\n")
	want := fmt.Sprintf("%d\nhi\n", programs(t))
	if !strings.HasPrefix(rest, want) {
		t.Errorf("output after init:\n%s\nwant it to start\n%s", rest, want)
	}
	if h := psHart(t, rest); h != 1 {
		t.Errorf("oncore -c 1: ps ran on hart %d", h)
	}
	for _, w := range []string{"[1]+  Running                 sleep 100 &\n", "waited 143\n", "status 127\n"} {
		if !strings.Contains(rest, w) {
			t.Errorf("output lacks %q:\n%s", w, rest)
		}
	}
	if strings.Contains(rest, "not reached") {
		t.Errorf("the script went on after exit:\n%s", rest)
	}
	e := errb.String()
	for _, w := range []string{"real\t", "user\t", "sys\t", "sosh: nosuchcommand: command not found"} {
		if !strings.Contains(e, w) {
			t.Errorf("stderr lacks %q:\n%s", w, e)
		}
	}
}

// BenchmarkShellBootToPrompt measures `sos run` on a terminal from its
// start until sosh's first prompt (the userland already built and
// cached), then exits the shell.
func BenchmarkShellBootToPrompt(b *testing.B) {
	sos, _ := binaries(b)
	var total time.Duration
	n := 0
	for b.Loop() {
		start := time.Now()
		s := ptytest.Start(b, 30, 100, testEnv(b), sos, "run")
		s.Expect(prompt)
		total += time.Since(start)
		n++
		s.Type("exit\r")
		if code := s.Wait(); code != 0 {
			b.Fatalf("exit %d:\n%s", code, s.Output())
		}
	}
	b.ReportMetric(float64(total.Microseconds())/float64(n)/1000, "ms-to-prompt")
}

// BenchmarkShellKeystrokeEcho measures a key typed at sosh's prompt until
// sosh's line editor echoes it: through the host pty, the line
// discipline (raw mode), a guest read(2) waking sosh, its editor, and a
// write(2) back. "busy" has a CPU-bound thread on every hart meanwhile
// (ttyprog spin, started before sosh in a process group of its own).
func BenchmarkShellKeystrokeEcho(b *testing.B) {
	b.Run("idle", func(b *testing.B) { benchShellEcho(b, false) })
	b.Run("busy", func(b *testing.B) { benchShellEcho(b, true) })
}

func benchShellEcho(b *testing.B, busy bool) {
	sos, prog := binaries(b)
	args := []string{"run"}
	if busy {
		args = append(args, "-shell", prog+" spin /bin/sosh")
	}
	s := ptytest.Start(b, 30, 100, testEnv(b), sos, args...)
	s.Expect(prompt)
	if busy {
		// The spinner and its threads are running: ps lists it.
		s.Type("ps\r")
		s.Expect("spin\r\n")
		s.Expect(prompt)
	}
	keys := "abcdefghij"
	i := 0
	for b.Loop() {
		k := keys[i%len(keys) : i%len(keys)+1]
		s.Type(k)
		s.Expect(k)
		i++
		if i%50 == 0 {
			s.Type("\x15") // ^U: a fresh line
			s.Expect(prompt)
		}
	}
	b.StopTimer()
	s.Type("\x15exit\r")
	if code := s.Wait(); code != 0 {
		b.Fatalf("exit %d:\n%s", code, s.Output())
	}
}
