package linux

import (
	"time"

	"sos/internal/abi"
	"sos/internal/kernel"
)

var timeCalls = []def{
	{113, Supported, sysClockGettime, "dp", ""},
	{114, Supported, sysClockGetres, "dp", ""},
	{169, Supported, sysGettimeofday, "pp", ""},
	{101, Supported, sysNanosleep, "pp", ""},
	{115, Supported, sysClockNanosleep, "dxpp", ""},
	{153, Supported, sysTimes, "p", ""},
	{165, Supported, sysGetrusage, "dp", ""},
	{102, Supported, sysGetitimer, "dp", ""},
	{103, Partial, sysSetitimer, "dpp", "ITIMER_REAL only"},
}

// clockNow reads a clock: REALTIME is the host's wall clock; MONOTONIC and
// BOOTTIME count from boot; the CPU-time clocks are the caller's process
// or thread times.
func clockNow(t *kernel.Task, id int) (time.Duration, error) {
	k := t.Kernel()
	switch id {
	case abi.CLOCK_REALTIME, abi.CLOCK_REALTIME_COARSE, abi.CLOCK_REALTIME_ALARM:
		return time.Duration(time.Now().UnixNano()), nil
	case abi.CLOCK_MONOTONIC, abi.CLOCK_MONOTONIC_RAW, abi.CLOCK_MONOTONIC_COARSE,
		abi.CLOCK_BOOTTIME, abi.CLOCK_BOOTTIME_ALARM:
		return k.Monotonic(), nil
	case abi.CLOCK_PROCESS_CPUTIME_ID:
		u, s := t.Process().CPUTime()
		return u + s, nil
	case abi.CLOCK_THREAD_CPUTIME_ID:
		u, s := t.CPUTime()
		return u + s, nil
	}
	return 0, abi.EINVAL
}

func toTimespec(d time.Duration) timespec {
	return timespec{Sec: int64(d / time.Second), Nsec: int64(d % time.Second)}
}

func fromTimespec(ts timespec) time.Duration {
	if ts.Sec > int64(1<<62/time.Second) {
		return 1 << 62
	}
	return time.Duration(ts.Sec)*time.Second + time.Duration(ts.Nsec)
}

func sysClockGettime(t *kernel.Task, a Args) (uint64, error) {
	d, err := clockNow(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	return 0, writeTimespec(t, a[1], toTimespec(d))
}

func sysClockGetres(t *kernel.Task, a Args) (uint64, error) {
	if _, err := clockNow(t, a.Int(0)); err != nil {
		return 0, err
	}
	if a[1] == 0 {
		return 0, nil
	}
	return 0, writeTimespec(t, a[1], timespec{Nsec: 1})
}

func sysGettimeofday(t *kernel.Task, a Args) (uint64, error) {
	if a[0] != 0 {
		b := make([]byte, 16)
		putTimeval(b, time.Duration(time.Now().UnixNano()))
		if err := copyOut(t, a[0], b); err != nil {
			return 0, err
		}
	}
	if a[1] != 0 {
		return 0, copyOut(t, a[1], make([]byte, 8)) // struct timezone: UTC
	}
	return 0, nil
}

// sleepUntil sleeps to a kernel monotonic deadline. Interrupted, it
// writes the remaining time to rem (if set) and returns restartCode.
func sleepUntil(t *kernel.Task, deadline time.Duration, rem uint64, restartCode abi.Errno) error {
	if err := t.Sleep(deadline); err != nil {
		if rem != 0 {
			left := max(deadline-t.Kernel().Monotonic(), 0)
			if err := writeTimespec(t, rem, toTimespec(left)); err != nil {
				return err
			}
		}
		return restartCode
	}
	return nil
}

func sysNanosleep(t *kernel.Task, a Args) (uint64, error) {
	ts, err := readTimespec(t, a[0])
	if err != nil {
		return 0, err
	}
	deadline := t.Kernel().Monotonic() + fromTimespec(ts)
	return 0, sleepUntil(t, deadline, a[1], abi.ERESTART_RESTARTBLOCK)
}

func sysClockNanosleep(t *kernel.Task, a Args) (uint64, error) {
	id, flags := a.Int(0), a.Int(1)
	if id == abi.CLOCK_THREAD_CPUTIME_ID {
		return 0, abi.EINVAL
	}
	now, err := clockNow(t, id)
	if err != nil {
		return 0, err
	}
	ts, err := readTimespec(t, a[2])
	if err != nil {
		return 0, err
	}
	mono := t.Kernel().Monotonic()
	if flags&abi.TIMER_ABSTIME != 0 {
		deadline := mono + (fromTimespec(ts) - now)
		return 0, sleepUntil(t, deadline, 0, abi.ERESTARTNOHAND)
	}
	return 0, sleepUntil(t, mono+fromTimespec(ts), a[3], abi.ERESTART_RESTARTBLOCK)
}

// clockTicks converts to the USER_HZ ticks of times(2).
func clockTicks(d time.Duration) uint64 { return uint64(d / (10 * time.Millisecond)) }

func sysTimes(t *kernel.Task, a Args) (uint64, error) {
	if a[0] != 0 {
		u, s := t.Process().CPUTime()
		cu, cs := t.Process().ChildrenCPUTime()
		b := make([]byte, 32)
		le.PutUint64(b[0:], clockTicks(u))
		le.PutUint64(b[8:], clockTicks(s))
		le.PutUint64(b[16:], clockTicks(cu))
		le.PutUint64(b[24:], clockTicks(cs))
		if err := copyOut(t, a[0], b); err != nil {
			return 0, err
		}
	}
	return clockTicks(t.Kernel().Monotonic()), nil
}

func sysGetrusage(t *kernel.Task, a Args) (uint64, error) {
	var u, s time.Duration
	switch a.Int(0) {
	case 0: // RUSAGE_SELF
		u, s = t.Process().CPUTime()
	case -1: // RUSAGE_CHILDREN
		u, s = t.Process().ChildrenCPUTime()
	case 1: // RUSAGE_THREAD
		u, s = t.CPUTime()
	default:
		return 0, abi.EINVAL
	}
	return 0, writeRusage(t, a[1], u, s)
}

// itimerval: interval and value, each a timeval.
func sysGetitimer(t *kernel.Task, a Args) (uint64, error) {
	if a.Int(0) != 0 {
		return 0, abi.EINVAL
	}
	interval, value := t.Process().RealTimer()
	b := make([]byte, 32)
	putTimeval(b[0:], interval)
	putTimeval(b[16:], value)
	return 0, copyOut(t, a[1], b)
}

func sysSetitimer(t *kernel.Task, a Args) (uint64, error) {
	if a.Int(0) != 0 {
		return 0, abi.EINVAL
	}
	var interval, value time.Duration
	if a[1] != 0 {
		b := make([]byte, 32)
		if err := copyIn(t, a[1], b); err != nil {
			return 0, err
		}
		interval = time.Duration(le.Uint64(b[0:]))*time.Second + time.Duration(le.Uint64(b[8:]))*time.Microsecond
		value = time.Duration(le.Uint64(b[16:]))*time.Second + time.Duration(le.Uint64(b[24:]))*time.Microsecond
	}
	oi, ov := t.Process().SetRealTimer(interval, value)
	if a[2] != 0 {
		b := make([]byte, 32)
		putTimeval(b[0:], oi)
		putTimeval(b[16:], ov)
		return 0, copyOut(t, a[2], b)
	}
	return 0, nil
}
