/* SPDX-License-Identifier: GPL-2.0 */
/* Entry (EL1, MMU off) and the vector table of lpi-counter. */
	.section .text.start
	.global _start
_start:
	ldr	x0, =stack_top
	mov	sp, x0
	ldr	x0, =vectors
	msr	vbar_el1, x0
	isb
	bl	main
1:	wfe
	b	1b

	.macro	vent label
	.balign	0x80
	b	\label
	.endm

	.balign	0x800
vectors:
	.rept	4
	vent	hang		/* current EL, SP0 */
	.endr
	vent	hang		/* current EL, SPx: sync */
	vent	irq_entry	/* IRQ */
	vent	hang
	vent	hang
	.rept	8
	vent	hang		/* lower ELs */
	.endr

hang:	wfe
	b	hang

irq_entry:
	stp	x0, x1, [sp, #-16]!
	stp	x2, x3, [sp, #-16]!
	stp	x29, x30, [sp, #-16]!
	bl	irq
	ldp	x29, x30, [sp], #16
	ldp	x2, x3, [sp], #16
	ldp	x0, x1, [sp], #16
	eret
