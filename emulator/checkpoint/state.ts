// The values a part of the machine saves (a small self-describing tree: numbers, strings,
// booleans, bigints, typed arrays, arrays, objects), their binary encoding inside a section,
// and StateReader, through which a part reads its saved state back with every field checked
// (a wrong or missing field is a CheckpointError naming it, e.g. "uart0.fifo: expected 16 bytes").
import { CheckpointError } from './errors';

export type StateValue =
  | null | boolean | number | string | bigint
  | Uint8Array | Int32Array | Uint32Array | Float64Array
  | StateValue[] | { [key: string]: StateValue };

/** Something whose state a checkpoint holds. */
export interface Stateful {
  saveState(): StateValue;
  loadState(state: StateReader): void;
}

const enum Tag { Null, False, True, Number, String, BigInt, U8, I32, U32, F64, Array, Object }

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Encodes a value tree (typed arrays are stored little-endian, as every host we run on is). */
export function encodeState(value: StateValue): Uint8Array {
  const parts = encodeStateParts(value);
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** The encoding as a list of parts to be written one after another (large arrays are not copied). */
export function encodeStateParts(value: StateValue): Uint8Array[] {
  const parts: Uint8Array[] = [];
  const head = new Uint8Array(1 << 16);
  const headView = new DataView(head.buffer);
  let h = 0;
  const flush = () => { if (h > 0) { parts.push(head.slice(0, h)); h = 0; } };
  const room = (n: number) => { if (h + n > head.length) flush(); };
  const tag = (t: Tag) => { room(1); head[h++] = t; };
  const u32 = (n: number) => { room(4); headView.setUint32(h, n, true); h += 4; };
  const raw = (b: Uint8Array) => {
    if (b.length <= 4096) { room(b.length); head.set(b, h); h += b.length; return; }
    flush(); parts.push(b);
  };
  const str = (s: string) => { const b = utf8.encode(s); u32(b.length); raw(b); };
  const put = (v: StateValue): void => {
    if (v === null) tag(Tag.Null);
    else if (v === false) tag(Tag.False);
    else if (v === true) tag(Tag.True);
    else if (typeof v === 'number') { tag(Tag.Number); room(8); headView.setFloat64(h, v, true); h += 8; }
    else if (typeof v === 'string') { tag(Tag.String); str(v); }
    else if (typeof v === 'bigint') { tag(Tag.BigInt); str(v.toString()); }
    else if (v instanceof Uint8Array) { tag(Tag.U8); u32(v.length); raw(v); }
    else if (v instanceof Int32Array || v instanceof Uint32Array || v instanceof Float64Array) {
      tag(v instanceof Int32Array ? Tag.I32 : v instanceof Uint32Array ? Tag.U32 : Tag.F64);
      u32(v.length);
      raw(new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice());
    } else if (Array.isArray(v)) { tag(Tag.Array); u32(v.length); for (const x of v) put(x); }
    else {
      const keys = Object.keys(v);
      tag(Tag.Object); u32(keys.length);
      for (const k of keys) { str(k); put(v[k]); }
    }
  };
  put(value);
  flush();
  return parts;
}

/** Decodes what encodeState wrote; `where` names the section in errors. Never throws anything but CheckpointError. */
export function decodeState(bytes: Uint8Array, where: string): StateValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 0;
  const bad = (why: string): never => { throw new CheckpointError(`section '${where}': ${why} at byte ${o}`); };
  const need = (n: number) => { if (o + n > bytes.length) bad(`value runs past the section's end (${n} bytes wanted)`); };
  const u32 = () => { need(4); const v = view.getUint32(o, true); o += 4; return v; };
  const take = (n: number) => { need(n); const b = bytes.slice(o, o + n); o += n; return b; };
  const str = () => {
    const b = take(u32());
    try { return fromUtf8.decode(b); } catch { return bad('a string is not UTF-8'); }
  };
  const get = (depth: number): StateValue => {
    if (depth > 64) bad('values nested too deep');
    need(1);
    const t = bytes[o++];
    switch (t) {
      case Tag.Null: return null;
      case Tag.False: return false;
      case Tag.True: return true;
      case Tag.Number: { need(8); const v = view.getFloat64(o, true); o += 8; return v; }
      case Tag.String: return str();
      case Tag.BigInt: { const s = str(); if (!/^-?\d+$/.test(s)) bad(`'${s}' is not an integer`); return BigInt(s); }
      case Tag.U8: return take(u32());
      case Tag.I32: return new Int32Array(take(4 * u32()).buffer);
      case Tag.U32: return new Uint32Array(take(4 * u32()).buffer);
      case Tag.F64: return new Float64Array(take(8 * u32()).buffer);
      case Tag.Array: {
        const n = u32();
        if (n > bytes.length - o) bad(`array of ${n} values cannot fit`);
        const a: StateValue[] = [];
        for (let i = 0; i < n; i++) a.push(get(depth + 1));
        return a;
      }
      case Tag.Object: {
        const n = u32();
        if (n > bytes.length - o) bad(`object of ${n} fields cannot fit`);
        const obj: { [key: string]: StateValue } = {};
        for (let i = 0; i < n; i++) {
          const k = str();
          if (k === '__proto__') bad('a field named __proto__');
          obj[k] = get(depth + 1);
        }
        return obj;
      }
      default: return bad(`unknown value tag ${t}`);
    }
  };
  const v = get(0);
  if (o !== bytes.length) bad(`${bytes.length - o} bytes left over`);
  return v;
}

