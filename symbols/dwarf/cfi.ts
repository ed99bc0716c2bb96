// Call frame information from .debug_frame and .eh_frame (DWARF 5 section 6.4 and the LSB's
// .eh_frame format): CIEs and FDEs indexed by address on first use, and the CFA program run
// up to a given pc giving the rule for the CFA and for each saved register.
import { Reader } from '../bytes';
import { SymbolsError, WarningSink } from '../errors';

export type RegRule =
  | { kind: 'undefined' }
  | { kind: 'same' }
  | { kind: 'offset'; offset: number }
  | { kind: 'valOffset'; offset: number }
  | { kind: 'register'; reg: number }
  | { kind: 'expression'; expr: Uint8Array }
  | { kind: 'valExpression'; expr: Uint8Array };

export type CfaRule = { kind: 'regOffset'; reg: number; offset: number } | { kind: 'expression'; expr: Uint8Array };

export interface FrameRow { cfa: CfaRule; regs: Map<number, RegRule>; raReg: number; signalFrame: boolean }

interface Cie {
  hasAug: boolean;
  codeAlign: number;
  dataAlign: number;
  raReg: number;
  initial: Uint8Array;
  fdeEncoding: number;
  addrSize: number;
  signalFrame: boolean;
}
export interface Fde { lo: bigint; hi: bigint; cie: Cie; program: Uint8Array }

const DW_EH_PE_omit = 0xff;
const MAX_STATE_STACK = 64;

export class CallFrameInfo {
  private fdes?: Fde[];
  constructor(
    private readonly debugFrame: Uint8Array,
    private readonly ehFrame: Uint8Array,
    private readonly ehFrameAddr: bigint,
    private readonly little: boolean,
    private readonly addrSize: number,
    private readonly warnings: WarningSink,
  ) {}

  /** All FDEs of both sections sorted by start address (.debug_frame first on ties). */
  all(): Fde[] {
    if (this.fdes) return this.fdes;
    const out: Fde[] = [];
    this.parse(this.debugFrame, false, out);
    this.parse(this.ehFrame, true, out);
    out.sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
    this.fdes = out;
    return out;
  }

  find(pc: bigint): Fde | undefined {
    const f = this.all();
    let lo = 0, hi = f.length - 1, best = -1;
    while (lo <= hi) { const m = (lo + hi) >> 1; if (f[m].lo <= pc) { best = m; lo = m + 1; } else hi = m - 1; }
    for (let i = best; i >= 0 && i > best - 8; i--) if (pc >= f[i].lo && pc < f[i].hi) return f[i];
    return undefined;
  }

  private parse(data: Uint8Array, eh: boolean, out: Fde[]): void {
    const sec = eh ? '.eh_frame' : '.debug_frame';
    const r = new Reader(data, this.little, sec);
    const cies = new Map<number, Cie>();
    try {
      while (r.remaining >= 4) {
        const start = r.pos;
        let len = r.u32(), osz = 4;
        if (len === 0) { if (eh) break; continue; }
        if (len === 0xffffffff) { len = r.u64n(); osz = 8; }
        const bodyStart = r.pos;
        const end = bodyStart + len;
        if (end > data.length) throw new SymbolsError(`entry length ${len} runs past the section`, { section: sec, offset: start });
        const idPos = r.pos;
        const id = osz === 8 ? r.u64() : BigInt(r.u32());
        const isCie = eh ? id === 0n : id === (osz === 8 ? 0xffffffffffffffffn : 0xffffffffn);
        if (isCie) {
          cies.set(start, this.readCie(r, end, eh, sec));
        } else {
          const cieOff = eh ? idPos - Number(id) : Number(id);
          let cie = cies.get(cieOff);
          if (!cie && cieOff >= 0 && cieOff < data.length) {
            const rc = new Reader(data, this.little, sec, cieOff);
            let l = rc.u32(), o = 4;
            if (l === 0xffffffff) { l = rc.u64n(); o = 8; }
            const ce = rc.pos + l;
            rc.skip(o);
            cie = this.readCie(rc, ce, eh, sec);
            cies.set(cieOff, cie);
          }
          if (!cie) throw new SymbolsError(`FDE refers to a missing CIE at ${cieOff}`, { section: sec, offset: start });
          const enc = eh ? cie.fdeEncoding : 0;
          const lo = this.readEncoded(r, enc, eh, sec);
          const range = this.readEncoded(r, enc & 0x0f, eh, sec);
          if (eh && cie.hasAug) { const n = r.uleb(); r.skip(n); }
          if (r.pos > end) throw new SymbolsError('FDE header runs past its end', { section: sec, offset: start });
          if (range > 0n) out.push({ lo, hi: lo + range, cie, program: data.subarray(r.pos, end) });
        }
        r.pos = end;
      }
    } catch (e) {
      this.warnings.caught(sec, e);
    }
  }

