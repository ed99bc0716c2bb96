// The page-table walk of emulator/cpu/mmu.ts in Sv39, Sv48 and Sv57 (privileged spec 4.3-4.6),
// on page tables built here in a bus's RAM: canonical and non-canonical addresses at the edges
// of each mode, 4 KiB pages and superpages at every level (the offset bits come from the VA),
// misaligned superpages, A/D updates (and none for a debugger's walk), and addresses beyond
// 2^53 translated exactly. Then the Machine's debugger memory through the 'satp' and
// 'virtual' spaces in all three modes.
import { strict as assert } from 'node:assert';
import { Bus } from '../../../emulator/bus/bus';
import { ACCESS_FETCH, ACCESS_LOAD, ACCESS_STORE, levelsOf, PAGE_FAULT, translate, type WalkMode } from '../../../emulator/cpu/mmu';
import { Machine } from '../../../emulator/machine';
import { REG_PRIV, regCsr } from '../../../emulator/target';

const RAM = 0x8000_0000n;
const V = 1n, R = 2n, W = 4n, X = 8n, U = 16n, A = 64n, D = 128n;
const MODES = [{ name: 'Sv39', satp: 8, levels: 3 }, { name: 'Sv48', satp: 9, levels: 4 }, { name: 'Sv57', satp: 10, levels: 5 }];

/** Page tables in RAM: writes through a byte-poke function so a Bus and a Machine can share it. */
class Tables {
  private next: bigint;
  readonly root: bigint;
  constructor(private readonly poke: (pa: bigint, v: bigint) => void, private readonly peek: (pa: bigint) => bigint, private readonly levels: number, base = RAM + 0x10_0000n) {
    this.next = base;
    this.root = this.alloc();
  }
  private alloc(): bigint { const t = this.next; this.next += 4096n; return t; }
  /** Maps va (unsigned 64-bit) to pa with a leaf at `leaf`; returns the leaf PTE's address. */
  map(va: bigint, pa: bigint, leaf: number, flags: bigint): bigint {
    let t = this.root;
    for (let l = this.levels - 1; l > leaf; l--) {
      const at = t + ((va >> BigInt(12 + 9 * l)) & 511n) * 8n;
      let pte = this.peek(at);
      if ((pte & V) === 0n) { pte = ((this.alloc() >> 12n) << 10n) | V; this.poke(at, pte); }
      t = (pte >> 10n) << 12n;
    }
    const at = t + ((va >> BigInt(12 + 9 * leaf)) & 511n) * 8n;
    this.poke(at, ((pa >> 12n) << 10n) | flags);
    return at;
  }
}

function busTables(levels: number): { bus: Bus; t: Tables; pte: (at: bigint) => bigint } {
  const bus = new Bus({ ramBytes: 4 << 20 });
  const off = (pa: bigint) => Number(pa - RAM);
  const view = new DataView(bus.ram.buffer);
  const peek = (pa: bigint) => view.getBigUint64(off(pa), true);
  const t = new Tables((pa, v) => view.setBigUint64(off(pa), v, true), peek, levels);
  return { bus, t, pte: peek };
}

function walkMode(t: Tables, levels: number, over: Partial<WalkMode> = {}): WalkMode {
  return { rootPpn: Number(t.root >> 12n), levels, priv: 0, sum: false, mxr: false, updateAD: true, ...over };
}

/** translate() of an unsigned 64-bit VA; the physical address as a bigint, or the fault code. */
function tr(bus: Bus, va: bigint, access: number, m: WalkMode): bigint | number {
  const v = BigInt.asUintN(64, va);
  const pa = translate(bus, Number(v & 0xffff_ffffn) | 0, Number(v >> 32n) | 0, access, m);
  return pa < 0 ? pa : BigInt(pa);
}

