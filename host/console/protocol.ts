// The control socket's line protocol (README.md has it for users): a client sends one command
// per line (UTF-8, "\n" or "\r\n", at most MAX_LINE_BYTES with the newline); the server answers
// each line, in order, with one line of JSON: {"ok":true,"text":"..."} or {"ok":false,"text":"..."}
// (the text is what gdb's `monitor` would print; it may hold newlines, escaped by JSON).

export const MAX_LINE_BYTES = 4096;

export interface ConsoleReply {
  ok: boolean;
  text: string;
}

export function encodeReply(reply: ConsoleReply): string {
  return JSON.stringify({ ok: reply.ok, text: reply.text }) + '\n';
}

/** Reads a reply line; a line that is not one says so (the peer is not a kwb console). */
export function decodeReply(line: string): ConsoleReply {
  let v: unknown;
  try { v = JSON.parse(line); } catch { throw new Error(`not a console reply: ${JSON.stringify(line.slice(0, 80))}`); }
  const r = v as { ok?: unknown; text?: unknown };
  if (typeof v !== 'object' || v === null || typeof r.ok !== 'boolean' || typeof r.text !== 'string') {
    throw new Error(`not a console reply: ${JSON.stringify(line.slice(0, 80))}`);
  }
  return { ok: r.ok, text: r.text };
}

/** Checks one request line's bytes (without its newline): the command text, or why it is refused. */
export function decodeRequest(bytes: Uint8Array): { line: string } | { error: string } {
  let line: string;
  try { line = new TextDecoder('utf-8', { fatal: true }).decode(bytes); } catch { return { error: 'the command line is not UTF-8 text' }; }
  if (line.endsWith('\r')) line = line.slice(0, -1);
  const bad = /[\u0000-\u0008\u000a-\u001f\u007f]/.exec(line);
  if (bad) return { error: `the command line holds control character 0x${bad[0].charCodeAt(0).toString(16).padStart(2, '0')}` };
  if (line.trim() === '') return { error: 'empty command line; try help' };
  return { line };
}
