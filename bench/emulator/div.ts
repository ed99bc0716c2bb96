// Micro-bench of 64-bit division (issue 15): the word-wise divu64 (emulator/cpu/int64.ts)
// against the one-bit restoring loop it replaced (kept below, as it was) and BigInt division,
// on operands of every magnitude; then a division-heavy guest (bench/emulator/guest/div64.c)
// run on the Machine in process. Usage: npx tsx bench/emulator/div.ts
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { div64, R } from '../../emulator/cpu/int64';
import { Machine } from '../../emulator/machine';
import { buildGuest, REPO_ROOT } from '../../test/support/toolchain';

const TWO32 = 4294967296;
const Q = new Int32Array(4);
/** The division before issue 15: both below 2^52 in doubles, else 64 one-bit steps. */
function bitLoopDivu(alo: number, ahi: number, blo: number, bhi: number): void {
  if (ahi >>> 0 < 0x100000 && bhi >>> 0 < 0x100000) {
    const a = (ahi >>> 0) * TWO32 + (alo >>> 0), b = (bhi >>> 0) * TWO32 + (blo >>> 0);
    const q = Math.floor(a / b); const r = a - q * b;
    Q[0] = q | 0; Q[1] = Math.floor(q / TWO32) | 0; Q[2] = r | 0; Q[3] = Math.floor(r / TWO32) | 0;
    return;
  }
  let qlo = 0, qhi = 0, rlo = 0, rhi = 0;
  for (let i = 63; i >= 0; i--) {
    rhi = (rhi << 1) | (rlo >>> 31);
    rlo = (rlo << 1) | (i >= 32 ? (ahi >>> (i - 32)) & 1 : (alo >>> i) & 1);
    const ge = (rhi >>> 0) > (bhi >>> 0) || ((rhi >>> 0) === (bhi >>> 0) && (rlo >>> 0) >= (blo >>> 0));
    if (ge) {
      const l = (rlo - blo) | 0; rhi = (rhi - bhi - ((rlo >>> 0) < (blo >>> 0) ? 1 : 0)) | 0; rlo = l;
      if (i >= 32) qhi |= 1 << (i - 32); else qlo |= 1 << i;
    }
  }
  Q[0] = qlo; Q[1] = qhi; Q[2] = rlo; Q[3] = rhi;
}

function bigintDivu(alo: number, ahi: number, blo: number, bhi: number): void {
  const a = (BigInt(ahi >>> 0) << 32n) | BigInt(alo >>> 0), b = (BigInt(bhi >>> 0) << 32n) | BigInt(blo >>> 0);
  const q = a / b, r = a % b;
  Q[0] = Number(q & 0xffffffffn) | 0; Q[1] = Number(q >> 32n) | 0; Q[2] = Number(r & 0xffffffffn) | 0; Q[3] = Number(r >> 32n) | 0;
}

const N = 1 << 16;
const ops = new Int32Array(4 * N);
let s = 0x1234567;
const rnd = () => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return s | 0; };
for (let i = 0; i < N; i++) {
  const shift = i % 64;
  let bl = rnd(), bh = rnd();
  if (shift >= 32) { bl = bh >>> (shift - 32); bh = 0; } else if (shift > 0) { bl = (bl >>> shift) | (bh << (32 - shift)); bh >>>= shift; }
  if (bl === 0 && bh === 0) bl = 1;
  ops[4 * i] = rnd(); ops[4 * i + 1] = rnd() | 0x100000; ops[4 * i + 2] = bl; ops[4 * i + 3] = bh;
}

function time(name: string, f: (a: number, b: number, c: number, d: number) => void): number {
  let best = Infinity, sink = 0;
  for (let rep = 0; rep < 7; rep++) {
    const t0 = performance.now();
    for (let k = 0; k < 8; k++) for (let i = 0; i < N; i++) { f(ops[4 * i], ops[4 * i + 1], ops[4 * i + 2], ops[4 * i + 3]); sink ^= Q[0] ^ R[0]; }
    best = Math.min(best, performance.now() - t0);
  }
  const ns = (best * 1e6) / (8 * N);
  console.log(`${name.padEnd(34)} ${ns.toFixed(1).padStart(7)} ns/division  (sink ${sink & 1})`);
  return ns;
}

console.log(`load average: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
console.log('operands: dividend >= 2^52, divisor a random 64-bit value >> (0..63)');
time('before: 64 one-bit steps', bitLoopDivu);
time('BigInt / and %', bigintDivu);
time('after: word-wise divu64 (div64)', (a, b, c, d) => div64(a, b, c, d, false, false));

const guestDir = join(REPO_ROOT, 'bench', 'guest');
const elf = buildGuest([join(guestDir, 'start.S'), join(__dirname, 'guest', 'div64.c')], {
  name: 'bench-div64', flags: ['-O2', '-ffreestanding', '-I', guestDir], linkerScript: join(guestDir, 'link.ld'),
});
let out = '';
const m = new Machine({ kernel: readFileSync(elf), kernelName: elf, serial: { output: (b: number) => { out += String.fromCharCode(b); } } });
const t0 = performance.now();
const e = m.runFor(2e9);
const sec = (performance.now() - t0) / 1000;
console.log(`guest div64.c: ${e?.reason.kind} ${out.trim()}, ${m.retired()} instructions in ${sec.toFixed(2)} s = ${(m.retired() / sec / 1e6).toFixed(1)} MIPS`);
