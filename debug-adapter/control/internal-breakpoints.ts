// Breakpoints run control keeps for itself, never shown to the user: the kernel's module hooks
// (awareness.moduleHooks), the entries of panic functions, the trap vectors (stvec, mtvec) that
// the exception filters watch, and the sret/mret instructions a step out of a trap handler runs
// to. Each kind is one owner in the address table.
import { regCsr, REG_PRIV, type Target } from '../../emulator/target';
import type { SymbolFile } from '../../symbols';
import type { AddressTable } from './address-table';
import type { ControlHost } from './api';
import { PANIC_FUNCTIONS, type FilterId } from './exceptions';

export const HOOK = 'hook', PANIC = 'panic', SVECTOR = 'svector', MVECTOR = 'mvector';

export const CSR = {
  sstatus: 0x100, stvec: 0x105, sepc: 0x141, scause: 0x142, stval: 0x143, satp: 0x180,
  mstatus: 0x300, mtvec: 0x305, mepc: 0x341, mcause: 0x342, mtval: 0x343,
} as const;

/** Trap entry functions by OS, for vectors not yet seen in a hart's stvec: the kernel's and the user's. */
const KERNEL_VECTORS = ['from_kernel_entry', 'kernelvec', 'handle_exception'];
const USER_VECTORS = ['from_user_entry', 'handle_exception'];

export async function readCsr(target: Target, hart: number, csr: number): Promise<bigint | undefined> {
  try { return await target.readRegister(hart, regCsr(csr)); } catch { return undefined; }
}

export async function readPriv(target: Target, hart: number): Promise<number | undefined> {
  try { return Number(await target.readRegister(hart, REG_PRIV)); } catch { return undefined; }
}

function functionEntry(file: SymbolFile, name: string): bigint | undefined {
  try {
    const fns = file.symbolizer?.functionsNamed(name) ?? [];
    if (fns.length) return fns[0].lo;
    return file.symbolizer?.symbolAddress(name);
  } catch { return undefined; }
}

export class InternalBreakpoints {
  /** Vector addresses seen in stvec while a hart ran in S-mode (kernel) or U-mode (user), and in mtvec. */
  private readonly kernelVectors = new Set<bigint>();
  private readonly userVectors = new Set<bigint>();
  private readonly machineVectors = new Set<bigint>();
  private filters = new Set<FilterId>();
  private srets?: bigint[];
  readonly panicEntries = new Map<bigint, (typeof PANIC_FUNCTIONS)[number]>();
  private hooks: bigint[] = [];

  constructor(private readonly host: ControlHost, private readonly table: AddressTable) {
    for (const name of KERNEL_VECTORS) { const a = functionEntry(host.kernel, name); if (a !== undefined) this.kernelVectors.add(a); }
    for (const name of USER_VECTORS) { const a = functionEntry(host.kernel, name); if (a !== undefined) this.userVectors.add(a); }
    for (const p of PANIC_FUNCTIONS) { const a = functionEntry(host.kernel, p.name); if (a !== undefined && !this.panicEntries.has(a)) this.panicEntries.set(a, p); }
  }

  /** Module load and unload hooks, so breakpoints bind before a module's init runs. */
  async installHooks(): Promise<void> {
    const aw = this.host.awareness;
    if (!aw) return;
    this.hooks = aw.moduleHooks().map((h) => h.address);
    for (const a of this.hooks) await this.table.add(a, HOOK);
  }

  isHook(address: bigint): boolean { return this.hooks.includes(address); }

  get enabled(): ReadonlySet<FilterId> { return this.filters; }

  async setFilters(filters: Set<FilterId>): Promise<void> {
    this.filters = filters;
    await this.apply();
  }

  /** Reads every hart's trap vectors (they change as a kernel boots and switches stvec) and updates the vector breakpoints. */
  async refreshVectors(): Promise<void> {
    const t = this.host.target;
    for (let h = 0; h < t.features.harts; h++) {
      const priv = await readPriv(t, h);
      const stvec = await readCsr(t, h, CSR.stvec);
      if (stvec && priv !== undefined && priv <= 1) (priv === 1 ? this.kernelVectors : this.userVectors).add(stvec & ~3n);
      const mtvec = await readCsr(t, h, CSR.mtvec);
      if (mtvec) this.machineVectors.add(mtvec & ~3n);
    }
    await this.apply();
  }

  private async apply(): Promise<void> {
    const f = this.filters;
    const want = (owner: string, on: boolean, addrs: Iterable<bigint>) => ({ owner, on, addrs: [...addrs] });
    const svec = new Set<bigint>();
    if (f.has('page-fault') || f.has('illegal-instruction')) for (const a of this.kernelVectors) svec.add(a);
    if (f.has('illegal-instruction')) for (const a of this.userVectors) svec.add(a);
    for (const { owner, on, addrs } of [
      want(PANIC, f.has('panic'), this.panicEntries.keys()),
      want(SVECTOR, svec.size > 0, svec),
      want(MVECTOR, f.has('m-mode-trap'), this.machineVectors),
    ]) {
      const keep = new Set(on ? addrs : []);
      await this.table.removeOwner(owner, (a) => keep.has(a));
      for (const a of keep) await this.table.add(a, owner);
    }
  }

  /** Every sret and mret in the kernel's code (where a trap handler returns to the interrupted code). */
  trapReturns(): bigint[] {
    if (this.srets) return this.srets;
    const out: bigint[] = [];
    try {
      const elf = this.host.kernel.elf;
      for (const s of elf?.sections ?? []) {
        if ((s.flags & 4n) === 0n || (s.flags & 2n) === 0n || s.size === 0) continue;
        const d = elf!.sectionData(s);
        for (let i = 0; i + 4 <= d.length; i += 2) {
          if (d[i] !== 0x73 || d[i + 1] !== 0x00) continue;
          const w = (d[i] | (d[i + 1] << 8) | (d[i + 2] << 16) | (d[i + 3] << 24)) >>> 0;
          if (w === 0x10200073 || w === 0x30200073) {
            const a = s.addr + BigInt(i);
            if (this.host.kernel.functionAt(a)) out.push(a);
          }
        }
      }
    } catch { /* no code to scan */ }
    return (this.srets = out);
  }
}
