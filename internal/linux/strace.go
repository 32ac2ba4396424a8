package linux

import (
	"fmt"
	"strconv"
	"strings"

	"sos/internal/abi"
	"sos/internal/kernel"
)

// System-call tracing (sos run -strace): one line per call, in the style
// of strace(1). Each entry's Strace string gives one letter per argument:
//
//	d signed int     u unsigned      x hex          f file descriptor
//	s string (path)  p pointer       o octal mode   S signal
//	F flags (hex)
//
// An empty string prints every argument in hex.

func (l *Linux) formatCall(t *kernel.Task, nr uint64, e *Entry, a Args) string {
	name := fmt.Sprintf("syscall_%d", nr)
	kinds := "xxxxxx"
	if e != nil {
		name = e.Name
		if e.Strace != "" {
			kinds = e.Strace
		}
	}
	var parts []string
	for i, k := range kinds {
		if i >= 6 {
			break
		}
		parts = append(parts, formatArg(t, byte(k), a[i]))
	}
	return fmt.Sprintf("[%d] %s(%s)", t.TID(), name, strings.Join(parts, ", "))
}

func formatArg(t *kernel.Task, kind byte, v uint64) string {
	switch kind {
	case 'd':
		return strconv.FormatInt(int64(v), 10)
	case 'u':
		return strconv.FormatUint(v, 10)
	case 'f':
		if int32(v) == abi.AT_FDCWD {
			return "AT_FDCWD"
		}
		return strconv.Itoa(int(int32(v)))
	case 's':
		if v == 0 {
			return "NULL"
		}
		s, err := t.MM().CopyInString(v, 256)
		if err != nil {
			return fmt.Sprintf("%#x", v)
		}
		return strconv.Quote(s)
	case 'p':
		if v == 0 {
			return "NULL"
		}
		return fmt.Sprintf("%#x", v)
	case 'o':
		return fmt.Sprintf("%#o", v)
	case 'S':
		return abi.Signal(v).String()
	}
	return fmt.Sprintf("%#x", v)
}

func formatResult(ret uint64) string {
	if r := int64(ret); r < 0 && r >= -4095 {
		e := abi.Errno(-r)
		return fmt.Sprintf("-1 %s (%s)", e.Name(), e.Error())
	}
	if ret > 0xffff {
		return fmt.Sprintf("%#x", ret)
	}
	return strconv.FormatInt(int64(ret), 10)
}
