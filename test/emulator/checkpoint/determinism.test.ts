// The acceptance test: determinism across a checkpoint. The teaching kernel runs to
// instruction N in one process, which saves a checkpoint and runs M more with console input;
// a FRESH process loads the file and runs the same M with the same input at the same
// instruction counts: the console output is byte-identical, and so are the registers, the
// CSRs and RAM (by hash), the instruction count and mtime. With smp 1 and smp 2, and a data
// disk the kernel wrote to before the save (its copy-on-write sectors travel in the file).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildGuestKernel } from '../../guest/support/build';
import { makeDataDisk } from '../../guest/support/data-disk';
import type { PlanResult, PlanSpec } from './support/run-plan';

const SCRIPT = join(__dirname, 'support', 'run-plan.ts');

function runPlan(spec: PlanSpec): PlanResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, JSON.stringify(spec)], { encoding: 'utf8', timeout: 170_000 });
  if (r.status !== 0) throw new Error(`run-plan exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as PlanResult;
}

describe('determinism across a checkpoint (fresh process, teaching kernel)', function () {
  this.timeout(180_000);
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'kwb-ckpt-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const smp of [1, 2]) {
    it(`smp ${smp}: output, registers and memory match after loading in a new process`, () => {
      const { kernel } = buildGuestKernel();
      const disk = makeDataDisk();
      const file = join(dir, `smp${smp}.kwb`);
      // N: boot to the shell, then the disk program writes sector 1 (into the overlay)
      const before: PlanSpec['before'] = [{ run: 30_000_000 }, { input: 'disk\n' }, { run: 20_000_000 }];
      // M: more input at fixed instruction counts; the second line arrives while the first runs
      const plan: PlanSpec['plan'] = [
        { run: 1_000_000 }, { input: 'disk read 1\n' }, { run: 300_000 }, { input: 'uptime\n' },
        { run: 15_000_000 }, { input: 'ls\n' }, { run: 10_000_000 },
      ];
      const a = runPlan({ kernel, smp, disk, before, save: file, plan });
      const b = runPlan({ kernel, smp, disk, load: file, plan });
      rmSync(dirname(disk), { recursive: true, force: true });
      assert.match(a.output, /disk: sector 1 says "written by the disk program of the teaching kernel"/, `output: ${a.output}`);
      assert.match(a.output, /up \d+\.\d+ seconds/);
      assert.match(a.output, /hello\s+program/);
      assert.equal(b.output, a.output);
      assert.deepEqual(b.harts, a.harts);
      assert.equal(b.ram, a.ram);
      assert.equal(b.instructions, a.instructions);
      assert.equal(b.mtime, a.mtime);
      assert.equal(a.harts.length, smp);
      assert.ok(a.checkpointBytes! < 4 << 20, `checkpoint of ${a.checkpointBytes} bytes`);
    });
  }
});
