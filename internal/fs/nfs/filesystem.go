package nfs

import "sos/internal/vfs"

// StatFS is Statfs for the VFS: with Sync, it makes an FS the
// vfs.FileSystem of its mount (statfs(2), sync(2), syncfs(2)).
func (fs *FS) StatFS() (vfs.StatFS, error) {
	s, err := fs.Statfs()
	if err != nil {
		return vfs.StatFS{}, err
	}
	return vfs.StatFS{
		Type:      0x6969, // NFS_SUPER_MAGIC
		BlockSize: s.Bsize, Blocks: s.Blocks, BlocksFree: s.Bfree, BlocksAvail: s.Bavail,
		Files: s.Files, FilesFree: s.Ffree, NameLen: int64(s.NameMax),
	}, nil
}

var _ vfs.FileSystem = (*FS)(nil)
