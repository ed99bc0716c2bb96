// The breakpoints run control keeps in the machine, by address, each with the owners that want
// it there: user breakpoints (`user:ID`), module hooks, exception vectors, panic functions and
// temporary ones (steps, stopAt). One machine breakpoint serves every owner at its address; it
// is added when the first owner comes and removed when the last goes.
import type { Target } from '../../emulator/target';

export type Owner = string;

export class AddressTable {
  private readonly owners = new Map<bigint, Set<Owner>>();

  constructor(private readonly target: Target) {}

  /** Adds `owner` at `address`; an error text when the machine refused the breakpoint. */
  async add(address: bigint, owner: Owner): Promise<string | undefined> {
    let set = this.owners.get(address);
    if (set?.has(owner)) return undefined;
    if (!set) {
      try { await this.target.addBreakpoint(address, 'sw'); } catch (e) { return `the machine refused a breakpoint at 0x${address.toString(16)}: ${(e as Error).message}`; }
      this.owners.set(address, set = new Set());
    }
    set.add(owner);
    return undefined;
  }

  async remove(address: bigint, owner: Owner): Promise<void> {
    const set = this.owners.get(address);
    if (!set || !set.delete(owner)) return;
    if (set.size) return;
    this.owners.delete(address);
    try { await this.target.removeBreakpoint(address, 'sw'); } catch { /* gone with the machine */ }
  }

  /** Removes `owner` everywhere (or where `keep` says no). */
  async removeOwner(owner: Owner, keep?: (address: bigint) => boolean): Promise<void> {
    for (const [a, set] of [...this.owners]) if (set.has(owner) && !keep?.(a)) await this.remove(a, owner);
  }

  /** Owners whose name starts with `prefix` (e.g. 'user:'), removed everywhere. */
  async removePrefix(prefix: string): Promise<void> {
    for (const [a, set] of [...this.owners]) for (const o of [...set]) if (o.startsWith(prefix)) await this.remove(a, o);
  }

  at(address: bigint): ReadonlySet<Owner> {
    return this.owners.get(address) ?? new Set();
  }

  addressesOf(owner: Owner): bigint[] {
    const out: bigint[] = [];
    for (const [a, set] of this.owners) if (set.has(owner)) out.push(a);
    return out;
  }

  /** Every address in the machine (for a test or a trace). */
  addresses(): bigint[] { return [...this.owners.keys()]; }

  async clear(): Promise<void> {
    for (const a of [...this.owners.keys()]) {
      this.owners.delete(a);
      try { await this.target.removeBreakpoint(a, 'sw'); } catch { /* gone */ }
    }
  }
}
