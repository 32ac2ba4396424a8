package riscv

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// The translator must be invisible: random programs run to the same
// registers, memory, instruction count and trap translated as
// interpreted.

// jitProgram generates a random terminating program: integer operations
// of every kind the decoder knows (translated or not), loads and stores
// through x10 into two data pages (some crossing the page boundary or
// the end of the mapping), forward branches, jumps, counted loops
// (counter x11) and calls through jalr, then ecall. x10 and x11 are never
// destinations of random instructions.
func jitProgram(r *rand.Rand, n int) []uint32 {
	rd := func() uint32 {
		for {
			if v := uint32(r.IntN(32)); v != 10 && v != 11 {
				return v
			}
		}
	}
	rs := func() uint32 { return uint32(r.IntN(32)) }
	rType := [][3]uint32{ // f7, f3, opcode
		{0, 0, 0x33}, {0x20, 0, 0x33}, {0, 1, 0x33}, {0, 2, 0x33}, {0, 3, 0x33}, {0, 4, 0x33},
		{0, 5, 0x33}, {0x20, 5, 0x33}, {0, 6, 0x33}, {0, 7, 0x33},
		{0, 0, 0x3b}, {0x20, 0, 0x3b}, {0, 1, 0x3b}, {0, 5, 0x3b}, {0x20, 5, 0x3b},
		{1, 0, 0x33}, {1, 1, 0x33}, {1, 2, 0x33}, {1, 3, 0x33}, {1, 4, 0x33}, {1, 5, 0x33}, {1, 6, 0x33}, {1, 7, 0x33},
		{1, 0, 0x3b}, {1, 4, 0x3b}, {1, 5, 0x3b}, {1, 6, 0x3b}, {1, 7, 0x3b},
		{0x20, 7, 0x33}, {0x05, 6, 0x33}, {0x10, 2, 0x33}, // andn, max, sh1add
	}
	imm12 := func() int32 {
		switch r.IntN(4) {
		case 0:
			return int32(r.IntN(4096)) - 2048
		case 1:
			return int32(r.IntN(64))
		case 2:
			return -1
		}
		return int32(r.IntN(16)) - 8
	}
	out := []uint32{addi(12, 12, 1)} // translatable, so the entry is a head
	type patch struct{ at, to int }
	var fwd []patch // forward branches: at -> item index
	loopDepth := 0
	var loopStart, allStarts []int
	noTarget := map[int]bool{}
	for len(out) < n {
		switch k := r.IntN(100); {
		case k < 35:
			f := rType[r.IntN(len(rType))]
			out = append(out, encR(f[0], rs(), rs(), f[1], rd(), f[2]))
		case k < 50:
			f3 := []uint32{0, 2, 3, 4, 6, 7}[r.IntN(6)]
			out = append(out, encI(imm12(), rs(), f3, rd(), 0x13))
		case k < 55:
			sh := int32(r.IntN(64))
			f3, hi := []uint32{1, 5, 5}[r.IntN(3)], int32(0)
			if f3 == 5 && r.IntN(2) == 0 {
				hi = 0x400
			}
			out = append(out, encI(hi|sh, rs(), f3, rd(), 0x13))
		case k < 58:
			sh := int32(r.IntN(32))
			f3, hi := []uint32{0, 1, 5, 5}[r.IntN(4)], int32(0)
			if f3 == 0 {
				out = append(out, encI(imm12(), rs(), 0, rd(), 0x1b))
				continue
			}
			if f3 == 5 && r.IntN(2) == 0 {
				hi = 0x400
			}
			out = append(out, encI(hi|sh, rs(), f3, rd(), 0x1b))
		case k < 61:
			out = append(out, uint32(r.Uint32())&0xfffff000|rd()<<7|[]uint32{0x37, 0x17}[r.IntN(2)])
		case k < 75: // load: offsets across both pages, some crossing
			off := int32(r.IntN(2*PageSize+16)) - 8
			if r.IntN(4) != 0 {
				off &^= 7
			}
			f3 := []uint32{0, 1, 2, 3, 4, 5, 6}[r.IntN(7)]
			out = append(out, encI(off-2048, 10, f3, rd(), 0x03))
		case k < 85:
			off := int32(r.IntN(2*PageSize+16)) - 8
			if r.IntN(4) != 0 {
				off &^= 7
			}
			out = append(out, encS(off-2048, rs(), 10, uint32(r.IntN(4)), 0x23))
		case k < 87: // floating-point load and store
			off := int32(r.IntN(PageSize)) &^ 7
			if r.IntN(2) == 0 {
				out = append(out, encI(off-2048, 10, []uint32{2, 3}[r.IntN(2)], uint32(r.IntN(32)), 0x07))
			} else {
				out = append(out, encS(off-2048, uint32(r.IntN(32)), 10, []uint32{2, 3}[r.IntN(2)], 0x27))
			}
		case k < 92: // forward branch
			f3 := []uint32{0, 1, 4, 5, 6, 7}[r.IntN(6)]
			fwd = append(fwd, patch{len(out), len(out) + 1 + r.IntN(12)})
			out = append(out, encB(0, rs(), rs(), f3))
		case k < 93: // forward jal
			fwd = append(fwd, patch{len(out), len(out) + 1 + r.IntN(12)})
			out = append(out, jal(rd(), 0))
		case k < 95: // open or close a counted loop
			if loopDepth == 0 {
				// The counter goes down first thing in the body, so no
				// branch in the body can skip it.
				out = append(out, addi(11, 0, int32(1+r.IntN(5))))
				loopStart = append(loopStart, len(out))
				allStarts = append(allStarts, len(out))
				out = append(out, addi(11, 11, -1))
				loopDepth++
			} else {
				start := loopStart[len(loopStart)-1]
				loopStart = loopStart[:len(loopStart)-1]
				loopDepth--
				out = append(out, bne(11, 0, int32(start-len(out))*4))
			}
		case k < 96: // call the next instruction through jalr (a return to the same page)
			out = append(out, encU(0x17, rd2(r)), 0)
			i := len(out) - 2
			reg := (out[i] >> 7) & 31
			out[i+1] = jalr(1, reg, 8) // auipc reg,0; jalr ra, 8(reg): jumps to the next instruction
			noTarget[i+1] = true       // a branch to the jalr would skip the auipc
		case k < 97: // atomics: AMOs of every kind, LR/SC, on x10 or on x12 anywhere near it
			base := uint32(10)
			if r.IntN(3) == 0 {
				base = 12
				off := int32(r.IntN(4096)) - 2048
				if r.IntN(2) == 0 {
					off &^= 7
				}
				out = append(out, addi(12, 10, off))
			}
			f3 := uint32(2 + r.IntN(2))
			switch r.IntN(3) {
			case 0:
				f5 := []uint32{0, 1, 4, 8, 0xc, 0x10, 0x14, 0x18, 0x1c}[r.IntN(9)]
				dst := rd()
				if r.IntN(3) == 0 {
					dst = 0
				}
				out = append(out, encR(f5<<2|uint32(r.IntN(4)), rs(), base, f3, dst, 0x2f))
			case 1: // LR, something, SC (sometimes to elsewhere)
				out = append(out, encR(0x02<<2, 0, base, f3, rd(), 0x2f))
				out = append(out, encI(imm12(), rs(), 0, rd(), 0x13))
				sbase := base
				if r.IntN(4) == 0 {
					sbase = 10
				}
				out = append(out, encR(0x03<<2, rs(), sbase, f3, rd(), 0x2f))
			default: // SC without LR
				out = append(out, encR(0x03<<2, rs(), base, f3, rd(), 0x2f))
			}
		case k < 98: // fence, and a csr read of instret
			out = append(out, 0x0ff0000f, csrrs(rd(), 0xc02, 0))
		default: // floating point add (interpreted)
			out = append(out, encR(0x01, uint32(r.IntN(32)), uint32(r.IntN(32)), 7, uint32(r.IntN(32)), 0x53))
		}
	}
	if loopDepth > 0 {
		start := loopStart[0]
		out = append(out, bne(11, 0, int32(start-len(out))*4))
	}
	out = append(out, 0x00000073)
	for _, p := range fwd {
		to := min(p.to, len(out)-1)
		if noTarget[to] {
			to++
		}
		// Never into a loop's body past its counter's set-up.
		for _, s := range allStarts {
			if p.at < s && s <= to {
				to = s - 1
			}
		}
		off := int32(to-p.at) * 4
		if out[p.at]&0x7f == 0x6f {
			out[p.at] = jal((out[p.at]>>7)&31, off)
		} else {
			w := out[p.at]
			out[p.at] = encB(off, w>>20&31, w>>15&31, w>>12&7)
		}
	}
	return out
}

