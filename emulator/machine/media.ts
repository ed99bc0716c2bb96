// Media change (issue 16, the console's `config DEV=FILE` and `remove DEV`) on the virtio-blk
// slots declared empty at start (an EmptyDrive: kwb `--drive empty`). DEV is the drive's name as
// kwb counts them: vda for the first --drive, vdb for the second, ... (slot n is drive n).
//
// Putting a disk in or taking it out sets the device's capacity, bumps ConfigGeneration and
// raises the configuration-change interrupt; Linux's virtio-blk driver and the teaching kernel's
// read the capacity again. Requests to an empty slot fail with IOERR, so nothing the guest does
// can reach a disk that is gone.
//
// "In use" (remove refuses unless forced): the guest has read, written, flushed or discarded
// since the disk was put in. The device cannot see when the guest is done with it (a mounted
// file system, cached sectors), so any request counts until the next media change. Requests
// are processed at once when the driver notifies, so none are ever half done.
//
// The host side opens and closes the files: a MediumOpener (no Node APIs here), given with the
// EmptyDrive (host/disks openDrive does) or as the Machine's openMedium option.
import type { BlockBackend } from '../bus/device';
import type { VirtioBlk } from '../devices/virtio-blk';
import type { VirtioMmio } from '../devices/virtio-mmio';

/** A disk the host opened for a slot; close() flushes and closes its files. */
export interface OpenedMedium {
  backend: BlockBackend;
  close(): void;
}

/** Opens a drive spec (FILE, FILE,cow=COW, cow=COW); throws with a one-line message naming it. */
export type MediumOpener = (spec: string) => OpenedMedium;

/** Bad input or a refused change; the message names the device and the problem. */
export class MediaError extends Error {
  constructor(message: string) { super(message); this.name = 'MediaError'; }
}

interface Slot {
  dev: string;
  opener?: MediumOpener;
  blk: VirtioBlk;
  transport: VirtioMmio;
  spec?: string;
  opened?: OpenedMedium;
}

export interface MediaSlotInfo {
  dev: string;
  /** The drive spec in the slot, when it holds a disk. */
  spec?: string;
  sectors: number;
  inUse: boolean;
}

export const devName = (slot: number): string => `vd${String.fromCharCode(97 + slot)}`;

export class MediaBay {
  private readonly slots: Slot[];
  private readonly hostOpener: boolean;

  /** Each slot's opener: its own (the EmptyDrive's), else `opener`. */
  constructor(transports: readonly { slot: number; transport: VirtioMmio; blk: VirtioBlk; opener?: MediumOpener }[], opener?: MediumOpener) {
    this.slots = transports.map((t) => ({ dev: devName(t.slot), blk: t.blk, transport: t.transport, opener: t.opener ?? opener }));
    this.hostOpener = opener !== undefined;
  }

  /** Why media change cannot work here, or undefined when it can. */
  get unavailable(): string | undefined {
    // a host that opens files but declared no empty slot: config/remove say which slots take part
    return this.hostOpener || this.slots.some((s) => s.opener) ? undefined : 'on this machine (no host to open disk files)';
  }

  list(): MediaSlotInfo[] {
    return this.slots.map((s) => ({ dev: s.dev, spec: s.spec, sectors: s.blk.capacitySectors, inUse: s.blk.inUse }));
  }

  /** The first slot holding a disk put in while running (checkpoints refuse then), if any. */
  occupied(): string | undefined {
    return this.slots.find((s) => s.blk.hasMedium)?.dev;
  }

  /** Puts the disk `spec` into the empty slot `dev`; returns one line saying what happened. */
  config(dev: string, spec: string): string {
    const s = this.slot(dev);
    if (!s.opener) throw new MediaError(`media change is not available on this machine (no host to open disk files for ${dev})`);
    if (s.blk.hasMedium) throw new MediaError(`${dev} already holds ${s.spec}: \`remove ${dev}\` first`);
    if (spec === '') throw new MediaError(`config ${dev}=: no file`);
    let opened: OpenedMedium;
    try { opened = s.opener(spec); } catch (e) { throw new MediaError(`${dev}: ${(e as Error).message}`); }
    if (opened.backend.byteLength % 512 !== 0 || opened.backend.byteLength === 0) {
      opened.close();
      throw new MediaError(`${dev}: ${spec} is ${opened.backend.byteLength} bytes; a disk is a whole, non-zero number of 512-byte sectors`);
    }
    s.blk.insert(opened.backend);
    s.spec = spec;
    s.opened = opened;
    const told = s.transport.configChanged();
    return `${dev}: ${spec} put in (${s.blk.capacitySectors} sectors)${told ? '; the guest was told' : '; the guest\'s driver has not started the device yet'}`;
  }

  /** Takes the disk out of `dev`; refuses when the guest uses it unless `force`. */
  remove(dev: string, force: boolean): string {
    const s = this.slot(dev);
    if (!s.blk.hasMedium) throw new MediaError(`${dev} is empty`);
    if (s.blk.inUse && !force) {
      throw new MediaError(`${dev} is in use: the guest has read or written ${s.spec} since it was put in (it may have it mounted or cached); stop using it in the guest, or \`remove ${dev} force\``);
    }
    const spec = s.spec!;
    const wasUsed = s.blk.inUse;
    s.blk.eject();
    const told = s.transport.configChanged();
    const opened = s.opened;
    s.spec = undefined;
    s.opened = undefined;
    let closeError = '';
    try { opened?.close(); } catch (e) { closeError = `; closing it failed: ${(e as Error).message}`; }
    return `${dev}: ${spec} taken out${wasUsed ? ' (forced while in use)' : ''}${told ? '; the guest was told' : ''}${closeError}`;
  }

  /** Closes every disk still in a slot (the machine's host is done with it). */
  closeAll(): void {
    for (const s of this.slots) {
      if (!s.opened) continue;
      const o = s.opened;
      s.opened = undefined;
      o.close();
    }
  }

  private slot(dev: string): Slot {
    const s = this.slots.find((x) => x.dev === dev);
    if (s) return s;
    const names = this.slots.map((x) => x.dev);
    if (!/^vd[a-z]$/.test(dev)) throw new MediaError(`'${dev}' is not a drive name (vda, vdb, ...: the first, second, ... --drive)`);
    throw new MediaError(`${dev} is not a slot declared empty at start (--drive empty); ${names.length ? `media change works on ${names.join(', ')}` : 'there is none'}`);
  }
}
