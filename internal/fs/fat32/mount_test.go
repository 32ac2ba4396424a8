package fat32_test

import (
	"path/filepath"
	"testing"

	"sos/internal/abi"
	"sos/internal/fs/fat32"
	"sos/internal/fs/tmpfs"
	"sos/internal/vfs"
)

// TestMountAtDisk is the wiring `sos run -disk FILE.img` needs: an image
// made by MkfsFile, mounted with MountFile at /disk of a namespace, used
// through paths, unmounted; then the host tools agree.
func TestMountAtDisk(t *testing.T) {
	img := filepath.Join(t.TempDir(), "disk.img")
	if err := fat32.MkfsFile(img, 40<<20, fat32.MkfsOptions{Label: "SOS"}); err != nil {
		t.Fatal(err)
	}
	fs, err := fat32.MountFile(img, fat32.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ns := vfs.NewNamespace(tmpfs.New(tmpfs.Options{}), "tmpfs")
	fsc := vfs.NewFSContext(ns.Root(), ns.Root(), 0o022)
	fsc.SetCreds(vfs.RootCreds)
	mustOK(t, "mkdir /disk", ns.Mkdir(ctx, fsc, nil, "/disk", 0o755))
	at, err := ns.Resolve(ctx, fsc, nil, "/disk", vfs.ResolveFlags(0))
	mustOK(t, "resolve /disk", err)
	mustOK(t, "mount", ns.Mount(ctx, at, fs.Root(), "vfat"))
	mustOK(t, "mkdir", ns.Mkdir(ctx, fsc, nil, "/disk/home", 0o755))
	writeFile(t, ns, fsc, "/disk/home/hello.txt", []byte("hello from SOS\n"))
	if _, err := ns.Open(ctx, fsc, nil, "/disk/nope", abi.O_RDONLY, 0); err != abi.ENOENT {
		t.Errorf("open missing = %v", err)
	}
	mustOK(t, "unmount", fs.Unmount())
	if _, err := ns.Open(ctx, fsc, nil, "/disk/home/hello.txt", abi.O_RDONLY, 0); err != abi.EIO {
		t.Errorf("open after unmount = %v, want EIO", err)
	}
	checkWithMtools(t, img, model{"home": nil, "home/hello.txt": []byte("hello from SOS\n")})
	if _, err := fat32.MountFile(filepath.Join(t.TempDir(), "missing.img"), fat32.Options{}); err == nil {
		t.Error("mounted a missing image")
	}
}
