// `kwb cow info`: a copy-on-write file's header, how much it holds, and whether its backing
// file is still the one it was made over.
import { fstatSync, openSync, closeSync, statSync } from 'node:fs';
import { backingIdOf, checkBacking } from './backing';
import { decodeHeader, HEADER_BYTES, type CowHeader } from './cow-format';
import { readFully } from './raw-file';

export interface CowInfo {
  header: CowHeader;
  changedBlocks: number;
  /** bytes the file takes on disk (st_blocks * 512) */
  allocatedBytes: number;
  /** 'unchanged', or why the backing file cannot be used */
  backingState: string;
}

export function readCowInfo(path: string): CowInfo {
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd);
    const head = new Uint8Array(HEADER_BYTES);
    readFully(fd, 0, head);
    const header = decodeHeader(path, head, st.size);
    const bitmap = new Uint8Array(header.bitmapBytes);
    readFully(fd, header.bitmapOffset, bitmap);
    let changedBlocks = 0;
    for (const byte of bitmap) for (let b = byte; b; b &= b - 1) changedBlocks++;
    let backingState = 'unchanged';
    try {
      statSync(header.backingPath);
      const bfd = openSync(header.backingPath, 'r');
      try { checkBacking(path, header, header.backingPath, backingIdOf(bfd)); } finally { closeSync(bfd); }
    } catch (e) {
      backingState = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (e as Error).message;
    }
    return { header, changedBlocks, allocatedBytes: st.blocks * 512, backingState };
  } finally {
    closeSync(fd);
  }
}

export function formatCowInfo(path: string, i: CowInfo): string {
  const h = i.header;
  const ms = Number(h.backing.mtimeNs / 1_000_000n);
  return [
    `file:            ${path}`,
    'format:          kwb copy-on-write, version 1',
    `disk size:       ${h.diskSize} bytes (${h.diskSize / 512} sectors)`,
    `block size:      ${h.blockSize} bytes`,
    `backing file:    ${h.backingPath}`,
    `backing size:    ${h.backing.size} bytes`,
    `backing mtime:   ${new Date(ms).toISOString()} (${h.backing.mtimeNs} ns)`,
    `backing sample:  sha256 ${h.backing.sampleHash}`,
    `backing now:     ${i.backingState}`,
    `changed blocks:  ${i.changedBlocks} of ${Math.ceil(h.diskSize / h.blockSize)} (${i.changedBlocks * h.blockSize} bytes)`,
    `allocated:       ${i.allocatedBytes} bytes on disk`,
  ].join('\n');
}
