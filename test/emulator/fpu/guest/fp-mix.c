/* The F/D end-to-end check: one C program built twice, for the RISC-V guest (run on our
 * machine, through the CPU's FLD/FSD/fcsr and the FPU) and for the host (x86 SSE/FMA, the
 * oracle). It runs many double and single operations in the four rounding modes both hosts
 * share, and hashes every result's bits and the accrued flags; the two printed hashes must be
 * equal. Values that would meet a RISC-V-specific rule (NaN payloads, FMA inf*0 + qNaN,
 * out-of-range conversions) are canonicalized or avoided, as the comments say. */
#include <stdint.h>

#ifdef __riscv
volatile uint64_t tohost, fromhost;
static void put(char c) {
  tohost = (1ULL << 56) | (1ULL << 48) | (unsigned char)c;
  while (tohost) {}
}
static void set_rm(int rm) { __asm__ volatile("fsrm %0" :: "r"(rm)); }
static unsigned take_flags(void) { unsigned f; __asm__ volatile("frflags %0" : "=r"(f)); __asm__ volatile("fsflags zero"); return f; }
static double fma_d(double a, double b, double c) { return __builtin_fma(a, b, c); }
static float fma_s(float a, float b, float c) { return __builtin_fmaf(a, b, c); }
static double sqrt_d(double a) { return __builtin_sqrt(a); }
static float sqrt_s(float a) { return __builtin_sqrtf(a); }
#else
#include <fenv.h>
#include <math.h>
#include <stdio.h>
static void put(char c) { putchar(c); }
static const int MODES[4] = { FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD };
static void set_rm(int rm) { fesetround(MODES[rm]); }
static unsigned take_flags(void) {
  unsigned f = 0;
  if (fetestexcept(FE_INVALID)) f |= 16;
  if (fetestexcept(FE_DIVBYZERO)) f |= 8;
  if (fetestexcept(FE_OVERFLOW)) f |= 4;
  if (fetestexcept(FE_UNDERFLOW)) f |= 2;
  if (fetestexcept(FE_INEXACT)) f |= 1;
  feclearexcept(FE_ALL_EXCEPT);
  return f;
}
static double fma_d(double a, double b, double c) { return fma(a, b, c); }
static float fma_s(float a, float b, float c) { return fmaf(a, b, c); }
static double sqrt_d(double a) { return sqrt(a); }
static float sqrt_s(float a) { return sqrtf(a); }
#endif

static uint64_t hash = 1469598103934665603ULL;
static void mix(uint64_t v) {
  for (int i = 0; i < 8; i++) { hash ^= (v >> (8 * i)) & 0xff; hash *= 1099511628211ULL; }
}
static int is_nan_d(uint64_t b) { return (b & 0x7ff0000000000000ULL) == 0x7ff0000000000000ULL && (b & 0xfffffffffffffULL); }
static int is_nan_s(uint32_t b) { return (b & 0x7f800000u) == 0x7f800000u && (b & 0x7fffffu); }
/* RISC-V returns the canonical NaN; hosts may propagate a payload: compare NaN-ness only. */
static void mix_d(volatile double d) { uint64_t b; double t = d; __builtin_memcpy(&b, &t, 8); mix(is_nan_d(b) ? 0x7ff8000000000000ULL : b); }
static void mix_s(volatile float s) { uint32_t b; float t = s; __builtin_memcpy(&b, &t, 4); mix(is_nan_s(b) ? 0x7fc00000u : b); }

static uint64_t rng = 88172645463325252ULL;
static uint64_t next(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }

/* Finite doubles of every magnitude, biased toward ordinary ones, and some specials. */
static double gen_d(void) {
  uint64_t r = next();
  uint64_t b;
  switch (r & 7) {
    case 0: b = next(); break;                                            /* anything */
    case 1: b = (r >> 8) & 0x800fffffffffffffULL; break;                  /* subnormal */
    case 2: b = (next() & 0x800fffffffffffffULL) | (0x7fdULL << 52); break; /* near overflow */
    default: b = (next() & 0x800fffffffffffffULL) | ((uint64_t)(1003 + (r >> 40) % 40) << 52); break;
  }
  double d; __builtin_memcpy(&d, &b, 8); return d;
}
static float gen_s(void) {
  uint32_t r = (uint32_t)next(), b;
  switch (r & 7) {
    case 0: b = (uint32_t)next(); break;
    case 1: b = (r >> 3) & 0x807fffffu; break;
    case 2: b = ((uint32_t)next() & 0x807fffffu) | (0xfdu << 23); break;
    default: b = ((uint32_t)next() & 0x807fffffu) | ((uint32_t)(117 + (r >> 20) % 20) << 23); break;
  }
  float s; __builtin_memcpy(&s, &b, 4); return s;
}
static int is_inf_zero(double a, double b) { return (a == 0 && (b - b != b - b)) || (b == 0 && (a - a != a - a)); }

/* Each result is hashed together with the flags it raised alone. */
#define D(expr) do { mix_d(expr); mix(take_flags()); count++; } while (0)
#define S(expr) do { mix_s(expr); mix(take_flags()); count++; } while (0)
#define I(expr) do { mix((uint64_t)(expr)); mix(take_flags()); count++; } while (0)

int main(void) {
  volatile double a, b, c;
  volatile float sa, sb, sc;
  unsigned long count = 0;
  for (int rm = 0; rm < 4; rm++) {
    set_rm(rm);
    take_flags();
    for (int i = 0; i < 1500; i++) {
      a = gen_d(); b = gen_d(); c = gen_d();
      int fma_ok = !(is_inf_zero(a, b) && c != c); /* x86 raises no NV for inf*0 + qNaN, RISC-V does */
      double abs_a = a < 0 ? -a : a;
      int small = a > -2e9 && a < 2e9; /* in range: no saturation rules */
      uint64_t n = next() >> (next() & 63);
      take_flags();
      D(a + b); D(a - c); D(a * b); D(a / b); D(sqrt_d(abs_a));
      if (fma_ok) D(fma_d(a, b, c));
      D((double)(float)a); D((double)(int64_t)n);
      I(a < b); I(a <= c); I(b == c);
      if (small) I((int64_t)(int32_t)a);
      sa = gen_s(); sb = gen_s(); sc = gen_s();
      fma_ok = !(is_inf_zero(sa, sb) && sc != sc);
      float abs_b = sb < 0 ? -sb : sb;
      int32_t w = (int32_t)next();
      int64_t l = (int64_t)next();
      take_flags();
      S(sa + sb); S(sa * sb); S(sa / sc); S(sqrt_s(abs_b));
      if (fma_ok) S(fma_s(sa, sb, sc));
      S((float)w); S((float)l);
    }
  }
  static const char hex[] = "0123456789abcdef";
  for (int i = 60; i >= 0; i -= 4) put(hex[(hash >> i) & 15]);
  put(' ');
  for (int i = 60; i >= 0; i -= 4) put(hex[(count >> i) & 15]);
  put('\n');
  return 0;
}
