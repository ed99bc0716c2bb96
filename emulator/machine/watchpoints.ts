// Data watchpoints kept in the machine (guest memory is never patched): a short list of
// (virtual address, length, kind) the harts consult only while at least one exists.
import type { WatchKind } from '../target';

export interface Watchpoint {
  address: number;
  length: number;
  kind: WatchKind;
}

export class Watchpoints {
  private list: Watchpoint[] = [];

  add(address: number, length: number, kind: WatchKind): void {
    this.list.push({ address, length: Math.max(1, length), kind });
  }

  remove(address: number, length: number, kind: WatchKind): void {
    const i = this.list.findIndex((w) => w.address === address && w.length === Math.max(1, length) && w.kind === kind);
    if (i >= 0) this.list.splice(i, 1);
  }

  empty(): boolean { return this.list.length === 0; }

  /** The watchpoint an access of [va, va+size) triggers, if any. */
  hit(va: number, size: number, write: boolean): Watchpoint | undefined {
    for (const w of this.list) {
      if (va < w.address + w.length && w.address < va + size) {
        if (w.kind === 'access' || (w.kind === 'write') === write) return w;
      }
    }
    return undefined;
  }
}
