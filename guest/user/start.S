/*
 * start.S: where every user program begins. exec leaves argc in a0 and argv in a1;
 * we call main(argc, argv) and pass its result to exit().
 */
    .section .text.start
    .globl _start
_start:
    li s0, 0              /* frame pointer 0 ends backtraces */
    call main
    call exit
1:  j 1b
