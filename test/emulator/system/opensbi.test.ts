// OpenSBI (Debian's generic fw_jump) boots on our board from our device tree: it finds the
// console, timer, IPI and reset devices the FDT describes, starts the S-mode kernel at
// 0x80200000 with the relocated FDT, and powers the machine off through sifive_test on an
// SBI shutdown. Oracle: the same firmware and kernel on qemu-system-riscv64; every banner line
// must match except those that describe the hart rather than the board.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Machine } from '../../../emulator/machine';
import { buildGuest, REPO_ROOT } from '../../support/toolchain';
import { runOnQemu } from './qemu-console';

const FW_JUMP = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin';
/** Banner keys that depend on the hart's implementation (or the model string), not the board. */
const HART_KEYS = /^(Platform Name|Boot HART (Base ISA|ISA Extensions|PMP Count|PMP Granularity|PMP Address Bits|MHPM Count|MIDELEG|MEDELEG|Priv Version))\s*:/;

function kernel(): string {
  return buildGuest([join(REPO_ROOT, 'test', 'baremetal', 'sbi-hello.S')], { name: 'sbi-hello', flags: ['-Ttext=0x80200000'] });
}

function boardLines(console: string): string[] {
  return console.split('\n').filter((l) => !HART_KEYS.test(l));
}

describe('system: OpenSBI fw_jump on our board', function () {
  this.timeout(110_000);

  it('boots, prints the same board description as on QEMU, runs the S-mode kernel and shuts down', async () => {
    let output = '';
    const m = new Machine({
      kernel: new Uint8Array(readFileSync(kernel())), kernelName: 'sbi-hello',
      firmware: new Uint8Array(readFileSync(FW_JUMP)), append: 'console=ttyS0',
      serial: { output: (b) => { output += String.fromCharCode(b); } },
    });
    const stop = m.runFor(200_000_000);
    assert.deepEqual(stop?.reason, { kind: 'poweroff', code: 0 }, output);
    assert.match(output, /Platform Console Device\s+: uart8250/);
    assert.match(output, /Platform Timer Device\s+: aclint-mtimer @ 10000000Hz/);
    assert.match(output, /Platform Shutdown Device\s+: sifive_test/);
    assert.match(output, /S-mode kernel: hello through SBI\r?\n$/);

    const q = await runOnQemu({ elf: kernel(), timeoutMs: 60_000, extraArgs: ['-bios', FW_JUMP] });
    assert.equal(q.exitCode, 0);
    assert.deepEqual(boardLines(output), boardLines(q.output));
  });
});
