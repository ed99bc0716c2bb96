// Random instruction streams for stream.S (jit-lockstep.test.ts): every instruction group of
// the decode table (RV64I, M, A, F, D, Zicsr, system, compressed), with the fields the decoder
// ignores random. Control flow stays inside the stream: branches and jal go forward by a few
// instructions, jalr only as auipc+jalr to a forward target, and a jump over the first half
// of a 32-bit instruction lands in its middle. Loads, stores and AMOs use gp (the page table's
// page: stores rewrite PTEs), tp (the stream itself: stores rewrite code) or a random register.
// gp and tp are never written (the generator rejects words whose rd field names them).
import { ALL_INSNS, DECODER } from '../../../emulator/cpu/instructions';
import { expandCompressed } from '../../../emulator/cpu/compressed';

const GP = 3, TP = 4;
const OPC = (w: number) => w & 0x7f;

export class Rng {
  constructor(private s: number) { if (this.s === 0) this.s = 1; }
  u32(): number { let s = this.s; s ^= s << 13; s ^= s >>> 17; s ^= s << 5; this.s = s >>> 0; return this.s; }
  below(n: number): number { return this.u32() % n; }
  chance(p: number): boolean { return this.u32() / 4294967296 < p; }
}

const byName = new Map(ALL_INSNS.map((d) => [d.name, d]));
const GROUPS = {
  alu: ALL_INSNS.filter((d) => [0x13, 0x1b, 0x33, 0x3b, 0x37, 0x17].includes(d.match & 0x7f)),
  fp: ALL_INSNS.filter((d) => [0x53, 0x43, 0x47, 0x4b, 0x4f].includes(d.match & 0x7f)),
  load: ALL_INSNS.filter((d) => [0x03, 0x07].includes(d.match & 0x7f)),
  store: ALL_INSNS.filter((d) => [0x23, 0x27].includes(d.match & 0x7f)),
  amo: ALL_INSNS.filter((d) => (d.match & 0x7f) === 0x2f),
  branch: ALL_INSNS.filter((d) => (d.match & 0x7f) === 0x63),
  csr: ALL_INSNS.filter((d) => d.name.startsWith('csr')),
};
/** CSRs an S-mode stream touches: its own, the FP ones, counters, satp, and M-mode ones (illegal). */
const CSRS = [0x100, 0x104, 0x105, 0x106, 0x140, 0x141, 0x142, 0x143, 0x144, 0x180, 0x001, 0x002, 0x003,
  0xc00, 0xc01, 0xc02, 0x300, 0x305, 0x341, 0x7ff, 0x14d];

/** A word from a definition: its match bits, random bits wherever the mask leaves them free. */
function fill(rng: Rng, d: { match: number; mask: number }): number {
  return (d.match | (rng.u32() & ~d.mask)) | 0;
}

function writesProtected(w: number): boolean {
  const op = OPC(w);
  if (op === 0x23 || op === 0x27 || op === 0x63) return false; // stores, branches: no rd
  const rd = (w >> 7) & 31;
  return rd === GP || rd === TP;
}

function setRs1(w: number, r: number): number { return (w & ~(31 << 15)) | (r << 15); }

