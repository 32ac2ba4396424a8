// Command sostest exercises every call of package sos on a running SOS
// and prints one line per check: "ok NAME" or "FAIL NAME: why". It exits
// 1 if any check failed. It works in a scratch directory it makes under
// /tmp (or the directory given as its argument) and removes afterwards.
package main

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"sos/user/sos"
)

var failed bool

func check(name string, ok bool, format string, args ...any) {
	if ok {
		fmt.Printf("ok %s\n", name)
		return
	}
	failed = true
	fmt.Printf("FAIL %s: %s\n", name, fmt.Sprintf(format, args...))
}

func main() {
	base := "/tmp"
	if len(os.Args) > 1 {
		base = os.Args[1]
	}
	dir, err := os.MkdirTemp(base, "sostest-")
	if err != nil {
		fmt.Printf("FAIL setup: %v\n", err)
		os.Exit(1)
	}
	defer os.RemoveAll(dir)
	if err := os.Chdir(dir); err != nil {
		fmt.Printf("FAIL setup: %v\n", err)
		os.Exit(1)
	}
	files()
	dirents()
	stat()
	processes()
	clock()
	if failed {
		os.Exit(1)
	}
}

func files() {
	// The console, by its SOS name; 0, 1 and 2 are taken, so it is 3.
	fd, err := sos.Open("console", sos.OWrOnly)
	check("open console", err == nil && fd == 3, "fd %d, err %v", fd, err)
	n, err := sos.Write(fd, []byte("hello, console\n"))
	check("write console", err == nil && n == 15, "wrote %d, err %v", n, err)
	check("close console", sos.Close(fd) == nil, "close failed")
	check("close closed", errors.Is(sos.Close(fd), syscall.EBADF), "closing twice did not fail with EBADF")

	// Writing creates; descriptors are the lowest free.
	a, err := sos.Open("a", sos.ORdWr)
	check("open creates", err == nil && a == 3, "fd %d, err %v", a, err)
	b, err := sos.Open("b", sos.OWrOnly)
	check("open second", err == nil && b == 4, "fd %d, err %v", b, err)
	n, err = sos.Write(a, []byte("0123456789"))
	check("write file", err == nil && n == 10, "wrote %d, err %v", n, err)
	sos.Close(a)
	a2, err := sos.Open("a", sos.ORdOnly)
	check("lowest free descriptor", err == nil && a2 == 3, "fd %d, err %v", a2, err)
	buf := make([]byte, 64)
	n, err = sos.Read(a2, buf)
	check("read file", err == nil && string(buf[:n]) == "0123456789", "read %q, err %v", buf[:n], err)
	n, err = sos.Read(a2, buf)
	check("read at end", err == nil && n == 0, "read %d, err %v", n, err)
	_, err = sos.Write(a2, []byte("x"))
	check("write read-only", errors.Is(err, syscall.EBADF), "err %v", err)
	sos.Close(a2)
	sos.Close(b)
	_, err = sos.Open("missing", sos.ORdOnly)
	check("open missing", errors.Is(err, syscall.ENOENT), "err %v", err)
	_, err = sos.Read(99, buf)
	check("read bad descriptor", errors.Is(err, syscall.EBADF), "err %v", err)
}

func dirents() {
	for _, f := range []string{"c", "d"} {
		fd, err := sos.Open(f, sos.OWrOnly)
		if err == nil {
			sos.Close(fd)
		}
	}
	var names []string
	pos := 0
	for ; pos < 100; pos++ {
		name, err := sos.Getdirent(pos)
		if err != nil {
			check("getdirent", false, "pos %d: %v", pos, err)
			return
		}
		if name == "" {
			break
		}
		names = append(names, name)
	}
	slices.Sort(names)
	check("getdirent lists", slices.Equal(names, []string{"a", "b", "c", "d"}), "got %q", names)
	_, err := sos.Getdirent(pos + 1)
	check("getdirent past end", errors.Is(err, syscall.ENOENT), "err %v", err)
	name, err := sos.GetdirentIn("/proc/self", 0)
	check("getdirent in", err == nil && name != "", "name %q, err %v", name, err)
}

