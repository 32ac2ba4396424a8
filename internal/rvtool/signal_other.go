//go:build !unix

package rvtool

import "os/exec"

func signalOf(*exec.ExitError) int { return 0 }
