// What a checkpoint of the whole machine holds and how it is put back: which sections there
// are, the identity checks (kernel, firmware, RAM size, harts, drives) and the order of
// restoring. Loading validates everything it can before it changes anything, and a failure
// half-way puts back what was there (a corrupted or foreign checkpoint is never loaded).
// The Machine hands its parts over as CheckpointParts (emulator/machine.ts).
import { CheckpointError } from './errors';
import { readSections, writeSections, type SectionToWrite } from './format';
import { decodeState, encodeStateParts, StateReader, type Stateful, type StateValue } from './state';

/** What a machine is, for the identity check: a checkpoint loads only into the same kind. */
export interface MachineIdentity {
  /** fingerprint() of the kernel image's bytes ('none' without a kernel). */
  kernel: string;
  /** The kernel's file name, for messages. */
  kernelName: string;
  /** fingerprint() of the firmware, or 'none'. */
  firmware: string;
  memoryBytes: number;
  harts: number;
  /** Byte length of each drive. */
  drives: number[];
}

/** A drive's backend: its writes are held by a checkpoint when it can save them. */
export interface CheckpointDrive {
  readonly readOnly: boolean;
  readonly byteLength: number;
  saveState?(): StateValue;
  loadState?(s: StateReader): void;
}

export interface CheckpointParts {
  identity: MachineIdentity;
  /** The machine's own state: virtual time, the harts' turns. */
  machine: Stateful;
  harts: Stateful[];
  /** MMIO devices by unique name; those without saveState hold no state. */
  devices: { name: string; device: Partial<Stateful> }[];
  drives: CheckpointDrive[];
  /** RAM (sparse) and the LR/SC reservations. */
  memory: Stateful;
  /** Figures for the meta section (instructions, mtime), for people reading a file's summary. */
  summary(): { [key: string]: StateValue };
  /** Drops decoded instructions, TLBs and translated code (they are not state). */
  flushCaches(): void;
}

const SECTION_META = 'meta';
const SECTION_MACHINE = 'machine';
const SECTION_DEVICES = 'devices';
const SECTION_RAM = 'ram';
const hartSection = (i: number) => `hart${i}`;
const diskSection = (i: number) => `disk${i}`;

function driveState(d: CheckpointDrive, i: number): StateValue {
  if (d.saveState) return d.saveState();
  if (d.readOnly) return { kind: 'read-only' };
  throw new CheckpointError(`drive ${i} keeps its writes outside the machine (written in place, or in a copy-on-write file), so a checkpoint cannot hold them; checkpoints need drives whose changes stay in memory (kwb --drive FILE, without --drive-write or cow=)`);
}

export function saveMachine(p: CheckpointParts): Uint8Array {
  const id = p.identity;
  const sections: SectionToWrite[] = [];
  const add = (name: string, v: StateValue) => sections.push({ name, payload: encodeStateParts(v) });
  add(SECTION_META, {
    producer: 'Kernel Workbench', kernel: id.kernel, kernelName: id.kernelName, firmware: id.firmware,
    memoryBytes: id.memoryBytes, harts: id.harts, drives: new Float64Array(id.drives), ...p.summary(),
  });
  add(SECTION_MACHINE, p.machine.saveState());
  p.harts.forEach((h, i) => add(hartSection(i), h.saveState()));
  const devices: { [name: string]: StateValue } = {};
  for (const d of p.devices) if (d.device.saveState) devices[d.name] = d.device.saveState();
  add(SECTION_DEVICES, devices);
  p.drives.forEach((d, i) => add(diskSection(i), driveState(d, i)));
  add(SECTION_RAM, p.memory.saveState());
  return writeSections(sections);
}

/** The meta section of a checkpoint (checksums verified), for a summary or an early check. */
export function readIdentity(bytes: Uint8Array): StateReader {
  const meta = readSections(bytes).find((s) => s.name === SECTION_META);
  if (!meta) throw new CheckpointError(`section '${SECTION_META}' is missing`);
  return new StateReader(decodeState(meta.payload, SECTION_META), SECTION_META);
}

