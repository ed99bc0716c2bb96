// A drive as kwb and the debug adapter name it, and the BlockBackend that serves it:
//   FILE                 the raw image through the in-memory copy-on-write overlay (changes
//                        are lost at exit), or in place when writes are allowed
//   FILE,cow=COW         changes kept in the copy-on-write file COW (made when missing)
//   cow=COW              the same, over the backing file COW's header names
//   empty                a virtio-blk slot without a disk (capacity 0): a disk is put in and
//                        taken out while the machine runs (console `config`/`remove`)
// QEMU's `file=FILE,format=raw,if=virtio` spelling is accepted too.
import { statSync } from 'node:fs';
import type { BlockBackend } from '../../emulator/bus/device';
import { CowBlockBackend } from '../../emulator/devices/block-backend';
import { EmptyDrive } from '../../emulator/devices/empty-drive';
import type { OpenedMedium } from '../../emulator/machine/media';
import { CowFileDisk } from './cow-file';
import { RawFileDisk } from './raw-file';

export interface DriveSpec {
  file?: string;
  cow?: string;
  /** `empty`: a slot for media change (no file). */
  empty?: boolean;
}

/** A drive that cannot be opened; the message names the file and the problem. */
export class DriveError extends Error {
  constructor(message: string) { super(message); this.name = 'DriveError'; }
}

const IGNORED_KEYS = new Set(['format', 'if', 'media', 'id', 'cache']);

export function parseDriveSpec(text: string): DriveSpec {
  if (text === '') throw new DriveError('empty drive (give FILE, FILE,cow=COW or cow=COW)');
  if (text === 'empty') return { empty: true }; // a file named empty: ./empty
  const parts = text.split(',');
  const spec: DriveSpec = {};
  parts.forEach((p, i) => {
    const eq = p.indexOf('=');
    if (eq < 0) {
      if (i !== 0) throw new DriveError(`drive '${text}': '${p}' is not KEY=VALUE (keys: file, cow)`);
      spec.file = p;
      return;
    }
    const key = p.slice(0, eq), value = p.slice(eq + 1);
    if (key === 'file' || key === 'cow') {
      if (value === '') throw new DriveError(`drive '${text}': empty ${key}=`);
      if (spec[key] !== undefined) throw new DriveError(`drive '${text}': ${key}= given twice`);
      spec[key] = value;
    } else if (key === 'format' && value !== 'raw') {
      throw new DriveError(`drive '${text}': format=${value} is not supported (raw images only)`);
    } else if (!IGNORED_KEYS.has(key)) {
      throw new DriveError(`drive '${text}': unknown key '${key}' (keys: file, cow)`);
    }
  });
  if (spec.file === undefined && spec.cow === undefined) throw new DriveError(`drive '${text}': no file (give FILE or cow=COW)`);
  return spec;
}

/**
 * The debug adapter's `drives` entries: a path as it is (commas and all), unless it has a
 * cow= part, then FILE,cow=COW or cow=COW as above.
 */
export function driveSpecOfEntry(text: string): DriveSpec {
  if (text === 'empty') return { empty: true };
  return /(^|,)cow=/.test(text) ? parseDriveSpec(text) : { file: text };
}

export interface OpenedDrive {
  backend: BlockBackend;
  /** Runs queued hole punches and fsyncs (nothing for a read-only image). */
  flush(): void;
  /** Flushes and closes the files. */
  close(): void;
}

/**
 * Opens a drive. `write`: a drive without cow= is written in place (never allowed with cow=,
 * which must leave its backing file alone).
 */
export function openDrive(spec: DriveSpec, write: boolean): OpenedDrive {
  if (spec.empty) return { backend: new EmptyDrive(openMedium), flush: () => {}, close: () => {} };
  if (spec.cow !== undefined) {
    if (write) throw new DriveError(`drive '${spec.file ?? ''},cow=${spec.cow}': a copy-on-write file and writing in place (--drive-write) exclude each other`);
    if (spec.file !== undefined) checkImage(spec.file);
    let cow: CowFileDisk;
    try { cow = CowFileDisk.open(spec.cow, spec.file); } catch (e) { throw new DriveError((e as Error).message); }
    return { backend: cow, flush: () => cow.flush(), close: () => { try { cow.flush(); } finally { cow.close(); } } };
  }
  const file = spec.file!;
  checkImage(file);
  let raw: RawFileDisk;
  try { raw = new RawFileDisk(file, !write); } catch (e) { throw new DriveError(`drive '${file}': ${(e as Error).message}`); }
  if (raw.byteLength % 512 !== 0) { raw.close(); throw new DriveError(`drive '${file}': size ${raw.byteLength} is not a multiple of 512 bytes`); }
  return { backend: write ? raw : new CowBlockBackend(raw), flush: () => raw.flush(), close: () => { try { raw.flush(); } finally { raw.close(); } } };
}

function checkImage(file: string): void {
  let st;
  try { st = statSync(file); } catch { throw new DriveError(`drive '${file}': no such file`); }
  if (!st.isFile()) throw new DriveError(`drive '${file}': not a regular file`);
  if (st.size % 512 !== 0) throw new DriveError(`drive '${file}': size ${st.size} is not a multiple of 512 bytes`);
}

/**
 * The Machine's opener for media change (`config DEV=SPEC`): SPEC is a drive as above (FILE,
 * FILE,cow=COW, cow=COW), never written in place (a FILE gets the in-memory overlay).
 */
export function openMedium(text: string): OpenedMedium {
  const spec = parseDriveSpec(text);
  if (spec.empty) throw new DriveError('give a disk file, not empty');
  const d = openDrive(spec, false);
  return { backend: d.backend, close: () => d.close() };
}
