// The answers to scopes, variables, evaluate, setVariable and setExpression, in DAP terms: Locals
// and Arguments of the frame (of its inlined call) and values through symbols' value API
// (values.ts), Registers through debug-adapter/registers (decoded CSR fields as children),
// Task (pid, state, wait, lock, parent...), lazy children through variablesReference, arrays
// paged with indexedVariables, memoryReference on pointers and arrays. The Debug Console
// (evaluate with context 'repl') runs gdb's commands (console-host.ts), else a C expression.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { ValueNode } from '../../symbols';
import { writeRegisterNode, type RegisterNode } from '../registers';
import { runConsoleCommand } from '../console';
import type { KernelRuntime, VarHandle } from './runtime';
import { frameRegisterGroups, liveFrame } from './registers';
import { assignNode, evaluateNode, isArray, listText, memoryReference, PAGE_THRESHOLD, scopeNodes, type ValueScope } from './values';
import { consoleContext, remoteMonitorLine, type ConsoleRunControl } from './console-host';

/** An error the session turns into an error response (a user's mistake, never a crash). */
export class RequestError extends Error {}

const hex = (v: bigint): string => `0x${v.toString(16)}`;

/** gdb's print format for DAP's ValueFormat ({ hex: true } is print/x). */
function formatOf(f: DebugProtocol.ValueFormat | undefined): string | undefined {
  return f && typeof f === 'object' && f.hex === true ? 'x' : undefined;
}

export async function scopes(rt: KernelRuntime, frameId: number): Promise<DebugProtocol.Scope[]> {
  const f = rt.frame(frameId);
  if (!f) throw new RequestError(`no frame ${frameId} at this stop (frames are forgotten when the machine runs)`);
  if (f.frame.label) return [];
  const out: DebugProtocol.Scope[] = [];
  const scope = await rt.scopeOf(f.frame);
  if (scope) {
    const nodes = scopeNodes(scope);
    const { arguments: args, locals } = await nodes;
    out.push({ name: 'Locals', presentationHint: 'locals', variablesReference: rt.varHandle({ kind: 'locals', frameId, nodes: Promise.resolve(locals) }), namedVariables: locals.length, expensive: false });
    out.push({ name: 'Arguments', presentationHint: 'arguments', variablesReference: rt.varHandle({ kind: 'arguments', frameId, nodes: Promise.resolve(args) }), namedVariables: args.length, expensive: false });
  }
  const groups = frameRegisterGroups(rt.target, f.frame, (a) => rt.symbolize(a));
  out.push({ name: 'Registers', presentationHint: 'registers', variablesReference: rt.varHandle({ kind: 'registers', frameId, node: { name: 'Registers', value: '', children: async () => groups } }), expensive: false });
  const task = await rt.task(f.threadId);
  if (task) out.push({ name: 'Task', variablesReference: rt.varHandle({ kind: 'task', threadId: f.threadId }), expensive: false });
  return out;
}

/**
 * The node whose children a variable shows: a pointer to a struct or union shows the members of
 * what it points to (as C/C++ debuggers do), named through `->`; anything else its own children.
 */
async function shownParent(n: ValueNode): Promise<ValueNode> {
  if (n.pointee === undefined || isArray(n) || n.childCount !== 1) return n;
  const [d] = await n.children(0, 1);
  return d && d.childCount > 0 && d.value.startsWith('{') && !/\]$/.test(d.type) ? d : n;
}

/** A value node as a DAP variable: `top` values (Watch, hover, Debug Console) print as gdb's print, list items as info locals. */
function toVariable(rt: KernelRuntime, n: ValueNode, scope: ValueScope, frameId: number | undefined, top: boolean, format?: string): DebugProtocol.Variable {
  const v: DebugProtocol.Variable = { name: n.name, value: top ? n.value : listText(n), type: n.type, variablesReference: 0 };
  if (!n.name.startsWith('<anonymous')) v.evaluateName = n.expression;
  if (n.childCount > 0) {
    v.variablesReference = rt.varHandle({ kind: 'value', frameId, node: n, scope, format });
    if (isArray(n) && n.childCount > PAGE_THRESHOLD) v.indexedVariables = n.childCount;
    else if (n.pointee === undefined) v.namedVariables = n.childCount;
  }
  const mr = memoryReference(n, scope.satp);
  if (mr) v.memoryReference = mr;
  if (!n.writable) v.presentationHint = { attributes: ['readOnly'] };
  return v;
}

