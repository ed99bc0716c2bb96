// RISC-V RV64GC disassembler printing what `riscv64-unknown-elf-objdump -d` prints (binutils
// 2.40 syntax): ABI register names, its pseudo-instructions, CSR names, branch targets as
// `addr <symbol+off>`, and its `# addr <symbol>` comments for auipc/lui-based addresses.
// A Disassembler keeps objdump's per-register record of auipc/lui results across a sweep.
import { csrName, PrivSpec } from './csr-names';
import { expandCompressed } from './rv-compressed';
import { OpEntry, TABLE } from './rv-table';

export const XREG = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];
export const FREG = ['ft0', 'ft1', 'ft2', 'ft3', 'ft4', 'ft5', 'ft6', 'ft7', 'fs0', 'fs1', 'fa0', 'fa1', 'fa2', 'fa3', 'fa4', 'fa5', 'fa6', 'fa7', 'fs2', 'fs3', 'fs4', 'fs5', 'fs6', 'fs7', 'fs8', 'fs9', 'fs10', 'fs11', 'ft8', 'ft9', 'ft10', 'ft11'];
const RM = ['rne', 'rtz', 'rdn', 'rup', 'rmm', '', '', 'dyn'];

export interface Instruction {
  address: bigint;
  /** 2 or 4 (6 or 8 for the reserved long encodings; 1, 2 or 4 for data). */
  length: number;
  /** The raw instruction bits. */
  word: number;
  mnemonic: string;
  operands: string;
  /** objdump's trailing comment without `# ` (e.g. `800024d8 <sink>`), if any. */
  comment?: string;
  /** Branch or jump target, if the instruction has one. */
  target?: bigint;
  /** mnemonic, tab, operands, and ` # comment` as objdump prints them. */
  text: string;
}

export interface DisassemblerOptions {
  /** Names an address: `<sym+0x10>` (with the brackets), or undefined for none. */
  symbolize?: (addr: bigint) => string | undefined;
  /** Privileged-spec version from the file's attributes (e.g. 111 for 1.11); 0 for all names. */
  privSpec?: PrivSpec;
  /** Value of __global_pointer$, for gp-relative comments. */
  gp?: bigint;
  /** Extensions the file was built for (Tag_RISCV_arch); objdump decodes F, D and pause only then. Undefined: all. */
  extensions?: Set<string>;
}

const M64 = (1n << 64n) - 1n;
const FENCE = TABLE.find((x) => x.name === 'fence' && x.fmt === 'P,Q')!;
const byOpcode = new Map<number, OpEntry[]>();
for (const e of TABLE) {
  const op = e.match & 0x7f;
  let l = byOpcode.get(op);
  if (!l) byOpcode.set(op, (l = []));
  l.push(e);
}

const ADDI = TABLE.find((e) => e.name === 'add' && e.fmt === 'd,s,j')!;

/** The table entry for a 32-bit instruction word, or undefined when it is not RV64GC. */
export function lookup(word: number): OpEntry | undefined {
  const list = byOpcode.get(word & 0x7f);
  if (!list) return undefined;
  for (const e of list) if (((word & e.mask) >>> 0) === e.match && (!e.when || e.when(word))) return e;
  return undefined;
}

export class Disassembler {
  private hi: Array<bigint | undefined> = new Array(32).fill(undefined);
  constructor(private readonly opts: DisassemblerOptions = {}) {}

  /** Extensions from the last `$x<isa>` mapping symbol of a sweep (objdump's per-region ISA). */
  private isa?: Set<string>;

  /** Forgets recorded auipc/lui values (objdump does so only when it starts). */
  reset(): void { this.hi.fill(undefined); }

