package x86

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// insn pairs an Intel-syntax instruction for GNU as with the call that
// should encode it.
type insn struct {
	text string
	emit func(a *Asm)
}

var allRegs = func() []Reg {
	var rs []Reg
	for r := RAX; r <= R15; r++ {
		rs = append(rs, r)
	}
	return rs
}()

var (
	names32 = [16]string{"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
		"r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"}
	names16 = [16]string{"ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
		"r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w"}
	names8 = [16]string{"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
		"r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b"}
	opNames    = [8]string{"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"}
	condNames  = [16]string{"o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"}
	shiftNames = map[Shift]string{ROL: "rol", ROR: "ror", SHL: "shl", SHR: "shr", SAR: "sar"}
	allShifts  = []Shift{ROL, ROR, SHL, SHR, SAR}
)

func r64(r Reg) string { return r.String() }
func r32(r Reg) string { return names32[r] }
func r16(r Reg) string { return names16[r] }
func r8(r Reg) string  { return names8[r] }

// memText formats m in GNU as Intel syntax, without a size keyword.
func memText(m Mem) string {
	var sb strings.Builder
	sb.WriteString("[" + r64(m.Base))
	if m.Scale != 0 {
		fmt.Fprintf(&sb, "+%s*%d", r64(m.Index), m.Scale)
	}
	if m.Disp > 0 {
		fmt.Fprintf(&sb, "+%#x", m.Disp)
	} else if m.Disp < 0 {
		fmt.Fprintf(&sb, "-%#x", -int64(m.Disp))
	}
	sb.WriteString("]")
	return sb.String()
}

var testDisps = []int32{0, 8, -8, 127, 128, -128, -129, 0x12345678, math.MinInt32}

var testImms = []int32{0, 1, -1, 127, 128, -128, -129, 1000, math.MaxInt32, math.MinInt32}

// testMems covers every base with every displacement class and no index,
// and every base/index pair with a rotating scale and displacement.
var testMems = func() []Mem {
	var ms []Mem
	for _, b := range allRegs {
		for _, d := range testDisps {
			ms = append(ms, Mem{Base: b, Disp: d})
		}
	}
	scales := []uint8{1, 2, 4, 8}
	n := 0
	for _, b := range allRegs {
		for _, x := range allRegs {
			if x == RSP {
				continue
			}
			ms = append(ms, Mem{Base: b, Index: x, Scale: scales[n%4], Disp: testDisps[n%len(testDisps)]})
			n++
		}
	}
	return ms
}()

