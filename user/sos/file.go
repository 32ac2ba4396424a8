package sos

import (
	"syscall"
	"unsafe"
)

// Access modes for Open.
const (
	ORdOnly = syscall.O_RDONLY
	OWrOnly = syscall.O_WRONLY
	ORdWr   = syscall.O_RDWR
)

// File modes in Stat's Mode (SOS's fmode_t).
const (
	FMExec  = 1
	FMWrite = 2
	FMRead  = 4
)

// File types in Stat's Type (SOS's st_type_t).
const (
	STFile    = 1 // a plain file
	STSpecial = 2 // anything else: console, device, pipe
	STDir     = 3 // a directory (SOS's flat file system had none)
)

// ConsoleName is the name Open and Stat take for the console; ConsolePath
// is the file it stands for.
const (
	ConsoleName = "console"
	ConsolePath = "/dev/console"
)

func path(name string) string {
	if name == ConsoleName {
		return ConsolePath
	}
	return name
}

// Open opens the file called name with access mode (ORdOnly, OWrOnly or
// ORdWr) and returns its descriptor, the lowest one free. A file opened
// for writing is created if it does not exist.
func Open(name string, mode int) (int, error) {
	flags := mode&syscall.O_ACCMODE | syscall.O_CLOEXEC
	if mode&syscall.O_ACCMODE != syscall.O_RDONLY && name != ConsoleName {
		flags |= syscall.O_CREAT
	}
	for {
		fd, err := syscall.Open(path(name), flags, 0o666)
		if err == syscall.EINTR {
			continue
		}
		return fd, err
	}
}

// Close closes descriptor fd.
func Close(fd int) error { return syscall.Close(fd) }

// Read reads up to len(buf) bytes from fd; 0 bytes and no error is the
// end of the file.
func Read(fd int, buf []byte) (int, error) {
	for {
		n, err := syscall.Read(fd, buf)
		if err == syscall.EINTR {
			continue
		}
		if n < 0 {
			n = 0
		}
		return n, err
	}
}

// Write writes up to len(buf) bytes to fd and returns how many it wrote.
func Write(fd int, buf []byte) (int, error) {
	for {
		n, err := syscall.Write(fd, buf)
		if err == syscall.EINTR {
			continue
		}
		if n < 0 {
			n = 0
		}
		return n, err
	}
}

// Getdirent returns the name of entry pos (from 0) of the working
// directory, not counting "." and "..". At pos equal to the number of
// entries it returns "" and no error; past that, ENOENT.
func Getdirent(pos int) (string, error) { return GetdirentIn(".", pos) }

// GetdirentIn is Getdirent for directory dir.
func GetdirentIn(dir string, pos int) (string, error) {
	if pos < 0 {
		return "", syscall.EINVAL
	}
	fd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return "", err
	}
	defer syscall.Close(fd)
	buf := make([]byte, 8192)
	i := 0
	for {
		n, err := syscall.Getdents(fd, buf)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return "", err
		}
		if n <= 0 {
			break
		}
		for off := 0; off < n; {
			// struct linux_dirent64: ino, off, reclen, type, name.
			if off+19 > n {
				return "", syscall.EIO
			}
			reclen := int(*(*uint16)(unsafe.Pointer(&buf[off+16])))
			if reclen < 19 || off+reclen > n {
				return "", syscall.EIO
			}
			name := buf[off+19 : off+reclen]
			for j, c := range name {
				if c == 0 {
					name = name[:j]
					break
				}
			}
			off += reclen
			if s := string(name); s != "." && s != ".." {
				if i == pos {
					return s, nil
				}
				i++
			}
		}
	}
	if pos == i {
		return "", nil
	}
	return "", syscall.ENOENT
}

// StatT describes a file (SOS's sos_stat_t).
type StatT struct {
	Type  int    // STFile, STSpecial or STDir
	Mode  int    // FMRead|FMWrite|FMExec: the owner's access
	Size  uint64 // bytes
	CTime int64  // last status change, ms since the Unix epoch
	ATime int64  // last access, ms since the Unix epoch
}

// Stat describes the file called name ("console" is the console).
func Stat(name string) (StatT, error) {
	var st syscall.Stat_t
	if err := syscall.Stat(path(name), &st); err != nil {
		return StatT{}, err
	}
	var s StatT
	switch st.Mode & syscall.S_IFMT {
	case syscall.S_IFREG:
		s.Type = STFile
	case syscall.S_IFDIR:
		s.Type = STDir
	default:
		s.Type = STSpecial
	}
	if st.Mode&0o400 != 0 {
		s.Mode |= FMRead
	}
	if st.Mode&0o200 != 0 {
		s.Mode |= FMWrite
	}
	if st.Mode&0o100 != 0 {
		s.Mode |= FMExec
	}
	s.Size = uint64(st.Size)
	s.CTime = st.Ctim.Sec*1000 + st.Ctim.Nsec/1e6
	s.ATime = st.Atim.Sec*1000 + st.Atim.Nsec/1e6
	return s, nil
}
