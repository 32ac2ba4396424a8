package cli

import "syscall"

// ModeString is a file mode as ls -l and stat print it: the type letter
// and the nine permission letters, with s/S and t/T for set-user-ID,
// set-group-ID and sticky.
func ModeString(m uint32) string {
	b := []byte("?rwxrwxrwx")
	switch m & syscall.S_IFMT {
	case syscall.S_IFREG:
		b[0] = '-'
	case syscall.S_IFDIR:
		b[0] = 'd'
	case syscall.S_IFLNK:
		b[0] = 'l'
	case syscall.S_IFCHR:
		b[0] = 'c'
	case syscall.S_IFBLK:
		b[0] = 'b'
	case syscall.S_IFIFO:
		b[0] = 'p'
	case syscall.S_IFSOCK:
		b[0] = 's'
	}
	for i := 0; i < 9; i++ {
		if m&(1<<(8-i)) == 0 {
			b[i+1] = '-'
		}
	}
	special := func(bit uint32, i int, set, unset byte) {
		if m&bit != 0 {
			if b[i] == 'x' {
				b[i] = set
			} else {
				b[i] = unset
			}
		}
	}
	special(syscall.S_ISUID, 3, 's', 'S')
	special(syscall.S_ISGID, 6, 's', 'S')
	special(syscall.S_ISVTX, 9, 't', 'T')
	return string(b)
}

// Major and Minor split a device number as Linux encodes it.
func Major(d uint64) uint64 { return d>>8&0xfff | d>>32&0xfffff000 }
func Minor(d uint64) uint64 { return d&0xff | d>>12&0xffffff00 }
