// The copy-on-write file's on-disk format (version 1). Little-endian throughout.
//
//   0    8  magic "KWBCOW1\n"
//   8    4  version (1)
//  12    4  header bytes (4096)
//  16    4  block size (4096: the unit of copy-up, of the bitmap and of hole punching)
//  20    4  reserved (0)
//  24    8  disk size in bytes (the backing file's size)
//  32    8  bitmap offset (4096)      one bit per block, 1 = the block's data is in this file
//  40    8  bitmap bytes
//  48    8  data offset (a multiple of 4096): block N lives at data offset + N * block size,
//           so the file is sparse and blocks never written take no space
//  56    8  backing file size when the file was made
//  64    8  backing file modification time, nanoseconds since the epoch
//  72   32  backing sample hash (SHA-256, see backing.ts)
// 104    2  backing path length, then the absolute path in UTF-8 (at most 2048 bytes)
// 4064  32  SHA-256 of bytes 0..4064 (a damaged header is refused, never half-read)
import { createHash } from 'node:crypto';

export const COW_MAGIC = 'KWBCOW1\n';
export const COW_VERSION = 1;
export const HEADER_BYTES = 4096;
export const COW_BLOCK = 4096;
const CHECKSUM_AT = HEADER_BYTES - 32;
const PATH_AT = 106;
export const MAX_PATH_BYTES = 2048;

export interface BackingId {
  size: number;
  mtimeNs: bigint;
  /** hex SHA-256 of the sampled contents */
  sampleHash: string;
}

export interface CowHeader {
  blockSize: number;
  diskSize: number;
  bitmapOffset: number;
  bitmapBytes: number;
  dataOffset: number;
  backing: BackingId;
  backingPath: string;
}

/** A copy-on-write file that cannot be used; the message names the file and the problem. */
export class CowFileError extends Error {
  constructor(readonly file: string, readonly problem: string) {
    super(`copy-on-write file '${file}': ${problem}`);
    this.name = 'CowFileError';
  }
}

const align = (n: number, a: number) => Math.ceil(n / a) * a;

/** The layout of a new file for a disk of `diskSize` bytes. */
export function layoutFor(diskSize: number, backing: BackingId, backingPath: string): CowHeader {
  const blocks = Math.ceil(diskSize / COW_BLOCK);
  const bitmapBytes = align(Math.max(1, Math.ceil(blocks / 8)), 4096);
  return {
    blockSize: COW_BLOCK, diskSize, bitmapOffset: HEADER_BYTES, bitmapBytes,
    dataOffset: HEADER_BYTES + bitmapBytes, backing, backingPath,
  };
}

export function encodeHeader(h: CowHeader): Uint8Array {
  const buf = new Uint8Array(HEADER_BYTES);
  const v = new DataView(buf.buffer);
  buf.set(new TextEncoder().encode(COW_MAGIC), 0);
  v.setUint32(8, COW_VERSION, true);
  v.setUint32(12, HEADER_BYTES, true);
  v.setUint32(16, h.blockSize, true);
  v.setBigUint64(24, BigInt(h.diskSize), true);
  v.setBigUint64(32, BigInt(h.bitmapOffset), true);
  v.setBigUint64(40, BigInt(h.bitmapBytes), true);
  v.setBigUint64(48, BigInt(h.dataOffset), true);
  v.setBigUint64(56, BigInt(h.backing.size), true);
  v.setBigUint64(64, h.backing.mtimeNs, true);
  buf.set(Buffer.from(h.backing.sampleHash, 'hex'), 72);
  const path = new TextEncoder().encode(h.backingPath);
  if (path.length > MAX_PATH_BYTES) throw new Error(`backing path '${h.backingPath}' is longer than ${MAX_PATH_BYTES} bytes`);
  v.setUint16(104, path.length, true);
  buf.set(path, PATH_AT);
  buf.set(checksum(buf), CHECKSUM_AT);
  return buf;
}

