// Which run control the session uses: RunControl (control/run-control.ts).
import type { ControlHost, RunControlApi } from '../control/api';
import { RunControl } from '../control/run-control';

/** Whether breakpoints, stepping granularity and exception filters work (capabilities follow it). */
export const RUN_CONTROL_COMPLETE = true;

export function createRunControl(host: ControlHost): RunControlApi {
  return new RunControl(host);
}
