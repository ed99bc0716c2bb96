/* The RISC-V-specific F/D rules end to end, with QEMU as the oracle: run on our machine and on
 * qemu-system-riscv64 (-machine spike, HTIF console), this prints a hash of the raw result bits
 * and the flags of every instruction, in all five rounding modes (RMM included), on operands
 * that include NaNs of every kind, infinities and subnormals: canonical NaNs, FMIN/FMAX,
 * FMA's inf*0 rule, saturating conversions, NaN-boxing of single operands, FCLASS, sign
 * injection. Every instruction is written in inline assembly, so the compiler chooses nothing. */
#include <stdint.h>

volatile uint64_t tohost, fromhost;
static void put(char c) {
  tohost = (1ULL << 56) | (1ULL << 48) | (unsigned char)c;
  while (tohost) {}
}

static uint64_t hash = 1469598103934665603ULL;
static void mix(uint64_t v) {
  for (int i = 0; i < 8; i++) { hash ^= (v >> (8 * i)) & 0xff; hash *= 1099511628211ULL; }
}
static unsigned long count;
static void flags(void) {
  unsigned long f;
  __asm__ volatile("frflags %0\n\tfsflags zero" : "=r"(f));
  mix(f);
  count++;
}

static uint64_t rng = 0x2545f4914f6cdd1dULL;
static uint64_t next(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }

/* Operand bit patterns; singles are returned NaN-boxed except now and then. */
static uint64_t gen_d(void) {
  static const uint64_t special[] = {
    0, 0x8000000000000000ULL, 0x7ff0000000000000ULL, 0xfff0000000000000ULL, 0x7ff8000000000000ULL,
    0x7ff0000000000001ULL, 0xfff4000000000000ULL, 0x7ff80000deadbeefULL, 1, 0x000fffffffffffffULL,
    0x0010000000000000ULL, 0x7fefffffffffffffULL, 0x3ff0000000000000ULL, 0x41e0000000000000ULL,
    0xc3e0000000000000ULL, 0x43f0000000000000ULL, 0x3fe0000000000000ULL, 0xbff8000000000000ULL,
  };
  uint64_t r = next();
  switch (r & 7) {
    case 0: return special[(r >> 8) % (sizeof special / sizeof special[0])];
    case 1: return next();
    case 2: return (r >> 8) & 0x800fffffffffffffULL;
    default: return (next() & 0x800fffffffffffffULL) | ((uint64_t)(1003 + (r >> 40) % 70) << 52);
  }
}
static uint64_t gen_s(void) {
  static const uint32_t special[] = {
    0, 0x80000000u, 0x7f800000u, 0xff800000u, 0x7fc00000u, 0x7f800001u, 0xffa00000u, 0x7fc0beefu,
    1, 0x007fffffu, 0x00800000u, 0x7f7fffffu, 0x3f800000u, 0x4f000000u, 0xcf000000u, 0x5f800000u,
  };
  uint64_t r = next();
  uint32_t w;
  switch (r & 7) {
    case 0: w = special[(r >> 8) % (sizeof special / sizeof special[0])]; break;
    case 1: w = (uint32_t)next(); break;
    case 2: w = (uint32_t)(r >> 8) & 0x807fffffu; break;
    default: w = ((uint32_t)next() & 0x807fffffu) | ((uint32_t)(117 + (r >> 40) % 40) << 23); break;
  }
  if ((r >> 60) == 0) return w; /* not NaN-boxed: reads as the canonical NaN */
  return 0xffffffff00000000ULL | w;
}

