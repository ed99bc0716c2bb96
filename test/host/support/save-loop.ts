// A child process for the kill -9 test: a machine whose RAM is mostly random bytes (so a
// save takes a while), saved again and again to one file; prints "saving N" before and
// "saved N" after each save, N being the instruction count the checkpoint holds.
//   tsx save-loop.ts KERNEL FILE
import { readFileSync } from 'node:fs';
import { Machine } from '../../../emulator/machine';
import { saveMachine } from '../../../host/checkpoint-file';

const [kernel, file] = process.argv.slice(2);
const m = new Machine({ kernel: new Uint8Array(readFileSync(kernel)), kernelName: kernel, memoryBytes: 96 << 20 });
let seed = 12345;
const words = m.bus.ram32;
for (let i = 1 << 20; i < words.length; i++) { seed = (Math.imul(seed, 1103515245) + 12345) | 0; words[i] = seed; }
for (;;) {
  m.runFor(1000);
  process.stdout.write(`saving ${m.retired()}\n`);
  saveMachine(m, file);
  process.stdout.write(`saved ${m.retired()}\n`);
}
