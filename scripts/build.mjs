// Bundles the runnable entry points with esbuild into dist/.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const entries = [
  { in: 'cli/main.ts', out: 'dist/kwb.js' },
].filter((e) => existsSync(e.in));

for (const e of entries) {
  await build({
    entryPoints: [e.in], outfile: e.out, bundle: true, platform: 'node', target: 'node20',
    format: 'cjs', sourcemap: true, logLevel: 'warning',
  });
}
console.log(`built ${entries.map((e) => e.out).join(', ') || 'nothing yet'}`);
