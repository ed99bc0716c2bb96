// `kwb ctl PATH COMMAND...`: one management-console command to a running machine's control
// socket (`kwb run --console-socket PATH`). The reply goes to stdout with exit status 0, a
// command's error to stderr with 1; nothing at PATH, not a socket, or nobody listening: one line
// on stderr and 1; bad usage: 2.
import { consoleRequest } from '../host/console/client';
import { MAX_LINE_BYTES } from '../host/console/protocol';

export const CTL_USAGE = 'usage: kwb ctl SOCKET COMMAND [ARGS...]   (try: kwb ctl SOCKET help)';

export interface CtlResult {
  status: number;
  stdout: string;
  stderr: string;
}

export async function runCtl(argv: string[]): Promise<CtlResult> {
  if (argv.length < 2 || argv[0] === '' || argv[0].startsWith('-')) return { status: 2, stdout: '', stderr: `kwb ctl: ${CTL_USAGE}\n` };
  const [path, ...words] = argv;
  const line = words.join(' ');
  if (/[\r\n]/.test(line)) return { status: 2, stdout: '', stderr: 'kwb ctl: the command must be one line\n' };
  if (Buffer.byteLength(line) + 1 > MAX_LINE_BYTES) return { status: 2, stdout: '', stderr: `kwb ctl: the command is longer than ${MAX_LINE_BYTES - 1} bytes\n` };
  try {
    const r = await consoleRequest(path, line);
    return r.ok ? { status: 0, stdout: r.text, stderr: '' } : { status: 1, stdout: '', stderr: r.text };
  } catch (e) {
    return { status: 1, stdout: '', stderr: `kwb ctl: ${(e as Error).message}\n` };
  }
}
