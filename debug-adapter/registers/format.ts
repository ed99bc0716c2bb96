// Register values printed as gdb prints them: the "natural" column of `info registers` (signed
// decimal for integers, `0x… <symbol+off>` for code and data pointers, `{float = …, double = …}`
// for the FPRs, gdb's own field texts for mstatus, misa, fflags, frm, fcsr and priv) and the raw
// column. Verified against gdb-multiarch 13 on our stub (test/debug-adapter/registers/).
import { REG_CSR0 } from '../../emulator/target';
import { formatG } from '../../symbols/values/format';
import { registerKind, registerName } from './names';

export type Symbolize = (addr: bigint) => string | undefined;

const hex = (v: bigint): string => '0x' + v.toString(16);
const bit = (v: bigint, n: number): bigint => (v >> BigInt(n)) & 1n;
const signed = (v: bigint): string => BigInt.asIntN(64, v).toString();

/** `<sym+off>` with its angle brackets, whatever form the symbolizer gives. */
export function symbolSuffix(symbolize: Symbolize | undefined, addr: bigint): string {
  const s = symbolize?.(addr);
  if (!s) return '';
  return s.startsWith('<') ? ` ${s}` : ` <${s}>`;
}

function nanText(sign: boolean, mantissa: bigint): string {
  return `${sign ? '-' : ''}nan(${hex(mantissa)})`;
}

/** An IEEE single (low 32 bits) as gdb prints a float: %g with 9 digits, NaNs with their mantissa. */
export function floatText(bits32: bigint): string {
  const b = Number(BigInt.asUintN(32, bits32));
  if (((b >>> 23) & 0xff) === 0xff && (b & 0x7fffff) !== 0) return nanText((b >>> 31) === 1, BigInt(b & 0x7fffff));
  const dv = new DataView(new ArrayBuffer(4));
  dv.setUint32(0, b, true);
  return formatG(dv.getFloat32(0, true), 9);
}

/** An IEEE double as gdb prints it: %g with 17 digits, NaNs with their mantissa. */
export function doubleText(bits64: bigint): string {
  const v = BigInt.asUintN(64, bits64);
  const exp = (v >> 52n) & 0x7ffn, mant = v & ((1n << 52n) - 1n);
  if (exp === 0x7ffn && mant !== 0n) return nanText((v >> 63n) === 1n, mant);
  const dv = new DataView(new ArrayBuffer(8));
  dv.setBigUint64(0, v, true);
  return formatG(dv.getFloat64(0, true), 17);
}

/** gdb's riscv_double union: `{float = F, double = D}`. */
export function fprText(v: bigint): string {
  return `{float = ${floatText(v & 0xffffffffn)}, double = ${doubleText(v)}}`;
}

const FRM_TEXT = ['RNE (round to nearest; ties to even)', 'RTZ (Round towards zero)', 'RDN (Round down towards -INF)',
  'RUP (Round up towards +INF)', 'RMM (Round to nearest; ties to max magnitude)', 'INVALID[5]', 'INVALID[6]', 'INVALID[7] (Dynamic rounding mode)'];
const PRIV_TEXT = ['User/Application', 'Supervisor', '?', 'Machine'];

function fflagsText(v: bigint): string {
  return `NV:${bit(v, 4)} DZ:${bit(v, 3)} OF:${bit(v, 2)} UF:${bit(v, 1)} NX:${bit(v, 0)}`;
}
function frmText(frm: bigint): string {
  return `FRM:${frm} [${FRM_TEXT[Number(frm & 7n)]}]`;
}

/** gdb's text for the CSRs it decodes itself in `info registers`; undefined for the others. */
function gdbCsrText(name: string, v: bigint): string | undefined {
  switch (name) {
    case 'mstatus': case 'sstatus': {
      if (name === 'sstatus') return undefined; // gdb decodes only mstatus
      const f = (n: number) => bit(v, n);
      return `SD:${f(63)} VM:${((v >> 24n) & 0x1fn).toString(16).padStart(2, '0')} MXR:${f(19)} PUM:${f(18)} MPRV:${f(17)} XS:${(v >> 15n) & 3n} ` +
        `FS:${(v >> 13n) & 3n} MPP:${(v >> 11n) & 3n} HPP:${(v >> 9n) & 3n} SPP:${f(8)} MPIE:${f(7)} HPIE:${f(6)} SPIE:${f(5)} UPIE:${f(4)} ` +
        `MIE:${f(3)} HIE:${f(2)} SIE:${f(1)} UIE:${f(0)}`;
    }
    case 'misa': {
      const mxl = Number((v >> 62n) & 3n);
      let s = `RV${mxl === 1 ? 32 : mxl === 2 ? 64 : mxl === 3 ? 128 : 0}`;
      for (let i = 0; i < 26; i++) if (bit(v, i)) s += String.fromCharCode(65 + i);
      return s;
    }
    case 'fflags': return fflagsText(v);
    case 'frm': return frmText(v & 7n);
    case 'fcsr': return `${fflagsText(v)} ${frmText((v >> 5n) & 7n)}`;
    default: return undefined;
  }
}

/** The value as gdb's `info registers` shows it in its second (natural) column. */
export function naturalText(regno: number, value: bigint, symbolize?: Symbolize): string {
  const v = BigInt.asUintN(64, value);
  switch (registerKind(regno)) {
    case 'int': return signed(v);
    case 'code_ptr': case 'data_ptr': return hex(v) + (v === 0n ? '' : symbolSuffix(symbolize, v));
    case 'float': return fprText(v);
    case 'priv': return `prv:${v} [${PRIV_TEXT[Number(v & 3n)]}]`;
    case 'csr': return gdbCsrText(registerName(regno), v) ?? signed(v);
  }
}

/** gdb's raw column: hex for integers, `(raw 0x%016x)` after the natural value for FPRs. */
export function infoRegistersLine(regno: number, value: bigint | undefined, symbolize?: Symbolize, name = registerName(regno)): string {
  const label = name.padEnd(15);
  if (value === undefined) return `${label}<unavailable>`;
  const v = BigInt.asUintN(64, value);
  if (registerKind(regno) === 'float') return `${label}${fprText(v)}\t(raw 0x${v.toString(16).padStart(16, '0')})`;
  return `${label}${hex(v)}\t${naturalText(regno, v, symbolize)}`;
}

export const isCsr = (regno: number): boolean => regno >= REG_CSR0 && regno < REG_CSR0 + 4096;
