/*
 * mstart.c: the only code that runs in machine mode. It hands the machine to the
 * supervisor-mode kernel: every trap and interrupt is delegated to S-mode, S-mode
 * may program its own timer (Sstc: the stimecmp CSR, enabled by menvcfg.STCE),
 * physical memory protection lets S-mode reach all memory, and `mret` jumps to
 * kernel_main() in S-mode with tp = this hart's struct hart.
 */
#include "kernel.h"

void kernel_main(void);
u64 boot_fdt;                    /* the device tree's address, from a1 at reset */

void machine_start(u64 hartid, u64 fdt)
{
    if (hartid == 0)
        boot_fdt = fdt;
    /* After mret: privilege S, and jump to kernel_main with paging off. */
    u64 status = csr_read(mstatus);
    status = (status & ~STATUS_MPP_MASK) | STATUS_MPP_S;
    csr_write(mstatus, status);
    csr_write(mepc, (u64)kernel_main);
    csr_write(satp, 0);

    /* All exceptions and the supervisor interrupts are handled in S-mode. */
    csr_write(medeleg, 0xffff);
    csr_write(mideleg, (1UL << IRQ_S_SOFT) | (1UL << IRQ_S_TIMER) | (1UL << IRQ_S_EXT));

    /* One PMP region covering everything, read/write/execute (TOR up to the top). */
    csr_write(pmpaddr0, 0x3fffffffffffffUL);
    csr_write(pmpcfg0, 0x0f);

    /* Sstc: S-mode reads `time` and writes stimecmp itself; no M-mode timer code. */
    csr_set(menvcfg, MENVCFG_STCE);
    csr_write(mcounteren, 0x7);          /* cycle, time, instret readable below M */

    /* tp carries the hart's struct hart through the rest of the kernel. */
    harts[hartid].id = (int)hartid;
    asm volatile("mv tp, %0" :: "r"(&harts[hartid]));
    asm volatile("mret");
    __builtin_unreachable();
}
