package fat32

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"sos/internal/blk"
)

// MkfsOptions configure Mkfs.
type MkfsOptions struct {
	// Label is the volume label (up to 11 characters); "" means NO NAME.
	Label string
	// ClusterSize in bytes; 0 chooses by the volume's size as mkfs.fat
	// and Windows do.
	ClusterSize int
	// VolumeID is the serial number; 0 derives one from the time.
	VolumeID uint32
}

const (
	mkfsReserved = 32
	mkfsFATs     = 2
	minClusters  = 65525 // fewer and it is not FAT32 by the specification
)

// Mkfs formats dev as an empty FAT32 file system, laid out as mkfs.fat
// lays it out: 32 reserved sectors holding the boot sector (and its
// backup at sector 6) and the FSInfo sector, two FATs, the root
// directory in cluster 2.
func Mkfs(dev blk.Device, opts MkfsOptions) error {
	bps := dev.SectorSize()
	if bps < 512 || bps > 4096 {
		return fmt.Errorf("fat32: mkfs: sector size %d not supported", bps)
	}
	total := dev.Sectors()
	if total > 0xFFFFFFFF {
		total = 0xFFFFFFFF
	}
	size := total * int64(bps)
	cs := opts.ClusterSize
	if cs == 0 {
		switch {
		case size <= 260<<20:
			cs = 512
		case size <= 8<<30:
			cs = 4096
		case size <= 16<<30:
			cs = 8192
		case size <= 32<<30:
			cs = 16384
		default:
			cs = 32768
		}
		cs = max(cs, bps)
	}
	if cs < bps || cs%bps != 0 || cs/bps > 128 || (cs/bps)&(cs/bps-1) != 0 {
		return fmt.Errorf("fat32: mkfs: bad cluster size %d", cs)
	}
	spc := int64(cs / bps)
	// The FAT must hold an entry for every cluster plus two; clusters are
	// what remains after the FATs. Iterate to the fixed point.
	var fatSz, clusters int64
	fatSz = 1
	for {
		clusters = (total - mkfsReserved - mkfsFATs*fatSz) / spc
		need := ((clusters+2)*4 + int64(bps) - 1) / int64(bps)
		if need <= fatSz {
			break
		}
		fatSz = need
	}
	if clusters < minClusters {
		return fmt.Errorf("fat32: mkfs: %d clusters of %d bytes: FAT32 needs at least %d (device too small; need about %d MiB)",
			clusters, cs, minClusters, (minClusters*int64(max(cs, 512))+(1<<20)-1)>>20+1)
	}
	if clusters > 0x0FFFFFF5 {
		return errors.New("fat32: mkfs: too many clusters: use a larger cluster size")
	}
	le := binary.LittleEndian
	boot := make([]byte, bps)
	copy(boot, []byte{0xEB, 0x58, 0x90})
	copy(boot[3:11], "mkfs.fat")
	le.PutUint16(boot[11:], uint16(bps))
	boot[13] = byte(spc)
	le.PutUint16(boot[14:], mkfsReserved)
	boot[16] = mkfsFATs
	boot[21] = 0xF8             // fixed disk
	le.PutUint16(boot[24:], 32) // sectors per track, heads: CHS is unused
	le.PutUint16(boot[26:], 64)
	le.PutUint32(boot[32:], uint32(total))
	le.PutUint32(boot[36:], uint32(fatSz))
	le.PutUint32(boot[44:], 2) // root directory cluster
	le.PutUint16(boot[48:], 1) // FSInfo sector
	le.PutUint16(boot[50:], 6) // backup boot sector
	boot[64] = 0x80
	boot[66] = 0x29
	id := opts.VolumeID
	if id == 0 {
		id = uint32(time.Now().UnixNano()>>10) | 1
	}
	le.PutUint32(boot[67:], id)
	label := strings.ToUpper(opts.Label)
	if label == "" {
		label = "NO NAME"
	}
	if len(label) > 11 {
		label = label[:11]
	}
	copy(boot[71:82], fmt.Sprintf("%-11s", label))
	copy(boot[82:90], "FAT32   ")
	// A boot sector that boots nothing: "jmp $" after the jump target.
	boot[90], boot[91] = 0xEB, 0xFE
	boot[510], boot[511] = 0x55, 0xAA

	info := make([]byte, bps)
	le.PutUint32(info[0:], 0x41615252)
	le.PutUint32(info[484:], 0x61417272)
	le.PutUint32(info[488:], uint32(clusters-1)) // all but the root's cluster
	le.PutUint32(info[492:], 3)
	le.PutUint32(info[508:], 0xAA550000)

	// The reserved sectors, zeroed, with the boot sector, FSInfo and
	// their backups at 6 and 7.
	rsv := make([]byte, mkfsReserved*bps)
	copy(rsv, boot)
	copy(rsv[bps:], info)
	copy(rsv[6*bps:], boot)
	copy(rsv[7*bps:], info)
	// mkfs.fat ends the third sector (and its backup) with the signature.
	for _, s := range []int{2, 8} {
		rsv[s*bps+510], rsv[s*bps+511] = 0x55, 0xAA
	}
	if err := dev.WriteSectors(rsv, 0); err != nil {
		return fmt.Errorf("fat32: mkfs: %w", err)
	}
	// The FATs: entries 0 and 1 reserved, 2 the root's end of chain.
	chunk := make([]byte, 64*bps)
	for i := range int64(mkfsFATs) {
		start := mkfsReserved + i*fatSz
		for s := int64(0); s < fatSz; s += int64(len(chunk) / bps) {
			n := min(int64(len(chunk)/bps), fatSz-s)
			clear(chunk)
			if s == 0 {
				le.PutUint32(chunk[0:], 0x0FFFFFF8)
				le.PutUint32(chunk[4:], 0x0FFFFFFF)
				le.PutUint32(chunk[8:], eoc)
			}
			if err := dev.WriteSectors(chunk[:n*int64(bps)], start+s); err != nil {
				return fmt.Errorf("fat32: mkfs: %w", err)
			}
		}
	}
	// The root directory: one zeroed cluster.
	root := make([]byte, cs)
	if label != "NO NAME" {
		// fsck.fat wants the label in the root directory too.
		copy(root[0:11], boot[71:82])
		root[11] = attrVolume
		now := time.Now().UTC()
		d := uint16(now.Year()-1980)<<9 | uint16(now.Month())<<5 | uint16(now.Day())
		t := uint16(now.Hour())<<11 | uint16(now.Minute())<<5 | uint16(now.Second()/2)
		le.PutUint16(root[22:], t)
		le.PutUint16(root[24:], d)
	}
	if err := dev.WriteSectors(root, mkfsReserved+mkfsFATs*fatSz); err != nil {
		return fmt.Errorf("fat32: mkfs: %w", err)
	}
	return dev.Flush()
}
