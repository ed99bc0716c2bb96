// The initramfs archive format of our teaching kernel (read by guest/kernel/initfs.c):
// an 8-byte magic, a count, the total size, a directory of 48-byte entries, then the
// file data, each file 8-byte aligned. Little-endian throughout. Used by mkinitfs.ts
// to write archives and by tests to read them back.

export const MAGIC = Buffer.from('KWBFS\0v1', 'latin1');
export const HEADER_SIZE = 16;
export const ENTRY_SIZE = 48;
export const NAME_MAX = 31;

export enum FileKind { Program = 1, Module = 2, Text = 3 }

export interface ArchiveFile {
  name: string;
  kind: FileKind;
  data: Buffer;
}

export class InitfsError extends Error {
  constructor(readonly subject: string, message: string) {
    super(`${subject}: ${message}`);
    this.name = 'InitfsError';
  }
}

/** 32-bit FNV-1a, the per-file check value. */
export function fnv1a(data: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of data) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h >>> 0;
}

const align8 = (n: number): number => (n + 7) & ~7;

export function writeArchive(files: ArchiveFile[]): Buffer {
  const seen = new Set<string>();
  for (const f of files) {
    if (f.name.length === 0 || f.name.length > NAME_MAX || !/^[\x21-\x7e]+$/.test(f.name)) {
      throw new InitfsError(f.name, `a name must be 1..${NAME_MAX} printable characters without spaces`);
    }
    if (seen.has(f.name)) throw new InitfsError(f.name, 'appears twice');
    seen.add(f.name);
  }
  let offset = align8(HEADER_SIZE + ENTRY_SIZE * files.length);
  const placed = files.map((f) => {
    const at = offset;
    offset = align8(offset + f.data.length);
    return at;
  });
  const total = offset;
  if (total > 0xffffffff) throw new InitfsError('archive', 'larger than 4 GiB');
  const out = Buffer.alloc(total);
  MAGIC.copy(out, 0);
  out.writeUInt32LE(files.length, 8);
  out.writeUInt32LE(total, 12);
  files.forEach((f, i) => {
    const e = HEADER_SIZE + i * ENTRY_SIZE;
    out.write(f.name, e, 'latin1');
    out.writeUInt32LE(f.kind, e + 32);
    out.writeUInt32LE(f.data.length, e + 36);
    out.writeUInt32LE(placed[i], e + 40);
    out.writeUInt32LE(fnv1a(f.data), e + 44);
    f.data.copy(out, placed[i]);
  });
  return out;
}

export function readArchive(img: Buffer): ArchiveFile[] {
  if (img.length < HEADER_SIZE || !img.subarray(0, 8).equals(MAGIC)) throw new InitfsError('archive', 'bad magic');
  const count = img.readUInt32LE(8);
  const total = img.readUInt32LE(12);
  if (total > img.length || HEADER_SIZE + count * ENTRY_SIZE > total) throw new InitfsError('archive', 'bad header');
  const files: ArchiveFile[] = [];
  for (let i = 0; i < count; i++) {
    const e = HEADER_SIZE + i * ENTRY_SIZE;
    const nameBytes = img.subarray(e, e + 32);
    const name = nameBytes.subarray(0, nameBytes.indexOf(0)).toString('latin1');
    const size = img.readUInt32LE(e + 36);
    const at = img.readUInt32LE(e + 40);
    if (at + size > total) throw new InitfsError(name, 'data outside the archive');
    const data = Buffer.from(img.subarray(at, at + size));
    if (fnv1a(data) !== img.readUInt32LE(e + 44)) throw new InitfsError(name, 'check value mismatch');
    files.push({ name, kind: img.readUInt32LE(e + 32) as FileKind, data });
  }
  return files;
}
