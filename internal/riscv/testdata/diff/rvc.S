# rvc.S: differential test of every RV64C compressed instruction form,
# written with the explicit c.* mnemonics (and .half for the HINT
# encodings the assembler will not produce):
#
#   c.addi4spn c.fld c.lw c.ld c.fsd c.sw c.sd c.nop c.addi c.addiw c.li
#   c.addi16sp c.lui c.srli c.srai c.andi c.sub c.xor c.or c.and c.subw
#   c.addw c.j c.beqz c.bnez c.slli c.fldsp c.lwsp c.ldsp c.jr c.mv c.jalr
#   c.add c.fsdsp c.swsp c.sdsp
#
# Immediates and offsets are tried one bit at a time and at their extremes
# (the compressed encodings scramble immediate bits, so a single swapped
# bit shows up as one wrong line); loads read a table of distinct values;
# jumps and branches go forward and backward over padding made of
# "c.addi a0, 1", so landing anywhere but the target changes the count.
# 2- and 4-byte instructions are mixed throughout, so most 4-byte
# instructions sit at addresses that are only 2-byte aligned, and the
# cross* routines at the end place 4-byte instructions (addi, jal, beq,
# auipc) across a page boundary and a 4-byte instruction right after a
# 2-byte one that ends a page. (c.ebreak is not here: no traps. c.jal,
# c.flw, c.fsw, c.flwsp and c.fswsp are RV32-only.)
#
# Every line is "description=<16 hex digits>". No runtime: this file has
# its own _start and output routine and ends with exit (93), status 0.

	.option rvc

# PR "name", reg: print "name=<reg in hex>". Clobbers a0-a5, a7, t0-t2, ra.
.macro PR name, reg
	.pushsection .rodata.str, "a"
.Lstr\@: .asciz "\name"
	.popsection
	mv	a1, \reg
	lla	a0, .Lstr\@
	call	pr
.endm

# J4 label: a 4-byte jal x0 (never compressed).
.macro J4 label
	.option push
	.option norvc
	jal	x0, \label
	.option pop
.endm

	.section .rodata
hexdig:	.ascii	"0123456789abcdef"

	.data
	.balign	64
# 64 distinct doublewords: tbl[i] = 0x9e3779b97f4a7c15 * (i + 1).
tbl:
	.dword 0x9e3779b97f4a7c15, 0x3c6ef372fe94f82a
	.dword 0xdaa66d2c7ddf743f, 0x78dde6e5fd29f054
	.dword 0x1715609f7c746c69, 0xb54cda58fbbee87e
	.dword 0x538454127b096493, 0xf1bbcdcbfa53e0a8
	.dword 0x8ff34785799e5cbd, 0x2e2ac13ef8e8d8d2
	.dword 0xcc623af8783354e7, 0x6a99b4b1f77dd0fc
	.dword 0x08d12e6b76c84d11, 0xa708a824f612c926
	.dword 0x454021de755d453b, 0xe3779b97f4a7c150
	.dword 0x81af155173f23d65, 0x1fe68f0af33cb97a
	.dword 0xbe1e08c47287358f, 0x5c55827df1d1b1a4
	.dword 0xfa8cfc37711c2db9, 0x98c475f0f066a9ce
	.dword 0x36fbefaa6fb125e3, 0xd5336963eefba1f8
	.dword 0x736ae31d6e461e0d, 0x11a25cd6ed909a22
	.dword 0xafd9d6906cdb1637, 0x4e115049ec25924c
	.dword 0xec48ca036b700e61, 0x8a8043bceaba8a76
	.dword 0x28b7bd766a05068b, 0xc6ef372fe94f82a0
	.dword 0x6526b0e96899feb5, 0x035e2aa2e7e47aca
	.dword 0xa195a45c672ef6df, 0x3fcd1e15e67972f4
	.dword 0xde0497cf65c3ef09, 0x7c3c1188e50e6b1e
	.dword 0x1a738b426458e733, 0xb8ab04fbe3a36348
	.dword 0x56e27eb562eddf5d, 0xf519f86ee2385b72
	.dword 0x935172286182d787, 0x3188ebe1e0cd539c
	.dword 0xcfc0659b6017cfb1, 0x6df7df54df624bc6
	.dword 0x0c2f590e5eacc7db, 0xaa66d2c7ddf743f0
	.dword 0x489e4c815d41c005, 0xe6d5c63adc8c3c1a
	.dword 0x850d3ff45bd6b82f, 0x2344b9addb213444
	.dword 0xc17c33675a6bb059, 0x5fb3ad20d9b62c6e
	.dword 0xfdeb26da5900a883, 0x9c22a093d84b2498
	.dword 0x3a5a1a4d5795a0ad, 0xd8919406d6e01cc2
	.dword 0x76c90dc0562a98d7, 0x15008779d57514ec
	.dword 0xb338013354bf9101, 0x516f7aecd40a0d16
	.dword 0xefa6f4a65354892b, 0x8dde6e5fd29f0540

	.bss
	.balign	64
