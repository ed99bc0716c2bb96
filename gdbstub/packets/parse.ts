// Small helpers shared by the packet parsers: split "addr,length" pairs, parse hex numbers and
// thread ids, always returning a PacketError (never throwing) on bad input.
import { PacketError } from '../errors';
import { parseHexBig, parseHexInt } from '../rsp/encoding';

/** "ADDR,LENGTH" (the part after the packet letter) as numbers. */
export function addrLength(text: string, body: string, maxLength = 0x7fffffff): { address: bigint; length: number } | PacketError {
  const comma = body.indexOf(',');
  if (comma < 0) return new PacketError(text, 'expected ADDR,LENGTH');
  const address = parseHexBig(body.slice(0, comma));
  if (address === undefined) return new PacketError(text, `bad address ${JSON.stringify(body.slice(0, comma))}`);
  const length = parseHexInt(body.slice(comma + 1), maxLength);
  if (length === undefined) return new PacketError(text, `bad length ${JSON.stringify(body.slice(comma + 1))}`);
  return { address, length };
}

export function hexInt(text: string, s: string, what: string, max?: number): number | PacketError {
  const v = parseHexInt(s, max);
  return v === undefined ? new PacketError(text, `bad ${what} ${JSON.stringify(s)}`) : v;
}

export function isError(x: unknown): x is PacketError {
  return x instanceof PacketError;
}
