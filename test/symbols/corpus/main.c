/* Corpus entry: calls into the other files so every function is reachable. */
#include "corpus.h"

unsigned long corpus_stack[1024];
unsigned long *corpus_stack_top_ptr = &corpus_stack[1024];
__asm__(".globl corpus_stack_top\n.set corpus_stack_top, corpus_stack + 8192");

volatile int sink;
static int counter = 7;              /* same name as a static in list.c */
const char greeting[] = "hello, \"world\"\n";
char buffer[8] = { 'a', 'b', 0, 'c' };
int matrix[3][4] = { { 1, 2, 3, 4 }, { 5, 6, 7, 8 }, { 9, 10, 11, 12 } };
enum color favourite = BLUE;
struct point origin = { -1, 2 };

static inline int square(int v) { return v * v; }

static int visit_sum(struct proc *p, int arg) {
  sink = p->pid;
  return p->pid + arg + square(p->pos.x);
}

int fact(int n) {
  if (n <= 1) {
    corpus_stop(n);
    return 1;
  }
  return n * fact(n - 1);
}

int fib_iter(int n) {
  int a = 0, b = 1;
  for (int i = 0; i < n; i++) {
    int t = a + b;
    a = b;
    b = t;
    sink = t;
  }
  return a;
}

void corpus_stop(int code) {
  sink = code + counter + asm_counter;
}

int main(void) {
  int total = 0;
  struct point a = { 1, 2 }, b = { 4, 6 };
  union number n;
  struct flags f = { 1, 5, -7, 12345, 9 };
  n.i = 0x3f800000;
  total += list_build(4);
  total += list_walk(visit_sum, 3);
  total += shape_area(a, b);
  total += shape_mix(&n, &f);
  total += clones_run(total & 3);
  total += types_run(total & 1);
  total += fact(5);
  total += fib_iter(10);
  total += square(total & 7);
  counter += total;
  sink = total + buffer[0] + matrix[2][3] + favourite + origin.x + greeting[1];
  return total;
}
