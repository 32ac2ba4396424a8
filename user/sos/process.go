package sos

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// ProcessCreate starts the program at path with args as its arguments
// (argv[0] is path), the caller's environment and standard descriptors,
// and returns its pid. A name without a slash that is not in the working
// directory is looked up in /bin.
func ProcessCreate(path string, args ...string) (int, error) {
	prog := path
	if !strings.Contains(path, "/") {
		if _, err := os.Stat(path); err != nil {
			prog = filepath.Join("/bin", path)
		}
	}
	argv := append([]string{path}, args...)
	return syscall.ForkExec(prog, argv, &syscall.ProcAttr{
		Env:   os.Environ(),
		Files: []uintptr{0, 1, 2},
	})
}

// ProcessDelete ends process pid at once (SIGKILL). The process's parent
// still reaps it (ProcessWait, if that is the caller).
func ProcessDelete(pid int) error {
	if pid <= 0 {
		return syscall.ESRCH // never a process group or everyone
	}
	return syscall.Kill(pid, syscall.SIGKILL)
}

// MyID returns the caller's pid.
func MyID() int { return syscall.Getpid() }

// ProcessWait waits for child pid (any child if pid is -1) to end, reaps
// it and returns its pid. ECHILD means there is no such child.
func ProcessWait(pid int) (int, error) {
	p, _, err := ProcessWaitStatus(pid)
	return p, err
}

// ProcessWaitStatus is ProcessWait that also returns how the child ended.
func ProcessWaitStatus(pid int) (int, syscall.WaitStatus, error) {
	if pid < -1 || pid == 0 {
		return 0, 0, syscall.EINVAL
	}
	var ws syscall.WaitStatus
	for {
		p, err := syscall.Wait4(pid, &ws, 0, nil)
		if err == syscall.EINTR {
			continue
		}
		return p, ws, err
	}
}

// Process is one process in ProcessStatus's list (SOS's sos_process_t).
type Process struct {
	PID   int
	Size  int    // resident pages
	STime int64  // start time, ms since boot
	Name  string // command: argv[0], or the kernel's name for it
}

// clockTick is the length of /proc's clock ticks (USER_HZ = 100) in ms.
const clockTick = 10

// ProcessStatus returns up to max processes, in increasing pid order.
func ProcessStatus(max int) ([]Process, error) {
	d, err := os.Open("/proc")
	if err != nil {
		return nil, err
	}
	names, err := d.Readdirnames(-1)
	d.Close()
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, n := range names {
		if pid, err := strconv.Atoi(n); err == nil && pid > 0 {
			pids = append(pids, pid)
		}
	}
	sort.Ints(pids)
	var out []Process
	for _, pid := range pids {
		if len(out) >= max {
			break
		}
		st, err := ReadStat(pid)
		if err != nil {
			continue // it ended meanwhile
		}
		p := Process{PID: pid, Size: int(st.RSS), STime: int64(st.StartTime) * clockTick, Name: st.Comm}
		if argv := Cmdline(pid); len(argv) > 0 && argv[0] != "" {
			p.Name = argv[0]
		}
		out = append(out, p)
	}
	return out, nil
}

// ProcStat holds the fields of /proc/PID/stat that SOS's tools use.
type ProcStat struct {
	PID        int
	Comm       string
	State      byte
	PPID       int
	PGID, SID  int
	UTime      uint64 // clock ticks
	STime      uint64 // clock ticks
	NumThreads int
	StartTime  uint64 // clock ticks since boot
	VSize      uint64 // bytes
	RSS        uint64 // pages
	Processor  int    // the hart it last ran on
}

// ReadStat reads and parses /proc/PID/stat.
func ReadStat(pid int) (ProcStat, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return ProcStat{}, err
	}
	return ParseStat(string(b))
}

// ParseStat parses a line of /proc/PID/stat.
func ParseStat(line string) (ProcStat, error) {
	// The name is in parentheses and may itself hold spaces and ')'.
	open := strings.IndexByte(line, '(')
	close := strings.LastIndexByte(line, ')')
	if open < 0 || close < open {
		return ProcStat{}, syscall.EINVAL
	}
	var st ProcStat
	var err error
	if st.PID, err = strconv.Atoi(strings.TrimSpace(line[:open])); err != nil {
		return ProcStat{}, syscall.EINVAL
	}
	st.Comm = line[open+1 : close]
	f := strings.Fields(line[close+1:])
	// f[0] is field 3 (state); field n is f[n-3].
	if len(f) < 39-2 {
		return ProcStat{}, syscall.EINVAL
	}
	num := func(n int) uint64 {
		v, _ := strconv.ParseUint(f[n-3], 10, 64)
		return v
	}
	inum := func(n int) int {
		v, _ := strconv.Atoi(f[n-3])
		return v
	}
	st.State = f[0][0]
	st.PPID, st.PGID, st.SID = inum(4), inum(5), inum(6)
	st.UTime, st.STime = num(14), num(15)
	st.NumThreads = inum(20)
	st.StartTime = num(22)
	st.VSize = num(23)
	st.RSS = num(24)
	st.Processor = inum(39)
	return st, nil
}

// Cmdline returns the argument vector of process pid, or nil.
func Cmdline(pid int) []string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil || len(b) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(b), "\x00"), "\x00")
}
