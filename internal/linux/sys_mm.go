package linux

import (
	"sos/internal/abi"
	"sos/internal/kernel"
	"sos/internal/mm"
	"sos/internal/riscv"
	"sos/internal/vfs"
)

var memoryCalls = []def{
	{214, Supported, sysBrk, "p", ""},
	{222, Partial, sysMmap, "pxxxfx", "writable MAP_SHARED file mappings are refused (ENODEV)"},
	{215, Supported, sysMunmap, "px", ""},
	{226, Supported, sysMprotect, "pxx", ""},
	{233, Supported, sysMadvise, "pxd", ""},
	{216, Partial, sysMremap, "pxxxp", "only shrinking in place; growing returns ENOMEM, so callers copy"},
	{227, Supported, func(*kernel.Task, Args) (uint64, error) { return 0, nil }, "pxx", ""},
	{228, Supported, func(*kernel.Task, Args) (uint64, error) { return 0, nil }, "px", ""},
	{229, Supported, func(*kernel.Task, Args) (uint64, error) { return 0, nil }, "px", ""},
	{230, Supported, func(*kernel.Task, Args) (uint64, error) { return 0, nil }, "x", ""},
	{231, Supported, func(*kernel.Task, Args) (uint64, error) { return 0, nil }, "", ""},
	{284, Supported, func(*kernel.Task, Args) (uint64, error) { return 0, nil }, "pxx", ""},
	{259, Supported, sysRiscvFlushIcache, "ppx", ""},
	{283, Partial, sysMembarrier, "dxd", "MEMBARRIER_CMD_QUERY and the global barrier"},
}

func sysBrk(t *kernel.Task, a Args) (uint64, error) {
	return t.MM().Brk(a[0]), nil
}

// fileBacking makes an open file the backing of a private mapping.
type fileBacking struct {
	f *vfs.File
}

func (b fileBacking) ReadAt(p []byte, off int64) (int, error) {
	n, err := b.f.ReadAt(noContext{}, p, off)
	if err == nil && n < len(p) {
		// ReadAt until EOF: a short read is not an error here.
		for n < len(p) {
			k, err := b.f.ReadAt(noContext{}, p[n:], off+int64(n))
			if k == 0 || err != nil {
				break
			}
			n += k
		}
	}
	return n, err
}
func (b fileBacking) IncRef() { b.f.IncRef() }
func (b fileBacking) DecRef() { b.f.DecRef() }

// noContext is the vfs.Context of page-ins, which happen on behalf of no
// particular caller.
type noContext struct{}

func (noContext) PID() int { return 0 }
func (noContext) TID() int { return 0 }

func sysMmap(t *kernel.Task, a Args) (uint64, error) {
	addr, length, prot, flags, fd, off := a[0], a[1], a.Int(2), a.Int(3), a.Int(4), a[5]
	if length == 0 || off%riscv.PageSize != 0 || prot&^(abi.PROT_READ|abi.PROT_WRITE|abi.PROT_EXEC) != 0 {
		return 0, abi.EINVAL
	}
	typ := flags & abi.MAP_TYPE
	if typ != abi.MAP_SHARED && typ != abi.MAP_PRIVATE && typ != abi.MAP_SHARED_VALIDATE {
		return 0, abi.EINVAL
	}
	m := mm.Mapping{Prot: mm.Prot(prot), Shared: typ != abi.MAP_PRIVATE}
	if flags&abi.MAP_ANONYMOUS == 0 {
		f, err := t.FDs().Get(fd)
		if err != nil {
			return 0, err
		}
		defer f.DecRef()
		attr, err := f.Stat()
		if err != nil {
			return 0, err
		}
		if attr.Mode&abi.S_IFMT != abi.S_IFREG {
			return 0, abi.ENODEV
		}
		acc := f.Flags() & abi.O_ACCMODE
		if acc == abi.O_WRONLY {
			return 0, abi.EACCES
		}
		if m.Shared && prot&abi.PROT_WRITE != 0 {
			if acc != abi.O_RDWR {
				return 0, abi.EACCES
			}
			t.Kernel().LogOnce("mmap-shared-write", "writable MAP_SHARED file mapping refused (ENODEV)")
			return 0, abi.ENODEV
		}
		// A read-only shared mapping of a file is indistinguishable from a
		// private one while nobody writes the file.
		m.Shared = false
		f.IncRef() // the region's reference
		m.File, m.Offset = fileBacking{f}, off
		if d := f.Dentry(); d != nil {
			m.Name = d.Path()
		}
		m.Ino = attr.Ino
		m.Dev = attr.Dev
	}
	fixed := flags&(abi.MAP_FIXED|abi.MAP_FIXED_NOREPLACE) != 0
	got, err := t.MM().Map(addr, length, m, fixed, flags&abi.MAP_FIXED_NOREPLACE != 0)
	if err != nil {
		if rc, ok := m.File.(mm.RefCounted); ok {
			rc.DecRef()
		}
		return 0, err
	}
	return got, nil
}

func sysMunmap(t *kernel.Task, a Args) (uint64, error) {
	return 0, t.MM().Unmap(a[0], a[1])
}

func sysMprotect(t *kernel.Task, a Args) (uint64, error) {
	prot := a.Int(2)
	const growsdown, growsup = 0x01000000, 0x02000000
	if prot&^(abi.PROT_READ|abi.PROT_WRITE|abi.PROT_EXEC|growsdown|growsup) != 0 {
		return 0, abi.EINVAL
	}
	return 0, t.MM().Protect(a[0], a[1], mm.Prot(prot&7))
}

func sysMadvise(t *kernel.Task, a Args) (uint64, error) {
	return 0, t.MM().Advise(a[0], a[1], a.Int(2))
}

func sysMremap(t *kernel.Task, a Args) (uint64, error) {
	addr, oldLen, newLen := a[0], a[1], a[2]
	if addr%riscv.PageSize != 0 || newLen == 0 {
		return 0, abi.EINVAL
	}
	oldLen = (oldLen + riscv.PageSize - 1) &^ (riscv.PageSize - 1)
	newLen = (newLen + riscv.PageSize - 1) &^ (riscv.PageSize - 1)
	if newLen <= oldLen {
		if err := t.MM().Unmap(addr+newLen, oldLen-newLen); newLen < oldLen && err != nil {
			return 0, err
		}
		return addr, nil
	}
	return 0, abi.ENOMEM
}

func sysRiscvFlushIcache(t *kernel.Task, a Args) (uint64, error) {
	if a[2]&^1 != 0 {
		return 0, abi.EINVAL
	}
	t.Kernel().FlushICache()
	return 0, nil
}

func sysMembarrier(t *kernel.Task, a Args) (uint64, error) {
	const query, global = 0, 1
	switch a.Int(0) {
	case query:
		return global, nil
	case global:
		return 0, nil // every guest atomic is already a host atomic
	}
	return 0, abi.EINVAL
}
