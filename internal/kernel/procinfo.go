package kernel

import (
	"fmt"
	"math"
	"sort"
	"sync"
	"time"

	"sos/internal/abi"
	"sos/internal/fs/procfs"
	"sos/internal/vfs"
)

// The kernel as /proc sees it: an implementation of procfs.Kernel.

// ProcFS returns the view of the kernel that procfs reads. It starts
// sampling the load averages.
func (k *Kernel) ProcFS() procfs.Kernel {
	v := procView{k: k, load: &loadAvg{}}
	k.timers.After(loadInterval, func() { v.load.tick(k) })
	return v
}

type procView struct {
	k    *Kernel
	load *loadAvg
}

// loadAvg keeps Linux's load averages: the number of tasks running or
// waiting for a hart, sampled every loadInterval and damped
// exponentially over 1, 5 and 15 minutes.
type loadAvg struct {
	mu   sync.Mutex
	load [3]float64
}

const loadInterval = 5 * time.Second

// tick takes a sample and schedules the next.
func (l *loadAvg) tick(k *Kernel) {
	running, waiting := k.sched.Load()
	n := 0
	for i := range running {
		if running[i] != 0 {
			n++
		}
		n += waiting[i]
	}
	l.mu.Lock()
	l.load = damp(l.load, n, loadInterval)
	l.mu.Unlock()
	k.timers.After(loadInterval, func() { l.tick(k) })
}

func (l *loadAvg) get() [3]float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.load
}

// damp folds a sample of n tasks, taken dt after the last, into the
// load averages.
func damp(load [3]float64, n int, dt time.Duration) [3]float64 {
	for i, period := range []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute} {
		e := math.Exp(-float64(dt) / float64(period))
		load[i] = load[i]*e + float64(n)*(1-e)
	}
	return load
}

func (v procView) Processes() []int {
	var pids []int
	for _, p := range v.k.Processes() {
		pids = append(pids, p.pid)
	}
	return pids
}

func (v procView) Process(pid int) (procfs.Process, bool) {
	p := v.k.Process(pid)
	if p == nil {
		return nil, false
	}
	return procProcess{p}, true
}

func (v procView) System() procfs.System {
	k := v.k
	used, free := k.frames.Stats()
	total := uint64(used+free) * 4096
	running, _ := k.sched.Load()
	busy := 0
	for _, tid := range running {
		if tid != 0 {
			busy++
		}
	}
	k.mu.Lock()
	threads := len(k.tasks)
	last := k.nextPID - 1
	k.mu.Unlock()
	mmu := "sv48"
	if k.cfg.Mode == 8 {
		mmu = "sv39"
	}
	// A hart is busy while a task holds it, idle otherwise; busy time is
	// shown as user time (the scheduler does not split it).
	uptime := k.Monotonic()
	var cpus []procfs.CPUTime
	for _, busy := range k.sched.Busy() {
		busy = min(busy, uptime)
		cpus = append(cpus, procfs.CPUTime{User: busy, Idle: uptime - busy})
	}
	return procfs.System{
		Uptime:   uptime,
		CPUs:     cpus,
		BootTime: k.boot,
		Harts:    len(k.mach.Harts),
		MMU:      mmu,
		Memory: procfs.Memory{
			Total: total, Free: uint64(free) * 4096, Available: uint64(free) * 4096,
		},
		ContextSwitches: k.sched.Switches(),
		Running:         busy,
		Threads:         threads,
		LastPID:         last,
		Load:            v.load.get(),
		Hostname:        k.cfg.Hostname,
		OSRelease:       "6.6.0-sos",
		Version:         "#1 SMP SOS",
		PIDMax:          pidMax,
	}
}

func (v procView) Mounts() []procfs.Mount {
	var out []procfs.Mount
	for _, m := range v.k.cfg.Namespace.Mounts() {
		opts := "rw"
		if m.ReadOnly {
			opts = "ro"
		}
		out = append(out, procfs.Mount{ID: m.ID, ParentID: m.ParentID, Dev: m.Dev, Root: "/", Point: m.Path, Type: m.FSType, Source: m.Source, Options: opts})
	}
	return out
}

type procProcess struct{ p *Process }