describe('emulator/cpu: the page-table walk (Sv39, Sv48, Sv57)', () => {
  it('satp MODE 8, 9 and 10 are the three modes; anything else is no paging', () => {
    assert.deepEqual([0, 1, 8, 9, 10, 11, 15].map(levelsOf), [0, 0, 3, 4, 5, 0, 0]);
  });

  for (const { name, levels } of MODES) {
    const valen = 12 + 9 * levels;
    const half = 1n << BigInt(valen - 1);
    const neg = (x: bigint) => BigInt.asUintN(64, -x);

    describe(name, () => {
      it('translates 4 KiB pages at both edges of the canonical range, keeping the offset', () => {
        const { bus, t } = busTables(levels);
        t.map(half - 4096n, RAM + 0x3000n, 0, V | R | W | U | A | D);
        t.map(neg(half), RAM + 0x4000n, 0, V | R | W | U | A | D);
        const m = walkMode(t, levels);
        assert.equal(tr(bus, half - 4096n + 0xabcn, ACCESS_LOAD, m), RAM + 0x3abcn);
        assert.equal(tr(bus, half - 1n, ACCESS_STORE, m), RAM + 0x3fffn);
        assert.equal(tr(bus, neg(half) + 0x123n, ACCESS_LOAD, m), RAM + 0x4123n);
      });

      it('page-faults non-canonical addresses: bits 63..VALEN-1 must all equal bit VALEN-1', () => {
        const { bus, t } = busTables(levels);
        // Map the page the non-canonical addresses alias when only the low VALEN bits count.
        t.map(0n, RAM + 0x3000n, 0, V | R | W | U | A | D);
        t.map(neg(half), RAM + 0x3000n, 0, V | R | W | U | A | D);
        const m = walkMode(t, levels);
        for (const va of [half, neg(half) - 1n, 1n << 63n, 1n << BigInt(valen), 0x0123_4567_89ab_c000n, neg(half) - 0x1100n]) {
          assert.equal(tr(bus, va, ACCESS_LOAD, m), PAGE_FAULT, `0x${va.toString(16)}`);
        }
        assert.equal(tr(bus, 1n << BigInt(valen), ACCESS_LOAD, m), PAGE_FAULT, 'bit VALEN alone');
        assert.equal(tr(bus, 0x10n, ACCESS_LOAD, m), RAM + 0x3010n, 'the aliased page itself');
      });

      for (let leaf = 1; leaf < levels; leaf++) {
        it(`translates a level-${leaf} superpage (${['', '2 MiB', '1 GiB', '512 GiB', '256 TiB'][leaf]}) with the low VA bits as offset, and faults one misaligned`, () => {
          const { bus, t } = busTables(levels);
          const span = 1n << BigInt(12 + 9 * leaf);
          const pa = leaf <= 2 ? RAM : 0n; // aligned to the span
          const va = 5n << BigInt(12 + 9 * (levels - 1)); // its own top-level slot
          t.map(va, pa, leaf, V | R | W | U | A | D);
          const m = walkMode(t, levels);
          const inside = span - 8n - 0x5a5n * 8n; // low bits at every position below the leaf
          assert.equal(tr(bus, va + inside, ACCESS_LOAD, m), pa + inside);
          const bad = 6n << BigInt(12 + 9 * (levels - 1));
          t.map(bad, RAM + 0x1000n, leaf, V | R | W | U | A | D);
          assert.equal(tr(bus, bad, ACCESS_LOAD, m), PAGE_FAULT);
        });
      }

      it('sets A on a load, A and D on a store, and nothing for a debugger walk', () => {
        const { bus, t, pte } = busTables(levels);
        const va = half - 0x10_0000n;
        const at = t.map(va, RAM + 0x5000n, 0, V | R | W | U);
        assert.equal(tr(bus, va, ACCESS_LOAD, walkMode(t, levels, { updateAD: false })), RAM + 0x5000n);
        assert.equal(pte(at) & (A | D), 0n);
        tr(bus, va, ACCESS_LOAD, walkMode(t, levels));
        assert.equal(pte(at) & (A | D), A);
        tr(bus, va, ACCESS_STORE, walkMode(t, levels));
        assert.equal(pte(at) & (A | D), A | D);
        const sup = t.map(3n << BigInt(12 + 9 * (levels - 1)), RAM, 1, V | R | X | U);
        tr(bus, (3n << BigInt(12 + 9 * (levels - 1))) + 0x1234n, ACCESS_FETCH, walkMode(t, levels));
        assert.equal(pte(sup) & (A | D), A, 'a fetch through a superpage sets A');
      });

      it('keeps the permission rules: U pages from S need SUM (never for fetch), MXR reads X pages', () => {
        const { bus, t } = busTables(levels);
        const va = neg(half) + 0x7000n;
        t.map(va, RAM + 0x7000n, 0, V | X | U | A);
        assert.equal(tr(bus, va, ACCESS_LOAD, walkMode(t, levels)), PAGE_FAULT);
        assert.equal(tr(bus, va, ACCESS_LOAD, walkMode(t, levels, { mxr: true })), RAM + 0x7000n);
        assert.equal(tr(bus, va, ACCESS_FETCH, walkMode(t, levels, { priv: 1, sum: true })), PAGE_FAULT);
        assert.equal(tr(bus, va, ACCESS_LOAD, walkMode(t, levels, { priv: 1, sum: true, mxr: true })), RAM + 0x7000n);
        assert.equal(tr(bus, va, ACCESS_STORE, walkMode(t, levels)), PAGE_FAULT);
      });
    });
  }

  it('translates Sv57 addresses beyond 2^53 exactly (every bit of the offset and page number)', () => {
    const { bus, t } = busTables(5);
    const vas = [0x00ff_ffff_ffff_f000n, 0xff60_0000_0000_1000n, 0x0020_0000_0000_3000n, 0xff00_0000_0000_0000n];
    vas.forEach((va, i) => t.map(va, RAM + BigInt(0x20000 + i * 0x1000), 0, V | R | U | A));
    const m = walkMode(t, 5);
    vas.forEach((va, i) => assert.equal(tr(bus, va + 0xfffn, ACCESS_LOAD, m), RAM + BigInt(0x20fff + i * 0x1000), `0x${va.toString(16)}`));
    assert.equal(tr(bus, 0x00ff_ffff_ffff_e000n, ACCESS_LOAD, m), PAGE_FAULT, 'the next page down is not mapped');
  });
});

