package linux

import (
	"crypto/rand"

	"sos/internal/abi"
	"sos/internal/kernel"
)

var miscCalls = []def{
	{160, Supported, sysUname, "p", ""},
	{278, Supported, sysGetrandom, "pux", ""},
	{261, Supported, sysPrlimit64, "ddpp", ""},
	{163, Supported, sysGetrlimit, "dp", ""},
	{164, Supported, sysSetrlimit, "dp", ""},
	{179, Supported, sysSysinfo, "p", ""},
	{167, Partial, sysPrctl, "dxxxx", "PR_SET/GET_NAME, DUMPABLE, NO_NEW_PRIVS; PDEATHSIG is recorded but not acted on"},
	{258, Supported, sysRiscvHwprobe, "pupxx", ""},
	{174, Supported, ids, "", "every process runs as uid/gid 1000"},
	{175, Supported, ids, "", ""},
	{176, Supported, ids, "", ""},
	{177, Supported, ids, "", ""},
	{148, Supported, sysGetres, "ppp", ""},
	{150, Supported, sysGetres, "ppp", ""},
	{158, Supported, sysGetgroups, "dp", ""},
	{144, Partial, sysSetid, "d", "only to the current id (there is one user)"},
	{146, Partial, sysSetid, "d", "only to the current id"},
	{143, Partial, sysSetid2, "dd", "only to the current id"},
	{145, Partial, sysSetid2, "dd", "only to the current id"},
	{147, Partial, sysSetid3, "ddd", "only to the current id"},
	{149, Partial, sysSetid3, "ddd", "only to the current id"},
	{151, Supported, ids, "d", ""},
	{152, Supported, ids, "d", ""},
	{159, Partial, sysSetgroups, "dp", "an empty list only"},
	{140, Partial, func(*kernel.Task, Args) (uint64, error) { return 0, nil }, "ddd", "priorities are accepted and ignored"},
	{141, Partial, func(*kernel.Task, Args) (uint64, error) { return 20, nil }, "dd", "always the default priority"},
	{120, Supported, func(*kernel.Task, Args) (uint64, error) { return 0, nil }, "d", "SCHED_OTHER"},
	{121, Supported, sysSchedGetparam, "dp", ""},
	{118, Partial, func(*kernel.Task, Args) (uint64, error) { return 0, nil }, "dp", "ignored"},
	{119, Partial, sysSchedSetscheduler, "ddp", "SCHED_OTHER only"},
	{125, Supported, func(*kernel.Task, Args) (uint64, error) { return 0, nil }, "d", ""},
	{126, Supported, func(*kernel.Task, Args) (uint64, error) { return 0, nil }, "d", ""},
	{92, Partial, sysPersonality, "x", "PER_LINUX only"},
	{90, Partial, sysCapget, "pp", "no capabilities"},
	{128, Supported, func(*kernel.Task, Args) (uint64, error) { return 0, abi.EINTR }, "", ""},
}

// Release is the kernel release uname reports; Go reads it to decide on
// some features, so it names a recent Linux.
const Release = "6.6.0-sos"

func sysUname(t *kernel.Task, a Args) (uint64, error) {
	b := make([]byte, 6*65)
	for i, s := range []string{"Linux", t.Kernel().Hostname(), Release, "#1 SMP SOS", "riscv64", "(none)"} {
		copy(b[i*65:i*65+64], s)
	}
	return 0, copyOut(t, a[0], b)
}

func sysGetrandom(t *kernel.Task, a Args) (uint64, error) {
	const grndNonblock, grndRandom, grndInsecure = 1, 2, 4
	if a[2]&^(grndNonblock|grndRandom|grndInsecure) != 0 {
		return 0, abi.EINVAL
	}
	n := min(a[1], 32<<20)
	done, err := t.MM().Access(a[0], n, true, func(b []byte) (int, error) {
		rand.Read(b)
		return len(b), nil
	})
	return uint64(done), err
}

func rlimitResource(r int) error {
	if r < 0 || r >= abi.RLIM_NLIMITS {
		return abi.EINVAL
	}
	return nil
}

func sysPrlimit64(t *kernel.Task, a Args) (uint64, error) {
	r := a.Int(1)
	if err := rlimitResource(r); err != nil {
		return 0, err
	}
	p := t.Process()
	if pid := a.Int(0); pid != 0 && pid != t.PID() {
		if p = t.Kernel().Process(pid); p == nil {
			return 0, abi.ESRCH
		}
	}
	old := p.Rlimit(r)
	if a[2] != 0 {
		b := make([]byte, 16)
		if err := copyIn(t, a[2], b); err != nil {
			return 0, err
		}
		l := kernel.Rlimit{Cur: le.Uint64(b[0:]), Max: le.Uint64(b[8:])}
		if l.Cur > l.Max {
			return 0, abi.EINVAL
		}
		if l.Max > old.Max {
			return 0, abi.EPERM
		}
		p.SetRlimit(r, l)
		if r == abi.RLIMIT_NOFILE {
			t.FDs().SetLimit(int(min(l.Cur, 1<<20)))
		}
	}
	if a[3] != 0 {
		b := make([]byte, 16)
		le.PutUint64(b[0:], old.Cur)
		le.PutUint64(b[8:], old.Max)
		return 0, copyOut(t, a[3], b)
	}
	return 0, nil
}

func sysGetrlimit(t *kernel.Task, a Args) (uint64, error) {
	return sysPrlimit64(t, Args{0, a[0], 0, a[1]})
}

func sysSetrlimit(t *kernel.Task, a Args) (uint64, error) {
	return sysPrlimit64(t, Args{0, a[0], a[1], 0})
}

