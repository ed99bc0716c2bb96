// Interrupts (privileged spec 3.1.9, 3.1.7, Sstc): CLINT machine timer and software
// interrupts through a vectored mtvec, priority MSI before MTI, WFI parking until an
// interrupt is pending (and not trapping when globally disabled), Sstc's stimecmp raising
// STIP delegated to S-mode, software SSIP through sip, and time advancing.
#include "harness.h"
#define CLINT 0x2000000
#define MSIP0 (CLINT + 0)
#define MTIMECMP0 (CLINT + 0x4000)
#define MTIME (CLINT + 0xbff8)
  START
  INSTALL_MTRAP
  // time advances with instructions
  rdtime a0
  li t0, 200
1: addi t0, t0, -1
  bnez t0, 1b
  rdtime a1
  li TESTNUM, 1
  bgeu a0, a1, fail
  // CLINT mtime reads the same clock as the time CSR (monotonic)
  li t0, MTIME
  ld a2, 0(t0)
  li TESTNUM, 2
  bltu a2, a1, fail
  // vectored mtvec: interrupts go to base + 4 * cause
  la t0, mvec
  ori t0, t0, 1
  csrw mtvec, t0
  // machine timer in 100 ticks; wfi parks until it is pending
  li t0, MTIME
  ld a0, 0(t0)
  addi a0, a0, 100
  li t0, MTIMECMP0
  sd a0, 0(t0)
  li t0, 1 << 7
  csrw mie, t0
  li s2, 0
  csrsi mstatus, 8
  wfi
  csrci mstatus, 8
  CHECK 3, s2, 0x8000000000000007
  CHECK 4, s5, 7                   // the vector slot that ran
  li t0, MTIME                    // it fired at or after the deadline
  ld a1, 0(t0)
  li TESTNUM, 5
  bltu a1, a0, fail
  // software + timer pending together: MSI is taken first
  li t0, MTIMECMP0
  sd zero, 0(t0)                  // MTIP pending now
  li t0, MSIP0
  li t1, 1
  sw t1, 0(t0)
  csrr a0, mip
  andi a0, a0, 0x88
  CHECK 6, a0, 0x88
  li t0, (1 << 7) | (1 << 3)
  csrw mie, t0
  li s2, 0
  csrsi mstatus, 8
  nop
  csrci mstatus, 8
  CHECK 7, s2, 0x8000000000000003
  li t0, MSIP0
  sw zero, 0(t0)
  li t0, MTIMECMP0
  li t1, -1
  sd t1, 0(t0)
  csrr a0, mip
  andi a0, a0, 0x88
  CHECK 8, a0, 0
  // WFI with MIE = 0 but the interrupt enabled in mie: resumes without a trap
  li t0, MTIMECMP0
  sd zero, 0(t0)
  li t0, 1 << 7
  csrw mie, t0
  li s2, 0
  wfi
  CHECK 9, s2, 0
  li t0, MTIMECMP0
  li t1, -1
  sd t1, 0(t0)
  csrw mie, zero
  // Sstc: stimecmp raises STIP; delegated to S
  la t0, mtrap
  csrw mtvec, t0
  li t0, 1 << 63
  csrs menvcfg, t0
  li t0, 2
  csrw mcounteren, t0              // TM: S may use time and stimecmp
  li t0, 1 << 5
  csrw mideleg, t0
  csrw mie, t0                      // STIE
  la t0, stvec_handler
  csrw stvec, t0
  li t0, -1
  csrw stimecmp, t0
  csrr a0, mip
  andi a0, a0, 1 << 5
  CHECK 10, a0, 0
  ENTER_MODE 1
  rdtime a0
  addi a0, a0, 50
  csrw stimecmp, a0
  li s2, 0
  csrsi sstatus, 2                 // SIE
  wfi
  csrci sstatus, 2
  CHECK 11, s2, 0x8000000000000005
  rdtime a1
  li TESTNUM, 12
  bltu a1, a0, fail
  // with SIE clear, STIP shows in sip without a trap
  csrw stimecmp, zero
  csrr a0, sip
  andi a0, a0, 1 << 5
  CHECK 13, a0, 1 << 5
  li t0, -1
  csrw stimecmp, t0
  csrr a0, sip
  andi a0, a0, 1 << 5
  CHECK 14, a0, 0
  // S-mode cannot write stimecmp when mcounteren.TM is clear
  EXPECT_TRAP 15, 1f
  ecall                             // to M
1: csrw mcounteren, zero
  ENTER_MODE 1
  EXPECT_TRAP 16, 1f
  csrw stimecmp, zero
  j fail
1: CHECK 17, s2, 2
  li t0, 2
  csrw mcounteren, t0               // the S handler below writes stimecmp
  // software interrupt: M sets SSIP delegated; S takes it when SIE
  li t0, 2
  csrw mideleg, t0
  csrw mie, t0
  ENTER_MODE 1
  li s2, 0
  csrsi sip, 2
  csrsi sstatus, 2
  nop
  csrci sstatus, 2
  CHECK 18, s2, 0x8000000000000001
  // M-level interrupts are always taken in S-mode even with SIE clear
  EXPECT_TRAP 19, 1f
  ecall
1: li t0, 1 << 3
  csrw mie, t0
  csrw mideleg, zero
  li t0, 1 << 7
  csrc mstatus, t0                  // MPIE = 0: S runs with MIE = 0, so the handler returns with MIE = 0
  ENTER_MODE 1
  la s1, 2f
  li s2, 0
  li t0, MSIP0
  li t1, 1
  sw t1, 0(t0)                      // S may not reach the CLINT? it may: no PMP. Pending now.
  nop
  j fail
2: CHECK 20, s2, 0x8000000000000003
  li t0, MSIP0
  sw zero, 0(t0)
  PASS

  .balign 4
stvec_handler:                       // records scause, silences the source, continues
  csrr s2, scause
  li t0, -1
  csrw stimecmp, t0
  csrci sip, 2
  sret

  .balign 64
mvec:
  .option push
  .option norvc
  j mtrap                            // 0: exceptions
  j vec1
  j vec2
  j vec3
  j vec4
  j vec5
  j vec6
  j vec7
  .option pop
vec1: li s5, 1
  j vcommon
vec2: li s5, 2
  j vcommon
vec3: li s5, 3
  j vmsi
vec4: li s5, 4
  j vcommon
vec5: li s5, 5
  j vcommon
vec6: li s5, 6
  j vcommon
vec7: li s5, 7
  j vcommon
vmsi:
  li t0, MSIP0
  sw zero, 0(t0)
vcommon:
  csrr s2, mcause
  li t0, MTIMECMP0
  li t1, -1
  sd t1, 0(t0)
  mret
  MTRAP_HANDLER
  END
