# _start for freestanding SOS test and benchmark programs (no libc).
# The kernel (or qemu-riscv64) leaves argc at 0(sp), argv at 8(sp).
	.section .text._start
	.globl _start
_start:
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	ld	a0, 0(sp)
	addi	a1, sp, 8
	andi	sp, sp, -16
	call	main
	li	a7, 93		# exit
	ecall
1:	j	1b