describe('emulator/cpu: data addresses as the hart holds them (hart.ts addr, vaWords)', () => {
  /** rs1 + imm through addr(), back to the unsigned address through vaWords(). */
  function roundTrip(h: Machine['harts'][number], reg: bigint, imm: number): { num: number; back: bigint } {
    const r = BigInt.asUintN(64, reg);
    h.x[2 * 5] = Number(r & 0xffff_ffffn) | 0; h.x[2 * 5 + 1] = Number(r >> 32n) | 0;
    const num = h.addr(5, imm);
    h.vaWords(num);
    return { num, back: (BigInt(h.whi >>> 0) << 32n) | BigInt(h.wlo >>> 0) };
  }

  it('keeps addresses within ±2^52 as their own value, and every other one exactly, in any number of regions', () => {
    const h = new Machine({ memoryBytes: 1 << 20 }).harts[0];
    const cases: [bigint, number][] = [
      [0x8000_1000n, 8], [-0x1000n, -8], [(1n << 52n) - 8n, 7], [-(1n << 52n), 0], [0x000f_ffff_ffff_fff0n, 2047],
      // beyond: Linux's Sv57 direct map and vmalloc/vmemmap, user space at the top, non-canonical
      // ones, the carry of imm across a word, and a fifth region (windows are replaced)
      [0xff60_0000_8020_0000n, 16], [0xff1c_0000_0000_3000n, -16], [0xff1b_ffff_ff00_0040n, 0], [0x00ff_ffff_fff0_0000n, 124],
      [0xff60_0000_ffff_fff8n, 8], [0x0123_4567_89ab_cde8n, 0], [0x8000_0000_0000_0000n, -1], [0xff60_0000_8020_0000n, 24],
      [0x0010_0000_0000_0000n, -1], [0x7fff_ffff_ffff_ffffn, 0],
    ];
    for (const [reg, imm] of cases) {
      const want = BigInt.asUintN(64, reg + BigInt(imm));
      const { num, back } = roundTrip(h, reg, imm);
      assert.equal(back, want, `0x${BigInt.asUintN(64, reg).toString(16)} + ${imm}`);
      const signed = BigInt.asIntN(64, want);
      if (signed >= -(1n << 52n) && signed < 1n << 52n) assert.equal(num, Number(signed), 'the value itself');
      // the number plus a few bytes (the slow paths' va + k) is still the address plus k
      h.vaWords(num + 7);
      assert.equal((BigInt(h.whi >>> 0) << 32n) | BigInt(h.wlo >>> 0), BigInt.asUintN(64, want + 7n));
    }
  });
});

