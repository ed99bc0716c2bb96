/* Reached from types.c as "./types-inl.h": line tables keep the `./` that gdb normalises. */
static inline int ti_twice(int v) {
  sink = v;
  return v * 2;
}
