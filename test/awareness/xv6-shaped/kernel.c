/*
 * An xv6-shaped kernel for the xv6 profile's unit test (test/awareness/xv6-profile.test.ts).
 * Our own code, not xv6's: it declares structures and globals with xv6's names (proc[], cpus[],
 * struct context, struct trapframe, struct sleeplock, bcache, itable, cons, kernel_pagetable)
 * but with members in other orders, and enum procstate with other values, so a profile that
 * hard-coded an offset or a value would fail. Hart 0 fills the tables, then runs each sleeping
 * process for real on its own kernel stack (usertrap -> syscall -> ... -> sleep -> sched ->
 * swtch back to the scheduler; one through a trap taken in the kernel: ... compute -> ecall ->
 * kernelvec -> kerneltrap -> yield -> sched), so saved contexts and stacks are genuine; hart 1 runs one
 * process that spins in a system call while holding a sleeplock. Then setup_done = 1.
 */
typedef unsigned long uint64;
typedef unsigned int uint;
typedef uint64 *pagetable_t;

#define NPROC 10
#define NCPU 4
#define PGSIZE 4096
#define NOINLINE __attribute__((noinline))

struct cpu;
struct spinlock { char *name; uint locked; struct cpu *cpu; };

/* swtch (entry.S) saves and loads these in this order */
struct context { uint64 s11, s10, s9, s8, s7, s6, s5, s4, s3, s2, s1, s0; uint64 sp; uint64 ra; };

struct trapframe {
  uint64 a0, a1, a2, a3, a4, a5, a6, a7;
  uint64 epc;
  uint64 kernel_sp;
  uint64 ra, sp, gp, tp, t0, t1, t2, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, t3, t4, t5, t6;
  uint64 kernel_satp, kernel_trap, kernel_hartid;
};

enum procstate { RUNNING = 7, UNUSED = 0, ZOMBIE = 3, SLEEPING = 5, RUNNABLE = 2, USED = 9 };

struct proc {
  char name[16];
  struct trapframe *trapframe;
  int pid;
  struct context context;
  pagetable_t pagetable;
  struct proc *parent;
  int killed;
  void *chan;
  enum procstate state;
  struct spinlock lock;
  uint64 kstack;
  int xstate;
};

struct cpu { int noff; struct context context; int intena; struct proc *proc; };

struct sleeplock { struct spinlock lk; char *name; int pid; uint locked; };

struct buf { int valid; uint blockno; struct sleeplock lock; uint refcnt; unsigned char data[64]; };
struct inode { struct sleeplock lock; uint inum; int ref; };

struct { struct spinlock lock; struct buf buf[6]; } bcache;
struct { struct inode inode[4]; struct spinlock lock; } itable;
struct { struct spinlock lock; char buf[32]; uint r, w, e; } cons;
struct proc proc[NPROC];
struct cpu cpus[NCPU];
pagetable_t kernel_pagetable;
uint64 ticks;

/* Written by the test before the run: addresses in the user program (a separate ELF). */
volatile uint64 user_read_pc, user_main_pc;
volatile int go, spinning, setup_done;
volatile uint64 spins;

char stack0[PGSIZE * NCPU] __attribute__((aligned(16)));
static char kstack[NPROC][PGSIZE] __attribute__((aligned(PGSIZE)));
static struct trapframe trapframes[NPROC];
static uint64 kpt[512] __attribute__((aligned(PGSIZE)));
static uint64 upt[3][512] __attribute__((aligned(PGSIZE)));
static char upage[PGSIZE] __attribute__((aligned(PGSIZE)));

enum { SYS_exit = 2, SYS_wait = 3, SYS_read = 5, SYS_write = 16, SYS_open = 15, SYS_spin = 30, SYS_compute = 31 };

void swtch(struct context *old, struct context *new);
void userentry(void);
void usertrap(void);
void kernelvec(void);

static inline int cpuid(void) { uint64 x; asm volatile("mv %0, tp" : "=r"(x)); return (int)x; }
NOINLINE struct proc *myproc(void) { return cpus[cpuid()].proc; }

