// The memory map gdb reads with qXfer:memory-map:read (gdb manual, "Memory Map Format").
// gdb treats addresses outside a map as inaccessible, but it only knows virtual addresses and
// a kernel runs at virtual addresses anywhere; so the board's regions (ROM as rom, RAM and
// MMIO as ram) are listed and every gap is filled with ram. What gdb gains is the ROM.
import type { MemoryRegion } from './machine-control';

const TOP = (1n << 64n) - 1n;
const hex = (v: bigint): string => '0x' + v.toString(16);

export function memoryMapXml(regions: readonly MemoryRegion[]): string {
  const sorted = [...regions].filter((r) => r.size > 0n).sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
  const out = ['<?xml version="1.0"?>',
    '<!DOCTYPE memory-map PUBLIC "+//IDN gnu.org//DTD GDB Memory Map V1.0//EN" "http://sourceware.org/gdb/gdb-memory-map.dtd">',
    '<memory-map>'];
  let next = 0n;
  const emit = (type: string, start: bigint, end: bigint): void => {
    if (end > start) out.push(`<memory type="${type}" start="${hex(start)}" length="${hex(end - start)}"/>`);
  };
  for (const r of sorted) {
    const start = r.base < next ? next : r.base;
    const end = r.base + r.size > TOP ? TOP : r.base + r.size;
    if (end <= start) continue;
    emit('ram', next, start);
    emit(r.kind === 'rom' ? 'rom' : 'ram', start, end);
    next = end;
  }
  emit('ram', next, TOP);
  out.push('</memory-map>');
  return out.join('\n') + '\n';
}
