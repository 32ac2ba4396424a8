// Package cpubench carries the sources of the CPU benchmark's guest
// workloads (freestanding riscv64 C programs) so that `sos bench cpu` can
// build them wherever it runs.
package cpubench

import "embed"

// Sources holds one src/NAME.c per C workload, and NAME/main.go for the Go
// workloads (gowork, gosched).
//
//go:embed src/*.c gowork/main.go gosched/main.go
var Sources embed.FS

// Workloads lists the workloads in the order the benchmark runs them.
var Workloads = []string{"sha256", "crc32", "qsort", "hashtable", "intloop", "fploop", "memops", "gowork", "gosched"}
