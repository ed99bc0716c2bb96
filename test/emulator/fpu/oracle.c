/* Test oracle for the F/D unit tests: runs IEEE 754 operations on the host (x86-64 SSE/FMA3
 * via gcc, or any IEEE host) under a chosen rounding mode and prints the result bits and the
 * exception flags. Built and run by fpu-oracle.test.ts at test time; nothing generated is
 * committed.
 *
 * Input lines:  OP RM A B C      (OP e.g. add.d, madd.s, cvt.w.d; RM 0..4; A B C hex bits)
 * Output lines: RESULT FLAGS     (RESULT hex bits as the host produced them; FLAGS in RISC-V
 *                                 fflags bits NV=16 DZ=8 OF=4 UF=2 NX=1)
 *
 * RISC-V specifics are NOT applied here (canonical NaN, NV for inf*0+qNaN in FMA): the test
 * applies them, citing the spec. Exceptions: float-to-integer conversions, where C has no
 * defined out-of-range behaviour, follow the spec's saturation table with the rounding done by
 * libm (nearbyint under the mode, round() for RMM); and RMM, which x86 lacks: RMM equals RNE
 * (value and flags) except at an exact tie, where it takes the neighbour of larger magnitude;
 * ties are detected exactly in binary128 arithmetic. */
#define _GNU_SOURCE /* issignaling */
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* gcc ignores FENV_ACCESS; -frounding-math and volatile operands keep every operation at run time. */


/* binary128 for exact tie checks: __float128 on x86, long double where that is binary128. */
#if defined(__x86_64__) || defined(__i386__)
typedef __float128 q128;
#else
#include <float.h>
_Static_assert(LDBL_MANT_DIG >= 113, "oracle.c needs a binary128 type on this host");
typedef long double q128;
#endif

static const int MODES[4] = { FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD };

static int riscv_flags(void) {
  int f = 0;
  if (fetestexcept(FE_INVALID)) f |= 16;
  if (fetestexcept(FE_DIVBYZERO)) f |= 8;
  if (fetestexcept(FE_OVERFLOW)) f |= 4;
  if (fetestexcept(FE_UNDERFLOW)) f |= 2;
  if (fetestexcept(FE_INEXACT)) f |= 1;
  return f;
}

static double d_of(uint64_t b) { double d; memcpy(&d, &b, 8); return d; }
static uint64_t bits_d(double d) { uint64_t b; memcpy(&b, &d, 8); return b; }
static float s_of(uint64_t b) { uint32_t w = (uint32_t)b; float s; memcpy(&s, &w, 4); return s; }
static uint64_t bits_s(float s) { uint32_t w; memcpy(&w, &s, 4); return w; }

/* FCLASS's bit for a value, from C's own classification (bit numbers from the RISC-V spec). */
static uint64_t fclass(int cls, int neg, int signaling) {
  switch (cls) {
    case FP_INFINITE: return neg ? 1 << 0 : 1 << 7;
    case FP_NORMAL: return neg ? 1 << 1 : 1 << 6;
    case FP_SUBNORMAL: return neg ? 1 << 2 : 1 << 5;
    case FP_ZERO: return neg ? 1 << 3 : 1 << 4;
    default: return signaling ? 1 << 8 : 1 << 9;
  }
}

/* One operation on doubles or singles; `single` selects the format. Returns result bits. */
struct args { int single, out_single; double a, b, c; float sa, sb, sc; uint64_t ia; };

