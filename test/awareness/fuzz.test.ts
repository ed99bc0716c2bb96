// Awareness walkers against corrupted kernel memory: the teaching kernel is stopped with tasks
// sleeping and a module loaded, then every read of its task table, harts, module list and
// kernel stacks goes through a mutator (fixed seed) that replaces words with pointers back into
// the same structures (cycles), wild and unmapped addresses, zero, or random bits. Every walk
// must end with an answer (possibly cut off, with warnings), never throw, never run away.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { KernelAwareness, type GuestSpace, type KernelTarget } from '../../awareness';
import { SymbolFile } from '../../symbols';
import { buildGuestKernel } from '../guest/support/build';
import { ConsoleSession, PROMPT } from '../guest/support/console-session';
import { MachinePort } from '../guest/support/machine-port';

/** xorshift32: a small deterministic generator (fixed seeds keep failures reproducible). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x / 0x1_0000_0000; };
}

interface Region { lo: bigint; hi: bigint }

/** A target whose memory reads inside `regions` are corrupted, the same way on every read of a word. */
function mutatingTarget(inner: KernelTarget, regions: Region[], seed: number, rate: number): KernelTarget {
  const replaced = new Map<bigint, bigint>();
  const r = rng(seed);
  const pick = (word: bigint): bigint => {
    const region = regions[Math.floor(r() * regions.length)];
    const span = Number(region.hi - region.lo);
    switch (Math.floor(r() * 6)) {
      case 0: return word; // this word points at itself: a one-element cycle
      case 1: return region.lo + BigInt(Math.floor(r() * span) & ~7);
      case 2: return 0n;
      case 3: return 0xdead_beef_0000_0000n | BigInt(Math.floor(r() * 0xffff_ffff));
      case 4: return 0x7000_0000n + BigInt(Math.floor(r() * 0x100000) * 8); // unmapped
      default: return BigInt(Math.floor(r() * 0x1_0000_0000)) << 32n | BigInt(Math.floor(r() * 0x1_0000_0000));
    }
  };
  for (const region of regions) {
    for (let a = region.lo; a < region.hi; a += 8n) if (r() < rate) replaced.set(a, pick(a));
  }
  return {
    features: inner.features,
    readRegister: (h, n) => inner.readRegister(h, n),
    async readMemory(address: bigint, length: number, space?: GuestSpace): Promise<Uint8Array> {
      const b = await inner.readMemory(address, length, space);
      const out = new Uint8Array(b);
      for (let i = 0; i < length; i++) {
        const a = address + BigInt(i);
        const w = a & ~7n;
        const v = replaced.get(w);
        if (v !== undefined) out[i] = Number((v >> (8n * (a - w))) & 0xffn);
      }
      return out;
    },
  };
}

describe('awareness: corrupted kernel memory (fuzz, fixed seed)', function () {
  this.timeout(300_000);
  let port: MachinePort;
  let symbols: SymbolFile;
  let kernel: string;

  before(async () => {
    const build = buildGuestKernel();
    kernel = build.kernel;
    port = new MachinePort({ kernel, smp: 2 });
    const s = new ConsoleSession(port);
    await s.waitFor(PROMPT);
    await s.run('deadlock', 'deadlock &\n');
    await s.run('insmod', 'insmod hello.ko\n');
    await s.run('insmod', 'insmod fortune.ko\n');
    await port.machine.pause();
    symbols = SymbolFile.open(new Uint8Array(readFileSync(kernel)), { name: kernel });
  });
  after(async () => { await port?.close(); });

  function regionsOf(aw: KernelAwareness, extra: Region[]): Region[] {
    const out = [...extra];
    for (const name of ['task_table', 'harts', 'module_list']) {
      const g = aw.layouts.global(name);
      if (!g) continue;
      const t = aw.layouts.symbols.typeNamed(name === 'module_list' ? 'struct module' : name === 'harts' ? 'struct hart' : 'struct task');
      const size = name === 'module_list' ? 8 : Number(aw.layouts.arrayCount(g.type) ?? 1) * Number((t && 'size' in t ? t.size : 8) ?? 8);
      out.push({ lo: g.address, hi: g.address + BigInt(size) });
    }
    return out;
  }

  it('cuts off cycles and wild pointers with warnings, never throwing or running away', async () => {
    const clean = KernelAwareness.open(symbols, port.machine, { kernelPath: kernel });
    assert.ok(clean.ok);
    const mods = await clean.awareness.modules();
    assert.equal(mods.length, 2);
    // the module structures and the tasks' kernel stacks are fair game too
    const extra: Region[] = mods.map((m) => ({ lo: m.address, hi: m.address + 1024n }));
    for (const t of await clean.awareness.tasks()) {
      const r = await clean.awareness.registers(t);
      const sp = r?.x[2];
      if (sp) extra.push({ lo: sp & ~7n, hi: (sp & ~7n) + 512n });
    }
    const regions = regionsOf(clean.awareness, extra);
    let warned = 0, cases = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const rate = [0.01, 0.05, 0.2][seed % 3];
      const target = mutatingTarget(port.machine, regions, seed, rate);
      const det = KernelAwareness.open(symbols, target, { kernelPath: kernel, maxWalk: 64, loadFile: (p) => new Uint8Array(readFileSync(p)) });
      assert.ok(det.ok);
      const aw = det.awareness;
      const started = Date.now();
      const tasks = await aw.tasks();
      assert.ok(tasks.length <= 64 + 4, `seed ${seed}: ${tasks.length} tasks`);
      const modules = await aw.modules();
      assert.ok(modules.length <= 64, `seed ${seed}: ${modules.length} modules`);
      for (const t of tasks.slice(0, 8)) {
        const bt = await aw.backtrace(t, 32);
        assert.ok(bt.length <= 32 + 1, `seed ${seed}: ${bt.length} frames`);
      }
      await aw.deadlocks();
      assert.ok(Date.now() - started < 20_000, `seed ${seed} took ${Date.now() - started} ms`);
      assert.ok(aw.memory.bytesRead < 64 << 20, `seed ${seed} read ${aw.memory.bytesRead} bytes`);
      if (aw.warnings.list.length) warned++;
      assert.ok(aw.warnings.list.every((w) => !/internal error/.test(w)), `seed ${seed}: ${aw.warnings.list.join('; ')}`);
      cases++;
    }
    assert.equal(cases, 300);
    assert.ok(warned > 30, `corruption was noticed (${warned} of ${cases} cases warned)`);
  });

  it('reports a module list that loops on itself and stops there', async () => {
    const clean = KernelAwareness.open(symbols, port.machine);
    assert.ok(clean.ok);
    const [first] = await clean.awareness.modules();
    const next = first.address + BigInt(clean.awareness.layouts.struct('struct module').field('next').offset);
    const looping: KernelTarget = {
      features: port.machine.features,
      readRegister: (h, n) => port.machine.readRegister(h, n),
      async readMemory(a, n, sp) {
        const b = new Uint8Array(await port.machine.readMemory(a, n, sp));
        for (let i = 0; i < n; i++) { const off = a + BigInt(i) - next; if (off >= 0n && off < 8n) b[i] = Number((first.address >> (8n * off)) & 0xffn); }
        return b;
      },
    };
    const det = KernelAwareness.open(symbols, looping);
    assert.ok(det.ok);
    const mods = await det.awareness.modules();
    assert.equal(mods.length, 1);
    assert.match(det.awareness.warnings.list.join('\n'), /module_list: the list loops/);
  });
});
