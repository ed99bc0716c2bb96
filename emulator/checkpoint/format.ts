// The checkpoint file: a header and named sections, each with its length and CRC-32, so a
// damaged or cut file is refused naming what is wrong.
//   header (24 bytes): magic "KWBCKPT\0" | u32 version | u32 section count | u32 flags (0)
//                      | u32 CRC-32 of the 20 bytes before it
//   section header (32 bytes): name (16 bytes ASCII, zero padded) | u64 payload length
//                      | u32 CRC-32 of the payload | u32 CRC-32 of the 28 bytes before it
//   payload: the section's value, encoded by state.ts
// All integers little-endian. A reader of version V refuses other versions (no silent guess).
import { crc32 } from './checksum';
import { CheckpointError } from './errors';

export const CHECKPOINT_MAGIC = 'KWBCKPT\0';
export const CHECKPOINT_VERSION = 1;
const HEADER = 24;
const SECTION_HEADER = 32;
const NAME_BYTES = 16;
const MAX_SECTIONS = 4096;

export interface Section {
  name: string;
  payload: Uint8Array;
}

/** A section to write: its payload may come in parts (written one after another, not joined first). */
export interface SectionToWrite {
  name: string;
  payload: Uint8Array | Uint8Array[];
}

/** Whether the bytes start like a checkpoint (any version). */
export function looksLikeCheckpoint(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false;
  for (let i = 0; i < 8; i++) if (bytes[i] !== CHECKPOINT_MAGIC.charCodeAt(i)) return false;
  return true;
}

export function writeSections(toWrite: SectionToWrite[]): Uint8Array {
  const sections = toWrite.map((s) => {
    const parts = Array.isArray(s.payload) ? s.payload : [s.payload];
    return { name: s.name, parts, length: parts.reduce((n, p) => n + p.length, 0) };
  });
  let size = HEADER;
  for (const s of sections) size += SECTION_HEADER + s.length;
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) out[i] = CHECKPOINT_MAGIC.charCodeAt(i);
  v.setUint32(8, CHECKPOINT_VERSION, true);
  v.setUint32(12, sections.length, true);
  v.setUint32(16, 0, true);
  v.setUint32(20, crc32(out.subarray(0, 20)), true);
  let o = HEADER;
  for (const s of sections) {
    if (!/^[\x21-\x7e]{1,16}$/.test(s.name)) throw new CheckpointError(`section name '${s.name}' is not 1-16 printable ASCII characters`);
    for (let i = 0; i < s.name.length; i++) out[o + i] = s.name.charCodeAt(i);
    v.setUint32(o + 16, s.length >>> 0, true);
    v.setUint32(o + 20, Math.floor(s.length / 2 ** 32), true);
    let crc = 0, at = o + SECTION_HEADER;
    for (const p of s.parts) { crc = crc32(p, crc); out.set(p, at); at += p.length; }
    v.setUint32(o + 24, crc, true);
    v.setUint32(o + 28, crc32(out.subarray(o, o + 28)), true);
    o = at;
  }
  return out;
}

/** Splits a checkpoint into its sections, checking magic, version and every checksum. */
export function readSections(bytes: Uint8Array): Section[] {
  if (!looksLikeCheckpoint(bytes)) throw new CheckpointError('not a checkpoint (no KWBCKPT magic)');
  if (bytes.length < HEADER) throw new CheckpointError(`truncated: ${bytes.length} bytes, shorter than the header`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (v.getUint32(20, true) !== crc32(bytes.subarray(0, 20))) throw new CheckpointError('the header is corrupted (checksum mismatch)');
  const version = v.getUint32(8, true);
  if (version !== CHECKPOINT_VERSION) throw new CheckpointError(`format version ${version}; this program reads version ${CHECKPOINT_VERSION}`);
  const count = v.getUint32(12, true);
  if (count > MAX_SECTIONS) throw new CheckpointError(`the header claims ${count} sections`);
  const sections: Section[] = [];
  let o = HEADER;
  for (let k = 0; k < count; k++) {
    if (o + SECTION_HEADER > bytes.length) throw new CheckpointError(`truncated: section ${k + 1} of ${count} is missing (the file ends at byte ${bytes.length})`);
    if (v.getUint32(o + 28, true) !== crc32(bytes.subarray(o, o + 28))) {
      throw new CheckpointError(`section ${k + 1} of ${count} (after '${sections[k - 1]?.name ?? 'the header'}'): its header is corrupted (checksum mismatch)`);
    }
    let name = '';
    for (let i = 0; i < NAME_BYTES && bytes[o + i] !== 0; i++) name += String.fromCharCode(bytes[o + i]);
    const length = v.getUint32(o + 16, true) + v.getUint32(o + 20, true) * 2 ** 32;
    const start = o + SECTION_HEADER;
    if (start + length > bytes.length) {
      throw new CheckpointError(`section '${name}' is truncated: ${length} bytes expected, ${bytes.length - start} present`);
    }
    const payload = bytes.subarray(start, start + length);
    if (crc32(payload) !== v.getUint32(o + 24, true)) throw new CheckpointError(`section '${name}' is corrupted (checksum mismatch)`);
    if (sections.some((s) => s.name === name)) throw new CheckpointError(`section '${name}' appears twice`);
    sections.push({ name, payload });
    o = start + length;
  }
  if (o !== bytes.length) throw new CheckpointError(`${bytes.length - o} unexpected bytes after the last section`);
  return sections;
}
