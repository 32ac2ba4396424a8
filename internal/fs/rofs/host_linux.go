package rofs

import (
	"errors"
	"io/fs"
	"syscall"
	"time"

	"sos/internal/abi"
)

// hostStat returns the host metadata in info, if it carries any (os
// files do, as a *syscall.Stat_t).
func hostStat(info fs.FileInfo) (hostMeta, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok || st == nil {
		return hostMeta{}, false
	}
	return hostMeta{
		dev:    uint64(st.Dev),
		ino:    uint64(st.Ino),
		mode:   uint32(st.Mode),
		nlink:  uint32(min(uint64(st.Nlink), 1<<32-1)),
		uid:    st.Uid,
		gid:    st.Gid,
		rdev:   uint64(st.Rdev),
		blocks: int64(st.Blocks),
		atime:  time.Unix(int64(st.Atim.Sec), int64(st.Atim.Nsec)),
		mtime:  time.Unix(int64(st.Mtim.Sec), int64(st.Mtim.Nsec)),
		ctime:  time.Unix(int64(st.Ctim.Sec), int64(st.Ctim.Nsec)),
	}, true
}

// hostErrno returns the Linux error number in err, if the host reported
// one. On Linux host error numbers are SOS's (Linux numbers its errors
// alike on every architecture SOS runs on).
func hostErrno(err error) (abi.Errno, bool) {
	var e syscall.Errno
	if errors.As(err, &e) && e != 0 {
		return abi.Errno(e), true
	}
	return 0, false
}
