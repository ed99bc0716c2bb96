// A extension (unprivileged spec, chapter 8): LR/SC with a reservation kept by the bus (any
// store, AMO or DMA to the reserved granule breaks it) and the AMOs in W and D forms.
// Misaligned AMOs raise address-misaligned exceptions; aq/rl need nothing with one hart
// running at a time.
import { def, InsnDef, fields } from './decode';
import type { Hart } from './hart';

// Module-local bindings for the hot path (see decode.ts `fields`).
const { rd, rs1, rs2 } = fields;

const AMO = 0x2f;
const MASK_AMO = 0xf800707f | 0;
const MASK_LR = 0xf9f0707f | 0;
const amo = (funct5: number, width: number): number => (AMO | (width << 12) | (funct5 << 27)) | 0;
const W = 2, D = 3;

type Op32 = (old: number, src: number) => number;

/** Read-modify-write of a word: rd = sext(old), memory = f(old, x[rs2]). */
function amoW(h: Hart, i: number, f: Op32): void {
  const va = h.addr(rs1(i), 0);
  const pa = h.amoAddress(va, 4, false);
  const old = h.physRead32(pa, false, va);
  h.physWrite32(pa, f(old, h.x[2 * rs2(i)]), va);
  const d = 2 * rd(i);
  h.x[d] = old; h.x[d + 1] = old >> 31;
}

const T = new Int32Array(2);
type Op64 = (olo: number, ohi: number, slo: number, shi: number) => void; // result in T

/** Read-modify-write of a doubleword. */
function amoD(h: Hart, i: number, f: Op64): void {
  const va = h.addr(rs1(i), 0);
  const pa = h.amoAddress(va, 8, false);
  const olo = h.physRead32(pa, false, va), ohi = h.physRead32(pa + 4, false, va);
  const s = 2 * rs2(i);
  f(olo, ohi, h.x[s], h.x[s + 1]);
  h.physWrite32(pa, T[0], va);
  h.physWrite32(pa + 4, T[1], va);
  const d = 2 * rd(i);
  h.x[d] = olo; h.x[d + 1] = ohi;
}

const lt = (ahi: number, alo: number, bhi: number, blo: number) => ahi < bhi || (ahi === bhi && (alo >>> 0) < (blo >>> 0));
const ltu = (ahi: number, alo: number, bhi: number, blo: number) => (ahi >>> 0) < (bhi >>> 0) || (ahi === bhi && (alo >>> 0) < (blo >>> 0));
const pick = (useA: boolean, alo: number, ahi: number, blo: number, bhi: number) => { if (useA) { T[0] = alo; T[1] = ahi; } else { T[0] = blo; T[1] = bhi; } };

