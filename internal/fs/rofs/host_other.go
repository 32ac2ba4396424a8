//go:build !linux

package rofs

import (
	"errors"
	"io/fs"
	"syscall"

	"sos/internal/abi"
)

// hostStat reports no host metadata: other hosts' stat structures differ,
// and their modes and device numbers are not Linux's.
func hostStat(info fs.FileInfo) (hostMeta, bool) { return hostMeta{}, false }

// hostErrno converts the host error numbers whose values differ from
// Linux's on other hosts.
func hostErrno(err error) (abi.Errno, bool) {
	var e syscall.Errno
	if !errors.As(err, &e) {
		return 0, false
	}
	switch e {
	case syscall.ENOTDIR:
		return abi.ENOTDIR, true
	case syscall.ELOOP:
		return abi.ELOOP, true
	case syscall.ENAMETOOLONG:
		return abi.ENAMETOOLONG, true
	case syscall.EISDIR:
		return abi.EISDIR, true
	}
	return 0, false
}
