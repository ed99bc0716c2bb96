/* A linked list of procs with file statics and static helpers (names reused across files). */
#include "corpus.h"

struct proc procs[4];
struct proc *proc_list;
static int counter;                  /* same name as a static in main.c */
static const volatile int limit = 100;

static void set_name(char *dst, const char *src) {
  int i = 0;
  while (src[i] && i < 15) {
    dst[i] = src[i];
    i++;
  }
  dst[i] = 0;
}

static struct proc *proc_init(struct proc *p, int pid) {
  static const char *names[] = { "init", "sh", "cat", "sleepy-task" };
  set_name(p->name, names[pid & 3]);
  p->pid = pid;
  p->state = (enum color)(pid % 2 ? GREEN : RED);
  p->pos.x = pid * 3;
  p->pos.y = -pid;
  p->fl.ready = pid & 1;
  p->fl.mode = pid;
  p->fl.delta = -pid;
  p->fl.wide = pid * 1000;
  p->fl.tail = (uint8)pid;
  p->num.i = pid * 0x01010101;
  p->counter = &limit;
  p->weight = pid * 1.5;
  for (int r = 0; r < 2; r++)
    for (int c = 0; c < 3; c++) p->grid[r][c] = r * 10 + c + pid;
  return p;
}

int list_build(int n) {
  proc_list = 0;
  for (int i = 0; i < n && i < 4; i++) {
    struct proc *p = proc_init(&procs[i], i + 1);
    p->next = proc_list;
    p->visit = 0;
    proc_list = p;
    counter++;
  }
  return counter;
}

int list_walk(visit_fn fn, int arg) {
  int sum = 0;
  for (struct proc *p = proc_list; p; p = p->next) {
    p->visit = fn;
    sum += fn(p, arg);
  }
  return sum;
}
