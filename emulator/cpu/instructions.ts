// The registration table: every instruction group in one list, the decoder built from it,
// and the executor array the hart's loop indexes (op = index + 1; 0 means "not decoded").
import { DecodeTable, Exec, InsnDef } from './decode';
import { RV64I } from './rv64i';
import { RV64M } from './rv64m';
import { RV64A } from './rv64a';
import { SYSTEM_INSNS, ILLEGAL_DEF } from './system';
import { FP_INSNS } from './fp';

export const ALL_INSNS: InsnDef[] = [...RV64I, ...RV64M, ...RV64A, ...SYSTEM_INSNS, ...FP_INSNS, ILLEGAL_DEF];
export const DECODER = new DecodeTable(ALL_INSNS, ALL_INSNS.length - 1);
/** Executors by decoded op (index + 1). */
export const EXEC: Exec[] = [() => { throw new Error('undecoded instruction slot executed'); }, ...ALL_INSNS.map((d) => d.exec)];
/** Op number of the illegal-instruction executor. */
export const ILLEGAL_OP = ALL_INSNS.length;
