// The serial terminal's byte handling, without vscode: what the guest prints is made safe for
// the terminal (line ends as CR LF, SGR/cursor escape sequences kept, any other control byte or
// escape shown as ^X instead of being obeyed, so binary garbage cannot wedge or retitle the
// terminal), output is kept while the terminal is not open yet and replayed when it opens, and
// typed keys are the machine's: Ctrl-A X ends the session, Ctrl-A S shows statistics, Ctrl-A H
// lists the keys, Ctrl-A A sends a Ctrl-A; everything else goes to the guest.

const ESC = '\x1b';
/** Escape sequences a console needs (colours, cursor moves, erase): CSI with a final byte. */
const CSI = /^\x1b\[[0-9;?]{0,24}[ -/]{0,2}[@-~]/;
/** The longest CSI kept; a longer one is garbage. */
const CSI_MAX = 32;

function caret(code: number): string {
  if (code === 0x7f) return '^?';
  if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`;
  return `<${code.toString(16).padStart(2, '0')}>`; // C1 controls
}

export class OutputSanitizer {
  /** An escape sequence cut at the end of the previous chunk. */
  private pending = '';
  /** The previous chunk ended in CR (so an LF starting this one is not doubled). */
  private lastCR = false;

  /** Text as the terminal should get it. */
  push(text: string): string {
    let s = this.pending + text;
    this.pending = '';
    let out = '';
    for (let i = 0; i < s.length; i++) {
      const ch = s[i];
      const code = s.charCodeAt(i);
      if (ch === '\n') { out += this.lastCR ? '\n' : '\r\n'; this.lastCR = false; continue; }
      this.lastCR = ch === '\r';
      if (ch === '\r' || ch === '\t' || ch === '\b' || ch === '\x07') { out += ch; continue; }
      if (ch === ESC) {
        const rest = s.slice(i, i + CSI_MAX);
        const m = CSI.exec(rest);
        if (m) { out += m[0]; i += m[0].length - 1; continue; }
        // possibly a sequence cut by the chunk boundary: keep it for the next chunk
        if (i + CSI_MAX > s.length && /^\x1b(\[[0-9;?]{0,24}[ -/]{0,2})?$/.test(s.slice(i))) { this.pending = s.slice(i); s = s.slice(0, i); break; }
        out += '^[';
        continue;
      }
      if (code < 0x20 || code === 0x7f || (code >= 0x80 && code <= 0x9f)) { out += caret(code); continue; }
      out += ch;
    }
    return out;
  }
}

/** Output kept for a terminal that is not open (yet or any more), up to a bound (oldest dropped). */
export class OutputBuffer {
  private chunks: string[] = [];
  private size = 0;
  constructor(private readonly limit = 1 << 20) {}
  push(text: string): void {
    this.chunks.push(text);
    this.size += text.length;
    while (this.size > this.limit && this.chunks.length > 1) this.size -= this.chunks.shift()!.length;
    if (this.size > this.limit) { const c = this.chunks[0]; this.chunks[0] = c.slice(c.length - this.limit); this.size = this.limit; }
  }
  take(): string { const t = this.chunks.join(''); this.chunks = []; this.size = 0; return t; }
  get length(): number { return this.size; }
}

export type KeyAction =
  | { kind: 'send'; text: string }
  | { kind: 'end' }
  | { kind: 'help'; text: string }
  | { kind: 'stats' }
  | { kind: 'message'; text: string };

export const CTRL_A_HELP = [
  'Ctrl-A X  end the debug session (the machine powers off)',
  'Ctrl-A S  machine statistics (state, instructions, virtual time)',
  'Ctrl-A G  the gdb stub: set "gdbPort" in launch.json',
  'Ctrl-A A  send Ctrl-A to the guest',
  'Ctrl-A H  this help',
].join('\r\n');

/** Typed keys → actions; Ctrl-A starts a two-key command as on the kwb command line (and QEMU). */
export class KeyInterpreter {
  private escape = false;

  feed(data: string): KeyAction[] {
    const out: KeyAction[] = [];
    let text = '';
    const flush = (): void => { if (text) { out.push({ kind: 'send', text }); text = ''; } };
    for (const ch of data) {
      if (this.escape) {
        this.escape = false;
        const k = ch.toLowerCase();
        if (k === 'x') { flush(); out.push({ kind: 'end' }); continue; }
        if (k === 'h' || k === '?') { flush(); out.push({ kind: 'help', text: CTRL_A_HELP }); continue; }
        if (k === 's') { flush(); out.push({ kind: 'stats' }); continue; }
        if (k === 'g') { flush(); out.push({ kind: 'message', text: 'the gdb stub opens with the session: set "gdbPort": 1234 in launch.json, then gdb-multiarch -ex "target remote :1234"' }); continue; }
        if (k === 'a' || ch === '\x01') { text += '\x01'; continue; }
        flush();
        out.push({ kind: 'message', text: `Ctrl-A ${JSON.stringify(ch).slice(1, -1)}: not a command (Ctrl-A H lists them)` });
        continue;
      }
      if (ch === '\x01') { this.escape = true; continue; }
      text += ch;
    }
    flush();
    return out;
  }
}
