// qRcmd,HEX: gdb's `monitor` command. The command's text goes to the monitor table; its output
// comes back as O packets (console output), then OK. Both directions are UTF-8 bytes.
import { PacketError } from '../errors';
import { runMonitorCommand } from '../monitor/commands';
import { fromHex } from '../rsp/encoding';
import { packet } from './types';

export const monitorCommand = packet({
  key: 'qRcmd',
  parse(text) {
    const bytes = text.startsWith('qRcmd,') ? fromHex(text.slice(6)) : undefined;
    return bytes ? { line: new TextDecoder().decode(bytes) } : new PacketError(text, 'expected qRcmd,HEX');
  },
  async handle(cmd, ctx) {
    const output = await runMonitorCommand(cmd.line, {
      target: ctx.target, control: ctx.control, hart: ctx.state.gHart,
      freeRun: (run) => ctx.freeRun(run), isFreeRunning: () => ctx.isFreeRunning(),
      kernel: ctx.kernel, process: ctx.state.process,
    });
    ctx.consoleOutput(output);
    return 'OK';
  },
});
