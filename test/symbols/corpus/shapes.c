/* Structs passed by value, unions, bitfields and an inlined helper. */
#include "corpus.h"

static inline int span(int lo, int hi) {
  int d = hi - lo;
  return d < 0 ? -d : d;
}

int shape_area(struct point a, struct point b) {
  int w = span(a.x, b.x);
  int h = span(a.y, b.y);
  sink = w;
  return w * h;
}

int shape_mix(union number *n, struct flags *f) {
  int r = n->bytes[3] + f->mode + f->delta;
  f->wide += r;
  f->ready = !f->ready;
  sink = r;
  return r + (int)n->f;
}

/* A flexible array member, reached through a pointer (its storage follows the header). */
struct blob { int n; short data[]; };
static union { struct blob b; short room[8]; } blob_store = { .room = { 3, 0, 7, 8, 9 } };
struct blob *blob_ptr = &blob_store.b;
