// Where a watchpoint stops, against QEMU's stub as the oracle: gdb-multiarch sets `watch`,
// `rwatch` and `awatch` on a global a loop stores and loads (fixtures/watch-loop.c) and
// continues; QEMU reports the stop after the access has completed, with the pc of the next
// instruction, and so must we (a stop reported at the accessing instruction makes gdb step
// once more and stop one instruction late). The pc, the line and the values gdb shows must
// equal QEMU's, stop after stop.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { GdbMi } from '../support/gdb-mi';
import { buildGuest } from '../support/toolchain';
import { ourStubOnMachine, qemuDirect, type GuestUnderGdb } from './support/configs';
import { FIXTURES } from './support/fixture';

function watchElf(): string {
  return buildGuest([join(FIXTURES, 'start.S'), join(FIXTURES, 'watch-loop.c')], { name: 'gdbstub-watch-loop', flags: ['-O0'] });
}

interface WatchStop { kind: string; reason: string; pc: string; line: string; value: string; old?: string; insnBefore: string }

async function session(make: (elf: string, smp?: number) => Promise<GuestUnderGdb>): Promise<WatchStop[]> {
  const elf = watchElf();
  const guest = await make(elf, 1);
  const gdb = await GdbMi.start({ file: elf, timeoutMs: 60000 });
  try {
    gdb.clearStops();
    await gdb.command(`-target-select remote ${guest.remote}`);
    await gdb.waitForStop(60000);
    const stops: WatchStop[] = [];
    for (const [kind, flag] of [['watch', ''], ['rwatch', '-r '], ['awatch', '-a ']] as const) {
      await gdb.command(`-break-watch ${flag}global`);
      for (let i = 0; i < 3; i++) {
        gdb.clearStops();
        await gdb.command('-exec-continue');
        const s = await gdb.waitForStop(60000);
        const pc = String((await gdb.command('-data-evaluate-expression $pc')).data.value);
        // The instruction just before the stop: the access that triggered it.
        const dis = await gdb.command('-data-disassemble -a $pc -- 0');
        const insns = (dis.data.asm_insns as { address: string; inst: string }[]).filter((x) => BigInt(x.address) < BigInt(pc.split(' ')[0]));
        stops.push({
          kind, reason: String(s.reason), pc: pc.split(' ')[0], line: String(s.frame?.line),
          value: String(s.value?.new ?? s.value?.value), old: s.value?.old === undefined ? undefined : String(s.value.old),
          insnBefore: insns[insns.length - 1]?.inst ?? '',
        });
      }
      await gdb.command('-break-delete');
    }
    return stops;
  } finally {
    await gdb.close();
    await guest.close();
  }
}

describe('gdbstub: where a watchpoint stops (gdb-multiarch, QEMU\'s stub as the oracle)', function () {
  this.timeout(120000);
  let qemu: WatchStop[];

  it('QEMU (with gdb stepping the access) stops after it: the instruction before the stop pc is the store or load', async () => {
    qemu = await session(qemuDirect);
    const writes = qemu.filter((s) => s.kind === 'watch');
    assert.deepEqual(writes.map((s) => s.reason), ['watchpoint-trigger', 'watchpoint-trigger', 'watchpoint-trigger']);
    for (const s of writes) assert.match(s.insnBefore, /^s[dw]\b/, `${s.pc}: ${s.insnBefore}`);
    for (const s of writes) assert.equal(Number(s.value), Number(s.old) + 1, 'the store has completed');
    for (const s of qemu.filter((x) => x.kind === 'rwatch')) assert.match(s.insnBefore, /^l[dw]\b/, `${s.pc}: ${s.insnBefore}`);
  });

  it('our stub on the Machine stops at the same pcs, lines and values', async () => {
    const ours = await session(ourStubOnMachine);
    assert.deepEqual(ours, qemu);
  });
});
