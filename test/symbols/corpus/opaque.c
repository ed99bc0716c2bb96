/* The definition of a struct that types.c only declares (gdb resolves it by name). */
#include "corpus.h"

struct fdtable { unsigned int max_fds; int *fd; };
struct opaque { int count; struct fdtable *fdt; struct fdtable fdtab; };

static int fd_slots[4];
struct opaque opaque_obj = { 2, &opaque_obj.fdtab, { 64, fd_slots } };

void types_stop(int code) {
  sink = code + opaque_obj.count;
}
