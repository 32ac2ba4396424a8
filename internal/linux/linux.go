// Package linux is SOS's Linux riscv64 system-call personality: the
// system-call table (one entry per number, with its support status),
// argument decoding, copying arguments in and results out of user memory,
// and errno. It implements kernel.Personality and calls the kernel, the
// memory manager and the VFS; it knows nothing of the CPU beyond the
// register file.
package linux

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync/atomic"

	"sos/internal/abi"
	"sos/internal/kernel"
	"sos/internal/mm"
)

// Status says how completely a system call is implemented.
type Status int

const (
	Unsupported Status = iota // returns ENOSYS
	Supported                 // implemented as Linux does it
	Partial                   // implemented, with the limits in the entry's note
)

func (s Status) String() string {
	switch s {
	case Supported:
		return "supported"
	case Partial:
		return "partial"
	}
	return "unsupported"
}

// Args are a system call's six arguments (a0 to a5).
type Args [6]uint64

// Int returns argument i as a signed 32-bit int (how C passes int).
func (a Args) Int(i int) int { return int(int32(a[i])) }

// Entry is one system call.
type Entry struct {
	Name   string
	Status Status
	Note   string // what is missing, for Partial and Unsupported entries
	// Fn performs the call and returns its result or an error (an
	// abi.Errno; any other error is reported as EIO).
	Fn func(t *kernel.Task, a Args) (uint64, error)
	// Strace says how to print the arguments: one letter each (see
	// strace.go); empty prints them in hex.
	Strace string
}

// Linux is the personality.
type Linux struct {
	table map[uint64]*Entry
	fast  [512]*Entry // table indexed by number, for dispatch
	// Strace, if set, receives one line per system call.
	Strace io.Writer
	calls  atomic.Uint64
}

// New returns the personality.
func New() *Linux {
	l := &Linux{table: make(map[uint64]*Entry)}
	for nr, name := range names {
		l.table[nr] = &Entry{Name: name, Status: Unsupported}
	}
	for _, d := range [][]def{processCalls, signalCalls, memoryCalls, timeCalls, miscCalls, fileCalls, pollCalls, rebootCalls, socketCalls()} {
		for _, e := range d {
			l.table[e.nr] = &Entry{Name: names[e.nr], Status: e.status, Note: e.note, Fn: e.fn, Strace: e.strace}
		}
	}
	for nr, e := range l.table {
		if nr < uint64(len(l.fast)) {
			l.fast[nr] = e
		}
	}
	return l
}

// def defines a table entry.
type def struct {
	nr     uint64
	status Status
	fn     func(t *kernel.Task, a Args) (uint64, error)
	strace string
	note   string
}

// Calls returns the number of system calls performed.
func (l *Linux) Calls() uint64 { return l.calls.Load() }

// Syscall implements kernel.Personality.
func (l *Linux) Syscall(t *kernel.Task) {
	l.calls.Add(1)
	regs := t.Regs()
	nr := regs.X[17]
	var a Args
	copy(a[:], regs.X[10:16])
	var e *Entry
	if nr < uint64(len(l.fast)) {
		e = l.fast[nr]
	}
	var trace string
	if l.Strace != nil {
		trace = l.formatCall(t, nr, e, a)
	}
	var ret uint64
	var err error
	switch {
	case e == nil:
		t.Kernel().LogOnce(fmt.Sprint("syscall:", nr), "unknown system call %d (returns ENOSYS)", nr)
		err = abi.ENOSYS
	case e.Fn == nil:
		t.Kernel().LogOnce("syscall:"+e.Name, "unsupported system call %s (returns ENOSYS)", e.Name)
		err = abi.ENOSYS
	default:
		ret, err = e.Fn(t, a)
	}
	if err != nil {
		ret = uint64(-int64(errnoOf(t, err)))
	}
	if nr == nrRtSigreturn && err == nil {
		// rt_sigreturn restored every register, a0 included.
		if l.Strace != nil {
			fmt.Fprintf(l.Strace, "%s = ?\n", trace)
		}
		return
	}
	regs.X[10] = ret
	if l.Strace != nil {
		fmt.Fprintf(l.Strace, "%s = %s\n", trace, formatResult(ret))
	}
}

const nrRtSigreturn = 139

// errnoOf turns an error into an errno.
func errnoOf(t *kernel.Task, err error) abi.Errno {
	var e abi.Errno
	if errors.As(err, &e) {
		return e
	}
	if errors.Is(err, mm.ErrNoMemory) {
		return abi.ENOMEM
	}
	t.Kernel().LogOnce("err:"+err.Error(), "system call error mapped to EIO: %v", err)
	return abi.EIO
}

// Entries returns the table sorted by number, for documentation.
func (l *Linux) Entries() []struct {
	Nr uint64
	*Entry
} {
	var out []struct {
		Nr uint64
		*Entry
	}
	for nr, e := range l.table {
		out = append(out, struct {
			Nr uint64
			*Entry
		}{nr, e})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Nr < out[j].Nr })
	return out
}

// CompatibilityTable renders the table as Markdown.
func (l *Linux) CompatibilityTable() string {
	var b strings.Builder
	b.WriteString("| nr | name | status | notes |\n| ---: | --- | --- | --- |\n")
	counts := map[Status]int{}
	for _, e := range l.Entries() {
		counts[e.Status]++
		fmt.Fprintf(&b, "| %d | %s | %s | %s |\n", e.Nr, e.Name, e.Status, e.Note)
	}
	fmt.Fprintf(&b, "\n%d supported, %d partial, %d unsupported.\n", counts[Supported], counts[Partial], counts[Unsupported])
	return b.String()
}
