/*
 * riscv.h: the few pieces of the RISC-V privileged architecture the kernel touches,
 * named after the specification (Privileged Spec v1.12, chapters 3 and 4).
 * CSR access is done with the csr_read/csr_write/csr_set/csr_clear macros.
 */
#ifndef KWB_RISCV_H
#define KWB_RISCV_H

#define CSR_STR2(x) #x
#define CSR_STR(x) CSR_STR2(x)   /* expands stimecmp to 0x14d first */

/* CSRs newer than our assembler's names, by number */
#define stimecmp 0x14d
#define menvcfg 0x30a

#define csr_read(name) ({ unsigned long v_; asm volatile("csrr %0, " CSR_STR(name) : "=r"(v_)); v_; })
#define csr_write(name, val) asm volatile("csrw " CSR_STR(name) ", %0" :: "r"((unsigned long)(val)))
#define csr_set(name, bits) asm volatile("csrs " CSR_STR(name) ", %0" :: "r"((unsigned long)(bits)))
#define csr_clear(name, bits) asm volatile("csrc " CSR_STR(name) ", %0" :: "r"((unsigned long)(bits)))

/* mstatus / sstatus bits */
#define STATUS_SIE   (1UL << 1)
#define STATUS_MIE   (1UL << 3)
#define STATUS_SPIE  (1UL << 5)
#define STATUS_SPP   (1UL << 8)      /* previous privilege was S (1) or U (0) */
#define STATUS_MPP_MASK (3UL << 11)
#define STATUS_MPP_S (1UL << 11)
#define STATUS_SUM   (1UL << 18)

/* interrupt bits in mie/mip/sie/sip and their cause numbers */
#define IRQ_S_SOFT   1
#define IRQ_S_TIMER  5
#define IRQ_S_EXT    9
#define CAUSE_INTERRUPT (1UL << 63)

/* exception causes (scause with the interrupt bit clear) */
#define EXC_INSN_MISALIGNED 0
#define EXC_INSN_ACCESS     1
#define EXC_ILLEGAL_INSN    2
#define EXC_BREAKPOINT      3
#define EXC_LOAD_ACCESS     5
#define EXC_STORE_ACCESS    7
#define EXC_ECALL_U         8
#define EXC_INSN_PAGE_FAULT 12
#define EXC_LOAD_PAGE_FAULT 13
#define EXC_STORE_PAGE_FAULT 15

/* menvcfg.STCE: lets S-mode use stimecmp (the Sstc extension) */
#define MENVCFG_STCE (1UL << 63)

/* Sv39 page table entries (Privileged Spec 4.4) */
#define PAGE_SIZE  4096UL
#define PAGE_SHIFT 12
#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define PTE_PPN_SHIFT 10
#define SATP_MODE_SV39 (8UL << 60)

static inline unsigned long read_tp(void) { unsigned long v; asm volatile("mv %0, tp" : "=r"(v)); return v; }
static inline unsigned long read_fp(void) { unsigned long v; asm volatile("mv %0, s0" : "=r"(v)); return v; }
static inline void flush_tlb(void) { asm volatile("sfence.vma zero, zero" ::: "memory"); }
static inline void irq_on(void) { csr_set(sstatus, STATUS_SIE); }
static inline void irq_off(void) { csr_clear(sstatus, STATUS_SIE); }
static inline int irq_is_on(void) { return (csr_read(sstatus) & STATUS_SIE) != 0; }
static inline unsigned long read_time(void) { return csr_read(time); }

#endif
