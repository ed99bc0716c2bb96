/*
 * board.h: where things are on QEMU's `virt` board (and on our own machine, which
 * copies its map). Physical addresses; the kernel maps them 1:1.
 */
#ifndef KWB_BOARD_H
#define KWB_BOARD_H

#define TEST_BASE       0x00100000UL   /* sifive_test: poweroff/reboot codes */
#define CLINT_BASE      0x02000000UL
#define PLIC_BASE       0x0C000000UL
#define PLIC_SIZE       0x00400000UL
#define UART0_BASE      0x10000000UL
#define UART0_IRQ       10
#define VIRTIO_BASE     0x10001000UL   /* slot n at VIRTIO_BASE + n * VIRTIO_STRIDE */
#define VIRTIO_STRIDE   0x1000UL
#define VIRTIO_SLOTS    8
#define VIRTIO0_IRQ     1              /* slot n raises IRQ 1 + n */

#define RAM_BASE        0x80000000UL
#define RAM_SIZE        (128UL * 1024 * 1024)   /* run QEMU with -m 128M */
#define RAM_END         (RAM_BASE + RAM_SIZE)

#define TIMEBASE_HZ     10000000UL     /* the `time` CSR counts at 10 MHz */
#define TICK_HZ         100            /* the scheduler's clock: one tick = 10 ms */

#define MAX_HARTS       4

/* Virtual memory layout (Sv39): user space low, modules at 1 GiB, kernel RAM 1:1. */
#define USER_BASE       0x00010000UL   /* user programs are linked here */
#define USER_TOP        0x04000000UL   /* first address above user space (64 MiB) */
#define USER_STACK_PAGES 4
#define MODULE_AREA     0x40000000UL   /* loaded modules live in [1 GiB, 2 GiB) */
#define MODULE_AREA_END 0x80000000UL

#endif
