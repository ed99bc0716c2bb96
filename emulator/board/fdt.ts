// Flattened device tree (FDT / DTB) writer, per the Devicetree Specification v0.4 chapter 5:
// a 40-byte header, the memory reservation map, the structure block (FDT_BEGIN_NODE, FDT_PROP,
// FDT_END_NODE, FDT_END tokens, big-endian, 4-byte aligned) and the strings block (property
// names, deduplicated). Devices call it to describe themselves (style.md §6), so the tree
// cannot disagree with the board.

const FDT_MAGIC = 0xd00dfeed;
const FDT_BEGIN_NODE = 1;
const FDT_END_NODE = 2;
const FDT_PROP = 3;
const FDT_END = 9;
const HEADER_SIZE = 40;
const VERSION = 17;
const LAST_COMP_VERSION = 16;

export class FdtError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FdtError';
  }
}

/** Growable big-endian byte buffer. */
class ByteSink {
  private buf = new Uint8Array(1024);
  length = 0;
  private grow(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  u32(v: number): void {
    this.grow(4);
    const b = this.buf, i = this.length;
    b[i] = v >>> 24; b[i + 1] = (v >>> 16) & 0xff; b[i + 2] = (v >>> 8) & 0xff; b[i + 3] = v & 0xff;
    this.length += 4;
  }
  bytes(src: Uint8Array): void {
    this.grow(src.length);
    this.buf.set(src, this.length);
    this.length += src.length;
  }
  align4(): void {
    while (this.length & 3) { this.grow(1); this.buf[this.length++] = 0; }
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7e || c === 0) throw new FdtError(`non-ASCII or NUL character in device-tree string ${JSON.stringify(s)}`);
    out[i] = c;
  }
  return out;
}

/** Splits a 64-bit address or size (a safe integer) into two big-endian cells. */
export function cells64(v: number): [number, number] {
  return [Math.floor(v / 0x1_0000_0000) >>> 0, v >>> 0];
}

/** Builds one FDT. Nodes nest by begin/end; properties belong to the innermost open node. */
export class FdtBuilder {
  private readonly struct = new ByteSink();
  private readonly strings = new ByteSink();
  private readonly stringOffsets = new Map<string, number>();
  private readonly reservations: { address: number; size: number }[] = [];
  private depth = 0;
  private nextPhandle = 1;
  private finished = false;

  /** A fresh phandle value for a node that others refer to. */
  allocPhandle(): number {
    return this.nextPhandle++;
  }

  reserve(address: number, size: number): void {
    this.reservations.push({ address, size });
  }

  beginNode(name: string): this {
    if (this.finished) throw new FdtError('device tree already finished');
    if (this.depth === 0 && name !== '') throw new FdtError(`the root node must be named "" (got ${JSON.stringify(name)})`);
    this.struct.u32(FDT_BEGIN_NODE);
    this.struct.bytes(ascii(name));
    this.struct.bytes(new Uint8Array(1));
    this.struct.align4();
    this.depth++;
    return this;
  }

  endNode(): this {
    if (this.depth === 0) throw new FdtError('endNode without an open node');
    this.struct.u32(FDT_END_NODE);
    this.depth--;
    return this;
  }

  prop(name: string, value: Uint8Array): this {
    if (this.depth === 0) throw new FdtError(`property ${name} outside any node`);
    this.struct.u32(FDT_PROP);
    this.struct.u32(value.length);
    this.struct.u32(this.stringOffset(name));
    this.struct.bytes(value);
    this.struct.align4();
    return this;
  }

  /** A property with no value (`interrupt-controller;`). */
  empty(name: string): this {
    return this.prop(name, new Uint8Array(0));
  }

  /** One or more 32-bit cells. */
  u32(name: string, ...cells: number[]): this {
    const v = new Uint8Array(cells.length * 4);
    const dv = new DataView(v.buffer);
    cells.forEach((c, i) => dv.setUint32(i * 4, c >>> 0));
    return this.prop(name, v);
  }

  /** One or more NUL-terminated strings (a string list). */
  str(name: string, ...values: string[]): this {
    const parts = values.map((s) => ascii(s));
    const v = new Uint8Array(parts.reduce((n, p) => n + p.length + 1, 0));
    let o = 0;
    for (const p of parts) { v.set(p, o); o += p.length + 1; }
    return this.prop(name, v);
  }

  /** `reg` with #address-cells = #size-cells = 2. */
  reg2(...ranges: { base: number; size: number }[]): this {
    return this.u32('reg', ...ranges.flatMap((r) => [...cells64(r.base), ...cells64(r.size)]));
  }

  /** The finished blob; `bootCpu` is the header's boot_cpuid_phys. */
  finish(bootCpu = 0): Uint8Array {
    if (this.depth !== 0) throw new FdtError(`${this.depth} node(s) still open`);
    if (this.finished) throw new FdtError('device tree already finished');
    this.finished = true;
    this.struct.u32(FDT_END);
    const rsv = new ByteSink();
    for (const r of this.reservations) {
      for (const v of [...cells64(r.address), ...cells64(r.size)]) rsv.u32(v);
    }
    for (let i = 0; i < 4; i++) rsv.u32(0);
    const rsvBytes = rsv.result();
    const structBytes = this.struct.result();
    const stringBytes = this.strings.result();
    const offRsv = HEADER_SIZE; // 40: already 8-aligned, as the reservation map must be
    const offStruct = offRsv + rsvBytes.length;
    const offStrings = offStruct + structBytes.length;
    const total = offStrings + stringBytes.length;
    const out = new Uint8Array((total + 7) & ~7);
    const dv = new DataView(out.buffer);
    const header = [FDT_MAGIC, out.length, offStruct, offStrings, offRsv, VERSION, LAST_COMP_VERSION, bootCpu, stringBytes.length, structBytes.length];
    header.forEach((v, i) => dv.setUint32(i * 4, v));
    out.set(rsvBytes, offRsv);
    out.set(structBytes, offStruct);
    out.set(stringBytes, offStrings);
    return out;
  }

  private stringOffset(name: string): number {
    let off = this.stringOffsets.get(name);
    if (off === undefined) {
      off = this.strings.length;
      this.strings.bytes(ascii(name));
      this.strings.bytes(new Uint8Array(1));
      this.stringOffsets.set(name, off);
    }
    return off;
  }
}
