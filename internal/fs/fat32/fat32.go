// Package fat32 is SOS's FAT32 file system on a block device: reading and
// writing with long file names (VFAT), timestamps, subdirectories, cluster
// allocation that keeps FSInfo correct, and Mkfs to format a device.
//
// It implements the vfs interfaces and goes to the disk only through the
// block driver (package blk); it depends on nothing of the kernel. A
// corrupt disk never panics: Mount refuses what it cannot make sense of,
// and a bad directory or cluster chain found later is abi.EIO for the
// operations that touch it while the rest stays usable.
//
// Locking: one RWMutex per file system (FS.mu) guards the in-memory FAT,
// the FSInfo figures and every node's fields and directory listing.
// Reading file data takes it shared, everything else exclusive. The block
// cache has its own locks, taken inside FS.mu.
package fat32

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"sos/internal/abi"
	"sos/internal/blk"
	"sos/internal/vfs"
)

// Options configure a mount.
type Options struct {
	// CacheSize bounds the block cache in bytes; 0 means 16 MiB.
	CacheSize int64
	// UID and GID own every file (FAT has no owners).
	UID, GID uint32
	// FileMode and DirMode are the permission bits of files and
	// directories; 0 means 0755 for both. A file with the read-only
	// attribute loses its write bits.
	FileMode, DirMode uint32
	// Location is the time zone of the timestamps on disk (FAT stores
	// local time); nil means time.Local.
	Location *time.Location
	// Now returns the time for timestamps; nil means time.Now.
	Now func() time.Time
	// Dev is the device number stat reports; 0 allocates a fresh one.
	Dev uint64
}

// FS is a mounted FAT32 file system.
type FS struct {
	c      *blk.Cache
	g      geometry
	opts   Options
	dev    uint64
	label  string
	closer io.Closer // the image MountFile opened, closed by Unmount

	// mu guards everything below and every node's fields.
	mu        sync.RWMutex
	fat       []uint32 // FAT entries as on disk (upper 4 bits kept)
	fatDirty  []bool   // per FAT sector
	anyDirty  bool
	free      uint32 // free clusters
	nextFree  uint32 // where to look for free clusters first
	infoOK    bool   // FSInfo sector is valid: keep it current
	infoDirty bool   // the FSInfo figures differ from ours: rewrite
	nextIno   uint64
	root      *dir
	closed    bool
}

// geometry is what the boot sector says.
type geometry struct {
	bps        int    // bytes per sector
	spc        int    // sectors per cluster
	cs         int    // cluster size in bytes
	rsvd       int64  // reserved sectors
	nfats      int    // FAT copies
	fatSz      int64  // sectors per FAT
	activeFAT  int    // the FAT to read; -1: all mirrored
	totSec     int64  // sectors in the volume
	rootClus   uint32 // first cluster of the root directory
	fsInfo     int64  // FSInfo sector, 0 if none
	dataOff    int64  // byte offset of cluster 2
	clusters   uint32 // data clusters: valid numbers are 2..clusters+1
	fatEntries int    // entries held in memory: whole sectors covering every cluster
}

const (
	attrReadOnly = 0x01
	attrHidden   = 0x02
	attrSystem   = 0x04
	attrVolume   = 0x08
	attrDir      = 0x10
	attrArchive  = 0x20
	attrLFN      = 0x0F

	eoc      = 0x0FFFFFFF // what we write at the end of a chain
	eocMin   = 0x0FFFFFF8 // anything from here on ends a chain
	badClus  = 0x0FFFFFF7
	fatMask  = 0x0FFFFFFF
	maxFile  = 0xFFFFFFFF
	dirSlots = 65536 // a directory holds at most this many entries
)

