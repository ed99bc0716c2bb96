# Entry for the symbols test corpus: set up a stack and call main; park when it returns.
	.section .text.start
	.globl _start
_start:
	la	sp, corpus_stack_top
	li	t0, 0x2000		# mstatus.FS = initial: the corpus uses floating point
	csrs	mstatus, t0
	call	main
	andi	a0, a0, 5		# then frames.c (called from here so main's code stays as it was)
	call	frames_run
	la	a0, procs + 104		# then pieces.c: pieces_run(&procs[1], 2)
	li	a1, 2
	call	pieces_run
1:	wfi
	j	1b

# A variable defined only here: C declares it (corpus.h), so its DWARF is a declaration
# without a location and debuggers find it through the ELF symbol.
	.data
	.globl	asm_counter
	.type	asm_counter, @object
	.size	asm_counter, 4
	.balign	4
asm_counter:
	.word	4242
