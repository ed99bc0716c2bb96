// The jump cache (QEMU's tb_jmp_cache): per hart, the blocks last entered, by virtual pc, so that
// going from block to block across pages (calls and returns between functions: most block
// entries in a kernel) skips the fetch translation, the decoded-page lookup and the page's table.
//
// An entry stands for what the full lookup would find only while nothing it depends on changed:
// the hart's fetch translation (stamp: the fetch TLB's generation, which changes with every
// insert and flush, i.e. satp writes, SFENCE.VMA, a wide pc, and the fetch context, i.e. the
// privilege) and the compiled code (the translator's epoch, which changes with every dropped
// block: the whole cache is cleared then). A hit therefore implies a fetch TLB hit to the same
// page, which is what the interpreter would see.
import type { BlockFn } from './block';

const BITS = 12;
export const JUMP_CACHE_MASK = (1 << BITS) - 1;

export class JumpCache {
  readonly pc = new Float64Array(1 << BITS).fill(NaN);
  readonly stamp = new Float64Array(1 << BITS);
  readonly fn: (BlockFn | undefined)[] = new Array<BlockFn | undefined>(1 << BITS).fill(undefined);
  readonly len = new Uint8Array(1 << BITS);
  /** The translator's epoch the entries were made in. */
  epoch = 0;

  clear(epoch: number): void {
    this.pc.fill(NaN);
    this.fn.fill(undefined);
    this.epoch = epoch;
  }
}
