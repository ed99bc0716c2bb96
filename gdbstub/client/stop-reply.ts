// Parses a stub's stop reply (gdb manual, "Stop Reply Packets"): S and T with their signal,
// thread, watch/rwatch/awatch address, swbreak/hwbreak and expedited registers; W (exited)
// and X (killed). Returns undefined for text that is not a stop reply.

export interface ParsedStop {
  kind: 'signal' | 'exited' | 'killed';
  signal: number;
  /** Exit code for W. */
  code?: number;
  thread?: string;
  watch?: { kind: 'write' | 'read' | 'access'; address: bigint };
  swbreak?: boolean;
  hwbreak?: boolean;
  /** Expedited registers: stub register number -> little-endian hex. */
  registers: Map<number, string>;
}

export function parseStopReply(text: string): ParsedStop | undefined {
  const head = text[0];
  const num = parseInt(text.slice(1, 3), 16);
  if (!/^[SWXT][0-9a-fA-F]{2}/.test(text)) return undefined;
  if (head === 'W') return { kind: 'exited', signal: 0, code: num, registers: new Map() };
  if (head === 'X') return { kind: 'killed', signal: num, registers: new Map() };
  const stop: ParsedStop = { kind: 'signal', signal: num, registers: new Map() };
  if (head === 'S') return stop;
  for (const pair of text.slice(3).split(';')) {
    if (pair === '') continue;
    const colon = pair.indexOf(':');
    const key = colon < 0 ? pair : pair.slice(0, colon);
    const value = colon < 0 ? '' : pair.slice(colon + 1);
    if (key === 'thread') stop.thread = value;
    else if (key === 'watch' || key === 'rwatch' || key === 'awatch') {
      if (/^[0-9a-fA-F]{1,16}$/.test(value)) {
        stop.watch = { kind: key === 'watch' ? 'write' : key === 'rwatch' ? 'read' : 'access', address: BigInt('0x' + value) };
      }
    } else if (key === 'swbreak') stop.swbreak = true;
    else if (key === 'hwbreak') stop.hwbreak = true;
    else if (/^[0-9a-fA-F]+$/.test(key)) stop.registers.set(parseInt(key, 16), value);
  }
  return stop;
}
