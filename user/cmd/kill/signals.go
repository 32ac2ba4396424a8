package main

import "syscall"

// names are the signals by number, as kill -l lists them.
var names = []string{
	1: "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM",
	"TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF",
	"WINCH", "POLL", "PWR", "SYS",
}

// aliases are other names for the same signals.
var aliases = map[string]syscall.Signal{"IOT": syscall.SIGABRT, "IO": syscall.SIGIO, "CLD": syscall.SIGCHLD}