func stat() {
	st, err := sos.Stat("a")
	check("stat file", err == nil && st.Type == sos.STFile && st.Size == 10 && st.Mode&(sos.FMRead|sos.FMWrite) == sos.FMRead|sos.FMWrite && st.Mode&sos.FMExec == 0,
		"%+v, err %v", st, err)
	check("stat times", st.CTime > 1_500_000_000_000 && st.ATime > 1_500_000_000_000, "%+v", st)
	st, err = sos.Stat("console")
	check("stat console", err == nil && st.Type == sos.STSpecial, "%+v, err %v", st, err)
	st, err = sos.Stat("/bin/ls")
	check("stat program", err == nil && st.Type == sos.STFile && st.Mode&sos.FMExec != 0, "%+v, err %v", st, err)
	st, err = sos.Stat(".")
	check("stat directory", err == nil && st.Type == sos.STDir, "%+v, err %v", st, err)
	_, err = sos.Stat("missing")
	check("stat missing", errors.Is(err, syscall.ENOENT), "err %v", err)
}

func processes() {
	me := sos.MyID()
	check("my id", me == os.Getpid() && me > 1, "MyID %d, getpid %d", me, os.Getpid())

	pid, err := sos.ProcessCreate("/bin/sleep", "100")
	check("process create", err == nil && pid > me, "pid %d, err %v", pid, err)
	if err != nil {
		return
	}
	procs, err := sos.ProcessStatus(1000)
	check("process status", err == nil && len(procs) >= 3, "%d processes, err %v", len(procs), err)
	var self, child, init *sos.Process
	for i := range procs {
		switch procs[i].PID {
		case me:
			self = &procs[i]
		case pid:
			child = &procs[i]
		case 1:
			init = &procs[i]
		}
	}
	now := sos.TimeStamp() / 1000
	check("status lists init", init != nil, "no pid 1 in %+v", procs)
	check("status lists self", self != nil && strings.HasSuffix(self.Name, "sostest") && self.Size > 0 && self.STime <= now,
		"self %+v, now %d ms", self, now)
	check("status lists child", child != nil && child.Name == "/bin/sleep" && child.STime >= self.STime && child.STime <= now,
		"child %+v, self %+v", child, self)
	check("status max", func() bool { p, err := sos.ProcessStatus(2); return err == nil && len(p) == 2 }(), "max not honoured")
	sorted := slices.IsSortedFunc(procs, func(a, b sos.Process) int { return a.PID - b.PID })
	check("status sorted", sorted, "not in pid order")

	check("process delete", sos.ProcessDelete(pid) == nil, "kill failed")
	got, ws, err := sos.ProcessWaitStatus(pid)
	check("wait deleted", err == nil && got == pid && ws.Signaled() && ws.Signal() == syscall.SIGKILL, "pid %d, status %v, err %v", got, ws, err)
	check("delete gone", errors.Is(sos.ProcessDelete(pid), syscall.ESRCH), "deleting a reaped process did not fail with ESRCH")

	// A bare name is found in /bin; -1 waits for any child.
	pid, err = sos.ProcessCreate("true")
	check("create from /bin", err == nil && pid > 0, "pid %d, err %v", pid, err)
	got, ws, err = sos.ProcessWaitStatus(-1)
	check("wait any", err == nil && got == pid && ws.Exited() && ws.ExitStatus() == 0, "pid %d (want %d), status %v, err %v", got, pid, ws, err)
	_, err = sos.ProcessWait(-1)
	check("wait no children", errors.Is(err, syscall.ECHILD), "err %v", err)
	_, err = sos.ProcessCreate("/no/such/program")
	check("create missing", errors.Is(err, syscall.ENOENT), "err %v", err)

	// The child's exit status comes back.
	pid, err = sos.ProcessCreate("false")
	if err == nil {
		got, ws, err = sos.ProcessWaitStatus(pid)
	}
	check("wait status", err == nil && got == pid && ws.ExitStatus() == 1, "pid %d, status %v, err %v", got, ws, err)
}

func clock() {
	t0 := sos.TimeStamp()
	check("time stamp", t0 > 0, "TimeStamp %d", t0)
	b, err := os.ReadFile("/proc/uptime")
	var up float64
	if err == nil {
		up, err = strconv.ParseFloat(strings.Fields(string(b))[0], 64)
	}
	t1 := sos.TimeStamp()
	// Both are the time since boot: /proc/uptime (in hundredths) read
	// between two time stamps lies between them.
	check("time since boot", err == nil && int64(up*1e6) >= t0-10_000 && int64(up*1e6) <= t1, "uptime %.2f s, stamps %d..%d µs", up, t0, t1)
	check("usleep", sos.USleep(50_000) == nil, "usleep failed")
	t2 := sos.TimeStamp()
	check("slept long enough", t2-t1 >= 50_000, "slept %d µs", t2-t1)
	check("usleep zero", sos.USleep(0) == nil, "usleep(0) failed")
}
