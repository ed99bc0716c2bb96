// C expressions on globals against gdb's `print` with no target: gdb reads initialized data
// from the ELF file, and so do we (memory = the file's allocated sections). Covers floating
// point arithmetic and conversions, members of anonymous structs and unions, a struct one unit
// only declares (resolved by name to its definition in another unit), empty structs and char
// pointers of every signedness, at every corpus build.
import { strict as assert } from 'node:assert';
import { GdbMi } from '../support/gdb-mi';
import { MemoryReader, SymbolFile } from '../../symbols';
import { buildCorpus, openFile, VARIANTS } from './support/corpus';

/** Reads the ELF file's allocated sections (byte by byte across section ends). */
export function fileMemory(f: SymbolFile): MemoryReader {
  return {
    readMemory: async (addr, size) => {
      const whole = f.elf!.readVirtual(addr, size);
      if (whole) return whole.slice();
      const out = new Uint8Array(size);
      for (let i = 0; i < size; i++) {
        const b = f.elf!.readVirtual(addr + BigInt(i), 1);
        if (!b) return undefined;
        out[i] = b[0];
      }
      return out;
    },
  };
}

/** gdb's `print EXPR` text without `$N = `, or `ERROR message`. */
export async function gdbPrint(g: GdbMi, e: string): Promise<string> {
  try { return (await g.console(`print ${e}`)).replace(/^\$\d+ = /, '').trim(); } catch (err) { return `ERROR ${(err as { gdbMessage?: string }).gdbMessage ?? err}`; }
}

export const FLOAT_EXPRS = [
  'ratio', 'scale', 'tiny', 'ratio * 2', 'ratio / 2', 'ratio > 2', 'ratio < 2', 'ratio + ival', 'scale * 2', 'scale + ratio', 'scale * scale', 'scale / 3',
  'ratio / 3', 'ival / 3', '-ratio', '-scale', '+ratio', '+scale', '-(-ratio)', '-(float)ratio', '(int)ratio', '(int)-ratio', '(double)ival', '(float)ival / 3',
  'ival / 2.0', 'ratio == 2.5', 'ratio >= 2.5', 'scale != 0.75', 'scale < ratio', 'ratio > ival', '(long)tiny', 'ratio * uval', 'uval * 1.0', 'uval + 0.5',
  '(unsigned char)ratio', '(char)ratio', '(unsigned int)-ratio', '(unsigned long)ratio', '(enum color)ratio', 'favourite + 0.5', "'a' * 1.0", '-ival * 0.1',
  '!ratio', '!scale', 'ratio && 0', 'scale && ratio', '0.0 || 0', 'ratio - ratio', 'ratio - 1', '-0.0', 'tiny * tiny', '(float)ratio', '(float)tiny',
  '(double)scale', '(double)uval', 'ratio % 2', '1 % ratio', '~ratio', 'ratio << 1', '1 << ratio', 'ratio & 1', 'ratio | 1', 'ratio ^ 1',
  'proc_list + ratio', 'ratio + proc_list', 'ratio / 0', '-ratio / 0', '0.0 / 0', '-(0.0 / 0)', '(float)(0.0 / 0)', '1e300 * 1e300', '(float)1e300',
  '2.5', '2.5f', '.5', '1.', '1e3', '1.5e-3', '3.0e10', '123456789.0f', '1.0/3', '1 - 0.9', 'ival * 1.5f', 'sizeof(ratio * 2)', 'sizeof(scale * 2)',
  'sizeof(scale * 2.0)', '(unsigned long)1e300', '(unsigned long)-1.0', '(int)1e300', '(int)-1e300', '(long)-1e300', '(long)1e300', '(unsigned char)300.5',
  '(unsigned int)1e10', '(short)-70000.5', '(float)9007199254740993', '(double)-9223372036854775807', '(struct point *)ratio', '*ratio', 'ratio[0]', '&ratio',
  '*ival', '*(long)&ival', '*favourite', '*buffer[0]',
];

/** Members of anonymous structs and unions (C11), through `.` and `->`, at any depth. */
export const ANON_EXPRS = [
  'anon', 'anon.as_int', 'anon.lo', 'anon.hi', 'anon_ptr->where->y', 'anon_ptr->depth', '&anon.hi', '&anon_ptr->depth', 'anon.nosuch', 'anon_ptr->lo + anon.hi',
  '*anon_ptr->where', 'sizeof(anon.lo)', '&((struct anon_holder *)0)->depth', '(*anon_ptr).where->x',
];

/** types.c only declares struct opaque; opaque.c defines it: resolved by name, as gdb does. */
export const OPAQUE_EXPRS = [
  'opaque_user', 'opaque_user.files->fdt->max_fds', '*opaque_user.files', '*opaque_user.files->fdt', 'sizeof(*opaque_user.files)', 'opaque_user.files->fdtab.fd',
  'opaque_user.files + 1', '&opaque_user.files->fdtab', 'opaque_user.files->count * 2', 'opaque_user.files->nosuch',
];

/** Empty structs and unions (a GNU C extension, common in Linux: lock classes without lockdep). */
export const EMPTY_EXPRS = ['empty_one', 'empty_u', 'with_empty', 'with_empty.e', 'sizeof(empty_one)', 'sizeof(empty_u)', 'sizeof(with_empty)', '*&with_empty.e', 'with_empty.after'];

/** Pointers to char types: gdb omits the `(TYPE) ` prefix only for (qualified) plain char. */
export const CHARPTR_EXPRS = [
  'uptr', 'sptr', 'cptr', 'pptr', 'tstr', 'u8ptr', 'cpconst', 'cvptr', 'csnull', 'strs', 'strs.u', 'strs.s', 'strs.c', 'strs.p', 'strs.n', '(char *)uptr',
  '(const char *)0', '(unsigned char *)0', '(signed char *)0', '(char *)0', 'uptr + 1', '&uptr', '*&uptr', '(string_t)cptr', '(uint8 *)0', '(unsigned char *)cptr', '*uptr',
];

const GROUPS: Array<[string, string[]]> = [['floating point', FLOAT_EXPRS], ['anonymous members', ANON_EXPRS], ['a struct declared here, defined in another unit', OPAQUE_EXPRS], ['empty structs', EMPTY_EXPRS], ['char pointers', CHARPTR_EXPRS]];

describe('symbols: expressions on globals vs gdb print without a target', function () {
  this.timeout(120000);
  for (const v of VARIANTS) for (const [what, exprs] of GROUPS) {
    it(`${what} (${v.opt} ${v.dwarf})`, async () => {
      const elf = buildCorpus(v);
      const f = openFile(elf);
      const mem = fileMemory(f);
      const g = await GdbMi.start({ file: elf, timeoutMs: 60000 });
      try {
        const bad: string[] = [];
        for (const e of exprs) {
          const want = await gdbPrint(g, e);
          const r = await f.printExpression(e, undefined, mem);
          const got = r.ok ? r.text : `ERROR ${r.text}`;
          if (got !== want) bad.push(`${e}: gdb ${want} | ours ${got}`);
        }
        assert.deepEqual(bad, []);
        assert.deepEqual(f.warningList, []);
      } finally {
        await g.close();
      }
    });
  }
});