NOINLINE void sched(void) { struct proc *p = myproc(); swtch(&p->context, &cpus[cpuid()].context); }
NOINLINE void sleep(void *chan) { struct proc *p = myproc(); p->chan = chan; p->state = SLEEPING; sched(); p->chan = 0; }
NOINLINE void acquiresleep(struct sleeplock *lk) { while (lk->locked) sleep(lk); lk->locked = 1; lk->pid = myproc()->pid; }
NOINLINE struct buf *bread(uint blockno) { struct buf *b = &bcache.buf[blockno]; acquiresleep(&b->lock); return b; }
NOINLINE void ilock(struct inode *ip) { acquiresleep(&ip->lock); }
NOINLINE int consoleread(void) { while (cons.r == cons.w) sleep(&cons.r); return cons.buf[cons.r++ % sizeof cons.buf]; }
NOINLINE int wait(void) { struct proc *p = myproc(); for (;;) sleep(p); }
NOINLINE void exit(int status) { struct proc *p = myproc(); p->xstate = status; p->state = ZOMBIE; sched(); }
NOINLINE void usertrapret(void) { for (;;) ; }
NOINLINE void forkret(void) { usertrapret(); }

NOINLINE uint64 sys_read(void) { return consoleread(); }
NOINLINE uint64 sys_write(void) { return bread(3)->valid; }
NOINLINE uint64 sys_open(void) { ilock(&itable.inode[1]); return 0; }
NOINLINE uint64 sys_wait(void) { return wait(); }
NOINLINE uint64 sys_exit(void) { exit(0); return 0; }
NOINLINE uint64 sys_spin(void) { spinning = 1; for (;;) spins++; }

/* A trap in the kernel: the ecall enters kernelvec, kerneltrap keeps the interrupted pc in its
 * local `sepc` and yields (xv6's kerneltrap does the same with a timer interrupt). */
NOINLINE void yield(void) { struct proc *p = myproc(); p->state = RUNNABLE; sched(); }
NOINLINE void kerneltrap(void)
{
  uint64 sepc;
  asm volatile("csrr %0, mepc" : "=r"(sepc));
  yield();
  asm volatile("csrw mepc, %0" : : "r"(sepc + 4));
}
NOINLINE void compute(void) { spins++; asm volatile("ecall"); spins++; }
NOINLINE uint64 sys_compute(void) { compute(); return spins; }

NOINLINE void syscall(void)
{
  struct proc *p = myproc();
  uint64 r = -1;
  switch (p->trapframe->a7) {
  case SYS_read: r = sys_read(); break;
  case SYS_write: r = sys_write(); break;
  case SYS_open: r = sys_open(); break;
  case SYS_wait: r = sys_wait(); break;
  case SYS_exit: r = sys_exit(); break;
  case SYS_spin: r = sys_spin(); break;
  case SYS_compute: r = sys_compute(); break;
  }
  p->trapframe->a0 = r;
}

NOINLINE void usertrap(void) { syscall(); usertrapret(); }

/* The value the test expects in user register x<n> of proc[i]'s trap frame. */
#define V(i, n) (((uint64)(i) + 1) << 32 | (0x100 + (n)))

static void fill_trapframe(struct trapframe *tf, int i, uint64 a7)
{
  tf->epc = user_read_pc;
  tf->ra = user_main_pc;
  tf->sp = 0x1ff0;
  tf->gp = V(i, 3); tf->tp = V(i, 4); tf->t0 = V(i, 5); tf->t1 = V(i, 6); tf->t2 = V(i, 7);
  tf->s0 = V(i, 8); tf->s1 = V(i, 9); tf->a0 = V(i, 10); tf->a1 = V(i, 11); tf->a2 = V(i, 12);
  tf->a3 = V(i, 13); tf->a4 = V(i, 14); tf->a5 = V(i, 15); tf->a6 = V(i, 16); tf->a7 = a7;
  tf->s2 = V(i, 18); tf->s3 = V(i, 19); tf->s4 = V(i, 20); tf->s5 = V(i, 21); tf->s6 = V(i, 22);
  tf->s7 = V(i, 23); tf->s8 = V(i, 24); tf->s9 = V(i, 25); tf->s10 = V(i, 26); tf->s11 = V(i, 27);
  tf->t3 = V(i, 28); tf->t4 = V(i, 29); tf->t5 = V(i, 30); tf->t6 = V(i, 31);
  tf->kernel_sp = (uint64)kstack[i] + PGSIZE;
}

