// PLIC (RISC-V platform-level interrupt controller, riscv-plic-spec 1.0.0) as QEMU's virt board
// has it at 0x0C00_0000: sources 1..95, contexts 2h (M-mode) and 2h+1 (S-mode) of hart h.
//   0x000000 + 4·s      priority of source s (0..7; 0 = never interrupts)
//   0x001000 + 4·w      pending bits, read-only
//   0x002000 + 0x80·c   enable bits of context c
//   0x200000 + 0x1000·c threshold (+0) and claim/complete (+4) of context c
// Gateways work as QEMU 7.2's sifive_plic does, which is what unmodified kernels are tested
// against: every assertion of a line by its device (setIrq(s, true), also when the line was
// already high) is a request that sets the pending bit; deasserting clears it; a claim clears
// it and puts the source in service; a request made while in service waits until completion.
// Completion alone does not turn a line that is still high into a new request: devices
// re-assert on each of their register updates (as QEMU's do), so xv6's UART driver, which
// never reads IIR to acknowledge a THR-empty interrupt, is not flooded with interrupts.
// A context's output (MEIP/SEIP) is high while some pending, enabled, not-in-service source
// has a priority above the context's threshold.
import { MIP_MEIP, MIP_SEIP, type HartInterruptLines, type IrqLine } from '../bus/device';
import type { FdtBuilder } from '../board/fdt';
import { unitName, type DescribedDevice, type FdtContext, type Placement } from '../board/fdt-node';
import type { StateReader, StateValue } from '../checkpoint/state';

/** Highest source number (QEMU virt: VIRT_IRQCHIP_NUM_SOURCES - 1). */
export const PLIC_MAX_SOURCE = 95;
/** Number of interrupt sources including the reserved source 0, as `riscv,ndev` says in QEMU's tree. */
export const PLIC_NDEV = PLIC_MAX_SOURCE + 1;
export const PLIC_SIZE = 0x600000;
const PRIORITY_MASK = 7;
const PENDING_BASE = 0x1000;
const ENABLE_BASE = 0x2000;
const ENABLE_STRIDE = 0x80;
const CONTEXT_BASE = 0x200000;
const CONTEXT_STRIDE = 0x1000;
const WORDS = (PLIC_NDEV + 31) >> 5;

export class Plic implements DescribedDevice, IrqLine {
  readonly name = 'plic';
  readonly size = PLIC_SIZE;
  private readonly contexts: number;
  private readonly priority = new Uint32Array(PLIC_NDEV);
  private readonly pending = new Uint8Array(PLIC_NDEV);
  /** Number of set pending bits: lets update() skip the scan when nothing is pending. */
  private pendingCount = 0;
  private readonly inService = new Uint8Array(PLIC_NDEV);
  private readonly enable: Uint32Array;
  private readonly threshold: Uint32Array;
  private readonly output: Uint8Array;

  constructor(private readonly harts: number, private readonly lines: HartInterruptLines) {
    this.contexts = 2 * harts;
    this.enable = new Uint32Array(this.contexts * WORDS);
    this.threshold = new Uint32Array(this.contexts);
    this.output = new Uint8Array(this.contexts);
  }

  reset(): void {
    // Devices are reset with the PLIC and re-assert what they still need.
    this.priority.fill(0);
    this.pending.fill(0);
    this.pendingCount = 0;
    this.inService.fill(0);
    this.enable.fill(0);
    this.threshold.fill(0);
    this.update();
  }

  setIrq(source: number, level: boolean): void {
    if (source < 1 || source > PLIC_MAX_SOURCE) return;
    const p = level ? 1 : 0;
    if (this.pending[source] === p) return;
    this.pending[source] = p;
    this.pendingCount += p ? 1 : -1;
    this.update();
  }

  read(offset: number, size: 1 | 2 | 4): number {
    const word = offset & ~3;
    const v = this.readWord(word, size === 4 && (offset & 3) === 0);
    if (size === 4) return v >>> 0;
    return (v >>> ((offset & 3) * 8)) & (size === 1 ? 0xff : 0xffff);
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    // The spec defines 32-bit accesses only; narrower writes merge into the word.
    const word = offset & ~3;
    let v = value >>> 0;
    if (size !== 4) {
      const shift = (offset & 3) * 8;
      const mask = (size === 1 ? 0xff : 0xffff) << shift;
      v = ((this.readWord(word, false) & ~mask) | ((v << shift) & mask)) >>> 0;
    }
    this.writeWord(word, v);
  }

  writeFdt(fdt: FdtBuilder, at: Placement, ctx: FdtContext): void {
    fdt.beginNode(unitName('plic', at.base));
    fdt.u32('phandle', ctx.plicPhandle);
    fdt.u32('riscv,ndev', PLIC_NDEV);
    fdt.reg2(at);
    // Context 2h is hart h's M external interrupt (11), 2h+1 its S external interrupt (9).
    fdt.u32('interrupts-extended', ...ctx.cpuIntcPhandles.flatMap((p) => [p, 11, p, 9]));
    fdt.empty('interrupt-controller');
    fdt.str('compatible', 'sifive,plic-1.0.0', 'riscv,plic0');
    fdt.u32('#address-cells', 0);
    fdt.u32('#interrupt-cells', 1);
    fdt.endNode();
  }

