/*
 * Paging test program for QEMU's virt board and ours (test/emulator/system/paging.test.ts).
 * For each of Sv39, Sv48 and Sv57 it builds page tables in M-mode and runs U-mode code
 * (paging-start.S) through them: code near the top of the positive half (beyond 2^52 in
 * Sv57, where a double no longer holds an address exactly), data pages there and at the
 * bottom of the negative half, Linux's Sv57 direct-map address, superpages at every level,
 * misaligned superpages, non-canonical addresses for data and fetch, hardware A/D updates.
 * Every value it prints is checked here against what the privileged spec says; it prints
 * one line per check and powers off through sifive_test (0x5555 when all passed).
 */
#include <stdint.h>

typedef uint64_t u64;

#define UART0 0x10000000UL
#define TEST_DEV 0x00100000UL
#define REG8(a) (*(volatile uint8_t *)(a))
#define REG32(a) (*(volatile uint32_t *)(a))

#define PTE_V 1
#define PTE_R 2
#define PTE_W 4
#define PTE_X 8
#define PTE_U 16
#define PTE_A 64
#define PTE_D 128

extern char user_start[], user_end[];
extern char u_ld[], u_sd[], u_lw[], u_sw[], u_lbu[], u_sb[], u_amoadd[], u_lrsc[], u_sum[], u_where[], u_link[], u_link_ret[], u_call[], u_ebreak[];
extern long ucall(u64 fn, u64 a0, u64 a1, u64 a2);

volatile u64 trap_info[3];
u64 msave[14];

static u64 pool[48][512] __attribute__((aligned(4096)));
static int pool_used;
static u64 data[4][512] __attribute__((aligned(4096)));
static volatile u64 probe = 0x0123456789abcdefULL;
static int failures;

void *memset(void *d, int c, unsigned long n) {
  uint8_t *p = d;
  while (n--) *p++ = (uint8_t)c;
  return d;
}

static void putc_(char c) {
  while (!(REG8(UART0 + 5) & 0x20)) {}
  REG8(UART0) = (uint8_t)c;
}
static void puts_(const char *s) {
  while (*s) putc_(*s++);
}
static void puthex(u64 v) {
  puts_("0x");
  for (int i = 15; i >= 0; i--) putc_("0123456789abcdef"[(v >> (4 * i)) & 15]);
}
static void poweroff(uint32_t code) {
  REG32(TEST_DEV) = code ? (0x3333 | (code << 16)) : 0x5555;
  for (;;) {}
}

void fatal_trap(u64 cause, u64 epc, u64 tval) {
  puts_("M-mode trap: cause ");
  puthex(cause);
  puts_(" epc ");
  puthex(epc);
  puts_(" tval ");
  puthex(tval);
  puts_("\n");
  poweroff(0xfff);
}

static const char *mode_name;

static void check(const char *what, u64 got, u64 want) {
  puts_(mode_name);
  puts_(" ");
  puts_(what);
  puts_(" ");
  puthex(got);
  if (got == want) puts_(" ok\n");
  else {
    puts_(" FAIL, want ");
    puthex(want);
    puts_("\n");
    failures++;
  }
}

static u64 *table(void) {
  u64 *t = pool[pool_used++];
  memset(t, 0, 4096);
  return t;
}

/* Maps va to pa with a leaf at leaf_level (0: 4 KiB); returns the leaf PTE. */
static volatile u64 *map(u64 *root, int levels, u64 va, u64 pa, int leaf_level, u64 flags) {
  u64 *t = root;
  for (int l = levels - 1; l > leaf_level; l--) {
    int i = (va >> (12 + 9 * l)) & 511;
    if (!(t[i] & PTE_V)) t[i] = (((u64)table() >> 12) << 10) | PTE_V;
    t = (u64 *)((t[i] >> 10) << 12);
  }
  int i = (va >> (12 + 9 * leaf_level)) & 511;
  t[i] = ((pa >> 12) << 10) | flags;
  return &t[i];
}

static u64 ucode;
static u64 ufn(char *sym) { return ucode + (u64)(sym - user_start); }

/* Runs U-mode sym(a0, a1); the value it returned, or ~0 with trap_info set. */
static u64 run(char *sym, u64 a0, u64 a1) {
  trap_info[0] = trap_info[1] = trap_info[2] = ~0ULL;
  u64 r = ucall(ufn(sym), a0, a1, 0);
  return trap_info[0] == 8 ? r : ~0ULL;
}