/** `len` bytes of random code (len a multiple of 4). */
export function randomStream(rng: Rng, len: number): Uint8Array {
  const out = new Uint8Array(len);
  const dv = new DataView(out.buffer);
  let o = 0;
  const put32 = (w: number) => { dv.setUint32(o, w >>> 0, true); o += 4; };
  const put16 = (w: number) => { dv.setUint16(o, w, true); o += 2; };
  const pick = <T>(xs: T[]): T => xs[rng.below(xs.length)];
  const base = () => { const k = rng.below(10); return k < 6 ? GP : k < 8 ? TP : rng.below(32); };
  /** Forward distance in bytes that stays inside the stream (0 when none fits). */
  const forward = (max: number) => { const room = len - o - 8; if (room < 8) return 0; return 4 + 2 * rng.below(Math.min(max, room - 4) >> 1); };
  while (o + 8 <= len) {
    const k = rng.below(100);
    let w = 0;
    if (k < 30) { // integer and M
      do w = fill(rng, pick(GROUPS.alu)); while (writesProtected(w)); // OP and OP-32 hold M too
      put32(w);
    } else if (k < 45) { // compressed, any (but no control transfer)
      let c = 0;
      for (;;) {
        c = rng.below(0x10000);
        if ((c & 3) === 3) continue;
        const e = expandCompressed(c);
        if (e !== 0 && ([0x6f, 0x67, 0x63].includes(OPC(e)) || writesProtected(e))) continue;
        if (e === 0 && c !== 0 && rng.chance(0.8)) continue; // some illegal ones, not too many
        break;
      }
      put16(c);
    } else if (k < 57) { // loads and stores
      const store = rng.chance(0.45);
      do w = setRs1(fill(rng, pick(store ? GROUPS.store : GROUPS.load)), base()); while (writesProtected(w));
      put32(w);
    } else if (k < 62) { // A
      do w = setRs1(fill(rng, pick(GROUPS.amo)), rng.chance(0.8) ? GP : base()); while (writesProtected(w));
      put32(w);
    } else if (k < 72) { // F and D
      do w = fill(rng, pick(GROUPS.fp)); while (writesProtected(w));
      put32(w);
    } else if (k < 80) { // branches forward
      const dist = forward(48);
      if (dist === 0) continue;
      w = fill(rng, pick(GROUPS.branch)) & ~(0xfe000f80 | 0);
      const imm = dist;
      w |= ((imm >> 12) & 1) << 31 | ((imm >> 5) & 0x3f) << 25 | ((imm >> 1) & 0xf) << 8 | ((imm >> 11) & 1) << 7;
      put32(w);
    } else if (k < 83) { // jal forward (rd random, not gp/tp)
      const dist = forward(32);
      if (dist === 0) continue;
      let rd = rng.below(32); if (rd === GP || rd === TP) rd = 1;
      put32(jal(rd, dist));
    } else if (k < 85) { // auipc r, 0; jalr rd, off(r)
      const dist = forward(32);
      if (dist < 12) continue;
      let r = 5 + rng.below(26); if (r === GP || r === TP) r = 5;
      let rd = rng.below(32); if (rd === GP || rd === TP) rd = 0;
      put32(0x17 | (r << 7));
      put32(0x67 | (rd << 7) | (r << 15) | (dist << 20));
    } else if (k < 87) { // into the middle: jal x0, +6 over a 32-bit word whose upper half is random
      if (len - o < 16) continue;
      put32(jal(0, 6));
      put32(((rng.u32() & 0xffff0000) | (rng.u32() & 0xfffc) | 3) | 0);
    } else if (k < 94) { // Zicsr
      do {
        w = fill(rng, pick(GROUPS.csr));
        w = (w & 0xfffff) | (pick(CSRS) << 20);
      } while (writesProtected(w));
      put32(w);
    } else { // system and fences
      const names = ['ecall', 'ebreak', 'fence', 'fence.i', 'sfence.vma', 'wfi', 'sret', 'mret'];
      const d = byName.get(pick(names))!;
      w = fill(rng, d);
      if (d.name === 'fence' || d.name === 'fence.i') w &= ~(31 << 7);
      put32(w);
    }
  }
  return out;
}

function jal(rd: number, imm: number): number {
  return (0x6f | (rd << 7) | (((imm >> 20) & 1) << 31) | (((imm >> 1) & 0x3ff) << 21) | (((imm >> 11) & 1) << 20) | (((imm >> 12) & 0xff) << 12)) | 0;
}

/** Instruction groups present in a stream (for the test's coverage assertion). */
export function groupsIn(bytes: Uint8Array): Set<string> {
  const seen = new Set<string>();
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let o = 0; o + 2 <= bytes.length;) {
    const lo = dv.getUint16(o, true);
    let w: number;
    if ((lo & 3) === 3 && o + 4 <= bytes.length) { w = dv.getUint32(o, true) | 0; o += 4; } else { w = expandCompressed(lo); o += 2; seen.add('compressed'); if (w === 0) continue; }
    const name = ALL_INSNS[DECODER.lookup(w)].name;
    seen.add(name.startsWith('amo') || name.startsWith('lr') || name.startsWith('sc') ? 'A' : name);
  }
  return seen;
}
