// How the machine is sliced must not change what the guest sees: a guest that mixes
// exceptions with timer interrupts (guest/trap-timer.S) logs mtime and the points where the
// timer arrived, and those logs, the retired count and mtime at the end must be the same
// when run in one go, in slices of 1 and 7 steps, and one Target.step at a time. Before the
// fix, a trap inside a slice lost the slice's count (the slice overran its budget and virtual
// time lagged), so the timer fired elsewhere when running than when stepping.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildGuest } from '../../support/toolchain';
import { Machine } from '../../../emulator/machine';

const CPU_GUEST = join(__dirname, '..', 'cpu', 'guest');
const ROUNDS = 64;

function build(): string {
  return buildGuest([join(__dirname, 'guest', 'trap-timer.S')], { name: 'trap-timer', flags: ['-I', CPU_GUEST, '-Wl,--no-relax'] });
}

interface Outcome { reason: string; instret: number; mtime: number; samples: bigint[]; irqs: bigint[] }

async function outcome(m: Machine, reason: string): Promise<Outcome> {
  const sym = (s: string): bigint => {
    const v = m.image!.symbols.get(s);
    if (v === undefined) throw new Error(`no symbol ${s}`);
    return v;
  };
  const words = async (s: string, n: number): Promise<bigint[]> => {
    const bytes = await m.readMemory(sym(s), 8 * n);
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return Array.from({ length: n }, (_, i) => v.getBigUint64(8 * i, true));
  };
  const [count] = await words('irq_n', 1);
  return { reason, instret: m.retired(), mtime: m.mtime(), samples: await words('samples', ROUNDS), irqs: await words('irqs', 2 * Number(count)) };
}

function machine(elf: string): Machine {
  return new Machine({ kernel: readFileSync(elf), kernelName: elf, memoryBytes: 16 << 20 });
}

async function runSliced(elf: string, slice: number): Promise<Outcome> {
  const m = machine(elf);
  for (let i = 0; i < 1_000_000; i++) {
    const e = m.runFor(slice);
    if (e) return outcome(m, JSON.stringify(e.reason));
  }
  return outcome(m, 'no stop');
}

async function runStepped(elf: string): Promise<Outcome> {
  const m = machine(elf);
  for (let i = 0; i < 1_000_000; i++) {
    const e = await m.step(0);
    if (e.reason.kind !== 'step') return outcome(m, JSON.stringify(e.reason));
  }
  return outcome(m, 'no stop');
}

describe('emulator/system: slicing does not change the guest\'s run', () => {
  it('passes with timer interrupts between the traps', async () => {
    const o = await runSliced(build(), 10_000_000);
    assert.equal(o.reason, JSON.stringify({ kind: 'poweroff', code: 0 }));
    assert.ok(o.irqs.length >= 2 * 5, `only ${o.irqs.length / 2} timer interrupts`);
    for (let i = 1; i < ROUNDS; i++) assert.ok(o.samples[i] >= o.samples[i - 1], 'mtime never goes back');
  });

  it('sees the same mtime and interrupt points in one run, in slices of 1 and 7, and stepped', async () => {
    const elf = build();
    const whole = await runSliced(elf, 10_000_000);
    for (const [name, o] of [['slices of 1', await runSliced(elf, 1)], ['slices of 7', await runSliced(elf, 7)], ['Target.step', await runStepped(elf)]] as const) {
      assert.deepEqual(o, whole, `${name} differs from one run`);
    }
  });

  it('never runs more steps than asked, even when every few instructions trap', () => {
    const m = machine(build());
    let total = 0;
    for (const n of [50, 3, 17, 1, 100]) {
      const before = m.retired();
      m.runFor(n);
      const ran = m.retired() - before;
      total += ran;
      assert.ok(ran <= n, `runFor(${n}) retired ${ran} instructions`);
    }
    assert.ok(total > 0);
  });
});
