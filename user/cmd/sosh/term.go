package main

// The terminal: termios through TCGETS/TCSETS, the foreground process
// group through TIOCGPGRP/TIOCSPGRP, with SIGTTOU blocked on the calling
// thread so a shell in the background may take the terminal back.

import (
	"runtime"
	"syscall"
	"unsafe"
)

// The termios requests of Linux's generic ioctl numbering (riscv64 and
// amd64 share it); package syscall lacks them on some ports.
const (
	tcgets  = 0x5401
	tcsetsw = 0x5403
)

// Termios is struct termios of the Linux ABI.
type Termios = syscall.Termios

func ioctl(fd int, req uintptr, arg unsafe.Pointer) error {
	_, _, e := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), req, uintptr(arg))
	if e != 0 {
		return e
	}
	return nil
}

func getTermios(fd int) (*Termios, error) {
	t := &Termios{}
	if err := ioctl(fd, tcgets, unsafe.Pointer(t)); err != nil {
		return nil, err
	}
	return t, nil
}

// setTermios sets the modes once pending output is written (TCSETSW).
func setTermios(fd int, t *Termios) error {
	return withTTOUBlocked(func() error {
		return ioctl(fd, tcsetsw, unsafe.Pointer(t))
	})
}

func isTerminal(fd int) bool {
	_, err := getTermios(fd)
	return err == nil
}

// rawMode is t with input and output unprocessed: no canonical mode,
// echo or signal characters, and the editor writes \r\n itself.
func rawMode(t *Termios) *Termios {
	r := *t
	r.Iflag &^= syscall.ICRNL | syscall.INLCR | syscall.IGNCR | syscall.IXON | syscall.ISTRIP | syscall.BRKINT | syscall.INPCK
	r.Lflag &^= syscall.ICANON | syscall.ECHO | syscall.ISIG | syscall.IEXTEN
	r.Oflag &^= syscall.OPOST
	r.Cflag |= syscall.CS8
	r.Cc[syscall.VMIN] = 1
	r.Cc[syscall.VTIME] = 0
	return &r
}

func tcgetpgrp(fd int) (int, error) {
	var pg int32
	if err := ioctl(fd, syscall.TIOCGPGRP, unsafe.Pointer(&pg)); err != nil {
		return 0, err
	}
	return int(pg), nil
}

func tcsetpgrp(fd, pgid int) error {
	pg := int32(pgid)
	return withTTOUBlocked(func() error {
		return ioctl(fd, syscall.TIOCSPGRP, unsafe.Pointer(&pg))
	})
}

// withTTOUBlocked runs f with SIGTTOU blocked on this thread: a process
// not in the terminal's foreground group that changes the terminal gets
// SIGTTOU unless it ignores or blocks it, and the shell must do so.
// (Ignoring it would make every child ignore it too.)
func withTTOUBlocked(f func() error) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	set := uint64(1) << (syscall.SIGTTOU - 1)
	var old uint64
	syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, 0 /* SIG_BLOCK */, uintptr(unsafe.Pointer(&set)), uintptr(unsafe.Pointer(&old)), 8, 0, 0)
	err := f()
	for err == syscall.EINTR {
		err = f()
	}
	syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, 2 /* SIG_SETMASK */, uintptr(unsafe.Pointer(&old)), 0, 8, 0, 0)
	return err
}

// termWidth is the terminal's width in columns (TIOCGWINSZ), 0 if unknown.
func termWidth(fd int) int {
	var ws struct{ row, col, x, y uint16 }
	if err := ioctl(fd, syscall.TIOCGWINSZ, unsafe.Pointer(&ws)); err != nil {
		return 0
	}
	return int(ws.col)
}
