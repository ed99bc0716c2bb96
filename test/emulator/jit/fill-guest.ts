// The fill-loop guest (fill.c) built with the bench guests' start-up: M-mode, or U-mode under
// Sv39. Shared by the idiom tests and the lock-step tests.
import { join } from 'node:path';
import { buildGuest, REPO_ROOT } from '../../support/toolchain';

export function fillGuest(user: boolean): string {
  const guestDir = join(REPO_ROOT, 'bench', 'guest');
  return buildGuest([join(guestDir, 'start.S'), join(__dirname, 'fill.c')], {
    name: `jit-fill${user ? '-user' : ''}`,
    // (without the flag gcc turns the loops into memset calls)
    flags: ['-O2', '-fno-tree-loop-distribute-patterns', '-ffreestanding', '-I', guestDir, ...(user ? ['-DUSER_MODE'] : [])],
    linkerScript: join(guestDir, 'link.ld'),
  });
}
