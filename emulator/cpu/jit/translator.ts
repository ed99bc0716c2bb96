// The translator: runs in place of the hart's fast loop (Hart.translator). At each block
// boundary it looks up the compiled block for the pc's RAM location; a location executed
// HOT_THRESHOLD times gets one; everything else (cold code, the boot ROM, pcs beyond ±2^52,
// the tail of a budget too short for a whole block, pages that keep rewriting themselves)
// runs on the interpreter a stretch at a time (up to the next jump), so both always agree.
//
// The code cache is keyed by RAM offset, not by virtual address: a block works at any
// virtual address that maps its page (pc0 is a parameter). Any write into a page holding
// blocks (a store by any hart, an AMO, a page-table A/D update, DMA, the debugger: everything
// that goes through Bus.afterStore) drops that page's blocks and bumps `epoch`, which a
// running block checks after each of its own stores, so code that rewrites the block it is
// running leaves it at the next instruction. FENCE.I therefore has nothing to flush.
import { PAGE_JIT, type Bus, type CodeWatcher } from '../../bus/bus';
import type { Hart, HartTranslator } from '../hart';
import { compile, scan, type BlockFn, type BlockHost } from './block';
import { JUMP_CACHE_MASK, JumpCache } from './jump-cache';

/**
 * Instructions interpreted from a location (the stretches that start there, up to the next jump)
 * before it is compiled. High because a block costs V8 tens of milliseconds of optimising compile
 * (median 21 ms on the loaded development machine), the time to interpret about half a million
 * instructions: code run less than that (most of a Linux boot) is cheaper interpreted.
 */
export const HOT_THRESHOLD = 1_000_000;
/**
 * Bound of the code cache: at most MAX_BLOCKS blocks and MAX_INSNS translated instructions
 * (about 150 bytes of source and 1 KiB of V8 code and metadata each: tens of MiB at most,
 * small beside a guest's RAM, and more than a teaching kernel's or a benchmark's hot code).
 * Reaching either flushes the whole cache (QEMU's policy for a full translation buffer).
 */
export const MAX_BLOCKS = 8192;
export const MAX_INSNS = 65536;
/** Invalidations of one page after which it is left to the interpreter (until the next flush). */
export const MAX_PAGE_INVALIDATIONS = 32;

const SLOTS = 2048;
/** Instructions interpreted at once while the pc is beyond ±2^52 (pcHi set), where no block runs. */
const WIDE_STRETCH = 256;

/**
 * Heat: instructions interpreted from a location, in one table for all of RAM, indexed by a hash
 * of the RAM offset. Locations that share an entry add up (they compile a little sooner); heat
 * only decides when to compile, never what a block does, so a collision cannot change a result.
 * One table instead of a counter per 2-byte slot of every executed page: no allocation for the
 * thousands of pages a kernel runs code from once, and one typed-array access per stretch.
 */
const HEAT_BITS = 16;
const HEAT_MASK = (1 << HEAT_BITS) - 1;
const heatIndex = (off: number) => ((off >>> 1) ^ (off >>> (HEAT_BITS + 1))) & HEAT_MASK;

/** Per RAM page that holds blocks or was rewritten: its compiled blocks. */
class JitPage {
  fns: (BlockFn | undefined)[] | undefined;
  lens: Uint8Array | undefined;
  blocks = 0;
  insns = 0;
  invalidations = 0;
  /** Rewritten too often: interpreted until the next flush. */
  noJit = false;
}

export interface TranslatorStats {
  blocks: number;
  insns: number;
  compiled: number;
  flushes: number;
  invalidations: number;
  /** Instructions run inside blocks and by the interpreter on the translator's behalf. */
  blockSteps: number;
  interpretedSteps: number;
  /** Of blockSteps, those run in bulk by loop idioms (idiom.ts). */
  bulkSteps: number;
}

export class Translator implements HartTranslator, CodeWatcher, BlockHost {
  /** Changes whenever compiled code is dropped (running blocks check it after their stores). */
  epoch = 0;
  bulkSteps = 0;
  private pages: (JitPage | undefined)[];
  private readonly heat = new Uint32Array(1 << HEAT_BITS);
  private readonly jitPages: number[] = [];
  private blocks = 0;
  private insns = 0;
  /** Per hart (by id): the blocks last entered, by virtual pc. */
  private readonly jumpCaches: JumpCache[] = [];
  private readonly counters = { compiled: 0, flushes: 0, invalidations: 0, blockSteps: 0, interpretedSteps: 0 };
  /** The bounds and threshold in force (tests lower them). */
  hotThreshold = HOT_THRESHOLD;
  maxBlocks = MAX_BLOCKS;
  maxInsns = MAX_INSNS;
  maxPageInvalidations = MAX_PAGE_INVALIDATIONS;
  /** Tests: called after every block returns normally (the hart's state is at a block boundary). */
  onBlockExit: ((h: Hart) => void) | undefined;

  constructor(private readonly bus: Bus) {
    this.pages = new Array(bus.ramSize >>> 12).fill(undefined);
    bus.codeWatcher = this;
  }

