/* Floating point, anonymous members, an empty struct, char pointers of every signedness, a
 * struct this unit only declares (opaque.c defines it), an inline header reached by a `./`
 * path, and a local that optimization removes. */
#include "corpus.h"
#include "./types-inl.h"

double ratio = 2.5;
float scale = 0.75f;
double tiny = -1.0e-7;
int ival = 7;
unsigned int uval = 3000000000u;

extern struct point origin;

struct anon_holder {
  int kind;
  union {
    int as_int;
    struct { short lo, hi; };
  };
  struct { struct point *where; int depth; };
};
struct anon_holder anon = { 3, { .as_int = 0x00020001 }, { &origin, 4 } };
struct anon_holder *anon_ptr = &anon;

struct empty {};
struct empty empty_one;
union empty_union {} empty_u;
struct with_empty { int before; struct empty e; int after; } with_empty = { 1, {}, 2 };

const unsigned char *uptr = (const unsigned char *)"console";
signed char *sptr = (signed char *)"signed";
const char *cptr = "const";
char plain[] = "plain";
char *pptr = plain;
typedef char *string_t;
string_t tstr = plain;
uint8 *u8ptr = (uint8 *)plain;
char *const cpconst = plain;
const volatile char *cvptr = plain;
const signed char *csnull;
struct strs { const unsigned char *u; signed char *s; const char *c; char *p; unsigned char *n; } strs = { (const unsigned char *)"u-str", (signed char *)"s-str", "c-str", plain, 0 };

struct opaque;                       /* defined in opaque.c only */
extern struct opaque opaque_obj;
struct opaque_user { int id; struct opaque *files; } opaque_user = { 9, &opaque_obj };

int types_run(int n) {
  int opt = sink * 7;
  types_stop(n);
  return n + (int)(ratio * scale) + ival + ti_twice(n);
}
