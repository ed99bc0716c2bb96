// readMemory, writeMemory and disassemble over the target: base64 in and out, the readable
// prefix of a range with the rest reported as unreadable, and RISC-V disassembly of target
// memory (not the file: what runs is what is shown) with symbols and source lines.
import type { Target } from '../../emulator/target';
import type { SymbolFile } from '../../symbols';
import { Disassembler } from '../../symbols/disasm/riscv';
import { disassemblerOptionsFor } from '../../symbols/disasm/symbolize';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { GuestSpace } from '../../awareness';
import type { MemoryRef } from './memory-ref';

const PAGE = 4096n;
/** Largest readMemory answer (VS Code asks for a few KiB at a time). */
export const MAX_READ = 1 << 20;

export class MemoryAccess {
  private dis?: Disassembler;
  constructor(private readonly target: Target, private readonly kernel: SymbolFile, private readonly kernelSpace: () => GuestSpace) {}

  private space(ref: MemoryRef): GuestSpace {
    return ref.satp !== undefined ? { kind: 'satp', satp: ref.satp } : this.kernelSpace();
  }

  /** The readable prefix of [address, address+count) and how many bytes after it could not be read. */
  async read(ref: MemoryRef, count: number): Promise<{ data: Uint8Array; unreadable: number }> {
    const n = Math.max(0, Math.min(count, MAX_READ));
    if (n === 0) return { data: new Uint8Array(0), unreadable: 0 };
    const space = this.space(ref);
    try { return { data: await this.target.readMemory(ref.address, n, space), unreadable: 0 }; } catch { /* page by page below */ }
    const parts: Uint8Array[] = [];
    let at = ref.address, left = n;
    while (left > 0) {
      const pageEnd = (at / PAGE + 1n) * PAGE;
      const len = Math.min(left, Number(pageEnd - at));
      let b: Uint8Array | undefined;
      try { b = await this.target.readMemory(at, len, space); } catch { b = undefined; }
      if (!b) break;
      parts.push(b);
      at += BigInt(len); left -= len;
    }
    const data = new Uint8Array(n - left);
    let o = 0;
    for (const p of parts) { data.set(p, o); o += p.length; }
    return { data, unreadable: left };
  }

  async write(ref: MemoryRef, data: Uint8Array): Promise<void> {
    await this.target.writeMemory(ref.address, data, this.space(ref));
  }

  /**
   * `count` instructions starting `instructionOffset` instructions from the address (negative:
   * before it, found by decoding forward from far enough back to land on the address).
   */
  async disassemble(ref: MemoryRef, instructionOffset: number, count: number, symbolsAt: (a: bigint) => SymbolFile | undefined, resolveSymbols: boolean): Promise<DebugProtocol.DisassembledInstruction[]> {
    this.dis ??= new Disassembler(this.kernel.elf ? disassemblerOptionsFor(this.kernel.elf) : {});
    const want = Math.max(0, Math.min(count, 4096));
    const decodeFrom = async (start: bigint, stopAt: bigint | undefined, max: number) => {
      const out: Array<{ address: bigint; bytes?: Uint8Array; text: string; length: number }> = [];
      let pc = start;
      const span = stopAt !== undefined ? Number(stopAt - start) + 4 : max * 4 + 4;
      const mem = await this.read({ ...ref, address: start }, Math.min(span, MAX_READ));
      while (out.length < max && (stopAt === undefined || pc < stopAt)) {
        const off = Number(pc - start);
        const b = mem.data.subarray(off, off + 4);
        if (b.length < 2 || ((b[0] & 3) === 3 && b.length < 4)) { out.push({ address: pc, text: '??', length: 2 }); pc += 2n; continue; }
        const ins = this.dis!.decode(b, pc);
        out.push({ address: pc, bytes: b.subarray(0, ins.length), text: ins.comment ? `${ins.mnemonic}\t${ins.operands} # ${ins.comment}`.trim() : `${ins.mnemonic}\t${ins.operands}`.trim(), length: ins.length });
        pc += BigInt(ins.length);
      }
      return out;
    };
    let rows: Awaited<ReturnType<typeof decodeFrom>> = [];
    let addr = ref.address & ~1n;
    if (instructionOffset < 0) {
      const back = Math.min(-instructionOffset, 4096);
      let before: typeof rows = [];
      for (const slack of [0n, 2n]) {
        const start = addr - BigInt(back * 4) + slack;
        const r = start < 0n ? [] : await decodeFrom(start, addr, back * 2 + 2);
        const end = r.length ? r[r.length - 1].address + BigInt(r[r.length - 1].length) : start;
        if (end === addr) { before = r; break; }
        before = r;
      }
      before = before.slice(-back);
      while (before.length < back) before.unshift({ address: (before[0]?.address ?? addr) - 2n, text: '??', length: 2 });
      rows = before;
      if (want > rows.length) rows = rows.concat(await decodeFrom(addr, undefined, want - rows.length));
      else rows = rows.slice(0, want);
    } else {
      if (instructionOffset > 0) {
        const skip = await decodeFrom(addr, undefined, Math.min(instructionOffset, 4096));
        const last = skip[skip.length - 1];
        if (last) addr = last.address + BigInt(last.length);
      }
      rows = await decodeFrom(addr, undefined, want);
    }
    const out: DebugProtocol.DisassembledInstruction[] = [];
    let lastFile: string | undefined, lastLine: number | undefined, lastFn: string | undefined;
    for (const r of rows) {
      const d: DebugProtocol.DisassembledInstruction = { address: `0x${BigInt.asUintN(64, r.address).toString(16)}`, instruction: r.text };
      if (r.bytes) d.instructionBytes = [...r.bytes].map((x) => x.toString(16).padStart(2, '0')).join(' ');
      else d.presentationHint = 'invalid';
      const f = symbolsAt(r.address);
      if (f && r.bytes) {
        const fn = f.functionAt(r.address);
        if (resolveSymbols && fn && fn.name !== lastFn) d.symbol = fn.name;
        lastFn = fn?.name;
        const line = f.lineAt(r.address);
        if (line && (line.file !== lastFile || line.line !== lastLine)) {
          d.location = { name: line.file.replace(/^.*[\\/]/, ''), path: line.file };
          d.line = line.line;
          lastFile = line.file; lastLine = line.line;
        }
      }
      out.push(d);
    }
    return out;
  }
}
