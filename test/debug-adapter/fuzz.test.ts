// The adapter under fuzzed requests (issue 13's bad-input acceptance): one launched teaching
// kernel, driven through the adapter process as a client would, receives more than 10,000
// requests from a fixed seed: every request the adapter serves, with arguments mutated from
// live, valid ones (wrong types, null, missing fields, negative, fractional, 1e12 and 2^53
// numbers, huge counts, unknown thread/frame/variable ids, unmapped, huge and malformed memory
// references, random address spaces, garbage C expressions and console lines, enormous strings,
// deep JSON), while the machine is stopped and while it runs. Every request must get its
// response (success, or an error response with a message that is not a JavaScript internal
// error), the adapter process must stay alive and quiet on stderr, and afterwards the session
// must still work: threads, stacks, the same answers to known expressions, continue, the shell
// at the console, pause.
//
// Writes are fuzzed too, but only where they cannot break the kernel under test: writeMemory
// lands in scratch memory (the boot stacks of harts this one-hart machine never starts, in the
// kernel's address space, and RAM above the 128 MiB the teaching kernel uses, through the bare
// address space `@satp:0x0`), in unmapped or malformed places, or nowhere; setVariable and
// setExpression on real variables get either the value they already have or a value that
// cannot be converted, and any value for lvalues in the scratch memory.
//
// Then launch and attach configurations are fuzzed on fresh adapters: each case with one field
// made wrong must be refused with an error that names that field.
//
// KWB_FUZZ_TRACE=1 prints every case (number, elapsed, its time, running/stopped, the request)
// on stderr, to find the case that failed or hung.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { SymbolFile } from '../../symbols';
import { loadKernelImage } from '../../emulator/loader/elf';
import { buildGuestKernel, GUEST_DIR, type GuestBuild } from '../guest/support/build';
import { Dap } from './support/dap';

// ------------------------------------------------------------------ a seeded generator

class Rng {
  constructor(private s: number) {}
  /** mulberry32 */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) | 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number { return Math.floor(this.next() * n); }
  chance(p: number): boolean { return this.next() < p; }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]; }
  hex(bits: number): string { let s = ''; for (let i = 0; i < bits / 4; i++) s += this.int(16).toString(16); return s.replace(/^0+(?=.)/, ''); }
}

const SEED = 0x13_0da9;
const ENORMOUS = 'x'.repeat(1 << 20);

/** Values of the wrong kind for almost any field. NaN and Infinity travel as null in JSON. */
function badValue(r: Rng): unknown {
  switch (r.int(6)) {
    case 0: return r.pick([null, true, false, 0, -0, -1, 1.5, 0.1, -(2 ** 31), 2 ** 31, 2 ** 32, 2 ** 53 + 2, 1e12, -1e12, 1e308, -1e308, NaN, Infinity]);
    case 1: return r.pick(['', ' ', '0', '-1', '1e12', 'NaN', 'null', 'undefined', 'true', '0x', '\u0000', '\uffff', '\u{1F4A5}', '%s%n%x', '${x}', '{', '}', '../../../../etc/passwd', '__proto__', 'constructor']);
    case 2: return r.pick([{}, [], [null], [1, 2, 3], { length: 1e12 }, { __proto__: { x: 1 } }, { a: { b: { c: {} } } }, [[[[]]]], new Array(2000).fill(7)]);
    case 3: return r.chance(0.05) ? ENORMOUS : 'A'.repeat(r.pick([100, 10_000, 100_000]));
    case 4: { let v: unknown = 1; for (let i = 0; i < r.pick([10, 100, 1000]); i++) v = r.chance(0.5) ? [v] : { v }; return v; }
    default: return r.int(2 ** 31) * (r.chance(0.5) ? 1 : -1);
  }
}

/** All paths into a JSON value (objects and arrays, a few levels down). */
function paths(v: unknown, depth = 0, at: Array<string | number> = []): Array<Array<string | number>> {
  if (depth > 3 || typeof v !== 'object' || v === null) return [];
  const out: Array<Array<string | number>> = [];
  const keys = Array.isArray(v) ? v.slice(0, 8).map((_, i) => i) : Object.keys(v);
  for (const k of keys) {
    const p = [...at, k];
    out.push(p);
    out.push(...paths((v as Record<string | number, unknown>)[k], depth + 1, p));
  }
  return out;
}

/** The template with 1-3 of its fields deleted or replaced by bad values (or its whole self replaced). */
function mutate(r: Rng, tpl: Record<string, unknown>, protect: (path: Array<string | number>) => boolean = () => false): unknown {
  if (r.chance(0.04)) return r.pick([undefined, null, 0, 'args', [], [tpl], true]);
  const v = JSON.parse(JSON.stringify(tpl)) as Record<string, unknown>;
  const ps = paths(v).filter((p) => !protect(p));
  const n = 1 + r.int(3);
  for (let i = 0; i < n && ps.length; i++) {
    const p = r.pick(ps);
    let o: any = v; // eslint-disable-line @typescript-eslint/no-explicit-any
    for (const k of p.slice(0, -1)) { o = o?.[k]; if (typeof o !== 'object' || o === null) break; }
    if (typeof o !== 'object' || o === null) continue;
    const last = p[p.length - 1];
    if (r.chance(0.3)) { if (Array.isArray(o)) o.splice(Number(last), 1); else delete o[last]; } else o[last] = badValue(r);
  }
  if (r.chance(0.1)) v[r.pick(['extra', 'threadId', 'frameId', 'format', '__proto__'])] = badValue(r);
  return v;
}

// ------------------------------------------------------------------ raw requests

interface RawResponse { success: boolean; message?: string; command: string; body?: any } // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Sends a request with exactly these arguments (DebugClient drops arguments without keys, so
 * null, numbers and empty objects would never reach the adapter) and resolves with the whole
 * response, or 'timeout' when none came within the hang bound.
 */
function raw(dap: Dap, command: string, args: unknown, hangMs = 60_000): Promise<RawResponse | 'timeout'> {
  const c = dap.dc as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  const seq: number = c.sequence++;
  const req: Record<string, unknown> = { type: 'request', seq, command };
  if (args !== undefined) req.arguments = args;
  return new Promise((resolve) => {
    const timer = setTimeout(() => { c.pendingRequests.delete(seq); resolve('timeout'); }, hangMs);
    c.pendingRequests.set(seq, (res: RawResponse) => { clearTimeout(timer); resolve(res); });
    const json = JSON.stringify(req);
    c.outputStream.write(`Content-Length: ${Buffer.byteLength(json, 'utf8')}\r\n\r\n${json}`, 'utf8');
  });
}