export const RV64A: InsnDef[] = [
  def('lr.w', amo(0x02, W), MASK_LR, (h, i) => {
    const va = h.addr(rs1(i), 0);
    const pa = h.amoAddress(va, 4, true);
    const v = h.physRead32(pa, true, va);
    h.bus.reserve(h.id, pa);
    const d = 2 * rd(i); h.x[d] = v; h.x[d + 1] = v >> 31;
  }),
  def('lr.d', amo(0x02, D), MASK_LR, (h, i) => {
    const va = h.addr(rs1(i), 0);
    const pa = h.amoAddress(va, 8, true);
    const lo = h.physRead32(pa, true, va), hi = h.physRead32(pa + 4, true, va);
    h.bus.reserve(h.id, pa);
    const d = 2 * rd(i); h.x[d] = lo; h.x[d + 1] = hi;
  }),
  def('sc.w', amo(0x03, W), MASK_AMO, (h, i) => {
    const va = h.addr(rs1(i), 0);
    const pa = h.amoAddress(va, 4, false);
    const ok = h.bus.takeReservation(h.id, pa);
    if (ok) h.physWrite32(pa, h.x[2 * rs2(i)], va);
    const d = 2 * rd(i); h.x[d] = ok ? 0 : 1; h.x[d + 1] = 0;
  }),
  def('sc.d', amo(0x03, D), MASK_AMO, (h, i) => {
    const va = h.addr(rs1(i), 0);
    const pa = h.amoAddress(va, 8, false);
    const ok = h.bus.takeReservation(h.id, pa);
    if (ok) { const s = 2 * rs2(i); h.physWrite32(pa, h.x[s], va); h.physWrite32(pa + 4, h.x[s + 1], va); }
    const d = 2 * rd(i); h.x[d] = ok ? 0 : 1; h.x[d + 1] = 0;
  }),

  def('amoswap.w', amo(0x01, W), MASK_AMO, (h, i) => amoW(h, i, (_o, s) => s)),
  def('amoadd.w', amo(0x00, W), MASK_AMO, (h, i) => amoW(h, i, (o, s) => (o + s) | 0)),
  def('amoxor.w', amo(0x04, W), MASK_AMO, (h, i) => amoW(h, i, (o, s) => o ^ s)),
  def('amoand.w', amo(0x0c, W), MASK_AMO, (h, i) => amoW(h, i, (o, s) => o & s)),
  def('amoor.w', amo(0x08, W), MASK_AMO, (h, i) => amoW(h, i, (o, s) => o | s)),
  def('amomin.w', amo(0x10, W), MASK_AMO, (h, i) => amoW(h, i, (o, s) => (o < s ? o : s))),
  def('amomax.w', amo(0x14, W), MASK_AMO, (h, i) => amoW(h, i, (o, s) => (o > s ? o : s))),
  def('amominu.w', amo(0x18, W), MASK_AMO, (h, i) => amoW(h, i, (o, s) => ((o >>> 0) < (s >>> 0) ? o : s))),
  def('amomaxu.w', amo(0x1c, W), MASK_AMO, (h, i) => amoW(h, i, (o, s) => ((o >>> 0) > (s >>> 0) ? o : s))),

  def('amoswap.d', amo(0x01, D), MASK_AMO, (h, i) => amoD(h, i, (_l, _h, sl, sh) => { T[0] = sl; T[1] = sh; })),
  def('amoadd.d', amo(0x00, D), MASK_AMO, (h, i) => amoD(h, i, (ol, oh, sl, sh) => {
    const lo = (ol + sl) | 0; T[1] = (oh + sh + ((lo >>> 0) < (ol >>> 0) ? 1 : 0)) | 0; T[0] = lo;
  })),
  def('amoxor.d', amo(0x04, D), MASK_AMO, (h, i) => amoD(h, i, (ol, oh, sl, sh) => { T[0] = ol ^ sl; T[1] = oh ^ sh; })),
  def('amoand.d', amo(0x0c, D), MASK_AMO, (h, i) => amoD(h, i, (ol, oh, sl, sh) => { T[0] = ol & sl; T[1] = oh & sh; })),
  def('amoor.d', amo(0x08, D), MASK_AMO, (h, i) => amoD(h, i, (ol, oh, sl, sh) => { T[0] = ol | sl; T[1] = oh | sh; })),
  def('amomin.d', amo(0x10, D), MASK_AMO, (h, i) => amoD(h, i, (ol, oh, sl, sh) => pick(lt(oh, ol, sh, sl), ol, oh, sl, sh))),
  def('amomax.d', amo(0x14, D), MASK_AMO, (h, i) => amoD(h, i, (ol, oh, sl, sh) => pick(lt(sh, sl, oh, ol), ol, oh, sl, sh))),
  def('amominu.d', amo(0x18, D), MASK_AMO, (h, i) => amoD(h, i, (ol, oh, sl, sh) => pick(ltu(oh, ol, sh, sl), ol, oh, sl, sh))),
  def('amomaxu.d', amo(0x1c, D), MASK_AMO, (h, i) => amoD(h, i, (ol, oh, sl, sh) => pick(ltu(sh, sl, oh, ol), ol, oh, sl, sh))),
];
