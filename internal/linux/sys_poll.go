package linux

import (
	"time"

	"sos/internal/abi"
	"sos/internal/kernel"
	"sos/internal/vfs"
	"sos/internal/waiter"
)

var pollCalls = []def{
	{19, Supported, sysEventfd2, "ux", ""},
	{20, Supported, sysEpollCreate1, "x", ""},
	{21, Supported, sysEpollCtl, "fdfp", ""},
	{22, Supported, sysEpollPwait, "fpddpu", ""},
	{441, Supported, sysEpollPwait2, "fpdppu", ""},
	{73, Supported, sysPpoll, "pupp", ""},
	{72, Supported, sysPselect6, "dpppp", ""},
}

func installAnon(t *kernel.Task, name string, ops vfs.FileOps, flags int) (uint64, error) {
	f := vfs.NewFile(ops, vfs.NewAnonDentry(name, ops.(vfs.Node)), flags)
	defer f.DecRef()
	fd, err := t.FDs().Install(f, 0, flags&abi.O_CLOEXEC != 0)
	return uint64(fd), err
}

func sysEventfd2(t *kernel.Task, a Args) (uint64, error) {
	flags := a.Int(1)
	if flags&^(abi.EFD_SEMAPHORE|abi.EFD_CLOEXEC|abi.EFD_NONBLOCK) != 0 {
		return 0, abi.EINVAL
	}
	e := &eventFD{count: uint64(uint32(a[0])), semaphore: flags&abi.EFD_SEMAPHORE != 0}
	return installAnon(t, "anon_inode:[eventfd]", e, abi.O_RDWR|flags&(abi.O_NONBLOCK|abi.O_CLOEXEC))
}

func sysEpollCreate1(t *kernel.Task, a Args) (uint64, error) {
	flags := a.Int(0)
	if flags&^abi.EPOLL_CLOEXEC != 0 {
		return 0, abi.EINVAL
	}
	return installAnon(t, "anon_inode:[eventpoll]", newEpoll(), abi.O_RDWR|flags)
}

func getEpoll(t *kernel.Task, fd int) (*vfs.File, *epollFD, error) {
	f, err := getFile(t, fd)
	if err != nil {
		return nil, nil, err
	}
	ep, ok := f.Ops().(*epollFD)
	if !ok {
		f.DecRef()
		return nil, nil, abi.EINVAL
	}
	return f, ep, nil
}