function checkIdentity(meta: StateReader, id: MachineIdentity): void {
  const kernel = meta.str('kernel');
  if (kernel !== id.kernel) {
    throw new CheckpointError(`it belongs to kernel '${meta.str('kernelName')}' (${kernel}), not to '${id.kernelName}' (${id.kernel})`);
  }
  const firmware = meta.str('firmware');
  if (firmware !== id.firmware) throw new CheckpointError(`it was made with firmware ${firmware}, this machine has ${id.firmware}`);
  const mem = meta.num('memoryBytes', 0);
  if (mem !== id.memoryBytes) throw new CheckpointError(`it has ${mem / 2 ** 20} MiB of RAM, this machine ${id.memoryBytes / 2 ** 20} MiB (give --mem ${mem / 2 ** 20}M)`);
  const harts = meta.num('harts', 1);
  if (harts !== id.harts) throw new CheckpointError(`it has ${harts} harts, this machine ${id.harts} (give --smp ${harts})`);
  const drives = Array.from(meta.f64('drives'));
  if (drives.length !== id.drives.length || drives.some((n, i) => n !== id.drives[i])) {
    throw new CheckpointError(`its drives are [${drives.join(', ')}] bytes, this machine's [${id.drives.join(', ')}]`);
  }
}

/**
 * Puts the machine into the checkpoint's state. Throws CheckpointError (and leaves the
 * machine as it was) when the bytes are damaged, of another version, or of another machine.
 */
export function loadMachine(p: CheckpointParts, bytes: Uint8Array): void {
  const sections = new Map<string, StateValue>();
  for (const s of readSections(bytes)) sections.set(s.name, decodeState(s.payload, s.name));
  const expected = [SECTION_META, SECTION_MACHINE, ...p.harts.map((_, i) => hartSection(i)), SECTION_DEVICES,
    ...p.drives.map((_, i) => diskSection(i)), SECTION_RAM];
  // the identity first: a foreign checkpoint is refused for that reason, not for a missing hart
  const meta = sections.get(SECTION_META);
  if (meta === undefined) throw new CheckpointError(`section '${SECTION_META}' is missing`);
  checkIdentity(new StateReader(meta, SECTION_META), p.identity);
  for (const name of expected) if (!sections.has(name)) throw new CheckpointError(`section '${name}' is missing`);
  for (const name of sections.keys()) if (!expected.includes(name)) throw new CheckpointError(`section '${name}' is not one this machine has`);
  const devices = new StateReader(sections.get(SECTION_DEVICES)!, SECTION_DEVICES);
  for (const d of p.devices) if (d.device.saveState && !devices.has(d.name)) throw new CheckpointError(`devices.${d.name}: missing`);

  // Everything but RAM is small: keep it, to put it back if a part refuses its state.
  const before = {
    machine: p.machine.saveState(),
    harts: p.harts.map((h) => h.saveState()),
    devices: p.devices.map((d) => d.device.saveState?.()),
    drives: p.drives.map((d) => d.saveState?.()),
  };
  const apply = (get: (what: 'machine' | 'hart' | 'device' | 'drive', i: number) => [StateValue, string] | undefined) => {
    const m = get('machine', 0)!;
    p.machine.loadState(new StateReader(m[0], m[1]));
    p.harts.forEach((h, i) => { const s = get('hart', i)!; h.loadState(new StateReader(s[0], s[1])); });
    p.devices.forEach((d, i) => { const s = get('device', i); if (s && d.device.loadState) d.device.loadState(new StateReader(s[0], s[1])); });
    p.drives.forEach((d, i) => { const s = get('drive', i); if (s && d.loadState) d.loadState(new StateReader(s[0], s[1])); });
  };
  try {
    apply((what, i) => {
      switch (what) {
        case 'machine': return [sections.get(SECTION_MACHINE)!, SECTION_MACHINE];
        case 'hart': return [sections.get(hartSection(i))!, hartSection(i)];
        case 'device': { const d = p.devices[i]; return d.device.saveState ? [devices.value(d.name)!, `${SECTION_DEVICES}.${d.name}`] : undefined; }
        case 'drive': {
          const v = sections.get(diskSection(i))!;
          if (!p.drives[i].loadState) {
            const saved = new StateReader(v, diskSection(i));
            if (!saved.has('kind') || saved.str('kind') !== 'read-only') throw new CheckpointError(`${diskSection(i)}: the checkpoint holds written sectors, but this machine's drive ${i} cannot take them (opened with --drive-write or cow=?)`);
            return undefined;
          }
          return [v, diskSection(i)];
        }
      }
    });
    p.memory.loadState(new StateReader(sections.get(SECTION_RAM)!, SECTION_RAM));
  } catch (e) {
    apply((what, i) => {
      switch (what) {
        case 'machine': return [before.machine, 'saved machine'];
        case 'hart': return [before.harts[i], 'saved hart'];
        case 'device': return before.devices[i] === undefined ? undefined : [before.devices[i]!, 'saved device'];
        case 'drive': return before.drives[i] === undefined ? undefined : [before.drives[i]!, 'saved drive'];
      }
    });
    throw e;
  } finally {
    p.flushCaches();
  }
}
