// Sv39, Sv48 and Sv57 end to end: a bare-metal program (guest/paging.c) builds page tables in
// each mode and runs U-mode code through them (code beyond 2^52 in Sv57, data in both
// halves, superpages at every level, misaligned superpages, non-canonical and unmapped
// addresses with their exact tval and epc, A/D updates, satp's WARL MODE). It checks every
// result itself against the privileged spec; QEMU proves the program right, and our machine
// must print the same transcript.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Machine } from '../../../emulator/machine';
import { REG_PC, regX } from '../../../emulator/target';
import { buildGuest, REPO_ROOT } from '../../support/toolchain';
import { runOnMachine } from './machine-console';
import { runOnQemu } from './qemu-console';

const GUEST = join(__dirname, 'guest');

function pagingElf(): string {
  return buildGuest([join(GUEST, 'paging-start.S'), join(GUEST, 'paging.c')], {
    linkerScript: join(REPO_ROOT, 'test', 'baremetal', 'link.ld'),
    flags: ['-O2', '-ffreestanding', '-Wall', '-Werror'],
    name: 'paging',
  });
}

describe('system: Sv39, Sv48 and Sv57 paging (U-mode through page tables, ours against QEMU)', function () {
  this.timeout(90_000);
  let qemu: string;

  it('passes every check on QEMU (the oracle for the program)', async () => {
    const r = await runOnQemu({ elf: pagingElf() });
    qemu = r.output;
    assert.match(r.output, /paging test: all passed\n$/, r.output.split('\n').filter((l) => !l.endsWith(' ok')).join('\n'));
    assert.equal(r.exitCode, 0);
    for (const mode of ['sv39', 'sv48', 'sv57']) assert.match(r.output, new RegExp(`^${mode} superpage L${mode === 'sv39' ? 2 : mode === 'sv48' ? 3 : 4} `, 'm'));
  });

  it('prints the same transcript on our machine and powers off with 0', () => {
    const r = runOnMachine({ elf: pagingElf(), maxInstructions: 20_000_000 });
    assert.equal(r.stop?.reason.kind, 'poweroff', r.output);
    assert.equal(r.output, qemu);
    assert.equal(r.stop?.reason.kind === 'poweroff' && r.stop.reason.code, 0);
  });

  it('stops at a breakpoint and a watchpoint beyond 2^53 (Sv57) exactly, and not at an access that faults', async () => {
    const elf = pagingElf();
    let output = '';
    const m = new Machine({ kernel: new Uint8Array(readFileSync(elf)), kernelName: elf, serial: { output: (b) => { output += String.fromCharCode(b); } } });
    const sym = (n: string) => m.image!.symbols.get(n)!;
    const ucode57 = (1n << 56n) - 0x10_0000n; // where paging.c maps the U-mode page in Sv57
    const where = ucode57 + sym('u_where') - sym('user_start');
    await m.addBreakpoint(where);
    let e = m.runUntilStop(20_000_000);
    assert.deepEqual(e?.reason, { kind: 'breakpoint', hart: 0, pc: where }, output);
    assert.equal(await m.readRegister(0, REG_PC), where);
    await m.removeBreakpoint(where);
    // Linux's Sv57 direct map: non-canonical (the load faults, no stop) under Sv39 and Sv48;
    // mapped under Sv57, where the stop comes before the load, at the load (as QEMU's stub).
    const lin = 0xff60_0000_0000_1028n;
    await m.addWatchpoint(lin, 8, 'access');
    e = m.runUntilStop(20_000_000);
    const ld = ucode57 + sym('u_ld') - sym('user_start');
    assert.deepEqual(e?.reason, { kind: 'watchpoint', hart: 0, pc: ld, watch: 'access', address: lin }, output);
    assert.match(output, /sv48 direct map ld cause/, 'the faulting accesses of Sv39 and Sv48 went by');
    assert.equal(await m.readRegister(0, regX(10)), lin, 'a0 still holds the address');
    e = await m.step(0);
    assert.deepEqual(e?.reason, { kind: 'step', hart: 0, pc: ld + 4n });
    assert.equal(await m.readRegister(0, regX(10)), BigInt.asUintN(64, ~5n), 'the load, stepped');
    await m.removeWatchpoint(lin, 8, 'access');
    e = m.runUntilStop(20_000_000);
    assert.deepEqual(e?.reason, { kind: 'poweroff', code: 0 }, output);
  });
});