  /** Decodes one instruction from `bytes` (little-endian) at address `pc`. */
  decode(bytes: Uint8Array, pc: bigint): Instruction {
    if (bytes.length < 2) return this.raw(pc, bytes.length ? bytes[0] : 0, bytes.length || 1, '.byte');
    const h = bytes[0] | (bytes[1] << 8);
    const exts = this.isa ?? this.opts.extensions;
    const ext = (x: string) => !exts || exts.has(x) || (x !== 'zihintpause' && exts.has('g'));
    if ((h & 3) !== 3) {
      if (h === 0) return this.make(pc, 2, 0, 'unimp', '');
      // c.fld/c.fsd/c.fldsp/c.fsdsp need D
      if (((h & 3) === 0 || (h & 3) === 2) && ((h >>> 13) === 1 || (h >>> 13) === 5) && !ext('d')) return this.raw(pc, h, 2, '.insn');
      const ex = expandCompressed(h);
      if (!ex) return this.raw(pc, h, 2, '.insn');
      if (ex.hint) {
        const ops = ex.hint.operands.map((r) => XREG[r]);
        if (ex.hint.shamt !== undefined) ops.push('0x' + ex.hint.shamt.toString(16));
        if (ex.hint.imm !== undefined) ops.push(ex.hint.imm);
        return this.make(pc, 2, h, ex.hint.mnemonic, ops.join(','));
      }
      const e = ex.noMv ? ADDI : lookup(ex.word);
      if (!e) return this.raw(pc, h, 2, '.insn');
      return this.format(e, ex.word, pc, 2, h, ex.addrComment);
    }
    // 48- and 64-bit encodings (no instructions defined): objdump prints a 64-bit one as one
    // number and a 48-bit one byte by byte
    const long = (h & 0x3f) === 0x1f ? 6 : (h & 0x7f) === 0x3f ? 8 : 0;
    if (long && bytes.length >= long) {
      if (long === 6) return this.make(pc, 6, h, '.byte', Array.from(bytes.subarray(0, 6), (b) => '0x' + b.toString(16).padStart(2, '0')).join(', '));
      let v = 0n;
      for (let i = long - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
      return this.make(pc, long, h, '.8byte', '0x' + v.toString(16));
    }
    if ((h & 0x1f) === 0x1f || bytes.length < 4) return this.raw(pc, h, bytes.length < 4 ? 2 : 4, '.insn');
    const w = (bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24)) >>> 0;
    let e = lookup(w);
    if (!e) return this.raw(pc, w, 4, '.insn');
    const major = w & 0x7f;
    if (major === 0x07 || major === 0x27 || major === 0x43 || major === 0x47 || major === 0x4b || major === 0x4f || major === 0x53) {
      const double = major === 0x07 || major === 0x27 ? ((w >>> 12) & 7) === 3 : ((w >>> 25) & 3) === 1;
      if (!ext('f') || (double && !ext('d'))) return this.raw(pc, w, 4, '.insn');
    }
    if (e.name === 'pause' && !ext('zihintpause')) e = FENCE;
    return this.format(e, w, pc, 4, w, true);
  }

  /**
   * Disassembles a whole buffer mapped at `base`. `mapping`: the section's mapping symbols
   * ($x code, $d data; sorted, the later one winning at one address), as objdump uses them:
   * data is shown in `.word` chunks that stop at the next mapping symbol.
   */
  sweep(bytes: Uint8Array, base: bigint, mapping: Array<{ address: bigint; data: boolean; isa?: Set<string> }> = []): Instruction[] {
    const out: Instruction[] = [];
    let m = -1; // the mapping symbol in force
    for (let off = 0; off < bytes.length;) {
      const pc = base + BigInt(off);
      while (m + 1 < mapping.length && mapping[m + 1].address <= pc) { m++; if (mapping[m].isa) this.isa = mapping[m].isa; } // `$x<isa>` sets the extensions until the next one
      if (m >= 0 && mapping[m].data) {
        const next = m + 1 < mapping.length ? Number(mapping[m + 1].address - pc) : Infinity;
        let n = Math.min(4, next, bytes.length - off);
        if (n === 3) n = 2;
        let v = 0;
        for (let i = n - 1; i >= 0; i--) v = v * 256 + bytes[off + i];
        const dir = n === 4 ? '.word' : n === 2 ? '.short' : '.byte';
        out.push(this.make(pc, n, v, dir, '0x' + v.toString(16).padStart(n * 2, '0')));
        off += n;
        continue;
      }
      const ins = this.decode(bytes.subarray(off, off + 8), pc);
      out.push(ins);
      off += ins.length;
    }
    return out;
  }

  private raw(pc: bigint, word: number, length: number, dir: string): Instruction {
    void dir;
    return this.make(pc, length, word, length === 2 ? '.2byte' : '.4byte', '0x' + word.toString(16));
  }

  private make(address: bigint, length: number, word: number, mnemonic: string, operands: string, comment?: string, target?: bigint): Instruction {
    const text = (operands ? `${mnemonic}\t${operands}` : mnemonic) + (comment ? ` # ${comment}` : '');
    return { address, length, word, mnemonic, operands, comment, target, text };
  }

  private addrText(a: bigint): string {
    const s = this.opts.symbolize?.(a);
    return s ? `${a.toString(16)} ${s}` : a.toString(16);
  }

