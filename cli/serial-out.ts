// The guest's UART transmit side on the host: bytes are gathered and written in batches
// (one write per event-loop turn), since a write per byte would dominate a chatty guest.
import type { SerialHost } from '../emulator/bus/device';

export class SerialOut implements SerialHost {
  private buf = new Uint8Array(4096);
  private len = 0;
  private scheduled = false;

  constructor(private readonly out: NodeJS.WritableStream) {}

  output(byte: number): void {
    if (this.len === this.buf.length) this.flush();
    this.buf[this.len++] = byte;
    if (!this.scheduled) { this.scheduled = true; setImmediate(() => this.flush()); }
  }

  flush(): void {
    this.scheduled = false;
    if (this.len === 0) return;
    this.out.write(Buffer.from(this.buf.subarray(0, this.len)));
    this.len = 0;
  }
}