func encU(op, rd uint32) uint32 { return rd<<7 | op }

func rd2(r *rand.Rand) uint32 { return uint32(12 + r.IntN(10)) }

// jitRunProgram runs words on a fresh machine with the translator on or
// off and returns a description of the final state.
func jitRunProgram(t *testing.T, words []uint32, seed uint64, jit bool) string {
	m := newTestMachine(t, SatpSv48)
	m.hart.jit.on = jit && jitAvailable
	p := &prog{}
	p.i(words...)
	m.code(p)
	d0 := m.page(dataVA, PteR|PteW|PteU)
	d1 := m.page(dataVA+PageSize, PteR|PteW|PteU)
	r := rand.New(rand.NewPCG(seed, 99))
	for i := range 2 * PageSize / 8 {
		v := r.Uint64()
		if i < PageSize/8 {
			m.mem.Store64(d0+uint64(i)*8, v)
		} else {
			m.mem.Store64(d1+uint64(i-PageSize/8)*8, v)
		}
	}
	for i := 1; i < 32; i++ {
		m.ctx.X[i] = r.Uint64() >> (r.IntN(4) * 16)
		m.ctx.F[i] = r.Uint64()
	}
	m.ctx.X[10] = dataVA + 2048
	var b bytes.Buffer
	// Run it several times, so translated code runs from the second
	// round on, with budgets that cut it in different places.
	for round := range 4 {
		m.ctx.PC = codeVA
		m.ctx.X[11] = 0
		for range 1000 {
			tr := m.run(uint64(50 + round*500))
			if tr.Cause == Budget {
				continue
			}
			fmt.Fprintf(&b, "round %d: %v\n", round, tr)
			break
		}
		if !strings.Contains(b.String(), fmt.Sprintf("round %d:", round)) {
			t.Fatalf("program did not end within 1000 slices (a bug in the generator): pc=%#x x11=%d", m.ctx.PC, m.ctx.X[11])
		}
		fmt.Fprintf(&b, "x=%x\nf=%x\ninstret=%d pc=%#x\n", m.ctx.X, m.ctx.F, m.ctx.Instret, m.ctx.PC)
	}
	if jit && m.hart.jit.used == 0 {
		t.Fatal("the translator translated nothing")
	}
	fmt.Fprintf(&b, "mem0=%x\nmem1=%x\n", m.mem.Bytes(d0, PageSize), m.mem.Bytes(d1, PageSize))
	return b.String()
}

