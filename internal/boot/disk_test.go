package boot_test

// A FAT32 image attached with Config.Disks: files the host put there with
// mtools are read in SOS, what SOS writes is read back byte-identical by
// mtools, and fsck.fat finds the volume clean after the system is closed.

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sos/internal/boot"
	"sos/internal/fs/fat32"
)

func TestDiskImage(t *testing.T) {
	for _, tool := range []string{"mcopy", "mtype", "fsck.fat"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing (Debian packages mtools, dosfstools; ./test.sh installs them): %v", tool, err)
		}
	}
	dir := t.TempDir()
	img := filepath.Join(dir, "disk.img")
	if err := fat32.MkfsFile(img, 40<<20, fat32.MkfsOptions{Label: "SOSTEST"}); err != nil {
		t.Fatal(err)
	}
	hostFile := filepath.Join(dir, "host.txt")
	if err := os.WriteFile(hostFile, []byte("made on the host\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mcopy", "-i", img, hostFile, "::/From The Host.txt").CombinedOutput(); err != nil {
		t.Fatalf("mcopy: %v\n%s", err, out)
	}

	var stdout, stderr syncBuffer
	s, err := boot.New(boot.Config{
		Harts: 2, MemSize: 128 << 20, Cwd: "/tmp",
		Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Log: &stderr,
		Disks: []boot.Disk{{Image: img, At: "/tmp/disk"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	script := `cat "/tmp/disk/From The Host.txt"
mkdir -p "/tmp/disk/a dir/sub"
echo 'written by SOS' > "/tmp/disk/a dir/sub/A Long File Name.txt"
echo one > /tmp/disk/f1; echo two > /tmp/disk/f2; mv /tmp/disk/f2 "/tmp/disk/a dir/moved"; rm /tmp/disk/f1
grep vfat /proc/mounts`
	status, err := s.Run("/bin/sosh", []string{"sosh", "-c", script}, []string{"PATH=/bin"})
	s.Close() // unmounts: everything reaches the image
	if err != nil {
		t.Fatal(err)
	}
	out := stdout.Take()
	if status != 0 || !strings.HasPrefix(out, "made on the host\n") || !strings.Contains(out, "/tmp/disk vfat rw") {
		t.Fatalf("status %#x\nstdout:\n%s\nstderr:\n%s", status, out, stderr.Take())
	}
	for name, want := range map[string]string{
		"::/a dir/sub/A Long File Name.txt": "written by SOS\n",
		"::/a dir/moved":                    "two\n",
		"::/From The Host.txt":              "made on the host\n",
	} {
		got, err := exec.Command("mtype", "-i", img, name).Output()
		if err != nil || !bytes.Equal(got, []byte(want)) {
			t.Errorf("mtype %s: %q, %v; want %q", name, got, err, want)
		}
	}
	if out, err := exec.Command("mtype", "-i", img, "::/f1").CombinedOutput(); err == nil {
		t.Errorf("::/f1 survived rm: %s", out)
	}
	if out, err := exec.Command("fsck.fat", "-n", img).CombinedOutput(); err != nil {
		t.Errorf("fsck.fat -n: %v\n%s", err, out)
	}
}

func TestDiskImageRefused(t *testing.T) {
	img := filepath.Join(t.TempDir(), "junk.img")
	if err := os.WriteFile(img, bytes.Repeat([]byte{0xe5}, 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := boot.New(boot.Config{Harts: 1, MemSize: 64 << 20, Disks: []boot.Disk{{Image: img, At: "/tmp/disk"}}})
	if err == nil || !strings.Contains(err.Error(), "junk.img") {
		t.Fatalf("boot with a junk disk: %v, want an error naming it", err)
	}
}