/* Runs one instruction on raw 64-bit f-register contents; hashes result bits and flags. */
#define F3(insn, a, b, c) do { uint64_t r_; __asm__ volatile("fmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\tfmv.d.x ft2, %3\n\t" insn " ft3, ft0, ft1, ft2\n\tfmv.x.d %0, ft3" : "=r"(r_) : "r"(a), "r"(b), "r"(c) : "ft0", "ft1", "ft2", "ft3"); mix(r_); flags(); } while (0)
#define F2(insn, a, b) do { uint64_t r_; __asm__ volatile("fmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\t" insn " ft3, ft0, ft1\n\tfmv.x.d %0, ft3" : "=r"(r_) : "r"(a), "r"(b) : "ft0", "ft1", "ft3"); mix(r_); flags(); } while (0)
#define F1(insn, a) do { uint64_t r_; __asm__ volatile("fmv.d.x ft0, %1\n\t" insn " ft3, ft0\n\tfmv.x.d %0, ft3" : "=r"(r_) : "r"(a) : "ft0", "ft3"); mix(r_); flags(); } while (0)
#define X1(insn, a) do { uint64_t r_; __asm__ volatile("fmv.d.x ft0, %1\n\t" insn " %0, ft0" : "=r"(r_) : "r"(a) : "ft0"); mix(r_); flags(); } while (0)
#define X2(insn, a, b) do { uint64_t r_; __asm__ volatile("fmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\t" insn " %0, ft0, ft1" : "=r"(r_) : "r"(a), "r"(b) : "ft0", "ft1"); mix(r_); flags(); } while (0)
#define FX(insn, a) do { uint64_t r_; __asm__ volatile(insn " ft3, %1\n\tfmv.x.d %0, ft3" : "=r"(r_) : "r"(a) : "ft3"); mix(r_); flags(); } while (0)

int main(void) {
  for (unsigned rm = 0; rm < 5; rm++) {
    __asm__ volatile("fsrm %0" :: "r"(rm));
    for (int i = 0; i < 400; i++) {
      uint64_t a = gen_d(), b = gen_d(), c = gen_d();
      if ((i & 7) == 0) b = (next() & 1) ? 0 : 0x7ff0000000000000ULL; /* inf*0 and friends */
      F2("fadd.d", a, b); F2("fsub.d", a, c); F2("fmul.d", a, b); F2("fdiv.d", a, b); F1("fsqrt.d", a);
      F3("fmadd.d", a, b, c); F3("fmsub.d", a, b, c); F3("fnmsub.d", a, b, c); F3("fnmadd.d", a, b, c);
      F2("fmin.d", a, b); F2("fmax.d", b, c); F2("fsgnj.d", a, b); F2("fsgnjn.d", a, c); F2("fsgnjx.d", b, c);
      X2("feq.d", a, b); X2("flt.d", a, c); X2("fle.d", b, c); X1("fclass.d", a);
      X1("fcvt.w.d", a); X1("fcvt.wu.d", b); X1("fcvt.l.d", c); X1("fcvt.lu.d", a);
      F1("fcvt.s.d", a); F1("fcvt.d.s", gen_s());
      uint64_t n = next() >> (next() & 63);
      FX("fcvt.d.l", n); FX("fcvt.d.lu", n); FX("fcvt.s.l", n); FX("fcvt.s.lu", ~n); FX("fcvt.s.w", n); FX("fcvt.s.wu", n);
      FX("fmv.w.x", n); X1("fmv.x.w", a); X1("fmv.x.d", a);

      uint64_t sa = gen_s(), sb = gen_s(), sc = gen_s();
      if ((i & 7) == 1) sb = 0xffffffff00000000ULL | ((next() & 1) ? 0 : 0x7f800000u);
      F2("fadd.s", sa, sb); F2("fsub.s", sa, sc); F2("fmul.s", sa, sb); F2("fdiv.s", sa, sb); F1("fsqrt.s", sa);
      F3("fmadd.s", sa, sb, sc); F3("fmsub.s", sa, sb, sc); F3("fnmsub.s", sa, sb, sc); F3("fnmadd.s", sa, sb, sc);
      F2("fmin.s", sa, sb); F2("fmax.s", sb, sc); F2("fsgnj.s", sa, sb); F2("fsgnjn.s", sa, sc); F2("fsgnjx.s", sb, sc);
      X2("feq.s", sa, sb); X2("flt.s", sa, sc); X2("fle.s", sb, sc); X1("fclass.s", sa);
      X1("fcvt.w.s", sa); X1("fcvt.wu.s", sb); X1("fcvt.l.s", sc); X1("fcvt.lu.s", sa);
    }
  }
  static const char hex[] = "0123456789abcdef";
  for (int i = 60; i >= 0; i -= 4) put(hex[(hash >> i) & 15]);
  put(' ');
  for (int i = 60; i >= 0; i -= 4) put(hex[(count >> i) & 15]);
  put('\n');
  return 0;
}
