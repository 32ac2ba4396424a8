package loader

import (
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

// elfFile builds a minimal ELF image: a header and the given program
// headers, followed by size bytes of contents.
type phdr struct {
	typ, flags                uint32
	off, vaddr, filesz, memsz uint64
}

func elfFile(class, data byte, machine, typ uint16, entry uint64, phs []phdr, size int) []byte {
	b := make([]byte, 64+56*len(phs)+size)
	copy(b, "\x7fELF")
	b[4], b[5], b[6] = class, data, 1
	le := binary.LittleEndian
	le.PutUint16(b[16:], typ)
	le.PutUint16(b[18:], machine)
	le.PutUint32(b[20:], 1)
	le.PutUint64(b[24:], entry)
	le.PutUint64(b[32:], 64)
	le.PutUint16(b[52:], 64)
	le.PutUint16(b[54:], 56)
	le.PutUint16(b[56:], uint16(len(phs)))
	for i, p := range phs {
		h := b[64+56*i:]
		le.PutUint32(h, p.typ)
		le.PutUint32(h[4:], p.flags)
		le.PutUint64(h[8:], p.off)
		le.PutUint64(h[16:], p.vaddr)
		le.PutUint64(h[32:], p.filesz)
		le.PutUint64(h[40:], p.memsz)
	}
	return b
}

var goodLoad = []phdr{{typ: ptLoad, flags: PF_R | PF_X, off: 0, vaddr: 0x10000, filesz: 0x200, memsz: 0x1000}}

func TestParseGood(t *testing.T) {
	b := elfFile(2, 1, emRISCV, etExec, 0x10078, goodLoad, 0x200)
	p, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if p.Entry != 0x10078 || len(p.Segments) != 1 || p.End != 0x11000 || p.PIE {
		t.Fatalf("parsed %+v", p)
	}
	// The program headers lie in the first segment's file range.
	if p.Phdr != 0x10040 || p.Phnum != 1 || p.Phent != 56 {
		t.Errorf("phdr %#x phnum %d phent %d", p.Phdr, p.Phnum, p.Phent)
	}
	pie, err := Parse(elfFile(2, 1, emRISCV, etDyn, 0x78, []phdr{{typ: ptLoad, flags: PF_R, vaddr: 0, filesz: 0x100, memsz: 0x100}}, 0x100))
	if err != nil || !pie.PIE {
		t.Fatalf("static PIE: %v %+v", err, pie)
	}
	pie.Relocate(0x40000)
	if pie.Entry != 0x40078 || pie.Segments[0].Vaddr != 0x40000 || pie.Phdr != 0x40040 {
		t.Errorf("relocated %+v", pie)
	}
}

func TestParseRejects(t *testing.T) {
	good := elfFile(2, 1, emRISCV, etExec, 0x10078, goodLoad, 0x200)
	for _, tc := range []struct {
		name string
		b    []byte
		want string
	}{
		{"empty", nil, "not an ELF file"},
		{"text", []byte("#!/bin/sh\necho hi\n"), "not an ELF file"},
		{"truncated header", good[:40], "truncated"},
		{"32-bit", elfFile(1, 1, emRISCV, etExec, 0, goodLoad, 0x200), "32-bit"},
		{"big-endian", elfFile(2, 2, emRISCV, etExec, 0, goodLoad, 0x200), "big-endian"},
		{"x86-64", elfFile(2, 1, 62, etExec, 0, goodLoad, 0x200), "x86-64, not RISC-V"},
		{"aarch64", elfFile(2, 1, 183, etExec, 0, goodLoad, 0x200), "AArch64"},
		{"object file", elfFile(2, 1, emRISCV, 1, 0, goodLoad, 0x200), "not an executable"},
		{"dynamic", elfFile(2, 1, emRISCV, etExec, 0, append([]phdr{{typ: ptInterp, off: 0x100, filesz: 20}}, goodLoad...), 0x200), "dynamic loader; build with -static"},
		{"truncated segment", good[:0x100], "truncated"},
		{"no headers", elfFile(2, 1, emRISCV, etExec, 0, nil, 0), "program header count"},
		{"no load segments", elfFile(2, 1, emRISCV, etExec, 0, []phdr{{typ: 4}}, 0), "no loadable segments"},
		{"filesz > memsz", elfFile(2, 1, emRISCV, etExec, 0, []phdr{{typ: ptLoad, vaddr: 0x10000, filesz: 0x200, memsz: 0x100}}, 0x200), "exceeds memory size"},
		{"address overflow", elfFile(2, 1, emRISCV, etExec, 0, []phdr{{typ: ptLoad, vaddr: ^uint64(0) - 10, filesz: 0, memsz: 0x100}}, 0), "address range"},
		{"misaligned", elfFile(2, 1, emRISCV, etExec, 0, []phdr{{typ: ptLoad, off: 0, vaddr: 0x10010, filesz: 0x10, memsz: 0x10}}, 0x100), "modulo the page size"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.b)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
	if _, err := Parse(elfFile(2, 1, emRISCV, etExec, 0, append([]phdr{{typ: ptInterp}}, goodLoad...), 0x200)); !errors.Is(err, ErrDynamic) {
		t.Errorf("dynamic program: %v, want ErrDynamic", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(elfFile(2, 1, emRISCV, etExec, 0x10078, goodLoad, 0x200))
	f.Add(elfFile(2, 1, emRISCV, etDyn, 0, goodLoad, 0x10))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Parse(b)
		if err != nil {
			return
		}
		for _, s := range p.Segments {
			if uint64(len(s.Data)) > s.Memsz || s.Vaddr+s.Memsz < s.Vaddr {
				t.Fatalf("bad segment accepted: %+v", s)
			}
		}
	})
}

func TestBuildStack(t *testing.T) {
	const top = 0x8000_0000_0000
	var rnd [16]byte
	for i := range rnd {
		rnd[i] = byte(i + 1)
	}
	st := BuildStack(top, []string{"prog", "a b"}, []string{"K=V"}, "/bin/prog", [][2]uint64{{AT_PAGESZ, 4096}}, rnd)
	if st.SP%16 != 0 || st.SP+uint64(len(st.Data)) != top {
		t.Fatalf("sp %#x, %d bytes", st.SP, len(st.Data))
	}
	le := binary.LittleEndian
	word := func(i int) uint64 { return le.Uint64(st.Data[8*i:]) }
	str := func(va uint64) string {
		s := st.Data[va-st.SP:]
		n := 0
		for s[n] != 0 {
			n++
		}
		return string(s[:n])
	}
	if word(0) != 2 || str(word(1)) != "prog" || str(word(2)) != "a b" || word(3) != 0 {
		t.Fatalf("argv wrong")
	}
	if str(word(4)) != "K=V" || word(5) != 0 {
		t.Fatalf("envp wrong")
	}
	aux := map[uint64]uint64{}
	for i := 6; ; i += 2 {
		if word(i) == AT_NULL {
			break
		}
		aux[word(i)] = word(i + 1)
	}
	if aux[AT_PAGESZ] != 4096 || str(aux[AT_EXECFN]) != "/bin/prog" {
		t.Errorf("auxv %v", aux)
	}
	r := aux[AT_RANDOM]
	if got := st.Data[r-st.SP : r-st.SP+16]; string(got) != string(rnd[:]) {
		t.Errorf("AT_RANDOM bytes %v", got)
	}
}
