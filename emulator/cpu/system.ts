// SYSTEM opcode and fences with privileged effects: Zicsr (CSRRW/S/C and the immediate forms),
// Zifencei (FENCE.I), ECALL/EBREAK, MRET/SRET, WFI and SFENCE.VMA, with the privileged spec's
// illegal-instruction rules (TSR, TW, TVM, privilege), plus the one `illegal` catch-all.
import * as numbers from './csr-numbers';
import { Cause } from './csr-numbers';
import { def, enc, InsnDef, MASK_ALL, MASK_F3, fields } from './decode';
import type { Hart } from './hart';

// Module-local bindings for the hot path (see decode.ts `fields`).
const { rd, rs1 } = fields;
const { CSR, MPP_SHIFT, MS } = numbers;

const SYSTEM = 0x73;
const CSRRW = 1, CSRRS = 2, CSRRC = 3;

/** A CSR instruction: op 1/2/3 = RW/RS/RC; `imm` when the source is the 5-bit uimm field. */
function csrOp(h: Hart, i: number, op: number, imm: boolean): void {
  const n = i >>> 20;
  const src = rs1(i);
  const d = 2 * rd(i);
  const writes = op === CSRRW || src !== 0;
  const c = h.csr;
  if (!c.allowed(n, writes)) h.illegal();
  const slo = imm ? src : h.x[2 * src], shi = imm ? 0 : h.x[2 * src + 1];
  c.read(n);
  const olo = c.rlo, ohi = c.rhi;
  if (writes) {
    let lo = slo, hi = shi;
    // mip.SEIP reads as the software bit OR the PLIC's signal, but only the software bit takes
    // part in CSRRS/CSRRC's read-modify-write (privileged spec, mip): firmware's csrs mip, SSIP
    // while the PLIC asserts SEIP must not latch SEIP in the software bit.
    const blo = n === CSR.mip ? c.mipRmwLow(olo) : olo;
    if (op === CSRRS) { lo = blo | slo; hi = ohi | shi; } else if (op === CSRRC) { lo = blo & ~slo; hi = ohi & ~shi; }
    c.write(n, lo, hi);
  }
  h.x[d] = olo; h.x[d + 1] = ohi;
}

function mret(h: Hart): void {
  if (h.priv < 3) h.illegal();
  const c = h.csr;
  let ms = c.mstatus;
  const mpp = (ms >> MPP_SHIFT) & 3;
  ms = (ms & ~(MS.MIE | MS.MPP)) | ((ms & MS.MPIE) ? MS.MIE : 0) | MS.MPIE;
  if (mpp !== 3) ms &= ~MS.MPRV;
  c.mstatus = ms;
  h.setPriv(mpp);
  h.jumpWords(c.store[2 * CSR.mepc], c.store[2 * CSR.mepc + 1]);
  h.yieldFlag = true;
}

function sret(h: Hart): void {
  if (h.priv < 1 || (h.priv === 1 && (h.csr.mstatus & MS.TSR) !== 0)) h.illegal();
  const c = h.csr;
  let ms = c.mstatus;
  const spp = (ms >> 8) & 1;
  ms = (ms & ~(MS.SIE | MS.SPP | MS.MPRV)) | ((ms & MS.SPIE) ? MS.SIE : 0) | MS.SPIE;
  c.mstatus = ms;
  h.setPriv(spp);
  h.jumpWords(c.store[2 * CSR.sepc], c.store[2 * CSR.sepc + 1]);
  h.yieldFlag = true;
}

export const SYSTEM_INSNS: InsnDef[] = [
  def('ecall', 0x00000073, MASK_ALL, (h) => h.trap(Cause.EcallU + h.priv, 0)),
  def('ebreak', 0x00100073, MASK_ALL, (h) => h.trap(Cause.Breakpoint, 0)), // tval 0, as QEMU (the spec allows 0 or the pc)
  def('sret', 0x10200073, MASK_ALL, sret),
  def('mret', 0x30200073, MASK_ALL, mret),
  def('wfi', 0x10500073, MASK_ALL, (h) => {
    if (h.priv === 0 || (h.priv === 1 && (h.csr.mstatus & MS.TW) !== 0)) h.illegal();
    if (!h.csr.interruptWaiting()) { h.waiting = true; h.yieldFlag = true; }
  }),
  def('sfence.vma', 0x12000073, 0xfe007fff | 0, (h) => {
    if (h.priv === 0 || (h.priv === 1 && (h.csr.mstatus & MS.TVM) !== 0)) h.illegal();
    h.flushTlb();
  }),
  def('fence.i', enc(0x0f, 1), MASK_F3, (h) => {
    h.bus.flushDecoded();
    h.flushFetch();
  }),

  def('csrrw', enc(SYSTEM, 1), MASK_F3, (h, i) => csrOp(h, i, CSRRW, false)),
  def('csrrs', enc(SYSTEM, 2), MASK_F3, (h, i) => csrOp(h, i, CSRRS, false)),
  def('csrrc', enc(SYSTEM, 3), MASK_F3, (h, i) => csrOp(h, i, CSRRC, false)),
  def('csrrwi', enc(SYSTEM, 5), MASK_F3, (h, i) => csrOp(h, i, CSRRW, true)),
  def('csrrsi', enc(SYSTEM, 6), MASK_F3, (h, i) => csrOp(h, i, CSRRS, true)),
  def('csrrci', enc(SYSTEM, 7), MASK_F3, (h, i) => csrOp(h, i, CSRRC, true)),
];

/** Everything that matches no encoding (match/mask 0/0, so it is kept out of the lookup lists). */
export const ILLEGAL_DEF: InsnDef = def('illegal', 0, 0, (h) => h.illegal());