wbuf:	.space	1024
obuf:	.space	4096
opos:	.space	8

	.text
	.globl	_start
_start:
	mv	s10, sp			# the stack pointer, restored at the end

# ---- constants and immediates ----------------------------------------------

.irp imm, 0, 1, 2, 4, 8, 16, -32, 31, -1
	c.li	a0, \imm
	PR	"c.li a0, \imm", a0
.endr
	c.li	t6, -17
	PR	"c.li t6, -17", t6
	c.li	ra, 9
	PR	"c.li ra, 9", ra
	c.li	s11, 21
	PR	"c.li s11, 21", s11

.irp imm, 1, 2, 4, 8, 16, 31, 0xfffe0, 0xffff0, 0xfffff
	c.lui	a2, \imm
	PR	"c.lui a2, \imm", a2
.endr
	c.lui	t5, 0x15
	PR	"c.lui t5, 0x15", t5
	c.lui	s1, 0xfffea
	PR	"c.lui s1, 0xfffea", s1

.irp imm, 1, 2, 4, 8, 16, -32, 31, -1, -11
	li	a3, 0x1000
	c.addi	a3, \imm
	PR	"c.addi 0x1000, \imm", a3
.endr
	li	t4, 0x7fffffffffffffff
	c.addi	t4, 1
	PR	"c.addi t4=0x7fffffffffffffff, 1", t4
	li	sp, 5
	c.addi	sp, -6
	mv	a4, sp
	mv	sp, s10
	PR	"c.addi sp=5, -6", a4

.irp imm, 0, 1, 2, 4, 8, 16, -32, 31, -1
	li	a4, 0x7fffffff
	c.addiw	a4, \imm
	PR	"c.addiw 0x7fffffff, \imm", a4
.endr
	li	t3, 0x123456789abcdef0
	c.addiw	t3, 0
	PR	"c.addiw t3=0x123456789abcdef0, 0 (sext.w)", t3
	li	ra, 0xffffffff
	c.addiw	ra, 31
	PR	"c.addiw ra=0xffffffff, 31", ra

.irp imm, 0, 1, 2, 4, 8, 16, -32, 31, -1
	li	s0, 0x5a5a5a5a5a5a5a5a
	c.andi	s0, \imm
	PR	"c.andi 0x5a5a5a5a5a5a5a5a, \imm", s0
.endr
	li	a5, -1
	c.andi	a5, -21
	PR	"c.andi a5=-1, -21", a5

.irp sh, 1, 2, 4, 8, 16, 32, 63, 47
	li	t3, 0x0123456789abcdef
	c.slli	t3, \sh
	PR	"c.slli 0x0123456789abcdef, \sh", t3
.endr
	li	a0, 1
	c.slli	a0, 63
	PR	"c.slli a0=1, 63", a0
.irp sh, 1, 2, 4, 8, 16, 32, 63, 47
	li	s1, 0x8123456789abcdef
	c.srli	s1, \sh
	PR	"c.srli 0x8123456789abcdef, \sh", s1
.endr
.irp sh, 1, 2, 4, 8, 16, 32, 63, 47
	li	a5, 0x8123456789abcdef
	c.srai	a5, \sh
	PR	"c.srai 0x8123456789abcdef, \sh", a5
.endr
	li	s0, 0x7123456789abcdef
	c.srai	s0, 4
	PR	"c.srai s0=0x7123456789abcdef, 4", s0

# ---- register-register -----------------------------------------------------

