/**
 * A failed run, one class from the worker pool to the extension and the CLI: `detail` is the wire
 * form a worker posts (`FailureDetail`, src/protocol/worker.ts: what, where, at which input),
 * completed on the host with the file and line where they are known. A stopped run is a
 * RunFailure of kind `cancelled`: test it with `isCancellation`, never by comparing messages or
 * error names. Below, the messages for the failures the pool detects itself; failures inside the
 * user's code come from the worker (`failureDetail.ts`, `toFailureDetail`).
 *
 * A pool-detected failure says what ran when it happened (the worker's state: loading the module,
 * inside the user's loss, or the engine's own work), so a hang or a memory error is blamed on the
 * right part: the file's top level, the loss at its input, or the engine's storage.
 */
import { WORKER_STATE, type FailureDetail, type FailureKind, type LossRef } from '../protocol/worker';
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
const seconds = (ms: number) => `${+(ms / 1000).toPrecision(3)} s`;
/** "(file:line)" of the export's declaration, or "(file)". */
const where = (loss: LossRef) => `(${loss.sourceFile}${loss.line !== undefined ? `:${loss.line}` : ''})`;
const STALL = 'the stall limit, --stall-seconds / sgdLandscape.stallSeconds';
const MEMORY = '--memory-mb / sgdLandscape.memoryLimitMb';
const FEWER = 'or keep fewer numbers (trials, checkpoints, trajectoryPoints, resolution)';

/** How much the process may grow during a run: per worker `factor` × its heap limit, plus the host's slack. */
export interface MemoryBudget {
  workers: number;
  limitMb: number;
  factor: number;
  slackMb: number;
}

/** A failure in the user's code, at the export's declaration (no stack: the pool stopped it). */
function inLoss(loss: LossRef, kind: FailureKind, message: string, input?: number[]): FailureDetail {
  return { kind, message, exportName: loss.exportName, file: loss.sourceFile, line: loss.line, input };
}

/** A failure while the module's top level ran: the file, no line. */
function inLoading(loss: LossRef, kind: FailureKind, message: string): FailureDetail {
  return { kind, message, exportName: loss.exportName, file: loss.sourceFile };
}

export const failures = {
  cancelled: (loss: LossRef, message = 'cancelled') => RunFailure.cancelled(loss.exportName, message),

  /** Our own bug or an unexpected worker exit. */
  engine: (loss: LossRef, message: string) => new RunFailure({ kind: 'engine', message, exportName: loss.exportName }),

  /** The heartbeat stood still for `stallMs` inside the user's code: a call (or a load) that never returns. */
  stalled: (loss: LossRef, stallMs: number, state: number, input: number[] | undefined): FailureDetail =>
    state === WORKER_STATE.loading
      ? inLoading(
          loss,
          'timeout',
          `loading ${loss.sourceFile} did not finish within ${seconds(stallMs)}: its top-level code hangs or is too slow (${STALL}); the worker was stopped`,
        )
      : inLoss(
          loss,
          'timeout',
          `${loss.exportName} did not return within ${seconds(stallMs)}${at(input)}; the worker was stopped (${STALL}) ${where(loss)}`,
          input,
        ),

  /** The worker's heap limit was hit: by the module's top level, the loss, or the engine's storage. */
  outOfMemory: (loss: LossRef, state: number, limitMb: number | undefined, input: number[] | undefined) => {
    const limit = `the worker heap limit of ${limitMb ?? 'the default'} MB (${MEMORY})`;
    if (state === WORKER_STATE.loading)
      return new RunFailure(
        inLoading(loss, 'memory', `loading ${loss.sourceFile} ran out of memory: its top-level code needs more than ${limit}`),
      );
    if (state === WORKER_STATE.user)
      return new RunFailure(
        inLoss(loss, 'memory', `${loss.exportName} ran out of memory${at(input)}: it needs more than ${limit} ${where(loss)}`, input),
      );
    return new RunFailure({
      kind: 'memory',
      message: `the engine ran out of memory keeping the results of ${loss.exportName} (${limit}): raise the limit ${FEWER}`,
      exportName: loss.exportName,
      file: loss.sourceFile,
    });
  },

  /**
   * The process's resident memory grew past its budget: a worker's typed arrays or buffers (outside
   * its heap), or, with no user code running, the results being kept.
   */
  processMemory: (loss: LossRef, state: number, grewMb: number, b: MemoryBudget, input: number[] | undefined) => {
    const workers = `${b.workers} worker${b.workers === 1 ? '' : 's'}`;
    const budget = `${workers} × ${b.factor * b.limitMb} MB + ${b.slackMb} MB; typed arrays and buffers count, beside the ${b.limitMb} MB heap limit per worker (${MEMORY})`;
    if (state === WORKER_STATE.loading)
      return new RunFailure(
        inLoading(
          loss,
          'memory',
          `loading ${loss.sourceFile} used too much memory: the process grew by ${grewMb} MB, over its budget of ${budget}`,
        ),
      );
    if (state === WORKER_STATE.user)
      return new RunFailure(
        inLoss(
          loss,
          'memory',
          `${loss.exportName} used too much memory${at(input)}: the process grew by ${grewMb} MB, over its budget of ${budget} ${where(loss)}`,
          input,
        ),
      );
    return new RunFailure({
      kind: 'memory',
      message: `the run of ${loss.exportName} used too much memory keeping its results: the process grew by ${grewMb} MB, over its budget of ${budget}; raise the limit ${FEWER}`,
      exportName: loss.exportName,
      file: loss.sourceFile,
    });
  },

  /** A worker thread ended without an answer (process.exit is trapped, so something rarer ended it). */
  exited: (loss: LossRef, state: number, code: number, input: number[] | undefined) => {
    if (state === WORKER_STATE.loading)
      return new RunFailure(inLoading(loss, 'throw', `loading ${loss.sourceFile} ended its worker thread (exit code ${code})`));
    if (state === WORKER_STATE.user)
      return new RunFailure(
        inLoss(loss, 'throw', `${loss.exportName} ended its worker thread (exit code ${code})${at(input)} ${where(loss)}`, input),
      );
    return failures.engine(loss, `internal error: a worker thread running ${loss.exportName} stopped (exit code ${code})`);
  },

  /** The worker thread itself failed (its script, not the user's code: that is caught inside it). */
  workerError: (loss: LossRef, message: string) => failures.engine(loss, `internal error: a worker thread failed: ${message}`),

  timeLimit: (loss: LossRef, timeLimitMs: number) =>
    new RunFailure({
      kind: 'timeout',
      message: `${loss.exportName}: the run took longer than the time limit of ${seconds(timeLimitMs)} (--time-limit / sgdLandscape.timeLimitSeconds)`,
      exportName: loss.exportName,
      file: loss.sourceFile,
    }),
};
