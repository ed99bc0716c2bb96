/*
 * sysrq.c: the magic SysRq keys, read from the serial console the way Linux's
 * serial core does (CONFIG_MAGIC_SYSRQ_SERIAL): a BREAK on the line (the UART
 * reports LSR.BI with a zero character) arms SysRq for 5 seconds, and the next
 * character is then a command key instead of input. A second BREAK disarms.
 *
 *   t  every task with a backtrace of its kernel stack (from its saved context;
 *      the task interrupted on this hart from the trap frame)
 *   p  the registers of the interrupted context
 *   m  memory: pages in use and free
 *   c  crash: a NULL write in the kernel, so the fault path panics
 *   b  reboot at once (the board's reset device); what Ctrl-Alt-Del asks for
 * Any other key prints this list. Runs in interrupt context (uart_interrupt).
 */
#include "kernel.h"

#define SYSRQ_TIMEOUT_TICKS (5 * TICK_HZ)
#define RESET_REBOOT 0x7777            /* sifive_test: "reset the machine" */

static int armed;
static u64 armed_until;

static const char *const gpr_names[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
    "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

void sysrq_break(void)
{
    if (armed) {                       /* BREAK twice: an ordinary break, as in Linux */
        armed = 0;
        return;
    }
    armed = 1;
    armed_until = ticks + SYSRQ_TIMEOUT_TICKS;
}

static void show_task(struct task *t, struct trap_regs *here)
{
    kprintf("pid %d (%s) %s", t->pid, t->name, task_state_name(t->state));
    if (t->state == TASK_SLEEPING && t->wait_reason)
        kprintf(": %s", t->wait_reason);
    if (t->state == TASK_RUNNING)
        kprintf(" on hart %d", t->hart);
    kprintf("\n");
    if (t->state == TASK_RUNNING && t == current_task() && here) {
        if (here->status & STATUS_SPP)           /* interrupted in the kernel */
            backtrace_from(here->pc, here->x[8]);
        else
            kprintf("in user mode at pc 0x%lx\n", here->pc);
    } else if (t->state == TASK_RUNNING) {
        kprintf("running on another hart: its registers are not saved\n");
    } else {
        backtrace_from(t->context.ra, t->context.s[0]);
        if (t->state != TASK_NEW && t->user_regs)
            kprintf("  user pc 0x%lx\n", t->user_regs->pc);
    }
}

static void show_state(void)
{
    struct trap_regs *here = trap_interrupted_regs();
    kprintf("sysrq: Show State\n");
    spin_lock(&task_lock);
    for (int i = 0; i < MAX_TASKS; i++)
        if (task_table[i].state != TASK_FREE)
            show_task(&task_table[i], here);
    spin_unlock(&task_lock);
}

static void show_regs(void)
{
    struct trap_regs *r = trap_interrupted_regs();
    kprintf("sysrq: Show Regs\n");
    if (!r) {
        kprintf("no interrupted context on hart %d\n", this_hart()->id);
        return;
    }
    u64 off = 0;
    const char *fn = (r->status & STATUS_SPP) ? symbol_for(r->pc, &off) : 0;
    kprintf("hart %d, pid %d (%s), %s mode\n", this_hart()->id, current_task()->pid, current_task()->name,
            (r->status & STATUS_SPP) ? "kernel" : "user");
    if (fn)
        kprintf(" pc : 0x%lx %s+0x%lx\n", r->pc, fn, off);
    else
        kprintf(" pc : 0x%lx\n", r->pc);
    for (int i = 1; i < 32; i += 3) {
        for (int j = i; j < i + 3 && j < 32; j++)
            kprintf(" %s: 0x%lx", gpr_names[j], r->x[j]);
        kprintf("\n");
    }
    kprintf(" status: 0x%lx cause: 0x%lx badaddr: 0x%lx\n", r->status, r->cause, r->badaddr);
}

static void show_mem(void)
{
    u64 total = pages_total_count(), free = pages_free_count();
    kprintf("sysrq: Show Memory\n");
    kprintf("%lu pages of %d KiB: %lu in use, %lu free (%lu KiB free)\n",
            total, (int)(PAGE_SIZE / 1024), total - free, free, free * (PAGE_SIZE / 1024));
}

static void reboot_now(void)
{
    kprintf("sysrq: Resetting\n");
    kvm_install();                     /* the reset device is mapped in the kernel's table only */
    *(volatile u32 *)TEST_BASE = RESET_REBOOT;
    for (;;)
        asm volatile("wfi");
}

void sysrq_handle(int key)
{
    switch (key) {
    case 't': show_state(); break;
    case 'p': show_regs(); break;
    case 'm': show_mem(); break;
    case 'c':
        kprintf("sysrq: Trigger a crash\n");
        *(volatile int *)0 = 1;        /* a kernel NULL write: the fault panics with a backtrace */
        break;
    case 'b': reboot_now(); break;
    default:
        kprintf("sysrq: HELP : show-all-tasks(t) show-registers(p) show-memory-usage(m) crash(c) reboot(b)\n");
        break;
    }
}

/* Called by the UART driver for each received character: 1 if it was a SysRq key. */
int sysrq_key(int c)
{
    if (!armed)
        return 0;
    armed = 0;
    if (ticks > armed_until)
        return 0;
    sysrq_handle(c);
    return 1;
}
