// Package kbench carries the sources of the kernel benchmark's guest
// programs (static glibc C programs, and a Go hello world) so that
// `sos bench kernel` can build them wherever it runs.
package kbench

import "embed"

// Sources holds src/NAME.c for each C program and hello/main.go.
//
//go:embed src/*.c hello/main.go
var Sources embed.FS