function registerVariable(rt: KernelRuntime, frameId: number, r: RegisterNode): DebugProtocol.Variable {
  const v: DebugProtocol.Variable = { name: r.name, value: r.value, variablesReference: 0 };
  if (r.evaluateName) v.evaluateName = r.evaluateName;
  if (r.children) v.variablesReference = rt.varHandle({ kind: 'registers', frameId, node: r });
  return v;
}

function registerChildren(h: Extract<VarHandle, { kind: 'registers' }>): Promise<RegisterNode[]> {
  return (h.children ??= h.node.children ? h.node.children().catch(() => []) : Promise.resolve([]));
}

async function localNodes(rt: KernelRuntime, h: Extract<VarHandle, { kind: 'locals' | 'arguments' }>): Promise<{ scope?: ValueScope; nodes: ValueNode[] }> {
  const f = rt.frame(h.frameId);
  const scope = f && await rt.scopeOf(f.frame);
  if (!scope) return { nodes: [] };
  h.nodes ??= scopeNodes(scope, h.format).then((s) => (h.kind === 'locals' ? s.locals : s.arguments));
  return { scope, nodes: await h.nodes };
}

export async function variables(rt: KernelRuntime, args: DebugProtocol.VariablesArguments): Promise<DebugProtocol.Variable[]> {
  const h = rt.varOf(args.variablesReference);
  if (!h) throw new RequestError(`no variables reference ${args.variablesReference} at this stop (they are forgotten when the machine runs)`);
  const start = Number.isInteger(args.start) && args.start! > 0 ? args.start! : 0;
  const count = Number.isInteger(args.count) && args.count! > 0 ? Math.min(args.count!, 10000) : undefined;
  const format = formatOf(args.format);
  switch (h.kind) {
    case 'locals': case 'arguments': {
      let { scope, nodes } = await localNodes(rt, h);
      if (!scope) return [];
      if (format) nodes = (await scopeNodes(scope, format))[h.kind === 'locals' ? 'locals' : 'arguments'];
      return nodes.map((n) => toVariable(rt, n, scope!, h.frameId, false, format));
    }
    case 'registers': {
      const kids = await registerChildren(h);
      return kids.map((r) => registerVariable(rt, h.frameId, r));
    }
    case 'task': return taskRows(rt, h.threadId);
    case 'value': {
      if (args.filter === 'named' && isArray(h.node)) return [];
      const parent = await shownParent(h.node);
      const cap = Math.min(parent.childCount, 10000);
      const kids = await parent.children(args.filter === 'named' ? 0 : start, args.filter === 'named' ? cap : count ?? cap);
      return kids.map((k) => toVariable(rt, k, h.scope, h.frameId, false, h.format));
    }
  }
}

async function taskRows(rt: KernelRuntime, threadId: number): Promise<DebugProtocol.Variable[]> {
  const t = await rt.task(threadId);
  if (!t) return [];
  const rows: Array<[string, string]> = [
    ['pid', String(t.pid)], ['name', t.name], ['state', t.stateText ? `${t.state} (${t.stateText})` : t.state],
  ];
  if (t.hart !== undefined) rows.push(['hart', String(t.hart)]);
  if (t.waitReason || t.waitText) rows.push(['wait', [t.waitReason, t.waitText].filter(Boolean).join(' on ')]);
  if (t.waitChannel !== undefined) rows.push(['wait channel', hex(t.waitChannel)]);
  if (t.blockedOn) rows.push(['lock', `${t.blockedOn.name ?? hex(t.blockedOn.address)}${t.blockedOn.holderPid !== undefined ? ` held by pid ${t.blockedOn.holderPid}` : ''}`]);
  if (t.parentPid !== undefined) rows.push(['parent', `pid ${t.parentPid}`]);
  rows.push(['task struct', hex(t.address)]);
  if (t.satp !== undefined) rows.push(['satp', hex(t.satp)]);
  rows.push(['kernel thread', t.kernelThread ? 'yes' : 'no']);
  const prog = rt.awareness && !t.kernelThread ? await rt.awareness.program(t) : undefined;
  if (prog) rows.push(['program', prog.path]);
  return rows.map(([name, value]) => ({ name, value, variablesReference: 0, ...(name === 'task struct' ? { memoryReference: hex(t.address) } : {}) }));
}