  private readCie(r: Reader, end: number, eh: boolean, sec: string): Cie & { hasAug: boolean } {
    const version = r.u8();
    const aug = r.cstring();
    let addrSize = this.addrSize;
    if (version >= 4) { addrSize = r.u8(); r.u8(); }
    const codeAlign = r.uleb(), dataAlign = r.sleb();
    const raReg = version === 1 ? r.u8() : r.uleb();
    let fdeEncoding = 0, signalFrame = false, hasAug = false;
    if (aug.startsWith('z')) {
      hasAug = true;
      const n = r.uleb();
      const augEnd = r.pos + n;
      for (const c of aug.slice(1)) {
        if (c === 'R') fdeEncoding = r.u8();
        else if (c === 'L') r.u8();
        else if (c === 'P') { const pe = r.u8(); this.readEncoded(r, pe & 0x7f, eh, sec); }
        else if (c === 'S') signalFrame = true;
        else break;
      }
      r.pos = augEnd;
    } else if (aug !== '' && eh) {
      throw new SymbolsError(`unknown CIE augmentation "${aug}"`, { section: sec, offset: r.pos });
    }
    if (r.pos > end) throw new SymbolsError('CIE runs past its end', { section: sec, offset: r.pos });
    return { codeAlign, dataAlign, raReg, initial: r.bytes.subarray(r.pos, end), fdeEncoding, addrSize, signalFrame, hasAug };
  }

  private readEncoded(r: Reader, enc: number, eh: boolean, sec: string): bigint {
    if (!eh) return r.uN(this.addrSize);
    if (enc === DW_EH_PE_omit) return 0n;
    const here = this.ehFrameAddr + BigInt(r.pos);
    let v: bigint;
    switch (enc & 0x0f) {
      case 0x00: v = r.uN(this.addrSize); break;
      case 0x01: v = r.ulebBig(); break;
      case 0x02: v = BigInt(r.u16()); break;
      case 0x03: v = BigInt(r.u32()); break;
      case 0x04: v = r.u64(); break;
      case 0x09: v = r.slebBig(); break;
      case 0x0a: v = BigInt(r.i16()); break;
      case 0x0b: v = BigInt(r.i32()); break;
      case 0x0c: v = r.i64(); break;
      default: throw new SymbolsError(`unsupported pointer encoding 0x${enc.toString(16)}`, { section: sec, offset: r.pos });
    }
    if ((enc & 0x70) === 0x10) v += here;
    return BigInt.asUintN(64, v);
  }

  /** The unwind rules in effect at pc within fde. */
  rowAt(fde: Fde, pc: bigint): FrameRow {
    const cie = fde.cie;
    const row: FrameRow = { cfa: { kind: 'regOffset', reg: 2, offset: 0 }, regs: new Map(), raReg: cie.raReg, signalFrame: cie.signalFrame };
    const initial = this.run(cie.initial, cie, fde.lo, undefined, row, undefined);
    const initialRegs = new Map(row.regs);
    this.run(fde.program, cie, fde.lo, pc, row, initialRegs);
    void initial;
    return row;
  }

