/* Values split into DW_OP_pieces with only some pieces available (at -O2): a small struct kept
 * in registers, one member live across a call (a callee-saved register) and one dead after it,
 * so in the caller's frame gdb prints {file = 0x..., flags = <optimized out>}. */
#include "corpus.h"

struct pfile { struct proc *file; unsigned int flags; };

__attribute__((noinline)) void pieces_stop(struct proc *p) { sink = p->pid; }

__attribute__((noinline)) int pieces_run(struct proc *p, int n) {
  struct pfile pf = { p, (unsigned int)sink * 3u + (unsigned int)n };
  sink = (int)pf.flags;
  pieces_stop(pf.file);
  return pf.file->pid + 1;
}
