/**
 * How a job or a run fails: one error class carrying a `UserError` (what, where, at which input),
 * and the messages for the failures the pool detects itself. Failures inside the user's code come
 * from the worker (`load.ts`, `toUserError`).
 */
import type { LossRef, UserError } from '../protocol/worker';

/** A failed job or run: `detail` says what, where and at which input. */
export class RunFailure extends Error {
  constructor(readonly detail: UserError) {
    super(detail.message);
    this.name = 'RunFailure';
  }
}

const at = (input: number[] | undefined) => (input ? ` at x ≈ [${input.map((v) => +v.toPrecision(6)).join(', ')}]` : '');

export const failures = {
  cancelled: (loss: LossRef, message = 'cancelled') => new RunFailure({ kind: 'cancelled', message, exportName: loss.exportName }),

  /** Our own bug or an unexpected worker exit. */
  engine: (loss: LossRef, message: string) => new RunFailure({ kind: 'engine', message, exportName: loss.exportName }),

  /** The heartbeat stood still for `stallMs`: a loss call that never returns. */
  stalled: (loss: LossRef, stallMs: number, input: number[] | undefined): UserError => ({
    kind: 'timeout',
    message: `${loss.exportName} did not return within ${Math.round(stallMs / 1000)} s${at(input)}; the worker was stopped (sgdLandscape.stallSeconds)`,
    exportName: loss.exportName,
    file: loss.sourceFile,
    input,
  }),

  outOfMemory: (loss: LossRef, limitMb: number | undefined, input: number[] | undefined) =>
    new RunFailure({
      kind: 'memory',
      message: `${loss.exportName} ran out of memory (worker heap limit ${limitMb ?? 'default'} MB, sgdLandscape.memoryLimitMb)${at(input)}`,
      exportName: loss.exportName,
      file: loss.sourceFile,
      input,
    }),

  timeLimit: (loss: LossRef, timeLimitMs: number) =>
    new RunFailure({
      kind: 'timeout',
      message: `${loss.exportName}: the run took longer than the time limit of ${Math.round(timeLimitMs / 1000)} s (sgdLandscape.timeLimitSeconds)`,
      exportName: loss.exportName,
      file: loss.sourceFile,
    }),
};