func sysEpollCtl(t *kernel.Task, a Args) (uint64, error) {
	epf, ep, err := getEpoll(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer epf.DecRef()
	op, fd := a.Int(1), a.Int(2)
	f, err := getFile(t, fd)
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	if f == epf {
		return 0, abi.EINVAL
	}
	if f.IsPath() {
		return 0, abi.EBADF
	}
	if _, regular := f.Ops().(vfs.Stream); !regular && !f.IsStream() {
		if at, err := f.Stat(); err == nil && (at.Mode&abi.S_IFMT == abi.S_IFREG || at.Mode&abi.S_IFMT == abi.S_IFDIR) {
			return 0, abi.EPERM // regular files and directories are not pollable
		}
	}
	var events uint32
	var data uint64
	if op != abi.EPOLL_CTL_DEL {
		// struct epoll_event on riscv64: events (u32), padding, data (u64).
		b := make([]byte, 16)
		if err := copyIn(t, a[3], b); err != nil {
			return 0, err
		}
		events, data = le.Uint32(b[0:]), le.Uint64(b[8:])
	}
	return 0, ep.ctl(op, fd, f, events, data)
}

func sysEpollPwait(t *kernel.Task, a Args) (uint64, error) {
	var deadline *time.Duration
	if ms := a.Int(3); ms >= 0 {
		d := t.Kernel().Monotonic() + time.Duration(ms)*time.Millisecond
		deadline = &d
	}
	return epollWait(t, a, deadline)
}

func sysEpollPwait2(t *kernel.Task, a Args) (uint64, error) {
	var deadline *time.Duration
	if a[3] != 0 {
		ts, err := readTimespec(t, a[3])
		if err != nil {
			return 0, err
		}
		d := t.Kernel().Monotonic() + fromTimespec(ts)
		deadline = &d
	}
	return epollWait(t, a, deadline)
}

func epollWait(t *kernel.Task, a Args, deadline *time.Duration) (uint64, error) {
	max := a.Int(2)
	if max <= 0 || max > 1<<16 {
		return 0, abi.EINVAL
	}
	f, ep, err := getEpoll(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	if a[4] != 0 {
		if err := tempMask(t, a[4], a[5]); err != nil {
			return 0, err
		}
		defer t.RestoreMask()
	}
	for {
		evs := ep.collect(max)
		if len(evs) > 0 {
			b := make([]byte, 16*len(evs))
			for i, e := range evs {
				le.PutUint32(b[16*i:], e.events)
				le.PutUint64(b[16*i+8:], e.data)
			}
			if err := copyOut(t, a[1], b); err != nil {
				return 0, err
			}
			return uint64(len(evs)), nil
		}
		if deadline != nil && *deadline <= t.Kernel().Monotonic() {
			return 0, nil
		}
		switch err := t.Block(ep.wake, deadline); err {
		case nil:
		case abi.ETIMEDOUT:
			return 0, nil
		default:
			return 0, abi.EINTR
		}
	}
}

// tempMask installs a signal mask for the duration of a wait (the sigmask
// argument of epoll_pwait, ppoll and pselect6).
func tempMask(t *kernel.Task, va, size uint64) error {
	if size != 8 {
		return abi.EINVAL
	}
	m, err := getU64(t, va)
	if err != nil {
		return err
	}
	t.SetTemporaryMask(abi.SigSet(m))
	return nil
}

// pollFiles waits until one of the files is ready for its events (or the
// deadline, or a signal) and returns each file's ready events. A nil file
// is invalid (POLLNVAL).
func pollFiles(t *kernel.Task, files []*vfs.File, masks []waiter.EventMask, deadline *time.Duration) ([]waiter.EventMask, error) {
	wake := make(chan struct{}, 1)
	entries := make([]*waiter.Entry, len(files))
	for i, f := range files {
		if f == nil {
			continue
		}
		e := &waiter.Entry{Mask: masks[i] | waiter.EventErr | waiter.EventHUp, Callback: func(waiter.EventMask) {
			select {
			case wake <- struct{}{}:
			default:
			}
		}}
		entries[i] = e
		f.EventRegister(e)
	}
	defer func() {
		for i, f := range files {
			if f != nil {
				f.EventUnregister(entries[i])
			}
		}
	}()
	ready := make([]waiter.EventMask, len(files))
	for {
		any := false
		for i, f := range files {
			if f == nil {
				ready[i] = abi.POLLNVAL
				any = true
				continue
			}
			ready[i] = f.Readiness(masks[i] | waiter.EventErr | waiter.EventHUp)
			if ready[i] != 0 {
				any = true
			}
		}
		if any {
			return ready, nil
		}
		if deadline != nil && *deadline <= t.Kernel().Monotonic() {
			return ready, nil
		}
		switch err := t.Block(wake, deadline); err {
		case nil:
		case abi.ETIMEDOUT:
			return ready, nil
		default:
			return nil, abi.ERESTARTNOHAND
		}
	}
}

func sysPpoll(t *kernel.Task, a Args) (uint64, error) {
	n := a[1]
	if n > 1<<16 {
		return 0, abi.EINVAL
	}
	var deadline *time.Duration
	if a[2] != 0 {
		ts, err := readTimespec(t, a[2])
		if err != nil {
			return 0, err
		}
		d := t.Kernel().Monotonic() + fromTimespec(ts)
		deadline = &d
	}
	if a[3] != 0 {
		if err := tempMask(t, a[3], a[4]); err != nil {
			return 0, err
		}
		defer t.RestoreMask()
	}
	b := make([]byte, 8*n)
	if err := copyIn(t, a[0], b); err != nil {
		return 0, err
	}
	files := make([]*vfs.File, n)
	masks := make([]waiter.EventMask, n)
	for i := range files {
		fd := int(int32(le.Uint32(b[8*i:])))
		masks[i] = waiter.EventMask(le.Uint16(b[8*i+4:]))
		if fd < 0 {
			files[i] = ignoredFile // neither polled nor POLLNVAL
			continue
		}
		f, err := getFile(t, fd)
		if err != nil {
			continue // POLLNVAL
		}
		defer f.DecRef()
		files[i] = f
	}
	ready, err := pollFiles(t, files, masks, deadline)
	if err != nil {
		return 0, err
	}
	count := 0
	for i := range files {
		fd := int(int32(le.Uint32(b[8*i:])))
		rev := uint16(0)
		if fd >= 0 {
			rev = uint16(ready[i] & (masks[i] | waiter.EventErr | waiter.EventHUp | abi.POLLNVAL))
		}
		if rev != 0 {
			count++
		}
		le.PutUint16(b[8*i+6:], rev)
	}
	if err := copyOut(t, a[0], b); err != nil {
		return 0, err
	}
	return uint64(count), nil
}

// ignoredFile stands for a pollfd with a negative descriptor: never ready.
var ignoredFile = vfs.NewFile(&neverReady{}, nil, abi.O_RDONLY)

type neverReady struct{}

func (*neverReady) Readiness(waiter.EventMask) waiter.EventMask   { return 0 }
func (*neverReady) EventRegister(*waiter.Entry)                   {}
func (*neverReady) EventUnregister(*waiter.Entry)                 {}
func (*neverReady) Read(vfs.Context, []byte, int64) (int, error)  { return 0, abi.EBADF }
func (*neverReady) Write(vfs.Context, []byte, int64) (int, error) { return 0, abi.EBADF }
func (*neverReady) Release()                                      {}

func sysPselect6(t *kernel.Task, a Args) (uint64, error) {
	nfds := a.Int(0)
	if nfds < 0 || nfds > 1<<16 {
		return 0, abi.EINVAL
	}
	words := (nfds + 63) / 64
	readSet := func(va uint64) ([]uint64, error) {
		if va == 0 {
			return nil, nil
		}
		b := make([]byte, 8*words)
		if err := copyIn(t, va, b); err != nil {
			return nil, err
		}
		s := make([]uint64, words)
		for i := range s {
			s[i] = le.Uint64(b[8*i:])
		}
		return s, nil
	}
	sets := [3][]uint64{}
	for i := range sets {
		var err error
		if sets[i], err = readSet(a[1+i]); err != nil {
			return 0, err
		}
	}
	var deadline *time.Duration
	if a[4] != 0 {
		ts, err := readTimespec(t, a[4])
		if err != nil {
			return 0, err
		}
		d := t.Kernel().Monotonic() + fromTimespec(ts)
		deadline = &d
	}
	if a[5] != 0 {
		// struct { const sigset_t *ss; size_t ss_len; }
		p, err := getU64(t, a[5])
		if err != nil {
			return 0, err
		}
		size, err := getU64(t, a[5]+8)
		if err != nil {
			return 0, err
		}
		if p != 0 {
			if err := tempMask(t, p, size); err != nil {
				return 0, err
			}
			defer t.RestoreMask()
		}
	}
	masksFor := [3]waiter.EventMask{waiter.EventIn | waiter.EventHUp | waiter.EventErr, waiter.EventOut | waiter.EventErr, waiter.EventPri}
	var files []*vfs.File
	var masks []waiter.EventMask
	var fdOf []int
	for fd := 0; fd < nfds; fd++ {
		var m waiter.EventMask
		for i, s := range sets {
			if s != nil && s[fd/64]>>(fd%64)&1 != 0 {
				m |= masksFor[i]
			}
		}
		if m == 0 {
			continue
		}
		f, err := getFile(t, fd)
		if err != nil {
			return 0, abi.EBADF
		}
		defer f.DecRef()
		files, masks, fdOf = append(files, f), append(masks, m), append(fdOf, fd)
	}
	ready, err := pollFiles(t, files, masks, deadline)
	if err != nil {
		return 0, err
	}
	var out [3][]uint64
	for i := range out {
		if sets[i] != nil {
			out[i] = make([]uint64, words)
		}
	}
	count := 0
	for j, fd := range fdOf {
		r := ready[j]
		for i := range out {
			if out[i] == nil || sets[i][fd/64]>>(fd%64)&1 == 0 {
				continue
			}
			hit := false
			switch i {
			case 0:
				hit = r&(waiter.EventIn|waiter.EventHUp|waiter.EventErr) != 0
			case 1:
				hit = r&(waiter.EventOut|waiter.EventErr) != 0
			case 2:
				hit = r&waiter.EventPri != 0
			}
			if hit {
				out[i][fd/64] |= 1 << (fd % 64)
				count++
			}
		}
	}
	for i := range out {
		if out[i] == nil {
			continue
		}
		b := make([]byte, 8*words)
		for w, v := range out[i] {
			le.PutUint64(b[8*w:], v)
		}
		if err := copyOut(t, a[1+i], b); err != nil {
			return 0, err
		}
	}
	return uint64(count), nil
}
