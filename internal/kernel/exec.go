package kernel

import (
	"bytes"
	"crypto/rand"
	"errors"
	"path"
	"strings"

	"sos/internal/abi"
	"sos/internal/loader"
	"sos/internal/mm"
	"sos/internal/riscv"
	"sos/internal/vfs"
)

// Program loading (execve).

const (
	maxArgBytes   = 2 << 20 // argv + envp, as Linux's ARG_MAX
	maxExecSize   = 1 << 30
	maxScriptNest = 4
	// pieBase is where a position-independent executable is loaded:
	// below 256 GiB so it fits Sv39 as well as Sv48.
	pieBase = 0x2a_aaaa_a000
)

// Execve replaces the calling task's program with the one at pathname
// (resolved from its working directory), as execve(2) does. On success the
// task's registers are those of the new program's entry.
func (t *Task) Execve(pathname string, argv, envp []string) error {
	return t.execve(pathname, argv, envp)
}

// image is a loaded program before it replaces the old one.
type image struct {
	as    *mm.AddressSpace
	entry uint64
	sp    uint64
	exe   string // absolute path
}

func (t *Task) execve(pathname string, argv, envp []string) error {
	size := 0
	for _, s := range argv {
		size += len(s) + 1
	}
	for _, s := range envp {
		size += len(s) + 1
	}
	if size > maxArgBytes {
		return abi.E2BIG
	}
	img, err := t.load(pathname, argv, envp, 0)
	if err != nil {
		return err
	}
	// The point of no return: the old program goes.
	t.k.deThread(t)
	p := t.proc

	t.mu.Lock()
	oldMM := t.mm
	t.mm = img.as
	t.k.getMM(img.as)
	if t.fds.Shared() {
		t.fds = t.fds.Unshare()
	}
	fds := t.fds
	t.mu.Unlock()
	if oldMM != nil {
		t.k.putMM(oldMM)
	}
	fds.CloseOnExec()

	p.sigMu.Lock()
	h := p.handlers.clone()
	for i := range h.acts {
		if h.acts[i].Handler != abi.SIG_IGN {
			h.acts[i] = SigAction{}
		}
	}
	p.handlers = h
	t.altStack = SigStack{Flags: abi.SS_DISABLE}
	p.sigMu.Unlock()

	t.ctx = riscv.Context{PC: img.entry, Instret: t.ctx.Instret}
	t.ctx.X[2] = img.sp
	t.clearTID, t.robustList = 0, 0

	p.infoMu.Lock()
	p.exe, p.args, p.env = img.exe, argv, envp
	p.name = path.Base(img.exe)
	if len(p.name) > 15 {
		p.name = p.name[:15]
	}
	p.infoMu.Unlock()
	t.finishVfork()
	return nil
}

