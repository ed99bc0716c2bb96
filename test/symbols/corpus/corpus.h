/* Shared declarations of the symbols test corpus (types with every shape DWARF can describe). */
#ifndef CORPUS_H
#define CORPUS_H

typedef unsigned long uint64;
typedef unsigned int uint32;
typedef unsigned char uint8;

enum color { RED, GREEN = 5, BLUE, NEGATIVE = -3 };

struct point { int x; int y; };

struct flags {
  unsigned int ready : 1;
  unsigned int mode : 3;
  signed int delta : 5;
  unsigned int wide : 20;
  uint8 tail;
};

union number { int i; float f; unsigned char bytes[4]; };

struct proc;
typedef int (*visit_fn)(struct proc *p, int arg);

struct proc {
  char name[16];
  int pid;
  enum color state;
  struct point pos;
  struct flags fl;
  union number num;
  struct proc *next;
  visit_fn visit;
  const volatile int *counter;
  double weight;
  int grid[2][3];
};

extern struct proc procs[4];
extern struct proc *proc_list;
extern volatile int sink;
extern int asm_counter;      /* defined in start.S */

int list_build(int n);
int list_walk(visit_fn fn, int arg);
int shape_area(struct point a, struct point b);
int shape_mix(union number *n, struct flags *f);
int fact(int n);
int fib_iter(int n);
void corpus_stop(int code);
int clones_run(int n);
void clone_stop(int code);
void clone_done(int code);
int types_run(int n);
void types_stop(int code);

#endif
