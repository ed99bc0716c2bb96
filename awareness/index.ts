// awareness/: kernel awareness (tasks, sleeping stacks, processes, modules, deadlocks) per OS
// profile, for any debugger front end. Imports symbols/ only; reads the machine through
// KernelTarget, which the emulator's Target and the gdb stub's RSP client satisfy.
export { KernelAwareness, type AwarenessOptions, type Detection, type TaskFrame, type ModuleObject } from './awareness';
export { findDeadlocks, describeCycle, type DeadlockCycle } from './deadlock';
export { describeAddress } from './describe';
export { IDLE_TID_BASE, registerSet, type TaskInfo, type TaskState, type TaskRegisters, type ModuleInfo, type ModuleSection, type ModuleHook, type LockInfo, type OsProfile } from './model';
export { GuestMemory, type KernelTarget, type GuestSpace } from './target';
export { PROFILES, type ProfileId } from './profiles';
export { formatTaskTable, formatModuleTable } from './format';
export { trapCfiObject, type CfiObject, type TrapFrameCfi } from './trap-cfi';
