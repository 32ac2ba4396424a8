// Command mv renames files: mv SRC DST, or mv SRC... DIR. Across file
// systems it copies and then removes the source. -f and -v as in GNU mv
// (-f is the default without -i; -v names each move). Exit status 1 if
// anything failed.
package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"

	"sos/user/internal/cli"
)

var opts *cli.Options

func main() {
	opts = cli.Parse(os.Args[1:], "fvnT", "", false, "[-fvn] SOURCE... DEST", 1)
	args := opts.Args
	switch len(args) {
	case 0:
		cli.Warn("missing file operand")
		os.Exit(1)
	case 1:
		cli.Warn("missing destination file operand after %s", cli.Quote(args[0]))
		os.Exit(1)
	}
	dst := args[len(args)-1]
	srcs := args[:len(args)-1]
	dstDir := false
	if fi, err := os.Stat(dst); err == nil && fi.IsDir() && !opts.Has('T') {
		dstDir = true
	}
	if len(srcs) > 1 && !dstDir {
		cli.Warn("target %s is not a directory", cli.Quote(dst))
		os.Exit(1)
	}
	status := 0
	for _, src := range srcs {
		target := dst
		if dstDir {
			target = filepath.Join(dst, filepath.Base(filepath.Clean(src)))
		}
		if !move(src, target) {
			status = 1
		}
	}
	os.Exit(status)
}

func move(src, dst string) bool {
	si, err := os.Lstat(src)
	if err != nil {
		cli.Warn("cannot stat %s: %s", cli.Quote(src), cli.Reason(err))
		return false
	}
	if di, err := os.Lstat(dst); err == nil {
		if os.SameFile(si, di) {
			cli.Warn("%s and %s are the same file", cli.Quote(src), cli.Quote(dst))
			return false
		}
		if opts.Has('n') {
			return true
		}
		if di.IsDir() && !si.IsDir() {
			cli.Warn("cannot overwrite directory %s with non-directory", cli.Quote(dst))
			return false
		}
	}
	err = os.Rename(src, dst)
	if cli.Errno(err) == syscall.EXDEV {
		err = copyTree(src, dst, si)
		if err == nil {
			err = os.RemoveAll(src)
		}
	}
	if err != nil {
		cli.Warn("cannot move %s to %s: %s", cli.Quote(src), cli.Quote(dst), cli.Reason(err))
		return false
	}
	if opts.Has('v') {
		fmt.Printf("renamed %s -> %s\n", cli.Quote(src), cli.Quote(dst))
	}
	return true
}

// copyTree copies src to dst keeping modes and times, for a move
// between file systems.
func copyTree(src, dst string, si os.FileInfo) error {
	switch {
	case si.Mode()&os.ModeSymlink != 0:
		t, err := os.Readlink(src)
		if err != nil {
			return err
		}
		os.Remove(dst)
		return os.Symlink(t, dst)
	case si.IsDir():
		if err := os.Mkdir(dst, si.Mode().Perm()|0o700); err != nil && !os.IsExist(err) {
			return err
		}
		f, err := os.Open(src)
		if err != nil {
			return err
		}
		names, err := f.Readdirnames(-1)
		f.Close()
		if err != nil {
			return err
		}
		for _, n := range names {
			ci, err := os.Lstat(filepath.Join(src, n))
			if err != nil {
				return err
			}
			if err := copyTree(filepath.Join(src, n), filepath.Join(dst, n), ci); err != nil {
				return err
			}
		}
		if err := os.Chmod(dst, si.Mode().Perm()); err != nil {
			return err
		}
		return os.Chtimes(dst, si.ModTime(), si.ModTime())
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	os.Remove(dst)
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, si.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Chtimes(dst, si.ModTime(), si.ModTime())
}
