/* Bench: integer and double matrix products (120x120), checksummed. */
#include "common.h"

#define M 120
static int64_t A[M][M], B[M][M], C[M][M];
static double X[M][M], Y[M][M], Z[M][M];

int main(void) {
  uint64_t s = 0x123456789abcdefull;
  for (int i = 0; i < M; i++)
    for (int j = 0; j < M; j++) {
      A[i][j] = (int64_t)(rnd(&s) % 2001) - 1000;
      B[i][j] = (int64_t)(rnd(&s) % 2001) - 1000;
      X[i][j] = (double)(int64_t)(rnd(&s) % 2001) / 64.0;
      Y[i][j] = (double)(int64_t)(rnd(&s) % 2001) / 128.0;
    }
  uint64_t sum = 0;
  for (int rep = 0; rep < 3; rep++) {
    for (int i = 0; i < M; i++)
      for (int j = 0; j < M; j++) {
        int64_t acc = 0;
        for (int k = 0; k < M; k++) acc += A[i][k] * B[k][j];
        C[i][j] = acc;
      }
    for (int i = 0; i < M; i++)
      for (int j = 0; j < M; j++) {
        double acc = 0;
        for (int k = 0; k < M; k++) acc += X[i][k] * Y[k][j];
        Z[i][j] = acc;
      }
    for (int i = 0; i < M; i++) for (int j = 0; j < M; j++) sum = sum * 31 + (uint64_t)C[i][j] + (uint64_t)(int64_t)(Z[i][j] * 8.0);
    A[rep][rep] += 1;
  }
  puts_("matmul ");
  puthex(sum);
  puts_("\n");
  return 0;
}