  private run(prog: Uint8Array, cie: Cie, start: bigint, pc: bigint | undefined, row: FrameRow, initialRegs: Map<number, RegRule> | undefined): bigint {
    const r = new Reader(prog, this.little, 'CFA program');
    let loc = start;
    const stack: Array<{ cfa: CfaRule; regs: Map<number, RegRule> }> = [];
    const da = cie.dataAlign, ca = BigInt(cie.codeAlign);
    const advance = (d: bigint): boolean => { loc += d * ca; return pc !== undefined && loc > pc; };
    const restore = (reg: number) => { const rule = initialRegs?.get(reg); if (rule) row.regs.set(reg, rule); else row.regs.delete(reg); };
    while (!r.atEnd) {
      const op = r.u8();
      const hi = op & 0xc0, low = op & 0x3f;
      if (hi === 0x40) { if (advance(BigInt(low))) break; continue; }
      if (hi === 0x80) { row.regs.set(low, { kind: 'offset', offset: r.uleb() * da }); continue; }
      if (hi === 0xc0) { restore(low); continue; }
      switch (op) {
        case 0x00: break;
        case 0x01: { const a = r.uN(cie.addrSize); if (pc !== undefined && a > pc) return loc; loc = a; break; }
        case 0x02: if (advance(BigInt(r.u8()))) return loc; break;
        case 0x03: if (advance(BigInt(r.u16()))) return loc; break;
        case 0x04: if (advance(BigInt(r.u32()))) return loc; break;
        case 0x05: { const reg = r.uleb(); row.regs.set(reg, { kind: 'offset', offset: r.uleb() * da }); break; }
        case 0x06: restore(r.uleb()); break;
        case 0x07: row.regs.set(r.uleb(), { kind: 'undefined' }); break;
        case 0x08: row.regs.set(r.uleb(), { kind: 'same' }); break;
        case 0x09: { const reg = r.uleb(); row.regs.set(reg, { kind: 'register', reg: r.uleb() }); break; }
        case 0x0a:
          if (stack.length >= MAX_STATE_STACK) r.fail('remember_state nested too deep');
          stack.push({ cfa: row.cfa, regs: new Map(row.regs) });
          break;
        case 0x0b: { const s = stack.pop(); if (s) { row.cfa = s.cfa; row.regs = s.regs; } break; }
        case 0x0c: { const reg = r.uleb(); row.cfa = { kind: 'regOffset', reg, offset: r.uleb() }; break; }
        case 0x0d: { const reg = r.uleb(); row.cfa = { kind: 'regOffset', reg, offset: row.cfa.kind === 'regOffset' ? row.cfa.offset : 0 }; break; }
        case 0x0e: { const off = r.uleb(); if (row.cfa.kind === 'regOffset') row.cfa = { ...row.cfa, offset: off }; break; }
        case 0x0f: row.cfa = { kind: 'expression', expr: r.bytesN(r.uleb()) }; break;
        case 0x10: { const reg = r.uleb(); row.regs.set(reg, { kind: 'expression', expr: r.bytesN(r.uleb()) }); break; }
        case 0x11: { const reg = r.uleb(); row.regs.set(reg, { kind: 'offset', offset: r.sleb() * da }); break; }
        case 0x12: { const reg = r.uleb(); row.cfa = { kind: 'regOffset', reg, offset: r.sleb() * da }; break; }
        case 0x13: { const off = r.sleb() * da; if (row.cfa.kind === 'regOffset') row.cfa = { ...row.cfa, offset: off }; break; }
        case 0x14: { const reg = r.uleb(); row.regs.set(reg, { kind: 'valOffset', offset: r.uleb() * da }); break; }
        case 0x15: { const reg = r.uleb(); row.regs.set(reg, { kind: 'valOffset', offset: r.sleb() * da }); break; }
        case 0x16: { const reg = r.uleb(); row.regs.set(reg, { kind: 'valExpression', expr: r.bytesN(r.uleb()) }); break; }
        case 0x2e: r.uleb(); break;
        case 0x2f: { const reg = r.uleb(); row.regs.set(reg, { kind: 'offset', offset: -r.uleb() * da }); break; }
        default: r.fail(`unknown CFA instruction 0x${op.toString(16)}`);
      }
    }
    return loc;
  }
}
