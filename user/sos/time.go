package sos

import (
	"syscall"
	"time"
	"unsafe"
)

const clockBoottime = 7 // CLOCK_BOOTTIME

// TimeStamp returns the time since boot in microseconds.
func TimeStamp() int64 {
	var ts syscall.Timespec
	_, _, e := syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, clockBoottime, uintptr(unsafe.Pointer(&ts)), 0)
	if e != 0 {
		return -1
	}
	return ts.Sec*1e6 + ts.Nsec/1e3
}

// USleep sleeps for us microseconds.
func USleep(us int64) error {
	if us <= 0 {
		return nil
	}
	ts := syscall.NsecToTimespec(int64(time.Duration(us) * time.Microsecond))
	for {
		var rem syscall.Timespec
		err := syscall.Nanosleep(&ts, &rem)
		if err != syscall.EINTR {
			return err
		}
		// The Go runtime's own signals (preemption) interrupt sleeps
		// too; sleep on for what is left.
		ts = rem
	}
}
