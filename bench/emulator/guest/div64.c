/* Bench: full 64-bit divisions as kernels do them (time conversions, hashing into tables,
 * do_div): dividends and divisors above 2^52 and below, DIVU, REMU, DIV and REM. */
#include "common.h"

int main(void) {
  uint64_t s = 0x2545f4914f6cdd1dull, acc = 0;
  for (long i = 0; i < 400000; i++) {
    uint64_t a = rnd(&s), b = rnd(&s) >> (i & 63);
    if (b == 0) b = 1;
    acc += a / b;                                 /* large dividend, divisor of every size */
    acc ^= a % (b | 1);
    acc += (uint64_t)((int64_t)a / (int64_t)(b | 3));
    acc ^= (uint64_t)((int64_t)acc % (int64_t)1000000007);
    acc += (a * 0x9e3779b97f4a7c15ull) / 1000000000ull; /* ns -> s on a 64-bit clock */
  }
  puts_("div64 ");
  puthex(acc);
  puts_("\n");
  return 0;
}
