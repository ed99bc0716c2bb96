// Data watchpoints kept in the machine (guest memory is never patched): a short list of
// (virtual address, length, kind) the harts consult only while at least one exists.
import type { WatchKind } from '../target';

export interface Watchpoint {
  /** The address as gdb gave it (unsigned 64-bit). */
  address: bigint;
  /** The address as a signed number when within ±2^52 (as the hart holds such addresses), else NaN. */
  num: number;
  length: number;
  kind: WatchKind;
}

/** Beyond this, a hart's data-address number is not the address itself (hart.ts `addr`). */
const PLAIN = 2 ** 52 + 2 ** 34;

export class Watchpoints {
  private list: Watchpoint[] = [];

  add(address: bigint, length: number, kind: WatchKind): void {
    const a = BigInt.asUintN(64, address);
    const s = Number(BigInt.asIntN(64, a));
    this.list.push({ address: a, num: Math.abs(s) < 2 ** 52 ? s : NaN, length: Math.max(1, length), kind });
  }

  remove(address: bigint, length: number, kind: WatchKind): void {
    const a = BigInt.asUintN(64, address);
    const i = this.list.findIndex((w) => w.address === a && w.length === Math.max(1, length) && w.kind === kind);
    if (i >= 0) this.list.splice(i, 1);
  }

  empty(): boolean { return this.list.length === 0; }

  /**
   * The watchpoint an access of [va, va+size) triggers, if any, and the first watched byte it
   * touches. va is the hart's number for the address; `exact` gives the address itself
   * (unsigned), asked for only when va or the watchpoint is beyond ±2^52.
   */
  hit(va: number, size: number, write: boolean, exact: (va: number) => bigint): { w: Watchpoint; at: bigint } | undefined {
    const plain = Math.abs(va) < PLAIN;
    let big: bigint | undefined;
    for (const w of this.list) {
      if (w.kind !== 'access' && (w.kind === 'write') !== write) continue;
      if (plain && w.num === w.num) {
        if (va < w.num + w.length && w.num < va + size) return { w, at: BigInt.asUintN(64, BigInt(Math.max(va, w.num))) };
        continue;
      }
      big ??= exact(va);
      if (big < w.address + BigInt(w.length) && w.address < big + BigInt(size)) return { w, at: big > w.address ? big : w.address };
    }
    return undefined;
  }
}
