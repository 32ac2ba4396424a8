package systest

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"sos/internal/kernel"
)

// psLine is one process as ps shows it.
type psLine struct {
	pid, ppid, hart, threads, rss int
	state, start, time, cmd       string
}

var psHeader = "  PID  PPID S HART THR    RSS    START     TIME CMD"

// parsePS parses ps's output, failing the test on anything unexpected.
func parsePS(t *testing.T, out string) map[int]psLine {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) < 2 || lines[0] != psHeader {
		t.Fatalf("ps printed:\n%s", out)
	}
	re := regexp.MustCompile(`^ *(\d+) +(\d+) ([RSDTtZXI]) +(\d+) +(\d+) +(\d+) (\d\d:\d\d:\d\d) +(\d\d:\d\d:\d\d) (.+)$`)
	procs := map[int]psLine{}
	for _, l := range lines[1:] {
		m := re.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("ps line %q is malformed:\n%s", l, out)
		}
		n := func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
		procs[n(1)] = psLine{pid: n(1), ppid: n(2), state: m[3], hart: n(4), threads: n(5), rss: n(6), start: m[7], time: m[8], cmd: m[9]}
	}
	return procs
}

// stateOf waits until process p's state (in /proc/PID/stat) is want,
// failing the test if it never becomes so.
func waitState(t *testing.T, s *system, p *kernel.Process, want string) {
	t.Helper()
	for i := 0; i < 500; i++ {
		r := s.run(t, "cat", fmt.Sprintf("/proc/%d/stat", p.PID()))
		if f := strings.Fields(r.stdout); len(f) > 2 && f[2] == want {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("process %d never reached state %s", p.PID(), want)
}

func TestProcessTools(t *testing.T) {
	s := bootSystem(t)

	t.Run("ps", func(t *testing.T) {
		sleeper := s.start(t, "sleep", "1000")
		waitState(t, s, sleeper, "S")
		for hart := 0; hart < harts; hart++ {
			// ps pinned to a hart (a program sets its affinity and
			// executes ps) shows itself running there, its parent init,
			// and the sleeping process.
			r := s.run(t, testProgram(t, "pinned"), strconv.Itoa(hart), "/bin/ps")
			if r.code() != 0 {
				t.Fatalf("ps:\n%v", r)
			}
			procs := parsePS(t, r.stdout)
			init, ok := procs[1]
			if !ok || init.ppid != 0 || init.cmd == "" {
				t.Errorf("ps shows no init (pid 1):\n%s", r.stdout)
			}
			var self psLine
			for _, p := range procs {
				if p.cmd == "/bin/ps" {
					self = p
				}
			}
			if self.pid == 0 || self.ppid != 1 || self.state != "R" || self.hart != hart || self.threads < 1 || self.rss <= 0 {
				t.Errorf("ps on hart %d shows itself as %+v:\n%s", hart, self, r.stdout)
			}
			sl, ok := procs[sleeper.PID()]
			if !ok || sl.state != "S" || sl.cmd != "sleep 1000" || sl.ppid != 1 || sl.rss <= 0 || sl.threads < 1 || sl.hart < 0 || sl.hart >= harts {
				t.Errorf("ps shows the sleeper (pid %d) as %+v:\n%s", sleeper.PID(), sl, r.stdout)
			}
			if sl.start > self.start {
				t.Errorf("the sleeper started (%s) after ps (%s)", sl.start, self.start)
			}
		}
		// ps run by the shell on hart 1 shows the shell as its parent.
		r := s.run(t, "sosh", "-c", "oncore -c 1 -f /bin/ps")
		if r.code() != 0 {
			t.Fatalf("sosh -c 'oncore -c 1 -f /bin/ps':\n%v", r)
		}
		var shell, ps psLine
		for _, p := range parsePS(t, r.stdout) {
			switch {
			case strings.HasPrefix(p.cmd, "sosh -c"):
				shell = p
			case p.cmd == "/bin/ps":
				ps = p
			}
		}
		if shell.pid == 0 || ps.ppid != shell.pid || ps.hart != 1 || ps.state != "R" {
			t.Errorf("ps under sosh: shell %+v, ps %+v:\n%s", shell, ps, r.stdout)
		}

		r = s.run(t, "ps", "-p", strconv.Itoa(sleeper.PID()))
		if procs := parsePS(t, r.stdout); len(procs) != 1 || r.code() != 0 {
			t.Errorf("ps -p %d:\n%v", sleeper.PID(), r)
		}
		s.expect(t, 1, psHeader+"\n", "", "ps", "-p", "99999")

		// ps -L: a line per thread of the (multi-threaded Go) sleeper,
		// the first the thread-group leader.
		r = s.run(t, "ps", "-L", "-p", strconv.Itoa(sleeper.PID()))
		lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
		if r.code() != 0 || len(lines) < 3 || lines[0] != "  PID   TID"+psHeader[5:] {
			t.Fatalf("ps -L:\n%v", r)
		}
		tids := map[string]bool{}
		for i, l := range lines[1:] {
			f := strings.Fields(l)
			if len(f) < 10 || f[0] != strconv.Itoa(sleeper.PID()) || tids[f[1]] || (i == 0) != (f[1] == f[0]) || f[5] != strconv.Itoa(len(lines)-1) {
				t.Errorf("ps -L line %q:\n%s", l, r.stdout)
			}
			tids[f[1]] = true
		}

		// kill ends the sleeping process with SIGTERM.
		s.expect(t, 0, "", "", "kill", strconv.Itoa(sleeper.PID()))
		if status := s.waitStatus(t, sleeper); status != 15 {
			t.Errorf("the sleeper ended with status %#x, want killed by SIGTERM", status)
		}
		s.expect(t, 1, "", fmt.Sprintf("kill: (%d): No such process\n", sleeper.PID()), "kill", strconv.Itoa(sleeper.PID()))
	})

	t.Run("kill", func(t *testing.T) {
		for _, c := range []struct {
			args []string
			sig  int
		}{
			{[]string{"-9"}, 9}, {[]string{"-KILL"}, 9}, {[]string{"-SIGHUP"}, 1},
			{[]string{"-s", "INT"}, 2}, {[]string{"-n", "15"}, 15},
		} {
			p := s.start(t, "sleep", "1000")
			waitState(t, s, p, "S")
			s.expect(t, 0, "", "", "kill", append(c.args, strconv.Itoa(p.PID()))...)
			status := s.waitStatus(t, p)
			if status&0x7f != c.sig {
				t.Errorf("kill %v: status %#x, want killed by signal %d", c.args, status, c.sig)
			}
		}
		s.expect(t, 0, "HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM STKFLT\n"+
			"CHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH POLL PWR SYS\n", "", "kill", "-l")
		s.expect(t, 0, "TERM\nKILL\n", "", "kill", "-l", "15", "137")
		s.expect(t, 1, "", "kill: unknown signal: NOPE\n", "kill", "-NOPE", "1")
		s.expect(t, 1, "", "kill: failed to parse argument: 'x'\n", "kill", "x")
	})

	t.Run("free", func(t *testing.T) {
		r := s.run(t, "free")
		lines := strings.Split(r.stdout, "\n")
		if r.code() != 0 || len(lines) != 5 || !strings.HasPrefix(lines[0], "               total        used        free") {
			t.Fatalf("free:\n%v", r)
		}
		mem := numbersOf(t, lines[1], "Mem:", 6)
		frames := numbersOf(t, lines[3], "Frames:", 3)
		total, used, free := mem[0], mem[1], mem[2]
		if total <= memSize/1024/2 || total > memSize/1024 || used <= 0 || free <= 0 || used+free > total {
			t.Errorf("free: implausible Mem line %v for %d KiB of RAM:\n%s", mem, memSize/1024, r.stdout)
		}
		if frames[0]*4 != total || frames[1]+frames[2] != frames[0] || frames[2]*4 != free {
			t.Errorf("free: frames %v disagree with memory %v:\n%s", frames, mem, r.stdout)
		}
		r2 := s.run(t, "free", "-b")
		if m := numbersOf(t, strings.Split(r2.stdout, "\n")[1], "Mem:", 6); m[0] != total*1024 {
			t.Errorf("free -b: total %d bytes, want %d", m[0], total*1024)
		}
	})

	t.Run("uptime", func(t *testing.T) {
		r := s.run(t, "uptime")
		m := regexp.MustCompile(`^ \d\d:\d\d:\d\d up (\d+) min,  0 user,  load average: (\d+\.\d\d), (\d+\.\d\d), (\d+\.\d\d)\n$`).FindStringSubmatch(r.stdout)
		if r.code() != 0 || m == nil {
			t.Fatalf("uptime:\n%v", r)
		}
		up := s.Kernel.Monotonic()
		if mins, _ := strconv.Atoi(m[1]); time.Duration(mins)*time.Minute > up {
			t.Errorf("uptime says up %s min, the kernel %v", m[1], up)
		}
		r = s.run(t, "cat", "/proc/uptime")
		f := strings.Fields(r.stdout)
		secs, err := strconv.ParseFloat(f[0], 64)
		if err != nil || secs <= 0 || time.Duration(secs*float64(time.Second)) > s.Kernel.Monotonic() {
			t.Errorf("/proc/uptime %q; the kernel has been up %v", r.stdout, s.Kernel.Monotonic())
		}
		r = s.run(t, "uptime", "-p")
		m = regexp.MustCompile(`^up (\d+) minutes?\n$`).FindStringSubmatch(r.stdout)
		if m == nil {
			t.Fatalf("uptime -p:\n%v", r)
		}
		if mins, _ := strconv.Atoi(m[1]); time.Duration(mins)*time.Minute > s.Kernel.Monotonic() {
			t.Errorf("uptime -p says up %s minutes, the kernel %v", m[1], s.Kernel.Monotonic())
		}
	})

	t.Run("date", func(t *testing.T) {
		before := time.Now().Unix()
		r := s.run(t, "date", "+%s")
		after := time.Now().Unix()
		secs, err := strconv.ParseInt(strings.TrimSpace(r.stdout), 10, 64)
		if r.code() != 0 || err != nil || secs < before || secs > after {
			t.Errorf("date +%%s: %v; the host's clock read %d..%d", r, before, after)
		}
		s.expect(t, 0, "Thu Jan  1 00:00:00 UTC 1970\n", "", "date", "-u", "-d", "@0")
		s.expect(t, 0, "2001-09-09 01:46:40 Sun 252\n", "", "date", "-u", "-d", "@1000000000", "+%F %T %a %j")
		r = s.run(t, "date")
		if !regexp.MustCompile(`^[A-Z][a-z][a-z] [A-Z][a-z][a-z] [ 123]\d \d\d:\d\d:\d\d \S+ \d{4}\n$`).MatchString(r.stdout) {
			t.Errorf("date:\n%v", r)
		}
	})

	t.Run("proc", func(t *testing.T) {
		// /proc/PID/stat of a sleeping Go program: sleeping, several
		// threads, resident pages, a start time after boot.
		p := s.start(t, "sleep", "1000")
		waitState(t, s, p, "S")
		r := s.run(t, "cat", fmt.Sprintf("/proc/%d/stat", p.PID()))
		f := strings.Fields(r.stdout)
		if len(f) != 52 {
			t.Fatalf("/proc/%d/stat has %d fields:\n%v", p.PID(), len(f), r)
		}
		num := func(field int) int { v, _ := strconv.Atoi(f[field-1]); return v }
		up := int(s.Kernel.Monotonic() / (10 * time.Millisecond))
		if f[1] != "(sleep)" || f[2] != "S" || num(4) != 1 || num(20) < 2 || num(24) <= 0 || num(22) > up || num(39) < 0 || num(39) >= harts {
			t.Errorf("/proc/%d/stat: %s", p.PID(), r.stdout)
		}
		s.KillAll()
		s.waitStatus(t, p)

		// Each hart's time is split between busy (user) and idle; the
		// harts have run programs, so some of it is busy.
		before := int(s.Kernel.Monotonic() / (10 * time.Millisecond))
		r = s.run(t, "cat", "/proc/stat")
		after := int(s.Kernel.Monotonic()/(10*time.Millisecond)) + 1
		lines := strings.Split(r.stdout, "\n")
		var busy int
		for i := 0; i <= harts; i++ {
			f := strings.Fields(lines[i])
			if len(f) < 5 || f[0] != map[bool]string{true: "cpu", false: "cpu" + strconv.Itoa(i-1)}[i == 0] {
				t.Fatalf("/proc/stat line %d: %q", i, lines[i])
			}
			user, _ := strconv.Atoi(f[1])
			idle, _ := strconv.Atoi(f[4])
			if i == 0 {
				busy = user
				continue
			}
			if user+idle < before-1 || user+idle > after {
				t.Errorf("/proc/stat: hart %d was busy %d and idle %d ticks; up %d..%d ticks", i-1, user, idle, before, after)
			}
		}
		if busy <= 0 {
			t.Errorf("/proc/stat: the harts have never been busy:\n%s", r.stdout)
		}

		r = s.run(t, "cat", "/proc/meminfo")
		if !regexp.MustCompile(`^MemTotal: +\d+ kB\nMemFree: +\d+ kB\nMemAvailable: +\d+ kB\n`).MatchString(r.stdout) {
			t.Errorf("/proc/meminfo:\n%v", r)
		}
	})
}

// waitStatus waits for p to end and returns its wait status, failing the
// test if it does not end in time.
func (s *system) waitStatus(t *testing.T, p *kernel.Process) int {
	t.Helper()
	r := s.wait(t, p, fmt.Sprintf("process %d", p.PID()))
	return r.status
}

// numbersOf parses a line "LABEL n n n..." with n numbers.
func numbersOf(t *testing.T, line, label string, n int) []int64 {
	t.Helper()
	f := strings.Fields(line)
	if len(f) != n+1 || f[0] != label {
		t.Fatalf("want %q and %d numbers, got %q", label, n, line)
	}
	var out []int64
	for _, s := range f[1:] {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		out = append(out, v)
	}
	return out
}

// TestSOSCalls runs package sos's test program, which checks every call
// and prints a line per check.
func TestSOSCalls(t *testing.T) {
	s := bootSystem(t)
	r := s.run(t, "sostest")
	if r.code() != 0 || strings.Contains(r.stdout, "FAIL") || !strings.HasPrefix(r.stdout, "ok open console\nhello, console\nok write console\n") {
		t.Fatalf("sostest:\n%v", r)
	}
	for _, check := range []string{"lowest free descriptor", "getdirent lists", "stat console", "status lists child",
		"wait deleted", "wait any", "time since boot", "slept long enough"} {
		if !strings.Contains(r.stdout, "ok "+check+"\n") {
			t.Errorf("sostest did not check %q:\n%s", check, r.stdout)
		}
	}
}
