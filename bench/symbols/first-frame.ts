// Bench: how long the symbols engine takes, from a cold start on a (large) ELF file, to the first
// symbolized backtrace, and how much resident memory it then holds; beside gdb-multiarch's time
// for `gdb -batch -ex 'info line FN' FILE` on the same file, in the same run.
//
// The stop being symbolized is real when it can be: with --boot IMAGE the kernel image boots
// under qemu-system-riscv64 (OpenSBI, -machine virt) with gdb attached over GDB/MI, stops at
// --stop FN, and the registers and 64 KiB of stack are saved (untimed). Without --boot, the stop
// is synthetic: pc at FN's after-prologue address and an empty stack (a one- or two-frame
// backtrace). Each measurement runs in a fresh Node process so no cache or JIT state is shared.
//
// Usage:
//   npx tsx bench/symbols/first-frame.ts [--fn NAME] [--boot IMAGE --stop FN] ELF [ELF...]
//   (default: the teaching kernel guest/build/kernel.elf, --fn kernel_main); --keep-stop FILE
//   keeps the captured stop, and `--measure FILE --fn NAME ELF` reruns one measurement on it.
//   --global NAME / --type 'struct T' also time the first lookups by name after the backtrace
//   (the name index built on demand), and again in another process after SymbolFile.prepareIndex
//   built the index in the background (its time and the longest the event loop was held).
// e.g. Linux built under /tmp with DEBUG_INFO (see symbols/README.md):
//   npx tsx bench/symbols/first-frame.ts --fn start_kernel --boot /tmp/kbuild/out/arch/riscv/boot/Image --stop really_probe /tmp/kbuild/out/vmlinux
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ByteSource, SymbolFile } from '../../symbols';
import { GdbMi } from '../../test/support/gdb-mi';

interface Snapshot { pc: string; regs: Array<[number, string]>; stack?: { base: string; hex: string } }

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  if (i < 0) return undefined;
  const v = process.argv[i + 1];
  process.argv.splice(i, 2);
  return v;
}

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const MiB = (n: number) => +(n / 2 ** 20).toFixed(1);

/** A ByteSource reading the file on demand (the engine asks for the sections it needs). */
function fileSource(path: string): ByteSource {
  const fd = openSync(path, 'r');
  const size = statSync(path).size;
  process.on('exit', () => closeSync(fd));
  return {
    size,
    read(offset: number, length: number): Uint8Array {
      const n = Math.max(0, Math.min(length, size - offset));
      const buf = new Uint8Array(n);
      let done = 0;
      while (done < n) { const r = readSync(fd, buf, done, n - done, offset + done); if (r <= 0) break; done += r; }
      return done === n ? buf : buf.subarray(0, done);
    },
  };
}

// ---- child: one cold measurement ----
let lookupGlobal: string | undefined, lookupType: string | undefined, background = false;

