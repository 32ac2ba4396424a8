// Package runner runs one static riscv64 Linux program on one hart with
// the least an operating system can provide: its segments and a stack are
// mapped, write to fds 1 and 2 and exit/exit_group are served, and every
// other system call fails with ENOSYS. It is the harness the CPU is
// developed and measured against before the kernel exists.
package runner

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"sos/internal/loader"
	"sos/internal/machine"
	"sos/internal/mm"
	"sos/internal/riscv"
)

// Config says how to run a program.
type Config struct {
	MemSize uint64 // guest RAM; default 256 MiB
	Mode    int    // riscv.SatpSv48 (default) or riscv.SatpSv39
	Stdout  io.Writer
	Stderr  io.Writer
	Env     []string
}

// Result is how a program ended.
type Result struct {
	ExitCode int
	Instret  uint64      // instructions retired
	Fault    *riscv.Trap // the trap that killed the program, if one did
}

const (
	stackMax = 8 << 20 // the stack grows on demand down to this size
	// pieBase is where a position-independent executable is loaded: below
	// 256 GiB so it fits Sv39 as well as Sv48.
	pieBase = 0x2a_aaaa_a000
	slice   = 1 << 22 // instructions per Run call
)

const (
	sysWrite     = 64
	sysExit      = 93
	sysExitGroup = 94
	enosys       = 38
	efault       = 14
	ebadf        = 9
)

// RunFile runs the program in the host file path with arguments argv
// (argv[0] included).
func RunFile(path string, argv []string, cfg Config) (Result, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Result{}, err
	}
	return Run(b, filepath.Base(path), argv, cfg)
}

// Run runs the executable image b. name is used in messages.
func Run(b []byte, name string, argv []string, cfg Config) (Result, error) {
	prog, err := loader.Parse(b)
	if err != nil {
		return Result{}, err
	}
	if cfg.MemSize == 0 {
		cfg.MemSize = 256 << 20
	}
	if cfg.Mode == 0 {
		cfg.Mode = riscv.SatpSv48
	}
	if cfg.Stdout == nil {
		cfg.Stdout = os.Stdout
	}
	if cfg.Stderr == nil {
		cfg.Stderr = os.Stderr
	}
	m, err := machine.New(machine.Config{Harts: 1, MemSize: cfg.MemSize})
	if err != nil {
		return Result{}, err
	}
	ft := mm.NewFrameTable(m.Mem)
	pt, err := mm.NewPageTable(ft, cfg.Mode)
	if err != nil {
		return Result{}, err
	}
	if prog.PIE {
		prog.Relocate(pieBase)
	}
	if err := mapSegments(pt, ft, prog); err != nil {
		return Result{}, err
	}

	top := pt.UserTop()
	var random [16]byte
	rand.Read(random[:])
	aux := [][2]uint64{
		{loader.AT_PHDR, prog.Phdr}, {loader.AT_PHENT, prog.Phent}, {loader.AT_PHNUM, prog.Phnum},
		{loader.AT_PAGESZ, riscv.PageSize}, {loader.AT_BASE, 0}, {loader.AT_FLAGS, 0},
		{loader.AT_ENTRY, prog.Entry}, {loader.AT_UID, 0}, {loader.AT_EUID, 0}, {loader.AT_GID, 0},
		{loader.AT_EGID, 0}, {loader.AT_HWCAP, loader.HwcapIMAFDC}, {loader.AT_CLKTCK, 100},
		{loader.AT_SECURE, 0},
	}
	if len(argv) == 0 {
		argv = []string{name}
	}
	st := loader.BuildStack(top, argv, cfg.Env, argv[0], aux, random)
	if uint64(len(st.Data)) > stackMax/2 {
		return Result{}, errors.New("arguments and environment too large")
	}
	for va := st.SP &^ (riscv.PageSize - 1); va < top; va += riscv.PageSize {
		if err := mapZero(pt, ft, va, riscv.PteR|riscv.PteW|riscv.PteU); err != nil {
			return Result{}, err
		}
	}
	if err := pt.Write(st.SP, st.Data); err != nil {
		return Result{}, err
	}

	h := m.Harts[0]
	h.SetSatp(pt.Satp(1))
	ctx := &riscv.Context{PC: prog.Entry}
	ctx.X[2] = st.SP
	for {
		t := h.Run(ctx, slice)
		switch t.Cause {
		case riscv.Budget, riscv.Interrupted:
			continue
		case riscv.EcallU:
			ctx.PC += 4
			nr := ctx.X[17]
			a0, a1, a2 := ctx.X[10], ctx.X[11], ctx.X[12]
			switch nr {
			case sysExit, sysExitGroup:
				return Result{ExitCode: int(a0 & 0xff), Instret: ctx.Instret}, nil
			case sysWrite:
				ctx.X[10] = write(pt, cfg, a0, a1, a2)
			default:
				ctx.X[10] = errno(enosys)
			}
			continue
		case riscv.LoadPageFault, riscv.StorePageFault:
			// Grow the stack on demand.
			if t.Tval < top && t.Tval >= top-stackMax {
				if _, mapped := pt.Lookup(t.Tval); !mapped {
					if err := mapZero(pt, ft, t.Tval&^(riscv.PageSize-1), riscv.PteR|riscv.PteW|riscv.PteU); err != nil {
						return Result{}, err
					}
					continue
				}
			}
		}
		sig, code := signalFor(t.Cause)
		fmt.Fprintf(cfg.Stderr, "sos: %s: %s: %v\n", name, sig, t)
		return Result{ExitCode: code, Instret: ctx.Instret, Fault: &t}, nil
	}
}