function checksum(buf: Uint8Array): Uint8Array {
  return createHash('sha256').update(buf.subarray(0, CHECKSUM_AT)).digest();
}

/**
 * Reads and checks a header; `fileSize` is the file's length. Throws CowFileError naming
 * `file` and what is wrong; never returns a header it did not fully check.
 */
export function decodeHeader(file: string, buf: Uint8Array, fileSize: number): CowHeader {
  const bad = (problem: string): never => { throw new CowFileError(file, problem); };
  if (fileSize < HEADER_BYTES || buf.length < HEADER_BYTES) bad(`too short to be a copy-on-write file (${fileSize} bytes; the header alone is ${HEADER_BYTES})`);
  if (new TextDecoder().decode(buf.subarray(0, 8)) !== COW_MAGIC) bad('not a kwb copy-on-write file (bad magic: the first 8 bytes are not "KWBCOW1\\n")');
  const v = new DataView(buf.buffer, buf.byteOffset, HEADER_BYTES);
  const version = v.getUint32(8, true);
  if (version !== COW_VERSION) bad(`format version ${version} is not supported (this kwb reads version ${COW_VERSION})`);
  if (!Buffer.from(checksum(buf)).equals(Buffer.from(buf.subarray(CHECKSUM_AT, HEADER_BYTES)))) bad('header checksum mismatch: the header is damaged');
  // The checksum matched, so what follows is what a kwb wrote; the checks below still
  // guard against a file written by a buggy or hostile tool with a correct checksum.
  const u64 = (at: number, what: string): number => {
    const x = v.getBigUint64(at, true);
    if (x > BigInt(Number.MAX_SAFE_INTEGER)) bad(`${what} ${x} is out of range`);
    return Number(x);
  };
  const headerBytes = v.getUint32(12, true);
  if (headerBytes !== HEADER_BYTES) bad(`header size ${headerBytes} is not ${HEADER_BYTES}`);
  const blockSize = v.getUint32(16, true);
  if (blockSize < 512 || blockSize > (1 << 20) || (blockSize & (blockSize - 1)) !== 0) bad(`block size ${blockSize} is not a power of two from 512 to 1 MiB`);
  const diskSize = u64(24, 'disk size');
  if (diskSize % 512 !== 0) bad(`disk size ${diskSize} is not a multiple of 512`);
  const bitmapOffset = u64(32, 'bitmap offset');
  const bitmapBytes = u64(40, 'bitmap size');
  const dataOffset = u64(48, 'data offset');
  if (bitmapOffset < HEADER_BYTES) bad(`bitmap offset ${bitmapOffset} overlaps the header`);
  if (bitmapBytes < Math.ceil(Math.ceil(diskSize / blockSize) / 8)) bad(`bitmap of ${bitmapBytes} bytes is too small for ${Math.ceil(diskSize / blockSize)} blocks`);
  if (dataOffset < bitmapOffset + bitmapBytes || dataOffset % 4096 !== 0) bad(`data offset ${dataOffset} overlaps the bitmap or is not a multiple of 4096`);
  if (fileSize < dataOffset + diskSize) bad(`truncated: ${fileSize} bytes, but its data area ends at ${dataOffset + diskSize}`);
  const backingSize = u64(56, 'backing size');
  if (backingSize !== diskSize) bad(`backing size ${backingSize} differs from the disk size ${diskSize}`);
  const pathLength = v.getUint16(104, true);
  if (pathLength === 0 || pathLength > MAX_PATH_BYTES) bad(`backing path length ${pathLength} is out of range (1 to ${MAX_PATH_BYTES})`);
  let backingPath: string;
  try { backingPath = new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(PATH_AT, PATH_AT + pathLength)); } catch { return bad('backing path is not UTF-8'); }
  return {
    blockSize, diskSize, bitmapOffset, bitmapBytes, dataOffset, backingPath,
    backing: { size: backingSize, mtimeNs: v.getBigUint64(64, true), sampleHash: Buffer.from(buf.subarray(72, 104)).toString('hex') },
  };
}
