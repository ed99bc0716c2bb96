// monitor commands on their own: the Sv39 walk over a page table built by hand in the fake
// target's RAM (expected translations computed from the privileged spec's PTE layout), the CSR
// decoder against hand-decoded values, and argument errors.
import { strict as assert } from 'node:assert';
import { REG_CSR0 } from '../../emulator/target';
import { runMonitorCommand } from '../../gdbstub/monitor/commands';
import { decodeCsr } from '../../gdbstub/monitor/csr-decode';
import { walkSv39 } from '../../gdbstub/monitor/sv39';
import type { MonitorContext } from '../../gdbstub/monitor/types';
import { FakeTarget, RAM_BASE } from './support/fake-target';

const PAGE = 0x1000n;
const ROOT = RAM_BASE + 0x4000n; // three tables at +0x4000, +0x5000, +0x6000
const L1 = RAM_BASE + 0x5000n;
const L0 = RAM_BASE + 0x6000n;

function putPte(t: FakeTarget, addr: bigint, pte: bigint): void {
  const off = Number(addr - RAM_BASE);
  for (let i = 0; i < 8; i++) t.ram[off + i] = Number((pte >> BigInt(8 * i)) & 0xffn);
}
const pointer = (table: bigint): bigint => ((table / PAGE) << 10n) | 1n; // V only: next level
const leaf = (pa: bigint, flags: bigint): bigint => ((pa / PAGE) << 10n) | flags;
const V = 1n, R = 2n, W = 4n, X = 8n, U = 16n, A = 64n, D = 128n;

function pageTable(): { t: FakeTarget; satp: bigint } {
  const t = new FakeTarget();
  for (let i = 0x4000; i < 0x7000; i++) t.ram[i] = 0;
  // VA 0x6030_1000 = (1 << 30) | (0x101 << 21) | (0x101 << 12): VPN2 = 1, VPN1 = VPN0 = 0x101.
  putPte(t, ROOT + 1n * 8n, pointer(L1));
  putPte(t, L1 + 0x101n * 8n, pointer(L0));
  putPte(t, L0 + 0x101n * 8n, leaf(0x8765_4000n, V | R | W | U | A | D));
  // VA 0x0000_0000_8000_0000 (VPN2 = 2): a 1 GiB gigapage at PA 0x8000_0000, kernel RWX.
  putPte(t, ROOT + 2n * 8n, leaf(0x8000_0000n, V | R | W | X | A | D));
  // VA 0xffff_ffc0_0000_0000 (VPN2 = 0x100): a misaligned gigapage (PPN not 1 GiB aligned).
  putPte(t, ROOT + 0x100n * 8n, leaf(0x8020_0000n, V | R | X));
  // VA 0x0000_0000_c000_0000 (VPN2 = 3): W without R is reserved.
  putPte(t, ROOT + 3n * 8n, leaf(0x9000_0000n, V | W));
  const satp = (8n << 60n) | (ROOT / PAGE);
  return { t, satp };
}

