# exitcode.S: checks that system call results and the exit status pass
# through. It writes a line and prints what write returned, writes zero
# bytes, writes a line to fd 2 (stderr, not compared) and prints what that
# returned, calls an unknown system call number (999) and prints the
# result (-ENOSYS, -38), then ends with exit_group (94) and status 42.
# No runtime: this file has its own _start.

	.section .rodata
msg:	.ascii	"exitcode: hello\n"
err:	.ascii	"exitcode: to stderr\n"
hexdig:	.ascii	"0123456789abcdef"
l_w1:	.asciz	"write(1, 16 bytes) returned"
l_w0:	.asciz	"write(1, 0 bytes) returned"
l_w2:	.asciz	"write(2, 20 bytes) returned"
l_ns:	.asciz	"syscall 999 returned"
l_x0:	.asciz	"a7 and a1 after the ecall (preserved)"

	.bss
line:	.space	128

	.text
	.globl	_start
_start:
	li	a0, 1
	lla	a1, msg
	li	a2, 16		# strlen("exitcode: hello\n")
	li	a7, 64
	ecall
	mv	s1, a0
	lla	a0, l_w1
	mv	a1, s1
	call	pr

	li	a0, 1
	lla	a1, msg
	li	a2, 0
	li	a7, 64
	ecall
	mv	s1, a0
	lla	a0, l_w0
	mv	a1, s1
	call	pr

	li	a0, 2
	lla	a1, err
	li	a2, 20		# strlen("exitcode: to stderr\n")
	li	a7, 64
	ecall
	mv	s1, a0
	lla	a0, l_w2
	mv	a1, s1
	call	pr

	li	a0, 0
	li	a1, 0x1234
	li	a7, 999
	ecall
	mv	s1, a0
	mv	s2, a7
	mv	s3, a1
	lla	a0, l_ns
	mv	a1, s1
	call	pr
	slli	s2, s2, 32
	or	a1, s2, s3
	lla	a0, l_x0
	call	pr

	li	a0, 42
	li	a7, 94		# exit_group
	ecall
1:	j	1b

# pr: write "<a0 string> <a1 as 16 hex digits>\n" with one write.
pr:
	lla	t0, line
1:	lbu	t1, 0(a0)
	beqz	t1, 2f
	sb	t1, 0(t0)
	addi	a0, a0, 1
	addi	t0, t0, 1
	j	1b
2:	li	t1, 32
	sb	t1, 0(t0)
	addi	t0, t0, 1
	li	t2, 60
	lla	t3, hexdig
3:	srl	t1, a1, t2
	andi	t1, t1, 15
	add	t1, t3, t1
	lbu	t1, 0(t1)
	sb	t1, 0(t0)
	addi	t0, t0, 1
	addi	t2, t2, -4
	bgez	t2, 3b
	li	t1, 10
	sb	t1, 0(t0)
	addi	t0, t0, 1
	lla	a1, line
	sub	a2, t0, a1
	li	a0, 1
	li	a7, 64
	ecall
	ret
