// Runs one script on QEMU and on our Machine (each with its own fresh data disk when asked)
// and asserts that the two transcripts agree (support/transcript.ts says what may differ).
import { strict as assert } from 'node:assert';
import { buildGuestKernel } from './build';
import { makeDataDisk } from './data-disk';
import { MachinePort } from './machine-port';
import { QemuPort } from './qemu-port';
import { runScript, type ScriptStep } from './scripts';
import { compareTranscripts, describeDifferences } from './transcript';
import type { TranscriptStep } from './console-session';
import type { ConsolePort, MachineSpec } from './console-port';

export interface BothTranscripts { qemu: TranscriptStep[]; ours: TranscriptStep[] }

export interface BothOptions {
  smp: number;
  /** Attach a data disk: each machine gets its own fresh image (QEMU writes its copy; the Machine keeps its in memory). */
  disk?: boolean;
  /** How to start our machine (the in-process Machine by default). */
  makePort?: (s: MachineSpec) => ConsolePort;
}

export async function both(script: ScriptStep[], opts: BothOptions): Promise<BothTranscripts> {
  const kernel = buildGuestKernel().kernel;
  const spec = (): MachineSpec => ({ kernel, smp: opts.smp, disk: opts.disk ? makeDataDisk() : undefined });
  const qemu = await runScript(new QemuPort(spec()), script);
  const ours = await runScript((opts.makePort ?? ((s) => new MachinePort(s)))(spec()), script);
  return { qemu, ours };
}

export function assertSame(script: ScriptStep[], t: BothTranscripts): void {
  const diffs = compareTranscripts(script, t.qemu, t.ours);
  assert.equal(diffs.length, 0, describeDifferences(diffs));
}