describe('gdbstub monitor', () => {
  it('walks Sv39 to a 4 KiB leaf, keeping the page offset', async () => {
    const { t, satp } = pageTable();
    const r = await walkSv39(t, satp, 0x6030_1abcn);
    assert.equal(r.physical, 0x8765_4abcn);
    assert.equal(r.pageSize, 4096n);
    assert.deepEqual(r.steps.map((s) => [s.level, s.pteAddress, s.verdict]), [[2, ROOT + 8n, 'next'], [1, L1 + 0x808n, 'next'], [0, L0 + 0x808n, 'leaf']]);
  });

  it('translates through a gigapage with the low 30 bits from the VA', async () => {
    const { t, satp } = pageTable();
    const r = await walkSv39(t, satp, 0x8123_4567n);
    assert.equal(r.physical, 0x8123_4567n);
    assert.equal(r.pageSize, 1n << 30n);
  });

  it('names why there is no translation', async () => {
    const { t, satp } = pageTable();
    assert.match((await walkSv39(t, satp, 0x1000n)).problem!, /level 2 PTE is not valid/);
    assert.match((await walkSv39(t, satp, 0xffff_ffc0_0000_0000n)).problem!, /misaligned superpage/);
    assert.match((await walkSv39(t, satp, 0xc000_0000n)).problem!, /W without R/);
    assert.match((await walkSv39(t, satp, 0x0000_8000_0000_0000n)).problem!, /not a canonical Sv39 address/);
    assert.match((await walkSv39(t, 0n, 0x1234n)).problem!, /Bare/);
    assert.match((await walkSv39(t, 11n << 60n, 0x1234n)).problem!, /mode 11 is not Sv39 \(8\), Sv48 \(9\) or Sv57 \(10\)/);
  });

  it('walks Sv48 and Sv57 tables: four and five levels, their own canonical ranges', async () => {
    const t = new FakeTarget();
    for (let i = 0x4000; i < 0xa000; i++) t.ram[i] = 0;
    // Sv57, VA 0xff60_0000_0000_1abc: VPN4 = 0x160, VPN3..1 = 0, VPN0 = 1.
    const T = [0x4000n, 0x5000n, 0x6000n, 0x7000n, 0x8000n].map((o) => RAM_BASE + o); // levels 4..0
    putPte(t, T[0] + 0x160n * 8n, pointer(T[1]));
    putPte(t, T[1], pointer(T[2]));
    putPte(t, T[2], pointer(T[3]));
    putPte(t, T[3], pointer(T[4]));
    putPte(t, T[4] + 8n, leaf(0x8765_4000n, V | R | W | A | D));
    const sv57 = (10n << 60n) | (T[0] / PAGE);
    const r = await walkSv39(t, sv57, 0xff60_0000_0000_1abcn);
    assert.equal(r.physical, 0x8765_4abcn);
    assert.deepEqual(r.steps.map((s) => [s.level, s.verdict]), [[4, 'next'], [3, 'next'], [2, 'next'], [1, 'next'], [0, 'leaf']]);
    assert.match((await walkSv39(t, sv57, 0x0100_0000_0000_0000n)).problem!, /not a canonical Sv57 address \(bits 63..57 must equal bit 56\)/);
    // T[1] as an Sv48 root: VA 0x1abc takes the four lower tables to the same leaf.
    const sv48 = (9n << 60n) | (T[1] / PAGE);
    const r48 = await walkSv39(t, sv48, 0x1abcn);
    assert.equal(r48.physical, 0x8765_4abcn);
    assert.deepEqual(r48.steps.map((s) => s.level), [3, 2, 1, 0]);
    // A 512 GiB Sv48 superpage at VPN3 = 1 (PA 0, aligned), and VA bit 47 set is non-canonical.
    putPte(t, T[1] + 8n, leaf(0n, V | R | X | A));
    const big = await walkSv39(t, sv48, 0x0000_00b0_1234_5678n);
    assert.equal(big.physical, 0x30_1234_5678n);
    assert.equal(big.pageSize, 1n << 39n);
    assert.match((await walkSv39(t, sv48, 0x0000_8000_0000_0000n)).problem!, /not a canonical Sv48 address/);
  });

  function ctx(t: FakeTarget): MonitorContext {
    let free = false;
    return { target: t, control: {}, hart: 0, freeRun: async (run) => { free = run; }, isFreeRunning: () => free };
  }

  it('pagetable prints each level and the translation, with the current satp by default', async () => {
    const { t, satp } = pageTable();
    t.regs.set(`0:${REG_CSR0 + 0x180}`, satp);
    const out = await runMonitorCommand('pagetable 0x60301abc', ctx(t));
    assert.match(out, /L2 PTE at 0x80004008 = 0x20001401 \[V\] next/);
    assert.match(out, /L0 PTE at 0x80006808 = 0x21d950d7 \[VRWUAD\] leaf/);
    assert.match(out, /VA 0x60301abc -> PA 0x87654abc \(4 KiB page, VRWUAD\)/);
    assert.match(await runMonitorCommand(`pagetable 0x80000000 ${satp}`, ctx(t)), /-> PA 0x80000000 \(1024 MiB page/);
  });

  it('rejects bad arguments with a message, never a throw', async () => {
    const t = new FakeTarget();
    assert.match(await runMonitorCommand('pagetable', ctx(t)), /usage: pagetable VA \[satp\]/);
    assert.match(await runMonitorCommand('pagetable zz', ctx(t)), /address "zz" is not a number/);
    assert.match(await runMonitorCommand('regs 7', ctx(t)), /no hart 7 \(this machine has 2\)/);
    assert.match(await runMonitorCommand('halt', ctx(t)), /unknown monitor command "halt"/);
  });

  it('decodes CSRs as the privileged spec lays them out', () => {
    // mstatus 0xa00001888: MPP=3 (bits 12:11), MPIE=1 (bit 7), MIE=1 (bit 3), SXL/UXL=2.
    assert.equal(decodeCsr('mstatus', 0xa00001888n), 'SIE=0 MIE=1 SPIE=0 MPIE=1 SPP=U FS=0 SUM=0 MXR=0 MPP=M MPRV=0 TVM=0 TW=0 TSR=0 SD=0');
    assert.equal(decodeCsr('scause', (1n << 63n) | 5n), 'interrupt 5 (supervisor timer)');
    assert.equal(decodeCsr('mcause', 13n), 'exception 13 (load page fault)');
    assert.equal(decodeCsr('mip', 0xa0n), 'STIP MTIP');
    assert.equal(decodeCsr('satp', (8n << 60n) | (5n << 44n) | 0x87ff5n), 'MODE=Sv39 ASID=5 PPN=0x87ff5 (root 0x87ff5000)');
    assert.equal(decodeCsr('stvec', 0x80001001n), 'base 0x80001000 vectored');
    assert.equal(decodeCsr('priv', 1n), 'S-mode');
  });

  it('regs lists every CSR of the target with its decoding', async () => {
    const t = new FakeTarget();
    t.regs.set(`1:${REG_CSR0 + 0x342}`, 8n);
    const out = await runMonitorCommand('regs 1', ctx(t));
    assert.match(out, /^hart 1:/);
    assert.match(out, /mcause\s+0x8\s+exception 8 \(ecall from U-mode\)/);
    assert.equal(out.trim().split('\n').length, 1 + 1 + t.features.csrs.length);
  });
});
