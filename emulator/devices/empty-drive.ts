// An empty drive (kwb `--drive empty`, the debug adapter's drive entry "empty"): its virtio slot
// holds a virtio-blk device with no disk (capacity 0), so the guest's driver binds to it at boot
// and hears of a disk put in later (media change, emulator/machine/media.ts). As a drive it is
// 0 bytes and read-only, so checkpoints hold nothing for it. The host that made it may give
// it the opener for the disks put in later, so whoever builds the Machine need not.
import type { BlockBackend } from '../bus/device';
import type { MediumOpener } from '../machine/media';

export class EmptyDrive implements BlockBackend {
  constructor(readonly opener?: MediumOpener) {}
  readonly byteLength = 0;
  readonly readOnly = true;
  read(): void { throw new Error('no disk in this slot'); }
  write(): void { throw new Error('no disk in this slot'); }
  flush(): void {}
}
