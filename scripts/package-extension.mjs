// `npm run package`: the VS Code extension as one file, dist/kernel-workbench.vsix, with the
// teaching kernel inside so the first F5 needs nothing else. Builds the teaching kernel (make -C
// guest: needs riscv64-unknown-elf-gcc), the bundles (scripts/build.mjs), copies kernel.elf,
// the user programs (with their debug information), the modules (.ko) and the kernel's sources
// into extension/dist/guest/, records the folder it was built in (the debug information names
// files there; the extension maps them to the user's copy), and runs vsce.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args, cwd = root) => execFileSync(cmd, args, { cwd, stdio: 'inherit' });

run('make', ['-s', '-C', 'guest', '-j2']);
run(process.execPath, ['scripts/build.mjs']);

const guest = join(root, 'guest');
const build = join(guest, 'build');
const out = join(root, 'extension', 'dist', 'guest');
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'user'), { recursive: true });
mkdirSync(join(out, 'modules'), { recursive: true });
copyFileSync(join(build, 'kernel.elf'), join(out, 'kernel.elf'));
// user programs are the files without an extension (not .o or .d)
for (const f of readdirSync(join(build, 'user'))) {
  if (!f.includes('.') && statSync(join(build, 'user', f)).isFile()) copyFileSync(join(build, 'user', f), join(out, 'user', f));
}
for (const f of readdirSync(join(build, 'modules'))) if (f.endsWith('.ko')) copyFileSync(join(build, 'modules', f), join(out, 'modules', f));
for (const d of ['kernel', 'user', 'modules', 'include', 'rootfs']) cpSync(join(guest, d), join(out, 'src', d), { recursive: true });
for (const f of ['README.md', 'Makefile']) copyFileSync(join(guest, f), join(out, 'src', f));
writeFileSync(join(out, 'manifest.json'), JSON.stringify({ buildRoot: guest, builtAt: new Date().toISOString() }, null, 2) + '\n');

mkdirSync(join(root, 'dist'), { recursive: true });
const vsix = join(root, 'dist', 'kernel-workbench.vsix');
run(process.execPath, [join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', vsix], join(root, 'extension'));
console.log(`packaged ${vsix} (${(statSync(vsix).size / 2 ** 20).toFixed(2)} MiB)`);
