// Kernel image loading against binutils (readelf and nm are the oracle for segments and
// symbols), one clear ElfError per kind of bad input, and a fixed-seed fuzz run proving that
// hostile bytes never raise anything but ElfError.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ElfError, loadKernelImage } from '../../../emulator/loader/elf';
import { buildGuest, CROSS } from '../../support/toolchain';
import { baremetalElf } from '../system/baremetal-program';

let dir: string;
function src(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
const HTIF_PROG = `
  .globl _start
  .section .text
_start: la t0, tohost
  li t1, 1
  sd t1, 0(t0)
1: j 1b
  .section .tohost, "aw", @progbits
  .align 6
  .globl tohost
tohost: .dword 0
  .align 6
  .globl fromhost
fromhost: .dword 0
  .bss
  .globl big
big: .zero 10000
`;

function readelfLoads(file: string): { offset: number; paddr: number; filesz: number; memsz: number }[] {
  const out = execFileSync(`${CROSS}readelf`, ['-lW', file], { encoding: 'utf8' });
  return out.split('\n').filter((l) => /^\s+LOAD\s/.test(l)).map((l) => {
    const f = l.trim().split(/\s+/);
    return { offset: Number(f[1]), paddr: Number(f[3]), filesz: Number(f[4]), memsz: Number(f[5]) };
  });
}

function nmSymbols(file: string): Map<string, bigint> {
  const out = execFileSync(`${CROSS}nm`, ['--defined-only', file], { encoding: 'utf8' });
  const m = new Map<string, bigint>();
  for (const l of out.split('\n')) {
    const [v, , name] = l.trim().split(/\s+/);
    if (name) m.set(name, BigInt(`0x${v}`));
  }
  return m;
}

function expectElfError(bytes: Uint8Array, re: RegExp): void {
  assert.throws(() => loadKernelImage(bytes, 'k.elf'), (e: unknown) => {
    assert.ok(e instanceof ElfError, `not an ElfError: ${String(e)}`);
    assert.match(e.message, /^k\.elf: /);
    assert.ok(!e.message.includes('\n'), 'one line');
    assert.match(e.message, re);
    return true;
  });
}

/** xorshift32 with a fixed seed: the fuzz run is the same every time. */
function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
}

