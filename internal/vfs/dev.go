package vfs

import "sync/atomic"

// Mkdev returns the device number for major:minor in the encoding stat(2)
// reports (glibc's makedev): the low 8 bits of the minor, then 12 bits of
// major, then the rest of the minor, then the rest of the major.
func Mkdev(major, minor uint32) uint64 {
	ma, mi := uint64(major), uint64(minor)
	return (ma&0xfffff000)<<32 | (ma&0xfff)<<8 | (mi&0xffffff00)<<12 | mi&0xff
}

// Major returns the major number of a device number made by Mkdev.
func Major(dev uint64) uint32 {
	return uint32((dev>>32)&0xfffff000 | (dev>>8)&0xfff)
}

// Minor returns the minor number of a device number made by Mkdev.
func Minor(dev uint64) uint32 {
	return uint32((dev>>12)&0xffffff00 | dev&0xff)
}

var lastAnonMinor atomic.Uint32

// NewAnonDev returns a device number no other caller gets, for a file
// system that has no device of its own (tmpfs, procfs, pipes): major 0 and
// a fresh minor, as Linux's get_anon_bdev gives.
func NewAnonDev() uint64 {
	return Mkdev(0, 16+lastAnonMinor.Add(1))
}
