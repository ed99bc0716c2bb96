// The bare-metal device test program of test/baremetal/: how to build it, the disk image it
// expects, the input the test types, and the transcript it must print, derived from the
// program's own logic (main.c) and the disk image, independently of any machine's output.
import { join } from 'node:path';
import { buildGuest, REPO_ROOT } from '../../support/toolchain';

const DIR = join(REPO_ROOT, 'test', 'baremetal');

let cached: string | undefined;
/** Path of the built program (cached per content by buildGuest). */
export function baremetalElf(): string {
  cached ??= buildGuest([join(DIR, 'start.S'), join(DIR, 'main.c')], {
    linkerScript: join(DIR, 'link.ld'),
    flags: ['-O2', '-ffreestanding', '-Wall', '-Werror'],
    name: 'baremetal-devices',
  });
  return cached;
}

export const DISK_SECTORS = 128;
export const SECTOR = 512;
/** The program waits for this line before it reads input; the test types only after it. */
export const PROMPT = 'type two lines:\n';
export const INPUT_LINES = ['hello kwb', 'Second Line'];
export const INPUT = new TextEncoder().encode(INPUT_LINES.map((l) => `${l}\n`).join(''));
/** Where QEMU puts the FDT for 128 MiB (hw/riscv/boot.c's rule; see emulator/board/virt.ts). */
export const FDT_ADDRESS_128M = 0x87e00000;

/** A disk image whose sector 0 starts with a readable label, the rest a fixed pattern. */
export function makeDiskImage(): Uint8Array {
  const img = new Uint8Array(DISK_SECTORS * SECTOR);
  for (let i = 0; i < img.length; i++) img[i] = (i * 13 + 5) & 0xff;
  img.set(new TextEncoder().encode('KWBDISK0-sector0'), 0);
  return img;
}

/** FNV-1a over bytes, as checksum() in main.c. */
export function fnv1a(bytes: Uint8Array): number {
  let h = 2166136261;
  for (const b of bytes) h = Math.imul(h ^ b, 16777619) >>> 0;
  return h >>> 0;
}

/** Sector 1 as the program writes it: fill("written by kwb baremetal", 1). */
export function expectedSector1(): Uint8Array {
  const s = new Uint8Array(SECTOR);
  for (let i = 0; i < SECTOR; i++) s[i] = (i * 7 + 1) & 0xff;
  s.set(new TextEncoder().encode('written by kwb baremetal'), 0);
  return s;
}

const hex8 = (v: number) => `0x${v.toString(16).padStart(8, '0')}`;
const printable = (b: Uint8Array) => Array.from(b, (c) => (c >= 32 && c < 127 ? String.fromCharCode(c) : '.')).join('');

/** The whole console transcript of a correct run on a 128 MiB, one-hart board. */
export function expectedTranscript(image: Uint8Array): string {
  const s0 = image.subarray(0, SECTOR);
  const show = (pairs: [string, number][]) => pairs.map(([k, v]) => `${k}=${hex8(v)} `).join('');
  return [
    `kwb baremetal: hart 0, fdt at ${hex8(FDT_ADDRESS_128M)} (magic ok)`,
    // The register probe. UART: FIFOs on (IIR bits 7:6), no interrupt; 8N1; MCR.OUT2 and MSR
    // DCD|DSR|CTS as QEMU resets them; THRE|TEMT; THR-empty pending once ETBEI is set (and
    // again after the probe's own output re-arms it).
    `uart: ${show([['iir', 0xc1], ['lcr', 0x03], ['mcr', 0x08], ['lsr', 0x60], ['msr', 0xb0], ['scr', 0xa5], ['iir-thri', 0xc2], ['iir-after', 0xc2]])}`,
    // PLIC: 3-bit priority and threshold; enable bits for sources 0..95 only; nothing to claim.
    `plic: ${show([['prio', 7], ['thresh', 7], ['enable0', 0xffffffff], ['enable2', 0xffffffff], ['enable3', 0], ['claim', 0]])}`,
    // CLINT: msip keeps bit 0 only.
    `clint: ${show([['msip', 0]])}`,
    // virtio-mmio: QEMU's QueueNumMax 1024, empty slots with ID 0, vendor "QEMU", seg_max 254.
    `virtio: ${show([['qmax', 1024], ['slot1-id', 0], ['slot7-magic', 0x74726976], ['slot7-version', 2], ['vendor', 0x554d4551], ['status', 0], ['cfg-seg_max', 254], ['cfg-blk_size', 512]])}`,
    'timer: 3 interrupts',
    `virtio-blk: capacity ${image.length / SECTOR} sectors`,
    `sector 0: ${printable(s0.subarray(0, 16))} fnv ${hex8(fnv1a(s0))}`,
    'sector 1 written and read back: written by kwb baremetal',
    'read past the end: IOERR',
    'unknown request: UNSUPP',
    PROMPT.trimEnd(),
    ...INPUT_LINES.map((l) => `got: ${l.toUpperCase()} (${l.length} chars)`),
    'receive interrupts: yes',
    'sent by THR-empty interrupts',
    'software interrupts: 1',
    'rtc: after 2020 and advancing',
    'bye',
    '',
  ].join('\n');
}
