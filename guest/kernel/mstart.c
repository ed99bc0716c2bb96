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
int sstc_present;                /* whether hart 0 has the stimecmp CSR (Sstc) */
volatile int probe_failed[MAX_HARTS];

/* While probing for a CSR, machine-mode traps come here: note the failure for this
 * hart and skip the 4-byte instruction that trapped. Nothing else traps to M-mode. */
void probe_trap(void);
asm(".balign 4\n"
    "probe_trap:\n"
    "    csrr t0, mepc\n"
    "    addi t0, t0, 4\n"
    "    csrw mepc, t0\n"
    "    csrr t0, mhartid\n"
    "    slli t0, t0, 2\n"
    "    la t1, probe_failed\n"
    "    add t1, t1, t0\n"
    "    li t0, 1\n"
    "    sw t0, 0(t1)\n"
    "    mret\n");

static int have_stimecmp(u64 hartid)
{
    probe_failed[hartid] = 0;
    csr_write(mtvec, (u64)probe_trap);
    asm volatile("csrr t2, 0x14d" ::: "t0", "t1", "t2", "memory");
    return !probe_failed[hartid];
}

void machine_start(u64 hartid, u64 fdt)
{
    if (hartid == 0)
        boot_fdt = fdt;
    /* Probe first: a trap into M-mode overwrites mstatus.MPP, which we set next. */
    int sstc = have_stimecmp(hartid);
    if (hartid == 0)
        sstc_present = sstc;
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
    if (sstc)
        csr_set(menvcfg, MENVCFG_STCE);
    csr_write(mcounteren, 0x7);          /* cycle, time, instret readable below M */

    /* tp carries the hart's struct hart through the rest of the kernel. */
    harts[hartid].id = (int)hartid;
    /* s0 = ra = 0 end backtraces at kernel_main; mret never comes back here */
    asm volatile("mv tp, %0\n li s0, 0\n li ra, 0\n mret" :: "r"(&harts[hartid]));
    __builtin_unreachable();
}