.macro RR op, rd, rs, a, b
	li	\rd, \a
	li	\rs, \b
	\op	\rd, \rs
	PR	"\op \a \b", \rd
.endm
.irp op, c.sub, c.xor, c.or, c.and, c.subw, c.addw
	RR	\op, s0, s1, 0x0123456789abcdef, 0xfedcba9876543210
	RR	\op, a4, a5, 0x7fffffff, 1
	RR	\op, a0, a2, 0x80000000, 0xffffffff
	RR	\op, s1, s0, -1, 1
	RR	\op, a3, a1, 0x8000000000000000, 0x7fffffff80000000
.endr
	li	a2, 0x1234
	c.addw	a2, a2
	PR	"c.addw a2, a2 (0x1234)", a2
	li	a3, 0x1234
	c.sub	a3, a3
	PR	"c.sub a3, a3", a3

	li	t5, 0xdeadbeef12345678
	c.mv	t6, t5
	PR	"c.mv t6, t5", t6
	c.mv	a0, t6
	c.mv	tp, a0
	c.mv	s9, tp
	PR	"c.mv a0, t6", a0
	PR	"c.mv tp, a0; c.mv s9, tp", s9
	li	s2, 0x8000000000000000
	c.mv	ra, s2
	PR	"c.mv ra, s2", ra
	li	t5, 0x0123456789abcdef
	li	t6, 0x1111111111111111
	c.add	t6, t5
	PR	"c.add t6, t5", t6
	li	a0, 0x4000000000000001
	c.add	a0, a0
	PR	"c.add a0, a0 (0x4000000000000001)", a0
	li	s3, 0x7fffffffffffffff
	li	s4, 1
	c.add	s3, s4
	PR	"c.add s3=0x7fffffffffffffff, s4=1", s3
	c.li	tp, 0

# ---- loads and stores ------------------------------------------------------

	lla	s0, tbl
.irp off, 0, 4, 8, 16, 32, 64, 124, 84
	c.lw	a0, \off(s0)
	PR	"c.lw a0, \off(tbl)", a0
.endr
.irp off, 0, 8, 16, 32, 64, 128, 248, 168
	c.ld	a1, \off(s0)
	PR	"c.ld a1, \off(tbl)", a1
.endr
.irp off, 0, 8, 16, 32, 64, 128, 248, 168
	c.fld	fa2, \off(s0)
	fmv.x.d	a2, fa2
	PR	"c.fld fa2, \off(tbl)", a2
.endr
	# (PR clobbers a0-a5, so a5 is set again before each use.)
	lla	a5, tbl+8
	c.lw	s1, 12(a5)
	PR	"c.lw s1, 12(a5=tbl+8)", s1
	lla	a5, tbl+8
	c.ld	a4, 40(a5)
	PR	"c.ld a4, 40(a5=tbl+8)", a4
	lla	a5, tbl+8
	c.fld	fs0, 56(a5)
	fmv.x.d	a4, fs0
	PR	"c.fld fs0, 56(a5=tbl+8)", a4
	lla	a5, tbl+8
	c.fld	fa5, 0(a5)
	fmv.x.d	a4, fa5
	PR	"c.fld fa5, 0(a5=tbl+8)", a4
	lla	a5, tbl+8
	c.lw	a5, 4(a5)
	PR	"c.lw a5, 4(a5) (rd == base)", a5

# Stores: fill wbuf from tbl, store, print the containing doubleword.
.macro FILLW
	lla	t0, tbl
	lla	t1, wbuf
	li	t2, 64
1:	ld	a7, 0(t0)
	sd	a7, 0(t1)
	sd	a7, 512(t1)
	addi	t0, t0, 8
	addi	t1, t1, 8
	addi	t2, t2, -1
	bnez	t2, 1b
.endm
	lla	s1, wbuf
.irp off, 0, 4, 8, 16, 32, 64, 124, 84
	FILLW
	li	a3, 0xcafef00d80000001
	c.sw	a3, \off(s1)
	addi	a4, s1, \off
	andi	a4, a4, -8
	ld	a4, 0(a4)
	PR	"c.sw 0xcafef00d80000001, \off(wbuf): doubleword", a4