async function measure(path: string, snapPath: string | undefined, fn: string): Promise<void> {
  const rss0 = process.memoryUsage().rss;
  const t0 = process.hrtime.bigint();
  const f = SymbolFile.open(fileSource(path), { name: path });
  const tOpen = ms(t0);
  let regs: Map<number, bigint>, pc: bigint, stack: { base: bigint; bytes: Uint8Array } | undefined;
  if (snapPath) {
    const s = JSON.parse(readFileSync(snapPath, 'utf8')) as Snapshot;
    pc = BigInt(s.pc);
    regs = new Map(s.regs.map(([n, v]) => [n, BigInt(v)]));
    if (s.stack) stack = { base: BigInt(s.stack.base), bytes: Uint8Array.from(Buffer.from(s.stack.hex, 'hex')) };
  } else {
    pc = f.afterPrologue(fn) ?? f.elf?.entry ?? 0n;
    regs = new Map([[2, 0x1000n], [8, 0n], [1, 0n]]);
  }
  const mem = {
    readMemory: async (addr: bigint, size: number) => {
      if (stack && addr >= stack.base && addr + BigInt(size) <= stack.base + BigInt(stack.bytes.length)) {
        const o = Number(addr - stack.base);
        return stack.bytes.slice(o, o + size);
      }
      return f.elf?.readVirtual(addr, size);
    },
  };
  const frames = await f.backtrace({ pc, regs }, mem);
  const tFirst = ms(t0);
  const rss = process.memoryUsage().rss;
  // the first lookups by name: the name index built on demand, or (--background) in slices
  // while a 1 ms timer measures how long the event loop is held at most
  let lookup: Record<string, unknown> | undefined;
  if (lookupGlobal || lookupType) {
    let bg: Record<string, unknown> | undefined;
    if (background) {
      let last = performance.now(), maxStall = 0, ticks = 0;
      const timer = setInterval(() => { const n = performance.now(); maxStall = Math.max(maxStall, n - last); last = n; ticks++; }, 1);
      const b0 = process.hrtime.bigint();
      const done = await f.prepareIndex({ yieldToHost: () => new Promise((r) => setImmediate(r)) });
      bg = { backgroundIndexMs: ms(b0), maxEventLoopStallMs: maxStall, timerTicks: ticks, complete: done };
      clearInterval(timer);
    }
    const l0 = process.hrtime.bigint();
    const g = lookupGlobal ? f.globalVariable(lookupGlobal) : undefined;
    const tGlobal = ms(l0);
    const l1 = process.hrtime.bigint();
    const ty = lookupType ? f.typeNamed(lookupType) : undefined;
    lookup = { ...bg, globalMs: tGlobal, global: g ? '0x' + g.address.toString(16) : null, typeMs: ms(l1), type: ty?.kind ?? null };
  }
  console.log(JSON.stringify({
    openMs: tOpen, firstBacktraceMs: tFirst, rss, rssGrowth: rss - rss0, lookup,
    frames: frames.map((x) => `${x.function} ${x.file ?? '??'}:${x.line ?? 0}${x.tailCall ? ' [tail call]' : ''}`),
    unitsParsed: f.dwarf?.units.filter((u) => u.parsed).length, units: f.dwarf?.units.length, warnings: f.warningList.length,
  }));
}

// ---- parent: capture a stop under QEMU, then time ours and gdb's ----
async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => res(p)); });
  });
}

async function capture(elf: string, image: string, stop: string, out: string): Promise<string> {
  const port = await freePort();
  const qemu = spawn('qemu-system-riscv64', ['-machine', 'virt', '-m', '256M', '-nographic', '-monitor', 'none', '-serial', 'none',
    '-kernel', image, '-append', 'console=ttyS0', '-gdb', `tcp:127.0.0.1:${port}`, '-S'], { stdio: 'ignore' });
  const gdb = await GdbMi.start({ file: elf, timeoutMs: 120000 });
  try {
    for (let i = 0; ; i++) {
      try { await gdb.command(`-target-select remote 127.0.0.1:${port}`); break; } catch (e) { if (i > 50) throw e; await new Promise((r) => setTimeout(r, 200)); }
    }
    await gdb.command(`-break-insert ${stop}`);
    gdb.clearStops();
    await gdb.command('-exec-continue');
    await gdb.waitForStop();
    const r = await gdb.command('-data-list-register-values x ' + Array.from({ length: 33 }, (_, i) => i).join(' '));
    const regs: Array<[number, string]> = [];
    let pc = '0';
    for (const { number, value } of r.data['register-values'] as Array<{ number: string; value: string }>) {
      if (Number(number) === 32) pc = value; else regs.push([Number(number), value]);
    }
    const sp = BigInt(regs.find(([n]) => n === 2)![1]);
    const m = await gdb.command(`-data-read-memory-bytes 0x${sp.toString(16)} 65536`);
    const bt = (await gdb.console('bt')).trim();
    writeFileSync(out, JSON.stringify({ pc, regs, stack: { base: '0x' + sp.toString(16), hex: String(m.data.memory[0].contents) } } satisfies Snapshot));
    return bt;
  } finally {
    await gdb.close();
    qemu.kill('SIGKILL');
  }
}

