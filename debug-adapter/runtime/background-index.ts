// The kernel's name index built in the background (symbols' prepareIndex) from the moment its
// symbol file is opened, so the first hover or watch of a global or a type does not wait for a
// scan of every unit (~1 s on a Linux vmlinux). It reports progress (DAP progressStart /
// progressUpdate / progressEnd when the client shows progress) and can be cancelled (DAP
// `cancel` with its progressId): the build stops between slices; a later lookup finishes the
// index on demand from where it stopped.
import type { SymbolFile } from '../../symbols';

export interface ProgressSink {
  start(id: string, title: string, message?: string): void;
  update(id: string, message: string, percentage: number): void;
  end(id: string, message?: string): void;
}

let serial = 0;

export class BackgroundIndex {
  readonly id = `kwb-name-index-${++serial}`;
  private aborted = false;
  private ended = false;
  private lastPercent = -1;
  /** Resolves true when the index is complete, false when cancelled (never rejects). */
  readonly done: Promise<boolean>;
  /** How it ended: 'complete', 'cancelled', or undefined while it runs. */
  outcome?: 'complete' | 'cancelled';

  constructor(file: SymbolFile, private readonly sink: ProgressSink, title = 'Indexing kernel symbols', opts: { yieldToHost?: () => Promise<void>; sliceMs?: number } = {}) {
    const units = file.dwarf?.units.length ?? 0;
    sink.start(this.id, title, `${units} compilation units`);
    const signal = { get aborted() { return self.aborted; } };
    const self = this; // eslint-disable-line @typescript-eslint/no-this-alias
    this.done = file.prepareIndex({
      signal,
      sliceMs: opts.sliceMs,
      yieldToHost: opts.yieldToHost ?? (() => new Promise<void>((r) => setImmediate(r))),
      onProgress: (done, total) => {
        if (this.ended || total <= 0) return;
        const pct = Math.floor((100 * done) / total);
        if (pct === this.lastPercent) return;
        this.lastPercent = pct;
        this.sink.update(this.id, `${done} of ${total} units`, pct);
      },
    }).then((complete) => {
      const ok = complete && !this.aborted;
      if (ok && this.lastPercent < 100 && !this.ended) this.sink.update(this.id, `${units} of ${units} units`, 100);
      this.outcome ??= ok ? 'complete' : 'cancelled';
      this.finish(ok ? 'done' : 'cancelled: names are looked up when first needed');
      return ok;
    }, () => { this.outcome ??= 'cancelled'; this.finish('stopped'); return false; });
  }

  /** Stops the build between slices and ends the progress now (DAP cancel of this progressId). */
  cancel(): void {
    if (this.ended) return;
    this.aborted = true;
    this.outcome = 'cancelled';
    this.finish('cancelled: names are looked up when first needed');
  }

  get running(): boolean { return !this.ended; }

  private finish(message: string): void {
    if (this.ended) return;
    this.ended = true;
    this.sink.end(this.id, message);
  }
}
