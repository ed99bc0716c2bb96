// Sv39 (privileged spec 4.3-4.4): translation through 4 KiB pages and a 1 GiB identity
// gigapage, hardware A/D updates written to the PTE, every page-fault rule (invalid,
// W without R, reserved high bits, misaligned superpage, U against SUM, fetch of U pages
// from S, MXR, non-canonical addresses), access faults from the walk's target, MPRV in
// M-mode, and SFENCE.VMA making a changed PTE visible.
#include "harness.h"
#define V 1
#define R 2
#define W 4
#define X 8
#define U 16
#define A 64
#define D 128
#define VA(k) (0x40000000 + (k) * 4096)

// PTE at table[index] = leaf or pointer to `target` with `flags`.
.macro PTE table, index, target, flags
  la t0, \target
  srli t0, t0, 12
  slli t0, t0, 10
  li t1, \flags
  or t0, t0, t1
  la t1, \table
  sd t0, (\index * 8)(t1)
.endm

  START
  INSTALL_MTRAP
  PTE root, 1, l1, V
  PTE root, 2, _start, V|R|W|X|A|D      // 0x80000000.. identity gigapage (_start is at its base)
  PTE l1, 0, l0, V
  PTE l1, 1, data_page, V|R|A           // 2 MiB leaf whose PPN is not 2 MiB aligned
  PTE l0, 0, data_page, V|R|W|A|D
  PTE l0, 1, data_page, V|R|W           // A and D clear
  PTE l0, 2, data_page, V|R|A
  PTE l0, 3, data_page, V|X|A           // execute-only
  PTE l0, 4, data_page, V|R|W|U|A|D
  PTE l0, 6, data_page, V|W|A|D         // W without R: reserved
  PTE l0, 7, data_page, V|R|A
  li t0, 1 << 63                        // N bit without Svnapot: reserved
  la t1, l0
  ld t2, 56(t1)
  or t2, t2, t0
  sd t2, 56(t1)
  li t0, (V|R|A)
  sd t0, 64(t1)                         // index 8: PPN 0, nothing at physical 0
  PTE l0, 9, ucode, V|R|X|U|A
  PTE l0, 10, data_page2, V|R|W|A|D
  la t0, data_page
  li t1, 0x1122334455667788
  sd t1, 0(t0)
  la t0, data_page2
  li t1, 0x99
  sd t1, 0(t0)
  la t0, root
  srli t0, t0, 12
  li t1, 8 << 60
  or t0, t0, t1
  csrw satp, t0
  sfence.vma

  // S-mode: plain load through a 4 KiB page
  ENTER_MODE 1
  li a0, VA(0)
  ld a1, 0(a0)
  CHECK 1, a1, 0x1122334455667788
  // A/D: a load sets A only, a store sets D
  li a0, VA(1)
  lw a1, 4(a0)
  CHECK 2, a1, 0x11223344
  la t0, l0
  ld a2, 8(t0)
  andi a2, a2, A|D
  CHECK 3, a2, A
  li a3, 0x55
  sb a3, 0(a0)
  ld a2, 8(t0)
  andi a2, a2, A|D
  CHECK 4, a2, A|D
  li a0, VA(0)
  lbu a1, 0(a0)
  CHECK 5, a1, 0x55
  // store to a read-only page: store page fault, stval = address
  EXPECT_TRAP 6, 1f
  li a0, VA(2) + 8
  sd zero, 0(a0)
  j fail
1: CHECK 7, s2, 15
  CHECK 8, s3, VA(2) + 8
  // unmapped (V = 0): load page fault
  ENTER_MODE 1
  EXPECT_TRAP 9, 1f
  li a0, VA(5)
  ld a1, 0(a0)
  j fail
1: CHECK 10, s2, 13
  CHECK 11, s3, VA(5)
  // W without R, and the N bit: page faults
  ENTER_MODE 1
  EXPECT_TRAP 12, 1f
  li a0, VA(6)
  ld a1, 0(a0)
  j fail
1: CHECK 13, s2, 13
  ENTER_MODE 1
  EXPECT_TRAP 14, 1f
  li a0, VA(7)
  ld a1, 0(a0)
  j fail
