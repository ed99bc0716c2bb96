// mkinitfs: builds the teaching kernel's initial RAM file system archive.
// Usage: tsx mkinitfs.ts OUT.img [--program PATH]... [--module PATH]... [--text PATH]...
// Each file is stored under its base name (programs: "sh", modules: "hello.ko",
// text: "motd"). The format is described in initfs-format.ts and guest/kernel/initfs.c.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { type ArchiveFile, FileKind, InitfsError, writeArchive } from './initfs-format';

const KIND_FLAGS: Record<string, FileKind> = {
  '--program': FileKind.Program,
  '--module': FileKind.Module,
  '--text': FileKind.Text,
};

function main(argv: string[]): number {
  const [out, ...rest] = argv;
  if (!out || rest.length % 2 !== 0) {
    console.error('usage: mkinitfs OUT.img [--program|--module|--text PATH]...');
    return 2;
  }
  const files: ArchiveFile[] = [];
  for (let i = 0; i < rest.length; i += 2) {
    const kind = KIND_FLAGS[rest[i]];
    if (kind === undefined) {
      console.error(`mkinitfs: unknown option ${rest[i]}`);
      return 2;
    }
    let data: Buffer;
    try {
      data = readFileSync(rest[i + 1]);
    } catch {
      console.error(`mkinitfs: cannot read ${rest[i + 1]}`);
      return 1;
    }
    files.push({ name: basename(rest[i + 1]), kind, data });
  }
  try {
    writeFileSync(out, writeArchive(files));
  } catch (e) {
    if (e instanceof InitfsError) {
      console.error(`mkinitfs: ${e.message}`);
      return 1;
    }
    throw e;
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
