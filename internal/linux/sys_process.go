package linux

import (
	"time"

	"sos/internal/abi"
	"sos/internal/kernel"
)

var processCalls = []def{
	{220, Supported, sysClone, "xppxp", "CLONE_PIDFD, namespaces and ptrace flags are refused"},
	{221, Supported, sysExecve, "spp", ""},
	{93, Supported, sysExit, "d", ""},
	{94, Supported, sysExitGroup, "d", ""},
	{260, Supported, sysWait4, "dpxp", ""},
	{95, Supported, sysWaitid, "ddpxp", ""},
	{172, Supported, func(t *kernel.Task, a Args) (uint64, error) { return uint64(t.PID()), nil }, "", ""},
	{173, Supported, sysGetppid, "", ""},
	{178, Supported, func(t *kernel.Task, a Args) (uint64, error) { return uint64(t.TID()), nil }, "", ""},
	{96, Supported, sysSetTidAddress, "p", ""},
	{154, Supported, sysSetpgid, "dd", ""},
	{155, Supported, sysGetpgid, "d", ""},
	{156, Supported, sysGetsid, "d", ""},
	{157, Supported, sysSetsid, "", ""},
	{129, Supported, sysKill, "dS", ""},
	{130, Supported, sysTkill, "dS", ""},
	{131, Supported, sysTgkill, "ddS", ""},
	{124, Supported, sysSchedYield, "", ""},
	{122, Supported, sysSchedSetaffinity, "dup", ""},
	{123, Supported, sysSchedGetaffinity, "dup", ""},
	{168, Supported, sysGetcpu, "ppp", ""},
	{99, Partial, sysSetRobustList, "px", "the list is recorded, not walked at thread exit"},
	{100, Partial, sysGetRobustList, "dpp", "only for the calling thread"},
}

func sysClone(t *kernel.Task, a Args) (uint64, error) {
	// riscv64 order: flags, stack, parent_tid, tls, child_tid.
	tid, err := t.Clone(kernel.CloneArgs{
		Flags: a[0], Stack: a[1], ParentTID: a[2], TLS: a[3], ChildTID: a[4],
		ExitSignal: abi.Signal(a[0] & abi.CSIGNAL),
	})
	return uint64(tid), err
}

func sysExecve(t *kernel.Task, a Args) (uint64, error) {
	path, err := readPath(t, a[0])
	if err != nil {
		return 0, err
	}
	argv, err := readStrings(t, a[1], 1<<16)
	if err != nil {
		return 0, err
	}
	envp, err := readStrings(t, a[2], 1<<16)
	if err != nil {
		return 0, err
	}
	if err := t.Execve(path, argv, envp); err != nil {
		return 0, err
	}
	return 0, nil // a0 of the new program is 0
}

func sysExit(t *kernel.Task, a Args) (uint64, error) {
	t.Exit(a.Int(0))
	return 0, nil
}

func sysExitGroup(t *kernel.Task, a Args) (uint64, error) {
	t.ExitGroup(a.Int(0))
	return 0, nil
}

func sysWait4(t *kernel.Task, a Args) (uint64, error) {
	options := a.Int(2)
	if options&^(abi.WNOHANG|abi.WUNTRACED|abi.WCONTINUED|abi.WNOTHREAD|abi.WALL|abi.WCLONE) != 0 {
		return 0, abi.EINVAL
	}
	res, err := t.Wait(a.Int(0), options|abi.WEXITED)
	if err != nil {
		return 0, err
	}
	if res.PID == 0 {
		return 0, nil
	}
	if a[1] != 0 {
		if err := putU32(t, a[1], uint32(res.Status)); err != nil {
			return 0, err
		}
	}
	if a[3] != 0 {
		if err := writeRusage(t, a[3], res.User, res.Sys); err != nil {
			return 0, err
		}
	}
	return uint64(res.PID), nil
}

