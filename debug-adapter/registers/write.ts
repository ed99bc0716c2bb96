// Register writes from the Registers view (DAP setVariable) and the Debug Console: the text is a
// C number (decimal, 0x hex, 0 octal, 0b binary, a character constant, an optional sign and
// integer suffixes), else an expression the caller evaluates. FPRs take a floating-point number
// (written as a double) or hex bits; a CSR field takes a number or its decoded name (`M`, `Sv39`).
import { REG_F0 } from '../../emulator/target';
import { csrFields } from '../../gdbstub/monitor/csr-fields';
import { registerName, registerNumber } from './names';
import { registerNode, type RegisterNode } from './tree';
import type { Symbolize } from './format';

export type WriteResult = { ok: true; node: RegisterNode } | { ok: false; message: string };

export interface RegisterWriter {
  readRegister(hart: number, regno: number): Promise<bigint>;
  writeRegister(hart: number, regno: number, value: bigint): Promise<void>;
}

export interface WriteOptions {
  /** Evaluates a C expression (registers, variables) to a number, or returns gdb's error text. */
  evaluate?: (expr: string) => Promise<bigint | string>;
  symbolize?: Symbolize;
}

const M64 = (1n << 64n) - 1n;
const ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, '0': 0, a: 7, b: 8, f: 12, v: 11, '\\': 92, "'": 39, '"': 34 };

/** A C integer constant as a 64-bit pattern (negative numbers in two's complement), or undefined. */
export function parseCNumber(text: string): bigint | undefined {
  let s = text.trim();
  let neg = false;
  if (s.startsWith('-') || s.startsWith('+')) { neg = s[0] === '-'; s = s.slice(1).trim(); }
  let v: bigint;
  const ch = /^'(\\.|[^'\\])'$/.exec(s);
  if (ch) v = BigInt(ch[1].length === 1 ? ch[1].charCodeAt(0) : ESCAPES[ch[1][1]] ?? ch[1].charCodeAt(1));
  else {
    const m = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)([uU]?[lL]{0,2}|[lL]{1,2}[uU])$/.exec(s);
    if (!m) return undefined;
    const d = m[1];
    v = /^0[0-7]+$/.test(d) ? BigInt('0o' + d.slice(1)) : BigInt(d);
  }
  if (v > M64) return undefined;
  return neg ? (-v) & M64 : v;
}

function parseDoubleBits(text: string): bigint | undefined {
  const s = text.trim();
  if (!/^[-+]?((\d+\.?\d*|\.\d+)([eE][-+]?\d+)?|inf|nan)$/i.test(s)) return undefined;
  const x = /inf/i.test(s) ? (s.startsWith('-') ? -Infinity : Infinity) : /nan/i.test(s) ? NaN : Number(s);
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x, true);
  return dv.getBigUint64(0, true);
}

async function valueOf(text: string, opts: WriteOptions): Promise<bigint | string> {
  const n = parseCNumber(text);
  if (n !== undefined) return n;
  if (text.trim() === '') return 'Argument required (expression to compute).';
  if (!opts.evaluate) return `"${text.trim()}" is not a number (decimal, 0x hex, 0 octal, 0b binary or 'c')`;
  const r = await opts.evaluate(text);
  return typeof r === 'bigint' ? r & M64 : r;
}

/**
 * Writes a register (node.regno) or a CSR field (node.field) from the text a user typed, and
 * returns the node as it reads back. Never rejects: a bad value or a refused write is a message.
 */
export async function writeRegisterNode(target: RegisterWriter, hart: number, node: Pick<RegisterNode, 'regno' | 'field' | 'name'>, text: string, opts: WriteOptions = {}): Promise<WriteResult> {
  try {
    if (node.field) {
      const { regno, hi, lo } = node.field;
      const width = BigInt(hi - lo + 1);
      const mask = (1n << width) - 1n;
      const old = BigInt.asUintN(64, await target.readRegister(hart, regno));
      let v: bigint | string | undefined;
      if (width <= 4n) {
        // a decoded name (`M`, `Sv39`, `Dirty`) by trying each value of the field
        const want = text.trim().toLowerCase();
        for (let x = 0n; x <= mask && v === undefined; x++) {
          const f = csrFields(registerName(regno), (old & ~(mask << BigInt(lo))) | (x << BigInt(lo)))?.find((g) => g.hi === hi && g.lo === lo && g.name === node.name);
          if (f && f.text.toLowerCase() === want && !/^\d+$/.test(want)) v = x;
        }
      }
      v ??= await valueOf(text, opts);
      if (typeof v === 'string') return { ok: false, message: v };
      if (v > mask) return { ok: false, message: `${node.name} is ${width} bit${width === 1n ? '' : 's'} wide: ${text.trim()} does not fit` };
      await target.writeRegister(hart, regno, (old & ~(mask << BigInt(lo))) | (v << BigInt(lo)));
      const back = await target.readRegister(hart, regno);
      const field = registerNode(regno, back, opts.symbolize);
      const kids = field.children ? await field.children() : [];
      return { ok: true, node: kids.find((k) => k.name === node.name) ?? field };
    }
    const regno = node.regno ?? (node.name ? registerNumber(node.name) : undefined);
    if (regno === undefined) return { ok: false, message: `Invalid register \`${node.name ?? '?'}'` };
    if (regno === 0) return { ok: false, message: 'zero (x0) is hard-wired to 0' };
    let v: bigint | string | undefined;
    if (regno >= REG_F0 && regno < REG_F0 + 32 && !/^[-+]?0[xX]/.test(text.trim())) v = parseDoubleBits(text);
    v ??= await valueOf(text, opts);
    if (typeof v === 'string') return { ok: false, message: v };
    await target.writeRegister(hart, regno, v);
    return { ok: true, node: registerNode(regno, await target.readRegister(hart, regno), opts.symbolize) };
  } catch (e) {
    return { ok: false, message: `Could not write register "${node.name ?? registerName(node.regno ?? 0)}": ${(e as Error).message}` };
  }
}