// testCases builds the table compared against GNU as.
func testCases() []insn {
	var c []insn
	add := func(text string, emit func(a *Asm)) { c = append(c, insn{text, emit}) }

	// Register-register forms, all 16x16 pairs.
	for _, d := range allRegs {
		for _, s := range allRegs {
			add(fmt.Sprintf("mov %s, %s", r64(d), r64(s)), func(a *Asm) { a.Mov(d, s) })
			add(fmt.Sprintf("mov %s, %s", r32(d), r32(s)), func(a *Asm) { a.Mov32(d, s) })
			for op := ADD; op <= CMP; op++ {
				add(fmt.Sprintf("%s %s, %s", opNames[op], r64(d), r64(s)), func(a *Asm) { a.ALU(op, d, s) })
				add(fmt.Sprintf("%s %s, %s", opNames[op], r32(d), r32(s)), func(a *Asm) { a.ALU32(op, d, s) })
			}
			add(fmt.Sprintf("test %s, %s", r64(d), r64(s)), func(a *Asm) { a.Test(d, s) })
			add(fmt.Sprintf("imul %s, %s", r64(d), r64(s)), func(a *Asm) { a.Imul(d, s) })
			add(fmt.Sprintf("imul %s, %s", r32(d), r32(s)), func(a *Asm) { a.Imul32(d, s) })
			add(fmt.Sprintf("movsxd %s, %s", r64(d), r32(s)), func(a *Asm) { a.Movsxd(d, s) })
			add(fmt.Sprintf("movsx %s, %s", r64(d), r8(s)), func(a *Asm) { a.Movsx8(d, s) })
			add(fmt.Sprintf("movsx %s, %s", r64(d), r16(s)), func(a *Asm) { a.Movsx16(d, s) })
			add(fmt.Sprintf("movzx %s, %s", r32(d), r8(s)), func(a *Asm) { a.Movzx8(d, s) })
			add(fmt.Sprintf("movzx %s, %s", r32(d), r16(s)), func(a *Asm) { a.Movzx16(d, s) })
			for cc := O; cc <= G; cc++ {
				add(fmt.Sprintf("cmov%s %s, %s", condNames[cc], r64(d), r64(s)), func(a *Asm) { a.Cmov(cc, d, s) })
			}
		}
	}

	// Single-register forms.
	movImms := []int64{0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000, -1, -0x80000000,
		-0x80000001, math.MinInt64, math.MaxInt64, 0x123456789abcdef0}
	for _, r := range allRegs {
		for cc := O; cc <= G; cc++ {
			add(fmt.Sprintf("set%s %s", condNames[cc], r8(r)), func(a *Asm) { a.Setcc(cc, r) })
		}
		add("bswap "+r64(r), func(a *Asm) { a.Bswap(r) })
		add("neg "+r64(r), func(a *Asm) { a.Neg(r) })
		add("not "+r64(r), func(a *Asm) { a.Not(r) })
		add("mul "+r64(r), func(a *Asm) { a.MulRDX(r) })
		add("imul "+r64(r), func(a *Asm) { a.ImulRDX(r) })
		add("div "+r64(r), func(a *Asm) { a.Div(r) })
		add("idiv "+r64(r), func(a *Asm) { a.Idiv(r) })
		add("div "+r32(r), func(a *Asm) { a.Div32(r) })
		add("idiv "+r32(r), func(a *Asm) { a.Idiv32(r) })
		add("jmp "+r64(r), func(a *Asm) { a.JmpReg(r) })
		for _, s := range allShifts {
			add(fmt.Sprintf("%s %s, cl", shiftNames[s], r64(r)), func(a *Asm) { a.ShiftCL(s, r) })
			add(fmt.Sprintf("%s %s, cl", shiftNames[s], r32(r)), func(a *Asm) { a.ShiftCL32(s, r) })
			for _, n := range []uint8{0, 1, 2, 31, 32, 63} {
				add(fmt.Sprintf("%s %s, %d", shiftNames[s], r64(r), n), func(a *Asm) { a.ShiftImm(s, r, n) })
			}
			for _, n := range []uint8{0, 1, 2, 16, 31} {
				add(fmt.Sprintf("%s %s, %d", shiftNames[s], r32(r), n), func(a *Asm) { a.ShiftImm32(s, r, n) })
			}
		}
		for op := ADD; op <= CMP; op++ {
			for _, imm := range testImms {
				add(fmt.Sprintf("%s %s, %d", opNames[op], r64(r), imm), func(a *Asm) { a.ALUImm(op, r, imm) })
				add(fmt.Sprintf("%s %s, %d", opNames[op], r32(r), imm), func(a *Asm) { a.ALUImm32(op, r, imm) })
			}
		}
		for _, imm := range movImms {
			// The form each range must use is fixed by MovImm's contract.
			var text string
			switch {
			case imm >= 0 && imm <= math.MaxUint32:
				text = fmt.Sprintf("mov %s, %#x", r32(r), imm)
			case imm >= math.MinInt32 && imm <= math.MaxInt32:
				text = fmt.Sprintf("mov %s, %d", r64(r), imm)
			default:
				text = fmt.Sprintf("movabs %s, %#x", r64(r), uint64(imm))
			}
			add(text, func(a *Asm) { a.MovImm(r, imm) })
		}
	}

	// Memory forms: every test operand, with the register (and op and
	// immediate) rotating so that each register appears in each role.
	for i, m := range testMems {
		r := allRegs[i%16]
		ms := memText(m)
		imm := testImms[i%len(testImms)]
		add(fmt.Sprintf("mov %s, qword ptr %s", r64(r), ms), func(a *Asm) { a.Load(r, m) })
		add(fmt.Sprintf("mov qword ptr %s, %s", ms, r64(r)), func(a *Asm) { a.Store(m, r) })
		add(fmt.Sprintf("mov qword ptr %s, %d", ms, imm), func(a *Asm) { a.StoreImm(m, imm) })
		add(fmt.Sprintf("movsx %s, byte ptr %s", r64(r), ms), func(a *Asm) { a.Load8S(r, m) })
		add(fmt.Sprintf("movzx %s, byte ptr %s", r32(r), ms), func(a *Asm) { a.Load8U(r, m) })
		add(fmt.Sprintf("movsx %s, word ptr %s", r64(r), ms), func(a *Asm) { a.Load16S(r, m) })
		add(fmt.Sprintf("movzx %s, word ptr %s", r32(r), ms), func(a *Asm) { a.Load16U(r, m) })
		add(fmt.Sprintf("movsxd %s, dword ptr %s", r64(r), ms), func(a *Asm) { a.Load32S(r, m) })
		add(fmt.Sprintf("mov %s, dword ptr %s", r32(r), ms), func(a *Asm) { a.Load32U(r, m) })
		add(fmt.Sprintf("mov byte ptr %s, %s", ms, r8(r)), func(a *Asm) { a.Store8(m, r) })
		add(fmt.Sprintf("mov word ptr %s, %s", ms, r16(r)), func(a *Asm) { a.Store16(m, r) })
		add(fmt.Sprintf("mov dword ptr %s, %s", ms, r32(r)), func(a *Asm) { a.Store32(m, r) })
		add(fmt.Sprintf("mov dword ptr %s, %d", ms, imm), func(a *Asm) { a.Store32Imm(m, imm) })
		add(fmt.Sprintf("lea %s, %s", r64(r), ms), func(a *Asm) { a.Lea(r, m) })
		for op := ADD; op <= CMP; op++ {
			r := allRegs[(i+int(op))%16]
			imm := testImms[(i+int(op))%len(testImms)]
			add(fmt.Sprintf("%s %s, qword ptr %s", opNames[op], r64(r), ms), func(a *Asm) { a.ALULoad(op, r, m) })
			add(fmt.Sprintf("%s %s, dword ptr %s", opNames[op], r32(r), ms), func(a *Asm) { a.ALULoad32(op, r, m) })
			add(fmt.Sprintf("%s qword ptr %s, %d", opNames[op], ms, imm), func(a *Asm) { a.ALUMemImm(op, m, imm) })
			add(fmt.Sprintf("%s dword ptr %s, %d", opNames[op], ms, imm), func(a *Asm) { a.ALUMemImm32(op, m, imm) })
		}
	}

	add("cqo", func(a *Asm) { a.Cqo() })
	add("cdq", func(a *Asm) { a.Cdq() })
	add("ret", func(a *Asm) { a.Ret() })
	add(".byte 0x90, 0xcc, 0x0f", func(a *Asm) { a.Byte(0x90, 0xcc, 0x0f) })
	return c
}