type TypedCtor<T> = { new (n: number): T; readonly name: string };

/** Reads one saved object field by field, checking each; errors name `path.field`. */
export class StateReader {
  private readonly obj: { [key: string]: StateValue };

  constructor(value: StateValue, readonly path: string) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value)) {
      throw new CheckpointError(`${path}: expected saved fields, found ${describe(value)}`);
    }
    this.obj = value as { [key: string]: StateValue };
  }

  private fail(key: string, what: string, v: StateValue | undefined): never {
    throw new CheckpointError(`${this.path}.${key}: expected ${what}, found ${describe(v)}`);
  }

  private get(key: string): StateValue | undefined { return this.has(key) ? this.obj[key] : undefined; }

  has(key: string): boolean { return Object.prototype.hasOwnProperty.call(this.obj, key); }

  /** A number (an integer unless `real`), within [min, max] when given. */
  num(key: string, min = -Infinity, max = Infinity, real = false): number {
    const v = this.get(key);
    if (typeof v !== 'number' || (!real && !Number.isInteger(v)) || v < min || v > max) {
      this.fail(key, `${real ? 'a number' : 'an integer'}${min > -Infinity || max < Infinity ? ` in ${min}..${max}` : ''}`, v);
    }
    return v;
  }

  bool(key: string): boolean {
    const v = this.get(key);
    if (typeof v !== 'boolean') this.fail(key, 'true or false', v);
    return v;
  }

  str(key: string): string {
    const v = this.get(key);
    if (typeof v !== 'string') this.fail(key, 'a string', v);
    return v;
  }

  big(key: string): bigint {
    const v = this.get(key);
    if (typeof v !== 'bigint') this.fail(key, 'a big integer', v);
    return v;
  }

  u8(key: string, length?: number): Uint8Array { return this.typed(key, Uint8Array, length); }
  i32(key: string, length?: number): Int32Array { return this.typed(key, Int32Array, length); }
  u32(key: string, length?: number): Uint32Array { return this.typed(key, Uint32Array, length); }
  f64(key: string, length?: number): Float64Array { return this.typed(key, Float64Array, length); }

  private typed<T extends ArrayBufferView & { length: number }>(key: string, ctor: TypedCtor<T>, length?: number): T {
    const v = this.get(key);
    if (!(v instanceof (ctor as unknown as typeof Uint8Array)) || (length !== undefined && (v as unknown as T).length !== length)) {
      this.fail(key, `${ctor.name}${length !== undefined ? ` of ${length}` : ''}`, v);
    }
    return v as unknown as T;
  }

  /** A nested object, read through its own reader. */
  child(key: string): StateReader {
    if (!this.has(key)) throw new CheckpointError(`${this.path}.${key}: missing`);
    return new StateReader(this.get(key)!, `${this.path}.${key}`);
  }

  /** An array of `length` values (any length when undefined). */
  list(key: string, length?: number): StateValue[] {
    const v = this.get(key);
    if (!Array.isArray(v) || (length !== undefined && v.length !== length)) this.fail(key, `a list${length !== undefined ? ` of ${length}` : ''}`, v);
    return v;
  }

  /** The raw value (for a part that checks it itself). */
  value(key: string): StateValue | undefined { return this.get(key); }
}

function describe(v: StateValue | undefined): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (ArrayBuffer.isView(v)) return `${v.constructor.name} of ${(v as Uint8Array).length}`;
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `'${v.length > 40 ? `${v.slice(0, 40)}...` : v}'`;
  return `${typeof v} ${String(v)}`;
}
