// Package abi holds the Linux riscv64 ABI that SOS presents to programs:
// error numbers, signal numbers, flag values and the layouts of the
// structures system calls exchange. It is data only, shared by the kernel,
// the VFS, the file systems and the system-call personality, and depends on
// nothing.
package abi

import "fmt"

// Errno is a Linux error number. As an error it is what a system call
// returns negated in a0.
type Errno int

// Error numbers (include/uapi/asm-generic/errno-base.h and errno.h).
const (
	EPERM           Errno = 1
	ENOENT          Errno = 2
	ESRCH           Errno = 3
	EINTR           Errno = 4
	EIO             Errno = 5
	ENXIO           Errno = 6
	E2BIG           Errno = 7
	ENOEXEC         Errno = 8
	EBADF           Errno = 9
	ECHILD          Errno = 10
	EAGAIN          Errno = 11
	ENOMEM          Errno = 12
	EACCES          Errno = 13
	EFAULT          Errno = 14
	ENOTBLK         Errno = 15
	EBUSY           Errno = 16
	EEXIST          Errno = 17
	EXDEV           Errno = 18
	ENODEV          Errno = 19
	ENOTDIR         Errno = 20
	EISDIR          Errno = 21
	EINVAL          Errno = 22
	ENFILE          Errno = 23
	EMFILE          Errno = 24
	ENOTTY          Errno = 25
	ETXTBSY         Errno = 26
	EFBIG           Errno = 27
	ENOSPC          Errno = 28
	ESPIPE          Errno = 29
	EROFS           Errno = 30
	EMLINK          Errno = 31
	EPIPE           Errno = 32
	EDOM            Errno = 33
	ERANGE          Errno = 34
	EDEADLK         Errno = 35
	ENAMETOOLONG    Errno = 36
	ENOLCK          Errno = 37
	ENOSYS          Errno = 38
	ENOTEMPTY       Errno = 39
	ELOOP           Errno = 40
	ENOMSG          Errno = 42
	ENODATA         Errno = 61
	ETIME           Errno = 62
	EOVERFLOW       Errno = 75
	EBADFD          Errno = 77
	EILSEQ          Errno = 84
	ENOTSOCK        Errno = 88
	EDESTADDRREQ    Errno = 89
	EMSGSIZE        Errno = 90
	EPROTOTYPE      Errno = 91
	ENOPROTOOPT     Errno = 92
	EPROTONOSUPPORT Errno = 93
	EOPNOTSUPP      Errno = 95
	EAFNOSUPPORT    Errno = 97
	EADDRINUSE      Errno = 98
	EADDRNOTAVAIL   Errno = 99
	ENETDOWN        Errno = 100
	ENETUNREACH     Errno = 101
	ECONNABORTED    Errno = 103
	ECONNRESET      Errno = 104
	ENOBUFS         Errno = 105
	EISCONN         Errno = 106
	ENOTCONN        Errno = 107
	ETIMEDOUT       Errno = 110
	ECONNREFUSED    Errno = 111
	EHOSTUNREACH    Errno = 113
	EALREADY        Errno = 114
	EINPROGRESS     Errno = 115
	ESTALE          Errno = 116
	EDQUOT          Errno = 122
	ECANCELED       Errno = 125

	EWOULDBLOCK = EAGAIN
	ENOTSUP     = EOPNOTSUPP
)

// Kernel-internal errors, never seen by programs (Linux's ERESTART*
// family): a blocking system call interrupted by a signal returns one of
// these, and the signal code decides whether the call is restarted or
// fails with EINTR.
const (
	// ERESTARTSYS: restart if the handler has SA_RESTART, else EINTR.
	ERESTARTSYS Errno = 512
	// ERESTARTNOINTR: always restart.
	ERESTARTNOINTR Errno = 513
	// ERESTARTNOHAND: restart if no handler runs, else EINTR.
	ERESTARTNOHAND Errno = 514
	// ERESTART_RESTARTBLOCK: restart through restart_syscall (used by
	// nanosleep); SOS restarts it with the remaining time.
	ERESTART_RESTARTBLOCK Errno = 516
)