.endr
.irp off, 0, 8, 16, 32, 64, 128, 248, 168
	FILLW
	li	a3, 0xcafef00d80000001
	c.sd	a3, \off(s1)
	ld	a4, \off(s1)
	PR	"c.sd 0xcafef00d80000001, \off(wbuf)", a4
	ld	a4, \off+8(s1)
	PR	"c.sd 0xcafef00d80000001, \off(wbuf): next doubleword", a4
.endr
.irp off, 0, 8, 16, 32, 64, 128, 248, 168
	FILLW
	li	a3, 0xfff8000000000001
	fmv.d.x	fs1, a3
	c.fsd	fs1, \off(s1)
	ld	a4, \off(s1)
	PR	"c.fsd 0xfff8000000000001, \off(wbuf)", a4
.endr

# sp-relative loads from tbl and stores to wbuf.
	lla	sp, tbl
.irp off, 0, 4, 8, 16, 32, 64, 128, 252, 164
	c.lwsp	t0, \off(sp)
	PR	"c.lwsp t0, \off(tbl)", t0
.endr
.irp off, 0, 8, 16, 32, 64, 128, 256, 504, 328
	c.ldsp	s2, \off(sp)
	PR	"c.ldsp s2, \off(tbl)", s2
.endr
.irp off, 0, 8, 16, 32, 64, 128, 256, 504, 328
	c.fldsp	ft11, \off(sp)
	fmv.x.d	a2, ft11
	PR	"c.fldsp ft11, \off(tbl)", a2
.endr
	c.lwsp	ra, 20(sp)
	PR	"c.lwsp ra, 20(tbl)", ra
	c.ldsp	a7, 24(sp)
	PR	"c.ldsp a7, 24(tbl)", a7
	c.fldsp	fs7, 40(sp)
	fmv.x.d	a2, fs7
	PR	"c.fldsp fs7, 40(tbl)", a2
	lla	sp, wbuf
.irp off, 0, 4, 8, 16, 32, 64, 128, 252, 164
	FILLW
	li	s3, 0x0bad0bad9abcdef0
	c.swsp	s3, \off(sp)
	addi	a4, sp, \off
	andi	a4, a4, -8
	ld	a4, 0(a4)
	PR	"c.swsp 0x0bad0bad9abcdef0, \off(wbuf): doubleword", a4
.endr
.irp off, 0, 8, 16, 32, 64, 128, 256, 504, 328
	FILLW
	li	t4, 0x0bad0bad9abcdef0
	c.sdsp	t4, \off(sp)
	ld	a4, \off(sp)
	PR	"c.sdsp 0x0bad0bad9abcdef0, \off(wbuf)", a4
	ld	a4, \off+8(sp)
	PR	"c.sdsp 0x0bad0bad9abcdef0, \off(wbuf): next doubleword", a4
.endr
.irp off, 0, 8, 16, 32, 64, 128, 256, 504, 328
	FILLW
	li	t4, 0x7ff0000000000001
	fmv.d.x	ft9, t4
	c.fsdsp	ft9, \off(sp)
	ld	a4, \off(sp)
	PR	"c.fsdsp 0x7ff0000000000001, \off(wbuf)", a4
.endr
	FILLW
	c.swsp	zero, 0(sp)
	c.sdsp	zero, 8(sp)
	ld	a4, 0(sp)
	PR	"c.swsp zero, 0(wbuf)", a4
	ld	a4, 8(sp)
	PR	"c.sdsp zero, 8(wbuf)", a4

# c.addi16sp and c.addi4spn, with sp at wbuf+512.
	lla	s9, wbuf+512
	mv	sp, s9
.irp imm, 16, 32, 64, 128, 256, -512, 496, -16, -336
	c.addi16sp sp, \imm
	sub	a0, sp, s9
	mv	sp, s9
	PR	"c.addi16sp sp, \imm: sp minus old sp", a0
.endr
.irp imm, 4, 8, 16, 32, 64, 128, 256, 512, 1020, 680
	c.addi4spn a0, sp, \imm
	sub	a0, a0, sp
	PR	"c.addi4spn a0, sp, \imm: minus sp", a0
.endr
	c.addi4spn s0, sp, 36
	sub	a0, s0, sp
	PR	"c.addi4spn s0, sp, 36: minus sp", a0
	c.addi4spn a5, sp, 1012
	sub	a0, a5, sp
	PR	"c.addi4spn a5, sp, 1012: minus sp", a0
	mv	sp, s10

