// Interrupt-driven UART echo: PLIC source 10 (UART0) enabled for hart 0's M context, the
// UART's receive interrupt on, the hart waiting in WFI. Each received byte is echoed; 'q'
// powers off through sifive_test. Register offsets: QEMU virt's PLIC and the NS16550A.
#define UART 0x10000000
#define PLIC 0x0c000000
  .globl _start
_start:
  la t0, handler
  csrw mtvec, t0
  li t0, PLIC + 4 * 10
  li t1, 1
  sw t1, 0(t0)                  // priority of source 10
  li t0, PLIC + 0x2000
  li t1, 1 << 10
  sw t1, 0(t0)                  // enable source 10 for context 0
  li t0, PLIC + 0x200000
  sw zero, 0(t0)                // threshold 0
  li t0, UART
  li t1, 1
  sb t1, 1(t0)                  // IER: received data available
  li t0, 1 << 11
  csrw mie, t0
  csrsi mstatus, 8
1: wfi
  j 1b

  .balign 4
handler:
  li t0, PLIC + 0x200004
  lw t1, 0(t0)                  // claim
  li t2, UART
2: lbu t3, 5(t2)                // LSR.DR?
  andi t3, t3, 1
  beqz t3, 3f
  lbu t4, 0(t2)
  sb t4, 0(t2)
  li t5, 'q'
  bne t4, t5, 2b
  li t5, 0x100000
  li t6, 0x5555
  sw t6, 0(t5)
3: sw t1, 0(t0)                 // complete
  mret