describe('emulator/machine: debugger memory through Sv39, Sv48 and Sv57 tables', () => {
  for (const { name, satp: mode, levels } of MODES) {
    it(`${name}: the 'satp' space and the hart's 'virtual' space (S-mode), at both ends of the range`, async () => {
      const m = new Machine({ memoryBytes: 4 << 20 });
      const view = new DataView(m.bus.ram.buffer);
      const off = (pa: bigint) => Number(pa - RAM);
      const t = new Tables((pa, v) => view.setBigUint64(off(pa), v, true), (pa) => view.getBigUint64(off(pa), true), levels);
      const half = 1n << BigInt(12 + 9 * levels - 1);
      const hiVa = half - 0x2000n, loVa = BigInt.asUintN(64, -half) + 0x2000n;
      const pte = t.map(hiVa, RAM + 0x30_0000n, 0, V | R | W);
      t.map(loVa, RAM + 0x30_1000n, 0, V | R | W | A | D);
      await m.writeMemory(RAM + 0x30_0ff8n, Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), { kind: 'physical' });
      await m.writeMemory(RAM + 0x30_1000n, Uint8Array.from([9, 10, 11, 12]), { kind: 'physical' });
      const satp = (BigInt(mode) << 60n) | (t.root >> 12n);
      // A read across the two pages' ends does not touch A/D.
      assert.deepEqual([...await m.readMemory(hiVa + 0xffcn, 4, { kind: 'satp', satp })], [5, 6, 7, 8]);
      assert.deepEqual([...await m.readMemory(loVa, 4, { kind: 'satp', satp })], [9, 10, 11, 12]);
      assert.equal(view.getBigUint64(off(pte), true) & (A | D), 0n);
      await assert.rejects(m.readMemory(hiVa + 0x1000n, 1, { kind: 'satp', satp }), /not mapped/);
      await assert.rejects(m.readMemory(half, 1, { kind: 'satp', satp }), /not mapped/);
      await m.writeRegister(0, regCsr(0x180), satp);
      await m.writeRegister(0, REG_PRIV, 1n);
      assert.equal(await m.readRegister(0, regCsr(0x180)), satp, 'satp took the mode');
      await m.writeMemory(loVa + 2n, Uint8Array.from([0xee]), { kind: 'virtual', hart: 0 });
      assert.deepEqual([...await m.readMemory(loVa, 4, { kind: 'virtual', hart: 0 })], [9, 10, 0xee, 12]);
    });
  }

  it('refuses an explicit satp of a mode the harts lack', async () => {
    const m = new Machine({ memoryBytes: 4 << 20 });
    await assert.rejects(m.readMemory(0x1000n, 1, { kind: 'satp', satp: 11n << 60n }), /not Sv39, Sv48, Sv57 or bare/);
  });
});