// parseBoot checks a boot sector against the device and returns the
// geometry, or says what is wrong.
func parseBoot(b []byte, devSectors int64, devSS int) (geometry, error) {
	var g geometry
	le := binary.LittleEndian
	if len(b) < 512 {
		return g, errors.New("boot sector too short")
	}
	if b[510] != 0x55 || b[511] != 0xAA {
		return g, errors.New("no boot sector signature (0x55 0xAA)")
	}
	if b[0] != 0xEB && b[0] != 0xE9 {
		return g, fmt.Errorf("boot sector does not start with a jump (0x%02x)", b[0])
	}
	g.bps = int(le.Uint16(b[11:]))
	if g.bps != devSS {
		return g, fmt.Errorf("%d bytes per sector; the device has %d", g.bps, devSS)
	}
	g.spc = int(b[13])
	if g.spc == 0 || g.spc&(g.spc-1) != 0 {
		return g, fmt.Errorf("bad sectors per cluster %d", g.spc)
	}
	g.cs = g.bps * g.spc
	if g.cs > 64<<10 {
		return g, fmt.Errorf("cluster size %d too large", g.cs)
	}
	g.rsvd = int64(le.Uint16(b[14:]))
	if g.rsvd == 0 {
		return g, errors.New("no reserved sectors")
	}
	g.nfats = int(b[16])
	if g.nfats == 0 {
		return g, errors.New("no FATs")
	}
	if le.Uint16(b[17:]) != 0 || le.Uint16(b[22:]) != 0 {
		return g, errors.New("not FAT32 (a FAT12/16 root directory or FAT size)")
	}
	g.totSec = int64(le.Uint16(b[19:]))
	if g.totSec == 0 {
		g.totSec = int64(le.Uint32(b[32:]))
	}
	if g.totSec > devSectors {
		return g, fmt.Errorf("volume of %d sectors on a device of %d", g.totSec, devSectors)
	}
	g.fatSz = int64(le.Uint32(b[36:]))
	if g.fatSz == 0 {
		return g, errors.New("FAT size 0")
	}
	ext := le.Uint16(b[40:])
	g.activeFAT = -1
	if ext&0x80 != 0 {
		g.activeFAT = int(ext & 0x0F)
		if g.activeFAT >= g.nfats {
			return g, fmt.Errorf("active FAT %d of %d", g.activeFAT, g.nfats)
		}
	}
	if v := le.Uint16(b[42:]); v != 0 {
		return g, fmt.Errorf("FAT32 version %d.%d not supported", v>>8, v&0xFF)
	}
	g.rootClus = le.Uint32(b[44:])
	g.fsInfo = int64(le.Uint16(b[48:]))
	if g.fsInfo >= g.rsvd {
		g.fsInfo = 0
	}
	dataSec := g.rsvd + int64(g.nfats)*g.fatSz
	if dataSec >= g.totSec {
		return g, errors.New("no room for data after the FATs")
	}
	g.dataOff = dataSec * int64(g.bps)
	nc := (g.totSec - dataSec) / int64(g.spc)
	if nc < 1 || nc > 0x0FFFFFF5 {
		return g, fmt.Errorf("%d clusters: not a FAT32 volume", nc)
	}
	g.clusters = uint32(nc)
	if g.fatSz*int64(g.bps)/4 < int64(g.clusters)+2 {
		return g, fmt.Errorf("FAT of %d entries for %d clusters", g.fatSz*int64(g.bps)/4, g.clusters)
	}
	// Only the sectors that describe clusters are read (a FAT may be
	// larger than its volume needs).
	per := int64(g.bps / 4)
	g.fatEntries = int((int64(g.clusters) + 2 + per - 1) / per * per)
	if g.rootClus < 2 || g.rootClus >= g.clusters+2 {
		return g, fmt.Errorf("root directory cluster %d out of range", g.rootClus)
	}
	return g, nil
}

