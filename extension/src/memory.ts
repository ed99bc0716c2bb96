// The Kernel Memory view: a read-only hex dump of guest memory in an editor tab, read through
// the adapter's readMemory. VS Code's own memory view needs the Hex Editor extension, which a
// code-server without a marketplace does not have; this one needs nothing. Pure: no vscode.
// A document is named by a URI `kwb-memory:/<count>/<memoryReference>.hex` (the reference as
// the adapter gives it: `0xADDR` or `0xADDR@satp:0xSATP` for a process's address space).

export const MEMORY_SCHEME = 'kwb-memory';
export const DEFAULT_COUNT = 256;
export const MAX_COUNT = 64 * 1024;

export interface MemoryTarget { memoryReference: string; count: number }

/** The URI path for a target: `/256/0x80001000.hex` (the editor's tab shows the address). */
export function memoryPath(t: MemoryTarget): string {
  return `/${t.count}/${encodeURIComponent(t.memoryReference)}.hex`;
}

/** Reads a URI path back; undefined when it is not one of ours. */
export function parseMemoryPath(path: string): MemoryTarget | undefined {
  const m = /^\/(\d{1,6})\/([^/]+)\.hex$/.exec(path);
  if (!m) return undefined;
  const count = Number(m[1]);
  if (count < 1 || count > MAX_COUNT) return undefined;
  return { memoryReference: decodeURIComponent(m[2]), count };
}

/**
 * What a person types into the Show Memory box: `ADDR`, `ADDR LEN`, `ADDR,LEN`, or an expression
 * (evaluated by the adapter) optionally followed by `, LEN`. Numbers in C syntax (0x.., decimal).
 */
export function parseMemoryInput(text: string): { expression: string; count: number } | { error: string } {
  const t = text.trim();
  if (!t) return { error: 'type an address (0x80000000) or an expression (&ticks, task_table), optionally followed by ", LENGTH"' };
  const m = /^(.*?)(?:\s*,\s*|\s+)(0x[0-9a-f]+|\d+)$/i.exec(t);
  let expression = t;
  let count = DEFAULT_COUNT;
  // `EXPR LEN` only when EXPR does not end in an operator (`x + 4` is one expression)
  if (m && m[1].trim() && (/,\s*(0x[0-9a-f]+|\d+)$/i.test(t) || !/[-+*/%&|^<>=!~(,]$/.test(m[1].trim()))) {
    expression = m[1].trim();
    count = Number(BigInt(m[2]) > BigInt(MAX_COUNT) ? MAX_COUNT + 1 : BigInt(m[2]));
  }
  if (count < 1 || count > MAX_COUNT) return { error: `the length must be 1 to ${MAX_COUNT} bytes (got ${m![2]})` };
  return { expression, count };
}

/** The address part of a memory reference (`0xADDR[@satp:...]`). */
export function referenceAddress(ref: string): bigint | undefined {
  const m = /^\s*(0x[0-9a-f]{1,16}|\d{1,20})(@satp:0x[0-9a-f]{1,16})?\s*$/i.exec(ref);
  return m ? BigInt(m[1]) : undefined;
}

/** A memory reference from an evaluate result: its memoryReference, else the value as a number. */
export function referenceFromResult(r: { result?: string; memoryReference?: string }): string | undefined {
  if (r.memoryReference) return r.memoryReference;
  const m = /^\s*(?:\([^)]*\)\s*)?(0x[0-9a-f]{1,16}|\d{1,20})\b/i.exec(r.result ?? '');
  return m ? `0x${BigInt(m[1]).toString(16)}` : undefined;
}

export interface ReadMemoryBody { address: string; data?: string; unreadableBytes?: number }

/**
 * The dump: a header, then 16 bytes a line as `ADDRESS  hh hh ... hh  |ascii|`; bytes the
 * adapter could not read are `??` (and `.`), as are those past the end of what it returned.
 */
export function hexDump(ref: string, count: number, body: ReadMemoryBody | undefined, when: string): string {
  const start = body ? BigInt(body.address) : (referenceAddress(ref) ?? 0n);
  const data = body?.data ? new Uint8Array(Buffer.from(body.data, 'base64')) : new Uint8Array(0);
  const space = /@satp:(0x[0-9a-f]+)/i.exec(ref);
  const lines = [`// ${count} bytes at 0x${start.toString(16)}${space ? ` in the address space of satp ${space[1]}` : ''}; read ${when}.`,
    `// Refreshed at every stop; readonly. Kernel Workbench: Show Memory… opens another.`];
  if (data.length < count) lines.push(`// ${count - data.length} of ${count} bytes could not be read (shown as ??).`);
  const width = 16;
  const first = start - (start % BigInt(width));
  for (let line = first; line < start + BigInt(count); line += BigInt(width)) {
    const hex: string[] = [];
    let ascii = '';
    for (let i = 0; i < width; i++) {
      const a = line + BigInt(i);
      const k = Number(a - start);
      if (a < start || k >= count) { hex.push('  '); ascii += ' '; continue; }
      if (k >= data.length) { hex.push('??'); ascii += '.'; continue; }
      const b = data[k];
      hex.push(b.toString(16).padStart(2, '0'));
      ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    }
    lines.push(`${line.toString(16).padStart(16, '0')}  ${hex.slice(0, 8).join(' ')}  ${hex.slice(8).join(' ')}  |${ascii}|`);
  }
  return lines.join('\n') + '\n';
}
