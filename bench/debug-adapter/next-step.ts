// Debug adapter bench (issue 13): how long a `next` takes as a user sees it, and how quickly a
// pause lands in a trap storm.
//
// 1. Stepping: the time from a `next` request to the `stopped` event plus the answers VS Code
//    asks for next (stackTrace of the stopped thread, scopes of its top frame, variables of
//    Locals), over --steps steps through the loop of page_alloc_init in the teaching kernel (a
//    loop of four lines, 32k iterations at boot). Ours: the adapter bundle in its own Node
//    process, driven over stdio by @vscode/debugadapter-testsupport's DebugClient, launched with
//    stopAt page_alloc_init. Beside it, in the same run: gdb-multiarch through GDB/MI against
//    qemu-system-riscv64 running the same kernel.elf (break page_alloc_init, continue, then
//    -exec-next, -stack-list-frames, -stack-list-variables --simple-values per step). Both
//    start at the same stop, so the line each step reaches must agree; the bench checks it.
// 2. Pause in a trap storm: the bare-metal trap-storm guest (test/debug-adapter/support/trap-storm.S)
//    launched through the adapter, the "Unexpected trap into M-mode" filter watching mtvec so
//    every trap is an internal stop run control judges and resumes; the time from the pause
//    request to the stopped event over --pauses pauses, for the ecall storm and the
//    interrupt storm (and the ecall storm with no filter watching, as a reference).
//
// Prints medians, 95th percentiles and maxima (ms), the machine's CPUs and load average before
// and after. Usage: npx tsx bench/debug-adapter/next-step.ts [--steps N] [--pauses N]
import { cpus, loadavg } from 'node:os';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { buildGuestKernel } from '../../test/guest/support/build';
import { GdbMi } from '../../test/support/gdb-mi';
import { startQemu } from '../../test/gdbstub/support/qemu';
import { Dap } from '../../test/debug-adapter/support/dap';
import { trapStormGuest } from '../../test/debug-adapter/support/trap-storm';

const arg = (name: string, dflt: number): number => { const i = process.argv.indexOf(name); return i > 0 ? Number(process.argv[i + 1]) || dflt : dflt; };
const STEPS = arg('--steps', 200);
const PAUSES = arg('--pauses', 50);
const FN = 'page_alloc_init';

function stats(xs: number[]): { median: number; p95: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { median: at(0.5), p95: at(0.95), max: s[s.length - 1] };
}
const fmt = (x: number): string => x.toFixed(2).padStart(8);
const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');

interface StepRun { total: number[]; toStop: number[]; lines: string[] }

/** Waits for the next stopped event on this client (events that arrived earlier are skipped by the caller). */
function stoppedEvent(dap: Dap): Promise<DebugProtocol.StoppedEvent> {
  return dap.dc.waitForEvent('stopped', 60_000) as Promise<DebugProtocol.StoppedEvent>;
}

async function ours(kernel: string): Promise<StepRun> {
  const dap = new Dap();
  await dap.start();
  try {
    const first = await dap.begin('launch', { kernel, stopAt: FN, idle: 'skip' }, true);
    const threadId = first!.body.threadId!;
    const run: StepRun = { total: [], toStop: [], lines: [] };
    for (let i = 0; i < STEPS; i++) {
      const t0 = performance.now();
      const stopped = stoppedEvent(dap);
      await dap.dc.nextRequest({ threadId });
      const ev = await stopped;
      const t1 = performance.now();
      const tid = ev.body.threadId ?? threadId;
      const st = await dap.dc.stackTraceRequest({ threadId: tid, startFrame: 0, levels: 20 });
      const top = st.body.stackFrames[0];
      const sc = await dap.dc.scopesRequest({ frameId: top.id });
      const locals = sc.body.scopes.find((s) => s.name === 'Locals');
      if (!locals) throw new Error(`no Locals scope at ${top.name}:${top.line}`);
      const vars = await dap.dc.variablesRequest({ variablesReference: locals.variablesReference });
      const t2 = performance.now();
      void vars;
      run.toStop.push(t1 - t0);
      run.total.push(t2 - t0);
      run.lines.push(`${top.name}:${top.line}`);
    }
    return run;
  } finally {
    await dap.stop();
  }
}

