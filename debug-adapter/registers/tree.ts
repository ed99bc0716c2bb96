// The Registers scope as a tree the DAP session maps to variables: General (ra..t6 and pc, as
// gdb's `info registers`), Floating point (ft0..ft11 as gdb's {float, double} union, then fflags,
// frm, fcsr) and CSRs (priv, then every CSR the target lists, in hex, with their fields as lazy
// children: gdbstub/monitor/csr-fields.ts). Children are read when asked for (a group when it is
// expanded), so a collapsed group costs nothing on a remote target.
import { REG_CSR0, REG_F0, REG_PC, REG_PRIV } from '../../emulator/target';
import { csrFields } from '../../gdbstub/monitor/csr-fields';
import { FP_CSRS, registerName } from './names';
import { fprText, naturalText, symbolSuffix, type Symbolize } from './format';

export interface RegisterNode {
  name: string;
  /** The value as the Registers view shows it. */
  value: string;
  /** The register's Target number (writes: writeRegisterNode); absent for groups and fields. */
  regno?: number;
  /** For a field of a CSR: its register and bits (writable through writeRegisterNode). */
  field?: { regno: number; hi: number; lo: number };
  /** The register's or field's bits, when read. */
  raw?: bigint;
  /** `$name` for Watch and the Debug Console. */
  evaluateName?: string;
  /** Lazily computed children: a group's registers, a CSR's fields. */
  children?: () => Promise<RegisterNode[]>;
}

/** What the tree reads registers from: a Target satisfies it. */
export interface RegisterSource {
  readRegister(hart: number, regno: number): Promise<bigint>;
  readonly features?: { readonly csrs: readonly number[]; readonly fpu: boolean };
}

export interface RegisterTreeOptions {
  /** `<sym+off>` (or `sym+off`) for an address, for pointers, return addresses and trap vectors. */
  symbolize?: Symbolize;
  /**
   * An outer frame's registers (DWARF numbers: x0..x31 are 0..31) and pc: General shows these,
   * `<not saved>` for one the unwinder did not recover. FPRs and CSRs are the hart's.
   */
  frame?: { pc: bigint; regs: ReadonlyMap<number, bigint> };
  /** CSR numbers to list; default the source's features.csrs. */
  csrs?: readonly number[];
  /** Whether to show the floating-point group; default the source's features.fpu. */
  fpu?: boolean;
}

export const UNAVAILABLE = '<unavailable>';
export const NOT_SAVED = '<not saved>';

const hex = (v: bigint): string => '0x' + BigInt.asUintN(64, v).toString(16);
const PRIV_WORD = ['U', 'S', '?', 'M'];
/** CSRs whose value is a code address: shown with its symbol. */
const CODE_CSRS = new Set(['sepc', 'mepc', 'stvec', 'mtvec']);

async function read(src: RegisterSource, hart: number, regno: number): Promise<bigint | undefined> {
  try { return BigInt.asUintN(64, await src.readRegister(hart, regno)); } catch { return undefined; }
}

/** The node of one register with a known value (the session also uses it after a write). */
export function registerNode(regno: number, value: bigint | undefined, symbolize?: Symbolize, missing = UNAVAILABLE): RegisterNode {
  const name = registerName(regno);
  const node: RegisterNode = { name, value: missing, regno, evaluateName: `$${name}` };
  if (value === undefined) return node;
  const v = BigInt.asUintN(64, value);
  node.raw = v;
  if (regno < 32 || regno === REG_PC) node.value = naturalText(regno, v, symbolize);
  else if (regno >= REG_F0 && regno < REG_F0 + 32) node.value = fprText(v);
  else if (regno === REG_PRIV) node.value = `${v} (${PRIV_WORD[Number(v & 3n)]}-mode)`;
  else {
    node.value = hex(v) + (CODE_CSRS.has(name) && !name.endsWith('tvec') ? symbolSuffix(symbolize, v) : '');
    const fields = csrFields(name, v, symbolize);
    if (fields) {
      node.children = async () => fields.map((f) => ({
        name: f.name, value: f.text, raw: f.value,
        field: f.name === 'root' ? undefined : { regno, hi: f.hi, lo: f.lo },
      }));
    }
  }
  return node;
}

async function general(src: RegisterSource, hart: number, opts: RegisterTreeOptions): Promise<RegisterNode[]> {
  const out: RegisterNode[] = [];
  for (let r = 1; r <= REG_PC; r++) {
    if (opts.frame) {
      const v = r === REG_PC ? opts.frame.pc : opts.frame.regs.get(r);
      out.push(registerNode(r, v, opts.symbolize, NOT_SAVED));
    } else out.push(registerNode(r, await read(src, hart, r), opts.symbolize));
  }
  return out;
}

async function floating(src: RegisterSource, hart: number, csrs: readonly number[]): Promise<RegisterNode[]> {
  const out: RegisterNode[] = [];
  for (let i = 0; i < 32; i++) out.push(registerNode(REG_F0 + i, await read(src, hart, REG_F0 + i)));
  for (const c of FP_CSRS) if (csrs.includes(c)) out.push(registerNode(REG_CSR0 + c, await read(src, hart, REG_CSR0 + c)));
  return out;
}

async function control(src: RegisterSource, hart: number, csrs: readonly number[], symbolize?: Symbolize): Promise<RegisterNode[]> {
  const out: RegisterNode[] = [registerNode(REG_PRIV, await read(src, hart, REG_PRIV))];
  for (const c of [...csrs].sort((a, b) => a - b)) {
    if (FP_CSRS.includes(c)) continue;
    out.push(registerNode(REG_CSR0 + c, await read(src, hart, REG_CSR0 + c), symbolize));
  }
  return out;
}

/**
 * The Registers scope of a hart (or of an outer frame of it): three groups whose children are
 * read when asked for. Never rejects: a register that cannot be read shows `<unavailable>`.
 */
export function registerGroups(src: RegisterSource, hart: number, opts: RegisterTreeOptions = {}): RegisterNode[] {
  const csrs = opts.csrs ?? src.features?.csrs ?? [];
  const fpu = opts.fpu ?? src.features?.fpu ?? false;
  const groups: RegisterNode[] = [{ name: 'General', value: '', children: () => general(src, hart, opts) }];
  if (fpu) groups.push({ name: 'Floating point', value: '', children: () => floating(src, hart, csrs) });
  groups.push({ name: 'CSRs', value: '', children: () => control(src, hart, csrs, opts.symbolize) });
  return groups;
}
