// Lock-step comparison of the interpreter and the translator (issue 15): two machines built
// from the same image, A interpreting and B translating (its hot threshold lowered so that
// nearly everything runs compiled). B runs in chunks of random length; after every block B
// returns from, A is stepped (runFor(1), the interpreter) to the same retired-instruction count
// and the two are compared: pc, privilege, every x and f register, fflags/frm, every CSR's
// storage and the computed ones, mtime, WFI state, and RAM (at every block when RAM is at most
// 2 MiB, else at the end of every chunk). At the end of each chunk A is brought to B's step
// count and everything is compared again.
import { Machine, MachineOptions } from '../../../emulator/machine';
import type { Hart } from '../../../emulator/cpu/hart';

interface Snapshot {
  instret: number;
  state: string[];
  ram: Uint8Array | undefined;
}

/** The architectural state of hart h that must agree, as comparable text lines. */
function hartState(m: Machine, h: Hart): string[] {
  const c = h.csr;
  return [
    `pc ${h.pc} pcHi ${h.pcHi} priv ${h.priv} instret ${h.instret} waiting ${h.waiting}`,
    `x ${Array.from(h.x).join(',')}`,
    `f ${Array.from(h.f.i32).join(',')} fflags ${h.f.fflags} frm ${h.f.frm}`,
    `mstatus ${c.mstatus} mie ${c.mie} mipSw ${c.mipSw} mipHw ${c.mipHw} mideleg ${c.mideleg} medeleg ${c.medeleg}`,
    `csr store ${hashInts(c.store)}`,
    `mtime ${m.mtime()}`,
  ];
}

function hashInts(a: Int32Array): string {
  let h1 = 0x811c9dc5 | 0, h2 = 0;
  for (let i = 0; i < a.length; i++) { h1 = Math.imul(h1 ^ a[i], 16777619); h2 = (h2 + Math.imul(a[i], i + 1)) | 0; }
  return `${h1 >>> 0}:${h2 >>> 0}`;
}

function firstRamDifference(a: Uint8Array, b: Uint8Array): number {
  if (Buffer.compare(a, b) === 0) return -1;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

export interface LockstepOptions extends MachineOptions {
  /** Steps to run (B's chunks add up to this, unless the machines stop first). */
  steps: number;
  /** Seed of the chunk lengths. */
  seed: number;
  /** Longest chunk. */
  maxChunk?: number;
  hotThreshold?: number;
  maxBlocks?: number;
  maxInsns?: number;
  maxPageInvalidations?: number;
  /** Called on both machines before they run (e.g. to write a random stream into RAM). */
  prepare?: (m: Machine) => void;
}

export interface LockstepResult {
  /** Block exits compared. */
  blocks: number;
  retired: number;
  stop: string | undefined;
  /** The largest number of blocks the code cache held at any block exit. */
  peakBlocks: number;
  flushes: number;
  invalidations: number;
  /** Steps the translator ran in bulk (loop idioms). */
  bulkSteps: number;
  /** The guest's exit code when it powered off. */
  exitCode?: number;
  compiled: number;
}

/** Runs A and B in lock step; throws at the first difference, naming it. */
export function lockstep(opts: LockstepOptions): LockstepResult {
  const { steps, seed, maxChunk = 2000, hotThreshold = 1, prepare, ...mo } = opts;
  const A = new Machine({ ...mo, jit: false });
  const B = new Machine({ ...mo, jit: true });
  prepare?.(A); prepare?.(B);
  const t = B.translator!;
  t.hotThreshold = hotThreshold;
  if (opts.maxBlocks !== undefined) t.maxBlocks = opts.maxBlocks;
  if (opts.maxInsns !== undefined) t.maxInsns = opts.maxInsns;
  if (opts.maxPageInvalidations !== undefined) t.maxPageInvalidations = opts.maxPageInvalidations;
  const ramEveryBlock = B.bus.ramSize <= 2 << 20;
  let snaps: Snapshot[] = [];
  let peakBlocks = 0;
  t.onBlockExit = (h) => {
    snaps.push({ instret: h.instret, state: hartState(B, h), ram: ramEveryBlock ? B.bus.ram.slice() : undefined });
    peakBlocks = Math.max(peakBlocks, t.stats().blocks);
  };
  let rnd = seed >>> 0 || 1;
  const next = () => { rnd ^= rnd << 13; rnd >>>= 0; rnd ^= rnd >>> 17; rnd ^= rnd << 5; rnd >>>= 0; return rnd; };
  const ha = A.harts[0], hb = B.harts[0];
  let stepsA = 0, stepsB = 0, blocks = 0;
  let stop: string | undefined;
  let exitCode: number | undefined;

  const compare = (where: string, sb: string[], ramB: Uint8Array | undefined): void => {
    const sa = hartState(A, ha);
    for (let i = 0; i < sa.length; i++) {
      if (sa[i] !== sb[i]) {
        throw new Error(`${where}: interpreter and translator differ (instret ${ha.instret}, pc 0x${ha.pc.toString(16)}):\n` +
          `  interpreter: ${sa[i].slice(0, 600)}\n  translator:  ${sb[i].slice(0, 600)}`);
      }
    }
    if (ramB) {
      const d = firstRamDifference(A.bus.ram, ramB);
      if (d >= 0) throw new Error(`${where}: RAM differs at 0x${(d + A.bus.ramBase).toString(16)}: interpreter ${A.bus.ram[d]}, translator ${ramB[d]} (instret ${ha.instret})`);
    }
  };

  while (stepsB < steps && stop === undefined) {
    const q = 1 + (next() % maxChunk);
    snaps = [];
    const eB = B.runFor(q);
    let eA: ReturnType<Machine['runFor']>;
    for (const s of snaps) {
      while (ha.instret < s.instret) {
        eA = A.runFor(1); stepsA++;
        // (a stop by the block's last instruction is the translator's stop too: compared below)
        if (eA && ha.instret < s.instret) throw new Error(`the interpreter stopped (${eA.reason.kind}) at instret ${ha.instret} before the translator's block exit at ${s.instret}`);
      }
      blocks++;
      compare(`after block ${blocks}`, s.state, s.ram);
    }
    if (eB) {
      // B stopped within the chunk: A must stop too, at the same place
      for (let k = 0; k < q && !eA; k++) { eA = A.runFor(1); stepsA++; }
      if (!eA) throw new Error(`the translator stopped (${eB.reason.kind}) but the interpreter did not within ${q} steps`);
      if (JSON.stringify(eA.reason, big) !== JSON.stringify(eB.reason, big)) {
        throw new Error(`stops differ: interpreter ${JSON.stringify(eA.reason, big)}, translator ${JSON.stringify(eB.reason, big)}`);
      }
      stop = eB.reason.kind;
      if (eB.reason.kind === 'poweroff') exitCode = eB.reason.code;
    } else {
      stepsB += q;
      while (stepsA < stepsB) {
        eA = A.runFor(1); stepsA++;
        if (eA) throw new Error(`the interpreter stopped (${eA.reason.kind}) at instret ${ha.instret}; the translator ran on`);
      }
    }
    compare(`end of chunk (step ${stepsB})`, hartState(B, hb), B.bus.ram);
  }
  const st = t.stats();
  return { blocks, retired: hb.instret, stop, peakBlocks, flushes: st.flushes, invalidations: st.invalidations, compiled: st.compiled, bulkSteps: st.bulkSteps, exitCode };
}

function big(_k: string, v: unknown): unknown { return typeof v === 'bigint' ? v.toString() : v; }