describe('loader: kernel images', function () {
  this.timeout(60_000);
  before(() => { dir = mkdtempSync(join(tmpdir(), 'kwb-elf-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loads PT_LOAD segments as readelf lists them, with file bytes and zero-filled memsz', () => {
    const file = baremetalElf();
    const bytes = new Uint8Array(readFileSync(file));
    const image = loadKernelImage(bytes, file);
    assert.equal(image.kind, 'elf');
    const loads = readelfLoads(file).filter((l) => l.memsz > 0);
    assert.equal(image.segments.length, loads.length);
    loads.forEach((l, i) => {
      const s = image.segments[i];
      assert.equal(s.paddr, l.paddr);
      assert.equal(s.memSize, l.memsz);
      assert.deepEqual(s.data, bytes.subarray(l.offset, l.offset + l.filesz));
    });
    assert.equal(image.entry, nmSymbols(file).get('_start'));
  });

  it('reads tohost, fromhost and function symbols with nm\'s values', () => {
    const elf = buildGuest([src('htif.S', HTIF_PROG)], { name: 'elf-test-htif' });
    const image = loadKernelImage(new Uint8Array(readFileSync(elf)), elf);
    const nm = nmSymbols(elf);
    for (const name of ['tohost', 'fromhost', '_start', 'big']) assert.equal(image.symbols.get(name), nm.get(name), name);
    assert.equal(image.symbols.get('tohost')! % 64n, 0n);
  });

  it('trims a first segment whose bytes below RAM are only the ELF headers (ld -Ttext layout), and refuses one truly outside RAM', () => {
    const elf = buildGuest([src('htif2.S', HTIF_PROG)], { name: 'elf-test-htif' });
    const bytes = new Uint8Array(readFileSync(elf));
    const ram = { base: 0x8000_0000, size: 128 << 20 };
    const image = loadKernelImage(bytes, elf, 0x8000_0000, ram);
    for (const s of image.segments) assert.ok(s.paddr >= ram.base && s.paddr + s.memSize <= ram.base + ram.size);
    assert.equal(image.segments[0].paddr, 0x8000_0000);
    const low = buildGuest([src('low.S', HTIF_PROG)], { name: 'elf-test-low', flags: ['-Ttext=0x10000000'] });
    assert.throws(() => loadKernelImage(new Uint8Array(readFileSync(low)), 'low.elf', 0x8000_0000, ram), /low\.elf: segment at 0x[0-9a-f]+ .* lies outside RAM 0x80000000\.\.0x88000000/);
  });

  it('loads a RISC-V Linux Image raw at the caller\'s address, sized by its header', () => {
    const img = new Uint8Array(0x1000);
    const v = new DataView(img.buffer);
    v.setUint32(0, 0x0000006f, true); // code0
    v.setBigUint64(0x10, 0x5000n, true); // image_size
    img.set([0x52, 0x49, 0x53, 0x43, 0x56, 0, 0, 0], 0x30); // "RISCV" magic
    img.set([0x52, 0x53, 0x43, 0x05], 0x38); // "RSC\x05"
    const image = loadKernelImage(img, 'Image', 0x8020_0000);
    assert.equal(image.kind, 'raw');
    assert.equal(image.entry, 0x8020_0000n);
    assert.deepEqual(image.segments.map((s) => [s.paddr, s.data.length, s.memSize]), [[0x8020_0000, 0x1000, 0x5000]]);
  });

  it('names what is wrong: not an ELF, ELF32, big-endian, wrong machine, not executable, no segments', () => {
    expectElfError(new TextEncoder().encode('#!/bin/sh\necho hi\n'), /not an ELF file and not a RISC-V Linux Image/);
    expectElfError(new Uint8Array(0), /not an ELF file \(only 0 bytes\)/);
    const good = new Uint8Array(readFileSync(baremetalElf()));
    const patched = (f: (b: Uint8Array) => void) => { const b = good.slice(); f(b); return b; };
    expectElfError(patched((b) => { b[4] = 1; }), /ELF32 file/);
    expectElfError(patched((b) => { b[5] = 2; }), /big-endian ELF/);
    expectElfError(patched((b) => { b[18] = 62; b[19] = 0; }), /wrong machine: ELF for x86-64 \(e_machine 62\), not RISC-V/);
    expectElfError(patched((b) => { b[18] = 183; b[19] = 0; }), /wrong machine: ELF for AArch64/);
    const obj = join(dir, 'o.o');
    execFileSync(`${CROSS}gcc`, ['-c', '-o', obj, src('o.S', HTIF_PROG)]);
    expectElfError(new Uint8Array(readFileSync(obj)), /not an executable: a relocatable object \(ET_REL\)/);
    const obj32 = join(dir, 'o32.o');
    execFileSync(`${CROSS}gcc`, ['-march=rv32i', '-mabi=ilp32', '-c', '-o', obj32, src('o32.S', '.globl _start\n_start: j _start\n')]);
    expectElfError(new Uint8Array(readFileSync(obj32)), /ELF32 file/);
    expectElfError(patched((b) => { b[56] = 0; b[57] = 0; }), /no program headers/);
  });

  it('reports truncation with the offset of what is missing', () => {
    const good = new Uint8Array(readFileSync(baremetalElf()));
    expectElfError(good.subarray(0, 40), /truncated: ELF header at offset 0x0/);
    expectElfError(good.subarray(0, 100), /truncated: program header table at offset 0x40/);
    const loads = readelfLoads(baremetalElf());
    const withData = loads.filter((l) => l.filesz > 1);
    assert.ok(withData.length > 0);
    const last = withData[withData.length - 1];
    expectElfError(good.subarray(0, last.offset + 1), new RegExp(`truncated: segment \\d+ data at offset 0x${last.offset.toString(16)} `));
    expectElfError(good.subarray(0, good.length - 1), /truncated/);
  });

  it('never throws anything but ElfError on 3000 mutated images (fixed seed)', () => {
    const good = new Uint8Array(readFileSync(buildGuest([src('f.S', HTIF_PROG)], { name: 'elf-test-htif' })));
    const next = rng(0xc0ffee);
    let accepted = 0, refused = 0;
    for (let k = 0; k < 3000; k++) {
      let b = good.slice();
      const kind = next() % 4;
      if (kind === 0) b = b.subarray(0, next() % b.length);
      else {
        const flips = 1 + (next() % 8);
        // Mutate the headers more often than the bulk: that is where the parser decides things.
        for (let i = 0; i < flips; i++) {
          const pos = kind === 1 ? next() % 64 : kind === 2 ? next() % Math.min(b.length, 400) : next() % b.length;
          b[pos] = next() & 0xff;
        }
      }
      try {
        loadKernelImage(b, 'fuzz.elf', 0x8000_0000, { base: 0x8000_0000, size: 128 << 20 });
        accepted++;
      } catch (e) {
        if (!(e instanceof ElfError)) throw new Error(`iteration ${k}: ${String(e)}`);
        refused++;
      }
    }
    assert.ok(accepted > 0 && refused > 0, `accepted ${accepted}, refused ${refused}`);
  });
});
