package riscv

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// Random instruction words and random page tables must only ever produce
// architectural traps: never a host panic, never a hang.

var architectural = map[Cause]bool{
	InstAccessFault: true, IllegalInst: true, Breakpoint: true,
	LoadMisaligned: true, LoadAccessFault: true, StoreMisaligned: true, StoreAccessFault: true,
	EcallU: true, InstPageFault: true, LoadPageFault: true, StorePageFault: true,
	Budget: true,
}

// runRandom builds a machine from data: the first 64 bytes choose register
// values and the flags of the data pages' PTEs, the next 512 bytes are
// raw PTEs written over a page-table page, and the rest is code. It runs
// until a fault or until a bounded number of system calls and slices.
func runRandom(t *testing.T, data []byte) *testMachine {
	mode := SatpSv48
	if len(data) > 0 && data[0]&1 != 0 {
		mode = SatpSv39
	}
	m := newTestMachine(t, mode)
	word := func(i int) uint64 {
		if (i+1)*8 > len(data) {
			return uint64(i) * 0x9e3779b97f4a7c15
		}
		return binary.LittleEndian.Uint64(data[i*8:])
	}
	code := m.page(codeVA, PteR|PteW|PteX|PteU)
	m.page(codeVA+PageSize, PteR|PteX|PteU)
	// Data pages with fuzzed permissions (V is always added by mapAt;
	// random flags include W-without-R, no U, and reserved patterns).
	for i := range 4 {
		flags := word(i) & 0xff
		if word(i)&(1<<20) != 0 {
			flags |= 1 << 54 // a reserved bit
		}
		m.mapAt(dataVA+uint64(i)*PageSize, m.alloc(), 0, flags)
	}
	// A page table page full of random entries, reachable from dataVA+2MiB.
	table := m.alloc()
	m.mem.Store64(m.pteAddr(dataVA+(2<<20), 1), table>>12<<10|PteV)
	for i := range 512 {
		e := word(8 + i%56)
		e ^= uint64(i) * 0x2545f4914f6cdd1d
		// Point roughly half the entries into RAM so walks go deeper.
		if e&(1<<9) != 0 {
			e = e&0x3ff | (testRAMBase+(e>>12)%testRAMSize)>>12<<10
		}
		m.mem.Store64(table+uint64(i)*8, e)
	}
	var body []byte
	if len(data) > 64+512 {
		body = data[64+512:]
	}
	body = body[:min(len(body), 2*PageSize-8)]
	copy(m.mem.Bytes(code, PageSize), body)
	if len(body) > PageSize {
		pa, _, _ := Translate(m.mem, m.hart.Satp(), codeVA+PageSize, Exec)
		copy(m.mem.Bytes(pa.PA, PageSize), body[PageSize:])
	}
	m.mem.Invalidate(code, PageSize)
	for r := 1; r < 32; r++ {
		v := word(r % 8)
		switch r % 4 {
		case 0:
			v = dataVA + v%(4*PageSize)
		case 1:
			v = dataVA + (2 << 20) + v%(2<<20)
		case 2:
			v = codeVA + v%(2*PageSize)
		}
		m.ctx.X[r] = v
		m.ctx.F[r] = word(r%8) ^ uint64(r)
	}
	m.ctx.FCSR = uint32(word(3)) & 0xff
	for range 20 {
		tr := m.run(5000)
		if !architectural[tr.Cause] {
			t.Fatalf("non-architectural trap %v", tr)
		}
		switch tr.Cause {
		case EcallU:
			m.ctx.PC += 4
		case Budget:
		default:
			return m
		}
	}
	return m
}

func FuzzExecute(f *testing.F) {
	f.Add([]byte{})
	f.Add(make([]byte, 2000))
	r := rand.New(rand.NewPCG(1, 2))
	for range 8 {
		b := make([]byte, 64+512+512)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) { runRandom(t, data) })
}

// TestRandomPrograms runs many random programs from a fixed seed: random
// words, random compressed parcels, and mixes of valid loads, stores,
// branches and atomics aimed at randomly mapped pages.
func TestRandomPrograms(t *testing.T) { randomPrograms(t, 42) }

// TestRandomProgramsTranslated runs other random programs with every page
// translated on first entry, so hostile code meets the translator too.
func TestRandomProgramsTranslated(t *testing.T) {
	old := jitThreshold
	jitThreshold = 1
	defer func() { jitThreshold = old }()
	translated := randomPrograms(t, 43)
	t.Logf("%d programs had code translated", translated)
	if jitAvailable && translated < 50 {
		t.Fatalf("only %d programs were translated", translated)
	}
}

// randomPrograms runs them and returns how many had code translated.
func randomPrograms(t *testing.T, seed uint64) int {
	translated := 0
	n := 3000
	if testing.Short() {
		n = 300
	}
	r := rand.New(rand.NewPCG(seed, 7))
	for i := range n {
		b := make([]byte, 64+512+256+r.IntN(4*PageSize))
		for j := range b {
			b[j] = byte(r.Uint32())
		}
		if i%2 == 0 {
			// Bias half the programs toward valid encodings: keep the low
			// bits of each word a real opcode.
			ops := []byte{0x03, 0x07, 0x13, 0x17, 0x1b, 0x23, 0x27, 0x2f, 0x33, 0x37, 0x3b, 0x43, 0x53, 0x63, 0x67, 0x6f, 0x73}
			for j := 64 + 512; j+4 <= len(b); j += 4 {
				b[j] = b[j]&0x80 | ops[r.IntN(len(ops))]
			}
		}
		if m := runRandom(t, b); m.hart.jit.used > 0 {
			translated++
		}
	}
	return translated
}
