// Package boot assembles a running SOS from a configuration: the machine,
// the kernel with its personality, and the file tree (the host's files
// read-only at /, with /tmp, /dev and /proc mounted over it). cmd/sos and
// the tests use it; nothing in the kernel depends on it.
package boot

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"sos/internal/abi"
	"sos/internal/fs/devfs"
	"sos/internal/fs/procfs"
	"sos/internal/fs/rofs"
	"sos/internal/fs/tmpfs"
	"sos/internal/kernel"
	"sos/internal/linux"
	"sos/internal/machine"
	"sos/internal/riscv"
	"sos/internal/tty"
	"sos/internal/userland"
	"sos/internal/vfs"
	"sos/internal/waiter"
)

// Config describes a system to boot.
type Config struct {
	Harts   int    // default 2
	MemSize uint64 // bytes of RAM; default 512 MiB
	Sv39    bool   // Sv39 page tables instead of Sv48
	// HostRoot is the host directory SOS sees (read-only) as /; default "/".
	HostRoot string
	// Cwd is the initial working directory inside SOS; default the host's
	// working directory.
	Cwd    string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Strace, if set, receives a line per system call.
	Strace io.Writer
	// Log receives kernel messages; default Stderr.
	Log io.Writer
	// TmpSize bounds /tmp; default a quarter of RAM.
	TmpSize int64
	// Bin is the host directory mounted read-only at /bin and /usr/bin:
	// SOS's own programs. Default: the userland built from package
	// sos/user (package userland); "none" leaves the host's directories.
	Bin string
	// Disks are FAT32 disk images to attach and mount (at /disk by
	// default).
	Disks []Disk
	// NFS, if set, mounts an NFS export at / instead of the host's tree.
	NFS *NFSRoot
	// Terminal makes the console a terminal: a tty line discipline
	// between the host terminal (Stdin and Stdout, which the caller has
	// put in raw mode) and the programs, which then get the console as
	// descriptors 0, 1 and 2. Without it the console is a plain stream.
	Terminal bool
	// Grace is how long shutdown waits between SIGTERM and SIGKILL;
	// default 2s.
	Grace time.Duration
}

// System is a booted SOS.
type System struct {
	Machine *machine.Machine
	Kernel  *kernel.Kernel
	Linux   *linux.Linux
	cfg     Config
	console *devfs.Console
	mounts  []string // "path (type)", for the banner

	hookMu      sync.Mutex
	hooks       []shutdownHook
	releases    []shutdownHook // unmounts, run by release
	releaseOnce sync.Once

	stopping atomic.Bool // Shutdown has been called
	shutdown sync.Once
	halted   chan struct{} // closed when Shutdown has finished
}

type shutdownHook struct {
	name string
	fn   func() error
}

