// Bundles the runnable entry points with esbuild into dist/, and the VS Code extension with its
// two adapter bundles into extension/dist/ (extension.js with 'vscode' external; kwb-dap.js, the
// adapter process; kwb-inline.js, the adapter for the inline mode, loaded only when chosen).
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const entries = [
  { in: 'cli/main.ts', out: 'dist/kwb.js' },
  { in: 'debug-adapter/main.ts', out: 'dist/kwb-dap.js' },
  { in: 'extension/src/extension.ts', out: 'extension/dist/extension.js', external: ['vscode'] },
  { in: 'debug-adapter/main.ts', out: 'extension/dist/kwb-dap.js', needs: 'extension/src/extension.ts' },
  { in: 'debug-adapter/index.ts', out: 'extension/dist/kwb-inline.js', needs: 'extension/src/extension.ts' },
].filter((e) => existsSync(e.in) && (!e.needs || existsSync(e.needs)));

for (const e of entries) {
  await build({
    entryPoints: [e.in], outfile: e.out, bundle: true, platform: 'node', target: 'node20',
    format: 'cjs', sourcemap: true, logLevel: 'warning', external: e.external ?? [],
  });
}
console.log(`built ${entries.map((e) => e.out).join(', ') || 'nothing yet'}`);
