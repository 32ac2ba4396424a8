package boot

import (
	"errors"
	"fmt"
	"os"

	"sos/internal/abi"
	"sos/internal/fs/fat32"
	"sos/internal/vfs"
)

// userID is the uid and gid SOS runs programs as; file systems without
// owners (FAT32) give it their files, as Linux's vfat does with uid=.
const userID = 1000

// A Disk is a disk image attached to SOS as a block device and mounted:
// a FAT32 volume (made by mkfs.fat or `sos mkfs`).
type Disk struct {
	Image string // the host file holding the image
	At    string // where it is mounted in SOS; default /disk
}

// mountDisks attaches and mounts cfg.Disks. A volume that cannot be
// mounted (not FAT32, corrupt beyond use) fails the boot with the reason.
func (s *System) mountDisks(fsctx *vfs.FSContext) error {
	for _, d := range s.cfg.Disks {
		at := d.At
		if at == "" {
			at = "/disk"
		}
		if _, err := os.Stat(d.Image); err != nil {
			return fmt.Errorf("boot: disk %s: %v", d.Image, err)
		}
		fs, err := fat32.MountFile(d.Image, fat32.Options{UID: userID, GID: userID})
		if err != nil {
			return fmt.Errorf("boot: disk %s: %v", d.Image, err)
		}
		if err := s.mountAt(fsctx, at, fs.Root(), "vfat", "disk:"+d.Image, fs); err != nil {
			fs.Unmount()
			return err
		}
		s.addRelease("unmount "+at, fs.Unmount)
	}
	return nil
}

// mountAt mounts root at path, making the mount point if it is missing.
func (s *System) mountAt(fsctx *vfs.FSContext, path string, root vfs.Node, fsType, source string, fs vfs.FileSystem, opts ...vfs.MountOption) error {
	ns := s.Kernel.Namespace()
	ctx := bootContext{}
	err := ns.Mkdir(ctx, fsctx, nil, path, 0o755)
	if errors.Is(err, abi.EROFS) {
		if _, serr := ns.Stat(ctx, fsctx, nil, path, true); serr != nil {
			return fmt.Errorf("boot: cannot mount at %s: it is missing and its parent is read-only (mount under /tmp instead)", path)
		}
	} else if err != nil && !errors.Is(err, abi.EEXIST) {
		return fmt.Errorf("boot: making %s: %v", path, err)
	}
	at, err := ns.Resolve(ctx, fsctx, nil, path, vfs.FollowFinal|vfs.MustBeDir)
	if err != nil {
		return fmt.Errorf("boot: %s: %v", path, err)
	}
	opts = append(opts, vfs.Source(source))
	if fs != nil {
		opts = append(opts, vfs.WithFileSystem(fs))
	}
	if err := ns.Mount(ctx, at, root, fsType, opts...); err != nil {
		return fmt.Errorf("boot: mounting %s: %v", path, err)
	}
	s.mounts = append(s.mounts, path+" ("+fsType+", "+source+")")
	return nil
}

// addRelease adds fn to what release runs: the file systems' unmounts,
// which write back what they hold.
func (s *System) addRelease(name string, fn func() error) {
	s.hookMu.Lock()
	defer s.hookMu.Unlock()
	s.releases = append(s.releases, shutdownHook{name, fn})
}

// release unmounts the file systems (once): after Shutdown's hooks, or at
// Close when the system ran programs without a shutdown. Errors are
// logged; nothing a program wrote and closed is lost either way, since
// the file systems write through on close.
func (s *System) release() {
	s.releaseOnce.Do(func() {
		s.hookMu.Lock()
		rs := s.releases
		s.hookMu.Unlock()
		for i := len(rs) - 1; i >= 0; i-- {
			if err := rs[i].fn(); err != nil {
				fmt.Fprintf(s.cfg.Log, "sos: %s: %v\n", rs[i].name, err)
			}
		}
	})
}
