// gdb stub bench: stepi round trips per second and memory-read throughput, measured through
// gdb-multiarch (GDB/MI) against our stub serving the Machine, our stub serving our RSP client
// on QEMU, and QEMU's own stub, in the same run on the same program. Prints each figure and the
// ratios to QEMU's stub (medians of several rounds).
// Usage: npx tsx bench/gdbstub/run.ts [--steps N] [--rounds N]
import { GdbMi } from '../../test/support/gdb-mi';
import { progElf } from '../../test/gdbstub/support/fixture';
import { ourStubOnMachine, ourStubOnQemu, qemuDirect, type GuestUnderGdb } from '../../test/gdbstub/support/configs';

const arg = (name: string, dflt: number): number => { const i = process.argv.indexOf(name); return i > 0 ? Number(process.argv[i + 1]) || dflt : dflt; };
const STEPS = arg('--steps', 400);
const ROUNDS = arg('--rounds', 3);
const READ_BYTES = 0x40000;
const READS = 10;

function median(xs: number[]): number { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; }

async function measure(make: (elf: string) => Promise<GuestUnderGdb>): Promise<{ name: string; stepsPerSec: number; readMiBps: number }> {
  const guest = await make(progElf());
  const gdb = await GdbMi.start({ file: progElf(), timeoutMs: 120000 });
  try {
    gdb.clearStops();
    await gdb.command(`-target-select remote ${guest.remote}`);
    await gdb.waitForStop();
    await gdb.command('-break-insert accumulate');
    gdb.clearStops();
    await gdb.command('-exec-continue');
    await gdb.waitForStop();
    await gdb.command('-break-delete');
    const stepRates: number[] = [];
    const readRates: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      let t0 = performance.now();
      for (let i = 0; i < STEPS; i++) {
        gdb.clearStops();
        await gdb.command('-exec-step-instruction');
        await gdb.waitForStop();
      }
      stepRates.push(STEPS / ((performance.now() - t0) / 1000));
      t0 = performance.now();
      // dump to /dev/null: gdb reads through the stub in its largest packets, and nothing is
      // formatted into MI, so the figure is the stub's (and gdb's packet handling), not the parser's.
      for (let i = 0; i < READS; i++) await gdb.console(`dump binary memory /dev/null 0x80000000 ${0x80000000 + READ_BYTES}`);
      readRates.push((READS * READ_BYTES) / (1 << 20) / ((performance.now() - t0) / 1000));
    }
    return { name: guest.name, stepsPerSec: median(stepRates), readMiBps: median(readRates) };
  } finally {
    await gdb.close();
    await guest.close();
  }
}

(async () => {
  const results = [];
  for (const make of [qemuDirect, ourStubOnMachine, ourStubOnQemu]) results.push(await measure(make));
  const q = results[0];
  console.log(`gdb-multiarch through GDB/MI, ${STEPS} stepi x ${ROUNDS} rounds, ${READS} reads of ${READ_BYTES} bytes per round (medians)`);
  console.log(['stub'.padEnd(34), 'stepi/s'.padStart(9), 'vs QEMU'.padStart(8), 'read MiB/s'.padStart(11), 'vs QEMU'.padStart(8)].join(' '));
  for (const r of results) {
    console.log([r.name.padEnd(34), r.stepsPerSec.toFixed(0).padStart(9), (r.stepsPerSec / q.stepsPerSec).toFixed(2).padStart(8),
      r.readMiBps.toFixed(2).padStart(11), (r.readMiBps / q.readMiBps).toFixed(2).padStart(8)].join(' '));
  }
})().catch((e) => { console.error(e); process.exit(1); });
