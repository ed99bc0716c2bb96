// The Registers scope, register writes and trap decoding for the debug adapter (README.md).
export { registerGroups, registerNode, UNAVAILABLE, NOT_SAVED, type RegisterNode, type RegisterSource, type RegisterTreeOptions } from './tree';
export { writeRegisterNode, parseCNumber, type WriteResult, type WriteOptions, type RegisterWriter } from './write';
export { describeTrap, type TrapDescription, type TrapOptions, type BreakMode } from './trap';
export { naturalText, infoRegistersLine, fprText, floatText, doubleText, symbolSuffix, type Symbolize } from './format';
export { registerName, registerNumber, registerKind, csrName, GPR_NAMES, FPR_NAMES, FP_CSRS } from './names';
export { csrFields, causeInfo, type CsrField, type CauseInfo } from '../../gdbstub/monitor/csr-fields';