var errnoNames = map[Errno]string{
	EPERM: "EPERM", ENOENT: "ENOENT", ESRCH: "ESRCH", EINTR: "EINTR", EIO: "EIO", ENXIO: "ENXIO",
	E2BIG: "E2BIG", ENOEXEC: "ENOEXEC", EBADF: "EBADF", ECHILD: "ECHILD", EAGAIN: "EAGAIN",
	ENOMEM: "ENOMEM", EACCES: "EACCES", EFAULT: "EFAULT", ENOTBLK: "ENOTBLK", EBUSY: "EBUSY", EEXIST: "EEXIST",
	EXDEV: "EXDEV", ENODEV: "ENODEV", ENOTDIR: "ENOTDIR", EISDIR: "EISDIR", EINVAL: "EINVAL",
	ENFILE: "ENFILE", EMFILE: "EMFILE", ENOTTY: "ENOTTY", ETXTBSY: "ETXTBSY", EFBIG: "EFBIG",
	ENOSPC: "ENOSPC", ESPIPE: "ESPIPE", EROFS: "EROFS", EMLINK: "EMLINK", EPIPE: "EPIPE",
	EDOM: "EDOM", ERANGE: "ERANGE", EDEADLK: "EDEADLK", ENAMETOOLONG: "ENAMETOOLONG",
	ENOLCK: "ENOLCK", ENOSYS: "ENOSYS", ENOTEMPTY: "ENOTEMPTY", ELOOP: "ELOOP", ENOMSG: "ENOMSG",
	ENODATA: "ENODATA", ETIME: "ETIME", EOVERFLOW: "EOVERFLOW", EBADFD: "EBADFD", EILSEQ: "EILSEQ",
	ENOTSOCK: "ENOTSOCK", EDESTADDRREQ: "EDESTADDRREQ", EMSGSIZE: "EMSGSIZE", EPROTOTYPE: "EPROTOTYPE",
	ENOPROTOOPT: "ENOPROTOOPT", EPROTONOSUPPORT: "EPROTONOSUPPORT", EOPNOTSUPP: "EOPNOTSUPP",
	EAFNOSUPPORT: "EAFNOSUPPORT", EADDRINUSE: "EADDRINUSE", EADDRNOTAVAIL: "EADDRNOTAVAIL",
	ENETDOWN: "ENETDOWN", ENETUNREACH: "ENETUNREACH", ECONNABORTED: "ECONNABORTED",
	ECONNRESET: "ECONNRESET", ENOBUFS: "ENOBUFS", EISCONN: "EISCONN", ENOTCONN: "ENOTCONN",
	ETIMEDOUT: "ETIMEDOUT", ECONNREFUSED: "ECONNREFUSED", EHOSTUNREACH: "EHOSTUNREACH",
	EALREADY: "EALREADY", EINPROGRESS: "EINPROGRESS", ESTALE: "ESTALE", EDQUOT: "EDQUOT",
	ECANCELED: "ECANCELED", ERESTARTSYS: "ERESTARTSYS", ERESTARTNOINTR: "ERESTARTNOINTR",
	ERESTARTNOHAND: "ERESTARTNOHAND", ERESTART_RESTARTBLOCK: "ERESTART_RESTARTBLOCK",
}

// Name returns the symbolic name of e, such as "ENOENT".
func (e Errno) Name() string {
	if s, ok := errnoNames[e]; ok {
		return s
	}
	return fmt.Sprintf("errno %d", int(e))
}

var errnoText = map[Errno]string{
	EPERM: "operation not permitted", ENOENT: "no such file or directory", ESRCH: "no such process",
	EINTR: "interrupted system call", EIO: "input/output error", EBADF: "bad file descriptor",
	ECHILD: "no child processes", EAGAIN: "resource temporarily unavailable", ENOMEM: "cannot allocate memory",
	EACCES: "permission denied", EFAULT: "bad address", EBUSY: "device or resource busy", EEXIST: "file exists",
	EXDEV: "invalid cross-device link", ENOTDIR: "not a directory", EISDIR: "is a directory",
	EINVAL: "invalid argument", EMFILE: "too many open files", ENOTTY: "inappropriate ioctl for device",
	ENOSPC: "no space left on device", ESPIPE: "illegal seek", EROFS: "read-only file system",
	EPIPE: "broken pipe", ERANGE: "numerical result out of range", ENAMETOOLONG: "file name too long",
	ENOSYS: "function not implemented", ENOTEMPTY: "directory not empty", ELOOP: "too many levels of symbolic links",
	ETIMEDOUT: "connection timed out", ESTALE: "stale file handle", ENOEXEC: "exec format error",
	E2BIG: "argument list too long", EOPNOTSUPP: "operation not supported", ECONNREFUSED: "connection refused",
}

func (e Errno) Error() string {
	if s, ok := errnoText[e]; ok {
		return s
	}
	return e.Name()
}

// Is lets errors.Is match an Errno against io/fs sentinel errors.
func (e Errno) Is(target error) bool {
	switch target.Error() {
	case "file does not exist":
		return e == ENOENT
	case "file already exists":
		return e == EEXIST
	case "permission denied":
		return e == EACCES || e == EPERM
	}
	return false
}
