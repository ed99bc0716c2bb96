// The PLIC's SEIP signal and the hart's mip.SEIP bit (privileged spec, mip): a CSR read of mip
// returns the software-writable SEIP bit OR the PLIC's signal, but only the software bit takes
// part in CSRRS/CSRRC's read-modify-write. OpenSBI delivers an S-mode IPI with
// `csrs mip, SSIP`; done while the PLIC asserted SEIP for that hart (a UART interrupt not yet
// claimed), it must not latch SEIP: Linux (tickless, two harts) otherwise took supervisor
// external interrupts forever after the UART's line had long been claimed and completed.
// Raw M-mode code at 0x8000_0000 on the Machine, hand-encoded from the base ISA's formats.
import { strict as assert } from 'node:assert';
import { MIP_SEIP } from '../../../emulator/bus/device';
import { Machine } from '../../../emulator/machine';

const SSIP = 1 << 1;
const MIP = 0x344;
const T0 = 5, T1 = 6, A0 = 10, A1 = 11;

const lui = (rd: number, imm20: number) => ((imm20 << 12) | (rd << 7) | 0x37) >>> 0;
const addi = (rd: number, rs1: number, imm: number) => (((imm & 0xfff) << 20) | (rs1 << 15) | (rd << 7) | 0x13) >>> 0;
const store = (f3: number, rs2: number, rs1: number, imm: number) =>
  ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 0x1f) << 7) | 0x23) >>> 0;
const sw = (rs2: number, rs1: number, imm = 0) => store(2, rs2, rs1, imm);
const sb = (rs2: number, rs1: number, imm = 0) => store(0, rs2, rs1, imm);
const lw = (rd: number, rs1: number, imm = 0) => (((imm & 0xfff) << 20) | (rs1 << 15) | (2 << 12) | (rd << 7) | 0x03) >>> 0;
/** csrrs rd, csr, rs1 (f3 2) and csrrsi rd, csr, uimm (f3 6). */
const csrrs = (rd: number, csr: number, rs1: number) => ((csr << 20) | (rs1 << 15) | (2 << 12) | (rd << 7) | 0x73) >>> 0;
const csrrsi = (rd: number, csr: number, uimm: number) => ((csr << 20) | (uimm << 15) | (6 << 12) | (rd << 7) | 0x73) >>> 0;
const csrrci = (rd: number, csr: number, uimm: number) => ((csr << 20) | (uimm << 15) | (7 << 12) | (rd << 7) | 0x73) >>> 0;
const loop = 0x0000006f; // j .

/** t0 = addr (addr's low 12 bits below 0x800). */
const la = (rd: number, addr: number) => [lui(rd, addr >>> 12), addi(rd, rd, addr & 0xfff)];
/** t1 = small value (< 0x800). */
const li = (rd: number, v: number) => addi(rd, 0, v);

/** Runs `program` from reset (the boot ROM jumps to 0x8000_0000 when there is no kernel). */
async function run(program: number[]): Promise<Machine> {
  const m = new Machine({ memoryBytes: 1 << 20 });
  await m.writeMemory(0x8000_0000n, new Uint8Array(new Uint32Array(program).buffer), { kind: 'physical' });
  m.runFor(10_000);
  return m;
}

const reg = (m: Machine, r: number) => m.harts[0].x[2 * r] >>> 0;
/** The supervisor bits of a mip value (MTIP is set too: the CLINT's mtimecmp resets to 0). */
const sbits = (v: number) => v & (SSIP | (1 << 5) | MIP_SEIP);

/** UART (IRQ 10) to hart 0's S context (context 1) through the PLIC, THR-empty interrupt on: SEIP high. */
const raiseSeip = [
  ...la(T0, 0x0c00_0000 + 4 * 10), li(T1, 1), sw(T1, T0), // priority of source 10
  ...la(T0, 0x0c00_2000 + 0x80 * 1), ...la(T1, 1 << 10), sw(T1, T0), // enable source 10 for context 1
  ...la(T0, 0x1000_0001), li(T1, 2), sb(T1, T0), // UART IER: ETBEI, THR is empty
];
/** Claim source 10 in context 1 (a1 = the id): the PLIC drops SEIP. */
const claim = [...la(T0, 0x0c20_1004), lw(A1, T0)];

describe('devices: PLIC SEIP and mip read-modify-write', () => {
  it('csrs mip, SSIP while the PLIC asserts SEIP does not latch SEIP once the PLIC drops it', async () => {
    const m = await run([
      ...raiseSeip,
      csrrs(A0, MIP, 0), // a0 = mip before: SEIP from the PLIC
      csrrsi(0, MIP, SSIP), // as OpenSBI's S-mode IPI delivery
      ...claim,
      csrrs(12, MIP, 0), // a2 = mip after the claim
      loop,
    ]);
    assert.equal(reg(m, A1), 10, 'the UART claimed');
    assert.equal(reg(m, A0) & MIP_SEIP, MIP_SEIP, 'mip reads the PLIC signal');
    assert.equal(sbits(reg(m, 12)), SSIP, 'only SSIP stays pending: SEIP was the PLIC signal, not software');
    assert.equal(sbits(m.harts[0].csr.mipValue()), SSIP);
  });

  it('csrc mip with SEIP from the PLIC does not latch it either; software SEIP set on purpose stays until cleared', async () => {
    const m = await run([
      ...raiseSeip,
      csrrci(0, MIP, SSIP), // SEIP reads as 1 here (the PLIC): not written back as software SEIP
      ...claim,
      csrrs(A0, MIP, 0), // a0: no SEIP
      ...la(T1, MIP_SEIP), csrrs(0, MIP, T1), // M-mode sets the software SEIP on purpose
      csrrs(12, MIP, 0), // a2: SEIP
      ((MIP << 20) | (T1 << 15) | (3 << 12) | 0x73) >>> 0, // csrc mip, SEIP
      csrrs(13, MIP, 0), // a3: no SEIP
      loop,
    ]);
    assert.equal(reg(m, A1), 10);
    assert.equal(sbits(reg(m, A0)), 0, 'nothing pending after the claim');
    assert.equal(sbits(reg(m, 12)), MIP_SEIP, 'software SEIP');
    assert.equal(sbits(reg(m, 13)), 0, 'cleared by csrc');
  });
});