// assemble runs GNU as and objcopy on src and returns the .text bytes.
func assemble(t *testing.T, src string) []byte {
	t.Helper()
	asPath, err := exec.LookPath("as")
	if err != nil {
		t.Fatalf("GNU as is required for this test but was not found in PATH: %v", err)
	}
	objcopyPath, err := exec.LookPath("objcopy")
	if err != nil {
		t.Fatalf("objcopy is required for this test but was not found in PATH: %v", err)
	}
	dir := t.TempDir()
	sFile := filepath.Join(dir, "x.s")
	oFile := filepath.Join(dir, "x.o")
	binFile := filepath.Join(dir, "x.bin")
	if err := os.WriteFile(sFile, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(asPath, "--64", "-o", oFile, sFile).CombinedOutput(); err != nil {
		t.Fatalf("as failed: %v\n%s", err, out)
	}
	if out, err := exec.Command(objcopyPath, "-O", "binary", "-j", ".text", oFile, binFile).CombinedOutput(); err != nil {
		t.Fatalf("objcopy failed: %v\n%s", err, out)
	}
	b, err := os.ReadFile(binFile)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAgainstGNUAs encodes a large table of instructions and compares the
// bytes with what GNU as produces for the same Intel-syntax instructions.
func TestAgainstGNUAs(t *testing.T) {
	cases := testCases()
	var src strings.Builder
	src.WriteString(".intel_syntax noprefix\n.text\n")
	var a Asm
	starts := make([]int, len(cases))
	for i, c := range cases {
		src.WriteString(c.text + "\n")
		starts[i] = a.Len()
		c.emit(&a)
		if a.Len() == starts[i] {
			t.Fatalf("%q emitted no bytes", c.text)
		}
	}
	want := assemble(t, src.String())
	got := a.Buf
	if bytes.Equal(got, want) {
		t.Logf("%d instructions, %d bytes match GNU as", len(cases), len(got))
		return
	}
	// Find the first instruction whose bytes differ. Everything before it
	// matched, so the assembler's copy of it starts at the same offset.
	for i, c := range cases {
		end := a.Len()
		if i+1 < len(cases) {
			end = starts[i+1]
		}
		mine := got[starts[i]:end]
		wantEnd := min(starts[i]+len(mine), len(want))
		if !bytes.Equal(mine, want[starts[i]:wantEnd]) {
			theirs := want[starts[i]:min(starts[i]+16, len(want))]
			t.Fatalf("instruction %d %q: encoder emitted % x, GNU as emitted (starting with) % x",
				i, c.text, mine, theirs)
		}
	}
	t.Fatalf("output length differs: encoder %d bytes, GNU as %d bytes", len(got), len(want))
}

func rel32(a *Asm, at int) int32 { return int32(binary.LittleEndian.Uint32(a.Buf[at:])) }

func TestJumpPatch(t *testing.T) {
	var a Asm
	a.Byte(0x90)
	j1 := a.Jcc(NE) // bytes 1..6
	if j1 != 3 || !bytes.Equal(a.Buf[1:], []byte{0x0f, 0x85, 0, 0, 0, 0}) {
		t.Fatalf("Jcc(NE): at=%d bytes % x", j1, a.Buf)
	}
	j2 := a.Jmp() // bytes 7..11
	if j2 != 8 || !bytes.Equal(a.Buf[7:], []byte{0xe9, 0, 0, 0, 0}) {
		t.Fatalf("Jmp: at=%d bytes % x", j2, a.Buf)
	}
	for i := 0; i < 300; i++ {
		a.Byte(0x90)
	}
	end := a.Len() // 312

	a.Patch(j1, end) // forward
	if got, want := rel32(&a, j1), int32(end-(j1+4)); got != want || got != 305 {
		t.Errorf("forward Jcc rel32 = %d, want %d (305)", got, want)
	}
	a.Patch(j2, 0) // backward
	if got := rel32(&a, j2); got != -12 {
		t.Errorf("backward Jmp rel32 = %d, want -12", got)
	}
	a.Patch(j2, j2-1) // jump to itself
	if got := rel32(&a, j2); got != -5 {
		t.Errorf("self Jmp rel32 = %d, want -5", got)
	}
	a.Patch(j2, j2+4) // fall through
	if got := rel32(&a, j2); got != 0 {
		t.Errorf("fall-through Jmp rel32 = %d, want 0", got)
	}
	if a.Buf[2] != 0x85 || a.Buf[7] != 0xe9 || a.Len() != 312 {
		t.Errorf("Patch touched bytes outside the rel32 field: % x", a.Buf[:12])
	}
}

// TestJumpsAgainstGNUAs checks Jcc/Jmp/Patch with forward and backward
// targets far enough away that GNU as also uses the rel32 forms.
func TestJumpsAgainstGNUAs(t *testing.T) {
	var src strings.Builder
	src.WriteString(".intel_syntax noprefix\n.text\n.Lstart:\n")
	var a Asm
	const pad = ".fill 200, 1, 0x90\n"
	nops := func() {
		src.WriteString(pad)
		for i := 0; i < 200; i++ {
			a.Byte(0x90)
		}
	}
	start := a.Len()
	nops()
	var fwd []int
	for c := O; c <= G; c++ {
		fmt.Fprintf(&src, "j%s .Lend\n", condNames[c])
		fwd = append(fwd, a.Jcc(c))
		fmt.Fprintf(&src, "j%s .Lstart\n", condNames[c])
		a.Patch(a.Jcc(c), start)
	}
	src.WriteString("jmp .Lend\n")
	fwd = append(fwd, a.Jmp())
	src.WriteString("jmp .Lstart\n")
	a.Patch(a.Jmp(), start)
	nops()
	src.WriteString(".Lend:\nret\n")
	end := a.Len()
	a.Ret()
	for _, at := range fwd {
		a.Patch(at, end)
	}
	want := assemble(t, src.String())
	if !bytes.Equal(a.Buf, want) {
		t.Fatalf("jump encodings differ from GNU as:\n got % x\nwant % x", a.Buf, want)
	}
}

func TestInvalidMemPanics(t *testing.T) {
	for _, m := range []Mem{
		{Base: RAX, Index: RSP, Scale: 1},
		{Base: RAX, Index: RCX, Scale: 3},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Load(RAX, %+v) did not panic", m)
				}
			}()
			var a Asm
			a.Load(RAX, m)
		}()
	}
}