func sysWaitid(t *kernel.Task, a Args) (uint64, error) {
	idtype, id, options := a.Int(0), a.Int(1), a.Int(3)
	if options&(abi.WEXITED|abi.WSTOPPED|abi.WCONTINUED) == 0 ||
		options&^(abi.WNOHANG|abi.WEXITED|abi.WSTOPPED|abi.WCONTINUED|abi.WNOWAIT|abi.WNOTHREAD|abi.WALL|abi.WCLONE) != 0 {
		return 0, abi.EINVAL
	}
	pid := 0
	switch idtype {
	case abi.P_ALL:
		pid = -1
	case abi.P_PID:
		if id <= 0 {
			return 0, abi.EINVAL
		}
		pid = id
	case abi.P_PGID:
		if id < 0 {
			return 0, abi.EINVAL
		}
		pid = -id
		if id == 0 {
			pid = 0
		}
	default:
		return 0, abi.EINVAL
	}
	res, err := t.Wait(pid, options)
	if err != nil {
		return 0, err
	}
	if a[2] != 0 {
		info := make([]byte, 128)
		if res.PID != 0 {
			le.PutUint32(info[0:], uint32(abi.SIGCHLD))
			le.PutUint32(info[8:], uint32(res.Code))
			le.PutUint32(info[16:], uint32(res.PID))
			le.PutUint32(info[20:], 1000)
			le.PutUint32(info[24:], uint32(res.Status2))
		}
		if err := copyOut(t, a[2], info); err != nil {
			return 0, err
		}
	}
	if a[4] != 0 {
		if err := writeRusage(t, a[4], res.User, res.Sys); err != nil {
			return 0, err
		}
	}
	return 0, nil
}

// writeRusage writes a struct rusage with the given times (the other
// fields zero).
func writeRusage(t *kernel.Task, va uint64, user, sys time.Duration) error {
	b := make([]byte, 144)
	putTimeval(b[0:], user)
	putTimeval(b[16:], sys)
	return copyOut(t, va, b)
}

func putTimeval(b []byte, d time.Duration) {
	le.PutUint64(b[0:], uint64(d/time.Second))
	le.PutUint64(b[8:], uint64(d%time.Second/time.Microsecond))
}

func sysGetppid(t *kernel.Task, a Args) (uint64, error) {
	if p := t.Process().Parent(); p != nil {
		return uint64(p.PID()), nil
	}
	return 0, nil
}

func sysSetTidAddress(t *kernel.Task, a Args) (uint64, error) {
	t.SetClearTID(a[0])
	return uint64(t.TID()), nil
}

func sysSetpgid(t *kernel.Task, a Args) (uint64, error) {
	return 0, t.Kernel().SetPGID(t.Process(), a.Int(0), a.Int(1))
}

func sysGetpgid(t *kernel.Task, a Args) (uint64, error) {
	pid := a.Int(0)
	if pid == 0 {
		pid = t.PID()
	}
	pg, err := t.Kernel().PGIDOf(pid)
	return uint64(pg), err
}

func sysGetsid(t *kernel.Task, a Args) (uint64, error) {
	pid := a.Int(0)
	if pid == 0 {
		pid = t.PID()
	}
	sid, err := t.Kernel().SIDOf(pid)
	return uint64(sid), err
}

func sysSetsid(t *kernel.Task, a Args) (uint64, error) {
	sid, err := t.Kernel().SetSID(t.Process())
	return uint64(sid), err
}

func sysKill(t *kernel.Task, a Args) (uint64, error) {
	return 0, t.Kernel().Kill(t, a.Int(0), abi.Signal(a.Int(1)))
}

func sysTkill(t *kernel.Task, a Args) (uint64, error) {
	return 0, t.Kernel().Tgkill(t, 0, a.Int(0), abi.Signal(a.Int(1)))
}

func sysTgkill(t *kernel.Task, a Args) (uint64, error) {
	if a.Int(0) <= 0 {
		return 0, abi.EINVAL
	}
	return 0, t.Kernel().Tgkill(t, a.Int(0), a.Int(1), abi.Signal(a.Int(2)))
}

func sysSchedYield(t *kernel.Task, a Args) (uint64, error) {
	t.Yield()
	return 0, nil
}

// taskFor returns the task a sched_* call names (0: the caller).
func taskFor(t *kernel.Task, tid int) (*kernel.Task, error) {
	if tid == 0 {
		return t, nil
	}
	if tid < 0 {
		return nil, abi.EINVAL
	}
	if o := t.Kernel().Task(tid); o != nil {
		return o, nil
	}
	return nil, abi.ESRCH
}