async function main(): Promise<void> {
  lookupGlobal = arg('--global'); lookupType = arg('--type');
  const bgi = process.argv.indexOf('--background');
  if (bgi >= 0) { background = true; process.argv.splice(bgi, 1); }
  const measureSnap = arg('--measure');
  const fn = arg('--fn') ?? 'kernel_main';
  const boot = arg('--boot'), stop = arg('--stop') ?? fn, keep = arg('--keep-stop');
  const files = process.argv.slice(2);
  if (measureSnap !== undefined) return measure(files[0], measureSnap === '-' ? undefined : measureSnap, fn);
  if (!files.length) files.push(join(__dirname, '..', '..', 'guest', 'build', 'kernel.elf'));
  const dir = mkdtempSync(join(tmpdir(), 'kwb-bench-symbols-'));
  try {
    for (const path of files) {
      if (!existsSync(path)) { console.log(`${path}: not found`); continue; }
      let snap = '-', gdbBt = '';
      if (boot) { snap = keep ?? join(dir, 'stop.json'); gdbBt = await capture(path, boot, stop, snap); }
      // ours, in a fresh process
      const c0 = process.hrtime.bigint();
      const lk = [...(lookupGlobal ? ['--global', lookupGlobal] : []), ...(lookupType ? ['--type', lookupType] : [])];
      const child = spawnSync(process.execPath, [...process.execArgv, __filename, '--measure', snap, '--fn', fn, ...lk, path], { encoding: 'utf8', maxBuffer: 1 << 26 });
      const tChild = ms(c0); // the whole process: Node and tsx start-up included, like gdb's time
      const line = child.stdout.split('\n').find((l) => l.startsWith('{'));
      if (!line) { console.log(`${path}: measurement failed\n${child.stderr}`); continue; }
      const ours = JSON.parse(line) as { openMs: number; firstBacktraceMs: number; rss: number; rssGrowth: number; frames: string[]; unitsParsed: number; units: number; warnings: number; lookup?: Record<string, unknown> };
      // the same with the name index built in the background first (another fresh process)
      let bgLookup: Record<string, unknown> | undefined;
      if (lk.length) {
        const c2 = spawnSync(process.execPath, [...process.execArgv, __filename, '--measure', snap, '--fn', fn, ...lk, '--background', path], { encoding: 'utf8', maxBuffer: 1 << 26 });
        const l2 = c2.stdout.split('\n').find((l) => l.startsWith('{'));
        bgLookup = l2 ? (JSON.parse(l2) as { lookup?: Record<string, unknown> }).lookup : { failed: c2.stderr.slice(0, 500) };
      }
      // gdb, same file, same run
      const g0 = process.hrtime.bigint();
      const g = spawnSync('gdb-multiarch', ['-batch', '-nx', '-ex', `info line ${fn}`, path], { encoding: 'utf8' });
      const tGdb = ms(g0);
      console.log(`\n== ${path} (${MiB(statSync(path).size)} MiB, ${ours.units} DWARF units)`);
      console.log(`stop: ${boot ? `${stop} in ${boot} under QEMU` : `synthetic, pc at ${fn} after its prologue`}`);
      console.log(`ours: first symbolized backtrace ${ours.firstBacktraceMs.toFixed(0)} ms after opening (open ${ours.openMs.toFixed(0)} ms), ` +
        `${ours.frames.length} frames, ${ours.unitsParsed} of ${ours.units} units parsed, ${ours.warnings} warnings`);
      console.log(`ours, whole process (Node + tsx start-up, open, backtrace, exit): ${tChild.toFixed(0)} ms`);
      console.log(`ours: resident memory ${MiB(ours.rss)} MiB (node at start + ${MiB(ours.rssGrowth)} MiB)`);
      console.log(`gdb-multiarch -batch -ex 'info line ${fn}': ${tGdb.toFixed(0)} ms  ->  ${(g.stdout + g.stderr).trim().split('\n').pop()}`);
      console.log(`ratio ours/gdb: ${(ours.firstBacktraceMs / tGdb).toFixed(2)} (whole processes: ${(tChild / tGdb).toFixed(2)})`);
      if (ours.lookup) console.log(`ours: first lookups by name after the backtrace, index built on demand: ${JSON.stringify(ours.lookup)}`);
      if (bgLookup) console.log(`ours: index built in the background first (setImmediate between slices), then the lookups: ${JSON.stringify(bgLookup)}`);
      console.log('our backtrace:\n  ' + ours.frames.join('\n  '));
      if (gdbBt) console.log("gdb's backtrace at the same stop:\n  " + gdbBt.split('\n').join('\n  '));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
