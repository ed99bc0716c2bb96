// An address as a person reads it: `&console.line_ready`, `&task_table[3]`, `&bcache.lock`,
// `ticks`, or `<sym+off>` when no type says more. Wait channels are shown this way.
import { stripType, sizeOfType, type SymbolFile, type Type } from '../symbols';
import type { Layouts } from './layout';

export function describeAddress(symbols: SymbolFile, layouts: Layouts, addr: bigint): string {
  const s = symbols.symbolizer?.dataSymbolAt(addr) ?? symbols.symbolAt(addr);
  if (!s) return `0x${addr.toString(16)}`;
  const g = layouts.global(s.name);
  if (!g || g.address !== s.address) return s.offset === 0n ? `&${s.name}` : `<${s.name}+${s.offset}>`;
  const path = pathTo(g.type, Number(s.offset), layouts, 0);
  return path === undefined ? `<${s.name}+${s.offset}>` : `&${s.name}${path}`;
}

/** The member/element path that starts exactly at `offset` inside type `t` ('' for the whole). */
function pathTo(t: Type, offset: number, layouts: Layouts, depth: number): string | undefined {
  if (depth > 8) return undefined;
  const s = layouts.complete(stripType(t));
  if (offset === 0 && s.kind !== 'array') return '';
  if (s.kind === 'array') {
    const es = sizeOfType(s.element);
    if (es <= 0) return undefined;
    const i = Math.floor(offset / es);
    if (s.count !== undefined && i >= s.count) return undefined;
    const rest = pathTo(s.element, offset - i * es, layouts, depth + 1);
    return rest === undefined ? undefined : `[${i}]${rest}`;
  }
  if (s.kind === 'struct' || s.kind === 'union') {
    // the innermost member that contains the offset (the first of several at one offset)
    const ms = s.members();
    for (const m of ms) {
      const size = sizeOfType(m.type);
      if (offset < m.offset || offset >= m.offset + Math.max(size, 1)) continue;
      const rest = pathTo(m.type, offset - m.offset, layouts, depth + 1);
      if (rest === undefined) continue;
      return m.name === undefined ? rest : `.${m.name}${rest}`;
    }
  }
  return undefined;
}

/**
 * The types of the objects that start exactly at `addr`, outermost first: at xv6's
 * `&bcache.buf[3].lock` the struct sleeplock, then its first member's type and so on inwards; at
 * `&itable.inode[1]`, whose first member is its sleeplock, the struct inode, then the sleeplock.
 * (describeAddress names only the outermost of these.) Empty when no global with debug
 * information holds the address.
 */
export function typesAt(symbols: SymbolFile, layouts: Layouts, addr: bigint): Type[] {
  const s = symbols.symbolizer?.dataSymbolAt(addr) ?? symbols.symbolAt(addr);
  const g = s && layouts.global(s.name);
  if (!s || !g || g.address !== s.address) return [];
  const out: Type[] = [];
  let t = g.type;
  let offset = Number(s.offset);
  for (let depth = 0; depth < 16; depth++) {
    const c = layouts.complete(stripType(t));
    if (offset === 0) out.push(c);
    if (c.kind === 'array') {
      const es = sizeOfType(c.element);
      const i = es > 0 ? Math.floor(offset / es) : -1;
      if (i < 0 || (c.count !== undefined && i >= c.count)) break;
      offset -= i * es;
      t = c.element;
    } else if (c.kind === 'struct' || c.kind === 'union') {
      const m = c.members().find((x) => offset >= x.offset && offset < x.offset + Math.max(sizeOfType(x.type), 1));
      if (!m) break;
      offset -= m.offset;
      t = m.type;
    } else break;
  }
  return out;
}
