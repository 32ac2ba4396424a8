//go:build linux && (amd64 || arm64 || riscv64 || loong64 || ppc64le || s390x)

package blk

import (
	"os"
	"syscall"
	"unsafe"
)

// WriteSectorsVec writes bufs, each a whole number of sectors, one after
// another from sector on, with pwritev(2). (Linux only; elsewhere File
// is not a VecWriter and the cache copies blocks together instead.)
func (d *File) WriteSectorsVec(bufs [][]byte, sector int64) error {
	n := 0
	for _, b := range bufs {
		if len(b)%d.ss != 0 {
			return ErrRange
		}
		n += len(b)
	}
	if err := checkRange(d, n, sector); err != nil {
		return err
	}
	off := sector * int64(d.ss)
	sc, err := d.f.SyscallConn()
	if err != nil {
		return err
	}
	iov := make([]syscall.Iovec, 0, min(len(bufs), 1024))
	for len(bufs) > 0 {
		iov = iov[:0]
		for _, b := range bufs[:min(len(bufs), 1024)] { // IOV_MAX
			if len(b) == 0 {
				continue
			}
			v := syscall.Iovec{Base: &b[0]}
			v.SetLen(len(b))
			iov = append(iov, v)
		}
		if len(iov) == 0 {
			return nil
		}
		var w uintptr
		var errno syscall.Errno
		if err := sc.Write(func(fd uintptr) bool {
			// On 64-bit Linux the offset fits in pos_l; pos_h is 0.
			w, _, errno = syscall.Syscall6(syscall.SYS_PWRITEV, fd,
				uintptr(unsafe.Pointer(&iov[0])), uintptr(len(iov)), uintptr(off), 0, 0)
			return errno != syscall.EAGAIN
		}); err != nil {
			return err
		}
		if errno == syscall.EINTR {
			continue
		}
		if errno != 0 {
			return &os.PathError{Op: "pwritev", Path: d.f.Name(), Err: errno}
		}
		if w == 0 {
			return &os.PathError{Op: "pwritev", Path: d.f.Name(), Err: syscall.EIO}
		}
		off += int64(w)
		// Drop what was written; a short write leaves part of a buffer.
		for left := int(w); left > 0; {
			if left >= len(bufs[0]) {
				left -= len(bufs[0])
				bufs = bufs[1:]
			} else {
				bufs = append([][]byte{bufs[0][left:]}, bufs[1:]...)
				left = 0
			}
		}
	}
	return nil
}
