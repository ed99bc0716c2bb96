/* Optimised-code locations (at -O2): a static function gcc clones with a constant argument
 * propagated and an unused one removed (the clone describes them with DW_AT_const_value and
 * DW_OP_GNU_parameter_ref), a local array passed by address (call-site values relative to the
 * caller's sp or frame base), and a pointer to a local that lives only in registers
 * (DW_OP_implicit_pointer). */
#include "corpus.h"

struct pair { int a; int b; };

/* Statement-expression macros inside an inline function, as kernels write them: gcc emits
 * lexical blocks without addresses (their variables belong to the enclosing block) and blocks
 * whose code was optimised away (ignored with their variables). */
#define typecheck(type, x) ({ type __dummy; __typeof__(x) __dummy2; (void)(&__dummy == &__dummy2); 1; })
#define min_int(a, b) ({ int __x = (a); int __y = (b); __x < __y ? __x : __y; })
static inline int clamp_flags(unsigned long flags, int v) {
  typecheck(unsigned long, flags);
  return min_int(v, 9) + (int)(flags & 3);
}

static inline int pair_sum(const struct pair *p) { return p->a + p->b; }

__attribute__((noinline)) static int scaled(int v, int unused, int scale, const int *table) {
  sink = v;
  clone_stop(v + table[1]);
  return v * scale + table[2];
}

int clones_run(int n) {
  int table[4] = { n, n + 1, n + 2, n + 3 };
  struct pair pr = { n, n * 3 };
  struct pair *pp = &pr;
  int total = 0;
  for (int i = 0; i < 3; i++) total += scaled(i + n, i * 5, 7, table);
  clone_done(pair_sum(pp) + clamp_flags((unsigned long)sink, n));
  return total + pp->b;
}

__attribute__((noinline)) void clone_stop(int code) { sink = code; }
__attribute__((noinline)) void clone_done(int code) { sink = code + 1; }
