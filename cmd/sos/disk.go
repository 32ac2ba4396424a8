package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"sos/internal/boot"
	"sos/internal/fs/fat32"
)

// diskFlag collects repeated -disk FILE[:PATH] flags.
type diskFlag []boot.Disk

func (d *diskFlag) String() string {
	var s []string
	for _, x := range *d {
		s = append(s, x.Image+":"+x.At)
	}
	return strings.Join(s, " ")
}

func (d *diskFlag) Set(v string) error {
	img, at, _ := strings.Cut(v, ":")
	if img == "" {
		return fmt.Errorf("want FILE[:PATH]")
	}
	if at != "" && !strings.HasPrefix(at, "/") {
		return fmt.Errorf("mount point %q is not an absolute path", at)
	}
	*d = append(*d, boot.Disk{Image: img, At: at})
	return nil
}

// cmdMkfs is `sos mkfs`: a FAT32 image, as mkfs.fat -F 32 would make it.
func cmdMkfs(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sos mkfs", flag.ContinueOnError)
	fs.SetOutput(stderr)
	label := fs.String("label", "", "volume label (at most 11 characters)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 2 {
		fmt.Fprintln(stderr, "usage: sos mkfs [-label NAME] FILE.img SIZE")
		return 2
	}
	size, err := parseSize(fs.Arg(1))
	if err != nil {
		fmt.Fprintf(stderr, "sos mkfs: size: %v\n", err)
		return 2
	}
	if err := fat32.MkfsFile(fs.Arg(0), int64(size), fat32.MkfsOptions{Label: *label}); err != nil {
		fmt.Fprintf(stderr, "sos mkfs: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: FAT32, %d MiB\n", fs.Arg(0), size>>20)
	return 0
}
