// The floating-point register file and the raw-bit accessors every F/D operation uses:
// NaN-boxed single reads (an improperly boxed single reads as the canonical NaN), boxed
// single writes, and BigInt bit patterns for the exact slow path. NaN values never travel
// through JS numbers when their bits matter (a NaN's payload may change on the way).

/** The 32 floating-point registers (64 bits each, singles NaN-boxed) plus fflags and frm. */
export class FpRegs {
  readonly buffer = new ArrayBuffer(32 * 8);
  /** f[n]: low 32 bits at i32[2n], high at i32[2n+1]. */
  readonly i32 = new Int32Array(this.buffer);
  /** f64[n] is f[n] as a double. */
  readonly f64 = new Float64Array(this.buffer);
  /** f32[2n] is the low word as a single (valid only when NaN-boxed: i32[2n+1] === -1). */
  readonly f32 = new Float32Array(this.buffer);
  /** Accrued exceptions: NV=16 DZ=8 OF=4 UF=2 NX=1. */
  fflags = 0;
  /** Dynamic rounding mode 0..7. */
  frm = 0;
}

export const CANONICAL_NAN_S = 0x7fc00000;
export const CANONICAL_NAN_D_HI = 0x7ff80000;

/** Raw 32 bits of single register r; the canonical NaN when r is not properly NaN-boxed. */
export function wordS(f: FpRegs, r: number): number {
  return f.i32[2 * r + 1] === -1 ? f.i32[2 * r] : CANONICAL_NAN_S;
}

/** Single register r as a number (NaN when unboxed or NaN; look at the bits then). */
export function readS(f: FpRegs, r: number): number {
  const v = f.f32[2 * r];
  // `v + NaN`, not the global NaN: both arms stay plain doubles for V8 (measured faster).
  return f.i32[2 * r + 1] === -1 ? v : v + NaN;
}

/** Writes a non-NaN single value (already representable) to r, NaN-boxed. */
export function writeS(f: FpRegs, r: number, v: number): void {
  f.f32[2 * r] = v;
  f.i32[2 * r + 1] = -1;
}

export function writeWordS(f: FpRegs, r: number, w: number): void {
  f.i32[2 * r] = w;
  f.i32[2 * r + 1] = -1;
}

export function bitsS(f: FpRegs, r: number): bigint {
  return BigInt(wordS(f, r) >>> 0);
}

export function bitsD(f: FpRegs, r: number): bigint {
  return (BigInt(f.i32[2 * r + 1] >>> 0) << 32n) | BigInt(f.i32[2 * r] >>> 0);
}

export function writeBitsS(f: FpRegs, r: number, bits: bigint): void {
  writeWordS(f, r, Number(bits) | 0);
}

export function writeBitsD(f: FpRegs, r: number, bits: bigint): void {
  f.i32[2 * r] = Number(bits & 0xffffffffn) | 0;
  f.i32[2 * r + 1] = Number(bits >> 32n) | 0;
}

/** Whether the single word w is a signaling NaN. */
export function isSNaNWord(w: number): boolean {
  return (w & 0x7fc00000) === 0x7f800000 && (w & 0x003fffff) !== 0;
}

/** Whether double register r holds a signaling NaN. */
export function isSNaND(f: FpRegs, r: number): boolean {
  const hi = f.i32[2 * r + 1];
  return (hi & 0x7ff80000) === 0x7ff00000 && ((hi & 0x0007ffff) | f.i32[2 * r]) !== 0;
}

/** Whether single register r holds a signaling NaN (an unboxed value reads as a quiet NaN). */
export function isSNaNS(f: FpRegs, r: number): boolean {
  return isSNaNWord(wordS(f, r));
}
