// A small scripted Target for protocol tests: two harts, 64 KiB of RAM at 0x8000_0000 (plus
// a page of "ROM" at 0x1000), registers in a map, breakpoints and watchpoints remembered.
// step() moves the pc by 4; resume() "executes" one instruction per macrotask until the pc
// reaches a breakpoint or `runLimit` instructions have passed (then it pauses itself), so a
// continue always ends. Every call is logged for assertions. It is not an emulator.
import {
  REG_CSR0, REG_PC, REG_PRIV, TargetError,
  type AddressSpace, type BreakKind, type Disposable, type StopEvent, type Target, type TargetFeatures,
  type TargetState, type WatchKind,
} from '../../../emulator/target';

export const RAM_BASE = 0x8000_0000n;
export const RAM_SIZE = 0x10000;
export const ROM_BASE = 0x1000n;
export const CSRS = [0x100, 0x105, 0x141, 0x142, 0x143, 0x180, 0x300, 0x305, 0x341, 0x342, 0x343, 0x344, 0xc00, 0xc01, 0xc02];

export class FakeTarget implements Target {
  readonly features: TargetFeatures = { harts: 2, watchpoints: 4, physicalMemory: true, satpTranslation: true, csrs: CSRS, fpu: true };
  readonly ram = new Uint8Array(RAM_SIZE);
  readonly rom = new Uint8Array(0x1000);
  readonly regs = new Map<string, bigint>();
  readonly breakpoints = new Map<bigint, BreakKind>();
  readonly watchpoints = new Map<string, { address: bigint; length: number; kind: WatchKind }>();
  readonly calls: string[] = [];
  runLimit = 200;
  instret = 0n;
  private runState: TargetState = 'paused';
  private listeners = new Set<(ev: StopEvent) => void>();
  private runTimer: NodeJS.Timeout | undefined;
  private runningHart = 0;

  constructor() {
    for (let h = 0; h < 2; h++) {
      this.regs.set(`${h}:${REG_PC}`, RAM_BASE + BigInt(h * 0x100));
      this.regs.set(`${h}:${REG_PRIV}`, 3n);
      for (let i = 1; i < 32; i++) this.regs.set(`${h}:${i}`, BigInt(h * 0x1000 + i * 0x11));
    }
    for (let i = 0; i < RAM_SIZE; i++) this.ram[i] = (i * 7 + 3) & 0xff;
  }

  state(): TargetState { return this.runState; }

  /** Ends the machine as a poweroff would. */
  powerOff(code: number): void {
    this.stopRunning();
    this.runState = 'exited';
    this.emit({ reason: { kind: 'poweroff', code }, instret: this.instret });
  }

  async resume(): Promise<void> {
    this.calls.push('resume');
    if (this.runState === 'exited') throw new TargetError('machine has exited', 'state');
    if (this.runState === 'running') return;
    this.runState = 'running';
    let n = 0;
    const tick = (): void => {
      if (this.runState !== 'running') return;
      const h = this.runningHart;
      const pc = this.pc(h) + 4n;
      this.regs.set(`${h}:${REG_PC}`, pc);
      this.instret++;
      n++;
      if (this.breakpoints.has(pc)) { this.stopRunning(); this.emit({ reason: { kind: 'breakpoint', hart: h, pc }, instret: this.instret }); return; }
      if (n >= this.runLimit) { this.stopRunning(); this.emit({ reason: { kind: 'pause', hart: h, pc }, instret: this.instret }); return; }
      this.runTimer = setTimeout(tick, 0);
    };
    this.runTimer = setTimeout(tick, 0);
  }

  async pause(): Promise<StopEvent> {
    this.calls.push('pause');
    const ev: StopEvent = { reason: { kind: 'pause', hart: this.runningHart, pc: this.pc(this.runningHart) }, instret: this.instret };
    if (this.runState === 'running') { this.stopRunning(); this.emit(ev); }
    return ev;
  }

  async step(hart: number): Promise<StopEvent> {
    this.calls.push(`step ${hart}`);
    this.checkHart(hart);
    if (this.runState !== 'paused') throw new TargetError(`cannot step: machine is ${this.runState}`, 'state');
    const pc = this.pc(hart) + 4n;
    this.regs.set(`${hart}:${REG_PC}`, pc);
    this.instret++;
    const ev: StopEvent = { reason: { kind: 'step', hart, pc }, instret: this.instret };
    this.emit(ev);
    return ev;
  }

  async readRegister(hart: number, reg: number): Promise<bigint> {
    this.checkHart(hart);
    if (reg === 0) return 0n;
    if (!this.known(reg)) throw new TargetError(`no register ${reg}`, 'bad-register');
    return this.regs.get(`${hart}:${reg}`) ?? 0n;
  }

