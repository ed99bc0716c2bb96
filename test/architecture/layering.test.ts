// The brief's layer table, checked: a layer imports only the layers below it, and the
// machine and symbol engine use no Node APIs (they must also run in a worker or a browser).
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative, resolve, dirname, sep } from 'node:path';
import { REPO_ROOT } from '../support/toolchain';

/** Folder -> layers it may import (besides itself). */
const ALLOWED: Record<string, string[]> = {
  emulator: [],
  symbols: [],
  awareness: ['symbols'],
  gdbstub: ['emulator', 'awareness', 'symbols'],
  host: ['emulator', 'gdbstub', 'awareness', 'symbols'],
  'debug-adapter': ['emulator', 'symbols', 'gdbstub', 'awareness', 'host'],
  extension: ['debug-adapter', 'emulator', 'symbols', 'gdbstub', 'awareness', 'host'],
  cli: ['emulator', 'gdbstub', 'awareness', 'symbols', 'host'],
};
const NO_NODE = ['emulator', 'symbols'];
const NODE_MODULES = /^(node:|fs$|path$|os$|child_process$|net$|worker_threads$|crypto$|http$|tty$|readline$|stream$|events$|util$)/;

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

function importsOf(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const re = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  const out: string[] = [];
  for (let m; (m = re.exec(src));) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

describe('architecture: layering', () => {
  for (const layer of Object.keys(ALLOWED)) {
    it(`${layer}/ imports only ${ALLOWED[layer].length ? ALLOWED[layer].join(', ') : 'nothing of ours'}`, () => {
      const bad: string[] = [];
      for (const file of tsFiles(join(REPO_ROOT, layer))) {
        for (const spec of importsOf(file)) {
          if (spec.startsWith('.')) {
            const target = relative(REPO_ROOT, resolve(dirname(file), spec)).split(sep)[0];
            if (target !== layer && !ALLOWED[layer].includes(target)) {
              bad.push(`${relative(REPO_ROOT, file)} imports ${spec} (layer ${target}); allowed layers are [${ALLOWED[layer].join(', ')}]`);
            }
          } else if (NO_NODE.includes(layer) && NODE_MODULES.test(spec)) {
            bad.push(`${relative(REPO_ROOT, file)} imports Node module ${spec}`);
          }
        }
      }
      assert.deepEqual(bad, []);
    });
  }
  it('the checker sees a wrong import (self-test)', () => {
    // Guards the regex: a file that imports up the layers must be caught.
    const specs = importsOf(join(REPO_ROOT, 'test', 'architecture', 'layering.test.ts'));
    assert.ok(specs.includes('../support/toolchain'));
  });
});
