// A child process for the checkpoint tests (run with tsx): builds a Machine with the given
// kernel, either boots it for `boot` instructions and saves a checkpoint, or starts from one,
// then follows a plan of synchronous runs and console input, so input reaches the UART at the
// same instruction count in every run (the deterministic "input at instruction N": the runs
// are synchronous, nothing arrives between them). Prints one JSON line: the console output
// after the checkpoint, instructions, mtime, and hashes of each hart's state and of RAM.
//   tsx run-plan.ts '{"kernel":..., "smp":1, "before":[...], "save":FILE, "plan":[...]}'
//   tsx run-plan.ts '{"kernel":..., "smp":1, "load":FILE, "plan":[...]}'
// plan steps: {"run": N} runs N instruction steps; {"input": "text"} types text.
import { readFileSync } from 'node:fs';
import { Machine } from '../../../../emulator/machine';
import { MemoryBlockBackend, CowBlockBackend } from '../../../../emulator/devices/block-backend';
import { loadMachine, saveMachine } from '../../../../host/checkpoint-file';
import { crc32 } from '../../../../emulator/checkpoint/checksum';

export interface PlanSpec {
  kernel: string;
  smp: number;
  memoryBytes?: number;
  jit?: boolean;
  /** A disk image, behind a copy-on-write overlay (its file is never written). */
  disk?: string;
  save?: string;
  /** Steps run before the save (output not collected). */
  before?: Step[];
  load?: string;
  plan: Step[];
}

type Step = { run: number } | { input: string };

export interface PlanResult {
  output: string;
  instructions: number;
  mtime: number;
  harts: string[];
  ram: string;
  checkpointBytes?: number;
}

function hartDigest(m: Machine, i: number): string {
  const h = m.harts[i];
  const st = h.saveState() as { [k: string]: unknown };
  const parts = [h.x, h.f.i32, h.csr.store].map((a) => crc32(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).toString(16));
  return `pc=${h.pcHi}:${h.pc} priv=${h.priv} instret=${h.instret} waiting=${h.waiting} mstatus=${h.csr.mstatus} mip=${h.csr.mipSw}/${h.csr.mipHw} x,f,csr=${parts.join(',')} keys=${Object.keys(st).length}`;
}

function main(): void {
  const spec = JSON.parse(process.argv[2]) as PlanSpec;
  let output = '';
  let collecting = false;
  const m = new Machine({
    kernel: new Uint8Array(readFileSync(spec.kernel)), kernelName: spec.kernel, smp: spec.smp, memoryBytes: spec.memoryBytes,
    jit: spec.jit === true, drives: spec.disk ? [new CowBlockBackend(new MemoryBlockBackend(new Uint8Array(readFileSync(spec.disk)), true))] : [],
    serial: { output: (b) => { if (collecting) output += String.fromCharCode(b); } },
  });
  let checkpointBytes: number | undefined;
  function follow(steps: Step[]): void {
    for (const step of steps) {
      if ('run' in step) {
        const e = m.runFor(step.run);
        if (e && collecting) output += `\n[stop: ${e.reason.kind}]\n`;
      } else m.sendInput(new TextEncoder().encode(step.input));
    }
  }
  if (spec.load) loadMachine(m, spec.load);
  else {
    follow(spec.before ?? []);
    checkpointBytes = saveMachine(m, spec.save!);
  }
  collecting = true;
  follow(spec.plan);
  const result: PlanResult = {
    output, instructions: m.retired(), mtime: m.mtime(),
    harts: m.harts.map((_, i) => hartDigest(m, i)),
    ram: crc32(m.bus.ram).toString(16), checkpointBytes,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main();