// New boots a system.
func New(cfg Config) (*System, error) {
	if cfg.Harts == 0 {
		cfg.Harts = 2
	}
	if cfg.MemSize == 0 {
		cfg.MemSize = 512 << 20
	}
	if cfg.HostRoot == "" {
		cfg.HostRoot = "/"
	}
	if cfg.Cwd == "" && cfg.NFS != nil {
		cfg.Cwd = "/"
	}
	if cfg.Cwd == "" {
		wd, err := os.Getwd()
		if err != nil {
			wd = "/"
		}
		cfg.Cwd = wd
	}
	if cfg.Stdout == nil {
		cfg.Stdout = io.Discard
	}
	if cfg.Stderr == nil {
		cfg.Stderr = io.Discard
	}
	if cfg.Log == nil {
		cfg.Log = cfg.Stderr
	}
	if cfg.Grace == 0 {
		cfg.Grace = 2 * time.Second
	}
	if cfg.TmpSize == 0 {
		cfg.TmpSize = int64(cfg.MemSize / 4)
	}
	if cfg.Bin == "" {
		dir, err := userland.Dir()
		if err != nil {
			return nil, fmt.Errorf("boot: %v", err)
		}
		cfg.Bin = dir
	}
	m, err := machine.New(machine.Config{Harts: cfg.Harts, MemSize: cfg.MemSize})
	if err != nil {
		return nil, err
	}
	s := &System{Machine: m, cfg: cfg, halted: make(chan struct{})}

	root, rootType, rootOpts, err := s.rootNode()
	if err != nil {
		s.Close()
		return nil, err
	}
	ns := vfs.NewNamespace(root, rootType, rootOpts...)
	if cfg.Terminal {
		s.console = devfs.NewTerminal(cfg.Stdin, tty.New(cfg.Stdout, jobControl{s}))
	} else {
		s.console = devfs.NewConsole(cfg.Stdin, cfg.Stdout)
	}
	l := linux.New()
	l.Strace = cfg.Strace
	s.Linux = l
	mode := riscv.SatpSv48
	if cfg.Sv39 {
		mode = riscv.SatpSv39
	}
	k, err := kernel.New(kernel.Config{
		Machine: m, Mode: mode, Personality: l, Namespace: ns, Log: cfg.Log,
	})
	if err != nil {
		return nil, err
	}
	s.Kernel = k
	k.SetReboot(func(kernel.RebootCmd) { go s.Shutdown() })
	if t := s.console.TTY(); t != nil {
		k.SetSessionEnd(t.SessionEnded)
	}

	init := bootContext{}
	mounts := []struct {
		path, fsType string
		node         vfs.Node
	}{
		{"/tmp", "tmpfs", tmpfs.New(tmpfs.Options{Size: cfg.TmpSize, Mode: 0o1777, Dev: vfs.NewAnonDev()})},
		{"/dev", "devtmpfs", devfs.New(devfs.Options{Console: s.console})},
		{"/proc", "proc", procfs.New(k.ProcFS(), procfs.Options{Dev: vfs.NewAnonDev()})},
	}
	rootFS := vfs.NewFSContext(ns.Root(), ns.Root(), 0o022)
	rootFS.SetCreds(vfs.RootCreds)
	if cfg.NFS != nil {
		if err := s.provision(rootFS); err != nil {
			s.Close()
			return nil, err
		}
	}
	for _, mt := range mounts {
		at, err := ns.Resolve(init, rootFS, nil, mt.path, vfs.FollowFinal|vfs.MustBeDir)
		if err != nil {
			return nil, fmt.Errorf("boot: mounting %s: the host has no directory there: %v", mt.path, err)
		}
		opts := []vfs.MountOption{vfs.Source(mt.fsType)}
		if fs := tmpfs.FileSystem(mt.node); fs != nil {
			opts = append(opts, vfs.WithFileSystem(fs))
		}
		if err := ns.Mount(init, at, mt.node, mt.fsType, opts...); err != nil {
			return nil, fmt.Errorf("boot: mounting %s: %v", mt.path, err)
		}
		s.mounts = append(s.mounts, mt.path+" ("+mt.fsType+")")
	}
	if cfg.Bin != "none" {
		if err := s.mountBin(rootFS); err != nil {
			return nil, err
		}
	}
	if err := s.mountDisks(rootFS); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// mountBin mounts the userland at /bin and /usr/bin, once where one is a
// symbolic link to the other (as on Debian).
func (s *System) mountBin(rootFS *vfs.FSContext) error {
	ns := s.Kernel.Namespace()
	// Resolve both before mounting: once /usr/bin is covered, resolving
	// /bin through its link would find the mount's root instead.
	var at []*vfs.Dentry
	for _, p := range []string{"/bin", "/usr/bin"} {
		d, err := ns.Resolve(bootContext{}, rootFS, nil, p, vfs.FollowFinal|vfs.MustBeDir)
		if err == nil && !slices.Contains(at, d) {
			at = append(at, d)
		}
	}
	var done []*vfs.Dentry
	for _, d := range at {
		node := rofs.New(os.DirFS(s.cfg.Bin), rofs.Options{Dev: vfs.NewAnonDev(), HostMetadata: true})
		if err := ns.Mount(bootContext{}, d, node, "binfs", vfs.ReadOnly(), vfs.Source("host:"+s.cfg.Bin)); err != nil {
			return fmt.Errorf("boot: mounting %s: %v", d.Path(), err)
		}
		done = append(done, d)
		s.mounts = append(s.mounts, d.Path()+" (userland)")
	}
	if len(done) == 0 {
		return fmt.Errorf("boot: the host tree %s has neither /bin nor /usr/bin to mount the userland on", s.cfg.HostRoot)
	}
	return nil
}

// MountHost mounts the host directory hostDir read-only at path in SOS,
// making the mount point (in a writable file system, such as /tmp) if it
// is missing: how a host's files out of SOS's reach (under a private
// home directory, say) are shown to it.
func (s *System) MountHost(hostDir, path string) error {
	ns := s.Kernel.Namespace()
	rootFS := vfs.NewFSContext(ns.Root(), ns.Root(), 0o022)
	rootFS.SetCreds(vfs.RootCreds)
	node := rofs.New(os.DirFS(hostDir), rofs.Options{Dev: vfs.NewAnonDev(), HostMetadata: true})
	return s.mountAt(rootFS, path, node, "hostfs", "host:"+hostDir, nil, vfs.ReadOnly())
}

// bootContext is the vfs.Context of the boot code.
type bootContext struct{}

func (bootContext) PID() int { return 1 }
func (bootContext) TID() int { return 1 }

// Close releases the machine's memory. No program may run afterwards.
func (s *System) Close() {
	s.release()
	s.Machine.Mem.Close()
}

// Run runs the program at path (a path in SOS's file tree, relative to
// the configured working directory) with argv and envp, its standard input
// the console and its standard output and error the configured writers,
// waits for it to exit and returns its wait status.
func (s *System) Run(path string, argv, envp []string) (int, error) {
	p, err := s.Start(path, argv, envp)
	if err != nil {
		return 0, err
	}
	return s.Wait(p), nil
}

// Start starts the program at path as Run does, without waiting for it.
func (s *System) Start(path string, argv, envp []string) (*kernel.Process, error) {
	k := s.Kernel
	ns := k.Namespace()
	fsctx := vfs.NewFSContext(ns.Root(), ns.Root(), 0o022)
	cwd, err := ns.Resolve(bootContext{}, fsctx, nil, s.cfg.Cwd, vfs.FollowFinal|vfs.MustBeDir)
	if err != nil {
		cwd = ns.Root()
	}
	if err := s.stage(fsctx, path); err != nil {
		return nil, err
	}
	p, err := k.StartIn(cwd, path, argv, envp)
	if err != nil {
		return nil, err
	}
	if err := s.setStdio(p, fsctx); err != nil {
		return nil, err
	}
	if t := s.console.TTY(); t != nil {
		// The program leads a session with the terminal as its
		// controlling terminal, so that ^C reaches it.
		if _, err := k.SetSID(p); err == nil {
			t.Attach(p.PID(), p.PID())
		}
	}
	k.Resume(p)
	return p, nil
}

// setStdio gives p the console as standard input, and as standard output
// and error the configured writers (a plain console) or the console too
// (a terminal, whose output processing turns NL into CR NL).
func (s *System) setStdio(p *kernel.Process, fsctx *vfs.FSContext) error {
	ns := s.Kernel.Namespace()
	if s.console.TTY() != nil {
		con, err := ns.Open(bootContext{}, fsctx, nil, "/dev/console", abi.O_RDWR|abi.O_NOCTTY, 0)
		if err != nil {
			return err
		}
		defer con.DecRef()
		return p.SetStdio(con, con, con)
	}
	stdin, err := ns.Open(bootContext{}, fsctx, nil, "/dev/console", abi.O_RDONLY, 0)
	if err != nil {
		return err
	}
	stdout := vfs.NewFile(&hostWriter{w: s.cfg.Stdout}, vfs.NewAnonDentry("host:stdout", &hostWriter{}), abi.O_WRONLY)
	stderr := vfs.NewFile(&hostWriter{w: s.cfg.Stderr}, vfs.NewAnonDentry("host:stderr", &hostWriter{}), abi.O_WRONLY)
	err = p.SetStdio(stdin, stdout, stderr)
	stdin.DecRef()
	stdout.DecRef()
	stderr.DecRef()
	return err
}

// Wait waits for a process Start started to exit, reaps it and returns
// its wait status.
func (s *System) Wait(p *kernel.Process) int {
	status := s.Kernel.WaitExit(p)
	s.Kernel.Reap(p)
	return status
}

// KillAll sends SIGKILL to every process but init.
func (s *System) KillAll() {
	for _, p := range s.Kernel.Processes() {
		if p != s.Kernel.Init() {
			s.Kernel.SignalProcess(p, abi.SIGKILL)
		}
	}
}

// stage makes a host program visible in SOS at the same path when a SOS
// file system mounted over the host tree hides it (a program built in the
// host's /tmp, which SOS's /tmp covers): it copies the file into SOS's
// file system there.
func (s *System) stage(fsctx *vfs.FSContext, path string) error {
	ns := s.Kernel.Namespace()
	ctx := bootContext{}
	if _, err := ns.Stat(ctx, fsctx, nil, path, true); err != abi.ENOENT {
		return nil // visible, or an error the start will report
	}
	data, err := os.ReadFile(filepath.Join(s.cfg.HostRoot, path))
	if err != nil {
		return nil // not on the host either: the start reports ENOENT
	}
	dir := "/"
	for _, elem := range strings.Split(filepath.Dir(path), "/") {
		if elem == "" {
			continue
		}
		dir = filepath.Join(dir, elem)
		if err := ns.Mkdir(ctx, fsctx, nil, dir, 0o755); err != nil && err != abi.EEXIST {
			return fmt.Errorf("staging %s: %v", path, err)
		}
	}
	f, err := ns.Open(ctx, fsctx, nil, path, abi.O_WRONLY|abi.O_CREAT|abi.O_TRUNC, 0o755)
	if err != nil {
		return fmt.Errorf("staging %s: %v", path, err)
	}
	defer f.DecRef()
	if _, err := f.Write(ctx, data); err != nil {
		return fmt.Errorf("staging %s: %v", path, err)
	}
	return nil
}

// ExitCode turns a wait status into the exit code a shell reports: the
// exit status, or 128 plus the signal that killed the process.
func ExitCode(status int) int {
	if sig := status & 0x7f; sig != 0 {
		return 128 + sig
	}
	return status >> 8 & 0xff
}

// Describe says how a process ended, for messages ("killed by SIGSEGV
// (core dumped)"); "" for a normal exit.
func Describe(status int) string {
	sig := abi.Signal(status & 0x7f)
	if sig == 0 {
		return ""
	}
	s := "killed by " + sig.String()
	if status&0x80 != 0 {
		s += " (core dumped)"
	}
	return s
}

// HostPath converts a host path to the path SOS sees it at (the same path,
// since the host tree is SOS's root), made absolute against the host's
// working directory.
func HostPath(p string) (string, error) {
	if filepath.IsAbs(p) {
		return filepath.Clean(p), nil
	}
	if strings.ContainsRune(p, 0) {
		return "", errors.New("path contains NUL")
	}
	return filepath.Abs(p)
}

// hostWriter is a write-only stream to a host writer (standard output and
// error of `sos run`).
type hostWriter struct {
	waiter.AlwaysReady
	w io.Writer
}

func (h *hostWriter) IsStream() {}
func (h *hostWriter) Release()  {}
func (h *hostWriter) Attr() (vfs.Attr, error) {
	return vfs.Attr{Mode: abi.S_IFIFO | 0o600, Nlink: 1, UID: 1000, GID: 1000, Blksize: 4096}, nil
}
func (h *hostWriter) Read(vfs.Context, []byte, int64) (int, error) { return 0, abi.EBADF }
func (h *hostWriter) Write(_ vfs.Context, b []byte, _ int64) (int, error) {
	n, err := h.w.Write(b)
	if err != nil {
		return n, abi.EIO
	}
	return n, nil
}
