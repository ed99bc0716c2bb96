/* Bench: quicksort of 200k pseudo-random 64-bit keys, several rounds; checks order. */
#include "common.h"

#define N 200000
static uint64_t a[N];

static void quicksort(uint64_t *v, long lo, long hi) {
  while (lo < hi) {
    uint64_t pivot = v[lo + (hi - lo) / 2];
    long i = lo, j = hi;
    while (i <= j) {
      while (v[i] < pivot) i++;
      while (v[j] > pivot) j--;
      if (i <= j) { uint64_t t = v[i]; v[i] = v[j]; v[j] = t; i++; j--; }
    }
    if (j - lo < hi - i) { quicksort(v, lo, j); lo = i; } else { quicksort(v, i, hi); hi = j; }
  }
}

int main(void) {
  uint64_t s = 88172645463325252ull, sum = 0;
  for (int round = 0; round < 4; round++) {
    for (long i = 0; i < N; i++) a[i] = rnd(&s);
    quicksort(a, 0, N - 1);
    for (long i = 1; i < N; i++) if (a[i - 1] > a[i]) { puts_("qsort: NOT SORTED\n"); return 1; }
    sum += a[N / 2] ^ a[N / 3];
  }
  puts_("qsort ");
  puthex(sum);
  puts_("\n");
  return 0;
}
