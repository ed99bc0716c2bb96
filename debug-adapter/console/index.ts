// The Debug Console's gdb-style commands (README.md), independent of DAP.
export { runConsoleCommand } from './commands';
export { ConsoleState, type ConsoleContext, type ConsoleFrame, type ConsoleThread, type ConsoleObjfile, type ConsoleResult, type NamedValue } from './types';
export { frameValueText } from './frames';