/** The scope an evaluate/setExpression names: its frame, else the stopped thread's top frame, else the kernel's globals. */
async function scopeFor(rt: KernelRuntime, frameId: number | undefined): Promise<ValueScope> {
  if (frameId !== undefined && frameId !== 0) {
    const f = rt.frame(frameId);
    if (!f) throw new RequestError(`no frame ${frameId} at this stop (frames are forgotten when the machine runs)`);
    const s = await rt.scopeOf(f.frame);
    if (s) return s;
  }
  const g = await rt.globalScope(0);
  if (!g) throw new RequestError('No symbol table is loaded.');
  return g;
}

export async function evaluate(rt: KernelRuntime, args: DebugProtocol.EvaluateArguments, run?: ConsoleRunControl): Promise<DebugProtocol.EvaluateResponse['body']> {
  if (typeof args.expression !== 'string') throw new RequestError('evaluate: "expression" must be a string');
  const expr = args.expression.trim();
  if (args.context === 'repl') {
    if (expr === '') return { result: '', variablesReference: 0 };
    if (rt.target.state() === 'running' && !/^(?:monitor|mon|help|h)(?:\s|$)/.test(expr)) throw new RequestError('the machine is running (pause it first; `monitor ...` works while it runs)');
    const remote = await remoteMonitorLine(rt, expr);
    if (remote) {
      if (remote.error) throw new RequestError(remote.text);
      return { result: remote.text.replace(/\n$/, ''), variablesReference: 0 };
    }
    const ctx = await consoleContext(rt, args.frameId, run);
    const r = await runConsoleCommand(expr, ctx);
    if (r.handled) {
      const text = r.text.replace(/\n$/, '');
      if (r.error) throw new RequestError(text);
      return { result: text, variablesReference: 0 };
    }
  }
  if (expr === '') throw new RequestError('evaluate: empty expression');
  const scope = await scopeFor(rt, args.frameId);
  const format = formatOf(args.format);
  const r = await evaluateNode(scope, expr, format);
  if (!r.ok) throw new RequestError(r.text);
  const v = toVariable(rt, { ...r.node, name: expr }, scope, args.frameId, true, format);
  return { result: v.value, type: v.type, variablesReference: v.variablesReference, indexedVariables: v.indexedVariables, namedVariables: v.namedVariables, memoryReference: v.memoryReference };
}

/** After an assignment that wrote a register, this stop's frames are stale. */
/**
 * After an assignment: a register written makes this stop's frames stale (everything is read
 * again); memory written makes the values shown stale (nodes keep the bytes they were made
 * from): the variable handles are forgotten and the client reads the views again.
 */
function afterWrite(rt: KernelRuntime, invalidated: (areas: DebugProtocol.InvalidatedAreas[]) => void, wrote: boolean): void {
  if (rt.registersWritten) { rt.registersWritten = false; rt.refreshStop(); invalidated(['all']); return; }
  if (wrote) { rt.forgetVariables(); invalidated(['variables']); }
}

