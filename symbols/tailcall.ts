// Tail-call frames: functions that jumped to their callee and so left no frame on the stack,
// reconstructed from DWARF call-site information the way gdb does (its virtual tail-call
// frames). Between a callee and its caller, when the caller's call site at the return address
// calls some other function, every chain of tail-call sites leading from that function to the
// callee is searched; the call sites all chains agree on (from the caller's side and from the
// callee's side) become frames, each at its call site's return address.
//
// gdb's rules, kept here because they decide what shows:
// - the caller's call site is the one whose return pc (DW_AT_call_return_pc, or DW_AT_low_pc
//   of a GNU call site) is the caller frame's pc; without one there is nothing to insert;
// - a call site's target must be known without registers: DW_AT_call_origin (or a GNU call
//   site's DW_AT_abstract_origin) naming a function with an address (its DW_AT_low_pc, the
//   starts of its DW_AT_ranges) or a declaration (its ELF symbol by name); a DW_AT_call_target
//   expression, an origin without addresses or an unknown name ends the search with no frames;
// - a function's tail-call sites count only when its DIE says it lists all of them
//   (DW_AT_call_all_calls, DW_AT_call_all_tail_calls or the GNU variants); they are tried in
//   reverse order of their DIEs, and a call site already on the path stops the rest of its list;
// - a target address where no function with debug information begins ends the search.
import { DW_AT, DW_TAG } from './dwarf/constants';
import { Dwarf } from './dwarf/dwarf';
import { Die } from './dwarf/info';
import { Symbolizer } from './symbolizer';

const AT_call_all_calls = 0x7a, AT_call_all_tail_calls = 0x7c, AT_call_return_pc = 0x7d, AT_call_origin = 0x7f;
const AT_call_tail_call = 0x82, AT_call_target = 0x83;
const AT_GNU_tail_call = 0x2115, AT_GNU_all_tail_call_sites = 0x2116, AT_GNU_all_call_sites = 0x2117, AT_GNU_call_site_target = 0x2113;

/** The search cannot give an answer (gdb's NO_ENTRY_VALUE_ERROR): no frames are inserted. */
class NoChain extends Error {}

const isSite = (d: Die) => d.tag === DW_TAG.call_site || d.tag === DW_TAG.GNU_call_site;
const flag = (d: Die, at: number) => d.get(at)?.v === true;

/** One inserted frame: the call site it stands for (pc: the site's return address). */
export interface TailCallSite { site: Die; pc: bigint }

export class TailCalls {
  private lists = new Map<bigint, Die[]>();

  constructor(private readonly dwarf: Dwarf, private readonly sym: Symbolizer) {}

  /** The return address of a call site (undefined: gdb does not record it). */
  sitePc(site: Die): bigint | undefined {
    const u = site.unit;
    return u.addr(site.get(AT_call_return_pc)) ?? u.addr(site.get(DW_AT.low_pc));
  }

  private static sitesUnder(d: Die, out: Die[], depth = 0): Die[] {
    for (const c of d.children) {
      if (isSite(c)) out.push(c);
      else if (depth < 64 && c.tag !== DW_TAG.subprogram) TailCalls.sitesUnder(c, out, depth + 1);
    }
    return out;
  }

  /** The call site whose return address is pc, in the function holding pc - 1. */
  siteAt(pc: bigint): Die | undefined {
    const f = this.dwarf.functionAt(pc - 1n);
    if (!f) return undefined;
    return TailCalls.sitesUnder(f.die, []).find((s) => this.sitePc(s) === pc);
  }

  /** Where a call site goes, from its DWARF alone (no registers); throws NoChain when it cannot tell. */
  private targets(site: Die): bigint[] {
    const a = site.get(AT_call_target) ?? site.get(AT_GNU_call_site_target) ?? site.get(AT_call_origin) ?? site.get(DW_AT.abstract_origin);
    if (!a || a.cls !== 'ref') throw new NoChain('call site target needs registers or is unknown');
    const t = this.dwarf.dieAt(a.v as number);
    if (!t) throw new NoChain('call site target DIE missing');
    if (flag(t, DW_AT.declaration) && !t.has(DW_AT.specification)) {
      const name = t.unit.str(t.get(DW_AT.linkage_name)) ?? t.unit.str(t.get(DW_AT.MIPS_linkage_name)) ?? t.name;
      const addr = name === undefined ? undefined : this.minimalSymbol(name);
      if (addr === undefined) throw new NoChain(`cannot find function ${name} for a call site target`);
      return [addr];
    }
    const rs = t.unit.ranges(t);
    if (t.has(DW_AT.ranges) && !t.has(DW_AT.low_pc)) {
      if (!rs.length) throw new NoChain('call site target without addresses');
      return rs.map(([lo]) => lo);
    }
    if (!rs.length) throw new NoChain('call site target without low pc');
    return [rs[0][0]];
  }

