// The terminal as the machine's serial console, with QEMU's escape key: Ctrl-A X quits,
// Ctrl-A G opens the gdb stub, Ctrl-A H lists the keys, Ctrl-A A sends a literal Ctrl-A.
// Raw mode when stdin is a TTY, restored on every exit path.

export interface ConsoleHandlers {
  /** Bytes for the guest's UART. */
  input(bytes: Uint8Array): void;
  quit(): void;
  /** Ctrl-A S: print machine statistics. */
  stats?(): void;
  /** Ctrl-A G: open the gdb stub (attach a debugger later). */
  gdb?(): void;
}

const CTRL_A = 0x01;

export class Console {
  private escape = false;
  private raw = false;
  private readonly onData = (chunk: Buffer) => this.feed(chunk);

  constructor(private readonly handlers: ConsoleHandlers,
              private readonly stdin: NodeJS.ReadStream = process.stdin,
              private readonly stdout: NodeJS.WriteStream = process.stdout) {}

  start(): void {
    if (this.stdin.isTTY) { this.stdin.setRawMode(true); this.raw = true; }
    this.stdin.on('data', this.onData);
    this.stdin.resume();
  }

  stop(): void {
    this.stdin.off('data', this.onData);
    if (this.raw) { this.stdin.setRawMode(false); this.raw = false; }
    this.stdin.pause();
  }

  /** Splits input into guest bytes and escape commands. Exposed for tests. */
  feed(chunk: Uint8Array): void {
    const out: number[] = [];
    for (const b of chunk) {
      if (this.escape) {
        this.escape = false;
        const c = String.fromCharCode(b).toLowerCase();
        if (c === 'x') { this.flush(out); this.handlers.quit(); return; }
        if (c === 'h') { this.message('Ctrl-A X  quit\r\nCtrl-A S  statistics\r\nCtrl-A G  open the gdb stub\r\nCtrl-A A  send Ctrl-A\r\nCtrl-A H  this help'); continue; }
        if (c === 'g') { this.handlers.gdb?.(); continue; }
        if (c === 's') { this.handlers.stats?.(); continue; }
        if (b === CTRL_A || c === 'a') { out.push(CTRL_A); continue; }
        continue; // unknown escape: ignored, as QEMU does
      }
      if (b === CTRL_A) { this.escape = true; continue; }
      out.push(b);
    }
    this.flush(out);
  }

  message(text: string): void { this.stdout.write(`\r\n[kwb] ${text}\r\n`); }

  private flush(out: number[]): void {
    if (out.length) this.handlers.input(Uint8Array.from(out));
    out.length = 0;
  }
}
