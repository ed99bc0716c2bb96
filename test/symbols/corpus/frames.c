/* Frames gdb builds beyond the machine stack (at -O2): inlined calls that begin at a
 * function's first instruction, and tail calls that left no frame of their own. */
#include "corpus.h"

static inline __attribute__((always_inline)) int frames_twice(int v) { sink = v; return v + v; }
static inline __attribute__((always_inline)) int frames_wrap(int v) { return frames_twice(v + 1) * 3; }

__attribute__((noinline)) int frames_inl_entry(int a, int b) {
  int r = frames_twice(a);
  int s = r * b + a;
  sink = s;
  return s - r;
}

__attribute__((noinline)) int frames_inl_nested(int a) {
  int w = frames_wrap(a);
  sink = w;
  return w + a;
}

__attribute__((noinline)) void frames_leaf(int code) { sink = code; }
__attribute__((noinline)) void frames_tail_b(int x) { sink = x; frames_leaf(x * 2); }
__attribute__((noinline)) void frames_tail_a(int x) { sink = x + 1; frames_tail_b(x + 3); }

int frames_run(int n) {
  int t = frames_inl_entry(n, 3) + frames_inl_nested(n);
  frames_tail_a(t);
  return t + sink;
}
