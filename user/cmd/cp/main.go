// Command cp copies files: cp SRC DST, or cp SRC... DIR. -r (or -R)
// copies directories recursively, -f removes a destination that cannot
// be opened and tries again, -p keeps modes and times, -v names each
// copy. Errors are reported as GNU cp reports them; the exit status is 1
// if anything failed.
package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"sos/user/internal/cli"
)

var opts *cli.Options

func main() {
	opts = cli.Parse(os.Args[1:], "rRfpvaT", "", false, "[-rfpv] SOURCE... DEST", 1)
	recursive := opts.Has('r') || opts.Has('R') || opts.Has('a')
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
		if !copyAny(src, target, recursive, true) {
			status = 1
		}
	}
	os.Exit(status)
}

// copyAny copies src to dst and reports whether it all worked.
func copyAny(src, dst string, recursive, top bool) bool {
	si, err := os.Lstat(src)
	if err == nil && top && si.Mode()&os.ModeSymlink != 0 && !opts.Has('a') {
		si, err = os.Stat(src) // follow links named on the command line
	}
	if err != nil {
		cli.Warn("cannot stat %s: %s", cli.Quote(src), cli.Reason(err))
		return false
	}
	if di, err := os.Stat(dst); err == nil && os.SameFile(si, di) {
		cli.Warn("%s and %s are the same file", cli.Quote(src), cli.Quote(dst))
		return false
	}
	switch {
	case si.IsDir():
		if !recursive {
			cli.Warn("-r not specified; omitting directory %s", cli.Quote(src))
			return false
		}
		if top && inside(dst, src) {
			cli.Warn("cannot copy a directory, %s, into itself, %s", cli.Quote(src), cli.Quote(dst))
			return false
		}
		return copyDir(src, dst, si)
	case si.Mode()&os.ModeSymlink != 0:
		target, err := os.Readlink(src)
		if err == nil {
			os.Remove(dst)
			err = os.Symlink(target, dst)
		}
		if err != nil {
			cli.Warn("cannot create symbolic link %s: %s", cli.Quote(dst), cli.Reason(err))
			return false
		}
		return true
	}
	return copyFile(src, dst, si)
}

// inside reports whether path p lies in directory dir (or is dir).
func inside(p, dir string) bool {
	ap, err1 := filepath.Abs(p)
	ad, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return false
	}
	return ap == ad || strings.HasPrefix(ap, ad+"/") || ad == "/"
}

func copyDir(src, dst string, si os.FileInfo) bool {
	if err := os.Mkdir(dst, si.Mode().Perm()|0o700); err != nil && !os.IsExist(err) {
		cli.Warn("cannot create directory %s: %s", cli.Quote(dst), cli.Reason(err))
		return false
	}
	if di, err := os.Stat(dst); err != nil || !di.IsDir() {
		cli.Warn("cannot overwrite non-directory %s with directory %s", cli.Quote(dst), cli.Quote(src))
		return false
	}
	f, err := os.Open(src)
	if err != nil {
		cli.Warn("cannot access %s: %s", cli.Quote(src), cli.Reason(err))
		return false
	}
	names, err := f.Readdirnames(-1)
	f.Close()
	ok := err == nil
	if err != nil {
		cli.Warn("cannot access %s: %s", cli.Quote(src), cli.Reason(err))
	}
	for _, n := range names {
		if !copyAny(filepath.Join(src, n), filepath.Join(dst, n), true, false) {
			ok = false
		}
	}
	os.Chmod(dst, si.Mode().Perm())
	keep(dst, si)
	if ok && opts.Has('v') {
		fmt.Printf("%s -> %s\n", cli.Quote(src), cli.Quote(dst))
	}
	return ok
}

func copyFile(src, dst string, si os.FileInfo) bool {
	in, err := os.Open(src)
	if err != nil {
		cli.Warn("cannot open %s for reading: %s", cli.Quote(src), cli.Reason(err))
		return false
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, si.Mode().Perm())
	if err != nil && opts.Has('f') && cli.Errno(err) != syscall.EISDIR {
		os.Remove(dst)
		out, err = os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, si.Mode().Perm())
	}
	if err != nil {
		cli.Warn("cannot create regular file %s: %s", cli.Quote(dst), cli.Reason(err))
		return false
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		cli.Warn("error copying %s to %s: %s", cli.Quote(src), cli.Quote(dst), cli.Reason(err))
		return false
	}
	if err := out.Close(); err != nil {
		cli.Warn("failed to close %s: %s", cli.Quote(dst), cli.Reason(err))
		return false
	}
	keep(dst, si)
	if opts.Has('v') {
		fmt.Printf("%s -> %s\n", cli.Quote(src), cli.Quote(dst))
	}
	return true
}

// keep gives dst src's mode and times under -p (and -a).
func keep(dst string, si os.FileInfo) {
	if !opts.Has('p') && !opts.Has('a') {
		return
	}
	os.Chmod(dst, si.Mode().Perm())
	var atime = si.ModTime()
	if st, ok := si.Sys().(*syscall.Stat_t); ok {
		atime = timespec(st.Atim)
	}
	os.Chtimes(dst, atime, si.ModTime())
}