  /** Pending bit of a source (for tests and the debugger). */
  isPending(source: number): boolean {
    return this.pending[source] === 1;
  }

  private readWord(word: number, sideEffects: boolean): number {
    if (word < PENDING_BASE) {
      const s = word >> 2;
      return s >= 1 && s <= PLIC_MAX_SOURCE ? this.priority[s] : 0;
    }
    if (word < ENABLE_BASE) {
      const w = (word - PENDING_BASE) >> 2;
      if (w >= WORDS) return 0;
      let bits = 0;
      for (let b = 0; b < 32; b++) if (this.pending[w * 32 + b]) bits |= 1 << b;
      return bits >>> 0;
    }
    if (word < CONTEXT_BASE) {
      const c = Math.floor((word - ENABLE_BASE) / ENABLE_STRIDE);
      const w = ((word - ENABLE_BASE) % ENABLE_STRIDE) >> 2;
      return c < this.contexts && w < WORDS ? this.enable[c * WORDS + w] : 0;
    }
    const c = Math.floor((word - CONTEXT_BASE) / CONTEXT_STRIDE);
    const reg = (word - CONTEXT_BASE) % CONTEXT_STRIDE;
    if (c >= this.contexts) return 0;
    if (reg === 0) return this.threshold[c];
    if (reg === 4) return sideEffects ? this.claim(c) : this.best(c);
    return 0;
  }

  private writeWord(word: number, v: number): void {
    if (word < PENDING_BASE) {
      const s = word >> 2;
      if (s >= 1 && s <= PLIC_MAX_SOURCE) { this.priority[s] = v & PRIORITY_MASK; this.update(); }
      return;
    }
    if (word < ENABLE_BASE) return; // pending is read-only
    if (word < CONTEXT_BASE) {
      const c = Math.floor((word - ENABLE_BASE) / ENABLE_STRIDE);
      const w = ((word - ENABLE_BASE) % ENABLE_STRIDE) >> 2;
      if (c < this.contexts && w < WORDS) {
        // Bits past the last source are hard-wired to zero. The bit of source 0 is kept as
        // written, as QEMU 7.2 does (read back from it); source 0 is never pending anyway.
        let mask = 0xffffffff;
        const last = PLIC_MAX_SOURCE - w * 32;
        if (last < 31) mask &= (2 ** (last + 1) - 1);
        this.enable[c * WORDS + w] = (v & mask) >>> 0;
        this.update();
      }
      return;
    }
    const c = Math.floor((word - CONTEXT_BASE) / CONTEXT_STRIDE);
    const reg = (word - CONTEXT_BASE) % CONTEXT_STRIDE;
    if (c >= this.contexts) return;
    if (reg === 0) { this.threshold[c] = v & PRIORITY_MASK; this.update(); }
    else if (reg === 4) this.complete(c, v);
  }

  private enabled(c: number, s: number): boolean {
    return ((this.enable[c * WORDS + (s >> 5)] >>> (s & 31)) & 1) === 1;
  }

  /** The source a claim by context c would return now (0: none). */
  private best(c: number): number {
    if (this.pendingCount === 0) return 0;
    let best = 0;
    let bestPrio = this.threshold[c];
    for (let s = 1; s <= PLIC_MAX_SOURCE; s++) {
      if (this.pending[s] && !this.inService[s] && this.enabled(c, s) && this.priority[s] > bestPrio) {
        best = s;
        bestPrio = this.priority[s];
      }
    }
    return best;
  }

  private claim(c: number): number {
    const s = this.best(c);
    if (s !== 0) {
      this.pending[s] = 0;
      this.pendingCount--;
      this.inService[s] = 1;
      this.update();
    }
    return s;
  }

  private complete(c: number, s: number): void {
    // The spec ignores completion of a source not enabled for the context.
    if (s < 1 || s > PLIC_MAX_SOURCE || !this.enabled(c, s)) return;
    this.inService[s] = 0;
    this.update();
  }

  private update(): void {
    for (let c = 0; c < this.contexts; c++) {
      const out = this.best(c) !== 0 ? 1 : 0;
      if (out !== this.output[c]) {
        this.output[c] = out;
        this.lines.setPending(c >> 1, (c & 1) ? MIP_SEIP : MIP_MEIP, out === 1);
      }
    }
  }

  /** Checkpoints: priorities, gateways (pending, in service), enables, thresholds, output levels. */
  saveState(): StateValue {
    return {
      priority: this.priority.slice(), pending: this.pending.slice(), inService: this.inService.slice(),
      enable: this.enable.slice(), threshold: this.threshold.slice(), output: this.output.slice(),
    };
  }

  loadState(s: StateReader): void {
    const priority = s.u32('priority', PLIC_NDEV), pending = s.u8('pending', PLIC_NDEV), inService = s.u8('inService', PLIC_NDEV);
    const enable = s.u32('enable', this.enable.length), threshold = s.u32('threshold', this.contexts), output = s.u8('output', this.contexts);
    this.priority.set(priority); this.pending.set(pending); this.inService.set(inService);
    this.enable.set(enable); this.threshold.set(threshold); this.output.set(output);
    this.pendingCount = pending.reduce((n, p) => n + (p ? 1 : 0), 0);
  }
}