/* A U-mode call that must trap with cause, tval and epc. */
static void expect_trap(const char *what, char *sym, u64 a0, u64 a1, u64 cause, u64 tval, u64 epc) {
  run(sym, a0, a1);
  puts_(mode_name);
  puts_(" ");
  puts_(what);
  puts_(" cause ");
  puthex(trap_info[0]);
  puts_(" tval ");
  puthex(trap_info[1]);
  puts_(" epc ");
  puthex(trap_info[2]);
  if (trap_info[0] == cause && trap_info[1] == tval && trap_info[2] == epc) puts_(" ok\n");
  else {
    puts_(" FAIL, want ");
    puthex(cause);
    puts_(" ");
    puthex(tval);
    puts_(" ");
    puthex(epc);
    puts_("\n");
    failures++;
  }
}

static void run_mode(int mode, const char *name) {
  int levels = mode - 5; /* 8: Sv39 (3), 9: Sv48 (4), 10: Sv57 (5) */
  int valen = 12 + 9 * levels;
  u64 half = 1ULL << (valen - 1);
  mode_name = name;

  asm volatile("csrw satp, zero; sfence.vma" ::: "memory");
  pool_used = 0;
  u64 *root = table();
  ucode = half - 0x100000; /* the top MiB of the positive half */
  u64 dva = ucode + 0x10000; /* two consecutive data pages */
  u64 nva = -half + 0x5000; /* the negative half's first pages */
  u64 adva = ucode + 0x20000; /* A and D clear */
  u64 lin = 0xff60000000001000ULL; /* Linux's Sv57 direct map; non-canonical below Sv57 */
  map(root, levels, ucode, (u64)user_start, 0, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A);
  map(root, levels, dva, (u64)data[0], 0, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
  map(root, levels, dva + 4096, (u64)data[1], 0, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
  map(root, levels, nva, (u64)data[2], 0, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
  volatile u64 *adpte = map(root, levels, adva, (u64)data[3], 0, PTE_V | PTE_R | PTE_W | PTE_U);
  if (levels == 5) map(root, levels, lin, (u64)data[2], 0, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
  /* Superpages at every level above 0, each in its own top-level slot: aligned ones map RAM
     (probe is read through them), misaligned ones (PPN one page off) must fault. */
  int top = 12 + 9 * (levels - 1);
  volatile u64 *superpte[5];
  for (int l = 1; l < levels; l++) {
    u64 pa = l <= 2 ? 0x80000000ULL : 0;
    superpte[l] = map(root, levels, (u64)(8 + l) << top, pa, l, PTE_V | PTE_R | PTE_W | PTE_U);
    map(root, levels, (u64)(16 + l) << top, 0x80001000ULL, l, PTE_V | PTE_R | PTE_U | PTE_A);
  }
  for (int i = 0; i < 512; i++) {
    data[0][i] = ((u64)(0x5000 + i) << 32) | (0x1000 + i);
    data[1][i] = (u64)(i + 1) * 0x10001;
    data[2][i] = ~(u64)i;
  }

  asm volatile("csrw satp, %0; sfence.vma" ::"r"(((u64)mode << 60) | ((u64)root >> 12)) : "memory");
  u64 satp;
  asm volatile("csrr %0, satp" : "=r"(satp));
  check("satp mode", satp >> 60, mode);

  /* Code: the pc itself, a jump through a register and its link. */
  check("auipc pc", run(u_where, 0, 0), ufn(u_where));
  check("jalr link", run(u_link, 0, 0), ufn(u_link_ret) - 4);
  /* Data in the top pages. */
  check("sd", run(u_sd, dva + 8, 0x1122334455667788ULL), 0);
  check("sd in RAM", data[0][1], 0x1122334455667788ULL);
  check("ld", run(u_ld, dva + 8, 0), 0x1122334455667788ULL);
  check("lw", run(u_lw, dva + 12, 0), 0x11223344);
  check("sw", run(u_sw, dva + 16, 0xcafef00d), 0);
  check("sw in RAM", data[0][2], 0x00005002cafef00dULL);
  check("ld across pages", run(u_ld, dva + 4092, 0), (data[1][0] << 32) | (data[0][511] >> 32));
  check("sum of a page", run(u_sum, dva + 4096, 512), 0x10001ULL * (512 * 513 / 2));
  /* The negative half. */
  check("neg ld", run(u_ld, nva + 16, 0), ~2ULL);
  check("neg lbu", run(u_lbu, nva + 8, 0), 0xfe);
  check("neg sb", run(u_sb, nva + 9, 0x5a), 0);
  check("neg sb in RAM", data[2][1], 0xffffffffffff5afeULL);
  check("neg amoadd", run(u_amoadd, nva + 24, 5), ~3ULL);
  check("neg amoadd in RAM", data[2][3], ~3ULL + 5);
  check("neg lr/sc", run(u_lrsc, nva + 32, 7), ~4ULL + 7);
  /* Linux's Sv57 direct map: the same page as nva in Sv57, non-canonical otherwise. */
  if (levels == 5) check("direct map ld", run(u_ld, lin + 40, 0), ~5ULL);
  else expect_trap("direct map ld", u_ld, lin + 40, 0, 13, lin + 40, ufn(u_ld));
  /* A and D: a load sets A, a store sets D. */
  check("A/D before", *adpte & (PTE_A | PTE_D), 0);
  run(u_ld, adva, 0);
  check("A/D after ld", *adpte & (PTE_A | PTE_D), PTE_A);
  run(u_sd, adva, 1);
  check("A/D after sd", *adpte & (PTE_A | PTE_D), PTE_A | PTE_D);
  check("A/D sd in RAM", data[3][0], 1);
  /* Superpages. */
  for (int l = 1; l < levels; l++) {
    static const char *names[] = {"", "superpage L1", "superpage L2", "superpage L3", "superpage L4"};
    u64 base = (u64)(8 + l) << top, pa = l <= 2 ? 0x80000000ULL : 0;
    check(names[l], run(u_ld, base + ((u64)&probe - pa), 0), 0x0123456789abcdefULL);
    check("superpage A", *superpte[l] & (PTE_A | PTE_D), PTE_A);
    expect_trap("misaligned superpage", u_ld, ((u64)(16 + l) << top) + 8, 0, 13, ((u64)(16 + l) << top) + 8, ufn(u_ld));
  }
  /* Non-canonical and unmapped addresses: exact tval. */
  expect_trap("non-canonical ld", u_ld, half, 0, 13, half, ufn(u_ld));
  expect_trap("non-canonical sd", u_sd, -half - 8, 1, 15, -half - 8, ufn(u_sd));
  expect_trap("wild ld", u_ld, 0x0123456789abcde8ULL, 0, 13, 0x0123456789abcde8ULL, ufn(u_ld));
  expect_trap("unmapped ld", u_ld, dva + 0x3000, 0, 13, dva + 0x3000, ufn(u_ld));
  expect_trap("store to code", u_sd, ucode + 8, 0, 15, ucode + 8, ufn(u_sd));
  expect_trap("fetch non-canonical", u_call, half + 0x40, 0, 12, half + 0x40, half + 0x40);
  expect_trap("fetch unmapped", u_call, ucode + 0x40000, 0, 12, ucode + 0x40000, ucode + 0x40000);
  expect_trap("fetch no X", u_call, dva + 0x20, 0, 12, dva + 0x20, dva + 0x20);
  run(u_ebreak, 0, 0);
  check("ebreak cause", trap_info[0], 3);
  check("ebreak tval", trap_info[1], 0); /* QEMU 7.2 leaves tval 0 for ebreak (the spec allows 0 or the pc) */
  check("ebreak epc", trap_info[2], ufn(u_ebreak));
  asm volatile("csrw satp, zero; sfence.vma" ::: "memory");
}

void main(void) {
  puts_("paging test\n");
  /* One PMP entry granting everything (QEMU refuses to leave M-mode without any). */
  asm volatile("csrw pmpaddr0, %0; csrw pmpcfg0, %1" ::"r"(~0ULL >> 10), "r"(0x1f));
  run_mode(8, "sv39");
  run_mode(9, "sv48");
  run_mode(10, "sv57");
  /* An unsupported mode leaves satp unchanged (WARL). */
  u64 before = (9ULL << 60) | 0x1234, after;
  asm volatile("csrw satp, %1; csrw satp, %2; csrr %0, satp" : "=r"(after) : "r"(before), "r"(11ULL << 60 | 0x55));
  mode_name = "warl";
  check("satp after mode 11", after, before);
  asm volatile("csrw satp, zero");
  puts_(failures ? "paging test: FAILED\n" : "paging test: all passed\n");
  poweroff(failures);
}