static uint64_t run(const char *op, const struct args *x) {
  volatile double a = x->a, b = x->b, c = x->c;
  volatile float sa = x->sa, sb = x->sb, sc = x->sc;
  int s = x->single;
  if (!strcmp(op, "add")) return s ? bits_s(sa + sb) : bits_d(a + b);
  if (!strcmp(op, "sub")) return s ? bits_s(sa - sb) : bits_d(a - b);
  if (!strcmp(op, "mul")) return s ? bits_s(sa * sb) : bits_d(a * b);
  if (!strcmp(op, "div")) return s ? bits_s(sa / sb) : bits_d(a / b);
  if (!strcmp(op, "sqrt")) return s ? bits_s(sqrtf(sa)) : bits_d(sqrt(a));
  if (!strcmp(op, "madd")) return s ? bits_s(fmaf(sa, sb, sc)) : bits_d(fma(a, b, c));
  if (!strcmp(op, "msub")) return s ? bits_s(fmaf(sa, sb, -sc)) : bits_d(fma(a, b, -c));
  if (!strcmp(op, "nmsub")) return s ? bits_s(fmaf(-sa, sb, sc)) : bits_d(fma(-a, b, c));
  if (!strcmp(op, "nmadd")) return s ? bits_s(fmaf(-sa, sb, -sc)) : bits_d(fma(-a, b, -c));
  if (!strcmp(op, "cvt.s.d")) return bits_s((float)a);
  if (!strcmp(op, "cvt.d.s")) return bits_d((double)sa);
  { volatile uint64_t i = x->ia;
    if (!strcmp(op, "cvt.f.w")) return s ? bits_s((float)(int32_t)i) : bits_d((double)(int32_t)i);
    if (!strcmp(op, "cvt.f.wu")) return s ? bits_s((float)(uint32_t)i) : bits_d((double)(uint32_t)i);
    if (!strcmp(op, "cvt.f.l")) return s ? bits_s((float)(int64_t)i) : bits_d((double)(int64_t)i);
    if (!strcmp(op, "cvt.f.lu")) return s ? bits_s((float)(uint64_t)i) : bits_d((double)(uint64_t)i); }
  if (!strcmp(op, "class")) return s ? fclass(fpclassify(sa), signbit(sa) != 0, issignaling(sa)) : fclass(fpclassify(a), signbit(a) != 0, issignaling(a));
  if (!strcmp(op, "eq")) return s ? (sa == sb) : (a == b);
  if (!strcmp(op, "lt")) return s ? (sa < sb) : (a < b);
  if (!strcmp(op, "le")) return s ? (sa <= sb) : (a <= b);
  fprintf(stderr, "oracle: unknown op %s\n", op);
  exit(2);
}

/* Whether the exact result of op equals m (binary128 holds every product and midpoint exactly). */
static int exact_equals(const char *op, const struct args *x, q128 m) {
  int s = x->single;
  q128 a = s ? (q128)x->sa : (q128)x->a, b = s ? (q128)x->sb : (q128)x->b, c = s ? (q128)x->sc : (q128)x->c;
  if (!strcmp(op, "sub")) { b = -b; op = "add"; }
  if (!strcmp(op, "add")) { /* a + b == m  <=>  a - m == -b, checked with an exact TwoSum */
    q128 d = a - m, bv = d - a, av = d - bv, err = (a - av) + (-m - bv);
    return err == 0 && d == -b;
  }
  if (!strcmp(op, "mul")) return a * b == m;
  if (!strcmp(op, "div")) return b * m == a;
  if (!strcmp(op, "sqrt")) return m * m == a;
  if (!strcmp(op, "msub")) { c = -c; op = "madd"; }
  if (!strcmp(op, "nmsub")) { a = -a; op = "madd"; }
  if (!strcmp(op, "nmadd")) { a = -a; c = -c; op = "madd"; }
  if (!strcmp(op, "madd")) { /* a*b + c == m  <=>  a*b - m == -c */
    q128 p = a * b, d = p - m, bv = d - p, av = d - bv, err = (p - av) + (-m - bv);
    return err == 0 && d == -c;
  }
  if (!strcmp(op, "cvt.s.d")) return (q128)x->a == m;
  if (!strncmp(op, "cvt.f.", 6)) {
    uint64_t i = x->ia; q128 v;
    if (!strcmp(op, "cvt.f.w")) v = (int32_t)i; else if (!strcmp(op, "cvt.f.wu")) v = (uint32_t)i;
    else if (!strcmp(op, "cvt.f.l")) v = (int64_t)i; else v = (uint64_t)i;
    return v == m;
  }
  return 0;
}

static q128 as_q(uint64_t r, int single) { return single ? (q128)s_of(r) : (q128)d_of(r); }

