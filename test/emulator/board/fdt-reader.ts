// A small flattened-device-tree reader for the tests, written from the Devicetree
// Specification v0.4 chapter 5, independently of emulator/board/fdt.ts: it checks the header
// and block layout and gives back a node tree with raw property values.

export interface FdtNode {
  name: string;
  props: Map<string, Uint8Array>;
  children: FdtNode[];
}

export interface ParsedFdt {
  root: FdtNode;
  reservations: { address: bigint; size: bigint }[];
  bootCpu: number;
  totalSize: number;
}

export function parseFdt(blob: Uint8Array): ParsedFdt {
  const v = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const u32 = (o: number) => v.getUint32(o, false);
  if (u32(0) !== 0xd00dfeed) throw new Error('bad magic');
  const totalSize = u32(4), offStruct = u32(8), offStrings = u32(12), offRsv = u32(16);
  const version = u32(20), lastComp = u32(24), bootCpu = u32(28), sizeStrings = u32(32), sizeStruct = u32(36);
  if (totalSize > blob.length) throw new Error(`totalsize ${totalSize} > blob ${blob.length}`);
  if (version !== 17 || lastComp !== 16) throw new Error(`version ${version}/${lastComp}`);
  if (offRsv % 8 || offStruct % 4) throw new Error('misaligned blocks');
  if (offStruct + sizeStruct > totalSize || offStrings + sizeStrings > totalSize) throw new Error('block past totalsize');
  const reservations: { address: bigint; size: bigint }[] = [];
  for (let o = offRsv; ; o += 16) {
    const address = v.getBigUint64(o, false), size = v.getBigUint64(o + 8, false);
    if (address === 0n && size === 0n) break;
    reservations.push({ address, size });
  }
  const cstr = (o: number, end: number) => {
    let s = '';
    while (o < end && blob[o] !== 0) s += String.fromCharCode(blob[o++]);
    if (o >= end) throw new Error('unterminated string');
    return s;
  };
  const stack: FdtNode[] = [];
  let root: FdtNode | undefined;
  let o = offStruct;
  const end = offStruct + sizeStruct;
  for (;;) {
    if (o >= end) throw new Error('structure block ends without FDT_END');
    const token = u32(o); o += 4;
    if (token === 1) {
      const name = cstr(o, end);
      o = (o + name.length + 1 + 3) & ~3;
      const node: FdtNode = { name, props: new Map(), children: [] };
      if (stack.length) stack[stack.length - 1].children.push(node);
      else if (root) throw new Error('two root nodes');
      else root = node;
      stack.push(node);
    } else if (token === 2) {
      if (!stack.pop()) throw new Error('FDT_END_NODE without a node');
    } else if (token === 3) {
      const len = u32(o), nameOff = u32(o + 4);
      o += 8;
      if (!stack.length) throw new Error('property outside a node');
      stack[stack.length - 1].props.set(cstr(offStrings + nameOff, offStrings + sizeStrings), blob.slice(o, o + len));
      o = (o + len + 3) & ~3;
    } else if (token === 4) {
      // FDT_NOP
    } else if (token === 9) {
      break;
    } else {
      throw new Error(`bad token ${token} at ${o - 4}`);
    }
  }
  if (stack.length || !root) throw new Error('unbalanced nodes');
  return { root, reservations, bootCpu, totalSize };
}

export function child(node: FdtNode, name: string): FdtNode | undefined {
  return node.children.find((c) => c.name === name);
}

/** Node at a path like /soc/serial@10000000. */
export function at(root: FdtNode, path: string): FdtNode | undefined {
  let n: FdtNode | undefined = root;
  for (const part of path.split('/').filter(Boolean)) n = n && child(n, part);
  return n;
}

export function cells(p: Uint8Array | undefined): number[] {
  if (!p) return [];
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  return Array.from({ length: p.length / 4 }, (_, i) => v.getUint32(4 * i, false));
}

export function strings(p: Uint8Array | undefined): string[] {
  if (!p) return [];
  const s = String.fromCharCode(...p);
  return s.split('\0').slice(0, -1);
}

/** Every node, with its path. */
export function walk(node: FdtNode, path = ''): { path: string; node: FdtNode }[] {
  const here = path === '' && node.name === '' ? '/' : `${path}/${node.name}`;
  const out = [{ path: here, node }];
  for (const c of node.children) out.push(...walk(c, here === '/' ? '' : here));
  return out;
}
