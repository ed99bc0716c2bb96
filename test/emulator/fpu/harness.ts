// Test support for the F/D unit tests: instruction encoders, a tiny hart state (f and x
// registers), one-call runners that put operand bits in registers, execute one instruction
// and return result bits and flags, and the host oracle (oracle.c, compiled at test time).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { FpRegs, executeFp } from '../../../emulator/cpu/fpu/fpu';
import { CACHE_DIR } from '../../support/toolchain';

export const FMT_S = 0, FMT_D = 1;

/** OP-FP encoding: funct5 fmt rs2 rs1 rm rd 1010011. */
export function opFp(funct5: number, fmt: number, rd: number, rs1: number, rs2: number, rm: number): number {
  return ((funct5 << 27) | (fmt << 25) | (rs2 << 20) | (rs1 << 15) | (rm << 12) | (rd << 7) | 0x53) >>> 0;
}

/** R4 encoding (FMADD 0x43, FMSUB 0x47, FNMSUB 0x4b, FNMADD 0x4f). */
export function opR4(opcode: number, fmt: number, rd: number, rs1: number, rs2: number, rs3: number, rm: number): number {
  return ((rs3 << 27) | (fmt << 25) | (rs2 << 20) | (rs1 << 15) | (rm << 12) | (rd << 7) | opcode) >>> 0;
}

export const FUNCT5: Record<string, number> = {
  add: 0x00, sub: 0x01, mul: 0x02, div: 0x03, sqrt: 0x0b, sgnj: 0x04, minmax: 0x05, cvtff: 0x08,
  cmp: 0x14, cvtToInt: 0x18, cvtFromInt: 0x1a, mvx: 0x1c, mvf: 0x1e,
};
export const R4_OPCODE: Record<string, number> = { madd: 0x43, msub: 0x47, nmsub: 0x4b, nmadd: 0x4f };

/** A hart's FP-relevant state. */
export class Hart {
  readonly f = new FpRegs();
  readonly x = new Int32Array(64);

  setF(r: number, bits: bigint, fmt: number): void {
    if (fmt === FMT_S) { this.f.i32[2 * r] = Number(bits & 0xffffffffn) | 0; this.f.i32[2 * r + 1] = -1; }
    else this.setRawF(r, bits);
  }
  setRawF(r: number, bits: bigint): void {
    this.f.i32[2 * r] = Number(bits & 0xffffffffn) | 0;
    this.f.i32[2 * r + 1] = Number((bits >> 32n) & 0xffffffffn) | 0;
  }
  rawF(r: number): bigint {
    return (BigInt(this.f.i32[2 * r + 1] >>> 0) << 32n) | BigInt(this.f.i32[2 * r] >>> 0);
  }
  setX(r: number, bits: bigint): void {
    this.x[2 * r] = Number(bits & 0xffffffffn) | 0;
    this.x[2 * r + 1] = Number((bits >> 32n) & 0xffffffffn) | 0;
  }
  getX(r: number): bigint {
    return (BigInt(this.x[2 * r + 1] >>> 0) << 32n) | BigInt(this.x[2 * r] >>> 0);
  }
  exec(insn: number): number { return executeFp(insn, this.f, this.x); }
}

/** Bits as hex of the format's width (S 8 digits, D 16). */
export function hex(bits: bigint, width = 64): string {
  return bits.toString(16).padStart(width / 4, '0');
}

export function isNaNBits(bits: bigint, fmt: number): boolean {
  return fmt === FMT_S
    ? (bits & 0x7f800000n) === 0x7f800000n && (bits & 0x7fffffn) !== 0n
    : (bits & 0x7ff0000000000000n) === 0x7ff0000000000000n && (bits & 0xfffffffffffffn) !== 0n;
}

export const CANONICAL = [0x7fc00000n, 0x7ff8000000000000n];

/** Compiles oracle.c with the host gcc into the test cache (keyed by source hash). */
export function oraclePath(): string {
  const src = join(__dirname, 'oracle.c');
  const text = readFileSync(src);
  const cpu = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  // Hardware FMA when the host has it; otherwise glibc's fma(), which is correctly rounded too.
  const flags = ['-O2', '-frounding-math', '-fsignaling-nans', '-ffp-contract=off', ...(/\bfma\b/.test(cpu) ? ['-mfma'] : [])];
  const key = createHash('sha256').update(text).update(flags.join(' ')).digest('hex').slice(0, 16);
  mkdirSync(CACHE_DIR, { recursive: true });
  const out = join(CACHE_DIR, `fpu-oracle-${key}`);
  if (!existsSync(out)) {
    const tmp = `${out}.${process.pid}.tmp`;
    execFileSync('gcc', [...flags, '-o', tmp, src, '-lm'], { stdio: ['ignore', 'pipe', 'pipe'] });
    renameSync(tmp, out);
  }
  return out;
}

export interface OracleCase { op: string; rm: number; a: bigint; b: bigint; c: bigint }
export interface OracleAnswer { bits: bigint; flags: number }

/** Runs all cases through the host oracle in one process. */
export function runOracle(cases: OracleCase[]): OracleAnswer[] {
  const input = cases.map((k) => `${k.op} ${k.rm} ${hex(k.a)} ${hex(k.b)} ${hex(k.c)}\n`).join('');
  const out = execFileSync(oraclePath(), { input, maxBuffer: 1 << 30 }).toString().trim().split('\n');
  if (out.length !== cases.length) throw new Error(`oracle answered ${out.length} of ${cases.length} cases`);
  return out.map((line) => {
    const [r, fl] = line.split(' ');
    return { bits: BigInt(`0x${r}`), flags: Number(fl) };
  });
}
