// The RSP byte pump: a state machine fed with whatever bytes the transport delivers (a packet
// may be split across reads at any offset, several may arrive together) that yields framing
// events: a packet's payload (checksum verified, `}` escapes undone, optionally run-length
// decoded), an ack '+', a nak '-', the 0x03 interrupt byte, or a framing error. It knows
// nothing of what packets mean. encodePacket() builds the other direction.
import { checksum, runLengthDecode, runLengthEncode, unescapeBinary } from './encoding';

export type FrameEvent =
  | { kind: 'packet'; payload: Uint8Array }
  | { kind: 'ack' }
  | { kind: 'nak' }
  | { kind: 'interrupt' }
  /** A packet whose checksum did not match (or whose checksum digits were not hex). */
  | { kind: 'bad-checksum'; expected: number; got: number | undefined }
  /** A packet longer than the limit; its bytes were dropped up to its end. */
  | { kind: 'overflow'; size: number }
  /** A packet whose run-length encoding was malformed (decoder side only). */
  | { kind: 'bad-encoding' };

export interface FrameDecoderOptions {
  /** Largest payload accepted (before unescaping); longer packets give an 'overflow' event. */
  maxPacket?: number;
  /** Expand run-length encoding (replies from a stub; gdb never sends it to a stub). */
  runLength?: boolean;
}

const enum State { Idle, Data, Check1, Check2 }

export class FrameDecoder {
  private state = State.Idle;
  private buf: Uint8Array;
  private len = 0;
  private overflowed = 0;
  private check = 0;
  private checkBad = false;
  private readonly max: number;
  private readonly runLength: boolean;

  constructor(opts: FrameDecoderOptions = {}) {
    this.max = opts.maxPacket ?? 0x10000;
    this.runLength = opts.runLength ?? false;
    this.buf = new Uint8Array(Math.min(this.max, 4096));
  }

  /** Feeds bytes; returns the events they completed, in order. */
  feed(bytes: Uint8Array): FrameEvent[] {
    const events: FrameEvent[] = [];
    for (const b of bytes) {
      switch (this.state) {
        case State.Idle:
          if (b === 0x24) this.startPacket();
          else if (b === 0x2b) events.push({ kind: 'ack' });
          else if (b === 0x2d) events.push({ kind: 'nak' });
          else if (b === 0x03) events.push({ kind: 'interrupt' });
          // anything else between packets is line noise and ignored
          break;
        case State.Data:
          if (b === 0x23) { this.state = State.Check1; }
          else if (b === 0x24) { this.startPacket(); } // a new '$' resynchronises
          else this.push(b);
          break;
        case State.Check1: {
          const d = hexDigit(b);
          this.checkBad = d < 0;
          this.check = d < 0 ? 0 : d << 4;
          this.state = State.Check2;
          break;
        }
        case State.Check2: {
          const d = hexDigit(b);
          if (d < 0) this.checkBad = true;
          else this.check |= d;
          this.state = State.Idle;
          events.push(this.finish());
          break;
        }
      }
    }
    return events;
  }

  private startPacket(): void {
    this.state = State.Data;
    this.len = 0;
    this.overflowed = 0;
  }

  private push(b: number): void {
    if (this.len >= this.max) { this.overflowed++; return; }
    if (this.len === this.buf.length) {
      const bigger = new Uint8Array(Math.min(this.max, this.buf.length * 2));
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.len++] = b;
  }

  private finish(): FrameEvent {
    if (this.overflowed) return { kind: 'overflow', size: this.len + this.overflowed };
    const expected = checksum(this.buf, 0, this.len);
    if (this.checkBad || expected !== this.check) {
      return { kind: 'bad-checksum', expected, got: this.checkBad ? undefined : this.check };
    }
    let data: Uint8Array | undefined = this.buf.slice(0, this.len);
    if (this.runLength) { data = runLengthDecode(data); if (!data) return { kind: 'bad-encoding' }; }
    return { kind: 'packet', payload: unescapeBinary(data) };
  }
}

function hexDigit(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  return -1;
}

/**
 * Frames a payload as `$data#cs`. The payload must already be escaped where it holds binary
 * data (escapeBinary); `runLength` compresses it (stubs may, gdb never does).
 */
export function encodePacket(payload: Uint8Array, opts: { runLength?: boolean } = {}): Uint8Array {
  const body = opts.runLength ? runLengthEncode(payload) : payload;
  const out = new Uint8Array(body.length + 4);
  out[0] = 0x24;
  out.set(body, 1);
  const cs = checksum(body);
  out[body.length + 1] = 0x23;
  out[body.length + 2] = HEXCHARS.charCodeAt(cs >> 4);
  out[body.length + 3] = HEXCHARS.charCodeAt(cs & 15);
  return out;
}

const HEXCHARS = '0123456789abcdef';
