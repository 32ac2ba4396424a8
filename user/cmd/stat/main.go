// Command stat prints what the file system knows of files, in GNU
// stat's default format; -L follows symbolic links, -c FORMAT prints
// only the given fields (%n name, %s size, %F type, %a octal mode, %A
// mode, %u/%U owner, %g/%G group, %h links, %i inode, %b blocks, %Y/%X/%Z
// times in seconds, %y/%x/%z readable times, %% percent). Exit status 1 if any
// file could not be described.
package main

import (
	"fmt"
	"os"
	"os/user"
	"strconv"
	"strings"
	"syscall"
	"time"

	"sos/user/internal/cli"
)

func main() {
	opts := cli.Parse(os.Args[1:], "L", "c", false, "[-L] [-c FORMAT] FILE...", 1)
	if len(opts.Args) == 0 {
		cli.Warn("missing operand")
		os.Exit(1)
	}
	format, custom := opts.Value('c')
	status := 0
	for _, name := range opts.Args {
		var st syscall.Stat_t
		var err error
		if opts.Has('L') {
			err = syscall.Stat(name, &st)
		} else {
			err = syscall.Lstat(name, &st)
		}
		if err != nil {
			cli.Warn("cannot statx %s: %s", cli.Quote(name), cli.Reason(err))
			status = 1
			continue
		}
		if custom {
			fmt.Println(expand(format, name, &st))
		} else {
			full(name, &st)
		}
	}
	os.Exit(status)
}

func full(name string, st *syscall.Stat_t) {
	shown := name
	if st.Mode&syscall.S_IFMT == syscall.S_IFLNK {
		if t, err := os.Readlink(name); err == nil {
			shown += " -> " + t
		}
	}
	fmt.Printf("  File: %s\n", shown)
	fmt.Printf("  Size: %-10d\tBlocks: %-10d IO Block: %-6d %s\n", st.Size, st.Blocks, st.Blksize, fileType(st))
	dev := fmt.Sprintf("Device: %d,%d\tInode: %-11d Links: %d", cli.Major(st.Dev), cli.Minor(st.Dev), st.Ino, st.Nlink)
	if t := st.Mode & syscall.S_IFMT; t == syscall.S_IFCHR || t == syscall.S_IFBLK {
		dev = fmt.Sprintf("Device: %d,%d\tInode: %-11d Links: %-5d Device type: %d,%d",
			cli.Major(st.Dev), cli.Minor(st.Dev), st.Ino, st.Nlink, cli.Major(st.Rdev), cli.Minor(st.Rdev))
	}
	fmt.Println(dev)
	fmt.Printf("Access: (%04o/%s)  Uid: (%5d/%8s)   Gid: (%5d/%8s)\n",
		st.Mode&0o7777, cli.ModeString(st.Mode), st.Uid, userName(st.Uid), st.Gid, groupName(st.Gid))
	fmt.Printf("Access: %s\n", stamp(st.Atim))
	fmt.Printf("Modify: %s\n", stamp(st.Mtim))
	fmt.Printf("Change: %s\n", stamp(st.Ctim))
	fmt.Printf(" Birth: -\n")
}

func expand(format, name string, st *syscall.Stat_t) string {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' || i+1 == len(format) {
			b.WriteByte(c)
			continue
		}
		i++
		switch format[i] {
		case 'n':
			b.WriteString(name)
		case 's':
			b.WriteString(strconv.FormatInt(st.Size, 10))
		case 'F':
			b.WriteString(fileType(st))
		case 'a':
			b.WriteString(strconv.FormatUint(uint64(st.Mode&0o7777), 8))
		case 'A':
			b.WriteString(cli.ModeString(st.Mode))
		case 'u':
			b.WriteString(strconv.FormatUint(uint64(st.Uid), 10))
		case 'U':
			b.WriteString(userName(st.Uid))
		case 'g':
			b.WriteString(strconv.FormatUint(uint64(st.Gid), 10))
		case 'G':
			b.WriteString(groupName(st.Gid))
		case 'h':
			b.WriteString(strconv.FormatUint(uint64(st.Nlink), 10))
		case 'i':
			b.WriteString(strconv.FormatUint(st.Ino, 10))
		case 'b':
			b.WriteString(strconv.FormatInt(st.Blocks, 10))
		case 'X':
			b.WriteString(strconv.FormatInt(st.Atim.Sec, 10))
		case 'Y':
			b.WriteString(strconv.FormatInt(st.Mtim.Sec, 10))
		case 'Z':
			b.WriteString(strconv.FormatInt(st.Ctim.Sec, 10))
		case 'x':
			b.WriteString(stamp(st.Atim))
		case 'y':
			b.WriteString(stamp(st.Mtim))
		case 'z':
			b.WriteString(stamp(st.Ctim))
		case '%':
			b.WriteByte('%')
		default:
			b.WriteByte('%')
			b.WriteByte(format[i])
		}
	}
	return b.String()
}

func stamp(ts syscall.Timespec) string {
	return time.Unix(ts.Sec, ts.Nsec).Format("2006-01-02 15:04:05.000000000 -0700")
}

func fileType(st *syscall.Stat_t) string {
	switch st.Mode & syscall.S_IFMT {
	case syscall.S_IFREG:
		if st.Size == 0 {
			return "regular empty file"
		}
		return "regular file"
	case syscall.S_IFDIR:
		return "directory"
	case syscall.S_IFLNK:
		return "symbolic link"
	case syscall.S_IFCHR:
		return "character special file"
	case syscall.S_IFBLK:
		return "block special file"
	case syscall.S_IFIFO:
		return "fifo"
	case syscall.S_IFSOCK:
		return "socket"
	}
	return "weird file"
}

func userName(id uint32) string {
	if u, err := user.LookupId(strconv.FormatUint(uint64(id), 10)); err == nil {
		return u.Username
	}
	return "UNKNOWN"
}

func groupName(id uint32) string {
	if g, err := user.LookupGroupId(strconv.FormatUint(uint64(id), 10)); err == nil {
		return g.Name
	}
	return "UNKNOWN"
}