export async function setVariable(rt: KernelRuntime, args: DebugProtocol.SetVariableArguments, invalidated: (areas: DebugProtocol.InvalidatedAreas[]) => void): Promise<DebugProtocol.SetVariableResponse['body']> {
  const h: VarHandle | undefined = rt.varOf(args.variablesReference);
  if (!h) throw new RequestError(`no variables reference ${args.variablesReference} at this stop (they are forgotten when the machine runs)`);
  if (typeof args.name !== 'string' || typeof args.value !== 'string') throw new RequestError('setVariable: "name" and "value" must be strings');
  if (h.kind === 'registers') {
    const f = rt.frame(h.frameId);
    const node = (await registerChildren(h)).find((r) => r.name === args.name);
    if (!f || !node || (node.regno === undefined && !node.field)) throw new RequestError(`setVariable: no register ${JSON.stringify(args.name)} here`);
    if (!liveFrame(f.frame)) throw new RequestError(`${args.name}: only the registers of a task running on a hart, in its innermost frame, can be set (this frame's are ${f.frame.hart === undefined && f.frame.machineIndex === 0 ? 'its saved context' : 'unwound'})`);
    const scope = await rt.scopeOf(f.frame) ?? await rt.globalScope(f.frame.hart!);
    const w = await writeRegisterNode(rt.target, f.frame.hart!, node, args.value, {
      symbolize: (a) => rt.symbolize(a),
      evaluate: async (e) => {
        if (!scope) return 'No symbol table is loaded.';
        const r = await evaluateNode(scope, `(unsigned long)(${e})`);
        if (!r.ok) return (await evaluateNode(scope, e).then((x) => (x.ok ? r.text : x.text)));
        return BigInt.asUintN(64, BigInt(r.node.value));
      },
    });
    if (!w.ok) throw new RequestError(w.message);
    rt.refreshStop();
    invalidated(['all']);
    return { value: w.node.value, variablesReference: 0 };
  }
  if (h.kind === 'task') throw new RequestError('task fields cannot be set (they are read from the kernel\'s structures)');
  let scope: ValueScope | undefined, node: ValueNode | undefined;
  let format: string | undefined;
  if (h.kind === 'locals' || h.kind === 'arguments') {
    const l = await localNodes(rt, h);
    scope = l.scope;
    node = l.nodes.find((n) => n.name === args.name);
    format = h.format;
  } else if (h.kind === 'value') {
    scope = h.scope;
    format = h.format;
    const idx = /^\[(\d+)\]$/.exec(args.name);
    const parent = await shownParent(h.node);
    const kids = idx ? await parent.children(Number(idx[1]), 1) : await parent.children(0, Math.min(parent.childCount, 10000));
    node = kids.find((n: ValueNode) => n.name === args.name);
  }
  if (!node || !scope) throw new RequestError(`setVariable: no variable ${JSON.stringify(args.name)} here`);
  if (node.name.startsWith('<anonymous')) throw new RequestError(`${node.name} has no name to assign to: set its members`);
  const r = await assignNode(scope, node.expression, args.value, format);
  afterWrite(rt, invalidated, r.ok);
  if (!r.ok) throw new RequestError(r.text);
  const v = toVariable(rt, { ...r.node, name: node.name }, scope, h.frameId, false, format);
  return { value: v.value, type: v.type, variablesReference: v.variablesReference, indexedVariables: v.indexedVariables, namedVariables: v.namedVariables, memoryReference: v.memoryReference };
}

export async function setExpression(rt: KernelRuntime, args: DebugProtocol.SetExpressionArguments, invalidated: (areas: DebugProtocol.InvalidatedAreas[]) => void): Promise<DebugProtocol.SetExpressionResponse['body']> {
  if (typeof args.expression !== 'string' || typeof args.value !== 'string') throw new RequestError('setExpression: "expression" and "value" must be strings');
  if (!args.expression.trim()) throw new RequestError('setExpression: empty expression');
  const scope = await scopeFor(rt, args.frameId);
  const format = formatOf(args.format);
  const r = await assignNode(scope, args.expression.trim(), args.value, format);
  afterWrite(rt, invalidated, r.ok);
  if (!r.ok) throw new RequestError(r.text);
  const v = toVariable(rt, { ...r.node, name: args.expression.trim() }, scope, args.frameId, true, format);
  return { value: v.value, type: v.type, variablesReference: v.variablesReference, indexedVariables: v.indexedVariables, namedVariables: v.namedVariables, memoryReference: v.memoryReference };
}
