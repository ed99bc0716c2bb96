// Booting with firmware: Debian's OpenSBI fw_jump at 0x8000_0000, our S-mode payload at
// 0x8020_0000 (QEMU's layout). OpenSBI must accept the generated FDT, print its banner, enter
// the payload in S-mode, serve SBI console calls and power the board off on an SRST shutdown
// (behaviour from the SBI specification; the same run on qemu-system-riscv64 prints the same
// payload line).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildGuest } from '../../support/toolchain';
import { Machine } from '../../../emulator/machine';
import { GUEST } from './support';

const FW_JUMP = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin';

describe('emulator/machine: firmware boot (OpenSBI fw_jump)', () => {
  it('runs OpenSBI, enters the payload in S-mode and powers off on SBI shutdown', () => {
    const elf = buildGuest([join(GUEST, 'sbi-hello.S')], { name: 'machine-sbi-hello', flags: ['-Ttext=0x80200000'] });
    let out = '';
    const m = new Machine({
      kernel: readFileSync(elf), kernelName: elf, firmware: new Uint8Array(readFileSync(FW_JUMP)),
      serial: { output: (b) => { out += String.fromCharCode(b); } },
    });
    const e = m.runUntilStop(200_000_000);
    assert.match(out, /Platform Name\s*:/, 'the OpenSBI banner');
    assert.match(out, /Platform HART Count\s*:\s*1/);
    assert.match(out, /hello from S-mode\r?\n/, 'the payload ran');
    assert.deepEqual(e?.reason, { kind: 'poweroff', code: 0 });
  });
});
