package linux

import (
	"encoding/binary"

	"sos/internal/abi"
	"sos/internal/kernel"
)

// Helpers for system-call arguments in user memory. Every access goes
// through the task's address space, so a bad pointer is EFAULT.

const pathMax = 4096

var le = binary.LittleEndian

func copyIn(t *kernel.Task, va uint64, b []byte) error  { return t.MM().CopyIn(va, b) }
func copyOut(t *kernel.Task, va uint64, b []byte) error { return t.MM().CopyOut(va, b) }

func putU32(t *kernel.Task, va uint64, v uint32) error {
	var b [4]byte
	le.PutUint32(b[:], v)
	return copyOut(t, va, b[:])
}

func putU64(t *kernel.Task, va uint64, v uint64) error {
	var b [8]byte
	le.PutUint64(b[:], v)
	return copyOut(t, va, b[:])
}

func getU64(t *kernel.Task, va uint64) (uint64, error) {
	var b [8]byte
	if err := copyIn(t, va, b[:]); err != nil {
		return 0, err
	}
	return le.Uint64(b[:]), nil
}

func getU32(t *kernel.Task, va uint64) (uint32, error) {
	var b [4]byte
	if err := copyIn(t, va, b[:]); err != nil {
		return 0, err
	}
	return le.Uint32(b[:]), nil
}

// readPath reads a NUL-terminated path (ENAMETOOLONG past PATH_MAX).
func readPath(t *kernel.Task, va uint64) (string, error) {
	if va == 0 {
		return "", abi.EFAULT
	}
	return t.MM().CopyInString(va, pathMax-1)
}

// readStrings reads a NULL-terminated array of string pointers (argv,
// envp), at most max strings.
func readStrings(t *kernel.Task, va uint64, max int) ([]string, error) {
	var out []string
	if va == 0 {
		return nil, nil
	}
	total := 0
	for i := 0; ; i++ {
		if i >= max {
			return nil, abi.E2BIG
		}
		p, err := getU64(t, va+uint64(8*i))
		if err != nil {
			return nil, err
		}
		if p == 0 {
			return out, nil
		}
		s, err := t.MM().CopyInString(p, 128<<10)
		if err != nil {
			return nil, err
		}
		total += len(s) + 1
		if total > 2<<20 {
			return nil, abi.E2BIG
		}
		out = append(out, s)
	}
}

// timespec is struct timespec (two 64-bit words).
type timespec struct{ Sec, Nsec int64 }

func readTimespec(t *kernel.Task, va uint64) (timespec, error) {
	var b [16]byte
	if err := copyIn(t, va, b[:]); err != nil {
		return timespec{}, err
	}
	ts := timespec{int64(le.Uint64(b[0:])), int64(le.Uint64(b[8:]))}
	if ts.Nsec < 0 || ts.Nsec >= 1e9 || ts.Sec < 0 {
		return ts, abi.EINVAL
	}
	return ts, nil
}

func writeTimespec(t *kernel.Task, va uint64, ts timespec) error {
	var b [16]byte
	le.PutUint64(b[0:], uint64(ts.Sec))
	le.PutUint64(b[8:], uint64(ts.Nsec))
	return copyOut(t, va, b[:])
}