/* RMM: the RNE result unless the exact value is a tie between the RDN and RUP results. */
static uint64_t run_rmm(const char *op, const struct args *x, int *flags) {
  fesetround(FE_DOWNWARD); feclearexcept(FE_ALL_EXCEPT);
  uint64_t dn = run(op, x);
  fesetround(FE_UPWARD); feclearexcept(FE_ALL_EXCEPT);
  uint64_t up = run(op, x);
  fesetround(FE_TONEAREST); feclearexcept(FE_ALL_EXCEPT);
  uint64_t ne = run(op, x);
  *flags = riscv_flags();
  q128 qd = as_q(dn, x->out_single), qu = as_q(up, x->out_single);
  if (dn == up || qd == qu || isinf((double)qd) || isinf((double)qu) || qd != qd || qu != qu) return ne;
  if (!exact_equals(op, x, (qd + qu) / 2)) return ne;
  q128 ad = qd < 0 ? -qd : qd, au = qu < 0 ? -qu : qu;
  return ad > au ? dn : up;
}

/* Float to integer per the RISC-V saturation table; kind 0 W, 1 WU, 2 L, 3 LU. */
static uint64_t to_int(double v, int rm, int kind, int *flags) {
  static const double lo[4] = { -2147483648.0, 0, -9223372036854775808.0, 0 };
  static const double hi_excl[4] = { 2147483648.0, 4294967296.0, 9223372036854775808.0, 18446744073709551616.0 };
  static const uint64_t maxv[4] = { 0x7fffffffULL, 0xffffffffffffffffULL, 0x7fffffffffffffffULL, 0xffffffffffffffffULL };
  static const uint64_t minv[4] = { 0xffffffff80000000ULL, 0, 0x8000000000000000ULL, 0 };
  *flags = 0;
  if (isnan(v)) { *flags = 16; return maxv[kind]; }
  double r;
  if (rm == 4) r = round(v); else { fesetround(MODES[rm]); r = nearbyint(v); fesetround(FE_TONEAREST); }
  if (r >= hi_excl[kind]) { *flags = 16; return maxv[kind]; }
  if (r < lo[kind]) { *flags = 16; return minv[kind]; }
  if (r != v) *flags = 1;
  switch (kind) {
    case 0: return (uint64_t)(int64_t)(int32_t)r;
    case 1: return (uint64_t)(int64_t)(int32_t)(uint32_t)r; /* sign-extended 32-bit result */
    case 2: return (uint64_t)(int64_t)r;
    default: return (uint64_t)r;
  }
}

int main(void) {
  char op[32];
  int rm;
  unsigned long long a, b, c;
  while (scanf("%31s %d %llx %llx %llx", op, &rm, &a, &b, &c) == 5) {
    struct args x;
    char base[32];
    strcpy(base, op);
    char *dot = strrchr(base, '.');
    x.single = dot && dot[1] == 's' && dot[2] == 0;
    if (!strncmp(op, "cvt.", 4)) { /* cvt.<dst>.<src>: the source format decides the operand */
      x.single = dot && dot[1] == 's';
    }
    x.a = d_of(a); x.b = d_of(b); x.c = d_of(c);
    x.sa = s_of(a); x.sb = s_of(b); x.sc = s_of(c); x.ia = a;
    uint64_t r;
    int flags;
    if (!strncmp(op, "cvt.", 4) && (op[4] == 'w' || op[4] == 'l')) { /* cvt.w.d, cvt.lu.s, ... */
      int kind = op[4] == 'w' ? (op[5] == 'u' ? 1 : 0) : (op[5] == 'u' ? 3 : 2);
      r = to_int(x.single ? (double)x.sa : x.a, rm, kind, &flags);
    } else {
      /* the op name without its format suffix, except for the format conversions */
      if (!strcmp(op, "cvt.s.d") || !strcmp(op, "cvt.d.s")) { /* keep */ }
      else if (!strncmp(op, "cvt.s.", 6) || !strncmp(op, "cvt.d.", 6)) { /* int to float */
        x.single = op[4] == 's';
        snprintf(base, sizeof base, "cvt.f.%s", op + 6);
      } else if (dot) *dot = 0;
      const char *name = (!strcmp(op, "cvt.s.d") || !strcmp(op, "cvt.d.s")) ? op : base;
      x.out_single = !strncmp(op, "cvt.", 4) ? op[4] == 's' : x.single;
      if (rm == 4) r = run_rmm(name, &x, &flags);
      else {
        fesetround(MODES[rm]); feclearexcept(FE_ALL_EXCEPT);
        r = run(name, &x);
        flags = riscv_flags();
        fesetround(FE_TONEAREST);
      }
    }
    printf("%llx %d\n", (unsigned long long)r, flags);
  }
  return 0;
}