func sysSchedSetaffinity(t *kernel.Task, a Args) (uint64, error) {
	target, err := taskFor(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	size := min(a[1], 8)
	b := make([]byte, 8)
	if err := copyIn(t, a[2], b[:size]); err != nil {
		return 0, err
	}
	mask := le.Uint64(b)
	if target == t {
		return 0, t.SetOwnAffinity(mask)
	}
	return 0, target.SetAffinity(mask)
}

func sysSchedGetaffinity(t *kernel.Task, a Args) (uint64, error) {
	target, err := taskFor(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	// The mask is reported in whole unsigned longs, as Linux does.
	if a[1] < 8 || a[1]%8 != 0 {
		return 0, abi.EINVAL
	}
	if err := putU64(t, a[2], target.Affinity()); err != nil {
		return 0, err
	}
	return 8, nil
}

func sysGetcpu(t *kernel.Task, a Args) (uint64, error) {
	if a[0] != 0 {
		if err := putU32(t, a[0], uint32(t.Hart())); err != nil {
			return 0, err
		}
	}
	if a[1] != 0 {
		if err := putU32(t, a[1], 0); err != nil {
			return 0, err
		}
	}
	return 0, nil
}

func sysSetRobustList(t *kernel.Task, a Args) (uint64, error) {
	if a[1] != 24 { // sizeof(struct robust_list_head)
		return 0, abi.EINVAL
	}
	t.SetRobustList(a[0])
	return 0, nil
}

func sysGetRobustList(t *kernel.Task, a Args) (uint64, error) {
	if a.Int(0) != 0 && a.Int(0) != t.TID() {
		return 0, abi.EPERM
	}
	if err := putU64(t, a[1], t.RobustList()); err != nil {
		return 0, err
	}
	return 0, putU64(t, a[2], 24)
}

func init() {
	processCalls = append(processCalls, def{98, Partial, sysFutex, "pxdpp", "WAIT, WAKE, the BITSET forms, REQUEUE, CMP_REQUEUE; no PI or WAKE_OP"})
}

func sysFutex(t *kernel.Task, a Args) (uint64, error) {
	uaddr, op, val := a[0], a.Int(1), uint32(a[2])
	private := op&abi.FUTEX_PRIVATE_FLAG != 0
	realtime := op&abi.FUTEX_CLOCK_REALTIME != 0
	switch op & abi.FUTEX_CMD_MASK {
	case abi.FUTEX_WAIT, abi.FUTEX_WAIT_BITSET:
		bitset := uint32(abi.FUTEX_BITSET_MATCH_ANY)
		absolute := false
		if op&abi.FUTEX_CMD_MASK == abi.FUTEX_WAIT_BITSET {
			bitset, absolute = uint32(a[5]), true
		}
		var deadline *time.Duration
		if a[3] != 0 {
			ts, err := readTimespec(t, a[3])
			if err != nil {
				return 0, err
			}
			d := fromTimespec(ts)
			mono := t.Kernel().Monotonic()
			switch {
			case !absolute:
				d += mono
			case realtime:
				d = mono + d - time.Duration(time.Now().UnixNano())
			}
			deadline = &d
		}
		err := t.FutexWait(uaddr, val, bitset, private, deadline)
		return 0, err
	case abi.FUTEX_WAKE:
		n, err := t.FutexWake(uaddr, int(int32(val)), abi.FUTEX_BITSET_MATCH_ANY, private)
		return uint64(n), err
	case abi.FUTEX_WAKE_BITSET:
		n, err := t.FutexWake(uaddr, int(int32(val)), uint32(a[5]), private)
		return uint64(n), err
	case abi.FUTEX_REQUEUE:
		n, err := t.FutexRequeue(uaddr, int(int32(val)), int(int32(a[3])), a[4], false, 0, private)
		return uint64(n), err
	case abi.FUTEX_CMP_REQUEUE:
		n, err := t.FutexRequeue(uaddr, int(int32(val)), int(int32(a[3])), a[4], true, uint32(a[5]), private)
		return uint64(n), err
	}
	return 0, abi.ENOSYS
}