static void copy(char *dst, const char *src) { while ((*dst++ = *src++)) ; }

#define PTE_V 1
#define PTE_R 2
#define PTE_W 4
#define PTE_X 8
#define PTE_U 16
#define PTE_A 64
#define PTE_D 128
#define PTE(pa, flags) ((((uint64)(pa)) >> 12) << 10 | (flags))

static void setup_proc(int i, int pid, const char *name, enum procstate state, struct proc *parent, uint64 a7)
{
  struct proc *p = &proc[i];
  p->pid = pid;
  copy(p->name, name);
  p->state = state;
  p->parent = parent;
  p->pagetable = (pagetable_t)upt[0];
  p->kstack = (uint64)kstack[i];
  p->trapframe = &trapframes[i];
  fill_trapframe(p->trapframe, i, a7);
  p->context.ra = (uint64)userentry;
  p->context.sp = p->kstack + PGSIZE;
}

static void setup(void)
{
  /* the kernel's table: one 1 GiB identity leaf for RAM at 0x80000000 */
  kpt[2] = PTE(0x80000000UL, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
  kernel_pagetable = kpt;
  /* a user table: VA 0x1000 -> upage */
  upt[0][0] = PTE(upt[1], PTE_V);
  upt[1][0] = PTE(upt[2], PTE_V);
  upt[2][1] = PTE(upage, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
  copy(upage, "user memory of pid 2");

  bcache.lock.name = "bcache";
  for (int b = 0; b < 6; b++) bcache.buf[b].lock.name = "buffer";
  bcache.buf[3].lock.locked = 1;
  bcache.buf[3].lock.pid = 4;
  for (int n = 0; n < 4; n++) itable.inode[n].lock.name = "inode";
  itable.inode[1].lock.locked = 1;
  itable.inode[1].lock.pid = 99;
  cons.lock.name = "cons";

  setup_proc(0, 1, "init", RUNNABLE, 0, SYS_wait);
  setup_proc(1, 2, "sh", RUNNABLE, &proc[0], SYS_read);
  setup_proc(2, 3, "worker", RUNNABLE, &proc[1], SYS_write);
  setup_proc(3, 4, "holder", RUNNABLE, &proc[1], SYS_spin);
  setup_proc(4, 5, "zombie", RUNNABLE, &proc[1], SYS_exit);
  setup_proc(5, 6, "child", RUNNABLE, &proc[1], SYS_read);
  proc[5].context.ra = (uint64)forkret; /* a fork child that has not run yet */
  setup_proc(6, 7, "", USED, 0, 0);
  proc[6].context.ra = (uint64)forkret;
  for (uint64 *w = (uint64 *)proc[6].trapframe; w < (uint64 *)(proc[6].trapframe + 1); w++) *w = 0x0505050505050505UL;
  setup_proc(8, 8, "fs", RUNNABLE, &proc[0], SYS_open);
  setup_proc(9, 9, "busy", RUNNABLE, &proc[0], SYS_compute);
  asm volatile("csrw mtvec, %0" : : "r"(kernelvec));
}

void cmain(uint64 hart)
{
  if (hart == 1) {
    while (!go) ;
    cpus[1].proc = &proc[3];
    proc[3].state = RUNNING;
    swtch(&cpus[1].context, &proc[3].context);
  }
  if (hart != 0) for (;;) asm volatile("wfi");
  setup();
  go = 1;
  static const int runs[] = { 0, 1, 2, 4, 8, 9 };
  for (unsigned k = 0; k < sizeof runs / sizeof runs[0]; k++) {
    struct proc *p = &proc[runs[k]];
    cpus[0].proc = p;
    p->state = RUNNING;
    swtch(&cpus[0].context, &p->context);
    cpus[0].proc = 0;
  }
  while (!spinning) ;
  setup_done = 1;
  for (;;) asm volatile("wfi");
}