// load reads and maps the program at pathname into a new address space,
// with its initial stack. Scripts starting with "#!" run their interpreter.
func (t *Task) load(pathname string, argv, envp []string, depth int) (*image, error) {
	f, d, err := t.openExec(pathname)
	if err != nil {
		return nil, err
	}
	data, err := readAll(t, f)
	f.DecRef()
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(data, []byte("#!")) {
		if depth >= maxScriptNest {
			return nil, abi.ELOOP
		}
		interp, arg := parseShebang(data)
		if interp == "" {
			return nil, abi.ENOEXEC
		}
		nargv := []string{interp}
		if arg != "" {
			nargv = append(nargv, arg)
		}
		nargv = append(nargv, pathname)
		if len(argv) > 1 {
			nargv = append(nargv, argv[1:]...)
		}
		return t.load(interp, nargv, envp, depth+1)
	}
	prog, err := loader.Parse(data)
	if err != nil {
		if errors.Is(err, loader.ErrDynamic) && t.mm != nil {
			// A program's execve: say why, since ENOEXEC alone does not.
			// (A start from the host reports the error itself.)
			t.k.LogOnce("dynamic:"+pathname, "%s: %v", pathname, err)
		}
		return nil, abi.ENOEXEC
	}
	if prog.PIE {
		prog.Relocate(pieBase)
	}
	as, err := t.k.newAddressSpace()
	if err != nil {
		return nil, abi.ENOMEM
	}
	exe := d.Path()
	fail := func(err error) (*image, error) {
		as.Release()
		return nil, err
	}
	backing := bytes.NewReader(data)
	for _, s := range prog.Segments {
		start := s.Vaddr &^ (riscv.PageSize - 1)
		end := (s.Vaddr + s.Memsz + riscv.PageSize - 1) &^ (riscv.PageSize - 1)
		if end == start {
			continue
		}
		var prot mm.Prot
		if s.Flags&loader.PF_R != 0 {
			prot |= mm.ProtRead
		}
		if s.Flags&loader.PF_W != 0 {
			prot |= mm.ProtWrite
		}
		if s.Flags&loader.PF_X != 0 {
			prot |= mm.ProtExec
		}
		lead := s.Vaddr - start
		m := mm.Mapping{Prot: prot, Name: exe}
		if len(s.Data) > 0 {
			m.File, m.Offset, m.FileSize = backing, s.Offset-lead, lead+uint64(len(s.Data))
		}
		if _, err := as.Map(start, end-start, m, true, true); err != nil {
			if err == abi.EEXIST {
				t.k.LogOnce("overlap:"+pathname, "%s: ELF segments share a page; not supported", pathname)
				return fail(abi.ENOEXEC)
			}
			return fail(err)
		}
	}
	as.SetBrk(prog.End)

	// The stack, and the signal trampoline above it.
	stackTop := as.StackTop()
	if _, err := as.Map(stackTop-mm.StackSize, mm.StackSize, mm.Mapping{Prot: mm.ProtRead | mm.ProtWrite, Name: "[stack]"}, true, false); err != nil {
		return fail(err)
	}
	if err := as.MapFrame(stackTop, t.k.trampoline, mm.ProtRead|mm.ProtExec, "[vdso]"); err != nil {
		return fail(err)
	}
	var random [16]byte
	rand.Read(random[:])
	aux := [][2]uint64{
		{loader.AT_PHDR, prog.Phdr}, {loader.AT_PHENT, prog.Phent}, {loader.AT_PHNUM, prog.Phnum},
		{loader.AT_PAGESZ, riscv.PageSize}, {loader.AT_BASE, 0}, {loader.AT_FLAGS, 0},
		{loader.AT_ENTRY, prog.Entry}, {loader.AT_UID, 1000}, {loader.AT_EUID, 1000}, {loader.AT_GID, 1000},
		{loader.AT_EGID, 1000}, {loader.AT_HWCAP, loader.HwcapIMAFDC}, {loader.AT_CLKTCK, 100},
		{loader.AT_SECURE, 0},
	}
	if len(argv) == 0 {
		argv = []string{""}
	}
	st := loader.BuildStack(stackTop, argv, envp, exe, aux, random)
	if uint64(len(st.Data)) > mm.StackSize/4 {
		return fail(abi.E2BIG)
	}
	if err := as.CopyOut(st.SP, st.Data); err != nil {
		return fail(err)
	}
	return &image{as: as, entry: prog.Entry, sp: st.SP, exe: exe}, nil
}

// openExec opens pathname for execution: it must be a regular file with
// execute permission.
func (t *Task) openExec(pathname string) (*vfs.File, *vfs.Dentry, error) {
	fs := t.FS()
	ns := t.k.cfg.Namespace
	d, err := ns.Resolve(t, fs, nil, pathname, vfs.FollowFinal)
	if err != nil {
		return nil, nil, err
	}
	attr, err := d.Node().Attr()
	if err != nil {
		return nil, nil, err
	}
	if attr.Mode&abi.S_IFMT != abi.S_IFREG {
		return nil, nil, abi.EACCES
	}
	if err := ns.Access(t, fs, nil, pathname, abi.X_OK, 0); err != nil {
		return nil, nil, err
	}
	f, err := ns.Open(t, fs, nil, pathname, abi.O_RDONLY, 0)
	if err != nil {
		return nil, nil, err
	}
	return f, d, nil
}

// readAll reads a whole file into memory.
func readAll(t *Task, f *vfs.File) ([]byte, error) {
	var out []byte
	buf := make([]byte, 1<<20)
	var off int64
	for {
		n, err := f.ReadAt(t, buf, off)
		out = append(out, buf[:n]...)
		off += int64(n)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return out, nil
		}
		if len(out) > maxExecSize {
			return nil, abi.ENOMEM
		}
	}
}

// parseShebang returns the interpreter and optional argument of a "#!"
// line.
func parseShebang(data []byte) (interp, arg string) {
	line, _, _ := bytes.Cut(data[2:], []byte("\n"))
	if len(line) > 255 {
		line = line[:255]
	}
	fields := strings.Fields(string(line))
	if len(fields) == 0 {
		return "", ""
	}
	interp = fields[0]
	if len(fields) > 1 {
		arg = strings.Join(fields[1:], " ")
	}
	return interp, arg
}

// deThread makes t the only thread of its process, as exec requires: the
// others are told to exit and waited for, and t takes over the process's
// thread id if it was not the leader.
func (k *Kernel) deThread(t *Task) {
	p := t.proc
	k.mu.Lock()
	var others []*Task
	for _, o := range p.threads {
		if o != t {
			others = append(others, o)
		}
	}
	k.mu.Unlock()
	for _, o := range others {
		o.exitNow.Store(true)
		o.kick()
	}
	for _, o := range others {
		<-o.done
	}
	k.mu.Lock()
	if t.tid != p.pid {
		delete(p.threads, t.tid)
		delete(k.tasks, t.tid)
		t.tid = p.pid
		p.threads[t.tid] = t
		k.tasks[t.tid] = t
	}
	p.leader = t
	k.mu.Unlock()
}