func sysSysinfo(t *kernel.Task, a Args) (uint64, error) {
	k := t.Kernel()
	used, free := k.Frames().Stats()
	b := make([]byte, 112)
	le.PutUint64(b[0:], uint64(k.Monotonic().Seconds()))
	le.PutUint64(b[32:], uint64(used+free)*4096)
	le.PutUint64(b[40:], uint64(free)*4096)
	le.PutUint16(b[80:], uint16(len(k.Processes())))
	le.PutUint32(b[104:], 1)
	return 0, copyOut(t, a[0], b)
}

func sysPrctl(t *kernel.Task, a Args) (uint64, error) {
	switch a.Int(0) {
	case abi.PR_SET_NAME:
		name, err := t.MM().CopyInString(a[1], 15)
		if err != nil && err != abi.ENAMETOOLONG {
			return 0, err
		}
		if err == abi.ENAMETOOLONG {
			b := make([]byte, 15)
			if err := copyIn(t, a[1], b); err != nil {
				return 0, err
			}
			name = string(b)
		}
		t.Process().SetName(name)
		return 0, nil
	case abi.PR_GET_NAME:
		_, _, _, name := t.Process().Info()
		b := make([]byte, 16)
		copy(b, name)
		return 0, copyOut(t, a[1], b)
	case abi.PR_GET_DUMPABLE:
		return 1, nil
	case abi.PR_SET_DUMPABLE, abi.PR_SET_NO_NEW_PRIVS, abi.PR_SET_PDEATHSIG:
		return 0, nil
	case abi.PR_GET_NO_NEW_PRIVS:
		return 0, nil
	case abi.PR_GET_PDEATHSIG:
		return 0, putU32(t, a[1], 0)
	}
	return 0, abi.EINVAL
}

// riscv_hwprobe keys and the bits of what SOS's CPU implements.
const (
	hwprobeMvendorID    = 0
	hwprobeMarchID      = 1
	hwprobeMimpID       = 2
	hwprobeBaseBehavior = 3
	hwprobeIMAExt0      = 4
	hwprobeCPUPerf0     = 5

	hwprobeBaseIMA        = 1
	hwprobeExtFD          = 1 << 0
	hwprobeExtC           = 1 << 1
	hwprobeExtZba         = 1 << 3
	hwprobeExtZbb         = 1 << 4
	hwprobeExtZbs         = 1 << 5
	hwprobeMisalignedFast = 3
)

func sysRiscvHwprobe(t *kernel.Task, a Args) (uint64, error) {
	pairs, count := a[0], a[1]
	if a[4] != 0 {
		return 0, abi.EINVAL
	}
	for i := uint64(0); i < count; i++ {
		va := pairs + 16*i
		key, err := getU64(t, va)
		if err != nil {
			return 0, err
		}
		var val uint64
		switch key {
		case hwprobeMvendorID, hwprobeMarchID, hwprobeMimpID:
			val = 0
		case hwprobeBaseBehavior:
			val = hwprobeBaseIMA
		case hwprobeIMAExt0:
			val = hwprobeExtFD | hwprobeExtC | hwprobeExtZba | hwprobeExtZbb | hwprobeExtZbs
		case hwprobeCPUPerf0:
			val = hwprobeMisalignedFast
		default:
			key = ^uint64(0) // unknown keys read back as -1
		}
		if err := putU64(t, va, key); err != nil {
			return 0, err
		}
		if err := putU64(t, va+8, val); err != nil {
			return 0, err
		}
	}
	return 0, nil
}

// SOS has one user: every id is 1000.
const uid = 1000

func ids(*kernel.Task, Args) (uint64, error) { return uid, nil }

func sysGetres(t *kernel.Task, a Args) (uint64, error) {
	for i := 0; i < 3; i++ {
		if a[i] != 0 {
			if err := putU32(t, a[i], uid); err != nil {
				return 0, err
			}
		}
	}
	return 0, nil
}

func sysGetgroups(t *kernel.Task, a Args) (uint64, error) {
	if a.Int(0) < 0 {
		return 0, abi.EINVAL
	}
	if a.Int(0) == 0 {
		return 1, nil
	}
	return 1, putU32(t, a[1], uid)
}

func sameID(v int) bool { return v == -1 || v == uid }

func sysSetid(t *kernel.Task, a Args) (uint64, error) {
	if !sameID(a.Int(0)) {
		return 0, abi.EPERM
	}
	return 0, nil
}

func sysSetid2(t *kernel.Task, a Args) (uint64, error) {
	if !sameID(a.Int(0)) || !sameID(a.Int(1)) {
		return 0, abi.EPERM
	}
	return 0, nil
}

func sysSetid3(t *kernel.Task, a Args) (uint64, error) {
	if !sameID(a.Int(0)) || !sameID(a.Int(1)) || !sameID(a.Int(2)) {
		return 0, abi.EPERM
	}
	return 0, nil
}

func sysSetgroups(t *kernel.Task, a Args) (uint64, error) {
	if a[0] != 0 {
		return 0, abi.EPERM
	}
	return 0, nil
}

func sysSchedGetparam(t *kernel.Task, a Args) (uint64, error) {
	if _, err := taskFor(t, a.Int(0)); err != nil {
		return 0, err
	}
	return 0, putU32(t, a[1], 0)
}

func sysSchedSetscheduler(t *kernel.Task, a Args) (uint64, error) {
	if a.Int(1) != 0 {
		return 0, abi.EPERM
	}
	return 0, nil
}

func sysPersonality(t *kernel.Task, a Args) (uint64, error) {
	if a[0] != 0 && a[0] != 0xffffffff {
		return 0, abi.EINVAL
	}
	return 0, nil
}

func sysCapget(t *kernel.Task, a Args) (uint64, error) {
	if a[1] != 0 {
		return 0, copyOut(t, a[1], make([]byte, 24))
	}
	return 0, nil
}
