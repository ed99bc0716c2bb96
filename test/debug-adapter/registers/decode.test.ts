// CSR fields, register writes and trap descriptions, checked against the privileged
// specification's bit positions (each field set alone must decode as that field and nothing
// else) and its table of causes (every standard interrupt and exception code).
import { strict as assert } from 'node:assert';
import { REG_CSR0, REG_F0 } from '../../../emulator/target';
import { csrFields, describeTrap, registerGroups, writeRegisterNode, parseCNumber, type RegisterNode } from '../../../debug-adapter/registers';

// (field name, bit) from the privileged spec 1.12: mstatus 3.1.6, sstatus 4.1.1, mip/mie 3.1.9, satp 4.1.11
const MSTATUS_BITS: [string, number][] = [['SIE', 1], ['MIE', 3], ['SPIE', 5], ['UBE', 6], ['MPIE', 7], ['SPP', 8], ['VS', 9], ['MPP', 11], ['FS', 13],
  ['XS', 15], ['MPRV', 17], ['SUM', 18], ['MXR', 19], ['TVM', 20], ['TW', 21], ['TSR', 22], ['UXL', 32], ['SXL', 34], ['SBE', 36], ['MBE', 37], ['SD', 63]];
const SSTATUS_BITS = MSTATUS_BITS.filter(([n]) => ['SIE', 'SPIE', 'UBE', 'SPP', 'VS', 'FS', 'XS', 'SUM', 'MXR', 'UXL', 'SD'].includes(n));
const IRQ = [['SS', 1], ['MS', 3], ['ST', 5], ['MT', 7], ['SE', 9], ['ME', 11]] as const;

function nonZero(name: string, v: bigint): string[] {
  return (csrFields(name, v) ?? []).filter((f) => f.value !== 0n).map((f) => f.name);
}

