// Command ttyprog is a test program for SOS's console and shutdown.
//
//	ttyprog read     print "ready", then "got: LINE" per line read from
//	                 the terminal; "SIGINT" and exit 0 on SIGINT, "EOF"
//	                 and exit 0 at end of file, "SIGWINCH ROWSxCOLS";
//	                 "read spin" also keeps every hart busy
//	ttyprog jobs     run "ttyprog read" as a background job: report that
//	                 SIGTTIN stopped it, bring it to the foreground
//	                 (TIOCSPGRP, SIGCONT), wait for it, take the
//	                 terminal back
//	ttyprog spin [PROG ARGS...]
//	                 with PROG: start "ttyprog spin" in a process group
//	                 of its own and become PROG (execve); without: keep
//	                 every hart busy until killed (load for benchmarks)
//	ttyprog reboot   try reboot(2) with bad arguments, start children (one
//	                 ignoring SIGTERM), then power off
package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"syscall"
	"time"
	"unsafe"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: ttyprog read|reboot")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "read":
		read()
	case "reboot":
		reboot()
	case "jobs":
		jobs()
	case "spin":
		spin()
	case "stubborn":
		signal.Ignore(syscall.SIGTERM)
		fmt.Println("stubborn: ignoring SIGTERM")
		for {
			time.Sleep(time.Hour)
		}
	}
}

func read() {
	if len(os.Args) > 2 && os.Args[2] == "spin" {
		// Load: keep every hart busy while reading.
		for range runtime.NumCPU() {
			go func() {
				for x := 0; ; x++ {
					spinSink = x
				}
			}()
		}
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGWINCH)
	go func() {
		for sig := range sigs {
			if sig == syscall.SIGWINCH {
				var ws [4]uint16
				ioctl(0, syscall.TIOCGWINSZ, unsafe.Pointer(&ws))
				fmt.Printf("SIGWINCH %dx%d\n", ws[0], ws[1])
				continue
			}
			fmt.Println("SIGINT")
			os.Exit(0)
		}
	}()
	var pgrp, sid int32
	ioctl(0, syscall.TIOCGPGRP, unsafe.Pointer(&pgrp))
	ioctl(0, 0x5429, unsafe.Pointer(&sid)) // TIOCGSID
	fmt.Printf("ready pid=%d pgrp=%d sid=%d\n", os.Getpid(), pgrp, sid)
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		fmt.Printf("got: %s\n", in.Text())
	}
	fmt.Println("EOF")
}

var spinSink int

func spin() {
	if len(os.Args) == 2 {
		for range runtime.NumCPU() - 1 {
			go func() {
				for x := 0; ; x++ {
					spinSink = x
				}
			}()
		}
		for x := 0; ; x++ {
			spinSink = x
		}
	}
	self, err := os.Executable()
	if err != nil {
		self = os.Args[0]
	}
	cmd := exec.Command(self, "spin")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // ^C is not for it
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "ttyprog: %v\n", err)
		os.Exit(1)
	}
	err = syscall.Exec(os.Args[2], os.Args[2:], os.Environ())
	fmt.Fprintf(os.Stderr, "ttyprog: %s: %v\n", os.Args[2], err)
	os.Exit(1)
}

func ioctl(fd int, req uintptr, p unsafe.Pointer) syscall.Errno {
	_, _, e := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), req, uintptr(p))
	return e
}

func rebootCall(m1, m2, cmd uintptr) syscall.Errno {
	_, _, e := syscall.Syscall6(syscall.SYS_REBOOT, m1, m2, cmd, 0, 0, 0)
	return e
}

func reboot() {
	fmt.Printf("bad magic: %d\n", rebootCall(0x1234, syscall.LINUX_REBOOT_MAGIC2, syscall.LINUX_REBOOT_CMD_POWER_OFF))
	fmt.Printf("bad magic2: %d\n", rebootCall(syscall.LINUX_REBOOT_MAGIC1, 42, syscall.LINUX_REBOOT_CMD_POWER_OFF))
	fmt.Printf("bad command: %d\n", rebootCall(syscall.LINUX_REBOOT_MAGIC1, syscall.LINUX_REBOOT_MAGIC2, 0x42))
	fmt.Printf("cad off: %d\n", rebootCall(syscall.LINUX_REBOOT_MAGIC1, syscall.LINUX_REBOOT_MAGIC2, syscall.LINUX_REBOOT_CMD_CAD_OFF))
	sleeper := exec.Command("/bin/sleep", "100")
	if err := sleeper.Start(); err != nil {
		fmt.Printf("sleep: %v\n", err)
	}
	// A child that ignores SIGTERM must be killed after the grace period.
	stubborn := exec.Command("/proc/self/exe", "stubborn")
	stubborn.Stdout = os.Stdout
	if err := stubborn.Start(); err != nil {
		fmt.Printf("stubborn: %v\n", err)
	}
	time.Sleep(300 * time.Millisecond)
	err := syscall.Reboot(syscall.LINUX_REBOOT_CMD_POWER_OFF)
	fmt.Printf("power off: %v\n", err)
	for {
		time.Sleep(time.Hour)
	}
}

func jobs() {
	signal.Ignore(syscall.SIGTTOU) // as a shell does, to take the terminal back
	child := exec.Command("/proc/self/exe", "read")
	child.Stdin, child.Stdout, child.Stderr = os.Stdin, os.Stdout, os.Stderr
	child.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := child.Start(); err != nil {
		fmt.Println("start:", err)
		os.Exit(1)
	}
	pid := child.Process.Pid
	var ws syscall.WaitStatus
	if _, err := syscall.Wait4(pid, &ws, syscall.WUNTRACED, nil); err != nil {
		fmt.Println("wait:", err)
		os.Exit(1)
	}
	if !ws.Stopped() {
		fmt.Println("background reader not stopped:", ws)
		os.Exit(1)
	}
	fmt.Printf("background job stopped by %v\n", ws.StopSignal())
	pg := int32(pid)
	if e := ioctl(0, syscall.TIOCSPGRP, unsafe.Pointer(&pg)); e != 0 {
		fmt.Println("TIOCSPGRP:", e)
	}
	syscall.Kill(-pid, syscall.SIGCONT)
	fmt.Println("foreground")
	child.Wait()
	me := int32(syscall.Getpgrp())
	if e := ioctl(0, syscall.TIOCSPGRP, unsafe.Pointer(&me)); e != 0 {
		fmt.Println("TIOCSPGRP back:", e)
	}
	fmt.Println("job done")
}