  run(h: Hart, n: number, budget: number): number {
    // steps counted in locals and added to the statistics once, also when a trap unwinds
    let inBlocks = 0, interpreted = 0;
    try {
      const x = h.x;
      const pf = this.bus.pageFlags;
      const heat = this.heat;
      const jc = this.jumpCaches[h.id] ?? (this.jumpCaches[h.id] = new JumpCache());
      const tlbX = h.tlbX;
      while (n < budget && !h.yieldFlag) {
        const pc = h.pc;
        if (h.pcHi === 0) {
          const j = (pc >>> 1) & JUMP_CACHE_MASK;
          if (jc.pc[j] === pc && jc.stamp[j] === tlbX.gen * 4 + h.fetchCtx && jc.epoch === this.epoch) {
            const len = jc.len[j];
            if (n + len <= budget) {
              const before = n;
              n = jc.fn[j]!(h, x, n, budget, this);
              inBlocks += n - before;
              if (this.onBlockExit !== undefined) this.onBlockExit(h);
              continue;
            }
          }
          const rel = pc - h.fBase;
          if (!(rel >= 0 && rel < 4096)) h.refillFetch(pc);
          if (h.fCode !== null) {
            const off = h.fOff + (pc & 4095);
            const p = off >>> 12;
            if ((pf[p] & PAGE_JIT) !== 0) {
              const page = this.pages[p]!;
              const slot = (off & 4095) >> 1;
              const fn = page.fns![slot];
              if (fn !== undefined) {
                if (n + page.lens![slot] <= budget) {
                  if (jc.epoch !== this.epoch) jc.clear(this.epoch);
                  jc.pc[j] = pc; jc.stamp[j] = tlbX.gen * 4 + h.fetchCtx; jc.fn[j] = fn; jc.len[j] = page.lens![slot];
                  const before = n;
                  n = fn(h, x, n, budget, this);
                  inBlocks += n - before;
                  if (this.onBlockExit !== undefined) this.onBlockExit(h);
                  continue;
                }
                // a block longer than the budget left: interpreted
                const before = n;
                n = h.innerStretch(n, budget);
                interpreted += n - before;
                continue;
              }
            }
            const hk = heatIndex(off);
            if (heat[hk] + 1 >= this.hotThreshold) {
              heat[hk] = 0;
              const page = this.pages[p];
              if ((page === undefined || !page.noJit) && this.translate(p, off)) continue;
            }
            // cold: interpreted a stretch at a time (Hart.innerStretch), the instructions counted as this location's heat
            const before = n;
            n = h.innerStretch(n, budget);
            interpreted += n - before;
            const t = heat[hk] + n - before;
            heat[hk] = t > 0xffffffff ? 0xffffffff : t;
            continue;
          }
          // the boot ROM, MMIO: interpreted
          const before = n;
          n = h.innerStretch(n, budget);
          interpreted += n - before;
        } else {
          // beyond ±2^52 (Sv57's kernel half): no blocks, so the interpreter runs a stretch at once
          const before = n;
          n = h.inner(n, Math.min(budget, n + WIDE_STRETCH));
          interpreted += n - before;
        }
      }
      return n;
    } finally {
      this.counters.blockSteps += inBlocks;
      this.counters.interpretedSteps += interpreted;
    }
  }

  /** Compiles the block at RAM offset off (in page p); false when nothing can be compiled there. */
  private translate(p: number, off: number): boolean {
    let slots = scan(this.bus.ram16, off);
    if (slots.length === 0) return false; // a 32-bit instruction across the page end: interpreted
    if (slots.length > this.maxInsns) slots = slots.slice(0, Math.max(1, this.maxInsns));
    if (this.blocks + 1 > this.maxBlocks || this.insns + slots.length > this.maxInsns) this.flush();
    const fn = compile(slots, this.bus, off);
    let page = this.pages[p];
    if (page === undefined) page = this.pages[p] = new JitPage();
    if (page.fns === undefined) { page.fns = new Array(SLOTS).fill(undefined); page.lens = new Uint8Array(SLOTS); }
    const slot = (off & 4095) >> 1;
    page.fns[slot] = fn;
    page.lens![slot] = slots.length;
    page.blocks++; page.insns += slots.length;
    this.blocks++; this.insns += slots.length;
    this.counters.compiled++;
    if ((this.bus.pageFlags[p] & PAGE_JIT) === 0) { this.bus.pageFlags[p] |= PAGE_JIT; this.jitPages.push(p); }
    return true;
  }

  /** CodeWatcher: page p was written; its blocks go. */
  pageWritten(p: number): void {
    this.bus.pageFlags[p] &= ~PAGE_JIT;
    const page = this.pages[p];
    this.epoch++;
    this.counters.invalidations++;
    if (page === undefined) return;
    this.blocks -= page.blocks; this.insns -= page.insns;
    page.blocks = 0; page.insns = 0;
    page.fns = undefined; page.lens = undefined;
    if (++page.invalidations >= this.maxPageInvalidations) page.noJit = true;
  }

  /** CodeWatcher: RAM was reset. */
  reset(): void { this.flush(); }

  /** Drops every block and all per-page state. */
  flush(): void {
    for (const p of this.jitPages) this.bus.pageFlags[p] &= ~PAGE_JIT;
    this.jitPages.length = 0;
    this.pages.fill(undefined);
    this.heat.fill(0);
    this.blocks = 0; this.insns = 0;
    this.epoch++;
    this.counters.flushes++;
  }

  stats(): TranslatorStats {
    return { blocks: this.blocks, insns: this.insns, ...this.counters, bulkSteps: this.bulkSteps };
  }
}
