//go:build !unix

package riscv

func allocRAM(size uint64) ([]byte, error) { return make([]byte, size), nil }

func freeRAM([]byte) {}