  /** A function's address by ELF symbol name, a global one first (gdb's minimal symbols). */
  private minimalSymbol(name: string): bigint | undefined {
    const syms = this.sym.elfSymbolsNamed(name);
    const g = syms.find((s) => s.bind === 1 /* STB_GLOBAL */) ?? syms[0];
    return g?.value;
  }

  /** The tail-call sites of the function beginning at addr (empty unless it lists all of them). */
  private tailList(addr: bigint): Die[] {
    const hit = this.lists.get(addr);
    if (hit) return hit;
    const f = this.dwarf.functionAt(addr);
    const entry = f ? f.die.unit.ranges(f.die)[0]?.[0] : undefined;
    if (!f || entry !== addr) throw new NoChain(`no function begins at 0x${addr.toString(16)}`);
    const d = f.die;
    let out: Die[] = [];
    if (flag(d, AT_call_all_calls) || flag(d, AT_call_all_tail_calls) || flag(d, AT_GNU_all_call_sites) || flag(d, AT_GNU_all_tail_call_sites)) {
      out = TailCalls.sitesUnder(d, []).filter((s) => (flag(s, AT_call_tail_call) || flag(s, AT_GNU_tail_call)) && this.sitePc(s) !== undefined).reverse();
    }
    this.lists.set(addr, out);
    return out;
  }

  /**
   * The tail-call frames between a callee (calleePc: an address in it) and its caller (callerPc:
   * the caller frame's pc), innermost first; empty when none or when gdb could not decide.
   */
  framesBetween(calleePc: bigint, callerPc: bigint): TailCallSite[] {
    const callee = this.dwarf.functionAt(calleePc);
    const calleeStart = callee ? callee.die.unit.ranges(callee.die)[0]?.[0] : this.sym.functionAt(calleePc)?.lo;
    if (calleeStart === undefined) return [];
    const first = this.siteAt(callerPc);
    if (!first) return [];
    let result: { sites: Die[]; callers: number; callees: number } | undefined;
    let ambiguous = false;
    const path: Die[] = [];
    const candidate = () => {
      const n = path.length;
      if (!result) { result = { sites: [...path], callers: n, callees: n }; return; }
      const r = result;
      for (let i = 0; i < Math.min(r.callers, n); i++) if (r.sites[i] !== path[i]) { r.callers = i; break; }
      for (let i = 0; i < Math.min(r.callees, n); i++) if (r.sites[r.sites.length - 1 - i] !== path[n - 1 - i]) { r.callees = i; break; }
      if (r.callers === 0 && r.callees === 0) ambiguous = true;
    };
    let steps = 0;
    const explore = (targets: bigint[]): void => {
      if (ambiguous) return;
      if (++steps > 10000) throw new NoChain('tail-call search too long');
      if (targets.includes(calleeStart)) { candidate(); return; }
      for (const s of this.tailList(targets[0])) {
        if (path.includes(s)) return;
        path.push(s);
        explore(this.targets(s));
        path.pop();
        if (ambiguous) return;
      }
    };
    try {
      explore(this.targets(first));
    } catch (e) {
      if (e instanceof NoChain) return [];
      throw e;
    }
    const r = result as { sites: Die[]; callers: number; callees: number } | undefined;
    if (ambiguous || !r || !r.sites.length) return [];
    const L = r.sites.length;
    const picked: Die[] = [];
    for (let i = 0; i < Math.min(r.callees, L); i++) picked.push(r.sites[L - 1 - i]);
    if (r.callees !== L) for (let i = Math.min(r.callers, L) - 1; i >= 0; i--) picked.push(r.sites[i]);
    return picked.map((site) => ({ site, pc: this.sitePc(site)! }));
  }
}
