package abi

// Signal is a Linux signal number (1 to 64).
type Signal int

// Signal numbers (asm-generic).
const (
	SIGHUP    Signal = 1
	SIGINT    Signal = 2
	SIGQUIT   Signal = 3
	SIGILL    Signal = 4
	SIGTRAP   Signal = 5
	SIGABRT   Signal = 6
	SIGBUS    Signal = 7
	SIGFPE    Signal = 8
	SIGKILL   Signal = 9
	SIGUSR1   Signal = 10
	SIGSEGV   Signal = 11
	SIGUSR2   Signal = 12
	SIGPIPE   Signal = 13
	SIGALRM   Signal = 14
	SIGTERM   Signal = 15
	SIGSTKFLT Signal = 16
	SIGCHLD   Signal = 17
	SIGCONT   Signal = 18
	SIGSTOP   Signal = 19
	SIGTSTP   Signal = 20
	SIGTTIN   Signal = 21
	SIGTTOU   Signal = 22
	SIGURG    Signal = 23
	SIGXCPU   Signal = 24
	SIGXFSZ   Signal = 25
	SIGVTALRM Signal = 26
	SIGPROF   Signal = 27
	SIGWINCH  Signal = 28
	SIGIO     Signal = 29
	SIGPWR    Signal = 30
	SIGSYS    Signal = 31
	SIGRTMIN  Signal = 32
	SIGRTMAX  Signal = 64

	NSIG = 64
)

var signalNames = [...]string{
	SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP",
	SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGUSR1: "SIGUSR1",
	SIGSEGV: "SIGSEGV", SIGUSR2: "SIGUSR2", SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM", SIGTERM: "SIGTERM",
	SIGSTKFLT: "SIGSTKFLT", SIGCHLD: "SIGCHLD", SIGCONT: "SIGCONT", SIGSTOP: "SIGSTOP", SIGTSTP: "SIGTSTP",
	SIGTTIN: "SIGTTIN", SIGTTOU: "SIGTTOU", SIGURG: "SIGURG", SIGXCPU: "SIGXCPU", SIGXFSZ: "SIGXFSZ",
	SIGVTALRM: "SIGVTALRM", SIGPROF: "SIGPROF", SIGWINCH: "SIGWINCH", SIGIO: "SIGIO", SIGPWR: "SIGPWR",
	SIGSYS: "SIGSYS",
}

func (s Signal) String() string {
	if s > 0 && int(s) < len(signalNames) {
		return signalNames[s]
	}
	if s >= SIGRTMIN && s <= SIGRTMAX {
		return "SIGRT" + itoa(int(s-SIGRTMIN))
	}
	return "signal " + itoa(int(s))
}

// Valid reports whether s is a signal number.
func (s Signal) Valid() bool { return s >= 1 && s <= NSIG }

// Mask returns s's bit in a SigSet.
func (s Signal) Mask() SigSet { return 1 << (s - 1) }

// SigSet is a set of signals, bit s-1 for signal s (the kernel sigset_t).
type SigSet uint64

// UnblockableSignals can never be blocked, caught or ignored.
const UnblockableSignals = SigSet(1<<(SIGKILL-1) | 1<<(SIGSTOP-1))

// rt_sigprocmask how values.
const (
	SIG_BLOCK   = 0
	SIG_UNBLOCK = 1
	SIG_SETMASK = 2
)

// Handler values and sigaction flags.
const (
	SIG_DFL = 0
	SIG_IGN = 1

	SA_NOCLDSTOP = 0x00000001
	SA_NOCLDWAIT = 0x00000002
	SA_SIGINFO   = 0x00000004
	SA_RESTORER  = 0x04000000
	SA_ONSTACK   = 0x08000000
	SA_RESTART   = 0x10000000
	SA_NODEFER   = 0x40000000
	SA_RESETHAND = 0x80000000
)

// sigaltstack flags and limits.
const (
	SS_ONSTACK    = 1
	SS_DISABLE    = 2
	SS_AUTODISARM = 1 << 31
	MINSIGSTKSZ   = 2048
)

// si_code values.
const (
	SI_USER   = 0
	SI_KERNEL = 0x80
	SI_QUEUE  = -1
	SI_TIMER  = -2
	SI_TKILL  = -6

	SEGV_MAPERR = 1
	SEGV_ACCERR = 2
	BUS_ADRALN  = 1
	BUS_ADRERR  = 2
	ILL_ILLOPC  = 1
	TRAP_BRKPT  = 1
	FPE_INTDIV  = 1

	CLD_EXITED    = 1
	CLD_KILLED    = 2
	CLD_DUMPED    = 3
	CLD_TRAPPED   = 4
	CLD_STOPPED   = 5
	CLD_CONTINUED = 6
)

// DefaultAction is what happens to a process when a signal with the
// default disposition is delivered.
type DefaultAction int

const (
	ActTerminate DefaultAction = iota
	ActCore                    // terminate and "dump core"
	ActIgnore
	ActStop
	ActContinue
)

// Default returns the default action for s (signal(7)).
func (s Signal) Default() DefaultAction {
	switch s {
	case SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS:
		return ActCore
	case SIGCHLD, SIGURG, SIGWINCH:
		return ActIgnore
	case SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU:
		return ActStop
	case SIGCONT:
		return ActContinue
	}
	return ActTerminate
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for ; n > 0; n /= 10 {
		i--
		b[i] = byte('0' + n%10)
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
