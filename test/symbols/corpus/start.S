# Entry for the symbols test corpus: set up a stack and call main; park when it returns.
	.section .text.start
	.globl _start
_start:
	la	sp, corpus_stack_top
	li	t0, 0x2000		# mstatus.FS = initial: the corpus uses floating point
	csrs	mstatus, t0
	call	main
1:	wfi
	j	1b
