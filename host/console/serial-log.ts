// `log TEXT` (UML mconsole's log): the host writes a line into the serial console's output, the
// stream the user watches (kwb's terminal, the adapter's serial terminal), marked "[kwb log]",
// on a line of its own even when the guest is in the middle of one. It does not reach the guest
// kernel's own log (that would need the guest's help).
import type { SerialHost } from '../../emulator/bus/device';

export class SerialLog implements SerialHost {
  private atLineStart = true;

  constructor(private readonly inner: SerialHost) {}

  output(byte: number): void {
    this.atLineStart = byte === 0x0a;
    this.inner.output(byte);
  }

  log(text: string): void {
    const line = `${this.atLineStart ? '' : '\r\n'}[kwb log] ${text}\r\n`;
    for (const b of new TextEncoder().encode(line)) this.inner.output(b);
    this.atLineStart = true;
  }
}
