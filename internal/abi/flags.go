package abi

// open(2) flags (asm-generic/fcntl.h).
const (
	O_RDONLY    = 0x0
	O_WRONLY    = 0x1
	O_RDWR      = 0x2
	O_ACCMODE   = 0x3
	O_CREAT     = 0x40
	O_EXCL      = 0x80
	O_NOCTTY    = 0x100
	O_TRUNC     = 0x200
	O_APPEND    = 0x400
	O_NONBLOCK  = 0x800
	O_DSYNC     = 0x1000
	O_ASYNC     = 0x2000
	O_DIRECT    = 0x4000
	O_LARGEFILE = 0x8000
	O_DIRECTORY = 0x10000
	O_NOFOLLOW  = 0x20000
	O_NOATIME   = 0x40000
	O_CLOEXEC   = 0x80000
	O_SYNC      = 0x101000
	O_PATH      = 0x200000
	O_TMPFILE   = 0x410000
)

// *at(2) flags.
const (
	AT_FDCWD            = -100
	AT_SYMLINK_NOFOLLOW = 0x100
	AT_REMOVEDIR        = 0x200
	AT_SYMLINK_FOLLOW   = 0x400
	AT_NO_AUTOMOUNT     = 0x800
	AT_EMPTY_PATH       = 0x1000
	AT_EACCESS          = 0x200

	RENAME_NOREPLACE = 1
	RENAME_EXCHANGE  = 2
)

// fcntl(2) commands and flags.
const (
	F_DUPFD         = 0
	F_GETFD         = 1
	F_SETFD         = 2
	F_GETFL         = 3
	F_SETFL         = 4
	F_GETLK         = 5
	F_SETLK         = 6
	F_SETLKW        = 7
	F_SETOWN        = 8
	F_GETOWN        = 9
	F_DUPFD_CLOEXEC = 1030
	F_GETPIPE_SZ    = 1032
	F_SETPIPE_SZ    = 1031
	FD_CLOEXEC      = 1
)

// lseek whence.
const (
	SEEK_SET  = 0
	SEEK_CUR  = 1
	SEEK_END  = 2
	SEEK_DATA = 3
	SEEK_HOLE = 4
)

// File mode bits.
const (
	S_IFMT   = 0o170000
	S_IFSOCK = 0o140000
	S_IFLNK  = 0o120000
	S_IFREG  = 0o100000
	S_IFBLK  = 0o060000
	S_IFDIR  = 0o040000
	S_IFCHR  = 0o020000
	S_IFIFO  = 0o010000
	S_ISUID  = 0o4000
	S_ISGID  = 0o2000
	S_ISVTX  = 0o1000
)

// access(2) modes.
const (
	F_OK = 0
	X_OK = 1
	W_OK = 2
	R_OK = 4
)

// Directory entry types (getdents64 d_type).
const (
	DT_UNKNOWN = 0
	DT_FIFO    = 1
	DT_CHR     = 2
	DT_DIR     = 4
	DT_BLK     = 6
	DT_REG     = 8
	DT_LNK     = 10
	DT_SOCK    = 12
)

// DirentType returns the d_type for a file mode.
func DirentType(mode uint32) uint8 {
	switch mode & S_IFMT {
	case S_IFIFO:
		return DT_FIFO
	case S_IFCHR:
		return DT_CHR
	case S_IFDIR:
		return DT_DIR
	case S_IFBLK:
		return DT_BLK
	case S_IFREG:
		return DT_REG
	case S_IFLNK:
		return DT_LNK
	case S_IFSOCK:
		return DT_SOCK
	}
	return DT_UNKNOWN
}

// mmap(2) protections and flags.
const (
	PROT_NONE  = 0x0
	PROT_READ  = 0x1
	PROT_WRITE = 0x2
	PROT_EXEC  = 0x4

	MAP_SHARED          = 0x01
	MAP_PRIVATE         = 0x02
	MAP_SHARED_VALIDATE = 0x03
	MAP_TYPE            = 0x0f
	MAP_FIXED           = 0x10
	MAP_ANONYMOUS       = 0x20
	MAP_GROWSDOWN       = 0x0100
	MAP_DENYWRITE       = 0x0800
	MAP_EXECUTABLE      = 0x1000
	MAP_LOCKED          = 0x2000
	MAP_NORESERVE       = 0x4000
	MAP_POPULATE        = 0x8000
	MAP_NONBLOCK        = 0x10000
	MAP_STACK           = 0x20000
	MAP_HUGETLB         = 0x40000
	MAP_FIXED_NOREPLACE = 0x100000

	MREMAP_MAYMOVE = 1
	MREMAP_FIXED   = 2

	MADV_NORMAL     = 0
	MADV_RANDOM     = 1
	MADV_SEQUENTIAL = 2
	MADV_WILLNEED   = 3
	MADV_DONTNEED   = 4
	MADV_FREE       = 8
	MADV_HUGEPAGE   = 14
	MADV_NOHUGEPAGE = 15
)

