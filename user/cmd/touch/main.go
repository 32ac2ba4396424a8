// Command touch sets files' access and modification times to now,
// creating files that do not exist (unless -c). -a and -m change only
// the access or the modification time; -r FILE takes the times of FILE.
// Exit status 1 if any file could not be touched.
package main

import (
	"os"
	"syscall"
	"unsafe"

	"sos/user/internal/cli"
)

var atFDCWD = -100

const (
	utimeNow  = (1 << 30) - 1
	utimeOmit = (1 << 30) - 2
)

func main() {
	opts := cli.Parse(os.Args[1:], "acm", "r", false, "[-acm] [-r FILE] FILE...", 1)
	if len(opts.Args) == 0 {
		cli.Warn("missing file operand")
		os.Exit(1)
	}
	var ts [2]syscall.Timespec
	ts[0].Nsec, ts[1].Nsec = utimeNow, utimeNow
	if ref, ok := opts.Value('r'); ok {
		var st syscall.Stat_t
		if err := syscall.Stat(ref, &st); err != nil {
			cli.Warn("failed to get attributes of %s: %s", cli.Quote(ref), cli.Reason(err))
			os.Exit(1)
		}
		ts[0], ts[1] = st.Atim, st.Mtim
	}
	if opts.Has('a') && !opts.Has('m') {
		ts[1].Nsec = utimeOmit
	}
	if opts.Has('m') && !opts.Has('a') {
		ts[0].Nsec = utimeOmit
	}
	status := 0
	for _, f := range opts.Args {
		if err := touch(f, ts, opts.Has('c')); err != nil {
			cli.Warn("cannot touch %s: %s", cli.Quote(f), cli.Reason(err))
			status = 1
		}
	}
	os.Exit(status)
}

func touch(name string, ts [2]syscall.Timespec, noCreate bool) error {
	err := utimensat(name, ts)
	if err == syscall.ENOENT && !noCreate {
		fd, err := syscall.Open(name, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_CLOEXEC|syscall.O_NOCTTY, 0o666)
		if err != nil {
			return err
		}
		syscall.Close(fd)
		if ts[0].Nsec == utimeNow && ts[1].Nsec == utimeNow {
			return nil // just made: its times are now
		}
		return utimensat(name, ts)
	}
	if err == syscall.ENOENT && noCreate {
		return nil
	}
	return err
}

func utimensat(name string, ts [2]syscall.Timespec) error {
	p, err := syscall.BytePtrFromString(name)
	if err != nil {
		return err
	}
	_, _, e := syscall.Syscall6(syscall.SYS_UTIMENSAT, uintptr(atFDCWD), uintptr(unsafe.Pointer(p)), uintptr(unsafe.Pointer(&ts[0])), 0, 0, 0)
	if e != 0 {
		return e
	}
	return nil
}