  async writeRegister(hart: number, reg: number, value: bigint): Promise<void> {
    this.calls.push(`writeRegister ${hart} ${reg}`);
    this.checkHart(hart);
    if (!this.known(reg)) throw new TargetError(`no register ${reg}`, 'bad-register');
    if (reg !== 0) this.regs.set(`${hart}:${reg}`, BigInt.asUintN(64, value));
  }

  async readMemory(address: bigint, length: number, space?: AddressSpace): Promise<Uint8Array> {
    const [buf, off] = this.locate(address, length, space);
    return buf.slice(off, off + length);
  }

  async writeMemory(address: bigint, data: Uint8Array, space?: AddressSpace): Promise<void> {
    this.calls.push(`writeMemory 0x${address.toString(16)} ${data.length}`);
    const [buf, off] = this.locate(address, data.length, space);
    buf.set(data, off);
  }

  // Counted per address across holders, as the Machine: the maps show what is set.
  private readonly holders = new Map<string, number>();

  private hold(key: string, add: boolean): boolean {
    const n = this.holders.get(key) ?? 0;
    if (add) { this.holders.set(key, n + 1); return true; }
    if (n > 1) { this.holders.set(key, n - 1); return false; }
    this.holders.delete(key);
    return true;
  }

  async addBreakpoint(address: bigint, kind: BreakKind = 'sw'): Promise<void> {
    this.calls.push(`addBreakpoint 0x${address.toString(16)} ${kind}`);
    this.hold(`bp:${address}`, true);
    this.breakpoints.set(address, kind);
  }

  async removeBreakpoint(address: bigint): Promise<void> {
    this.calls.push(`removeBreakpoint 0x${address.toString(16)}`);
    if (this.hold(`bp:${address}`, false)) this.breakpoints.delete(address);
  }

  async addWatchpoint(address: bigint, length: number, kind: WatchKind): Promise<void> {
    this.calls.push(`addWatchpoint 0x${address.toString(16)} ${length} ${kind}`);
    this.hold(`wp:${address}:${length}:${kind}`, true);
    this.watchpoints.set(`${address}:${length}:${kind}`, { address, length, kind });
  }

  async removeWatchpoint(address: bigint, length: number, kind: WatchKind): Promise<void> {
    this.calls.push(`removeWatchpoint 0x${address.toString(16)} ${length} ${kind}`);
    if (this.hold(`wp:${address}:${length}:${kind}`, false)) this.watchpoints.delete(`${address}:${length}:${kind}`);
  }

  async instructionCount(): Promise<bigint> { return this.instret; }

  onStop(listener: (event: StopEvent) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => { this.listeners.delete(listener); } };
  }

  /** Emits a stop as the machine would (e.g. a watchpoint hit), ending a run. */
  emit(ev: StopEvent): void {
    // as on a machine, the stopped hart is where its stop event says (the stub expedites the live pc)
    const r = ev.reason;
    if ('pc' in r && 'hart' in r) this.regs.set(`${r.hart}:${REG_PC}`, r.pc);
    for (const l of [...this.listeners]) l(ev);
  }

  pc(hart: number): bigint { return this.regs.get(`${hart}:${REG_PC}`) ?? 0n; }

  private stopRunning(): void {
    if (this.runTimer) clearTimeout(this.runTimer);
    this.runTimer = undefined;
    if (this.runState === 'running') this.runState = 'paused';
  }

  private known(reg: number): boolean {
    return reg <= REG_PC || (reg >= 33 && reg <= 64) || reg === REG_PRIV || (reg >= REG_CSR0 && CSRS.includes(reg - REG_CSR0));
  }

  private checkHart(hart: number): void {
    if (!Number.isInteger(hart) || hart < 0 || hart >= 2) throw new TargetError(`no hart ${hart}`, 'bad-hart');
  }

  private locate(address: bigint, length: number, space?: AddressSpace): [Uint8Array, number] {
    if (space?.kind === 'satp') throw new TargetError('satp space not modelled', 'unsupported');
    const end = address + BigInt(length);
    if (address >= RAM_BASE && end <= RAM_BASE + BigInt(RAM_SIZE)) return [this.ram, Number(address - RAM_BASE)];
    if (address >= ROM_BASE && end <= ROM_BASE + 0x1000n) return [this.rom, Number(address - ROM_BASE)];
    const bad = address >= RAM_BASE && address < RAM_BASE + BigInt(RAM_SIZE) ? RAM_BASE + BigInt(RAM_SIZE) : address;
    throw new TargetError(`unmapped address 0x${bad.toString(16)}`, 'unmapped');
  }
}