/** An error message that is a JavaScript failure inside the adapter, not an answer to the user. */
const INTERNAL = /Cannot read propert|is not a function|is not iterable|is not defined|undefined \(reading|Maximum call stack|Invalid array length|Invalid typed array length|Cannot convert .* to a BigInt|cannot be converted to a BigInt|Cannot mix BigInt|Unexpected token|Cannot create property|out of memory|\[object Object\]|RangeError|TypeError|ReferenceError|SyntaxError/;

const alive = (dap: Dap): boolean => { const p = (dap.dc as any)._adapterProcess; return !!p && p.exitCode === null && p.signalCode === null; }; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Collects the adapter process's stderr (unhandled rejections and crashes show there). */
function captureStderr(dap: Dap): string[] {
  const lines: string[] = [];
  const p = (dap.dc as any)._adapterProcess; // eslint-disable-line @typescript-eslint/no-explicit-any
  p?.stderr.on('data', (d: Buffer) => lines.push(d.toString()));
  return lines;
}

// ------------------------------------------------------------------ what the fuzzer knows at a stop

interface Live {
  threads: number[];
  frames: number[];
  /** frames that belong to a stopped thread's innermost frame (stepping targets). */
  varRefs: number[];
  /** variables of real frames: their reference, name and current value (a write-back is harmless). */
  realVars: Array<{ ref: number; name: string; value: string; evaluateName?: string }>;
  memRefs: string[];
  exprs: string[];
  dataIds: string[];
  seqs: number[];
}

const SOURCE_FILES = ['kernel/sched.c', 'kernel/trap.c', 'kernel/syscall.c', 'kernel/task.c', 'kernel/console.c', 'kernel/main.c', 'user/sh.c', 'user/spin.c', 'modules/hello.c'];
const FUNCTIONS = ['schedule', 'sleep_on', 'sys_write', 'sys_getpid', 'kernel_main', 'console_read', 'user_trap', 'panic', 'main', 'hello_init', 'no_such_function', 'sched.c:schedule', '*0x80000000', ''];
const KNOWN_EXPRS = ['sizeof(struct task)', 'task_table[0].pid', 'task_table[1].name', 'harts[0]', '&task_table[3]', 'ticks', '$pc', '$sp', '$a0', '$sstatus', '(char)65', 'task_table', '*task_table[1].parent', 'task_table[0].name[0] + 1', '1.5 * 2', '&kernel_main', 'kernel_main', 'sizeof(task_table) / sizeof(task_table[0])'];
const BAD_EXPRS = ['', ' ', ')', '(', '1 +', '+', 'no_such_symbol_xyz', '((((((1', '"unterminated', '\'', '1/0', '1 % 0', '*(int *)0', '*(long *)0xffffffffffffffff', 'sizeof(', 'struct', 'struct nosuch', '(struct nosuch *)0', 'task_table[999999999999]', 'task_table[-1].pid', 'task_table.pid', 'ticks->x', 'ticks.x', '*ticks', '&1', '$nosuchreg', '$', '$$', '$1e12', '@', '#', '\\', '\u0000', '1 @ 0', 'task_table[0] @ 1000000000', 'task_table @ -1', '(char)', '99999999999999999999999999', '0x1ffffffffffffffffff', '1e999', '1.', '.5e', '0b102', '\'ab\'', '"x" + 1', '(void)0', '*(void *)0', '-task_table', '~1.5', '!task_table', 'task_table + task_table', 'kernel_main()', 'a.b.c.d.e', '('.repeat(10_000) + '1' + ')'.repeat(10_000), '-'.repeat(50_000) + '1', '*'.repeat(50_000) + 'ticks', '!'.repeat(30_000) + '0'];
const REPL = ['bt', 'bt 1e12', 'bt -1e12', 'bt full 3', 'backtrace -0', 'where nonsense', 'info threads', 'info registers', 'info registers nosuch', 'info registers $pc', 'info all-registers', 'info frame', 'info locals', 'info args', 'info symbol 0x80000000', 'info symbol nosuch', 'info line *0x80000000', 'info line nosuch.c:99999999', 'info line 0', 'info nosuch', 'x', 'x/4xg $sp', 'x/1000000xg 0x80000000', 'x/-5i $pc', 'x/s 0xffffffffffffffff', 'x/q 0', 'x/4zz $pc', 'x/0x10xb 0x80000000', 'x/9999999999999999999xb 0', 'p', 'p $', 'p $$99999', 'p $1', 'p/x ticks', 'p/q 1', 'p/x', 'print/ 1', 'output task_table[0]', 'ptype struct task', 'ptype struct nosuch', 'whatis ticks', 'whatis', 'disassemble', 'disassemble 0x80000000,0x80000010', 'disassemble 0,0xffffffffffffffff', 'disassemble /r $pc,+8', 'disassemble nosuch', 'monitor', 'monitor help', 'monitor info', 'monitor ps', 'monitor regs 99', 'monitor pagetable 0x80000000', 'monitor pagetable zz', 'monitor nosuch', 'help', 'help nosuch', 'continue 3', 'break sched.c:1', 'foo bar', 'set var ticks', 'frame 99', 'up 1e12', 'thread 99999'];
const MONITOR = ['help', 'info', 'ps', 'regs', 'regs 0', 'regs 99', 'regs -1', 'pagetable 0x80000000', 'pagetable 0x1000 0x8000000000087ff5', 'pagetable', 'pagetable zz', 'sysrq t', 'sysrq', 'sysrq ?', 'deadlock', 'modules', 'harts', 'threads', 'threads tasks', 'threads nosuch', 'nosuch', '', '   ', 'help help'];
const UNSUPPORTED = ['stepBack', 'reverseContinue', 'goto', 'gotoTargets', 'completions', 'restartFrame', 'terminateThreads', 'stepInTargets', 'locations', 'runInTerminal', 'startDebugging', 'kwb/nosuch', 'toString', 'hasOwnProperty', '__proto__', 'constructor', 'valueOf', '', ' '];

describe('debug adapter: fuzzed requests keep getting answers (issue 13, bad input)', function () {
  this.timeout(1_200_000);
  let build: GuestBuild;
  let dap: Dap;
  let stderr: string[];
  let scratchVa: bigint;        // hart 1..3 boot stacks: 48 KiB nobody uses on a one-hart machine
  let textRef: Uint8Array;      // the kernel's text as its ELF has it: the fuzz must never write it
  const recent: string[] = [];  // the last requests, for a message when the text changed
  const SCRATCH_VA_SIZE = 0xc000;
  const SCRATCH_PA = 0x8800_0000n; // RAM above the teaching kernel's 128 MiB (the machine has 256 MiB)
  const SCRATCH_PA_SIZE = 64 << 20;
  let running = false;
  let lastStop: DebugProtocol.StoppedEvent['body'] | undefined;
  let stopsSeen = 0, continuedSeen = 0;
  const baseline = new Map<string, string>();
  const usedSources = new Set<string>();

  before(async () => {
    build = buildGuestKernel();
    const kernel = SymbolFile.open(new Uint8Array(readFileSync(build.kernel)), { name: build.kernel });
    const bs = kernel.symbolizer?.symbolAddress('boot_stacks');
    assert.ok(bs !== undefined, 'the kernel has boot_stacks');
    scratchVa = bs + 0x4000n;
    const image = loadKernelImage(new Uint8Array(readFileSync(build.kernel)), build.kernel);
    const seg = image.segments.find((g) => g.paddr === 0x8000_0000)!;
    const end = kernel.symbolizer?.symbolAddress('kernel_text_end');
    assert.ok(seg && end !== undefined, 'the kernel has its text at 0x80000000 and kernel_text_end');
    textRef = seg.data.subarray(0, Number(end - 0x8000_0000n));
    dap = new Dap();
    await dap.start();
    stderr = captureStderr(dap);
    dap.dc.on('stopped', (e: DebugProtocol.StoppedEvent) => { running = false; stopsSeen++; lastStop = e.body; });
    dap.dc.on('continued', () => { running = true; continuedSeen++; });
    await dap.launchToShell({ kernel: build.kernel, memory: '256M', programs: build.userDir, moduleDirs: [build.moduleDir] });
    await dap.pause();
    for (const e of ['sizeof(struct task)', 'task_table[1].name', '&task_table[2]', 'harts[0].id', '&kernel_main']) {
      baseline.set(e, (await dap.request('evaluate', { expression: e, context: 'watch' })).result);
    }
  });

  after(async () => { await dap?.stop(); });

  /** Waits for `cond` (polling), up to `ms`; false when it did not come. */
  async function until(cond: () => boolean, ms: number): Promise<boolean> {
    const end = Date.now() + ms;
    while (!cond()) { if (Date.now() > end) return false; await new Promise((r) => setTimeout(r, 5)); }
    return true;
  }

  /** Brings the machine to a stop (the fuzz may have left it running); fails on a hang. */
  async function ensureStopped(why: string, graceMs = 300): Promise<void> {
    if (!running) return;
    if (await until(() => !running, graceMs)) return;
    const r = await raw(dap, 'pause', { threadId: 1 });
    assert.notEqual(r, 'timeout', `pause (${why}) got no response`);
    assert.ok(await until(() => !running, 20_000), `no stopped event within 20 s of a pause (${why})`);
  }

  async function ensureRunning(): Promise<void> {
    if (running) return;
    const c = continuedSeen;
    const r = await raw(dap, 'continue', { threadId: 1 });
    assert.ok(r !== 'timeout' && r.success, `continue failed: ${JSON.stringify(r)}`);
    // (a breakpoint the fuzz set may stop it again at once)
    assert.ok(await until(() => continuedSeen > c, 5000), 'a continue without a continued event');
  }

  /** Takes away every breakpoint the fuzz may have set (a running phase should mostly run). */
  async function clearBreakpoints(): Promise<void> {
    for (const path of usedSources) await raw(dap, 'setBreakpoints', { source: { path }, breakpoints: [] });
    for (const c of ['setFunctionBreakpoints', 'setInstructionBreakpoints', 'setDataBreakpoints']) {
      const res = await raw(dap, c, { breakpoints: [] });
      assert.ok(res !== 'timeout' && res.success && res.body.breakpoints.length === 0, `${c} with no breakpoints: ${JSON.stringify(res)}`);
    }
    await raw(dap, 'setExceptionBreakpoints', { filters: ['panic', 'page-fault', 'trap-loop'] });
  }

  /** Live ids at this stop, read the way VS Code reads them. */
  async function explore(r: Rng, sent: number[]): Promise<Live> {
    const live: Live = { threads: [], frames: [], varRefs: [], realVars: [], memRefs: [], exprs: [...KNOWN_EXPRS], dataIds: [], seqs: sent };
    const ok = (x: RawResponse | 'timeout'): RawResponse | undefined => (x !== 'timeout' && x.success ? x : undefined);
    const th = ok(await raw(dap, 'threads', {}));
    live.threads = (th?.body?.threads ?? []).map((t: DebugProtocol.Thread) => t.id);
    for (const t of live.threads.slice(0, 4)) {
      const st = ok(await raw(dap, 'stackTrace', { threadId: t }));
      for (const f of (st?.body?.stackFrames ?? []) as DebugProtocol.StackFrame[]) {
        live.frames.push(f.id);
        if (f.instructionPointerReference) live.memRefs.push(f.instructionPointerReference);
      }
    }
    for (const f of live.frames.filter(() => r.chance(0.4)).slice(0, 8)) {
      const sc = ok(await raw(dap, 'scopes', { frameId: f }));
      for (const s of (sc?.body?.scopes ?? []) as DebugProtocol.Scope[]) {
        live.varRefs.push(s.variablesReference);
        const vs = ok(await raw(dap, 'variables', { variablesReference: s.variablesReference }));
        for (const v of (vs?.body?.variables ?? []) as DebugProtocol.Variable[]) {
          if (s.name === 'Locals' || s.name === 'Arguments' || s.name === 'Registers') live.realVars.push({ ref: s.variablesReference, name: v.name, value: v.value, evaluateName: v.evaluateName });
          if (v.variablesReference) live.varRefs.push(v.variablesReference);
          if (v.memoryReference) live.memRefs.push(v.memoryReference);
          if (v.evaluateName) live.exprs.push(v.evaluateName);
        }
      }
    }
    for (const e of ['task_table[1].name', 'ticks', 'task_table[0].pid']) {
      const d = ok(await raw(dap, 'dataBreakpointInfo', { name: e }));
      if (d?.body?.dataId) live.dataIds.push(d.body.dataId);
    }
    return live;
  }

  /** A memory reference, good or bad; `forWrite` keeps to scratch, unmapped, huge and malformed ones. */
  function memRef(r: Rng, live: Live, forWrite: boolean): { ref: string; room: number } {
    const k = r.int(forWrite ? 6 : 9);
    switch (k) {
      case 0: { const off = r.int(SCRATCH_VA_SIZE - 16); return { ref: `0x${(scratchVa + BigInt(off)).toString(16)}`, room: SCRATCH_VA_SIZE - off }; }
      case 1: { const off = r.int(SCRATCH_PA_SIZE - 4096); return { ref: `0x${(SCRATCH_PA + BigInt(off)).toString(16)}@satp:0x0`, room: SCRATCH_PA_SIZE - off }; }
      case 2: return { ref: r.pick(['0x0', '0x10', '0xfff', '0x40000000', '0x88000000', '0x7fffffffffffffff', '0xfffffffffffff000', '0xffffffffffffffff', '18446744073709551615', '0x3fffffffff', '0xffffffc000000000', '0x90000000@satp:0x0', '0xfffffffffffffff8@satp:0x0']), room: 1 << 30 };
      case 3: {
        // malformed around a real address: for writes the scratch memory's, since a reference the
        // adapter reads leniently ('0x80000000\n' is 0x80000000) must not land on the kernel's text
        const a = forWrite ? `0x${scratchVa.toString(16)}` : '0x80000000';
        return { ref: r.pick(['', ' ', 'abc', '0x', '0xg', '-1', '-0x10', '1e3', '0x' + 'f'.repeat(17), '0x' + '1'.repeat(40), '99999999999999999999999', `${a}@`, `${a}@satp:`, `${a}@satp:0xzz`, `${a}@satp:-1`, `${a}@sapt:0x0`, `${a} 0x10`, '\u0000', `${a}\n`, ENORMOUS.slice(0, 100_000)]), room: forWrite ? 16 : 1 << 30 };
      }
      case 4: return { ref: `0x${r.hex(64)}`, room: 1 << 30 };  // random 64-bit: almost always unmapped
      case 5: return { ref: `0x${(0x1_0000_0000n + BigInt(r.int(2 ** 31)) * 4096n).toString(16)}`, room: 1 << 30 };
      case 6: return { ref: r.chance(0.5) && live.memRefs.length ? r.pick(live.memRefs) : '0x80000000', room: 0 };
      case 7: return { ref: `0x${(0x8000_0000n + BigInt(r.int(0x40_0000))).toString(16)}`, room: 0 };
      default: return { ref: `0x${(0x8000_0000n + BigInt(r.int(0x10_0000))).toString(16)}@satp:0x${r.chance(0.5) ? '8' : r.hex(4)}${r.hex(60)}`, room: 0 }; // random address spaces
    }
  }

  function expr(r: Rng, live: Live): string {
    const k = r.int(10);
    if (k < 3) return r.pick(live.exprs);
    if (k < 6) return r.pick(BAD_EXPRS);
    // token soup (no '=': nothing here assigns)
    const toks = ['(', ')', '*', '&', '-', '+', '!', '~', '[', ']', '.', '->', '@', '/', '%', '<<', '>>', '<', '==', '&&', '||', '?', ':', ',', 'sizeof', '(struct task *)', '(char *)', '(long)', '(double)', 'task_table', 'ticks', 'harts', 'pid', 'name', '0', '1', '-1', '0x80000000', '1e12', '2.5', "'a'", '"s"', '$pc', '$a0', '$sp', 'kernel_main', 'nosuch'];
    let s = '';
    for (let i = 0, n = 1 + r.int(12); i < n; i++) s += r.pick(toks) + (r.chance(0.3) ? ' ' : '');
    return s;
  }

  /** A value for setVariable/setExpression on real memory: the value it has, or one that cannot be assigned. */
  const SAFE_BAD_VALUES = ['', ')', '1 +', 'no_such_symbol_xyz', '"unterminated', '((((', 'struct nosuch', '1/0', '*(int *)0', '{1, 2}', '@', 'sizeof(', '$nosuchreg'];

  /** One fuzzed request: its command and arguments; `rc` marks requests that may run the machine. */
  function makeRequest(r: Rng, live: Live): { command: string; args: unknown; rc?: boolean } {
    const thread = (): unknown => (r.chance(0.8) && live.threads.length ? r.pick(live.threads) : r.pick([0, -1, 99999, 2 ** 31, 4194304, 1e12]));
    const frame = (): unknown => (r.chance(0.8) && live.frames.length ? r.pick(live.frames) : r.pick([0, -1, 99999, 2 ** 31 - 1, 1e12]));
    const vref = (): unknown => (r.chance(0.8) && live.varRefs.length ? r.pick(live.varRefs) : r.pick([0, -1, 99999, 2 ** 31 - 1, 1e12]));
    const src = (): string => { const p = r.chance(0.85) ? join(GUEST_DIR, r.pick(SOURCE_FILES)) : r.pick(['nosuch.c', '/etc/passwd', '', 'sched.c', './kernel/sched.c', join(GUEST_DIR, 'kernel/./sched.c')]); usedSources.add(p); return p; };
    const line = (): number => (r.chance(0.8) ? 1 + r.int(300) : r.pick([0, -5, 1e9, 2 ** 31, 1.5]));
    const cond = (): Record<string, unknown> => {
      const o: Record<string, unknown> = {};
      if (r.chance(0.2)) o.condition = r.pick([expr(r, live), 'ticks > 0', '0', 'i < 0']);
      if (r.chance(0.15)) o.hitCondition = r.pick(['3', '>= 2', '% 2', 'ten', '-1', '1e12', '']);
      if (r.chance(0.15)) o.logMessage = r.pick(['hit {ticks}', '{', '}', '{nosuch}', '{{}}', 'plain', '{' + 'x'.repeat(10000) + '}']);
      return o;
    };
    const w = r.int(1000);
    // inspection (most of it), memory, breakpoints, run control, the rest
    if (w < 60) return { command: 'threads', args: r.chance(0.7) ? {} : badValue(r) };
    if (w < 150) return { command: 'stackTrace', args: mutate(r, { threadId: thread(), startFrame: r.int(5), levels: r.pick([1, 20, 1000, 1e12]), format: { parameters: true } }) };
    if (w < 210) return { command: 'scopes', args: mutate(r, { frameId: frame() }) };
    if (w < 300) return { command: 'variables', args: mutate(r, { variablesReference: vref(), filter: r.pick(['indexed', 'named', undefined, 'x']), start: r.pick([0, 1, 5, 1e12, -3]), count: r.pick([0, 1, 10, 1e12, -1, 2 ** 31]), format: { hex: true } }) };
    if (w < 400) return { command: 'evaluate', args: mutate(r, { expression: expr(r, live), frameId: frame(), context: r.pick(['watch', 'hover', 'repl', 'clipboard', 'variables', 'nonsense']) }) };
    if (w < 440) return { command: 'evaluate', args: mutate(r, { expression: r.pick(REPL), frameId: frame(), context: 'repl' }, (p) => p[0] === 'context') };
    if (w < 480) {
      // setVariable on real variables: the value they have, or one that cannot be written
      const v = live.realVars.length ? r.pick(live.realVars) : { ref: 1, name: 'x', value: '0' };
      const args = { variablesReference: r.chance(0.85) ? v.ref : vref(), name: r.chance(0.9) ? v.name : r.pick(['nosuch', '', '__proto__']), value: r.chance(0.4) ? v.value : r.pick(SAFE_BAD_VALUES) };
      // a mutation may replace a field by a bad value, never by another valid value: protect value strings
      return { command: 'setVariable', args: mutate(r, args, (p) => p[0] === 'value') };
    }
    if (w < 520) {
      let args: Record<string, unknown>;
      if (r.chance(0.5)) {
        const off = r.int(SCRATCH_VA_SIZE - 16) & ~7;
        const type = r.pick(['long', 'int', 'char', 'short', 'double', 'unsigned char', 'struct task *', 'float']);
        args = { expression: `*(${type} *)0x${(scratchVa + BigInt(off)).toString(16)}`, value: r.chance(0.5) ? expr(r, live) : r.pick(['1', '-1', '1e12', '0x7fffffffffffffff', '2.5', "'a'", '&ticks', 'task_table[1]', '"str"']), frameId: frame() };
        return { command: 'setExpression', args: mutate(r, args, (p) => p[0] === 'expression' || p[0] === 'value') };
      }
      const v = live.realVars.filter((x) => x.evaluateName);
      const t = v.length ? r.pick(v) : { evaluateName: 'ticks', value: '0' };
      args = { expression: r.chance(0.8) ? t.evaluateName : r.pick(BAD_EXPRS), value: r.chance(0.4) ? t.value : r.pick(SAFE_BAD_VALUES), frameId: frame() };
      return { command: 'setExpression', args: mutate(r, args, (p) => p[0] === 'expression' || p[0] === 'value') };
    }
    if (w < 580) {
      const m = memRef(r, live, false);
      return { command: 'readMemory', args: mutate(r, { memoryReference: m.ref, offset: r.pick([0, 0, 8, -8, 4096, -4096, 1e12, 2 ** 53]), count: r.pick([0, 1, 16, 4096, 65536, 1 << 20, (1 << 20) + 1, 1e12, 2 ** 53, -1]) }) };
    }
    if (w < 630) {
      const m = memRef(r, live, true);
      const max = Math.min(m.room, r.pick([0, 1, 8, 64, 4096, 100_000]));
      const n = r.int(max + 1);
      const data = r.chance(0.9) ? Buffer.from(Array.from({ length: n }, () => r.int(256))).toString('base64') : r.pick(['not base64!', '====', 'AA=', '\u0000', 'A'.repeat(10), '']);
      // offsets stay inside the scratch room or go far out (never onto the kernel)
      const off = r.pick([0, 0, 0, 2 ** 40, -(2 ** 40), 1.5, 1e300]);
      const args = { memoryReference: m.ref, offset: m.room - n > 8 && r.chance(0.2) ? 8 : off, data, allowPartial: r.chance(0.5) };
      return { command: 'writeMemory', args: mutate(r, args, (p) => p[0] === 'memoryReference' || p[0] === 'offset' || p[0] === 'data') };
    }
    if (w < 680) {
      const m = memRef(r, live, false);
      return { command: 'disassemble', args: mutate(r, { memoryReference: m.ref, offset: r.pick([0, 2, -2, 1e12]), instructionOffset: r.pick([0, -1, -10, -1000, -1e12, 5, 1e12]), instructionCount: r.pick([1, 10, 50, 1000, 1e12, 0, -1]), resolveSymbols: r.chance(0.5) }) };
    }
    if (w < 720) {
      const n = r.pick([0, 1, 2, 5, 40]);
      const bps = Array.from({ length: n }, () => ({ line: line(), column: r.chance(0.1) ? r.pick([0, -1, 1e12]) : undefined, ...cond() }));
      return { command: 'setBreakpoints', args: mutate(r, { source: { path: src(), name: 'x.c' }, breakpoints: bps, lines: r.chance(0.1) ? [line()] : undefined, sourceModified: r.chance(0.1) }) };
    }
    if (w < 745) return { command: 'setFunctionBreakpoints', args: mutate(r, { breakpoints: Array.from({ length: r.pick([0, 1, 3]) }, () => ({ name: r.pick(FUNCTIONS), ...cond() })) }) };
    if (w < 770) {
      const refs = (): string => { const m = memRef(r, live, false); return m.ref; };
      return { command: 'setInstructionBreakpoints', args: mutate(r, { breakpoints: Array.from({ length: r.pick([0, 1, 3, 50]) }, () => ({ instructionReference: refs(), offset: r.pick([0, 2, -2, 1e12, 1.5]), ...cond() })) }) };
    }
    if (w < 785) return { command: 'setExceptionBreakpoints', args: mutate(r, { filters: Array.from({ length: r.int(4) }, () => r.pick(['panic', 'page-fault', 'illegal-instruction', 'm-mode-trap', 'trap-loop', 'segfault', ''])), filterOptions: r.chance(0.3) ? [{ filterId: r.pick(['panic', 'nosuch']), condition: expr(r, live) }] : undefined }) };
    if (w < 805) return { command: 'dataBreakpointInfo', args: mutate(r, { name: r.chance(0.5) ? expr(r, live) : r.pick(live.realVars.map((v) => v.name).concat(['ticks'])), variablesReference: r.chance(0.5) ? vref() : undefined, frameId: r.chance(0.3) ? frame() : undefined }) };
    if (w < 825) return { command: 'setDataBreakpoints', args: mutate(r, { breakpoints: Array.from({ length: r.pick([0, 1, 2, 20]) }, () => ({ dataId: r.chance(0.6) && live.dataIds.length ? r.pick(live.dataIds) : r.pick(['', 'nosuch', '0x0/8', '0xffffffffffffffff/8', '0x80000000/0', '0x80000000/1e12', '0x88000000/8@satp:0x0']), accessType: r.pick(['read', 'write', 'readWrite', 'nonsense', undefined]), ...cond() })) }) };
    if (w < 850) return { command: 'breakpointLocations', args: mutate(r, { source: { path: src() }, line: line(), endLine: r.chance(0.5) ? r.pick([line(), 1e12, 2 ** 31]) : undefined, column: r.chance(0.2) ? 1 : undefined }) };
    if (w < 860) return { command: 'exceptionInfo', args: mutate(r, { threadId: thread() }) };
    if (w < 875) return { command: 'modules', args: mutate(r, { startModule: r.pick([0, 1, -1, 1e12]), moduleCount: r.pick([0, 1, 1e12, -1]) }) };
    if (w < 880) return { command: 'loadedSources', args: r.chance(0.5) ? {} : badValue(r) };
    if (w < 885) return { command: 'source', args: mutate(r, { sourceReference: r.pick([0, 1, -1, 1e12]), source: { path: src() } }) };
    if (w < 895) return { command: 'cancel', args: mutate(r, { requestId: r.chance(0.5) && live.seqs.length ? r.pick(live.seqs) : r.pick([0, -1, 1e12, 2 ** 31]), progressId: r.chance(0.3) ? r.pick(['symbols', 'x']) : undefined }) };
    if (w < 905) {
      const chars = 'abcdefghijklmnopqrstuvwxyz0123456789 !"#%&/()=?*\t\x7f\x08\x15\x03\u00e9\u4e2d';
      const text = Array.from({ length: r.pick([0, 1, 10, 200, 1000]) }, () => r.pick([...chars])).join('') + (r.chance(0.3) ? '\n' : '');
      return { command: 'kwb/serialInput', args: mutate(r, { text }, (p) => p[0] === 'text') };
    }
    if (w < 915) return { command: r.pick(['kwb/tasks', 'kwb/stats']), args: r.chance(0.5) ? {} : badValue(r) };
    if (w < 930) return { command: 'kwb/monitor', args: mutate(r, { command: r.pick(MONITOR) }, (p) => p[0] === 'command') };
    if (w < 945) return { command: r.pick(UNSUPPORTED.concat(['initialize', 'launch', 'attach', 'configurationDone'])), args: r.chance(0.5) ? {} : mutate(r, { adapterID: 'kernel', kernel: build.kernel, target: 'tcp:127.0.0.1:1' }) };
    // run control: may run the machine; the driver waits for the stop (or pauses)
    const cmd = r.pick(['next', 'next', 'stepIn', 'stepIn', 'stepOut', 'continue', 'pause', 'pause']);
    return { command: cmd, args: mutate(r, { threadId: thread(), granularity: r.pick(['statement', 'line', 'instruction', 'nonsense', undefined]), singleThread: r.chance(0.2) }), rc: true };
  }

  /** Undefined if RAM still holds the kernel's text as loaded; else where it changed and the last requests. */
  async function textChanged(): Promise<string | undefined> {
    const res = await raw(dap, 'readMemory', { memoryReference: '0x80000000@satp:0x0', count: textRef.length });
    if (res === 'timeout' || !res.success || !res.body?.data) return `the kernel's text could not be read: ${res === 'timeout' ? 'timeout' : res.message}`;
    const got = Buffer.from(res.body.data as string, 'base64');
    for (let k = 0; k < textRef.length; k++) {
      if (got[k] !== textRef[k]) return `the kernel's text changed at 0x${(0x8000_0000 + k).toString(16)}; the last requests:\n${recent.join('\n')}`;
    }
    return undefined;
  }

  let cases = 0;
  const byCommand = new Map<string, { n: number; failed: number; slowMs: number }>();

  it('answers ≥ 10,000 fuzzed requests (stopped and running) with a response each, and the adapter lives on', async () => {
    const r = new Rng(SEED);
    const t0 = performance.now();
    const internal: string[] = [];
    const sent: number[] = [];
    let live = await explore(r, sent);
    let exploredAt = stopsSeen;
    const ROUNDS = 10, STOPPED = 780, RUNNING = 250; // 10 x (780 + 250) = 10,300 cases
    for (let round = 0; round < ROUNDS; round++) {
      for (const phase of ['stopped', 'running'] as const) {
        if (phase === 'stopped') {
          await ensureStopped(`round ${round}`);
          const changed = await textChanged(); // writes go to scratch memory only
          assert.equal(changed, undefined, changed);
        } else { await clearBreakpoints(); await ensureRunning(); }
        const n = phase === 'stopped' ? STOPPED : RUNNING;
        for (let i = 0; i < n; i++) {
          if (phase === 'stopped' && running) await ensureStopped(`round ${round}, case ${cases}`);
          if (phase === 'running' && !running && r.chance(0.2)) await ensureRunning();
          if (!running && stopsSeen !== exploredAt) { live = await explore(r, sent); exploredAt = stopsSeen; }
          const q = makeRequest(r, live);
          // the restart request reboots the kernel: twice in the whole run, at fixed places
          if (phase === 'stopped' && (round === 3 || round === 7) && i === 100) { q.command = 'restart'; q.args = r.pick([{}, { arguments: badValue(r) }]); q.rc = true; }
          const started = performance.now();
          sent.push((dap.dc as any).sequence); // eslint-disable-line @typescript-eslint/no-explicit-any
          if (sent.length > 50) sent.shift();
          const res = await raw(dap, q.command, q.args);
          const ms = performance.now() - started;
          cases++;
          const what = `${q.command} ${JSON.stringify(q.args)?.slice(0, 300)}`;
          recent.push(`${cases} ${what}`);
          if (recent.length > 60) recent.shift();
          assert.notEqual(res, 'timeout', `no response within 60 s to case ${cases}: ${what}`);
          if (res === 'timeout') return;
          assert.equal(res.command, q.command || res.command, `the response answers the request (${what})`);
          const s = byCommand.get(q.command) ?? { n: 0, failed: 0, slowMs: 0 };
          s.n++; s.slowMs = Math.max(s.slowMs, ms);
          if (!res.success) {
            s.failed++;
            assert.ok(typeof res.message === 'string' && res.message.trim() !== '', `an error response without a message: ${what}`);
            const shown = res.body?.error?.format ?? res.message;
            if (INTERNAL.test(shown) || INTERNAL.test(res.message!)) internal.push(`${what}\n      -> ${shown.slice(0, 300)}`);
          }
          byCommand.set(q.command, s);
          if (q.rc && res.success) {
            // the machine may run now (its continued event came before the response): let it stop by itself, else pause it
            if (phase === 'stopped') await ensureStopped(`after ${what}`);
          }
          if (cases % 500 === 0) assert.ok(alive(dap), `the adapter process died after case ${cases}: ${what}`);
          if (process.env.KWB_FUZZ_TRACE) process.stderr.write(`${cases} ${(performance.now() - t0).toFixed(0)}ms ${ms.toFixed(0)}ms ${running ? 'R' : 'S'} ${what.slice(0, 160)}\n`);
        }
      }
    }
    const secs = (performance.now() - t0) / 1000;
    const table = [...byCommand.entries()].sort((a, b) => b[1].n - a[1].n).map(([c, s]) => `${c} ${s.n} (${s.failed} errors, slowest ${s.slowMs.toFixed(0)} ms)`).join(', ');
    console.log(`      fuzz: ${cases} requests in ${secs.toFixed(1)} s (seed 0x${SEED.toString(16)}): ${table}`);
    assert.ok(alive(dap), 'the adapter process is alive');
    assert.ok(cases >= 10_000, `${cases} cases`);
    // one example of each distinct failure (numbers and addresses folded)
    const distinct = new Map<string, string>();
    for (const x of internal) { const key = x.split('\n      -> ')[1].replace(/0x[0-9a-f]+|\d+/g, 'N'); if (!distinct.has(key)) distinct.set(key, x); }
    assert.deepEqual([...distinct.values()], [], `errors that are JavaScript failures inside the adapter (${internal.length}):\n${[...distinct.values()].join('\n')}`);
    assert.deepEqual(stderr.filter((l) => /unhandled|Error|at .*\.js:\d+/.test(l)), [], 'nothing went wrong unseen (adapter stderr)');
  });

  it('after the fuzz the session still works: breakpoints clear, threads, stacks, the same expression values, continue, the shell, pause', async function () {
    this.timeout(300_000);
    assert.ok(cases > 0, 'the fuzz ran');
    await ensureStopped('after the fuzz');
    const changed = await textChanged();
    assert.equal(changed, undefined, changed);
    await clearBreakpoints();
    const threads = await dap.threads();
    assert.ok(threads.length > 0);
    for (const t of threads) {
      const frames = await dap.frames(t.id);
      assert.ok(frames.length > 0 && frames[0].name, `thread ${t.name} has a stack`);
    }
    for (const [e, v] of baseline) assert.equal((await dap.request('evaluate', { expression: e, context: 'watch' })).result, v, e);
    const sh = threads.find((t) => /\bsh\b/.test(t.name));
    assert.ok(sh, `the shell is a thread: ${threads.map((t) => t.name).join(', ')}`);
    // the console: clear whatever the fuzz typed, run a command, and see the prompt again
    await dap.dc.continueRequest({ threadId: sh.id });
    await until(() => running, 2000);
    // what the fuzz typed (tens of kilobytes) is still being read and echoed by the guest: wait
    // until the guest has read all of it and the console is quiet
    const pending = async (): Promise<number> => (await dap.request('kwb/stats', {})).inputPending as number;
    for (let quiet = 0, len = -1, t = Date.now(); quiet < 3 && Date.now() - t < 180_000;) {
      await new Promise((res) => setTimeout(res, 500));
      if (dap.console.length === len && await pending() === 0) quiet++; else { quiet = 0; len = dap.console.length; }
    }
    const state = (): string => `machine ${running ? 'running' : `stopped (${JSON.stringify(lastStop)})`}, ${dap.console.length} console characters`;
    if (await pending() !== 0) {
      // say where the guest is: which task each hart runs and where, and whether it takes interrupts
      const monitor = async (command: string): Promise<string> => {
        try { return (await dap.request<{ text: string }>('kwb/monitor', { command })).text; } catch (e) { return `${command}: ${(e as Error).message}`; }
      };
      const before = state();
      try { await dap.pause(); } catch { /* already stopped */ }
      const where = `${await monitor('harts')}\n${await monitor('ps')}\n${(await monitor('regs 0')).slice(0, 3000)}`;
      assert.fail(`the guest did not read everything the fuzz typed: ${await pending()} bytes left (${before})\n` +
        `console tail: ${JSON.stringify(dap.console.slice(-600))}\n${where}`);
    }
    assert.ok(running, `the machine still runs after the fuzz's input: ${state()}`);
    const from = dap.console.length;
    await dap.type('\x15\nhello fuzz-ok\n');
    try {
      await dap.waitConsole(/hello from user space: pid \d+, 1 argument 'fuzz-ok'/, from, 60_000);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n(${state()}, ${await pending()} typed bytes unread)`);
    }
    const stop = await dap.pause();
    assert.equal(stop.body.reason, 'pause');
    assert.ok((await dap.threads()).length > 0);
    assert.ok(alive(dap));
  });

  // ---------------------------------------------------------------- launch and attach configurations

  describe('launch and attach arguments on fresh adapters', () => {
    let dir: string;
    let silent: Server;
    let chatty: Server;
    let silentPort = 0, chattyPort = 0;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'kwb-dap-fuzz-'));
      writeFileSync(join(dir, 'text.elf'), 'not an ELF at all\n');
      writeFileSync(join(dir, 'empty.elf'), '');
      writeFileSync(join(dir, 'magic.elf'), new Uint8Array([0x7f, 0x45, 0x4c, 0x46]));
      const elf = readFileSync(build.kernel);
      writeFileSync(join(dir, 'truncated.elf'), elf.subarray(0, 200));
      const torn = Buffer.from(elf); torn.fill(0xff, 0x20, 0x40); // section/program header offsets destroyed
      writeFileSync(join(dir, 'torn.elf'), torn);
      writeFileSync(join(dir, 'disk.img'), new Uint8Array(512));
      writeFileSync(join(dir, 'odd.img'), new Uint8Array(100));
      mkdirSync(join(dir, 'folder'));
      // an attach target that accepts and never speaks, and one that speaks nonsense
      silent = createServer(() => undefined);
      chatty = createServer((s) => { s.on('error', () => undefined); s.write('HTTP/1.0 200 OK\r\n\r\nhello'); s.on('data', () => s.write('$garbage#00+-')); });
      await new Promise<void>((res) => silent.listen(0, '127.0.0.1', () => res()));
      await new Promise<void>((res) => chatty.listen(0, '127.0.0.1', () => res()));
      silentPort = (silent.address() as { port: number }).port;
      chattyPort = (chatty.address() as { port: number }).port;
    });
    after(() => { silent?.close(); chatty?.close(); rmSync(dir, { recursive: true, force: true }); });

    /** Wrong values for each field, with the field name the error must give. */
    function launchBad(r: Rng): Array<[string, unknown, string?]> {
      const p = (f: string) => join(dir, f);
      return [
        ['kernel', r.pick([undefined, 42, true, {}, [], '', '   ', 'nope.elf', p('folder'), p('text.elf'), p('empty.elf'), p('magic.elf'), p('truncated.elf'), p('torn.elf'), ENORMOUS.slice(0, 5000)])],
        ['memory', r.pick([true, '1M', '3G', 'abc', -1, 1.5, 1e12, '128Q', 0, {}, [], '', 'M', 4097, 2 ** 53])],
        ['smp', r.pick([0, 9, -1, 1.5, 'two', true, 1e12, {}, [], ''])],
        ['bios', r.pick([1, true, {}, [], '', 'missing.bin', p('folder')])],
        ['initrd', r.pick([1, true, {}, [], '', 'missing.cpio', p('folder')])],
        ['drives', r.pick([7, true, {}, [1], [''], ['missing.img'], [p('folder')], [p('disk.img'), null], [p('odd.img')]]), 'drives'],
        ['cmdline', r.pick([1, {}, [], true, ''])],
        ['stopOnEntry', r.pick(['yes', 1, {}, [], 'true'])],
        ['stopAtEntry', r.pick(['yes', 0, {}, []])],
        ['stopAt', r.pick(['a b', '', 42, '1abc', {}, [], 'x;y', ' ', '0x10', ENORMOUS.slice(0, 1000) + ' x'])],
        ['profile', r.pick(['bsd', 1, '', {}, [], 'LINUX'])],
        ['symbols', r.pick([1, {}, [], '', 'missing.elf', p('folder'), p('text.elf'), p('empty.elf'), p('magic.elf')])],
        ['programs', r.pick([3, true, [], { sh: 1 }, { sh: 'missing' }, { sh: '' }, 'missing-folder', p('text.elf')]), 'programs'],
        ['moduleDirs', r.pick([7, {}, [1], ['nowhere'], [p('text.elf')], [null]]), 'moduleDirs'],
        ['gdbPort', r.pick([-1, 70000, 1.5, 'abc', true, {}, [], 1e12])],
        ['idle', r.pick(['nap', 1, {}, [], ''])],
        ['process', r.pick([true, {}, [], -1, 1.5, ''])],
        ['cwd', r.pick([1, '', {}, true, []])],
        ['drivesWritable', r.pick(['yes', 1, {}, []])],
      ];
    }

    function attachBad(r: Rng): Array<[string, unknown, string?]> {
      const p = (f: string) => join(dir, f);
      return [
        ['target', r.pick([undefined, 1, '', 'serial:/dev/ttyS0', 'tcp:host', 'tcp::0', 'tcp:1.2.3.4:99999', 'tcp:[zz]:1', 'tcp:127.0.0.1:1', {}, [], true, `tcp:127.0.0.1:${chattyPort}`, 'tcp:256.256.256.256:1234', 'tcp:-1:5', ENORMOUS.slice(0, 3000)])],
        ['kernel', r.pick([1, {}, [], '', 'missing.elf', p('folder'), p('text.elf'), p('empty.elf')])],
        ['symbols', r.pick([1, 'missing.elf', p('folder'), p('text.elf')])],
        ['profile', r.pick(['bsd', 7])],
        ['stopAt', r.pick(['a b', 3])],
        ['programs', r.pick([3, { sh: 'missing' }]), 'programs'],
        ['moduleDirs', r.pick([7, ['nowhere']]), 'moduleDirs'],
        ['process', r.pick([true, -1])],
        ['cwd', r.pick([1, ''])],
      ];
    }

    it('a few hundred launch and attach configurations with one wrong field: each refused, naming the field', async () => {
      const r = new Rng(SEED + 1);
      let fresh = 0, n = 0;
      const misses: string[] = [];
      let d: Dap | undefined;
      const open = async (): Promise<Dap> => {
        if (d) await d.dc.stop().catch(() => undefined);
        d = new Dap(); fresh++;
        await d.start();
        const err = captureStderr(d);
        void err;
        const init = await raw(d, 'initialize', { adapterID: 'kernel', pathFormat: 'path' });
        assert.ok(init !== 'timeout' && init.success);
        return d;
      };
      const t0 = performance.now();
      let cur = await open();
      for (let i = 0; i < 320; i++) {
        if (i % 40 === 0 && i) cur = await open();
        const attach = r.chance(0.3);
        const valid: Record<string, unknown> = attach ? { target: 'tcp:127.0.0.1:1', kernel: build.kernel, cwd: dir } : { kernel: build.kernel, cwd: dir, stopOnEntry: true };
        // attach needs a target that answers to succeed: keep the refused port unless target is the field under test
        const pool = attach ? attachBad(r) : launchBad(r);
        const [field, value, prefix] = r.pick(pool);
        const args: Record<string, unknown> = { ...valid };
        if (value === undefined) delete args[field]; else args[field] = value;
        if (attach && field !== 'target') args.target = `tcp:127.0.0.1:${silentPort}`; // never reached: every other field is checked first
        // whole-argument garbage now and then
        const whole = r.chance(0.05);
        const sentArgs = whole ? r.pick([null, 7, 'launch', [args], true]) : args;
        const res = await raw(cur, attach ? 'attach' : 'launch', sentArgs, 60_000);
        n++;
        const what = `${attach ? 'attach' : 'launch'} ${JSON.stringify(sentArgs)?.slice(0, 200)}`;
        assert.notEqual(res, 'timeout', `no answer to ${what}`);
        if (res === 'timeout') return;
        if (res.success) { misses.push(`accepted: ${what}`); cur = await open(); continue; }
        const want = whole ? (attach ? 'attach' : 'launch') : (prefix ?? field);
        const re = new RegExp(`^${attach ? 'attach' : 'launch'} configuration: ${want.replace(/[[\]]/g, '\\$&')}(\\[\\d+\\]|\\.\\w+)?: `);
        if (!re.test(res.message ?? '')) misses.push(`${what}\n      -> ${res.message}`);
        if (INTERNAL.test(res.message ?? '')) misses.push(`internal error: ${what}\n      -> ${res.message}`);
        assert.ok(alive(cur), `the adapter died on ${what}`);
      }
      // a target that accepts the connection and never answers: refused after the client's timeout, naming target
      const mute = await raw(cur, 'attach', { target: `tcp:127.0.0.1:${silentPort}`, kernel: build.kernel }, 120_000);
      assert.ok(mute !== 'timeout' && !mute.success && /^attach configuration: target: cannot attach/.test(mute.message ?? ''), JSON.stringify(mute));
      // a gdbPort already taken by someone else
      const busy = await raw(cur, 'launch', { kernel: build.kernel, cwd: dir, gdbPort: silentPort, stopOnEntry: true });
      assert.ok(busy !== 'timeout' && !busy.success && /^launch configuration: gdbPort: /.test(busy.message ?? ''), JSON.stringify(busy));
      await cur.dc.stop().catch(() => undefined);
      console.log(`      launch/attach fuzz: ${n + 2} configurations on ${fresh} fresh adapters in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      assert.deepEqual(misses, [], 'every wrong field is named');
    });
  });
});