# ---- jumps and branches ----------------------------------------------------

# c.j +x: skipping (x-2)/2 "c.addi a0, 1" lands on "c.addi a0, 16".
.macro CJF x
	c.li	a0, 0
	c.j	1f
	.fill	(\x-2)/2, 2, 0x0505
1:	c.addi	a0, 16
	PR	"c.j +\x: count", a0
.endm
# c.j -x.
.macro CJB x
	c.li	a0, 0
	J4	2f
1:	c.addi	a0, 16
	J4	3f
	.fill	(\x-6)/2, 2, 0x0505
2:	c.j	1b
	c.addi	a0, 1
3:	PR	"c.j -\x: count", a0
.endm
.irp x, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2046, 1366
	CJF	\x
.endr
.irp x, 6, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 1366, 682
	CJB	\x
.endr

# c.beqz/c.bnez +x with the register zero or not: taken lands on
# "c.addi a0, 16", not taken runs all the padding.
.macro CBF op, reg, val, x
	c.li	a0, 0
	c.li	\reg, \val
	\op	\reg, 1f
	.fill	(\x-2)/2, 2, 0x0505
1:	c.addi	a0, 16
	PR	"\op (\reg=\val) +\x: count", a0
.endm
.macro CBB op, reg, val, x
	c.li	a0, 0
	c.li	\reg, \val
	J4	2f
1:	c.addi	a0, 16
	J4	3f
	.fill	(\x-6)/2, 2, 0x0505
2:	\op	\reg, 1b
	c.addi	a0, 1
3:	PR	"\op (\reg=\val) -\x: count", a0
.endm
.irp x, 2, 4, 8, 16, 32, 64, 128, 254, 170
	CBF	c.beqz, s0, 0, \x
	CBF	c.bnez, s1, 0, \x
	CBF	c.beqz, a5, -1, \x
	CBF	c.bnez, a2, 1, \x
.endr
.irp x, 6, 8, 16, 32, 64, 128, 256, 170
	CBB	c.beqz, s1, 0, \x
	CBB	c.bnez, s0, 0, \x
	CBB	c.beqz, a4, 1, \x
	CBB	c.bnez, a3, -32, \x
.endr
# A loop closed by c.bnez.
	c.li	a0, 0
	c.li	s1, 10
1:	c.addi	a0, 3
	c.addi	s1, -1
	c.bnez	s1, 1b
	PR	"c.bnez loop: sum", a0

# c.jr, also to an odd address (bit 0 is cleared).
	c.li	a0, 0
	lla	t0, 1f
	c.jr	t0
	c.addi	a0, 1
1:	c.addi	a0, 16
	PR	"c.jr: count", a0
	c.li	a0, 0
	lla	a5, 1f+1
	c.jr	a5
	c.addi	a0, 1
1:	c.addi	a0, 16
	PR	"c.jr odd address: count", a0

# c.jalr: ra is the address of the next instruction.
	lla	t1, 2f
	c.jalr	t1
1:	J4	3f
2:	lla	a4, 1b
	sub	s2, ra, a4
	c.jr	ra
3:	PR	"c.jalr t1: ra minus next", s2
	lla	a5, 2f+1
	c.jalr	a5
1:	J4	3f
2:	lla	a4, 1b
	sub	s2, ra, a4
	c.jr	ra
3:	PR	"c.jalr odd address: ra minus next", s2
# c.jalr ra: the target is the old ra.
	lla	ra, 2f
	c.jalr	ra
1:	J4	3f
2:	lla	a4, 1b
	sub	s2, ra, a4
	c.jr	ra
3:	PR	"c.jalr ra: ra minus next", s2

# ---- c.nop and HINTs -------------------------------------------------------

	li	a0, 0x1234
	li	s0, 0x0ff0
	c.nop
	.half	0x0005		# c.nop with imm 1
	.half	0x107d		# c.nop with imm -1 (c.addi x0, -1)
	.half	0x4015		# c.li x0, 5
	.half	0x6005		# c.lui x0, 1
	.half	0x802a		# c.mv x0, a0
	.half	0x902a		# c.add x0, a0
	.half	0x0016		# c.slli x0, 5
	.half	0x0501		# c.addi a0, 0
	.half	0x0502		# c.slli a0, 0
	.half	0x8001		# c.srli s0, 0
	.half	0x8401		# c.srai s0, 0
	c.nop
	PR	"after HINTs: a0", a0
	PR	"after HINTs: s0", s0
	PR	"after HINTs: x0", zero

