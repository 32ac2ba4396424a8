package kernel

import (
	"sos/internal/vfs"
)

// RebootCmd is a reboot(2) command (abi.LINUX_REBOOT_CMD_*).
type RebootCmd uint32

// SetReboot installs what reboot(2) does once the personality has
// checked the caller and the command (package boot: shut the system
// down). Without one, reboot fails with EPERM.
func (k *Kernel) SetReboot(fn func(cmd RebootCmd)) { k.reboot.Store(&fn) }

// Reboot runs the function SetReboot installed; it reports false if
// there is none.
func (k *Kernel) Reboot(cmd RebootCmd) bool {
	fn := k.reboot.Load()
	if fn == nil {
		return false
	}
	(*fn)(cmd)
	return true
}

// MayReboot reports whether p holds the privilege to call reboot(2):
// init and the processes it creates do (SOS's one user owns the machine
// it booted); a program the host starts by itself does not.
func (p *Process) MayReboot() bool {
	p.k.mu.Lock()
	defer p.k.mu.Unlock()
	return p.mayReboot
}

// StartInit makes PID 1 run the program at path (resolved from cwd) with
// the credentials creds (nil: the default user's), ready to run: install its standard files with
// SetStdio, then Resume it. From then on init is an ordinary process that
// reaps its children (and the orphans it adopts) itself with wait4; the
// host learns of its exit with WaitExit. It may be called once.
func (k *Kernel) StartInit(cwd *vfs.Dentry, path string, argv, envp []string, creds *vfs.Creds) (*Process, error) {
	p := k.init
	fsctx := vfs.NewFSContext(k.cfg.Root, cwd, 0o022)
	if creds != nil {
		fsctx.SetCreds(creds)
	}
	k.mu.Lock()
	if p.leader != nil || p.zombie {
		k.mu.Unlock()
		return nil, errInitRunning
	}
	t := k.newTask(p, 1)
	t.fs, t.fds = fsctx, vfs.NewFDTable()
	p.leader = t
	p.threads[1] = t
	k.tasks[1] = t
	p.hostWait = make(chan struct{})
	p.start = k.Monotonic()
	p.umask = 0o022
	p.mayReboot = true
	k.mu.Unlock()
	k.userInit.Store(true)
	if err := t.execve(path, argv, envp); err != nil {
		k.mu.Lock()
		delete(p.threads, 1)
		delete(k.tasks, 1)
		p.leader = nil
		p.hostWait = nil
		k.mu.Unlock()
		k.userInit.Store(false)
		t.releaseResources()
		return nil, err
	}
	return p, nil
}

type initError string

func (e initError) Error() string { return string(e) }

const errInitRunning = initError("kernel: init has already run")
