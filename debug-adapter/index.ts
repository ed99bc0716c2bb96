// The debug adapter for use in process (the extension's vscode.DebugAdapterInlineImplementation
// takes a KernelDebugSession), and its configuration checks.
export { KernelDebugSession } from './session';
export { parseLaunchConfig, parseAttachConfig, ConfigError, type LaunchConfig, type AttachConfig, type SessionConfig } from './launch-config';