# ---- instructions across page boundaries -----------------------------------

	c.li	a0, 0
	call	cross1
	PR	"cross1 from its start: a0", a0
	c.li	a0, 0
	lla	t0, cross1+2
	c.jalr	t0
	PR	"cross1 entered at the straddling addi: a0", a0
	call	cross2
	PR	"cross2 straddling jal: link minus next", a0
	call	cross3
	PR	"cross3 straddling beq/bne: a0", a0
	call	cross4
	PR	"cross4 c.li ending a page, addi starting the next: a0", a0
	call	cross5
	PR	"cross5 straddling auipc: result minus pc", a0
	lla	t0, cross5
	c.jalr	t0
	PR	"cross5 again via c.jalr: result minus pc", a0

# ---- done -------------------------------------------------------------------

	mv	sp, s10
	call	flush
	li	a0, 0
	li	a7, 93
	ecall
1:	j	1b

# pr: append "<name>=<16 hex digits>\n" to obuf (a0 = name, a1 = value),
# writing obuf out when it is nearly full. flush: write obuf out.
pr:
	lla	t0, opos
	ld	t1, 0(t0)
	lla	t2, obuf
	add	t2, t2, t1
1:	lbu	a2, 0(a0)
	beqz	a2, 2f
	sb	a2, 0(t2)
	addi	a0, a0, 1
	addi	t2, t2, 1
	j	1b
2:	li	a2, 61		# '='
	sb	a2, 0(t2)
	addi	t2, t2, 1
	li	a3, 60
	lla	a5, hexdig
3:	srl	a4, a1, a3
	andi	a4, a4, 15
	add	a4, a5, a4
	lbu	a4, 0(a4)
	sb	a4, 0(t2)
	addi	t2, t2, 1
	addi	a3, a3, -4
	bgez	a3, 3b
	li	a2, 10		# '\n'
	sb	a2, 0(t2)
	addi	t2, t2, 1
	lla	a5, obuf
	sub	t1, t2, a5
	sd	t1, 0(t0)
	li	a2, 3840
	bltu	t1, a2, 4f
flush:
	lla	t0, opos
	ld	a2, 0(t0)
	beqz	a2, 4f
	li	a0, 1
	lla	a1, obuf
	li	a7, 64
	ecall
	sd	zero, 0(t0)
4:	ret

# The cross* routines return in a0. Padding is c.nop and never runs.

	.balign	4096
	.fill	2046, 2, 0x0001
cross1:				# page offset 4092
	c.li	a0, 5
	.option push
	.option norvc
	addi	a0, a0, 100	# page offsets 4094..4097
	.option pop
	c.addi	a0, 1
	c.jr	ra

	.balign	4096
	.fill	2047, 2, 0x0001
cross2:				# page offset 4094
	.option push
	.option norvc
	jal	t1, 1f		# straddles; the link is on the next page
	.option pop
	c.nop
1:	lla	t2, cross2+4
	sub	a0, t1, t2
	c.jr	ra

	.balign	4096
	.fill	2046, 2, 0x0001
cross3:				# page offset 4092
	c.li	a0, 0
	.option push
	.option norvc
	beq	a0, zero, 1f	# page offsets 4094..4097
	.option pop
	c.li	a0, 7
1:	c.addi	a0, 3
	.option push
	.option norvc
	bne	a0, zero, 2f	# 2-byte aligned, not 4
	.option pop
	c.li	a0, 9
2:	c.jr	ra

	.balign	4096
	.fill	2047, 2, 0x0001
cross4:				# page offset 4094
	c.li	a0, 1
	.option push
	.option norvc
	addi	a0, a0, 2	# first instruction of the next page
	.option pop
	c.jr	ra

	.balign	4096
	.fill	2047, 2, 0x0001
cross5:				# page offset 4094
	.option push
	.option norvc
	auipc	t0, 0		# straddles
	.option pop
	lla	t1, cross5
	sub	a0, t0, t1
	c.jr	ra
