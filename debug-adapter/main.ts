// The debug adapter as a process: DAP over stdin/stdout (VS Code's DebugAdapterExecutable,
// nvim-dap, Emacs dap-mode), or over TCP with --server=PORT. Bundled to dist/kwb-dap.js.
import { DebugSession } from '@vscode/debugadapter';
import { KernelDebugSession } from './session';

// stdout carries the protocol: anything else written there would corrupt it
console.log = (...args: unknown[]) => process.stderr.write(`${args.map(String).join(' ')}\n`);
process.on('unhandledRejection', (e) => process.stderr.write(`kwb-dap: unhandled rejection: ${e instanceof Error ? e.stack : String(e)}\n`));

DebugSession.run(KernelDebugSession);
