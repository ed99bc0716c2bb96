// The symbols layer's one error type and its warning record. Parsers throw SymbolsError
// internally; every public entry point catches it and returns partial results plus warnings,
// so hostile input never throws past the API boundary.

/** Where a problem was found: a section name (or other input name) and a byte offset in it. */
export interface Where {
  section?: string;
  offset?: number;
}

export class SymbolsError extends Error {
  constructor(message: string, readonly where: Where = {}) {
    super(where.section !== undefined ? `${message} (in ${where.section}${where.offset !== undefined ? ` at offset 0x${where.offset.toString(16)}` : ''})` : message);
    this.name = 'SymbolsError';
  }
}

/** A recoverable problem: the result is partial; the message says what and where. */
export interface Warning {
  message: string;
}

/** Collects warnings without unbounded growth (hostile input can produce millions). */
export class WarningSink {
  readonly list: Warning[] = [];
  dropped = 0;
  constructor(private readonly max = 200) {}
  add(message: string): void {
    if (this.list.length < this.max) this.list.push({ message });
    else this.dropped++;
  }
  /** Records an exception caught at a boundary; non-SymbolsError bugs are recorded too, never rethrown. */
  caught(context: string, e: unknown): void {
    if (e instanceof SymbolsError) this.add(`${context}: ${e.message}`);
    else this.add(`${context}: internal error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
}
