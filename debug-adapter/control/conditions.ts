// Conditions on user breakpoints, as VS Code asks for them and gdb understands them:
// - condition: a C expression evaluated at the hit (host.evaluateAt); the hit counts only when true;
// - hitCondition: when the count of (true-condition) hits makes it stop: `N` or `==N` (the Nth hit),
//   `>N`, `>=N`, `<N`, `<=N`, `%N` (every Nth);
// - logMessage: text with `{expression}` parts, printed to the Debug Console at each hit, which
//   then does not stop (a log point). `{{` and `}}` are literal braces.
import type { ControlHost } from './api';

export type HitTest = (count: number) => boolean;

/** Parses a hitCondition; `error` names the input and what is expected. */
export function parseHitCondition(text: string): { test: HitTest } | { error: string } {
  const m = /^\s*(==|>=|<=|>|<|%|=)?\s*(\d+)\s*$/.exec(text);
  if (!m) return { error: `hitCondition "${text}": expected a count such as 5, ==5, >5, >=5, <5, <=5 or %5` };
  const n = Number(m[2]);
  switch (m[1]) {
    case '>': return { test: (c) => c > n };
    case '>=': return { test: (c) => c >= n };
    case '<': return { test: (c) => c < n };
    case '<=': return { test: (c) => c <= n };
    case '%':
      if (n === 0) return { error: `hitCondition "${text}": %0 divides by zero; use %1 or more` };
      return { test: (c) => c % n === 0 };
    default: return { test: (c) => c === n };
  }
}

/** Splits a log message into literal text and `{expression}` parts; an error for unbalanced braces. */
export function parseLogMessage(text: string): { parts: Array<{ text: string } | { expr: string }> } | { error: string } {
  const parts: Array<{ text: string } | { expr: string }> = [];
  let lit = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{' && text[i + 1] === '{') { lit += '{'; i++; continue; }
    if (c === '}' && text[i + 1] === '}') { lit += '}'; i++; continue; }
    if (c === '{') {
      let depth = 1, j = i + 1;
      for (; j < text.length && depth; j++) { if (text[j] === '{') depth++; else if (text[j] === '}') depth--; }
      if (depth) return { error: `logMessage "${text}": a '{' at ${i} has no closing '}'` };
      const expr = text.slice(i + 1, j - 1).trim();
      if (!expr) return { error: `logMessage "${text}": an empty {} at ${i}` };
      if (lit) { parts.push({ text: lit }); lit = ''; }
      parts.push({ expr });
      i = j - 1;
      continue;
    }
    if (c === '}') return { error: `logMessage "${text}": a '}' at ${i} closes nothing (write }} for a brace)` };
    lit += c;
  }
  if (lit) parts.push({ text: lit });
  return { parts };
}

/** The log message with each expression's value (or its error, in angle brackets) filled in. */
export async function interpolate(host: ControlHost, parts: Array<{ text: string } | { expr: string }>, hart: number): Promise<string> {
  let out = '';
  for (const p of parts) {
    if ('text' in p) { out += p.text; continue; }
    const v = await host.evaluateAt(p.expr, hart).catch((e: Error) => ({ ok: false as const, text: e.message }));
    out += v.ok ? v.text : `<${v.text}>`;
  }
  return out;
}

/** The settings every kind of user breakpoint may carry, checked once when it is set. */
export interface BreakSettings {
  condition?: string;
  hit?: HitTest;
  hitText?: string;
  log?: Array<{ text: string } | { expr: string }>;
  /** Why the settings are unusable (the breakpoint is then not set). */
  error?: string;
}

export function parseSettings(args: { condition?: string; hitCondition?: string; logMessage?: string }): BreakSettings {
  const s: BreakSettings = {};
  if (typeof args.condition === 'string' && args.condition.trim()) s.condition = args.condition.trim();
  if (typeof args.hitCondition === 'string' && args.hitCondition.trim()) {
    const h = parseHitCondition(args.hitCondition);
    if ('error' in h) s.error = h.error; else { s.hit = h.test; s.hitText = args.hitCondition.trim(); }
  }
  if (typeof args.logMessage === 'string' && args.logMessage.length) {
    const l = parseLogMessage(args.logMessage);
    if ('error' in l) s.error ??= l.error; else s.log = l.parts;
  }
  return s;
}

export type HitVerdict = { kind: 'skip' } | { kind: 'stop' } | { kind: 'log'; text: string } | { kind: 'error'; text: string };

/**
 * What a hit of a breakpoint with these settings does: the condition first (false: the hit does
 * not count), then the hit count, then a log point logs instead of stopping. A condition that
 * cannot be evaluated stops, as gdb does, with the reason.
 */
export async function judgeHit(host: ControlHost, s: BreakSettings, counter: { hits: number }, hart: number): Promise<HitVerdict> {
  if (s.condition) {
    const v = await host.evaluateAt(s.condition, hart).catch((e: Error) => ({ ok: false as const, text: e.message }));
    if (!v.ok) return { kind: 'error', text: `Error in testing condition "${s.condition}": ${v.text}` };
    if (!v.truthy) return { kind: 'skip' };
  }
  counter.hits++;
  if (s.hit && !s.hit(counter.hits)) return { kind: 'skip' };
  if (s.log) return { kind: 'log', text: await interpolate(host, s.log, hart) };
  return { kind: 'stop' };
}
