// Package loader reads static RISC-V 64-bit ELF executables and lays out
// the initial user stack. It parses only what loading needs (the ELF header
// and program headers), checks every offset and size against the file, and
// turns anything malformed into an error a user can act on. It knows
// nothing of how memory is mapped: the caller maps the segments it returns.
package loader

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// ELF constants used here (System V ABI, RISC-V ELF psABI).
const (
	etExec = 2
	etDyn  = 3

	emRISCV = 243

	ptLoad   = 1
	ptInterp = 3
	ptPhdr   = 6
	ptTLS    = 7

	// Segment permission flags.
	PF_X = 1
	PF_W = 2
	PF_R = 4

	ehdrSize = 64
	phdrSize = 56
	maxPhnum = 256
)

// ErrDynamic is returned for a dynamically linked program.
var ErrDynamic = errors.New("needs a dynamic loader; build with -static")

// Segment is a PT_LOAD segment: Filesz bytes of Data at Vaddr, followed by
// zeros up to Memsz.
type Segment struct {
	Vaddr  uint64
	Memsz  uint64
	Flags  uint32 // PF_R, PF_W, PF_X
	Offset uint64 // file offset of Data
	Data   []byte // the file contents, len(Data) == Filesz
}

// Program is a parsed executable.
type Program struct {
	Entry    uint64
	Phdr     uint64 // virtual address of the program headers, 0 if not loaded
	Phent    uint64
	Phnum    uint64
	Segments []Segment
	PIE      bool   // ET_DYN: the caller chooses a load bias
	End      uint64 // first address past the highest segment (where brk starts)
}

// Parse parses a static RISC-V 64-bit executable from its file contents.
func Parse(b []byte) (*Program, error) {
	if len(b) < 4 || string(b[:4]) != "\x7fELF" {
		return nil, errors.New("not an ELF file")
	}
	if len(b) < ehdrSize {
		return nil, errors.New("truncated ELF file: incomplete header")
	}
	switch b[4] {
	case 1:
		return nil, errors.New("32-bit ELF file; SOS runs 64-bit RISC-V programs")
	case 2:
	default:
		return nil, fmt.Errorf("bad ELF class %d", b[4])
	}
	if b[5] != 1 {
		return nil, errors.New("big-endian ELF file; RISC-V programs are little-endian")
	}
	le := binary.LittleEndian
	typ := le.Uint16(b[16:])
	if mach := le.Uint16(b[18:]); mach != emRISCV {
		return nil, fmt.Errorf("ELF file for %s, not RISC-V", machineName(mach))
	}
	if typ != etExec && typ != etDyn {
		return nil, fmt.Errorf("ELF file of type %d is not an executable", typ)
	}
	p := &Program{Entry: le.Uint64(b[24:]), PIE: typ == etDyn}
	phoff := le.Uint64(b[32:])
	p.Phent = uint64(le.Uint16(b[54:]))
	p.Phnum = uint64(le.Uint16(b[56:]))
	if p.Phent != phdrSize {
		return nil, fmt.Errorf("bad ELF program header size %d", p.Phent)
	}
	if p.Phnum == 0 || p.Phnum > maxPhnum {
		return nil, fmt.Errorf("bad ELF program header count %d", p.Phnum)
	}
	if phoff > uint64(len(b)) || p.Phnum*phdrSize > uint64(len(b))-phoff {
		return nil, errors.New("truncated ELF file: program headers past the end")
	}
	var phdrSeg uint64
	hasPhdr := false
	for i := uint64(0); i < p.Phnum; i++ {
		ph := b[phoff+i*phdrSize:]
		typ := le.Uint32(ph)
		flags := le.Uint32(ph[4:])
		off, vaddr := le.Uint64(ph[8:]), le.Uint64(ph[16:])
		filesz, memsz := le.Uint64(ph[32:]), le.Uint64(ph[40:])
		switch typ {
		case ptInterp:
			return nil, ErrDynamic
		case ptPhdr:
			phdrSeg, hasPhdr = vaddr, true
		case ptLoad:
			if filesz > memsz {
				return nil, fmt.Errorf("bad ELF segment %d: file size %#x exceeds memory size %#x", i, filesz, memsz)
			}
			if off > uint64(len(b)) || filesz > uint64(len(b))-off {
				return nil, fmt.Errorf("truncated ELF file: segment %d extends past the end", i)
			}
			if vaddr+memsz < vaddr || vaddr+memsz > 1<<47 {
				return nil, fmt.Errorf("bad ELF segment %d: address range %#x+%#x", i, vaddr, memsz)
			}
			if vaddr%4096 != off%4096 {
				return nil, fmt.Errorf("bad ELF segment %d: address %#x and offset %#x differ modulo the page size", i, vaddr, off)
			}
			p.Segments = append(p.Segments, Segment{Vaddr: vaddr, Memsz: memsz, Flags: flags & 7, Offset: off, Data: b[off : off+filesz]})
			p.End = max(p.End, vaddr+memsz)
			if !hasPhdr && phoff >= off && phoff+p.Phnum*phdrSize <= off+filesz {
				phdrSeg = vaddr + (phoff - off)
			}
		}
	}
	if len(p.Segments) == 0 {
		return nil, errors.New("ELF file has no loadable segments")
	}
	p.Phdr = phdrSeg
	return p, nil
}

// Relocate moves a position-independent program by bias.
func (p *Program) Relocate(bias uint64) {
	p.Entry += bias
	if p.Phdr != 0 {
		p.Phdr += bias
	}
	p.End += bias
	for i := range p.Segments {
		p.Segments[i].Vaddr += bias
	}
}

func machineName(m uint16) string {
	switch m {
	case 3:
		return "i386"
	case 40:
		return "ARM"
	case 62:
		return "x86-64"
	case 183:
		return "AArch64"
	case 8:
		return "MIPS"
	case 20, 21:
		return "PowerPC"
	case 22:
		return "s390"
	}
	return fmt.Sprintf("machine %d", m)
}