// clone(2) flags.
const (
	CSIGNAL              = 0x000000ff
	CLONE_VM             = 0x00000100
	CLONE_FS             = 0x00000200
	CLONE_FILES          = 0x00000400
	CLONE_SIGHAND        = 0x00000800
	CLONE_PIDFD          = 0x00001000
	CLONE_PTRACE         = 0x00002000
	CLONE_VFORK          = 0x00004000
	CLONE_PARENT         = 0x00008000
	CLONE_THREAD         = 0x00010000
	CLONE_NEWNS          = 0x00020000
	CLONE_SYSVSEM        = 0x00040000
	CLONE_SETTLS         = 0x00080000
	CLONE_PARENT_SETTID  = 0x00100000
	CLONE_CHILD_CLEARTID = 0x00200000
	CLONE_DETACHED       = 0x00400000
	CLONE_UNTRACED       = 0x00800000
	CLONE_CHILD_SETTID   = 0x01000000
	CLONE_NEWCGROUP      = 0x02000000
	CLONE_NEWUTS         = 0x04000000
	CLONE_NEWIPC         = 0x08000000
	CLONE_NEWUSER        = 0x10000000
	CLONE_NEWPID         = 0x20000000
	CLONE_NEWNET         = 0x40000000
	CLONE_IO             = 0x80000000
)

// wait4/waitid options and idtypes.
const (
	WNOHANG    = 0x00000001
	WUNTRACED  = 0x00000002
	WSTOPPED   = WUNTRACED
	WEXITED    = 0x00000004
	WCONTINUED = 0x00000008
	WNOWAIT    = 0x01000000
	WNOTHREAD  = 0x20000000
	WALL       = 0x40000000
	WCLONE     = 0x80000000

	P_ALL   = 0
	P_PID   = 1
	P_PGID  = 2
	P_PIDFD = 3
)

// futex(2) operations.
const (
	FUTEX_WAIT             = 0
	FUTEX_WAKE             = 1
	FUTEX_FD               = 2
	FUTEX_REQUEUE          = 3
	FUTEX_CMP_REQUEUE      = 4
	FUTEX_WAKE_OP          = 5
	FUTEX_LOCK_PI          = 6
	FUTEX_UNLOCK_PI        = 7
	FUTEX_TRYLOCK_PI       = 8
	FUTEX_WAIT_BITSET      = 9
	FUTEX_WAKE_BITSET      = 10
	FUTEX_PRIVATE_FLAG     = 128
	FUTEX_CLOCK_REALTIME   = 256
	FUTEX_CMD_MASK         = ^(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME)
	FUTEX_BITSET_MATCH_ANY = 0xffffffff
)

// Clock ids.
const (
	CLOCK_REALTIME           = 0
	CLOCK_MONOTONIC          = 1
	CLOCK_PROCESS_CPUTIME_ID = 2
	CLOCK_THREAD_CPUTIME_ID  = 3
	CLOCK_MONOTONIC_RAW      = 4
	CLOCK_REALTIME_COARSE    = 5
	CLOCK_MONOTONIC_COARSE   = 6
	CLOCK_BOOTTIME           = 7
	CLOCK_REALTIME_ALARM     = 8
	CLOCK_BOOTTIME_ALARM     = 9

	TIMER_ABSTIME = 1
)

// Resource limits.
const (
	RLIMIT_CPU     = 0
	RLIMIT_FSIZE   = 1
	RLIMIT_DATA    = 2
	RLIMIT_STACK   = 3
	RLIMIT_CORE    = 4
	RLIMIT_RSS     = 5
	RLIMIT_NPROC   = 6
	RLIMIT_NOFILE  = 7
	RLIMIT_MEMLOCK = 8
	RLIMIT_AS      = 9
	RLIM_NLIMITS   = 16

	RLIM_INFINITY = ^uint64(0)
)

// Poll events (also epoll's).
const (
	POLLIN     = 0x0001
	POLLPRI    = 0x0002
	POLLOUT    = 0x0004
	POLLERR    = 0x0008
	POLLHUP    = 0x0010
	POLLNVAL   = 0x0020
	POLLRDNORM = 0x0040
	POLLRDBAND = 0x0080
	POLLWRNORM = 0x0100
	POLLWRBAND = 0x0200
	POLLRDHUP  = 0x2000

	EPOLLIN        = 0x001
	EPOLLPRI       = 0x002
	EPOLLOUT       = 0x004
	EPOLLERR       = 0x008
	EPOLLHUP       = 0x010
	EPOLLRDNORM    = 0x040
	EPOLLWRNORM    = 0x100
	EPOLLRDHUP     = 0x2000
	EPOLLEXCLUSIVE = 1 << 28
	EPOLLWAKEUP    = 1 << 29
	EPOLLONESHOT   = 1 << 30
	EPOLLET        = 1 << 31

	EPOLL_CTL_ADD = 1
	EPOLL_CTL_DEL = 2
	EPOLL_CTL_MOD = 3
	EPOLL_CLOEXEC = O_CLOEXEC

	EFD_SEMAPHORE = 1
	EFD_CLOEXEC   = O_CLOEXEC
	EFD_NONBLOCK  = O_NONBLOCK
)

// ioctl requests.
const (
	TCGETS     = 0x5401
	TCSETS     = 0x5402
	TCSETSW    = 0x5403
	TCSETSF    = 0x5404
	TIOCSCTTY  = 0x540e
	TIOCGPGRP  = 0x540f
	TIOCSPGRP  = 0x5410
	TIOCGWINSZ = 0x5413
	TIOCSWINSZ = 0x5414
	FIONREAD   = 0x541b
	FIONBIO    = 0x5421
	TIOCNOTTY  = 0x5422
	FIOCLEX    = 0x5451
	FIONCLEX   = 0x5450
)

// prctl options used by programs.
const (
	PR_SET_PDEATHSIG    = 1
	PR_GET_PDEATHSIG    = 2
	PR_GET_DUMPABLE     = 3
	PR_SET_DUMPABLE     = 4
	PR_SET_NAME         = 15
	PR_GET_NAME         = 16
	PR_SET_NO_NEW_PRIVS = 38
	PR_GET_NO_NEW_PRIVS = 39
)
