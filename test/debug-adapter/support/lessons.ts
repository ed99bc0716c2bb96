// What the teaching kernel's lessons look like through the adapter, asserted the same way on our
// machine (workflow/) and attached to QEMU (qemu-lessons): a deadlocked worker's stack and the
// panic's stack of the crash lesson.
import { strict as assert } from 'node:assert';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { plainName } from './dap';
import { lineOf } from '../control/support/sources';

/**
 * A deadlock worker's stack: sleep_on <- sleeplock_acquire <- lesson_transfer (at its second
 * acquire) <- sys_transfer, through the system call, the trap label, then deadlock.c's worker.
 * Gives the index of sleeplock_acquire and of the label row.
 */
export function assertWorkerStack(frames: DebugProtocol.StackFrame[]): { acquire: number; label: number } {
  const names = frames.map(plainName);
  const acquire = names.indexOf('sleeplock_acquire');
  assert.ok(acquire >= 1, names.join(' <- '));
  assert.equal(names[acquire - 1], 'sleep_on', names.join(' <- '));
  assert.deepEqual(names.slice(acquire, acquire + 3), ['sleeplock_acquire', 'lesson_transfer', 'sys_transfer'], names.join(' <- '));
  const transfer = frames[acquire + 1];
  assert.match(transfer.source?.path ?? '', /kernel[\\/]lesson\.c$/);
  assert.equal(transfer.line, lineOf(transfer.source!.path!, 'sleeplock_acquire(&accounts[to].lock)'), 'lesson_transfer waits in its second acquire');
  assert.ok(names.includes('syscall_dispatch') && names.includes('user_trap'), names.join(' <- '));
  const label = frames.findIndex((f) => f.presentationHint === 'label');
  assert.ok(label > acquire, 'the trap from user mode below the kernel frames');
  assert.match(frames[label].name, /trap from user mode \(deadlock\)/);
  const user = frames.slice(label + 1);
  assert.ok(user.some((f) => plainName(f) === 'worker' && /user[\\/]deadlock\.c$/.test(f.source?.path ?? '')), `the user frames name deadlock.c's worker: ${user.map(plainName).join(' <- ')}`);
  return { acquire, label };
}

/** The crash lesson's panic stop: panic_at <- kernel_trap <- ... <- lesson_peek (at the faulting pc) <- sys_peek. */
export function assertPanicStack(frames: DebugProtocol.StackFrame[], faultPc: bigint): void {
  const names = frames.map(plainName);
  assert.equal(names[0], 'panic_at');
  const peek = names.indexOf('lesson_peek');
  assert.ok(peek > names.indexOf('kernel_trap') && names.indexOf('kernel_trap') > 0, `panic_at <- kernel_trap <- ... <- lesson_peek: ${names.join(' <- ')}`);
  assert.equal(BigInt(frames[peek].instructionPointerReference!), faultPc, 'the interrupted frame is at the faulting pc');
  assert.equal(names[peek + 1], 'sys_peek');
}
