/*
 * trap.c: what happens after trap_entry.S has saved the registers.
 *
 * user_trap(): a trap from user mode. System calls (ecall) go to
 * syscall_dispatch; a timer interrupt makes the task give up its hart
 * (preemption); device interrupts go to their drivers; any other exception
 * kills the task with a message. It ends by returning to user mode.
 *
 * kernel_trap(): a trap while the kernel runs. Only interrupts are expected; an
 * exception here is a kernel bug, and panics with a backtrace from the faulting pc.
 * The kernel itself is not preempted: a timer tick in kernel mode only counts.
 */
#include "kernel.h"

void from_kernel_entry(void);
_Static_assert(sizeof(struct trap_regs) == TR_SIZE, "trap_entry.S assumes this layout");
_Static_assert(__builtin_offsetof(struct trap_regs, kernel_tp) == TR_KERNEL_TP, "layout");

static const char *exception_name(u64 cause)
{
    switch (cause) {
    case EXC_INSN_MISALIGNED: return "instruction address misaligned";
    case EXC_INSN_ACCESS: return "instruction access fault";
    case EXC_ILLEGAL_INSN: return "illegal instruction";
    case EXC_BREAKPOINT: return "breakpoint";
    case EXC_LOAD_ACCESS: return "load access fault";
    case EXC_STORE_ACCESS: return "store access fault";
    case EXC_INSN_PAGE_FAULT: return "instruction page fault";
    case EXC_LOAD_PAGE_FAULT: return "load page fault";
    case EXC_STORE_PAGE_FAULT: return "store page fault";
    default: return "exception";
    }
}

void trap_hart_init(void)
{
    csr_write(stvec, (u64)from_kernel_entry);
    csr_set(sie, (1UL << IRQ_S_TIMER) | (1UL << IRQ_S_EXT));
}

/* A device interrupt through the PLIC. */
static void external_interrupt(void)
{
    int irq = plic_claim();
    if (irq == UART0_IRQ)
        uart_interrupt();
    else if (irq >= VIRTIO0_IRQ && irq < VIRTIO0_IRQ + VIRTIO_SLOTS)
        virtio_blk_interrupt();
    if (irq)
        plic_complete(irq);
}

/* The frame of the context each hart's current interrupt interrupted (SysRq p and t). */
static struct trap_regs *interrupted[MAX_HARTS];

struct trap_regs *trap_interrupted_regs(void)
{
    return interrupted[this_hart()->id];
}

/* Returns 1 if the cause was the timer. */
static int handle_interrupt_cause(u64 cause)
{
    u64 code = cause & ~CAUSE_INTERRUPT;
    if (code == IRQ_S_TIMER) {
        timer_interrupt();
        return 1;
    }
    if (code == IRQ_S_EXT)
        external_interrupt();
    return 0;
}

/* Same, with the interrupted frame kept where SysRq p and t find it. */
static int handle_interrupt(u64 cause, struct trap_regs *r)
{
    interrupted[this_hart()->id] = r;
    int timer = handle_interrupt_cause(cause);
    interrupted[this_hart()->id] = 0;
    return timer;
}

void user_trap(struct trap_regs *r)
{
    struct task *t = current_task();
    if (panicking)
        for (;;) asm volatile("wfi");
    if (r->cause & CAUSE_INTERRUPT) {
        if (handle_interrupt(r->cause, r)) {
            t->ticks_used++;
            yield();
        }
    } else if (r->cause == EXC_ECALL_U) {
        r->pc += 4;                  /* resume after the ecall */
        irq_on();                    /* system calls may take a while: let devices in */
        syscall_dispatch(r);
    } else {
        kprintf("%s (pid %d): %s at pc 0x%lx, address 0x%lx; killed\n",
                t->name, t->pid, exception_name(r->cause), r->pc, r->badaddr);
        t->killed = 1;
    }
    if (t->killed)
        task_exit(-1);
    user_trap_return();
}

/* Leaves the kernel for the current task's user code. */
void user_trap_return(void)
{
    struct task *t = current_task();
    irq_off();
    struct trap_regs *r = t->user_regs;
    r->status &= ~STATUS_SPP;        /* sret goes to user mode */
    r->status |= STATUS_SPIE;        /* with interrupts on */
    return_to_user(r);
}

void kernel_trap(struct trap_regs *r)
{
    if (r->cause & CAUSE_INTERRUPT) {
        if (panicking)
            for (;;) asm volatile("wfi");
        handle_interrupt(r->cause, r);
        return;
    }
    u64 off = 0;
    const char *fn = symbol_for(r->pc, &off);
    panic_at(r->pc, r->x[8], "kernel %s at pc 0x%lx (%s+0x%lx), address 0x%lx",
             exception_name(r->cause), r->pc, fn ? fn : "?", off, r->badaddr);
}
