// Package kernel is SOS's kernel: processes and threads (one goroutine per
// user thread), scheduling them onto harts, traps, signals, futexes,
// timers, program loading, and the process tree. It runs user code only
// through riscv.Hart.Run and user memory only through mm.AddressSpace, and
// it leaves system calls to a personality (package linux) behind the
// Personality interface, so it knows neither CPU internals nor system-call
// numbers.
//
// Lock order: Kernel.mu, then Process.sigMu, then Scheduler.mu. Address
// space and VFS locks are leaves with respect to these.
package kernel

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"sos/internal/machine"
	"sos/internal/mm"
	"sos/internal/riscv"
	"sos/internal/vfs"
)

// Personality handles system calls.
type Personality interface {
	// Syscall performs the system call in t's registers (number in a7,
	// arguments in a0-a5) and leaves the result in a0. The task's pc
	// already points past the ecall.
	Syscall(t *Task)
}

// Config configures a kernel.
type Config struct {
	Machine     *machine.Machine
	Mode        int    // satp mode for address spaces (riscv.SatpSv48 or SatpSv39)
	Slice       uint64 // time slice in instructions
	MaxProcs    int    // process limit (fork fails with EAGAIN beyond it)
	Personality Personality
	// Namespace is the file tree; Root and Cwd are init's root and
	// working directory within it.
	Namespace *vfs.Namespace
	Root, Cwd *vfs.Dentry
	// Log receives the kernel's messages (out-of-memory kills, unknown
	// system calls). Never nil after New.
	Log io.Writer
	// Hostname is what uname and /proc report.
	Hostname string
}

// Kernel is a running SOS kernel.
type Kernel struct {
	cfg    Config
	mach   *machine.Machine
	frames *mm.FrameTable
	sched  *Scheduler
	timers *TimerQueue
	futex  futexTable
	boot   time.Time
	// trampoline is the frame holding the signal-return trampoline,
	// mapped read-execute into every address space.
	trampoline uint64

	mu      sync.Mutex // guards the fields below and the process tree
	tasks   map[int]*Task
	procs   map[int]*Process
	nextPID int
	init    *Process
	nprocs  int // live and zombie processes, for the limit
	mmUsers map[*mm.AddressSpace]int

	logOnce sync.Map // messages logged once
	halted  atomic.Bool
	// userInit is set once PID 1 runs a program (StartInit): it then
	// reaps its children itself. reboot is what reboot(2) calls
	// (SetReboot); see jobctl.go and power.go.
	userInit atomic.Bool
	reboot   atomic.Pointer[func(cmd RebootCmd)]
	// sessionEnd is told when a session leader exits (SetSessionEnd).
	sessionEnd atomic.Pointer[func(sid int)]
	instret    atomic.Uint64 // instructions retired by tasks, summed as they run
}

// Release of the trampoline page: li a7, 139; ecall (rt_sigreturn).
var trampolineCode = []byte{0x93, 0x08, 0xb0, 0x08, 0x73, 0x00, 0x00, 0x00}

