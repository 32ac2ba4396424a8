package procfs

import "time"

// Kernel is what procfs needs to know about the running system. The kernel
// implements it; procfs calls it whenever a file is opened, a directory
// listed or a name looked up, from any goroutine, so every method must be
// safe for concurrent use. Results are read, never kept or modified.
type Kernel interface {
	// Processes returns the thread-group ids of the processes that
	// exist, zombies included, in increasing order.
	Processes() []int
	// Process returns the process whose thread-group id is pid, or
	// false if there is none (it never existed or has been reaped).
	Process(pid int) (Process, bool)
	// System returns a snapshot of the system-wide figures.
	System() System
	// Mounts returns the mount table, parents before children.
	Mounts() []Mount
}

// Process is one process as procfs sees it. Its methods may be called
// after the process has exited: they then describe the zombie, or return
// zero values once it is gone.
type Process interface {
	// Status returns a snapshot of the process's scalar state: what
	// /proc/PID/stat, statm and status show.
	Status() Status
	// Threads returns the process's threads in increasing TID order.
	Threads() []Thread
	// Cmdline returns the argument vector the process was started with
	// (nil for a zombie).
	Cmdline() []string
	// Environ returns the environment the process was started with.
	Environ() []string
	// Exe, Cwd and Root return the absolute paths of the executable,
	// the working directory and the root directory, or "" if there is
	// none (a zombie's), which reads as ENOENT.
	Exe() string
	Cwd() string
	Root() string
	// Maps returns the process's memory mappings in address order.
	Maps() []Mapping
	// FDs returns the open file descriptors in increasing order.
	FDs() []FD
}

// Status is a process's scalar state. Zero values are valid throughout and
// print as a fresh process's would.
type Status struct {
	// Name is the command name (comm): the executable's base name or
	// what prctl(PR_SET_NAME) set, cut to 15 bytes.
	Name string
	// State is one of Linux's state letters: 'R' running, 'S' sleeping,
	// 'D' disk sleep, 'T' stopped, 't' tracing stop, 'Z' zombie, 'X' dead.
	State byte

	PPID, PGID, SID int
	// TTY is the controlling terminal's device number in the encoding of
	// stat's tty_nr field (0 for none); TPGID is its foreground process
	// group (-1 for none).
	TTY   int
	TPGID int

	Umask uint32
	// UIDs and GIDs are the real, effective, saved and file-system ids.
	UIDs, GIDs [4]uint32
	Groups     []uint32 // supplementary groups
	FDSize     int      // slots in the descriptor table
	Threads    int      // number of threads

	// Memory, in bytes: the fields of the same names in
	// /proc/PID/status.
	VmPeak, VmSize, VmLck, VmHWM, VmRSS uint64
	RssAnon, RssFile, RssShmem          uint64
	VmData, VmStk, VmExe, VmLib, VmPTE  uint64
	VmSwap                              uint64

	// Signal sets: bit n-1 stands for signal n. SigPnd and SigBlk are the
	// thread-group leader's; ShdPnd is shared by the process.
	SigPnd, ShdPnd, SigBlk, SigIgn, SigCgt uint64
	// SigQ signals are queued, of at most SigQLimit (RLIMIT_SIGPENDING).
	SigQ, SigQLimit uint64

	// Capability sets.
	CapInh, CapPrm, CapEff, CapBnd, CapAmb uint64
	NoNewPrivs                             bool

	Nice int
	// CPU time used by the process's threads, and by its waited-for
	// children.
	UTime, STime, CUTime, CSTime time.Duration
	// StartTime is when the process started, measured from boot.
	StartTime time.Duration
	// Page faults of the process and of its waited-for children.
	MinFlt, CMinFlt, MajFlt, CMajFlt uint64
	// Processor is the hart the leader last ran on.
	Processor int
	// ExitSignal is the signal the parent gets when the process exits
	// (SIGCHLD, 17, as a rule); ExitCode is a zombie's wait status.
	ExitSignal int
	ExitCode   int
	// Context switches: waits the process chose and preemptions.
	VoluntaryCtxtSwitches, NonvoluntaryCtxtSwitches uint64
	// CPUs are the harts the process may run on, in increasing order;
	// nil means all of them.
	CPUs []int

	// The layout of the address space (stat's startcode, endcode,
	// startstack, start_data, end_data, start_brk, arg_start, arg_end,
	// env_start and env_end); zero where unknown.
	StartCode, EndCode, StartStack     uint64
	StartData, EndData, StartBrk       uint64
	ArgStart, ArgEnd, EnvStart, EnvEnd uint64
}

