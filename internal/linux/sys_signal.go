package linux

import (
	"time"

	"sos/internal/abi"
	"sos/internal/kernel"
)

var signalCalls = []def{
	{134, Supported, sysRtSigaction, "Sppu", ""},
	{135, Supported, sysRtSigprocmask, "dppu", ""},
	{136, Supported, sysRtSigpending, "pu", ""},
	{133, Supported, sysRtSigsuspend, "pu", ""},
	{137, Supported, sysRtSigtimedwait, "pppu", ""},
	{132, Supported, sysSigaltstack, "pp", ""},
	{139, Supported, sysRtSigreturn, "", ""},
	{138, Supported, sysRtSigqueueinfo, "dSp", ""},
	{240, Supported, sysRtTgsigqueueinfo, "ddSp", ""},
}

// The kernel's struct sigaction on riscv64: handler at 0, flags at 8,
// mask at 16 (no sa_restorer).
const sigactionSize = 24

func sysRtSigaction(t *kernel.Task, a Args) (uint64, error) {
	if a[3] != 8 {
		return 0, abi.EINVAL
	}
	sig := abi.Signal(a.Int(0))
	var act *kernel.SigAction
	if a[1] != 0 {
		b := make([]byte, sigactionSize)
		if err := copyIn(t, a[1], b); err != nil {
			return 0, err
		}
		act = &kernel.SigAction{Handler: le.Uint64(b[0:]), Flags: le.Uint64(b[8:]), Mask: abi.SigSet(le.Uint64(b[16:]))}
	}
	old, err := t.SigAction(sig, act)
	if err != nil {
		return 0, err
	}
	if a[2] != 0 {
		b := make([]byte, sigactionSize)
		le.PutUint64(b[0:], old.Handler)
		le.PutUint64(b[8:], old.Flags)
		le.PutUint64(b[16:], uint64(old.Mask))
		if err := copyOut(t, a[2], b); err != nil {
			return 0, err
		}
	}
	return 0, nil
}

func sysRtSigprocmask(t *kernel.Task, a Args) (uint64, error) {
	if a[3] != 8 {
		return 0, abi.EINVAL
	}
	old := t.SigMask()
	if a[1] != 0 {
		set, err := getU64(t, a[1])
		if err != nil {
			return 0, err
		}
		if old, err = t.SetSigMask(a.Int(0), abi.SigSet(set)); err != nil {
			return 0, err
		}
	}
	if a[2] != 0 {
		return 0, putU64(t, a[2], uint64(old))
	}
	return 0, nil
}

func sysRtSigpending(t *kernel.Task, a Args) (uint64, error) {
	if a[1] != 8 {
		return 0, abi.EINVAL
	}
	return 0, putU64(t, a[0], uint64(t.SigPending()))
}

func sysRtSigsuspend(t *kernel.Task, a Args) (uint64, error) {
	if a[1] != 8 {
		return 0, abi.EINVAL
	}
	mask, err := getU64(t, a[0])
	if err != nil {
		return 0, err
	}
	return 0, t.SigSuspend(abi.SigSet(mask))
}

func sysRtSigtimedwait(t *kernel.Task, a Args) (uint64, error) {
	if a[3] != 8 {
		return 0, abi.EINVAL
	}
	set, err := getU64(t, a[0])
	if err != nil {
		return 0, err
	}
	var deadline *time.Duration
	if a[2] != 0 {
		ts, err := readTimespec(t, a[2])
		if err != nil {
			return 0, err
		}
		d := t.Kernel().Monotonic() + time.Duration(ts.Sec)*time.Second + time.Duration(ts.Nsec)
		deadline = &d
	}
	info, err := t.SigTimedWait(abi.SigSet(set), deadline)
	if err != nil {
		return 0, err
	}
	if a[1] != 0 {
		if err := copyOut(t, a[1], info.Marshal()); err != nil {
			return 0, err
		}
	}
	return uint64(info.Signo), nil
}

// stack_t: ss_sp at 0, ss_flags at 8, ss_size at 16.
func sysSigaltstack(t *kernel.Task, a Args) (uint64, error) {
	old := t.AltStack()
	if a[0] != 0 {
		b := make([]byte, 24)
		if err := copyIn(t, a[0], b); err != nil {
			return 0, err
		}
		s := kernel.SigStack{SP: le.Uint64(b[0:]), Flags: int32(le.Uint32(b[8:])), Size: le.Uint64(b[16:])}
		if err := t.SetAltStack(&s); err != nil {
			return 0, err
		}
	}
	if a[1] != 0 {
		b := make([]byte, 24)
		le.PutUint64(b[0:], old.SP)
		le.PutUint32(b[8:], uint32(old.Flags))
		le.PutUint64(b[16:], old.Size)
		if err := copyOut(t, a[1], b); err != nil {
			return 0, err
		}
	}
	return 0, nil
}

func sysRtSigreturn(t *kernel.Task, a Args) (uint64, error) {
	if err := t.SigReturn(); err != nil {
		// A corrupt frame: the process dies as Linux kills it.
		t.ExitGroupSignal(abi.SIGSEGV)
		return 0, nil
	}
	return 0, nil
}

func readSiginfo(t *kernel.Task, va uint64, sig abi.Signal) (*kernel.SigInfo, error) {
	b := make([]byte, 128)
	if err := copyIn(t, va, b); err != nil {
		return nil, err
	}
	code := int32(le.Uint32(b[8:]))
	// Programs may only queue signals with negative codes (SI_QUEUE...).
	if code >= 0 || code == abi.SI_TKILL {
		return nil, abi.EPERM
	}
	return &kernel.SigInfo{Signo: sig, Code: code, PID: int32(t.PID()), UID: 1000, Value: le.Uint64(b[24:])}, nil
}

func sysRtSigqueueinfo(t *kernel.Task, a Args) (uint64, error) {
	sig := abi.Signal(a.Int(1))
	info, err := readSiginfo(t, a[2], sig)
	if err != nil {
		return 0, err
	}
	p := t.Kernel().Process(a.Int(0))
	if p == nil || p.Zombie() {
		return 0, abi.ESRCH
	}
	return 0, t.Kernel().Queue(p, nil, info)
}

func sysRtTgsigqueueinfo(t *kernel.Task, a Args) (uint64, error) {
	sig := abi.Signal(a.Int(2))
	info, err := readSiginfo(t, a[3], sig)
	if err != nil {
		return 0, err
	}
	target := t.Kernel().Task(a.Int(1))
	if target == nil || target.PID() != a.Int(0) {
		return 0, abi.ESRCH
	}
	return 0, t.Kernel().Queue(nil, target, info)
}
