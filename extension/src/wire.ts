// The Debug Adapter Protocol's wire format (a `Content-Length: N` header, a blank line, N bytes
// of JSON), for talking to the adapter process over its stdin/stdout. Pure: no vscode.

export type DapMessage = { seq: number; type: string; [key: string]: unknown };

const HEADER_END = Buffer.from('\r\n\r\n');
/** A header block longer than this is not DAP: the stream is dropped up to the next header. */
const MAX_HEADER = 1024;

export function encodeMessage(msg: object): Buffer {
  const body = Buffer.from(JSON.stringify(msg), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
}

/** Splits a byte stream into messages; bytes that are not DAP are reported, never thrown. */
export class MessageReader {
  private buf = Buffer.alloc(0);

  constructor(private readonly onMessage: (m: DapMessage) => void, private readonly onError: (text: string) => void) {}

  feed(chunk: Uint8Array): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : Buffer.from(chunk);
    for (;;) {
      const end = this.buf.indexOf(HEADER_END);
      if (end < 0) {
        if (this.buf.length > MAX_HEADER) this.resync('a header without its blank line');
        return;
      }
      const header = this.buf.subarray(0, end).toString('ascii');
      const m = /(?:^|\r\n)Content-Length:\s*(\d+)\s*(?:\r\n|$)/i.exec(header);
      if (!m || end > MAX_HEADER) { this.resync(`a header without Content-Length (${JSON.stringify(header.slice(0, 60))})`); continue; }
      const length = Number(m[1]);
      const start = end + HEADER_END.length;
      if (this.buf.length < start + length) return;
      const body = this.buf.subarray(start, start + length).toString('utf8');
      this.buf = this.buf.subarray(start + length);
      let msg: unknown;
      try { msg = JSON.parse(body); } catch { this.onError(`a message that is not JSON (${JSON.stringify(body.slice(0, 60))})`); continue; }
      if (typeof msg !== 'object' || msg === null || typeof (msg as DapMessage).type !== 'string') { this.onError('a message without a "type"'); continue; }
      this.onMessage(msg as DapMessage);
    }
  }

  /** Drops bytes up to the next `Content-Length` header. */
  private resync(what: string): void {
    this.onError(`the adapter sent ${what}`);
    const next = this.buf.indexOf('Content-Length', 1, 'ascii');
    this.buf = next > 0 ? this.buf.subarray(next) : Buffer.alloc(0);
  }
}

/** A minimal event (the shape of vscode.Event) so pure classes can offer events without importing vscode. */
export type Listener<T> = (e: T) => unknown;
export interface Disposable { dispose(): void }
export type EventFn<T> = (listener: Listener<T>, thisArg?: unknown, disposables?: Disposable[]) => Disposable;

export class Emitter<T> {
  private listeners: Array<Listener<T>> = [];
  readonly event: EventFn<T> = (listener, thisArg, disposables) => {
    const l: Listener<T> = thisArg ? listener.bind(thisArg) : listener;
    this.listeners.push(l);
    const d = { dispose: () => { this.listeners = this.listeners.filter((x) => x !== l); } };
    disposables?.push(d);
    return d;
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) {
      try { l(e); } catch { /* a listener's failure does not stop the others */ }
    }
  }
  dispose(): void { this.listeners = []; }
}