// Thread is one thread of a process.
type Thread struct {
	TID   int
	Name  string // comm of the thread
	State byte   // as in Status
	// CPU time used by the thread.
	UTime, STime   time.Duration
	MinFlt, MajFlt uint64
	Processor      int    // hart the thread last ran on
	SigPnd, SigBlk uint64 // the thread's pending and blocked signals

	VoluntaryCtxtSwitches, NonvoluntaryCtxtSwitches uint64
}

// Mapping is one line of /proc/PID/maps.
type Mapping struct {
	Start, End uint64 // [Start, End), page-aligned
	// Prot is a set of abi.PROT_READ, PROT_WRITE and PROT_EXEC; Shared
	// is set for MAP_SHARED mappings.
	Prot   uint32
	Shared bool
	// Offset is the offset in the mapped file; Dev and Inode identify the
	// file (Dev as stat's st_dev). All three are zero for anonymous
	// memory.
	Offset, Dev, Inode uint64
	// Name is the mapped file's path, a pseudo-name such as "[heap]",
	// "[stack]" or "[vdso]", or "" for anonymous memory.
	Name string
}

// FD is one open file descriptor.
type FD struct {
	Num int
	// Target is what /proc/PID/fd/N points to: a path, or
	// "pipe:[INO]", "socket:[INO]", "anon_inode:[eventfd]" and the like.
	Target string
	// Flags are the open(2) flags of the open file description; the
	// access mode decides the link's permission bits.
	Flags int
}

// Mount is one mounted file system.
type Mount struct {
	ID, ParentID int
	Dev          uint64 // the file system's st_dev
	Root         string // the mount's root within its file system, "/" as a rule
	Point        string // the absolute path it is mounted on
	Type         string // "proc", "tmpfs", "nfs", "vfat"...
	Source       string // "proc", "/dev/vda", "host:/export"...
	// Options are the per-mount options ("rw,nosuid,relatime"), whose
	// first is "rw" or "ro"; FSOptions are the file system's own
	// ("size=1024k,mode=755"), or "".
	Options   string
	FSOptions string
}

// System is a snapshot of the system-wide figures. Zero values are valid;
// those with defaults say so.
type System struct {
	// Uptime is the time since boot; BootTime the wall-clock time of the
	// boot.
	Uptime   time.Duration
	BootTime time.Time

	// Harts is the number of harts (1 if zero). CPUs holds the time
	// each has spent in each state, or is nil.
	Harts int
	CPUs  []CPUTime
	// ISA and MMU describe the harts in /proc/cpuinfo; they default to
	// "rv64imafdc_zicntr_zicsr_zifencei_zba_zbb_zbs" and "sv48".
	ISA, MMU string

	Memory Memory

	// Since boot: context switches, and processes created.
	ContextSwitches, Forks uint64
	// Threads now runnable, blocked in disk waits, and existing.
	Running, Blocked, Threads int
	// LastPID is the most recently assigned process id.
	LastPID int
	// Load averages over 1, 5 and 15 minutes.
	Load [3]float64

	// Hostname ("(none)" if empty), OSRelease (uname -r) and Version
	// (uname -v, such as "#1 SMP").
	Hostname, OSRelease, Version string
	// BootID is a UUID chosen at boot; if empty, procfs chooses one.
	BootID string
	// PIDMax is the largest process id plus one (4194304 if zero).
	PIDMax int
	// FileSystems are the registered file system types; nil means
	// SOS's usual set.
	FileSystems []FileSystemType
}

// CPUTime is the time one hart has spent in each state.
type CPUTime struct {
	User, Nice, System, Idle, IOWait, IRQ, SoftIRQ, Steal time.Duration
}

// Memory are the /proc/meminfo figures, in bytes.
type Memory struct {
	Total, Free, Available uint64
	Buffers, Cached        uint64
	SwapTotal, SwapFree    uint64
	SwapCached             uint64
	Dirty, Writeback       uint64
	AnonPages, Mapped      uint64
	Shmem, PageTables      uint64
	KernelStack, Slab      uint64
	CommittedAS            uint64
}

// FileSystemType is one line of /proc/filesystems.
type FileSystemType struct {
	Name  string
	NoDev bool // needs no block device
}
