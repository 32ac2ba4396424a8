package main

import (
	"syscall"
	"time"
)

func timespec(ts syscall.Timespec) time.Time { return time.Unix(ts.Sec, ts.Nsec) }