func stateLetter(p *Process, t *Task) byte {
	switch {
	case p.Zombie():
		return 'Z'
	case t == nil:
		return 'S'
	case t.State() == TaskStopped || p.Stopped():
		return 'T'
	case t.State() == TaskSleeping:
		return 'S'
	}
	return 'R'
}

func (pp procProcess) Status() procfs.Status {
	p := pp.p
	_, _, _, name := p.Info()
	var ppid int
	if parent := p.Parent(); parent != nil {
		ppid = parent.pid
	}
	leader := p.Leader()
	s := procfs.Status{
		Name: name, State: stateLetter(p, leader),
		PPID: ppid, PGID: p.PGID(), SID: p.SID(),
		Umask:     0o022,
		UIDs:      [4]uint32{1000, 1000, 1000, 1000},
		GIDs:      [4]uint32{1000, 1000, 1000, 1000},
		Threads:   len(p.Threads()),
		StartTime: p.StartTime(),
	}
	s.UTime, s.STime = p.CPUTime()
	s.CUTime, s.CSTime = p.ChildrenCPUTime()
	if as := p.MM(); as != nil {
		vsize, rss := as.Usage()
		s.VmSize, s.VmPeak, s.VmRSS, s.VmHWM = vsize, vsize, uint64(rss)*4096, uint64(rss)*4096
		s.RssAnon = s.VmRSS
	}
	if leader != nil {
		s.Processor = leader.Hart()
		p.sigMu.Lock()
		s.SigBlk = uint64(leader.sigMask)
		s.SigPnd = uint64(leader.pending.set)
		s.ShdPnd = uint64(p.pending.set)
		for i, a := range p.handlers.acts {
			switch a.Handler {
			case abi.SIG_IGN:
				s.SigIgn |= 1 << i
			case abi.SIG_DFL:
			default:
				s.SigCgt |= 1 << i
			}
		}
		p.sigMu.Unlock()
		if fds := leader.FDs(); fds != nil {
			s.FDSize = fds.Limit()
		}
	}
	if p.Zombie() {
		p.k.mu.Lock()
		s.ExitCode = p.status
		p.k.mu.Unlock()
	}
	s.ExitSignal = int(abi.SIGCHLD)
	return s
}

func (pp procProcess) Threads() []procfs.Thread {
	p := pp.p
	_, _, _, name := p.Info()
	threads := p.Threads()
	sort.Slice(threads, func(i, j int) bool { return threads[i].tid < threads[j].tid })
	var out []procfs.Thread
	for _, t := range threads {
		u, s := t.CPUTime()
		out = append(out, procfs.Thread{TID: t.tid, Name: name, State: stateLetter(p, t), UTime: u, STime: s, Processor: t.Hart()})
	}
	return out
}

func (pp procProcess) Cmdline() []string {
	if pp.p.Zombie() {
		return nil
	}
	_, args, _, _ := pp.p.Info()
	return args
}

func (pp procProcess) Environ() []string {
	_, _, env, _ := pp.p.Info()
	return env
}

func (pp procProcess) Exe() string {
	if pp.p.Zombie() {
		return ""
	}
	exe, _, _, _ := pp.p.Info()
	return exe
}

func (pp procProcess) Cwd() string {
	if t := pp.p.Leader(); t != nil {
		if fs := t.FS(); fs != nil {
			if cwd, err := fs.Getcwd(); err == nil {
				return cwd
			}
		}
	}
	return "/"
}

func (pp procProcess) Root() string { return "/" }

func (pp procProcess) Maps() []procfs.Mapping {
	as := pp.p.MM()
	if as == nil {
		return nil
	}
	var out []procfs.Mapping
	for _, r := range as.Regions() {
		out = append(out, procfs.Mapping{
			Start: r.Start, End: r.End, Prot: uint32(r.Prot), Shared: r.Shared,
			Offset: r.Offset, Dev: r.Dev, Inode: r.Ino, Name: r.Name,
		})
	}
	return out
}

func (pp procProcess) FDs() []procfs.FD {
	fds := pp.p.FDs()
	if fds == nil {
		return nil
	}
	var out []procfs.FD
	fds.Each(func(fd int, f *vfs.File, cloexec bool) {
		target := fmt.Sprintf("anon_inode:[%d]", fd)
		if d := f.Dentry(); d != nil {
			target = d.Path()
		}
		out = append(out, procfs.FD{Num: fd, Target: target, Flags: f.Flags()})
	})
	return out
}