// New builds a kernel on a machine. Call Start to run programs.
func New(cfg Config) (*Kernel, error) {
	if cfg.Machine == nil || cfg.Personality == nil || cfg.Namespace == nil {
		return nil, fmt.Errorf("kernel: incomplete configuration")
	}
	if cfg.Mode == 0 {
		cfg.Mode = riscv.SatpSv48
	}
	if cfg.Slice == 0 {
		cfg.Slice = 2_000_000
	}
	if cfg.MaxProcs == 0 {
		cfg.MaxProcs = 512
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	if cfg.Hostname == "" {
		cfg.Hostname = "sos"
	}
	if cfg.Root == nil {
		cfg.Root = cfg.Namespace.Root()
	}
	if cfg.Cwd == nil {
		cfg.Cwd = cfg.Root
	}
	k := &Kernel{
		cfg:     cfg,
		mach:    cfg.Machine,
		frames:  mm.NewFrameTable(cfg.Machine.Mem),
		boot:    time.Now(),
		tasks:   make(map[int]*Task),
		procs:   make(map[int]*Process),
		nextPID: 1,
	}
	k.sched = newScheduler(cfg.Machine.Harts)
	k.timers = newTimerQueue(k.Monotonic)
	k.futex.init()
	pa, err := k.frames.Alloc(mm.FrameKernel)
	if err != nil {
		return nil, err
	}
	copy(k.mem().Page(pa), trampolineCode)
	k.trampoline = pa
	k.init = k.newInit()
	return k, nil
}

func (k *Kernel) mem() *riscv.Memory { return k.mach.Mem }

// Frames returns the frame table.
func (k *Kernel) Frames() *mm.FrameTable { return k.frames }

// Machine returns the machine the kernel runs on.
func (k *Kernel) Machine() *machine.Machine { return k.mach }

// Timers returns the kernel timer queue.
func (k *Kernel) Timers() *TimerQueue { return k.timers }

// Scheduler returns the scheduler.
func (k *Kernel) Scheduler() *Scheduler { return k.sched }

// Namespace returns the file tree.
func (k *Kernel) Namespace() *vfs.Namespace { return k.cfg.Namespace }

// Hostname returns the system's host name.
func (k *Kernel) Hostname() string { return k.cfg.Hostname }

// Monotonic returns the time since boot: CLOCK_MONOTONIC and
// CLOCK_BOOTTIME.
func (k *Kernel) Monotonic() time.Duration { return time.Since(k.boot) }

// BootTime returns the wall-clock time the kernel started.
func (k *Kernel) BootTime() time.Time { return k.boot }

// Logf writes a kernel message.
func (k *Kernel) Logf(format string, args ...any) {
	fmt.Fprintf(k.cfg.Log, "sos: "+format+"\n", args...)
}

// LogOnce writes a kernel message the first time key is seen.
func (k *Kernel) LogOnce(key string, format string, args ...any) {
	if _, seen := k.logOnce.LoadOrStore(key, true); !seen {
		k.Logf(format, args...)
	}
}

// allocPIDLocked returns an unused process/thread id.
func (k *Kernel) allocPIDLocked() int {
	for {
		pid := k.nextPID
		k.nextPID++
		if k.nextPID > pidMax {
			k.nextPID = 2
		}
		if _, used := k.tasks[pid]; used {
			continue
		}
		if _, used := k.procs[pid]; used {
			continue
		}
		return pid
	}
}

const pidMax = 32768

// shootDown is the TLB shoot-down for one address space.
func (k *Kernel) shootDown(as *mm.AddressSpace) func(riscv.FlushKind, uint64) {
	return func(kind riscv.FlushKind, va uint64) {
		satp := as.Satp()
		for _, h := range k.mach.Harts {
			h.RequestFlushIf(satp, kind, va)
		}
	}
}

// newAddressSpace returns an empty address space wired for shoot-downs.
func (k *Kernel) newAddressSpace() (*mm.AddressSpace, error) {
	as, err := mm.NewAddressSpace(k.frames, k.cfg.Mode)
	if err != nil {
		return nil, err
	}
	as.Flush = k.shootDown(as)
	return as, nil
}

// Task returns the live task tid.
func (k *Kernel) Task(tid int) *Task {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.tasks[tid]
}

// Process returns the process pid (live or zombie).
func (k *Kernel) Process(pid int) *Process {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.procs[pid]
}

// Processes returns every process, sorted by PID.
func (k *Kernel) Processes() []*Process {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := make([]*Process, 0, len(k.procs))
	for pid := 1; len(out) < len(k.procs) && pid <= pidMax; pid++ {
		if p, ok := k.procs[pid]; ok {
			out = append(out, p)
		}
	}
	return out
}

// Harts returns the number of harts.
func (k *Kernel) Harts() int { return len(k.mach.Harts) }

// FlushICache makes every hart drop its decoded instructions (a remote
// fence.i, for riscv_flush_icache).
func (k *Kernel) FlushICache() {
	k.mach.ShootDown(riscv.FlushICacheKind, 0)
}

// Instret returns the instructions retired by every task that has run.
func (k *Kernel) Instret() uint64 { return k.instret.Load() }