async function gdbOnQemu(kernel: string): Promise<StepRun> {
  const qemu = await startQemu({ elf: kernel, smp: 1, memoryMiB: 128 });
  const gdb = await GdbMi.start({ file: kernel, timeoutMs: 120_000 });
  try {
    gdb.clearStops();
    await gdb.command(`-target-select remote 127.0.0.1:${qemu.port}`);
    await gdb.command(`-break-insert ${FN}`);
    gdb.clearStops();
    await gdb.command('-exec-continue');
    await gdb.waitForStop();
    await gdb.command('-break-delete');
    const run: StepRun = { total: [], toStop: [], lines: [] };
    for (let i = 0; i < STEPS; i++) {
      gdb.clearStops();
      const t0 = performance.now();
      await gdb.command('-exec-next');
      const stop = await gdb.waitForStop();
      const t1 = performance.now();
      const frames = await gdb.command('-stack-list-frames');
      const vars = await gdb.command('-stack-list-variables --simple-values');
      const t2 = performance.now();
      void vars;
      const f = frames.data.stack[0].value ?? frames.data.stack[0];
      run.toStop.push(t1 - t0);
      run.total.push(t2 - t0);
      run.lines.push(`${f.func}:${f.line ?? stop.frame?.line}`);
    }
    return run;
  } finally {
    await gdb.close();
    await qemu.close();
  }
}

async function pauses(kind: 'ecall' | 'interrupt', watched: boolean): Promise<{ ms: number[]; traps: bigint }> {
  const dap = new Dap();
  await dap.start();
  try {
    await dap.begin('launch', { kernel: trapStormGuest(kind), stopOnEntry: true, idle: 'skip' }, true);
    await dap.request('setExceptionBreakpoints', { filters: watched ? ['m-mode-trap', 'trap-loop'] : [] });
    // one round first: mtvec is set by the guest, and run control watches vectors it has seen at a stop
    const ms: number[] = [];
    let traps = 0n;
    for (let i = 0; i <= PAUSES; i++) {
      await dap.dc.continueRequest({ threadId: 1 });
      await new Promise((r) => setTimeout(r, 40 + (i % 5) * 10));
      const stopped = stoppedEvent(dap);
      const t0 = performance.now();
      await dap.dc.pauseRequest({ threadId: 1 });
      const ev = await stopped;
      const t = performance.now() - t0;
      if (ev.body.reason !== 'pause') throw new Error(`stopped for ${ev.body.reason}, not the pause`);
      if (i > 0) ms.push(t);
      if (i === PAUSES) {
        const [th] = await dap.threads();
        const [top] = await dap.frames(th.id);
        traps = BigInt((await dap.request('evaluate', { expression: '$s2', context: 'watch', frameId: top.id })).result);
      }
    }
    return { ms, traps };
  } finally {
    await dap.stop();
  }
}

(async () => {
  const build = buildGuestKernel();
  const before = load();
  const a = await ours(build.kernel);
  const b = await gdbOnQemu(build.kernel);
  const storms: Array<[string, { ms: number[]; traps: bigint }]> = [
    ['ecall storm, mtvec watched', await pauses('ecall', true)],
    ['interrupt storm, mtvec watched', await pauses('interrupt', true)],
    ['ecall storm, nothing watched', await pauses('ecall', false)],
  ];
  const after = load();
  const agree = a.lines.every((l, i) => l === b.lines[i]);
  console.log(`debug adapter bench: ${STEPS} x next in ${FN}'s loop (teaching kernel), ${PAUSES} pauses per trap storm`);
  console.log(`host: ${cpus().length} x ${cpus()[0]?.model ?? '?'}; load average before ${before}, after ${after}`);
  console.log(`lines reached step by step: ${agree ? 'the same' : 'DIFFERENT'} for both (${a.lines[0]} .. ${a.lines[a.lines.length - 1]})`);
  if (!agree) { const i = a.lines.findIndex((l, k) => l !== b.lines[k]); console.log(`  first difference at step ${i}: ours ${a.lines[i]}, gdb ${b.lines[i]}`); }
  console.log(['next -> stopped + stackTrace/scopes/variables (ms)'.padEnd(52), 'median'.padStart(8), 'p95'.padStart(8), 'max'.padStart(8)].join(' '));
  for (const [name, r] of [['ours: DAP, in-process machine', a], ['gdb-multiarch MI on qemu-system-riscv64', b]] as const) {
    const s = stats(r.total), st = stats(r.toStop);
    console.log([`${name}`.padEnd(52), fmt(s.median), fmt(s.p95), fmt(s.max)].join(' '));
    console.log([`  of which next -> stopped`.padEnd(52), fmt(st.median), fmt(st.p95), fmt(st.max)].join(' '));
  }
  const ratio = stats(b.total).median / stats(a.total).median;
  console.log(`ours is ${ratio.toFixed(1)}x ${ratio >= 1 ? 'faster' : 'slower'} (medians); target: our median under 10 ms: ${stats(a.total).median < 10 ? 'met' : 'NOT met'}`);
  console.log(['pause -> stopped in a trap storm (ms)'.padEnd(52), 'median'.padStart(8), 'p95'.padStart(8), 'max'.padStart(8), '  traps taken'].join(' '));
  for (const [name, r] of storms) {
    const s = stats(r.ms);
    console.log([name.padEnd(52), fmt(s.median), fmt(s.p95), fmt(s.max), `  ${r.traps}`].join(' '));
  }
})().catch((e) => { console.error(e); process.exit(1); });
