package fat32

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"sos/internal/abi"
	"sos/internal/vfs"
)

// checksum is the VFAT checksum of a short name, stored in each of its
// long-name entries.
func checksum(short []byte) byte {
	var s byte
	for _, b := range short[:11] {
		s = (s&1)<<7 + s>>1 + b
	}
	return s
}

// shortString decodes an 8.3 name ("README  TXT" is "README.TXT"),
// lower-casing the parts NTRes (byte 12 of the entry) says to.
func shortString(e []byte) string {
	base := []byte(strings.TrimRight(string(e[0:8]), " "))
	ext := []byte(strings.TrimRight(string(e[8:11]), " "))
	if len(base) > 0 && base[0] == 0x05 {
		base[0] = 0xE5
	}
	if e[12]&0x08 != 0 {
		base = []byte(strings.ToLower(string(base)))
	}
	if e[12]&0x10 != 0 {
		ext = []byte(strings.ToLower(string(ext)))
	}
	conv := func(b []byte) string {
		var sb strings.Builder
		for _, c := range b {
			sb.WriteRune(rune(c)) // bytes above 0x7F read as Latin-1
		}
		return sb.String()
	}
	if len(ext) == 0 {
		return conv(base)
	}
	return conv(base) + "." + conv(ext)
}

// validShortChar reports whether c may appear in a short name as is.
func validShortChar(c byte) bool {
	switch {
	case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'()-@^_`{}~", c) >= 0
}

// checkLongName refuses names a FAT directory cannot hold.
func checkLongName(name string) error {
	switch {
	case name == "" || name == "." || name == "..":
		return abi.EINVAL
	case len(name) > vfs.NameMax:
		return abi.ENAMETOOLONG
	}
	for _, r := range name {
		if r < 0x20 || strings.ContainsRune(`"*/:<>?\|`, r) || r == 0xFFFD {
			return abi.EINVAL
		}
	}
	if len(utf16.Encode([]rune(name))) > 255 {
		return abi.ENAMETOOLONG
	}
	return nil
}

// exact83 returns the short name of name if name is already a valid 8.3
// name whose base and extension are each in one case, and the NTRes
// flags that give back its lower case.
func exact83(name string) (sn [11]byte, nt byte, ok bool) {
	base, ext, hasDot := strings.Cut(name, ".")
	if len(base) < 1 || len(base) > 8 || len(ext) > 3 || (hasDot && len(ext) == 0) || strings.Contains(ext, ".") {
		return sn, 0, false
	}
	part := func(s string, dst []byte, lowerFlag byte) bool {
		upper, lower := false, false
		for i := range len(s) {
			c := s[i]
			switch {
			case c >= 'a' && c <= 'z':
				lower = true
				c -= 'a' - 'A'
			case c >= 'A' && c <= 'Z':
				upper = true
			}
			if !validShortChar(c) {
				return false
			}
			dst[i] = c
		}
		if upper && lower {
			return false
		}
		if lower {
			nt |= lowerFlag
		}
		return true
	}
	for i := range sn {
		sn[i] = ' '
	}
	if !part(base, sn[0:8], 0x08) || !part(ext, sn[8:11], 0x10) {
		return sn, 0, false
	}
	if sn[0] == 0xE5 {
		sn[0] = 0x05
	}
	return sn, nt, true
}

// genShort makes the short name of a long name that is not itself an 8.3
// name, as Windows does: upper case, invalid characters to '_', a numeric
// tail ~N when the conversion lost something or the name is taken.
func genShort(name string, taken func([11]byte) bool) ([11]byte, error) {
	var sn [11]byte
	lossy := false
	conv := func(s string, limit int) []byte {
		var out []byte
		for _, r := range s {
			if r == ' ' || r == '.' {
				lossy = true
				continue
			}
			if r >= 'a' && r <= 'z' {
				r -= 'a' - 'A'
			}
			if r > 0x7F || !validShortChar(byte(r)) {
				r = '_'
				lossy = true
			}
			if len(out) == limit {
				lossy = true
				break
			}
			out = append(out, byte(r))
		}
		return out
	}
	trimmed := strings.TrimLeft(name, ". ")
	if trimmed != name {
		lossy = true
	}
	base, ext := trimmed, ""
	if i := strings.LastIndexByte(trimmed, '.'); i >= 0 {
		base, ext = trimmed[:i], trimmed[i+1:]
	}
	b := conv(base, 8)
	e := conv(ext, 3)
	if len(b) == 0 {
		b = []byte{'_'}
		lossy = true
	}
	fill := func(b []byte) {
		for i := range sn {
			sn[i] = ' '
		}
		copy(sn[0:8], b)
		copy(sn[8:11], e)
	}
	if !lossy {
		fill(b)
		if !taken(sn) {
			return sn, nil
		}
	}
	try := func(bb []byte, n int) bool {
		tail := "~" + strconv.Itoa(n)
		if len(bb) > 8-len(tail) {
			bb = bb[:8-len(tail)]
		}
		fill(append(append([]byte(nil), bb...), tail...))
		return !taken(sn)
	}
	for n := 1; n <= 4; n++ {
		if try(b, n) {
			return sn, nil
		}
	}
	// Then, as Windows does, two characters of the basis and four hex
	// digits of a hash of the long name, so that a directory of many
	// similar names does not try every ~N in turn.
	h := fnv.New32a()
	h.Write([]byte(name))
	sum := h.Sum32()
	for i := range uint32(64) {
		hb := append(append([]byte(nil), b[:min(2, len(b))]...), fmt.Sprintf("%04X", uint16(sum+i*40503))...)
		if try(hb, 1) {
			return sn, nil
		}
	}
	for n := 5; n < 1000000; n++ {
		if try(b, n) {
			return sn, nil
		}
	}
	return sn, abi.ENOSPC
}

// lfnEntries returns the long-name entries for name (last piece first,
// as they lie on disk) for a short name with checksum sum.
func lfnEntries(name string, sum byte) []byte {
	u := utf16.Encode([]rune(name))
	n := (len(u) + 12) / 13
	if len(u)%13 != 0 {
		u = append(u, 0)
		for len(u)%13 != 0 {
			u = append(u, 0xFFFF)
		}
	}
	out := make([]byte, n*32)
	for k := n; k >= 1; k-- {
		e := out[(n-k)*32:]
		e[0] = byte(k)
		if k == n {
			e[0] |= 0x40
		}
		e[11] = attrLFN
		e[13] = sum
		part := u[(k-1)*13 : k*13]
		for i, c := range part {
			var o int
			switch {
			case i < 5:
				o = 1 + 2*i
			case i < 11:
				o = 14 + 2*(i-5)
			default:
				o = 28 + 2*(i-11)
			}
			e[o], e[o+1] = byte(c), byte(c>>8)
		}
	}
	return out
}

// lfnPart returns the 13 UTF-16 units of a long-name entry.
func lfnPart(e []byte) []uint16 {
	var u []uint16
	for _, o := range [...]int{1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30} {
		u = append(u, uint16(e[o])|uint16(e[o+1])<<8)
	}
	return u
}

// decodeLFN turns the gathered units into a name, stopping at the NUL.
func decodeLFN(u []uint16) string {
	for i, c := range u {
		if c == 0 {
			u = u[:i]
			break
		}
	}
	return string(utf16.Decode(u))
}

// FAT times: date bits 15-9 year since 1980, 8-5 month, 4-0 day; time
// bits 15-11 hours, 10-5 minutes, 4-0 seconds/2.

func (fs *FS) fatTime(t time.Time) (date, tm uint16, tenth byte) {
	t = t.In(fs.opts.Location)
	if t.Year() < 1980 {
		return 0x21, 0, 0 // 1980-01-01
	}
	if t.Year() > 2107 {
		t = time.Date(2107, 12, 31, 23, 59, 59, 0, fs.opts.Location)
	}
	date = uint16(t.Year()-1980)<<9 | uint16(t.Month())<<5 | uint16(t.Day())
	tm = uint16(t.Hour())<<11 | uint16(t.Minute())<<5 | uint16(t.Second()/2)
	tenth = byte(t.Second()%2*100 + t.Nanosecond()/10_000_000)
	return
}

func (fs *FS) goTime(date, tm uint16, tenth byte) time.Time {
	if date == 0 {
		return time.Date(1980, 1, 1, 0, 0, 0, 0, fs.opts.Location)
	}
	y := int(date>>9) + 1980
	mo := time.Month(max(date>>5&0xF, 1))
	d := int(max(date&0x1F, 1))
	h, mi, s := int(tm>>11), int(tm>>5&0x3F), int(tm&0x1F)*2
	ms := int(min(tenth, 199)) * 10
	return time.Date(y, mo, d, h, mi, s, 0, fs.opts.Location).Add(time.Duration(ms) * time.Millisecond)
}
