/**
 * A failed run, one class from the worker pool to the extension and the CLI: `detail` is the wire
 * form a worker posts (`FailureDetail`, src/protocol/worker.ts: what, where, at which input),
 * completed on the host with the file and line where they are known. A stopped run is a
 * RunFailure of kind `cancelled`: test it with `isCancellation`, never by comparing messages or
 * error names. Below, the messages for the failures the pool detects itself; failures inside the
 * user's code come from the worker (`load.ts`, `toFailureDetail`).
 */
import type { FailureDetail, FailureKind, LossRef } from '../protocol/worker';
import type { BundleMessage } from './bundle';

export class RunFailure extends Error {
  constructor(
    readonly detail: FailureDetail,
    /** esbuild's messages for `syntax` failures (1-based lines), for editor diagnostics. */
    readonly bundleMessages: readonly BundleMessage[] = [],
  ) {
    super(detail.message);
    this.name = 'RunFailure';
  }

  get kind(): FailureKind {
    return this.detail.kind;
  }

  /** The run was stopped (by the user, a newer run or disposal): nothing to report as an error. */
  static cancelled(exportName?: string, message = 'cancelled'): RunFailure {
    return new RunFailure({ kind: 'cancelled', message, ...(exportName !== undefined ? { exportName } : {}) });
  }
}

/** Whether `e` says the run was stopped rather than failed. */
export function isCancellation(e: unknown): boolean {
  return e instanceof RunFailure && e.detail.kind === 'cancelled';
}

const at = (input: number[] | undefined) => (input ? ` at x ≈ [${input.map((v) => +v.toPrecision(6)).join(', ')}]` : '');

export const failures = {
  cancelled: (loss: LossRef, message = 'cancelled') => RunFailure.cancelled(loss.exportName, message),

  /** Our own bug or an unexpected worker exit. */
  engine: (loss: LossRef, message: string) => new RunFailure({ kind: 'engine', message, exportName: loss.exportName }),

  /** The heartbeat stood still for `stallMs`: a loss call that never returns. */
  stalled: (loss: LossRef, stallMs: number, input: number[] | undefined): FailureDetail => ({
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
