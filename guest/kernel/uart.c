/*
 * uart.c: the NS16550A serial port at UART0_BASE. Output is polled (wait until the
 * transmit holding register is empty, then write); input arrives by interrupt
 * (IRQ 10 through the PLIC) and goes to the console line editor, unless a BREAK
 * made it a SysRq key.
 * Register map from the 16550 data sheet.
 */
#include "kernel.h"

#define UART_REG(off) ((volatile u8 *)(UART0_BASE + (off)))
#define RBR 0   /* receive buffer (read) */
#define THR 0   /* transmit holding (write) */
#define IER 1   /* interrupt enable */
#define FCR 2   /* FIFO control (write) */
#define LCR 3   /* line control */
#define LSR 5   /* line status */
#define DLL 0   /* divisor latch, when LCR.DLAB = 1 */
#define DLM 1

#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define LSR_DATA_READY 0x01
#define LSR_BREAK 0x10          /* the character at the top of the FIFO is a BREAK */
#define LSR_THR_EMPTY 0x20
#define IER_RX 0x01

void uart_init(void)
{
    *UART_REG(IER) = 0;
    *UART_REG(LCR) = LCR_DLAB;
    *UART_REG(DLL) = 3;          /* 38400 baud; QEMU ignores it, real chips do not */
    *UART_REG(DLM) = 0;
    *UART_REG(LCR) = LCR_8N1;
    *UART_REG(FCR) = 0x07;       /* enable and clear both FIFOs */
    *UART_REG(IER) = IER_RX;
}

/* Reading LSR clears BI, so a BREAK seen while waiting to transmit is kept here for
 * uart_interrupt (as Linux's 8250 driver keeps lsr_saved_flags). */
static u32 lsr_saved;

void uart_putc_raw(int c)
{
    u32 lsr;
    while (((lsr = *UART_REG(LSR)) & LSR_THR_EMPTY) == 0)
        __atomic_fetch_or(&lsr_saved, lsr & LSR_BREAK, __ATOMIC_RELAXED);
    __atomic_fetch_or(&lsr_saved, lsr & LSR_BREAK, __ATOMIC_RELAXED);
    *UART_REG(THR) = (u8)c;
}

/* Called from the trap handler when the PLIC says the UART wants attention. LSR is read
 * before RBR: with BI set, the zero character that follows is a BREAK, which arms the
 * magic SysRq key (sysrq.c); the next character may then be that key. */
void uart_interrupt(void)
{
    u32 lsr;
    while ((lsr = *UART_REG(LSR) | __atomic_exchange_n(&lsr_saved, 0, __ATOMIC_RELAXED)) & LSR_DATA_READY) {
        int c = *UART_REG(RBR);
        if (lsr & LSR_BREAK)
            sysrq_break();
        else if (!sysrq_key(c))
            console_input(c);
    }
}
