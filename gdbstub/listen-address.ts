// Parses the --gdb listen address: `tcp::PORT` (127.0.0.1), `tcp:HOST:PORT`, `unix:/path`,
// and the QEMU-style shorthands `:PORT` and `PORT`. Errors name the input.
import { GdbServerError } from './errors';

export type ListenAddress =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'unix'; path: string };

export function parseListenAddress(spec: string): ListenAddress {
  const bad = (why: string): never => { throw new GdbServerError(`bad gdb listen address ${JSON.stringify(spec)}: ${why} (use tcp::PORT, tcp:HOST:PORT or unix:/path)`, spec); };
  if (spec.startsWith('unix:')) {
    const path = spec.slice(5);
    if (path === '') bad('empty socket path');
    return { kind: 'unix', path };
  }
  let rest = spec.startsWith('tcp:') ? spec.slice(4) : spec;
  if (/^\d+$/.test(rest)) rest = ':' + rest;
  const colon = rest.lastIndexOf(':');
  if (colon < 0) bad('no port');
  let host = rest.slice(0, colon);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const portText = rest.slice(colon + 1);
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) bad(`port ${JSON.stringify(portText)} is not 0..65535`);
  return { kind: 'tcp', host: host === '' ? '127.0.0.1' : host, port: Number(portText) };
}

export function formatListenAddress(a: ListenAddress): string {
  return a.kind === 'unix' ? `unix:${a.path}` : `tcp:${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
}
