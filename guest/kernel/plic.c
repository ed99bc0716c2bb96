/*
 * plic.c: the platform-level interrupt controller, which routes device interrupts
 * (UART, virtio) to harts. Each hart has a supervisor "context" (number 2*hart+1 on
 * the virt board) with its own enable bits, priority threshold and claim register.
 * Register map: the RISC-V PLIC specification.
 */
#include "kernel.h"

#define PLIC_PRIORITY(irq)  ((volatile u32 *)(PLIC_BASE + 4 * (irq)))
#define PLIC_ENABLE(ctx)    ((volatile u32 *)(PLIC_BASE + 0x2000 + 0x80 * (ctx)))
#define PLIC_THRESHOLD(ctx) ((volatile u32 *)(PLIC_BASE + 0x200000 + 0x1000 * (ctx)))
#define PLIC_CLAIM(ctx)     ((volatile u32 *)(PLIC_BASE + 0x200004 + 0x1000 * (ctx)))

static int s_context(void)
{
    return 2 * this_hart()->id + 1;
}

void plic_init(void)
{
    *PLIC_PRIORITY(UART0_IRQ) = 1;
    for (int i = 0; i < VIRTIO_SLOTS; i++)
        *PLIC_PRIORITY(VIRTIO0_IRQ + i) = 1;
}

void plic_hart_init(void)
{
    u32 bits = 1u << UART0_IRQ;
    for (int i = 0; i < VIRTIO_SLOTS; i++)
        bits |= 1u << (VIRTIO0_IRQ + i);
    PLIC_ENABLE(s_context())[0] = bits;
    *PLIC_THRESHOLD(s_context()) = 0;
}

int plic_claim(void)
{
    return (int)*PLIC_CLAIM(s_context());
}

void plic_complete(int irq)
{
    *PLIC_CLAIM(s_context()) = (u32)irq;
}