1: CHECK 15, s2, 13
  // misaligned 2 MiB superpage
  ENTER_MODE 1
  EXPECT_TRAP 16, 1f
  li a0, 0x40200000
  ld a1, 0(a0)
  j fail
1: CHECK 17, s2, 13
  // PTE pointing at nothing: load access fault
  ENTER_MODE 1
  EXPECT_TRAP 18, 1f
  li a0, VA(8)
  ld a1, 0(a0)
  j fail
1: CHECK 19, s2, 5
  // non-canonical address (bit 38 set, bits 63:39 clear)
  ENTER_MODE 1
  EXPECT_TRAP 20, 1f
  li a0, 0x4000000000
  ld a1, 0(a0)
  j fail
1: CHECK 21, s2, 13
  // execute-only page: load faults, with MXR it works
  ENTER_MODE 1
  EXPECT_TRAP 22, 1f
  li a0, VA(3)
  ld a1, 0(a0)
  j fail
1: CHECK 23, s2, 13
  li t0, 1 << 19
  csrs mstatus, t0
  ENTER_MODE 1
  li a0, VA(3)
  ld a1, 0(a0)
  CHECK 24, a1, 0x1122334455667755
  EXPECT_TRAP 25, 1f
  ecall
1: li t0, 1 << 19
  csrc mstatus, t0
  ENTER_MODE 1                          // MXR off again: the load faults again
  EXPECT_TRAP 42, 1f
  li a0, VA(3)
  ld a1, 0(a0)
  j fail
1: CHECK 43, s2, 13
  // fetch from a non-executable page: instruction page fault
  ENTER_MODE 1
  EXPECT_TRAP 26, 1f
  li a0, VA(0)
  jr a0
  j fail
1: CHECK 27, s2, 12
  CHECK 28, s3, VA(0)
  // U page from S: fault without SUM, fine with SUM; fetch faults even with SUM
  ENTER_MODE 1
  EXPECT_TRAP 29, 1f
  li a0, VA(4)
  ld a1, 0(a0)
  j fail
1: CHECK 30, s2, 13
  li t0, 1 << 18
  csrs mstatus, t0
  ENTER_MODE 1
  li a0, VA(4)
  ld a1, 0(a0)
  CHECK 31, a1, 0x1122334455667755
  EXPECT_TRAP 32, 1f
  li a0, VA(9)
  jr a0
  j fail
1: CHECK 33, s2, 12
  // clearing SUM again takes effect at once (nothing stale in a TLB)
  li t0, 1 << 18
  csrc mstatus, t0
  ENTER_MODE 1
  EXPECT_TRAP 40, 1f
  li a0, VA(4)
  ld a1, 0(a0)
  j fail
1: CHECK 41, s2, 13
  // U-mode: runs U code, cannot touch S pages
  EXPECT_TRAP 34, 1f
  li t0, 3 << 11
  csrc mstatus, t0                      // MPP = U
  li t0, VA(9)
  csrw mepc, t0
  mret                                  // ucode in U: loads VA(0) (an S page) -> fault
  j fail
1: CHECK 35, s2, 13
  CHECK 36, s3, VA(0)
  // MPRV: M-mode loads translate with MPP = S
  li t0, 3 << 11
  csrc mstatus, t0
  li t0, (1 << 11) | (1 << 17)
  csrs mstatus, t0
  li a0, VA(10)
  ld a1, 0(a0)
  li t0, 1 << 17
  csrc mstatus, t0
  CHECK 37, a1, 0x99
  // SFENCE.VMA: remap VA(10) to data_page, visible after the fence
  PTE l0, 10, data_page, V|R|W|A|D
  sfence.vma
  ENTER_MODE 1
  li a0, VA(10)
  ld a1, 0(a0)
  CHECK 38, a1, 0x1122334455667755
  EXPECT_TRAP 39, 1f
  ecall
1: csrw satp, zero
  PASS

  .balign 4096
ucode:                                  // U-mode code on its own page (mapped at VA(9))
  li a0, VA(0)
  ld a1, 0(a0)
  j fail
  .balign 4096
  MTRAP_HANDLER
  END
  .section .data
  .balign 4096
root: .space 4096
l1: .space 4096
l0: .space 4096
data_page: .space 4096
data_page2: .space 4096
