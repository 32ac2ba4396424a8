// Package blk is SOS's block layer: the Device interface a disk offers
// (whole sectors in, whole sectors out), a backend on a host image file,
// and the driver every file system on a disk goes through, a Cache: a
// bounded write-back buffer cache in front of a request queue served by a
// few I/O goroutines.
//
// It knows nothing of file systems, of the kernel or of the CPU; a caller
// waiting for the disk blocks only its own goroutine.
package blk

import (
	"errors"
	"fmt"
	"os"
	"sync"
)

// Device is a disk: an array of fixed-size sectors.
type Device interface {
	// SectorSize is the size of a sector in bytes (a power of two, at
	// least 512).
	SectorSize() int
	// Sectors is the number of sectors.
	Sectors() int64
	// ReadSectors fills p, a whole number of sectors, from sector on.
	ReadSectors(p []byte, sector int64) error
	// WriteSectors writes p, a whole number of sectors, from sector on.
	WriteSectors(p []byte, sector int64) error
	// Flush makes every completed write durable.
	Flush() error
}

// VecWriter is a Device that writes several buffers to consecutive
// sectors in one request (pwritev), which lets the cache write back
// blocks without first copying them together.
type VecWriter interface {
	WriteSectorsVec(bufs [][]byte, sector int64) error
}

// ErrRange is returned for a request outside the device or not made of
// whole sectors.
var ErrRange = errors.New("blk: request outside the device or not whole sectors")

func checkRange(d Device, n int, sector int64) error {
	ss := d.SectorSize()
	if n%ss != 0 || sector < 0 || sector > d.Sectors() || int64(n/ss) > d.Sectors()-sector {
		return ErrRange
	}
	return nil
}

// File is a Device on a host image file. Its reads and writes are pread
// and pwrite, so any number may run at once.
type File struct {
	f       *os.File
	ss      int
	sectors int64
}

var _ Device = (*File)(nil)

// OpenFile opens the image file at path as a device of sectorSize-byte
// sectors (0 means 512), read-only if readOnly. A trailing partial
// sector is ignored.
func OpenFile(path string, sectorSize int, readOnly bool) (*File, error) {
	if sectorSize == 0 {
		sectorSize = 512
	}
	if sectorSize < 512 || sectorSize&(sectorSize-1) != 0 {
		return nil, fmt.Errorf("blk: sector size %d: want a power of two of at least 512", sectorSize)
	}
	flag := os.O_RDWR
	if readOnly {
		flag = os.O_RDONLY
	}
	f, err := os.OpenFile(path, flag, 0)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("blk: %s is not a regular file", path)
	}
	return &File{f: f, ss: sectorSize, sectors: st.Size() / int64(sectorSize)}, nil
}

// CreateFile makes (or truncates) the image file at path with size bytes,
// sparse, and opens it as a device: what `sos mkfs` formats.
func CreateFile(path string, size int64, sectorSize int) (*File, error) {
	if size <= 0 {
		return nil, fmt.Errorf("blk: image size %d", size)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	err = f.Truncate(size)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	return OpenFile(path, sectorSize, false)
}

func (d *File) SectorSize() int { return d.ss }
func (d *File) Sectors() int64  { return d.sectors }

func (d *File) ReadSectors(p []byte, sector int64) error {
	if err := checkRange(d, len(p), sector); err != nil {
		return err
	}
	_, err := d.f.ReadAt(p, sector*int64(d.ss))
	return err
}

func (d *File) WriteSectors(p []byte, sector int64) error {
	if err := checkRange(d, len(p), sector); err != nil {
		return err
	}
	_, err := d.f.WriteAt(p, sector*int64(d.ss))
	return err
}

func (d *File) Flush() error { return d.f.Sync() }

// Close closes the image file.
func (d *File) Close() error { return d.f.Close() }

// Mem is a Device in memory, for tests.
type Mem struct {
	mu   sync.RWMutex
	ss   int
	data []byte
}

var _ Device = (*Mem)(nil)

// NewMem returns a zeroed in-memory device.
func NewMem(sectorSize int, sectors int64) *Mem {
	return &Mem{ss: sectorSize, data: make([]byte, int64(sectorSize)*sectors)}
}

// NewMemFrom returns an in-memory device holding a copy of image (a
// trailing partial sector is dropped).
func NewMemFrom(sectorSize int, image []byte) *Mem {
	n := len(image) / sectorSize * sectorSize
	return &Mem{ss: sectorSize, data: append([]byte(nil), image[:n]...)}
}

func (m *Mem) SectorSize() int { return m.ss }
func (m *Mem) Sectors() int64  { return int64(len(m.data) / m.ss) }

func (m *Mem) ReadSectors(p []byte, sector int64) error {
	if err := checkRange(m, len(p), sector); err != nil {
		return err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	copy(p, m.data[sector*int64(m.ss):])
	return nil
}

func (m *Mem) WriteSectors(p []byte, sector int64) error {
	if err := checkRange(m, len(p), sector); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	copy(m.data[sector*int64(m.ss):], p)
	return nil
}

func (m *Mem) Flush() error { return nil }

// Bytes returns a copy of the device's contents.
func (m *Mem) Bytes() []byte {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return append([]byte(nil), m.data...)
}
