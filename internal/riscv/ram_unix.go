//go:build unix

package riscv

import "syscall"

// allocRAM maps size bytes of zeroed anonymous memory. The host gives
// pages lazily, so a large guest RAM costs only what the guest touches.
func allocRAM(size uint64) ([]byte, error) {
	return syscall.Mmap(-1, 0, int(size), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
}

func freeRAM(b []byte) { syscall.Munmap(b) }
