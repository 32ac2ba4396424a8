// Command ps lists processes: for each its pid, parent, state, the hart
// it last ran on, its threads, its resident size in pages, when it
// started (wall-clock time), the CPU time it has used and its command
// line. It reads the SOS process list (package sos's ProcessStatus) and
// /proc/PID/stat. By default every process is listed; -p PID[,PID...]
// lists only those; -L lists each thread (from /proc/PID/task) with its
// own TID, state, hart and CPU time. Exit status 1 if a process asked for
// with -p does not exist.
package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"sos/user/internal/cli"
	"sos/user/sos"
)

func main() {
	opts := cli.Parse(os.Args[1:], "eAfalL", "p", false, "[-eL] [-p PID[,PID...]]", 1)
	threads := opts.Has('L')
	var want map[int]bool
	if v, ok := opts.Value('p'); ok {
		want = map[int]bool{}
		for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
			pid, err := strconv.Atoi(f)
			if err != nil || pid <= 0 {
				cli.Warn("process ID list syntax error")
				os.Exit(1)
			}
			want[pid] = true
		}
	}
	for _, a := range opts.Args {
		pid, err := strconv.Atoi(a)
		if err != nil {
			cli.Warn("unknown option %s", cli.Quote(a))
			os.Exit(1)
		}
		if want == nil {
			want = map[int]bool{}
		}
		want[pid] = true
	}
	procs, err := sos.ProcessStatus(1 << 20)
	if err != nil {
		cli.Warn("cannot list processes: %s", cli.Reason(err))
		os.Exit(1)
	}
	boot := bootTime()
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	fmt.Fprintf(out, "%5s ", "PID")
	if threads {
		fmt.Fprintf(out, "%5s ", "TID")
	}
	fmt.Fprintf(out, "%5s %s %4s %3s %6s %8s %8s %s\n", "PPID", "S", "HART", "THR", "RSS", "START", "TIME", "CMD")
	found := 0
	for _, p := range procs {
		if want != nil && !want[p.PID] {
			continue
		}
		st, err := sos.ReadStat(p.PID)
		if err != nil {
			continue // it has gone
		}
		found++
		start := boot.Add(time.Duration(p.STime) * time.Millisecond)
		cpu := time.Duration(st.UTime+st.STime) * 10 * time.Millisecond
		cmd := strings.Join(sos.Cmdline(p.PID), " ")
		if cmd == "" {
			cmd = "[" + st.Comm + "]"
		}
		if !threads {
			fmt.Fprintf(out, "%5d %5d %c %4d %3d %6d %8s %8s %s\n",
				p.PID, st.PPID, st.State, st.Processor, st.NumThreads, p.Size,
				start.Format("15:04:05"), clock(cpu), cmd)
			continue
		}
		for _, tst := range taskStats(p.PID, st) {
			cpu := time.Duration(tst.UTime+tst.STime) * 10 * time.Millisecond
			fmt.Fprintf(out, "%5d %5d %5d %c %4d %3d %6d %8s %8s %s\n",
				p.PID, tst.PID, st.PPID, tst.State, tst.Processor, st.NumThreads, p.Size,
				start.Format("15:04:05"), clock(cpu), cmd)
		}
	}
	out.Flush()
	if want != nil && found == 0 {
		os.Exit(1)
	}
}

// taskStats reads the stat of each thread of process pid (st itself, if
// there is no /proc/PID/task).
func taskStats(pid int, st sos.ProcStat) []sos.ProcStat {
	d, err := os.Open("/proc/" + strconv.Itoa(pid) + "/task")
	if err != nil {
		return []sos.ProcStat{st}
	}
	names, _ := d.Readdirnames(-1)
	d.Close()
	var tids []int
	for _, n := range names {
		if tid, err := strconv.Atoi(n); err == nil {
			tids = append(tids, tid)
		}
	}
	sort.Ints(tids)
	var out []sos.ProcStat
	for _, tid := range tids {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/task/" + strconv.Itoa(tid) + "/stat")
		if err != nil {
			continue
		}
		if t, err := sos.ParseStat(string(b)); err == nil {
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return []sos.ProcStat{st}
	}
	return out
}

// clock prints a CPU time as [DD-]HH:MM:SS.
func clock(d time.Duration) string {
	s := int64(d / time.Second)
	if days := s / 86400; days > 0 {
		return fmt.Sprintf("%d-%02d:%02d:%02d", days, s/3600%24, s/60%60, s%60)
	}
	return fmt.Sprintf("%02d:%02d:%02d", s/3600, s/60%60, s%60)
}

// bootTime is when the system booted: now less the uptime.
func bootTime() time.Time {
	now := time.Now()
	b, err := os.ReadFile("/proc/uptime")
	if err != nil {
		return now
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return now
	}
	up, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return now
	}
	return now.Add(-time.Duration(up * float64(time.Second)))
}
