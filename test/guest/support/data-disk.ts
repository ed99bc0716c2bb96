// The data disk the kernel's `disk` program reads and writes: a fresh 1 MiB image per session
// (never a shared one), with a known text at the start of sector 0.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SECTOR = 512;
export const DISK_BYTES = 1024 * 1024;
export const SECTOR0_TEXT = 'KWB DATA DISK: sector zero';

/** The image's bytes. */
export function dataDiskBytes(): Uint8Array {
  const bytes = new Uint8Array(DISK_BYTES);
  bytes.set(new TextEncoder().encode(SECTOR0_TEXT), 0);
  return bytes;
}

/** Writes a new image in a new temporary directory; returns its path. */
export function makeDataDisk(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kwb-disk-'));
  const path = join(dir, 'data.img');
  writeFileSync(path, dataDiskBytes());
  return path;
}

/** The NUL-terminated text at the start of a sector of an image file. */
export function sectorText(path: string, sector: number): string {
  const b = readFileSync(path).subarray(sector * SECTOR, (sector + 1) * SECTOR);
  const end = b.indexOf(0);
  return b.subarray(0, end < 0 ? b.length : end).toString('latin1');
}