func TestJITMatchesInterpreter(t *testing.T) {
	if !jitAvailable {
		t.Skip("no translator on this host: nothing to compare") // the interpreter is the only path
	}
	old := jitThreshold
	jitThreshold = 1
	defer func() { jitThreshold = old }()
	n := 400
	if testing.Short() {
		n = 100
	}
	r := rand.New(rand.NewPCG(3, 4))
	for i := range n {
		words := jitProgram(r, 20+r.IntN(1500))
		want := jitRunProgram(t, words, uint64(i), false)
		got := jitRunProgram(t, words, uint64(i), true)
		if want != got {
			t.Fatalf("program %d (%d instructions): translated run differs:\n%s", i, len(words), firstLineDiff(want, got))
		}
	}
}

func firstLineDiff(want, got string) string {
	wl, gl := bytes.Split([]byte(want), []byte("\n")), bytes.Split([]byte(got), []byte("\n"))
	for i := range min(len(wl), len(gl)) {
		if !bytes.Equal(wl[i], gl[i]) {
			return fmt.Sprintf("line %d:\ninterpreted: %s\ntranslated:  %s", i, wl[i], gl[i])
		}
	}
	return "lengths differ"
}

// A translated loop whose page the program then rewrites runs the new
// instruction, as the interpreter does.
func TestJITSelfModifyingCode(t *testing.T) {
	old := jitThreshold
	jitThreshold = 1
	defer func() { jitThreshold = old }()
	for _, jit := range []bool{false, true} {
		m := newTestMachine(t, SatpSv48)
		m.hart.jit.on = jit && jitAvailable
		p := &prog{}
		p.i(addi(1, 1, 1), addi(2, 2, -1), bne(2, 0, -8)) // 0: the loop
		p.i(bne(7, 0, 20))                                // 12: second time round: to the ecall
		p.i(sw(5, 6, 0), addi(7, 0, 1), addi(2, 0, 10))   // 16: patch the loop's first instruction
		p.i(jal(0, -28))                                  // 28: and run the loop again
		p.i(0x00000073)                                   // 32
		m.page(codeVA, PteR|PteW|PteX|PteU)
		m.write(codeVA, p.b)
		m.ctx.X[2], m.ctx.X[5], m.ctx.X[6] = 10, uint64(addi(1, 1, 100)), codeVA
		for range 100 {
			if tr := m.run(7); tr.Cause != Budget {
				if tr.Cause != EcallU {
					t.Fatalf("jit=%v: %v", jit, tr)
				}
				break
			}
		}
		if m.ctx.X[1] != 1010 || m.ctx.Instret != 30+4+30+2 {
			t.Errorf("jit=%v: x1=%d instret=%d, want 1010 and 66", jit, m.ctx.X[1], m.ctx.Instret)
		}
		if jit && m.hart.jit.used == 0 {
			t.Error("the translator translated nothing")
		}
	}
}
