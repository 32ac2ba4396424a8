package boot

import (
	"fmt"
	"strings"
	"time"

	"sos/internal/abi"
	"sos/internal/fs/devfs"
	"sos/internal/kernel"
	"sos/internal/tty"
	"sos/internal/vfs"
)

// InitPath is where the userland's init is.
const InitPath = "/bin/init"

// Console returns the console (/dev/console).
func (s *System) Console() *devfs.Console { return s.console }

// TTY returns the console's line discipline, nil when the console is a
// plain stream (Config.Terminal unset).
func (s *System) TTY() *tty.TTY { return s.console.TTY() }

// Banner describes the machine and its mounts, one line each.
func (s *System) Banner() []string {
	paging := "Sv48"
	if s.cfg.Sv39 {
		paging = "Sv39"
	}
	return []string{
		fmt.Sprintf("SOS: %d harts, %d MiB RAM, %s paging", s.cfg.Harts, s.cfg.MemSize>>20, paging),
		"mounts: " + strings.Join(s.mounts, ", "),
	}
}

// Boot starts init (InitPath) as PID 1 with the privilege to reboot
// (which what it starts inherits), the console as its standard files, and args as its arguments (the
// program it runs instead of the shell, if any). Wait for it with Wait
// or for the end of the system with Halted.
func (s *System) Boot(args, envp []string) (*kernel.Process, error) {
	k := s.Kernel
	ns := k.Namespace()
	fsctx := vfs.NewFSContext(ns.Root(), ns.Root(), 0o022)
	cwd, err := ns.Resolve(bootContext{}, fsctx, nil, s.cfg.Cwd, vfs.FollowFinal|vfs.MustBeDir)
	if err != nil {
		cwd = ns.Root()
	}
	argv := append([]string{"init"}, args...)
	p, err := k.StartInit(cwd, InitPath, argv, envp, nil)
	if err != nil {
		return nil, fmt.Errorf("starting %s: %v", InitPath, err)
	}
	if err := s.setStdio(p, fsctx); err != nil {
		return nil, err
	}
	k.Resume(p)
	return p, nil
}

// OnShutdown adds fn to what Shutdown runs once every process has been
// stopped (flushing file systems: NFS, FAT32). Hooks run in the order
// they were added; an error is logged and the shutdown goes on.
func (s *System) OnShutdown(name string, fn func() error) {
	s.hookMu.Lock()
	defer s.hookMu.Unlock()
	s.hooks = append(s.hooks, shutdownHook{name, fn})
}

// Halted is closed when Shutdown has finished: reboot(2) was called (or
// the host called Shutdown) and every process has gone.
func (s *System) Halted() <-chan struct{} { return s.halted }

// ShuttingDown reports whether Shutdown has begun (init's exit is then
// part of it, not a failure).
func (s *System) ShuttingDown() bool { return s.stopping.Load() }

// Shutdown stops the system as reboot(2) asks: every process but init
// gets SIGTERM (and SIGCONT, so that stopped ones can act on it), then
// SIGKILL once the grace period has passed; the shutdown hooks run; then
// init is killed. Calling it again waits for the first call to finish.
func (s *System) Shutdown() {
	s.stopping.Store(true)
	s.shutdown.Do(func() {
		k := s.Kernel
		for _, p := range s.others() {
			k.SignalProcess(p, abi.SIGTERM)
			k.SignalProcess(p, abi.SIGCONT)
		}
		s.waitGone(s.cfg.Grace)
		for _, p := range s.others() {
			k.SignalProcess(p, abi.SIGKILL)
		}
		if !s.waitGone(5 * time.Second) {
			k.Logf("shutdown: %d processes would not die", len(s.others()))
		}
		s.hookMu.Lock()
		hooks := s.hooks
		s.hookMu.Unlock()
		for _, h := range hooks {
			if err := h.fn(); err != nil {
				k.Logf("shutdown: %s: %v", h.name, err)
			}
		}
		s.release()
		if init := k.Process(1); init != nil && !init.Zombie() && len(init.Threads()) > 0 {
			// Wait for it to be gone, so that nothing touches guest
			// memory once the host closes the machine.
			exited := make(chan struct{})
			go func() { k.WaitExit(init); close(exited) }()
			k.SignalProcess(init, abi.SIGKILL)
			select {
			case <-exited:
			case <-time.After(5 * time.Second):
				k.Logf("shutdown: init would not die")
			}
		}
		close(s.halted)
	})
	<-s.halted
}

// others returns the live processes but init.
func (s *System) others() []*kernel.Process {
	var out []*kernel.Process
	for _, p := range s.Kernel.Processes() {
		if p.PID() != 1 && !p.Zombie() {
			out = append(out, p)
		}
	}
	return out
}

// waitGone waits up to d for every process but init to exit, and
// reports whether they have.
func (s *System) waitGone(d time.Duration) bool {
	deadline := time.Now().Add(d)
	for len(s.others()) > 0 {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}

// jobControl answers the terminal's questions with the kernel's process
// table (tty.JobControl).
type jobControl struct{ s *System }

var _ tty.JobControl = jobControl{}

func (j jobControl) Caller(ctx vfs.Context) (tty.Proc, bool) {
	t, ok := ctx.(*kernel.Task)
	if !ok {
		return tty.Proc{}, false
	}
	p := t.Process()
	return tty.Proc{PID: p.PID(), PGID: p.PGID(), SID: p.SID()}, true
}

func (j jobControl) IgnoresOrBlocks(ctx vfs.Context, sig abi.Signal) bool {
	t, ok := ctx.(*kernel.Task)
	return ok && t.IgnoresOrBlocks(sig)
}

func (j jobControl) SignalGroup(pgid int, sig abi.Signal) { j.s.Kernel.SignalGroup(pgid, sig) }
func (j jobControl) Orphaned(pgid int) bool               { return j.s.Kernel.OrphanedGroup(pgid) }
func (j jobControl) GroupSession(pgid int) (int, bool)    { return j.s.Kernel.GroupSession(pgid) }
func (j jobControl) SessionAlive(sid int) bool            { return j.s.Kernel.SessionAlive(sid) }

// Stage makes the host program at path visible in SOS at the same path
// if a SOS mount hides it (see Start), for programs given to init.
func (s *System) Stage(path string) error {
	ns := s.Kernel.Namespace()
	return s.stage(vfs.NewFSContext(ns.Root(), ns.Root(), 0o022), path)
}