func errno(e uint64) uint64 { return -e }

// signalFor names the signal Linux would raise for a trap, and the exit
// status a shell would report for it (128 + signal number).
func signalFor(c riscv.Cause) (string, int) {
	switch c {
	case riscv.IllegalInst:
		return "SIGILL", 128 + 4
	case riscv.Breakpoint:
		return "SIGTRAP", 128 + 5
	case riscv.LoadMisaligned, riscv.StoreMisaligned, riscv.InstMisaligned:
		return "SIGBUS", 128 + 7
	}
	return "SIGSEGV", 128 + 11
}

// mapSegments maps and fills the program's loadable segments.
func mapSegments(pt *mm.PageTable, ft *mm.FrameTable, p *loader.Program) error {
	for _, s := range p.Segments {
		perm := uint64(riscv.PteU)
		if s.Flags&loader.PF_R != 0 {
			perm |= riscv.PteR
		}
		if s.Flags&loader.PF_W != 0 {
			perm |= riscv.PteR | riscv.PteW
		}
		if s.Flags&loader.PF_X != 0 {
			perm |= riscv.PteX
		}
		for va := s.Vaddr &^ (riscv.PageSize - 1); va < s.Vaddr+s.Memsz; va += riscv.PageSize {
			if err := mapZero(pt, ft, va, perm); err != nil {
				return err
			}
		}
		if err := pt.Write(s.Vaddr, s.Data); err != nil {
			return err
		}
	}
	return nil
}

// mapZero maps a zeroed frame at va, or, if a page is already mapped there
// (segments sharing a page), adds perm to its permissions.
func mapZero(pt *mm.PageTable, ft *mm.FrameTable, va, perm uint64) error {
	if pte, ok := pt.Lookup(va); ok {
		return pt.Map(va, pte>>10<<12, pte&0x3ff|perm)
	}
	pa, err := ft.Alloc(mm.FrameUser)
	if err != nil {
		return fmt.Errorf("loading: %w", err)
	}
	return pt.Map(va, pa, perm)
}

// write serves write(2) on fds 1 and 2.
func write(pt *mm.PageTable, cfg Config, fd, buf, n uint64) uint64 {
	var w io.Writer
	switch fd {
	case 1:
		w = cfg.Stdout
	case 2:
		w = cfg.Stderr
	default:
		return errno(ebadf)
	}
	n = min(n, 1<<20)
	data := make([]byte, n)
	for done := uint64(0); done < n; {
		va := buf + done
		pte, ok := pt.Lookup(va)
		if !ok || pte&(riscv.PteU|riscv.PteR) != riscv.PteU|riscv.PteR {
			if done == 0 {
				return errno(efault)
			}
			data = data[:done]
			break
		}
		done += uint64(pt.Read(va, data[done:min(n, done+riscv.PageSize-va%riscv.PageSize)]))
	}
	if _, err := w.Write(data); err != nil {
		return errno(5) // EIO
	}
	return uint64(len(data))
}
