// gdb-multiarch as the oracle for the debug adapter's answers at a stop: its backtrace as
// "function:line" rows, `info args` / `info locals` as name → value, `print` of an expression
// (gdb's error text when it fails), and the DAP side in the same shapes so tests compare them
// with deepEqual.
//
//   gdbFrames(mi)                 -stack-list-frames as [{ fn, line, pc }]
//   gdbScopes(mi, level)          { args, locals } of frame `level` (info args / info locals)
//   gdbPrint(mi, expr)            print EXPR without the "$N = ", or gdb's error message
//   parseInfo(text)               info args/locals text as name → value (values may span lines)
//   dapFrames(frames)             DAP stack frames (label rows excluded) as [{ fn, line, pc }]
//   dapEvaluate(dap, expr, frame) evaluate (watch) result, or the error response's message
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { GdbMi } from '../../support/gdb-mi';
import { type Dap, plainName } from './dap';

export interface FrameRow { fn: string; line: number; pc: bigint }

/** gdb's `info locals` / `info args` text as name → value (a value may span lines). */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let last: string | undefined;
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_]\w*) = (.*)$/.exec(line);
    if (m) { last = m[1]; out[last] = m[2]; } else if (last && line.trim() !== '' && !/^No (locals|arguments|symbol table info available)\.$/.test(line.trim())) out[last] += `\n${line}`;
  }
  return out;
}

export async function gdbFrames(mi: GdbMi): Promise<FrameRow[]> {
  const stack: Array<{ value: { func?: string; line?: string; addr: string } }> = (await mi.command('-stack-list-frames')).data.stack;
  return stack.map((f) => ({ fn: f.value.func ?? '??', line: Number(f.value.line ?? 0), pc: BigInt(f.value.addr) }));
}

export async function gdbScopes(mi: GdbMi, level: number): Promise<{ args: Record<string, string>; locals: Record<string, string> }> {
  await mi.command(`-stack-select-frame ${level}`);
  return { args: parseInfo(await mi.console('info args')), locals: parseInfo(await mi.console('info locals')) };
}

export async function gdbPrint(mi: GdbMi, expr: string): Promise<string> {
  const out = await mi.console(`print ${expr}`).catch((e: Error & { gdbMessage?: string }) => e.gdbMessage ?? e.message.replace(/^gdb: .*?: /, ''));
  return out.replace(/^\$\d+ = /, '').trim();
}

/** DAP frames without label rows (the trap from user mode), as gdb lists frames. */
export function dapFrames(frames: DebugProtocol.StackFrame[]): FrameRow[] {
  return frames.filter((f) => f.presentationHint !== 'label').map((f) => ({
    fn: plainName(f), line: f.line, pc: BigInt((f.instructionPointerReference ?? '0x0').replace(/@.*$/, '')),
  }));
}

export async function dapEvaluate(dap: Dap, expression: string, frameId: number): Promise<string> {
  try {
    return (await dap.dc.evaluateRequest({ expression, frameId, context: 'watch' })).body.result;
  } catch (e) {
    return (e as Error).message;
  }
}

/** A frame's Arguments and Locals scopes as name → value. */
export async function dapScopes(dap: Dap, frameId: number): Promise<{ args: Record<string, string>; locals: Record<string, string> }> {
  const scopes = (await dap.dc.scopesRequest({ frameId })).body.scopes;
  const read = async (name: string) => {
    const s = scopes.find((x) => x.name === name);
    return s ? Object.fromEntries((await dap.vars(s.variablesReference)).map((v) => [v.name, v.value])) : {};
  };
  return { args: await read('Arguments'), locals: await read('Locals') };
}

export const row = (f: FrameRow): string => `${f.fn}:${f.line}`;