describe('debug-adapter registers: CSR fields, writes, trap descriptions', () => {
  it('each mstatus/sstatus field set alone decodes as exactly that field', () => {
    for (const [name, b] of MSTATUS_BITS) assert.deepEqual(nonZero('mstatus', 1n << BigInt(b)), [name], `mstatus bit ${b}`);
    for (const [name, b] of SSTATUS_BITS) assert.deepEqual(nonZero('sstatus', 1n << BigInt(b)), [name], `sstatus bit ${b}`);
    const f = csrFields('mstatus', (3n << 11n) | (1n << 8n) | (3n << 13n))!;
    assert.equal(f.find((x) => x.name === 'MPP')!.text, 'M');
    assert.equal(f.find((x) => x.name === 'SPP')!.text, 'S');
    assert.equal(f.find((x) => x.name === 'FS')!.text, 'Dirty');
    assert.equal(csrFields('mstatus', 1n << 11n)!.find((x) => x.name === 'MPP')!.text, 'S');
  });

  it('mip/mie/sip/sie and mideleg bits, M and S views', () => {
    for (const [n, b] of IRQ) {
      assert.deepEqual(nonZero('mip', 1n << BigInt(b)), [`${n}IP`]);
      assert.deepEqual(nonZero('mie', 1n << BigInt(b)), [`${n}IE`]);
      assert.deepEqual(nonZero('sip', 1n << BigInt(b)), n.startsWith('S') ? [`${n}IP`] : []);
      assert.deepEqual(nonZero('sie', 1n << BigInt(b)), n.startsWith('S') ? [`${n}IE`] : []);
      assert.equal(nonZero('mideleg', 1n << BigInt(b)).length, 1);
    }
    assert.deepEqual(nonZero('medeleg', 1n << 13n), ['Load page fault']);
    assert.deepEqual(nonZero('medeleg', 0xb3ffn).length, 13);
  });

  it('scause/mcause, satp, stvec, fcsr, misa, pmpcfg', () => {
    assert.deepEqual(csrFields('scause', 13n)!.map((f) => f.text), ['0', '13 (Load page fault)']);
    assert.deepEqual(csrFields('mcause', (1n << 63n) | 7n)!.map((f) => f.text), ['1', '7 (Machine timer interrupt)']);
    for (const [mode, name] of [[0n, 'Bare'], [8n, 'Sv39'], [9n, 'Sv48'], [10n, 'Sv57']] as const) {
      const f = csrFields('satp', (mode << 60n) | (0x1234n << 44n) | 0x87ff5n)!;
      assert.deepEqual(f.map((x) => [x.name, x.text]), [['MODE', name], ['ASID', '4660'], ['PPN', '0x87ff5'], ['root', '0x87ff5000']]);
    }
    const tv = csrFields('stvec', 0x80006221n, (a) => (a === 0x80006220n ? '<from_user_entry>' : undefined))!;
    assert.deepEqual(tv.map((x) => x.text), ['0x80006220 <from_user_entry>', 'Vectored']);
    assert.deepEqual(csrFields('fcsr', (4n << 5n) | 0x11n)!.filter((f) => f.value).map((f) => `${f.name}=${f.text}`), ['NX=1', 'NV=1', 'FRM=RMM']);
    assert.equal(csrFields('misa', 0x800000000014112dn)!.map((f) => f.text).join(' '), '64 ACDFIMSU');
    assert.equal(csrFields('pmpcfg0', 0x8fn)![0].text, 'RWX A=TOR L');
    assert.equal(csrFields('sscratch', 5n), undefined);
  });

  it('describeTrap: every standard cause of the spec\'s table, and unnamed codes', () => {
    const sym = (a: bigint) => (a >= 0x80001000n && a < 0x80001100n ? `<lesson_peek+${a - 0x80001000n}>` : undefined);
    const d = describeTrap(13n, 0x10n, 0x8000100cn, sym, { from: 1 });
    assert.equal(d.id, 'load-page-fault');
    assert.equal(d.description, 'Load page fault: the kernel read address 0x10 (stval) at lesson_peek+12 (sepc)');
    assert.equal(d.details.evaluateName, '$stval');
    const expected: Record<number, [string, RegExp]> = {
      0: ['instruction-address-misaligned', /^Instruction address misaligned: the user program jumped to the misaligned address 0x10 \(stval\)/],
      1: ['instruction-access-fault', /^Instruction access fault: the user program fetched an instruction at 0x10 \(stval\)/],
      2: ['illegal-instruction', /^Illegal instruction: the user program executed the instruction 0x10 \(stval\)/],
      3: ['breakpoint', /^Breakpoint: the user program executed ebreak at/],
      4: ['load-address-misaligned', /^Load address misaligned: the user program read address 0x10/],
      5: ['load-access-fault', /^Load access fault: the user program read address 0x10/],
      6: ['store-address-misaligned', /^Store\/AMO address misaligned: the user program wrote address 0x10/],
      7: ['store-access-fault', /^Store\/AMO access fault: the user program wrote address 0x10/],
      8: ['ecall-u', /^Environment call from U-mode: a system call \(ecall\) at 0x10000 \(sepc\)$/],
      9: ['ecall-s', /^Environment call from S-mode: /],
      11: ['ecall-m', /^Environment call from M-mode: /],
      12: ['instruction-page-fault', /^Instruction page fault: the user program fetched an instruction at 0x10/],
      13: ['load-page-fault', /^Load page fault: the user program read address 0x10 \(stval\) at 0x10000 \(sepc\)$/],
      15: ['store-page-fault', /^Store\/AMO page fault: the user program wrote address 0x10/],
    };
    for (const [code, [id, re]] of Object.entries(expected)) {
      const t = describeTrap(BigInt(code), 0x10n, 0x10000n, sym, { from: 0 });
      assert.equal(t.id, id);
      assert.match(t.description, re);
      assert.equal(t.breakMode, 'always');
    }
    const irq: Record<number, string> = { 1: 'Supervisor software interrupt', 3: 'Machine software interrupt', 5: 'Supervisor timer interrupt', 7: 'Machine timer interrupt', 9: 'Supervisor external interrupt', 11: 'Machine external interrupt' };
    for (const [code, name] of Object.entries(irq)) {
      const t = describeTrap((1n << 63n) | BigInt(code), 0n, 0x80001004n, sym);
      assert.equal(t.description, `${name}: taken at lesson_peek+4 (sepc)`);
    }
    assert.match(describeTrap(10n, 0n, 0n).description, /^Reserved exception 10/);
    assert.match(describeTrap(24n, 0n, 0n).description, /^Custom exception 24/);
    assert.match(describeTrap((1n << 63n) | 16n, 0n, 0n).description, /^Platform interrupt 16/);
    assert.match(describeTrap((1n << 63n) | 2n, 0n, 0n).description, /^Reserved interrupt 2/);
    assert.match(describeTrap(13n, 0x10n, 0n, undefined, { machineMode: true }).description, /\(mtval\) at 0x0 \(mepc\)/);
    assert.match(describeTrap(-1n, 0n, 0n).id, /^interrupt-/);
  });

  it('register writes: C numbers, FPR values, CSR fields by number or name, bad input as messages', async () => {
    const regs = new Map<number, bigint>([[REG_CSR0 + 0x300, 0xa00000000n], [REG_CSR0 + 0x180, 0n]]);
    const t = {
      features: { csrs: [0x300, 0x180], fpu: true },
      readRegister: async (_h: number, r: number) => regs.get(r) ?? 0n,
      writeRegister: async (_h: number, r: number, v: bigint) => { if (r === REG_CSR0 + 0x999) throw new Error('E01'); regs.set(r, v); },
    };
    assert.equal(parseCNumber('-1'), (1n << 64n) - 1n);
    assert.equal(parseCNumber('0x10UL'), 16n);
    assert.equal(parseCNumber('010'), 8n);
    assert.equal(parseCNumber('0b101'), 5n);
    assert.equal(parseCNumber("'A'"), 65n);
    assert.equal(parseCNumber('1 + 2'), undefined);
    assert.equal(parseCNumber('0x1' + '0'.repeat(16)), undefined);
    let r = await writeRegisterNode(t, 0, { name: 'a0', regno: 10 }, '-2');
    assert.ok(r.ok && r.node.value === '-2' && regs.get(10) === (1n << 64n) - 2n);
    r = await writeRegisterNode(t, 0, { name: 'ft0', regno: REG_F0 }, '1.5');
    assert.ok(r.ok && r.node.value === '{float = 0, double = 1.5}');
    r = await writeRegisterNode(t, 0, { name: 'MPP', field: { regno: REG_CSR0 + 0x300, hi: 12, lo: 11 } }, 'S');
    assert.ok(r.ok && r.node.value === 'S' && regs.get(REG_CSR0 + 0x300) === 0xa00000800n, JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString(16) : v)));
    r = await writeRegisterNode(t, 0, { name: 'MODE', field: { regno: REG_CSR0 + 0x180, hi: 63, lo: 60 } }, 'Sv39');
    assert.ok(r.ok && regs.get(REG_CSR0 + 0x180) === 8n << 60n);
    r = await writeRegisterNode(t, 0, { name: 'SIE', field: { regno: REG_CSR0 + 0x300, hi: 1, lo: 1 } }, '2');
    assert.deepEqual(r, { ok: false, message: 'SIE is 1 bit wide: 2 does not fit' });
    r = await writeRegisterNode(t, 0, { name: 'a1', regno: 11 }, 'garbage');
    assert.ok(!r.ok && /is not a number/.test(r.message));
    r = await writeRegisterNode(t, 0, { name: 'a1', regno: 11 }, 'n + 1', { evaluate: async () => 'No symbol "n" in current context.' });
    assert.deepEqual(r, { ok: false, message: 'No symbol "n" in current context.' });
    r = await writeRegisterNode(t, 0, { name: 'a1', regno: 11 }, 'n + 1', { evaluate: async () => 41n });
    assert.ok(r.ok && r.node.value === '41');
    r = await writeRegisterNode(t, 0, { name: 'zero', regno: 0 }, '1');
    assert.ok(!r.ok);
    r = await writeRegisterNode(t, 0, { name: 'x', regno: REG_CSR0 + 0x999 }, '1');
    assert.ok(!r.ok && /E01/.test(r.message));
  });

  it('the tree: groups read lazily, unreadable registers and unsaved outer-frame registers say so', async () => {
    let reads = 0;
    const src = { features: { csrs: [0x100, 0x141, 0x180, 0x001], fpu: true }, readRegister: async (_h: number, r: number) => { reads++; if (r === REG_CSR0 + 0x180) throw new Error('no'); return r === REG_CSR0 + 0x141 ? 0x80001004n : 0n; } };
    const groups = registerGroups(src, 0, { symbolize: (a) => (a === 0x80001004n ? '<f+4>' : undefined), frame: { pc: 0x80001004n, regs: new Map([[2, 0x1000n]]) } });
    assert.deepEqual(groups.map((g) => g.name), ['General', 'Floating point', 'CSRs']);
    assert.equal(reads, 0);
    const gen = await groups[0].children!();
    assert.equal(reads, 0, 'an outer frame\'s general registers come from the unwinder');
    assert.equal(gen.find((n) => n.name === 'sp')!.value, '0x1000');
    assert.equal(gen.find((n) => n.name === 'a0')!.value, '<not saved>');
    assert.equal(gen.find((n) => n.name === 'pc')!.value, '0x80001004 <f+4>');
    const csr = await groups[2].children!();
    assert.deepEqual(csr.map((n) => n.name), ['priv', 'sstatus', 'sepc', 'satp']);
    assert.equal(csr.find((n) => n.name === 'sepc')!.value, '0x80001004 <f+4>');
    assert.equal(csr.find((n) => n.name === 'satp')!.value, '<unavailable>');
    const ss = csr.find((n) => n.name === 'sstatus') as RegisterNode;
    assert.ok((await ss.children!()).some((f) => f.name === 'SPP'));
    const fp = await groups[1].children!();
    assert.deepEqual(fp.slice(-1).map((n) => n.name), ['fflags']);
  });
});
