// Differential lock-step tests, interpreter against translator (issue 15; lockstep.ts has the
// comparison: registers, CSRs, mtime, RAM and instruction counts after every block): the
// instruction-group guests of test/emulator/cpu, guests that rewrite their own code, jump into
// the middle of an instruction and execute from MMIO (jit/bad.S), randomised instruction
// streams in S-mode under Sv39 with timer interrupts at pseudo-random counts (jit/stream.S,
// jit/random-stream.ts), the bench guests (M-mode and U-mode under Sv39), and the code cache
// held to a small bound.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildGuest, REPO_ROOT } from '../support/toolchain';
import { lockstep } from './jit/lockstep';
import { groupsIn, randomStream, Rng } from './jit/random-stream';
import { fillGuest } from './jit/fill-guest';
import type { Machine } from '../../emulator/machine';

const CPU_GUESTS = join(__dirname, 'cpu', 'guest');
const JIT_GUESTS = join(__dirname, 'jit');

describe('emulator/cpu/jit: lock step with the interpreter', function () {
  this.timeout(600_000);

  describe('instruction-group guests (test/emulator/cpu/guest)', () => {
    const programs = readdirSync(CPU_GUESTS).filter((f) => f.endsWith('.S')).sort();
    it('has guests', () => assert.ok(programs.length >= 8));
    for (const p of programs) {
      it(p, () => {
        const elf = buildGuest([join(CPU_GUESTS, p)], { name: p.replace(/\.S$/, ''), flags: ['-I', CPU_GUESTS, '-Wl,--no-relax'] });
        for (const seed of [1, 2, 3]) {
          const r = lockstep({ kernel: readFileSync(elf), kernelName: elf, memoryBytes: 1 << 20, steps: 100_000, seed, maxChunk: 50 * seed });
          assert.equal(r.stop, 'poweroff', `${p}: stopped by ${r.stop}`);
          assert.ok(r.blocks > 0, `${p}: no block ran`);
        }
      });
    }
  });

  describe('hard cases (jit/bad.S)', () => {
    const elf = () => buildGuest([join(JIT_GUESTS, 'bad.S')], { name: 'jit-bad', flags: ['-Wl,--no-relax'] });
    for (const [hot, giveUp] of [[1, 32], [2, 32], [16, 32], [1, Infinity], [3, Infinity]]) {
      it(`code that rewrites itself in a loop, jumps into an instruction, executes from MMIO (threshold ${hot}, pages given up after ${giveUp} rewrites)`, () => {
        const r = lockstep({ kernel: readFileSync(elf()), kernelName: 'bad.S', memoryBytes: 1 << 20, steps: 1_000_000, seed: 7 + hot, hotThreshold: hot, maxPageInvalidations: giveUp });
        assert.equal(r.stop, 'poweroff');
        assert.ok(r.invalidations >= 30, `only ${r.invalidations} invalidations: the patched code was never translated`);
      });
    }
    it('a virtual code page remapped to other code under compiled blocks (jit/remap.S)', () => {
      const elf = buildGuest([join(JIT_GUESTS, 'remap.S')], { name: 'jit-remap', flags: ['-Wl,--no-relax'] });
      for (const seed of [1, 2]) {
        const r = lockstep({ kernel: readFileSync(elf), kernelName: 'remap.S', memoryBytes: 1 << 20, steps: 100_000, seed, hotThreshold: 1, maxChunk: 300 * seed });
        assert.equal(r.stop, 'poweroff');
        assert.equal(r.exitCode, 960, 'sum of the calls (1 and 2 alternating every 16 calls)');
      }
    });
    it('keeps the code cache within its bound (8 blocks, 64 instructions; sha256)', () => {
      const guestDir = join(REPO_ROOT, 'bench', 'guest');
      const sha = buildGuest([join(guestDir, 'start.S'), join(guestDir, 'sha256.c')], {
        name: 'bench-sha256', flags: ['-O2', '-ffreestanding', '-I', guestDir], linkerScript: join(guestDir, 'link.ld'),
      });
      const r = lockstep({ kernel: readFileSync(sha), kernelName: sha, memoryBytes: 8 << 20, steps: 200_000, seed: 3, maxBlocks: 8, maxInsns: 64, maxChunk: 3000 });
      assert.ok(r.peakBlocks <= 8, `the cache held ${r.peakBlocks} blocks`);
      assert.ok(r.flushes > 0, 'the bound was never reached');
    });
  });

  describe('random instruction streams (S-mode, Sv39, timer interrupts, page-table and code writes)', () => {
    const SEEDS = 12;
    for (let seed = 1; seed <= SEEDS; seed++) {
      it(`seed ${seed}`, () => {
        const elf = buildGuest([join(JIT_GUESTS, 'stream.S')], { name: 'jit-stream', flags: ['-Wl,--no-relax'] });
        const bytes = randomStream(new Rng(seed * 2654435761), 8192);
        const prepare = (m: Machine) => {
          const at = Number(m.image!.symbols.get('stream'));
          assert.ok(m.bus.dmaWrite(at, bytes));
        };
        // pages are given up late (64 rewrites), so rewritten code is retranslated many times
        const r = lockstep({ kernel: readFileSync(elf), kernelName: 'stream.S', memoryBytes: 1 << 20, steps: 60_000, seed, prepare, maxChunk: 700, maxPageInvalidations: 64 });
        assert.ok(r.retired > 20_000, `only ${r.retired} instructions retired (stop: ${r.stop})`);
        assert.ok(r.blocks > 100, `only ${r.blocks} blocks`);
      });
    }
    it('the streams cover every instruction group', () => {
      const all = new Set<string>();
      for (let seed = 1; seed <= SEEDS; seed++) for (const g of groupsIn(randomStream(new Rng(seed * 2654435761), 8192))) all.add(g);
      for (const g of ['compressed', 'A', 'addi', 'mul', 'divu', 'ld', 'sd', 'fld', 'fsw', 'op-fp', 'fmadd', 'csrrw', 'csrrs', 'beq', 'jal', 'jalr', 'ecall', 'fence.i', 'sfence.vma', 'wfi', 'illegal']) {
        assert.ok(all.has(g), `no ${g} in the streams`);
      }
    });
  });

  describe('fill loops run in bulk (jit/fill.c, first steps)', () => {
    for (const user of [false, true]) {
      it(`memset's loop at every store width${user ? ' (U-mode, Sv39)' : ''}`, () => {
        const elf = fillGuest(user);
        const r = lockstep({ kernel: readFileSync(elf), kernelName: elf, memoryBytes: 1 << 20, steps: 400_000, seed: 5, hotThreshold: 4, maxChunk: 4000 });
        assert.ok(r.blocks > 100);
        assert.ok(r.bulkSteps > 50_000, `only ${r.bulkSteps} steps run in bulk`);
      });
    }
  });

  describe('bench guests (bench/guest, first steps)', () => {
    const guestDir = join(REPO_ROOT, 'bench', 'guest');
    for (const p of ['sha256', 'qsort', 'matmul']) {
      for (const user of [false, true]) {
        it(`${p}${user ? ' (U-mode, Sv39)' : ''}`, () => {
          const elf = buildGuest([join(guestDir, 'start.S'), join(guestDir, `${p}.c`)], {
            name: `bench-${p}${user ? '-user' : ''}`, flags: ['-O2', '-ffreestanding', '-I', guestDir, ...(user ? ['-DUSER_MODE'] : [])], linkerScript: join(guestDir, 'link.ld'),
          });
          const r = lockstep({ kernel: readFileSync(elf), kernelName: elf, memoryBytes: 8 << 20, steps: 300_000, seed: 11, hotThreshold: 4, maxChunk: 5000 });
          assert.ok(r.blocks > 100);
        });
      }
    }
  });
});