  private format(e: OpEntry, w: number, pc: bigint, length: number, raw: number, addrComments: boolean): Instruction {
    const rd = (w >>> 7) & 31, rs1 = (w >>> 15) & 31, rs2 = (w >>> 20) & 31, rs3 = w >>> 27;
    const iImm = w >> 20;
    const sImm = ((w >> 25) << 5) | ((w >>> 7) & 31);
    let printAddr: bigint | undefined;
    let target: bigint | undefined;
    const maybeAddr = (base: number, off: number, wide: boolean) => {
      let a: bigint;
      const h = this.hi[base];
      if (h !== undefined) { a = (base !== 0 ? h : 0n) + BigInt(off); this.hi[base] = undefined; }
      else if (base === 3 && this.opts.gp !== undefined) a = this.opts.gp + BigInt(off);
      else if (base === 4 || base === 0) a = BigInt(off);
      else return;
      a &= M64;
      if (wide) a = BigInt.asUintN(64, BigInt.asIntN(32, a));
      printAddr = a;
    };
    const isAddi = (w & 0x707f) === 0x13, isAddiw = (w & 0x707f) === 0x1b, isJalr = (w & 0x707f) === 0x67;
    const parts: string[] = [];
    for (const op of e.fmt ? e.fmt.split(',') : []) {
      switch (op) {
        case 'd': {
          if ((w & 0x7f) === 0x17) this.hi[rd] = (pc + BigInt((w & 0xfffff000) | 0)) & M64;
          else if ((w & 0x7f) === 0x37) this.hi[rd] = BigInt((w & 0xfffff000) | 0) & M64;
          parts.push(XREG[rd]);
          break;
        }
        case 's':
          if (isJalr && addrComments) maybeAddr(rs1, 0, false);
          parts.push(XREG[rs1]);
          break;
        case 't': parts.push(XREG[rs2]); break;
        case 'D': parts.push(FREG[rd]); break;
        case 'S': parts.push(FREG[rs1]); break;
        case 'T': parts.push(FREG[rs2]); break;
        case 'R': parts.push(FREG[rs3]); break;
        case 'j':
          if (addrComments) {
            if ((isAddi && rs1 !== 0) || isJalr) maybeAddr(rs1, iImm, false);
            if (isAddiw && rs1 !== 0) maybeAddr(rs1, iImm, true);
          }
          parts.push(String(iImm));
          break;
        case 'o':
          if (addrComments) {
            maybeAddr(rs1, iImm, false);
            // objdump's offset operand falls through to its immediate one, which asks again for
            // addi/jalr: the record is gone by then, so tp, gp and x0 bases win over it
            if ((isAddi && rs1 !== 0) || isJalr) maybeAddr(rs1, iImm, false);
          }
          parts.push(`${iImm}(${XREG[rs1]})`);
          break;
        case 'q':
          if (addrComments) maybeAddr(rs1, sImm, false);
          parts.push(`${sImm}(${XREG[rs1]})`);
          break;
        case 'b': {
          const off = ((w >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 0x3f) << 5) | (((w >>> 8) & 0xf) << 1);
          target = (pc + BigInt(off)) & M64;
          parts.push(this.addrText(target));
          break;
        }
        case 'a': {
          const off = ((w >> 31) << 20) | (((w >>> 12) & 0xff) << 12) | (((w >>> 20) & 1) << 11) | (((w >>> 21) & 0x3ff) << 1);
          target = (pc + BigInt(off)) & M64;
          parts.push(this.addrText(target));
          break;
        }
        case 'u': parts.push('0x' + (w >>> 12).toString(16)); break;
        case '>': parts.push('0x' + ((w >>> 20) & 0x3f).toString(16)); break;
        case '<': parts.push('0x' + ((w >>> 20) & 0x1f).toString(16)); break;
        case 'c': { const c = w >>> 20; parts.push(csrName(c, this.opts.privSpec ?? 0) ?? '0x' + c.toString(16)); break; }
        case 'Z': parts.push(String(rs1)); break;
        case 'm': { const rm = (w >>> 12) & 7; if (rm !== 7) parts.push(RM[rm] || 'unknown'); break; }
        case 'A': parts.push(`(${XREG[rs1]})`); break;
        case 'P': parts.push(fenceSet((w >>> 24) & 15)); break;
        case 'Q': parts.push(fenceSet((w >>> 20) & 15)); break;
        default: break;
      }
    }
    let comment: string | undefined;
    if (printAddr !== undefined) comment = this.addrText(printAddr);
    return this.make(pc, length, raw, e.name, parts.join(','), comment, target);
  }
}

function fenceSet(bits: number): string {
  let s = '';
  if (bits & 8) s += 'i';
  if (bits & 4) s += 'o';
  if (bits & 2) s += 'r';
  if (bits & 1) s += 'w';
  return s || 'unknown';
}
