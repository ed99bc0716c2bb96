// Checks shared by the QEMU tests and the Machine-versus-QEMU tests: what a module session and
// the deadlock lesson must show, whichever machine ran them.
import { strict as assert } from 'node:assert';
import type { TranscriptStep } from './console-session';
import { stepOutput } from './scripts';

/** The .text address lsmod shows for a module. */
export function lsmodText(out: string, name: string): bigint {
  const m = new RegExp(`^${name} +0x([0-9a-f]+) +\\d+$`, 'm').exec(out);
  assert.ok(m, `lsmod lists ${name}:\n${out}`);
  return BigInt('0x' + m[1]);
}

export function checkModuleSession(steps: TranscriptStep[]): void {
  const first = stepOutput(steps, 'insmod hello');
  assert.match(first, /module hello: loaded at 0x[0-9a-f]+/);
  assert.match(first, /hello module: hello, kernel!/);
  const a1 = lsmodText(stepOutput(steps, 'lsmod 1'), 'hello');
  // the module's own idea of where its code is agrees with lsmod
  const said = /my code is at 0x([0-9a-f]+)/.exec(first);
  assert.ok(said);
  assert.equal(BigInt('0x' + said[1]), a1);

  const rm = stepOutput(steps, 'rmmod hello');
  assert.match(rm, /hello module: goodbye/);
  assert.match(rm, /module hello: unloaded/);

  assert.match(stepOutput(steps, 'insmod hello again'), /hello module: hello, kernel!/);
  const a2 = lsmodText(stepOutput(steps, 'lsmod 2'), 'hello');
  assert.notEqual(a2, a1, 'the second load lands at a different address');
  assert.ok(a1 >= 0x4000_0000n && a1 < 0x8000_0000n && a2 >= 0x4000_0000n && a2 < 0x8000_0000n, 'in the module area');
}

/** The deadlock's two workers, as ps lines: each sleeps on the lock the other holds. */
export function checkDeadlock(steps: TranscriptStep[]): void {
  const said = /deadlock: pid (\d+) holds account0 and wants account1; pid (\d+) holds account1/.exec(stepOutput(steps, 'deadlock'));
  assert.ok(said, stepOutput(steps, 'deadlock'));
  const [a, b] = [said[1], said[2]];
  for (const listing of [stepOutput(steps, 'ps'), stepOutput(steps, 'task-list key')]) {
    assert.match(listing, new RegExp(`^\\s+${a}\\s+1\\s+sleeping\\s+deadlock\\s+lock account1 \\(pid ${b}\\)$`, 'm'), listing);
    assert.match(listing, new RegExp(`^\\s+${b}\\s+1\\s+sleeping\\s+deadlock\\s+lock account0 \\(pid ${a}\\)$`, 'm'), listing);
  }
  assert.match(stepOutput(steps, 'still usable'), /hello from user space/);
}