// Mount reads the file system on dev. It starts a block driver (a cache)
// for it; Unmount stops it. The device must stay open while mounted.
func Mount(dev blk.Device, opts Options) (*FS, error) {
	if opts.Location == nil {
		opts.Location = time.Local
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.FileMode == 0 {
		opts.FileMode = 0o755
	}
	if opts.DirMode == 0 {
		opts.DirMode = 0o755
	}
	ss := dev.SectorSize()
	if dev.Sectors() < 1 {
		return nil, errors.New("fat32: empty device")
	}
	boot := make([]byte, ss)
	if err := dev.ReadSectors(boot, 0); err != nil {
		return nil, fmt.Errorf("fat32: reading the boot sector: %w", err)
	}
	g, err := parseBoot(boot, dev.Sectors(), ss)
	if err != nil {
		return nil, fmt.Errorf("fat32: not a FAT32 file system: %w", err)
	}
	c, err := blk.NewCache(dev, blk.CacheOptions{Size: opts.CacheSize})
	if err != nil {
		return nil, err
	}
	fs := &FS{c: c, g: g, opts: opts, dev: opts.Dev}
	if fs.dev == 0 {
		fs.dev = vfs.NewAnonDev()
	}
	if string(boot[82:90]) == "FAT32   " || boot[66] == 0x29 {
		fs.label = string(boot[71:82])
	}
	if err := fs.loadFAT(); err != nil {
		c.Close()
		return nil, err
	}
	fs.loadInfo()
	fs.root = &dir{}
	fs.root.fs = fs
	fs.root.ino = 1
	fs.root.isDir = true
	fs.root.first = g.rootClus
	fs.root.attr = attrDir
	fs.nextIno = 1
	// The root must at least be readable, or there is nothing to mount.
	if err := fs.root.load(); err != nil {
		c.Close()
		return nil, fmt.Errorf("fat32: root directory: %w", err)
	}
	return fs, nil
}

// MountFile opens the disk image at path (512-byte sectors) and mounts
// it; Unmount also closes the image. This is what `sos run -disk FILE`
// needs.
func MountFile(path string, opts Options) (*FS, error) {
	dev, err := blk.OpenFile(path, 512, false)
	if err != nil {
		return nil, fmt.Errorf("fat32: %w", err)
	}
	fs, err := Mount(dev, opts)
	if err != nil {
		dev.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	fs.closer = dev
	return fs, nil
}

// MkfsFile creates (or replaces) the image file at path with size bytes
// and formats it: what `sos mkfs` needs.
func MkfsFile(path string, size int64, opts MkfsOptions) error {
	dev, err := blk.CreateFile(path, size, 512)
	if err != nil {
		return fmt.Errorf("fat32: mkfs: %w", err)
	}
	err = Mkfs(dev, opts)
	if cerr := dev.Close(); err == nil {
		err = cerr
	}
	return err
}

// loadFAT reads the FAT into memory and counts the free clusters.
func (fs *FS) loadFAT() error {
	g := &fs.g
	raw := make([]byte, g.fatEntries*4)
	if err := fs.c.ReadAt(raw, fs.fatOff(max(g.activeFAT, 0))); err != nil {
		return fmt.Errorf("fat32: reading the FAT: %w", err)
	}
	fs.fat = make([]uint32, g.fatEntries)
	for i := range fs.fat {
		fs.fat[i] = binary.LittleEndian.Uint32(raw[i*4:])
	}
	fs.fatDirty = make([]bool, g.fatEntries*4/g.bps)
	for c := uint32(2); c < g.clusters+2; c++ {
		if fs.fat[c]&fatMask == 0 {
			fs.free++
		}
	}
	fs.nextFree = 2
	return nil
}

// loadInfo reads the FSInfo sector's hint. Its free count is only a hint
// too: the count from the FAT is the truth, and is written back on sync.
func (fs *FS) loadInfo() {
	if fs.g.fsInfo == 0 {
		return
	}
	b := make([]byte, fs.g.bps)
	if fs.c.ReadAt(b, fs.g.fsInfo*int64(fs.g.bps)) != nil {
		return
	}
	le := binary.LittleEndian
	if le.Uint32(b[0:]) != 0x41615252 || le.Uint32(b[484:]) != 0x61417272 || le.Uint32(b[508:]) != 0xAA550000 {
		return
	}
	fs.infoOK = true
	if n := le.Uint32(b[492:]); n >= 2 && n < fs.g.clusters+2 {
		fs.nextFree = n
	}
	if le.Uint32(b[488:]) != fs.free {
		fs.infoDirty = true
	}
}

func (fs *FS) fatOff(i int) int64 {
	return (fs.g.rsvd + int64(i)*fs.g.fatSz) * int64(fs.g.bps)
}

// clusterOff is the device offset of cluster c.
func (fs *FS) clusterOff(c uint32) int64 {
	return fs.g.dataOff + int64(c-2)*int64(fs.g.cs)
}

func (fs *FS) validCluster(c uint32) bool { return c >= 2 && c < fs.g.clusters+2 }

// setFAT sets entry c to v, keeping the reserved upper bits.
func (fs *FS) setFAT(c, v uint32) {
	fs.fat[c] = fs.fat[c]&^fatMask | v&fatMask
	s := int64(c) * 4 / int64(fs.g.bps)
	fs.fatDirty[s] = true
	fs.anyDirty = true
}

// chain returns the clusters of the chain starting at first: abi.EIO if
// it leaves the volume, meets a free or bad cluster, or loops.
func (fs *FS) chain(first uint32) ([]uint32, error) {
	if first == 0 {
		return nil, nil
	}
	var cs []uint32
	for c := first; ; {
		if !fs.validCluster(c) || uint32(len(cs)) >= fs.g.clusters {
			return nil, abi.EIO
		}
		cs = append(cs, c)
		v := fs.fat[c] & fatMask
		if v >= eocMin {
			return cs, nil
		}
		c = v
	}
}

// alloc takes n free clusters, preferably right after prev (0: anywhere),
// links them into a chain ending in EOC and links prev to it.
func (fs *FS) alloc(n int, prev uint32) ([]uint32, error) {
	if n <= 0 {
		return nil, nil
	}
	if uint32(n) > fs.free {
		return nil, abi.ENOSPC
	}
	out := make([]uint32, 0, n)
	start := fs.nextFree
	if prev != 0 && prev+1 < fs.g.clusters+2 {
		start = prev + 1
	}
	c := start
	for scanned := uint32(0); len(out) < n; scanned++ {
		if scanned >= fs.g.clusters {
			return nil, abi.EIO // the free count was wrong
		}
		if !fs.validCluster(c) {
			c = 2
		}
		if fs.fat[c]&fatMask == 0 {
			out = append(out, c)
		}
		c++
	}
	for i, c := range out {
		if i+1 < len(out) {
			fs.setFAT(c, out[i+1])
		} else {
			fs.setFAT(c, eoc)
		}
	}
	if prev != 0 {
		fs.setFAT(prev, out[0])
	}
	fs.free -= uint32(n)
	fs.nextFree = out[n-1] + 1
	if !fs.validCluster(fs.nextFree) {
		fs.nextFree = 2
	}
	return out, nil
}

// freeClusters returns clusters to the free pool.
func (fs *FS) freeClusters(cs []uint32) {
	for _, c := range cs {
		if fs.fat[c]&fatMask != 0 {
			fs.setFAT(c, 0)
			fs.free++
		}
	}
}

// zeroClusters writes zeros over whole clusters.
func (fs *FS) zeroClusters(cs []uint32) error {
	z := make([]byte, fs.g.cs)
	for _, c := range cs {
		if err := fs.c.WriteAt(z, fs.clusterOff(c)); err != nil {
			return abi.EIO
		}
	}
	return nil
}

// writeMeta writes the dirty FAT sectors (to every FAT copy) and the
// FSInfo figures into the cache. The caller holds mu.
func (fs *FS) writeMeta() error {
	g := &fs.g
	if fs.anyDirty {
		buf := make([]byte, 0, 64<<10)
		flush := func(start int64) error {
			if len(buf) == 0 {
				return nil
			}
			for i := range g.nfats {
				if g.activeFAT >= 0 && i != g.activeFAT {
					continue
				}
				if err := fs.c.WriteAt(buf, fs.fatOff(i)+start*int64(g.bps)); err != nil {
					return abi.EIO
				}
			}
			buf = buf[:0]
			return nil
		}
		per := g.bps / 4
		start := int64(-1)
		for s := int64(0); s < int64(len(fs.fatDirty)); s++ {
			if !fs.fatDirty[s] || len(buf) >= 64<<10 {
				if err := flush(start); err != nil {
					return err
				}
				start = -1
			}
			if !fs.fatDirty[s] {
				continue
			}
			if start < 0 {
				start = s
			}
			for _, v := range fs.fat[s*int64(per) : (s+1)*int64(per)] {
				buf = binary.LittleEndian.AppendUint32(buf, v)
			}
			fs.fatDirty[s] = false
		}
		if err := flush(start); err != nil {
			return err
		}
		fs.anyDirty = false
		fs.infoDirty = true
	}
	if fs.infoOK && fs.infoDirty {
		var b [8]byte
		binary.LittleEndian.PutUint32(b[0:], fs.free)
		binary.LittleEndian.PutUint32(b[4:], fs.nextFree)
		if err := fs.c.WriteAt(b[:], fs.g.fsInfo*int64(fs.g.bps)+488); err != nil {
			return abi.EIO
		}
		fs.infoDirty = false
	}
	return nil
}

// writeBack puts every change on the device (not necessarily durable):
// what close does. The caller holds mu.
func (fs *FS) writeBack() error {
	if fs.closed {
		return abi.EIO
	}
	if err := fs.writeMeta(); err != nil {
		return err
	}
	if err := fs.c.WriteBack(); err != nil {
		return abi.EIO
	}
	return nil
}

// Sync writes every change to the device and makes it durable.
func (fs *FS) Sync() error {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.closed {
		return abi.EIO
	}
	if err := fs.writeMeta(); err != nil {
		return err
	}
	if err := fs.c.Flush(); err != nil {
		return abi.EIO
	}
	return nil
}

// Unmount syncs and stops the block driver. Every later operation on the
// file system's nodes is abi.EIO.
func (fs *FS) Unmount() error {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.closed {
		return nil
	}
	err := fs.writeMeta()
	if cerr := fs.c.Close(); err == nil && cerr != nil {
		err = abi.EIO
	}
	if fs.closer != nil {
		if cerr := fs.closer.Close(); err == nil && cerr != nil {
			err = abi.EIO
		}
	}
	fs.closed = true
	return err
}

// Root is the root directory.
func (fs *FS) Root() vfs.Node { return fs.root }

// Stats are the figures statfs reports.
type Stats struct {
	ClusterSize int
	Clusters    uint32
	Free        uint32
}

// Stats returns the volume's size and free space.
func (fs *FS) Stats() Stats {
	fs.mu.RLock()
	defer fs.mu.RUnlock()
	return Stats{ClusterSize: fs.g.cs, Clusters: fs.g.clusters, Free: fs.free}
}

// CacheStats returns the block cache's counters.
func (fs *FS) CacheStats() blk.Stats { return fs.c.Stats() }

// StatFS reports the volume's size and free space (statfs(2)); with Sync,
// it makes an FS the vfs.FileSystem of its mount.
func (fs *FS) StatFS() (vfs.StatFS, error) {
	s := fs.Stats()
	return vfs.StatFS{
		Type:        0x4d44, // MSDOS_SUPER_MAGIC
		BlockSize:   int64(s.ClusterSize),
		Blocks:      uint64(s.Clusters),
		BlocksFree:  uint64(s.Free),
		BlocksAvail: uint64(s.Free),
		NameLen:     255,
	}, nil
}

var _ vfs.FileSystem = (*FS)(nil)
