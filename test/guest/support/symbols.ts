// Independent oracles for code addresses: binutils' addr2line for the kernel, nm for modules.
import { execFileSync } from 'node:child_process';

/** The function containing `address` in an ELF executable, as addr2line names it. */
export function addr2lineFunction(elf: string, address: bigint): string {
  const out = execFileSync('riscv64-unknown-elf-addr2line', ['-f', '-e', elf, '0x' + address.toString(16)], { encoding: 'utf8' });
  return out.split('\n')[0].trim();
}

/** Function symbols of a relocatable object's .text, as nm lists them: name -> offset. */
export function moduleTextFunctions(object: string): Map<string, bigint> {
  const out = execFileSync('riscv64-unknown-elf-nm', ['--defined-only', object], { encoding: 'utf8' });
  const map = new Map<string, bigint>();
  for (const line of out.split('\n')) {
    const m = /^([0-9a-f]+) [tT] (\S+)$/.exec(line.trim());
    if (m) map.set(m[2], BigInt('0x' + m[1]));
  }
  return map;
}

/** The function in `functions` (name -> offset) that contains `offset`. */
export function functionAt(functions: Map<string, bigint>, offset: bigint): string | undefined {
  let best: [string, bigint] | undefined;
  for (const [name, start] of functions) if (start <= offset && (!best || start > best[1])) best = [name, start];
  return best?.[0];
}

export interface BacktraceFrame { depth: number; pc: bigint; name: string; offset: bigint; module?: string }

/** Parses the kernel's "  #N 0xPC name+0xOFF [module]" lines. */
export function parseBacktrace(text: string): BacktraceFrame[] {
  const frames: BacktraceFrame[] = [];
  const re = /^\s*#(\d+) 0x([0-9a-f]+) (\S+)\+0x([0-9a-f]+)(?: \[(\S+)\])?\s*$/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    frames.push({ depth: Number(m[1]), pc: BigInt('0x' + m[2]), name: m[3], offset: BigInt('0x' + m[4]), module: m[5] });
  }
  return frames;
}
